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
