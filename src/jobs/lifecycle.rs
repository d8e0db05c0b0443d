//! The service lifecycle after expiry: grace, the warning before suspension, suspension, deletion;
//! each step with its provisioning task, which the task job (`jobs::tasks`) then runs.

use crate::domain::lifecycle::{Settings, Step};
use crate::domain::time::today;
use crate::mail;
use crate::store::{NewMessage, Result, Store};
use jiff::Timestamp;

/// What one run did, in counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub warned: usize,
    pub suspended: usize,
    pub deleted: usize,
    pub failed: usize,
}

impl Report {
    pub fn queued_mail(&self) -> bool {
        self.warned + self.suspended + self.deleted > 0
    }
}

/// Takes the steps due on the day of `now`, reading only the due range of the index, in batches
/// of services per transaction (a failed batch is redone service by service); safe to run again.
pub fn run_once(
    store: &Store,
    now: Timestamp,
    settings: &Settings,
    base_url: &str,
) -> Result<Report> {
    let compose = |to: &str, account: &_, service: &_, step: Step| -> NewMessage {
        mail::step_message(base_url, to, account, service, step)
    };
    let mut report = Report::default();
    let mut tally = |step: Option<Step>| match step {
        Some(Step::Warn { .. }) => report.warned += 1,
        Some(Step::Suspend { .. }) => report.suspended += 1,
        Some(Step::Delete) => report.deleted += 1,
        None => {}
    };
    let mut failed = 0;
    for batch in store
        .due_services(today(now))?
        .chunks(super::reminders::BATCH)
    {
        match store.advance_services(batch, now, settings, &compose) {
            Ok(steps) => steps.into_iter().for_each(&mut tally),
            // One service's failure must not hold back the others: each on its own.
            Err(_) => {
                for service_id in batch {
                    match store.advance_service(*service_id, now, settings, &compose) {
                        Ok(step) => tally(step),
                        Err(e) => {
                            tracing::error!(service_id, error = %e, "lifecycle step failed");
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
