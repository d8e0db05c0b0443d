//! Periodic housekeeping. Each job is a `run_once(…, now)` function; the loop is a few lines.

use crate::store::{Result, Store};
use crate::web::AppState;
use jiff::Timestamp;
use std::sync::Arc;
use std::time::Duration;

/// Deletes dead sessions, login codes and links, and spent failure budgets; returns how many rows went.
pub fn run_once(store: &Store, now: Timestamp) -> Result<usize> {
    store.purge_expired_logins(now)
}

pub async fn run_forever(state: Arc<AppState>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = state.clock.now();
        match state.store.blocking(move |s| run_once(s, now)).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(removed = n, "purged expired logins"),
            Err(e) => tracing::error!(error = %e, "housekeeping failed"),
        }
        state.limiters.forget_idle();
    }
}
