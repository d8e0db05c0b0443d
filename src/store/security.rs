//! A person's second factor (TOTP and single-use recovery codes) and the account's requirement
//! (the login step that waits for it: `second_step`). The TOTP secret is sealed with the server's
//! key (it must be read back to check codes); recovery codes are stored only as MACs.

use super::audit::{record_in_account, record_person};
use super::codec::{constant_time_eq, decode, encode, get, put};
use super::outbox::{NewMessage, enqueue};
use super::schema::{ACCOUNT_SECURITY, SECOND_FACTORS};
use super::{Result, Store};
use crate::domain::audit::AuditKind;
use crate::domain::security::{
    AccountSecurity, RECOVERY_CODES, SECRET_BYTES, SecondFactor, accepted_step, normalise,
    recovery_code,
};
use crate::random;
use jiff::Timestamp;
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

/// What the Bezpieczeństwo page shows of a person's second factor.
#[derive(Clone, Debug, Default)]
pub struct FactorView {
    pub enabled: bool,
    pub enabled_at: Option<Timestamp>,
    /// The secret being set up (not yet confirmed with a code), to show as text and QR code.
    pub setup_secret: Option<Vec<u8>>,
    pub recovery_left: usize,
}

pub(super) fn load_factor(tx: &WriteTransaction, email: &str) -> Result<Option<SecondFactor>> {
    match tx.open_table(SECOND_FACTORS)?.get(email)? {
        Some(bytes) => decode(bytes.value()).map(Some),
        None => Ok(None),
    }
}

pub(super) fn save_factor(tx: &WriteTransaction, email: &str, factor: &SecondFactor) -> Result<()> {
    tx.open_table(SECOND_FACTORS)?
        .insert(email, encode(factor)?.as_slice())?;
    Ok(())
}

/// Whether the person has the second factor on, and whether the account requires it.
pub(super) fn factor_flags(
    tx: &ReadTransaction,
    email: &str,
    account_id: u64,
) -> Result<(bool, bool)> {
    let on = match tx.open_table(SECOND_FACTORS)?.get(email)? {
        Some(bytes) => decode::<SecondFactor>(bytes.value())?.enabled,
        None => false,
    };
    let settings: Option<AccountSecurity> = get(&tx.open_table(ACCOUNT_SECURITY)?, account_id)?;
    Ok((on, settings.is_some_and(|s| s.require_second_factor)))
}

impl Store {
    /// The secret XOR a pad made from the server's key and a per-secret nonce (sealing and
    /// unsealing are the same operation).
    fn seal(&self, secret: &[u8], nonce: &[u8]) -> Vec<u8> {
        let pad = self.mac(&[b"totp-seal", nonce]);
        secret.iter().zip(pad.iter()).map(|(s, p)| s ^ p).collect()
    }

    fn recovery_mac(&self, email: &str, code: &str) -> Vec<u8> {
        self.mac(&[b"recovery", email.as_bytes(), normalise(code).as_bytes()])
    }

    fn new_recovery_codes(&self, email: &str) -> (Vec<String>, Vec<Vec<u8>>) {
        let codes: Vec<String> = (0..RECOVERY_CODES)
            .map(|_| recovery_code(std::array::from_fn(|_| random::below(31) as u8)))
            .collect();
        let macs = codes.iter().map(|c| self.recovery_mac(email, c)).collect();
        (codes, macs)
    }

    /// Checks a TOTP code (newer than the last one used) or an unused recovery code, and spends it.
    pub(super) fn spend_code(
        &self,
        factor: &mut SecondFactor,
        email: &str,
        typed: &str,
        now: Timestamp,
    ) -> bool {
        let secret = self.seal(&factor.sealed_secret, &factor.nonce);
        if let Some(step) = accepted_step(&secret, typed, now, factor.last_step) {
            factor.last_step = step;
            return true;
        }
        let mac = self.recovery_mac(email, typed);
        let before = factor.recovery.len();
        factor
            .recovery
            .retain(|stored| !constant_time_eq(stored, &mac));
        factor.recovery.len() < before
    }

    pub fn second_factor(&self, email: &str) -> Result<FactorView> {
        let tx = self.read()?;
        let Some(bytes) = tx
            .open_table(SECOND_FACTORS)?
            .get(email)?
            .map(|v| v.value().to_vec())
        else {
            return Ok(FactorView::default());
        };
        let factor: SecondFactor = decode(&bytes)?;
        Ok(FactorView {
            enabled: factor.enabled,
            enabled_at: factor.enabled_at,
            setup_secret: (!factor.enabled)
                .then(|| self.seal(&factor.sealed_secret, &factor.nonce)),
            recovery_left: factor.recovery.len(),
        })
    }

    /// Makes a new secret to set up (replacing one not yet confirmed); nothing if already on.
    pub fn begin_second_factor_setup(&self, email: &str) -> Result<()> {
        self.write_unseen(|tx| {
            if load_factor(tx, email)?.is_some_and(|f| f.enabled) {
                return Ok(());
            }
            let nonce = random::bytes::<16>().to_vec();
            let factor = SecondFactor {
                sealed_secret: self.seal(&random::bytes::<SECRET_BYTES>(), &nonce),
                nonce,
                ..SecondFactor::default()
            };
            save_factor(tx, email, &factor)
        })
    }

    /// Turns the factor being set up on if `code` is current; returns the recovery codes (shown once).
    pub fn enable_second_factor(
        &self,
        email: &str,
        code: &str,
        ip: &str,
        now: Timestamp,
        mail: NewMessage,
    ) -> Result<Option<Vec<String>>> {
        self.write_unseen(|tx| {
            let Some(mut factor) = load_factor(tx, email)?.filter(|f| !f.enabled) else {
                return Ok(None);
            };
            let secret = self.seal(&factor.sealed_secret, &factor.nonce);
            let Some(step) = accepted_step(&secret, code, now, factor.last_step) else {
                return Ok(None);
            };
            let (codes, macs) = self.new_recovery_codes(email);
            factor.enabled = true;
            factor.enabled_at = Some(now);
            factor.last_step = step;
            factor.recovery = macs;
            save_factor(tx, email, &factor)?;
            enqueue(tx, mail, now)?;
            record_person(tx, email, AuditKind::SecondFactorOn, "", ip, now)?;
            Ok(Some(codes))
        })
    }

    /// Turns the factor off if `code` (TOTP or recovery) is good.
    pub fn disable_second_factor(
        &self,
        email: &str,
        code: &str,
        ip: &str,
        now: Timestamp,
        mail: NewMessage,
    ) -> Result<bool> {
        self.write_unseen(|tx| {
            let Some(mut factor) = load_factor(tx, email)?.filter(|f| f.enabled) else {
                return Ok(false);
            };
            if !self.spend_code(&mut factor, email, code, now) {
                return Ok(false);
            }
            tx.open_table(SECOND_FACTORS)?.remove(email)?;
            enqueue(tx, mail, now)?;
            record_person(tx, email, AuditKind::SecondFactorOff, "", ip, now)?;
            Ok(true)
        })
    }

    /// New recovery codes (the old ones die) if `code` is good.
    pub fn regenerate_recovery_codes(
        &self,
        email: &str,
        code: &str,
        ip: &str,
        now: Timestamp,
        mail: NewMessage,
    ) -> Result<Option<Vec<String>>> {
        self.write_unseen(|tx| {
            let Some(mut factor) = load_factor(tx, email)?.filter(|f| f.enabled) else {
                return Ok(None);
            };
            if !self.spend_code(&mut factor, email, code, now) {
                return Ok(None);
            }
            let (codes, macs) = self.new_recovery_codes(email);
            factor.recovery = macs;
            save_factor(tx, email, &factor)?;
            enqueue(tx, mail, now)?;
            record_person(tx, email, AuditKind::RecoveryCodesRenewed, "", ip, now)?;
            Ok(Some(codes))
        })
    }

    pub fn account_security(&self, account_id: u64) -> Result<AccountSecurity> {
        let tx = self.read()?;
        Ok(get(&tx.open_table(ACCOUNT_SECURITY)?, account_id)?.unwrap_or_default())
    }

    /// Requires the second factor of every user of the account (or not); mails go out only on a change.
    pub fn set_second_factor_required(
        &self,
        account_id: u64,
        required: bool,
        by: (&str, &str),
        now: Timestamp,
        mails: Vec<NewMessage>,
    ) -> Result<bool> {
        let (email, ip) = by;
        self.write_unseen(|tx| {
            let mut table = tx.open_table(ACCOUNT_SECURITY)?;
            let mut settings: AccountSecurity = get(&table, account_id)?.unwrap_or_default();
            if settings.require_second_factor == required {
                return Ok(false);
            }
            settings.require_second_factor = required;
            put(&mut table, account_id, &settings)?;
            drop(table);
            for mail in mails {
                enqueue(tx, mail, now)?;
            }
            let detail = if required {
                "włączono"
            } else {
                "wyłączono"
            }
            .to_string();
            let kind = AuditKind::SecondFactorRequired;
            record_in_account(tx, email, account_id, kind, detail, ip, now)?;
            Ok(true)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xor(a: &[u8], b: &[u8]) -> Vec<u8> {
        a.iter().zip(b).map(|(x, y)| x ^ y).collect()
    }

    /// The secret on disk is not the secret, unseals to the secret the page shows, and one
    /// person knowing their own secret learns nothing about another person's.
    #[test]
    fn each_secret_is_sealed_with_a_pad_of_its_own() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let (a, b) = ("a@firma.pl", "b@firma.pl");
        assert!(store.begin_second_factor_setup(a).is_ok());
        assert!(store.begin_second_factor_setup(b).is_ok());
        let stored = |email| store.write(|tx| load_factor(tx, email)).ok().flatten();
        let shown = |email| {
            store
                .second_factor(email)
                .ok()
                .and_then(|view| view.setup_secret)
                .unwrap_or_default()
        };
        let (stored_a, stored_b) = (stored(a).unwrap_or_default(), stored(b).unwrap_or_default());
        let (secret_a, secret_b) = (shown(a), shown(b));
        assert_eq!(secret_a.len(), SECRET_BYTES, "a whole secret");
        assert_ne!(stored_a.sealed_secret, secret_a, "not stored as it is");
        let pad_a = xor(&stored_a.sealed_secret, &secret_a);
        assert_ne!(
            xor(&stored_b.sealed_secret, &pad_a),
            secret_b,
            "another pad"
        );
    }
}
