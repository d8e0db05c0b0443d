//! Rules of the one-time login code: 10 minutes, single use, dead after 5 wrong tries.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

pub const CODE_VALIDITY: SignedDuration = SignedDuration::from_mins(10);
pub const MAX_WRONG_TRIES: u32 = 5;
pub const SESSION_IDLE_TIMEOUT: SignedDuration = SignedDuration::from_mins(30);
pub const SESSION_ABSOLUTE_TIMEOUT: SignedDuration = SignedDuration::from_hours(12);
/// `last_seen` is written at most this often, so reading a page rarely costs a write.
pub const SESSION_TOUCH_INTERVAL: SignedDuration = SignedDuration::from_secs(60);

/// The pending code of one address. A newer code replaces the row, which kills the older code and link.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginCode {
    pub code_mac: Vec<u8>,
    pub link_mac: Vec<u8>,
    pub issued_at: Timestamp,
    pub wrong_tries: u32,
}

impl LoginCode {
    /// Whether it can never be used again (the purge job deletes it). Not the same as
    /// `!is_usable`: a code issued after the job read the clock is not dead.
    pub fn is_dead(&self, now: Timestamp) -> bool {
        self.wrong_tries >= MAX_WRONG_TRIES || now >= self.issued_at + CODE_VALIDITY
    }

    pub fn is_usable(&self, now: Timestamp) -> bool {
        self.wrong_tries < MAX_WRONG_TRIES
            && now < self.issued_at + CODE_VALIDITY
            && now >= self.issued_at
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Session {
    pub user_id: u64,
    pub account_id: u64,
    pub created_at: Timestamp,
    pub last_seen: Timestamp,
}

impl Session {
    pub fn is_alive(&self, now: Timestamp) -> bool {
        now < self.last_seen + SESSION_IDLE_TIMEOUT
            && now < self.created_at + SESSION_ABSOLUTE_TIMEOUT
    }

    pub fn needs_touch(&self, now: Timestamp) -> bool {
        now >= self.last_seen + SESSION_TOUCH_INTERVAL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap_or_default()
    }

    #[test]
    fn a_code_lives_ten_minutes_and_five_wrong_tries() {
        let mut code = LoginCode {
            code_mac: vec![],
            link_mac: vec![],
            issued_at: at(0),
            wrong_tries: 0,
        };
        assert!(code.is_usable(at(599)));
        assert!(!code.is_usable(at(600)));
        code.wrong_tries = 5;
        assert!(!code.is_usable(at(1)));
    }

    #[test]
    fn sessions_end_when_idle_or_too_old() {
        let session = Session {
            user_id: 1,
            account_id: 1,
            created_at: at(0),
            last_seen: at(0),
        };
        assert!(session.is_alive(at(29 * 60)));
        assert!(!session.is_alive(at(30 * 60)));
        let busy = Session {
            last_seen: at(12 * 3600 - 10),
            ..session
        };
        assert!(!busy.is_alive(at(12 * 3600)));
    }
}
