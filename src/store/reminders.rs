//! Expiry reminders: each (service, expiry date, threshold) once, its marker written in the same
//! transaction as the outbox rows.

use super::codec::get;
use super::ledger::balance_in;
use super::lifecycle::{billing_recipients, mark, markers, rekey_after_run};
use super::outbox::{NewMessage, enqueue};
use super::schema::{ACCOUNTS, LEDGER, PLANS, SERVICES};
use super::{Result, Store, StoreError};
use crate::domain::billing::renewal_line;
use crate::domain::lifecycle::{Settings, due_reminders};
use crate::domain::time::{add_days, days_between, today};
use crate::domain::{Account, Money, Plan, Service};
use jiff::Timestamp;
use jiff::civil::Date;
use redb::WriteTransaction;

/// What a reminder says, beside the service and the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reminder {
    /// The threshold this reminder is for (0: the expiry day).
    pub threshold: u32,
    /// Days left to expiry (below the threshold when a run came late).
    pub days_left: u32,
    /// The gross price of a renewal for the service's chosen period (`None`: the plan cannot
    /// bill it).
    pub price: Option<Money>,
    /// Auto-renew is on and the prepaid balance covers the price: the day it will renew.
    pub auto_renew_on: Option<Date>,
}

/// Composes one reminder to one recipient.
pub type ComposeReminder<'a> = &'a dyn Fn(&str, &Account, &Service, Reminder) -> NewMessage;

/// What a reminder run did for one service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reminded {
    /// The threshold sent, if one was.
    pub sent: Option<u32>,
    /// Due thresholds marked without mail (overtaken after an outage, or past expiry).
    pub skipped: usize,
}

impl Store {
    /// Sends the service's most urgent due reminder not sent yet for its expiry date, to every
    /// billing recipient, and marks it (and the overtaken ones) in the same transaction.
    pub fn remind_service(
        &self,
        service_id: u64,
        now: Timestamp,
        settings: &Settings,
        auto_renew_days: u32,
        compose: ComposeReminder<'_>,
    ) -> Result<Reminded> {
        self.write_unseen(|tx| remind(tx, service_id, now, settings, auto_renew_days, compose))
    }

    /// `remind_service` for several services in one transaction (one commit for a whole batch of a
    /// run): all or nothing, so a caller whose batch failed retries its services one by one.
    pub fn remind_services(
        &self,
        service_ids: &[u64],
        now: Timestamp,
        settings: &Settings,
        auto_renew_days: u32,
        compose: ComposeReminder<'_>,
    ) -> Result<Vec<Reminded>> {
        self.write_unseen(|tx| {
            service_ids
                .iter()
                .map(|id| remind(tx, *id, now, settings, auto_renew_days, compose))
                .collect()
        })
    }
}

fn remind(
    tx: &WriteTransaction,
    service_id: u64,
    now: Timestamp,
    settings: &Settings,
    auto_renew_days: u32,
    compose: ComposeReminder<'_>,
) -> Result<Reminded> {
    let day = today(now);
    let Some(service) = get::<Service>(&tx.open_table(SERVICES)?, service_id)? else {
        return Ok(Reminded::default());
    };
    let handled = markers(tx, &service)?;
    let due = due_reminders(&service, settings, day, |t| handled.contains(&t));
    for threshold in &due.skip {
        mark(tx, &service, *threshold, false)?;
    }
    if let Some(threshold) = due.send {
        let account: Account = get(&tx.open_table(ACCOUNTS)?, service.account_id)?
            .ok_or(StoreError::NotFound("account"))?;
        let plan: Option<Plan> = get(&tx.open_table(PLANS)?, service.plan_id)?;
        let price = plan
            .and_then(|p| renewal_line(&service, &p, p.renewal_months(&service)))
            .map(|line| line.gross());
        let balance = balance_in(&tx.open_table(LEDGER)?, account.id)?;
        let auto_renew_on = price
            .filter(|p| service.auto_renew && balance >= *p)
            .map(|_| add_days(service.expires_on, -i64::from(auto_renew_days)).max(day));
        let reminder = Reminder {
            threshold,
            days_left: u32::try_from(days_between(day, service.expires_on)).unwrap_or(0),
            price,
            auto_renew_on,
        };
        for to in billing_recipients(tx, &account)? {
            enqueue(tx, compose(&to, &account, &service, reminder), now)?;
        }
        mark(tx, &service, threshold, true)?;
    }
    rekey_after_run(tx, &service, settings, day)?;
    Ok(Reminded {
        sent: due.send,
        skipped: due.skip.len(),
    })
}
