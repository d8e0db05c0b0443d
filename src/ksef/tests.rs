//! Every kind of document the billing code issues, as FA(3), checked against the official schema
//! with `xmllint` offline (the schema and catalog are in tests/fixtures/ksef).

use super::*;
use crate::domain::account::Address;
use crate::domain::billing::{Buyer, DocumentStatus, Line};
use crate::domain::credit::credit_lines;
use crate::domain::seller::Seller;
use crate::domain::{Document, DocumentKind, Money};
use std::io::Write;
use std::process::{Command, Stdio};

fn seller() -> Seller {
    Seller::sample().unwrap_or_else(|e| unreachable!("{e}"))
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap_or_else(|e| unreachable!("{e}"))
}

/// What `xmllint` says of `xml` against FA(3): `Ok` when valid, else its messages.
fn validate(xml: &str) -> Result<(), String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ksef");
    let mut child = Command::new("xmllint")
        .args(["--nonet", "--noout", "--schema"])
        .arg(format!("{dir}/schemat_FA(3)_v1-0E.xsd"))
        .arg("-")
        .env("XML_CATALOG_FILES", format!("{dir}/catalog.xml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| unreachable!("xmllint (Debian libxml2-utils) must be installed: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(xml.as_bytes())
            .unwrap_or_else(|e| unreachable!("{e}"));
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| unreachable!("{e}"));
    let messages = String::from_utf8_lossy(&out.stderr).to_string();
    if out.status.success() && messages.contains("validates") {
        Ok(())
    } else {
        Err(messages)
    }
}

fn line(description: &str, net: i64, rate: u32, quantity: u32) -> Line {
    Line {
        description: description.into(),
        service_id: None,
        quantity,
        unit_net: Money(net),
        vat_percent: rate,
        period_months: 12,
    }
}

fn company() -> Buyer {
    Buyer {
        name: "Przykładowa Firma sp. z o.o.".into(),
        nip: Some("526-025-02-74".into()),
        address: Address {
            street: "ul. Kwiatowa 5/2".into(),
            postal_code: "31-000".into(),
            city: "Kraków".into(),
            country: "PL".into(),
        },
    }
}

fn consumer() -> Buyer {
    Buyer {
        name: "Jan Kowalski".into(),
        nip: None,
        address: Address {
            street: "ul. Polna 1".into(),
            postal_code: "00-950".into(),
            city: "Warszawa".into(),
            country: "PL".into(),
        },
    }
}

fn invoice(buyer: Buyer, lines: Vec<Line>) -> Document {
    Document {
        id: 10,
        kind: DocumentKind::VatInvoice,
        number: "FV/2026/12/0007".into(),
        issued_at: at("2026-12-01T09:30:00Z"),
        due_on: None,
        status: DocumentStatus::Issued,
        buyer,
        lines,
        ..Document::unpaid_proforma_for_tests(10, None, jiff::civil::date(2026, 12, 8))
    }
}

fn credit_note(of: &Document, amount: Option<Money>) -> Document {
    let lines = credit_lines(of, &[], amount).unwrap_or_else(|e| unreachable!("{e}"));
    Document {
        id: 11,
        kind: DocumentKind::CreditNote,
        number: "FK/2026/12/0001".into(),
        issued_at: at("2026-12-05T12:00:00Z"),
        corrects: Some(of.id),
        reason: Some("Rezygnacja z usługi".into()),
        lines,
        ..of.clone()
    }
}

fn xml_of(document: &Document, corrected: Option<Corrected<'_>>) -> String {
    fa3_xml(document, &seller(), corrected, document.issued_at)
        .unwrap_or_else(|e| unreachable!("{e}"))
}

fn one_rate() -> Document {
    invoice(
        company(),
        vec![line("Hosting WWW Start, 12 miesięcy", 19_900, 23, 1)],
    )
}

fn several_rates() -> Document {
    invoice(
        consumer(),
        vec![
            line("Domena przyklad.pl & .com.pl <odnowienie>", 4_900, 23, 2),
            line("Usługa 8%", 3_333, 8, 1),
            line("Usługa 5%", 1_000, 5, 3),
            line("Usługa 0%", 500, 0, 1),
        ],
    )
}

#[test]
fn an_invoice_with_one_vat_rate_to_a_company_validates_against_fa3() {
    let xml = xml_of(&one_rate(), None);
    assert_eq!(validate(&xml), Ok(()), "{xml}");
    assert!(xml.contains("<NIP>5260250274</NIP>"), "{xml}");
    assert!(
        xml.contains("<P_13_1>199.00</P_13_1><P_14_1>45.77</P_14_1>"),
        "{xml}"
    );
    assert!(xml.contains("<P_15>244.77</P_15>"), "{xml}");
    assert!(xml.contains("<Zaplacono>1</Zaplacono><DataZaplaty>2026-12-01</DataZaplaty>"));
    assert!(
        xml.contains("<NrRB>61109010140000071219812874</NrRB>"),
        "{xml}"
    );
}

#[test]
fn an_invoice_with_several_vat_rates_to_a_consumer_validates_against_fa3() {
    let document = several_rates();
    let xml = xml_of(&document, None);
    assert_eq!(validate(&xml), Ok(()), "{xml}");
    assert!(xml.contains("<BrakID>1</BrakID>"), "{xml}");
    assert!(
        xml.contains("<P_13_1>98.00</P_13_1><P_14_1>22.54</P_14_1>"),
        "{xml}"
    );
    assert!(
        xml.contains("<P_13_2>33.33</P_13_2><P_14_2>2.67</P_14_2>"),
        "{xml}"
    );
    assert!(
        xml.contains("<P_13_3>30.00</P_13_3><P_14_3>1.50</P_14_3>"),
        "{xml}"
    );
    assert!(xml.contains("<P_13_6_1>5.00</P_13_6_1>"), "{xml}");
    assert!(xml.contains("<P_12>0 KR</P_12>"), "{xml}");
    assert!(xml.contains("&amp; .com.pl &lt;odnowienie&gt;"), "{xml}");
    let gross = super::fa3::Amount(document.total_gross()).text();
    assert!(xml.contains(&format!("<P_15>{gross}</P_15>")), "{xml}");
}

#[test]
fn a_consumer_without_an_address_and_a_very_long_line_validate_against_fa3() {
    let buyer = Buyer {
        name: "Anna Nowak".into(),
        nip: None,
        address: Address::default(),
    };
    let long = "Hosting ".repeat(100);
    let xml = xml_of(&invoice(buyer, vec![line(&long, 100, 23, 1)]), None);
    assert_eq!(validate(&xml), Ok(()), "{xml}");
    assert!(
        xml.contains("<BrakID>1</BrakID><Nazwa>Anna Nowak</Nazwa></DaneIdentyfikacyjne><JST>"),
        "no address: {xml}"
    );
    assert!(
        xml.contains(&format!("<P_7>{}</P_7>", &long[..511])),
        "cut to 512: {xml}"
    );
}

#[test]
fn a_foreign_buyer_with_a_tax_number_validates_against_fa3() {
    let mut buyer = company();
    buyer.nip = Some("DE123456789".into());
    buyer.address.country = "DE".into();
    let xml = xml_of(&invoice(buyer, one_rate().lines), None);
    assert_eq!(validate(&xml), Ok(()), "{xml}");
    assert!(
        xml.contains("<KodKraju>DE</KodKraju><NrID>DE123456789</NrID>"),
        "{xml}"
    );
}

/// A foreign tax number of ten digits may pass the Polish NIP checksum: it is still foreign.
#[test]
fn a_foreign_ten_digit_tax_number_is_not_taken_for_a_polish_nip() {
    let mut buyer = company();
    buyer.nip = Some("5260250274".into());
    buyer.address.country = "CZ".into();
    let xml = xml_of(&invoice(buyer, one_rate().lines), None);
    assert_eq!(validate(&xml), Ok(()), "{xml}");
    assert!(
        xml.contains("<KodKraju>CZ</KodKraju><NrID>5260250274</NrID>"),
        "{xml}"
    );
}

#[test]
fn the_buyers_address_is_its_street_then_postal_code_and_city() {
    let xml = xml_of(&one_rate(), None);
    let buyer = xml.split("<Podmiot2>").nth(1).unwrap_or_default();
    assert!(
        buyer.contains(
            "<Adres><KodKraju>PL</KodKraju><AdresL1>ul. Kwiatowa 5/2</AdresL1>\
             <AdresL2>31-000 Kraków</AdresL2></Adres>"
        ),
        "{xml}"
    );
    let mut no_street = company();
    no_street.address.street = String::new();
    let xml = xml_of(&invoice(no_street, one_rate().lines), None);
    assert_eq!(validate(&xml), Ok(()), "{xml}");
    assert!(
        xml.contains("<AdresL1>31-000 Kraków</AdresL1></Adres>"),
        "{xml}"
    );
}

#[test]
fn the_4_and_3_percent_rates_sum_into_their_own_field() {
    let xml = xml_of(
        &invoice(
            company(),
            vec![
                line("Usługa 4%", 10_000, 4, 1),
                line("Usługa 3%", 1_000, 3, 1),
            ],
        ),
        None,
    );
    assert_eq!(validate(&xml), Ok(()), "{xml}");
    assert!(
        xml.contains("<P_13_4>110.00</P_13_4><P_14_4>4.30</P_14_4>"),
        "{xml}"
    );
    assert!(
        xml.contains("<P_12>4</P_12>") && xml.contains("<P_12>3</P_12>"),
        "{xml}"
    );
}

#[test]
fn a_full_credit_note_is_a_correcting_invoice_referring_to_the_original() {
    let fv = several_rates();
    let fk = credit_note(&fv, None);
    let corrected = Corrected {
        invoice: &fv,
        ksef_number: None,
    };
    let xml = xml_of(&fk, Some(corrected));
    assert_eq!(validate(&xml), Ok(()), "{xml}");
    assert!(xml.contains("<RodzajFaktury>KOR</RodzajFaktury>"), "{xml}");
    assert!(xml.contains("<PrzyczynaKorekty>Rezygnacja z usługi</PrzyczynaKorekty>"));
    assert!(xml.contains(
        "<DataWystFaKorygowanej>2026-12-01</DataWystFaKorygowanej>\
         <NrFaKorygowanej>FV/2026/12/0007</NrFaKorygowanej><NrKSeFN>1</NrKSeFN>"
    ));
    let gross = super::fa3::Amount(fk.total_gross()).text();
    assert!(gross.starts_with('-'));
    assert!(xml.contains(&format!("<P_15>{gross}</P_15>")), "{xml}");
}

#[test]
fn a_partial_credit_note_names_the_corrected_invoices_ksef_number() {
    let fv = one_rate();
    let fk = credit_note(&fv, Some(Money(10_000)));
    let number = "5260250274-20261201-0100001AF629-AF";
    let corrected = Corrected {
        invoice: &fv,
        ksef_number: Some(number),
    };
    let xml = xml_of(&fk, Some(corrected));
    assert_eq!(validate(&xml), Ok(()), "{xml}");
    assert!(xml.contains(&format!(
        "<NrKSeF>1</NrKSeF><NrKSeFFaKorygowanej>{number}</NrKSeFFaKorygowanej>"
    )));
    assert!(xml.contains("<P_15>-100.00</P_15>"), "{xml}");
}

#[test]
fn a_broken_document_is_rejected_by_the_same_check() {
    let xml = xml_of(&one_rate(), None);
    let broken = xml.replace("<P_15>244.77</P_15>", "<P_15>244,77</P_15>");
    assert_ne!(broken, xml);
    assert!(validate(&broken).is_err());
    let reordered = xml.replace("<KodWaluty>PLN</KodWaluty>", "");
    assert!(validate(&reordered).is_err());
}

#[test]
fn a_proforma_or_an_unknown_rate_has_no_fa3() {
    let proforma = Document::unpaid_proforma_for_tests(3, None, jiff::civil::date(2026, 12, 8));
    assert!(matches!(
        fa3_xml(&proforma, &seller(), None, proforma.issued_at),
        Err(Fa3Error::NotAnInvoice(_))
    ));
    let odd = invoice(company(), vec![line("x", 100, 19, 1)]);
    assert!(matches!(
        fa3_xml(&odd, &seller(), None, odd.issued_at),
        Err(Fa3Error::UnsupportedRate { rate: 19, .. })
    ));
    let fk = credit_note(&one_rate(), None);
    assert!(matches!(
        fa3_xml(&fk, &seller(), None, fk.issued_at),
        Err(Fa3Error::NoCorrectedInvoice(_))
    ));
}
