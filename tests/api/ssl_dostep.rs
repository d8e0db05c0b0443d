//! Certyfikaty SSL and who sees what: another account's certificate, the roles that may order
//! (those who order in the Sklep), a user limited to other services.

use crate::helpers::{hidden, log_in_elsewhere, spawn_app};
use crate::ssl::{OWNER, SHOP_DOMAIN, cart_len, certificate, order_certificate};
use reqwest::StatusCode;

const INNY: &str = "inny@example.com";

#[tokio::test]
async fn another_accounts_certificate_is_a_404_and_only_who_may_order_in_the_shop_may_order_one() {
    let app = spawn_app().await;
    let id = certificate(&app, "przykladowa-firma.pl").unwrap().id;
    let inny = log_in_elsewhere(&app, INNY).await;
    let theirs = inny
        .get(app.url(&format!("/ssl/{id}/certyfikat.pem")))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let own_list = inny
        .get(app.url("/ssl"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!own_list.contains("przykladowa-firma.pl"));

    app.add_user(OWNER, "tech@example.com", "techniczny").await;
    app.log_in("tech@example.com").await;
    let page = app.get("/ssl").await.text().await.unwrap();
    assert!(
        page.contains("Certyfikaty zamawiają właściciel"),
        "no form for a technician"
    );
    let forbidden = order_certificate(&app, SHOP_DOMAIN).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_eq!(cart_len(&app, "tech@example.com"), 0);
    assert_eq!(
        app.get(&format!("/ssl/{id}/certyfikat.pem")).await.status(),
        StatusCode::OK
    );

    // Księgowość orders in the shop, so here too: the certificate goes into its cart.
    app.log_in("ksiegowosc@example.com").await;
    let added = order_certificate(&app, SHOP_DOMAIN).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert_eq!(cart_len(&app, "ksiegowosc@example.com"), 1);
}

#[tokio::test]
async fn a_user_limited_to_other_services_sees_no_certificate_and_cannot_download_one() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    order_certificate(&app, SHOP_DOMAIN).await;
    let shop = app.get("/sklep").await.text().await.unwrap();
    let (token, key) = (app.csrf().await, hidden(&shop, "klucz"));
    app.post_form("/sklep/zamow", &[("csrf_token", &token), ("klucz", &key)])
        .await;
    let owners = app.get("/ssl").await.text().await.unwrap();
    assert!(
        owners.contains("Oczekuje na płatność"),
        "the owner sees the order"
    );
    let tech = "tech@example.com";
    let args = ["add-user", "--account-of", OWNER, "--email", tech];
    app.admin_ok(&[&args[..], &["--role", "techniczny"]].concat())
        .await;
    let user = |email: &str| {
        let email = panel::domain::Email::parse(email).unwrap();
        app.state.store.user_by_email(&email).unwrap().unwrap()
    };
    let server = app.service_id(OWNER, "Serwer WWW 1");
    let (account, owner, target) = (app.account_id(OWNER), user(OWNER).id, user(tech).id);
    app.state
        .store
        .set_scope(account, owner, target, Some(vec![server]))
        .unwrap();
    app.log_in(tech).await;
    let page = app.get("/ssl").await.text().await.unwrap();
    assert!(page.contains("Brak certyfikatów SSL na koncie."), "{page}");
    assert!(
        !page.contains("Oczekuje na płatność"),
        "orders are the whole account's"
    );
    let id = certificate(&app, "przykladowa-firma.pl").unwrap().id;
    let pem = app.get(&format!("/ssl/{id}/certyfikat.pem")).await;
    assert_eq!(pem.status(), StatusCode::NOT_FOUND);
}
