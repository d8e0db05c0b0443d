//! Paying from the panel: the payment page, Zapłać z salda (plain form and htmx box), Doładuj
//! saldo with its payment confirmation, and Płatności with the balance's history.

use crate::helpers::{TestApp, csrf_of, hidden, location, log_in_elsewhere, spawn_app};
use panel::domain::ledger::EntryKind;
use panel::domain::time::{add_months, format_date};
use panel::domain::{Document, DocumentKind, DocumentStatus, Money};
use reqwest::StatusCode;
use std::time::Duration;

const ABONENT: &str = "abonent@example.com";
const INNY: &str = "inny@example.com";
const KSIEGOWOSC: &str = "ksiegowosc@example.com";
const TECH: &str = "tech@example.com";

/// The steps of paying, on the shared `TestApp`.
trait PaySteps {
    fn ledger(&self, owner: &str) -> Vec<panel::domain::ledger::LedgerEntry>;
    fn balance(&self, owner: &str) -> Money;
    /// Puts `amount` on the balance: a top-up proforma paid by `panel admin record-payment`.
    async fn top_up(&self, owner: &str, amount: &str);
    /// Odnów (htmx) on a service of `owner`; the renewal proforma.
    async fn renew(&self, owner: &str, service: &str) -> Document;
    /// Opens the payment page and presses Zapłać z salda (a plain form); the response.
    async fn pay_from_balance(&self, proforma: u64) -> reqwest::Response;
    async fn pay_with_key(&self, proforma: u64, key: &str) -> reqwest::Response;
    async fn top_up_form(&self, amount: &str, key: &str) -> reqwest::Response;
}

impl PaySteps for TestApp {
    fn ledger(&self, owner: &str) -> Vec<panel::domain::ledger::LedgerEntry> {
        let account = self.account_id(owner);
        self.state.store.ledger_of_account(account).unwrap()
    }

    fn balance(&self, owner: &str) -> Money {
        self.state.store.balance_of(self.account_id(owner)).unwrap()
    }

    async fn top_up(&self, owner: &str, amount: &str) {
        let account = self.account_id(owner);
        let key = panel::random::token();
        let money = Money::parse(amount).unwrap();
        let proforma = self
            .state
            .store
            .issue_top_up(account, money, &key, self.clock.now())
            .unwrap();
        self.admin_ok(&["record-payment", "--proforma", &proforma.number])
            .await;
    }

    async fn renew(&self, owner: &str, service: &str) -> Document {
        let id = self.service_id(owner, service);
        assert_eq!(self.renew_htmx(id).await.status(), StatusCode::OK);
        self.renewal_of(owner, id)
    }

    async fn pay_from_balance(&self, proforma: u64) -> reqwest::Response {
        let page = self.get(&format!("/faktury/{proforma}/zaplac")).await;
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await.unwrap();
        assert!(page.contains("Zapłać z salda</button>"), "offered: {page}");
        self.pay_with_key(proforma, &hidden(&page, "klucz")).await
    }

    async fn pay_with_key(&self, proforma: u64, key: &str) -> reqwest::Response {
        let token = self.csrf().await;
        self.post_form(
            &format!("/faktury/{proforma}/zaplac-z-salda"),
            &[("csrf_token", &token), ("klucz", key)],
        )
        .await
    }

    async fn top_up_form(&self, amount: &str, key: &str) -> reqwest::Response {
        let token = self.csrf().await;
        self.post_form(
            "/platnosci/doladuj",
            &[("csrf_token", &token), ("kwota", amount), ("klucz", key)],
        )
        .await
    }
}

/// Ledger entries of `kind` for one document.
fn entries_for(
    ledger: &[panel::domain::ledger::LedgerEntry],
    kind: EntryKind,
    document: u64,
) -> usize {
    ledger
        .iter()
        .filter(|e| e.kind == kind && e.document_id == Some(document))
        .count()
}

fn invoices_of(app: &TestApp, proforma: u64) -> Vec<Document> {
    app.documents_of(ABONENT)
        .into_iter()
        .filter(|d| d.kind == DocumentKind::VatInvoice && d.proforma_id == Some(proforma))
        .collect()
}

#[tokio::test]
async fn odnow_then_zaplac_z_salda_issues_the_invoice_extends_the_service_and_sends_one_receipt() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let service = app.service_id(ABONENT, "przykladowa-firma.pl");
    let account = app.account_id(ABONENT);
    let expires = app
        .state
        .store
        .service_of_account(account, service)
        .unwrap()
        .unwrap()
        .expires_on;
    let proforma = app.renew(ABONENT, "przykladowa-firma.pl").await;
    app.top_up(ABONENT, "200,00").await;

    let page = app
        .get(&format!("/faktury/{}/zaplac", proforma.id))
        .await
        .text()
        .await
        .unwrap();
    let title = format!(
        "{} {}",
        proforma.number,
        panel::domain::transfer::transfer_title(account)
    );
    assert!(page.contains(&title), "the transfer title: {title}");
    assert!(
        page.contains("PL61 1090 1014 0000 0712 1981 2874"),
        "grouped as banks print it"
    );
    assert!(
        page.contains("data-copy-text=\"61109010140000071219812874\""),
        "Kopiuj gives the 26 digits a bank form takes"
    );
    assert!(page.contains(&proforma.total_gross().to_string()));
    assert!(page.contains("data-copy-text") && page.contains("kopiuj.js"));

    let paid = app.pay_from_balance(proforma.id).await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    let invoices = invoices_of(&app, proforma.id);
    assert_eq!(invoices.len(), 1);
    let invoice = &invoices[0];
    assert_eq!(location(&paid), format!("/faktury/{}", invoice.id));
    let shown = app.get(&location(&paid)).await.text().await.unwrap();
    assert!(
        shown.contains(&format!(
            "Zapłacono z salda. Wystawiono fakturę {}.",
            invoice.number
        )),
        "the flash names the invoice"
    );
    assert!(invoice.number.starts_with("FV/"));

    let new_expiry = format_date(add_months(expires, 12));
    let service_page = app
        .get(&format!("/uslugi/{service}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        service_page.contains(&new_expiry),
        "extended to {new_expiry}"
    );
    assert_eq!(
        app.balance(ABONENT),
        Money(20_000 - proforma.total_gross().0)
    );

    app.next_mail(ABONENT, &invoice.number).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let receipts = app
        .delivered()
        .iter()
        .filter(|(_, raw)| crate::helpers::decode_qp(raw).contains(&invoice.number))
        .count();
    assert_eq!(receipts, 1, "exactly one receipt e-mail");
}

#[tokio::test]
async fn two_sessions_paying_one_proforma_at_once_make_one_invoice_and_one_ledger_entry() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let proforma = app.renew(ABONENT, "przykladowa-firma.pl").await;
    app.top_up(ABONENT, "500,00").await;
    let other = log_in_elsewhere(&app, ABONENT).await;

    let page = app
        .get(&format!("/faktury/{}/zaplac", proforma.id))
        .await
        .text()
        .await
        .unwrap();
    let other_page = other
        .get(app.url(&format!("/faktury/{}/zaplac", proforma.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (key, other_key) = (hidden(&page, "klucz"), hidden(&other_page, "klucz"));
    assert_ne!(key, other_key, "each render has its own key");
    let other_token = csrf_of(&other_page);
    let path = format!("/faktury/{}/zaplac-z-salda", proforma.id);
    let (first, second) = tokio::join!(
        app.pay_with_key(proforma.id, &key),
        other
            .post(app.url(&path))
            .form(&[("csrf_token", other_token.as_str()), ("klucz", &other_key)])
            .send()
    );
    let second = second.unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    let invoices = invoices_of(&app, proforma.id);
    assert_eq!(invoices.len(), 1, "one invoice");
    let to = format!("/faktury/{}", invoices[0].id);
    assert_eq!((location(&first), location(&second)), (to.clone(), to));
    let ledger = app.ledger(ABONENT);
    assert_eq!(
        entries_for(&ledger, EntryKind::Payment, proforma.id),
        1,
        "one ledger entry"
    );
    assert_eq!(
        app.balance(ABONENT),
        Money(50_000 - proforma.total_gross().0)
    );
}

#[tokio::test]
async fn two_proformas_paid_from_the_balance_at_once_get_consecutive_invoice_numbers() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let first = app.renew(ABONENT, "przykladowa-firma.pl").await;
    let second = app.renew(ABONENT, "przykladowa-firma.com").await;
    app.top_up(ABONENT, "1000,00").await;
    let (a, b) = tokio::join!(
        app.pay_from_balance(first.id),
        app.pay_from_balance(second.id)
    );
    assert_eq!(a.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.status(), StatusCode::SEE_OTHER);
    let mut numbers: Vec<String> = [first.id, second.id]
        .iter()
        .map(|id| invoices_of(&app, *id)[0].number.clone())
        .collect();
    numbers.sort();
    let sequence = |n: &str| n.rsplit('/').next().unwrap().parse::<u32>().unwrap();
    assert_eq!(
        sequence(&numbers[1]),
        sequence(&numbers[0]) + 1,
        "{numbers:?}"
    );
    // No gap in this month's series: its numbers are 1, 2, … n.
    let series = numbers[0].rsplit_once('/').unwrap().0.to_string();
    let mut in_series: Vec<u32> = app
        .documents_of(ABONENT)
        .iter()
        .filter(|d| d.number.starts_with(&format!("{series}/")))
        .map(|d| sequence(&d.number))
        .collect();
    in_series.sort_unstable();
    assert_eq!(in_series, (1..=in_series.len() as u32).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_top_up_proforma_paid_by_record_payment_raises_the_balance_and_lists_a_payment_confirmation()
 {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let page = app.get("/platnosci").await.text().await.unwrap();
    assert!(page.contains("Doładuj saldo") && page.contains("id=\"doladuj\""));
    let created = app.top_up_form("250,50", &panel::random::token()).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let proforma = app
        .proformas_of(ABONENT)
        .into_iter()
        .find(|d| d.top_up)
        .expect("a top-up proforma");
    assert_eq!(
        location(&created),
        format!("/faktury/{}/zaplac", proforma.id)
    );
    assert_eq!(proforma.total_gross(), Money(25_050));
    assert_eq!(
        proforma.total_vat(),
        Money::ZERO,
        "a prepayment, no VAT yet"
    );
    let payment_page = app.get(&location(&created)).await.text().await.unwrap();
    assert!(payment_page.contains("250,50 zł") && payment_page.contains(&proforma.number));
    assert!(
        !payment_page.contains("Zapłać z salda"),
        "a top-up is not paid from the balance"
    );
    // Not even by a crafted form.
    let refused = app.pay_with_key(proforma.id, &panel::random::token()).await;
    assert_eq!(location(&refused), format!("/faktury/{}", proforma.id));
    assert!(
        app.proformas_of(ABONENT)
            .iter()
            .any(|d| d.id == proforma.id && d.is_unpaid())
    );

    let before = app.balance(ABONENT);
    let said = app
        .admin_ok(&["record-payment", "--proforma", &proforma.number])
        .await;
    assert!(said.contains("PW/"), "{said}");
    assert_eq!(app.balance(ABONENT), Money(before.0 + 25_050));
    let ledger = app.ledger(ABONENT);
    assert_eq!(ledger[0].kind, EntryKind::TopUp);
    assert_eq!(ledger[0].amount, Money(25_050));

    let confirmation = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.kind == DocumentKind::PaymentConfirmation)
        .expect("a payment confirmation");
    assert!(confirmation.number.starts_with("PW/"));
    assert_eq!(confirmation.proforma_id, Some(proforma.id));
    assert!(
        invoices_of(&app, proforma.id).is_empty(),
        "no VAT invoice for a top-up"
    );
    let paid = app.documents_of(ABONENT);
    let paid = paid.iter().find(|d| d.id == proforma.id).unwrap();
    assert!(matches!(
        paid.status,
        DocumentStatus::Paid { invoice_id, .. } if invoice_id == confirmation.id
    ));

    let platnosci = app.get("/platnosci").await.text().await.unwrap();
    assert!(platnosci.contains("Doładowanie salda"));
    assert!(platnosci.contains("+250,50 zł"), "the signed amount");
    assert!(
        platnosci.contains(&format!(
            "<a href=\"/faktury/{}\">{}</a>",
            confirmation.id, confirmation.number
        )),
        "the balance's history links the confirmation"
    );
    assert_eq!(ledger[0].document_id, Some(confirmation.id));
    let faktury = app.get("/faktury").await.text().await.unwrap();
    assert!(faktury.contains(&confirmation.number) && faktury.contains("Potwierdzenie wpłaty"));
    let mail = app.next_mail(ABONENT, &confirmation.number).await;
    assert!(mail.contains("zasiliła saldo"), "{mail}");
}

#[tokio::test]
async fn another_accounts_payment_page_and_zaplac_z_salda_are_404() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let foreign = app.renew(ABONENT, "przykladowa-firma.pl").await;
    app.top_up(ABONENT, "500,00").await;
    app.top_up(INNY, "500,00").await;
    app.log_in(INNY).await;
    for path in [
        format!("/faktury/{}/zaplac", foreign.id),
        "/faktury/999999/zaplac".into(),
        "/faktury/abc/zaplac".into(),
    ] {
        assert_eq!(
            app.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let key = panel::random::token();
    let paid = app.pay_with_key(foreign.id, &key).await;
    assert_eq!(paid.status(), StatusCode::NOT_FOUND);
    assert!(invoices_of(&app, foreign.id).is_empty());
    assert_eq!(app.balance(INNY), Money(50_000), "nothing taken");
    assert_eq!(app.balance(ABONENT), Money(50_000), "nothing taken");
}

#[tokio::test]
async fn ksiegowosc_may_pay_from_the_balance_and_techniczny_gets_403() {
    let app = spawn_app().await;
    app.add_user(ABONENT, TECH, "technical").await;
    app.log_in(KSIEGOWOSC).await;
    let proforma = app.renew(ABONENT, "przykladowa-firma.pl").await;
    let other = app.renew(ABONENT, "przykladowa-firma.com").await;
    app.top_up(ABONENT, "500,00").await;

    app.log_in(TECH).await;
    let page = app.get(&format!("/faktury/{}/zaplac", other.id)).await;
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let paid = app.pay_with_key(other.id, &panel::random::token()).await;
    assert_eq!(paid.status(), StatusCode::FORBIDDEN);
    let top_up = app.top_up_form("100", &panel::random::token()).await;
    assert_eq!(top_up.status(), StatusCode::FORBIDDEN);
    assert!(invoices_of(&app, other.id).is_empty());
    assert!(
        !app.proformas_of(ABONENT)
            .iter()
            .any(|d| d.top_up && d.is_unpaid())
    );

    app.log_in(KSIEGOWOSC).await;
    let paid = app.pay_from_balance(proforma.id).await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER, "Księgowość may pay");
    assert_eq!(invoices_of(&app, proforma.id).len(), 1);
}

#[tokio::test]
async fn bad_top_up_amounts_get_polish_errors_keep_the_typed_value_and_store_nothing() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let before = app.documents_of(ABONENT).len();
    for (typed, message) in [
        ("12,345", "najwyżej dwoma miejscami po przecinku"),
        ("0", "większa od zera"),
        ("-5", "najwyżej dwoma miejscami po przecinku"),
        ("abc", "najwyżej dwoma miejscami po przecinku"),
        ("", "Podaj kwotę doładowania"),
        ("100 000,01", "najwyżej o 100 000,00 zł"),
    ] {
        let response = app.top_up_form(typed, &panel::random::token()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{typed:?}"
        );
        let page = response.text().await.unwrap();
        assert!(page.contains(message), "{typed:?}: {message}");
        assert!(page.contains("id=\"kwota-blad\""), "next to the field");
        assert!(
            page.contains(&format!("value=\"{typed}\"")),
            "{typed:?} is kept"
        );
    }
    assert_eq!(
        app.documents_of(ABONENT).len(),
        before,
        "no proforma stored"
    );
}

#[tokio::test]
async fn a_replayed_form_gets_the_same_result_and_charges_once() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let key = panel::random::token();
    let first = app.top_up_form("300", &key).await;
    let again = app.top_up_form("300", &key).await;
    assert_eq!(
        location(&first),
        location(&again),
        "the same top-up proforma"
    );
    let top_ups = app
        .proformas_of(ABONENT)
        .into_iter()
        .filter(|d| d.top_up)
        .count();
    assert_eq!(top_ups, 1);

    let proforma = app.renew(ABONENT, "przykladowa-firma.pl").await;
    let page = app
        .get(&format!("/faktury/{}/zaplac", proforma.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("za mało") && page.contains("Doładuj saldo"));
    let short = app.pay_with_key(proforma.id, &panel::random::token()).await;
    assert_eq!(location(&short), format!("/faktury/{}/zaplac", proforma.id));
    let back = app.get(&location(&short)).await.text().await.unwrap();
    assert!(back.contains("nie wystarcza"), "a Polish message");
    assert!(invoices_of(&app, proforma.id).is_empty());

    app.top_up(ABONENT, "300,00").await;
    let page = app
        .get(&format!("/faktury/{}/zaplac", proforma.id))
        .await
        .text()
        .await
        .unwrap();
    let key = hidden(&page, "klucz");
    let first = app.pay_with_key(proforma.id, &key).await;
    let retried = app.pay_with_key(proforma.id, &key).await;
    assert_eq!(location(&first), location(&retried), "the same redirect");
    let flash = app.get(&location(&retried)).await.text().await.unwrap();
    assert!(flash.contains("Zapłacono z salda. Wystawiono fakturę FV/"));
    assert_eq!(invoices_of(&app, proforma.id).len(), 1);
    assert_eq!(
        entries_for(&app.ledger(ABONENT), EntryKind::Payment, proforma.id),
        1
    );
    assert_eq!(
        app.balance(ABONENT),
        Money(30_000 - proforma.total_gross().0),
        "charged once"
    );
}

#[tokio::test]
async fn zaplac_z_salda_in_a_pulpit_box_swaps_the_box_stan_platnosci_and_the_faktury_module() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let proforma = app.renew(ABONENT, "przykladowa-firma.pl").await;
    let pulpit = app.pulpit().await;
    assert!(
        !pulpit.contains("Zapłać z salda"),
        "not offered while the balance is empty"
    );
    app.top_up(ABONENT, "500,00").await;
    let region = app.notifications().await;
    let service = app.service_id(ABONENT, "przykladowa-firma.pl");
    assert!(region.contains(&format!(
        "hx-post=\"/faktury/{}/zaplac-z-salda\"",
        proforma.id
    )));
    assert!(region.contains(&format!("hx-target=\"#box-usluga-{service}\"")));
    let key = hidden(&region, "klucz");

    let token = app.csrf().await;
    let response = app
        .client
        .post(app.url(&format!("/faktury/{}/zaplac-z-salda", proforma.id)))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", token)
        .form(&[("klucz", key.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let fragment = response.text().await.unwrap();
    let invoice = &invoices_of(&app, proforma.id)[0];
    assert!(fragment.contains(&format!("Wystawiono fakturę {}", invoice.number)));
    assert!(!fragment.contains("box-usluga"), "the box is gone");
    assert!(
        fragment.contains("id=\"stan-platnosci\"") && fragment.contains("id=\"faktury-modul\"")
    );
    assert_eq!(fragment.matches("hx-swap-oob=\"true\"").count(), 2);
    let balance = app.balance(ABONENT);
    assert!(
        fragment.contains(&balance.to_string()),
        "the new balance {balance}"
    );
    let due: Money = app
        .documents_of(ABONENT)
        .iter()
        .filter(|d| d.is_unpaid())
        .map(|d| d.total_gross())
        .sum();
    assert!(fragment.contains(&format!("id=\"do-zaplaty\">{due}<")));
    assert!(fragment.contains(&format!("id=\"naleznosci\">{due}<")));
}

#[tokio::test]
async fn a_transfer_too_small_for_its_proforma_is_kept_on_the_balance_and_the_customer_is_told() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let proforma = app.renew(ABONENT, "przykladowa-firma.pl").await;
    let before = app.balance(ABONENT);
    app.admin_ok(&[
        "record-payment",
        "--proforma",
        &proforma.number,
        "--amount",
        "10,00",
    ])
    .await;
    assert_eq!(app.balance(ABONENT), Money(before.0 + 1000));
    let mail = app.next_mail(ABONENT, "Otrzymaliśmy wpłatę 10,00 zł").await;
    assert!(
        mail.contains(&proforma.number),
        "names the proforma: {mail}"
    );
    assert!(mail.contains("saldzie przedpłat"), "{mail}");
    assert!(
        mail.contains(&format!("wynosi teraz {}", Money(before.0 + 1000))),
        "{mail}"
    );
}

#[tokio::test]
async fn the_payment_page_copies_bank_ready_values_refuses_a_forged_key_and_leads_a_paid_proforma_to_its_invoice()
 {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let proforma = app.renew(ABONENT, "przykladowa-firma.pl").await;
    let total = proforma.total_gross();
    let page = app.get(&format!("/faktury/{}/zaplac", proforma.id)).await;
    let page = page.text().await.unwrap();
    let plain = format!("{},{:02}", total.0 / 100, total.0 % 100);
    assert!(
        page.contains(&format!("data-copy-text=\"{plain}\"")),
        "Kopiuj gives the amount as a bank form takes it ({plain}): {page}"
    );

    app.top_up(ABONENT, "500").await;
    let before = app.balance(ABONENT);
    for forged in ["", "abc", "not a key at all, with spaces!!"] {
        let response = app.pay_with_key(proforma.id, forged).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            location(&response),
            format!("/faktury/{}/zaplac", proforma.id)
        );
    }
    assert_eq!(
        app.balance(ABONENT),
        before,
        "a form the panel did not render pays nothing"
    );
    assert!(invoices_of(&app, proforma.id).is_empty());

    let paid = app.pay_from_balance(proforma.id).await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    let invoice = &invoices_of(&app, proforma.id)[0];
    let again = app.get(&format!("/faktury/{}/zaplac", proforma.id)).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&again), format!("/faktury/{}", invoice.id));
}
