//! The steps of the Bezpieczeństwo tests: browsers of their own (cookies, User-Agent), logging
//! in and out, setting up the second factor from the key the page shows, the outbox by subject.

use crate::helpers::{TestApp, csrf_of};
use panel::domain::security::{base32_decode, totp_at, totp_step};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

pub(crate) const ABONENT: &str = "abonent@example.com";
pub(crate) const KSIEGOWOSC: &str = "ksiegowosc@example.com";
pub(crate) const TECH: &str = "tech@example.com";
pub(crate) const FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

/// Another browser: its own cookies, optionally its own User-Agent.
pub(crate) fn browser(user_agent: Option<&str>) -> Client {
    let mut builder = Client::builder()
        .cookie_store(true)
        .redirect(Policy::none());
    if let Some(ua) = user_agent {
        builder = builder.user_agent(ua);
    }
    builder.build().unwrap()
}

pub(crate) async fn get(app: &TestApp, client: &Client, path: &str) -> Response {
    client.get(app.url(path)).send().await.unwrap()
}

/// Posts a form with the CSRF token read from `token_page` (a page with a form).
pub(crate) async fn post(
    app: &TestApp,
    client: &Client,
    token_page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Response {
    let page = get(app, client, token_page).await.text().await.unwrap();
    let token = csrf_of(&page);
    let mut fields = fields.to_vec();
    fields.push(("csrf_token", &token));
    client
        .post(app.url(path))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

/// The e-mail code step of a login in `client`; the answer to the code.
pub(crate) async fn enter_emailed_code(app: &TestApp, client: &Client, email: &str) -> Response {
    let sent = post(app, client, "/logowanie", "/logowanie", &[("email", email)]).await;
    assert_eq!(sent.status(), StatusCode::OK);
    let mail = app.next_login_mail(email).await;
    post(
        app,
        client,
        "/logowanie",
        "/logowanie/kod",
        &[("email", email), ("kod", &mail.code)],
    )
    .await
}

pub(crate) async fn log_in(app: &TestApp, client: &Client, email: &str) {
    let response = enter_emailed_code(app, client, email).await;
    assert_eq!(
        response.headers()["location"],
        "/pulpit",
        "logged in without a second step"
    );
}

pub(crate) async fn log_out(app: &TestApp, client: &Client) {
    let response = post(app, client, "/bezpieczenstwo", "/wyloguj", &[]).await;
    assert_eq!(response.headers()["location"], "/logowanie");
}

pub(crate) async fn security_page(app: &TestApp, client: &Client) -> String {
    let response = get(app, client, "/bezpieczenstwo").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// The text of the element that follows `marker` (up to the next tag).
pub(crate) fn text_after(html: &str, marker: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in the page"))
        + marker.len();
    html[at..].split('<').next().unwrap().to_string()
}

/// The current code of the authenticator app holding `key` (as the page shows it), `steps` later.
pub(crate) fn app_code(app: &TestApp, key: &str, steps: u64) -> String {
    let secret = base32_decode(key).unwrap();
    totp_at(&secret, totp_step(app.clock.now()) + steps)
}

/// Sets up the second factor in `client`; the key shown and the recovery codes.
pub(crate) async fn enable_second_factor(app: &TestApp, client: &Client) -> (String, Vec<String>) {
    let started = post(
        app,
        client,
        "/bezpieczenstwo",
        "/bezpieczenstwo/2fa/konfiguruj",
        &[],
    )
    .await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let page = security_page(app, client).await;
    assert!(page.contains("<svg"), "a QR code is shown");
    assert!(page.contains("otpauth://totp/"), "and the URI");
    let key = text_after(&page, "id=\"klucz\">").replace(' ', "");
    let code = app_code(app, &key, 0);
    let enabled = post(
        app,
        client,
        "/bezpieczenstwo",
        "/bezpieczenstwo/2fa/wlacz",
        &[("kod", &code)],
    )
    .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    let page = enabled.text().await.unwrap();
    assert!(page.contains("Twoje kody zapasowe"));
    let list = &page[page.find("class=\"codes\"").unwrap()..];
    let list = &list[..list.find("</ul>").unwrap()];
    let codes: Vec<String> = list
        .split("<code>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes");
    (key, codes)
}

pub(crate) fn outbox_subjects_to(app: &TestApp, to: &str) -> Vec<String> {
    let rows = app.state.store.outbox_messages(1000).unwrap();
    rows.into_iter()
        .filter(|m| m.to == to)
        .map(|m| m.subject)
        .collect()
}

pub(crate) fn mails_about(app: &TestApp, to: &str, subject: &str) -> usize {
    outbox_subjects_to(app, to)
        .iter()
        .filter(|s| s.as_str() == subject)
        .count()
}

pub(crate) const CHANGE: &str = "Zmiana ustawień bezpieczeństwa w Panelu klienta";
pub(crate) const NEW_LOGIN: &str = "Nowe logowanie do Panelu klienta";
