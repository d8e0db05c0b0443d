//! The audit log: a login, a failed login, a payment the operator recorded, a role change and a
//! change of Dane abonenta are each written with who, when and from where; the operator reads
//! them with `panel admin audit`, the owner on Dziennik zdarzeń; no secret is ever in it.

use crate::helpers::{TestApp, log_in_elsewhere, spawn_app};
use panel::domain::{DocumentStatus, Email};
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";
const KSIEGOWOSC: &str = "ksiegowosc@example.com";
const INNY: &str = "inny@example.com";

/// Logs the owner in after one wrong code; returns the code that worked (a secret).
async fn log_in_after_a_wrong_code(app: &TestApp) -> String {
    app.request_code(ABONENT).await;
    let mail = app.next_login_mail(ABONENT).await;
    let wrong = if mail.code == "000000" {
        "111111"
    } else {
        "000000"
    };
    let refused = app.enter_code(ABONENT, wrong).await;
    assert_ne!(
        refused.status(),
        StatusCode::SEE_OTHER,
        "a wrong code logs no one in"
    );
    let entered = app.enter_code(ABONENT, &mail.code).await;
    assert_eq!(entered.status(), StatusCode::SEE_OTHER);
    mail.code
}

/// The operator records the payment of the owner's first unpaid proforma.
async fn operator_records_a_payment(app: &TestApp) {
    let proforma = app
        .proformas_of(ABONENT)
        .into_iter()
        .find(|d| d.status == DocumentStatus::Unpaid)
        .expect("the demo owner has an unpaid proforma");
    app.admin_ok(&["record-payment", "--proforma", &proforma.number])
        .await;
}

async fn owner_makes_ksiegowosc_technical(app: &TestApp) {
    let email = Email::parse(KSIEGOWOSC).unwrap();
    let id = app.state.store.user_by_email(&email).unwrap().unwrap().id;
    let token = app.csrf().await;
    let response = app
        .post_form(
            &format!("/uzytkownicy/{id}/rola"),
            &[("rola", "techniczny"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the role is changed"
    );
}

async fn owner_changes_the_phone(app: &TestApp) {
    let token = app.csrf().await;
    let fields = [
        ("rodzaj", "firma"),
        ("nazwa", "Przykładowa Firma sp. z o.o."),
        ("nip", "5260250274"),
        ("regon", ""),
        ("ulica", "ul. Nowa 5"),
        ("kod", "31-042"),
        ("miasto", "Kraków"),
        ("kraj", "PL"),
        ("email", ABONENT),
        ("telefon", "600 100 200"),
        ("korespondencja", "taki-sam"),
        ("csrf_token", &token),
    ];
    let response = app.post_form("/dane-abonenta", &fields).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the data is saved"
    );
}

#[tokio::test]
async fn a_login_a_failed_login_a_payment_a_role_and_a_data_change_are_in_the_log_for_operator_and_owner()
 {
    let app = spawn_app().await;
    let code = log_in_after_a_wrong_code(&app).await;
    operator_records_a_payment(&app).await;
    owner_makes_ksiegowosc_technical(&app).await;
    owner_changes_the_phone(&app).await;
    // Another account's person logs in too: never on this account's log.
    log_in_elsewhere(&app, INNY).await;

    let table = app.admin_ok(&["audit", "--account", ABONENT]).await;
    for line in [
        format!("{ABONENT}\tlogin\t127.0.0.1"),
        format!("{ABONENT}\tlogin_failed\t127.0.0.1\tbłędny kod"),
        "operator\tpayment_recorded\tsocket".to_string(),
        format!("{ABONENT}\trole_changed\t127.0.0.1\t{KSIEGOWOSC}: Księgowość → Techniczny"),
        format!("{ABONENT}\tdata_changed\t127.0.0.1"),
    ] {
        assert!(table.contains(&line), "{line:?} in\n{table}");
    }
    let today = app.clock.now().strftime("%Y-%m-%d").to_string();
    assert!(table.contains(&today), "each entry has its UTC time");
    assert!(
        !table.contains(INNY),
        "another account's login is not listed"
    );
    let all = app.admin_ok(&["audit"]).await;
    let task = "\toperator\toperator_action\tsocket\trecord-payment --proforma PF/";
    assert!(
        all.contains(task),
        "the operator's task itself is listed:\n{all}"
    );
    let everything = app.admin_ok(&["audit", "--json", "--limit", "1000"]).await;
    assert!(
        everything.contains(INNY),
        "the whole log has the other login"
    );
    assert!(!everything.contains(&code), "the login code is in no entry");

    let page = app.get("/konto/dziennik").await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    for text in [
        "Dziennik zdarzeń",
        "Logowanie",
        "Nieudane logowanie",
        "Zaksięgowanie płatności",
        "Zmiana roli",
        "Zmiana danych abonenta",
        "127.0.0.1",
        "obsługa dostawcy",
    ] {
        assert!(page.contains(text), "{text:?} on the owner's Dziennik");
    }
    assert!(!page.contains(INNY), "another account's entries never show");
    assert!(!page.contains(&code), "no login code on the page");
}

#[tokio::test]
async fn only_the_owner_opens_the_dziennik_and_sees_its_link() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    assert!(app.pulpit().await.contains("href=\"/konto/dziennik\""));

    let accountant = log_in_elsewhere(&app, KSIEGOWOSC).await;
    let pulpit = accountant.get(app.url("/pulpit")).send().await.unwrap();
    assert!(!pulpit.text().await.unwrap().contains("/konto/dziennik"));
    let refused = accountant
        .get(app.url("/konto/dziennik"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_operator_filters_by_day_and_limit_and_a_bad_date_is_explained() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    app.log_in(ABONENT).await;
    let one = app.admin_ok(&["audit", "--limit", "1"]).await;
    assert_eq!(one.lines().count(), 2, "a header and one entry:\n{one}");
    let tomorrow = (app.clock.now() + jiff::SignedDuration::from_hours(24))
        .strftime("%Y-%m-%d")
        .to_string();
    let none = app.admin_ok(&["audit", "--since", &tomorrow]).await;
    assert_eq!(none.trim(), "no entries");
    let bad = app.admin(&["audit", "--since", "06.12.2026"]).await;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
}

#[tokio::test]
async fn an_invitation_a_removal_and_the_second_factor_and_its_requirement_are_logged_without_any_code()
 {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let token = app.csrf().await;
    let invited = app
        .post_form(
            "/uzytkownicy/zapros",
            &[
                ("email", "nowa@example.com"),
                ("imie", "Ola Nowa"),
                ("rola", "techniczny"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(invited.status(), StatusCode::SEE_OTHER);
    let accountant = app
        .state
        .store
        .user_by_email(&Email::parse(KSIEGOWOSC).unwrap())
        .unwrap()
        .unwrap();
    let removed = app
        .post_form(
            &format!("/uzytkownicy/{}/usun", accountant.id),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    let (key, codes) = crate::bezpieczenstwo_kroki::enable_second_factor(&app, &app.client).await;
    let token = app.csrf().await;
    let required = app
        .post_form(
            "/bezpieczenstwo/wymaganie",
            &[("wymagaj", "tak"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(required.status(), StatusCode::SEE_OTHER);

    let log = app.admin_ok(&["audit", "--account", ABONENT]).await;
    for line in [
        "user_invited\t127.0.0.1\tnowa@example.com (Techniczny)".to_string(),
        format!("user_removed\t127.0.0.1\t{KSIEGOWOSC} (Księgowość)"),
        "2fa_on\t127.0.0.1".to_string(),
        "2fa_required\t127.0.0.1\twłączono".to_string(),
    ] {
        assert!(log.contains(&line), "{line:?} in\n{log}");
    }
    let everything = app.admin_ok(&["audit", "--json", "--limit", "1000"]).await;
    assert!(!everything.contains(&key), "no TOTP secret in the log");
    for code in codes {
        assert!(!everything.contains(&code), "no recovery code in the log");
    }
}
