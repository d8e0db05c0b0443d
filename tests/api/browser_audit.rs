//! Dziennik zdarzeń in real headless Chromium at 390 px: the owner finds it from the account menu,
//! every entry's time, event, person and address are on the screen, and the page breaks no CSP rule;
//! the operator's read-only view shows its banner on the phone too.

use crate::browser::{
    as_a_phone, browser, click, console, csp_violations, log_in, off_screen, overflow, screenshot,
    wait_for,
};
use crate::helpers::spawn_app;
use fantoccini::Locator;

#[tokio::test]
async fn on_a_390_px_phone_the_dziennik_fits_the_screen_with_who_what_when_and_where() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    as_a_phone(&client, 844).await;
    click(&client, "a[href='/konto/dziennik']").await;
    wait_for(&client, "#dziennik").await;
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/konto/dziennik"
    );
    let table = client
        .find(Locator::Css("#dziennik"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(table.contains("Logowanie"), "{table}");
    assert!(table.contains("abonent@example.com"), "{table}");
    assert!(table.contains("127.0.0.1"), "{table}");
    let overflow = overflow(&client).await;
    assert!(overflow <= 0, "no sideways scrolling: {overflow} px");
    let cut = off_screen(&client, "#dziennik td").await;
    assert!(cut.is_empty(), "cells off the screen: {cut:?}");
    let lines = console(&client).await;
    assert!(csp_violations(&lines).is_empty(), "{lines:?}");
    screenshot(&client, "dziennik").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn on_a_390_px_phone_the_read_only_view_shows_its_banner() {
    let app = spawn_app().await;
    let output = app.admin_ok(&["login-as", "abonent@example.com"]).await;
    let link = output.lines().last().unwrap().trim().to_string();
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    as_a_phone(&client, 844).await;
    client.goto(&link).await.unwrap();
    click(&client, "form.card button").await;
    wait_for(&client, ".read-only").await;
    let banner = client
        .find(Locator::Css(".read-only"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(banner, "Podgląd konta — tylko do odczytu");
    let overflow = overflow(&client).await;
    assert!(overflow <= 0, "no sideways scrolling: {overflow} px");
    screenshot(&client, "podglad").await;
    client.close().await.unwrap();
}
