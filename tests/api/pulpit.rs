//! Pulpit: boxes, Odnów once, payments recorded by the operator, account scoping.

use crate::helpers::spawn_app;
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";

#[tokio::test]
async fn the_pulpit_shows_payment_status_boxes_and_the_permanent_modules() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let page = app.pulpit().await;
    for text in [
        "Do zapłaty",
        "Po terminie",
        "Saldo przedpłat",
        "72,57 zł",
        "Domena przykladowa-firma.pl wygasa za 5 dni",
        "Domena przykladowa-firma.com wygasła",
        "Certyfikat SSL przykladowa-firma.pl wygasa za 20 dni",
        "Proforma PF/2026/",
        "jest prawie pełna",
    ] {
        assert!(page.contains(text), "the Pulpit shows {text:?}");
    }
    for module in [
        "Użytkownicy",
        "Skrzynki e-mail",
        "Hosting",
        "Certyfikaty SSL",
        "Serwery w chmurze",
        "Kreator WWW",
        "Open-Xchange",
        "Więcej usług",
        "Faktury",
        "Sklep",
        "Domeny",
    ] {
        assert!(
            page.contains(&format!(">{module}</a></h3>")),
            "module {module}"
        );
    }
    assert!(
        page.contains("<a href=\"/wiecej-uslug\">Więcej usług</a></h3>"),
        "Więcej usług leads to its page (which links the configured URL)"
    );
    assert!(page.contains("biuro@przykladowa-firma.pl"), "mailbox list");
}

#[tokio::test]
async fn kreator_www_appears_only_for_accounts_that_own_it() {
    let app = spawn_app().await;
    app.log_in("inny@example.com").await;
    let page = app.pulpit().await;
    assert!(!page.contains(">Kreator WWW</a></h3>"));
    assert!(page.contains(">Open-Xchange</a></h3>"));
    assert!(page.contains("wisniewski.pl wygasa za 12 dni"));
}

#[tokio::test]
async fn odnow_creates_one_proforma_from_the_plan_and_swaps_the_box() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, "przykladowa-firma.pl");
    let before = app.proformas_of(ABONENT).len();
    let fragment = app.renew_htmx(id).await;
    assert_eq!(fragment.status(), StatusCode::OK);
    let html = fragment.text().await.unwrap();
    assert!(html.starts_with(&format!(
        "<article class=\"notice notice--warning\" id=\"box-usluga-{id}\""
    )));
    assert!(html.contains("Zapłać"));
    assert!(
        html.contains("60,27 zł"),
        "49,00 zł net + 23% VAT from the plan"
    );
    assert!(
        html.contains("hx-swap-oob=\"true\"") && html.contains("132,84 zł"),
        "Stan płatności comes along with the box"
    );
    let again = app.renew_htmx(id).await.text().await.unwrap();
    assert_eq!(again, html, "a second click shows the same proforma");
    assert_eq!(app.proformas_of(ABONENT).len(), before + 1);
}

#[tokio::test]
async fn concurrent_odnow_from_two_tabs_gives_a_single_proforma() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, "przykladowa-firma.com");
    let before = app.proformas_of(ABONENT).len();
    let (a, b, c, d) = tokio::join!(
        app.renew_htmx(id),
        app.renew_htmx(id),
        app.renew_htmx(id),
        app.renew_htmx(id)
    );
    for answer in [a, b, c, d] {
        assert_eq!(answer.status(), StatusCode::OK);
    }
    assert_eq!(app.proformas_of(ABONENT).len(), before + 1);
}

#[tokio::test]
async fn odnow_without_javascript_leads_to_the_proforma_with_a_message() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, "przykladowa-firma.pl");
    let token = app.csrf().await;
    let response = app
        .post_form(&format!("/uslugi/{id}/odnow"), &[("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/faktury/"));
    let page = app.get(&location).await.text().await.unwrap();
    assert!(page.contains("Wystawiliśmy proformę PF/"));
    assert!(page.contains("Tytuł przelewu"));
}

#[tokio::test]
async fn a_recorded_payment_removes_the_box_and_extends_the_service_once() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, "przykladowa-firma.pl");
    app.renew_htmx(id).await;
    let proforma = app.renewal_of(ABONENT, id);
    let before = app
        .state
        .store
        .service_of_account(app.account_id(ABONENT), id)
        .unwrap()
        .unwrap()
        .expires_on;

    let output = app
        .admin_ok(&["record-payment", "--proforma", &proforma.number])
        .await;
    assert!(output.contains("issued FV/"));
    let again = app
        .admin_ok(&["record-payment", "--proforma", &proforma.number])
        .await;
    assert!(again.contains("already paid"));

    let fragment = app.notifications().await;
    assert!(
        !fragment.contains(&format!("box-usluga-{id}\"")),
        "the box is gone"
    );
    let after = app
        .state
        .store
        .service_of_account(app.account_id(ABONENT), id)
        .unwrap()
        .unwrap()
        .expires_on;
    assert_eq!(
        after,
        panel::domain::time::add_months(before, 12),
        "extended by one period, once"
    );
    let invoices: Vec<_> = app
        .documents_of(ABONENT)
        .into_iter()
        .filter(|d| d.proforma_id == Some(proforma.id))
        .collect();
    assert_eq!(invoices.len(), 1, "one VAT invoice");
}

#[tokio::test]
async fn another_accounts_service_is_a_404_and_nothing_happens() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let foreign = app.service_id("inny@example.com", "wisniewski.pl");
    let page = app.get(&format!("/uslugi/{foreign}")).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let missing = app.get("/uslugi/999999").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        page.text().await.unwrap(),
        missing.text().await.unwrap(),
        "same answer as a missing one"
    );
    assert_eq!(
        app.renew_htmx(foreign).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        app.proformas_of("inny@example.com").is_empty(),
        "no proforma for the other account"
    );
}

#[tokio::test]
async fn the_accounting_role_may_renew_but_the_technical_role_may_not() {
    let app = spawn_app().await;
    app.add_user(ABONENT, "tech@example.com", "technical").await;
    app.log_in("tech@example.com").await;
    let page = app.pulpit().await;
    assert!(
        page.contains("Domena przykladowa-firma.pl wygasa za 5 dni"),
        "sees the services"
    );
    assert!(
        !page.contains(">Odnów</button>") && !page.contains("Do zapłaty") && !page.contains(" zł"),
        "but no money"
    );
    let id = app.service_id(ABONENT, "przykladowa-firma.pl");
    assert_eq!(app.renew_htmx(id).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get("/faktury").await.status(), StatusCode::FORBIDDEN);
    app.log_in("ksiegowosc@example.com").await;
    assert_eq!(
        app.renew_htmx(id).await.status(),
        StatusCode::OK,
        "Księgowość may renew"
    );
}

#[tokio::test]
async fn the_service_page_shows_zobacz_details() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.service_id(ABONENT, "cloud-1");
    let page = app
        .get(&format!("/uslugi/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("192.0.2.45"));
    assert!(page.contains("Odnowienie będzie możliwe od"));
}

#[tokio::test]
async fn every_service_section_is_reachable_from_the_navigation_and_billing_only_for_billing_roles()
{
    let app = spawn_app().await;
    app.add_user("abonent@example.com", "tech@example.com", "techniczny")
        .await;
    app.log_in("abonent@example.com").await;
    let page = app.get("/faktury").await.text().await.unwrap();
    let nav = &page[page.find("<nav").unwrap()..page.find("</nav>").unwrap()];
    for section in [
        "/domeny",
        "/hosting",
        "/skrzynki",
        "/ssl",
        "/cloud",
        "/kreator-www",
        "/open-xchange",
        "/faktury",
        "/platnosci",
    ] {
        assert!(
            nav.contains(&format!("href=\"{section}\"")),
            "{section} in {nav}"
        );
    }
    assert!(nav.contains("Więcej usług"));
    app.log_in("tech@example.com").await;
    let page = app.get("/hosting").await.text().await.unwrap();
    let nav = &page[page.find("<nav").unwrap()..page.find("</nav>").unwrap()];
    assert!(nav.contains("href=\"/hosting\""));
    assert!(
        !nav.contains("href=\"/faktury\"") && !nav.contains("href=\"/platnosci\""),
        "Techniczny is not offered what answers 403"
    );
}
