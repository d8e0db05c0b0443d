//! Hosting servers: the PHP versions a customer may choose, attaching and detaching the
//! account's domains, and why such a change is refused. No I/O here.

use super::service::Lifecycle;
use super::{Service, ServiceDetails, ServiceKind};

/// The PHP versions a server may run, oldest first.
pub const PHP_VERSIONS: [&str; 4] = ["8.1", "8.2", "8.3", "8.4"];

/// The PHP version of a server stored before the version was recorded.
pub fn default_php_version() -> String {
    "8.3".into()
}

/// `value` as one of the offered PHP versions.
pub fn parse_php_version(value: &str) -> Option<&'static str> {
    PHP_VERSIONS.into_iter().find(|v| *v == value.trim())
}

/// Why a change of a hosting server is refused, in Polish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostingRefusal {
    NotLive,
    UnknownVersion,
    SameVersion,
    NotOwned,
    AttachedHere,
    AttachedElsewhere,
    NotAttached,
}

impl HostingRefusal {
    pub fn message(self) -> &'static str {
        match self {
            HostingRefusal::NotLive => {
                "Serwer jest nieaktywny (zawieszony albo nieopłacony): najpierw go odnów."
            }
            HostingRefusal::UnknownVersion => "Wybierz wersję PHP z listy: 8.1, 8.2, 8.3 albo 8.4.",
            HostingRefusal::SameVersion => "Serwer już używa tej wersji PHP.",
            HostingRefusal::NotOwned => "Wybierz domenę z Twojego konta.",
            HostingRefusal::AttachedHere => "Ta domena jest już podpięta do tego serwera.",
            HostingRefusal::AttachedElsewhere => "Ta domena jest podpięta do innego serwera.",
            HostingRefusal::NotAttached => "Ta domena nie jest podpięta do tego serwera.",
        }
    }
}

fn live(server: &Service) -> Result<(), HostingRefusal> {
    if server.lifecycle != Lifecycle::Live || server.kind != ServiceKind::Hosting {
        return Err(HostingRefusal::NotLive);
    }
    Ok(())
}

fn domains_of(server: &Service) -> &[String] {
    match &server.details {
        ServiceDetails::Hosting { domains, .. } => domains,
        _ => &[],
    }
}

/// Whether `server` may switch to PHP `version`.
pub fn check_php(server: &Service, version: &str) -> Result<&'static str, HostingRefusal> {
    live(server)?;
    let version = parse_php_version(version).ok_or(HostingRefusal::UnknownVersion)?;
    match &server.details {
        ServiceDetails::Hosting { php_version, .. } if php_version == version => {
            Err(HostingRefusal::SameVersion)
        }
        _ => Ok(version),
    }
}

/// Whether `domain` may be attached to `server`, given the account's services (its Domain
/// services are what it owns; its other servers may already hold the domain).
pub fn check_attach(
    server: &Service,
    account_services: &[Service],
    domain: &str,
) -> Result<(), HostingRefusal> {
    live(server)?;
    let domain = domain.trim();
    if !account_services
        .iter()
        .any(|s| s.kind == ServiceKind::Domain && s.name == domain)
    {
        return Err(HostingRefusal::NotOwned);
    }
    if domains_of(server).iter().any(|d| d == domain) {
        return Err(HostingRefusal::AttachedHere);
    }
    let elsewhere = account_services
        .iter()
        .filter(|s| s.id != server.id)
        .any(|s| domains_of(s).iter().any(|d| d == domain));
    if elsewhere {
        return Err(HostingRefusal::AttachedElsewhere);
    }
    Ok(())
}

/// Whether `domain` may be detached from `server`.
pub fn check_detach(server: &Service, domain: &str) -> Result<(), HostingRefusal> {
    live(server)?;
    if !domains_of(server).iter().any(|d| d == domain.trim()) {
        return Err(HostingRefusal::NotAttached);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn service(id: u64, kind: ServiceKind, name: &str, details: ServiceDetails) -> Service {
        Service {
            id,
            account_id: 1,
            kind,
            name: name.into(),
            plan_id: 1,
            lifecycle: Lifecycle::Live,
            expires_on: jiff::civil::date(2030, 1, 1),
            auto_renew: false,
            renewal_months: None,
            details,
            created_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn server(id: u64, domains: &[&str]) -> Service {
        let details = ServiceDetails::Hosting {
            disk_quota_mb: 1000,
            disk_used_mb: 10,
            mailbox_limit: 5,
            domains: domains.iter().map(|d| (*d).to_string()).collect(),
            php_version: "8.3".into(),
        };
        service(id, ServiceKind::Hosting, "www", details)
    }

    #[test]
    fn only_an_offered_and_different_php_version_is_accepted() {
        let www = server(1, &[]);
        assert_eq!(check_php(&www, "8.4"), Ok("8.4"));
        assert_eq!(check_php(&www, "7.4"), Err(HostingRefusal::UnknownVersion));
        assert_eq!(check_php(&www, "8.3"), Err(HostingRefusal::SameVersion));
        let mut suspended = server(1, &[]);
        suspended.lifecycle = Lifecycle::Suspended;
        assert_eq!(check_php(&suspended, "8.4"), Err(HostingRefusal::NotLive));
    }

    #[test]
    fn a_domain_is_attached_only_if_owned_and_not_on_a_server_yet() {
        let owned = service(5, ServiceKind::Domain, "a.pl", ServiceDetails::None);
        let other = service(6, ServiceKind::Domain, "b.pl", ServiceDetails::None);
        let www = server(1, &["b.pl"]);
        let second = server(2, &[]);
        let all = [owned, other, www.clone(), second.clone()];
        assert_eq!(check_attach(&www, &all, "a.pl"), Ok(()));
        assert_eq!(
            check_attach(&www, &all, "c.pl"),
            Err(HostingRefusal::NotOwned)
        );
        assert_eq!(
            check_attach(&www, &all, "b.pl"),
            Err(HostingRefusal::AttachedHere)
        );
        assert_eq!(
            check_attach(&second, &all, "b.pl"),
            Err(HostingRefusal::AttachedElsewhere)
        );
        assert_eq!(check_detach(&www, "b.pl"), Ok(()));
        assert_eq!(check_detach(&www, "a.pl"), Err(HostingRefusal::NotAttached));
    }
}
