//! Domeny, DNS records: a record of each type added and listed, a wrong one of each type named
//! in Polish with the form kept, a record changed and deleted; each change leaves its task.

use crate::domeny::{ABONENT, DOMAIN, GOOD, redirected_to_domain};
use crate::helpers::spawn_app;
use panel::domain::dns::RecordData;
use panel::domain::task::TaskAction;
use reqwest::StatusCode;

#[tokio::test]
async fn a_record_of_each_type_is_added_listed_and_sent_to_the_dns_servers() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    for (fields, shown) in GOOD {
        let response = app.add_record(fields).await;
        redirected_to_domain(&response, app.domain_id());
        let html = app.domain_html().await;
        assert!(html.contains("Dodaliśmy rekord"));
        assert!(html.contains(shown), "{shown}");
    }
    let zone = app.zone();
    let types: Vec<&str> = zone.records.iter().map(|r| r.data.type_name()).collect();
    assert_eq!(types, ["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA"]);
    let tasks = app.domain_tasks();
    assert_eq!(tasks.len(), 7, "one task per change");
    assert_eq!(
        tasks.last(),
        Some(&TaskAction::SetDnsRecords {
            zone: DOMAIN.into(),
            records: zone.records
        })
    );
}

#[tokio::test]
async fn a_wrong_record_of_each_type_is_refused_with_its_message_and_the_form_kept() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    app.add_record(GOOD[0].0).await;
    let cases: [(&[(&str, &str)], &str); 9] = [
        (
            &[("typ", "A"), ("nazwa", "www2"), ("wartosc", "192.0.2.300")],
            "Podaj adres IPv4",
        ),
        (
            &[("typ", "AAAA"), ("nazwa", "@"), ("wartosc", "2001:db8::zz")],
            "Podaj adres IPv6",
        ),
        (
            &[
                ("typ", "CNAME"),
                ("nazwa", "@"),
                ("wartosc", "strony.example.net"),
            ],
            "wierzchołku domeny",
        ),
        (
            &[
                ("typ", "CNAME"),
                ("nazwa", "www"),
                ("wartosc", "strony.example.net"),
            ],
            "CNAME musi być pod swoją nazwą jedyny",
        ),
        (
            &[
                ("typ", "MX"),
                ("nazwa", "@"),
                ("priorytet", "70000"),
                ("wartosc", "mx.example.net"),
            ],
            "Priorytet to liczba od 0 do 65535",
        ),
        (
            &[("typ", "TXT"), ("nazwa", "@"), ("wartosc", "")],
            "Wpisz treść rekordu TXT",
        ),
        (
            &[
                ("typ", "SRV"),
                ("nazwa", "_sip._tcp"),
                ("priorytet", "1"),
                ("waga", "1"),
                ("port", "99999"),
                ("wartosc", "sip.example.net"),
            ],
            "Port to liczba od 1 do 65535",
        ),
        (
            &[
                ("typ", "CAA"),
                ("nazwa", "@"),
                ("flaga", "0"),
                ("tag", "zgoda"),
                ("wartosc", "letsencrypt.org"),
            ],
            "Wybierz znacznik",
        ),
        (
            &[
                ("typ", "A"),
                ("nazwa", "www2"),
                ("ttl", "30"),
                ("wartosc", "192.0.2.1"),
            ],
            "TTL to liczba sekund od 60 do 86400",
        ),
    ];
    for (fields, message) in cases {
        let response = app.add_record(fields).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{message}"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "{message}: {html}");
        let typed = fields.iter().find(|(k, _)| *k == "wartosc").unwrap().1;
        assert!(
            html.contains(&format!("value=\"{typed}\"")),
            "the form keeps {typed}"
        );
    }
    assert_eq!(app.zone().records.len(), 1, "nothing stored");
    assert_eq!(app.domain_tasks().len(), 1, "no task for a refused record");
}

#[tokio::test]
async fn a_record_is_changed_in_its_filled_form_and_then_deleted() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let id = app.domain_id();
    app.add_record(GOOD[0].0).await;
    let nr = app.zone().records[0].id;
    let form = app
        .get(&format!("/domeny/{id}?edytuj={nr}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains("Zmień rekord") && form.contains("value=\"192.0.2.10\""));
    let path = format!("/domeny/{id}/rekordy/{nr}");
    let fields = [
        ("typ", "A"),
        ("nazwa", "www"),
        ("ttl", "600"),
        ("wartosc", "198.51.100.7"),
    ];
    redirected_to_domain(&app.send(&path, &fields, false).await, id);
    let html = app.domain_html().await;
    assert!(html.contains("198.51.100.7") && !html.contains("192.0.2.10"));
    let record = &app.zone().records[0];
    assert_eq!((record.id, record.ttl), (nr, 600));
    assert_eq!(
        record.data,
        RecordData::A {
            address: [198, 51, 100, 7].into()
        }
    );
    redirected_to_domain(&app.send(&format!("{path}/usun"), &[], false).await, id);
    assert!(app.zone().records.is_empty());
    assert!(
        app.domain_html()
            .await
            .contains("Strefa nie ma jeszcze rekordów")
    );
    let missing = app.send(&format!("{path}/usun"), &[], false).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.domain_tasks().len(), 3, "added, changed, deleted");
}

#[tokio::test]
async fn with_htmx_a_new_record_comes_back_in_the_pages_content() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let path = format!("/domeny/{}/rekordy", app.domain_id());
    let response = app.send(&path, GOOD[3].0, true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.starts_with("<div id=\"domena\""), "{html}");
    assert!(html.contains("10 mx.example.net") && html.contains("Dodaliśmy rekord MX @"));
}

#[tokio::test]
async fn an_idn_domain_and_its_record_names_are_shown_in_unicode_and_stored_in_punycode() {
    let app = spawn_app().await;
    let store = &app.state.store;
    let account = app.account_id(ABONENT);
    let existing = store.services_of_account(account).unwrap();
    let template = existing.into_iter().find(|s| s.name == DOMAIN).unwrap();
    let ascii = idna::domain_to_ascii("zażółć.pl").unwrap();
    let idn = store
        .add_service(panel::domain::Service {
            id: 0,
            name: ascii.clone(),
            ..template
        })
        .unwrap();
    app.log_in(ABONENT).await;
    let list = app.get("/domeny").await.text().await.unwrap();
    assert!(list.contains("zażółć.pl") && !list.contains(&ascii));
    let path = format!("/domeny/{}/rekordy", idn.id);
    let fields = [
        ("typ", "A"),
        ("nazwa", "żółw.zażółć.pl"),
        ("wartosc", "192.0.2.5"),
    ];
    assert_eq!(
        app.send(&path, &fields, false).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = app
        .get(&format!("/domeny/{}", idn.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<td>żółw</td>"), "{page}");
    let tasks = store.tasks_of_service(idn.id).unwrap();
    let Some(TaskAction::SetDnsRecords { zone, records }) = tasks.last().map(|t| &t.action) else {
        panic!("{tasks:?}")
    };
    assert_eq!(zone, &ascii);
    assert_eq!(records[0].name, idna::domain_to_ascii("żółw").unwrap());
}
