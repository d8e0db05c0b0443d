//! Login codes, e-mailed links and server-side sessions. Only MACs of codes and tokens are stored.

use super::audit::record_person;
use super::codec::{constant_time_eq, decode, encode, get};
use super::outbox::{NewMessage, enqueue};
use super::schema::{LOGIN_CODES, LOGIN_FAILURES, LOGIN_LINKS, SESSIONS, USERS, USERS_BY_EMAIL};
use super::{Result, Store};
use crate::domain::audit::AuditKind;
use crate::domain::login::{FailureBudget, LoginCode, Session};
use crate::domain::{Account, Email, User};
use crate::random;
use jiff::Timestamp;
use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};
use std::sync::Arc;

pub use super::person_sessions::SessionOrigin;

/// What a login request e-mails: the code and the token of the link.
pub struct LoginRequest<'a> {
    pub user: &'a User,
    pub code: &'a str,
    pub link_token: &'a str,
}

/// A session that may be used, with its user and account as of the last write.
pub struct LiveSession {
    pub session: Session,
    pub user: User,
    pub account: Account,
    /// The person's second factor is on / the account requires it (Bezpieczeństwo).
    pub second_factor_on: bool,
    pub second_factor_required: bool,
    /// Every active membership of the user's e-mail (this one included), for the switcher.
    pub memberships: Vec<super::users::Membership>,
}

pub enum CodeCheck {
    LoggedIn {
        session_token: String,
        user: User,
    },
    /// No usable code or link: none sent, expired, used, replaced, or out of tries.
    Rejected,
    /// A wrong code, counted against the address's failure budget; `locked` when it spent it.
    WrongCode {
        locked: bool,
    },
    /// The address's failure budget is spent: its codes are refused until the lock-out ends.
    CodesLocked,
    /// The code or link was right, but the person has a second factor: no session yet; the
    /// browser keeps `pending_token` (only its MAC is stored) for the second step.
    SecondFactor {
        pending_token: String,
    },
}

/// A lock-out notice for the owner of an address whose codes were just locked, until the time given.
pub type LockoutNotice<'a> = &'a dyn Fn(&User, Timestamp) -> NewMessage;

/// The membership a login of `email` starts on: the one used last, if still active, else the
/// first active one.
pub(super) fn active_user(tx: &WriteTransaction, email: &str) -> Result<Option<User>> {
    let last = tx
        .open_table(USERS_BY_EMAIL)?
        .get(email)?
        .map(|v| v.value());
    let users = tx.open_table(USERS)?;
    let others = super::users::membership_ids(tx, email)?;
    for id in last.into_iter().chain(others) {
        if let Some(user) = get::<User>(&users, id)?.filter(|u| u.active)
            && !super::accounts::load_account_in(tx, user.account_id)?.disabled
        {
            return Ok(Some(user));
        }
    }
    Ok(None)
}

/// The address a link (by its MAC) was sent to, and whether it may still log in: its row must be
/// fresh and still name this link (a newer code replaces it); wrong codes do not matter.
fn find_link(
    links: &impl ReadableTable<&'static [u8], &'static str>,
    codes: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &[u8],
    now: Timestamp,
) -> Result<Option<(String, bool)>> {
    let Some(email) = links.get(key)?.map(|v| v.value().to_string()) else {
        return Ok(None);
    };
    let usable = match codes.get(email.as_str())? {
        Some(bytes) => {
            let row: LoginCode = decode(bytes.value())?;
            row.link_is_usable(now) && constant_time_eq(&row.link_mac, key)
        }
        None => false,
    };
    Ok(Some((email, usable)))
}

fn forget_code(tx: &WriteTransaction, email: &str) -> Result<()> {
    let removed = tx
        .open_table(LOGIN_CODES)?
        .remove(email)?
        .map(|v| v.value().to_vec());
    if let Some(bytes) = removed {
        let old: LoginCode = decode(&bytes)?;
        tx.open_table(LOGIN_LINKS)?
            .remove(old.link_mac.as_slice())?;
    }
    Ok(())
}

fn failure_budget(tx: &WriteTransaction, email: &str) -> Result<FailureBudget> {
    match tx.open_table(LOGIN_FAILURES)?.get(email)? {
        Some(bytes) => decode(bytes.value()),
        None => Ok(FailureBudget::default()),
    }
}

/// Counts a wrong code for `email`; on a new lock-out, e-mails its user (if any) once.
fn count_failure(
    tx: &WriteTransaction,
    email: &str,
    now: Timestamp,
    notice: LockoutNotice<'_>,
) -> Result<bool> {
    let mut budget = failure_budget(tx, email)?;
    let locked = budget.record_failure(now);
    tx.open_table(LOGIN_FAILURES)?
        .insert(email, encode(&budget)?.as_slice())?;
    if locked && let (Some(user), Some(until)) = (active_user(tx, email)?, budget.locked_until) {
        enqueue(tx, notice(&user, until), now)?;
    }
    Ok(locked)
}

/// Deletes every session of a user, in the caller's transaction.
pub(super) fn end_sessions_of(tx: &WriteTransaction, user_id: u64) -> Result<()> {
    tx.open_table(SESSIONS)?.retain(|_, bytes| {
        // A row that cannot be read cannot log anyone in either.
        decode::<Session>(bytes).is_ok_and(|s| s.user_id != user_id)
    })?;
    Ok(())
}

impl Store {
    pub(super) fn session_key(&self, token: &str) -> Vec<u8> {
        self.mac(&[b"session", token.as_bytes()])
    }

    /// Issues a fresh code and link for `email`, killing any older one. The row is written whether
    /// or not the address has an account, so both answers cost the same; only a real user gets mail.
    pub fn request_login(
        &self,
        email: &Email,
        now: Timestamp,
        compose: &dyn Fn(LoginRequest<'_>) -> NewMessage,
    ) -> Result<()> {
        let code = format!("{:06}", random::below(1_000_000));
        let link_token = random::token();
        let row = LoginCode {
            code_mac: self.mac(&[b"code", email.as_str().as_bytes(), code.as_bytes()]),
            link_mac: self.mac(&[b"link", link_token.as_bytes()]),
            issued_at: now,
            wrong_tries: 0,
        };
        self.write_unseen(|tx| {
            forget_code(tx, email.as_str())?;
            tx.open_table(LOGIN_CODES)?
                .insert(email.as_str(), encode(&row)?.as_slice())?;
            tx.open_table(LOGIN_LINKS)?
                .insert(row.link_mac.as_slice(), email.as_str())?;
            if let Some(user) = active_user(tx, email.as_str())? {
                let message = compose(LoginRequest {
                    user: &user,
                    code: &code,
                    link_token: &link_token,
                });
                enqueue(tx, message, now)?;
            }
            Ok(())
        })
    }

    /// Checks a typed code. A wrong code counts a try (the fifth kills the code, not the link)
    /// and spends the address's failure budget; once spent, every code for the address is
    /// refused until the lock-out ends, and its user is sent `notice` (once, in this transaction).
    pub fn login_with_code(
        &self,
        email: &Email,
        code: &str,
        now: Timestamp,
        notice: LockoutNotice<'_>,
        origin: &SessionOrigin<'_>,
    ) -> Result<CodeCheck> {
        let typed = self.mac(&[b"code", email.as_str().as_bytes(), code.as_bytes()]);
        self.write_unseen(|tx| {
            let check = self.check_code(tx, email, &typed, now, notice, origin)?;
            let failed = match check {
                CodeCheck::WrongCode { .. } => "błędny kod",
                CodeCheck::CodesLocked => "kody zablokowane po błędnych próbach",
                CodeCheck::Rejected => "kod nieważny, wygasły lub nieznany",
                _ => return Ok(check),
            };
            let (kind, ip) = (AuditKind::LoginFailed, origin.ip.as_str());
            record_person(tx, email.as_str(), kind, failed, ip, now)?;
            Ok(check)
        })
    }

    /// `login_with_code` in its transaction, before the failure is written to the audit log.
    fn check_code(
        &self,
        tx: &WriteTransaction,
        email: &Email,
        typed: &[u8],
        now: Timestamp,
        notice: LockoutNotice<'_>,
        origin: &SessionOrigin<'_>,
    ) -> Result<CodeCheck> {
        if failure_budget(tx, email.as_str())?.is_locked(now) {
            return Ok(CodeCheck::CodesLocked);
        }
        let stored = tx
            .open_table(LOGIN_CODES)?
            .get(email.as_str())?
            .map(|v| v.value().to_vec());
        let Some(bytes) = stored else {
            return Ok(CodeCheck::Rejected);
        };
        let mut row: LoginCode = decode(&bytes)?;
        if !row.is_usable(now) {
            // Out of tries, the row stays for its link until it expires.
            if row.is_dead(now) {
                forget_code(tx, email.as_str())?;
            }
            return Ok(CodeCheck::Rejected);
        }
        if !constant_time_eq(&row.code_mac, typed) {
            row.wrong_tries += 1;
            tx.open_table(LOGIN_CODES)?
                .insert(email.as_str(), encode(&row)?.as_slice())?;
            let locked = count_failure(tx, email.as_str(), now, notice)?;
            return Ok(CodeCheck::WrongCode { locked });
        }
        forget_code(tx, email.as_str())?;
        self.begin_session(tx, email.as_str(), now, origin, true)
    }

    /// The address a still-good link logs into, without using it (its GET page must not burn it).
    pub fn login_link_address(&self, token: &str, now: Timestamp) -> Result<Option<String>> {
        let key = self.mac(&[b"link", token.as_bytes()]);
        let tx = self.read()?;
        let links = tx.open_table(LOGIN_LINKS)?;
        let link = find_link(&links, &tx.open_table(LOGIN_CODES)?, &key, now)?;
        Ok(link.and_then(|(email, usable)| usable.then_some(email)))
    }

    pub fn login_with_link(
        &self,
        token: &str,
        now: Timestamp,
        origin: &SessionOrigin<'_>,
    ) -> Result<CodeCheck> {
        let key = self.mac(&[b"link", token.as_bytes()]);
        self.write_unseen(|tx| {
            let found = find_link(
                &tx.open_table(LOGIN_LINKS)?,
                &tx.open_table(LOGIN_CODES)?,
                &key,
                now,
            )?;
            let Some((email, usable)) = found else {
                return Ok(CodeCheck::Rejected);
            };
            // Used or not, a link that was tried is gone.
            forget_code(tx, &email)?;
            tx.open_table(LOGIN_LINKS)?.remove(key.as_slice())?;
            if !usable {
                return Ok(CodeCheck::Rejected);
            }
            self.begin_session(tx, &email, now, origin, true)
        })
    }

    pub(super) fn start_session(
        &self,
        tx: &WriteTransaction,
        email: &str,
        now: Timestamp,
    ) -> Result<CodeCheck> {
        let Some(mut user) = active_user(tx, email)? else {
            return Ok(CodeCheck::Rejected);
        };
        super::users::record_start(tx, &mut user, now)?;
        let session_token = random::token();
        let session = Session {
            user_id: user.id,
            account_id: user.account_id,
            created_at: now,
            last_seen: now,
            ..Session::default()
        };
        tx.open_table(SESSIONS)?.insert(
            self.session_key(&session_token).as_slice(),
            encode(&session)?.as_slice(),
        )?;
        Ok(CodeCheck::LoggedIn {
            session_token,
            user,
        })
    }

    /// The live session of `token`, its user and account (one snapshot), or `None` when the
    /// session ended, timed out, or its user was removed or disabled.
    pub fn session(&self, token: &str, now: Timestamp) -> Result<Option<Arc<LiveSession>>> {
        let key = self.session_key(token);
        let cached = self
            .sessions
            .get_or_load(key.clone(), || self.load_session(&key))?;
        Ok(cached
            .as_ref()
            .clone()
            .filter(|live| live.session.is_alive(now)))
    }

    fn load_session(&self, key: &[u8]) -> Result<Option<Arc<LiveSession>>> {
        let tx = self.read()?;
        let Some(bytes) = tx
            .open_table(SESSIONS)?
            .get(key)?
            .map(|v| v.value().to_vec())
        else {
            return Ok(None);
        };
        let session: Session = decode(&bytes)?;
        let user: Option<User> = get(&tx.open_table(USERS)?, session.user_id)?;
        let Some(user) = user.filter(|u| u.active && u.account_id == session.account_id) else {
            return Ok(None);
        };
        let account = super::accounts::load_account(&tx, user.account_id)?;
        if account.disabled {
            return Ok(None);
        }
        let (second_factor_on, second_factor_required) =
            super::security::factor_flags(&tx, user.email.as_str(), account.id)?;
        let memberships = super::users::memberships_of(&tx, user.email.as_str())?;
        Ok(Some(Arc::new(LiveSession {
            session,
            user,
            account,
            second_factor_on,
            second_factor_required,
            memberships,
        })))
    }

    /// Records activity for the idle timeout (callers do it at most once a minute).
    pub fn touch_session(&self, token: &str, now: Timestamp) -> Result<()> {
        let key = self.session_key(token);
        self.write_unseen(|tx| {
            let mut sessions = tx.open_table(SESSIONS)?;
            let stored = sessions.get(key.as_slice())?.map(|v| v.value().to_vec());
            if let Some(bytes) = stored {
                let mut session: Session = decode(&bytes)?;
                session.last_seen = now;
                sessions.insert(key.as_slice(), encode(&session)?.as_slice())?;
            }
            Ok(())
        })
    }

    /// Moves a live session to another membership of the same e-mail: the old session ends and
    /// a new token is returned (keeping the old session's start, so its absolute timeout stays).
    /// `None` when the session is not live or `user_id` is not an active membership of its e-mail.
    pub fn switch_session(
        &self,
        token: &str,
        user_id: u64,
        now: Timestamp,
    ) -> Result<Option<String>> {
        let key = self.session_key(token);
        self.write_unseen(|tx| {
            let stored = tx
                .open_table(SESSIONS)?
                .get(key.as_slice())?
                .map(|v| v.value().to_vec());
            let Some(old) = stored.map(|b| decode::<Session>(&b)).transpose()? else {
                return Ok(None);
            };
            let users = tx.open_table(USERS)?;
            let current: Option<User> = get(&users, old.user_id)?;
            let target: Option<User> = get(&users, user_id)?;
            drop(users);
            let (Some(current), Some(mut target)) = (current, target) else {
                return Ok(None);
            };
            if !old.is_alive(now)
                || !current.active
                || !target.active
                || current.email != target.email
                || super::accounts::load_account_in(tx, target.account_id)?.disabled
            {
                return Ok(None);
            }
            let new_token = random::token();
            let new_key = self.session_key(&new_token);
            // A new session as far as anyone can tell: new token, new public id (the sessions
            // list of Bezpieczeństwo), the same browser and address.
            let session = Session {
                user_id: target.id,
                account_id: target.account_id,
                last_seen: now,
                public_id: random::hex(&random::bytes::<16>()),
                ..old
            };
            super::person_sessions::unindex_session(tx, &key)?;
            let mut sessions = tx.open_table(SESSIONS)?;
            sessions.remove(key.as_slice())?;
            sessions.insert(new_key.as_slice(), encode(&session)?.as_slice())?;
            drop(sessions);
            tx.open_multimap_table(super::schema::SESSIONS_BY_PERSON)?
                .insert(target.email.as_str(), new_key.as_slice())?;
            super::users::record_start(tx, &mut target, now)?;
            Ok(Some(new_token))
        })
    }

    pub fn end_session(&self, token: &str) -> Result<()> {
        let key = self.session_key(token);
        self.write_unseen(|tx| {
            super::person_sessions::unindex_session(tx, &key)?;
            tx.open_table(SESSIONS)?.remove(key.as_slice())?;
            Ok(())
        })
    }

    /// How many sessions, login codes and login links are stored (housekeeping checks).
    pub fn login_rows(&self) -> Result<(u64, u64, u64)> {
        let tx = self.read()?;
        Ok((
            tx.open_table(SESSIONS)?.len()?,
            tx.open_table(LOGIN_CODES)?.len()?,
            tx.open_table(LOGIN_LINKS)?.len()?,
        ))
    }

    /// How many addresses have a failure budget stored (housekeeping checks).
    pub fn failure_budget_rows(&self) -> Result<u64> {
        Ok(self.read()?.open_table(LOGIN_FAILURES)?.len()?)
    }

    /// Deletes sessions, login codes and failure budgets that can no longer matter.
    pub fn purge_expired_logins(&self, now: Timestamp) -> Result<usize> {
        self.write_unseen(|tx| {
            let mut removed = 0;
            let mut sessions = tx.open_table(SESSIONS)?;
            sessions.retain(|_, bytes| {
                let alive = decode::<Session>(bytes).is_ok_and(|s| s.is_alive(now));
                removed += usize::from(!alive);
                alive
            })?;
            let mut dead_links = Vec::new();
            tx.open_table(LOGIN_CODES)?
                .retain(|_, bytes| match decode::<LoginCode>(bytes) {
                    Ok(code) if !code.is_dead(now) => true,
                    Ok(code) => {
                        dead_links.push(code.link_mac);
                        false
                    }
                    Err(_) => false,
                })?;
            let mut links = tx.open_table(LOGIN_LINKS)?;
            for link in &dead_links {
                links.remove(link.as_slice())?;
            }
            let mut spent = 0;
            tx.open_table(LOGIN_FAILURES)?.retain(|_, bytes| {
                let keep = decode::<FailureBudget>(bytes).is_ok_and(|b| !b.is_spent(now));
                spent += usize::from(!keep);
                keep
            })?;
            drop(sessions);
            Store::purge_session_index(tx)?;
            let pending = super::second_step::purge_pending_logins(tx, now)?;
            let login_as = super::login_as::purge_login_as(tx, now)?;
            Ok(removed + dead_links.len() + spent + pending + login_as)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::domain::login::SESSION_IDLE_TIMEOUT;
    use crate::store::NewAccount;
    use crate::store::codec::put;
    use jiff::SignedDuration;

    fn email(raw: &str) -> Email {
        Email::parse(raw).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn ok<T>(result: Result<T>) -> T {
        result.unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn account(owner: &str) -> NewAccount {
        NewAccount {
            name: owner.into(),
            nip: None,
            address: Default::default(),
            owner_email: email(owner),
            owner_name: owner.into(),
            phone: String::new(),
        }
    }

    /// The store refuses a switch the page would not offer: a stranger's membership, an inactive
    /// one on either side, a session that timed out; a good switch is a new session.
    #[test]
    fn a_session_moves_only_to_an_active_membership_of_the_same_person_while_it_lives() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let now = Timestamp::UNIX_EPOCH;
        let (a, _) = ok(store.create_account(account("a@firma.pl"), now));
        let (b, owner_b) = ok(store.create_account(account("b@firma.pl"), now));
        let person = email("w@firma.pl");
        let in_a = ok(store.add_user(a.id, &person, "W", Role::Technical, now));
        let in_b = ok(store.add_user(b.id, &person, "W", Role::Technical, now));
        let token = match ok(store.write(|tx| store.start_session(tx, person.as_str(), now))) {
            CodeCheck::LoggedIn { session_token, .. } => session_token,
            _ => unreachable!("the person logs in"),
        };
        let set_active = |id: u64, active: bool| {
            ok(store.write(|tx| {
                let mut users = tx.open_table(USERS)?;
                let Some(mut user) = get::<User>(&users, id)? else {
                    return Ok(());
                };
                user.active = active;
                put(&mut users, id, &user)
            }))
        };
        let switch = |to: u64, at: Timestamp| ok(store.switch_session(&token, to, at));

        let idle = now + SESSION_IDLE_TIMEOUT + SignedDuration::from_mins(1);
        assert_eq!(switch(in_b.id, idle), None, "timed out");
        let later = now + SignedDuration::from_mins(5);
        assert_eq!(switch(owner_b.id, later), None, "someone else's membership");
        set_active(in_b.id, false);
        assert_eq!(switch(in_b.id, later), None, "an inactive membership");
        set_active(in_b.id, true);
        set_active(in_a.id, false);
        assert_eq!(switch(in_b.id, later), None, "from an inactive membership");
        set_active(in_a.id, true);

        let new_token = switch(in_b.id, later).unwrap_or_default();
        assert!(
            ok(store.session(&token, later)).is_none(),
            "the old one ended"
        );
        let live = ok(store.session(&new_token, later));
        let session = live.map(|l| l.session.clone()).unwrap_or_default();
        assert_eq!((session.user_id, session.account_id), (in_b.id, b.id));
        assert_eq!(session.last_seen, later, "its idle time starts now");
        assert_eq!(session.public_id.len(), 32, "an id of its own");
    }
}
