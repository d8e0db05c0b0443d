//! A panel process killed (SIGKILL) after a notification was recorded and before the payment
//! was applied (verify kept failing): the restarted panel verifies and applies it, once.

use crate::p24_gateway::{
    API_KEY, CRC, Gateway, MERCHANT, POS, Registered, notification, send_notification,
};
use panel::domain::online_payment::{OnlinePayment, OnlineState};
use panel::domain::{DocumentKind, Money};
use panel::store::Store;
use reqwest::StatusCode;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

const SESSION: &str = "pk-crash-0123456789abcdef";
const ORDER: u64 = 900_001;

/// The real binary with the stand-in gateway's settings; killed when dropped.
async fn start(data: &Path, gateway: &Gateway, port: u16) -> tokio::process::Child {
    let base = format!("http://127.0.0.1:{port}");
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--base-url", &base, "--data-dir"])
        .arg(data)
        .env("PANEL_P24_MERCHANT_ID", MERCHANT.to_string())
        .env("PANEL_P24_POS_ID", POS.to_string())
        .env("PANEL_P24_API_KEY", API_KEY)
        .env("PANEL_P24_CRC", CRC)
        .env("PANEL_P24_URL", &gateway.url)
        .env_remove("PANEL_SMTP_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    for _ in 0..600 {
        if let Ok(response) = reqwest::get(format!("{base}/health")).await
            && response.status() == StatusCode::OK
        {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the panel did not start");
}

/// A registered online payment of the demo's unpaid proforma, in the store and at the gateway.
fn register(data: &Path, gateway: &Gateway, base: &str) -> (u64, Money) {
    let store = Store::open(data).unwrap();
    let now = jiff::Timestamp::now();
    panel::demo::seed_if_empty(&store, now, base).unwrap();
    let proforma = store.unpaid_proformas().unwrap().remove(0);
    let amount = proforma.total_gross();
    store
        .register_online_payment(&OnlinePayment {
            session_id: SESSION.into(),
            account_id: proforma.account_id,
            document_id: proforma.id,
            document_number: proforma.number.clone(),
            amount,
            currency: "PLN".into(),
            registered_at: now,
            state: OnlineState::Registered,
            order_id: None,
            notified_at: None,
            attempts: 0,
            next_try_at: None,
            last_error: None,
            applied_at: None,
            result_document: None,
        })
        .unwrap();
    gateway.inner.lock().unwrap().registered.push(Registered {
        token: "TOKEN-CRASH".into(),
        session_id: SESSION.into(),
        amount: amount.0,
        currency: "PLN".into(),
        description: format!("Proforma {}", proforma.number),
        url_return: format!("{base}/platnosci/online/{SESSION}"),
        url_status: format!("{base}/platnosci/p24/status"),
        order_id: ORDER,
        paid: true,
    });
    (proforma.id, amount)
}

#[tokio::test]
async fn a_payment_notified_before_a_crash_is_verified_and_applied_once_after_the_restart() {
    let gateway = Gateway::start().await;
    gateway.inner.lock().unwrap().verify_failures = u32::MAX;
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let (proforma, amount) = register(dir.path(), &gateway, &base);
    let notice = notification(MERCHANT, SESSION, amount.0, "PLN", ORDER, CRC);
    let url = format!("{base}/platnosci/p24/status");

    let mut panel = start(dir.path(), &gateway, port).await;
    assert_eq!(send_notification(&url, &notice).await, 200);
    for _ in 0..100 {
        if gateway.inner.lock().unwrap().verify_calls > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        gateway.inner.lock().unwrap().verify_calls > 0,
        "verify was tried"
    );
    panel.kill().await.unwrap();

    gateway.inner.lock().unwrap().verify_failures = 0;
    let mut panel = start(dir.path(), &gateway, port).await;
    for _ in 0..100 {
        if !gateway.verified().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        gateway.verified(),
        vec![SESSION.to_string()],
        "verified after the restart"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        send_notification(&url, &notice).await,
        200,
        "a late retry of the gateway"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    panel.kill().await.unwrap();

    let store = Store::open(dir.path()).unwrap();
    let payment = store.online_payment(SESSION).unwrap().unwrap();
    assert!(
        matches!(payment.state, OnlineState::Applied { .. }),
        "{:?}",
        payment.state
    );
    let account = payment.account_id;
    let invoices = store
        .documents_of_account(account)
        .unwrap()
        .into_iter()
        .filter(|d| d.kind == DocumentKind::VatInvoice && d.proforma_id == Some(proforma))
        .count();
    assert_eq!(invoices, 1);
}
