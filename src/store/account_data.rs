//! Dane abonenta: a change of the account's data, its history rows and the e-mail about it, in
//! one write transaction. Documents keep their own copy of the buyer, so nothing else moves.

use super::codec::{decode, encode, get, next_in_sequence, put};
use super::ledger::{remember, replayed};
use super::outbox::enqueue;
use super::schema::{ACCOUNT_HISTORY, ACCOUNTS};
use super::{NewMessage, Result, Store, StoreError};
use crate::domain::account_data::AccountData;
use crate::domain::account_history::{AccountChange, Change, apply, changes};
use crate::domain::{Account, Email};
use jiff::Timestamp;

/// The e-mail about a change, to one address (the account as changed, what changed, to whom).
pub type ComposeDataChange<'a> = &'a dyn Fn(&Account, &[Change], &Email) -> NewMessage;

/// A change as the form asks it: by whom, under which idempotency key (if the form has one).
pub struct DataChange<'a> {
    pub account_id: u64,
    pub by: &'a Email,
    pub data: &'a AccountData,
    pub key: Option<&'a str>,
    pub now: Timestamp,
}

#[derive(Debug)]
pub struct DataOutcome {
    /// The account as stored now.
    pub account: Account,
    /// What changed (empty: the data was already so, and nothing was recorded).
    pub changes: Vec<Change>,
    /// The same form sent again: `changes` are its first result, nothing was recorded twice.
    pub replayed: bool,
}

impl Store {
    pub fn change_account_data(
        &self,
        change: DataChange<'_>,
        compose: ComposeDataChange<'_>,
    ) -> Result<DataOutcome> {
        let DataChange {
            account_id,
            by,
            data,
            key,
            now,
        } = change;
        self.write(|tx| {
            let mut accounts = tx.open_table(ACCOUNTS)?;
            let before: Account =
                get(&accounts, account_id)?.ok_or(StoreError::NotFound("account"))?;
            if let Some(key) = key
                && let Some(first) = replayed::<Vec<Change>>(tx, account_id, key)?
            {
                return Ok(DataOutcome {
                    account: before,
                    changes: first,
                    replayed: true,
                });
            }
            let after = apply(&before, data);
            let changed = changes(&before, &after);
            put(&mut accounts, account_id, &after)?;
            let mut history = tx.open_table(ACCOUNT_HISTORY)?;
            for change in &changed {
                let row = AccountChange {
                    account_id,
                    seq: next_in_sequence(tx, "account_change")?,
                    at: now,
                    by: by.clone(),
                    change: change.clone(),
                };
                history.insert((account_id, row.seq), encode(&row)?.as_slice())?;
            }
            if !changed.is_empty() {
                let mut to = vec![&after.contact_email];
                if before.contact_email != after.contact_email {
                    to.push(&before.contact_email);
                }
                for address in to {
                    enqueue(tx, compose(&after, &changed, address), now)?;
                }
            }
            if let Some(key) = key {
                remember(tx, account_id, key, &changed)?;
            }
            Ok(DataOutcome {
                account: after,
                changes: changed,
                replayed: false,
            })
        })
    }

    pub fn account(&self, account_id: u64) -> Result<Option<Account>> {
        get(&self.read()?.open_table(ACCOUNTS)?, account_id)
    }

    /// The account's latest `limit` changes, newest first.
    pub fn account_history(&self, account_id: u64, limit: usize) -> Result<Vec<AccountChange>> {
        let tx = self.read()?;
        let history = tx.open_table(ACCOUNT_HISTORY)?;
        let mut rows = Vec::new();
        for row in history
            .range((account_id, 0)..=(account_id, u64::MAX))?
            .rev()
            .take(limit)
        {
            rows.push(decode::<AccountChange>(row?.1.value())?);
        }
        Ok(rows)
    }
}
