//! The due index of services (by the day of their next lifecycle event), the lifecycle steps after
//! expiry (warning, suspension, deletion) and the provisioning tasks they leave for the host.

use super::codec::{get, put};
use super::outbox::{NewMessage, enqueue};
use super::schema::{
    ACCOUNTS, LIVE_BY_EXPIRY, LIVE_EXPIRY_OF, REMINDERS_SENT, SERVICE_DUE_ON, SERVICES,
    SERVICES_DUE, USERS, USERS_BY_ACCOUNT,
};
use super::tasks::add_task;
use super::{Result, Store, StoreError};
use crate::domain::lifecycle::{
    Settings, Step, WARNING_MARKER, due_reminders, due_step, first_event_on, next_event_after,
};
use crate::domain::service::Lifecycle;
use crate::domain::time::today;
use crate::domain::{Account, Service, User};
use jiff::Timestamp;
use jiff::civil::Date;
use redb::{ReadableTable, WriteTransaction};

/// A date as an index key: YYYYMMDD (ordered as the dates are).
pub fn day_key(date: Date) -> u32 {
    let year = u32::try_from(date.year()).unwrap_or(0);
    year * 10_000
        + u32::from(date.month().unsigned_abs()) * 100
        + u32::from(date.day().unsigned_abs())
}

/// Moves the service's key in the due index to `on` (`None`: out of the index).
fn set_due(tx: &WriteTransaction, service_id: u64, on: Option<Date>) -> Result<()> {
    let mut due = tx.open_table(SERVICES_DUE)?;
    let mut due_on = tx.open_table(SERVICE_DUE_ON)?;
    if let Some(old) = due_on.remove(service_id)?.map(|v| v.value()) {
        due.remove((old, service_id))?;
    }
    if let Some(on) = on {
        let key = day_key(on);
        due.insert((key, service_id), ())?;
        due_on.insert(service_id, key)?;
    }
    Ok(())
}

/// Re-keys a service whose expiry or lifecycle changed, where the settings are unknown: at the
/// earliest day anything can happen to it (a run then moves it on to its real next event).
pub(super) fn reindex(tx: &WriteTransaction, service: &Service) -> Result<()> {
    index_expiry(tx, service)?;
    set_due(tx, service.id, first_event_on(service))
}

/// Places a live service in `LIVE_BY_EXPIRY` under its expiry day; any other is taken out.
pub(super) fn index_expiry(tx: &WriteTransaction, service: &Service) -> Result<()> {
    let mut by_expiry = tx.open_table(LIVE_BY_EXPIRY)?;
    let mut expiry_of = tx.open_table(LIVE_EXPIRY_OF)?;
    if let Some(old) = expiry_of.remove(service.id)?.map(|v| v.value()) {
        by_expiry.remove((old, service.id))?;
    }
    if service.lifecycle == Lifecycle::Live {
        let key = day_key(service.expires_on);
        by_expiry.insert((key, service.id), ())?;
        expiry_of.insert(service.id, key)?;
    }
    Ok(())
}

/// Re-keys a service after a job run on `today`: today again while something is still due
/// (a reminder when the lifecycle job ran, or a step when the reminders ran), else the next event.
pub(super) fn rekey_after_run(
    tx: &WriteTransaction,
    service: &Service,
    settings: &Settings,
    today: Date,
) -> Result<()> {
    let handled = markers(tx, service)?;
    let reminders = due_reminders(service, settings, today, |t| handled.contains(&t));
    let warned = handled.contains(&WARNING_MARKER);
    let still_due = reminders.send.is_some()
        || !reminders.skip.is_empty()
        || due_step(service, settings, today, warned).is_some();
    let on = if still_due {
        Some(today)
    } else {
        next_event_after(service, settings, today)
    };
    set_due(tx, service.id, on)
}

/// The thresholds marked (sent or skipped) for the service's current expiry date.
pub(super) fn markers(tx: &WriteTransaction, service: &Service) -> Result<Vec<u32>> {
    let (id, expiry) = (service.id, day_key(service.expires_on));
    let mut list = Vec::new();
    for entry in tx
        .open_table(REMINDERS_SENT)?
        .range((id, expiry, 0)..=(id, expiry, u32::MAX))?
    {
        list.push(entry?.0.value().2);
    }
    Ok(list)
}

/// Whether the marker of (service, its expiry, threshold) is written (sent or skipped).
pub(super) fn marked(tx: &WriteTransaction, service: &Service, threshold: u32) -> Result<bool> {
    let key = (service.id, day_key(service.expires_on), threshold);
    Ok(tx.open_table(REMINDERS_SENT)?.get(key)?.is_some())
}

pub(super) fn mark(
    tx: &WriteTransaction,
    service: &Service,
    threshold: u32,
    sent: bool,
) -> Result<()> {
    let key = (service.id, day_key(service.expires_on), threshold);
    tx.open_table(REMINDERS_SENT)?.insert(key, u8::from(sent))?;
    Ok(())
}

/// Where billing mail about the account goes: its contact address and each active user whose
/// role handles billing, each address once.
pub(super) fn billing_recipients(tx: &WriteTransaction, account: &Account) -> Result<Vec<String>> {
    let mut to = vec![account.contact_email.to_string()];
    let users = tx.open_table(USERS)?;
    let by_account = tx.open_table(USERS_BY_ACCOUNT)?;
    for entry in by_account.range((account.id, 0)..=(account.id, u64::MAX))? {
        let (key, _) = entry?;
        let Some(user) = get::<User>(&users, key.value().1)? else {
            continue;
        };
        if user.active && user.role.may(crate::domain::access::Action::ViewBilling) {
            to.push(user.email.to_string());
        }
    }
    let mut seen = std::collections::HashSet::new();
    to.retain(|address| seen.insert(address.to_lowercase()));
    Ok(to)
}

// Tasks live in `store::tasks` and `domain::task`; re-exported here for `store::{Task, …}`.
pub use crate::domain::task::{Task, TaskAction, TaskState};

/// Composes the e-mail of a lifecycle step to one recipient.
pub type ComposeStep<'a> = &'a dyn Fn(&str, &Account, &Service, Step) -> NewMessage;

impl Store {
    /// Services whose next lifecycle event falls on or before `today`, read from the due index.
    pub fn due_services(&self, today: Date) -> Result<Vec<u64>> {
        let tx = self.read()?;
        let mut ids = Vec::new();
        for entry in tx
            .open_table(SERVICES_DUE)?
            .range(..=(day_key(today), u64::MAX))?
        {
            ids.push(entry?.0.value().1);
        }
        Ok(ids)
    }

    /// Takes the lifecycle step due for the service on the day of `now`, in one transaction with
    /// its e-mails, its provisioning task and the service's new key. Repeating it changes nothing.
    pub fn advance_service(
        &self,
        service_id: u64,
        now: Timestamp,
        settings: &Settings,
        compose: ComposeStep<'_>,
    ) -> Result<Option<Step>> {
        self.write(|tx| advance(tx, service_id, now, settings, compose))
    }

    /// `advance_service` for several services in one transaction: all or nothing.
    pub fn advance_services(
        &self,
        service_ids: &[u64],
        now: Timestamp,
        settings: &Settings,
        compose: ComposeStep<'_>,
    ) -> Result<Vec<Option<Step>>> {
        self.write(|tx| {
            service_ids
                .iter()
                .map(|id| advance(tx, *id, now, settings, compose))
                .collect()
        })
    }
}

fn advance(
    tx: &WriteTransaction,
    service_id: u64,
    now: Timestamp,
    settings: &Settings,
    compose: ComposeStep<'_>,
) -> Result<Option<Step>> {
    let day = today(now);
    let Some(mut service) = get::<Service>(&tx.open_table(SERVICES)?, service_id)? else {
        set_due(tx, service_id, None)?;
        return Ok(None);
    };
    let warned = marked(tx, &service, WARNING_MARKER)?;
    let step = due_step(&service, settings, day, warned);
    if let Some(step) = step {
        let account: Account = get(&tx.open_table(ACCOUNTS)?, service.account_id)?
            .ok_or(StoreError::NotFound("account"))?;
        match step {
            Step::Warn { .. } => mark(tx, &service, WARNING_MARKER, true)?,
            Step::Suspend { .. } => {
                service.lifecycle = Lifecycle::Suspended;
                add_task(tx, &service, TaskAction::Suspend, now)?;
            }
            Step::Delete => {
                service.lifecycle = Lifecycle::Deleted;
                add_task(tx, &service, TaskAction::Delete, now)?;
            }
        }
        put(&mut tx.open_table(SERVICES)?, service.id, &service)?;
        index_expiry(tx, &service)?;
        for to in billing_recipients(tx, &account)? {
            enqueue(tx, compose(&to, &account, &service, step), now)?;
        }
    }
    rekey_after_run(tx, &service, settings, day)?;
    Ok(step)
}
