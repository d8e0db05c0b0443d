//! `panel admin credit-note`, `refund` and `record-payment --title`.

use super::{payment_message, store_error};
use crate::domain::audit::Actor;
use crate::domain::credit::CreditError;
use crate::domain::time::format_timestamp;
use crate::domain::{Account, Document, DocumentKind, Money};
use crate::mail;
use crate::store::{CreditOutcome, Matched, Refund, RefundOutcome, Store, TransferOutcome};

/// The longest reason accepted (it is printed on the credit note).
const MAX_REASON: usize = 500;

fn amount(raw: &str) -> Result<Money, String> {
    Money::parse(raw).ok_or(format!(
        "cannot read the amount {raw:?}: use e.g. 123,45, at most {}",
        Money::MAX
    ))
}

fn kind_name(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Proforma => "a proforma",
        DocumentKind::CreditNote => "a credit note",
        DocumentKind::VatInvoice => "a VAT invoice",
        DocumentKind::PaymentConfirmation => "a payment confirmation",
    }
}

pub(super) fn credit_note(
    store: &Store,
    invoice: &str,
    raw_amount: Option<&str>,
    reason: &str,
    transfer: bool,
    now: jiff::Timestamp,
    base_url: &str,
) -> Result<String, String> {
    let amount = raw_amount.map(amount).transpose()?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        return Err(format!(
            "give the reason of the correction with --reason (1 to {MAX_REASON} characters; \
             it is printed on the credit note); nothing changed"
        ));
    }
    let refund = if transfer {
        Refund::ByTransfer
    } else {
        Refund::ToBalance
    };
    let compose = |account: &Account, note: &Document, invoice: &Document| {
        mail::credit_note_message(base_url, account, note, invoice)
    };
    let outcome = store
        .issue_credit_note(invoice, amount, reason, refund, now, &compose)
        .map_err(store_error)?;
    match outcome {
        CreditOutcome::Issued {
            credit_note,
            invoice_number,
            balance,
        } => {
            let credited = Money(-credit_note.total_gross().0);
            let number = &credit_note.number;
            let destination = if transfer {
                format!(
                    "the refund is due by transfer: send {credited} back to the customer and \
                     record it with `panel admin refund --credit-note {number}`"
                )
            } else {
                format!("credited to the prepaid balance, now {balance}")
            };
            Ok(format!(
                "issued {number} for {invoice_number}: {credited}; {destination}"
            ))
        }
        CreditOutcome::NotFound { number } => Err(format!(
            "no document is numbered {number:?}; nothing changed (VAT invoices are FV/YYYY/MM/NNNN)"
        )),
        CreditOutcome::NotAnInvoice { number, kind } => Err(format!(
            "{number} is {}, not a VAT invoice: only a VAT invoice can be corrected by a credit \
             note; nothing changed",
            kind_name(kind)
        )),
        CreditOutcome::Refused(CreditError::TooMuch { left }) if left <= Money::ZERO => Err(
            format!("{invoice} is credited in full already; nothing changed"),
        ),
        CreditOutcome::Refused(CreditError::TooMuch { left }) => Err(format!(
            "{} is more than is left to credit on {invoice}: {left}; nothing changed",
            amount.unwrap_or_default()
        )),
        CreditOutcome::Refused(CreditError::NotPositive { left }) => Err(format!(
            "the amount must be more than zero (at most {left} is left to credit on {invoice}); \
             nothing changed"
        )),
        CreditOutcome::Refused(other) => Err(format!("{other}; nothing changed")),
    }
}

pub(super) fn refund(
    store: &Store,
    credit_note: &str,
    reference: Option<&str>,
    now: jiff::Timestamp,
) -> Result<String, String> {
    let outcome = store
        .refund(credit_note, reference, Actor::Operator, now)
        .map_err(store_error)?;
    match outcome {
        RefundOutcome::Recorded {
            credit_note,
            amount,
            balance,
        } => Ok(format!(
            "{} refunded: {amount} paid out by transfer{}; the prepaid balance is now {balance}",
            credit_note.number,
            reference
                .map(|r| format!(" (reference {r})"))
                .unwrap_or_default()
        )),
        RefundOutcome::AlreadyRefunded { credit_note } => {
            let at = credit_note
                .refunded
                .as_ref()
                .map(|r| format_timestamp(r.at))
                .unwrap_or_default();
            Err(format!(
                "{} was already refunded ({at}); nothing changed",
                credit_note.number
            ))
        }
        RefundOutcome::NotByTransfer { credit_note } => Err(format!(
            "{} went to the customer's prepaid balance, not to a transfer back (issue a credit \
             note with --transfer for that); nothing changed",
            credit_note.number
        )),
        RefundOutcome::BalanceShort {
            credit_note,
            amount,
            balance,
        } => Err(format!(
            "cannot record the refund of {}: the customer's prepaid balance is {balance}, less \
             than the {amount} to pay out (it was spent since); nothing changed",
            credit_note.number
        )),
        RefundOutcome::NotFound { number } => Err(format!(
            "no document is numbered {number:?}; nothing changed (credit notes are FK/YYYY/MM/NNNN)"
        )),
        RefundOutcome::NotACreditNote { number, kind } => Err(format!(
            "{number} is {}, not a credit note; nothing changed",
            kind_name(kind)
        )),
    }
}

pub(super) fn record_by_title(
    store: &Store,
    title: &str,
    raw_amount: Option<&str>,
    reference: Option<&str>,
    duplicate: bool,
    now: jiff::Timestamp,
    base_url: &str,
) -> Result<String, String> {
    let amount = amount(raw_amount.ok_or("give the amount received with --amount")?)?;
    if amount <= Money::ZERO {
        return Err("the amount must be more than zero; nothing stored".into());
    }
    let receipt = |account: &Account, invoice: crate::store::Receipt<'_>| {
        mail::receipt_message(base_url, account, invoice)
    };
    let outcome = store
        .record_transfer(title, amount, reference, duplicate, now, &receipt)
        .map_err(store_error)?;
    match outcome {
        TransferOutcome::NoAccountInTitle => Err(format!(
            "no account's transfer title (KL-NNNNNN-C with a correct check digit) in {title:?}; \
             nothing stored (check the title, or record the payment with --proforma)"
        )),
        TransferOutcome::UnknownAccount { account_id } => Err(format!(
            "the title names account {account_id}, which does not exist; nothing stored"
        )),
        TransferOutcome::Proforma {
            account_id,
            number,
            matched,
            outcome,
        } => {
            let how = match matched {
                Matched::ByNumber => "named in the title",
                Matched::ByAmount => "the only unpaid proforma of this amount",
            };
            let done = payment_message(*outcome, &number, reference)?;
            Ok(format!("account {account_id}: {number} ({how}); {done}"))
        }
        TransferOutcome::Deposited {
            account_id,
            amount,
            balance,
        } => Ok(format!(
            "account {account_id}: no unpaid proforma is named in the title or of exactly \
             {amount}; {amount} went to the prepaid balance, now {balance}"
        )),
        TransferOutcome::AlreadyRecorded { what } => Ok(format!(
            "the reference {} was already recorded {what}; nothing changed",
            reference.unwrap_or_default()
        )),
        TransferOutcome::LooksRepeated { account_id, amount } => Err(format!(
            "{amount} went to the balance of account {account_id} today already, without a \
             reference; nothing changed. If this is another transfer, give its --reference, or \
             confirm with --duplicate"
        )),
    }
}
