//! The prepaid balance's ledger: entries are only ever appended, in the transaction of the action
//! that moves the money; the balance is read from the last entry (its running sum).

use super::codec::{decode, encode, next_in_sequence};
use super::schema::{IDEMPOTENCY, LEDGER};
use super::{Result, Store, StoreError};
use crate::domain::Money;
use crate::domain::ledger::{EntryKind, LedgerEntry, LedgerError, next_entry};
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The balance of an account: the running sum carried by its last entry.
pub(super) fn balance_in(
    ledger: &impl ReadableTable<(u64, u64), &'static [u8]>,
    account_id: u64,
) -> Result<Money> {
    match ledger
        .range((account_id, 0)..=(account_id, u64::MAX))?
        .next_back()
    {
        Some(row) => Ok(decode::<LedgerEntry>(row?.1.value())?.balance_after),
        None => Ok(Money::ZERO),
    }
}

/// Appends an entry: `amount` (positive) is added, or taken for a debit kind. Taking more than the
/// balance is refused with `StoreError::Conflict`, and nothing is written.
pub(super) fn post(
    tx: &WriteTransaction,
    account_id: u64,
    kind: EntryKind,
    amount: Money,
    document_id: Option<u64>,
    now: Timestamp,
) -> Result<LedgerEntry> {
    let mut ledger = tx.open_table(LEDGER)?;
    let balance = balance_in(&ledger, account_id)?;
    let id = next_in_sequence(tx, "ledger")?;
    let entry = next_entry(id, account_id, balance, kind, amount, document_id, now)
        .map_err(|e: LedgerError| StoreError::Conflict(e.to_string()))?;
    ledger.insert((account_id, id), encode(&entry)?.as_slice())?;
    Ok(entry)
}

fn idempotency_key(account_id: u64, key: &str) -> String {
    format!("{account_id}/{key}")
}

/// The first result recorded under an account's idempotency key, if the key was used before.
pub(super) fn replayed<T: DeserializeOwned>(
    tx: &WriteTransaction,
    account_id: u64,
    key: &str,
) -> Result<Option<T>> {
    let table = tx.open_table(IDEMPOTENCY)?;
    let found = table.get(idempotency_key(account_id, key).as_str())?;
    match found {
        Some(bytes) => decode(bytes.value()).map(Some),
        None => Ok(None),
    }
}

/// Records the result of a money-moving form under its key, in the action's transaction.
pub(super) fn remember<T: Serialize>(
    tx: &WriteTransaction,
    account_id: u64,
    key: &str,
    result: &T,
) -> Result<()> {
    tx.open_table(IDEMPOTENCY)?.insert(
        idempotency_key(account_id, key).as_str(),
        encode(result)?.as_slice(),
    )?;
    Ok(())
}

impl Store {
    /// The prepaid balance of an account, as its ledger adds up.
    pub fn balance_of(&self, account_id: u64) -> Result<Money> {
        balance_in(&self.read()?.open_table(LEDGER)?, account_id)
    }

    /// The account's ledger, newest entry first.
    pub fn ledger_of_account(&self, account_id: u64) -> Result<Vec<LedgerEntry>> {
        let tx = self.read()?;
        let ledger = tx.open_table(LEDGER)?;
        let mut entries = Vec::new();
        for row in ledger
            .range((account_id, 0)..=(account_id, u64::MAX))?
            .rev()
        {
            entries.push(decode::<LedgerEntry>(row?.1.value())?);
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Account, Document, Line};
    use crate::store::testing::{firm, store_with};
    use crate::store::{BalancePayment, NewMessage, PaymentOutcome, Receipt};

    fn receipt(_: &Account, receipt: Receipt<'_>) -> NewMessage {
        NewMessage {
            to: "jan@firma.pl".into(),
            subject: receipt
                .document()
                .map(|d| d.number.clone())
                .unwrap_or_default(),
            text: String::new(),
            html: String::new(),
            secret: false,
        }
    }

    fn store_with_account() -> (tempfile::TempDir, Store, u64) {
        let (dir, store, account, _) = store_with(firm("Firma", None));
        (dir, store, account.id)
    }

    fn proforma(store: &Store, account_id: u64, net: i64) -> Document {
        let line = Line {
            description: "Hosting".into(),
            service_id: None,
            quantity: 1,
            unit_net: Money(net),
            vat_percent: 23,
            period_months: 12,
        };
        store
            .issue_proforma(
                account_id,
                vec![line],
                jiff::civil::date(2026, 12, 1),
                Timestamp::UNIX_EPOCH,
            )
            .unwrap_or_else(|e| unreachable!("{e}"))
    }

    /// A tiny deterministic generator: the sequence is the same on every run.
    struct XorShift(u64);

    impl XorShift {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    #[test]
    fn the_balance_always_equals_the_sum_of_its_entries() {
        let (_dir, store, account) = store_with_account();
        let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut expected = Money::ZERO;
        let mut open = Vec::new();
        for step in 0..300 {
            let now = Timestamp::UNIX_EPOCH;
            match random.below(5) {
                0 => {
                    let amount = Money(random.below(20_000) as i64 + 1);
                    let posted =
                        store.write(|tx| post(tx, account, EntryKind::TopUp, amount, None, now));
                    assert!(posted.is_ok());
                    expected = Money(expected.0 + amount.0);
                }
                1 => open.push(proforma(&store, account, random.below(10_000) as i64 + 1)),
                2 if !open.is_empty() => {
                    let document = open.remove(random.below(open.len() as u64) as usize);
                    let key = format!("k{step}");
                    let paid = store.pay_from_balance(account, document.id, &key, now, &receipt);
                    match paid {
                        Ok(BalancePayment::Paid { .. }) => {
                            expected = Money(expected.0 - document.total_gross().0);
                        }
                        Ok(BalancePayment::Insufficient { balance, total }) => {
                            assert!(balance < total);
                            open.push(document);
                        }
                        other => unreachable!("step {step}: {other:?}"),
                    }
                }
                3 if !open.is_empty() => {
                    let document = &open[random.below(open.len() as u64) as usize];
                    let amount = Money(random.below(15_000) as i64 + 1);
                    let outcome =
                        store.record_payment(&document.number, Some(amount), None, now, &receipt);
                    match outcome {
                        Ok(PaymentOutcome::Paid { proforma, .. }) => {
                            expected = Money(expected.0 + amount.0 - proforma.total_gross().0);
                            open.retain(|d| d.id != proforma.id);
                        }
                        Ok(PaymentOutcome::Credited { .. }) => {
                            expected = Money(expected.0 + amount.0)
                        }
                        Ok(PaymentOutcome::LooksRepeated { .. }) => {}
                        other => unreachable!("step {step}: {:?}", other.err()),
                    }
                }
                _ => {
                    let amount = Money(random.below(5_000) as i64 + 1);
                    let kind = if random.below(2) == 0 {
                        EntryKind::Refund
                    } else {
                        EntryKind::Payout
                    };
                    let posted = store.write(|tx| post(tx, account, kind, amount, None, now));
                    match (kind, posted) {
                        (EntryKind::Refund, Ok(_)) => expected = Money(expected.0 + amount.0),
                        (EntryKind::Payout, Ok(_)) => expected = Money(expected.0 - amount.0),
                        (EntryKind::Payout, Err(StoreError::Conflict(_))) => {
                            assert!(expected < amount, "a payout within the balance is refused");
                        }
                        (_, other) => unreachable!("step {step}: {:?}", other.err()),
                    }
                }
            }
            let entries = store.ledger_of_account(account).unwrap_or_default();
            let sum: Money = entries.iter().map(|e| e.amount).sum();
            let balance = store.balance_of(account).ok();
            assert_eq!(balance, Some(sum), "step {step}");
            assert_eq!(balance, Some(expected), "step {step}");
            assert!(sum >= Money::ZERO);
            let mut running = Money::ZERO;
            for entry in entries.iter().rev() {
                running = Money(running.0 + entry.amount.0);
                assert_eq!(entry.balance_after, running, "step {step}: running balance");
            }
        }
    }

    #[test]
    fn paying_from_the_balance_twice_with_one_key_charges_once() {
        let (_dir, store, account) = store_with_account();
        let now = Timestamp::UNIX_EPOCH;
        assert!(
            store
                .write(|tx| post(tx, account, EntryKind::TopUp, Money(20_000), None, now))
                .is_ok()
        );
        let document = proforma(&store, account, 4_900);
        let first = store
            .pay_from_balance(account, document.id, "form-1", now, &receipt)
            .ok();
        let Some(BalancePayment::Paid {
            invoice_id,
            balance,
            ..
        }) = first.clone()
        else {
            unreachable!("{first:?}")
        };
        assert_eq!(balance, Money(20_000 - 6_027));
        let replay = store.pay_from_balance(account, document.id, "form-1", now, &receipt);
        assert_eq!(replay.ok(), first, "a replay returns the first result");
        let other_tab = store.pay_from_balance(account, document.id, "form-2", now, &receipt);
        assert_eq!(
            other_tab.ok(),
            Some(BalancePayment::AlreadyPaid { invoice_id })
        );
        assert_eq!(store.balance_of(account).ok(), Some(Money(20_000 - 6_027)));
        let invoices = store
            .documents_of_account(account)
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d.kind == crate::domain::DocumentKind::VatInvoice)
            .count();
        assert_eq!(invoices, 1);
        let elsewhere = store.pay_from_balance(account + 1, document.id, "form-3", now, &receipt);
        assert_eq!(
            elsewhere.ok(),
            Some(BalancePayment::NotFound),
            "another account's proforma"
        );
    }

    #[test]
    fn a_balance_short_of_the_total_pays_nothing() {
        let (_dir, store, account) = store_with_account();
        let now = Timestamp::UNIX_EPOCH;
        assert!(
            store
                .write(|tx| post(tx, account, EntryKind::TopUp, Money(6_026), None, now))
                .is_ok()
        );
        let document = proforma(&store, account, 4_900);
        let outcome = store.pay_from_balance(account, document.id, "k", now, &receipt);
        assert_eq!(
            outcome.ok(),
            Some(BalancePayment::Insufficient {
                balance: Money(6_026),
                total: Money(6_027)
            })
        );
        assert_eq!(
            store.ledger_of_account(account).map(|l| l.len()).ok(),
            Some(1)
        );
        let grosz = store.write(|tx| post(tx, account, EntryKind::Deposit, Money(1), None, now));
        assert!(grosz.is_ok());
        let exact = store.pay_from_balance(account, document.id, "k2", now, &receipt);
        assert!(
            matches!(
                exact,
                Ok(BalancePayment::Paid {
                    balance: Money::ZERO,
                    ..
                })
            ),
            "a balance of exactly the total pays it: {exact:?}"
        );
    }
}
