//! Mailboxes the customer creates, re-passwords, resizes and deletes: each change is checked
//! against the server's plan and written with its provisioning task in one transaction.

use super::codec::{get, next_in_sequence, owned_ids, put};
use super::schema::{MAILBOXES, MAILBOXES_BY_ACCOUNT, MAILBOXES_BY_ADDRESS, SERVICES};
use super::tasks::add_task;
use super::{Result, Store, StoreError};
use crate::domain::mailbox::{MailLimits, Refusal, check_new, check_quota};
use crate::domain::task::TaskAction;
use crate::domain::{Mailbox, Service};
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};

/// A mailbox to create on `server_id` (a Hosting or a mail plan of `account_id`).
pub struct NewMailbox {
    pub account_id: u64,
    pub server_id: u64,
    pub address: String,
    pub quota_mb: u64,
    pub password_hash: String,
}

/// A change to an existing mailbox.
pub enum MailboxChange {
    /// The new password's argon2id hash.
    Password(String),
    Quota(u64),
    Delete,
}

/// The account's server that holds mailboxes, with its limits; another account's is not found.
fn server(tx: &WriteTransaction, account_id: u64, id: u64) -> Result<(Service, MailLimits)> {
    let service: Option<Service> = get(&tx.open_table(SERVICES)?, id)?;
    service
        .filter(|s| s.account_id == account_id)
        .and_then(|s| MailLimits::of(&s).map(|limits| (s, limits)))
        .ok_or(StoreError::NotFound("server"))
}

fn mailboxes_on(tx: &WriteTransaction, account_id: u64, server_id: u64) -> Result<Vec<Mailbox>> {
    let table = tx.open_table(MAILBOXES)?;
    let mut list = Vec::new();
    for id in owned_ids(&tx.open_table(MAILBOXES_BY_ACCOUNT)?, account_id)? {
        if let Some(mailbox) = get::<Mailbox>(&table, id)?
            && mailbox.hosting_service_id == server_id
        {
            list.push(mailbox);
        }
    }
    Ok(list)
}

impl Store {
    /// Creates the mailbox and its task, or says why the plan or the address refuses it.
    pub fn create_mailbox(
        &self,
        new: NewMailbox,
        now: Timestamp,
    ) -> Result<std::result::Result<Mailbox, Refusal>> {
        self.write(|tx| {
            let (server, limits) = server(tx, new.account_id, new.server_id)?;
            if let Err(refusal) = MailLimits::accepts_new(&server) {
                return Ok(Err(refusal));
            }
            if tx
                .open_table(MAILBOXES_BY_ADDRESS)?
                .get(new.address.as_str())?
                .is_some()
            {
                return Ok(Err(Refusal::Duplicate));
            }
            let on_server = mailboxes_on(tx, new.account_id, server.id)?;
            if let Err(refusal) = check_new(limits, &on_server, new.quota_mb) {
                return Ok(Err(refusal));
            }
            let mailbox = Mailbox {
                id: next_in_sequence(tx, "mailbox")?,
                account_id: new.account_id,
                hosting_service_id: server.id,
                address: new.address,
                quota_mb: new.quota_mb,
                used_mb: 0,
                password_hash: Some(new.password_hash),
            };
            put(&mut tx.open_table(MAILBOXES)?, mailbox.id, &mailbox)?;
            tx.open_table(MAILBOXES_BY_ACCOUNT)?
                .insert((mailbox.account_id, mailbox.id), ())?;
            tx.open_table(MAILBOXES_BY_ADDRESS)?
                .insert(mailbox.address.as_str(), mailbox.id)?;
            let action = TaskAction::CreateMailbox {
                address: mailbox.address.clone(),
                quota_mb: mailbox.quota_mb,
                password_hash: mailbox.password_hash.clone().unwrap_or_default(),
            };
            add_task(tx, &server, action, now)?;
            Ok(Ok(mailbox))
        })
    }

    /// Changes the account's mailbox `id` and writes its task; `NotFound` for another account's.
    pub fn change_mailbox(
        &self,
        account_id: u64,
        id: u64,
        change: MailboxChange,
        now: Timestamp,
    ) -> Result<std::result::Result<Mailbox, Refusal>> {
        self.write(|tx| {
            let found: Option<Mailbox> = get(&tx.open_table(MAILBOXES)?, id)?;
            let mut mailbox = found
                .filter(|m| m.account_id == account_id)
                .ok_or(StoreError::NotFound("mailbox"))?;
            let (server, limits) = server(tx, account_id, mailbox.hosting_service_id)?;
            let address = mailbox.address.clone();
            let action = match change {
                MailboxChange::Password(hash) => {
                    mailbox.password_hash = Some(hash.clone());
                    TaskAction::SetMailboxPassword {
                        address,
                        password_hash: hash,
                    }
                }
                MailboxChange::Quota(quota_mb) => {
                    let on_server = mailboxes_on(tx, account_id, server.id)?;
                    if let Err(refusal) = check_quota(limits, &on_server, &mailbox, quota_mb) {
                        return Ok(Err(refusal));
                    }
                    mailbox.quota_mb = quota_mb;
                    TaskAction::SetMailboxQuota { address, quota_mb }
                }
                MailboxChange::Delete => {
                    tx.open_table(MAILBOXES)?.remove(id)?;
                    tx.open_table(MAILBOXES_BY_ACCOUNT)?
                        .remove((account_id, id))?;
                    tx.open_table(MAILBOXES_BY_ADDRESS)?
                        .remove(address.as_str())?;
                    // Its Open-Xchange licence is free again, with the same commit.
                    super::open_xchange::release_in(tx, account_id, &address, now)?;
                    add_task(tx, &server, TaskAction::DeleteMailbox { address }, now)?;
                    return Ok(Ok(mailbox));
                }
            };
            put(&mut tx.open_table(MAILBOXES)?, id, &mailbox)?;
            add_task(tx, &server, action, now)?;
            Ok(Ok(mailbox))
        })
    }
}

/// Schema v11: the mailboxes stored so far are indexed by address.
pub(super) fn index_addresses_v11(tx: &WriteTransaction) -> Result<()> {
    let mut pairs = Vec::new();
    for row in tx.open_table(MAILBOXES)?.iter()? {
        let mailbox: Mailbox = super::codec::decode(row?.1.value())?;
        pairs.push((mailbox.address, mailbox.id));
    }
    let mut index = tx.open_table(MAILBOXES_BY_ADDRESS)?;
    for (address, id) in &pairs {
        index.insert(address.as_str(), *id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailboxes_stored_before_v11_are_indexed_by_address_and_then_refused_twice() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let now = Timestamp::UNIX_EPOCH;
        let seeded = crate::demo::seed_if_empty(&store, now, "http://x");
        assert_eq!(seeded.ok(), Some(true));
        let old = "biuro@przykladowa-firma.pl";
        // As a v10 database has it: the mailbox row, no index.
        let dropped = store.write(|tx| {
            tx.delete_table(MAILBOXES_BY_ADDRESS)?;
            Ok(())
        });
        assert!(dropped.is_ok());
        let migrated = store.write(index_addresses_v11);
        assert!(migrated.is_ok(), "{migrated:?}");
        let existing = store.mailboxes_of_account(1).unwrap_or_default();
        let server = existing.first().map(|m| m.hosting_service_id);
        let again = store.create_mailbox(
            NewMailbox {
                account_id: 1,
                server_id: server.unwrap_or_default(),
                address: old.into(),
                quota_mb: 1,
                password_hash: "$argon2id$x".into(),
            },
            now,
        );
        assert!(matches!(again, Ok(Err(Refusal::Duplicate))));
        assert!(
            store
                .tasks_of_service(server.unwrap_or_default())
                .is_ok_and(|t| t.is_empty()),
            "a refused change writes no task"
        );
    }
}
