//! Open-Xchange: the licences an account owns, which mailboxes hold them, and when a licence may
//! be assigned. The Pulpit and the Open-Xchange page count licences with `licence_counts`, so
//! they always show the same numbers. No I/O here.

use super::service::Lifecycle;
use super::{Mailbox, Service, ServiceDetails, ServiceKind};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A mailbox holding one licence of an Open-Xchange service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceHolder {
    pub address: String,
    pub since: Timestamp,
}

/// Licences owned, held by a mailbox, and free, over the services given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LicenceCounts {
    pub owned: u32,
    pub assigned: u32,
    pub free: u32,
}

/// Whether `service` is an Open-Xchange service whose licences count (not deleted).
pub fn counts_licences(service: &Service) -> bool {
    service.kind == ServiceKind::OpenXchange && service.lifecycle != Lifecycle::Deleted
}

fn licences_of(service: &Service) -> (u32, &[LicenceHolder]) {
    match &service.details {
        ServiceDetails::OpenXchange { licences, holders } => (*licences, holders),
        _ => (0, &[]),
    }
}

/// The licences of the Open-Xchange services among `services`.
pub fn licence_counts(services: &[Service]) -> LicenceCounts {
    let mut counts = LicenceCounts::default();
    for service in services.iter().filter(|s| counts_licences(s)) {
        let (owned, holders) = licences_of(service);
        let assigned = u32::try_from(holders.len()).unwrap_or(u32::MAX);
        counts.owned = counts.owned.saturating_add(owned);
        counts.assigned = counts.assigned.saturating_add(assigned);
        counts.free = counts.free.saturating_add(owned.saturating_sub(assigned));
    }
    counts
}

/// Every licence holder among `services`, with the service holding it, oldest first.
pub fn holders(services: &[Service]) -> Vec<(&Service, &LicenceHolder)> {
    let mut list: Vec<_> = services
        .iter()
        .filter(|s| counts_licences(s))
        .flat_map(|s| licences_of(s).1.iter().map(move |h| (s, h)))
        .collect();
    list.sort_by_key(|(_, h)| h.since);
    list
}

/// Why a licence is not assigned, in Polish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LicenceRefusal {
    NoFreeLicence,
    NotTheAccounts,
    AlreadyLicensed,
}

impl LicenceRefusal {
    pub fn message(self) -> &'static str {
        match self {
            LicenceRefusal::NoFreeLicence => {
                "Nie masz wolnej licencji. Zwolnij licencję innej skrzynki albo dokup licencje w Sklepie."
            }
            LicenceRefusal::NotTheAccounts => "Wybierz jedną ze skrzynek e-mail tego konta.",
            LicenceRefusal::AlreadyLicensed => "Ta skrzynka ma już licencję Open-Xchange.",
        }
    }
}

/// The service (by id) that takes a new licence for `mailbox`, given the account's `services` and
/// `mailboxes`: the first live one with a free licence.
pub fn check_assign(
    services: &[Service],
    mailboxes: &[Mailbox],
    mailbox_id: Option<u64>,
) -> Result<(u64, String), LicenceRefusal> {
    let mailbox = mailbox_id
        .and_then(|id| mailboxes.iter().find(|m| m.id == id))
        .ok_or(LicenceRefusal::NotTheAccounts)?;
    if holders(services)
        .iter()
        .any(|(_, h)| h.address == mailbox.address)
    {
        return Err(LicenceRefusal::AlreadyLicensed);
    }
    services
        .iter()
        .filter(|s| counts_licences(s) && s.lifecycle == Lifecycle::Live)
        .find(|s| {
            let (owned, holders) = licences_of(s);
            holders.len() < owned as usize
        })
        .map(|s| (s.id, mailbox.address.clone()))
        .ok_or(LicenceRefusal::NoFreeLicence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ox(id: u64, licences: u32, addresses: &[&str], lifecycle: Lifecycle) -> Service {
        let holders = addresses
            .iter()
            .map(|a| LicenceHolder {
                address: (*a).into(),
                since: Timestamp::UNIX_EPOCH,
            })
            .collect();
        Service {
            kind: ServiceKind::OpenXchange,
            lifecycle,
            details: ServiceDetails::OpenXchange { licences, holders },
            ..Service::live_domain_for_tests(id, date(2030, 1, 1))
        }
    }

    fn mailbox(id: u64, address: &str) -> Mailbox {
        Mailbox {
            id,
            account_id: 1,
            hosting_service_id: 9,
            address: address.into(),
            quota_mb: 1,
            used_mb: 0,
            password_hash: None,
        }
    }

    #[test]
    fn counts_add_up_over_services_and_skip_deleted_ones() {
        let services = [
            ox(1, 5, &["a@x.pl", "b@x.pl"], Lifecycle::Live),
            ox(2, 3, &[], Lifecycle::Suspended),
            ox(3, 7, &["c@x.pl"], Lifecycle::Deleted),
            Service::live_domain_for_tests(4, date(2030, 1, 1)),
        ];
        let counts = licence_counts(&services);
        assert_eq!(
            counts,
            LicenceCounts {
                owned: 8,
                assigned: 2,
                free: 6
            }
        );
        assert_eq!(holders(&services).len(), 2);
    }

    #[test]
    fn a_licence_goes_to_a_live_service_with_room_and_is_refused_otherwise() {
        let boxes = [mailbox(10, "a@x.pl"), mailbox(11, "b@x.pl")];
        let full = ox(1, 1, &["a@x.pl"], Lifecycle::Live);
        let suspended = ox(2, 3, &[], Lifecycle::Suspended);
        let roomy = ox(3, 2, &[], Lifecycle::Live);
        assert_eq!(
            check_assign(&[full.clone(), suspended.clone(), roomy], &boxes, Some(11)),
            Ok((3, "b@x.pl".into()))
        );
        let services = [full, suspended];
        assert_eq!(
            check_assign(&services, &boxes, Some(11)),
            Err(LicenceRefusal::NoFreeLicence)
        );
        assert_eq!(
            check_assign(&services, &boxes, Some(10)),
            Err(LicenceRefusal::AlreadyLicensed)
        );
        assert_eq!(
            check_assign(&services, &boxes, Some(99)),
            Err(LicenceRefusal::NotTheAccounts)
        );
        assert_eq!(
            check_assign(&services, &boxes, None),
            Err(LicenceRefusal::NotTheAccounts)
        );
    }
}
