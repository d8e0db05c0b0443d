//! Skrzynki e-mail in real headless Chromium: a new mailbox appears without a reload (and becomes
//! active when its task is done), deleting asks first even without JavaScript, and the pages fit
//! a 390 px phone.

use crate::browser::{
    as_a_phone, browser, click, console, csp_violations, log_in, off_screen, overflow, screenshot,
    wait_for, wait_for_text,
};
use crate::helpers::spawn_app;
use fantoccini::{Client, Locator};
use serde_json::json;

const NEW: &str = "sekretariat@przykladowa-firma.pl";
const FULL: &str = "biuro@przykladowa-firma.pl";

async fn type_into(client: &Client, css: &str, text: &str) {
    let input = client.find(Locator::Css(css)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_new_mailbox_appears_on_the_page_without_a_reload_and_becomes_active() {
    let app = spawn_app().await;
    let server = app.service_id("abonent@example.com", "Serwer WWW 1");
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    client.goto(&app.url("/skrzynki")).await.unwrap();
    client
        .execute("window.stillTheSamePage = 'tak';", vec![])
        .await
        .unwrap();
    type_into(&client, "#pole-nazwa", "Sekretariat").await;
    click(&client, "#pole-domena option[value='przykladowa-firma.pl']").await;
    type_into(&client, "#pole-limit", "500").await;
    type_into(&client, "#pole-haslo", "krotkie").await;
    click(&client, "#nowa-skrzynka-formularz button[type=submit]").await;
    wait_for(&client, "#pole-haslo-blad").await;
    assert!(
        text_of(&client, "#pole-haslo-blad")
            .await
            .contains("co najmniej 10 znaków")
    );
    type_into(&client, "#pole-haslo", "Zielony-Kot-42").await;
    click(&client, "#nowa-skrzynka-formularz button[type=submit]").await;
    wait_for(&client, ".flash").await;
    let section = format!("#serwer-{server}");
    let shown = text_of(&client, &section).await;
    assert!(shown.contains(NEW), "{shown}");
    let row = format!("{section} tr:has(a[href^='/skrzynki/']):last-child");
    wait_for_text(&client, &row, "aktywna").await;
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
async fn without_javascript_deleting_a_mailbox_asks_first_and_then_deletes_it() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(false, profile.path()).await;
    log_in(&app, &client).await;
    client.goto(&app.url("/skrzynki")).await.unwrap();
    client
        .find(Locator::LinkText(FULL))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(&client, "#usun button").await;
    wait_for(&client, "#potwierdzenie").await;
    assert!(
        text_of(&client, "#potwierdzenie")
            .await
            .contains(&format!("Czy na pewno usunąć skrzynkę {FULL}?"))
    );
    click(&client, "#potwierdzenie button").await;
    wait_for(&client, ".flash").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/skrzynki");
    assert!(
        text_of(&client, ".flash")
            .await
            .contains("Usuwamy skrzynkę")
    );
    assert!(
        client.find(Locator::LinkText(FULL)).await.is_err(),
        "no longer listed"
    );
    client.close().await.unwrap();
}

#[tokio::test]
async fn on_a_390_px_phone_the_mailboxes_the_form_and_a_mailbox_page_fit_the_screen() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    as_a_phone(&client, 844).await;
    client.goto(&app.url("/skrzynki")).await.unwrap();
    let overflow_list = overflow(&client).await;
    assert!(
        overflow_list <= 0,
        "no sideways scrolling: {overflow_list} px"
    );
    let hidden = off_screen(&client, "td[data-label='Użycie'], td[data-label='Stan']").await;
    assert!(hidden.is_empty(), "use and state on the screen: {hidden:?}");
    let fields = off_screen(
        &client,
        "#nowa-skrzynka-formularz input:not([type=hidden]), #nowa-skrzynka-formularz select",
    )
    .await;
    assert!(fields.is_empty(), "{fields:?}");
    screenshot(&client, "skrzynki").await;
    client
        .find(Locator::LinkText(FULL))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(&client, "#usun button").await;
    wait_for(&client, "#potwierdzenie").await;
    let overflow_page = overflow(&client).await;
    assert!(
        overflow_page <= 0,
        "no sideways scrolling: {overflow_page} px"
    );
    screenshot(&client, "skrzynka").await;
    client.close().await.unwrap();
}
