//! A postal code: in Poland `NN-NNN` (written `NNNNN` too); elsewhere as the country writes it.

use super::country::Country;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostalCode(String);

impl PostalCode {
    pub fn parse(input: &str, country: &Country) -> Result<PostalCode, &'static str> {
        let value = input.trim();
        if value.is_empty() {
            return Err("Podaj kod pocztowy.");
        }
        if country.is_poland() {
            return polish(value).ok_or("Kod pocztowy w Polsce ma postać 00-000.");
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == ' ' || c == '-';
        if value.len() > 12 || !value.chars().all(allowed) {
            return Err("Kod pocztowy może mieć do 12 liter, cyfr, spacji i myślników.");
        }
        Ok(PostalCode(value.to_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn polish(value: &str) -> Option<PostalCode> {
    let digits: String = match value.len() {
        6 if value.as_bytes()[2] == b'-' => value.chars().filter(|c| *c != '-').collect(),
        5 => value.to_string(),
        _ => return None,
    };
    (digits.len() == 5 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| PostalCode(format!("{}-{}", &digits[..2], &digits[2..])))
}

impl fmt::Display for PostalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_polish_code_is_kept_or_normalised_to_nn_nnn() {
        let pl = Country::default();
        for (written, stored) in [
            ("00-950", "00-950"),
            ("00950", "00-950"),
            (" 31-042 ", "31-042"),
        ] {
            assert_eq!(
                PostalCode::parse(written, &pl).map(|c| c.to_string()),
                Ok(stored.to_string()),
                "{written}"
            );
        }
    }

    #[test]
    fn a_malformed_polish_code_is_refused() {
        let pl = Country::default();
        for written in [
            "", "0-0950", "000-950", "00-95", "00 950", "AB-CDE", "00-9500", "00–950",
        ] {
            assert!(PostalCode::parse(written, &pl).is_err(), "{written}");
        }
    }

    #[test]
    fn other_countries_keep_their_own_format() {
        let de = Country::from("DE");
        let gb = Country::from("GB");
        assert_eq!(
            PostalCode::parse("10115", &de).map(|c| c.to_string()),
            Ok("10115".into())
        );
        assert_eq!(
            PostalCode::parse("sw1a 1aa", &gb).map(|c| c.to_string()),
            Ok("SW1A 1AA".into())
        );
        assert!(PostalCode::parse("<b>", &gb).is_err());
        assert!(PostalCode::parse("", &de).is_err());
    }
}
