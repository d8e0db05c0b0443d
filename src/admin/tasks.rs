//! `panel admin tasks`: the provisioning tasks (what the host's servers were asked to do) and
//! re-queueing a failed one.

use super::store_error;
use crate::domain::task::{Task, TaskState};
use crate::domain::time::format_timestamp;
use crate::store::{Store, TaskRetry};
use clap::Subcommand;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// How many tasks one listing shows at most.
const LIST_LIMIT: usize = 500;

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum TasksAction {
    /// Queue a failed task again: due at once, its tries counted from zero.
    Retry { id: u64 },
}

pub fn list(store: &Store, failed: bool) -> Result<String, String> {
    let tasks = store.list_tasks(failed, LIST_LIMIT).map_err(store_error)?;
    if tasks.is_empty() {
        return Ok(if failed {
            "no failed tasks"
        } else {
            "no tasks"
        }
        .into());
    }
    let mut lines = vec!["id\tservice\taction\tstate\ttries\treason\tnext try".to_string()];
    lines.extend(tasks.iter().map(line));
    Ok(lines.join("\n"))
}

/// One task as a tab-separated line; tabs and line breaks in its fields become spaces.
fn line(task: &Task) -> String {
    let reason = match &task.state {
        TaskState::Failed { reason } => reason.clone(),
        _ => task.last_error.clone().unwrap_or_default(),
    };
    let next = match task.state {
        TaskState::Queued => format_timestamp(task.due_at()),
        _ => String::new(),
    };
    let service = if task.service_name.is_empty() {
        task.service_id.to_string()
    } else {
        format!("{} {}", task.service_id, task.service_name)
    };
    let fields = [
        task.id.to_string(),
        service,
        task.action.name().to_string(),
        task.state.name().to_string(),
        task.tries.to_string(),
        reason,
        next,
    ];
    fields
        .iter()
        .map(|f| f.replace(['\t', '\n', '\r'], " "))
        .collect::<Vec<_>>()
        .join("\t")
}

pub fn retry(store: &Store, id: u64, now: Timestamp) -> Result<String, String> {
    match store.retry_failed_task(id, now).map_err(store_error)? {
        TaskRetry::Requeued(task) => Ok(format!(
            "task {id} ({} {}) is queued again and runs within seconds",
            task.action.name(),
            task.service_name
        )),
        TaskRetry::NotFound => Err(format!("no task {id}; nothing changed")),
        TaskRetry::NotFailed(state) => Err(format!(
            "task {id} is {}, not failed; nothing changed",
            state.name()
        )),
    }
}
