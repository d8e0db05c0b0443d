//! Hosting in real headless Chromium: changing the PHP version swaps the card in place, and the
//! page with its forms fits a 390 px phone.

use crate::browser::{
    as_a_phone, browser, click, console, csp_violations, log_in, off_screen, overflow, screenshot,
    wait_for, wait_for_text,
};
use crate::helpers::spawn_app;
use fantoccini::Locator;
use serde_json::json;

#[tokio::test]
async fn changing_the_php_version_shows_it_on_the_card_without_a_reload() {
    let app = spawn_app().await;
    let server = app.service_id("abonent@example.com", "Serwer WWW 1");
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    client.goto(&app.url("/hosting")).await.unwrap();
    client
        .execute("window.stillTheSamePage = 'tak';", vec![])
        .await
        .unwrap();
    let card = format!("#serwer-{server}");
    wait_for_text(&client, &format!("{card} .php dd"), "8.2").await;
    let select = client
        .find(Locator::Css(&format!("#php-{server}")))
        .await
        .unwrap();
    select.select_by_value("8.4").await.unwrap();
    click(&client, &format!("{card} form[action$='/php'] button")).await;
    wait_for(&client, ".flash").await;
    wait_for_text(&client, &format!("{card} .php dd"), "8.4").await;
    wait_for_text(&client, &format!("{card} .tasks"), "wykonane").await;
    let marker = client
        .execute("return window.stillTheSamePage || 'nie';", vec![])
        .await
        .unwrap();
    assert_eq!(marker, json!("tak"), "swapped in place, no reload");
    let lines = console(&client).await;
    assert!(csp_violations(&lines).is_empty(), "{lines:?}");
    client.close().await.unwrap();
}

#[tokio::test]
async fn on_a_390_px_phone_the_hosting_cards_and_their_forms_fit_the_screen() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    as_a_phone(&client, 844).await;
    client.goto(&app.url("/hosting")).await.unwrap();
    let sideways = overflow(&client).await;
    assert!(sideways <= 0, "no sideways scrolling: {sideways} px");
    let hidden = off_screen(
        &client,
        ".details dd, .hosting-actions button, .hosting-actions select",
    )
    .await;
    assert!(
        hidden.is_empty(),
        "details and forms on the screen: {hidden:?}"
    );
    screenshot(&client, "hosting").await;
    client.close().await.unwrap();
}
