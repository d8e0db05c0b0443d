//! Our VAT invoice (FV) or credit note (FK) as an FA(3) e-invoice.
//!
//! What each FA(3) field we fill is made of:
//!
//! | FA(3) field | our data |
//! |---|---|
//! | `Naglowek/KodFormularza`, `WariantFormularza` | fixed: `FA`, `FA (3)`, `1-0E`, `3` |
//! | `Naglowek/DataWytworzeniaFa` | when the XML was generated (at issue: the document's `issued_at`), UTC |
//! | `Naglowek/SystemInfo` | `Panel klienta` |
//! | `Podmiot1/DaneIdentyfikacyjne/NIP`, `Nazwa` | seller settings `--seller-nip`, `--seller-name` |
//! | `Podmiot1/Adres` | `PL`, `--seller-address` (one line) |
//! | `Podmiot2/DaneIdentyfikacyjne/NIP` | the buyer snapshot's NIP, buyer in Poland |
//! | `Podmiot2/DaneIdentyfikacyjne/KodKraju`, `NrID` | the buyer's country and tax number, buyer abroad |
//! | `Podmiot2/DaneIdentyfikacyjne/BrakID` | `1` when the buyer has no NIP (a consumer) |
//! | `Podmiot2/DaneIdentyfikacyjne/Nazwa` | the buyer snapshot's name |
//! | `Podmiot2/Adres` | the snapshot's country; street (`AdresL1`); postal code and city (`AdresL2`); left out when empty |
//! | `Podmiot2/JST`, `GV` | `2`, `2` (no local government unit, no VAT group) |
//! | `Fa/KodWaluty` | `PLN` |
//! | `Fa/P_1` | issue date (`issued_at`, Warsaw) |
//! | `Fa/P_2` | document number (`FV/2026/12/0001`) |
//! | `Fa/P_13_1`, `P_14_1` | net and VAT of the 23 % (and 22 %) lines, `Document::totals_by_rate` |
//! | `Fa/P_13_2`, `P_14_2` | the same for 8 % (and 7 %) |
//! | `Fa/P_13_3`, `P_14_3` | the same for 5 % |
//! | `Fa/P_13_4`, `P_14_4` | the same for 4 % and 3 % |
//! | `Fa/P_13_6_1` | net of the 0 % lines |
//! | `Fa/P_15` | gross total (`total_gross`; negative on a credit note) |
//! | `Fa/Adnotacje` | fixed "no": P_16, P_17, P_18, P_18A = 2; P_19N, P_22N, P_PMarzyN = 1; P_23 = 2 |
//! | `Fa/RodzajFaktury` | `VAT` for FV, `KOR` for FK |
//! | `Fa/PrzyczynaKorekty` | FK: the credit note's `reason` |
//! | `Fa/TypKorekty` | FK: `2` (takes effect at the correction's date) |
//! | `Fa/DaneFaKorygowanej` | FK: the corrected FV's issue date and number; its KSeF number when accepted, else `NrKSeFN` |
//! | `Fa/FaWiersz/NrWierszaFa` | line position, from 1 |
//! | `Fa/FaWiersz/P_7` | line description |
//! | `Fa/FaWiersz/P_8A`, `P_8B` | unit `usł.`, the line's quantity |
//! | `Fa/FaWiersz/P_9A`, `P_11` | unit net price, line net (`Line::net`); negative on a credit note |
//! | `Fa/FaWiersz/P_12` | VAT rate: `23`, `8`, `5`, …; `0 KR` for 0 % |
//! | `Fa/Platnosc/Zaplacono`, `DataZaplaty` | FV: `1` and the issue date (an FV is issued when its proforma is paid) |
//! | `Fa/Platnosc/FormaPlatnosci` | FV: `6` (transfer) |
//! | `Fa/Platnosc/RachunekBankowy/NrRB` | FV: `--bank-account` (NRB) |

use super::fa3::{
    Adnotacje, Adres, Amount, DaneFaKorygowanej, DaneNabywcy, DaneSprzedawcy, Fa, FaWiersz,
    Faktura, KodFormularza, NAMESPACE, Naglowek, Platnosc, Podmiot1, Podmiot2, RachunekBankowy,
};
use crate::domain::account::Address;
use crate::domain::billing::{Buyer, RateTotals};
use crate::domain::nip::Nip;
use crate::domain::seller::Seller;
use crate::domain::time::today;
use crate::domain::{Document, DocumentKind, Money};
use jiff::Timestamp;
use jiff::civil::Date;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Fa3Error {
    #[error("{0} is neither a VAT invoice nor a credit note: it has no FA(3) form")]
    NotAnInvoice(String),
    #[error("the credit note {0} needs the invoice it corrects")]
    NoCorrectedInvoice(String),
    #[error("{number}: the VAT rate {rate}% has no FA(3) field")]
    UnsupportedRate { number: String, rate: u32 },
    #[error("the FA(3) XML could not be written: {0}")]
    Xml(String),
}

/// The invoice a credit note corrects, with its KSeF number once KSeF accepted it.
pub struct Corrected<'a> {
    pub invoice: &'a Document,
    pub ksef_number: Option<&'a str>,
}

/// The FA(3) XML of `document` (an FV, or an FK with `corrected`), generated at `generated_at`.
pub fn fa3_xml(
    document: &Document,
    seller: &Seller,
    corrected: Option<Corrected<'_>>,
    generated_at: Timestamp,
) -> Result<String, Fa3Error> {
    let faktura = Faktura {
        xmlns: NAMESPACE,
        naglowek: Naglowek {
            kod_formularza: KodFormularza {
                kod_systemowy: "FA (3)",
                wersja_schemy: "1-0E",
                text: "FA",
            },
            wariant_formularza: 3,
            data_wytworzenia_fa: generated_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            system_info: "Panel klienta",
        },
        podmiot1: Podmiot1 {
            dane: DaneSprzedawcy {
                nip: seller.nip.to_string(),
                nazwa: seller.name.clone(),
            },
            adres: Adres {
                kod_kraju: "PL".into(),
                adres_l1: seller.address.clone(),
                adres_l2: None,
            },
        },
        podmiot2: buyer(&document.buyer),
        fa: fa(document, seller, corrected)?,
    };
    let body = quick_xml::se::to_string_with_root("Faktura", &faktura)
        .map_err(|e| Fa3Error::Xml(e.to_string()))?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}\n"
    ))
}

fn date(day: Date) -> String {
    day.strftime("%Y-%m-%d").to_string()
}

fn buyer(buyer: &Buyer) -> Podmiot2 {
    let country = buyer.address.country.code().to_string();
    let nip = buyer
        .nip
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let mut dane = DaneNabywcy {
        nazwa: Some(text512(&buyer.name)).filter(|n| !n.is_empty()),
        ..DaneNabywcy::default()
    };
    match nip {
        None => dane.brak_id = Some(1),
        Some(raw) => match Nip::parse(raw) {
            Ok(nip) if country == "PL" => dane.nip = Some(nip.to_string()),
            _ => {
                dane.kod_kraju = Some(country.clone());
                dane.nr_id = Some(raw.replace([' ', '-'], ""));
            }
        },
    }
    Podmiot2 {
        dane_identyfikacyjne: dane,
        adres: address(&buyer.address, country),
        jst: 2,
        gv: 2,
    }
}

/// `TZnakowy512`: at most 512 characters.
fn text512(text: &str) -> String {
    let cut: String = text.trim().chars().take(512).collect();
    cut.trim_end().to_string()
}

/// The buyer's address; none when the snapshot has none (the schema allows that for the buyer).
fn address(address: &Address, country: String) -> Option<Adres> {
    let city = text512(&format!(
        "{} {}",
        address.postal_code.trim(),
        address.city.trim()
    ));
    let street = text512(&address.street);
    let (l1, l2) = match (street.is_empty(), city.is_empty()) {
        (false, false) => (street, Some(city)),
        (false, true) => (street, None),
        (true, false) => (city, None),
        (true, true) => return None,
    };
    Some(Adres {
        kod_kraju: country,
        adres_l1: l1,
        adres_l2: l2,
    })
}

/// `P_12` of a rate, and which `P_13_n` group it sums into.
fn rate_field(number: &str, rate: u32) -> Result<(String, u8), Fa3Error> {
    let group = match rate {
        23 | 22 => 1,
        8 | 7 => 2,
        5 => 3,
        4 | 3 => 4,
        0 => return Ok(("0 KR".into(), 6)),
        _ => {
            return Err(Fa3Error::UnsupportedRate {
                number: number.to_string(),
                rate,
            });
        }
    };
    Ok((rate.to_string(), group))
}

fn fa(
    document: &Document,
    seller: &Seller,
    corrected: Option<Corrected<'_>>,
) -> Result<Fa, Fa3Error> {
    let issued = today(document.issued_at);
    let mut fa = Fa {
        kod_waluty: "PLN",
        p_1: date(issued),
        p_2: document.number.clone(),
        p_13_1: None,
        p_14_1: None,
        p_13_2: None,
        p_14_2: None,
        p_13_3: None,
        p_14_3: None,
        p_13_4: None,
        p_14_4: None,
        p_13_6_1: None,
        p_15: Amount(document.total_gross()),
        adnotacje: Adnotacje::default(),
        rodzaj_faktury: "VAT",
        przyczyna_korekty: None,
        typ_korekty: None,
        dane_fa_korygowanej: None,
        wiersze: Vec::new(),
        platnosc: None,
    };
    for totals in document.totals_by_rate() {
        add_totals(&mut fa, &document.number, totals)?;
    }
    for (i, line) in document.lines.iter().enumerate() {
        let (p_12, _) = rate_field(&document.number, line.vat_percent)?;
        fa.wiersze.push(FaWiersz {
            nr: i + 1,
            p_7: text512(&line.description),
            p_8a: "usł.",
            p_8b: line.quantity,
            p_9a: Amount(line.unit_net),
            p_11: Amount(line.net()),
            p_12,
        });
    }
    match document.kind {
        DocumentKind::VatInvoice => {
            fa.platnosc = Some(Platnosc {
                zaplacono: Some(1),
                data_zaplaty: Some(date(issued)),
                forma_platnosci: 6,
                rachunek_bankowy: RachunekBankowy {
                    nr_rb: seller.bank_account.nrb().to_string(),
                },
            });
        }
        DocumentKind::CreditNote => {
            let corrected =
                corrected.ok_or_else(|| Fa3Error::NoCorrectedInvoice(document.number.clone()))?;
            fa.rodzaj_faktury = "KOR";
            fa.przyczyna_korekty = document.reason.clone().filter(|r| !r.trim().is_empty());
            fa.typ_korekty = Some(2);
            fa.dane_fa_korygowanej = Some(DaneFaKorygowanej {
                data_wyst_fa_korygowanej: date(today(corrected.invoice.issued_at)),
                nr_fa_korygowanej: corrected.invoice.number.clone(),
                nr_ksef: corrected.ksef_number.map(|_| 1),
                nr_ksef_fa_korygowanej: corrected.ksef_number.map(str::to_string),
                nr_ksef_n: corrected.ksef_number.is_none().then_some(1),
            });
        }
        DocumentKind::Proforma | DocumentKind::PaymentConfirmation => {
            return Err(Fa3Error::NotAnInvoice(document.number.clone()));
        }
    }
    Ok(fa)
}

fn add_totals(fa: &mut Fa, number: &str, totals: RateTotals) -> Result<(), Fa3Error> {
    let (_, group) = rate_field(number, totals.rate)?;
    let (net, vat) = match group {
        1 => (&mut fa.p_13_1, Some(&mut fa.p_14_1)),
        2 => (&mut fa.p_13_2, Some(&mut fa.p_14_2)),
        3 => (&mut fa.p_13_3, Some(&mut fa.p_14_3)),
        4 => (&mut fa.p_13_4, Some(&mut fa.p_14_4)),
        _ => (&mut fa.p_13_6_1, None),
    };
    let sum = |old: &Option<Amount>, add: Money| Some(Amount(old.map_or(add, |a| a.0 + add)));
    *net = sum(net, totals.net);
    if let Some(vat) = vat {
        *vat = sum(vat, totals.vat);
    }
    Ok(())
}
