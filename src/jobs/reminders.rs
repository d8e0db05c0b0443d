//! Expiry reminders: a run reads the due range of the services' index and sends each service's
//! most urgent due reminder, once per (service, expiry date, threshold).

use crate::domain::lifecycle::Settings;
use crate::domain::time::today;
use crate::mail;
use crate::store::{NewMessage, Reminder, Result, Store};
use jiff::Timestamp;

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

/// Sends the reminders due on the day of `now`. Each service is its own transaction; safe to run
/// again, and concurrently with another run.
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
    for service_id in store.due_services(today(now))? {
        match store.remind_service(service_id, now, settings, auto_renew_days, &compose) {
            Ok(done) => {
                report.sent += usize::from(done.sent.is_some());
                report.skipped += done.skipped;
            }
            Err(e) => {
                tracing::error!(service_id, error = %e, "reminder failed");
                report.failed += 1;
            }
        }
    }
    Ok(report)
}
