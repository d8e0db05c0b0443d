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
    /// The tasks, newest first: service, action, state, tries, reason, next try, note.
    List {
        /// Only tasks that failed (the reason is what the customer sees).
        #[arg(long)]
        #[serde(default)]
        failed: bool,
    },
    /// Mark a failed (or queued) task done: the operator did it by hand. It leaves the queue as
    /// done, its service moves on as if it had succeeded, and the note is kept.
    Done {
        id: u64,
        /// What was done, and by whom.
        #[arg(long)]
        note: String,
    },
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

/// `tasks list`: the tasks as an aligned table (or JSON).
pub fn table(store: &Store, failed: bool) -> Result<super::Reply, String> {
    use super::output::{Table, c};
    let tasks = store.list_tasks(failed, LIST_LIMIT).map_err(store_error)?;
    let columns = [
        "id", "service", "action", "state", "tries", "reason", "next_try", "note",
    ];
    let mut table = Table::new(
        &columns,
        if failed {
            "no failed tasks"
        } else {
            "no tasks"
        },
    );
    for task in &tasks {
        let fields: Vec<String> = line(task).split('\t').map(String::from).collect();
        let text = |i: usize| c(fields.get(i).filter(|f| !f.is_empty()));
        table.push(vec![
            c(task.id),
            text(1),
            text(2),
            text(3),
            c(task.tries),
            text(5),
            text(6),
            c(task.note.clone()),
        ]);
    }
    Ok(table.reply())
}

/// `tasks done ID --note`: the operator did it by hand.
pub fn done(store: &Store, id: u64, note: &str, now: Timestamp) -> Result<super::Reply, String> {
    use crate::store::TaskDone;
    let note = note.trim();
    if note.is_empty() {
        return Err("say what was done with --note; nothing changed".into());
    }
    match store.mark_task_done(id, note, now).map_err(store_error)? {
        TaskDone::Done(task) => Ok(super::Reply::action(
            format!(
                "task {id} ({} {}) is done by hand; its service moves on",
                task.action.name(),
                task.service_name
            ),
            serde_json::json!({"id": id, "state": "done", "note": note}),
        )),
        TaskDone::NotFound => Err(format!("no task {id}; nothing changed")),
        TaskDone::NotOpen(state) => Err(format!(
            "task {id} is {}, neither failed nor queued; nothing changed",
            state.name()
        )),
    }
}
