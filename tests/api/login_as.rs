//! "Log in as customer": `panel admin login-as EMAIL` prints a one-time link; it opens a
//! read-only view with a banner where every page reads and every change is refused; the link
//! works once and for 10 minutes; creating and using it are in the audit log.

use crate::helpers::{TestApp, csrf_of, new_client, spawn_app};
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";
const BANNER: &str = "Podgląd konta — tylko do odczytu";

/// The link's path (`/podglad/…`) from the command's output.
async fn login_as_link(app: &TestApp) -> String {
    let output = app.admin_ok(&["login-as", ABONENT]).await;
    let link = output.lines().last().unwrap().trim().to_string();
    assert!(
        link.starts_with(&app.base),
        "the link is to the panel: {link}"
    );
    link[app.base.len()..].to_string()
}

/// Opens the link in a new browser and presses its button; the answer to the button.
async fn open(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    let page = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "the link's page opens");
    let token = csrf_of(&page.text().await.unwrap());
    client
        .post(app.url(path))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_read_only_view_shows_every_page_with_a_banner_and_refuses_every_change() {
    let app = spawn_app().await;
    let path = login_as_link(&app).await;
    let browser = new_client();
    let opened = open(&app, &browser, &path).await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    assert_eq!(opened.headers()["location"], "/pulpit");
    let cookie = opened
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("panel_session="))
        .unwrap();
    assert!(
        !cookie.contains("Max-Age"),
        "the view ends with the browser: {cookie}"
    );

    for page in [
        "/pulpit",
        "/faktury",
        "/dane-abonenta",
        "/uzytkownicy",
        "/konto/dziennik",
    ] {
        let response = browser.get(app.url(page)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{page} opens");
        assert!(
            response.text().await.unwrap().contains(BANNER),
            "{page} has the banner"
        );
    }

    let documents = app.documents_of(ABONENT).len();
    let service = app
        .state
        .store
        .services_of_account(app.account_id(ABONENT))
        .unwrap()[0]
        .id;
    let pulpit = browser.get(app.url("/pulpit")).send().await.unwrap();
    let token = csrf_of(&pulpit.text().await.unwrap());
    let renew = browser
        .post(app.url(&format!("/uslugi/{service}/odnow")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(renew.status(), StatusCode::FORBIDDEN, "Odnów is refused");
    assert!(renew.text().await.unwrap().contains("tylko do odczytu"));
    let data = browser
        .post(app.url("/dane-abonenta"))
        .form(&[("nazwa", "Zmieniona"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(data.status(), StatusCode::FORBIDDEN, "a form is refused");
    assert_eq!(
        app.documents_of(ABONENT).len(),
        documents,
        "no proforma was issued"
    );
    let account = app
        .state
        .store
        .account(app.account_id(ABONENT))
        .unwrap()
        .unwrap();
    assert_ne!(account.name, "Zmieniona", "the data did not change");

    let log = app.admin_ok(&["audit", "--account", ABONENT]).await;
    assert!(log.contains("operator\tlogin_as_link\tsocket"), "{log}");
    assert!(log.contains("operator\tlogin_as_used\t127.0.0.1"), "{log}");
    assert!(
        !log.contains(&path["/podglad/".len()..]),
        "the token is in no entry"
    );
}

#[tokio::test]
async fn the_link_works_once_and_not_after_ten_minutes() {
    let app = spawn_app().await;
    let path = login_as_link(&app).await;
    let first = open(&app, &new_client(), &path).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let again = new_client().get(app.url(&path)).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::GONE, "used once");

    let late = login_as_link(&app).await;
    app.clock.advance(jiff::SignedDuration::from_mins(11));
    let expired = new_client().get(app.url(&late)).send().await.unwrap();
    assert_eq!(
        expired.status(),
        StatusCode::GONE,
        "expired after 10 minutes"
    );
}

#[tokio::test]
async fn a_login_as_for_an_unknown_address_is_refused() {
    let app = spawn_app().await;
    let output = app.admin(&["login-as", "nikt@example.com"]).await;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no active user"));
}

#[tokio::test]
async fn only_the_printed_link_opens_the_view_not_another_token_of_its_form() {
    let app = spawn_app().await;
    let path = login_as_link(&app).await;
    let token = &path["/podglad/".len()..];
    let forged: String = token
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    let guessed = new_client()
        .get(app.url(&format!("/podglad/{forged}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        guessed.status(),
        StatusCode::GONE,
        "a guessed token opens nothing"
    );
    let client = new_client();
    let csrf = {
        let page = client.get(app.url(&path)).send().await.unwrap();
        csrf_of(&page.text().await.unwrap())
    };
    let pressed = client
        .post(app.url(&format!("/podglad/{forged}")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_ne!(
        pressed.status(),
        StatusCode::SEE_OTHER,
        "no session for a guess"
    );
    let real = open(&app, &new_client(), &path).await;
    assert_eq!(
        real.status(),
        StatusCode::SEE_OTHER,
        "the real link still works"
    );
}
