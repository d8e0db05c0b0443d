//! The prepaid balance (saldo) as an append-only ledger: every change is an entry, and the balance
//! is the sum of the entries, never a number kept beside them.

use super::Money;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    /// The balance an account had before the ledger existed (schema v3 migration).
    Opening,
    /// A paid top-up proforma (Doładuj saldo).
    TopUp,
    /// A transfer larger than its proforma, or too small to pay it: kept on the balance.
    Deposit,
    /// A proforma paid (wholly or partly) from the balance.
    Payment,
    /// A credit note's amount returned to the balance.
    Refund,
    /// Money sent back to the customer by transfer (`panel admin refund`).
    Payout,
}

impl EntryKind {
    /// What the Płatności page calls the entry.
    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Opening => "Saldo początkowe",
            EntryKind::TopUp => "Doładowanie salda",
            EntryKind::Deposit => "Nadpłata",
            EntryKind::Payment => "Zapłata z salda",
            EntryKind::Refund => "Zwrot na saldo",
            EntryKind::Payout => "Zwrot przelewem",
        }
    }

    /// Whether entries of this kind take money off the balance.
    pub fn is_debit(self) -> bool {
        matches!(self, EntryKind::Payment | EntryKind::Payout)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: u64,
    pub account_id: u64,
    pub at: Timestamp,
    pub kind: EntryKind,
    /// Signed: positive adds to the balance, negative takes from it.
    pub amount: Money,
    /// The document the entry is about (proforma, invoice, credit note), if any.
    #[serde(default)]
    pub document_id: Option<u64>,
    /// The balance after this entry (the sum of every entry up to and including it).
    pub balance_after: Money,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("the amount must be positive")]
    NotPositive,
    #[error("the balance ({balance}) does not cover {amount}")]
    Insufficient { balance: Money, amount: Money },
    #[error("the balance would overflow")]
    Overflow,
}

/// The entry that follows `balance`: `amount` (always positive) is added, or taken for a debit
/// kind. A balance never goes below zero and never past `Money::MAX` × 1000.
pub fn next_entry(
    id: u64,
    account_id: u64,
    balance: Money,
    kind: EntryKind,
    amount: Money,
    document_id: Option<u64>,
    at: Timestamp,
) -> Result<LedgerEntry, LedgerError> {
    if amount <= Money::ZERO {
        return Err(LedgerError::NotPositive);
    }
    let signed = if kind.is_debit() {
        Money(-amount.0)
    } else {
        amount
    };
    let balance_after = balance
        .checked_add(signed)
        .filter(|b| b.0 <= CEILING)
        .ok_or(LedgerError::Overflow)?;
    if balance_after < Money::ZERO {
        return Err(LedgerError::Insufficient { balance, amount });
    }
    Ok(LedgerEntry {
        id,
        account_id,
        at,
        kind,
        amount: signed,
        document_id,
        balance_after,
    })
}

/// No balance grows past a thousand times the largest single amount.
const CEILING: i64 = Money::MAX.0 * 1000;

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(balance: i64, kind: EntryKind, amount: i64) -> Result<LedgerEntry, LedgerError> {
        next_entry(
            1,
            1,
            Money(balance),
            kind,
            Money(amount),
            None,
            Timestamp::UNIX_EPOCH,
        )
    }

    #[test]
    fn credits_add_and_debits_take_but_never_below_zero() {
        let top_up = entry(0, EntryKind::TopUp, 10_000).ok();
        assert_eq!(
            top_up.map(|e| (e.amount, e.balance_after)),
            Some((Money(10_000), Money(10_000)))
        );
        let paid = entry(10_000, EntryKind::Payment, 6_027).ok();
        assert_eq!(
            paid.map(|e| (e.amount, e.balance_after)),
            Some((Money(-6_027), Money(3_973)))
        );
        let exact = entry(6_027, EntryKind::Payout, 6_027).ok();
        assert_eq!(exact.map(|e| e.balance_after), Some(Money::ZERO));
        assert_eq!(
            entry(6_026, EntryKind::Payment, 6_027),
            Err(LedgerError::Insufficient {
                balance: Money(6_026),
                amount: Money(6_027)
            })
        );
        assert_eq!(
            entry(0, EntryKind::Refund, 0),
            Err(LedgerError::NotPositive)
        );
        assert_eq!(
            entry(0, EntryKind::Refund, -5),
            Err(LedgerError::NotPositive)
        );
        assert_eq!(
            entry(CEILING, EntryKind::Deposit, 1),
            Err(LedgerError::Overflow)
        );
        // The ceiling is a thousand times the largest amount: 100 000 000 000,00 zł.
        let top = 10_000_000_000_000;
        assert_eq!(
            entry(top - 1, EntryKind::Deposit, 1).map(|e| e.balance_after),
            Ok(Money(top))
        );
        assert_eq!(
            entry(top, EntryKind::Deposit, 1),
            Err(LedgerError::Overflow)
        );
    }

    #[test]
    fn every_kind_has_a_polish_label_and_only_payments_and_payouts_debit() {
        let kinds = [
            EntryKind::Opening,
            EntryKind::TopUp,
            EntryKind::Deposit,
            EntryKind::Payment,
            EntryKind::Refund,
            EntryKind::Payout,
        ];
        let debits: Vec<_> = kinds.iter().filter(|k| k.is_debit()).collect();
        assert_eq!(debits, [&EntryKind::Payment, &EntryKind::Payout]);
        assert_eq!(EntryKind::Payment.label(), "Zapłata z salda");
        assert_eq!(EntryKind::TopUp.label(), "Doładowanie salda");
    }
}
