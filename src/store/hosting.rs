//! Hosting servers: a PHP version change, attaching or detaching a domain. The change is stored
//! at once and its task (telling the host's server to do the same) is written in the same
//! transaction; the page shows the task's progress.

use super::codec::{get, owned_ids, put};
use super::schema::{SERVICES, SERVICES_BY_ACCOUNT};
use super::tasks::add_task;
use super::{Result, Store};
use crate::domain::access::Viewer;
use crate::domain::hosting::{HostingRefusal, check_attach, check_detach, check_php};
use crate::domain::task::{Task, TaskAction};
use crate::domain::{Service, ServiceDetails, ServiceKind};
use jiff::Timestamp;
use redb::WriteTransaction;

/// A change asked of a hosting server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostingChange {
    SetPhp(String),
    Attach(String),
    Detach(String),
}

/// What a change did.
#[derive(Debug)]
pub enum HostingOutcome {
    /// No such hosting server for the viewer.
    NotFound,
    Refused(HostingRefusal),
    Queued(Box<Task>),
}

fn account_services(tx: &WriteTransaction, account_id: u64) -> Result<Vec<Service>> {
    let services = tx.open_table(SERVICES)?;
    let mut list = Vec::new();
    for id in owned_ids(&tx.open_table(SERVICES_BY_ACCOUNT)?, account_id)? {
        if let Some(service) = get(&services, id)? {
            list.push(service);
        }
    }
    Ok(list)
}

/// The checked change applied to `server`'s details, and its task; or why it is refused.
fn apply(
    server: &mut Service,
    all: &[Service],
    change: HostingChange,
) -> std::result::Result<TaskAction, HostingRefusal> {
    let ServiceDetails::Hosting {
        domains,
        php_version,
        ..
    } = &server.details
    else {
        return Err(HostingRefusal::NotLive);
    };
    let (mut domains, mut php_version) = (domains.clone(), php_version.clone());
    let action = match change {
        HostingChange::SetPhp(version) => {
            let version = check_php(server, &version)?.to_string();
            php_version.clone_from(&version);
            TaskAction::SetPhpVersion { version }
        }
        HostingChange::Attach(domain) => {
            let domain = domain.trim().to_string();
            check_attach(server, all, &domain)?;
            domains.push(domain.clone());
            TaskAction::AttachDomain { domain }
        }
        HostingChange::Detach(domain) => {
            let domain = domain.trim().to_string();
            check_detach(server, &domain)?;
            domains.retain(|d| *d != domain);
            TaskAction::DetachDomain { domain }
        }
    };
    if let ServiceDetails::Hosting {
        domains: d,
        php_version: p,
        ..
    } = &mut server.details
    {
        *d = domains;
        *p = php_version;
    }
    Ok(action)
}

impl Store {
    /// Applies `change` to the viewer's hosting server `id` with its task, unless refused.
    pub fn change_hosting(
        &self,
        viewer: &Viewer,
        id: u64,
        change: HostingChange,
        now: Timestamp,
    ) -> Result<HostingOutcome> {
        self.write(|tx| {
            let all = account_services(tx, viewer.account_id)?;
            let Some(mut server) = all
                .iter()
                .find(|s| s.id == id && viewer.sees(s.id) && s.kind == ServiceKind::Hosting)
                .cloned()
            else {
                return Ok(HostingOutcome::NotFound);
            };
            let action = match apply(&mut server, &all, change) {
                Ok(action) => action,
                Err(refusal) => return Ok(HostingOutcome::Refused(refusal)),
            };
            put(&mut tx.open_table(SERVICES)?, server.id, &server)?;
            let task = add_task(tx, &server, action, now)?;
            Ok(HostingOutcome::Queued(Box::new(task)))
        })
    }
}
