//! Demo data for `--demo` on an empty database: two customers with services in every state the
//! Pulpit shows, so a newcomer sees a realistic panel at once.

use crate::domain::account::Address;
use crate::domain::billing::{DEFAULT_VAT_PERCENT, Line};
use crate::domain::service::Lifecycle;
use crate::domain::time::{add_days, today};
use crate::domain::{Email, Mailbox, Money, Plan, Role, Service, ServiceDetails, ServiceKind};
use crate::store::{NewAccount, Result, Store};
use jiff::Timestamp;

fn plan(kind: ServiceKind, name: &str, zl: i64, months: u32) -> Plan {
    Plan {
        id: 0,
        kind,
        name: name.to_string(),
        price_net: Money::zl(zl),
        vat_percent: DEFAULT_VAT_PERCENT,
        period_months: months,
    }
}

fn email(address: &str) -> Result<Email> {
    Email::parse(address).map_err(|e| crate::store::StoreError::Conflict(e.to_string()))
}

struct Seeder<'a> {
    store: &'a Store,
    now: Timestamp,
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
            details,
            created_at: self.now,
        })
    }
}

/// Seeds the demo accounts when the database is empty; returns whether it did.
pub fn seed_if_empty(store: &Store, now: Timestamp, base_url: &str) -> Result<bool> {
    if !store.is_empty()? {
        return Ok(false);
    }
    // First, so a seeding cut short still counts as the demo's own database.
    store.mark_seeded_by_demo()?;
    let plans = [
        plan(ServiceKind::Domain, "Domena .pl", 49, 12),
        plan(ServiceKind::Domain, "Domena .com", 59, 12),
        plan(ServiceKind::Hosting, "Hosting Pro", 399, 12),
        plan(ServiceKind::Ssl, "Certyfikat SSL DV", 79, 12),
        plan(ServiceKind::Cloud, "Cloud Server S", 59, 1),
        plan(ServiceKind::WebsiteBuilder, "Kreator WWW Biznes", 149, 12),
        plan(ServiceKind::OpenXchange, "Open-Xchange (licencja)", 9, 1),
    ]
    .into_iter()
    .map(|p| store.add_plan(p))
    .collect::<Result<Vec<_>>>()?;
    let [domain_pl, domain_com, hosting, ssl, cloud, builder, ox] = &plans[..] else {
        return Ok(false);
    };
    let seed = Seeder { store, now };

    let (firma, _) = store.create_account(
        NewAccount {
            name: "Przykładowa Firma sp. z o.o.".into(),
            nip: Some("5260250274".into()),
            address: Address {
                street: "ul. Przykładowa 12".into(),
                postal_code: "00-950".into(),
                city: "Warszawa".into(),
            },
            owner_email: email("abonent@example.com")?,
            owner_name: "Anna Nowak".into(),
            phone: "+48 22 123 45 67".into(),
        },
        now,
    )?;
    store.add_user(
        firma.id,
        &email("ksiegowosc@example.com")?,
        "Jan Kowalski",
        Role::Accounting,
        now,
    )?;
    let ns = || ServiceDetails::Domain {
        nameservers: vec!["ns1.example.net".into(), "ns2.example.net".into()],
    };
    seed.service(firma.id, domain_pl, "przykladowa-firma.pl", 5, ns())?;
    seed.service(firma.id, domain_com, "przykladowa-firma.com", -10, ns())?;
    seed.service(firma.id, domain_pl, "sklep-przykladowy.pl", 200, ns())?;
    let server = seed.service(
        firma.id,
        hosting,
        "Serwer WWW 1",
        120,
        ServiceDetails::Hosting {
            disk_quota_mb: 20_480,
            disk_used_mb: 7_340,
            mailbox_limit: 50,
            domains: vec!["przykladowa-firma.pl".into(), "sklep-przykladowy.pl".into()],
        },
    )?;
    for (address, quota, used) in [
        ("biuro@przykladowa-firma.pl", 2048, 1987),
        ("anna.nowak@przykladowa-firma.pl", 4096, 1200),
        ("faktury@przykladowa-firma.pl", 1024, 130),
    ] {
        store.add_mailbox(Mailbox {
            id: 0,
            account_id: firma.id,
            hosting_service_id: server.id,
            address: address.into(),
            quota_mb: quota,
            used_mb: used,
        })?;
    }
    seed.service(
        firma.id,
        ssl,
        "przykladowa-firma.pl",
        20,
        ServiceDetails::Ssl {
            common_name: "przykladowa-firma.pl".into(),
        },
    )?;
    seed.service(
        firma.id,
        cloud,
        "cloud-1",
        60,
        ServiceDetails::Cloud {
            vcpu: 2,
            ram_gb: 4,
            disk_gb: 80,
            ipv4: "192.0.2.45".into(),
            running: true,
        },
    )?;
    seed.service(
        firma.id,
        builder,
        "Strona firmowa",
        300,
        ServiceDetails::WebsiteBuilder {
            site: "przykladowa-firma.pl".into(),
        },
    )?;
    seed.service(
        firma.id,
        ox,
        "Open-Xchange",
        90,
        ServiceDetails::OpenXchange { licences: 5 },
    )?;

    // History: two paid invoices, one unpaid and overdue order proforma.
    let order_line = |description: &str, plan: &Plan| Line {
        description: description.to_string(),
        service_id: None,
        quantity: 1,
        unit_net: plan.price_net,
        vat_percent: plan.vat_percent,
        period_months: plan.period_months,
    };
    let receipt = |account: &crate::domain::Account, invoice: &crate::domain::Document| {
        crate::mail::payment_received_message(base_url, account, invoice)
    };
    let earlier = now - jiff::SignedDuration::from_hours(24 * 40);
    for (description, plan) in [
        ("Hosting Pro — 12 miesięcy", hosting),
        ("Certyfikat SSL DV — 12 miesięcy", ssl),
    ] {
        let proforma = store.issue_proforma(
            firma.id,
            vec![order_line(description, plan)],
            add_days(today(earlier), 7),
            earlier,
        )?;
        store.record_payment(&proforma.number, None, None, earlier, &receipt)?;
    }
    store.issue_proforma(
        firma.id,
        vec![order_line(
            "Domena .com — rejestracja sklep-przykladowy.com",
            domain_com,
        )],
        add_days(today(now), -3),
        now - jiff::SignedDuration::from_hours(24 * 10),
    )?;

    let (inny, _) = store.create_account(
        NewAccount {
            name: "Piotr Wiśniewski".into(),
            nip: None,
            address: Address {
                street: "ul. Długa 5".into(),
                postal_code: "31-147".into(),
                city: "Kraków".into(),
            },
            owner_email: email("inny@example.com")?,
            owner_name: "Piotr Wiśniewski".into(),
            phone: String::new(),
        },
        now,
    )?;
    seed.service(inny.id, domain_pl, "wisniewski.pl", 12, ns())?;
    seed.service(
        inny.id,
        hosting,
        "Serwer WWW wisniewski",
        150,
        ServiceDetails::Hosting {
            disk_quota_mb: 10_240,
            disk_used_mb: 800,
            mailbox_limit: 10,
            domains: vec!["wisniewski.pl".into()],
        },
    )?;
    Ok(true)
}
