//! "Log in as customer" (`panel admin login-as`): a one-time link, valid 10 minutes, of which only
//! the MAC is stored; opening it starts a read-only session as the person. Both are audited.

use super::audit::{NewAudit, record};
use super::codec::{decode, encode, get};
use super::login::active_user;
use super::schema::{LOGIN_AS_LINKS, SESSIONS, USERS};
use super::{Result, Store};
use crate::domain::audit::{Actor, AuditKind, OPERATOR_ORIGIN};
use crate::domain::login::Session;
use crate::domain::{Email, User};
use crate::random;
use jiff::{SignedDuration, Timestamp};
use redb::WriteTransaction;
use serde::{Deserialize, Serialize};

/// How long a link may wait to be opened.
pub const LOGIN_AS_VALID: SignedDuration = SignedDuration::from_mins(10);

#[derive(Serialize, Deserialize)]
struct LoginAsLink {
    user_id: u64,
    expires_at: Timestamp,
}

/// Deletes the links that ran out unused (housekeeping).
pub(super) fn purge_login_as(tx: &WriteTransaction, now: Timestamp) -> Result<usize> {
    let mut removed = 0;
    tx.open_table(LOGIN_AS_LINKS)?.retain(|_, bytes| {
        let keep = decode::<LoginAsLink>(bytes).is_ok_and(|link| link.expires_at > now);
        removed += usize::from(!keep);
        keep
    })?;
    Ok(removed)
}

impl Store {
    fn login_as_key(&self, token: &str) -> Vec<u8> {
        self.mac(&[b"login-as", token.as_bytes()])
    }

    /// A new one-time link's token for the person `email` (their last used membership), or
    /// `None` when no active user has the address.
    pub fn create_login_as(&self, email: &Email, now: Timestamp) -> Result<Option<(String, User)>> {
        let token = random::token();
        let key = self.login_as_key(&token);
        self.write_unseen(|tx| {
            let Some(user) = active_user(tx, email.as_str())? else {
                return Ok(None);
            };
            let link = LoginAsLink {
                user_id: user.id,
                expires_at: now + LOGIN_AS_VALID,
            };
            tx.open_table(LOGIN_AS_LINKS)?
                .insert(key.as_slice(), encode(&link)?.as_slice())?;
            let entry = NewAudit {
                actor: Actor::Operator,
                kind: AuditKind::LoginAsLink,
                detail: format!("link podglądu konta jako {} (10 min)", user.email),
                origin: OPERATOR_ORIGIN,
                account_id: Some(user.account_id),
            };
            record(tx, entry, now)?;
            Ok(Some((token.clone(), user)))
        })
    }

    /// Whether `token` names a link that may still be opened (its page must not use it up).
    pub fn login_as_usable(&self, token: &str, now: Timestamp) -> Result<bool> {
        let key = self.login_as_key(token);
        let tx = self.read()?;
        let row = tx.open_table(LOGIN_AS_LINKS)?.get(key.as_slice())?;
        match row {
            Some(bytes) => Ok(decode::<LoginAsLink>(bytes.value())?.expires_at > now),
            None => Ok(false),
        }
    }

    /// Uses the link (once, expired or not): a read-only session's token, or `None`.
    pub fn use_login_as(&self, token: &str, ip: &str, now: Timestamp) -> Result<Option<String>> {
        let key = self.login_as_key(token);
        let session_token = random::token();
        self.write_unseen(|tx| {
            let row = tx
                .open_table(LOGIN_AS_LINKS)?
                .remove(key.as_slice())?
                .map(|v| v.value().to_vec());
            let Some(link) = row.map(|v| decode::<LoginAsLink>(&v)).transpose()? else {
                return Ok(None);
            };
            let user = get::<User>(&tx.open_table(USERS)?, link.user_id)?.filter(|u| u.active);
            let Some(user) = user.filter(|_| link.expires_at > now) else {
                return Ok(None);
            };
            let session = Session {
                user_id: user.id,
                account_id: user.account_id,
                created_at: now,
                last_seen: now,
                public_id: random::hex(&random::bytes::<16>()),
                ip: ip.to_string(),
                device: "podgląd operatora".into(),
                read_only: true,
            };
            tx.open_table(SESSIONS)?.insert(
                self.session_key(&session_token).as_slice(),
                encode(&session)?.as_slice(),
            )?;
            let entry = NewAudit {
                actor: Actor::Operator,
                kind: AuditKind::LoginAsUsed,
                detail: format!("podgląd konta jako {} (tylko do odczytu)", user.email),
                origin: ip,
                account_id: Some(user.account_id),
            };
            record(tx, entry, now)?;
            Ok(Some(session_token.clone()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{AuditFilter, NewAccount};

    fn ok<T, E: std::fmt::Display>(result: std::result::Result<T, E>) -> T {
        result.unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn a_link_opens_one_read_only_session_and_an_unused_one_is_purged_after_ten_minutes() {
        let dir = ok(tempfile::tempdir());
        let store = ok(Store::open(dir.path()));
        let now = Timestamp::UNIX_EPOCH;
        let email = ok(Email::parse("jan@firma.pl"));
        let new = NewAccount {
            name: "Firma".into(),
            nip: None,
            address: Default::default(),
            owner_email: email.clone(),
            owner_name: "Jan".into(),
            phone: String::new(),
        };
        ok(store.create_account(new, now));
        let Some((token, _)) = ok(store.create_login_as(&email, now)) else {
            unreachable!("the owner is active")
        };
        let Some(session) = ok(store.use_login_as(&token, "192.0.2.7", now)) else {
            unreachable!("a fresh link opens")
        };
        let live = ok(store.session(&session, now));
        assert!(live.is_some_and(|l| l.session.read_only));
        assert!(
            ok(store.use_login_as(&token, "192.0.2.7", now)).is_none(),
            "once"
        );

        let Some((late, _)) = ok(store.create_login_as(&email, now)) else {
            unreachable!("the owner is active")
        };
        let later = now + LOGIN_AS_VALID;
        assert!(!ok(store.login_as_usable(&late, later)));
        assert!(ok(store.purge_expired_logins(later)) >= 1);
        assert!(
            ok(store.use_login_as(&late, "192.0.2.7", now)).is_none(),
            "purged"
        );

        let filter = AuditFilter {
            limit: 10,
            ..AuditFilter::default()
        };
        let kinds: Vec<AuditKind> = ok(store.audit_entries(&filter))
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                AuditKind::LoginAsLink,
                AuditKind::LoginAsUsed,
                AuditKind::LoginAsLink
            ]
        );
    }
}
