//! The seller printed on every document: the host's settings, checked once at start-up.

use super::bank::BankAccount;
use super::nip::Nip;

/// The demo's sample seller (valid checksums, obviously not a real company).
pub const SAMPLE_NAME: &str = "Przykładowy Hosting sp. z o.o.";
pub const SAMPLE_NIP: &str = "123-456-32-18";
pub const SAMPLE_ADDRESS: &str = "ul. Przykładowa 1, 00-001 Warszawa";
pub const SAMPLE_BANK_ACCOUNT: &str = "PL 61 1090 1014 0000 0712 1981 2874";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seller {
    pub name: String,
    pub nip: Nip,
    /// One line: "ul. Przykładowa 1, 00-001 Warszawa".
    pub address: String,
    pub bank_account: BankAccount,
}

/// A setting that is wrong: which one (its environment variable) and why, in Polish.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {reason}")]
pub struct SettingError {
    pub setting: &'static str,
    pub reason: String,
}

/// The longest name or address an FA(3) e-invoice holds (`TZnakowy512`).
pub const MAX_TEXT: usize = 512;

fn required(setting: &'static str, value: &str) -> Result<String, SettingError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(SettingError {
            setting,
            reason: "wartość nie może być pusta.".into(),
        });
    }
    if value.chars().count() > MAX_TEXT {
        return Err(SettingError {
            setting,
            reason: format!("najwyżej {MAX_TEXT} znaków (tyle mieści e-faktura KSeF)."),
        });
    }
    Ok(value.to_string())
}

impl Seller {
    /// From the raw settings; each error names its setting.
    pub fn parse(
        name: &str,
        nip: &str,
        address: &str,
        bank_account: &str,
    ) -> Result<Seller, SettingError> {
        let invalid = |setting: &'static str| {
            move |reason: &str| SettingError {
                setting,
                reason: reason.to_string(),
            }
        };
        Ok(Seller {
            name: required("PANEL_SELLER_NAME (--seller-name)", name)?,
            nip: Nip::parse(nip).map_err(invalid("PANEL_SELLER_NIP (--seller-nip)"))?,
            address: required("PANEL_SELLER_ADDRESS (--seller-address)", address)?,
            bank_account: BankAccount::parse(bank_account)
                .map_err(invalid("PANEL_BANK_ACCOUNT (--bank-account)"))?,
        })
    }

    /// Whether this is the demo's sample seller (a real panel must set its own).
    pub fn is_sample(&self) -> bool {
        Nip::parse(SAMPLE_NIP).is_ok_and(|sample| sample == self.nip)
    }

    /// The sample seller, for tests and the demo.
    pub fn sample() -> Result<Seller, SettingError> {
        Seller::parse(SAMPLE_NAME, SAMPLE_NIP, SAMPLE_ADDRESS, SAMPLE_BANK_ACCOUNT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_seller_is_valid() {
        let seller = Seller::sample();
        assert!(seller.as_ref().is_ok_and(Seller::is_sample), "{seller:?}");
    }

    #[test]
    fn each_wrong_setting_is_named_in_its_error() {
        let err = |name, nip, address, bank| {
            Seller::parse(name, nip, address, bank)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        let bank = SAMPLE_BANK_ACCOUNT;
        assert!(err("Firma", "5260250275", "Adres", bank).starts_with("PANEL_SELLER_NIP"));
        assert!(err("Firma", SAMPLE_NIP, "Adres", "PL00 1").starts_with("PANEL_BANK_ACCOUNT"));
        assert!(err(" ", SAMPLE_NIP, "Adres", bank).starts_with("PANEL_SELLER_NAME"));
        assert!(err("Firma", SAMPLE_NIP, "", bank).starts_with("PANEL_SELLER_ADDRESS"));
        let long = "a".repeat(MAX_TEXT + 1);
        assert!(err(long.as_str(), SAMPLE_NIP, "Adres", bank).starts_with("PANEL_SELLER_NAME"));
        assert!(err("Firma", SAMPLE_NIP, long.as_str(), bank).starts_with("PANEL_SELLER_ADDRESS"));
        assert!(Seller::parse(&long[1..], SAMPLE_NIP, &long[1..], bank).is_ok());
        let own = Seller::parse("Firma", "5260250274", "Adres", bank);
        assert!(own.is_ok_and(|s| !s.is_sample()));
    }
}
