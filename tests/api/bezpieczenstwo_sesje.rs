//! Bezpieczeństwo: the list of sessions with "Zakończ" and "Wyloguj wszystkie pozostałe" (the
//! ended session's next request goes to login), and the e-mail after a login from a new browser.

use crate::bezpieczenstwo_kroki::{
    ABONENT, CHANGE, FIREFOX, NEW_LOGIN, browser, enter_emailed_code, get, log_in, log_out,
    mails_about, post, security_page,
};
use crate::helpers::spawn_app;
use reqwest::StatusCode;

/// The public id of the first session the list offers to end.
fn other_session_id(page: &str) -> String {
    let at = page.find("name=\"id\" value=\"").expect("a session to end") + 17;
    page[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn the_sessions_list_shows_both_browsers_and_zakoncz_ends_the_other_at_once() {
    let app = spawn_app().await;
    let (mine, other) = (browser(None), browser(Some(FIREFOX)));
    log_in(&app, &mine, ABONENT).await;
    log_in(&app, &other, ABONENT).await;
    assert_eq!(get(&app, &other, "/pulpit").await.status(), StatusCode::OK);
    let page = security_page(&app, &mine).await;
    assert_eq!(page.matches("<tr><td>").count(), 2, "two sessions: {page}");
    assert_eq!(page.matches("bieżąca").count(), 1);
    assert!(page.contains("Firefox na Windows") && page.contains("127.0.0.1"));

    let id = other_session_id(&page);
    let ended = post(
        &app,
        &mine,
        "/bezpieczenstwo",
        "/bezpieczenstwo/sesje/zakoncz",
        &[("id", &id)],
    )
    .await;
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    let next = get(&app, &other, "/pulpit").await;
    assert_eq!(
        next.headers()["location"],
        "/logowanie?sesja=wygasla",
        "its next request goes to login"
    );
    let page = security_page(&app, &mine).await;
    assert_eq!(page.matches("<tr><td>").count(), 1);
    assert!(page.contains("Sesja została zakończona."));
    app.next_mail(ABONENT, "zakończono jedną z Twoich sesji")
        .await;
}

#[tokio::test]
async fn wyloguj_wszystkie_pozostale_keeps_only_the_current_session() {
    let app = spawn_app().await;
    let browsers = [browser(None), browser(Some(FIREFOX)), browser(None)];
    for b in &browsers {
        log_in(&app, b, ABONENT).await;
    }
    let response = post(
        &app,
        &browsers[0],
        "/bezpieczenstwo",
        "/bezpieczenstwo/sesje/pozostale",
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = security_page(&app, &browsers[0]).await;
    assert!(page.contains("Zakończono inne sesje: 2."));
    let log = app.admin_ok(&["audit", "--account", ABONENT]).await;
    assert!(
        log.contains("sessions_ended\t127.0.0.1\tzakończone sesje: 2"),
        "{log}"
    );
    assert_eq!(
        get(&app, &browsers[0], "/pulpit").await.status(),
        StatusCode::OK
    );
    for b in &browsers[1..] {
        assert_eq!(
            get(&app, b, "/pulpit").await.status(),
            StatusCode::SEE_OTHER
        );
    }
    assert!(
        !page.contains("Wyloguj wszystkie pozostałe"),
        "nothing else to end"
    );
}

#[tokio::test]
async fn a_login_from_a_new_browser_is_emailed_and_the_same_browser_again_is_not() {
    let app = spawn_app().await;
    let (usual, new) = (browser(None), browser(Some(FIREFOX)));
    log_in(&app, &usual, ABONENT).await;
    assert_eq!(
        mails_about(&app, ABONENT, NEW_LOGIN),
        0,
        "the first browser ever is not news"
    );
    log_in(&app, &new, ABONENT).await;
    assert_eq!(mails_about(&app, ABONENT, NEW_LOGIN), 1);
    let mail = app.next_mail(ABONENT, "Firefox na Windows").await;
    assert!(mail.contains("127.0.0.1") && mail.contains("Jeśli to nie Ty"));
    log_out(&app, &new).await;
    log_in(&app, &new, ABONENT).await;
    assert_eq!(
        mails_about(&app, ABONENT, NEW_LOGIN),
        1,
        "known browsers are not reported again"
    );
}

/// The browser id cookie a login sets: (value, attributes).
fn device_cookie(response: &reqwest::Response) -> (String, String) {
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("panel_device="))
        .expect("the login sets the browser's cookie");
    let (pair, attributes) = cookie.split_once(';').unwrap();
    (
        pair["panel_device=".len()..].to_string(),
        attributes.to_string(),
    )
}

#[tokio::test]
async fn the_browser_is_remembered_for_400_days_and_a_made_up_browser_id_is_replaced() {
    let app = spawn_app().await;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str("panel_device=abc", &app.url("/").parse().unwrap());
    let client = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = enter_emailed_code(&app, &client, ABONENT).await;
    assert_eq!(response.headers()["location"], "/pulpit");
    let (value, attributes) = device_cookie(&response);
    assert!(
        value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()),
        "a fresh random id instead of {value:?}"
    );
    assert!(
        attributes.contains("Max-Age=34560000"),
        "kept 400 days: {attributes}"
    );
}

#[tokio::test]
async fn zakoncz_ends_only_the_chosen_session_and_a_second_click_ends_nothing_and_mails_nothing() {
    let app = spawn_app().await;
    let (mine, chosen, third) = (browser(None), browser(Some(FIREFOX)), browser(None));
    log_in(&app, &mine, ABONENT).await;
    log_in(&app, &chosen, ABONENT).await;
    let page = security_page(&app, &mine).await;
    let id = other_session_id(&page);
    log_in(&app, &third, ABONENT).await;
    let fields = [("id", id.as_str())];
    let end = || {
        post(
            &app,
            &mine,
            "/bezpieczenstwo",
            "/bezpieczenstwo/sesje/zakoncz",
            &fields,
        )
    };
    assert_eq!(end().await.status(), StatusCode::SEE_OTHER);
    assert!(
        security_page(&app, &mine)
            .await
            .contains("Sesja została zakończona.")
    );
    assert_eq!(
        get(&app, &chosen, "/pulpit").await.status(),
        StatusCode::SEE_OTHER,
        "the chosen session ended"
    );
    assert_eq!(
        get(&app, &third, "/pulpit").await.status(),
        StatusCode::OK,
        "the third browser is still logged in"
    );
    let ended_mails = || mails_about(&app, ABONENT, CHANGE);
    assert_eq!(ended_mails(), 1);

    assert_eq!(end().await.status(), StatusCode::SEE_OTHER);
    assert!(
        security_page(&app, &mine)
            .await
            .contains("Ta sesja była już zakończona.")
    );
    assert_eq!(ended_mails(), 1, "nothing ended, nothing mailed");
}
