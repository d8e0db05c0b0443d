//! Per-service renewal settings (auto-renew, period) and the auto-renew job's work on one
//! service, each in one write transaction.

use super::billing::{Compose, ComposeReceipt, issue_renewal, settle};
use super::codec::{get, put};
use super::ledger::{balance_in, post};
use super::outbox::enqueue;
use super::schema::{ACCOUNTS, DOCUMENTS, LEDGER, LIVE_BY_EXPIRY, OPEN_RENEWALS, PLANS, SERVICES};
use super::{Result, Store, StoreError};
use crate::domain::ledger::EntryKind;
use crate::domain::time::{add_days, today};
use crate::domain::{Account, Document, Money, Plan, Service};
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
    pub receipt: ComposeReceipt<'a>,
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

    /// Ids of the services the auto-renew job acts on today: read from the live services expiring
    /// by `today + days_before` (which includes the expired ones not yet suspended), not a scan.
    pub fn auto_renew_candidates(&self, now: Timestamp, days_before: i64) -> Result<Vec<u64>> {
        let day = today(now);
        let last = super::lifecycle::day_key(add_days(day, days_before.max(0)));
        let tx = self.read()?;
        let services = tx.open_table(SERVICES)?;
        let mut ids = Vec::new();
        for row in tx.open_table(LIVE_BY_EXPIRY)?.range(..=(last, u64::MAX))? {
            let (key, _) = row?;
            let id = key.value().1;
            let service: Option<Service> = get(&services, id)?;
            if service.is_some_and(|s| s.auto_renew_due(day, days_before)) {
                ids.push(id);
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
                    Ok(new) => (new, true),
                    Err(_) => return Ok(AutoRenewal::Unbillable),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::service::Lifecycle;
    use crate::domain::{Email, ServiceDetails, ServiceKind};
    use crate::store::{NewAccount, NewMessage};
    use jiff::civil::date;

    fn message(prefix: &str) -> impl Fn(&Account, &Document) -> NewMessage {
        let prefix = prefix.to_string();
        move |_, document| NewMessage {
            to: "jan@firma.pl".into(),
            subject: format!("{prefix} {}", document.number),
            text: String::new(),
            html: String::new(),
            secret: false,
        }
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        store: Store,
        account: u64,
        service: u64,
    }

    /// An account with a 12-month domain plan (49,00 zł net, also 24 and 36 months) and a live
    /// domain expiring on 2026-12-05, with auto-renew on for 24 months.
    fn fixture() -> Result<Fixture> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Task(e.to_string()))?;
        let store = Store::open(dir.path())?;
        let account = |email: &str| -> Result<u64> {
            let new = NewAccount {
                name: "Firma".into(),
                nip: None,
                address: Default::default(),
                owner_email: Email::parse(email)
                    .map_err(|e| StoreError::Conflict(e.to_string()))?,
                owner_name: "Jan".into(),
                phone: String::new(),
            };
            Ok(store.create_account(new, Timestamp::UNIX_EPOCH)?.0.id)
        };
        let owner = account("jan@firma.pl")?;
        account("obcy@firma.pl")?;
        let plan = store.add_plan(Plan {
            id: 0,
            kind: ServiceKind::Domain,
            name: "Domena .pl".into(),
            price_net: Money(4900),
            vat_percent: 23,
            period_months: 12,
            periods: vec![24, 36],
            prices: vec![],
            hidden: false,
        })?;
        let service = store.add_service(Service {
            id: 0,
            account_id: owner,
            kind: ServiceKind::Domain,
            name: "firma.pl".into(),
            plan_id: plan.id,
            lifecycle: Lifecycle::Live,
            expires_on: date(2026, 12, 5),
            auto_renew: false,
            renewal_months: None,
            details: ServiceDetails::None,
            created_at: Timestamp::UNIX_EPOCH,
        })?;
        let saved = store.set_renewal_settings(owner, service.id, true, 24)?;
        assert!(matches!(saved, SettingsOutcome::Saved(_)));
        Ok(Fixture {
            _dir: dir,
            store,
            account: owner,
            service: service.id,
        })
    }

    fn noon(day: jiff::civil::Date) -> Result<Timestamp> {
        day.at(12, 0, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|e| StoreError::Conflict(e.to_string()))
    }

    fn top_up(f: &Fixture, amount: Money) -> Result<()> {
        f.store.write(|tx| {
            post(
                tx,
                f.account,
                EntryKind::TopUp,
                amount,
                None,
                Timestamp::UNIX_EPOCH,
            )
            .map(|_| ())
        })
    }

    fn run(f: &Fixture, now: Timestamp) -> Result<AutoRenewal> {
        let proforma = message("proforma");
        let receipt = message("receipt");
        let receipt = |account: &Account, r: crate::store::Receipt<'_>| match r.document() {
            Some(document) => receipt(account, document),
            None => unreachable!("auto-renew pays whole proformas"),
        };
        let mail = AutoRenewMail {
            proforma: &proforma,
            receipt: &receipt,
        };
        f.store.auto_renew_service(f.service, now, 14, &mail)
    }

    #[test]
    fn settings_are_scoped_to_the_account_and_to_the_plans_periods() -> Result<()> {
        let f = fixture()?;
        let other = f.account + 1;
        assert!(matches!(
            f.store.set_renewal_settings(other, f.service, false, 12)?,
            SettingsOutcome::NotFound
        ));
        assert!(matches!(
            f.store.set_renewal_settings(f.account, f.service, false, 18)?,
            SettingsOutcome::PeriodNotOffered { offered } if offered == vec![12, 24, 36]
        ));
        let stored = f.store.service_of_account(f.account, f.service)?;
        assert!(stored.is_some_and(|s| s.auto_renew && s.renewal_months == Some(24)));
        Ok(())
    }

    #[test]
    fn a_covered_renewal_is_paid_from_the_balance_once() -> Result<()> {
        let f = fixture()?;
        top_up(&f, Money(20_000))?;
        let now = noon(date(2026, 11, 21))?;
        assert!(f.store.auto_renew_candidates(now, 14)?.contains(&f.service));
        let AutoRenewal::Paid { invoice } = run(&f, now)? else {
            unreachable!("the balance covers 24 months")
        };
        // 24 months at twice the 12-month price: 98,00 zł net + 23% = 120,54 zł.
        assert_eq!(invoice.total_gross(), Money(12_054));
        assert_eq!(f.store.balance_of(f.account)?, Money(20_000 - 12_054));
        let service = f.store.service_of_account(f.account, f.service)?;
        assert_eq!(service.map(|s| s.expires_on), Some(date(2028, 12, 5)));
        assert!(matches!(run(&f, now)?, AutoRenewal::NotDue));
        assert!(f.store.auto_renew_candidates(now, 14)?.is_empty());
        let mail = f.store.outbox_messages(10)?;
        assert_eq!(mail.len(), 1, "one receipt");
        assert!(mail[0].subject.starts_with("receipt FV/"));
        Ok(())
    }

    #[test]
    fn a_free_service_renews_itself_with_nothing_on_the_balance() -> Result<()> {
        let f = fixture()?;
        let plan = f.store.add_plan(Plan {
            id: 0,
            kind: ServiceKind::Domain,
            name: "Domena w pakiecie".into(),
            price_net: Money::ZERO,
            vat_percent: 23,
            period_months: 12,
            periods: vec![],
            prices: vec![],
            hidden: false,
        })?;
        let free = f.store.add_service(Service {
            id: 0,
            account_id: f.account,
            kind: ServiceKind::Domain,
            name: "gratis.pl".into(),
            plan_id: plan.id,
            lifecycle: Lifecycle::Live,
            expires_on: date(2026, 12, 5),
            auto_renew: true,
            renewal_months: None,
            details: ServiceDetails::None,
            created_at: Timestamp::UNIX_EPOCH,
        })?;
        // The same store and account, with the free service as the one run() renews.
        let g = Fixture {
            _dir: tempfile::tempdir().map_err(|e| StoreError::Task(e.to_string()))?,
            store: f.store.clone(),
            account: f.account,
            service: free.id,
        };
        let now = noon(date(2026, 11, 21))?;
        let AutoRenewal::Paid { invoice } = run(&g, now)? else {
            unreachable!("a free renewal needs no balance")
        };
        assert_eq!(invoice.total_gross(), Money::ZERO);
        assert_eq!(f.store.balance_of(f.account)?, Money::ZERO);
        Ok(())
    }

    #[test]
    fn an_uncovered_renewal_is_e_mailed_once_and_paid_once_the_balance_covers_it() -> Result<()> {
        let f = fixture()?;
        top_up(&f, Money(100))?;
        let now = noon(date(2026, 11, 21))?;
        let AutoRenewal::Emailed { proforma } = run(&f, now)? else {
            unreachable!("1,00 zł does not cover it")
        };
        assert!(matches!(run(&f, now)?, AutoRenewal::AwaitingPayment));
        assert_eq!(f.store.outbox_messages(10)?.len(), 1, "one proforma e-mail");
        let documents = f.store.documents_of_account(f.account)?;
        assert_eq!(documents.len(), 1, "no second proforma");
        top_up(&f, Money(20_000))?;
        let AutoRenewal::Paid { invoice } = run(&f, noon(date(2026, 11, 22))?)? else {
            unreachable!("the balance covers it now")
        };
        assert_eq!(invoice.proforma_id, Some(proforma.id));
        Ok(())
    }

    #[test]
    fn a_service_with_auto_renew_off_or_far_from_expiry_is_left_alone() -> Result<()> {
        let f = fixture()?;
        top_up(&f, Money(20_000))?;
        assert!(matches!(
            run(&f, noon(date(2026, 11, 20))?)?,
            AutoRenewal::NotDue
        ));
        f.store
            .set_renewal_settings(f.account, f.service, false, 24)?;
        let now = noon(date(2026, 11, 30))?;
        assert!(f.store.auto_renew_candidates(now, 14)?.is_empty());
        assert!(matches!(run(&f, now)?, AutoRenewal::NotDue));
        assert!(f.store.documents_of_account(f.account)?.is_empty());
        Ok(())
    }

    #[test]
    fn candidates_come_from_the_live_services_by_expiry_until_suspension() -> Result<()> {
        use crate::domain::lifecycle::Settings;
        let f = fixture()?;
        // Expiring on 5.12: not yet within 14 days on 20.11, within them on 21.11.
        assert!(
            f.store
                .auto_renew_candidates(noon(date(2026, 11, 20))?, 14)?
                .is_empty()
        );
        let within = f
            .store
            .auto_renew_candidates(noon(date(2026, 11, 21))?, 14)?;
        assert_eq!(within, vec![f.service]);
        // Expired and in its grace period (30 days for a domain): still tried every day.
        let grace = noon(date(2026, 12, 20))?;
        assert_eq!(f.store.auto_renew_candidates(grace, 14)?, vec![f.service]);
        // Suspended on 4.01: out of the index, so the job no longer reads it.
        let compose = |to: &str, _: &Account, _: &Service, _| NewMessage {
            to: to.into(),
            subject: String::new(),
            text: String::new(),
            html: String::new(),
            secret: false,
        };
        let suspended_on = noon(date(2027, 1, 4))?;
        let step =
            f.store
                .advance_service(f.service, suspended_on, &Settings::default(), &compose)?;
        assert!(matches!(
            step,
            Some(crate::domain::lifecycle::Step::Suspend { .. })
        ));
        let tx = f.store.read()?;
        assert!(redb::ReadableTableMetadata::is_empty(
            &tx.open_table(LIVE_BY_EXPIRY)?
        )?);
        Ok(())
    }
}
