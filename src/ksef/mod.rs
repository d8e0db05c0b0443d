//! KSeF, the Polish national e-invoicing system: every VAT invoice and credit note as an FA(3)
//! e-invoice (generated once, at issue, and stored with the document), its verification QR code
//! (KOD I) and its KSeF status. Pure code: no I/O, the clock is a parameter.

pub mod fa3;
pub mod invoice;
pub mod qr;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_qr;

pub use invoice::{Corrected, Fa3Error, fa3_xml};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The e-invoice's file name: its number with `/` as `-` (as the PDF), e.g. `FV-2026-12-0001.xml`.
pub fn file_name(number: &str) -> String {
    format!("{}.xml", number.replace('/', "-"))
}

/// The KSeF environment the QR links point to (`--ksef-env`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
pub enum KsefEnv {
    /// Testowe (TE): https://qr-test.ksef.mf.gov.pl
    #[default]
    Test,
    /// Przedprodukcyjne (DEMO): https://qr-demo.ksef.mf.gov.pl
    Demo,
    /// Produkcyjne (PRD): https://qr.ksef.mf.gov.pl
    Production,
}

impl KsefEnv {
    pub fn qr_base(self) -> &'static str {
        match self {
            KsefEnv::Test => "https://qr-test.ksef.mf.gov.pl",
            KsefEnv::Demo => "https://qr-demo.ksef.mf.gov.pl",
            KsefEnv::Production => "https://qr.ksef.mf.gov.pl",
        }
    }
}

/// Where a document stands in KSeF. Until a submission client exists, the operator records it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum KsefStatus {
    #[default]
    NotSent,
    Sent {
        at: Timestamp,
    },
    Accepted {
        ksef_number: String,
        at: Timestamp,
    },
    Rejected {
        reason: String,
        at: Timestamp,
    },
}

impl KsefStatus {
    /// In Polish, for the document page.
    pub fn label(&self) -> String {
        match self {
            KsefStatus::NotSent => "Nie wysłano do KSeF".into(),
            KsefStatus::Sent { .. } => "Wysłano do KSeF, czeka na numer".into(),
            KsefStatus::Accepted { ksef_number, .. } => {
                format!("Przyjęta w KSeF, numer {ksef_number}")
            }
            KsefStatus::Rejected { reason, .. } => format!("Odrzucona przez KSeF: {reason}"),
        }
    }

    pub fn ksef_number(&self) -> Option<&str> {
        match self {
            KsefStatus::Accepted { ksef_number, .. } => Some(ksef_number),
            _ => None,
        }
    }

    /// For the operator's `panel admin ksef status`.
    pub fn operator_label(&self) -> String {
        match self {
            KsefStatus::NotSent => "not sent".into(),
            KsefStatus::Sent { .. } => "sent".into(),
            KsefStatus::Accepted { ksef_number, .. } => format!("accepted {ksef_number}"),
            KsefStatus::Rejected { reason, .. } => format!("rejected: {reason}"),
        }
    }
}

/// Whether `number` has the form of a KSeF number (`TNumerKSeF`): the seller's NIP, the date
/// `YYYYMMDD`, twelve hexadecimal digits (optionally split by `-`) and a two-digit check, e.g.
/// `5265877635-20250826-0100001AF629-AF`.
pub fn is_ksef_number(number: &str) -> bool {
    let hex = |s: &str, n: usize| {
        s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F'))
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = number.split('-').collect();
    let (id, day) = match parts.as_slice() {
        [id, day, code, check] if hex(code, 12) && hex(check, 2) => (*id, *day),
        [id, day, a, b, check] if hex(a, 6) && hex(b, 6) && hex(check, 2) => (*id, *day),
        _ => return false,
    };
    // A NIP: ten digits, the first not 0, the second and third not both 0.
    let id_ok = digits(id, 10) && !id.starts_with('0') && id.get(1..3) != Some("00");
    let date_ok = digits(day, 8)
        && jiff::civil::Date::strptime("%Y%m%d", day).is_ok_and(|d| d.year() >= 2020);
    id_ok && date_ok
}
