//! Periodic housekeeping. Each job is a `run_once(…, now)` function; the loop is a few lines.

use crate::state::AppState;
use crate::store::{Result, Store};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::Duration;

/// Deletes dead sessions, login codes and links, and spent failure budgets; returns how many rows went.
pub fn run_once(store: &Store, now: Timestamp) -> Result<usize> {
    store.purge_expired_logins(now)
}

/// `forget_idle` is the in-memory sweep the caller wants on the same tick (the web's rate
/// limiters); taking it as a function keeps the jobs ignorant of the web.
pub async fn run_forever(state: Arc<AppState>, forget_idle: impl Fn() + Send + 'static) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = state.clock.now();
        match state.store.blocking(move |s| run_once(s, now)).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(removed = n, "purged expired logins"),
            Err(e) => tracing::error!(error = %e, "housekeeping failed"),
        }
        forget_idle();
        purge_old_mail(&state, now).await;
    }
}

/// Deletes e-mails delivered (or given up) more than `retention_days` before `now`.
pub fn purge_delivered_mail(store: &Store, now: Timestamp, retention_days: u32) -> Result<usize> {
    let retention = jiff::SignedDuration::from_hours(24 * i64::from(retention_days));
    store.purge_delivered_messages(now - retention)
}

async fn purge_old_mail(state: &AppState, now: Timestamp) {
    let days = state.config.args.outbox_retention_days;
    match state
        .store
        .blocking(move |s| purge_delivered_mail(s, now, days))
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::debug!(removed = n, "purged delivered e-mails"),
        Err(e) => tracing::error!(error = %e, "purging delivered e-mails failed"),
    }
}
