//! The host's bank account: a Polish NRB (26 digits) or the same account as an IBAN (`PL` + NRB),
//! checked with the IBAN mod-97 checksum.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankAccount {
    /// The 26 digits of the NRB (the IBAN without `PL`).
    nrb: String,
}

impl BankAccount {
    /// Accepts `61109010140000071219812874`, `61 1090 1014 0000 0712 1981 2874`,
    /// `PL61 1090 1014 0000 0712 1981 2874`, `PL 61-1090-…`.
    pub fn parse(input: &str) -> Result<BankAccount, &'static str> {
        let compact: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
            .collect();
        let digits = match compact.get(..2) {
            Some(prefix) if prefix.eq_ignore_ascii_case("PL") => &compact[2..],
            _ => compact.as_str(),
        };
        if digits.len() != 26 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("Numer rachunku to 26 cyfr (NRB) albo IBAN zaczynający się od PL.");
        }
        if !checksum_holds(digits) {
            return Err("Nieprawidłowy numer rachunku: cyfry kontrolne się nie zgadzają.");
        }
        Ok(BankAccount {
            nrb: digits.to_string(),
        })
    }

    /// The 26 digits, as a Polish bank's transfer form takes them.
    pub fn nrb(&self) -> &str {
        &self.nrb
    }

    /// `PL61109010140000071219812874`: for machines (QR codes, bank files).
    pub fn iban(&self) -> String {
        format!("PL{}", self.nrb)
    }
}

/// IBAN mod 97: the BBAN, then the country code as numbers (P = 25, L = 21), then the check
/// digits, read as one number, leaves 1.
fn checksum_holds(nrb: &str) -> bool {
    let (check, bban) = nrb.split_at(2);
    let rearranged = format!("{bban}2521{check}");
    let remainder = rearranged
        .bytes()
        .fold(0u32, |acc, b| (acc * 10 + u32::from(b - b'0')) % 97);
    remainder == 1
}

/// Grouped as banks print it: `PL61 1090 1014 0000 0712 1981 2874`.
impl fmt::Display for BankAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let iban = self.iban();
        for (i, chunk) in iban.as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(std::str::from_utf8(chunk).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::BankAccount;

    #[test]
    fn an_account_is_accepted_as_nrb_or_iban_however_it_is_spaced() {
        for written in [
            "61109010140000071219812874",
            "61 1090 1014 0000 0712 1981 2874",
            "PL61 1090 1014 0000 0712 1981 2874",
            "PL 61 1090 1014 0000 0712 1981 2874",
            "pl61109010140000071219812874",
            "61-1090-1014-0000-0712-1981-2874",
        ] {
            let account = BankAccount::parse(written);
            assert_eq!(
                account.as_ref().map(ToString::to_string),
                Ok("PL61 1090 1014 0000 0712 1981 2874".to_string()),
                "{written}"
            );
        }
        assert_eq!(
            BankAccount::parse("27 1140 2004 0000 3002 0135 5387").map(|a| a.iban()),
            Ok("PL27114020040000300201355387".to_string())
        );
    }

    #[test]
    fn a_wrong_checksum_length_country_or_character_is_refused() {
        for (written, why) in [
            ("62109010140000071219812874", "check digits off by one"),
            ("61109010140000071219812875", "last digit changed"),
            ("61109010140000071291812874", "two digits swapped"),
            ("6110901014000007121981287", "25 digits"),
            ("611090101400000712198128744", "27 digits"),
            ("DE61109010140000071219812874", "not a Polish account"),
            ("PL6110901014000007121981287X", "a letter"),
            ("", "empty"),
        ] {
            assert!(BankAccount::parse(written).is_err(), "{why}: {written}");
        }
    }
}
