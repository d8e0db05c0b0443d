//! Domeny with the host's own command (`--task-command`): a DNS change reaches it as JSON with
//! the whole zone, and a refusal is shown on the domain's page with its reason.

use crate::domeny::{ABONENT, GOOD, redirected_to_domain};
use crate::helpers::{Options, TestApp, spawn_app_with};
use panel::config::TaskArgs;
use panel::domain::task::{Task, TaskState};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

/// A command that keeps what it got and refuses nameservers (as a registry might).
fn registry_script(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("dns.sh");
    let body = format!(
        "#!/bin/sh\ncat > {dir}/last.json\nif grep -q SetNameservers {dir}/last.json; then\n  echo 'Rejestr nie przyjął serwerów DNS'\n  exit 1\nfi\n",
        dir = dir.display()
    );
    std::fs::write(&path, body).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// The domain's newest task once it is done or failed.
async fn finished_task(app: &TestApp) -> Task {
    for _ in 0..400 {
        let tasks = app.state.store.tasks_of_service(app.domain_id()).unwrap();
        if let Some(task) = tasks.into_iter().max_by_key(|t| t.id)
            && matches!(task.state, TaskState::Done | TaskState::Failed { .. })
        {
            return task;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the domain's task did not finish");
}

#[tokio::test]
async fn the_hosts_command_gets_the_whole_zone_and_its_refusal_of_nameservers_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(Options {
        tasks: TaskArgs {
            task_command: Some(registry_script(dir.path())),
            task_timeout: 10,
        },
        ..Options::default()
    })
    .await;
    app.log_in(ABONENT).await;
    redirected_to_domain(&app.add_record(GOOD[0].0).await, app.domain_id());
    assert_eq!(finished_task(&app).await.state, TaskState::Done);
    let sent: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("last.json")).unwrap())
            .unwrap();
    assert_eq!(sent["action"], "set_dns_records");
    let zone = &sent["action_data"]["SetDnsRecords"];
    assert_eq!(zone["zone"], "przykladowa-firma.pl");
    assert_eq!(
        zone["records"][0],
        serde_json::json!({"id": 1, "name": "www", "ttl": 3600, "type": "A", "address": "192.0.2.10"})
    );

    let path = format!("/domeny/{}/serwery-dns", app.domain_id());
    let fields = [("serwery", "ns1.nowy-dns.pl ns2.nowy-dns.pl")];
    redirected_to_domain(&app.send(&path, &fields, false).await, app.domain_id());
    let failed = finished_task(&app).await;
    assert_eq!(
        failed.state,
        TaskState::Failed {
            reason: "Rejestr nie przyjął serwerów DNS".into()
        }
    );
    let page = app.domain_html().await;
    assert!(page.contains("Rejestr nie przyjął serwerów DNS"), "{page}");
}
