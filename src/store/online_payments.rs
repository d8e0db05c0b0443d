//! Zapłać online: registrations, the gateway's notifications, verification and the one
//! transaction that applies a payment to its proforma (through `record_in`, as a transfer is).

use super::audit::record_payment_outcome;
use super::billing::{ComposeReceipt, PaymentOutcome, record_in};
use super::codec::get;
use super::codec::{decode, encode};
use super::schema::{DOCUMENTS, DOCUMENTS_BY_NUMBER, ONLINE_PAYMENTS, ONLINE_PENDING};
use super::{Result, Store, StoreError};
use crate::domain::audit::Actor;
use crate::domain::online_payment::{OnlinePayment, OnlineState};
use crate::domain::{Document, DocumentKind, Money};
use jiff::{SignedDuration, Timestamp};
use redb::{ReadableTable, WriteTransaction};

/// What the gateway says was paid, already checked against its signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaidNotice {
    pub session_id: String,
    pub order_id: u64,
    pub amount: Money,
    pub currency: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum NoticeOutcome {
    /// Recorded as notified: verify and apply follow.
    Recorded,
    /// Notified before (the gateway retries): nothing changed.
    Repeated,
    /// No payment of ours has this session id: nothing stored.
    UnknownSession,
    /// The amount or currency differs from the registration: nothing stored.
    Mismatch(String),
}

fn load(tx: &WriteTransaction, session: &str) -> Result<Option<OnlinePayment>> {
    let table = tx.open_table(ONLINE_PAYMENTS)?;
    let found = table.get(session)?;
    found.map(|v| decode(v.value())).transpose()
}

fn save(tx: &WriteTransaction, payment: &OnlinePayment) -> Result<()> {
    let session = payment.session_id.as_str();
    tx.open_table(ONLINE_PAYMENTS)?
        .insert(session, encode(payment)?.as_slice())?;
    let mut pending = tx.open_table(ONLINE_PENDING)?;
    if payment.state.is_pending() {
        pending.insert(session, ())?;
    } else {
        pending.remove(session)?;
    }
    Ok(())
}

/// What a credit note's refund can go back through.
pub enum RefundTarget {
    NoCreditNote,
    /// The credit note corrects an invoice no online payment produced.
    NotOnline(Box<Document>),
    Online {
        credit_note: Box<Document>,
        payment: Box<OnlinePayment>,
    },
}

/// The answer to a notice that changes nothing (unknown session, another amount, notified
/// before); `None` when it is to be recorded.
fn settled_answer(payment: Option<&OnlinePayment>, notice: &PaidNotice) -> Option<NoticeOutcome> {
    let Some(payment) = payment else {
        return Some(NoticeOutcome::UnknownSession);
    };
    if notice.amount != payment.amount || notice.currency != payment.currency {
        return Some(NoticeOutcome::Mismatch(format!(
            "{} {} notified, {} {} registered",
            notice.amount, notice.currency, payment.amount, payment.currency
        )));
    }
    match payment.state {
        OnlineState::Registered | OnlineState::Failed { .. } => None,
        _ => Some(NoticeOutcome::Repeated),
    }
}

/// How a recorded payment ended, for the operator's list.
fn note_of(outcome: &PaymentOutcome) -> (String, Option<u64>) {
    match outcome {
        PaymentOutcome::Paid { invoice, .. } => {
            (format!("paid: {}", invoice.number), Some(invoice.id))
        }
        PaymentOutcome::Credited { proforma, balance } => (
            format!(
                "{} already paid or not covered: credited to the prepaid balance (now {balance})",
                proforma.number
            ),
            None,
        ),
        PaymentOutcome::AlreadyPaid { proforma } | PaymentOutcome::AlreadyRecorded { proforma } => {
            (
                format!("{} recorded before: nothing changed", proforma.number),
                None,
            )
        }
        PaymentOutcome::ReferenceUsedElsewhere { other } => (
            format!("reference used for {other}: nothing changed, check it"),
            None,
        ),
        PaymentOutcome::LooksRepeated { proforma, .. } => (
            format!(
                "{} looks repeated: nothing changed, check it",
                proforma.number
            ),
            None,
        ),
    }
}

impl Store {
    /// Stores a registration before the customer is sent to the gateway.
    pub fn register_online_payment(&self, payment: &OnlinePayment) -> Result<()> {
        self.write_unseen(|tx| {
            if load(tx, &payment.session_id)?.is_some() {
                return Err(StoreError::Conflict("session id used before".into()));
            }
            save(tx, payment)
        })
    }

    pub fn online_payment(&self, session: &str) -> Result<Option<OnlinePayment>> {
        let tx = self.read()?;
        let table = tx.open_table(ONLINE_PAYMENTS)?;
        let found = table.get(session)?;
        found.map(|v| decode(v.value())).transpose()
    }

    /// Every online payment, newest first.
    pub fn online_payments(&self) -> Result<Vec<OnlinePayment>> {
        let tx = self.read()?;
        let mut list = Vec::new();
        for row in tx.open_table(ONLINE_PAYMENTS)?.iter()? {
            list.push(decode::<OnlinePayment>(row?.1.value())?);
        }
        list.sort_by_key(|p| std::cmp::Reverse(p.registered_at));
        Ok(list)
    }

    /// The notified or verified payments whose next step is due at `now`.
    pub fn due_online_payments(&self, now: Timestamp) -> Result<Vec<OnlinePayment>> {
        let tx = self.read()?;
        let payments = tx.open_table(ONLINE_PAYMENTS)?;
        let mut due = Vec::new();
        for row in tx.open_table(ONLINE_PENDING)?.iter()? {
            let session = row?.0;
            if let Some(bytes) = payments.get(session.value())? {
                let payment: OnlinePayment = decode(bytes.value())?;
                if payment.next_try_at.is_none_or(|at| at <= now) {
                    due.push(payment);
                }
            }
        }
        Ok(due)
    }

    /// Records the gateway's (signature-checked) notification if it matches our registration.
    /// Unknown, mismatched and repeated ones are answered from a read: no write, no disk sync.
    pub fn record_online_notice(
        &self,
        notice: &PaidNotice,
        now: Timestamp,
    ) -> Result<NoticeOutcome> {
        let read = self.online_payment(&notice.session_id)?;
        if let Some(outcome) = settled_answer(read.as_ref(), notice) {
            return Ok(outcome);
        }
        self.write_unseen(|tx| {
            let found = load(tx, &notice.session_id)?;
            if let Some(outcome) = settled_answer(found.as_ref(), notice) {
                return Ok(outcome);
            }
            let Some(mut payment) = found else {
                return Ok(NoticeOutcome::UnknownSession);
            };
            payment.state = OnlineState::Notified;
            payment.order_id = Some(notice.order_id);
            payment.notified_at = Some(now);
            payment.next_try_at = None;
            save(tx, &payment)?;
            Ok(NoticeOutcome::Recorded)
        })
    }

    /// The credit note `number` and the applied online payment that produced the invoice it
    /// corrects, if one did.
    pub fn online_refund_target(&self, number: &str) -> Result<RefundTarget> {
        let tx = self.read()?;
        let id = tx
            .open_table(DOCUMENTS_BY_NUMBER)?
            .get(number)?
            .map(|v| v.value());
        let documents = tx.open_table(DOCUMENTS)?;
        let note: Option<Document> = id.map(|id| get(&documents, id)).transpose()?.flatten();
        let Some(note) = note.filter(|d| d.kind == DocumentKind::CreditNote) else {
            return Ok(RefundTarget::NoCreditNote);
        };
        drop((documents, tx));
        let payment = self.online_payments()?.into_iter().find(|p| {
            matches!(p.state, OnlineState::Applied { .. })
                && p.result_document.is_some()
                && p.result_document == note.corrects
        });
        Ok(match payment {
            Some(payment) => RefundTarget::Online {
                credit_note: Box::new(note),
                payment: Box::new(payment),
            },
            None => RefundTarget::NotOnline(Box::new(note)),
        })
    }

    /// The gateway confirmed the payment.
    pub fn mark_online_verified(&self, session: &str) -> Result<()> {
        self.write_unseen(|tx| {
            if let Some(mut payment) = load(tx, session)?
                && payment.state == OnlineState::Notified
            {
                payment.state = OnlineState::Verified;
                payment.next_try_at = None;
                save(tx, &payment)?;
            }
            Ok(())
        })
    }

    /// A verify call failed: tried again after a growing pause.
    pub fn online_verify_failed(&self, session: &str, error: &str, now: Timestamp) -> Result<()> {
        self.write_unseen(|tx| {
            if let Some(mut payment) = load(tx, session)? {
                payment.attempts += 1;
                let wait = OnlinePayment::backoff_seconds(payment.attempts);
                payment.next_try_at = Some(now + SignedDuration::from_secs(wait));
                payment.last_error = Some(error.chars().take(300).collect());
                save(tx, &payment)?;
            }
            Ok(())
        })
    }

    /// Gives a registered payment up (the gateway knows no payment of it).
    pub fn fail_online_payment(&self, session: &str, reason: &str) -> Result<()> {
        self.write_unseen(|tx| {
            if let Some(mut payment) = load(tx, session)?
                && payment.state == OnlineState::Registered
            {
                payment.state = OnlineState::Failed {
                    reason: reason.into(),
                };
                save(tx, &payment)?;
            }
            Ok(())
        })
    }

    /// Applies a verified payment to its proforma in one transaction with the invoice, the
    /// ledger and the e-mail; a payment applied before is left alone.
    pub fn apply_online_payment(
        &self,
        session: &str,
        now: Timestamp,
        compose: ComposeReceipt<'_>,
    ) -> Result<Option<OnlinePayment>> {
        self.write(|tx| {
            let Some(mut payment) = load(tx, session)? else {
                return Ok(None);
            };
            if payment.state != OnlineState::Verified {
                return Ok(None);
            }
            let reference = payment.reference();
            let outcome = record_in(
                tx,
                &payment.document_number,
                Some(payment.amount),
                reference.as_deref(),
                false,
                now,
                compose,
            )?;
            record_payment_outcome(tx, &outcome, Actor::System, "", "online", now)?;
            let (note, document) = note_of(&outcome);
            payment.state = OnlineState::Applied { note };
            payment.applied_at = Some(now);
            payment.result_document = document;
            save(tx, &payment)?;
            Ok(Some(payment))
        })
    }
}
