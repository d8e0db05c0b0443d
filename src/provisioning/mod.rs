//! Drivers: what carries out a provisioning task on the host's servers, behind one small trait so
//! that later drivers (PowerDNS, ACME, Dovecot, a cloud API) come without touching the pages.
//!
//! A driver may see the same task twice: a panel stopped while a task ran runs it again after its
//! start (the task's `tries` then counts the interrupted run too). Make every action idempotent:
//! suspending a suspended service, creating a mailbox that exists, must succeed.

mod exec;

pub use crate::domain::task::DriverError;
pub use exec::Exec;

use crate::domain::task::Task;
use serde::Serialize;

/// Carries out one task. `Err(Transient)` is tried again later (a few times, with backoff),
/// `Err(Permanent)` fails the task at once; both carry a Polish reason the customer may read.
/// Runs in a blocking thread, outside any database transaction.
pub trait Driver: Send + Sync {
    fn run(&self, task: &Task) -> Result<(), DriverError>;

    /// As `run`, with what the driver handed back on success (the exec command's standard
    /// output: for `issue_certificate`, the PEM chain if it obtained one).
    fn run_with_output(&self, task: &Task) -> Result<Option<String>, DriverError> {
        self.run(task).map(|()| None)
    }
}

/// The built-in driver: the panel keeps the state and the task is done at once (for a host that
/// acts on its servers by hand, or a demo).
#[derive(Clone, Copy, Debug, Default)]
pub struct Builtin;

impl Driver for Builtin {
    fn run(&self, _task: &Task) -> Result<(), DriverError> {
        Ok(())
    }
}

/// The task as a driver outside the panel receives it (exec: JSON on standard input).
#[derive(Debug, Serialize)]
pub struct TaskInput<'a> {
    pub id: u64,
    /// `suspend`, `delete`, `reactivate`, `create_mailbox`, `set_mailbox_password`,
    /// `set_mailbox_quota`, `delete_mailbox`, `issue_certificate` (…: `TaskAction::name`); actions
    /// with data carry it in `action_data`.
    pub action: &'static str,
    /// The stored action in full (`"Suspend"`, or `{"CreateMailbox": {…}}` for actions with data).
    pub action_data: &'a crate::domain::task::TaskAction,
    pub service_id: u64,
    pub account_id: u64,
    /// The name the service is known by: the domain, the server's name.
    pub service_name: &'a str,
    /// `domain`, `hosting`, `ssl`, `cloud`, `kreator-www`, `open-xchange`.
    pub service_kind: Option<&'static str>,
    /// 1 on the first run; more after a retry or a restart (the action may already be done).
    pub attempt: u32,
    pub created_at: jiff::Timestamp,
}

impl<'a> TaskInput<'a> {
    pub fn of(task: &'a Task) -> TaskInput<'a> {
        TaskInput {
            id: task.id,
            action: task.action.name(),
            action_data: &task.action,
            service_id: task.service_id,
            account_id: task.account_id,
            service_name: &task.service_name,
            service_kind: task.service_kind.map(|k| k.cli_name()),
            attempt: task.tries,
            created_at: task.created_at,
        }
    }
}
