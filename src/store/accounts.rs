//! Accounts and their users.

use super::audit::{NewAudit, record};
use super::codec::{get, next_in_sequence, owned_ids, put};
use super::schema::{ACCOUNTS, USER_EMAILS, USERS, USERS_BY_ACCOUNT, USERS_BY_EMAIL};
use super::{Result, Store, StoreError};
use crate::domain::account::Address;
use crate::domain::audit::{Actor, AuditKind, OPERATOR_ORIGIN};
use crate::domain::{Account, Email, Role, User};
use jiff::Timestamp;
use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata, WriteTransaction};

pub struct NewAccount {
    pub name: String,
    pub nip: Option<String>,
    pub address: Address,
    pub owner_email: Email,
    pub owner_name: String,
    pub phone: String,
}

pub(super) fn count(tx: &ReadTransaction) -> Result<u64> {
    Ok(tx.open_table(ACCOUNTS)?.len()?)
}

pub(super) fn insert_user(
    tx: &WriteTransaction,
    account_id: u64,
    email: &Email,
    name: &str,
    role: Role,
    now: Timestamp,
) -> Result<User> {
    if super::users::membership_in(tx, email.as_str(), account_id)?.is_some() {
        return Err(StoreError::Conflict(format!(
            "{email} is already a user of this account"
        )));
    }
    let mut by_email = tx.open_table(USERS_BY_EMAIL)?;
    let user = User {
        id: next_in_sequence(tx, "user")?,
        account_id,
        email: email.clone(),
        name: name.to_string(),
        role,
        active: true,
        created_at: now,
        last_login: None,
        scope: None,
    };
    put(&mut tx.open_table(USERS)?, user.id, &user)?;
    // The first membership of an address is where its logins start, until another is used.
    if by_email.get(email.as_str())?.is_none() {
        by_email.insert(email.as_str(), user.id)?;
    }
    tx.open_table(USER_EMAILS)?
        .insert((email.as_str(), user.id), ())?;
    tx.open_table(USERS_BY_ACCOUNT)?
        .insert((account_id, user.id), ())?;
    Ok(user)
}

pub(super) fn load_account(tx: &ReadTransaction, id: u64) -> Result<Account> {
    get(&tx.open_table(ACCOUNTS)?, id)?.ok_or(StoreError::NotFound("account"))
}

pub(super) fn load_account_in(tx: &WriteTransaction, id: u64) -> Result<Account> {
    get(&tx.open_table(ACCOUNTS)?, id)?.ok_or(StoreError::NotFound("account"))
}

impl Store {
    /// Creates an account with its owner (role Właściciel) in one transaction.
    pub fn create_account(&self, new: NewAccount, now: Timestamp) -> Result<(Account, User)> {
        self.write(|tx| {
            // A second account for the same address is most likely a typo of the operator's;
            // a person joins another account by its invitation.
            if !super::users::membership_ids(tx, new.owner_email.as_str())?.is_empty() {
                return Err(StoreError::Conflict(format!(
                    "{} is already a user of another account; create this one with another owner address (the person can then be invited to it)",
                    new.owner_email
                )));
            }
            let id = next_in_sequence(tx, "account")?;
            let account = Account {
                id,
                name: new.name.clone(),
                nip: new.nip.clone(),
                address: new.address.clone(),
                contact_email: new.owner_email.clone(),
                phone: new.phone.clone(),
                created_at: now,
                kind: None,
                regon: None,
                correspondence: None,
                disabled: false,
            };
            let owner = insert_user(tx, id, &new.owner_email, &new.owner_name, Role::Owner, now)?;
            put(&mut tx.open_table(ACCOUNTS)?, id, &account)?;
            Ok((account, owner))
        })
    }

    pub fn add_user(
        &self,
        account_id: u64,
        email: &Email,
        name: &str,
        role: Role,
        now: Timestamp,
    ) -> Result<User> {
        self.write(|tx| {
            get::<Account>(&tx.open_table(ACCOUNTS)?, account_id)?
                .ok_or(StoreError::NotFound("account"))?;
            insert_user(tx, account_id, email, name, role, now)
        })
    }

    /// A new name for the account (Dane abonenta): documents issued before keep their buyer.
    pub fn rename_account(&self, account_id: u64, name: &str) -> Result<Account> {
        self.write(|tx| {
            let mut accounts = tx.open_table(ACCOUNTS)?;
            let mut account: Account =
                get(&accounts, account_id)?.ok_or(StoreError::NotFound("account"))?;
            account.name = name.to_string();
            put(&mut accounts, account_id, &account)?;
            Ok(account)
        })
    }

    pub fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        let tx = self.read()?;
        let Some(id) = tx
            .open_table(USERS_BY_EMAIL)?
            .get(email.as_str())?
            .map(|v| v.value())
        else {
            return Ok(None);
        };
        get(&tx.open_table(USERS)?, id)
    }

    /// Whether every user's address is in `domain` (and there is at least one user).
    pub fn every_user_is_at(&self, domain: &str) -> Result<bool> {
        let tx = self.read()?;
        let suffix = format!("@{domain}");
        let mut any = false;
        for entry in tx.open_table(USERS_BY_EMAIL)?.iter()? {
            let (email, _) = entry?;
            if !email.value().ends_with(&suffix) {
                return Ok(false);
            }
            any = true;
        }
        Ok(any)
    }

    pub fn users_of_account(&self, account_id: u64) -> Result<Vec<User>> {
        let tx = self.read()?;
        let users = tx.open_table(USERS)?;
        owned_ids(&tx.open_table(USERS_BY_ACCOUNT)?, account_id)?
            .into_iter()
            .filter_map(|id| get::<User>(&users, id).transpose())
            .collect()
    }

    /// Turns a person's access on or off, in every account they belong to. Disabling deletes
    /// their sessions in the same transaction, so enabling them again does not revive a session.
    pub fn set_user_active(&self, email: &Email, active: bool, now: Timestamp) -> Result<User> {
        self.write(|tx| {
            let ids = super::users::membership_ids(tx, email.as_str())?;
            let mut first = None;
            for id in ids {
                let mut users = tx.open_table(USERS)?;
                let mut user: User = get(&users, id)?.ok_or(StoreError::NotFound("user"))?;
                user.active = active;
                put(&mut users, id, &user)?;
                drop(users);
                if !active {
                    super::login::end_sessions_of(tx, id)?;
                }
                let (kind, detail) = if active {
                    (
                        AuditKind::OperatorAction,
                        format!("{}: odblokowano", user.email),
                    )
                } else {
                    (
                        AuditKind::UserDisabled,
                        format!("{}: zablokowano", user.email),
                    )
                };
                let entry = NewAudit {
                    actor: Actor::Operator,
                    kind,
                    detail,
                    origin: OPERATOR_ORIGIN,
                    account_id: Some(user.account_id),
                };
                record(tx, entry, now)?;
                first.get_or_insert(user);
            }
            first.ok_or(StoreError::NotFound("user"))
        })
    }
}
