//! Domeny and who may do what: another account's domain, or a service that is no domain, is not
//! found; Księgowość looks but changes nothing; Techniczny manages; a user limited to some
//! services finds no other domain; a domain not yet paid for cannot be changed.

use crate::domeny::{ABONENT, DOMAIN, GOOD, redirected_to_domain};
use crate::helpers::spawn_app;
use reqwest::StatusCode;

#[tokio::test]
async fn another_accounts_domain_and_a_service_that_is_no_domain_are_not_found() {
    let app = spawn_app().await;
    let theirs = app.domain_id();
    let server = app.service_id(ABONENT, "Serwer WWW 1");
    app.log_in("inny@example.com").await;
    for id in [theirs, server] {
        assert_eq!(
            app.get(&format!("/domeny/{id}")).await.status(),
            StatusCode::NOT_FOUND
        );
        for (path, fields) in [
            (format!("/domeny/{id}/rekordy"), GOOD[0].0),
            (
                format!("/domeny/{id}/serwery-dns"),
                &[("serwery", "ns1.a.pl ns2.a.pl")][..],
            ),
            (format!("/domeny/{id}/authinfo"), &[][..]),
        ] {
            let response = app.send(&path, fields, false).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }
    assert!(app.zone().records.is_empty() && app.zone().reveals.is_empty());
    assert!(app.domain_tasks().is_empty());
}

#[tokio::test]
async fn ksiegowosc_sees_the_domain_but_every_change_is_forbidden_and_nothing_changes() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    app.add_record(GOOD[0].0).await;
    let before = (app.zone(), app.nameservers(), app.domain_tasks());
    let id = app.domain_id();
    let nr = before.0.records[0].id;
    app.log_in("ksiegowosc@example.com").await;
    let html = app.domain_html().await;
    assert!(html.contains("192.0.2.10"));
    assert!(!html.contains("Dodaj rekord") && !html.contains("Pokaż kod AuthInfo"));
    for (path, fields) in [
        (format!("/domeny/{id}/rekordy"), GOOD[1].0),
        (format!("/domeny/{id}/rekordy/{nr}"), GOOD[1].0),
        (format!("/domeny/{id}/rekordy/{nr}/usun"), &[][..]),
        (
            format!("/domeny/{id}/serwery-dns"),
            &[("serwery", "ns1.a.pl ns2.a.pl")][..],
        ),
        (format!("/domeny/{id}/authinfo"), &[][..]),
    ] {
        let response = app.send(&path, fields, false).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!((app.zone(), app.nameservers(), app.domain_tasks()), before);
}

#[tokio::test]
async fn techniczny_manages_the_dns_and_sees_the_transfer_code() {
    let app = spawn_app().await;
    app.add_user(ABONENT, "tech@example.com", "techniczny")
        .await;
    app.log_in("tech@example.com").await;
    redirected_to_domain(&app.add_record(GOOD[4].0).await, app.domain_id());
    let path = format!("/domeny/{}/authinfo", app.domain_id());
    assert_eq!(app.send(&path, &[], false).await.status(), StatusCode::OK);
    assert_eq!(app.zone().reveals[0].by, "tech@example.com");
}

#[tokio::test]
async fn a_technician_limited_to_one_domain_finds_no_other_domain_to_see_or_change() {
    let app = spawn_app().await;
    let tech = "tech@example.com";
    app.add_user(ABONENT, tech, "techniczny").await;
    let shop = app.service_id(ABONENT, "sklep-przykladowy.pl");
    let users = app
        .state
        .store
        .users_of_account(app.account_id(ABONENT))
        .unwrap();
    let tech_id = users.iter().find(|u| u.email.as_str() == tech).unwrap().id;
    app.log_in(ABONENT).await;
    let shop_id = shop.to_string();
    let limit = [("zakres", "wybrane"), ("usluga", shop_id.as_str())];
    let limited = app
        .send(&format!("/uzytkownicy/{tech_id}/zakres"), &limit, false)
        .await;
    assert_eq!(limited.status(), StatusCode::SEE_OTHER);

    app.log_in(tech).await;
    let list = app.get("/domeny").await.text().await.unwrap();
    assert!(list.contains("sklep-przykladowy.pl") && !list.contains(DOMAIN));
    let outside = app.domain_id();
    assert_eq!(
        app.get(&format!("/domeny/{outside}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let refused = app.add_record(GOOD[0].0).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let own = app
        .send(&format!("/domeny/{shop}/rekordy"), GOOD[5].0, false)
        .await;
    redirected_to_domain(&own, shop);
    let shop_page = app
        .get(&format!("/domeny/{shop}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        shop_page.contains("10 mx.example.net"),
        "the demo's records"
    );
    assert!(shop_page.contains("10 5 5060 sip.example.net"));
    assert!(app.zone().records.is_empty());
}

#[tokio::test]
async fn a_domain_waiting_for_its_first_payment_shows_why_nothing_can_be_changed_yet() {
    let app = spawn_app().await;
    let existing = app
        .state
        .store
        .services_of_account(app.account_id(ABONENT))
        .unwrap()
        .into_iter()
        .find(|s| s.name == DOMAIN)
        .unwrap();
    let pending = app
        .state
        .store
        .add_service(panel::domain::Service {
            id: 0,
            name: "nowa-firma.pl".into(),
            lifecycle: panel::domain::service::Lifecycle::Pending,
            ..existing
        })
        .unwrap();
    app.log_in(ABONENT).await;
    let page = app.get(&format!("/domeny/{}", pending.id)).await;
    let html = page.text().await.unwrap();
    assert!(
        html.contains("można zmieniać, gdy domena jest aktywna"),
        "{html}"
    );
    assert!(!html.contains("Dodaj rekord") && !html.contains("Pokaż kod AuthInfo"));
    let path = format!("/domeny/{}/rekordy", pending.id);
    let refused = app.send(&path, GOOD[0].0, false).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let tasks = app.state.store.tasks_of_service(pending.id).unwrap();
    assert!(tasks.is_empty());
}
