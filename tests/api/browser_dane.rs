//! Dane abonenta in real headless Chromium: a wrong field is named and the other fields keep what
//! was typed, with JavaScript (the content swapped in place) and without (a plain POST); the page
//! fits a 390 px phone.

use crate::browser::{
    as_a_phone, browser, click, console, csp_violations, log_in, overflow, screenshot, wait_for,
};
use crate::helpers::{TestApp, spawn_app};
use fantoccini::{Client, Locator};
use serde_json::json;

const ABONENT: &str = "abonent@example.com";
const OLD_NAME: &str = "Przykładowa Firma sp. z o.o.";

async fn type_into(client: &Client, css: &str, text: &str) {
    let input = client.find(Locator::Css(css)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

async fn value_of(client: &Client, css: &str) -> String {
    let input = client.find(Locator::Css(css)).await.unwrap();
    input.prop("value").await.unwrap().unwrap_or_default()
}

async fn text_of(client: &Client, css: &str) -> String {
    let element = client.find(Locator::Css(css)).await.unwrap();
    element.text().await.unwrap()
}

/// Opens the form and fills it with a new name and `postal_code`, then sends it.
async fn send_with(client: &Client, postal_code: &str) {
    type_into(client, "#pole-nazwa", "Nowa Firma S.A.").await;
    type_into(client, "#pole-telefon", "600 100 200").await;
    type_into(client, "#pole-kod", postal_code).await;
    click(client, "#formularz-danych button[type=submit]").await;
}

fn stored_name(app: &TestApp) -> String {
    let id = app.account_id(ABONENT);
    app.state.store.account(id).unwrap().unwrap().name
}

/// The story both ways: a wrong postal code, then the right one.
async fn wrong_then_right(javascript: bool) {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(javascript, profile.path()).await;
    log_in(&app, &client).await;
    client.goto(&app.url("/dane-abonenta")).await.unwrap();
    client
        .execute("window.stillTheSamePage = 'tak';", vec![])
        .await
        .unwrap();
    click(&client, "details.edit summary").await;
    send_with(&client, "310-42").await;

    wait_for(&client, "#pole-kod-blad").await;
    assert_eq!(
        text_of(&client, "#pole-kod-blad").await,
        "Kod pocztowy w Polsce ma postać 00-000."
    );
    assert_eq!(value_of(&client, "#pole-kod").await, "310-42");
    assert_eq!(value_of(&client, "#pole-nazwa").await, "Nowa Firma S.A.");
    assert_eq!(value_of(&client, "#pole-telefon").await, "600 100 200");
    assert_eq!(value_of(&client, "#pole-nip").await, "5260250274");
    assert_eq!(text_of(&client, "#nazwa").await, OLD_NAME, "nothing stored");
    assert_eq!(stored_name(&app), OLD_NAME);

    type_into(&client, "#pole-kod", "31-042").await;
    click(&client, "#formularz-danych button[type=submit]").await;
    wait_for(&client, ".flash").await;
    assert!(text_of(&client, ".flash").await.contains("Zapisano zmiany"));
    assert_eq!(text_of(&client, "#nazwa").await, "Nowa Firma S.A.");
    assert!(text_of(&client, "#historia").await.contains(OLD_NAME));
    assert_eq!(stored_name(&app), "Nowa Firma S.A.");

    let marker = client
        .execute("return window.stillTheSamePage || 'nie';", vec![])
        .await
        .unwrap();
    let expected = if javascript { "tak" } else { "nie" };
    assert_eq!(
        marker,
        json!(expected),
        "swapped in place only with JavaScript"
    );
    if javascript {
        let lines = console(&client).await;
        assert!(csp_violations(&lines).is_empty(), "{lines:?}");
    }
    client.close().await.unwrap();
}

#[tokio::test]
async fn with_javascript_a_wrong_field_is_named_in_place_and_the_other_fields_keep_what_was_typed()
{
    wrong_then_right(true).await;
}

#[tokio::test]
async fn without_javascript_a_wrong_field_is_named_and_the_other_fields_keep_what_was_typed() {
    wrong_then_right(false).await;
}

#[tokio::test]
async fn on_a_390_px_phone_dane_abonenta_with_its_form_errors_and_history_fits_the_screen() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    as_a_phone(&client, 844).await;
    client.goto(&app.url("/dane-abonenta")).await.unwrap();
    click(&client, "details.edit summary").await;
    send_with(&client, "31-042").await;
    wait_for(&client, ".flash").await;
    click(&client, "details.edit summary").await;
    type_into(&client, "#pole-nip", "5260250275").await;
    click(&client, "#formularz-danych button[type=submit]").await;
    wait_for(&client, "#pole-nip-blad").await;
    let overflow = overflow(&client).await;
    assert!(overflow <= 0, "no sideways scrolling: {overflow} px");
    let history_width = client
        .execute(
            "return document.querySelector('#historia').getBoundingClientRect().right <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(history_width, json!(true), "the history is on the screen");
    screenshot(&client, "dane-abonenta").await;
    client.close().await.unwrap();
}
