//! Kreator WWW and Open-Xchange in real headless Chromium: withdrawing and publishing the demo
//! site changes its status on the page without a reload, and the Open-Xchange page fits a 390 px
//! phone.

use crate::browser::{
    as_a_phone, browser, click, console, csp_violations, log_in, off_screen, overflow, screenshot,
    wait_for, wait_for_text,
};
use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn withdrawing_and_publishing_the_site_change_its_status_without_a_reload() {
    let app = spawn_app().await;
    let site = app.service_id("abonent@example.com", "Strona firmowa");
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    client.goto(&app.url("/kreator-www")).await.unwrap();
    client
        .execute("window.stillTheSamePage = 'tak';", vec![])
        .await
        .unwrap();
    let card = format!("#strona-{site}");
    wait_for_text(&client, &format!("{card} .publikacja"), "Opublikowana").await;
    click(&client, &format!("{card} form[action$=wycofaj] button")).await;
    wait_for(&client, ".flash").await;
    wait_for_text(&client, &format!("{card} .publikacja"), "Nieopublikowana").await;
    click(&client, &format!("{card} form[action$=opublikuj] button")).await;
    let shown = wait_for_text(&client, &format!("{card} .publikacja"), "Opublikowana").await;
    assert!(!shown.contains("Publikowanie"), "{shown}");
    wait_for(&client, &format!("{card} form[action$=wycofaj] button")).await;
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
async fn on_a_390_px_phone_the_licences_and_their_buttons_fit_the_screen() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    as_a_phone(&client, 844).await;
    client.goto(&app.url("/open-xchange")).await.unwrap();
    let sideways = overflow(&client).await;
    assert!(sideways <= 0, "no sideways scrolling: {sideways} px");
    let hidden = off_screen(
        &client,
        "#posiadacze td, #przypisz select, #przypisz button",
    )
    .await;
    assert!(
        hidden.is_empty(),
        "licences and buttons on the screen: {hidden:?}"
    );
    screenshot(&client, "open-xchange").await;
    client.close().await.unwrap();
}
