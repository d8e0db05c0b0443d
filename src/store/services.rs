//! Plans (the catalogue), services and mailboxes.

use super::codec::{get, next_in_sequence, owned_ids, put};
use super::schema::{MAILBOXES, MAILBOXES_BY_ACCOUNT, PLANS, SERVICES, SERVICES_BY_ACCOUNT};
use super::{Result, Store};
use crate::domain::{Mailbox, Plan, Service};
use redb::{ReadTransaction, ReadableTable};

pub(super) fn services_of(tx: &ReadTransaction, account_id: u64) -> Result<Vec<Service>> {
    let services = tx.open_table(SERVICES)?;
    owned_ids(&tx.open_table(SERVICES_BY_ACCOUNT)?, account_id)?
        .into_iter()
        .filter_map(|id| get::<Service>(&services, id).transpose())
        .collect()
}

pub(super) fn mailboxes_of(tx: &ReadTransaction, account_id: u64) -> Result<Vec<Mailbox>> {
    let mailboxes = tx.open_table(MAILBOXES)?;
    owned_ids(&tx.open_table(MAILBOXES_BY_ACCOUNT)?, account_id)?
        .into_iter()
        .filter_map(|id| get::<Mailbox>(&mailboxes, id).transpose())
        .collect()
}

impl Store {
    /// Adds a plan; `plan.id` is assigned here.
    pub fn add_plan(&self, mut plan: Plan) -> Result<Plan> {
        self.write(|tx| {
            plan.id = next_in_sequence(tx, "plan")?;
            put(&mut tx.open_table(PLANS)?, plan.id, &plan)?;
            Ok(plan.clone())
        })
    }

    pub fn plans(&self) -> Result<Vec<Plan>> {
        let tx = self.read()?;
        let table = tx.open_table(PLANS)?;
        let mut plans = Vec::new();
        for row in table.iter()? {
            let (_, bytes) = row?;
            plans.push(super::codec::decode(bytes.value())?);
        }
        Ok(plans)
    }

    /// Withdraws a plan from sale or offers it again; `None` when there is no such plan.
    pub fn set_plan_hidden(&self, id: u64, hidden: bool) -> Result<Option<Plan>> {
        self.write(|tx| {
            let mut plans = tx.open_table(PLANS)?;
            let Some(mut plan) = get::<Plan>(&plans, id)? else {
                return Ok(None);
            };
            plan.hidden = hidden;
            put(&mut plans, id, &plan)?;
            Ok(Some(plan))
        })
    }

    pub fn plan(&self, id: u64) -> Result<Option<Plan>> {
        get(&self.read()?.open_table(PLANS)?, id)
    }

    /// Adds a service to its account; `service.id` is assigned here.
    pub fn add_service(&self, mut service: Service) -> Result<Service> {
        self.write(|tx| {
            service.id = next_in_sequence(tx, "service")?;
            put(&mut tx.open_table(SERVICES)?, service.id, &service)?;
            tx.open_table(SERVICES_BY_ACCOUNT)?
                .insert((service.account_id, service.id), ())?;
            super::lifecycle::reindex(tx, &service)?;
            Ok(service.clone())
        })
    }

    /// Adds many services in one transaction (an import from the host's previous panel, or a
    /// benchmark's data); ids are assigned here, in order.
    pub fn import_services(&self, services: Vec<Service>) -> Result<usize> {
        self.write(|tx| {
            let mut table = tx.open_table(SERVICES)?;
            let mut by_account = tx.open_table(SERVICES_BY_ACCOUNT)?;
            let mut imported = Vec::with_capacity(services.len());
            for mut service in services {
                service.id = next_in_sequence(tx, "service")?;
                put(&mut table, service.id, &service)?;
                by_account.insert((service.account_id, service.id), ())?;
                imported.push(service);
            }
            drop((table, by_account));
            for service in &imported {
                super::lifecycle::reindex(tx, service)?;
            }
            Ok(imported.len())
        })
    }

    pub fn add_mailbox(&self, mut mailbox: Mailbox) -> Result<Mailbox> {
        self.write(|tx| {
            mailbox.id = next_in_sequence(tx, "mailbox")?;
            put(&mut tx.open_table(MAILBOXES)?, mailbox.id, &mailbox)?;
            tx.open_table(MAILBOXES_BY_ACCOUNT)?
                .insert((mailbox.account_id, mailbox.id), ())?;
            tx.open_table(super::schema::MAILBOXES_BY_ADDRESS)?
                .insert(mailbox.address.as_str(), mailbox.id)?;
            Ok(mailbox.clone())
        })
    }

    /// The service, only if it belongs to `account_id`: another account's service is as missing.
    pub fn service_of_account(&self, account_id: u64, service_id: u64) -> Result<Option<Service>> {
        let service: Option<Service> = get(&self.read()?.open_table(SERVICES)?, service_id)?;
        Ok(service.filter(|s| s.account_id == account_id))
    }

    pub fn services_of_account(&self, account_id: u64) -> Result<Vec<Service>> {
        services_of(&self.read()?, account_id)
    }

    pub fn mailboxes_of_account(&self, account_id: u64) -> Result<Vec<Mailbox>> {
        mailboxes_of(&self.read()?, account_id)
    }

    /// The services `viewer` may see (its account's, limited to its scope).
    pub fn services_for(&self, viewer: &crate::domain::access::Viewer) -> Result<Vec<Service>> {
        let mut services = self.services_of_account(viewer.account_id)?;
        services.retain(|s| viewer.sees(s.id));
        Ok(services)
    }

    /// The mailboxes of the hosting services `viewer` may see.
    pub fn mailboxes_for(&self, viewer: &crate::domain::access::Viewer) -> Result<Vec<Mailbox>> {
        let mut mailboxes = self.mailboxes_of_account(viewer.account_id)?;
        mailboxes.retain(|m| viewer.sees(m.hosting_service_id));
        Ok(mailboxes)
    }
}
