//! Provisioning tasks: claims each due task (Running, in its own transaction), runs the driver
//! outside any transaction, and records Done, a later try, or Failed in another. One worker runs
//! the tasks one after another, so a task never runs twice at once; it is woken when a task is
//! queued and looks for due retries every few seconds. It runs apart from the minute's scheduler
//! so that a slow driver holds back neither reminders nor housekeeping, and tasks start at once.

use crate::domain::task::{TaskState, after_run};
use crate::provisioning::Driver;
use crate::state::AppState;
use crate::store::{Result, Store};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::Duration;

/// How often the worker looks for tasks whose next try has come (a read when none has).
pub const POLL: Duration = Duration::from_secs(5);

/// What one run did, in counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub done: usize,
    /// Failed transiently, queued for a later try.
    pub retried: usize,
    pub failed: usize,
}

/// Runs every task due at `now`, one at a time; a task that failed transiently is due later, so
/// the run ends. Claiming one task at a time keeps "running" true of the task being run.
pub fn run_once(store: &Store, driver: &dyn Driver, now: Timestamp) -> Result<Report> {
    let mut report = Report::default();
    while let Some(task) = store.claim_due_tasks(now, 1)?.pop() {
        let (result, chain) = crate::domain::ssl::outcome_of(&task, driver.run_with_output(&task));
        let next = after_run(&task, &result, now);
        match &next.state {
            TaskState::Done => report.done += 1,
            TaskState::Failed { reason } => {
                tracing::warn!(task = task.id, reason, "provisioning task failed");
                report.failed += 1;
            }
            _ => {
                tracing::info!(task = task.id, reason = ?next.last_error, "provisioning task will be tried again");
                report.retried += 1;
            }
        }
        store.finish_task_with(&next, chain.as_ref())?;
    }
    Ok(report)
}

/// The task worker: a run at start (after the start re-queued what a stop left running), then
/// whenever woken (`AppState::wake_tasks`) or every `POLL`.
pub async fn run_forever(state: Arc<AppState>, driver: Arc<dyn Driver>) {
    loop {
        let now = state.clock.now();
        let store = state.store.clone();
        let driver = driver.clone();
        match tokio::task::spawn_blocking(move || run_once(&store, driver.as_ref(), now)).await {
            Ok(Ok(report)) if report != Report::default() => {
                tracing::info!(?report, "provisioning tasks ran");
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "provisioning tasks failed"),
            Err(e) => tracing::error!(error = %e, "the provisioning task worker stopped"),
        }
        tokio::select! {
            _ = state.task_wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}
