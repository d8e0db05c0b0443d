//! KSeF e-invoices: the FA(3) XML of every VAT invoice and credit note, written once in the
//! transaction that issues the document (see `Store::write`) and never changed; documents issued
//! before (or while the seller was unknown, e.g. `panel admin` on a stopped panel) get it on
//! first use, stored then. And each document's KSeF status, which the operator records.

use super::codec::{decode, get, put};
use super::schema::{DOCUMENTS, DOCUMENTS_BY_NUMBER, KSEF_PENDING, KSEF_STATUS, KSEF_XML};
use super::{Result, Store, StoreError};
use crate::domain::seller::Seller;
use crate::domain::time::today;
use crate::domain::{Document, DocumentKind};
use crate::ksef::{Corrected, KsefStatus, fa3_xml};
use jiff::Timestamp;
use jiff::civil::Date;
use redb::{ReadableTable, WriteTransaction};

/// Whether a document kind has an FA(3) form.
pub fn has_fa3(kind: DocumentKind) -> bool {
    matches!(kind, DocumentKind::VatInvoice | DocumentKind::CreditNote)
}

/// Called for every stored new document: an invoice or credit note waits for its XML until the
/// end of the transaction.
pub(super) fn note_issued(tx: &WriteTransaction, document: &Document) -> Result<()> {
    if has_fa3(document.kind) {
        tx.open_table(KSEF_PENDING)?.insert(document.id, ())?;
    }
    Ok(())
}

/// Writes the XML of the documents issued in this transaction. A document whose XML cannot be
/// made (a VAT rate FA(3) has no field for) is logged and left for the operator: the payment
/// that issued it must not fail for it.
pub(super) fn write_pending(tx: &WriteTransaction, seller: &Seller) -> Result<()> {
    let ids: Vec<u64> = {
        let pending = tx.open_table(KSEF_PENDING)?;
        let mut ids = Vec::new();
        for row in pending.iter()? {
            ids.push(row?.0.value());
        }
        ids
    };
    for id in ids {
        tx.open_table(KSEF_PENDING)?.remove(id)?;
        let issued_at = get::<Document>(&tx.open_table(DOCUMENTS)?, id)?.map(|d| d.issued_at);
        if let Some(issued_at) = issued_at
            && let Err(e) = xml_in(tx, seller, id, issued_at)?
        {
            tracing::error!(document = id, error = %e, "no KSeF e-invoice for this document");
        }
    }
    Ok(())
}

/// The stored XML of document `id`, generated (at `now`) and stored if it has none yet.
fn xml_in(
    tx: &WriteTransaction,
    seller: &Seller,
    id: u64,
    now: Timestamp,
) -> Result<Result<Vec<u8>, String>> {
    if let Some(xml) = tx.open_table(KSEF_XML)?.get(id)? {
        return Ok(Ok(xml.value().to_vec()));
    }
    let documents = tx.open_table(DOCUMENTS)?;
    let document: Document = get(&documents, id)?.ok_or(StoreError::NotFound("document"))?;
    let corrected: Option<Document> = match document.corrects {
        Some(invoice) => get(&documents, invoice)?,
        None => None,
    };
    drop(documents);
    let corrected_status = match &corrected {
        Some(invoice) => status_in(&tx.open_table(KSEF_STATUS)?, invoice.id)?,
        None => KsefStatus::NotSent,
    };
    let corrected = corrected.as_ref().map(|invoice| Corrected {
        invoice,
        ksef_number: corrected_status.ksef_number(),
    });
    match fa3_xml(&document, seller, corrected, now) {
        Ok(xml) => {
            tx.open_table(KSEF_XML)?.insert(id, xml.as_bytes())?;
            Ok(Ok(xml.into_bytes()))
        }
        Err(e) => Ok(Err(e.to_string())),
    }
}

fn status_in(table: &impl ReadableTable<u64, &'static [u8]>, id: u64) -> Result<KsefStatus> {
    Ok(get(table, id)?.unwrap_or_default())
}

/// What `Store::mark_ksef` did.
#[derive(Debug)]
pub enum MarkOutcome {
    Marked(Box<Document>),
    NotFound,
    /// A proforma or payment confirmation: it never goes to KSeF.
    NotAnInvoice(DocumentKind),
}

impl Store {
    /// The seller whose e-invoices this store writes (the host's settings, checked at start-up).
    pub fn set_ksef_seller(&self, seller: Seller) {
        let _ = self.ksef_seller.set(seller);
    }

    /// The seller set at start-up; `None` in `panel admin` on a stopped panel.
    pub(crate) fn ksef_seller(&self) -> Option<&Seller> {
        self.ksef_seller.get()
    }

    /// The FA(3) XML of an invoice or credit note: as stored, or (for a document issued before
    /// KSeF support, or while the seller was unknown) generated now and stored. `None` for other
    /// documents, or when it cannot be made.
    pub fn ksef_xml(&self, id: u64, now: Timestamp) -> Result<Option<Vec<u8>>> {
        if let Some(xml) = self.read()?.open_table(KSEF_XML)?.get(id)? {
            return Ok(Some(xml.value().to_vec()));
        }
        let Some(seller) = self.ksef_seller().cloned() else {
            return Ok(None);
        };
        self.write_unseen(|tx| {
            let kind = get::<Document>(&tx.open_table(DOCUMENTS)?, id)?.map(|d| d.kind);
            if !kind.is_some_and(has_fa3) {
                return Ok(None);
            }
            Ok(xml_in(tx, &seller, id, now)?.ok())
        })
    }

    pub fn ksef_status(&self, id: u64) -> Result<KsefStatus> {
        status_in(&self.read()?.open_table(KSEF_STATUS)?, id)
    }

    /// Records where the invoice or credit note `number` stands in KSeF.
    pub fn mark_ksef(&self, number: &str, status: KsefStatus) -> Result<MarkOutcome> {
        self.write(|tx| {
            let id = tx
                .open_table(DOCUMENTS_BY_NUMBER)?
                .get(number)?
                .map(|v| v.value());
            let Some(document) = id
                .map(|id| get::<Document>(&tx.open_table(DOCUMENTS)?, id))
                .transpose()?
                .flatten()
            else {
                return Ok(MarkOutcome::NotFound);
            };
            if !has_fa3(document.kind) {
                return Ok(MarkOutcome::NotAnInvoice(document.kind));
            }
            put(&mut tx.open_table(KSEF_STATUS)?, document.id, &status)?;
            Ok(MarkOutcome::Marked(Box::new(document)))
        })
    }

    /// Every invoice and credit note issued from `from` to `to` (Warsaw days, both included), in
    /// the order of issue, with its KSeF status.
    pub fn ksef_documents(
        &self,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Vec<(Document, KsefStatus)>> {
        let tx = self.read()?;
        let statuses = tx.open_table(KSEF_STATUS)?;
        let mut list = Vec::new();
        for row in tx.open_table(DOCUMENTS)?.iter()? {
            let (_, bytes) = row?;
            let document: Document = decode(bytes.value())?;
            let day = today(document.issued_at);
            if has_fa3(document.kind)
                && from.is_none_or(|from| day >= from)
                && to.is_none_or(|to| day <= to)
            {
                let status = status_in(&statuses, document.id)?;
                list.push((document, status));
            }
        }
        list.sort_by(|a, b| a.0.issued_at.cmp(&b.0.issued_at).then(a.0.id.cmp(&b.0.id)));
        Ok(list)
    }
}

#[cfg(test)]
#[path = "ksef_tests.rs"]
mod tests;
