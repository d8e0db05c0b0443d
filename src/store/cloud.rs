//! Cloud servers: a power action is checked and written as its task in one transaction; the
//! server's power state changes when that task is done (in `apply_done`, called in the
//! transaction that marks the task Done), so a failed task leaves it as it was.

use super::codec::{get, owned_ids, put};
use super::schema::{SERVICES, TASKS, TASKS_BY_SERVICE};
use super::tasks::add_task;
use super::{Result, Store};
use crate::domain::access::Viewer;
use crate::domain::cloud::{PowerAction, PowerRefusal, check_power};
use crate::domain::task::{Task, TaskAction};
use crate::domain::{Service, ServiceDetails, ServiceKind};
use jiff::Timestamp;
use redb::WriteTransaction;

/// What a power action did.
#[derive(Debug)]
pub enum PowerOutcome {
    /// No such cloud server for the viewer.
    NotFound,
    Refused(PowerRefusal),
    Queued(Box<Task>),
}

fn tasks_in(tx: &WriteTransaction, service_id: u64) -> Result<Vec<Task>> {
    let tasks = tx.open_table(TASKS)?;
    let mut list = Vec::new();
    for id in owned_ids(&tx.open_table(TASKS_BY_SERVICE)?, service_id)? {
        if let Some(task) = get(&tasks, id)? {
            list.push(task);
        }
    }
    Ok(list)
}

/// A done power task sets its server's power state (in the caller's transaction); returns
/// whether a service changed.
pub(super) fn apply_done(tx: &WriteTransaction, task: &Task) -> Result<bool> {
    let TaskAction::PowerCloud { action } = task.action else {
        return Ok(false);
    };
    let mut services = tx.open_table(SERVICES)?;
    let service: Option<Service> = get(&services, task.service_id)?;
    if let Some(mut service) = service
        && let ServiceDetails::Cloud { running, .. } = &mut service.details
    {
        *running = action.running_after();
        put(&mut services, service.id, &service)?;
        return Ok(true);
    }
    Ok(false)
}

impl Store {
    /// Queues `action` on the viewer's cloud server `id`, unless it is refused.
    pub fn power_cloud(
        &self,
        viewer: &Viewer,
        id: u64,
        action: PowerAction,
        now: Timestamp,
    ) -> Result<PowerOutcome> {
        self.write(|tx| {
            let service: Option<Service> = get(&tx.open_table(SERVICES)?, id)?;
            let Some(service) = service.filter(|s| {
                s.account_id == viewer.account_id
                    && viewer.sees(s.id)
                    && s.kind == ServiceKind::Cloud
            }) else {
                return Ok(PowerOutcome::NotFound);
            };
            if let Err(refusal) = check_power(&service, &tasks_in(tx, id)?, action) {
                return Ok(PowerOutcome::Refused(refusal));
            }
            let task = add_task(tx, &service, TaskAction::PowerCloud { action }, now)?;
            Ok(PowerOutcome::Queued(Box::new(task)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::task::{DriverError, TaskState, after_run};
    use redb::ReadableTable;

    fn demo_server() -> (tempfile::TempDir, Store, Service) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let seeded = crate::demo::seed_if_empty(&store, Timestamp::UNIX_EPOCH, "http://x");
        assert_eq!(seeded.ok(), Some(true));
        let mut cloud = None;
        if let Ok(tx) = store.read()
            && let Ok(table) = tx.open_table(SERVICES)
            && let Ok(rows) = table.iter()
        {
            for (_, value) in rows.flatten() {
                let service: Option<Service> = super::super::codec::decode(value.value()).ok();
                cloud = cloud.or(service.filter(|s| s.kind == ServiceKind::Cloud));
            }
        }
        let cloud = cloud.unwrap_or_else(|| unreachable!("the demo has a cloud server"));
        (dir, store, cloud)
    }

    fn running(store: &Store, id: u64) -> bool {
        let service = store.read().ok().and_then(|tx| {
            let table = tx.open_table(SERVICES).ok()?;
            get::<Service>(&table, id).ok().flatten()
        });
        matches!(
            service.map(|s| s.details),
            Some(ServiceDetails::Cloud { running: true, .. })
        )
    }

    #[test]
    fn the_power_state_changes_when_the_task_is_done_and_not_when_it_fails() {
        let (_dir, store, server) = demo_server();
        let viewer = Viewer {
            account_id: server.account_id,
            scope: None,
        };
        let now = Timestamp::UNIX_EPOCH;
        let queued = store.power_cloud(&viewer, server.id, PowerAction::Stop, now);
        assert!(matches!(queued, Ok(PowerOutcome::Queued(_))));
        assert!(running(&store, server.id), "unchanged while the task waits");
        let claimed = store.claim_due_tasks(now, 1).unwrap_or_default();
        let refused = Err(DriverError::Permanent("Nie".into()));
        let failed = after_run(&claimed[0], &refused, now);
        assert_eq!(store.finish_task(&failed).ok(), Some(true));
        assert!(running(&store, server.id), "a failed task changes nothing");

        let again = store.power_cloud(&viewer, server.id, PowerAction::Stop, now);
        assert!(matches!(again, Ok(PowerOutcome::Queued(_))));
        let claimed = store.claim_due_tasks(now, 1).unwrap_or_default();
        assert_eq!(claimed[0].state, TaskState::Running);
        let done = after_run(&claimed[0], &Ok(()), now);
        assert_eq!(store.finish_task(&done).ok(), Some(true));
        assert!(!running(&store, server.id));
        let stop = store.power_cloud(&viewer, server.id, PowerAction::Stop, now);
        assert!(matches!(
            stop,
            Ok(PowerOutcome::Refused(PowerRefusal::AlreadyStopped))
        ));
        let other = Viewer {
            account_id: server.account_id + 1000,
            scope: None,
        };
        let foreign = store.power_cloud(&other, server.id, PowerAction::Start, now);
        assert!(matches!(foreign, Ok(PowerOutcome::NotFound)));
    }
}
