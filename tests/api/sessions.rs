//! Sessions: logout, disabled users, timeouts, a new id at every login.

use crate::helpers::{new_client, spawn_app};
use jiff::SignedDuration;
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";

#[tokio::test]
async fn after_logout_the_old_session_cookie_no_longer_works() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let cookie = app.session_cookie().await;
    let token = app.csrf().await;
    let response = app.post_form("/wyloguj", &[("csrf_token", &token)]).await;
    assert_eq!(response.headers()["location"], "/logowanie");
    let replay = new_client()
        .get(app.url("/pulpit"))
        .header("Cookie", format!("panel_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    assert_eq!(replay.headers()["location"], "/logowanie?sesja=wygasla");
}

#[tokio::test]
async fn a_disabled_users_session_stops_at_the_next_request() {
    let app = spawn_app().await;
    app.log_in("ksiegowosc@example.com").await;
    assert_eq!(app.get("/pulpit").await.status(), StatusCode::OK);
    app.admin_ok(&["disable-user", "--email", "ksiegowosc@example.com"])
        .await;
    let response = app.get("/pulpit").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, "/logowanie?sesja=wygasla");
    assert!(
        app.get(&to)
            .await
            .text()
            .await
            .unwrap()
            .contains("Sesja wygasła. Zaloguj się ponownie.")
    );
}

#[tokio::test]
async fn an_idle_session_ends_after_thirty_minutes() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    app.clock.advance(SignedDuration::from_mins(29));
    assert_eq!(app.get("/pulpit").await.status(), StatusCode::OK);
    app.clock.advance(SignedDuration::from_mins(29));
    assert_eq!(
        app.get("/pulpit").await.status(),
        StatusCode::OK,
        "activity keeps it alive"
    );
    app.clock.advance(SignedDuration::from_mins(31));
    assert_eq!(app.get("/pulpit").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_pulpits_own_polling_does_not_keep_an_unattended_session_alive() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let poll = || {
        app.client
            .get(app.url("/pulpit/powiadomienia"))
            .header("HX-Request", "true")
            .header("HX-Trigger", "powiadomienia")
            .send()
    };
    for _ in 0..3 {
        app.clock.advance(SignedDuration::from_mins(9));
        let response = poll().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers().get("hx-redirect").is_none());
    }
    app.clock.advance(SignedDuration::from_mins(4));
    let expired = poll().await.unwrap();
    assert_eq!(
        expired.headers()["hx-redirect"],
        "/logowanie?sesja=wygasla",
        "htmx is sent to the login page"
    );
}

#[tokio::test]
async fn every_login_gets_a_new_session_id() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let first = app.session_cookie().await;
    app.log_in(ABONENT).await;
    let second = app.session_cookie().await;
    assert_ne!(first, second);
    let replay = new_client()
        .get(app.url("/pulpit"))
        .header("Cookie", format!("panel_session={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        replay.status(),
        StatusCode::SEE_OTHER,
        "the replaced session ended"
    );
}
