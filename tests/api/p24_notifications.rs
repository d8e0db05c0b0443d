//! The gateway's notification: forged ones are rejected, repeated and concurrent ones pay once,
//! verify failing is retried, and one after the operator's transfer goes to the balance.

use crate::p24::{ABONENT, eventually, invoices_for, is_paid, renewal, state_of, zaplac_online};
use crate::p24_gateway::{
    CRC, MERCHANT, notification, send_notification, spawn_with_gateway, token_in,
};
use panel::domain::online_payment::OnlineState;
use reqwest::StatusCode;
use std::time::Duration;

#[tokio::test]
async fn forged_notifications_are_rejected_and_pay_nothing() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    let token = token_in(&zaplac_online(&app, proforma.id).await);
    gateway.mark_paid(&token);
    let (url, good) = gateway.notification_of(&token);
    let r = gateway.by_token(&token);

    let mut wrong_sign = good.clone();
    wrong_sign["sign"] = "0".repeat(96).into();
    let mut changed_amount = good.clone();
    changed_amount["amount"] = 1.into();
    let forged = [
        ("wrong sign", wrong_sign),
        ("amount changed after signing", changed_amount),
        (
            "signed with another CRC",
            notification(
                MERCHANT,
                &r.session_id,
                r.amount,
                "PLN",
                r.order_id,
                "zgadniety",
            ),
        ),
        (
            "correctly signed, wrong amount",
            notification(MERCHANT, &r.session_id, 100, "PLN", r.order_id, CRC),
        ),
        (
            "correctly signed, wrong currency",
            notification(MERCHANT, &r.session_id, r.amount, "EUR", r.order_id, CRC),
        ),
        (
            "another merchant",
            notification(
                MERCHANT + 7,
                &r.session_id,
                r.amount,
                "PLN",
                r.order_id,
                CRC,
            ),
        ),
        (
            "unknown session",
            notification(MERCHANT, "pk-1-nieznana", r.amount, "PLN", r.order_id, CRC),
        ),
    ];
    for (what, body) in forged {
        assert_eq!(send_notification(&url, &body).await, 400, "{what}");
    }
    let not_json = reqwest::Client::new()
        .post(&url)
        .body("amount=1")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!is_paid(&app, proforma.id));
    assert_eq!(invoices_for(&app, proforma.id), 0);
    assert_eq!(state_of(&app, &r.session_id), OnlineState::Registered);
    assert_eq!(
        gateway.inner.lock().unwrap().verify_calls,
        0,
        "nothing was verified"
    );
}

#[tokio::test]
async fn the_same_notification_five_times_and_twice_at_once_makes_one_invoice() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    let account = app.account_id(ABONENT);
    let balance = app.state.store.balance_of(account).unwrap();
    let token = token_in(&zaplac_online(&app, proforma.id).await);
    gateway.mark_paid(&token);
    let (url, body) = gateway.notification_of(&token);
    let (a, b) = tokio::join!(
        send_notification(&url, &body),
        send_notification(&url, &body)
    );
    assert_eq!((a, b), (200, 200));
    for _ in 0..5 {
        assert_eq!(send_notification(&url, &body).await, 200);
    }
    assert!(eventually(|| is_paid(&app, proforma.id)).await);
    for _ in 0..2 {
        assert_eq!(send_notification(&url, &body).await, 200);
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(invoices_for(&app, proforma.id), 1);
    assert_eq!(
        app.state.store.balance_of(account).unwrap(),
        balance,
        "nothing on the balance"
    );
    assert_eq!(gateway.verified().len(), 1, "verified once");
}

#[tokio::test]
async fn verify_failing_twice_is_retried_and_the_proforma_is_paid_once() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    gateway.inner.lock().unwrap().verify_failures = 2;
    let token = token_in(&zaplac_online(&app, proforma.id).await);
    let session = gateway.by_token(&token).session_id;
    assert_eq!(
        gateway.pay(&token).await,
        200,
        "recorded even while verify fails"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !is_paid(&app, proforma.id),
        "not paid before the gateway confirms"
    );
    assert_eq!(state_of(&app, &session), OnlineState::Notified);
    for _ in 0..80 {
        if is_paid(&app, proforma.id) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(is_paid(&app, proforma.id), "paid after the retries");
    assert_eq!(gateway.inner.lock().unwrap().verify_calls, 3);
    assert_eq!(invoices_for(&app, proforma.id), 1);
}

#[tokio::test]
async fn a_failed_verify_is_counted_and_tried_again_only_after_its_pause() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    gateway.inner.lock().unwrap().verify_failures = 1;
    let token = token_in(&zaplac_online(&app, proforma.id).await);
    let session = gateway.by_token(&token).session_id;
    let before = app.clock.now();
    assert_eq!(gateway.pay(&token).await, 200);
    let payment = || app.state.store.online_payment(&session).unwrap().unwrap();
    assert!(
        eventually(|| payment().attempts >= 1).await,
        "the failed verify is counted"
    );
    let failed = payment();
    assert_eq!(failed.attempts, 1);
    assert!(failed.last_error.is_some(), "the operator sees why");
    let next = failed.next_try_at.expect("a pause before the next try");
    assert!(
        next >= before + jiff::SignedDuration::from_secs(1),
        "the next try waits at least a second: {next} vs {before}"
    );
    assert!(eventually(|| is_paid(&app, proforma.id)).await);
    assert_eq!(gateway.inner.lock().unwrap().verify_calls, 2);
}

#[tokio::test]
async fn a_notification_after_the_operators_transfer_makes_no_second_invoice_and_goes_to_the_balance()
 {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    let account = app.account_id(ABONENT);
    let balance = app.state.store.balance_of(account).unwrap();
    let token = token_in(&zaplac_online(&app, proforma.id).await);
    app.admin_ok(&[
        "record-payment",
        "--proforma",
        &proforma.number,
        "--reference",
        "BANK-1",
    ])
    .await;
    assert_eq!(invoices_for(&app, proforma.id), 1);
    assert_eq!(gateway.pay(&token).await, 200);
    let session = gateway.by_token(&token).session_id;
    assert!(eventually(|| matches!(state_of(&app, &session), OnlineState::Applied { .. })).await);
    assert_eq!(invoices_for(&app, proforma.id), 1, "no second invoice");
    let expected = balance.checked_add(proforma.total_gross()).unwrap();
    assert_eq!(
        app.state.store.balance_of(account).unwrap(),
        expected,
        "the money is on the balance"
    );
    let listed = app.admin_ok(&["payments"]).await;
    assert!(
        listed.contains("prepaid balance"),
        "a note for the operator: {listed}"
    );
    let back = gateway
        .by_token(&token)
        .url_return
        .strip_prefix(&app.base)
        .unwrap()
        .to_string();
    let page = app.get(&back).await.text().await.unwrap();
    assert!(
        page.contains("Zapłacono — dziękujemy") && page.contains("saldo przedpłat"),
        "{page}"
    );
}

#[tokio::test]
async fn a_flood_of_forged_notifications_is_cut_off_and_the_panel_still_answers() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    let token = token_in(&zaplac_online(&app, proforma.id).await);
    let (url, mut forged) = gateway.notification_of(&token);
    forged["sign"] = "f".repeat(96).into();
    let mut answers = Vec::new();
    for _ in 0..80 {
        answers.push(send_notification(&url, &forged).await);
    }
    assert!(answers[..50].iter().all(|s| *s == 400), "{answers:?}");
    assert_eq!(answers.last(), Some(&429), "{answers:?}");
    assert_eq!(app.get("/pulpit").await.status(), StatusCode::OK);
    assert!(!is_paid(&app, proforma.id));
}

/// The figures of the closing note (run with `--ignored --nocapture`): notification → the
/// customer's page says Zapłacono (p50, p90), and sequential req/s of the notification route with
/// valid (repeated) and forged signatures, and once a forger is over the limit.
#[tokio::test]
#[ignore]
async fn bench_notification_to_paid_and_the_notification_route() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let account = app.account_id(ABONENT);
    let mut took = Vec::new();
    for _ in 0..30 {
        let key = panel::random::token();
        let top_up = app
            .state
            .store
            .issue_top_up(account, panel::domain::Money::zl(10), &key, app.clock.now())
            .unwrap();
        let token = token_in(&zaplac_online(&app, top_up.id).await);
        let back = gateway
            .by_token(&token)
            .url_return
            .strip_prefix(&app.base)
            .unwrap()
            .to_string();
        let started = std::time::Instant::now();
        assert_eq!(gateway.pay(&token).await, 200);
        while !app
            .get_htmx(&back)
            .await
            .text()
            .await
            .unwrap()
            .contains("Zapłacono")
        {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        took.push(started.elapsed());
    }
    took.sort();
    println!(
        "notification → Zapłacono: p50 {:?}, p90 {:?}",
        took[15], took[27]
    );
    let (url, valid) = gateway.notification_of(&gateway_token(&gateway));
    let client = reqwest::Client::new();
    let send = |body: &serde_json::Value| {
        let request = client
            .post(&url)
            .header("content-type", "application/json")
            .body(body.to_string());
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let rate = |n: usize, elapsed: Duration| n as f64 / elapsed.as_secs_f64();
    let started = std::time::Instant::now();
    for _ in 0..20 {
        assert_eq!(send(&valid).await, 200);
    }
    println!("valid (repeated): {:.0} req/s", rate(20, started.elapsed()));
    let mut forged = valid.clone();
    forged["sign"] = "0".repeat(96).into();
    let started = std::time::Instant::now();
    let mut rejected = 0;
    while send(&forged).await == 400 {
        rejected += 1;
    }
    println!(
        "forged, rejected (400): {:.0} req/s over {rejected}, then 429",
        rate(rejected, started.elapsed())
    );
    let started = std::time::Instant::now();
    for _ in 0..300 {
        send(&forged).await;
    }
    println!(
        "forged, over the limit (429): {:.0} req/s",
        rate(300, started.elapsed())
    );
}

fn gateway_token(gateway: &crate::p24_gateway::Gateway) -> String {
    gateway.inner.lock().unwrap().registered[0].token.clone()
}
