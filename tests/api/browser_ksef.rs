//! An invoice's page with its KSeF verification QR code on a 390 px phone: nothing wider than the
//! screen, the code and its long link on it, and nothing breaking the CSP.

use crate::browser::{
    PHONE_WIDTH, as_a_phone, browser, console, csp_violations, log_in, off_screen, overflow,
    screenshot, wait_for,
};
use crate::helpers::spawn_app;
use fantoccini::Locator;
use panel::domain::DocumentKind;

const ABONENT: &str = "abonent@example.com";

#[tokio::test]
async fn on_a_390_px_phone_the_invoice_page_with_its_ksef_qr_code_fits_the_screen() {
    let app = spawn_app().await;
    let invoice = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.kind == DocumentKind::VatInvoice)
        .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    as_a_phone(&client, 844).await;
    log_in(&app, &client).await;

    client
        .goto(&app.url(&format!("/faktury/{}", invoice.id)))
        .await
        .unwrap();
    wait_for(&client, "#kod-qr-ksef svg").await;
    let by = overflow(&client).await;
    assert!(
        by <= 0,
        "the page is {by} px wider than a {PHONE_WIDTH} px screen"
    );
    let hidden = off_screen(&client, "#kod-qr-ksef svg, #link-ksef, #pobierz-xml").await;
    assert!(hidden.is_empty(), "off-screen: {hidden:?}");
    let side = client
        .execute(
            "return document.querySelector('#kod-qr-ksef svg').getBoundingClientRect().width;",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(
        side >= 150.0,
        "the QR code is large enough to scan: {side} px"
    );
    let label = client
        .find(Locator::Css("#kod-qr-ksef .qr-label"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(label, "OFFLINE");
    screenshot(&client, "faktura-ksef").await;
    let lines = console(&client).await;
    assert!(csp_violations(&lines).is_empty(), "{lines:?}");
    client.close().await.unwrap();
}
