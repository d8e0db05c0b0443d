//! Certyfikaty SSL in real headless Chromium: the list fits a 390 px phone with each status on
//! the screen, and ordering with JavaScript shows a refusal in place and then lands in the cart.

use crate::browser::{
    as_a_phone, browser, click, console, csp_violations, log_in, off_screen, overflow, screenshot,
    wait_for, wait_for_text,
};
use crate::helpers::spawn_app;
use crate::ssl::{SHOP_DOMAIN, SHOP_PEM, order_and_pay, write};
use crate::ssl_wydawanie::{app_running, script};
use fantoccini::Locator;

#[tokio::test]
async fn on_a_390_px_phone_the_certificates_and_their_status_fit_the_screen() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    as_a_phone(&client, 844).await;
    client.goto(&app.url("/ssl")).await.unwrap();
    wait_for_text(&client, ".certificates .badge", "Wydany").await;
    let sideways = overflow(&client).await;
    assert!(sideways <= 0, "no sideways scrolling: {sideways} px");
    let hidden = off_screen(
        &client,
        ".certificates .badge, .certificates td a, #zamow-certyfikat select",
    )
    .await;
    assert!(
        hidden.is_empty(),
        "status, links and the form on the screen: {hidden:?}"
    );
    screenshot(&client, "ssl").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn with_javascript_an_order_without_a_domain_is_refused_in_place_and_then_lands_in_the_cart()
{
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    client.goto(&app.url("/ssl")).await.unwrap();
    client
        .execute("window.stillTheSamePage = 'tak';", vec![])
        .await
        .unwrap();
    click(&client, "#zamow-certyfikat button").await;
    wait_for_text(&client, "#ssl-domena-blad", "Wybierz domenę z listy.").await;
    let marker = client
        .execute("return window.stillTheSamePage || 'nie';", vec![])
        .await
        .unwrap();
    assert_eq!(
        marker,
        serde_json::json!("tak"),
        "refused in place, no reload"
    );
    client
        .find(Locator::Css("#ssl-domena"))
        .await
        .unwrap()
        .select_by_value("sklep-przykladowy.pl")
        .await
        .unwrap();
    click(&client, "#zamow-certyfikat button").await;
    wait_for(&client, "#koszyk").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/sklep");
    wait_for_text(&client, "#koszyk", "sklep-przykladowy.pl").await;
    let lines = console(&client).await;
    assert!(csp_violations(&lines).is_empty(), "{lines:?}");
    client.close().await.unwrap();
}

#[tokio::test]
async fn a_certificate_being_issued_shows_as_issued_without_a_reload() {
    let dir = tempfile::tempdir().unwrap();
    let chain = write(dir.path(), "chain.pem", SHOP_PEM);
    // The CA answers only once the test has seen the waiting state.
    let go = dir.path().join("go");
    let command = script(
        dir.path(),
        &format!(
            "while [ ! -f '{}' ]; do sleep 0.1; done; cat '{}'",
            go.display(),
            chain.display()
        ),
    );
    let app = app_running(command).await;
    app.log_in("abonent@example.com").await;
    let id = order_and_pay(&app, SHOP_DOMAIN).await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    client.goto(&app.url("/ssl")).await.unwrap();
    let row = format!("#certyfikat-{id}");
    wait_for_text(&client, &row, "W trakcie wydawania").await;
    client
        .execute("window.stillTheSamePage = 'tak';", vec![])
        .await
        .unwrap();
    std::fs::write(&go, "").unwrap();
    std::fs::write(&go, "").unwrap();
    wait_for_text(&client, &row, "Wydany").await;
    wait_for_text(&client, &row, "Pobierz certyfikat").await;
    let marker = client
        .execute("return window.stillTheSamePage || 'nie';", vec![])
        .await
        .unwrap();
    assert_eq!(marker, serde_json::json!("tak"), "no reload");
    client.close().await.unwrap();
}
