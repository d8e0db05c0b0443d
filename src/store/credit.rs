//! Credit notes (faktura korygująca) and refunds. A credit note returns its amount to the prepaid
//! balance in the transaction that issues it; when the customer is to get it by transfer, the
//! note is marked `refund_due` and `refund` records that transfer (a payout off the balance).

use super::audit::{NewAudit, record};
use super::billing::{insert_document, issue};
use super::codec::{get, owned_ids, put};
use super::ledger::{balance_in, post};
use super::outbox::{NewMessage, enqueue};
use super::schema::{ACCOUNTS, DOCUMENTS, DOCUMENTS_BY_ACCOUNT, DOCUMENTS_BY_NUMBER, LEDGER};
use super::{Result, Store, StoreError};
use crate::domain::audit::{Actor, AuditKind, OPERATOR_ORIGIN};
use crate::domain::billing::Refunded;
use crate::domain::credit::{CreditError, credit_lines};
use crate::domain::ledger::EntryKind;
use crate::domain::{Account, Document, DocumentKind, Money};
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};

/// Where a credit note's money goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refund {
    /// It stays on the prepaid balance, for the next proformas.
    ToBalance,
    /// The operator sends it back by transfer (`refund`); until then it is on the balance.
    ByTransfer,
}

/// Composes the credit note's e-mail: the account, the credit note and the invoice it corrects.
pub type ComposeCredit<'a> = &'a dyn Fn(&Account, &Document, &Document) -> NewMessage;

#[derive(Debug)]
pub enum CreditOutcome {
    Issued {
        credit_note: Box<Document>,
        invoice_number: String,
        /// The prepaid balance after the refund to it.
        balance: Money,
    },
    /// No document has this number.
    NotFound { number: String },
    /// The number names a proforma or a credit note, not a VAT invoice.
    NotAnInvoice { number: String, kind: DocumentKind },
    /// The amount is not positive or above what is left to credit: nothing changed.
    Refused(CreditError),
}

#[derive(Debug)]
pub enum RefundOutcome {
    Recorded {
        credit_note: Box<Document>,
        amount: Money,
        balance: Money,
    },
    /// Recorded before: nothing changed.
    AlreadyRefunded {
        credit_note: Box<Document>,
    },
    /// The credit note's money went to the balance: there is no transfer to record.
    NotByTransfer {
        credit_note: Box<Document>,
    },
    /// The balance no longer holds the amount (the customer spent it): nothing changed.
    BalanceShort {
        credit_note: Box<Document>,
        amount: Money,
        balance: Money,
    },
    NotFound {
        number: String,
    },
    NotACreditNote {
        number: String,
        kind: DocumentKind,
    },
}

fn document_by_number(tx: &WriteTransaction, number: &str) -> Result<Option<Document>> {
    let id = tx
        .open_table(DOCUMENTS_BY_NUMBER)?
        .get(number)?
        .map(|v| v.value());
    match id {
        Some(id) => get(&tx.open_table(DOCUMENTS)?, id),
        None => Ok(None),
    }
}

fn documents_in(tx: &WriteTransaction, account_id: u64) -> Result<Vec<Document>> {
    let documents = tx.open_table(DOCUMENTS)?;
    owned_ids(&tx.open_table(DOCUMENTS_BY_ACCOUNT)?, account_id)?
        .into_iter()
        .filter_map(|id| get::<Document>(&documents, id).transpose())
        .collect()
}

impl Store {
    /// Issues a credit note for the VAT invoice `invoice_number`: all that is left of it when
    /// `amount` is `None`, else `amount` gross. In one transaction: the next `FK/…` number, the
    /// buyer as on the invoice, the refund to the prepaid balance and the customer's e-mail.
    pub fn issue_credit_note(
        &self,
        invoice_number: &str,
        amount: Option<Money>,
        reason: &str,
        refund: Refund,
        now: Timestamp,
        compose: ComposeCredit<'_>,
    ) -> Result<CreditOutcome> {
        self.write(|tx| {
            let Some(invoice) = document_by_number(tx, invoice_number)? else {
                return Ok(CreditOutcome::NotFound {
                    number: invoice_number.to_string(),
                });
            };
            if invoice.kind != DocumentKind::VatInvoice {
                return Ok(CreditOutcome::NotAnInvoice {
                    number: invoice.number,
                    kind: invoice.kind,
                });
            }
            let documents = documents_in(tx, invoice.account_id)?;
            let lines = match credit_lines(&invoice, &documents, amount) {
                Ok(lines) => lines,
                Err(refused) => return Ok(CreditOutcome::Refused(refused)),
            };
            let account: Account = get(&tx.open_table(ACCOUNTS)?, invoice.account_id)?
                .ok_or(StoreError::NotFound("account"))?;
            let mut note = issue(tx, &account, DocumentKind::CreditNote, lines, now)?;
            note.buyer = invoice.buyer.clone();
            note.corrects = Some(invoice.id);
            note.reason = Some(reason.to_string());
            note.refund_due = refund == Refund::ByTransfer;
            insert_document(tx, &note)?;
            let credited = Money(-note.total_gross().0);
            let entry = post(
                tx,
                account.id,
                EntryKind::Refund,
                credited,
                Some(note.id),
                now,
            )?;
            enqueue(tx, compose(&account, &note, &invoice), now)?;
            let audit = NewAudit {
                actor: Actor::Operator,
                kind: AuditKind::CreditNote,
                detail: format!("{} do {}: {credited}", note.number, invoice.number),
                origin: OPERATOR_ORIGIN,
                account_id: Some(account.id),
            };
            record(tx, audit, now)?;
            Ok(CreditOutcome::Issued {
                credit_note: Box::new(note),
                invoice_number: invoice.number,
                balance: entry.balance_after,
            })
        })
    }

    /// Records the transfer that sent a credit note's amount back to the customer: a payout off
    /// the balance, once.
    pub fn refund(
        &self,
        credit_note_number: &str,
        reference: Option<&str>,
        by: Actor,
        now: Timestamp,
    ) -> Result<RefundOutcome> {
        self.write(|tx| {
            let Some(mut note) = document_by_number(tx, credit_note_number)? else {
                return Ok(RefundOutcome::NotFound {
                    number: credit_note_number.to_string(),
                });
            };
            if note.kind != DocumentKind::CreditNote {
                return Ok(RefundOutcome::NotACreditNote {
                    number: note.number,
                    kind: note.kind,
                });
            }
            if note.refunded.is_some() {
                return Ok(RefundOutcome::AlreadyRefunded {
                    credit_note: Box::new(note),
                });
            }
            if !note.refund_due {
                return Ok(RefundOutcome::NotByTransfer {
                    credit_note: Box::new(note),
                });
            }
            let amount = Money(-note.total_gross().0);
            let balance = balance_in(&tx.open_table(LEDGER)?, note.account_id)?;
            if balance < amount {
                return Ok(RefundOutcome::BalanceShort {
                    credit_note: Box::new(note),
                    amount,
                    balance,
                });
            }
            let entry = post(
                tx,
                note.account_id,
                EntryKind::Payout,
                amount,
                Some(note.id),
                now,
            )?;
            note.refund_due = false;
            note.refunded = Some(Refunded {
                at: now,
                reference: reference.map(str::to_string),
            });
            put(&mut tx.open_table(DOCUMENTS)?, note.id, &note)?;
            let origin = if by == Actor::Operator {
                OPERATOR_ORIGIN
            } else {
                ""
            };
            let audit = NewAudit {
                actor: by,
                kind: AuditKind::Refund,
                detail: format!("{}: zwrot {amount} przelewem", note.number),
                origin,
                account_id: Some(note.account_id),
            };
            record(tx, audit, now)?;
            Ok(RefundOutcome::Recorded {
                credit_note: Box::new(note),
                amount,
                balance: entry.balance_after,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Line;
    use crate::store::testing::{firm, store_with};
    use crate::store::{NewMessage, PaymentOutcome};

    fn message(account: &Account, document: &Document) -> NewMessage {
        NewMessage {
            to: account.contact_email.to_string(),
            subject: document.number.clone(),
            text: String::new(),
            html: String::new(),
            secret: false,
        }
    }

    fn credit_message(account: &Account, note: &Document, _: &Document) -> NewMessage {
        message(account, note)
    }

    /// A store with one account and one paid invoice of 60,27 zł; the invoice's number.
    fn store_with_invoice() -> (tempfile::TempDir, Store, u64, String) {
        let now = Timestamp::UNIX_EPOCH;
        let (dir, store, account, _) = store_with(firm("Firma przed zmianą", None));
        let line = Line {
            description: "Hosting".into(),
            service_id: None,
            quantity: 1,
            unit_net: Money(4900),
            vat_percent: 23,
            period_months: 12,
        };
        let proforma = store
            .issue_proforma(account.id, vec![line], jiff::civil::date(1970, 1, 8), now)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let receipt =
            |account: &Account, receipt: crate::store::Receipt<'_>| match receipt.document() {
                Some(document) => message(account, document),
                None => unreachable!("the proforma is paid in full"),
            };
        let paid = store.record_payment(&proforma.number, None, None, now, &receipt);
        let Ok(PaymentOutcome::Paid { invoice, .. }) = paid else {
            unreachable!("the proforma is paid")
        };
        (dir, store, account.id, invoice.number)
    }

    #[test]
    fn a_credit_note_names_the_buyer_of_the_invoice_not_the_account_of_today() {
        let (_dir, store, account_id, invoice) = store_with_invoice();
        let renamed = store.write(|tx| {
            let mut accounts = tx.open_table(ACCOUNTS)?;
            let mut account: Account =
                get(&accounts, account_id)?.ok_or(StoreError::NotFound("account"))?;
            account.name = "Firma po zmianie".into();
            put(&mut accounts, account_id, &account)
        });
        assert!(renamed.is_ok());
        let now = Timestamp::UNIX_EPOCH;
        let outcome = store.issue_credit_note(
            &invoice,
            None,
            "Zwrot",
            Refund::ToBalance,
            now,
            &credit_message,
        );
        let Ok(CreditOutcome::Issued {
            credit_note,
            balance,
            ..
        }) = outcome
        else {
            unreachable!("{outcome:?}")
        };
        assert_eq!(credit_note.buyer.name, "Firma przed zmianą");
        assert_eq!(credit_note.number, "FK/1970/01/0001");
        assert_eq!(balance, Money(6027));
        assert_eq!(store.balance_of(account_id).ok(), Some(Money(6027)));
    }

    #[test]
    fn credit_notes_issued_at_once_never_credit_more_than_the_invoice() {
        let (_dir, store, account_id, invoice) = store_with_invoice();
        let now = Timestamp::UNIX_EPOCH;
        let outcomes: Vec<Result<CreditOutcome>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| {
                        store.issue_credit_note(
                            &invoice,
                            Some(Money(4000)),
                            "Zwrot",
                            Refund::ByTransfer,
                            now,
                            &credit_message,
                        )
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| unreachable!("no panic")))
                .collect()
        });
        let issued = outcomes
            .iter()
            .filter(|o| matches!(o, Ok(CreditOutcome::Issued { .. })))
            .count();
        let refused = outcomes
            .iter()
            .filter(|o| {
                matches!(
                    o,
                    Ok(CreditOutcome::Refused(CreditError::TooMuch { left })) if *left == Money(2027)
                )
            })
            .count();
        assert_eq!((issued, refused), (1, 3));
        assert_eq!(store.balance_of(account_id).ok(), Some(Money(4000)));

        let first = store.refund("FK/1970/01/0001", Some("ZW-1"), Actor::Operator, now);
        assert!(
            matches!(first, Ok(RefundOutcome::Recorded { amount, .. }) if amount == Money(4000))
        );
        let second = store.refund("FK/1970/01/0001", Some("ZW-1"), Actor::Operator, now);
        assert!(matches!(second, Ok(RefundOutcome::AlreadyRefunded { .. })));
        assert_eq!(store.balance_of(account_id).ok(), Some(Money::ZERO));
    }
}
