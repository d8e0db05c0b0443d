//! Provisioning tasks: written in the transaction of the change that needs them, claimed by the
//! task job (Queued → Running in one transaction), finished in another once the driver returned.
//! Indexes: by service (a page lists a service's tasks), due (queued tasks by next try) and
//! running (what a crash left half done).

use super::codec::{get, next_in_sequence, owned_ids, put};
use super::schema::{SERVICES, TASKS, TASKS_BY_SERVICE, TASKS_DUE, TASKS_RUNNING};
use super::{Result, Store, StoreError};
use crate::domain::Service;
use crate::domain::task::{Task, TaskAction, TaskState};
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};

/// What `retry_failed_task` did.
// Returned once per operator command: boxing the task would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq, Eq)]
pub enum TaskRetry {
    Requeued(Task),
    NotFound,
    NotFailed(TaskState),
}

/// What `mark_task_done` did.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq, Eq)]
pub enum TaskDone {
    Done(Task),
    NotFound,
    /// Running or already done: nothing changed.
    NotOpen(TaskState),
}

/// Records a queued task in the caller's transaction (with the change that needs it).
pub(super) fn add_task(
    tx: &WriteTransaction,
    service: &Service,
    action: TaskAction,
    now: Timestamp,
) -> Result<Task> {
    let task = Task {
        id: next_in_sequence(tx, "task")?,
        service_id: service.id,
        account_id: service.account_id,
        service_name: service.name.clone(),
        service_kind: Some(service.kind),
        action,
        state: TaskState::Queued,
        tries: 0,
        next_try: None,
        last_error: None,
        created_at: now,
        updated_at: Some(now),
        note: None,
    };
    save(tx, &task, None)?;
    Ok(task)
}

fn due_key(task: &Task) -> (i64, u64) {
    (task.due_at().as_second(), task.id)
}

/// Writes `task` and moves it between the due and running indexes as its state says; `old` is
/// the row it replaces (its due key is taken out).
fn save(tx: &WriteTransaction, task: &Task, old: Option<&Task>) -> Result<()> {
    let mut due = tx.open_table(TASKS_DUE)?;
    let mut running = tx.open_table(TASKS_RUNNING)?;
    if let Some(old) = old {
        due.remove(due_key(old))?;
    }
    running.remove(task.id)?;
    match task.state {
        TaskState::Queued => {
            due.insert(due_key(task), ())?;
        }
        TaskState::Running => {
            running.insert(task.id, ())?;
        }
        TaskState::Done | TaskState::Failed { .. } => {}
    }
    put(&mut tx.open_table(TASKS)?, task.id, task)?;
    tx.open_table(TASKS_BY_SERVICE)?
        .insert((task.service_id, task.id), ())?;
    Ok(())
}

fn load(tx: &WriteTransaction, id: u64) -> Result<Option<Task>> {
    get(&tx.open_table(TASKS)?, id)
}

impl Store {
    /// Queues a task for a service now (for pages and operator commands whose change is already
    /// stored; a change and its task belong in one transaction otherwise).
    pub fn queue_task(&self, service_id: u64, action: TaskAction, now: Timestamp) -> Result<Task> {
        self.write_unseen(|tx| {
            let service: Service = get(&tx.open_table(SERVICES)?, service_id)?
                .ok_or(StoreError::NotFound("service"))?;
            add_task(tx, &service, action, now)
        })
    }

    /// Marks up to `limit` due tasks Running (their try counted) and returns them: each is
    /// claimed by one caller only. No write when nothing is due.
    pub fn claim_due_tasks(&self, now: Timestamp, limit: usize) -> Result<Vec<Task>> {
        let upto = (now.as_second(), u64::MAX);
        if self
            .read()?
            .open_table(TASKS_DUE)?
            .range(..=upto)?
            .next()
            .is_none()
        {
            return Ok(Vec::new());
        }
        self.write_unseen(|tx| {
            let mut ids = Vec::new();
            for entry in tx.open_table(TASKS_DUE)?.range(..=upto)?.take(limit) {
                ids.push(entry?.0.value().1);
            }
            let mut claimed = Vec::new();
            for id in ids {
                let Some(old) = load(tx, id)? else {
                    continue;
                };
                let mut task = old.clone();
                task.state = TaskState::Running;
                task.tries += 1;
                task.updated_at = Some(now);
                save(tx, &task, Some(&old))?;
                claimed.push(task);
            }
            Ok(claimed)
        })
    }

    /// Records how a run ended (`next` from `domain::task::after_run`), if the task is still the
    /// running one; returns whether it was.
    pub fn finish_task(&self, next: &Task) -> Result<bool> {
        self.finish_task_with(next, None)
    }

    /// As `finish_task`; a done task that obtained a certificate chain stores it on its service
    /// in the same transaction.
    pub fn finish_task_with(
        &self,
        next: &Task,
        chain: Option<&crate::domain::ssl::IssuedChain>,
    ) -> Result<bool> {
        // A done task may change its service (a cloud server's power state): in the same
        // transaction, and the cached overviews then see it.
        let (finished, changed) = self.write_unseen(|tx| match load(tx, next.id)? {
            Some(old) if old.state == TaskState::Running => {
                save(tx, next, Some(&old))?;
                let done = next.state == TaskState::Done;
                let mut changed = done
                    && (super::cloud::apply_done(tx, next)?
                        || super::website::apply_done(tx, next)?);
                if let (true, Some(chain)) = (done, chain) {
                    changed |= super::ssl::store_chain(tx, next.service_id, chain)?;
                }
                Ok((true, changed))
            }
            _ => Ok((false, false)),
        })?;
        if changed {
            self.overviews.invalidate_all();
        }
        Ok(finished)
    }

    /// At start: tasks a stopped panel left Running go back to the queue, due at once, so they
    /// run again (their driver may see them a second time). Returns how many.
    pub fn requeue_running_tasks(&self, now: Timestamp) -> Result<usize> {
        if self.read()?.open_table(TASKS_RUNNING)?.first()?.is_none() {
            return Ok(0);
        }
        self.write_unseen(|tx| {
            let mut ids = Vec::new();
            for entry in tx.open_table(TASKS_RUNNING)?.iter()? {
                ids.push(entry?.0.value());
            }
            for id in &ids {
                if let Some(old) = load(tx, *id)? {
                    let mut task = old.clone();
                    task.state = TaskState::Queued;
                    task.next_try = Some(now);
                    task.updated_at = Some(now);
                    save(tx, &task, Some(&old))?;
                }
            }
            Ok(ids.len())
        })
    }

    /// A failed task back to the queue, due at once, its tries counted from zero.
    pub fn retry_failed_task(&self, id: u64, now: Timestamp) -> Result<TaskRetry> {
        self.write_unseen(|tx| {
            let Some(old) = load(tx, id)? else {
                return Ok(TaskRetry::NotFound);
            };
            if !matches!(old.state, TaskState::Failed { .. }) {
                return Ok(TaskRetry::NotFailed(old.state));
            }
            let mut task = old.clone();
            task.state = TaskState::Queued;
            task.tries = 0;
            task.next_try = Some(now);
            task.updated_at = Some(now);
            save(tx, &task, Some(&old))?;
            Ok(TaskRetry::Requeued(task))
        })
    }

    /// The operator did a failed (or still queued) task by hand: it leaves the queue as done,
    /// with their note, and its service changes as after a run that succeeded.
    pub fn mark_task_done(&self, id: u64, note: &str, now: Timestamp) -> Result<TaskDone> {
        let (outcome, changed) = self.write_unseen(|tx| {
            let Some(old) = load(tx, id)? else {
                return Ok((TaskDone::NotFound, false));
            };
            if !matches!(old.state, TaskState::Failed { .. } | TaskState::Queued) {
                return Ok((TaskDone::NotOpen(old.state), false));
            }
            let mut task = old.clone();
            task.state = TaskState::Done;
            task.next_try = None;
            task.last_error = None;
            task.updated_at = Some(now);
            task.note = Some(note.to_string());
            save(tx, &task, Some(&old))?;
            let changed =
                super::cloud::apply_done(tx, &task)? || super::website::apply_done(tx, &task)?;
            Ok((TaskDone::Done(task), changed))
        })?;
        if changed {
            self.overviews.invalidate_all();
        }
        Ok(outcome)
    }

    pub fn task(&self, id: u64) -> Result<Option<Task>> {
        get(&self.read()?.open_table(TASKS)?, id)
    }

    /// The provisioning tasks of a service, oldest first, read through the service's index.
    pub fn tasks_of_service(&self, service_id: u64) -> Result<Vec<Task>> {
        let tx = self.read()?;
        let tasks = tx.open_table(TASKS)?;
        let mut list = Vec::new();
        for id in owned_ids(&tx.open_table(TASKS_BY_SERVICE)?, service_id)? {
            if let Some(task) = get(&tasks, id)? {
                list.push(task);
            }
        }
        Ok(list)
    }

    /// The newest `limit` tasks of a service, oldest first: what its pages list. Read backwards
    /// through the service's index, so a domain with hundreds of past zone changes (each task
    /// carries the whole zone) costs a page no more than one with ten.
    pub fn recent_tasks_of_service(&self, service_id: u64, limit: usize) -> Result<Vec<Task>> {
        let tx = self.read()?;
        let tasks = tx.open_table(TASKS)?;
        let index = tx.open_table(TASKS_BY_SERVICE)?;
        let mut list = Vec::with_capacity(limit);
        for entry in index
            .range((service_id, 0)..=(service_id, u64::MAX))?
            .rev()
            .take(limit)
        {
            if let Some(task) = get(&tasks, entry?.0.value().1)? {
                list.push(task);
            }
        }
        list.reverse();
        Ok(list)
    }

    /// The newest `limit` tasks (only the failed ones with `failed_only`), newest first.
    pub fn list_tasks(&self, failed_only: bool, limit: usize) -> Result<Vec<Task>> {
        let tx = self.read()?;
        let mut list = Vec::new();
        for row in tx.open_table(TASKS)?.iter()?.rev() {
            let task: Task = super::codec::decode(row?.1.value())?;
            if !failed_only || matches!(task.state, TaskState::Failed { .. }) {
                list.push(task);
                if list.len() == limit {
                    break;
                }
            }
        }
        Ok(list)
    }
}

/// Schema v7: the tasks of v4 (Pending/Done, one "pending" index) get the indexes by service,
/// due and running, and the account and name of their service.
pub(super) fn migrate_v7(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(TASKS_DUE)?;
    tx.open_table(TASKS_RUNNING)?;
    tx.open_table(TASKS_BY_SERVICE)?;
    let mut tasks = Vec::new();
    for row in tx.open_table(TASKS)?.iter()? {
        tasks.push(super::codec::decode::<Task>(row?.1.value())?);
    }
    for mut task in tasks {
        let service: Option<Service> = get(&tx.open_table(SERVICES)?, task.service_id)?;
        if let Some(service) = service {
            task.account_id = service.account_id;
            task.service_name = service.name;
            task.service_kind = Some(service.kind);
        }
        save(tx, &task, None)?;
    }
    tx.delete_table(super::schema::TASKS_PENDING)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::task::{DriverError, after_run};

    fn demo() -> (tempfile::TempDir, Store, u64) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let seeded = crate::demo::seed_if_empty(&store, Timestamp::UNIX_EPOCH, "http://x");
        assert_eq!(seeded.ok(), Some(true));
        let service = store
            .read()
            .and_then(|tx| {
                let first = tx.open_table(SERVICES)?.first()?.map(|(k, _)| k.value());
                Ok(first.unwrap_or_default())
            })
            .unwrap_or_default();
        (dir, store, service)
    }

    #[test]
    fn a_due_task_is_claimed_once_and_a_transient_failure_waits_for_its_next_try() {
        let (_dir, store, service) = demo();
        let now = Timestamp::UNIX_EPOCH;
        let queued = store.queue_task(service, TaskAction::Suspend, now);
        let id = queued.map(|t| t.id).unwrap_or_default();
        let claimed = store.claim_due_tasks(now, 10).unwrap_or_default();
        assert_eq!(
            claimed.iter().map(|t| (t.id, t.tries)).collect::<Vec<_>>(),
            vec![(id, 1)]
        );
        assert_eq!(claimed[0].state, TaskState::Running);
        assert_eq!(
            store.claim_due_tasks(now, 10).ok(),
            Some(vec![]),
            "claimed once"
        );
        let timeout = Err(DriverError::Transient("Przekroczono czas".into()));
        assert_eq!(
            store
                .finish_task(&after_run(&claimed[0], &timeout, now))
                .ok(),
            Some(true)
        );
        assert_eq!(
            store.claim_due_tasks(now, 10).ok(),
            Some(vec![]),
            "not due yet"
        );
        let later = now + crate::domain::task::backoff(1);
        let again = store.claim_due_tasks(later, 10).unwrap_or_default();
        assert_eq!(again.iter().map(|t| t.tries).collect::<Vec<_>>(), vec![2]);
        let listed = store.tasks_of_service(service).unwrap_or_default();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].state, TaskState::Running);
    }

    #[test]
    fn a_page_reads_only_the_services_newest_tasks_in_order() {
        let (_dir, store, service) = demo();
        let now = Timestamp::UNIX_EPOCH;
        let mut ids = Vec::new();
        for _ in 0..12 {
            let task = store.queue_task(service, TaskAction::Suspend, now);
            ids.push(task.map(|t| t.id).unwrap_or_default());
            // Another service's task between them is not this one's.
            let _ = store.queue_task(service + 1, TaskAction::Delete, now);
        }
        let recent = store
            .recent_tasks_of_service(service, 5)
            .unwrap_or_default();
        assert_eq!(
            recent.iter().map(|t| t.id).collect::<Vec<_>>(),
            ids[7..].to_vec(),
            "the newest five, oldest first"
        );
        let all = store
            .recent_tasks_of_service(service, 50)
            .unwrap_or_default();
        assert_eq!(all.iter().map(|t| t.id).collect::<Vec<_>>(), ids);
    }

    #[test]
    fn a_running_task_goes_back_to_the_queue_at_start_and_a_failed_one_on_retry() {
        let (_dir, store, service) = demo();
        let now = Timestamp::UNIX_EPOCH;
        let id = store
            .queue_task(service, TaskAction::Delete, now)
            .map(|t| t.id)
            .unwrap_or_default();
        let running = store.claim_due_tasks(now, 1).unwrap_or_default();
        assert_eq!(store.requeue_running_tasks(now).ok(), Some(1));
        assert_eq!(store.requeue_running_tasks(now).ok(), Some(0));
        assert_eq!(
            store.task(id).ok().flatten().map(|t| t.state),
            Some(TaskState::Queued)
        );
        assert_eq!(
            store.finish_task(&running[0]).ok(),
            Some(false),
            "no longer running"
        );
        let rerun = store.claim_due_tasks(now, 1).unwrap_or_default();
        let refused = Err(DriverError::Permanent("Nie".into()));
        assert_eq!(
            store.finish_task(&after_run(&rerun[0], &refused, now)).ok(),
            Some(true)
        );
        assert_eq!(store.list_tasks(true, 10).map(|l| l.len()).ok(), Some(1));
        assert!(
            matches!(store.retry_failed_task(id, now), Ok(TaskRetry::Requeued(t)) if t.tries == 0)
        );
        assert!(matches!(
            store.retry_failed_task(id, now),
            Ok(TaskRetry::NotFailed(TaskState::Queued))
        ));
        assert_eq!(
            store.retry_failed_task(999, now).ok(),
            Some(TaskRetry::NotFound)
        );
        assert_eq!(store.claim_due_tasks(now, 1).map(|l| l.len()).ok(), Some(1));
    }

    #[test]
    fn a_task_is_marked_done_by_hand_once_with_its_note_unless_it_is_running() {
        let (_dir, store, service) = demo();
        let now = Timestamp::UNIX_EPOCH;
        let id = store
            .queue_task(service, TaskAction::Suspend, now)
            .map(|t| t.id)
            .unwrap_or_default();
        let done = store.mark_task_done(id, "by hand", now);
        let Ok(TaskDone::Done(task)) = done else {
            unreachable!("a queued task is done by hand: {done:?}")
        };
        assert_eq!(
            (task.state, task.note.as_deref()),
            (TaskState::Done, Some("by hand"))
        );
        let stored = store.task(id).ok().flatten();
        assert_eq!(stored.and_then(|t| t.note), Some("by hand".to_string()));
        assert!(
            store
                .claim_due_tasks(now, 10)
                .unwrap_or_default()
                .is_empty(),
            "left the queue"
        );
        let again = store.mark_task_done(id, "twice", now);
        assert!(matches!(again, Ok(TaskDone::NotOpen(TaskState::Done))));
        let running = store
            .queue_task(service, TaskAction::Suspend, now)
            .map(|t| t.id)
            .unwrap_or_default();
        assert_eq!(
            store.claim_due_tasks(now, 10).map(|t| t.len()).ok(),
            Some(1)
        );
        let refused = store.mark_task_done(running, "x", now);
        assert!(matches!(refused, Ok(TaskDone::NotOpen(TaskState::Running))));
        assert!(matches!(
            store.mark_task_done(9999, "x", now),
            Ok(TaskDone::NotFound)
        ));
    }
}
