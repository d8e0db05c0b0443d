//! Bezpieczeństwo: the second factor (enable with a current code, log in with it by e-mailed
//! code or link, a code used once, recovery codes once, wrong codes end the step).

use crate::bezpieczenstwo_kroki::*;
use crate::helpers::spawn_app;
use reqwest::StatusCode;

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
