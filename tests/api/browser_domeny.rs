//! Domeny in real headless Chromium: a DNS record added (then changed) with JavaScript appears in
//! the list without a reload (and a wrong one is named in place); the domain's page fits a 390 px phone.

use crate::browser::{
    as_a_phone, browser, click, console, csp_violations, log_in, off_screen, overflow, screenshot,
    wait_for, wait_for_text,
};
use crate::helpers::spawn_app;
use fantoccini::{Client, Locator};
use serde_json::json;

const ABONENT: &str = "abonent@example.com";
const DOMAIN: &str = "przykladowa-firma.pl";

async fn type_into(client: &Client, css: &str, text: &str) {
    let input = client.find(Locator::Css(css)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

async fn text_of(client: &Client, css: &str) -> String {
    let element = client.find(Locator::Css(css)).await.unwrap();
    element.text().await.unwrap()
}

async fn choose_type(client: &Client, typ: &str) {
    let select = client.find(Locator::Css("#pole-typ")).await.unwrap();
    select.select_by_value(typ).await.unwrap();
}

#[tokio::test]
async fn with_javascript_a_new_dns_record_appears_in_the_list_without_a_reload() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    let id = app.service_id(ABONENT, DOMAIN);
    client
        .goto(&app.url(&format!("/domeny/{id}")))
        .await
        .unwrap();
    client
        .execute("window.stillTheSamePage = 'tak';", vec![])
        .await
        .unwrap();

    click(&client, "#rekordy-dns details.edit summary").await;
    choose_type(&client, "MX").await;
    type_into(&client, "#pole-nazwa", "@").await;
    type_into(&client, "#pole-wartosc", "mx.example.net").await;
    type_into(&client, "#pole-priorytet", "70000").await;
    click(&client, "#formularz-rekordu button[type=submit]").await;
    wait_for(&client, "#pole-priorytet-blad").await;
    assert_eq!(
        text_of(&client, "#pole-priorytet-blad").await,
        "Priorytet to liczba od 0 do 65535."
    );

    type_into(&client, "#pole-priorytet", "10").await;
    click(&client, "#formularz-rekordu button[type=submit]").await;
    wait_for(&client, "#lista-rekordow").await;
    let list = text_of(&client, "#lista-rekordow").await;
    assert!(list.contains("10 mx.example.net"), "{list}");
    assert!(
        text_of(&client, ".flash")
            .await
            .contains("Dodaliśmy rekord MX")
    );

    click(&client, "#lista-rekordow a").await;
    wait_for(&client, "#pole-priorytet[value='10']").await;
    assert_eq!(
        text_of(&client, "#formularz-rekordu h3").await,
        "Zmień rekord"
    );
    type_into(&client, "#pole-priorytet", "20").await;
    click(&client, "#formularz-rekordu button[type=submit]").await;
    wait_for_text(&client, ".flash", "Zapisaliśmy zmianę rekordu MX").await;
    let list = text_of(&client, "#lista-rekordow").await;
    assert!(
        list.contains("20 mx.example.net") && !list.contains("10 mx"),
        "{list}"
    );

    let marker = client
        .execute("return window.stillTheSamePage || 'nie';", vec![])
        .await
        .unwrap();
    assert_eq!(marker, json!("tak"), "no reload");
    let lines = console(&client).await;
    assert!(csp_violations(&lines).is_empty(), "{lines:?}");
    client.close().await.unwrap();
}

#[tokio::test]
async fn on_a_390_px_phone_the_domain_page_with_long_records_fits_the_screen() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    as_a_phone(&client, 844).await;
    client.goto(&app.url("/domeny")).await.unwrap();
    assert!(overflow(&client).await <= 0, "the list fits");
    let hidden = off_screen(&client, "#domeny td").await;
    assert!(hidden.is_empty(), "{hidden:?}");

    let id = app.service_id(ABONENT, DOMAIN);
    client
        .goto(&app.url(&format!("/domeny/{id}")))
        .await
        .unwrap();
    click(&client, "#rekordy-dns details.edit summary").await;
    choose_type(&client, "TXT").await;
    type_into(&client, "#pole-nazwa", "_dmarc").await;
    let long = format!(
        "v=DMARC1; p=reject; rua=mailto:{}@example.net",
        "raporty".repeat(12)
    );
    type_into(&client, "#pole-wartosc", &long).await;
    click(&client, "#formularz-rekordu button[type=submit]").await;
    wait_for(&client, "#lista-rekordow").await;
    click(&client, "#kod-authinfo button").await;
    wait_for(&client, "#kod-wartosc").await;

    let overflow = overflow(&client).await;
    assert!(overflow <= 0, "no sideways scrolling: {overflow} px");
    let hidden = off_screen(&client, "#lista-rekordow td").await;
    assert!(hidden.is_empty(), "{hidden:?}");
    screenshot(&client, "domena").await;
    client.close().await.unwrap();
}
