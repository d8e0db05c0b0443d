//! The second factor: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, ±1 step), its
//! base32 secret and `otpauth://` URI, single-use recovery codes, and the pending step of a login
//! that still waits for the second factor. Pure: the clock and randomness are parameters.

use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha1::Sha1;

pub const TOTP_STEP_SECS: i64 = 30;
pub const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODES: usize = 10;
/// How long the second step of a login may wait, and how many wrong codes it takes.
pub const PENDING_VALIDITY: SignedDuration = SignedDuration::from_mins(10);
pub const PENDING_MAX_WRONG: u32 = 5;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Recovery codes avoid letters and digits that read alike (0/o, 1/l/i).
const RECOVERY_ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz23456789-";

/// The time step of `at` (seconds since the epoch / 30).
pub fn totp_step(at: Timestamp) -> u64 {
    u64::try_from(at.as_second().div_euclid(TOTP_STEP_SECS)).unwrap_or(0)
}

/// The 6-digit code of `secret` at `step` (RFC 4226 dynamic truncation).
pub fn totp_at(secret: &[u8], step: u64) -> String {
    let Ok(mut mac) = <Hmac<Sha1> as Mac>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    let bin = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    format!("{:06}", bin % 1_000_000)
}

/// The step a typed code belongs to (now, one before or one after), if it is later than
/// `last_used`: a code is accepted once.
pub fn accepted_step(secret: &[u8], typed: &str, now: Timestamp, last_used: u64) -> Option<u64> {
    let typed = normalise(typed);
    if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = totp_step(now);
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .filter(|step| *step > last_used)
        .find(|step| {
            let expected = totp_at(secret, *step);
            subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), typed.as_bytes()).into()
        })
}

/// A typed code without spaces and dashes, lower case.
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// RFC 4648 base32 without padding, as authenticator apps expect.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            let index = (bits >> (35 - i * 5)) & 31;
            out.push(char::from(BASE32[index as usize]));
        }
    }
    out
}

/// The inverse of [`base32`] (spaces ignored, any case); `None` on a character outside it.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut bits, mut count) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = BASE32
            .iter()
            .position(|b| char::from(*b) == c.to_ascii_uppercase())?;
        bits = (bits << 5) | value as u32;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// The URI an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let (issuer, account) = (enc(issuer).replace('+', "%20"), enc(account));
    format!(
        "otpauth://totp/{issuer}:{account}?secret={}&issuer={issuer}&algorithm=SHA1&digits=6&period=30",
        base32(secret)
    )
}

/// A recovery code (`abcde-fghjk`) from 10 random letters' indices (each below 31: ~49 bits).
pub fn recovery_code(random: [u8; 10]) -> String {
    let letters: String = random
        .iter()
        .map(|b| char::from(RECOVERY_ALPHABET[usize::from(*b % 31)]))
        .collect();
    format!("{}-{}", &letters[..5], &letters[5..])
}

/// A person's second factor (keyed by e-mail address: it belongs to the person, not the account).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SecondFactor {
    /// The secret, sealed with the server's key (`nonce` picks the pad).
    pub sealed_secret: Vec<u8>,
    pub nonce: Vec<u8>,
    /// False while the person is setting it up (the secret is shown, no code confirmed yet).
    pub enabled: bool,
    #[serde(default)]
    pub enabled_at: Option<Timestamp>,
    /// The last time step whose code was accepted: that code and older ones are refused.
    #[serde(default)]
    pub last_step: u64,
    /// MACs of the unused recovery codes.
    #[serde(default)]
    pub recovery: Vec<Vec<u8>>,
}

/// A login that passed the e-mail code or link and waits for the second factor.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingLogin {
    pub email: String,
    pub created_at: Timestamp,
    pub wrong_tries: u32,
}

impl PendingLogin {
    pub fn is_usable(&self, now: Timestamp) -> bool {
        self.wrong_tries < PENDING_MAX_WRONG
            && now >= self.created_at
            && now < self.created_at + PENDING_VALIDITY
    }
}

/// Account-wide security settings.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccountSecurity {
    #[serde(default)]
    pub require_second_factor: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap_or_default()
    }

    /// RFC 6238 appendix B, SHA-1 column, last six digits of the eight.
    #[test]
    fn the_rfc_6238_test_vectors() {
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(totp_at(RFC_SECRET, totp_step(at(time))), code, "T = {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_only_once() {
        let now = at(1_111_111_111);
        let step = totp_step(now);
        let code = totp_at(RFC_SECRET, step);
        assert_eq!(accepted_step(RFC_SECRET, &code, now, 0), Some(step));
        assert_eq!(
            accepted_step(RFC_SECRET, &code, at(1_111_111_111 + 30), 0),
            Some(step)
        );
        assert_eq!(
            accepted_step(RFC_SECRET, &code, at(1_111_111_111 - 30), 0),
            Some(step)
        );
        assert_eq!(
            accepted_step(RFC_SECRET, &code, at(1_111_111_111 + 60), 0),
            None
        );
        assert_eq!(accepted_step(RFC_SECRET, &code, now, step), None, "used");
        assert_eq!(accepted_step(RFC_SECRET, "12345", now, 0), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(accepted_step(RFC_SECRET, &spaced, now, 0), Some(step));
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            base32_decode("mzxw 6ytb oi").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(base32_decode("MZ1"), None);
    }

    #[test]
    fn the_uri_names_the_issuer_and_the_address() {
        let uri = otpauth_uri("Panel klienta", "jan@firma.pl", b"foobar");
        assert_eq!(
            uri,
            "otpauth://totp/Panel%20klienta:jan%40firma.pl?secret=MZXW6YTBOI&issuer=Panel%20klienta&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn recovery_codes_are_two_groups_of_five_and_normalise() {
        let code = recovery_code([0, 1, 2, 3, 4, 5, 6, 7, 8, 30]);
        assert_eq!(code, "abcde-fghj9");
        assert_eq!(normalise(" ABCDE-fghj9 "), "abcdefghj9");
    }

    #[test]
    fn a_pending_login_lives_ten_minutes_and_five_wrong_codes() {
        let mut pending = PendingLogin {
            email: "jan@firma.pl".into(),
            created_at: at(0),
            wrong_tries: 0,
        };
        assert!(pending.is_usable(at(599)));
        assert!(!pending.is_usable(at(600)));
        pending.wrong_tries = 5;
        assert!(!pending.is_usable(at(1)));
    }
}
