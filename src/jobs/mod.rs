//! Periodic housekeeping. Each job is a `run_once(…, now)` function; the loop is a few lines.

pub mod lifecycle;
pub mod online_payments;
pub mod reminders;
pub mod tasks;

use crate::billing::auto_renew;
use crate::state::AppState;
use crate::store::{Result, Store};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::Duration;

/// Deletes dead sessions, login codes and links, and spent failure budgets; returns how many rows went.
pub fn run_once(store: &Store, now: Timestamp) -> Result<usize> {
    store.purge_expired_logins(now)
}

/// The reminders and the lifecycle steps due at `now`; the mailer is woken when they queued mail.
/// Cheap when nothing is due: each reads only the due range of the services' index.
async fn run_due_jobs(state: &AppState, now: Timestamp) {
    let settings = state.config.args.lifecycle.settings();
    let auto_renew_days = state.config.args.auto_renew_days;
    let base_url = state.base_url.clone();
    let reminders = state.store.blocking(move |s| {
        let sent = reminders::run_once(s, now, &settings, auto_renew_days, &base_url)?;
        let stepped = lifecycle::run_once(s, now, &settings, &base_url)?;
        Ok((sent, stepped))
    });
    match reminders.await {
        Ok((sent, stepped)) => {
            if sent.sent + sent.skipped + sent.failed > 0 || stepped != Default::default() {
                tracing::info!(?sent, ?stepped, "reminders and lifecycle ran");
            }
            if sent.sent > 0 || stepped.queued_mail() {
                state.wake_mailer();
            }
            if stepped.suspended + stepped.deleted > 0 {
                state.wake_tasks();
            }
        }
        Err(e) => tracing::error!(error = %e, "reminders or lifecycle failed"),
    }
}

/// `forget_idle` is the in-memory sweep the caller wants on the same tick (the web's rate
/// limiters); taking it as a function keeps the jobs ignorant of the web.
pub async fn run_forever(state: Arc<AppState>, forget_idle: impl Fn() + Send + 'static) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    let mut auto_renewed_on = None;
    loop {
        tick.tick().await;
        let now = state.clock.now();
        auto_renew_once_a_day(&state, now, &mut auto_renewed_on).await;
        run_due_jobs(&state, now).await;
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

/// Runs auto-renew on the first tick and then on the first tick of each new (Warsaw) day; a run
/// that failed as a whole is tried again on the next tick.
async fn auto_renew_once_a_day(
    state: &AppState,
    now: Timestamp,
    last_day: &mut Option<jiff::civil::Date>,
) {
    let day = crate::domain::time::today(now);
    if *last_day == Some(day) {
        return;
    }
    let settings = auto_renew::Settings {
        days_before: state.config.args.auto_renew_days,
        base_url: state.base_url.clone(),
    };
    match state
        .store
        .blocking(move |s| auto_renew::run_once(s, now, &settings))
        .await
    {
        Ok(report) => {
            *last_day = Some(day);
            tracing::info!(
                paid = report.paid,
                emailed = report.emailed,
                skipped = report.skipped,
                failed = report.failed,
                "auto-renew ran"
            );
            if report.queued_mail() {
                state.wake_mailer();
            }
        }
        Err(e) => tracing::error!(error = %e, "auto-renew failed"),
    }
}
