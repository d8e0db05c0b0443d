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
use serde::{Deserialize, Serialize};

/// How long a link may wait to be opened.
pub const LOGIN_AS_VALID: SignedDuration = SignedDuration::from_mins(10);

#[derive(Serialize, Deserialize)]
struct LoginAsLink {
    user_id: u64,
    expires_at: Timestamp,
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
