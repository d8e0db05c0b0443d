//! The one source of "now": the system clock, plus an offset tests may move forward.

use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Clone, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        let offset = SignedDuration::from_secs(self.offset_secs.load(Ordering::Relaxed));
        Timestamp::now()
            .checked_add(offset)
            .unwrap_or_else(|_| Timestamp::now())
    }

    /// Moves this clock forward (tests of expiry and timeouts).
    pub fn advance(&self, by: SignedDuration) {
        self.offset_secs.fetch_add(by.as_secs(), Ordering::Relaxed);
    }
}
