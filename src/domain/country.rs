//! A country of an address: its ISO 3166-1 code, Poland unless chosen otherwise. The panel knows
//! a short list (names in Polish); the Polish postal-code rule applies to Poland only.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The countries offered, in the order of the select: Poland and its neighbours first.
pub const COUNTRIES: [(&str, &str); 20] = [
    ("PL", "Polska"),
    ("DE", "Niemcy"),
    ("CZ", "Czechy"),
    ("SK", "Słowacja"),
    ("LT", "Litwa"),
    ("UA", "Ukraina"),
    ("AT", "Austria"),
    ("BE", "Belgia"),
    ("DK", "Dania"),
    ("FR", "Francja"),
    ("ES", "Hiszpania"),
    ("NL", "Holandia"),
    ("IE", "Irlandia"),
    ("NO", "Norwegia"),
    ("SE", "Szwecja"),
    ("CH", "Szwajcaria"),
    ("IT", "Włochy"),
    ("GB", "Wielka Brytania"),
    ("US", "Stany Zjednoczone"),
    ("CA", "Kanada"),
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Country(String);

impl Default for Country {
    fn default() -> Self {
        Country::POLAND_CODE.into()
    }
}

impl From<&str> for Country {
    fn from(code: &str) -> Self {
        Country(code.to_string())
    }
}

impl Country {
    const POLAND_CODE: &'static str = "PL";

    /// A code from the list (`pl` or `PL`), or its Polish name.
    pub fn parse(input: &str) -> Result<Country, &'static str> {
        let wanted = input.trim();
        COUNTRIES
            .iter()
            .find(|(code, name)| {
                code.eq_ignore_ascii_case(wanted) || name.eq_ignore_ascii_case(wanted)
            })
            .map(|(code, _)| Country::from(*code))
            .ok_or("Wybierz kraj z listy.")
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    pub fn is_poland(&self) -> bool {
        self.0 == Country::POLAND_CODE
    }

    /// The Polish name, or the code of a country stored but no longer on the list.
    pub fn name(&self) -> &str {
        COUNTRIES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map_or(self.0.as_str(), |(_, name)| name)
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Country;

    #[test]
    fn poland_is_the_default_and_codes_or_names_are_accepted() {
        assert!(Country::default().is_poland());
        assert_eq!(Country::default().name(), "Polska");
        assert_eq!(
            Country::parse("de").map(|c| c.code().to_string()),
            Ok("DE".into())
        );
        assert_eq!(
            Country::parse(" Niemcy ").map(|c| c.name().to_string()),
            Ok("Niemcy".into())
        );
    }

    #[test]
    fn a_country_off_the_list_is_refused() {
        assert_eq!(Country::parse("XX"), Err("Wybierz kraj z listy."));
        assert!(Country::parse("").is_err());
    }
}
