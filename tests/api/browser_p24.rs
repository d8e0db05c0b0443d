//! Zapłać online in real headless Chromium on a 390 px phone: the form leaves for the gateway
//! (the CSP allows it), and the return page's "Płatność w toku" turns into "Zapłacono" by itself.

use crate::browser::{
    as_a_phone, browser, click, console, csp_violations, log_in, off_screen, overflow, screenshot,
    wait_for, wait_for_text,
};
use crate::p24_gateway::{spawn_with_gateway, token_in};

const ABONENT: &str = "abonent@example.com";

#[tokio::test]
async fn platnosc_w_toku_turns_into_zaplacono_without_a_reload_on_a_390_px_phone() {
    let (app, gateway) = spawn_with_gateway().await;
    app.log_in(ABONENT).await;
    let service = app.service_id(ABONENT, "przykladowa-firma.pl");
    assert!(app.renew_htmx(service).await.status().is_success());
    let proforma = app.renewal_of(ABONENT, service);
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    as_a_phone(&client, 844).await;
    client
        .goto(&app.url(&format!("/faktury/{}/zaplac", proforma.id)))
        .await
        .unwrap();
    let hidden = off_screen(&client, "#online button").await;
    assert!(hidden.is_empty(), "Zapłać online on the screen: {hidden:?}");
    click(&client, "#online button").await;
    wait_for(&client, "#powrot").await;
    let at = client.current_url().await.unwrap().to_string();
    assert!(
        at.starts_with(&format!("{}/trnRequest/", gateway.url)),
        "{at}"
    );
    let token = token_in(&at);
    click(&client, "#powrot").await;
    wait_for_text(&client, "#platnosc-online h2", "Płatność w toku").await;
    client
        .execute("window.stillTheSamePage = 'tak';", vec![])
        .await
        .unwrap();
    let sideways = overflow(&client).await;
    assert!(sideways <= 0, "no sideways scrolling: {sideways} px");

    assert_eq!(gateway.pay(&token).await, 200);
    wait_for_text(&client, "#platnosc-online h2", "Zapłacono — dziękujemy").await;
    let marker = client
        .execute("return window.stillTheSamePage || 'nie';", vec![])
        .await
        .unwrap();
    assert_eq!(marker, serde_json::json!("tak"), "changed without a reload");
    let hidden = off_screen(&client, "#platnosc-online h2, #platnosc-online a.button").await;
    assert!(hidden.is_empty(), "{hidden:?}");
    screenshot(&client, "p24-zaplacono").await;
    let lines = console(&client).await;
    assert!(csp_violations(&lines).is_empty(), "{lines:?}");
    client.close().await.unwrap();
}
