//! A bank transfer matched by its title: the account's transfer title (`KL-000012-5`) names the
//! account; a proforma number in the title, or the one unpaid proforma of exactly that amount,
//! names what it pays; anything else goes to the account's prepaid balance.

use super::audit::{NewAudit, record};
use super::billing::{ComposeReceipt, PaymentOutcome, Receipt};
use super::codec::{decode, encode, get, owned_ids};
use super::ledger::post;
use super::outbox::enqueue;
use super::schema::{
    ACCOUNTS, DOCUMENTS, DOCUMENTS_BY_ACCOUNT, IDEMPOTENCY, LEDGER, PAYMENTS, PAYMENTS_BY_REFERENCE,
};
use super::{Result, Store, StoreError};
use crate::domain::audit::{Actor, AuditKind, OPERATOR_ORIGIN};
use crate::domain::ledger::{EntryKind, LedgerEntry};
use crate::domain::time::today;
use crate::domain::transfer::account_in_title;
use crate::domain::{Account, Document, DocumentKind, Money, Payment};
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

/// How a transfer found its proforma.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matched {
    /// The title names the proforma's number.
    ByNumber,
    /// The only unpaid proforma of the account with exactly the transfer's amount.
    ByAmount,
}

pub enum TransferOutcome {
    /// No transfer title with a valid check digit in the text: nothing stored.
    NoAccountInTitle,
    /// The title is valid but names no account: nothing stored.
    UnknownAccount { account_id: u64 },
    /// The transfer went to a proforma, through `record_payment`.
    Proforma {
        account_id: u64,
        number: String,
        matched: Matched,
        outcome: Box<PaymentOutcome>,
    },
    /// No proforma matched: the amount is on the prepaid balance.
    Deposited {
        account_id: u64,
        amount: Money,
        balance: Money,
    },
    /// This reference was recorded before (as a deposit or a payment): nothing changed.
    AlreadyRecorded { what: String },
    /// The same amount went to this account's balance today without a reference: most likely a
    /// retried command, so nothing changed until the operator confirms.
    LooksRepeated { account_id: u64, amount: Money },
}

/// A bank reference recorded for a deposit that paid no proforma.
#[derive(Serialize, Deserialize)]
pub(super) struct DepositReference {
    pub account_id: u64,
    pub amount: Money,
}

/// Deposits' bank references share the idempotency table, under account 0 (no account has it).
pub(super) fn deposit_key(reference: &str) -> String {
    format!("0/bank-reference:{reference}")
}

/// The deposit a bank reference was recorded for, if any: a reference pays once, whether it paid
/// a proforma or went to a balance.
pub(super) fn deposited_with(
    tx: &WriteTransaction,
    reference: &str,
) -> Result<Option<DepositReference>> {
    let table = tx.open_table(IDEMPOTENCY)?;
    let found = table.get(deposit_key(reference).as_str())?;
    match found {
        Some(bytes) => decode(bytes.value()).map(Some),
        None => Ok(None),
    }
}

/// Whether `text` names the document `number` (not as the start of a longer number).
pub(super) fn names(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(at, _)| {
        !text[at + number.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// The unpaid proforma a transfer of `amount` titled `title` pays, if one is clear.
fn proforma_for(unpaid: &[Document], title: &str, amount: Money) -> Option<(String, Matched)> {
    let upper = title.to_uppercase();
    let named: Vec<&Document> = unpaid.iter().filter(|d| names(&upper, &d.number)).collect();
    let same_amount = |list: &[&Document]| -> Option<String> {
        let mut matching = list.iter().filter(|d| d.total_gross() == amount);
        match (matching.next(), matching.next()) {
            (Some(only), None) => Some(only.number.clone()),
            _ => None,
        }
    };
    match named.as_slice() {
        [only] => Some((only.number.clone(), Matched::ByNumber)),
        [_, _, ..] => same_amount(&named).map(|n| (n, Matched::ByNumber)),
        [] => {
            let all: Vec<&Document> = unpaid.iter().collect();
            same_amount(&all).map(|n| (n, Matched::ByAmount))
        }
    }
}

/// Whether `amount` went to the balance of `account_id` today as a deposit of no proforma.
fn deposited_today(
    tx: &WriteTransaction,
    account_id: u64,
    amount: Money,
    now: Timestamp,
) -> Result<bool> {
    let ledger = tx.open_table(LEDGER)?;
    for row in ledger.range((account_id, 0)..=(account_id, u64::MAX))? {
        let entry: LedgerEntry = decode(row?.1.value())?;
        if entry.kind == EntryKind::Deposit
            && entry.document_id.is_none()
            && entry.amount == amount
            && today(entry.at) == today(now)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// What the first transaction decided.
enum Step {
    Done(TransferOutcome),
    Pay(u64, String, Matched),
}

impl Store {
    /// Records a bank transfer of `amount` by its title (see the module's comment). A proforma
    /// is paid through `record_payment`, with its idempotency; a deposit is recorded once per
    /// `reference`, and without one a second deposit of the same amount on the same day needs
    /// `confirmed`.
    pub fn record_transfer(
        &self,
        title: &str,
        amount: Money,
        reference: Option<&str>,
        confirmed: bool,
        now: Timestamp,
        compose: ComposeReceipt<'_>,
    ) -> Result<TransferOutcome> {
        let Some(account_id) = account_in_title(title) else {
            return Ok(TransferOutcome::NoAccountInTitle);
        };
        let step = self.write(|tx| {
            if get::<Account>(&tx.open_table(ACCOUNTS)?, account_id)?.is_none() {
                return Ok(Step::Done(TransferOutcome::UnknownAccount { account_id }));
            }
            if let Some(reference) = reference
                && let Some(earlier) = deposited_with(tx, reference)?
            {
                let what = format!(
                    "as {} to the balance of account {}",
                    earlier.amount, earlier.account_id
                );
                return Ok(Step::Done(TransferOutcome::AlreadyRecorded { what }));
            }
            let documents = tx.open_table(DOCUMENTS)?;
            let mut unpaid = Vec::new();
            for id in owned_ids(&tx.open_table(DOCUMENTS_BY_ACCOUNT)?, account_id)? {
                if let Some(d) = get::<Document>(&documents, id)?
                    && d.kind == DocumentKind::Proforma
                    && d.is_unpaid()
                {
                    unpaid.push(d);
                }
            }
            if let Some((number, matched)) = proforma_for(&unpaid, title, amount) {
                return Ok(Step::Pay(account_id, number, matched));
            }
            if let Some(reference) = reference
                && let Some(payment) = tx
                    .open_table(PAYMENTS_BY_REFERENCE)?
                    .get(reference)?
                    .map(|v| v.value())
            {
                let payment: Option<Payment> = get(&tx.open_table(PAYMENTS)?, payment)?;
                let document =
                    payment.and_then(|p| get::<Document>(&documents, p.document_id).ok()?);
                let what = document
                    .map_or_else(|| "for a payment".into(), |d| format!("for {}", d.number));
                return Ok(Step::Done(TransferOutcome::AlreadyRecorded { what }));
            }
            drop(documents);
            if reference.is_none() && !confirmed && deposited_today(tx, account_id, amount, now)? {
                return Ok(Step::Done(TransferOutcome::LooksRepeated {
                    account_id,
                    amount,
                }));
            }
            let entry = post(tx, account_id, EntryKind::Deposit, amount, None, now)?;
            let account: Account = get(&tx.open_table(ACCOUNTS)?, account_id)?
                .ok_or(StoreError::NotFound("account"))?;
            let receipt = Receipt::Deposit {
                amount,
                balance: entry.balance_after,
                proforma: None,
            };
            enqueue(tx, compose(&account, receipt), now)?;
            if let Some(reference) = reference {
                let record = DepositReference { account_id, amount };
                tx.open_table(IDEMPOTENCY)?
                    .insert(deposit_key(reference).as_str(), encode(&record)?.as_slice())?;
            }
            let audit = NewAudit {
                actor: Actor::Operator,
                kind: AuditKind::PaymentRecorded,
                detail: format!("przelew {amount} na saldo, saldo {}", entry.balance_after),
                origin: OPERATOR_ORIGIN,
                account_id: Some(account_id),
            };
            record(tx, audit, now)?;
            Ok(Step::Done(TransferOutcome::Deposited {
                account_id,
                amount,
                balance: entry.balance_after,
            }))
        })?;
        let (account_id, number, matched) = match step {
            Step::Done(outcome) => return Ok(outcome),
            Step::Pay(account_id, number, matched) => (account_id, number, matched),
        };
        let outcome = if confirmed && reference.is_none() {
            self.record_repeated_payment(&number, Some(amount), now, compose)?
        } else {
            self.record_payment(&number, Some(amount), reference, now, compose)?
        };
        Ok(TransferOutcome::Proforma {
            account_id,
            number,
            matched,
            outcome: Box::new(outcome),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_in_the_title_is_found_but_not_inside_a_longer_one() {
        assert!(names(
            "ZAPŁATA PF/2026/11/0004 KL-000012-5",
            "PF/2026/11/0004"
        ));
        assert!(names("PF/2026/11/0004", "PF/2026/11/0004"));
        assert!(!names("PF/2026/11/00045", "PF/2026/11/0004"));
        assert!(names(
            "PF/2026/11/00045, PF/2026/11/0004.",
            "PF/2026/11/0004"
        ));
    }
}
