//! The FA(3) e-invoice as typed structures, serialised by quick-xml's serde serializer. Field
//! order is the schema's `xsd:sequence` order; an `Option` left `None` is an element left out; a
//! schema `xsd:choice` is a set of `Option`s of which exactly one is filled (see `invoice.rs`).
//! Only the elements the panel fills are declared.

use crate::domain::Money;
use serde::{Serialize, Serializer};

/// The FA(3) target namespace (`schemat_FA(3)_v1-0E.xsd`).
pub const NAMESPACE: &str = "http://crd.gov.pl/wzor/2025/06/25/13775/";

/// `TKwotowy` / `TKwotowy2`: a decimal with a dot and two decimals, `-12.30`, `0.00`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount(pub Money);

impl Amount {
    pub fn text(self) -> String {
        let sign = if self.0.0 < 0 { "-" } else { "" };
        let abs = self.0.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

#[derive(Serialize)]
pub struct Faktura {
    #[serde(rename = "@xmlns")]
    pub xmlns: &'static str,
    #[serde(rename = "Naglowek")]
    pub naglowek: Naglowek,
    #[serde(rename = "Podmiot1")]
    pub podmiot1: Podmiot1,
    #[serde(rename = "Podmiot2")]
    pub podmiot2: Podmiot2,
    #[serde(rename = "Fa")]
    pub fa: Fa,
}

#[derive(Serialize)]
pub struct KodFormularza {
    #[serde(rename = "@kodSystemowy")]
    pub kod_systemowy: &'static str,
    #[serde(rename = "@wersjaSchemy")]
    pub wersja_schemy: &'static str,
    #[serde(rename = "$text")]
    pub text: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Naglowek {
    pub kod_formularza: KodFormularza,
    pub wariant_formularza: u8,
    /// `2026-12-06T15:04:05Z`.
    pub data_wytworzenia_fa: String,
    pub system_info: &'static str,
}

#[derive(Serialize)]
pub struct Adres {
    #[serde(rename = "KodKraju")]
    pub kod_kraju: String,
    #[serde(rename = "AdresL1")]
    pub adres_l1: String,
    #[serde(rename = "AdresL2", skip_serializing_if = "Option::is_none")]
    pub adres_l2: Option<String>,
}

#[derive(Serialize)]
pub struct Podmiot1 {
    #[serde(rename = "DaneIdentyfikacyjne")]
    pub dane: DaneSprzedawcy,
    #[serde(rename = "Adres")]
    pub adres: Adres,
}

#[derive(Serialize)]
pub struct DaneSprzedawcy {
    #[serde(rename = "NIP")]
    pub nip: String,
    #[serde(rename = "Nazwa")]
    pub nazwa: String,
}

/// `TPodmiot2`: one of NIP, a foreign tax number (`KodKraju` + `NrID`) or `BrakID` (a consumer).
#[derive(Default, Serialize)]
pub struct DaneNabywcy {
    #[serde(rename = "NIP", skip_serializing_if = "Option::is_none")]
    pub nip: Option<String>,
    #[serde(rename = "KodKraju", skip_serializing_if = "Option::is_none")]
    pub kod_kraju: Option<String>,
    #[serde(rename = "NrID", skip_serializing_if = "Option::is_none")]
    pub nr_id: Option<String>,
    #[serde(rename = "BrakID", skip_serializing_if = "Option::is_none")]
    pub brak_id: Option<u8>,
    #[serde(rename = "Nazwa", skip_serializing_if = "Option::is_none")]
    pub nazwa: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Podmiot2 {
    pub dane_identyfikacyjne: DaneNabywcy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adres: Option<Adres>,
    /// 2: not a local government unit.
    #[serde(rename = "JST")]
    pub jst: u8,
    /// 2: not a member of a VAT group.
    #[serde(rename = "GV")]
    pub gv: u8,
}

/// The invoice proper. Each VAT rate group has its net in `P_13_n` and its VAT in `P_14_n`.
#[derive(Serialize)]
pub struct Fa {
    #[serde(rename = "KodWaluty")]
    pub kod_waluty: &'static str,
    #[serde(rename = "P_1")]
    pub p_1: String,
    #[serde(rename = "P_2")]
    pub p_2: String,
    #[serde(rename = "P_13_1", skip_serializing_if = "Option::is_none")]
    pub p_13_1: Option<Amount>,
    #[serde(rename = "P_14_1", skip_serializing_if = "Option::is_none")]
    pub p_14_1: Option<Amount>,
    #[serde(rename = "P_13_2", skip_serializing_if = "Option::is_none")]
    pub p_13_2: Option<Amount>,
    #[serde(rename = "P_14_2", skip_serializing_if = "Option::is_none")]
    pub p_14_2: Option<Amount>,
    #[serde(rename = "P_13_3", skip_serializing_if = "Option::is_none")]
    pub p_13_3: Option<Amount>,
    #[serde(rename = "P_14_3", skip_serializing_if = "Option::is_none")]
    pub p_14_3: Option<Amount>,
    #[serde(rename = "P_13_4", skip_serializing_if = "Option::is_none")]
    pub p_13_4: Option<Amount>,
    #[serde(rename = "P_14_4", skip_serializing_if = "Option::is_none")]
    pub p_14_4: Option<Amount>,
    #[serde(rename = "P_13_6_1", skip_serializing_if = "Option::is_none")]
    pub p_13_6_1: Option<Amount>,
    #[serde(rename = "P_15")]
    pub p_15: Amount,
    #[serde(rename = "Adnotacje")]
    pub adnotacje: Adnotacje,
    #[serde(rename = "RodzajFaktury")]
    pub rodzaj_faktury: &'static str,
    #[serde(rename = "PrzyczynaKorekty", skip_serializing_if = "Option::is_none")]
    pub przyczyna_korekty: Option<String>,
    #[serde(rename = "TypKorekty", skip_serializing_if = "Option::is_none")]
    pub typ_korekty: Option<u8>,
    #[serde(rename = "DaneFaKorygowanej", skip_serializing_if = "Option::is_none")]
    pub dane_fa_korygowanej: Option<DaneFaKorygowanej>,
    #[serde(rename = "FaWiersz")]
    pub wiersze: Vec<FaWiersz>,
    #[serde(rename = "Platnosc", skip_serializing_if = "Option::is_none")]
    pub platnosc: Option<Platnosc>,
}

/// The fixed annotations: no cash accounting, no self-billing, no reverse charge, no split
/// payment, no exemption, no new means of transport, no simplified triangular procedure, no margin
/// scheme.
#[derive(Serialize)]
pub struct Adnotacje {
    #[serde(rename = "P_16")]
    pub p_16: u8,
    #[serde(rename = "P_17")]
    pub p_17: u8,
    #[serde(rename = "P_18")]
    pub p_18: u8,
    #[serde(rename = "P_18A")]
    pub p_18a: u8,
    #[serde(rename = "Zwolnienie")]
    pub zwolnienie: Zwolnienie,
    #[serde(rename = "NoweSrodkiTransportu")]
    pub nowe_srodki_transportu: NoweSrodkiTransportu,
    #[serde(rename = "P_23")]
    pub p_23: u8,
    #[serde(rename = "PMarzy")]
    pub p_marzy: PMarzy,
}

impl Default for Adnotacje {
    fn default() -> Self {
        Adnotacje {
            p_16: 2,
            p_17: 2,
            p_18: 2,
            p_18a: 2,
            zwolnienie: Zwolnienie { p_19n: 1 },
            nowe_srodki_transportu: NoweSrodkiTransportu { p_22n: 1 },
            p_23: 2,
            p_marzy: PMarzy { p_pmarzy_n: 1 },
        }
    }
}

#[derive(Serialize)]
pub struct Zwolnienie {
    #[serde(rename = "P_19N")]
    pub p_19n: u8,
}

#[derive(Serialize)]
pub struct NoweSrodkiTransportu {
    #[serde(rename = "P_22N")]
    pub p_22n: u8,
}

#[derive(Serialize)]
pub struct PMarzy {
    #[serde(rename = "P_PMarzyN")]
    pub p_pmarzy_n: u8,
}

/// The invoice a correcting invoice corrects: `NrKSeF` + its KSeF number, or `NrKSeFN` when it
/// has none (yet).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DaneFaKorygowanej {
    pub data_wyst_fa_korygowanej: String,
    pub nr_fa_korygowanej: String,
    #[serde(rename = "NrKSeF", skip_serializing_if = "Option::is_none")]
    pub nr_ksef: Option<u8>,
    #[serde(
        rename = "NrKSeFFaKorygowanej",
        skip_serializing_if = "Option::is_none"
    )]
    pub nr_ksef_fa_korygowanej: Option<String>,
    #[serde(rename = "NrKSeFN", skip_serializing_if = "Option::is_none")]
    pub nr_ksef_n: Option<u8>,
}

#[derive(Serialize)]
pub struct FaWiersz {
    #[serde(rename = "NrWierszaFa")]
    pub nr: usize,
    #[serde(rename = "P_7")]
    pub p_7: String,
    #[serde(rename = "P_8A")]
    pub p_8a: &'static str,
    #[serde(rename = "P_8B")]
    pub p_8b: u32,
    #[serde(rename = "P_9A")]
    pub p_9a: Amount,
    #[serde(rename = "P_11")]
    pub p_11: Amount,
    #[serde(rename = "P_12")]
    pub p_12: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Platnosc {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zaplacono: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_zaplaty: Option<String>,
    /// 6: bank transfer.
    pub forma_platnosci: u8,
    pub rachunek_bankowy: RachunekBankowy,
}

#[derive(Serialize)]
pub struct RachunekBankowy {
    #[serde(rename = "NrRB")]
    pub nr_rb: String,
}
