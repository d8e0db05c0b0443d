//! Expiry reminders: a run reads the due range of the services' index and sends each service's
//! most urgent due reminder, once per (service, expiry date, threshold).

use crate::domain::lifecycle::Settings;
use crate::domain::time::today;
use crate::mail;
use crate::store::{NewMessage, Reminded, Reminder, Result, Store};
use jiff::Timestamp;

/// Services handled per write transaction: one commit (one fsync) per batch, not per service.
pub const BATCH: usize = 256;

/// What one run did, in counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Services that got a reminder (each to all of its billing recipients).
    pub sent: usize,
    /// Due thresholds marked without mail (overtaken after an outage, or past expiry).
    pub skipped: usize,
    /// Services whose run failed (logged); the next run tries them again.
    pub failed: usize,
}

/// Sends the reminders due on the day of `now`, in batches of `BATCH` services per transaction (a
/// batch that fails is redone service by service); safe to run again, and concurrently.
pub fn run_once(
    store: &Store,
    now: Timestamp,
    settings: &Settings,
    auto_renew_days: u32,
    base_url: &str,
) -> Result<Report> {
    let compose = |to: &str, account: &_, service: &_, reminder: Reminder| -> NewMessage {
        mail::reminder_message(base_url, to, account, service, reminder)
    };
    let mut report = Report::default();
    let mut tally = |done: Reminded| {
        report.sent += usize::from(done.sent.is_some());
        report.skipped += done.skipped;
    };
    let mut failed = 0;
    for batch in store.due_services(today(now))?.chunks(BATCH) {
        match store.remind_services(batch, now, settings, auto_renew_days, &compose) {
            Ok(done) => done.into_iter().for_each(&mut tally),
            // One service's failure must not hold back the others: each on its own.
            Err(_) => {
                for service_id in batch {
                    match store.remind_service(
                        *service_id,
                        now,
                        settings,
                        auto_renew_days,
                        &compose,
                    ) {
                        Ok(done) => tally(done),
                        Err(e) => {
                            tracing::error!(service_id, error = %e, "reminder failed");
                            failed += 1;
                        }
                    }
                }
            }
        }
    }
    report.failed = failed;
    Ok(report)
}
