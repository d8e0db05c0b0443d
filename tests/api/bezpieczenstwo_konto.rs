//! Bezpieczeństwo for the account: the owner's requirement (others are sent to set it up and
//! cannot turn it off), Techniczny cannot set it, and turning the factor off is e-mailed.

use crate::bezpieczenstwo_kroki::*;
use crate::helpers::spawn_app;
use reqwest::StatusCode;

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

/// The recovery codes a page lists (`ul.codes`).
fn listed_codes(page: &str) -> Vec<String> {
    let list = &page[page.find("class=\"codes\"").expect("a list of codes")..];
    let list = &list[..list.find("</ul>").unwrap()];
    list.split("<code>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn new_recovery_codes_need_a_good_code_replace_the_old_ones_and_are_emailed() {
    let app = spawn_app().await;
    let client = browser(None);
    log_in(&app, &client, ABONENT).await;
    let (key, old) = enable_second_factor(&app, &client).await;
    let mails_before = mails_about(&app, ABONENT, CHANGE);
    let refused = post(
        &app,
        &client,
        "/bezpieczenstwo",
        "/bezpieczenstwo/2fa/kody",
        &[("kod", "aaaaa-aaaaa")],
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
    assert_eq!(
        mails_about(&app, ABONENT, CHANGE),
        mails_before,
        "nothing changed"
    );

    app.clock.advance(jiff::SignedDuration::from_secs(30));
    let made = post(
        &app,
        &client,
        "/bezpieczenstwo",
        "/bezpieczenstwo/2fa/kody",
        &[("kod", &app_code(&app, &key, 0))],
    )
    .await;
    assert_eq!(made.status(), StatusCode::OK);
    let new = listed_codes(&made.text().await.unwrap());
    assert_eq!(new.len(), 10, "ten new codes");
    assert!(
        new.iter().all(|c| c.len() == 11 && !old.contains(c)),
        "{new:?}"
    );
    assert_eq!(mails_about(&app, ABONENT, CHANGE), mails_before + 1);
    app.next_mail(ABONENT, "wygenerowano nowe kody zapasowe")
        .await;
    let log = app.admin_ok(&["audit", "--account", ABONENT]).await;
    assert_eq!(
        log.matches("recovery_codes_renewed\t127.0.0.1").count(),
        1,
        "the refused try is not logged, the renewal is: {log}"
    );
    assert!(
        new.iter().all(|c| !log.contains(c.as_str())),
        "no code in the log"
    );

    log_out(&app, &client).await;
    enter_emailed_code(&app, &client, ABONENT).await;
    let with_old = post(
        &app,
        &client,
        "/logowanie/2fa",
        "/logowanie/2fa",
        &[("kod", &old[0])],
    )
    .await;
    assert_eq!(
        with_old.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an old code no longer works"
    );
    let with_new = post(
        &app,
        &client,
        "/logowanie/2fa",
        "/logowanie/2fa",
        &[("kod", &new[0])],
    )
    .await;
    assert_eq!(with_new.headers()["location"], "/pulpit");
}
