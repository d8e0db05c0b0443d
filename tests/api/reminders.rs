//! Expiry reminders and the service lifecycle, run by their jobs' `run_once` with the time given,
//! and the scheduler of the real binary on the demo.

use jiff::Timestamp;
use jiff::civil::{Date, date};
use panel::domain::lifecycle::Settings;
use panel::domain::service::Lifecycle;
use panel::domain::time::add_days;
use panel::domain::{
    Account, Email, Money, Plan, Role, Service, ServiceDetails, ServiceKind, ServiceStatus,
};
use panel::jobs::{lifecycle, reminders};
use panel::store::{NewAccount, Store, TaskAction, TaskState};
use std::process::Stdio;
use std::time::Duration;

const OWNER: &str = "jan@firma.pl";
const ACCOUNTANT: &str = "ksiegowa@firma.pl";
const TECHNICIAN: &str = "admin@firma.pl";
const BASE_URL: &str = "https://panel.example.com";

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    account: u64,
    service: u64,
}

fn noon(day: Date) -> Timestamp {
    day.at(12, 0, 0, 0)
        .in_tz("Europe/Warsaw")
        .unwrap()
        .timestamp()
}

/// An account (owner, accountant, technician) with a domain `firma.pl` expiring on `expires_on`.
fn fixture(expires_on: Date) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let created = noon(date(2026, 1, 1));
    let plan = store
        .add_plan(Plan {
            id: 0,
            kind: ServiceKind::Domain,
            name: "Domena .pl".into(),
            price_net: Money(4_900),
            vat_percent: 23,
            period_months: 12,
            periods: vec![],
            prices: vec![],
            hidden: false,
        })
        .unwrap();
    let (account, _) = store
        .create_account(
            NewAccount {
                name: "Firma".into(),
                nip: None,
                address: Default::default(),
                owner_email: Email::parse(OWNER).unwrap(),
                owner_name: "Jan".into(),
                phone: String::new(),
            },
            created,
        )
        .unwrap();
    for (email, role) in [
        (ACCOUNTANT, Role::Accounting),
        (TECHNICIAN, Role::Technical),
    ] {
        store
            .add_user(
                account.id,
                &Email::parse(email).unwrap(),
                "X",
                role,
                created,
            )
            .unwrap();
    }
    let service = store
        .add_service(Service {
            id: 0,
            account_id: account.id,
            kind: ServiceKind::Domain,
            name: "firma.pl".into(),
            plan_id: plan.id,
            lifecycle: Lifecycle::Live,
            expires_on,
            auto_renew: false,
            renewal_months: None,
            details: ServiceDetails::None,
            created_at: created,
        })
        .unwrap();
    Fixture {
        _dir: dir,
        store,
        account: account.id,
        service: service.id,
    }
}

impl Fixture {
    fn remind(&self, day: Date, settings: &Settings) -> reminders::Report {
        reminders::run_once(&self.store, noon(day), settings, 14, BASE_URL).unwrap()
    }

    /// The day's lifecycle steps, then the provisioning tasks they queued (built-in driver).
    fn step(&self, day: Date) -> lifecycle::Report {
        let report =
            lifecycle::run_once(&self.store, noon(day), &Settings::default(), BASE_URL).unwrap();
        panel::jobs::tasks::run_once(&self.store, &panel::provisioning::Builtin, noon(day))
            .unwrap();
        report
    }

    /// Subjects of the mail queued to `to`, oldest first.
    fn subjects_to(&self, to: &str) -> Vec<String> {
        let mut mail = self.store.outbox_messages(10_000).unwrap();
        mail.reverse();
        mail.into_iter()
            .filter(|m| m.to == to)
            .map(|m| m.subject)
            .collect()
    }

    fn service(&self) -> Service {
        self.store
            .service_of_account(self.account, self.service)
            .unwrap()
            .unwrap()
    }

    /// Odnów and the transfer for it, on `day`.
    fn renew_and_pay(&self, day: Date) {
        let compose = |account: &Account, document: &panel::domain::Document| {
            panel::mail::renewal_proforma_message(BASE_URL, account, document)
        };
        let proforma = match self
            .store
            .renew_service(self.account, self.service, noon(day), &compose)
            .unwrap()
        {
            panel::store::RenewOutcome::Created(p) | panel::store::RenewOutcome::Existing(p) => p,
            _ => panic!("the service may be renewed"),
        };
        let receipt = |account: &Account, receipt: panel::store::Receipt<'_>| {
            panel::mail::receipt_message(BASE_URL, account, receipt)
        };
        self.store
            .record_payment(&proforma.number, None, None, noon(day), &receipt)
            .unwrap();
    }
}

#[test]
fn each_reminder_goes_once_on_its_day_to_the_billing_roles_with_the_price_and_links() {
    let expires = date(2027, 1, 31);
    let f = fixture(expires);
    let settings = Settings::default();
    let mut sent_on = Vec::new();
    for offset in -40..=3 {
        let day = add_days(expires, offset);
        let before = f.subjects_to(OWNER).len();
        f.remind(day, &settings);
        f.remind(day, &settings);
        if f.subjects_to(OWNER).len() > before {
            sent_on.push(-offset);
        }
    }
    assert_eq!(sent_on, vec![30, 14, 7, 1, 0]);
    let subjects = f.subjects_to(OWNER);
    assert_eq!(subjects.len(), 5, "{subjects:?}");
    assert_eq!(subjects[0], "Domena firma.pl wygasa za 30 dni (31.01.2027)");
    assert_eq!(
        subjects[3],
        "Domena firma.pl wygasa za 1 dzień (31.01.2027)"
    );
    assert_eq!(subjects[4], "Domena firma.pl wygasa dziś (31.01.2027)");
    assert_eq!(f.subjects_to(ACCOUNTANT), subjects);
    assert!(f.subjects_to(TECHNICIAN).is_empty());
    let mail = f.store.outbox_messages(1).unwrap().remove(0);
    assert!(mail.text.contains("60,27 zł"), "{}", mail.text);
    let page = format!("{BASE_URL}/uslugi/{}", f.service);
    assert!(mail.text.contains(&page) && mail.html.contains(&page));
    assert!(mail.text.contains("Odnów"));
}

#[test]
fn with_auto_renew_on_and_a_balance_that_covers_it_the_reminder_says_when_it_will_renew() {
    let expires = date(2027, 1, 31);
    let f = fixture(expires);
    let saved = f
        .store
        .set_renewal_settings(f.account, f.service, true, 12)
        .unwrap();
    assert!(matches!(saved, panel::store::SettingsOutcome::Saved(_)));
    f.remind(add_days(expires, -30), &Settings::default());
    let uncovered = f.store.outbox_messages(1).unwrap().remove(0);
    assert!(uncovered.text.contains("Odnów ją"), "{}", uncovered.text);
    let line = panel::domain::Line {
        description: "Doładowanie".into(),
        service_id: None,
        quantity: 1,
        unit_net: Money(100),
        vat_percent: 0,
        period_months: 1,
    };
    let day = noon(add_days(expires, -20));
    let proforma = f
        .store
        .issue_proforma(f.account, vec![line], expires, day)
        .unwrap();
    let receipt = |account: &Account, receipt: panel::store::Receipt<'_>| {
        panel::mail::receipt_message(BASE_URL, account, receipt)
    };
    f.store
        .record_payment(&proforma.number, Some(Money(10_100)), None, day, &receipt)
        .unwrap();
    f.remind(add_days(expires, -14), &Settings::default());
    let covered = f.store.outbox_messages(1).unwrap().remove(0);
    assert!(covered.subject.contains("wygasa za 14 dni"));
    assert!(
        covered
            .text
            .contains("Odnowimy ją automatycznie 17.01.2027 z salda przedpłat"),
        "{}",
        covered.text
    );
}

#[test]
fn two_concurrent_runs_send_each_reminder_once() {
    let expires = date(2027, 1, 31);
    let f = fixture(expires);
    let settings = Settings::default();
    let day = add_days(expires, -7);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| f.remind(day, &settings));
        }
    });
    assert_eq!(f.subjects_to(OWNER).len(), 1);
    assert_eq!(f.subjects_to(ACCOUNTANT).len(), 1);
}

#[test]
fn after_a_three_day_outage_only_the_most_urgent_due_reminder_goes() {
    let expires = date(2027, 1, 31);
    let f = fixture(expires);
    let settings = Settings {
        reminder_days: vec![7, 5, 3, 1],
        ..Settings::default()
    };
    f.remind(add_days(expires, -8), &settings);
    assert!(f.subjects_to(OWNER).is_empty());
    let report = f.remind(add_days(expires, -4), &settings);
    assert_eq!((report.sent, report.skipped), (1, 1));
    assert_eq!(
        f.subjects_to(OWNER),
        vec!["Domena firma.pl wygasa za 4 dni (31.01.2027)"]
    );
    f.remind(add_days(expires, -4), &settings);
    assert_eq!(
        f.subjects_to(OWNER).len(),
        1,
        "the skipped one stays skipped"
    );
}

#[test]
fn a_renewal_starts_the_reminder_cycle_again_for_the_new_expiry_date() {
    let expires = date(2027, 1, 31);
    let f = fixture(expires);
    let settings = Settings::default();
    f.remind(add_days(expires, -7), &settings);
    f.renew_and_pay(add_days(expires, -6));
    assert_eq!(f.service().expires_on, date(2028, 1, 31));
    f.remind(add_days(expires, -1), &settings);
    f.remind(expires, &settings);
    let reminders = |f: &Fixture| {
        f.subjects_to(OWNER)
            .into_iter()
            .filter(|s| s.contains("wygasa"))
            .collect::<Vec<_>>()
    };
    assert_eq!(reminders(&f).len(), 1, "none for the old date");
    f.remind(date(2027, 12, 31), &settings);
    assert_eq!(
        reminders(&f).len(),
        1,
        "31 days before the new date: none yet"
    );
    f.remind(date(2028, 1, 1), &settings);
    assert_eq!(
        reminders(&f).last().map(String::as_str),
        Some("Domena firma.pl wygasa za 30 dni (31.01.2028)")
    );
}

#[test]
fn an_expired_domain_is_warned_suspended_and_deleted_on_its_days() {
    let expires = date(2027, 1, 31);
    let f = fixture(expires);
    let mut steps = Vec::new();
    for offset in 0..=62 {
        let day = add_days(expires, offset);
        let report = f.step(day);
        f.step(day);
        if report.warned + report.suspended + report.deleted > 0 {
            steps.push((offset, report.warned, report.suspended, report.deleted));
        }
        if offset == 29 {
            assert_eq!(
                f.service().status(day),
                ServiceStatus::Expired { days_ago: 29 }
            );
        }
        if offset == 30 {
            assert_eq!(f.service().lifecycle, Lifecycle::Suspended);
            assert_eq!(f.service().status(day), ServiceStatus::Suspended);
        }
    }
    assert_eq!(steps, vec![(27, 1, 0, 0), (30, 0, 1, 0), (60, 0, 0, 1)]);
    assert_eq!(f.service().lifecycle, Lifecycle::Deleted);
    let tasks = f.store.tasks_of_service(f.service).unwrap();
    let actions: Vec<_> = tasks
        .iter()
        .map(|t| (t.action.clone(), t.state.clone()))
        .collect();
    assert_eq!(
        actions,
        vec![
            (TaskAction::Suspend, TaskState::Done),
            (TaskAction::Delete, TaskState::Done)
        ]
    );
    let subjects = f.subjects_to(ACCOUNTANT);
    assert_eq!(
        subjects,
        vec![
            "Domena firma.pl zostanie zawieszona 02.03.2027",
            "Domena firma.pl została zawieszona",
            "Domena firma.pl została usunięta",
        ]
    );
}

#[test]
fn paying_a_renewal_during_grace_or_suspension_reactivates_the_service_at_once() {
    let expires = date(2027, 1, 31);
    let f = fixture(expires);
    f.renew_and_pay(add_days(expires, 10));
    assert_eq!(
        f.service().status(add_days(expires, 10)),
        ServiceStatus::Active
    );
    assert_eq!(f.step(add_days(expires, 30)).suspended, 0, "paid in grace");

    let g = fixture(expires);
    for offset in 0..=31 {
        g.step(add_days(expires, offset));
    }
    assert_eq!(g.service().lifecycle, Lifecycle::Suspended);
    g.renew_and_pay(add_days(expires, 31));
    assert_eq!(g.service().lifecycle, Lifecycle::Live);
    assert_eq!(
        g.service().status(add_days(expires, 31)),
        ServiceStatus::Active
    );
    let tasks = g.store.tasks_of_service(g.service).unwrap();
    assert_eq!(
        tasks.last().map(|t| t.action.clone()),
        Some(TaskAction::Reactivate)
    );
    assert_eq!(
        g.step(add_days(expires, 61)).deleted,
        0,
        "renewed, not deleted"
    );
}

/// Subjects of the demo's reminders in the outbox of a stopped panel's data dir.
fn demo_reminders(dir: &std::path::Path) -> Vec<String> {
    let store = Store::open(dir).unwrap();
    let mut subjects: Vec<String> = store
        .outbox_messages(10_000)
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.contains(" wygasa "))
        .map(|m| format!("{} -> {}", m.subject, m.to))
        .collect();
    subjects.sort();
    subjects
}

async fn run_demo_until(dir: &std::path::Path, done: impl Fn() -> bool) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if done() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().await.unwrap();
}

fn eml_count(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("outbox"))
        .map(|entries| entries.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn the_demo_sends_its_due_reminders_within_seconds_and_a_restart_sends_none_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let started = std::time::Instant::now();
    // The abonent's domain (5 days) and certificate (20 days) to its contact and its accountant,
    // the other customer's domain (12 days): five e-mails.
    run_demo_until(&path, || eml_count(&path) >= 5).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    let first = demo_reminders(&path);
    assert!(
        first
            .iter()
            .any(|s| s.starts_with("Domena przykladowa-firma.pl wygasa za 5 dni")),
        "{first:?}"
    );
    assert!(
        first
            .iter()
            .any(|s| s.starts_with("Certyfikat SSL przykladowa-firma.pl wygasa za 20 dni")),
        "{first:?}"
    );
    let restarted = std::time::Instant::now();
    run_demo_until(&path, || restarted.elapsed() > Duration::from_secs(3)).await;
    assert_eq!(demo_reminders(&path), first);
}

#[tokio::test]
async fn the_pulpit_and_the_service_page_show_the_next_step_with_its_date() {
    let app = crate::helpers::spawn_app().await;
    let owner = "abonent@example.com";
    app.log_in(owner).await;
    let id = app.service_id(owner, "przykladowa-firma.com");
    let service = app
        .state
        .store
        .service_of_account(app.account_id(owner), id)
        .unwrap()
        .unwrap();
    let suspend_on = panel::domain::time::format_date(add_days(service.expires_on, 30));
    let delete_on = panel::domain::time::format_date(add_days(service.expires_on, 60));
    let pulpit = app.pulpit().await;
    assert!(
        pulpit.contains(&format!("Następny krok: Zawieszenie {suspend_on}.")),
        "{pulpit}"
    );
    let page = app
        .get(&format!("/uslugi/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("Zawieszenie {suspend_on}")),
        "{page}"
    );

    app.clock.advance(jiff::SignedDuration::from_hours(24 * 21));
    let report = lifecycle::run_once(
        &app.state.store,
        app.clock.now(),
        &Settings::default(),
        BASE_URL,
    )
    .unwrap();
    assert!(report.suspended <= 1, "the scheduler may have been first");
    app.log_in(owner).await;
    let page = app
        .get(&format!("/uslugi/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Zawieszona"), "{page}");
    assert!(page.contains(&format!("Usunięcie {delete_on}")), "{page}");
    let section = app.get("/domeny").await.text().await.unwrap();
    assert!(
        section.contains(&format!("Usunięcie {delete_on}")),
        "{section}"
    );
}

/// Not a test: `BENCH_SERVICES=1000000 cargo test --test api bench_due_scan -- --ignored
/// --nocapture` fills a data dir with services expiring over two years and times one run of the
/// reminders and of the lifecycle on a day in the steady state (the services entering the renewal
/// window that day are due).
#[test]
#[ignore]
fn bench_due_scan() {
    let total: u64 = std::env::var("BENCH_SERVICES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let today = date(2027, 1, 1);
    let f = fixture(add_days(today, 400));
    let template = f.service();
    let started = std::time::Instant::now();
    let chunk = 50_000;
    for start in (0..total).step_by(chunk) {
        let services = (start..(start + chunk as u64).min(total))
            .map(|i| Service {
                name: format!("domena-{i}.pl"),
                // Two years of expiry dates, from the first one entering the window today.
                expires_on: add_days(today, 30 + (i % 730) as i64),
                auto_renew: i % 2 == 0,
                ..template.clone()
            })
            .collect();
        f.store.import_services(services).unwrap();
    }
    let filled = started.elapsed();
    let size = std::fs::metadata(f._dir.path().join("panel.redb"))
        .unwrap()
        .len();
    let scan = std::time::Instant::now();
    let due = f.store.due_services(today).unwrap().len();
    let scanned = scan.elapsed();
    let run = std::time::Instant::now();
    let sent = f.remind(today, &Settings::default());
    let reminded = run.elapsed();
    let stepped = f.step(today);
    let ran = run.elapsed();
    let again = std::time::Instant::now();
    let second = f.remind(today, &Settings::default());
    let rerun = again.elapsed();
    let renew = std::time::Instant::now();
    let candidates = f
        .store
        .auto_renew_candidates(noon(today), 14)
        .unwrap()
        .len();
    let renew_scan = renew.elapsed();
    println!(
        "{total} services: filled in {filled:?}, data file {} MB; due today {due}: index scan {scanned:?}; \
         reminders run {reminded:?}, with the lifecycle run {ran:?} ({sent:?}, {stepped:?}); the same day again {rerun:?} ({second:?}); \
         auto-renew candidates {candidates} in {renew_scan:?}",
        size / 1_000_000
    );
}
