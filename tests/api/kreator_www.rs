//! Kreator WWW: the customer sees their site with its domain, publish status and the editor's
//! link; withdraws and publishes it (each a provisioning task, the status reading
//! "Publikowanie…" until it is done) and moves it to another of their domains. Another account's
//! site, a foreign domain and Księgowość change nothing.

use crate::helpers::{TestApp, spawn_app, spawn_app_with_command, task_script};
use panel::domain::ServiceDetails;
use panel::domain::task::{Task, TaskAction, TaskState};
use reqwest::StatusCode;
use std::path::PathBuf;
use std::time::Duration;

const OWNER: &str = "abonent@example.com";
const SITE: &str = "Strona firmowa";

impl TestApp {
    fn site_id(&self) -> u64 {
        self.service_id(OWNER, SITE)
    }

    /// (domain, published) as stored.
    fn site_state(&self, id: u64) -> (String, bool) {
        let account = self.account_id(OWNER);
        let service = self.state.store.service_of_account(account, id).unwrap();
        match service.unwrap().details {
            ServiceDetails::WebsiteBuilder {
                domain, published, ..
            } => (domain, published),
            other => panic!("not a site: {other:?}"),
        }
    }

    fn site_tasks(&self, id: u64) -> Vec<Task> {
        self.state.store.tasks_of_service(id).unwrap()
    }

    async fn site_post(&self, id: u64, what: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = self.csrf().await;
        let mut form = vec![("csrf_token", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post_form(&format!("/kreator-www/{id}/{what}"), &form)
            .await
    }

    async fn site_task_settled(&self, id: u64) -> Task {
        for _ in 0..400 {
            let last = self.site_tasks(id).pop().unwrap();
            if matches!(last.state, TaskState::Done | TaskState::Failed { .. }) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the site's task did not finish");
    }

    async fn kreator_page(&self) -> String {
        let page = self.get("/kreator-www").await;
        assert_eq!(page.status(), StatusCode::OK);
        page.text().await.unwrap()
    }
}

async fn app_with_command(command: PathBuf) -> TestApp {
    let app = spawn_app_with_command(command).await;
    app.log_in(OWNER).await;
    app
}

#[tokio::test]
async fn the_site_shows_its_domain_status_and_an_editor_link_built_from_the_setting() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let page = app.kreator_page().await;
    assert!(page.contains("<title>Kreator WWW"), "{page}");
    assert!(page.contains(SITE) && page.contains("Kreator WWW Biznes"));
    assert!(page.contains("przykladowa-firma.pl"), "{page}");
    assert!(page.contains("badge--ok\">Opublikowana"), "{page}");
    assert!(
        page.contains(
            "href=\"https://kreator.example.pl/edytor?strona=przykladowa%2Dfirma&amp;domena=przykladowa%2Dfirma%2Epl\""
        ),
        "{page}"
    );
    assert!(page.contains(">Otwórz edytor<"));
    assert!(page.contains(">Wycofaj publikację<") && !page.contains(">Opublikuj<"));
    let pulpit = app.pulpit().await;
    assert!(pulpit.contains("href=\"/kreator-www\""), "nav and module");
}

#[tokio::test]
async fn withdrawing_and_publishing_read_as_pending_until_the_task_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let gate = dir.path().join("gate");
    let input = dir.path().join("input.json");
    let body = format!(
        "cat >> '{i}'\necho >> '{i}'\nwhile [ ! -e '{g}' ]; do sleep 0.05; done",
        i = input.display(),
        g = gate.display()
    );
    let app = app_with_command(task_script(dir.path(), "site.sh", &body)).await;
    let id = app.site_id();

    let withdrawn = app.site_post(id, "wycofaj", &[]).await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.site_tasks(id).last().map(|t| &t.action),
        Some(&TaskAction::UnpublishSite {
            site: "przykladowa-firma".into()
        })
    );
    let page = app.kreator_page().await;
    assert!(page.contains("Wycofywanie publikacji…"), "{page}");
    assert!(
        page.contains("hx-trigger=\"every 2s\""),
        "the card reloads itself"
    );
    assert!(!page.contains(">Opublikuj<") && !page.contains(">Wycofaj publikację<"));
    assert!(app.site_state(id).1, "published until the task is done");
    let again = app.site_post(id, "wycofaj", &[]).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().await.unwrap().contains("poprzednie polecenie"));

    std::fs::write(&gate, "").unwrap();
    assert_eq!(app.site_task_settled(id).await.state, TaskState::Done);
    assert!(!app.site_state(id).1);
    let page = app.kreator_page().await;
    assert!(
        page.contains("Nieopublikowana") && !page.contains("every 2s"),
        "{page}"
    );

    std::fs::remove_file(&gate).unwrap();
    let published = app.site_post(id, "opublikuj", &[]).await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    assert!(app.kreator_page().await.contains("Publikowanie…"));
    std::fs::write(&gate, "").unwrap();
    assert_eq!(app.site_task_settled(id).await.state, TaskState::Done);
    assert!(app.site_state(id).1);
    assert!(
        app.kreator_page()
            .await
            .contains("badge--ok\">Opublikowana")
    );
    let sent = std::fs::read_to_string(&input).unwrap();
    assert!(sent.contains("\"action\":\"unpublish_site\""), "{sent}");
    assert!(
        sent.contains(
            "\"PublishSite\":{\"site\":\"przykladowa-firma\",\"domain\":\"przykladowa-firma.pl\"}"
        ),
        "{sent}"
    );
}

#[tokio::test]
async fn a_failed_publish_shows_its_reason_and_leaves_the_site_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let command = task_script(
        dir.path(),
        "no.sh",
        "echo 'Brak miejsca na serwerze'\nexit 1",
    );
    let app = app_with_command(command).await;
    let id = app.site_id();
    assert_eq!(
        app.site_post(id, "wycofaj", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    app.state.wake_tasks();
    let task = app.site_task_settled(id).await;
    assert!(matches!(task.state, TaskState::Failed { .. }));
    assert!(app.site_state(id).1, "still published");
    let page = app.kreator_page().await;
    assert!(page.contains("Brak miejsca na serwerze"), "{page}");
    assert!(page.contains("Opublikowana"));
}

#[tokio::test]
async fn the_site_moves_to_another_owned_domain_and_a_foreign_one_is_refused() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let id = app.site_id();
    let foreign = app
        .site_post(id, "domena", &[("domena", "wisniewski.pl")])
        .await;
    assert_eq!(foreign.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = foreign.text().await.unwrap();
    assert!(page.contains("Wybierz jedną z domen tego konta."), "{page}");
    assert!(page.contains("aria-invalid=\"true\""), "next to the field");
    assert_eq!(app.site_state(id).0, "przykladowa-firma.pl");
    assert!(app.site_tasks(id).is_empty(), "nothing written");

    let moved = app
        .site_post(id, "domena", &[("domena", "sklep-przykladowy.pl")])
        .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.site_state(id).0, "sklep-przykladowy.pl");
    let task = app.site_task_settled(id).await;
    assert_eq!(
        task.action,
        TaskAction::PublishSite {
            site: "przykladowa-firma".into(),
            domain: "sklep-przykladowy.pl".into()
        },
        "a published site is published on its new domain"
    );
    let page = app.kreator_page().await;
    assert!(
        page.contains("<dd class=\"domena\">sklep-przykladowy.pl</dd>"),
        "{page}"
    );
}

#[tokio::test]
async fn htmx_gets_the_section_back() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let id = app.site_id();
    let csrf = app.csrf().await;
    let htmx_post = |what: &str, fields: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf_token", csrf.clone())];
        form.extend(fields);
        app.client
            .post(app.url(&format!("/kreator-www/{id}/{what}")))
            .header("HX-Request", "true")
            .form(&form)
            .send()
    };
    let refused = htmx_post("domena", vec![("domena", "nie-moja.pl".into())])
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fragment = refused.text().await.unwrap();
    assert!(fragment.starts_with("<div id=\"kreator\">"), "{fragment}");
    assert!(fragment.contains("Wybierz jedną z domen tego konta."));

    let response = htmx_post("wycofaj", vec![]).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let fragment = response.text().await.unwrap();
    assert!(fragment.starts_with("<div id=\"kreator\">"), "{fragment}");
    assert!(fragment.contains("Wycofujemy publikację strony"));
}

#[tokio::test]
async fn another_account_has_no_kreator_and_cannot_touch_this_site() {
    let app = spawn_app().await;
    let id = app.site_id();
    app.log_in("inny@example.com").await;
    let page = app.kreator_page().await;
    assert!(page.contains("Nie masz jeszcze Kreatora WWW"), "{page}");
    assert!(page.contains("href=\"/sklep#kreator-www\""));
    assert!(!page.contains(SITE));
    let pulpit = app.pulpit().await;
    assert!(
        !pulpit.contains("href=\"/kreator-www\""),
        "no nav entry, no module"
    );
    for what in ["wycofaj", "opublikuj"] {
        assert_eq!(
            app.site_post(id, what, &[]).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    let domain = app
        .site_post(id, "domena", &[("domena", "wisniewski.pl")])
        .await;
    assert_eq!(domain.status(), StatusCode::NOT_FOUND);
    assert!(app.site_tasks(id).is_empty());
    assert_eq!(app.site_state(id), ("przykladowa-firma.pl".into(), true));
}

#[tokio::test]
async fn ksiegowosc_sees_the_site_without_buttons_and_gets_403() {
    let app = spawn_app().await;
    let id = app.site_id();
    app.log_in("ksiegowosc@example.com").await;
    let page = app.kreator_page().await;
    assert!(
        page.contains(SITE) && !page.contains("Wycofaj publikację"),
        "{page}"
    );
    assert_eq!(
        app.site_post(id, "wycofaj", &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert!(app.site_tasks(id).is_empty());
}

#[tokio::test]
async fn a_technical_user_may_withdraw_the_site() {
    let app = spawn_app().await;
    app.add_user(OWNER, "tech@example.com", "techniczny").await;
    let id = app.site_id();
    app.log_in("tech@example.com").await;
    assert_eq!(
        app.site_post(id, "wycofaj", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.site_task_settled(id).await.state, TaskState::Done);
    assert!(!app.site_state(id).1);
}
