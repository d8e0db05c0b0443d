//! The second step of a login: a person with the second factor on gets a pending login (a random
//! token in a short-lived cookie, only its MAC stored; 10 minutes, 5 wrong codes) instead of a
//! session, and the session starts once a TOTP or recovery code is good.

use super::audit::record_person;
use super::codec::{decode, encode};
use super::login::CodeCheck;
use super::person_sessions::SessionOrigin;
use super::schema::SECOND_FACTOR_PENDING;
use super::security::{load_factor, save_factor};
use super::{Result, Store};
use crate::domain::audit::AuditKind;
use crate::domain::security::PendingLogin;
use crate::random;
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};

impl Store {
    /// Before a session starts: a person with the second factor on gets a pending login instead.
    pub(super) fn second_factor_gate(
        &self,
        tx: &WriteTransaction,
        email: &str,
        now: Timestamp,
    ) -> Result<Option<CodeCheck>> {
        if !load_factor(tx, email)?.is_some_and(|f| f.enabled) {
            return Ok(None);
        }
        let pending_token = random::token();
        let row = PendingLogin {
            email: email.to_string(),
            created_at: now,
            wrong_tries: 0,
        };
        let key = self.mac(&[b"pending-2fa", pending_token.as_bytes()]);
        tx.open_table(SECOND_FACTOR_PENDING)?
            .insert(key.as_slice(), encode(&row)?.as_slice())?;
        Ok(Some(CodeCheck::SecondFactor { pending_token }))
    }

    /// Whether a pending login can still take a code.
    pub fn pending_login_usable(&self, token: &str, now: Timestamp) -> Result<bool> {
        let key = self.mac(&[b"pending-2fa", token.as_bytes()]);
        let tx = self.read()?;
        let row = tx
            .open_table(SECOND_FACTOR_PENDING)?
            .get(key.as_slice())?
            .map(|v| v.value().to_vec());
        Ok(match row {
            Some(bytes) => decode::<PendingLogin>(&bytes)?.is_usable(now),
            None => false,
        })
    }

    /// The second step of a login: a good code starts the session; a wrong one counts a try
    /// (`locked` when it was the last); an unknown, expired or spent pending login is `Rejected`.
    pub fn login_second_factor(
        &self,
        token: &str,
        code: &str,
        now: Timestamp,
        origin: &SessionOrigin<'_>,
    ) -> Result<CodeCheck> {
        let key = self.mac(&[b"pending-2fa", token.as_bytes()]);
        self.write_unseen(|tx| {
            let row = tx
                .open_table(SECOND_FACTOR_PENDING)?
                .get(key.as_slice())?
                .map(|v| v.value().to_vec());
            let Some(bytes) = row else {
                return Ok(CodeCheck::Rejected);
            };
            let mut pending: PendingLogin = decode(&bytes)?;
            if !pending.is_usable(now) {
                tx.open_table(SECOND_FACTOR_PENDING)?
                    .remove(key.as_slice())?;
                return Ok(CodeCheck::Rejected);
            }
            let email = pending.email.clone();
            let Some(mut factor) = load_factor(tx, &email)?.filter(|f| f.enabled) else {
                // Turned off meanwhile: the e-mail code was enough.
                tx.open_table(SECOND_FACTOR_PENDING)?
                    .remove(key.as_slice())?;
                return self.begin_session(tx, &email, now, origin, false);
            };
            let recovery_codes = factor.recovery.len();
            if !self.spend_code(&mut factor, &email, code, now) {
                let detail = "błędny kod drugiego etapu";
                record_person(tx, &email, AuditKind::LoginFailed, detail, &origin.ip, now)?;
                pending.wrong_tries += 1;
                let locked = !pending.is_usable(now);
                let mut table = tx.open_table(SECOND_FACTOR_PENDING)?;
                if locked {
                    table.remove(key.as_slice())?;
                } else {
                    table.insert(key.as_slice(), encode(&pending)?.as_slice())?;
                }
                return Ok(CodeCheck::WrongCode { locked });
            }
            save_factor(tx, &email, &factor)?;
            if factor.recovery.len() < recovery_codes {
                let detail = "logowanie kodem zapasowym";
                record_person(
                    tx,
                    &email,
                    AuditKind::RecoveryCodeUsed,
                    detail,
                    &origin.ip,
                    now,
                )?;
            }
            tx.open_table(SECOND_FACTOR_PENDING)?
                .remove(key.as_slice())?;
            self.begin_session(tx, &email, now, origin, false)
        })
    }
}

/// Deletes pending logins that can no longer be used (housekeeping).
pub(super) fn purge_pending_logins(tx: &WriteTransaction, now: Timestamp) -> Result<usize> {
    let mut removed = 0;
    tx.open_table(SECOND_FACTOR_PENDING)?.retain(|_, bytes| {
        let keep = decode::<PendingLogin>(bytes).is_ok_and(|p| p.is_usable(now));
        removed += usize::from(!keep);
        keep
    })?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::security::SecondFactor;
    use jiff::SignedDuration;
    use redb::ReadableTableMetadata;

    /// Housekeeping deletes the pending logins that can no longer take a code, counts them, and
    /// leaves a fresh one usable.
    #[test]
    fn housekeeping_deletes_only_the_pending_logins_that_ran_out() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let email = "jan@firma.pl";
        let on = SecondFactor {
            enabled: true,
            ..SecondFactor::default()
        };
        assert!(store.write(|tx| save_factor(tx, email, &on)).is_ok());
        let start = Timestamp::UNIX_EPOCH;
        let pending_at =
            |at: Timestamp| match store.write(|tx| store.second_factor_gate(tx, email, at)) {
                Ok(Some(CodeCheck::SecondFactor { pending_token })) => pending_token,
                _ => unreachable!("a person with the second factor gets a pending login"),
            };
        let old = [pending_at(start), pending_at(start)];
        let fresh = pending_at(start + SignedDuration::from_mins(9));
        let later = start + SignedDuration::from_mins(10);
        let removed = store.purge_expired_logins(later);
        assert_eq!(removed.ok(), Some(2));
        let left = store.write(|tx| Ok(tx.open_table(SECOND_FACTOR_PENDING)?.len()?));
        assert_eq!(left.ok(), Some(1));
        assert_eq!(store.pending_login_usable(&fresh, later).ok(), Some(true));
        assert_eq!(store.pending_login_usable(&old[0], later).ok(), Some(false));
    }
}
