//! Services an account holds, and their lifecycle.

use super::time::{add_days, days_between};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Renewal opens this many days before expiry, and the Pulpit starts warning.
pub const RENEWAL_WINDOW_DAYS: i64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceKind {
    Domain,
    Hosting,
    /// A mail plan: mailboxes on the host's mail server, without a web hosting.
    Email,
    Ssl,
    Cloud,
    WebsiteBuilder,
    OpenXchange,
    /// A service the panel lists but does not manage (a dedicated server…): the host's previous
    /// panel does.
    Other,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 8] = [
        ServiceKind::Domain,
        ServiceKind::Hosting,
        ServiceKind::Email,
        ServiceKind::Ssl,
        ServiceKind::Cloud,
        ServiceKind::WebsiteBuilder,
        ServiceKind::OpenXchange,
        ServiceKind::Other,
    ];

    /// The kind's name on the operator's command line.
    pub fn cli_name(self) -> &'static str {
        match self {
            ServiceKind::Domain => "domain",
            ServiceKind::Hosting => "hosting",
            ServiceKind::Email => "email",
            ServiceKind::Ssl => "ssl",
            ServiceKind::Cloud => "cloud",
            ServiceKind::WebsiteBuilder => "kreator-www",
            ServiceKind::OpenXchange => "open-xchange",
            ServiceKind::Other => "inne",
        }
    }

    pub fn from_cli_name(name: &str) -> Option<ServiceKind> {
        ServiceKind::ALL
            .into_iter()
            .find(|k| k.cli_name() == name.trim().to_lowercase())
    }

    pub fn cli_names() -> String {
        ServiceKind::ALL.map(ServiceKind::cli_name).join(", ")
    }

    pub fn label(self) -> &'static str {
        match self {
            ServiceKind::Domain => "Domena",
            ServiceKind::Hosting => "Hosting",
            ServiceKind::Email => "Poczta e-mail",
            ServiceKind::Ssl => "Certyfikat SSL",
            ServiceKind::Cloud => "Serwer w chmurze",
            ServiceKind::WebsiteBuilder => "Kreator WWW",
            ServiceKind::OpenXchange => "Open-Xchange",
            ServiceKind::Other => "Inna usługa",
        }
    }

    pub fn section_title(self) -> &'static str {
        match self {
            ServiceKind::Domain => "Domeny",
            ServiceKind::Hosting => "Hosting",
            ServiceKind::Email => "Skrzynki e-mail",
            ServiceKind::Ssl => "Certyfikaty SSL",
            ServiceKind::Cloud => "Serwery w chmurze",
            ServiceKind::WebsiteBuilder => "Kreator WWW",
            ServiceKind::OpenXchange => "Open-Xchange",
            ServiceKind::Other => "Więcej usług",
        }
    }

    pub fn section_path(self) -> &'static str {
        match self {
            ServiceKind::Domain => "/domeny",
            ServiceKind::Hosting => "/hosting",
            ServiceKind::Email => "/skrzynki",
            ServiceKind::Ssl => "/ssl",
            ServiceKind::Cloud => "/cloud",
            ServiceKind::WebsiteBuilder => "/kreator-www",
            ServiceKind::OpenXchange => "/open-xchange",
            ServiceKind::Other => "/wiecej-uslug",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceDetails {
    #[default]
    None,
    Domain {
        nameservers: Vec<String>,
    },
    Hosting {
        disk_quota_mb: u64,
        disk_used_mb: u64,
        mailbox_limit: u32,
        domains: Vec<String>,
        #[serde(default = "super::hosting::default_php_version")]
        php_version: String,
    },
    Ssl {
        /// The domain (ASCII) the certificate is for.
        common_name: String,
        /// The issued chain (certificates only, leaf first, PEM); `None` until issued.
        #[serde(default)]
        chain: Option<String>,
        /// The leaf certificate's notBefore and notAfter.
        #[serde(default)]
        valid_from: Option<Timestamp>,
        #[serde(default)]
        valid_to: Option<Timestamp>,
    },
    Cloud {
        vcpu: u32,
        ram_gb: u32,
        disk_gb: u32,
        ipv4: String,
        running: bool,
    },
    WebsiteBuilder {
        /// The site's id in the host's website builder (the editor's `{site}`).
        site: String,
        /// The account's domain it is published on (ASCII); empty: none chosen yet.
        #[serde(default)]
        domain: String,
        #[serde(default)]
        published: bool,
        #[serde(default)]
        published_at: Option<Timestamp>,
    },
    OpenXchange {
        licences: u32,
        /// The mailboxes holding one of the licences.
        #[serde(default)]
        holders: Vec<super::open_xchange::LicenceHolder>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lifecycle {
    /// Ordered, waiting for the first payment.
    Pending,
    /// Paid at least once; what the customer sees then follows from the expiry date.
    Live,
    /// Expired past its grace period: the lifecycle job suspended it; a renewal brings it back.
    Suspended,
    Deleted,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Service {
    pub id: u64,
    pub account_id: u64,
    pub kind: ServiceKind,
    /// What the customer recognises it by: the domain name, the server's name.
    pub name: String,
    pub plan_id: u64,
    pub lifecycle: Lifecycle,
    /// The last day the service is paid for.
    pub expires_on: Date,
    #[serde(default)]
    pub auto_renew: bool,
    /// The period the customer chose for renewals, in months; `None`: the plan's period.
    #[serde(default)]
    pub renewal_months: Option<u32>,
    #[serde(default)]
    pub details: ServiceDetails,
    pub created_at: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceStatus {
    Pending,
    Active,
    Expiring { days_left: i64 },
    Expired { days_ago: i64 },
    Suspended,
    Deleted,
}

impl ServiceStatus {
    pub fn label(self) -> &'static str {
        match self {
            ServiceStatus::Pending => "Oczekuje na płatność",
            ServiceStatus::Active => "Aktywna",
            ServiceStatus::Expiring { .. } => "Wygasa",
            ServiceStatus::Expired { .. } => "Wygasła",
            ServiceStatus::Suspended => "Zawieszona",
            ServiceStatus::Deleted => "Usunięta",
        }
    }

    /// A CSS modifier the views use for the status badge.
    pub fn tone(self) -> &'static str {
        match self {
            ServiceStatus::Active => "ok",
            ServiceStatus::Pending | ServiceStatus::Expiring { .. } => "warning",
            ServiceStatus::Expired { .. } | ServiceStatus::Suspended => "danger",
            ServiceStatus::Deleted => "muted",
        }
    }
}

impl Service {
    pub fn status(&self, today: Date) -> ServiceStatus {
        match self.lifecycle {
            Lifecycle::Pending => return ServiceStatus::Pending,
            Lifecycle::Deleted => return ServiceStatus::Deleted,
            Lifecycle::Suspended => return ServiceStatus::Suspended,
            Lifecycle::Live => {}
        }
        // Past expiry a live service is in its grace period until the lifecycle job suspends it
        // (the grace period is a setting per kind, so the date alone cannot tell).
        let days_left = days_between(today, self.expires_on);
        if days_left > RENEWAL_WINDOW_DAYS {
            ServiceStatus::Active
        } else if days_left >= 0 {
            ServiceStatus::Expiring { days_left }
        } else {
            ServiceStatus::Expired {
                days_ago: -days_left,
            }
        }
    }

    /// The first day on which Odnów is accepted.
    pub fn renewal_opens_on(&self) -> Date {
        add_days(self.expires_on, -RENEWAL_WINDOW_DAYS)
    }

    /// Whether the auto-renew job acts on the service today: auto-renew on, paid for at least once,
    /// expiring within `days_before` days or expired but still in its grace period (a suspended
    /// service is renewed by the customer alone, not charged automatically).
    pub fn auto_renew_due(&self, today: Date, days_before: i64) -> bool {
        self.auto_renew
            && days_between(today, self.expires_on) <= days_before
            && matches!(
                self.status(today),
                ServiceStatus::Expiring { .. } | ServiceStatus::Expired { .. }
            )
    }

    pub fn may_be_renewed(&self, today: Date) -> bool {
        matches!(
            self.status(today),
            ServiceStatus::Expiring { .. }
                | ServiceStatus::Expired { .. }
                | ServiceStatus::Suspended
        )
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Mailbox {
    pub id: u64,
    pub account_id: u64,
    pub hosting_service_id: u64,
    pub address: String,
    pub quota_mb: u64,
    pub used_mb: u64,
    /// The password as an argon2id PHC string; the password itself is never stored.
    #[serde(default)]
    pub password_hash: Option<String>,
}

impl Mailbox {
    pub fn used_percent(&self) -> u64 {
        (self.used_mb * 100).checked_div(self.quota_mb).unwrap_or(0)
    }

    pub fn nearly_full(&self) -> bool {
        self.used_percent() >= 90
    }
}

#[cfg(test)]
impl Service {
    /// A paid-up domain `domena{id}.pl` of account 1: the fixture of the domain's unit tests.
    pub(crate) fn live_domain_for_tests(id: u64, expires_on: Date) -> Service {
        Service {
            id,
            account_id: 1,
            kind: ServiceKind::Domain,
            name: format!("domena{id}.pl"),
            plan_id: 1,
            lifecycle: Lifecycle::Live,
            expires_on,
            auto_renew: false,
            renewal_months: None,
            details: ServiceDetails::None,
            created_at: Timestamp::UNIX_EPOCH,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn domain_expiring(expires_on: Date) -> Service {
        Service::live_domain_for_tests(1, expires_on)
    }

    #[test]
    fn status_follows_the_expiry_date() {
        let today = date(2026, 11, 25);
        assert_eq!(
            domain_expiring(date(2027, 1, 1)).status(today),
            ServiceStatus::Active
        );
        assert_eq!(
            domain_expiring(date(2026, 11, 30)).status(today),
            ServiceStatus::Expiring { days_left: 5 }
        );
        assert_eq!(
            domain_expiring(date(2026, 11, 25)).status(today),
            ServiceStatus::Expiring { days_left: 0 }
        );
        assert_eq!(
            domain_expiring(date(2026, 11, 15)).status(today),
            ServiceStatus::Expired { days_ago: 10 }
        );
        assert_eq!(
            domain_expiring(date(2026, 9, 1)).status(today),
            ServiceStatus::Expired { days_ago: 85 },
            "in grace until the lifecycle job suspends it (grace is a setting per kind)"
        );
        let suspended = Service {
            lifecycle: Lifecycle::Suspended,
            ..domain_expiring(date(2026, 9, 1))
        };
        assert_eq!(suspended.status(today), ServiceStatus::Suspended);
    }

    #[test]
    fn auto_renew_acts_within_its_days_before_expiry_and_during_grace() {
        let today = date(2026, 11, 25);
        let due = |expires_on, auto_renew, lifecycle| {
            Service {
                auto_renew,
                lifecycle,
                ..domain_expiring(expires_on)
            }
            .auto_renew_due(today, 14)
        };
        assert!(
            due(date(2026, 12, 9), true, Lifecycle::Live),
            "14 days left"
        );
        assert!(
            !due(date(2026, 12, 10), true, Lifecycle::Live),
            "15 days left"
        );
        assert!(due(date(2026, 11, 20), true, Lifecycle::Live), "in grace");
        assert!(
            !due(date(2026, 9, 1), true, Lifecycle::Suspended),
            "suspended"
        );
        assert!(!due(date(2026, 12, 1), false, Lifecycle::Live), "off");
        assert!(!due(date(2026, 12, 1), true, Lifecycle::Pending));
        assert!(!due(date(2026, 12, 1), true, Lifecycle::Deleted));
    }

    #[test]
    fn renewal_opens_thirty_days_before_expiry() {
        let service = domain_expiring(date(2026, 12, 31));
        assert!(!service.may_be_renewed(date(2026, 11, 30)));
        assert!(service.may_be_renewed(date(2026, 12, 1)));
        assert_eq!(service.renewal_opens_on(), date(2026, 12, 1));
    }
}
