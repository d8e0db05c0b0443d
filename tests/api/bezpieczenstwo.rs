//! Bezpieczeństwo: the second factor (enable with a current code, log in with it, a code used
//! once, recovery codes once, wrong codes end the step), the owner's requirement, and the
//! security e-mails; the sessions list is in `bezpieczenstwo_sesje`. The helpers here are shared.

use crate::helpers::{TestApp, csrf_of, spawn_app};
use panel::domain::security::{base32_decode, totp_at, totp_step};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

pub(crate) const ABONENT: &str = "abonent@example.com";
const KSIEGOWOSC: &str = "ksiegowosc@example.com";
const TECH: &str = "tech@example.com";
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

#[tokio::test]
async fn enabling_needs_a_current_code_and_then_login_asks_for_the_code_from_the_app() {
    let app = spawn_app().await;
    let client = browser(None);
    log_in(&app, &client, ABONENT).await;
    post(
        &app,
        &client,
        "/bezpieczenstwo",
        "/bezpieczenstwo/2fa/konfiguruj",
        &[],
    )
    .await;
    let page = security_page(&app, &client).await;
    let key = text_after(&page, "id=\"klucz\">").replace(' ', "");
    let right = app_code(&app, &key, 0);
    let wrong = if right == "123456" {
        "654321"
    } else {
        "123456"
    };
    let refused = post(
        &app,
        &client,
        "/bezpieczenstwo",
        "/bezpieczenstwo/2fa/wlacz",
        &[("kod", wrong)],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Nieprawidłowy lub już użyty kod")
    );
    assert!(
        !app.state.store.second_factor(ABONENT).unwrap().enabled,
        "still off"
    );
    assert_eq!(mails_about(&app, ABONENT, CHANGE), 0);

    let enabled = post(
        &app,
        &client,
        "/bezpieczenstwo",
        "/bezpieczenstwo/2fa/wlacz",
        &[("kod", &right)],
    )
    .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    assert!(
        enabled
            .text()
            .await
            .unwrap()
            .contains("nie pokażemy ich ponownie")
    );
    assert!(security_page(&app, &client).await.contains("Włączona"));
    let mail = app
        .next_mail(ABONENT, "włączono weryfikację dwuetapową")
        .await;
    assert!(mail.contains("Jeśli to nie Ty"), "the mail says what to do");
    log_out(&app, &client).await;

    let first_step = enter_emailed_code(&app, &client, ABONENT).await;
    assert_eq!(
        first_step.headers()["location"],
        "/logowanie/2fa",
        "asked for the second factor"
    );
    assert_eq!(
        get(&app, &client, "/pulpit").await.status(),
        StatusCode::SEE_OTHER,
        "no session yet"
    );
    let ask = get(&app, &client, "/logowanie/2fa")
        .await
        .text()
        .await
        .unwrap();
    assert!(ask.contains("Kod z aplikacji"));
    app.clock.advance(jiff::SignedDuration::from_secs(30));
    let code = app_code(&app, &key, 0);
    let done = post(
        &app,
        &client,
        "/logowanie/2fa",
        "/logowanie/2fa",
        &[("kod", &code)],
    )
    .await;
    assert_eq!(done.headers()["location"], "/pulpit");
    assert_eq!(
        get(&app, &client, "/pulpit").await.status(),
        StatusCode::OK,
        "the Pulpit"
    );

    log_out(&app, &client).await;
    enter_emailed_code(&app, &client, ABONENT).await;
    let reused = post(
        &app,
        &client,
        "/logowanie/2fa",
        "/logowanie/2fa",
        &[("kod", &code)],
    )
    .await;
    assert_eq!(
        reused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the same code again is refused"
    );
    assert!(reused.text().await.unwrap().contains("Nieprawidłowy kod"));
    assert_eq!(
        get(&app, &client, "/pulpit").await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_recovery_code_logs_in_once() {
    let app = spawn_app().await;
    let client = browser(None);
    log_in(&app, &client, ABONENT).await;
    let (_, codes) = enable_second_factor(&app, &client).await;
    log_out(&app, &client).await;

    enter_emailed_code(&app, &client, ABONENT).await;
    let done = post(
        &app,
        &client,
        "/logowanie/2fa",
        "/logowanie/2fa",
        &[("kod", &codes[3].to_uppercase())],
    )
    .await;
    assert_eq!(done.headers()["location"], "/pulpit");
    let page = security_page(&app, &client).await;
    assert_eq!(text_after(&page, "id=\"kody-pozostale\">"), "9");
    log_out(&app, &client).await;

    enter_emailed_code(&app, &client, ABONENT).await;
    let again = post(
        &app,
        &client,
        "/logowanie/2fa",
        "/logowanie/2fa",
        &[("kod", &codes[3])],
    )
    .await;
    assert_eq!(
        again.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a used recovery code is refused"
    );
    let other = post(
        &app,
        &client,
        "/logowanie/2fa",
        "/logowanie/2fa",
        &[("kod", &codes[4])],
    )
    .await;
    assert_eq!(
        other.headers()["location"],
        "/pulpit",
        "an unused one works"
    );
}

#[tokio::test]
async fn five_wrong_codes_end_the_second_step_and_the_right_one_is_then_too_late() {
    let app = spawn_app().await;
    let client = browser(None);
    log_in(&app, &client, ABONENT).await;
    let (key, _) = enable_second_factor(&app, &client).await;
    log_out(&app, &client).await;
    enter_emailed_code(&app, &client, ABONENT).await;
    app.clock.advance(jiff::SignedDuration::from_secs(30));
    let right = app_code(&app, &key, 0);
    let wrong = if right == "111111" {
        "222222"
    } else {
        "111111"
    };
    for attempt in 1..=4 {
        let response = post(
            &app,
            &client,
            "/logowanie/2fa",
            "/logowanie/2fa",
            &[("kod", wrong)],
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "try {attempt}"
        );
    }
    let fifth = post(
        &app,
        &client,
        "/logowanie/2fa",
        "/logowanie/2fa",
        &[("kod", wrong)],
    )
    .await;
    assert_eq!(fifth.status(), StatusCode::GONE);
    assert!(fifth.text().await.unwrap().contains("Zaloguj się ponownie"));
    let late = post(
        &app,
        &client,
        "/logowanie",
        "/logowanie/2fa",
        &[("kod", &right)],
    )
    .await;
    assert_eq!(
        late.headers()["location"],
        "/logowanie",
        "the pending login is gone"
    );
    assert_eq!(
        get(&app, &client, "/pulpit").await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_owners_requirement_sends_ksiegowosc_to_bezpieczenstwo_until_she_sets_it_up() {
    let app = spawn_app().await;
    let owner = browser(None);
    log_in(&app, &owner, ABONENT).await;
    let response = post(
        &app,
        &owner,
        "/bezpieczenstwo",
        "/bezpieczenstwo/wymaganie",
        &[("wymagaj", "tak")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        app.state
            .store
            .account_security(app.account_id(ABONENT))
            .unwrap()
            .require_second_factor
    );
    app.next_mail(KSIEGOWOSC, "zaczął wymagać weryfikacji dwuetapowej")
        .await;

    let accountant = browser(None);
    log_in(&app, &accountant, KSIEGOWOSC).await;
    for path in ["/pulpit", "/faktury", "/uzytkownicy"] {
        let response = get(&app, &accountant, path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()["location"], "/bezpieczenstwo", "{path}");
    }
    let page = security_page(&app, &accountant).await;
    assert!(page.contains("Właściciel konta wymaga weryfikacji dwuetapowej"));
    let (key, _) = enable_second_factor(&app, &accountant).await;
    let code = app_code(&app, &key, 1);
    let off = post(
        &app,
        &accountant,
        "/bezpieczenstwo",
        "/bezpieczenstwo/2fa/wylacz",
        &[("kod", &code)],
    )
    .await;
    assert_eq!(
        off.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "required: it cannot be turned off"
    );
    assert!(app.state.store.second_factor(KSIEGOWOSC).unwrap().enabled);
    assert_eq!(
        get(&app, &accountant, "/pulpit").await.status(),
        StatusCode::OK,
        "set up: the panel opens"
    );
    assert_eq!(
        get(&app, &owner, "/pulpit").await.status(),
        StatusCode::SEE_OTHER,
        "the owner has to set it up too"
    );
}

#[tokio::test]
async fn techniczny_cannot_set_the_account_requirement() {
    let app = spawn_app().await;
    let email = panel::domain::Email::parse(TECH).unwrap();
    if app.state.store.user_by_email(&email).unwrap().is_none() {
        let args = [
            "add-user",
            "--account-of",
            ABONENT,
            "--email",
            TECH,
            "--role",
            "technical",
        ];
        app.admin_ok(&args).await;
    }
    let tech = browser(None);
    log_in(&app, &tech, TECH).await;
    let page = security_page(&app, &tech).await;
    assert!(
        !page.contains("/bezpieczenstwo/wymaganie"),
        "no such form for Techniczny"
    );
    let response = post(
        &app,
        &tech,
        "/bezpieczenstwo",
        "/bezpieczenstwo/wymaganie",
        &[("wymagaj", "tak")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        !app.state
            .store
            .account_security(app.account_id(ABONENT))
            .unwrap()
            .require_second_factor
    );
}

#[tokio::test]
async fn the_emailed_link_also_leads_to_the_second_step() {
    let app = spawn_app().await;
    let client = browser(None);
    log_in(&app, &client, ABONENT).await;
    let (key, _) = enable_second_factor(&app, &client).await;
    log_out(&app, &client).await;
    post(
        &app,
        &client,
        "/logowanie",
        "/logowanie",
        &[("email", ABONENT)],
    )
    .await;
    let mail = app.next_login_mail(ABONENT).await;
    let path = mail.link.trim_start_matches(&app.base).to_string();
    let clicked = post(&app, &client, "/logowanie", &path, &[]).await;
    assert_eq!(clicked.headers()["location"], "/logowanie/2fa");
    assert_eq!(
        get(&app, &client, "/pulpit").await.status(),
        StatusCode::SEE_OTHER
    );
    app.clock.advance(jiff::SignedDuration::from_secs(30));
    let code = app_code(&app, &key, 0);
    let done = post(
        &app,
        &client,
        "/logowanie/2fa",
        "/logowanie/2fa",
        &[("kod", &code)],
    )
    .await;
    assert_eq!(done.headers()["location"], "/pulpit");
}

#[tokio::test]
async fn turning_the_second_factor_off_needs_a_good_code_and_is_emailed() {
    let app = spawn_app().await;
    let client = browser(None);
    log_in(&app, &client, ABONENT).await;
    let (_, codes) = enable_second_factor(&app, &client).await;
    let refused = post(
        &app,
        &client,
        "/bezpieczenstwo",
        "/bezpieczenstwo/2fa/wylacz",
        &[("kod", "aaaaa-aaaaa")],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.state.store.second_factor(ABONENT).unwrap().enabled,
        "still on"
    );
    let off = post(
        &app,
        &client,
        "/bezpieczenstwo",
        "/bezpieczenstwo/2fa/wylacz",
        &[("kod", &codes[0])],
    )
    .await;
    assert_eq!(off.status(), StatusCode::SEE_OTHER);
    assert!(!app.state.store.second_factor(ABONENT).unwrap().enabled);
    app.next_mail(ABONENT, "wyłączono weryfikację dwuetapową")
        .await;
    log_out(&app, &client).await;
    log_in(&app, &client, ABONENT).await;
}
