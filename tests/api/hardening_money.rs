//! Money from the operator's side and the billing pages, held by tests that fail when they break:
//! payments keyed by (reference, proforma), retries without a reference, amount and period limits,
//! document numbers, account scoping of documents, the Techniczny role, renewal of an expired
//! service and per-line VAT on the proforma page.

use crate::helpers::{TestApp, spawn_app};
use jiff::SignedDuration;
use jiff::civil::Date;
use panel::domain::time::{add_days, add_months, days_between, today};
use panel::domain::{Document, Money, Plan, ServiceKind};
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";
const INNY: &str = "inny@example.com";
const TECH: &str = "tech@example.com";

/// The billing steps these tests take, on the shared `TestApp`.
trait BillingSteps {
    fn today(&self) -> Date;
    fn balance(&self, owner: &str) -> Money;
    fn payment_count(&self, owner: &str) -> usize;
    fn document(&self, owner: &str, id: u64) -> Document;
    fn expires_on(&self, owner: &str, service_id: u64) -> Date;
    /// `panel admin add-service` for `owner` on plan `plan`, expiring `in_days` from today; its id.
    async fn add_service(&self, owner: &str, plan: u64, name: &str, in_days: i64) -> u64;
    /// `panel admin add-plan` (a domain plan); its id.
    async fn add_plan(&self, name: &str, price: &str) -> u64;
    /// Presses Odnów (htmx) on a service; the renewal proforma it leaves.
    async fn renew(&self, owner: &str, service_id: u64) -> Document;
    async fn add_technical_user(&self);
    /// Every document of every account, counted per account: (abonent's, inny's).
    fn document_counts(&self) -> (usize, usize);
}

impl BillingSteps for TestApp {
    fn today(&self) -> Date {
        today(self.clock.now())
    }

    fn balance(&self, owner: &str) -> Money {
        let overview = self.state.store.overview(self.account_id(owner)).unwrap();
        overview.balance
    }

    fn payment_count(&self, owner: &str) -> usize {
        let account = self.account_id(owner);
        self.state.store.payments_of_account(account).unwrap().len()
    }

    fn document(&self, owner: &str, id: u64) -> Document {
        let account = self.account_id(owner);
        let document = self.state.store.document_of_account(account, id);
        document.unwrap().unwrap()
    }

    fn expires_on(&self, owner: &str, service_id: u64) -> Date {
        let account = self.account_id(owner);
        let service = self.state.store.service_of_account(account, service_id);
        service.unwrap().unwrap().expires_on
    }

    async fn add_service(&self, owner: &str, plan: u64, name: &str, in_days: i64) -> u64 {
        let expires = add_days(self.today(), in_days).to_string();
        self.admin_ok(&[
            "add-service",
            "--account-of",
            owner,
            "--plan",
            &plan.to_string(),
            "--name",
            name,
            "--expires",
            &expires,
        ])
        .await;
        self.service_id(owner, name)
    }

    async fn add_plan(&self, name: &str, price: &str) -> u64 {
        let output = self
            .admin_ok(&[
                "add-plan", "--kind", "domain", "--name", name, "--price", price,
            ])
            .await;
        output.split_whitespace().nth(2).unwrap().parse().unwrap()
    }

    async fn renew(&self, owner: &str, service_id: u64) -> Document {
        assert_eq!(self.renew_htmx(service_id).await.status(), StatusCode::OK);
        self.renewal_of(owner, service_id)
    }

    async fn add_technical_user(&self) {
        self.admin_ok(&[
            "add-user",
            "--account-of",
            ABONENT,
            "--email",
            TECH,
            "--role",
            "technical",
        ])
        .await;
    }

    fn document_counts(&self) -> (usize, usize) {
        (
            self.documents_of(ABONENT).len(),
            self.documents_of(INNY).len(),
        )
    }
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn another_accounts_document_is_a_404_just_like_a_missing_one() {
    let app = spawn_app().await;
    let inny = app.account_id(INNY);
    let line = panel::domain::Line {
        description: "Domena wisniewski.pl".into(),
        service_id: None,
        quantity: 1,
        unit_net: Money(4900),
        vat_percent: 23,
        period_months: 12,
    };
    let foreign = app
        .state
        .store
        .issue_proforma(inny, vec![line], app.today(), app.clock.now())
        .unwrap();
    app.log_in(ABONENT).await;
    let own = &app.documents_of(ABONENT)[0];
    assert_eq!(
        app.get(&format!("/faktury/{}", own.id)).await.status(),
        StatusCode::OK,
        "the account's own document is shown"
    );
    let page = app.get(&format!("/faktury/{}", foreign.id)).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let missing = app.get("/faktury/999999").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let page = page.text().await.unwrap();
    assert_eq!(page, missing.text().await.unwrap(), "same as a missing one");
    assert!(!page.contains(&foreign.number) && !page.contains("Wiśniewski"));
}

#[tokio::test]
async fn odnow_on_another_accounts_service_leaves_no_proforma_anywhere() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let foreign = app.service_id(INNY, "wisniewski.pl");
    let before = app.document_counts();
    let unpaid_before = app.state.store.unpaid_proformas().unwrap().len();

    assert_eq!(
        app.renew_htmx(foreign).await.status(),
        StatusCode::NOT_FOUND
    );
    let token = app.csrf().await;
    let plain = app
        .post_form(
            &format!("/uslugi/{foreign}/odnow"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(plain.status(), StatusCode::NOT_FOUND);

    assert_eq!(
        app.document_counts(),
        before,
        "no document on either account"
    );
    assert_eq!(
        app.state.store.unpaid_proformas().unwrap().len(),
        unpaid_before,
        "no new proforma on any account"
    );
    let own = app.service_id(ABONENT, "przykladowa-firma.pl");
    app.renew(ABONENT, own).await;
    assert_eq!(
        app.document_counts(),
        (before.0 + 1, before.1),
        "the same counts see the caller's own renewal"
    );
}

#[tokio::test]
async fn document_numbers_start_at_0001_each_month_and_count_up() {
    let app = spawn_app().await;
    // Past every demo document (the latest is ten days old): a month with no documents yet.
    app.clock.advance(SignedDuration::from_hours(24 * 45));
    let month = app.today();
    let series = |kind: &str, day: Date| format!("{kind}/{:04}/{:02}", day.year(), day.month());
    app.log_in(ABONENT).await;
    let first = app.add_service(ABONENT, 1, "pierwsza.pl", 10).await;
    let second = app.add_service(ABONENT, 1, "druga.pl", 10).await;

    let pf1 = app.renew(ABONENT, first).await;
    let pf2 = app.renew(ABONENT, second).await;
    assert_eq!(pf1.number, format!("{}/0001", series("PF", month)));
    assert_eq!(pf2.number, format!("{}/0002", series("PF", month)));
    let paid = app
        .admin_ok(&["record-payment", "--proforma", &pf1.number])
        .await;
    assert!(paid.contains(&format!("issued {}/0001", series("FV", month))));
    let paid = app
        .admin_ok(&["record-payment", "--proforma", &pf2.number])
        .await;
    assert!(paid.contains(&format!("issued {}/0002", series("FV", month))));

    // The next month, at midday-ish so daylight saving cannot push it either way.
    let next_month = month
        .first_of_month()
        .checked_add(jiff::Span::new().months(1));
    let days = days_between(month, next_month.unwrap());
    app.clock
        .advance(SignedDuration::from_hours(24 * days + 12));
    let later = app.today();
    assert_ne!(later.month(), month.month());
    app.log_in(ABONENT).await;
    let third = app.add_service(ABONENT, 1, "trzecia.pl", 10).await;
    let pf3 = app.renew(ABONENT, third).await;
    assert_eq!(pf3.number, format!("{}/0001", series("PF", later)));
    let paid = app
        .admin_ok(&["record-payment", "--proforma", &pf3.number])
        .await;
    assert!(paid.contains(&format!("issued {}/0001", series("FV", later))));
    let invoices: Vec<String> = app
        .documents_of(ABONENT)
        .into_iter()
        .filter(|d| {
            d.proforma_id
                .is_some_and(|p| [pf1.id, pf2.id, pf3.id].contains(&p))
        })
        .map(|d| d.number)
        .collect();
    assert_eq!(invoices.len(), 3, "one invoice per proforma: {invoices:?}");
}

#[tokio::test]
async fn a_partial_payment_is_credited_and_the_same_reference_twice_credits_once() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, "przykladowa-firma.pl");
    let proforma = app.renew(ABONENT, id).await;
    let expires = app.expires_on(ABONENT, id);
    let balance = app.balance(ABONENT);
    let payments = app.payment_count(ABONENT);
    let pay = [
        "record-payment",
        "--proforma",
        &proforma.number,
        "--amount",
        "10,00",
        "--reference",
        "BANK-777",
    ];

    let credited = app.admin_ok(&pay).await;
    assert!(credited.contains("is not covered"), "{credited}");
    assert!(app.renewal_of(ABONENT, id).is_unpaid(), "still to pay");
    assert_eq!(app.balance(ABONENT), balance + Money(1000));
    assert_eq!(app.expires_on(ABONENT, id), expires, "not extended");

    let again = app.admin_ok(&pay).await;
    assert!(again.contains("already recorded"), "{again}");
    assert_eq!(app.balance(ABONENT), balance + Money(1000), "credited once");
    assert_eq!(app.payment_count(ABONENT), payments + 1);
}

#[tokio::test]
async fn a_reference_already_used_for_another_proforma_is_refused_and_nothing_changes() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let first_service = app.service_id(ABONENT, "przykladowa-firma.pl");
    let second_service = app.service_id(ABONENT, "przykladowa-firma.com");
    let first = app.renew(ABONENT, first_service).await;
    let second = app.renew(ABONENT, second_service).await;
    app.admin_ok(&[
        "record-payment",
        "--proforma",
        &first.number,
        "--amount",
        "20,00",
        "--reference",
        "BANK-123",
    ])
    .await;
    let balance = app.balance(ABONENT);
    let payments = app.payment_count(ABONENT);
    let expires = app.expires_on(ABONENT, second_service);

    let reused = app
        .admin(&[
            "record-payment",
            "--proforma",
            &second.number,
            "--reference",
            "BANK-123",
        ])
        .await;
    assert!(!reused.status.success(), "a conflict, not a silent drop");
    let message = stderr(&reused);
    assert!(
        message.contains("BANK-123") && message.contains(&first.number),
        "names the other proforma: {message}"
    );
    assert!(app.renewal_of(ABONENT, second_service).is_unpaid());
    assert_eq!(app.balance(ABONENT), balance);
    assert_eq!(app.payment_count(ABONENT), payments);
    assert_eq!(app.expires_on(ABONENT, second_service), expires);
}

#[tokio::test]
async fn a_retried_partial_payment_without_a_reference_asks_for_a_reference_or_confirmation() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, "przykladowa-firma.pl");
    let proforma = app.renew(ABONENT, id).await;
    let balance = app.balance(ABONENT);
    let payments = app.payment_count(ABONENT);
    let pay = [
        "record-payment",
        "--proforma",
        &proforma.number,
        "--amount",
        "5,00",
    ];
    app.admin_ok(&pay).await;
    assert_eq!(app.balance(ABONENT), balance + Money(500));

    let retried = app.admin(&pay).await;
    assert!(!retried.status.success());
    let message = stderr(&retried);
    assert!(
        message.contains("--reference") && message.contains("--duplicate"),
        "{message}"
    );
    assert_eq!(app.balance(ABONENT), balance + Money(500), "credited once");
    assert_eq!(app.payment_count(ABONENT), payments + 1);

    let confirmed = [&pay[..], &["--duplicate"]].concat();
    app.admin_ok(&confirmed).await;
    assert_eq!(
        app.balance(ABONENT),
        balance + Money(1000),
        "confirmed twice"
    );
    let other_amount = [
        "record-payment",
        "--proforma",
        &proforma.number,
        "--amount",
        "6,00",
    ];
    app.admin_ok(&other_amount).await;
    assert_eq!(app.balance(ABONENT), balance + Money(1600));
    assert_eq!(app.payment_count(ABONENT), payments + 3);
    assert!(app.renewal_of(ABONENT, id).is_unpaid());
}

#[tokio::test]
async fn the_operator_cannot_enter_absurd_amounts_or_plan_periods() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, "przykladowa-firma.pl");
    let proforma = app.renew(ABONENT, id).await;
    let balance = app.balance(ABONENT);
    let payments = app.payment_count(ABONENT);
    for amount in ["100 000 000,01", "92233720368547758,07"] {
        let huge = app
            .admin(&[
                "record-payment",
                "--proforma",
                &proforma.number,
                "--amount",
                amount,
            ])
            .await;
        assert!(!huge.status.success());
        assert!(stderr(&huge).contains("at most 100 000 000,00 zł"));
    }
    assert_eq!(app.balance(ABONENT), balance);
    assert_eq!(app.payment_count(ABONENT), payments);

    let plans_before = app.state.store.plans().unwrap().len();
    for (months, price) in [
        ("0", "10"),
        ("121", "10"),
        ("300000", "10"),
        ("12", "100000000,01"),
    ] {
        let refused = app
            .admin(&[
                "add-plan", "--kind", "domain", "--name", "Zła", "--price", price, "--months",
                months,
            ])
            .await;
        assert!(!refused.status.success(), "{months} months, {price}");
    }
    let refused = app
        .admin(&[
            "add-plan", "--kind", "domain", "--name", "Zła", "--price", "10", "--months", "121",
        ])
        .await;
    assert!(stderr(&refused).contains("1 to 120 months"));
    assert_eq!(app.state.store.plans().unwrap().len(), plans_before);
    app.admin_ok(&[
        "add-plan",
        "--kind",
        "domain",
        "--name",
        "Dekada",
        "--price",
        "100000000",
        "--months",
        "120",
    ])
    .await;
}

#[tokio::test]
async fn a_plan_stored_with_an_absurd_period_makes_odnow_answer_with_a_message_not_a_500() {
    let app = spawn_app().await;
    let plan = app
        .state
        .store
        .add_plan(Plan {
            id: 0,
            kind: ServiceKind::Domain,
            name: "Wieczna".into(),
            price_net: Money(4900),
            vat_percent: 23,
            period_months: 300_000,
            periods: vec![],
            prices: vec![],
            hidden: false,
        })
        .unwrap();
    let id = app.add_service(ABONENT, plan.id, "wieczna.pl", 5).await;
    app.log_in(ABONENT).await;
    let before = app.document_counts();

    let htmx = app.renew_htmx(id).await;
    assert_eq!(
        htmx.status(),
        StatusCode::SEE_OTHER,
        "as when renewal is not open yet"
    );
    assert_eq!(htmx.headers()["HX-Redirect"], format!("/uslugi/{id}"));
    let token = app.csrf().await;
    let plain = app
        .post_form(&format!("/uslugi/{id}/odnow"), &[("csrf_token", &token)])
        .await;
    assert_eq!(plain.status(), StatusCode::SEE_OTHER);
    assert_eq!(plain.headers()["location"], format!("/uslugi/{id}"));
    let page = app.get(&format!("/uslugi/{id}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Nie możemy teraz wystawić proformy na odnowienie tej usługi")
    );
    assert_eq!(app.document_counts(), before, "nothing issued");
    assert_eq!(app.get("/health").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_technical_role_gets_403_on_a_document() {
    let app = spawn_app().await;
    app.add_technical_user().await;
    let document = app.documents_of(ABONENT)[0].id;
    app.log_in(TECH).await;
    let response = app.get(&format!("/faktury/{document}")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("Brak uprawnień"));
}

#[tokio::test]
async fn the_technical_role_sees_that_a_renewal_awaits_payment_but_not_its_number_or_amount() {
    let app = spawn_app().await;
    app.add_technical_user().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, "przykladowa-firma.pl");
    let proforma = app.renew(ABONENT, id).await;
    let owner_page = app
        .get(&format!("/uslugi/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(owner_page.contains(&proforma.number) && owner_page.contains("60,27 zł"));

    app.log_in(TECH).await;
    let page = app.get(&format!("/uslugi/{id}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Odnowienie czeka na zapłatę."));
    assert!(!page.contains(&proforma.number), "no proforma number");
    assert!(!page.contains(" zł"), "no amounts");
    assert!(!page.contains(&format!("/faktury/{}", proforma.id)));
}

#[tokio::test]
async fn paying_the_renewal_of_an_expired_service_extends_from_the_old_expiry_by_one_period() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, "przykladowa-firma.com");
    let old_expiry = app.expires_on(ABONENT, id);
    assert!(old_expiry < app.today(), "the demo service expired");
    let proforma = app.renew(ABONENT, id).await;
    app.admin_ok(&["record-payment", "--proforma", &proforma.number])
        .await;
    let new_expiry = app.expires_on(ABONENT, id);
    assert_eq!(new_expiry, add_months(old_expiry, 12));
    assert_ne!(new_expiry, add_months(app.today(), 12), "not from today");
}

#[tokio::test]
async fn vat_is_rounded_per_line_on_the_proforma_page() {
    let app = spawn_app().await;
    let cheap = app.add_plan("Domena grosz", "0,50").await;
    let awkward = app.add_plan("Domena nierówna", "33,33").await;
    let cheap = app.add_service(ABONENT, cheap, "grosz.pl", 10).await;
    let awkward = app.add_service(ABONENT, awkward, "nierowna.pl", 10).await;
    app.log_in(ABONENT).await;
    for (service, net, vat, gross, in_words) in [
        (
            cheap,
            "0,50 zł",
            "0,12 zł",
            "0,62 zł",
            "zero złotych 62/100",
        ),
        (
            awkward,
            "33,33 zł",
            "7,67 zł",
            "41,00 zł",
            "czterdzieści jeden złotych 00/100",
        ),
    ] {
        let proforma = app.renew(ABONENT, service).await;
        let page = app
            .get(&format!("/faktury/{}", proforma.id))
            .await
            .text()
            .await
            .unwrap();
        let row = format!(
            "<td class=\"num\" data-label=\"Ilość\">1</td><td class=\"num\" data-label=\"Netto\">{net}</td><td class=\"num\" data-label=\"VAT\">{vat} (23%)</td><td class=\"num\" data-label=\"Brutto\">{gross}</td>"
        );
        assert!(page.contains(&row), "{net} net: {vat} VAT, {gross} gross");
        assert!(page.contains(&format!("data-label=\"Brutto\"><strong>{gross}</strong>")));
        assert!(
            page.contains(&format!("Słownie: {in_words}")),
            "the total in words"
        );
        assert_eq!(
            app.document(ABONENT, proforma.id).total_gross().to_string(),
            gross
        );
    }

    // Two lines of 11,5 gr VAT each: 12 + 12 gr, not 23 gr rounded once on the sum.
    let line = panel::domain::Line {
        description: "Przekierowanie domeny".into(),
        service_id: None,
        quantity: 1,
        unit_net: Money(50),
        vat_percent: 23,
        period_months: 12,
    };
    let order = app
        .state
        .store
        .issue_proforma(
            app.account_id(ABONENT),
            vec![line.clone(), line],
            app.today(),
            app.clock.now(),
        )
        .unwrap();
    let page = app
        .get(&format!("/faktury/{}", order.id))
        .await
        .text()
        .await
        .unwrap();
    let totals = "<th>Razem</th><td></td><td class=\"num\" data-label=\"Netto\">1,00 zł</td><td class=\"num\" data-label=\"VAT\">0,24 zł</td><td class=\"num\" id=\"razem\" data-label=\"Brutto\"><strong>1,24 zł</strong>";
    assert!(page.contains(totals), "VAT rounded per line, then summed");
}

#[tokio::test]
async fn paying_another_proforma_for_a_service_keeps_its_open_renewal_the_one_odnow_shows() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, "przykladowa-firma.pl");
    let renewal = app.renew(ABONENT, id).await;
    // An order that also names the service (e.g. an extra period sold by the operator).
    let line = panel::domain::Line {
        description: "Dodatkowy okres".into(),
        service_id: Some(id),
        quantity: 1,
        unit_net: Money(1000),
        vat_percent: 23,
        period_months: 1,
    };
    let order = app
        .state
        .store
        .issue_proforma(
            app.account_id(ABONENT),
            vec![line],
            app.today(),
            app.clock.now(),
        )
        .unwrap();
    app.admin_ok(&["record-payment", "--proforma", &order.number])
        .await;
    let again = app.renew(ABONENT, id).await;
    assert_eq!(again.id, renewal.id, "Odnów still shows the unpaid renewal");
    let open: Vec<_> = app
        .proformas_of(ABONENT)
        .into_iter()
        .filter(|d| d.is_unpaid() && d.renews_service == Some(id))
        .collect();
    assert_eq!(open.len(), 1, "no second renewal proforma");
}
