//! Rules of logging in: the one-time code (10 minutes, single use, 5 wrong tries), the
//! per-address failure budget across codes, the panel-wide breaker, and sessions.
//!
//! # Worst-case takeover rate
//! A code is 6 random digits (10⁶ values). Whatever the number of IPs, an address takes at most
//! [`MAX_WRONG_CODES_PER_ADDRESS`] = 10 counted wrong codes in any [`FAILURE_WINDOW`] (24 h); then
//! its codes are refused for [`LOCKOUT`] (24 h) and the owner is e-mailed once. An attacker who
//! knows 1,000 customer addresses therefore gets 10,000 guesses a day: 10,000 / 10⁶ = 0.01
//! accounts a day, one account in about 100 days (before this budget it was ~36 guesses per
//! address per hour, about one account a day). The panel-wide breaker (by default 200 wrong codes
//! in 10 minutes, then 30 minutes without code entry) caps guessing over *any* number of known
//! addresses at under 200 per 10 minutes = 28,800 a day: at most 0.029 accounts a day (one in
//! ~35 days) even with an unlimited list of addresses, and an operator sees every trip in the
//! log. The e-mailed link (which proves access to the mailbox) is never blocked by either.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

pub const CODE_VALIDITY: SignedDuration = SignedDuration::from_mins(10);
pub const MAX_WRONG_TRIES: u32 = 5;
/// Wrong codes one address may take, across all its codes, in [`FAILURE_WINDOW`].
pub const MAX_WRONG_CODES_PER_ADDRESS: usize = 10;
pub const FAILURE_WINDOW: SignedDuration = SignedDuration::from_hours(24);
/// How long an address's codes are refused once its failure budget is spent.
pub const LOCKOUT: SignedDuration = SignedDuration::from_hours(24);
pub const SESSION_IDLE_TIMEOUT: SignedDuration = SignedDuration::from_mins(30);
pub const SESSION_ABSOLUTE_TIMEOUT: SignedDuration = SignedDuration::from_hours(12);
/// `last_seen` is written at most this often, so reading a page rarely costs a write.
pub const SESSION_TOUCH_INTERVAL: SignedDuration = SignedDuration::from_secs(60);

/// The pending code and link of one address. A newer request replaces the row, which kills the
/// older code and link. Wrong tries kill only the code: the link proves access to the mailbox.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginCode {
    pub code_mac: Vec<u8>,
    pub link_mac: Vec<u8>,
    pub issued_at: Timestamp,
    pub wrong_tries: u32,
}

impl LoginCode {
    /// Whether neither the code nor the link can ever be used again (the purge job deletes it).
    /// Not the same as `!link_is_usable`: a code issued after the job read the clock is not dead.
    pub fn is_dead(&self, now: Timestamp) -> bool {
        now >= self.issued_at + CODE_VALIDITY
    }

    fn is_fresh(&self, now: Timestamp) -> bool {
        now < self.issued_at + CODE_VALIDITY && now >= self.issued_at
    }

    /// Whether a typed code may still be checked against this one.
    pub fn is_usable(&self, now: Timestamp) -> bool {
        self.wrong_tries < MAX_WRONG_TRIES && self.is_fresh(now)
    }

    /// Whether the e-mailed link logs in: until used, expired or replaced, however many wrong
    /// codes were typed.
    pub fn link_is_usable(&self, now: Timestamp) -> bool {
        self.is_fresh(now)
    }
}

/// The wrong codes of one address in the last [`FAILURE_WINDOW`], and its lock-out, if any.
/// Kept per address whether or not it has an account, so the answers tell nothing.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FailureBudget {
    /// Times of recent wrong codes, oldest first; never more than the budget.
    pub failures: Vec<Timestamp>,
    pub locked_until: Option<Timestamp>,
}

impl FailureBudget {
    pub fn is_locked(&self, now: Timestamp) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }

    /// Counts a wrong code; returns true when this one spends the budget (a new lock-out).
    /// Not called while locked (codes are refused then); an expired `locked_until` says nothing.
    pub fn record_failure(&mut self, now: Timestamp) -> bool {
        self.failures.retain(|at| *at + FAILURE_WINDOW > now);
        self.failures.push(now);
        if self.failures.len() < MAX_WRONG_CODES_PER_ADDRESS {
            return false;
        }
        self.failures.clear();
        self.locked_until = Some(now + LOCKOUT);
        true
    }

    /// Whether the row says nothing any more (the purge job deletes it).
    pub fn is_spent(&self, now: Timestamp) -> bool {
        !self.is_locked(now) && self.failures.iter().all(|at| *at + FAILURE_WINDOW <= now)
    }
}

/// The panel-wide breaker: `threshold` wrong codes within `window` stop code entry
/// for everyone for `cooldown` (links keep working). Kept in memory: a restart closes it.
#[derive(Debug)]
pub struct Breaker {
    threshold: usize,
    window: SignedDuration,
    cooldown: SignedDuration,
    recent: VecDeque<Timestamp>,
    open_until: Option<Timestamp>,
}

impl Breaker {
    pub fn new(threshold: u32, window: SignedDuration, cooldown: SignedDuration) -> Breaker {
        Breaker {
            threshold: threshold.max(1) as usize,
            window,
            cooldown,
            recent: VecDeque::new(),
            open_until: None,
        }
    }

    /// Whether code entry is refused panel-wide at `now`.
    pub fn is_open(&self, now: Timestamp) -> bool {
        self.open_until.is_some_and(|until| now < until)
    }

    /// Counts a wrong code; returns true when this one trips the breaker.
    pub fn record_failure(&mut self, now: Timestamp) -> bool {
        if self.is_open(now) {
            return false;
        }
        while self
            .recent
            .front()
            .is_some_and(|at| *at + self.window <= now)
        {
            self.recent.pop_front();
        }
        self.recent.push_back(now);
        if self.recent.len() < self.threshold {
            return false;
        }
        self.recent.clear();
        self.open_until = Some(now + self.cooldown);
        true
    }
}

/// An address as the link page shows it: enough to recognise, not to harvest (`ab****@example.com`).
pub fn mask_address(address: &str) -> String {
    let (local, domain) = address.rsplit_once('@').unwrap_or((address, ""));
    let shown: String = local
        .chars()
        .take(if local.chars().count() > 3 { 2 } else { 1 })
        .collect();
    format!("{shown}****@{domain}")
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Session {
    pub user_id: u64,
    pub account_id: u64,
    pub created_at: Timestamp,
    pub last_seen: Timestamp,
    /// A random id the list of sessions names it by (the token itself is never stored).
    #[serde(default)]
    pub public_id: String,
    /// The client's address and browser ("Chrome na Linux") at login.
    #[serde(default)]
    pub ip: String,
    #[serde(default)]
    pub device: String,
    /// The operator's "log in as customer": every page viewable, nothing may be changed.
    #[serde(default)]
    pub read_only: bool,
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
        assert!(
            code.link_is_usable(at(1)),
            "wrong codes do not kill the link"
        );
        assert!(!code.link_is_usable(at(600)));
        assert!(!code.is_dead(at(599)) && code.is_dead(at(600)));
    }

    #[test]
    fn an_address_takes_ten_wrong_codes_a_day_then_is_locked_for_a_day() {
        let mut budget = FailureBudget::default();
        for i in 0..9 {
            assert!(!budget.record_failure(at(i * 60)));
        }
        assert!(!budget.is_locked(at(9 * 60)));
        assert!(budget.record_failure(at(9 * 60)), "the tenth locks");
        assert!(budget.is_locked(at(9 * 60 + 24 * 3600 - 1)));
        assert!(!budget.is_locked(at(9 * 60 + 24 * 3600)));
        assert!(
            !budget.record_failure(at(9 * 60 + 24 * 3600)),
            "a fresh budget"
        );
    }

    #[test]
    fn a_wrong_code_counts_for_exactly_one_day() {
        let mut budget = FailureBudget::default();
        for _ in 0..9 {
            budget.record_failure(at(0));
        }
        assert!(
            !budget.record_failure(at(24 * 3600)),
            "the nine from a day ago have left the window"
        );
        let mut budget = FailureBudget::default();
        for _ in 0..9 {
            budget.record_failure(at(1));
        }
        assert!(
            budget.record_failure(at(24 * 3600)),
            "a second short of a day"
        );
    }

    #[test]
    fn wrong_codes_older_than_a_day_no_longer_count() {
        let mut budget = FailureBudget::default();
        for i in 0..9 {
            budget.record_failure(at(i));
        }
        assert!(!budget.is_spent(at(100)));
        assert!(!budget.record_failure(at(24 * 3600 + 5)));
        assert!(budget.failures.len() < MAX_WRONG_CODES_PER_ADDRESS);
        assert!(budget.is_spent(at(48 * 3600 + 5)));
    }

    #[test]
    fn the_breaker_trips_once_past_its_threshold_and_closes_after_the_cooldown() {
        let window = SignedDuration::from_mins(10);
        let mut breaker = Breaker::new(3, window, SignedDuration::from_mins(30));
        assert!(!breaker.record_failure(at(0)));
        assert!(!breaker.record_failure(at(300)));
        assert!(
            !breaker.record_failure(at(600)),
            "the first one left the window"
        );
        assert!(!breaker.is_open(at(600)));
        assert!(breaker.record_failure(at(601)));
        assert!(breaker.is_open(at(601)));
        assert!(!breaker.record_failure(at(602)), "trips once");
        assert!(breaker.is_open(at(601 + 1799)));
        assert!(!breaker.is_open(at(601 + 1800)));
    }

    #[test]
    fn a_masked_address_keeps_the_domain_and_the_first_letters() {
        assert_eq!(mask_address("abonent@example.com"), "ab****@example.com");
        assert_eq!(mask_address("jan@firma.pl"), "j****@firma.pl");
        assert_eq!(mask_address("a@b.pl"), "a****@b.pl");
    }

    #[test]
    fn sessions_end_when_idle_or_too_old() {
        let session = Session {
            user_id: 1,
            account_id: 1,
            created_at: at(0),
            last_seen: at(0),
            ..Session::default()
        };
        assert!(session.is_alive(at(29 * 60)));
        assert!(!session.is_alive(at(30 * 60)));
        let busy = Session {
            last_seen: at(12 * 3600 - 10),
            ..session
        };
        assert!(!busy.is_alive(at(12 * 3600)));
    }

    #[test]
    fn activity_is_written_at_most_once_a_minute() {
        let session = Session {
            user_id: 1,
            account_id: 1,
            created_at: at(0),
            last_seen: at(100),
            ..Session::default()
        };
        assert!(!session.needs_touch(at(100)));
        assert!(!session.needs_touch(at(159)));
        assert!(session.needs_touch(at(160)));
    }
}
