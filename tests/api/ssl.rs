//! Certyfikaty SSL: the demo's issued certificate and its download, ordering one for an owned
//! domain through the cart and the proforma, its progress, the operator installing the chain,
//! refusals and IDN names (who may order or download: `ssl_dostep`; a host's command printing the
//! chain and renewals: `ssl_wydawanie`).

use crate::helpers::{TestApp, hidden, location, spawn_app};
use panel::domain::{Service, ServiceKind};
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) const OWNER: &str = "abonent@example.com";
pub(crate) const SHOP_DOMAIN: &str = "sklep-przykladowy.pl";
pub(crate) const SHOP_PEM: &str = include_str!("fixtures/sklep-przykladowy.pl.pem");
pub(crate) const OTHER_PEM: &str = include_str!("fixtures/inna-domena.pl.pem");

/// The account's SSL certificate for `domain`.
pub fn certificate(app: &TestApp, domain: &str) -> Option<Service> {
    let services = app
        .state
        .store
        .services_of_account(app.account_id(OWNER))
        .unwrap();
    services
        .into_iter()
        .find(|s| s.kind == ServiceKind::Ssl && s.name == domain)
}

fn ssl_offer(app: &TestApp) -> String {
    let plans = app.state.store.plans().unwrap();
    let plan = plans.iter().find(|p| p.kind == ServiceKind::Ssl).unwrap();
    format!("{}:12", plan.id)
}

pub fn cart_len(app: &TestApp, email: &str) -> usize {
    let email = panel::domain::Email::parse(email).unwrap();
    let user = app.state.store.user_by_email(&email).unwrap().unwrap();
    app.state.store.cart_of(user.id).unwrap().items.len()
}

pub(crate) async fn order_certificate(app: &TestApp, domain: &str) -> reqwest::Response {
    let token = app.csrf().await;
    let offer = ssl_offer(app);
    let fields = [
        ("csrf_token", token.as_str()),
        ("domena", domain),
        ("pakiet", &offer),
    ];
    app.post_form("/ssl/zamow", &fields).await
}

/// Orders a certificate for `domain` as the logged-in owner, places the order and pays its
/// proforma as the bank would; the new certificate's id.
pub(crate) async fn order_and_pay(app: &TestApp, domain: &str) -> u64 {
    let added = order_certificate(app, domain).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&added),
        "/sklep#koszyk",
        "the customer lands in the cart"
    );
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(shop.contains("jest w koszyku"), "the flash says so");
    let token = app.csrf().await;
    let key = hidden(&shop, "klucz");
    let placed = app
        .post_form("/sklep/zamow", &[("csrf_token", &token), ("klucz", &key)])
        .await;
    assert_eq!(placed.status(), StatusCode::SEE_OTHER);
    let proforma = app
        .proformas_of(OWNER)
        .into_iter()
        .find(|d| d.is_unpaid() && d.lines.iter().any(|l| l.description.contains(domain)))
        .unwrap();
    let ssl = app.get("/ssl").await.text().await.unwrap();
    assert!(ssl.contains("Oczekuje na płatność"), "{ssl}");
    assert!(ssl.contains(&format!("Zapłać proformę {}", proforma.number)));
    app.admin_ok(&["record-payment", "--proforma", &proforma.number])
        .await;
    app.state.wake_tasks();
    certificate(app, domain)
        .expect("the paid order created the certificate")
        .id
}

/// The /ssl page once `text` is on it (the task worker runs in the background).
pub(crate) async fn ssl_page_showing(app: &TestApp, text: &str) -> String {
    for _ in 0..200 {
        let page = app.get("/ssl").await.text().await.unwrap();
        if page.contains(text) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("/ssl never showed {text}");
}

pub(crate) fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path
}

#[tokio::test]
async fn the_demo_certificate_is_issued_with_its_dates_and_its_chain_downloads_as_a_pem_file() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let page = app.get("/ssl").await.text().await.unwrap();
    assert!(page.contains("przykladowa-firma.pl"));
    assert!(page.contains(">DV<"), "the type from the pakiet");
    assert!(page.contains("Wydany"), "{page}");
    let today = jiff::Timestamp::now()
        .in_tz("Europe/Warsaw")
        .unwrap()
        .date();
    let shown = |days: i64| {
        today
            .checked_add(jiff::Span::new().days(days))
            .unwrap()
            .strftime("%d.%m.%Y")
            .to_string()
    };
    let validity = format!("{} – {}", shown(-345), shown(20));
    assert!(page.contains(&validity), "{validity} in {page}");
    assert!(page.contains("Wygasa za 20 dni"));
    assert!(page.contains("Klucza prywatnego nie przechowujemy"));
    let id = certificate(&app, "przykladowa-firma.pl").unwrap().id;
    let download = app.get(&format!("/ssl/{id}/certyfikat.pem")).await;
    assert_eq!(download.status(), StatusCode::OK);
    let headers = download.headers().clone();
    assert_eq!(headers["content-type"], "application/x-pem-file");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"przykladowa-firma.pl.pem\""
    );
    let body = download.text().await.unwrap();
    assert!(body.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(!body.contains("PRIVATE KEY"));
    let service_page = app
        .get(&format!("/uslugi/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        service_page.contains(&format!("/ssl/{id}/certyfikat.pem")),
        "the service page links the download"
    );
}

#[tokio::test]
async fn an_ordered_certificate_is_paid_then_issued_by_the_operator_and_then_downloads() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let id = order_and_pay(&app, SHOP_DOMAIN).await;
    let page = ssl_page_showing(&app, "W trakcie wydawania").await;
    assert!(page.contains(SHOP_DOMAIN));
    let tasks = app.state.store.tasks_of_service(id).unwrap();
    assert!(
        tasks.iter().any(|t| t.action.name() == "issue_certificate"),
        "the paid order queued the issue: {tasks:?}"
    );
    let pem = format!("/ssl/{id}/certyfikat.pem");
    assert_eq!(
        app.get(&pem).await.status(),
        StatusCode::NOT_FOUND,
        "not issued yet"
    );

    let dir = tempfile::tempdir().unwrap();
    let wrong = write(dir.path(), "inna.pem", OTHER_PEM);
    let refused = app
        .admin(&["ssl", "install", &id.to_string(), wrong.to_str().unwrap()])
        .await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not sklep-przykladowy.pl"));
    assert_eq!(
        app.get(&pem).await.status(),
        StatusCode::NOT_FOUND,
        "nothing stored"
    );

    let file = write(dir.path(), "chain.pem", SHOP_PEM);
    let out = app
        .admin_ok(&["ssl", "install", &id.to_string(), file.to_str().unwrap()])
        .await;
    assert!(out.contains("installed"), "{out}");
    let page = app.get("/ssl").await.text().await.unwrap();
    let row = page
        .split(&format!("id=\"certyfikat-{id}\""))
        .nth(1)
        .unwrap();
    assert!(
        row.split("</tr>").next().unwrap().contains("Wydany"),
        "{row}"
    );
    let download = app.get(&pem).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.text().await.unwrap().trim(), SHOP_PEM.trim());
}

#[tokio::test]
async fn a_domain_not_on_the_account_or_already_certified_is_refused_next_to_the_field_with_nothing_in_the_cart()
 {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    for (domain, error) in [
        (
            "obca-domena.pl",
            "tylko dla aktywnej domeny, którą masz na koncie",
        ),
        (
            "wisniewski.pl",
            "tylko dla aktywnej domeny, którą masz na koncie",
        ),
        ("przykladowa-firma.pl", "ma już certyfikat w tym pakiecie"),
        ("nie domena", "Nazwa domeny"),
    ] {
        let refused = order_certificate(&app, domain).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{domain}"
        );
        let page = refused.text().await.unwrap();
        assert!(page.contains(error), "{domain}: {page}");
        assert!(page.contains("ssl-domena-blad"), "next to the field");
    }
    assert_eq!(cart_len(&app, OWNER), 0);
    let added = order_certificate(&app, SHOP_DOMAIN).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let twice = order_certificate(&app, SHOP_DOMAIN).await;
    assert_eq!(
        twice.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "already in the cart"
    );
    assert_eq!(cart_len(&app, OWNER), 1);
}

#[tokio::test]
async fn an_idn_domain_is_offered_and_listed_in_unicode_and_ordered_by_its_ascii_name() {
    let app = spawn_app().await;
    let plans = app.state.store.plans().unwrap();
    let domain_plan = plans.iter().find(|p| p.name == "Domena .pl").unwrap().id;
    let plan = domain_plan.to_string();
    let args = ["add-service", "--account-of", OWNER, "--plan", &plan];
    let args = [
        &args[..],
        &["--name", "Zażółć.pl", "--expires", "2030-01-01"],
    ]
    .concat();
    app.admin_ok(&args).await;
    app.log_in(OWNER).await;
    let ascii = panel::domain::shop::DomainName::parse("zażółć.pl").unwrap();
    let ascii = ascii.ascii();
    let page = app.get("/ssl").await.text().await.unwrap();
    assert!(
        page.contains(&format!("<option value=\"{ascii}\">zażółć.pl</option>")),
        "{page}"
    );
    let added = order_certificate(&app, ascii).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let shop = app.get("/sklep").await.text().await.unwrap();
    let token = app.csrf().await;
    let key = hidden(&shop, "klucz");
    app.post_form("/sklep/zamow", &[("csrf_token", &token), ("klucz", &key)])
        .await;
    let page = app.get("/ssl").await.text().await.unwrap();
    let pending = page.split("Oczekuje na płatność").next().unwrap();
    assert!(pending.contains("zażółć.pl"), "listed in Unicode: {page}");
    assert!(!page.contains(&format!("<td>{ascii}")));
}
