//! NIP, the Polish tax identification number: ten digits, the last a checksum.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nip(String);

const WEIGHTS: [u32; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];

impl Nip {
    /// Accepts the ways people write it: `5260250274`, `526-025-02-74`, `526 025 02 74`,
    /// `PL5260250274`. The checksum is the weighted sum of the first nine digits mod 11; a
    /// remainder of 10 is never issued.
    pub fn parse(input: &str) -> Result<Nip, &'static str> {
        let trimmed = input.trim();
        let without_prefix = trimmed
            .strip_prefix("PL")
            .or_else(|| trimmed.strip_prefix("pl"))
            .unwrap_or(trimmed);
        let digits: String = without_prefix
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("NIP składa się z 10 cyfr.");
        }
        let value: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = WEIGHTS.iter().zip(&value).map(|(w, d)| w * d).sum();
        if sum % 11 != value[9] {
            return Err("Nieprawidłowy NIP: cyfra kontrolna się nie zgadza.");
        }
        Ok(Nip(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Nip;

    #[test]
    fn a_valid_nip_is_accepted_however_it_is_written() {
        for written in [
            "5260250274",
            "526-025-02-74",
            "526 025 02 74",
            "PL5260250274",
            " 5260250274 ",
        ] {
            assert_eq!(
                Nip::parse(written).map(|n| n.to_string()),
                Ok("5260250274".to_string()),
                "{written}"
            );
        }
        assert!(Nip::parse("1234563218").is_ok());
    }

    #[test]
    fn a_wrong_checksum_length_or_character_is_refused() {
        assert!(Nip::parse("5260250275").is_err(), "wrong check digit");
        assert!(Nip::parse("526025027").is_err(), "nine digits");
        assert!(Nip::parse("52602502744").is_err(), "eleven digits");
        assert!(Nip::parse("52602502a4").is_err(), "a letter");
        assert!(Nip::parse("").is_err());
        // 9 × 6 = 54, remainder 10: no check digit can match.
        for last in 0..=9 {
            assert!(Nip::parse(&format!("900000000{last}")).is_err());
        }
    }
}
