//! One person, several accounts: memberships by e-mail, invitations, role changes and removal.
//! The rules (`domain::membership`) are applied inside the write transaction that makes the change.

use super::audit::{NewAudit, actor_of, record};
use super::codec::{get, owned_ids, put};
use super::schema::{
    ACCOUNTS, SERVICES_BY_ACCOUNT, USER_EMAILS, USERS, USERS_BY_ACCOUNT, USERS_BY_EMAIL,
};
use super::{Result, Store};
use crate::domain::access::{Action, permits};
use crate::domain::audit::AuditKind;
use crate::domain::membership::{self, Refusal};
use crate::domain::{Account, Role, User};
use jiff::Timestamp;
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

/// Another account the same person may switch to (the header's switcher lists them).
#[derive(Clone, Debug)]
pub struct Membership {
    pub user_id: u64,
    pub account_name: String,
    pub role: Role,
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
        if let Some(account) = get::<Account>(&accounts, user.account_id)?.filter(|a| !a.disabled) {
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
    let actor = get::<User>(&users, actor_id)?.filter(|u| {
        u.active
            && u.account_id == account_id
            && permits(u.role, u.scope.is_some(), Action::ManageUsers)
    });
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

/// `scope` as stored for a user with `role`: only the account's own services, each once; or
/// the rule it breaks.
pub(super) fn valid_scope(
    tx: &WriteTransaction,
    account_id: u64,
    role: Role,
    scope: Option<Vec<u64>>,
) -> Result<std::result::Result<Option<Vec<u64>>, Refusal>> {
    let Some(mut ids) = scope else {
        return Ok(Ok(None));
    };
    let owned = owned_ids(&tx.open_table(SERVICES_BY_ACCOUNT)?, account_id)?;
    ids.retain(|id| owned.contains(id));
    ids.sort_unstable();
    ids.dedup();
    Ok(membership::check_scope(role, Some(&ids)).map(|()| Some(ids)))
}

impl Store {
    /// Limits `target_id` to chosen services (`Some`) or gives them the whole account (`None`).
    pub fn set_scope(
        &self,
        account_id: u64,
        actor_id: u64,
        target_id: u64,
        scope: Option<Vec<u64>>,
    ) -> Result<UserChange> {
        self.write(|tx| {
            let (_, mut target) = match actor_and_target(tx, account_id, actor_id, target_id)? {
                Ok(pair) => pair,
                Err(outcome) => return Ok(outcome),
            };
            target.scope = match valid_scope(tx, account_id, target.role, scope)? {
                Ok(scope) => scope,
                Err(refusal) => return Ok(UserChange::Refused(refusal)),
            };
            put(&mut tx.open_table(USERS)?, target.id, &target)?;
            Ok(UserChange::Done(target))
        })
    }

    /// Gives `target_id` the role `role`, as `actor_id` asks, if the rules allow it.
    pub fn change_role(
        &self,
        account_id: u64,
        actor_id: u64,
        target_id: u64,
        role: Role,
        ip: &str,
        now: Timestamp,
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
            let detail = format!(
                "{}: {} → {}",
                target.email,
                target.role.label(),
                role.label()
            );
            let entry = NewAudit {
                actor: actor_of(&actor),
                kind: AuditKind::RoleChanged,
                detail,
                origin: ip,
                account_id: Some(account_id),
            };
            record(tx, entry, now)?;
            target.role = role;
            if membership::check_scope(role, target.scope.as_deref()).is_err() {
                // An owner or administrator sees the whole account.
                target.scope = None;
            }
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
        ip: &str,
        now: Timestamp,
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
            let entry = NewAudit {
                actor: actor_of(&actor),
                kind: AuditKind::UserRemoved,
                detail: format!("{} ({})", target.email, target.role.label()),
                origin: ip,
                account_id: Some(account_id),
            };
            record(tx, entry, now)?;
            Ok(UserChange::Done(target))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Email;
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
        let removed = store.remove_user(a.id, owner_a.id, in_a.id, "", now);
        assert!(matches!(removed, Ok(UserChange::Done(_))));
        let left = store.user_by_email(&shared).ok().flatten();
        assert_eq!(left.map(|u| u.account_id), Some(b.id));
        let foreign = store.remove_user(a.id, owner_a.id, owner_b.id, "", now);
        assert!(matches!(foreign, Ok(UserChange::NotFound)));
    }

    /// The web layer checks the actor before the store is called; the store checks again in its
    /// own transaction (a user demoted or moved a moment ago): a role without Użytkownicy, or an
    /// owner of another account, changes nothing.
    #[test]
    fn the_store_checks_the_actor_again_in_its_own_transaction() {
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
        let created = |owner: &str| {
            store
                .create_account(account(owner), now)
                .unwrap_or_else(|e| unreachable!("{e}"))
        };
        let (a, _) = created("a@firma.pl");
        let (_, owner_b) = created("b@firma.pl");
        let added = |address: &str, role: Role| {
            store
                .add_user(a.id, &email(address), "", role, now)
                .unwrap_or_else(|e| unreachable!("{e}"))
        };
        let tech = added("tech@firma.pl", Role::Technical);
        let admin = added("admin@firma.pl", Role::Administrator);
        let demoted = store.change_role(a.id, tech.id, admin.id, Role::Technical, "", now);
        assert!(matches!(demoted, Ok(UserChange::Forbidden)));
        let stranger = store.remove_user(a.id, owner_b.id, tech.id, "", now);
        assert!(matches!(stranger, Ok(UserChange::Forbidden)));
        let users = store.users_of_account(a.id).unwrap_or_default();
        let role_of = |id: u64| users.iter().find(|u| u.id == id).map(|u| u.role);
        assert_eq!(role_of(admin.id), Some(Role::Administrator));
        assert_eq!(role_of(tech.id), Some(Role::Technical), "still a user");
        use crate::domain::membership::Invitation;
        use crate::store::{NewInvitation, NewMessage};
        let compose = |_: &Invitation, _: &Account, _: &User, _: &str| NewMessage {
            to: "nowy@firma.pl".into(),
            subject: String::new(),
            text: String::new(),
            html: String::new(),
            secret: false,
        };
        let new = NewInvitation {
            email: email("nowy@firma.pl"),
            name: String::new(),
            role: Role::Technical,
            scope: None,
        };
        assert!(
            store.invite(tech.id, new, "", now, &compose).is_err(),
            "a technical user invites nobody"
        );
    }
}
