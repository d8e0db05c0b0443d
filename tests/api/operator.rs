//! The operator's story: bring a customer over with `panel admin`, and settle their renewal.

use crate::helpers::spawn_app;
use reqwest::StatusCode;

#[tokio::test]
async fn an_operator_sets_up_a_customer_who_then_renews_and_is_paid_up() {
    let app = spawn_app().await;
    app.admin_ok(&[
        "create-account",
        "--email",
        "nowy@firma.pl",
        "--name",
        "Nowa Firma sp. z o.o.",
    ])
    .await;
    let plan = app
        .admin_ok(&[
            "add-plan",
            "--kind",
            "domain",
            "--name",
            "Domena .eu",
            "--price",
            "39,00",
        ])
        .await;
    let plan_id = plan.split_whitespace().nth(2).unwrap().to_string();
    assert!(app.admin_ok(&["plans"]).await.contains("Domena .eu"));
    let expires = panel::domain::time::add_days(panel::domain::time::today(app.clock.now()), 10);
    app.admin_ok(&[
        "add-service",
        "--account-of",
        "nowy@firma.pl",
        "--plan",
        &plan_id,
        "--name",
        "nowa-firma.eu",
        "--expires",
        &expires.to_string(),
    ])
    .await;

    app.log_in("nowy@firma.pl").await;
    assert!(
        app.pulpit()
            .await
            .contains("Domena nowa-firma.eu wygasa za 10 dni")
    );
    let id = app.service_id("nowy@firma.pl", "nowa-firma.eu");
    let fragment = app.renew_htmx(id).await.text().await.unwrap();
    assert!(fragment.contains("47,97 zł"), "39,00 zł + 23% VAT");
    let proforma_mail = app
        .next_mail("nowy@firma.pl", "wystawiliśmy proformę")
        .await;
    assert!(proforma_mail.contains("47,97 zł") && proforma_mail.contains("Tytuł przelewu"));

    let unpaid = app.admin_ok(&["unpaid"]).await;
    let number = unpaid
        .lines()
        .find(|l| l.contains("47,97 zł"))
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    app.admin_ok(&[
        "record-payment",
        "--proforma",
        &number,
        "--reference",
        "BANK-001",
    ])
    .await;
    let fragment = app.notifications().await;
    assert!(fragment.contains("Wszystko w porządku"), "no boxes left");
    let receipt = app.next_mail("nowy@firma.pl", "dziękujemy za wpłatę").await;
    assert!(receipt.contains("Wystawiliśmy fakturę VAT FV/"));
}

#[tokio::test]
async fn the_operator_gets_a_clear_error_and_nothing_is_stored_for_bad_input() {
    let app = spawn_app().await;
    let bad_date = app
        .admin(&[
            "add-service",
            "--account-of",
            "abonent@example.com",
            "--plan",
            "1",
            "--name",
            "x.pl",
            "--expires",
            "31.12.2027",
        ])
        .await;
    assert!(!bad_date.status.success());
    assert!(String::from_utf8_lossy(&bad_date.stderr).contains("use YYYY-MM-DD"));
    let unknown = app
        .admin(&[
            "add-plan", "--kind", "vps", "--name", "VPS", "--price", "10",
        ])
        .await;
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown kind"));
    let duplicate = app
        .admin(&[
            "create-account",
            "--email",
            "abonent@example.com",
            "--name",
            "Kopia",
        ])
        .await;
    assert!(!duplicate.status.success());
    let services = app
        .state
        .store
        .services_of_account(app.account_id("abonent@example.com"))
        .unwrap();
    assert!(services.iter().all(|s| s.name != "x.pl"));
    assert_eq!(app.get("/health").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_account_with_a_wrong_nip_is_refused_and_a_valid_one_is_stored_as_digits() {
    let app = spawn_app().await;
    let refused = app
        .admin(&[
            "create-account",
            "--email",
            "zly@firma.pl",
            "--name",
            "Zły NIP",
            "--nip",
            "5260250275",
        ])
        .await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("NIP"));
    let email = panel::domain::Email::parse("zly@firma.pl").unwrap();
    assert!(app.state.store.user_by_email(&email).unwrap().is_none());

    app.admin_ok(&[
        "create-account",
        "--email",
        "dobry@firma.pl",
        "--name",
        "Dobry NIP",
        "--nip",
        "PL 526-025-02-74",
    ])
    .await;
    let account = app.account_id("dobry@firma.pl");
    let overview = app.state.store.overview(account).unwrap();
    assert_eq!(overview.account.nip.as_deref(), Some("5260250274"));
}
