//! Auto-renew and the per-service renewal settings (Odnawianie usług on Płatności).

use crate::helpers::{TestApp, spawn_app};
use panel::billing::auto_renew::{Report, Settings, run_once};
use panel::domain::{Document, DocumentKind, Line, Money, Role, Service};
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";
/// A demo domain of the abonent expiring in 5 days; its plan (Domena .pl, 49,00 zł net a year)
/// offers 12, 24 and 36 months.
const DOMAIN: &str = "przykladowa-firma.pl";

impl TestApp {
    fn run_auto_renew(&self) -> Report {
        let settings = Settings {
            days_before: 14,
            base_url: self.state.base_url.clone(),
        };
        let report = run_once(&self.state.store, self.clock.now(), &settings).unwrap();
        // As the job loop does after a run that queued mail.
        self.state.wake_mailer();
        report
    }

    fn service(&self, owner: &str, id: u64) -> Service {
        self.state
            .store
            .service_of_account(self.account_id(owner), id)
            .unwrap()
            .unwrap()
    }

    fn set_auto_renew(&self, owner: &str, id: u64, on: bool, months: u32) {
        let saved = self
            .state
            .store
            .set_renewal_settings(self.account_id(owner), id, on, months)
            .unwrap();
        assert!(matches!(saved, panel::store::SettingsOutcome::Saved(_)));
    }

    /// Puts `zl` złoty on the prepaid balance: a 1,00 zł order proforma overpaid by the operator.
    fn top_up(&self, owner: &str, zl: i64) {
        let line = Line {
            description: "Doładowanie".into(),
            service_id: None,
            quantity: 1,
            unit_net: Money(100),
            vat_percent: 0,
            period_months: 1,
        };
        let now = self.clock.now();
        let store = &self.state.store;
        let proforma = store
            .issue_proforma(
                self.account_id(owner),
                vec![line],
                jiff::civil::date(2030, 1, 1),
                now,
            )
            .unwrap();
        let compose = |account: &panel::domain::Account, invoice: panel::store::Receipt<'_>| {
            panel::mail::receipt_message("http://127.0.0.1", account, invoice)
        };
        store
            .record_payment(
                &proforma.number,
                Some(Money::zl(zl) + Money(100)),
                None,
                now,
                &compose,
            )
            .unwrap();
    }

    /// Queued e-mails whose subject mentions `number`.
    fn mail_about(&self, number: &str) -> usize {
        let messages = self.state.store.outbox_messages(1000).unwrap();
        messages
            .iter()
            .filter(|m| m.subject.contains(number))
            .count()
    }

    fn renewal_documents(&self, owner: &str, service_id: u64) -> Vec<Document> {
        self.documents_of(owner)
            .into_iter()
            .filter(|d| d.renews_service == Some(service_id))
            .collect()
    }

    async fn save_renewal(&self, service_id: u64, auto: &str, months: &str) -> reqwest::Response {
        let token = self.csrf().await;
        self.post_form(
            &format!("/uslugi/{service_id}/odnawianie"),
            &[("auto", auto), ("okres", months), ("csrf_token", &token)],
        )
        .await
    }

    async fn platnosci(&self) -> String {
        let response = self.get("/platnosci").await;
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    }
}

/// The row of the service in Odnawianie usług.
fn row_of(page: &str, service_id: u64) -> &str {
    let start = page
        .find(&format!("<tr id=\"odnawianie-{service_id}\""))
        .expect("the service has a row");
    let end = page[start..].find("</tr>").unwrap() + start;
    &page[start..end]
}

#[tokio::test]
async fn auto_renew_pays_the_chosen_period_from_the_balance_and_sends_one_receipt() {
    let app = spawn_app().await;
    // Logging in first lets the job loop's own first run (at start) finish.
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, DOMAIN);
    let before = app.service(ABONENT, id).expires_on;
    app.top_up(ABONENT, 500);
    let balance = app.state.store.balance_of(app.account_id(ABONENT)).unwrap();
    app.set_auto_renew(ABONENT, id, true, 24);

    let report = app.run_auto_renew();

    assert_eq!((report.paid, report.emailed), (1, 0), "{report:?}");
    let renewal = app.renewal_documents(ABONENT, id);
    let invoice = renewal
        .iter()
        .find(|d| d.kind == DocumentKind::VatInvoice)
        .expect("a VAT invoice for the renewal");
    assert!(invoice.number.starts_with("FV/"));
    // 24 months at twice the yearly 49,00 zł: 98,00 zł net, 120,54 zł gross.
    assert_eq!(invoice.total_net(), Money(9800));
    assert_eq!(invoice.total_gross(), Money(12_054));
    assert_eq!(
        app.service(ABONENT, id).expires_on,
        before.checked_add(jiff::Span::new().months(24)).unwrap()
    );
    assert_eq!(
        app.state.store.balance_of(app.account_id(ABONENT)).unwrap(),
        balance - Money(12_054)
    );
    assert_eq!(app.mail_about(&invoice.number), 1, "one receipt e-mail");
    app.next_mail(ABONENT, &invoice.number).await;
}

#[tokio::test]
async fn auto_renew_without_enough_balance_issues_and_e_mails_one_proforma() {
    let app = spawn_app().await;
    app.log_in("inny@example.com").await;
    let id = app.service_id("inny@example.com", "wisniewski.pl");
    app.set_auto_renew("inny@example.com", id, true, 12);

    let report = app.run_auto_renew();

    assert_eq!((report.paid, report.emailed), (0, 1), "{report:?}");
    assert!(report.queued_mail(), "the mailer is woken for the proforma");
    let proforma = app.renewal_of("inny@example.com", id);
    assert_eq!(proforma.total_gross(), Money(6027));
    assert_eq!(app.mail_about(&proforma.number), 1, "one proforma e-mail");
    let mail = app.next_mail("inny@example.com", &proforma.number).await;
    assert!(mail.contains("do zapłaty"), "{mail}");
}

#[tokio::test]
async fn auto_renew_run_twice_the_same_day_does_nothing_the_second_time() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let paid = app.service_id(ABONENT, DOMAIN);
    let emailed = app.service_id("inny@example.com", "wisniewski.pl");
    app.top_up(ABONENT, 500);
    app.set_auto_renew(ABONENT, paid, true, 12);
    app.set_auto_renew("inny@example.com", emailed, true, 12);
    let first = app.run_auto_renew();
    assert_eq!((first.paid, first.emailed), (1, 1), "{first:?}");
    let documents = app.documents_of(ABONENT).len() + app.documents_of("inny@example.com").len();
    let mail = app.state.store.outbox_messages(1000).unwrap().len();

    let second = app.run_auto_renew();

    assert_eq!(
        second,
        Report {
            paid: 0,
            emailed: 0,
            skipped: 1,
            failed: 0
        },
        "the e-mailed proforma awaits payment; the paid service is no longer due"
    );
    assert!(first.queued_mail() && !second.queued_mail());
    assert_eq!(
        app.documents_of(ABONENT).len() + app.documents_of("inny@example.com").len(),
        documents,
        "no second proforma or invoice"
    );
    assert_eq!(
        app.state.store.outbox_messages(1000).unwrap().len(),
        mail,
        "no second e-mail"
    );
}

#[tokio::test]
async fn auto_renew_off_leaves_an_expiring_service_alone() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, DOMAIN);
    app.top_up(ABONENT, 500);
    app.set_auto_renew(ABONENT, id, false, 24);
    let before = app.service(ABONENT, id).expires_on;

    let report = app.run_auto_renew();

    assert_eq!((report.paid, report.emailed), (0, 0), "{report:?}");
    assert!(app.renewal_documents(ABONENT, id).is_empty());
    assert_eq!(app.service(ABONENT, id).expires_on, before);
}

#[tokio::test]
async fn switching_auto_renew_on_survives_a_reload_of_platnosci() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, DOMAIN);
    let page = app.platnosci().await;
    assert!(page.contains("Odnawianie usług"));
    let row = row_of(&page, id);
    assert!(
        row.contains("Wyłączone") && row.contains(">Włącz<"),
        "{row}"
    );

    let response = app.save_renewal(id, "tak", "12").await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/platnosci#odnawianie");
    let page = app.platnosci().await;
    assert!(
        page.contains("auto-odnawianie włączone"),
        "the flash says so"
    );
    let row = row_of(&page, id);
    assert!(
        row.contains("Włączone") && row.contains(">Wyłącz<"),
        "{row}"
    );
    assert!(app.service(ABONENT, id).auto_renew);
}

#[tokio::test]
async fn a_chosen_period_survives_a_reload_and_shows_its_price() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, DOMAIN);
    let row = row_of(&app.platnosci().await, id).to_string();
    assert!(
        row.contains("<option value=\"12\" selected>12 miesięcy — 60,27 zł brutto"),
        "{row}"
    );
    assert!(
        row.contains("<option value=\"24\">24 miesiące — 120,54 zł brutto"),
        "{row}"
    );
    assert!(row.contains("36 miesięcy — 180,81 zł brutto"), "{row}");

    let response = app.save_renewal(id, "nie", "36").await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let row = row_of(&app.platnosci().await, id).to_string();
    assert!(row.contains("<option value=\"36\" selected>"), "{row}");
    assert_eq!(app.service(ABONENT, id).renewal_months, Some(36));
}

#[tokio::test]
async fn a_period_the_plan_does_not_offer_gets_a_polish_error_and_stores_nothing() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, DOMAIN);

    for (auto, months, error) in [
        (
            "tak",
            "18",
            "Pakiet tej usługi nie oferuje takiego okresu. Wybierz: 12 miesięcy, 24 miesiące, 36 miesięcy.",
        ),
        ("tak", "dwa lata", "Wybierz okres odnowienia z listy."),
        (
            "może",
            "24",
            "Wybierz, czy usługa ma się odnawiać automatycznie.",
        ),
    ] {
        let response = app.save_renewal(id, auto, months).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(row_of(&page, id).contains(error), "{months}: {page}");
    }

    let service = app.service(ABONENT, id);
    assert!(!service.auto_renew);
    assert_eq!(service.renewal_months, None);
}

#[tokio::test]
async fn another_accounts_service_cannot_be_set() {
    let app = spawn_app().await;
    let id = app.service_id(ABONENT, DOMAIN);
    app.log_in("inny@example.com").await;

    let response = app.save_renewal(id, "tak", "24").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!app.service(ABONENT, id).auto_renew);
}

#[tokio::test]
async fn techniczny_may_not_change_renewal_settings_nor_see_them() {
    let app = spawn_app().await;
    let email = panel::domain::Email::parse("admin-techniczny@example.com").unwrap();
    app.state
        .store
        .add_user(
            app.account_id(ABONENT),
            &email,
            "Tomasz",
            Role::Technical,
            app.clock.now(),
        )
        .unwrap();
    app.log_in("admin-techniczny@example.com").await;
    let id = app.service_id(ABONENT, DOMAIN);

    let response = app.save_renewal(id, "tak", "24").await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(!app.service(ABONENT, id).auto_renew);
    assert_eq!(app.get("/platnosci").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn with_htmx_a_setting_swaps_only_the_services_row() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, DOMAIN);
    let token = app.csrf().await;

    let response = app
        .client
        .post(app.url(&format!("/uslugi/{id}/odnawianie")))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", token)
        .form(&[("auto", "tak"), ("okres", "24")])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(
        html.starts_with(&format!("<tr id=\"odnawianie-{id}\"")),
        "{html}"
    );
    assert!(!html.contains("<html"), "a fragment, not the whole page");
    assert!(html.contains("Włączone") && html.contains("<option value=\"24\" selected>"));
    assert!(html.contains(&format!("hx-target=\"#odnawianie-{id}\"")));
    let service = app.service(ABONENT, id);
    assert!(service.auto_renew);
    assert_eq!(service.renewal_months, Some(24));
}

#[tokio::test]
async fn the_operator_adds_a_plan_with_longer_periods_and_a_wrong_period_is_refused() {
    let app = spawn_app().await;
    let plans_before = app.state.store.plans().unwrap().len();
    for (periods, error) in [
        (
            "12,18",
            "the period 18 is not a multiple of the plan's 12 months",
        ),
        ("12,132", "a period must be 1 to 120 months, not 132"),
        ("12,dwa", "cannot read the period \"dwa\""),
    ] {
        let refused = app
            .admin(&[
                "add-plan",
                "--kind",
                "domain",
                "--name",
                "Zła",
                "--price",
                "10",
                "--periods",
                periods,
            ])
            .await;
        assert!(!refused.status.success(), "{periods}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(error), "{periods}: {stderr}");
    }
    assert_eq!(app.state.store.plans().unwrap().len(), plans_before);

    app.admin_ok(&[
        "add-plan",
        "--kind",
        "domain",
        "--name",
        "Domena .eu",
        "--price",
        "39,00",
        "--periods",
        "12,24,36",
    ])
    .await;

    let plans = app.admin_ok(&["plans"]).await;
    let line = plans.lines().find(|l| l.contains("Domena .eu")).unwrap();
    assert!(
        line.contains("periods 12 miesięcy, 24 miesiące, 36 miesięcy"),
        "{line}"
    );
    let plan = app.state.store.plans().unwrap().into_iter().last().unwrap();
    assert_eq!(plan.offered_periods(), vec![12, 24, 36]);
    assert_eq!(plan.price_for(36), Some(Money::zl(117)));
}

#[tokio::test]
async fn odnow_bills_the_period_chosen_on_platnosci_and_the_service_page_says_so() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, DOMAIN);
    let response = app.save_renewal(id, "nie", "24").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let page = app
        .get(&format!("/uslugi/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<strong>120,54 zł</strong> brutto / 24 miesiące"),
        "{page}"
    );
    assert_eq!(app.renew_htmx(id).await.status(), StatusCode::OK);

    let proforma = app.renewal_of(ABONENT, id);
    assert_eq!(proforma.total_gross(), Money(12_054));
    assert_eq!(proforma.lines[0].period_months, 24);
}
