//! Per-service renewal settings (auto-renew, period) and the auto-renew job's work on one
//! service, each in one write transaction.

use super::billing::{Compose, insert_document, issue, settle};
use super::codec::{decode, get, put};
use super::ledger::{balance_in, post};
use super::outbox::enqueue;
use super::schema::{ACCOUNTS, DOCUMENTS, LEDGER, OPEN_RENEWALS, PLANS, SERVICES};
use super::{Result, Store, StoreError};
use crate::domain::billing::{renewal_due_on, renewal_line};
use crate::domain::ledger::EntryKind;
use crate::domain::time::today;
use crate::domain::{Account, Document, DocumentKind, Money, Plan, Service};
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};

/// What saving a service's renewal settings did.
#[derive(Debug)]
pub enum SettingsOutcome {
    /// Stored; an open renewal proforma keeps its period, the next one uses the new one.
    Saved(Service),
    /// The plan does not offer this period (the ones it does are given): nothing changed.
    PeriodNotOffered { offered: Vec<u32> },
    /// No such service on this account.
    NotFound,
}

/// What the auto-renew job did for one service.
#[derive(Debug)]
pub enum AutoRenewal {
    /// The renewal was paid from the prepaid balance: this VAT invoice was issued.
    Paid { invoice: Document },
    /// The balance does not cover it: the new renewal proforma was e-mailed.
    Emailed { proforma: Document },
    /// Its renewal proforma is already open (and was e-mailed when issued); the balance still
    /// does not cover it.
    AwaitingPayment,
    /// Not due today (auto-renew off, expiry further away, renewed meanwhile).
    NotDue,
    /// The plan cannot be billed for the service's period: nothing was issued.
    Unbillable,
}

/// The e-mails the auto-renew job may queue.
pub struct AutoRenewMail<'a> {
    pub proforma: Compose<'a>,
    pub receipt: Compose<'a>,
}

impl Store {
    /// Auto-renew on or off and the renewal period of the account's service. The period must be
    /// one its plan offers.
    pub fn set_renewal_settings(
        &self,
        account_id: u64,
        service_id: u64,
        auto_renew: bool,
        months: u32,
    ) -> Result<SettingsOutcome> {
        self.write(|tx| {
            let mut services = tx.open_table(SERVICES)?;
            let service: Option<Service> = get(&services, service_id)?;
            let Some(mut service) = service.filter(|s| s.account_id == account_id) else {
                return Ok(SettingsOutcome::NotFound);
            };
            let plan: Option<Plan> = get(&tx.open_table(PLANS)?, service.plan_id)?;
            let offered = plan.map(|p| p.offered_periods()).unwrap_or_default();
            if !offered.contains(&months) {
                return Ok(SettingsOutcome::PeriodNotOffered { offered });
            }
            service.auto_renew = auto_renew;
            service.renewal_months = Some(months);
            put(&mut services, service.id, &service)?;
            Ok(SettingsOutcome::Saved(service))
        })
    }

    /// Ids of the services the auto-renew job acts on today. A scan of every service: one read
    /// transaction decoding a few hundred bytes per service, milliseconds for thousands, once a day.
    pub fn auto_renew_candidates(&self, now: Timestamp, days_before: i64) -> Result<Vec<u64>> {
        let day = today(now);
        let tx = self.read()?;
        let mut ids = Vec::new();
        for row in tx.open_table(SERVICES)?.iter()? {
            let (_, bytes) = row?;
            let service: Service = decode(bytes.value())?;
            if service.auto_renew_due(day, days_before) {
                ids.push(service.id);
            }
        }
        Ok(ids)
    }

    /// Auto-renews one service, in one transaction: issues its renewal proforma (once: an open
    /// one is reused, as for Odnów) and pays it from the prepaid balance when that covers it
    /// (ledger entry, VAT invoice, extension, receipt e-mail), otherwise e-mails a new proforma.
    /// Run again the same day it changes nothing: a paid service is no longer due, and an open
    /// proforma is neither issued nor e-mailed twice.
    pub fn auto_renew_service(
        &self,
        service_id: u64,
        now: Timestamp,
        days_before: i64,
        mail: &AutoRenewMail<'_>,
    ) -> Result<AutoRenewal> {
        self.write(|tx| {
            let service: Option<Service> = get(&tx.open_table(SERVICES)?, service_id)?;
            let Some(service) = service.filter(|s| s.auto_renew_due(today(now), days_before))
            else {
                return Ok(AutoRenewal::NotDue);
            };
            let account: Account = get(&tx.open_table(ACCOUNTS)?, service.account_id)?
                .ok_or(StoreError::NotFound("account"))?;
            let (proforma, issued) = match open_renewal(tx, service.id)? {
                Some(open) => (open, false),
                None => match issue_renewal(tx, &account, &service, now)? {
                    Some(new) => (new, true),
                    None => return Ok(AutoRenewal::Unbillable),
                },
            };
            let total = proforma.total_gross();
            if balance_in(&tx.open_table(LEDGER)?, account.id)? >= total {
                if total > Money::ZERO {
                    post(
                        tx,
                        account.id,
                        EntryKind::Payment,
                        total,
                        Some(proforma.id),
                        now,
                    )?;
                }
                let (_, invoice) = settle(tx, &account, proforma, now, mail.receipt)?;
                return Ok(AutoRenewal::Paid { invoice });
            }
            if !issued {
                return Ok(AutoRenewal::AwaitingPayment);
            }
            enqueue(tx, (mail.proforma)(&account, &proforma), now)?;
            Ok(AutoRenewal::Emailed { proforma })
        })
    }
}

/// The service's unpaid renewal proforma, if one is open.
fn open_renewal(tx: &WriteTransaction, service_id: u64) -> Result<Option<Document>> {
    let Some(id) = tx
        .open_table(OPEN_RENEWALS)?
        .get(service_id)?
        .map(|v| v.value())
    else {
        return Ok(None);
    };
    let document: Option<Document> = get(&tx.open_table(DOCUMENTS)?, id)?;
    Ok(document.filter(Document::is_unpaid))
}

/// Issues the service's renewal proforma for its chosen period (as Odnów does) and records it as
/// the open one. `None` when the plan cannot bill the period.
fn issue_renewal(
    tx: &WriteTransaction,
    account: &Account,
    service: &Service,
    now: Timestamp,
) -> Result<Option<Document>> {
    let plan: Plan =
        get(&tx.open_table(PLANS)?, service.plan_id)?.ok_or(StoreError::NotFound("plan"))?;
    let Some(line) = renewal_line(service, &plan, plan.renewal_months(service)) else {
        return Ok(None);
    };
    let mut proforma = issue(tx, account, DocumentKind::Proforma, vec![line], now)?;
    proforma.due_on = Some(renewal_due_on(service, today(now)));
    proforma.renews_service = Some(service.id);
    insert_document(tx, &proforma)?;
    tx.open_table(OPEN_RENEWALS)?
        .insert(service.id, proforma.id)?;
    Ok(Some(proforma))
}
