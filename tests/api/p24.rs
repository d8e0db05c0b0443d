//! Zapłać online through the stand-in Przelewy24: the whole path, forged and repeated
//! notifications, verify failing, the return page, the operator's commands, the start-up check.

use crate::helpers::{TestApp, location, spawn_app};
use crate::p24_gateway::{CRC, Gateway, spawn_with_gateway, token_in};
use panel::domain::online_payment::OnlineState;
use panel::domain::{Document, DocumentKind, Money};
use reqwest::StatusCode;
use std::time::Duration;

pub(crate) const ABONENT: &str = "abonent@example.com";

/// Odnów on Przykładowa Firma's domain: its renewal proforma (the customer must be logged in).
pub(crate) async fn renewal(app: &TestApp) -> Document {
    let service = app.service_id(ABONENT, "przykladowa-firma.pl");
    assert_eq!(app.renew_htmx(service).await.status(), StatusCode::OK);
    app.renewal_of(ABONENT, service)
}

pub(crate) fn invoices_for(app: &TestApp, proforma: u64) -> usize {
    app.documents_of(ABONENT)
        .iter()
        .filter(|d| d.kind == DocumentKind::VatInvoice && d.proforma_id == Some(proforma))
        .count()
}

pub(crate) fn is_paid(app: &TestApp, proforma: u64) -> bool {
    app.documents_of(ABONENT)
        .iter()
        .any(|d| d.id == proforma && !d.is_unpaid())
}

/// Presses Zapłać online; the 303's target.
pub(crate) async fn zaplac_online(app: &TestApp, proforma: u64) -> String {
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &format!("/faktury/{proforma}/zaplac-online"),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(&response)
}

/// Pays `proforma` online from start to end: Zapłać online, the gateway's payment, and the wait
/// until the panel has applied it; the VAT invoice it issued.
pub(crate) async fn pay_online(app: &TestApp, gateway: &Gateway, proforma: u64) -> Document {
    let token = token_in(&zaplac_online(app, proforma).await);
    assert_eq!(gateway.pay(&token).await, 200);
    assert!(eventually(|| is_paid(app, proforma)).await);
    app.documents_of(ABONENT)
        .into_iter()
        .find(|d| d.kind == DocumentKind::VatInvoice && d.proforma_id == Some(proforma))
        .expect("the VAT invoice of the paid proforma")
}

/// Waits (up to 10 s) until `done` holds.
pub(crate) async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..100 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    done()
}

pub(crate) fn state_of(app: &TestApp, session: &str) -> OnlineState {
    app.state
        .store
        .online_payment(session)
        .unwrap()
        .unwrap()
        .state
}

#[tokio::test]
async fn zaplac_online_pays_the_proforma_once_the_gateway_notifies_and_the_return_page_says_zaplacono()
 {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    let service = proforma.renews_service.unwrap();
    let account = app.account_id(ABONENT);
    let expires = app
        .state
        .store
        .service_of_account(account, service)
        .unwrap()
        .unwrap()
        .expires_on;
    let page = app
        .get(&format!("/faktury/{}/zaplac", proforma.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Zapłać online"));
    assert!(
        app.pulpit()
            .await
            .contains(&format!("box-usluga-{service}"))
    );

    let to = zaplac_online(&app, proforma.id).await;
    let token = token_in(&to);
    assert_eq!(to, format!("{}/trnRequest/{token}", gateway.url));
    let registered = gateway.by_token(&token);
    assert_eq!(
        registered.description,
        format!("Proforma {}", proforma.number)
    );
    assert_eq!(registered.amount, proforma.total_gross().0);
    assert_eq!(registered.currency, "PLN");
    let session = registered.session_id.clone();
    assert_eq!(
        state_of(&app, &session),
        OnlineState::Registered,
        "stored before the redirect"
    );
    let back = registered
        .url_return
        .strip_prefix(&app.base)
        .unwrap()
        .to_string();
    let waiting = app.get(&back).await.text().await.unwrap();
    assert!(waiting.contains("Płatność w toku") && waiting.contains("every 2s"));
    assert!(
        waiting.contains("Odśwież"),
        "a refresh link without JavaScript"
    );

    assert_eq!(gateway.pay(&token).await, 200);
    let mut shown = String::new();
    for _ in 0..50 {
        shown = app.get_htmx(&back).await.text().await.unwrap();
        if shown.contains("Zapłacono — dziękujemy") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(shown.contains("Zapłacono — dziękujemy"), "{shown}");
    assert!(!shown.contains("hx-trigger"), "polling stops once paid");
    assert_eq!(gateway.verified(), vec![session.clone()]);
    assert_eq!(invoices_for(&app, proforma.id), 1);
    let invoice = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.proforma_id == Some(proforma.id))
        .unwrap();
    assert!(
        shown.contains(&format!("/faktury/{}", invoice.id)),
        "a link to the invoice"
    );
    let extended = app
        .state
        .store
        .service_of_account(account, service)
        .unwrap()
        .unwrap()
        .expires_on;
    assert!(extended > expires, "the service is extended");
    assert!(
        !app.pulpit()
            .await
            .contains(&format!("box-usluga-{service}")),
        "the box is gone"
    );
    let listed = app.admin_ok(&["payments"]).await;
    assert!(
        listed.contains("applied")
            && listed.contains(&session)
            && listed.contains(&proforma.number),
        "{listed}"
    );
}

#[tokio::test]
async fn a_top_up_paid_online_raises_the_balance_with_a_payment_confirmation() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let account = app.account_id(ABONENT);
    let before = app.state.store.balance_of(account).unwrap();
    let key = panel::random::token();
    let top_up = app
        .state
        .store
        .issue_top_up(account, Money::zl(150), &key, app.clock.now())
        .unwrap();
    let page = app
        .get(&format!("/faktury/{}/zaplac", top_up.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Zapłać online"));
    let token = token_in(&zaplac_online(&app, top_up.id).await);
    let registered = gateway.by_token(&token);
    assert_eq!(
        registered.description,
        format!("Doładowanie salda, proforma {}", top_up.number)
    );
    assert_eq!(registered.amount, 15_000);
    assert_eq!(gateway.pay(&token).await, 200);
    assert!(eventually(|| is_paid(&app, top_up.id)).await);
    assert_eq!(
        app.state.store.balance_of(account).unwrap(),
        before.checked_add(Money::zl(150)).unwrap()
    );
    let confirmations = app
        .documents_of(ABONENT)
        .into_iter()
        .filter(|d| d.kind == DocumentKind::PaymentConfirmation && d.proforma_id == Some(top_up.id))
        .count();
    assert_eq!(confirmations, 1);
}

#[tokio::test]
async fn without_przelewy24_settings_there_is_no_online_button_and_the_form_is_404() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    let page = app
        .get(&format!("/faktury/{}/zaplac", proforma.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Zapłać online"));
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &format!("/faktury/{}/zaplac-online", proforma.id),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn coming_back_without_a_notification_leaves_the_proforma_unpaid_and_payable_again() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    let first = gateway.by_token(&token_in(&zaplac_online(&app, proforma.id).await));
    let back = first
        .url_return
        .strip_prefix(&app.base)
        .unwrap()
        .to_string();
    for _ in 0..3 {
        let page = app.get(&back).await.text().await.unwrap();
        assert!(page.contains("Płatność w toku"));
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(!is_paid(&app, proforma.id));
    let page = app
        .get(&format!("/faktury/{}/zaplac", proforma.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Zapłać online"), "still payable");
    let second = gateway.by_token(&token_in(&zaplac_online(&app, proforma.id).await));
    assert_ne!(first.session_id, second.session_id, "a new session");

    app.clock.advance(jiff::SignedDuration::from_mins(20));
    let page = app.get(&back).await.text().await.unwrap();
    assert!(page.contains("Sesja płatności wygasła"), "{page}");
    assert!(page.contains(&format!("/faktury/{}/zaplac", proforma.id)));
}

#[tokio::test]
async fn reconcile_applies_a_payment_whose_notification_never_came() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    let token = token_in(&zaplac_online(&app, proforma.id).await);
    let other = token_in(&zaplac_online(&app, proforma.id).await);
    gateway.mark_paid(&token);
    let listed = app.admin_ok(&["payments"]).await;
    assert_eq!(listed.matches("registered").count(), 2, "{listed}");
    let answer = app.admin_ok(&["payments", "reconcile"]).await;
    let session = gateway.by_token(&token).session_id;
    // The operator reads which VAT invoice the payment produced, not only that it was applied.
    assert!(
        answer.contains(&format!("{session}  applied: paid: FV/")),
        "{answer}"
    );
    assert!(
        answer.contains(&format!(
            "{}  not paid",
            gateway.by_token(&other).session_id
        )),
        "{answer}"
    );
    assert!(is_paid(&app, proforma.id));
    assert_eq!(invoices_for(&app, proforma.id), 1);
    assert_eq!(gateway.verified(), vec![session]);

    // Once its session has expired, a payment the gateway never saw paid is given up.
    let unpaid = gateway.by_token(&other).session_id;
    app.clock.advance(jiff::SignedDuration::from_mins(20));
    let answer = app.admin_ok(&["payments", "reconcile"]).await;
    assert!(
        answer.contains(&format!("{unpaid}  not paid; the session expired")),
        "{answer}"
    );
    assert!(
        matches!(state_of(&app, &unpaid), OnlineState::Failed { .. }),
        "{:?}",
        state_of(&app, &unpaid)
    );
    let page = app
        .get(&format!("/platnosci/online/{unpaid}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Płatność nie została zakończona") && !page.contains("every 2s"),
        "a given-up payment stops waiting: {page}"
    );
}

#[tokio::test]
async fn another_accounts_return_page_is_404() {
    let (app, _gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    let to = zaplac_online(&app, proforma.id).await;
    let session = _gateway.by_token(&token_in(&to)).session_id;
    app.log_in("inny@example.com").await;
    let response = app.get(&format!("/platnosci/online/{session}")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_gateway_that_cannot_register_sends_the_customer_back_with_a_polish_message() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    gateway.inner.lock().unwrap().fail_register = true;
    let to = zaplac_online(&app, proforma.id).await;
    assert_eq!(to, format!("/faktury/{}/zaplac", proforma.id));
    let page = app.get(&to).await.text().await.unwrap();
    assert!(
        page.contains("Płatność online jest chwilowo niedostępna"),
        "{page}"
    );
    assert_eq!(
        app.state.store.online_payments().unwrap().len(),
        0,
        "nothing stored"
    );
}

async fn start_panel(gateway: &Gateway, api_key: &str, extra: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .args(["--p24-url", &gateway.url, "--p24-api-key", api_key])
        .args(extra)
        .env("PANEL_P24_CRC", CRC)
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(Duration::from_secs(20), child)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_start_with_a_wrong_api_key_or_a_partial_set_is_refused_naming_the_setting() {
    let gateway = Gateway::start().await;
    let ids = ["--p24-merchant-id", "100200", "--p24-pos-id", "100201"];
    let wrong = start_panel(&gateway, "zly-klucz", &ids).await;
    assert!(!wrong.status.success());
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("PANEL_P24_API_KEY"), "{stderr}");
    let partial = start_panel(&gateway, "zly-klucz", &ids[..2]).await;
    assert!(!partial.status.success());
    let stderr = String::from_utf8_lossy(&partial.stderr);
    assert!(
        stderr.contains("missing: --p24-pos-id / PANEL_P24_POS_ID"),
        "{stderr}"
    );
}

#[tokio::test]
async fn zaplac_online_on_a_proforma_already_paid_leads_to_its_invoice_and_registers_nothing() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    let invoice = pay_online(&app, &gateway, proforma.id).await;

    // A second tab still shows the button.
    let to = zaplac_online(&app, proforma.id).await;
    assert_eq!(to, format!("/faktury/{}", invoice.id));
    let page = app.get(&to).await.text().await.unwrap();
    assert!(page.contains("Ta proforma jest już opłacona."), "{page}");
    assert_eq!(gateway.inner.lock().unwrap().registered.len(), 1);
    assert_eq!(app.state.store.online_payments().unwrap().len(), 1);
}
