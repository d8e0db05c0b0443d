//! A credit note paid back by transfer, for an invoice paid online, goes back through the
//! gateway: once, with the payment's order and the credit note's amount.

use crate::p24::{ABONENT, eventually, is_paid, pay_online, renewal, zaplac_online};
use crate::p24_gateway::{spawn_with_gateway, token_in};
use panel::domain::DocumentKind;

#[tokio::test]
async fn a_credit_note_for_an_invoice_paid_online_is_refunded_through_the_gateway_once() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let proforma = renewal(&app).await;
    let token = token_in(&zaplac_online(&app, proforma.id).await);
    assert_eq!(gateway.pay(&token).await, 200);
    assert!(eventually(|| is_paid(&app, proforma.id)).await);
    let invoice = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.kind == DocumentKind::VatInvoice && d.proforma_id == Some(proforma.id))
        .unwrap();
    app.admin_ok(&[
        "credit-note",
        "--invoice",
        &invoice.number,
        "--amount",
        "10,00",
        "--reason",
        "Rabat",
        "--transfer",
    ])
    .await;
    let note = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.kind == DocumentKind::CreditNote)
        .unwrap();
    let answer = app
        .admin_ok(&["payments", "refund", "--credit-note", &note.number])
        .await;
    assert!(answer.contains("sent back through Przelewy24"), "{answer}");
    let order = gateway.by_token(&token).order_id;
    let refunds = gateway.inner.lock().unwrap().refunds.clone();
    assert_eq!(refunds.len(), 1);
    assert_eq!((refunds[0].1, refunds[0].2), (order, 1000));
    let refunded = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.id == note.id)
        .unwrap();
    assert!(refunded.refunded.is_some(), "recorded as refunded");

    let again = app
        .admin(&["payments", "refund", "--credit-note", &note.number])
        .await;
    assert!(!again.status.success(), "a second refund is refused");
    assert_eq!(
        gateway.inner.lock().unwrap().refunds.len(),
        1,
        "the gateway got one"
    );
}

#[tokio::test]
async fn a_credit_note_for_an_invoice_paid_by_transfer_is_not_sent_to_the_gateway() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    // Another proforma of the account is paid online: its payment is no way back for this one.
    let online = renewal(&app).await;
    pay_online(&app, &gateway, online.id).await;
    let proforma = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.kind == DocumentKind::Proforma && d.is_unpaid())
        .expect("the demo's order proforma");
    app.admin_ok(&["record-payment", "--proforma", &proforma.number])
        .await;
    let invoice = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.kind == DocumentKind::VatInvoice && d.proforma_id == Some(proforma.id))
        .unwrap();
    app.admin_ok(&[
        "credit-note",
        "--invoice",
        &invoice.number,
        "--reason",
        "Rezygnacja",
        "--transfer",
    ])
    .await;
    let note = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.kind == DocumentKind::CreditNote)
        .unwrap();
    let refused = app
        .admin(&["payments", "refund", "--credit-note", &note.number])
        .await;
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("not paid online"), "{stderr}");
    assert!(gateway.inner.lock().unwrap().refunds.is_empty());
}
