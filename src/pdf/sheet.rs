//! What a document's PDF says, decided from the document alone (plain data, no layout): titles,
//! dates, parties, lines, totals, payment facts. A new `DocumentKind` needs only its note below;
//! everything else comes from the generic fields.

use crate::domain::billing::RateTotals;
use crate::domain::seller::Seller;
use crate::domain::time::{format_date, today};
use crate::domain::words::amount_in_words;
use crate::domain::{Document, DocumentKind, DocumentStatus, Line, Money};

pub struct Party {
    pub heading: &'static str,
    pub name: String,
    pub address: Vec<String>,
    pub nip: Option<String>,
}

pub struct Sheet<'a> {
    /// "Faktura VAT", "Proforma".
    pub title: &'static str,
    pub number: String,
    /// Label and value: issue and sale dates.
    pub dates: Vec<(&'static str, String)>,
    pub seller: Party,
    pub buyer: Party,
    pub lines: Vec<Line>,
    pub rates: Vec<RateTotals>,
    pub total_net: Money,
    pub total_vat: Money,
    pub total_label: &'static str,
    pub total: Money,
    pub in_words: String,
    /// Label and value: method, bank account, transfer title, when it was paid.
    pub payment: Vec<(&'static str, String)>,
    pub notes: Vec<String>,
    /// An invoice's KSeF verification code, printed last.
    pub ksef: Option<&'a super::KsefCode>,
}

/// How our documents are paid. (A payment from the prepaid balance is still a transfer first.)
const PAYMENT_METHOD: &str = "przelew";

/// When the document was paid, if it was: a VAT invoice is issued for a payment received.
fn paid_on(document: &Document) -> Option<jiff::civil::Date> {
    match document.status {
        DocumentStatus::Paid { paid_at, .. } => Some(today(paid_at)),
        DocumentStatus::Issued
            if matches!(
                document.kind,
                DocumentKind::VatInvoice | DocumentKind::PaymentConfirmation
            ) =>
        {
            Some(today(document.issued_at))
        }
        _ => None,
    }
}

/// What only one kind of document says.
fn kind_note(kind: DocumentKind) -> Option<&'static str> {
    match kind {
        DocumentKind::Proforma => {
            Some("Proforma nie jest fakturą VAT. Fakturę VAT wystawimy po zaksięgowaniu wpłaty.")
        }
        DocumentKind::VatInvoice | DocumentKind::CreditNote => None,
        DocumentKind::PaymentConfirmation => {
            Some("Wpłata zasiliła saldo przedpłat. Fakturę VAT wystawimy, gdy saldo opłaci usługę.")
        }
    }
}

/// What a credit note says of itself: the invoice it corrects, why, and where the money went.
fn correction_notes(document: &Document, corrects: Option<&str>) -> Vec<String> {
    if document.kind != DocumentKind::CreditNote {
        return Vec::new();
    }
    let mut notes = Vec::new();
    if let Some(invoice) = corrects {
        notes.push(format!("Korekta faktury {invoice}."));
    }
    if let Some(reason) = document.reason.as_deref().filter(|r| !r.trim().is_empty()) {
        notes.push(format!("Przyczyna korekty: {reason}"));
    }
    notes.push(if document.refund_due || document.refunded.is_some() {
        "Kwotę korekty zwracamy przelewem na rachunek nabywcy.".to_string()
    } else {
        "Kwota korekty wróciła na saldo przedpłat nabywcy.".to_string()
    });
    notes
}

impl Sheet<'_> {
    /// `transfer_title` is what the buyer writes in the transfer (shown on an unpaid document);
    /// `corrects` the number of the invoice a credit note corrects.
    pub fn of(
        document: &Document,
        seller: &Seller,
        transfer_title: &str,
        corrects: Option<&str>,
    ) -> Sheet<'static> {
        let issued = format_date(today(document.issued_at));
        let dates = vec![
            ("Data wystawienia", issued.clone()),
            ("Data sprzedaży", issued),
        ];
        let mut payment = vec![("Sposób płatności", PAYMENT_METHOD.to_string())];
        if let Some(due) = document.due_on {
            payment.push(("Termin płatności", format_date(due)));
        }
        if document.is_unpaid() {
            payment.push(("Numer rachunku", seller.bank_account.to_string()));
            payment.push(("Tytuł przelewu", transfer_title.to_string()));
        }
        if let Some(paid) = paid_on(document) {
            payment.push((
                "Zapłacono",
                format!("{} ({})", document.total_gross(), format_date(paid)),
            ));
        }
        let mut notes: Vec<String> = kind_note(document.kind)
            .map(String::from)
            .into_iter()
            .collect();
        notes.extend(correction_notes(document, corrects));
        if document.status == DocumentStatus::Cancelled {
            notes.push("Dokument anulowany.".to_string());
        }
        let buyer = &document.buyer;
        let buyer_address = [
            buyer.address.street.trim().to_string(),
            format!(
                "{} {}",
                buyer.address.postal_code.trim(),
                buyer.address.city.trim()
            )
            .trim()
            .to_string(),
            // A buyer abroad: the country under the city (Poland goes without saying).
            if buyer.address.country.is_poland() {
                String::new()
            } else {
                buyer.address.country.name().to_string()
            },
        ];
        Sheet {
            title: document.kind.label(),
            number: document.number.clone(),
            dates,
            seller: Party {
                heading: "Sprzedawca",
                name: seller.name.clone(),
                address: vec![seller.address.clone()],
                nip: Some(seller.nip.to_string()),
            },
            buyer: Party {
                heading: "Nabywca",
                name: buyer.name.clone(),
                address: buyer_address
                    .into_iter()
                    .filter(|l| !l.is_empty())
                    .collect(),
                nip: buyer.nip.clone().filter(|n| !n.trim().is_empty()),
            },
            lines: document.lines.clone(),
            rates: document.totals_by_rate(),
            total_net: document.total_net(),
            total_vat: document.total_vat(),
            total_label: if document.is_unpaid() {
                "Do zapłaty"
            } else {
                "Razem"
            },
            total: document.total_gross(),
            in_words: amount_in_words(document.total_gross()),
            payment,
            notes,
            ksef: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn seller() -> Seller {
        Seller::sample().unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn proforma() -> Document {
        Document::unpaid_proforma_for_tests(3, None, jiff::civil::date(2026, 11, 20))
    }

    fn value<'a>(facts: &'a [(&str, String)], label: &str) -> Option<&'a str> {
        facts
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn an_unpaid_proforma_asks_for_a_transfer_to_the_sellers_account() {
        let sheet = Sheet::of(&proforma(), &seller(), "PF/2026/11/0003 KL-000001", None);
        assert_eq!(sheet.title, "Proforma");
        assert_eq!(sheet.total_label, "Do zapłaty");
        assert_eq!(value(&sheet.payment, "Sposób płatności"), Some("przelew"));
        assert_eq!(
            value(&sheet.payment, "Termin płatności"),
            Some("20.11.2026")
        );
        assert_eq!(
            value(&sheet.payment, "Numer rachunku"),
            Some("PL61 1090 1014 0000 0712 1981 2874")
        );
        assert_eq!(
            value(&sheet.payment, "Tytuł przelewu"),
            Some("PF/2026/11/0003 KL-000001")
        );
        assert_eq!(value(&sheet.payment, "Zapłacono"), None);
        assert_eq!(sheet.in_words, "sześćdziesiąt złotych 27/100");
        assert!(sheet.notes[0].starts_with("Proforma nie jest fakturą VAT"));
    }

    #[test]
    fn a_vat_invoice_is_paid_on_its_issue_date_and_asks_for_nothing() {
        let invoice = Document {
            kind: DocumentKind::VatInvoice,
            status: DocumentStatus::Issued,
            due_on: None,
            issued_at: "2026-11-25T10:00:00Z"
                .parse()
                .unwrap_or(Timestamp::UNIX_EPOCH),
            ..proforma()
        };
        let sheet = Sheet::of(&invoice, &seller(), "ignored", None);
        assert_eq!(sheet.title, "Faktura VAT");
        assert_eq!(value(&sheet.dates, "Data sprzedaży"), Some("25.11.2026"));
        assert_eq!(
            value(&sheet.payment, "Zapłacono"),
            Some("60,27 zł (25.11.2026)")
        );
        assert_eq!(value(&sheet.payment, "Numer rachunku"), None);
        assert_eq!(value(&sheet.payment, "Termin płatności"), None);
        assert_eq!(sheet.total_label, "Razem");
        assert!(sheet.notes.is_empty());
        assert_eq!(sheet.seller.nip.as_deref(), Some("1234563218"));
    }

    #[test]
    fn a_paid_proforma_says_when_it_was_paid() {
        let paid = Document {
            status: DocumentStatus::Paid {
                paid_at: "2026-11-18T23:30:00Z"
                    .parse()
                    .unwrap_or(Timestamp::UNIX_EPOCH),
                invoice_id: 4,
            },
            ..proforma()
        };
        let sheet = Sheet::of(&paid, &seller(), "ignored", None);
        // 23:30 UTC is already the next day in Warsaw.
        assert_eq!(
            value(&sheet.payment, "Zapłacono"),
            Some("60,27 zł (19.11.2026)")
        );
        assert_eq!(value(&sheet.payment, "Tytuł przelewu"), None);
    }
}
