//! A phone number in E.164 (`+48600100200`), written however people write it: `600 100 200`,
//! `+48 600-100-200`, `0048 600 100 200`, `(22) 123 45 67`. Nine digits alone are Polish.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone(String);

const POLAND: &str = "48";
const HINT: &str = "Podaj numer telefonu, np. 600 100 200 albo +48 600 100 200.";

/// Polish mobile prefixes, grouped 3-3-3; other Polish numbers are landlines, grouped 2-3-2-2.
const MOBILE_PREFIXES: [&str; 13] = [
    "45", "50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88",
];

impl Phone {
    pub fn parse(input: &str) -> Result<Phone, &'static str> {
        let written = input.trim();
        if written.is_empty() {
            return Err("Podaj numer telefonu.");
        }
        let compact: String = written
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '/' | '\u{a0}'))
            .collect();
        let (international, digits) = match compact.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => match compact.strip_prefix("00") {
                Some(rest) => (true, rest),
                None => (false, compact.as_str()),
            },
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(HINT);
        }
        let e164 = match (international, digits.len()) {
            (false, 9) => format!("{POLAND}{digits}"),
            (false, 11) if digits.starts_with(POLAND) => digits.to_string(),
            (false, _) => return Err(HINT),
            (true, _) => digits.to_string(),
        };
        if let Some(national) = e164.strip_prefix(POLAND) {
            if national.len() != 9 {
                return Err("Polski numer telefonu ma 9 cyfr, np. +48 600 100 200.");
            }
        } else if !(8..=15).contains(&e164.len()) || e164.starts_with('0') {
            return Err(HINT);
        }
        Ok(Phone(format!("+{e164}")))
    }

    /// E.164, as stored: `+48600100200`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How a person reads it: `+48 600 100 200`, `+48 22 123 45 67`.
    pub fn grouped(&self) -> String {
        let Some(national) = self.0.strip_prefix("+48") else {
            return self.0.clone();
        };
        let sizes: &[usize] = if MOBILE_PREFIXES.iter().any(|p| national.starts_with(p)) {
            &[3, 3, 3]
        } else {
            &[2, 3, 2, 2]
        };
        let mut groups = vec!["+48"];
        let mut at = 0;
        for size in sizes {
            groups.push(national.get(at..at + size).unwrap_or_default());
            at += size;
        }
        groups.join(" ")
    }

    /// A stored number as shown: grouped, or as it was written if it predates this check.
    pub fn shown(stored: &str) -> String {
        Phone::parse(stored).map_or_else(|_| stored.to_string(), |p| p.grouped())
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

#[cfg(test)]
mod tests {
    use super::Phone;

    #[test]
    fn polish_numbers_however_written_are_stored_in_e164() {
        for written in [
            "600 100 200",
            "600-100-200",
            "+48 600-100-200",
            "0048 600 100 200",
            "+48600100200",
            "48600100200",
        ] {
            assert_eq!(
                Phone::parse(written).map(|p| p.as_str().to_string()),
                Ok("+48600100200".to_string()),
                "{written}"
            );
        }
        assert_eq!(
            Phone::parse("(22) 123 45 67").map(|p| p.as_str().to_string()),
            Ok("+48221234567".to_string())
        );
    }

    #[test]
    fn numbers_are_shown_grouped() {
        let grouped = |s: &str| Phone::parse(s).map(|p| p.grouped());
        assert_eq!(grouped("600100200"), Ok("+48 600 100 200".into()));
        assert_eq!(grouped("221234567"), Ok("+48 22 123 45 67".into()));
        assert_eq!(grouped("+49 30 1234567"), Ok("+49301234567".into()));
        assert_eq!(Phone::shown("+48 22 123 45 67"), "+48 22 123 45 67");
        assert_eq!(Phone::shown("wew. 12"), "wew. 12");
    }

    #[test]
    fn foreign_numbers_keep_their_country_code() {
        assert_eq!(
            Phone::parse("+49 30 1234567").map(|p| p.as_str().to_string()),
            Ok("+49301234567".to_string())
        );
        assert_eq!(
            Phone::parse("00420 601 123 456").map(|p| p.as_str().to_string()),
            Ok("+420601123456".to_string())
        );
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for written in [
            "",
            "600 100 20",
            "600 100 2000",
            "+48 600 100 20",
            "+48 600 100 2000",
            "telefon",
            "600a100200",
            "+",
            "+0 123 456 789",
            "+1234567890123456",
            "112",
        ] {
            assert!(Phone::parse(written).is_err(), "{written:?}");
        }
    }
}
