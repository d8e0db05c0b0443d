//! Open-Xchange licences: assigned to a mailbox or released, each with its task, in one
//! transaction; a mailbox deleted with a licence gives it back in the delete's transaction.

use super::codec::{get, owned_ids, put};
use super::schema::{MAILBOXES, MAILBOXES_BY_ACCOUNT, SERVICES};
use super::tasks::add_task;
use super::website::account_services;
use super::{Result, Store};
use crate::domain::access::Viewer;
use crate::domain::open_xchange::{
    LicenceHolder, LicenceRefusal, check_assign, counts_licences, holders,
};
use crate::domain::task::{Task, TaskAction};
use crate::domain::{Mailbox, ServiceDetails};
use jiff::Timestamp;
use redb::WriteTransaction;

/// What an assignment or a release did.
#[derive(Debug)]
pub enum LicenceOutcome {
    /// No such mailbox, or no licence of it, for the viewer.
    NotFound,
    Refused(LicenceRefusal),
    Done(Box<Task>),
}

/// The viewer's mailboxes (those on the servers it sees).
fn mailboxes_seen(tx: &WriteTransaction, viewer: &Viewer) -> Result<Vec<Mailbox>> {
    let table = tx.open_table(MAILBOXES)?;
    let mut list = Vec::new();
    for id in owned_ids(&tx.open_table(MAILBOXES_BY_ACCOUNT)?, viewer.account_id)? {
        if let Some(mailbox) = get::<Mailbox>(&table, id)?
            && viewer.sees(mailbox.hosting_service_id)
        {
            list.push(mailbox);
        }
    }
    Ok(list)
}

/// Takes `address`'s licence back on every Open-Xchange service of the account (in the caller's
/// transaction), each with its release task; returns the tasks.
pub(super) fn release_in(
    tx: &WriteTransaction,
    account_id: u64,
    address: &str,
    now: Timestamp,
) -> Result<Vec<Task>> {
    let mut tasks = Vec::new();
    for mut service in account_services(tx, account_id)? {
        let ServiceDetails::OpenXchange { holders, .. } = &mut service.details else {
            continue;
        };
        let before = holders.len();
        holders.retain(|h| h.address != address);
        if holders.len() == before {
            continue;
        }
        put(&mut tx.open_table(SERVICES)?, service.id, &service)?;
        let action = TaskAction::ReleaseOxLicence {
            address: address.to_string(),
        };
        tasks.push(add_task(tx, &service, action, now)?);
    }
    Ok(tasks)
}

impl Store {
    /// Gives the viewer's mailbox `mailbox_id` a free licence, unless refused.
    pub fn assign_ox_licence(
        &self,
        viewer: &Viewer,
        mailbox_id: Option<u64>,
        now: Timestamp,
    ) -> Result<LicenceOutcome> {
        self.write(|tx| {
            let all = account_services(tx, viewer.account_id)?;
            let mailboxes = mailboxes_seen(tx, viewer)?;
            // A licence on a service outside the viewer's scope still counts as held.
            let held_elsewhere = mailbox_id
                .and_then(|id| mailboxes.iter().find(|m| m.id == id))
                .is_some_and(|m| holders(&all).iter().any(|(_, h)| h.address == m.address));
            if held_elsewhere {
                return Ok(LicenceOutcome::Refused(LicenceRefusal::AlreadyLicensed));
            }
            let services: Vec<_> = all.into_iter().filter(|s| viewer.sees(s.id)).collect();
            let (service_id, address) = match check_assign(&services, &mailboxes, mailbox_id) {
                Ok(found) => found,
                Err(refusal) => return Ok(LicenceOutcome::Refused(refusal)),
            };
            let Some(mut service) = services.into_iter().find(|s| s.id == service_id) else {
                return Ok(LicenceOutcome::NotFound);
            };
            if let ServiceDetails::OpenXchange { holders, .. } = &mut service.details {
                holders.push(LicenceHolder {
                    address: address.clone(),
                    since: now,
                });
            }
            put(&mut tx.open_table(SERVICES)?, service.id, &service)?;
            let task = add_task(tx, &service, TaskAction::AssignOxLicence { address }, now)?;
            Ok(LicenceOutcome::Done(Box::new(task)))
        })
    }

    /// Takes the licence of the viewer's mailbox `mailbox_id` back; `NotFound` when it has none.
    pub fn release_ox_licence(
        &self,
        viewer: &Viewer,
        mailbox_id: u64,
        now: Timestamp,
    ) -> Result<LicenceOutcome> {
        self.write(|tx| {
            let mailboxes = mailboxes_seen(tx, viewer)?;
            let Some(mailbox) = mailboxes.iter().find(|m| m.id == mailbox_id) else {
                return Ok(LicenceOutcome::NotFound);
            };
            let held = account_services(tx, viewer.account_id)?
                .into_iter()
                .any(|s| {
                    viewer.sees(s.id)
                        && counts_licences(&s)
                        && matches!(&s.details, ServiceDetails::OpenXchange { holders, .. }
                        if holders.iter().any(|h| h.address == mailbox.address))
                });
            if !held {
                return Ok(LicenceOutcome::NotFound);
            }
            let tasks = release_in(tx, viewer.account_id, &mailbox.address, now)?;
            match tasks.into_iter().next() {
                Some(task) => Ok(LicenceOutcome::Done(Box::new(task))),
                None => Ok(LicenceOutcome::NotFound),
            }
        })
    }
}
