//! Domeny: a domain's nameservers (in its service row), DNS records, transfer code and the log of
//! its reveals (in `DNS_ZONES`). Every change is written with its provisioning task, in one
//! transaction; every read and change goes through the viewer, so another account's domain, or
//! one outside the user's scope, is as missing as no domain at all.

use super::audit::record_in_account;
use super::codec::{get, put};
use super::schema::{DNS_ZONES, SERVICES};
use super::tasks::add_task;
use super::{Result, Store};
use crate::domain::access::Viewer;
use crate::domain::audit::AuditKind;
use crate::domain::dns::{AuthReveal, DnsRecord, DomainZone, Hostname, RecordChange, Refusal};
use crate::domain::service::Lifecycle;
use crate::domain::task::{Task, TaskAction};
use crate::domain::{Service, ServiceDetails, ServiceKind};
use jiff::Timestamp;
use redb::WriteTransaction;

/// Length of a generated transfer code (letters and digits; registries accept 16).
const AUTH_CODE_LEN: usize = 16;
const AUTH_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// A domain and what its page shows.
#[derive(Clone, Debug)]
pub struct DomainPage {
    pub service: Service,
    pub zone: DomainZone,
}

/// What a change of records did.
#[derive(Debug)]
pub enum DnsOutcome {
    NotFound,
    /// The zone's rules refused it (field, message); nothing was written.
    Refused(Refusal),
    /// Stored, with the task that serves the zone.
    Done {
        task_id: u64,
    },
}

fn visible_domain(service: Option<Service>, viewer: &Viewer) -> Option<Service> {
    service.filter(|s| {
        s.account_id == viewer.account_id && viewer.sees(s.id) && s.kind == ServiceKind::Domain
    })
}

/// The domain, for a change: only a live one (not one waiting for its first payment, suspended
/// or deleted) has servers to change.
fn domain_in(tx: &WriteTransaction, viewer: &Viewer, id: u64) -> Result<Option<Service>> {
    let service = visible_domain(get(&tx.open_table(SERVICES)?, id)?, viewer);
    Ok(service.filter(|s| s.lifecycle == Lifecycle::Live))
}

fn zone_in(tx: &WriteTransaction, id: u64) -> Result<DomainZone> {
    Ok(get(&tx.open_table(DNS_ZONES)?, id)?.unwrap_or_default())
}

fn new_auth_code() -> String {
    (0..AUTH_CODE_LEN)
        .map(|_| {
            let at = crate::random::below(AUTH_ALPHABET.len() as u32) as usize;
            char::from(AUTH_ALPHABET[at])
        })
        .collect()
}

impl Store {
    /// Sets a domain's records as its servers already serve them (an import from the host's
    /// previous panel, the demo): ids are given here, no task is queued.
    pub fn import_dns_records(&self, service_id: u64, records: Vec<DnsRecord>) -> Result<()> {
        self.write(|tx| {
            let mut zone = zone_in(tx, service_id)?;
            for mut record in records {
                zone.last_record_id += 1;
                record.id = zone.last_record_id;
                zone.records.push(record);
            }
            put(&mut tx.open_table(DNS_ZONES)?, service_id, &zone)
        })
    }

    /// The domain `id` with its zone, if `viewer` may see it.
    pub fn domain_page(&self, viewer: &Viewer, id: u64) -> Result<Option<DomainPage>> {
        let tx = self.read()?;
        let Some(service) = visible_domain(get(&tx.open_table(SERVICES)?, id)?, viewer) else {
            return Ok(None);
        };
        let zone = get(&tx.open_table(DNS_ZONES)?, id)?.unwrap_or_default();
        Ok(Some(DomainPage { service, zone }))
    }

    /// Sets the domain's nameservers and queues the task that sets them at the registry.
    pub fn set_nameservers(
        &self,
        viewer: &Viewer,
        id: u64,
        nameservers: &[Hostname],
        now: Timestamp,
    ) -> Result<Option<Task>> {
        self.write(|tx| {
            let Some(mut service) = domain_in(tx, viewer, id)? else {
                return Ok(None);
            };
            let nameservers: Vec<String> =
                nameservers.iter().map(|h| h.ascii().to_string()).collect();
            service.details = ServiceDetails::Domain {
                nameservers: nameservers.clone(),
            };
            put(&mut tx.open_table(SERVICES)?, id, &service)?;
            let task = add_task(
                tx,
                &service,
                TaskAction::SetNameservers { nameservers },
                now,
            )?;
            Ok(Some(task))
        })
    }

    /// Adds, replaces or deletes a record if the zone's rules allow it, and queues the task that
    /// serves the whole zone as it now is.
    pub fn change_dns_record(
        &self,
        viewer: &Viewer,
        id: u64,
        change: RecordChange,
        now: Timestamp,
    ) -> Result<DnsOutcome> {
        self.write(|tx| {
            let Some(service) = domain_in(tx, viewer, id)? else {
                return Ok(DnsOutcome::NotFound);
            };
            let mut zone = zone_in(tx, id)?;
            match zone.apply(change) {
                Err(refusal) => return Ok(DnsOutcome::Refused(refusal)),
                Ok(false) => return Ok(DnsOutcome::NotFound),
                Ok(true) => {}
            }
            put(&mut tx.open_table(DNS_ZONES)?, id, &zone)?;
            let action = TaskAction::SetDnsRecords {
                zone: service.name.clone(),
                records: zone.records.clone(),
            };
            let task = add_task(tx, &service, action, now)?;
            Ok(DnsOutcome::Done { task_id: task.id })
        })
    }

    /// The transfer code (made on the first reveal, the same ever after), the reveal recorded.
    pub fn reveal_auth_code(
        &self,
        viewer: &Viewer,
        id: u64,
        by: &str,
        ip: &str,
        now: Timestamp,
    ) -> Result<Option<DomainZone>> {
        self.write(|tx| {
            let Some(domain) = domain_in(tx, viewer, id)? else {
                return Ok(None);
            };
            let detail = format!("{}: wyświetlono kod AuthInfo", domain.name);
            let kind = AuditKind::AuthCodeRevealed;
            record_in_account(tx, by, viewer.account_id, kind, detail, ip, now)?;
            let mut zone = zone_in(tx, id)?;
            if zone.auth_code.is_none() {
                zone.auth_code = Some(new_auth_code());
            }
            zone.reveals.push(AuthReveal {
                by: by.to_string(),
                at: now,
            });
            put(&mut tx.open_table(DNS_ZONES)?, id, &zone)?;
            Ok(Some(zone))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transfer_code_is_sixteen_unambiguous_characters() {
        let code = new_auth_code();
        assert_eq!(code.len(), AUTH_CODE_LEN);
        assert!(code.bytes().all(|b| AUTH_ALPHABET.contains(&b)));
        assert_ne!(code, new_auth_code());
    }
}
