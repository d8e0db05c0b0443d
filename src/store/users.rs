//! One person, several accounts: memberships by e-mail, invitations, role changes and removal.
//! The rules (`domain::membership`) are applied inside the write transaction that makes the change.

use super::codec::{get, next_in_sequence, owned_ids, put};
use super::outbox::{NewMessage, enqueue};
use super::schema::{
    ACCOUNTS, INVITATION_TOKENS, INVITATIONS, INVITATIONS_BY_ACCOUNT, USER_EMAILS, USERS,
    USERS_BY_ACCOUNT, USERS_BY_EMAIL,
};
use super::{Result, Store, StoreError};
use crate::domain::access::Action;
use crate::domain::membership::{self, Invitation, Refusal};
use crate::domain::{Account, Email, Role, User};
use crate::random;
use jiff::Timestamp;
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

/// Another account the same person may switch to (the header's switcher lists them).
#[derive(Clone, Debug)]
pub struct Membership {
    pub user_id: u64,
    pub account_name: String,
    pub role: Role,
}

/// The invitation e-mail: the invitation, its account, who invited, and the link's token.
pub type ComposeInvitation<'a> = &'a dyn Fn(&Invitation, &Account, &User, &str) -> NewMessage;

pub struct NewInvitation {
    pub email: Email,
    pub name: String,
    pub role: Role,
}

pub enum InviteOutcome {
    Sent(Invitation),
    AlreadyMember,
    Refused(Refusal),
}

pub enum AcceptOutcome {
    Joined {
        account: Account,
        user: User,
    },
    AlreadyMember {
        account: Account,
        email: Email,
    },
    /// Unknown, expired or already used.
    Invalid,
}

/// What came of a role change or a removal.
pub enum UserChange {
    Done(User),
    /// Not a user of the actor's account.
    NotFound,
    /// The actor may not manage users (any more).
    Forbidden,
    Refused(Refusal),
}

/// The user ids of every membership of `email`, oldest first.
fn ids_in(emails: &impl ReadableTable<(&'static str, u64), ()>, email: &str) -> Result<Vec<u64>> {
    let mut ids = Vec::new();
    for entry in emails.range((email, 0)..=(email, u64::MAX))? {
        ids.push(entry?.0.value().1);
    }
    Ok(ids)
}

pub(super) fn membership_ids(tx: &WriteTransaction, email: &str) -> Result<Vec<u64>> {
    ids_in(&tx.open_table(USER_EMAILS)?, email)
}

/// The membership of `email` in `account_id`, if any.
pub(super) fn membership_in(
    tx: &WriteTransaction,
    email: &str,
    account_id: u64,
) -> Result<Option<User>> {
    let users = tx.open_table(USERS)?;
    for id in membership_ids(tx, email)? {
        if let Some(user) = get::<User>(&users, id)?.filter(|u| u.account_id == account_id) {
            return Ok(Some(user));
        }
    }
    Ok(None)
}

/// The active memberships of `email` with their accounts' names (for the switcher).
pub(super) fn memberships_of(tx: &ReadTransaction, email: &str) -> Result<Vec<Membership>> {
    let users = tx.open_table(USERS)?;
    let accounts = tx.open_table(ACCOUNTS)?;
    let mut found = Vec::new();
    for id in ids_in(&tx.open_table(USER_EMAILS)?, email)? {
        let Some(user) = get::<User>(&users, id)?.filter(|u| u.active) else {
            continue;
        };
        if let Some(account) = get::<Account>(&accounts, user.account_id)? {
            found.push(Membership {
                user_id: user.id,
                account_name: account.name,
                role: user.role,
            });
        }
    }
    Ok(found)
}

/// A session started on `user`: its last login, and the membership the person's next login uses.
pub(super) fn record_start(tx: &WriteTransaction, user: &mut User, now: Timestamp) -> Result<()> {
    user.last_login = Some(now);
    put(&mut tx.open_table(USERS)?, user.id, user)?;
    tx.open_table(USERS_BY_EMAIL)?
        .insert(user.email.as_str(), user.id)?;
    Ok(())
}

fn active_owners(tx: &WriteTransaction, account_id: u64) -> Result<usize> {
    let users = tx.open_table(USERS)?;
    let mut owners = 0;
    for id in owned_ids(&tx.open_table(USERS_BY_ACCOUNT)?, account_id)? {
        owners += usize::from(
            get::<User>(&users, id)?.is_some_and(|u| u.active && u.role == Role::Owner),
        );
    }
    Ok(owners)
}

/// The actor (fresh from this transaction) and the target, both of `account_id`.
fn actor_and_target(
    tx: &WriteTransaction,
    account_id: u64,
    actor_id: u64,
    target_id: u64,
) -> Result<std::result::Result<(User, User), UserChange>> {
    let users = tx.open_table(USERS)?;
    let actor = get::<User>(&users, actor_id)?
        .filter(|u| u.active && u.account_id == account_id && u.role.may(Action::ManageUsers));
    let Some(actor) = actor else {
        return Ok(Err(UserChange::Forbidden));
    };
    match get::<User>(&users, target_id)?.filter(|u| u.account_id == account_id) {
        Some(target) => Ok(Ok((actor, target))),
        None => Ok(Err(UserChange::NotFound)),
    }
}

/// Deletes a membership with its indexes and sessions, in the caller's transaction.
fn remove_membership(tx: &WriteTransaction, user: &User) -> Result<()> {
    let email = user.email.as_str();
    tx.open_table(USERS)?.remove(user.id)?;
    tx.open_table(USERS_BY_ACCOUNT)?
        .remove((user.account_id, user.id))?;
    tx.open_table(USER_EMAILS)?.remove((email, user.id))?;
    let remaining = membership_ids(tx, email)?;
    let mut by_email = tx.open_table(USERS_BY_EMAIL)?;
    let last = by_email.get(email)?.map(|v| v.value());
    if last == Some(user.id) {
        match remaining.first() {
            Some(other) => by_email.insert(email, *other)?,
            None => by_email.remove(email)?,
        };
    }
    drop(by_email);
    super::login::end_sessions_of(tx, user.id)
}

fn forget_invitation(tx: &WriteTransaction, invitation: &Invitation) -> Result<()> {
    tx.open_table(INVITATIONS)?.remove(invitation.id)?;
    tx.open_table(INVITATIONS_BY_ACCOUNT)?
        .remove((invitation.account_id, invitation.id))?;
    tx.open_table(INVITATION_TOKENS)?
        .remove(invitation.token_mac.as_slice())?;
    Ok(())
}

fn invitations_in(
    invitations: &impl ReadableTable<u64, &'static [u8]>,
    index: &impl ReadableTable<(u64, u64), ()>,
    account_id: u64,
) -> Result<Vec<Invitation>> {
    owned_ids(index, account_id)?
        .into_iter()
        .filter_map(|id| get::<Invitation>(invitations, id).transpose())
        .collect()
}

impl Store {
    fn invitation_key(&self, token: &str) -> Vec<u8> {
        self.mac(&[b"invitation", token.as_bytes()])
    }

    /// Invites `new` to the actor's account (replacing an older invitation of the same address)
    /// and queues its e-mail in the same transaction.
    pub fn invite(
        &self,
        actor_id: u64,
        new: NewInvitation,
        now: Timestamp,
        compose: ComposeInvitation<'_>,
    ) -> Result<InviteOutcome> {
        self.write(|tx| {
            let actor = get::<User>(&tx.open_table(USERS)?, actor_id)?
                .filter(|u| u.active && u.role.may(Action::ManageUsers))
                .ok_or(StoreError::NotFound("user"))?;
            if let Err(refusal) = membership::check_invite(actor.role, new.role) {
                return Ok(InviteOutcome::Refused(refusal));
            }
            if membership_in(tx, new.email.as_str(), actor.account_id)?.is_some() {
                return Ok(InviteOutcome::AlreadyMember);
            }
            let older = invitations_in(
                &tx.open_table(INVITATIONS)?,
                &tx.open_table(INVITATIONS_BY_ACCOUNT)?,
                actor.account_id,
            )?;
            for invitation in older.iter().filter(|i| i.email == new.email) {
                forget_invitation(tx, invitation)?;
            }
            let token = random::token();
            let invitation = Invitation {
                id: next_in_sequence(tx, "invitation")?,
                account_id: actor.account_id,
                email: new.email,
                name: new.name,
                role: new.role,
                invited_by: actor.id,
                token_mac: self.invitation_key(&token),
                created_at: now,
            };
            put(&mut tx.open_table(INVITATIONS)?, invitation.id, &invitation)?;
            tx.open_table(INVITATIONS_BY_ACCOUNT)?
                .insert((invitation.account_id, invitation.id), ())?;
            tx.open_table(INVITATION_TOKENS)?
                .insert(invitation.token_mac.as_slice(), invitation.id)?;
            let account = super::accounts::load_account_in(tx, actor.account_id)?;
            enqueue(tx, compose(&invitation, &account, &actor, &token), now)?;
            Ok(InviteOutcome::Sent(invitation))
        })
    }

    /// The account's invitations not yet accepted or cancelled (expired ones too), oldest first.
    pub fn invitations_of_account(&self, account_id: u64) -> Result<Vec<Invitation>> {
        let tx = self.read()?;
        invitations_in(
            &tx.open_table(INVITATIONS)?,
            &tx.open_table(INVITATIONS_BY_ACCOUNT)?,
            account_id,
        )
    }

    /// Cancels an invitation of `account_id`; false when there is no such invitation.
    pub fn cancel_invitation(&self, account_id: u64, id: u64) -> Result<bool> {
        self.write(|tx| {
            let found: Option<Invitation> = get(&tx.open_table(INVITATIONS)?, id)?;
            match found.filter(|i| i.account_id == account_id) {
                Some(invitation) => forget_invitation(tx, &invitation).map(|()| true),
                None => Ok(false),
            }
        })
    }

    /// A usable invitation by its token, with its account, without using it (its GET page).
    pub fn invitation(&self, token: &str, now: Timestamp) -> Result<Option<(Invitation, Account)>> {
        let tx = self.read()?;
        let id = tx
            .open_table(INVITATION_TOKENS)?
            .get(self.invitation_key(token).as_slice())?
            .map(|v| v.value());
        let Some(id) = id else { return Ok(None) };
        let Some(invitation) =
            get::<Invitation>(&tx.open_table(INVITATIONS)?, id)?.filter(|i| i.is_usable(now))
        else {
            return Ok(None);
        };
        let account = super::accounts::load_account(&tx, invitation.account_id)?;
        Ok(Some((invitation, account)))
    }

    /// Accepts an invitation: the membership is created and the invitation is gone, once.
    pub fn accept_invitation(&self, token: &str, now: Timestamp) -> Result<AcceptOutcome> {
        let key = self.invitation_key(token);
        self.write(|tx| {
            let id = tx
                .open_table(INVITATION_TOKENS)?
                .get(key.as_slice())?
                .map(|v| v.value());
            let Some(id) = id else {
                return Ok(AcceptOutcome::Invalid);
            };
            let Some(invitation) = get::<Invitation>(&tx.open_table(INVITATIONS)?, id)? else {
                return Ok(AcceptOutcome::Invalid);
            };
            forget_invitation(tx, &invitation)?;
            if !invitation.is_usable(now) {
                return Ok(AcceptOutcome::Invalid);
            }
            let account = super::accounts::load_account_in(tx, invitation.account_id)?;
            let email = invitation.email.clone();
            if membership_in(tx, email.as_str(), account.id)?.is_some() {
                return Ok(AcceptOutcome::AlreadyMember { account, email });
            }
            let user = super::accounts::insert_user(
                tx,
                account.id,
                &email,
                &invitation.name,
                invitation.role,
                now,
            )?;
            Ok(AcceptOutcome::Joined { account, user })
        })
    }

    /// Gives `target_id` the role `role`, as `actor_id` asks, if the rules allow it.
    pub fn change_role(
        &self,
        account_id: u64,
        actor_id: u64,
        target_id: u64,
        role: Role,
    ) -> Result<UserChange> {
        self.write(|tx| {
            let (actor, mut target) = match actor_and_target(tx, account_id, actor_id, target_id)? {
                Ok(pair) => pair,
                Err(outcome) => return Ok(outcome),
            };
            let owners = active_owners(tx, account_id)?;
            if let Err(refusal) = membership::check_role_change(&actor, &target, role, owners) {
                return Ok(UserChange::Refused(refusal));
            }
            target.role = role;
            put(&mut tx.open_table(USERS)?, target.id, &target)?;
            Ok(UserChange::Done(target))
        })
    }

    /// Removes `target_id` from the account; their sessions end in the same transaction.
    pub fn remove_user(
        &self,
        account_id: u64,
        actor_id: u64,
        target_id: u64,
    ) -> Result<UserChange> {
        self.write(|tx| {
            let (actor, target) = match actor_and_target(tx, account_id, actor_id, target_id)? {
                Ok(pair) => pair,
                Err(outcome) => return Ok(outcome),
            };
            let owners = active_owners(tx, account_id)?;
            if let Err(refusal) = membership::check_removal(&actor, &target, owners) {
                return Ok(UserChange::Refused(refusal));
            }
            remove_membership(tx, &target)?;
            Ok(UserChange::Done(target))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewAccount;

    fn email(raw: &str) -> Email {
        Email::parse(raw).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn a_version_4_database_gets_the_membership_index_from_its_users() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let now = Timestamp::UNIX_EPOCH;
        {
            let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
            let new = NewAccount {
                name: "Firma".into(),
                nip: None,
                address: Default::default(),
                owner_email: email("jan@firma.pl"),
                owner_name: "Jan".into(),
                phone: String::new(),
            };
            assert!(store.create_account(new, now).is_ok());
            // Back to how version 4 stored it: no membership index.
            let downgraded = store.write(|tx| {
                tx.open_table(USER_EMAILS)?.retain(|_, _| false)?;
                tx.open_table(super::super::schema::META)?
                    .insert("schema_version", 4u64.to_be_bytes().as_slice())?;
                Ok(())
            });
            assert!(downgraded.is_ok());
        }
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let ids = store.write(|tx| membership_ids(tx, "jan@firma.pl"));
        assert_eq!(ids.map(|ids| ids.len()).ok(), Some(1));
        let user = store.user_by_email(&email("jan@firma.pl")).ok().flatten();
        assert_eq!(user.map(|u| u.role), Some(Role::Owner));
    }

    #[test]
    fn removing_a_membership_moves_the_address_to_its_other_account() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let now = Timestamp::UNIX_EPOCH;
        let account = |owner: &str| NewAccount {
            name: owner.into(),
            nip: None,
            address: Default::default(),
            owner_email: email(owner),
            owner_name: owner.into(),
            phone: String::new(),
        };
        let (a, owner_a) = store
            .create_account(account("a@firma.pl"), now)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let (b, owner_b) = store
            .create_account(account("b@firma.pl"), now)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let shared = email("wspolny@firma.pl");
        let in_a = store.add_user(a.id, &shared, "W", Role::Technical, now);
        let in_b = store.add_user(b.id, &shared, "W", Role::Technical, now);
        assert!(in_a.is_ok() && in_b.is_ok());
        assert!(
            store
                .add_user(a.id, &shared, "W", Role::Technical, now)
                .is_err(),
            "already a user of this account"
        );
        let in_a = in_a.unwrap_or_else(|e| unreachable!("{e}"));
        let removed = store.remove_user(a.id, owner_a.id, in_a.id);
        assert!(matches!(removed, Ok(UserChange::Done(_))));
        let left = store.user_by_email(&shared).ok().flatten();
        assert_eq!(left.map(|u| u.account_id), Some(b.id));
        let foreign = store.remove_user(a.id, owner_a.id, owner_b.id);
        assert!(matches!(foreign, Ok(UserChange::NotFound)));
    }
}
