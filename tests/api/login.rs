//! Logowanie: code and link, their limits, and sessions.

use crate::helpers::{Options, new_client, spawn_app, spawn_app_with, spawn_app_with_smtp};
use jiff::SignedDuration;
use panel::config::LoginLimits;
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";

#[tokio::test]
async fn a_customer_logs_in_with_the_code_from_the_file_outbox_and_sees_the_pulpit() {
    let app = spawn_app().await;
    assert_eq!(app.get("/pulpit").await.headers()["location"], "/logowanie");
    let page = app.request_code(ABONENT).await.text().await.unwrap();
    assert!(page.contains("wysłaliśmy na niego kod logowania"));
    app.log_in_with_next_code(ABONENT).await;
    let pulpit = app.pulpit().await;
    assert!(pulpit.contains("<h1>Pulpit</h1>"));
    assert!(pulpit.contains("Przykładowa Firma sp. z o.o."));
}

#[tokio::test]
async fn a_customer_logs_in_with_the_code_delivered_over_smtp() {
    let (app, smtp) = spawn_app_with_smtp(vec![]).await;
    app.request_code(ABONENT).await;
    app.log_in_with_next_code(ABONENT).await;
    assert!(app.pulpit().await.contains("Stan płatności"));
    let raw = smtp.messages().into_iter().next().unwrap();
    assert!(raw.contains("multipart/alternative"), "plain text and HTML");
    assert!(raw.contains("text/html"));
    assert!(
        std::fs::read_dir(app.data_dir.join("outbox"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 0,
        "with SMTP configured nothing goes to the file outbox"
    );
}

#[tokio::test]
async fn the_emailed_link_asks_for_a_click_and_logs_in_only_on_post() {
    let app = spawn_app().await;
    app.request_code(ABONENT).await;
    let mail = app.next_login_mail(ABONENT).await;
    assert!(
        mail.link
            .starts_with(&format!("{}/logowanie/link/", app.base)),
        "built from the base URL"
    );
    let path = mail.link.trim_start_matches(&app.base).to_string();

    // A mail scanner following the link twice logs nobody in and does not burn it.
    let scanner = new_client();
    for _ in 0..2 {
        let page = scanner.get(&mail.link).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("Zaloguj"));
    }
    let page = app.get(&path).await.text().await.unwrap();
    let token = crate::helpers::csrf_of(&page);
    let response = app.post_form(&path, &[("csrf_token", &token)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(app.pulpit().await.contains("Pulpit"));

    // Used once: the link and its code are dead now.
    let again = app.get(&path).await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert_eq!(
        app.enter_code(ABONENT, &mail.code).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn the_demo_mailbox_shows_the_message_with_a_clickable_login_link() {
    let app = spawn_app().await;
    app.request_code(ABONENT).await;
    let mail = app.next_login_mail(ABONENT).await;
    let inbox = app.get("/demo/poczta").await.text().await.unwrap();
    let at = inbox.find("Kod logowania do Panelu klienta").unwrap();
    let href = inbox[..at]
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let message = app.get(&href).await.text().await.unwrap();
    assert!(message.contains(&format!("Kod logowania do Panelu klienta: {}", mail.code)));
    assert!(message.contains(&format!("<a href=\"{}\">", mail.link)));
}

#[tokio::test]
async fn wrong_expired_and_reused_codes_are_refused() {
    let app = spawn_app().await;
    app.request_code(ABONENT).await;
    let mail = app.next_login_mail(ABONENT).await;
    let wrong = if mail.code == "000000" {
        "000001"
    } else {
        "000000"
    };
    let response = app.enter_code(ABONENT, wrong).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Nieprawidłowy lub nieważny kod")
    );
    let malformed = app.enter_code(ABONENT, "12ab").await.text().await.unwrap();
    assert!(malformed.contains("Kod składa się z 6 cyfr."));

    assert_eq!(
        app.enter_code(ABONENT, &mail.code).await.status(),
        StatusCode::SEE_OTHER
    );
    let reuse = new_client();
    let token = crate::helpers::csrf_of(
        &reuse
            .get(app.url("/logowanie"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let reused = reuse
        .post(app.url("/logowanie/kod"))
        .form(&[
            ("email", ABONENT),
            ("kod", &mail.code),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        reused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "single use"
    );

    app.request_code(ABONENT).await;
    let late = app.next_login_mail(ABONENT).await;
    app.clock.advance(SignedDuration::from_mins(10));
    assert_eq!(
        app.enter_code(ABONENT, &late.code).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "10 minutes"
    );
}

#[tokio::test]
async fn the_right_code_is_refused_after_five_wrong_tries() {
    let app = spawn_app().await;
    app.request_code(ABONENT).await;
    let mail = app.next_login_mail(ABONENT).await;
    let wrong = format!("{:06}", (mail.code.parse::<u32>().unwrap() + 1) % 1_000_000);
    for _ in 0..5 {
        assert_eq!(
            app.enter_code(ABONENT, &wrong).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let sixth = app.enter_code(ABONENT, &mail.code).await;
    assert_eq!(sixth.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get("/pulpit").await.status(),
        StatusCode::SEE_OTHER,
        "still logged out"
    );
}

#[tokio::test]
async fn a_newer_code_kills_the_older_code_and_link() {
    let app = spawn_app().await;
    app.request_code(ABONENT).await;
    let older = app.next_login_mail(ABONENT).await;
    app.request_code(ABONENT).await;
    let newer = app.next_login_mail(ABONENT).await;
    if older.code != newer.code {
        assert_eq!(
            app.enter_code(ABONENT, &older.code).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        app.get(older.link.trim_start_matches(&app.base))
            .await
            .status(),
        StatusCode::GONE
    );
    assert_eq!(
        app.enter_code(ABONENT, &newer.code).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_no_mail() {
    let app = spawn_app().await;
    let known = app.request_code(ABONENT).await;
    let known_status = known.status();
    let known_page = known.text().await.unwrap().replace(ABONENT, "ADRES");
    app.next_login_mail(ABONENT).await;
    let unknown = app.request_code("nikt@example.com").await;
    assert_eq!(unknown.status(), known_status);
    assert_eq!(
        unknown
            .text()
            .await
            .unwrap()
            .replace("nikt@example.com", "ADRES"),
        known_page
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        app.delivered()
            .iter()
            .all(|(_, raw)| !raw.contains("nikt@example.com"))
    );
}

#[tokio::test]
async fn a_malformed_address_is_explained_next_to_the_field_and_kept() {
    let app = spawn_app().await;
    let response = app.request_code("jan.kowalski@").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("To nie wygląda na poprawny adres e-mail"));
    assert!(page.contains("value=\"jan.kowalski@\""));
}

#[tokio::test]
async fn too_many_code_requests_are_refused_with_429_per_address_and_per_ip() {
    let app = spawn_app().await;
    // One client may ask for 3 codes an hour for one address (hardening_login tests the rest).
    for _ in 0..3 {
        assert_eq!(app.request_code(ABONENT).await.status(), StatusCode::OK);
    }
    let limited = app.request_code(ABONENT).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.text().await.unwrap().contains("Zbyt wiele prób"));
    assert_eq!(
        app.request_code("inny@example.com").await.status(),
        StatusCode::OK,
        "other addresses still work"
    );

    let limits = LoginLimits {
        per_ip_burst: 3,
        ..LoginLimits::default()
    };
    let strict = spawn_app_with(Options {
        limits,
        ..Options::default()
    })
    .await;
    for address in ["a@example.com", "b@example.com", "c@example.com"] {
        assert_eq!(strict.request_code(address).await.status(), StatusCode::OK);
    }
    assert_eq!(
        strict.request_code("d@example.com").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        strict.enter_code("d@example.com", "123456").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn code_request_from(
    app: &crate::helpers::TestApp,
    forwarded_for: &str,
    email: &str,
) -> StatusCode {
    let token = app.csrf().await;
    app.client
        .post(app.url("/logowanie"))
        .header("X-Forwarded-For", forwarded_for)
        .form(&[("email", email), ("csrf_token", &token)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_customer_has_their_own_ip_limit() {
    let limits = LoginLimits {
        per_ip_burst: 2,
        ..LoginLimits::default()
    };
    let proxy = "127.0.0.1".parse().unwrap();
    let app = spawn_app_with(Options {
        limits,
        trusted_proxies: vec![proxy],
        ..Options::default()
    })
    .await;
    assert_eq!(
        code_request_from(&app, "203.0.113.7", "a@example.com").await,
        StatusCode::OK
    );
    assert_eq!(
        code_request_from(&app, "203.0.113.7", "b@example.com").await,
        StatusCode::OK
    );
    assert_eq!(
        code_request_from(&app, "203.0.113.7", "c@example.com").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        code_request_from(&app, "203.0.113.8", "c@example.com").await,
        StatusCode::OK
    );

    // Without a trusted proxy the header is the client's word and is ignored.
    let direct = spawn_app_with(Options {
        limits,
        ..Options::default()
    })
    .await;
    for (i, address) in ["a@example.com", "b@example.com"].into_iter().enumerate() {
        assert_eq!(
            code_request_from(&direct, &format!("198.51.100.{i}"), address).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        code_request_from(&direct, "198.51.100.99", "c@example.com").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
