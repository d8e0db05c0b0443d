//! Więcej usług: services the panel lists but does not manage, with the way to the previous
//! panel; the navigation and the Pulpit lead here. The service page (Zobacz) shows the pakiet and
//! its gross renewal price.

use crate::helpers::spawn_app;
use reqwest::StatusCode;

const OWNER: &str = "abonent@example.com";

#[tokio::test]
async fn the_page_lists_other_services_and_leads_to_the_previous_panel() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let page = app.get("/wiecej-uslug").await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("<title>Więcej usług"), "{page}");
    assert!(page.contains("Serwer dedykowany ds-1"), "{page}");
    let id = app.service_id(OWNER, "Serwer dedykowany ds-1");
    assert!(page.contains(&format!("href=\"/uslugi/{id}\"")), "Zobacz");
    assert!(
        page.contains("href=\"https://stary-panel.example.com/\"")
            && page.contains("Przejdź do poprzedniego panelu")
    );
    assert!(!page.contains("Strona firmowa"), "only the other services");
    let pulpit = app.pulpit().await;
    assert!(pulpit.contains("href=\"/wiecej-uslug\""), "{pulpit}");
    assert!(
        !pulpit.contains("href=\"https://stary-panel.example.com/\""),
        "nav and module lead to the new page"
    );
}

#[tokio::test]
async fn the_operator_adds_another_service_with_add_service_and_the_customer_sees_it() {
    let app = spawn_app().await;
    let plan = app
        .admin_ok(&[
            "add-plan",
            "--kind",
            "inne",
            "--name",
            "Kolokacja",
            "--price",
            "100,00",
            "--months",
            "1",
        ])
        .await;
    let plan_id: String = plan
        .split_whitespace()
        .find_map(|w| w.parse::<u64>().ok().map(|n| n.to_string()))
        .unwrap_or_else(|| panic!("{plan}"));
    app.admin_ok(&[
        "add-service",
        "--account-of",
        "inny@example.com",
        "--plan",
        &plan_id,
        "--name",
        "Szafa rack 7",
        "--expires",
        "2031-01-01",
    ])
    .await;
    app.log_in("inny@example.com").await;
    let page = app.get("/wiecej-uslug").await.text().await.unwrap();
    assert!(page.contains("Szafa rack 7"), "{page}");
    assert!(
        !page.contains("Serwer dedykowany ds-1"),
        "another account's"
    );
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(!shop.contains("Kolokacja"), "not sold in the shop");
}

#[tokio::test]
async fn without_other_services_the_page_says_so() {
    let app = spawn_app().await;
    app.log_in("inny@example.com").await;
    let page = app.get("/wiecej-uslug").await.text().await.unwrap();
    assert!(page.contains("Nie masz innych usług."), "{page}");
    assert!(page.contains("Przejdź do poprzedniego panelu"));
}

#[tokio::test]
async fn the_service_page_shows_the_pakiet_and_its_gross_price() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let hosting = app.service_id(OWNER, "Serwer WWW 1");
    let page = app
        .get(&format!("/uslugi/{hosting}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<dt>Pakiet</dt><dd id=\"pakiet\">Hosting Pro</dd>"),
        "{page}"
    );
    // 399,00 zł net + 23 % VAT.
    assert!(
        page.contains("<strong>490,77 zł</strong> brutto / 12 miesięcy"),
        "{page}"
    );
    assert!(page.contains("Wersja PHP") && page.contains("8.2"));
    assert!(!page.contains(">Plan<"));
    let ox = app.service_id(OWNER, "Open-Xchange");
    let page = app
        .get(&format!("/uslugi/{ox}"))
        .await
        .text()
        .await
        .unwrap();
    // Five licences at 9,00 zł net each.
    assert!(
        page.contains("<strong>55,35 zł</strong> brutto / 1 miesiąc"),
        "{page}"
    );
}
