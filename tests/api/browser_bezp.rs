//! Bezpieczeństwo in a real browser on a 390 px phone: setting up the second factor (htmx swaps
//! the page's content), the recovery codes, the sessions list, and the second login step all fit
//! the screen, and nothing breaks the CSP.

use crate::browser::{
    PHONE_WIDTH, as_a_phone, browser, click, console, csp_violations, log_in, off_screen, overflow,
    screenshot, wait_for,
};
use crate::helpers::spawn_app;
use fantoccini::{Client, Locator};
use panel::domain::security::{base32_decode, totp_at, totp_step};

const ABONENT: &str = "abonent@example.com";

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client.wait().for_element(Locator::Css(css)).await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn fits(client: &Client, what: &str) {
    let by = overflow(client).await;
    assert!(
        by <= 0,
        "{what} is {by} px wider than a {PHONE_WIDTH} px screen"
    );
}

#[tokio::test]
async fn on_a_390_px_phone_bezpieczenstwo_and_the_second_login_step_fit_the_screen() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    as_a_phone(&client, 844).await;
    log_in(&app, &client).await;

    client.goto(&app.url("/bezpieczenstwo")).await.unwrap();
    fits(&client, "Bezpieczeństwo").await;
    click(&client, "#weryfikacja form button").await;
    wait_for(&client, "#klucz").await;
    fits(&client, "the set-up with its QR code and URI").await;
    screenshot(&client, "bezpieczenstwo-konfiguracja").await;
    let key = client
        .find(Locator::Css("#klucz"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let secret = base32_decode(&key).unwrap();
    let code = totp_at(&secret, totp_step(app.clock.now()));
    type_into(&client, "#kod-wlacz", &code).await;
    click(&client, "#weryfikacja form button").await;
    wait_for(&client, "ul.codes").await;
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/bezpieczenstwo"
    );
    fits(&client, "the recovery codes").await;
    let hidden = off_screen(&client, "#sesje tbody td:not(:empty)").await;
    assert!(hidden.is_empty(), "sessions off-screen: {hidden:?}");
    screenshot(&client, "bezpieczenstwo").await;

    click(&client, "header .who form button").await;
    wait_for(&client, "#email").await;
    type_into(&client, "#email", ABONENT).await;
    click(&client, "form.card button").await;
    let mail = app.next_login_mail(ABONENT).await;
    type_into(&client, "#kod", &mail.code).await;
    click(&client, "form.card button").await;
    wait_for(&client, "form[action='/logowanie/2fa']").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/logowanie/2fa");
    fits(&client, "/logowanie/2fa").await;
    screenshot(&client, "logowanie-2fa").await;
    app.clock.advance(jiff::SignedDuration::from_secs(30));
    let code = totp_at(&secret, totp_step(app.clock.now()));
    type_into(&client, "#kod", &code).await;
    click(&client, "form.card button").await;
    wait_for(&client, "#powiadomienia").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/pulpit");

    let lines = console(&client).await;
    assert!(csp_violations(&lines).is_empty(), "{lines:?}");
    client.close().await.unwrap();
}
