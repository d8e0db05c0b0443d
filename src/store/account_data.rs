//! Dane abonenta: a change of the account's data, its history rows and the e-mail about it, in
//! one write transaction. Documents keep their own copy of the buyer, so nothing else moves.

use super::audit::record_in_account;
use super::codec::{decode, encode, get, next_in_sequence, put};
use super::ledger::{remember, replayed};
use super::outbox::enqueue;
use super::schema::{ACCOUNT_HISTORY, ACCOUNTS};
use super::{NewMessage, Result, Store, StoreError};
use crate::domain::account_data::AccountData;
use crate::domain::account_history::{AccountChange, Change, apply, changes};
use crate::domain::audit::AuditKind;
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
    /// The client's address, for the audit log.
    pub ip: &'a str,
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
            ip,
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
                let fields: Vec<&str> = changed.iter().map(|c| c.field.as_str()).collect();
                let detail = format!("zmienione: {}", fields.join(", "));
                let kind = AuditKind::DataChanged;
                record_in_account(tx, by.as_str(), account_id, kind, detail, ip, now)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account_data::AccountForm;
    use crate::store::testing::{firm, store_with};

    fn mail(_: &Account, changes: &[Change], to: &Email) -> NewMessage {
        NewMessage {
            to: to.to_string(),
            subject: format!("{} changes", changes.len()),
            text: String::new(),
            html: String::new(),
            secret: false,
        }
    }

    fn store_with_account() -> (tempfile::TempDir, Store, Account) {
        let (dir, store, account, _) = store_with(firm("Firma", Some("5260250274")));
        (dir, store, account)
    }

    fn form(name: &str) -> AccountData {
        let form = AccountForm {
            rodzaj: "firma".into(),
            nazwa: name.into(),
            nip: "5260250274".into(),
            ulica: "ul. Długa 1".into(),
            kod: "00-950".into(),
            miasto: "Warszawa".into(),
            email: "jan@firma.pl".into(),
            ..AccountForm::default()
        };
        form.parse().unwrap_or_else(|e| unreachable!("{e:?}"))
    }

    #[test]
    fn history_is_newest_first_and_a_replayed_form_records_and_mails_nothing_more() {
        let (_dir, store, account) = store_with_account();
        let by = Email::parse("jan@firma.pl").unwrap_or_else(|e| unreachable!("{e}"));
        let send = |name: &str, key: &str| {
            let data = form(name);
            let change = DataChange {
                account_id: account.id,
                by: &by,
                data: &data,
                key: Some(key),
                now: Timestamp::UNIX_EPOCH,
                ip: "192.0.2.1",
            };
            store
                .change_account_data(change, &mail)
                .unwrap_or_else(|e| unreachable!("{e}"))
        };
        let first = send("Firma Druga", "klucz-pierwszy-0001");
        assert!(!first.replayed);
        let mails = store.outbox_messages(100).map(|m| m.len()).ok();
        let again = send("Firma Druga", "klucz-pierwszy-0001");
        assert!(again.replayed);
        assert_eq!(again.changes, first.changes);
        assert_eq!(store.outbox_messages(100).map(|m| m.len()).ok(), mails);
        send("Firma Trzecia", "klucz-drugi-00002");

        let history = store
            .account_history(account.id, 100)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let names: Vec<(&str, &str)> = history
            .iter()
            .filter(|c| c.change.field == "Nazwa")
            .map(|c| (c.change.old.as_str(), c.change.new.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![("Firma Druga", "Firma Trzecia"), ("Firma", "Firma Druga")]
        );
        let latest = store
            .account_history(account.id, 1)
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(latest.len(), 1);
        assert_eq!(latest[0].change.new, "Firma Trzecia");
    }
}
