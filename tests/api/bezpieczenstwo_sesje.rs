//! Bezpieczeństwo: the list of sessions with "Zakończ" and "Wyloguj wszystkie pozostałe" (the
//! ended session's next request goes to login), and the e-mail after a login from a new browser.

use crate::bezpieczenstwo_kroki::{
    ABONENT, FIREFOX, NEW_LOGIN, browser, get, log_in, log_out, mails_about, post, security_page,
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
