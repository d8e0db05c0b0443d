//! REGON, the Polish business register number: nine digits (an entity) or fourteen (a local unit,
//! whose first nine are the entity's REGON), each with its own check digit.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regon(String);

const WEIGHTS_9: [u32; 8] = [8, 9, 2, 3, 4, 5, 6, 7];
const WEIGHTS_14: [u32; 13] = [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8];

/// The check digit for `digits` under `weights`: the weighted sum mod 11, where 10 counts as 0.
fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = weights.iter().zip(digits).map(|(w, d)| w * d).sum();
    (sum % 11) % 10
}

impl Regon {
    /// Accepts spaces and dashes between the digits.
    pub fn parse(input: &str) -> Result<Regon, &'static str> {
        let digits: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        if !matches!(digits.len(), 9 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("REGON składa się z 9 albo 14 cyfr.");
        }
        let value: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        if check_digit(&value, &WEIGHTS_9) != value[8] {
            return Err("Nieprawidłowy REGON: cyfra kontrolna się nie zgadza.");
        }
        if value.len() == 14 && check_digit(&value, &WEIGHTS_14) != value[13] {
            return Err("Nieprawidłowy REGON: cyfra kontrolna się nie zgadza.");
        }
        Ok(Regon(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Regon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Regon;

    #[test]
    fn nine_and_fourteen_digit_regons_with_their_check_digits_are_accepted() {
        for (written, stored) in [
            ("123456785", "123456785"),
            ("123-456-785", "123456785"),
            (" 12345678512347 ", "12345678512347"),
            // 9 × 8 = 72, remainder 6; 4 × 8 = 32, remainder 10, which counts as 0.
            ("900000006", "900000006"),
            ("400000000", "400000000"),
        ] {
            assert_eq!(
                Regon::parse(written).map(|r| r.to_string()),
                Ok(stored.to_string()),
                "{written}"
            );
        }
    }

    #[test]
    fn a_wrong_length_character_or_check_digit_is_refused() {
        assert!(Regon::parse("123456784").is_err(), "wrong check digit");
        assert!(Regon::parse("12345678512348").is_err(), "wrong 14th digit");
        assert!(
            Regon::parse("12345678412347").is_err(),
            "the first nine are not a REGON"
        );
        assert!(Regon::parse("12345678").is_err(), "eight digits");
        assert!(Regon::parse("1234567851").is_err(), "ten digits");
        assert!(Regon::parse("12345678a").is_err(), "a letter");
        assert!(Regon::parse("").is_err());
    }
}
