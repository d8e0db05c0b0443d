//! Użytkownicy: invitations, roles and their rules, removal, one person in several accounts.

use crate::helpers::{TestApp, spawn_app};
use panel::domain::{Email, Role, User};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use std::sync::Arc;

const OWNER: &str = "abonent@example.com";
const ACCOUNTANT: &str = "ksiegowosc@example.com";
const OTHER_OWNER: &str = "inny@example.com";
const NEWCOMER: &str = "nowa@example.com";

/// Another browser (its own cookies) for the same app: returns the previous one.
fn new_browser(app: &mut TestApp) -> (reqwest::Client, Arc<reqwest::cookie::Jar>) {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(Policy::none())
        .build()
        .unwrap();
    let old_client = std::mem::replace(&mut app.client, client);
    let old_jar = std::mem::replace(&mut app.jar, jar);
    (old_client, old_jar)
}

fn back_to(app: &mut TestApp, browser: (reqwest::Client, Arc<reqwest::cookie::Jar>)) {
    app.client = browser.0;
    app.jar = browser.1;
}

/// A form POST with the CSRF token, as a plain browser sends it.
async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf().await;
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    app.post_form(path, &all).await
}

async fn post_htmx(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf().await;
    app.client
        .post(app.url(path))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", token)
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn invite(app: &TestApp, email: &str, role: &str) -> reqwest::Response {
    post(
        app,
        "/uzytkownicy/zapros",
        &[("email", email), ("imie", "Ola Nowa"), ("rola", role)],
    )
    .await
}

/// The token of the next invitation e-mailed to `to`.
async fn invitation_token(app: &TestApp, to: &str) -> String {
    let text = app.next_mail(to, "/zaproszenie/").await;
    let link = format!("{}/zaproszenie/", app.state.base_url);
    let at = text
        .find(&link)
        .expect("the link is built from the base URL")
        + link.len();
    text[at..at + 64].to_string()
}

fn users_of(app: &TestApp, owner: &str) -> Vec<User> {
    app.state
        .store
        .users_of_account(app.account_id(owner))
        .unwrap()
}

fn user(app: &TestApp, owner: &str, email: &str) -> Option<User> {
    users_of(app, owner)
        .into_iter()
        .find(|u| u.email.as_str() == email)
}

fn add_user(app: &TestApp, owner: &str, email: &str, role: Role) -> User {
    let email = Email::parse(email).unwrap();
    app.state
        .store
        .add_user(app.account_id(owner), &email, "Ktoś", role, app.clock.now())
        .unwrap()
}

fn invitations_of(app: &TestApp, owner: &str) -> usize {
    app.state
        .store
        .invitations_of_account(app.account_id(owner))
        .unwrap()
        .len()
}

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path} is shown");
    response.text().await.unwrap()
}

/// Invites `email` into `owner`'s account as `owner` (logged in) and accepts it in another browser.
async fn invite_and_accept(app: &mut TestApp, email: &str, role: &str) {
    assert_eq!(
        invite(app, email, role).await.status(),
        StatusCode::SEE_OTHER
    );
    let token = invitation_token(app, email).await;
    let owner = new_browser(app);
    let accepted = post(app, &format!("/zaproszenie/{token}"), &[]).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    back_to(app, owner);
}

#[tokio::test]
async fn an_invited_person_accepts_by_button_logs_in_with_their_own_address_and_sees_what_the_role_allows()
 {
    let mut app = spawn_app().await;
    app.log_in(OWNER).await;
    assert!(
        page(&app, "/uzytkownicy")
            .await
            .contains("Zaproś użytkownika")
    );
    let sent = invite(&app, NEWCOMER, "techniczny").await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(sent.headers()["location"], "/uzytkownicy");
    let listed = page(&app, "/uzytkownicy").await;
    assert!(listed.contains("Zaproszenia oczekujące") && listed.contains(NEWCOMER));
    let token = invitation_token(&app, NEWCOMER).await;

    new_browser(&mut app);
    let shown = page(&app, &format!("/zaproszenie/{token}")).await;
    assert!(shown.contains("Przyjmij zaproszenie") && shown.contains("Przykładowa Firma"));
    page(&app, &format!("/zaproszenie/{token}")).await;
    assert!(
        user(&app, OWNER, NEWCOMER).is_none(),
        "opening the link accepts nothing"
    );

    let accepted = post(&app, &format!("/zaproszenie/{token}"), &[]).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let text = accepted.text().await.unwrap();
    assert!(text.contains("Zaloguj się swoim adresem"));
    assert!(
        text.contains(&format!("value=\"{NEWCOMER}\"")),
        "the address is filled in"
    );
    assert_eq!(user(&app, OWNER, NEWCOMER).unwrap().role, Role::Technical);
    let again = post(&app, &format!("/zaproszenie/{token}"), &[]).await;
    assert_eq!(
        again.status(),
        StatusCode::GONE,
        "an invitation is used once"
    );

    assert!(user(&app, OWNER, NEWCOMER).unwrap().last_login.is_none());
    app.log_in(NEWCOMER).await;
    let recorded = user(&app, OWNER, NEWCOMER).unwrap().last_login;
    assert!(recorded.is_some(), "the login is recorded");
    let pulpit = app.pulpit().await;
    assert!(
        pulpit.contains("przykladowa-firma.pl"),
        "the account's services"
    );
    assert!(!pulpit.contains("Dodaj użytkownika"));
    assert_eq!(app.get("/faktury").await.status(), StatusCode::FORBIDDEN);
    let users = page(&app, "/uzytkownicy").await;
    assert!(users.contains(NEWCOMER) && !users.contains("Zaproś użytkownika"));
    assert!(!users.contains("poleceniem") && !users.contains("panel admin"));
}

#[tokio::test]
async fn an_expired_invitation_is_refused_and_creates_nobody() {
    let mut app = spawn_app().await;
    app.log_in(OWNER).await;
    invite(&app, NEWCOMER, "ksiegowosc").await;
    let token = invitation_token(&app, NEWCOMER).await;
    app.clock.advance(jiff::SignedDuration::from_hours(7 * 24));
    new_browser(&mut app);
    let shown = app.get(&format!("/zaproszenie/{token}")).await;
    assert_eq!(shown.status(), StatusCode::GONE);
    let accepted = post(&app, &format!("/zaproszenie/{token}"), &[]).await;
    assert_eq!(accepted.status(), StatusCode::GONE);
    assert!(user(&app, OWNER, NEWCOMER).is_none());
}

#[tokio::test]
async fn inviting_again_replaces_the_older_invitation_and_a_cancelled_one_is_dead() {
    let mut app = spawn_app().await;
    app.log_in(OWNER).await;
    invite(&app, NEWCOMER, "techniczny").await;
    let first = invitation_token(&app, NEWCOMER).await;
    invite(&app, NEWCOMER, "ksiegowosc").await;
    let second = invitation_token(&app, NEWCOMER).await;
    assert_eq!(
        invitations_of(&app, OWNER),
        1,
        "one pending invitation per address"
    );
    assert_eq!(
        app.get(&format!("/zaproszenie/{first}")).await.status(),
        StatusCode::GONE
    );
    let id = app
        .state
        .store
        .invitations_of_account(app.account_id(OWNER))
        .unwrap()[0]
        .id;
    let cancelled = post(&app, &format!("/uzytkownicy/zaproszenia/{id}/anuluj"), &[]).await;
    assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
    new_browser(&mut app);
    assert_eq!(
        post(&app, &format!("/zaproszenie/{second}"), &[])
            .await
            .status(),
        StatusCode::GONE
    );
    assert!(user(&app, OWNER, NEWCOMER).is_none());
}

#[tokio::test]
async fn an_administrator_cannot_invite_an_owner_nor_raise_their_own_role() {
    let app = spawn_app().await;
    let admin = add_user(&app, OWNER, "admin@example.com", Role::Administrator);
    app.log_in("admin@example.com").await;
    let refused = invite(&app, NEWCOMER, "wlasciciel").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text().await.unwrap();
    assert!(text.contains("Nie możesz nadać roli wyższej niż Twoja własna."));
    assert!(
        text.contains(&format!("value=\"{NEWCOMER}\"")),
        "the form keeps the address"
    );
    assert_eq!(invitations_of(&app, OWNER), 0, "nothing stored");

    let promoted = post(
        &app,
        &format!("/uzytkownicy/{}/rola", admin.id),
        &[("rola", "wlasciciel")],
    )
    .await;
    assert_eq!(promoted.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        promoted
            .text()
            .await
            .unwrap()
            .contains("Nie możesz podnieść własnej roli.")
    );
    assert_eq!(
        user(&app, OWNER, "admin@example.com").unwrap().role,
        Role::Administrator
    );

    let accountant = user(&app, OWNER, ACCOUNTANT).unwrap();
    let above = post(
        &app,
        &format!("/uzytkownicy/{}/rola", accountant.id),
        &[("rola", "wlasciciel")],
    )
    .await;
    assert_eq!(above.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        user(&app, OWNER, ACCOUNTANT).unwrap().role,
        Role::Accounting
    );
    let owner = user(&app, OWNER, OWNER).unwrap();
    let removed = post(&app, &format!("/uzytkownicy/{}/usun", owner.id), &[]).await;
    assert_eq!(
        removed.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the owner cannot be removed"
    );
    assert!(user(&app, OWNER, OWNER).is_some());
}

#[tokio::test]
async fn ksiegowosc_and_techniczny_get_403_for_every_change_and_nothing_changes() {
    let mut app = spawn_app().await;
    add_user(&app, OWNER, "tech@example.com", Role::Technical);
    let target = user(&app, OWNER, OWNER).unwrap();
    for email in [ACCOUNTANT, "tech@example.com"] {
        new_browser(&mut app);
        app.log_in(email).await;
        let me = user(&app, OWNER, email).unwrap();
        let before: Vec<_> = users_of(&app, OWNER)
            .iter()
            .map(|u| (u.id, u.role))
            .collect();
        for (path, fields) in [
            (
                "/uzytkownicy/zapros".to_string(),
                vec![("email", NEWCOMER), ("imie", "X"), ("rola", "techniczny")],
            ),
            (
                format!("/uzytkownicy/{}/rola", me.id),
                vec![("rola", "administrator")],
            ),
            (
                format!("/uzytkownicy/{}/rola", target.id),
                vec![("rola", "techniczny")],
            ),
            (format!("/uzytkownicy/{}/usun", target.id), vec![]),
            ("/uzytkownicy/zaproszenia/1/anuluj".to_string(), vec![]),
        ] {
            let response = post(&app, &path, &fields).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email} {path}");
        }
        let after: Vec<_> = users_of(&app, OWNER)
            .iter()
            .map(|u| (u.id, u.role))
            .collect();
        assert_eq!(before, after);
        assert_eq!(invitations_of(&app, OWNER), 0);
        assert!(
            !app.pulpit().await.contains("Dodaj użytkownika"),
            "{email} sees no invite link"
        );
    }
}

#[tokio::test]
async fn an_account_id_field_is_ignored_the_invitation_goes_to_the_sessions_account() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let other = app.account_id(OTHER_OWNER).to_string();
    let sent = post(
        &app,
        "/uzytkownicy/zapros",
        &[
            ("email", NEWCOMER),
            ("imie", "Ola"),
            ("rola", "techniczny"),
            ("account_id", &other),
        ],
    )
    .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(invitations_of(&app, OWNER), 1);
    assert_eq!(invitations_of(&app, OTHER_OWNER), 0);
}

#[tokio::test]
async fn a_removed_user_is_logged_out_at_their_next_request() {
    let mut app = spawn_app().await;
    app.log_in(OWNER).await;
    let owner = new_browser(&mut app);
    app.log_in(ACCOUNTANT).await;
    app.pulpit().await;
    let accountant = back_to_and_keep(&mut app, owner);
    let id = user(&app, OWNER, ACCOUNTANT).unwrap().id;
    let removed = post(&app, &format!("/uzytkownicy/{id}/usun"), &[]).await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert!(user(&app, OWNER, ACCOUNTANT).is_none());
    back_to(&mut app, accountant);
    let next = app.get("/pulpit").await;
    assert_eq!(next.status(), StatusCode::SEE_OTHER);
    assert!(
        next.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/logowanie")
    );
}

/// Switches to `browser`, returning the one in use.
fn back_to_and_keep(
    app: &mut TestApp,
    browser: (reqwest::Client, Arc<reqwest::cookie::Jar>),
) -> (reqwest::Client, Arc<reqwest::cookie::Jar>) {
    let current = (app.client.clone(), app.jar.clone());
    back_to(app, browser);
    current
}

#[tokio::test]
async fn the_last_owner_cannot_step_down_or_leave_but_can_once_another_owner_exists() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let me = user(&app, OWNER, OWNER).unwrap();
    let down = post(
        &app,
        &format!("/uzytkownicy/{}/rola", me.id),
        &[("rola", "administrator")],
    )
    .await;
    assert_eq!(down.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        down.text()
            .await
            .unwrap()
            .contains("Konto musi mieć właściciela.")
    );
    let leave = post(&app, &format!("/uzytkownicy/{}/usun", me.id), &[]).await;
    assert_eq!(leave.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(user(&app, OWNER, OWNER).unwrap().role, Role::Owner);

    let accountant = user(&app, OWNER, ACCOUNTANT).unwrap();
    let promoted = post(
        &app,
        &format!("/uzytkownicy/{}/rola", accountant.id),
        &[("rola", "wlasciciel")],
    )
    .await;
    assert_eq!(promoted.status(), StatusCode::SEE_OTHER);
    let down = post(
        &app,
        &format!("/uzytkownicy/{}/rola", me.id),
        &[("rola", "administrator")],
    )
    .await;
    assert_eq!(
        down.status(),
        StatusCode::SEE_OTHER,
        "another owner remains"
    );
    assert_eq!(user(&app, OWNER, OWNER).unwrap().role, Role::Administrator);
}

#[tokio::test]
async fn one_address_in_two_accounts_chooses_the_account_with_the_switcher() {
    let mut app = spawn_app().await;
    app.log_in(OTHER_OWNER).await;
    invite_and_accept(&mut app, OWNER, "techniczny").await;
    new_browser(&mut app);
    app.log_in(OWNER).await;
    let pulpit = app.pulpit().await;
    assert!(
        pulpit.contains("przykladowa-firma.pl"),
        "login starts in the account used before"
    );
    assert!(
        pulpit.contains("action=\"/konto/przelacz\""),
        "the switcher is shown"
    );
    let old_session = app.session_cookie().await;
    let other = user(&app, OTHER_OWNER, OWNER).unwrap();
    let switched = post(&app, "/konto/przelacz", &[("konto", &other.id.to_string())]).await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_ne!(
        app.session_cookie().await,
        old_session,
        "a new session token"
    );
    let pulpit = app.pulpit().await;
    assert!(pulpit.contains("wisniewski.pl") && !pulpit.contains("przykladowa-firma.pl"));
    assert!(
        pulpit.contains("Przełączono na konto Piotr Wiśniewski."),
        "the message names the account switched to"
    );
    assert!(
        !pulpit.contains("Dodaj użytkownika"),
        "Techniczny in this account"
    );
    assert!(
        app.state
            .store
            .session(&old_session, app.clock.now())
            .unwrap()
            .is_none(),
        "the old session ended"
    );

    new_browser(&mut app);
    app.log_in(OWNER).await;
    assert!(
        app.pulpit().await.contains("wisniewski.pl"),
        "the next login starts where the person left"
    );

    let stranger = user(&app, OTHER_OWNER, OTHER_OWNER).unwrap();
    let refused = post(
        &app,
        "/konto/przelacz",
        &[("konto", &stranger.id.to_string())],
    )
    .await;
    assert_eq!(
        refused.status(),
        StatusCode::NOT_FOUND,
        "only one's own memberships"
    );
}

#[tokio::test]
async fn inviting_a_current_user_says_they_already_belong() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let refused = invite(&app, ACCOUNTANT, "techniczny").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Ta osoba jest już użytkownikiem tego konta.")
    );
    assert_eq!(invitations_of(&app, OWNER), 0);
}

#[tokio::test]
async fn a_user_of_one_account_cannot_act_on_another_accounts_users() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let stranger = user(&app, OTHER_OWNER, OTHER_OWNER).unwrap();
    let role = post(
        &app,
        &format!("/uzytkownicy/{}/rola", stranger.id),
        &[("rola", "techniczny")],
    )
    .await;
    assert_eq!(role.status(), StatusCode::NOT_FOUND);
    let removed = post(&app, &format!("/uzytkownicy/{}/usun", stranger.id), &[]).await;
    assert_eq!(removed.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        user(&app, OTHER_OWNER, OTHER_OWNER).unwrap().role,
        Role::Owner
    );
}

#[tokio::test]
async fn with_htmx_the_section_comes_back_with_the_new_invitation_or_the_error_in_place() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let sent = post_htmx(
        &app,
        "/uzytkownicy/zapros",
        &[("email", NEWCOMER), ("imie", "Ola"), ("rola", "techniczny")],
    )
    .await;
    assert_eq!(sent.status(), StatusCode::OK);
    let html = sent.text().await.unwrap();
    assert!(
        html.starts_with("<section class=\"block\" id=\"uzytkownicy\""),
        "{html}"
    );
    assert!(html.contains("Wysłaliśmy zaproszenie") && html.contains(NEWCOMER));
    let wrong = post_htmx(
        &app,
        "/uzytkownicy/zapros",
        &[("email", "nie-adres"), ("imie", ""), ("rola", "techniczny")],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("zapros-email-blad") && html.contains("Podaj imię i nazwisko."));
    assert!(
        html.contains("value=\"nie-adres\""),
        "the form keeps what was typed"
    );
}

/// Posts the invite form for a user limited to `services`.
async fn invite_limited(
    app: &TestApp,
    email: &str,
    role: &str,
    services: &[u64],
) -> reqwest::Response {
    let ids: Vec<String> = services.iter().map(u64::to_string).collect();
    let mut fields = vec![
        ("email", email),
        ("imie", "Ola Nowa"),
        ("rola", role),
        ("zakres", "wybrane"),
    ];
    fields.extend(ids.iter().map(|id| ("usluga", id.as_str())));
    post(app, "/uzytkownicy/zapros", &fields).await
}

#[tokio::test]
async fn a_user_limited_to_chosen_services_sees_and_acts_only_on_them() {
    let mut app = spawn_app().await;
    let domain = app.service_id(OWNER, "przykladowa-firma.pl");
    let other_domain = app.service_id(OWNER, "przykladowa-firma.com");
    let hosting = app.service_id(OWNER, "Serwer WWW 1");
    let foreign = app.service_id(OTHER_OWNER, "wisniewski.pl");
    app.log_in(OWNER).await;
    let sent = invite_limited(&app, NEWCOMER, "ksiegowosc", &[domain, foreign]).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let token = invitation_token(&app, NEWCOMER).await;
    new_browser(&mut app);
    post(&app, &format!("/zaproszenie/{token}"), &[]).await;
    let limited = user(&app, OWNER, NEWCOMER).unwrap();
    assert_eq!(
        limited.scope,
        Some(vec![domain]),
        "another account's service is dropped"
    );

    app.log_in(NEWCOMER).await;
    let pulpit = app.pulpit().await;
    assert!(pulpit.contains("przykladowa-firma.pl"));
    assert!(!pulpit.contains("przykladowa-firma.com") && !pulpit.contains("Serwer WWW 1"));
    assert!(!pulpit.contains("Stan płatności"), "no account-wide money");
    assert_eq!(
        app.get(&format!("/uslugi/{domain}")).await.status(),
        StatusCode::OK
    );
    for id in [other_domain, hosting, foreign] {
        assert_eq!(
            app.get(&format!("/uslugi/{id}")).await.status(),
            StatusCode::NOT_FOUND
        );
        // Paying is account-wide, so a scoped user is refused before any service is looked up:
        // the same answer for every id, whoever owns it.
        let renew = post(&app, &format!("/uslugi/{id}/odnow"), &[]).await;
        assert_eq!(
            renew.status(),
            StatusCode::FORBIDDEN,
            "Odnów outside the scope"
        );
    }
    let domains = page(&app, "/domeny").await;
    assert!(domains.contains("przykladowa-firma.pl") && !domains.contains("przykladowa-firma.com"));
    assert!(
        !page(&app, "/skrzynki")
            .await
            .contains("biuro@przykladowa-firma.pl")
    );
    for path in ["/faktury", "/platnosci"] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}: account-wide billing"
        );
    }
    let proformas = app.proformas_of(OWNER).len();
    let renew = post(&app, &format!("/uslugi/{domain}/odnow"), &[]).await;
    assert_eq!(renew.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.proformas_of(OWNER).len(), proformas, "nothing issued");
}

#[tokio::test]
async fn the_owner_limits_a_users_access_at_once_but_not_an_administrators() {
    let mut app = spawn_app().await;
    let domain = app.service_id(OWNER, "przykladowa-firma.pl");
    let admin = add_user(&app, OWNER, "admin@example.com", Role::Administrator);
    let accountant = user(&app, OWNER, ACCOUNTANT).unwrap();
    app.log_in(ACCOUNTANT).await;
    assert_eq!(app.get("/faktury").await.status(), StatusCode::OK);
    let accountant_browser = new_browser(&mut app);
    app.log_in(OWNER).await;
    let id = domain.to_string();
    let limit = [("zakres", "wybrane"), ("usluga", id.as_str())];
    let limited = post(
        &app,
        &format!("/uzytkownicy/{}/zakres", accountant.id),
        &limit,
    )
    .await;
    assert_eq!(limited.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        user(&app, OWNER, ACCOUNTANT).unwrap().scope,
        Some(vec![domain])
    );
    let refused = post(&app, &format!("/uzytkownicy/{}/zakres", admin.id), &limit).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("mają dostęp do całego konta")
    );
    assert_eq!(user(&app, OWNER, "admin@example.com").unwrap().scope, None);
    let none = post(
        &app,
        &format!("/uzytkownicy/{}/zakres", accountant.id),
        &[("zakres", "wybrane")],
    )
    .await;
    assert_eq!(
        none.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "at least one service"
    );

    back_to(&mut app, accountant_browser);
    assert_eq!(
        app.get("/faktury").await.status(),
        StatusCode::FORBIDDEN,
        "the live session is limited at once"
    );
}

#[tokio::test]
async fn an_administrator_who_leaves_the_account_is_logged_out_and_cannot_come_back_in() {
    let app = spawn_app().await;
    let admin = add_user(&app, OWNER, "admin@example.com", Role::Administrator);
    app.log_in("admin@example.com").await;
    let left = post(&app, &format!("/uzytkownicy/{}/usun", admin.id), &[]).await;
    assert_eq!(left.status(), StatusCode::SEE_OTHER);
    assert_eq!(left.headers()["location"], "/logowanie");
    assert!(user(&app, OWNER, "admin@example.com").is_none());
    let next = app.get("/pulpit").await;
    assert_eq!(next.status(), StatusCode::SEE_OTHER, "the session is gone");
}
