//! Serwery w chmurze in real headless Chromium: powering the demo server off changes its state on
//! the page without a reload, and the page fits a 390 px phone.

use crate::browser::{
    as_a_phone, browser, click, console, csp_violations, log_in, off_screen, overflow, screenshot,
    wait_for, wait_for_text,
};
use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn powering_the_server_off_changes_its_state_on_the_page_without_a_reload() {
    let app = spawn_app().await;
    let server = app.service_id("abonent@example.com", "cloud-1");
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    client.goto(&app.url("/cloud")).await.unwrap();
    client
        .execute("window.stillTheSamePage = 'tak';", vec![])
        .await
        .unwrap();
    let card = format!("#serwer-{server}");
    wait_for_text(&client, &card, "Uruchomiony").await;
    click(
        &client,
        &format!("{card} form:has(input[value=stop]) button"),
    )
    .await;
    wait_for(&client, ".flash").await;
    let shown = wait_for_text(&client, &format!("{card} .power"), "Zatrzymany").await;
    assert!(!shown.contains("zatrzymywanie"), "{shown}");
    wait_for(
        &client,
        &format!("{card} form:has(input[value=start]) button"),
    )
    .await;
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
async fn on_a_390_px_phone_the_servers_and_their_buttons_fit_the_screen() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    as_a_phone(&client, 844).await;
    client.goto(&app.url("/cloud")).await.unwrap();
    let sideways = overflow(&client).await;
    assert!(sideways <= 0, "no sideways scrolling: {sideways} px");
    let hidden = off_screen(&client, ".details dd, .actions button").await;
    assert!(
        hidden.is_empty(),
        "details and buttons on the screen: {hidden:?}"
    );
    screenshot(&client, "cloud").await;
    client.close().await.unwrap();
}
