//! Demo data for `--demo` on an empty database: two customers with services in every state the
//! Pulpit shows, so a newcomer sees a realistic panel at once.

use crate::domain::account::Address;
use crate::domain::billing::{DEFAULT_VAT_PERCENT, Line};
use crate::domain::service::Lifecycle;
use crate::domain::time::{add_days, today};
use crate::domain::{Email, Mailbox, Money, Plan, Role, Service, ServiceDetails, ServiceKind};
use crate::store::{NewAccount, Result, Store};
use jiff::Timestamp;

/// The demo certificate's chain: self-signed for przykladowa-firma.pl (its own dates are not shown).
const DEMO_CERTIFICATE: &str = include_str!("demo_certificate.pem");

fn plan(kind: ServiceKind, name: &str, zl: i64, months: u32, periods: &[u32]) -> Plan {
    Plan {
        id: 0,
        kind,
        name: name.to_string(),
        price_net: Money::zl(zl),
        vat_percent: DEFAULT_VAT_PERCENT,
        period_months: months,
        periods: periods.to_vec(),
        prices: vec![],
        hidden: false,
    }
}

fn email(address: &str) -> Result<Email> {
    Email::parse(address).map_err(|e| crate::store::StoreError::Conflict(e.to_string()))
}

/// The plans both demo customers buy from.
struct Catalogue {
    domain_pl: Plan,
    domain_com: Plan,
    hosting: Plan,
    ssl: Plan,
    cloud: Plan,
    builder: Plan,
    open_xchange: Plan,
    other: Plan,
}

impl Catalogue {
    fn seed(store: &Store) -> Result<Catalogue> {
        let add = |kind, name: &str, zl, months, periods: &[u32]| {
            store.add_plan(plan(kind, name, zl, months, periods))
        };
        use ServiceKind::*;
        let catalogue = Catalogue {
            domain_pl: add(Domain, "Domena .pl", 49, 12, &[24, 36])?,
            domain_com: add(Domain, "Domena .com", 59, 12, &[24, 36])?,
            hosting: add(Hosting, "Hosting Pro", 399, 12, &[24])?,
            ssl: add(Ssl, "Certyfikat SSL DV", 79, 12, &[24])?,
            cloud: add(Cloud, "Serwer w chmurze S", 59, 1, &[3, 12])?,
            builder: add(WebsiteBuilder, "Kreator WWW Biznes", 149, 12, &[])?,
            open_xchange: add(OpenXchange, "Open-Xchange (licencja)", 9, 1, &[12])?,
            // Plans are added in this order (ids as before the "other" kind existed).
            other: {
                // Offered in the shop only: no demo service is on it.
                add(Email, "Poczta Biznes (10 skrzynek)", 99, 12, &[24])?;
                // Managed in the host's previous panel: renewed here, not sold in the shop.
                let other = add(Other, "Serwer dedykowany", 499, 1, &[12])?;
                store.set_plan_hidden(other.id, true)?;
                other
            },
        };
        Ok(catalogue)
    }
}

struct Seeder<'a> {
    store: &'a Store,
    now: Timestamp,
    plans: Catalogue,
}

fn nameservers() -> ServiceDetails {
    ServiceDetails::Domain {
        nameservers: vec!["ns1.example.net".into(), "ns2.example.net".into()],
    }
}

/// The zone of the demo's shop domain: a site, its www alias, mail at the host, SPF.
fn shop_records() -> Vec<crate::domain::dns::DnsRecord> {
    use crate::domain::dns::{DEFAULT_TTL, DnsRecord, Hostname, RecordData};
    let host = |name: &str| Hostname::parse(name).ok();
    let mut data = vec![
        RecordData::A {
            address: [192, 0, 2, 80].into(),
        },
        RecordData::Txt {
            strings: vec!["v=spf1 include:example.net -all".into()],
        },
    ];
    data.extend(host("mx.example.net").map(|host| RecordData::Mx { priority: 10, host }));
    let mut records: Vec<DnsRecord> = data
        .into_iter()
        .map(|data| DnsRecord {
            id: 0,
            name: "@".into(),
            ttl: DEFAULT_TTL,
            data,
        })
        .collect();
    records.extend(host("sklep-przykladowy.pl").map(|target| DnsRecord {
        id: 0,
        name: "www".into(),
        ttl: DEFAULT_TTL,
        data: RecordData::Cname { target },
    }));
    records
}

/// Seeds the demo accounts when the database is empty; returns whether it did.
pub fn seed_if_empty(store: &Store, now: Timestamp, base_url: &str) -> Result<bool> {
    if !store.is_empty()? {
        return Ok(false);
    }
    // First, so a seeding cut short still counts as the demo's own database.
    store.mark_seeded_by_demo()?;
    let plans = Catalogue::seed(store)?;
    let seed = Seeder { store, now, plans };
    seed.company(base_url)?;
    seed.private_customer()?;
    Ok(true)
}

impl Seeder<'_> {
    fn service(
        &self,
        account_id: u64,
        plan: &Plan,
        name: &str,
        expires_in_days: i64,
        details: ServiceDetails,
    ) -> Result<Service> {
        self.store.add_service(Service {
            id: 0,
            account_id,
            kind: plan.kind,
            name: name.to_string(),
            plan_id: plan.id,
            lifecycle: Lifecycle::Live,
            expires_on: add_days(today(self.now), expires_in_days),
            auto_renew: false,
            renewal_months: None,
            details,
            created_at: self.now,
        })
    }

    /// abonent@example.com: a company with an accountant, a service of every kind, and invoices.
    fn company(&self, base_url: &str) -> Result<()> {
        let (firma, owner) = self.store.create_account(
            NewAccount {
                name: "Przykładowa Firma sp. z o.o.".into(),
                nip: Some("5260250274".into()),
                address: Address {
                    street: "ul. Przykładowa 12".into(),
                    postal_code: "00-950".into(),
                    city: "Warszawa".into(),
                    country: Default::default(),
                },
                owner_email: email("abonent@example.com")?,
                owner_name: "Anna Nowak".into(),
                phone: "+48 22 123 45 67".into(),
            },
            self.now,
        )?;
        self.store.add_user(
            firma.id,
            &email("ksiegowosc@example.com")?,
            "Jan Kowalski",
            Role::Accounting,
            self.now,
        )?;
        self.company_domains_and_hosting(firma.id)?;
        self.company_other_services(firma.id)?;
        self.company_history(firma.id, base_url)?;
        self.company_order(firma.id, owner.id, base_url)
    }

    /// Domains about to expire, expired and far off; a hosting server nearly full in one mailbox.
    fn company_domains_and_hosting(&self, account_id: u64) -> Result<()> {
        let Catalogue {
            domain_pl,
            domain_com,
            hosting,
            ..
        } = &self.plans;
        self.service(
            account_id,
            domain_pl,
            "przykladowa-firma.pl",
            5,
            nameservers(),
        )?;
        self.service(
            account_id,
            domain_com,
            "przykladowa-firma.com",
            -10,
            nameservers(),
        )?;
        let shop = self.service(
            account_id,
            domain_pl,
            "sklep-przykladowy.pl",
            200,
            nameservers(),
        )?;
        self.store.import_dns_records(shop.id, shop_records())?;
        // Far from expiry, so the auto-renew job leaves it alone while the demo is explored.
        self.store
            .set_renewal_settings(account_id, shop.id, true, 24)?;
        let server = self.service(
            account_id,
            hosting,
            "Serwer WWW 1",
            120,
            ServiceDetails::Hosting {
                disk_quota_mb: 20_480,
                disk_used_mb: 7_340,
                mailbox_limit: 50,
                domains: vec!["przykladowa-firma.pl".into(), "sklep-przykladowy.pl".into()],
                php_version: "8.2".into(),
            },
        )?;
        for (address, quota, used) in [
            ("biuro@przykladowa-firma.pl", 2048, 1987),
            ("anna.nowak@przykladowa-firma.pl", 4096, 1200),
            ("faktury@przykladowa-firma.pl", 1024, 130),
        ] {
            self.store.add_mailbox(Mailbox {
                id: 0,
                account_id,
                hosting_service_id: server.id,
                address: address.into(),
                quota_mb: quota,
                used_mb: used,
                password_hash: None,
            })?;
        }
        Ok(())
    }

    fn company_other_services(&self, account_id: u64) -> Result<()> {
        let plans = &self.plans;
        // Issued: a self-signed chain committed with the demo, so Pobierz has something to give.
        // The dates shown follow the demo's clock (a year's certificate ending with the service in
        // 20 days), not the file's, so the demo never shows it expired.
        let issued = crate::domain::ssl::parse_chain(DEMO_CERTIFICATE, "przykladowa-firma.pl")
            .map_err(|e| crate::store::StoreError::Conflict(e.to_string()))?;
        let day = jiff::SignedDuration::from_hours(24);
        let ssl = ServiceDetails::Ssl {
            common_name: "przykladowa-firma.pl".into(),
            chain: Some(issued.pem),
            valid_from: Some(self.now - day * 345),
            valid_to: Some(self.now + day * 20),
        };
        self.service(account_id, &plans.ssl, "przykladowa-firma.pl", 20, ssl)?;
        let cloud = ServiceDetails::Cloud {
            vcpu: 2,
            ram_gb: 4,
            disk_gb: 80,
            ipv4: "192.0.2.45".into(),
            running: true,
        };
        self.service(account_id, &plans.cloud, "cloud-1", 60, cloud)?;
        let site = ServiceDetails::WebsiteBuilder {
            site: "przykladowa-firma".into(),
            domain: "przykladowa-firma.pl".into(),
            published: true,
            published_at: Some(self.now - jiff::SignedDuration::from_hours(24 * 3)),
        };
        self.service(account_id, &plans.builder, "Strona firmowa", 300, site)?;
        let licences = ServiceDetails::OpenXchange {
            licences: 5,
            holders: vec![crate::domain::open_xchange::LicenceHolder {
                address: "anna.nowak@przykladowa-firma.pl".into(),
                since: self.now - jiff::SignedDuration::from_hours(24 * 30),
            }],
        };
        self.service(
            account_id,
            &plans.open_xchange,
            "Open-Xchange",
            90,
            licences,
        )?;
        self.service(
            account_id,
            &plans.other,
            "Serwer dedykowany ds-1",
            45,
            ServiceDetails::None,
        )?;
        Ok(())
    }

    /// Two paid invoices, one unpaid and overdue order proforma.
    fn company_history(&self, account_id: u64, base_url: &str) -> Result<()> {
        let (store, now, plans) = (self.store, self.now, &self.plans);
        let order_line = |description: &str, plan: &Plan| Line {
            description: description.to_string(),
            service_id: None,
            quantity: 1,
            unit_net: plan.price_net,
            vat_percent: plan.vat_percent,
            period_months: plan.period_months,
        };
        let receipt = |account: &crate::domain::Account, invoice: crate::store::Receipt<'_>| {
            crate::mail::receipt_message(base_url, account, invoice)
        };
        let earlier = now - jiff::SignedDuration::from_hours(24 * 40);
        for (description, plan) in [
            ("Hosting Pro — 12 miesięcy", &plans.hosting),
            ("Certyfikat SSL DV — 12 miesięcy", &plans.ssl),
        ] {
            let proforma = store.issue_proforma(
                account_id,
                vec![order_line(description, plan)],
                add_days(today(earlier), 7),
                earlier,
            )?;
            store.record_payment(&proforma.number, None, None, earlier, &receipt)?;
        }
        Ok(())
    }

    /// An order from the Sklep placed ten days ago and still unpaid: paying it creates the domain.
    fn company_order(&self, account_id: u64, owner_id: u64, base_url: &str) -> Result<()> {
        let placed = self.now - jiff::SignedDuration::from_hours(24 * 10);
        let name = "sklep-przykladowy.com".to_string();
        self.store
            .add_to_cart(owner_id, self.plans.domain_com.id, 12, name)?;
        let compose = |account: &crate::domain::Account, proforma: &crate::domain::Document| {
            crate::mail::order_proforma_message(base_url, account, proforma)
        };
        self.store
            .place_order(account_id, owner_id, "demo", placed, &compose)?;
        Ok(())
    }

    /// inny@example.com: a private person with one domain and its hosting, nothing owed.
    fn private_customer(&self) -> Result<()> {
        let (inny, _) = self.store.create_account(
            NewAccount {
                name: "Piotr Wiśniewski".into(),
                nip: None,
                address: Address {
                    street: "ul. Długa 5".into(),
                    postal_code: "31-147".into(),
                    city: "Kraków".into(),
                    country: Default::default(),
                },
                owner_email: email("inny@example.com")?,
                owner_name: "Piotr Wiśniewski".into(),
                phone: String::new(),
            },
            self.now,
        )?;
        let plans = &self.plans;
        self.service(
            inny.id,
            &plans.domain_pl,
            "wisniewski.pl",
            12,
            nameservers(),
        )?;
        let hosting = ServiceDetails::Hosting {
            disk_quota_mb: 10_240,
            disk_used_mb: 800,
            mailbox_limit: 10,
            domains: vec!["wisniewski.pl".into()],
            php_version: "8.3".into(),
        };
        self.service(
            inny.id,
            &plans.hosting,
            "Serwer WWW wisniewski",
            150,
            hosting,
        )?;
        Ok(())
    }
}
