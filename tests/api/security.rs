//! CSRF, security headers, and the one-process rule of the database.

use crate::helpers::spawn_app;
use reqwest::StatusCode;

#[tokio::test]
async fn a_post_without_a_valid_csrf_token_is_refused_with_403() {
    let app = spawn_app().await;
    let no_cookie = crate::helpers::new_client()
        .post(app.url("/logowanie"))
        .form(&[("email", "abonent@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(no_cookie.status(), StatusCode::FORBIDDEN);
    app.csrf().await;
    let missing = app
        .post_form("/logowanie", &[("email", "abonent@example.com")])
        .await;
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    assert!(missing.text().await.unwrap().contains("Formularz wygasł"));
    let forged = app
        .post_form(
            "/logowanie",
            &[
                ("email", "abonent@example.com"),
                ("csrf_token", &"0".repeat(64)),
            ],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(
        app.delivered()
            .iter()
            .all(|(_, raw)| !raw.contains("Subject: Kod logowania")),
        "no code was sent"
    );

    app.log_in("abonent@example.com").await;
    let id = app.service_id("abonent@example.com", "przykladowa-firma.pl");
    let before = app.proformas_of("abonent@example.com").len();
    let renew = app
        .client
        .post(app.url(&format!("/uslugi/{id}/odnow")))
        .send()
        .await
        .unwrap();
    assert_eq!(renew.status(), StatusCode::FORBIDDEN);
    let token = app.csrf().await;
    let cross_site = app
        .client
        .post(app.url(&format!("/uslugi/{id}/odnow")))
        .header("Origin", "https://evil.example")
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.proformas_of("abonent@example.com").len(),
        before,
        "nothing was created"
    );
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let app = spawn_app().await;
    app.log_in("abonent@example.com").await;
    let response = app.get("/pulpit").await;
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers["vary"].to_str().unwrap().contains("HX-Request"));
    let body = response.text().await.unwrap();
    assert!(
        !body.contains("<script>") && !body.contains("style=\""),
        "no inline script or style"
    );
    let health = crate::helpers::new_client()
        .get(app.url("/health"))
        .send()
        .await
        .unwrap();
    assert!(
        health.headers().get("set-cookie").is_none(),
        "health checks get no cookie"
    );
    let asset = app.get("/assets/htmx.min.js?v=1").await;
    assert!(
        asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

#[tokio::test]
async fn a_second_process_on_the_same_database_fails_fast_with_a_clear_message() {
    let app = spawn_app().await;
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&app.data_dir)
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("already open in another process"));
}

#[tokio::test]
async fn an_unknown_address_shows_a_polish_not_found_page() {
    let app = spawn_app().await;
    let response = app.get("/nie-ma-takiej-strony").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.headers().contains_key("content-security-policy"));
    assert!(response.text().await.unwrap().contains("Nie znaleziono"));
}

#[tokio::test]
async fn health_answers_without_login() {
    let app = spawn_app().await;
    let response = app.get("/health").await;
    assert_eq!(response.status(), StatusCode::OK);
    let addr = app.base.trim_start_matches("http://");
    let status = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(["health", "--listen", addr])
        .status()
        .await
        .unwrap();
    assert!(status.success(), "`panel health` sees it");
}
