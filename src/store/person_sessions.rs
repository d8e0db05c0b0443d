//! A person's sessions: where each came from (IP, browser), the index by e-mail that lists them
//! without scanning all sessions, ending one or all others, and the browsers a person logged in
//! from (a new one gets an e-mail). Ending goes through a write, which empties the session cache.

use super::audit::{NewAudit, actor_of, record, record_person};
use super::codec::{decode, encode, get};
use super::login::CodeCheck;
use super::outbox::{NewMessage, enqueue};
use super::schema::{KNOWN_DEVICES, SESSIONS, SESSIONS_BY_PERSON, USERS};
use super::{Result, Store};
use crate::domain::User;
use crate::domain::audit::AuditKind;
use crate::domain::login::Session;
use crate::random;
use jiff::Timestamp;
use redb::{ReadableMultimapTable, ReadableTable, WriteTransaction};

/// Where a login comes from, and the e-mail a person gets when it is a browser new to them.
pub struct SessionOrigin<'a> {
    pub ip: String,
    /// The browser as a person recognises it ("Chrome na Linux").
    pub device: String,
    /// The long-lived random token of the browser's device cookie.
    pub device_token: String,
    pub new_device_mail: &'a dyn Fn(&User) -> NewMessage,
}

/// A live session of the person, for the list on Bezpieczeństwo.
#[derive(Clone, Debug)]
pub struct ListedSession {
    pub session: Session,
    /// The session of the request that asks.
    pub current: bool,
}

/// Drops `key` from the person index (the session row itself is the caller's).
pub(super) fn unindex_session(tx: &WriteTransaction, key: &[u8]) -> Result<()> {
    let row = tx
        .open_table(SESSIONS)?
        .get(key)?
        .map(|v| v.value().to_vec());
    let Some(bytes) = row else {
        return Ok(());
    };
    let session: Session = decode(&bytes)?;
    if let Some(user) = get::<User>(&tx.open_table(USERS)?, session.user_id)? {
        tx.open_multimap_table(SESSIONS_BY_PERSON)?
            .remove(user.email.as_str(), key)?;
    }
    Ok(())
}

impl Store {
    /// Starts the session of a login that passed its e-mail code or link (and, when `gate`, asks
    /// for the second factor first), then records where it came from.
    pub(super) fn begin_session(
        &self,
        tx: &WriteTransaction,
        email: &str,
        now: Timestamp,
        origin: &SessionOrigin<'_>,
        gate: bool,
    ) -> Result<CodeCheck> {
        if gate && let Some(pending) = self.second_factor_gate(tx, email, now)? {
            return Ok(pending);
        }
        let check = self.start_session(tx, email, now)?;
        if let CodeCheck::LoggedIn {
            session_token,
            user,
        } = &check
        {
            self.record_origin(tx, session_token, user, origin, now)?;
            let entry = NewAudit {
                actor: actor_of(user),
                kind: AuditKind::Login,
                detail: origin.device.clone(),
                origin: &origin.ip,
                account_id: Some(user.account_id),
            };
            record(tx, entry, now)?;
        }
        Ok(check)
    }

    fn record_origin(
        &self,
        tx: &WriteTransaction,
        session_token: &str,
        user: &User,
        origin: &SessionOrigin<'_>,
        now: Timestamp,
    ) -> Result<()> {
        let key = self.session_key(session_token);
        let mut sessions = tx.open_table(SESSIONS)?;
        let row = sessions.get(key.as_slice())?.map(|v| v.value().to_vec());
        if let Some(bytes) = row {
            let mut session: Session = decode(&bytes)?;
            session.public_id = random::hex(&random::bytes::<16>());
            session.ip = origin.ip.clone();
            session.device = origin.device.clone();
            sessions.insert(key.as_slice(), encode(&session)?.as_slice())?;
        }
        drop(sessions);
        let email = user.email.as_str();
        tx.open_multimap_table(SESSIONS_BY_PERSON)?
            .insert(email, key.as_slice())?;
        let device = self.mac(&[b"device", email.as_bytes(), origin.device_token.as_bytes()]);
        let mut devices = tx.open_multimap_table(KNOWN_DEVICES)?;
        let known_before = devices.get(email)?.next().is_some();
        // redb answers whether the pair was already there.
        let is_new = !devices.insert(email, device.as_slice())?;
        drop(devices);
        // The first browser a person ever uses is not news; any later new one is.
        if is_new && known_before {
            enqueue(tx, (origin.new_device_mail)(user), now)?;
        }
        Ok(())
    }

    /// The person's live sessions, newest activity first.
    pub fn sessions_of_person(
        &self,
        email: &str,
        current_token: &str,
        now: Timestamp,
    ) -> Result<Vec<ListedSession>> {
        let current = self.session_key(current_token);
        let tx = self.read()?;
        let sessions = tx.open_table(SESSIONS)?;
        let mut listed = Vec::new();
        for key in tx.open_multimap_table(SESSIONS_BY_PERSON)?.get(email)? {
            let key = key?.value().to_vec();
            let Some(bytes) = sessions.get(key.as_slice())?.map(|v| v.value().to_vec()) else {
                continue;
            };
            let session: Session = decode(&bytes)?;
            if session.is_alive(now) {
                listed.push(ListedSession {
                    session,
                    current: key == current,
                });
            }
        }
        listed.sort_by_key(|l| std::cmp::Reverse(l.session.last_seen));
        Ok(listed)
    }

    /// Ends the person's sessions that `pick` chooses (never the current one); how many ended.
    fn end_person_sessions(
        &self,
        email: &str,
        current_token: &str,
        pick: &dyn Fn(&Session) -> bool,
        ip: &str,
        now: Timestamp,
        mail: NewMessage,
    ) -> Result<usize> {
        let current = self.session_key(current_token);
        self.write_unseen(|tx| {
            let keys: Vec<Vec<u8>> = tx
                .open_multimap_table(SESSIONS_BY_PERSON)?
                .get(email)?
                .map(|k| k.map(|k| k.value().to_vec()))
                .collect::<std::result::Result<_, _>>()?;
            let mut ended = 0;
            for key in keys.into_iter().filter(|k| *k != current) {
                let row = tx
                    .open_table(SESSIONS)?
                    .get(key.as_slice())?
                    .map(|v| v.value().to_vec());
                let chosen = match row {
                    Some(bytes) => pick(&decode(&bytes)?),
                    None => true,
                };
                if chosen {
                    ended +=
                        usize::from(tx.open_table(SESSIONS)?.remove(key.as_slice())?.is_some());
                    tx.open_multimap_table(SESSIONS_BY_PERSON)?
                        .remove(email, key.as_slice())?;
                }
            }
            if ended > 0 {
                enqueue(tx, mail, now)?;
                let detail = format!("zakończone sesje: {ended}");
                record_person(tx, email, AuditKind::SessionsEnded, &detail, ip, now)?;
            }
            Ok(ended)
        })
    }

    /// "Zakończ": ends one of the person's other sessions, by its public id.
    pub fn end_person_session(
        &self,
        email: &str,
        current_token: &str,
        public_id: &str,
        ip: &str,
        now: Timestamp,
        mail: NewMessage,
    ) -> Result<bool> {
        let pick = |s: &Session| !s.public_id.is_empty() && s.public_id == public_id;
        Ok(self.end_person_sessions(email, current_token, &pick, ip, now, mail)? > 0)
    }

    /// "Wyloguj wszystkie pozostałe": every session of the person but the current one.
    pub fn end_other_sessions(
        &self,
        email: &str,
        current_token: &str,
        ip: &str,
        now: Timestamp,
        mail: NewMessage,
    ) -> Result<usize> {
        self.end_person_sessions(email, current_token, &|_| true, ip, now, mail)
    }

    /// Drops index entries whose session is gone (housekeeping, after sessions were purged).
    pub(super) fn purge_session_index(tx: &WriteTransaction) -> Result<()> {
        let mut stale = Vec::new();
        {
            let sessions = tx.open_table(SESSIONS)?;
            for entry in tx.open_multimap_table(SESSIONS_BY_PERSON)?.iter()? {
                let (email, keys) = entry?;
                for key in keys {
                    let key = key?.value().to_vec();
                    if sessions.get(key.as_slice())?.is_none() {
                        stale.push((email.value().to_string(), key));
                    }
                }
            }
        }
        let mut index = tx.open_multimap_table(SESSIONS_BY_PERSON)?;
        for (email, key) in stale {
            index.remove(email.as_str(), key.as_slice())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Email;
    use crate::store::NewAccount;
    use jiff::SignedDuration;

    fn no_mail(_: &User) -> NewMessage {
        NewMessage {
            to: String::new(),
            subject: String::new(),
            text: String::new(),
            html: String::new(),
            secret: false,
        }
    }

    /// The index by e-mail follows the sessions: a logout drops its entry at once, housekeeping
    /// drops the entries of sessions that timed out.
    #[test]
    fn the_index_of_a_persons_sessions_keeps_only_sessions_that_exist() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let now = Timestamp::UNIX_EPOCH;
        let email = "jan@firma.pl";
        let new = NewAccount {
            name: "Firma".into(),
            nip: None,
            address: Default::default(),
            owner_email: Email::parse(email).unwrap_or_else(|e| unreachable!("{e}")),
            owner_name: "Jan".into(),
            phone: String::new(),
        };
        assert!(store.create_account(new, now).is_ok());
        let origin = SessionOrigin {
            ip: "127.0.0.1".into(),
            device: "Firefox na Linux".into(),
            device_token: "a".repeat(64),
            new_device_mail: &no_mail,
        };
        let log_in = || match store.write(|tx| store.begin_session(tx, email, now, &origin, false))
        {
            Ok(CodeCheck::LoggedIn { session_token, .. }) => session_token,
            _ => unreachable!("the owner logs in"),
        };
        let (first, _second) = (log_in(), log_in());
        let indexed = || {
            store
                .write(|tx| {
                    Ok(tx
                        .open_multimap_table(SESSIONS_BY_PERSON)?
                        .get(email)?
                        .count())
                })
                .ok()
        };
        assert_eq!(indexed(), Some(2));
        assert!(store.end_session(&first).is_ok());
        assert_eq!(indexed(), Some(1), "the logout's entry is gone");
        let much_later = now + SignedDuration::from_hours(24);
        assert!(store.purge_expired_logins(much_later).is_ok());
        assert_eq!(indexed(), Some(0), "the timed-out session's entry is gone");
    }
}
