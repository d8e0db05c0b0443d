//! Hosting: the customer sees each server's disk use, mailbox count, PHP version and domains;
//! changes the PHP version and attaches or detaches an owned domain, each with a task; refusals,
//! another account's server, Księgowość change nothing.

use crate::helpers::{TestApp, spawn_app};
use panel::domain::ServiceDetails;
use panel::domain::task::{Task, TaskAction, TaskState};
use reqwest::StatusCode;
use std::time::Duration;

const OWNER: &str = "abonent@example.com";
const SERVER: &str = "Serwer WWW 1";

impl TestApp {
    fn hosting_id(&self) -> u64 {
        self.service_id(OWNER, SERVER)
    }

    /// The server's PHP version and attached domains as stored.
    fn hosting_state(&self, id: u64) -> (String, Vec<String>) {
        let account = self.account_id(OWNER);
        let service = self.state.store.service_of_account(account, id).unwrap();
        match service.unwrap().details {
            ServiceDetails::Hosting {
                php_version,
                domains,
                ..
            } => (php_version, domains),
            other => panic!("not a hosting server: {other:?}"),
        }
    }

    fn hosting_tasks(&self, id: u64) -> Vec<Task> {
        let tasks = self.state.store.tasks_of_service(id).unwrap();
        tasks
            .into_iter()
            .filter(|t| {
                matches!(
                    t.action,
                    TaskAction::SetPhpVersion { .. }
                        | TaskAction::AttachDomain { .. }
                        | TaskAction::DetachDomain { .. }
                )
            })
            .collect()
    }

    async fn hosting_post(&self, path: &str, field: &str, value: &str) -> reqwest::Response {
        let csrf = self.csrf().await;
        self.post_form(path, &[(field, value), ("csrf_token", &csrf)])
            .await
    }

    async fn hosting_page(&self) -> String {
        let page = self.get("/hosting").await;
        assert_eq!(page.status(), StatusCode::OK);
        page.text().await.unwrap()
    }

    async fn hosting_task_settled(&self, id: u64) -> Task {
        for _ in 0..400 {
            let last = self.hosting_tasks(id).pop().unwrap();
            if matches!(last.state, TaskState::Done | TaskState::Failed { .. }) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the hosting task did not finish");
    }
}

#[tokio::test]
async fn the_server_card_shows_pakiet_disk_use_mailbox_count_php_and_domains() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let page = app.hosting_page().await;
    assert!(
        page.contains(SERVER) && page.contains("Hosting Pro"),
        "{page}"
    );
    assert!(page.contains("7340 z 20480 MB"), "{page}");
    assert!(page.contains("usage--ok"), "35 % of the disk is green");
    assert!(page.contains("href=\"/skrzynki\""), "{page}");
    assert!(
        page.contains(" z 50</a>"),
        "mailboxes against the limit: {page}"
    );
    assert!(page.contains("<dd>8.2</dd>"), "{page}");
    assert!(page.contains("przykladowa-firma.pl, sklep-przykladowy.pl"));
    assert!(
        page.contains("<option value=\"przykladowa-firma.com\">"),
        "an owned free domain is offered: {page}"
    );
}

#[tokio::test]
async fn a_php_change_is_shown_with_its_task_and_a_bad_version_is_refused() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let id = app.hosting_id();
    let path = format!("/hosting/{id}/php");
    let changed = app.hosting_post(&path, "wersja", "8.4").await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.hosting_state(id).0, "8.4");
    let task = app.hosting_task_settled(id).await;
    assert_eq!(
        task.action,
        TaskAction::SetPhpVersion {
            version: "8.4".into()
        }
    );
    assert_eq!(task.state, TaskState::Done);
    let page = app.hosting_page().await;
    assert!(page.contains("<dd>8.4</dd>"), "{page}");
    assert!(page.contains("Zmiana wersji PHP 8.4"), "{page}");

    let bad = app.hosting_post(&path, "wersja", "5.6").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("Wybierz wersję PHP z listy")
    );
    let same = app.hosting_post(&path, "wersja", "8.4").await;
    assert_eq!(same.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.hosting_state(id).0, "8.4");
    assert_eq!(app.hosting_tasks(id).len(), 1, "no task for a refusal");
}

#[tokio::test]
async fn an_owned_domain_is_attached_and_detached_and_another_accounts_domain_refused() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let id = app.hosting_id();
    let attach = format!("/hosting/{id}/domeny");
    let done = app
        .hosting_post(&attach, "domena", "przykladowa-firma.com")
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert!(
        app.hosting_state(id)
            .1
            .contains(&"przykladowa-firma.com".to_string())
    );
    let page = app.hosting_page().await;
    assert!(page.contains("Odepnij przykladowa-firma.com"), "{page}");
    assert!(
        page.contains("Podpięcie domeny przykladowa-firma.com"),
        "{page}"
    );

    let foreign = app.hosting_post(&attach, "domena", "wisniewski.pl").await;
    assert_eq!(foreign.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        foreign
            .text()
            .await
            .unwrap()
            .contains("Wybierz domenę z Twojego konta.")
    );
    let twice = app
        .hosting_post(&attach, "domena", "przykladowa-firma.com")
        .await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !app.hosting_state(id)
            .1
            .contains(&"wisniewski.pl".to_string())
    );

    let detach = format!("/hosting/{id}/domeny/usun");
    let gone = app
        .hosting_post(&detach, "domena", "sklep-przykladowy.pl")
        .await;
    assert_eq!(gone.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.hosting_state(id).1,
        vec![
            "przykladowa-firma.pl".to_string(),
            "przykladowa-firma.com".to_string()
        ]
    );
    let page = app.hosting_page().await;
    assert!(
        page.contains("Odpięcie domeny sklep-przykladowy.pl"),
        "{page}"
    );
    assert!(
        page.contains("<option value=\"sklep-przykladowy.pl\">"),
        "free again"
    );
    let actions: Vec<_> = app
        .hosting_tasks(id)
        .into_iter()
        .map(|t| t.action)
        .collect();
    assert_eq!(actions.len(), 2, "{actions:?}");
}

#[tokio::test]
async fn another_accounts_server_is_not_found() {
    let app = spawn_app().await;
    let id = app.hosting_id();
    app.log_in("inny@example.com").await;
    assert!(!app.hosting_page().await.contains(SERVER));
    let path = format!("/hosting/{id}/php");
    let response = app.hosting_post(&path, "wersja", "8.4").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.hosting_state(id).0, "8.2");
    assert!(app.hosting_tasks(id).is_empty());
}

#[tokio::test]
async fn ksiegowosc_sees_the_server_without_forms_and_gets_403() {
    let app = spawn_app().await;
    let id = app.hosting_id();
    app.log_in("ksiegowosc@example.com").await;
    let page = app.hosting_page().await;
    assert!(page.contains(SERVER) && page.contains("<dd>8.2</dd>"));
    assert!(!page.contains("Zmień wersję PHP"), "{page}");
    let path = format!("/hosting/{id}/domeny/usun");
    let response = app
        .hosting_post(&path, "domena", "przykladowa-firma.pl")
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.hosting_state(id).1.len(), 2);
    assert!(app.hosting_tasks(id).is_empty());
}

#[tokio::test]
async fn a_technical_user_may_change_the_php_version() {
    let app = spawn_app().await;
    app.add_user(OWNER, "tech@example.com", "techniczny").await;
    app.log_in("tech@example.com").await;
    let id = app.hosting_id();
    let path = format!("/hosting/{id}/php");
    let response = app.hosting_post(&path, "wersja", "8.1").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.hosting_state(id).0, "8.1");
}

#[tokio::test]
async fn htmx_gets_the_section_with_the_change() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let id = app.hosting_id();
    let csrf = app.csrf().await;
    let response = app
        .client
        .post(app.url(&format!("/hosting/{id}/php")))
        .header("HX-Request", "true")
        .form(&[("wersja", "8.3"), ("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(body.starts_with("<div id=\"hosting\">"), "{body}");
    assert!(body.contains("Zmiana wersji PHP — zapisano."), "{body}");
}

#[tokio::test]
async fn a_suspended_server_shows_no_forms_and_refuses_a_change() {
    use panel::domain::service::Lifecycle;
    use panel::domain::{Service, ServiceKind};
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let suspended = app
        .state
        .store
        .add_service(Service {
            id: 0,
            account_id: app.account_id(OWNER),
            kind: ServiceKind::Hosting,
            name: "Serwer WWW 2".into(),
            plan_id: 1,
            lifecycle: Lifecycle::Suspended,
            expires_on: jiff::civil::date(2020, 1, 1),
            auto_renew: false,
            renewal_months: None,
            details: ServiceDetails::Hosting {
                disk_quota_mb: 1000,
                disk_used_mb: 990,
                mailbox_limit: 5,
                domains: vec![],
                php_version: "8.3".into(),
            },
            created_at: app.clock.now(),
        })
        .unwrap();
    let page = app.hosting_page().await;
    assert!(page.contains("990 z 1000 MB") && page.contains("usage--danger"));
    assert!(
        !page.contains(&format!("/hosting/{}/php", suspended.id)),
        "{page}"
    );
    let path = format!("/hosting/{}/php", suspended.id);
    let refused = app.hosting_post(&path, "wersja", "8.4").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Serwer jest nieaktywny")
    );
    assert!(app.hosting_tasks(suspended.id).is_empty());
}
