use super::super::testing::{firm, store_with};
use super::super::{NewMessage, Receipt, Refund, Store};
use super::MarkOutcome;
use crate::domain::billing::Line;
use crate::domain::seller::Seller;
use crate::domain::{Account, Document, Money};
use crate::ksef::KsefStatus;
use jiff::Timestamp;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap_or_else(|e| unreachable!("{e}"))
}

fn receipt(_: &Account, _: Receipt<'_>) -> NewMessage {
    message()
}

fn credit(_: &Account, _: &Document, _: &Document) -> NewMessage {
    message()
}

fn message() -> NewMessage {
    NewMessage {
        to: "jan@firma.pl".into(),
        subject: String::new(),
        text: String::new(),
        html: String::new(),
        secret: false,
    }
}

fn store(seller: bool) -> (tempfile::TempDir, Store, u64) {
    let (dir, store, account, _) = store_with(firm("Firma", Some("5260250274")));
    if seller {
        store.set_ksef_seller(Seller::sample().unwrap_or_else(|e| unreachable!("{e}")));
    }
    (dir, store, account.id)
}

/// Pays a new 100,00 zł net proforma: the VAT invoice it issues.
fn paid_invoice(store: &Store, account_id: u64, now: Timestamp) -> Document {
    paid_invoice_at(store, account_id, now, 23)
}

fn paid_invoice_at(store: &Store, account_id: u64, now: Timestamp, vat_percent: u32) -> Document {
    let line = Line {
        description: "Hosting".into(),
        service_id: None,
        quantity: 1,
        unit_net: Money(10_000),
        vat_percent,
        period_months: 12,
    };
    let proforma = store
        .issue_proforma(account_id, vec![line], jiff::civil::date(2026, 12, 10), now)
        .unwrap_or_else(|e| unreachable!("{e}"));
    match store.record_payment(&proforma.number, None, None, now, &receipt) {
        Ok(crate::store::PaymentOutcome::Paid { invoice, .. }) => *invoice,
        _ => unreachable!("the proforma was paid"),
    }
}

fn stored(store: &Store, id: u64) -> Option<String> {
    let tx = store.read().unwrap_or_else(|e| unreachable!("{e}"));
    let table = tx
        .open_table(super::KSEF_XML)
        .unwrap_or_else(|e| unreachable!("{e}"));
    let xml = table.get(id).unwrap_or_else(|e| unreachable!("{e}"));
    xml.map(|v| String::from_utf8_lossy(v.value()).to_string())
}

#[test]
fn the_invoice_is_stored_with_its_xml_in_the_transaction_that_issues_it() {
    let (_dir, store, account) = store(true);
    let invoice = paid_invoice(&store, account, at("2026-12-01T10:00:00Z"));
    let xml = stored(&store, invoice.id).unwrap_or_default();
    assert!(
        xml.contains(&format!("<P_2>{}</P_2>", invoice.number)),
        "{xml}"
    );
    assert!(xml.contains("<DataWytworzeniaFa>2026-12-01T10:00:00Z</DataWytworzeniaFa>"));
    // Never regenerated: asking later, at another time, gives the same bytes.
    let later = store.ksef_xml(invoice.id, at("2027-01-01T00:00:00Z"));
    assert_eq!(later.ok().flatten(), Some(xml.into_bytes()));
}

#[test]
fn a_credit_note_names_the_invoice_and_its_ksef_number_once_accepted() {
    let (_dir, store, account) = store(true);
    let invoice = paid_invoice(&store, account, at("2026-12-01T10:00:00Z"));
    let now = at("2026-12-03T10:00:00Z");
    let issue = |amount| match store.issue_credit_note(
        &invoice.number,
        amount,
        "Zwrot",
        Refund::ToBalance,
        now,
        &credit,
    ) {
        Ok(crate::store::CreditOutcome::Issued { credit_note, .. }) => *credit_note,
        _ => unreachable!("issued"),
    };
    let first = issue(Some(Money(1_000)));
    let xml = stored(&store, first.id).unwrap_or_default();
    assert!(
        xml.contains("<NrFaKorygowanej>") && xml.contains("<NrKSeFN>1</NrKSeFN>"),
        "{xml}"
    );
    let number = "5260250274-20261201-0100001AF629-AF";
    let accepted = KsefStatus::Accepted {
        ksef_number: number.into(),
        at: now,
    };
    let marked = store.mark_ksef(&invoice.number, accepted.clone());
    assert!(matches!(marked, Ok(MarkOutcome::Marked(_))));
    assert_eq!(store.ksef_status(invoice.id).ok(), Some(accepted));
    let second = issue(Some(Money(1_000)));
    let xml = stored(&store, second.id).unwrap_or_default();
    assert!(xml.contains(&format!(
        "<NrKSeFFaKorygowanej>{number}</NrKSeFFaKorygowanej>"
    )));
    // The first credit note's XML did not change with the invoice's status.
    let first_again = stored(&store, first.id).unwrap_or_default();
    assert!(first_again.contains("<NrKSeFN>1</NrKSeFN>"));
}

#[test]
fn without_the_seller_the_xml_is_made_on_first_use_and_kept() {
    let (_dir, store, account) = store(false);
    let invoice = paid_invoice(&store, account, at("2026-12-01T10:00:00Z"));
    assert_eq!(stored(&store, invoice.id), None);
    assert_eq!(
        store.ksef_xml(invoice.id, at("2026-12-02T08:00:00Z")).ok(),
        Some(None)
    );
    store.set_ksef_seller(Seller::sample().unwrap_or_else(|e| unreachable!("{e}")));
    let first = store
        .ksef_xml(invoice.id, at("2026-12-02T08:00:00Z"))
        .ok()
        .flatten();
    let text = String::from_utf8_lossy(first.as_deref().unwrap_or_default()).to_string();
    assert!(text.contains("<DataWytworzeniaFa>2026-12-02T08:00:00Z</DataWytworzeniaFa>"));
    let again = store
        .ksef_xml(invoice.id, at("2026-12-09T08:00:00Z"))
        .ok()
        .flatten();
    assert_eq!(again, first);
}

#[test]
fn only_invoices_and_credit_notes_are_marked_and_listed() {
    let (_dir, store, account) = store(true);
    let invoice = paid_invoice(&store, account, at("2026-12-01T10:00:00Z"));
    let proforma = store
        .document_of_account(account, invoice.proforma_id.unwrap_or_default())
        .ok()
        .flatten()
        .map(|d| d.number)
        .unwrap_or_default();
    let status = KsefStatus::Sent {
        at: at("2026-12-01T11:00:00Z"),
    };
    assert!(matches!(
        store.mark_ksef(&proforma, status.clone()),
        Ok(MarkOutcome::NotAnInvoice(
            crate::domain::DocumentKind::Proforma
        ))
    ));
    assert!(matches!(
        store.mark_ksef("FV/1999/01/0001", status),
        Ok(MarkOutcome::NotFound)
    ));
    let listed = store.ksef_documents(None, None).unwrap_or_default();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0.number, invoice.number);
    let december = jiff::civil::date(2026, 12, 1);
    let later = store.ksef_documents(Some(jiff::civil::date(2026, 12, 2)), None);
    assert_eq!(later.map(|l| l.len()).ok(), Some(0));
    let day = store.ksef_documents(Some(december), Some(december));
    assert_eq!(day.map(|l| l.len()).ok(), Some(1));
}

#[test]
fn a_vat_rate_fa3_cannot_hold_leaves_the_invoice_issued_without_xml() {
    let (_dir, store, account) = store(true);
    let invoice = paid_invoice_at(&store, account, at("2026-12-01T10:00:00Z"), 19);
    assert!(
        invoice.number.starts_with("FV/"),
        "the payment went through"
    );
    assert_eq!(stored(&store, invoice.id), None);
    let later = store.ksef_xml(invoice.id, at("2026-12-02T10:00:00Z"));
    assert_eq!(later.ok(), Some(None));
}
