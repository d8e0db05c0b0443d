//! Kreator WWW sites: a change is checked and stored with its task in one transaction; publishing
//! and withdrawing change the site's state when their task is done (`apply_done`, in the
//! transaction that marks it Done), so a failed task leaves the site as it was.

use super::codec::{get, owned_ids, put};
use super::schema::{SERVICES, SERVICES_BY_ACCOUNT, TASKS, TASKS_BY_SERVICE};
use super::tasks::add_task;
use super::{Result, Store};
use crate::domain::access::Viewer;
use crate::domain::task::{Task, TaskAction};
use crate::domain::website::{SiteChange, SiteRefusal, check_site};
use crate::domain::{Service, ServiceDetails, ServiceKind};
use jiff::Timestamp;
use redb::WriteTransaction;

/// What a change of a site did.
#[derive(Debug)]
pub enum SiteOutcome {
    /// No such site for the viewer.
    NotFound,
    Refused(SiteRefusal),
    /// Stored; with the task it needs, if any.
    Saved(Option<Box<Task>>),
}

pub(super) fn account_services(tx: &WriteTransaction, account_id: u64) -> Result<Vec<Service>> {
    let services = tx.open_table(SERVICES)?;
    let mut list = Vec::new();
    for id in owned_ids(&tx.open_table(SERVICES_BY_ACCOUNT)?, account_id)? {
        if let Some(service) = get(&services, id)? {
            list.push(service);
        }
    }
    Ok(list)
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

/// A done publish or withdrawal sets its site's state (in the caller's transaction); returns
/// whether a service changed.
pub(super) fn apply_done(tx: &WriteTransaction, task: &Task) -> Result<bool> {
    let publish_on = match &task.action {
        TaskAction::PublishSite { domain, .. } => Some(domain.clone()),
        TaskAction::UnpublishSite { .. } => None,
        _ => return Ok(false),
    };
    let mut services = tx.open_table(SERVICES)?;
    let service: Option<Service> = get(&services, task.service_id)?;
    if let Some(mut service) = service
        && let ServiceDetails::WebsiteBuilder {
            published,
            published_at,
            domain,
            ..
        } = &mut service.details
    {
        *published = publish_on.is_some();
        if let Some(on) = publish_on {
            *published_at = task.updated_at.or(Some(task.created_at));
            *domain = on;
        }
        put(&mut services, service.id, &service)?;
        return Ok(true);
    }
    Ok(false)
}

impl Store {
    /// Applies `change` to the viewer's site `id` with its task, unless it is refused.
    pub fn change_site(
        &self,
        viewer: &Viewer,
        id: u64,
        change: SiteChange,
        now: Timestamp,
    ) -> Result<SiteOutcome> {
        self.write(|tx| {
            let all = account_services(tx, viewer.account_id)?;
            let Some(mut site) = all
                .iter()
                .find(|s| s.id == id && viewer.sees(s.id) && s.kind == ServiceKind::WebsiteBuilder)
                .cloned()
            else {
                return Ok(SiteOutcome::NotFound);
            };
            let (new_domain, action) = match check_site(&site, &tasks_in(tx, id)?, &all, &change) {
                Ok(checked) => checked,
                Err(refusal) => return Ok(SiteOutcome::Refused(refusal)),
            };
            if let Some(new_domain) = new_domain
                && let ServiceDetails::WebsiteBuilder { domain, .. } = &mut site.details
            {
                *domain = new_domain;
                put(&mut tx.open_table(SERVICES)?, site.id, &site)?;
            }
            let task = match action {
                Some(action) => Some(Box::new(add_task(tx, &site, action, now)?)),
                None => None,
            };
            Ok(SiteOutcome::Saved(task))
        })
    }
}
