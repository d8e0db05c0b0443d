//! Serwery w chmurze: the customer starts, stops and restarts a cloud server; each action is a
//! provisioning task, the page reads "zatrzymywanie…" while it waits and the new state once it is
//! done; a refused action, another account's server, Księgowość and a failing command change
//! nothing.

use crate::helpers::{TestApp, spawn_app, spawn_app_with_command, task_script};
use panel::domain::cloud::PowerAction;
use panel::domain::service::Lifecycle;
use panel::domain::task::{Task, TaskAction, TaskState};
use panel::domain::{Service, ServiceDetails, ServiceKind};
use reqwest::StatusCode;
use std::path::PathBuf;
use std::time::Duration;

const OWNER: &str = "abonent@example.com";
const SERVER: &str = "cloud-1";

impl TestApp {
    fn cloud_id(&self) -> u64 {
        self.service_id(OWNER, SERVER)
    }

    fn cloud_running(&self, id: u64) -> bool {
        let account = self.account_id(OWNER);
        let service = self.state.store.service_of_account(account, id).unwrap();
        matches!(
            service.unwrap().details,
            ServiceDetails::Cloud { running: true, .. }
        )
    }

    fn power_tasks(&self, id: u64) -> Vec<Task> {
        let tasks = self.state.store.tasks_of_service(id).unwrap();
        tasks
            .into_iter()
            .filter(|t| matches!(t.action, TaskAction::PowerCloud { .. }))
            .collect()
    }

    async fn power(&self, id: u64, akcja: &str) -> reqwest::Response {
        let csrf = self.csrf().await;
        let form = [("akcja", akcja), ("csrf_token", &csrf)];
        self.post_form(&format!("/cloud/{id}/zasilanie"), &form)
            .await
    }

    /// The server's latest power task once it is no longer waiting.
    async fn power_task_settled(&self, id: u64) -> Task {
        for _ in 0..400 {
            let last = self.power_tasks(id).pop().unwrap();
            if matches!(last.state, TaskState::Done | TaskState::Failed { .. }) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the power task did not finish");
    }

    async fn cloud_page(&self) -> String {
        let page = self.get("/cloud").await;
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
async fn a_stopped_server_reads_zatrzymywanie_until_its_task_is_done_then_zatrzymany() {
    let dir = tempfile::tempdir().unwrap();
    let gate = dir.path().join("gate");
    let input = dir.path().join("input.json");
    // The host's command: records the task, then waits until the test lets it finish.
    let body = format!(
        "cat >> '{i}'\necho >> '{i}'\nwhile [ ! -e '{g}' ]; do sleep 0.05; done",
        i = input.display(),
        g = gate.display()
    );
    let app = app_with_command(task_script(dir.path(), "power.sh", &body)).await;
    let id = app.cloud_id();
    let page = app.cloud_page().await;
    assert!(page.contains("<title>Serwery w chmurze"), "{page}");
    assert!(page.contains("badge--ok\">Uruchomiony"), "{page}");
    assert!(page.contains("192.0.2.45") && page.contains("80 GB"));
    assert!(page.contains("Serwer w chmurze S"), "the pakiet's name");

    let response = app.power(id, "stop").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let tasks = app.power_tasks(id);
    assert_eq!(
        tasks.last().map(|t| &t.action),
        Some(&TaskAction::PowerCloud {
            action: PowerAction::Stop
        })
    );
    let page = app.cloud_page().await;
    assert!(page.contains("badge--warning\">zatrzymywanie…"), "{page}");
    assert!(
        !page.contains(">Zatrzymaj<"),
        "no second action while one waits"
    );
    assert!(
        page.contains("hx-trigger=\"every 2s\""),
        "the card reloads itself"
    );
    assert!(
        app.cloud_running(id),
        "still running until the task is done"
    );

    std::fs::write(&gate, "").unwrap();
    assert_eq!(app.power_task_settled(id).await.state, TaskState::Done);
    assert!(!app.cloud_running(id));
    let page = app.cloud_page().await;
    assert!(
        page.contains("Zatrzymany") && !page.contains("zatrzymywanie…"),
        "{page}"
    );
    assert!(!page.contains("every 2s"), "nothing left to wait for");
    let sent = std::fs::read_to_string(&input).unwrap();
    assert!(sent.contains("\"action\":\"power_cloud\""), "{sent}");
    assert!(
        sent.contains("\"PowerCloud\":{\"action\":\"stop\"}"),
        "{sent}"
    );

    assert_eq!(app.power(id, "start").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.power_task_settled(id).await.state, TaskState::Done);
    assert!(app.cloud_running(id));
    assert!(app.cloud_page().await.contains("Uruchomiony"));

    assert_eq!(
        app.power(id, "restart").await.status(),
        StatusCode::SEE_OTHER
    );
    let restart = app.power_task_settled(id).await;
    assert_eq!(
        restart.action,
        TaskAction::PowerCloud {
            action: PowerAction::Restart
        }
    );
    assert!(app.cloud_running(id));
    assert!(
        app.cloud_page()
            .await
            .contains("Ponowne uruchomienie serwera")
    );
}

#[tokio::test]
async fn a_server_is_refused_the_state_it_is_already_in_and_a_suspended_one_anything() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let id = app.cloud_id();
    let started = app.power(id, "start").await;
    assert_eq!(started.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(started.text().await.unwrap().contains("Serwer już działa."));
    assert_eq!(app.power(id, "stop").await.status(), StatusCode::SEE_OTHER);
    app.state.wake_tasks();
    app.power_task_settled(id).await;
    let again = app.power(id, "stop").await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("Serwer jest już zatrzymany.")
    );
    let restart = app.power(id, "restart").await;
    assert_eq!(restart.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.power_tasks(id).len(), 1, "no task for a refusal");

    let suspended = app
        .state
        .store
        .add_service(Service {
            id: 0,
            account_id: app.account_id(OWNER),
            kind: ServiceKind::Cloud,
            name: "cloud-2".into(),
            plan_id: 1,
            lifecycle: Lifecycle::Suspended,
            expires_on: jiff::civil::date(2020, 1, 1),
            auto_renew: false,
            renewal_months: None,
            details: ServiceDetails::Cloud {
                vcpu: 1,
                ram_gb: 1,
                disk_gb: 20,
                ipv4: "192.0.2.99".into(),
                running: true,
            },
            created_at: app.clock.now(),
        })
        .unwrap();
    let refused = app.power(suspended.id, "stop").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Serwer jest nieaktywny")
    );
    assert!(app.power_tasks(suspended.id).is_empty());
    let unknown = app.power(id, "wybuchnij").await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn another_accounts_server_is_not_found() {
    let app = spawn_app().await;
    let id = app.cloud_id();
    app.log_in("inny@example.com").await;
    assert!(!app.cloud_page().await.contains(SERVER));
    assert_eq!(app.power(id, "stop").await.status(), StatusCode::NOT_FOUND);
    assert!(app.power_tasks(id).is_empty());
    assert!(app.cloud_running(id));
}

#[tokio::test]
async fn ksiegowosc_sees_the_server_without_buttons_and_gets_403() {
    let app = spawn_app().await;
    let id = app.cloud_id();
    app.log_in("ksiegowosc@example.com").await;
    let page = app.cloud_page().await;
    assert!(page.contains(SERVER) && page.contains("Uruchomiony"));
    assert!(!page.contains("Zatrzymaj"), "{page}");
    assert_eq!(app.power(id, "stop").await.status(), StatusCode::FORBIDDEN);
    assert!(app.power_tasks(id).is_empty());
    assert!(app.cloud_running(id));
}

#[tokio::test]
async fn a_technical_user_may_stop_the_server() {
    let app = spawn_app().await;
    app.add_user(OWNER, "tech@example.com", "techniczny").await;
    app.log_in("tech@example.com").await;
    let id = app.cloud_id();
    assert_eq!(app.power(id, "stop").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.power_task_settled(id).await.state, TaskState::Done);
    assert!(!app.cloud_running(id));
}

#[tokio::test]
async fn a_failing_command_leaves_the_server_as_it_was_and_shows_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let body = "cat > /dev/null\necho 'Hiperwizor nie odpowiada'\nexit 1";
    let app = app_with_command(task_script(dir.path(), "fail.sh", body)).await;
    let id = app.cloud_id();
    assert_eq!(app.power(id, "stop").await.status(), StatusCode::SEE_OTHER);
    let task = app.power_task_settled(id).await;
    assert_eq!(
        task.state,
        TaskState::Failed {
            reason: "Hiperwizor nie odpowiada".into()
        }
    );
    assert!(app.cloud_running(id), "the state is unchanged");
    let page = app.cloud_page().await;
    assert!(page.contains("Uruchomiony"), "{page}");
    assert!(page.contains("błąd: Hiperwizor nie odpowiada"), "{page}");
    assert!(page.contains("Zatrzymaj"), "the customer may try again");
}
