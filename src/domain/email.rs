//! An e-mail address as the panel accepts it: trimmed, lower-cased, one `@`, a dotted domain.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err("Podaj adres e-mail.");
        }
        if value.len() > 254 {
            return Err("Adres e-mail jest za długi.");
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err("Adres e-mail musi zawierać znak @, np. jan@firma.pl.");
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Email(value))
        } else {
            Err("To nie wygląda na poprawny adres e-mail, np. jan@firma.pl.")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised() {
        assert_eq!(
            Email::parse("  Jan.Kowalski@Firma.PL ").map(|e| e.to_string()),
            Ok("jan.kowalski@firma.pl".to_string())
        );
    }

    #[test]
    fn malformed_addresses_are_refused_with_a_polish_reason() {
        assert_eq!(Email::parse(""), Err("Podaj adres e-mail."));
        assert!(Email::parse("jan").is_err());
        assert!(Email::parse("jan@localhost").is_err());
        assert!(Email::parse("jan@@firma.pl").is_err());
        assert!(Email::parse("<script>@firma.pl").is_err());
    }
}
