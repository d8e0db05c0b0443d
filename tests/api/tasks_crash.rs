//! A panel process killed (SIGKILL, as a crash or a power cut) while the host's command carries
//! out a new mailbox: after the restart the task runs again, to the end, and only once.

use crate::helpers::{csrf_of, new_client, parse_login_mail, task_script};
use panel::domain::task::{TaskAction, TaskState};
use panel::store::Store;
use reqwest::StatusCode;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

const OWNER: &str = "abonent@example.com";
const SERVER: &str = "Serwer WWW 1";
const ADDRESS: &str = "biuro2@przykladowa-firma.pl";

/// The real binary serving `data` with `command` as its --task-command; killed when dropped.
struct Panel {
    child: tokio::process::Child,
    base: String,
}

impl Panel {
    async fn start(data: &Path, command: &Path) -> Panel {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
            .arg("serve")
            .args(["--demo", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--base-url", &base, "--data-dir"])
            .arg(data)
            .arg("--task-command")
            .arg(command)
            .env_remove("PANEL_SMTP_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        for _ in 0..600 {
            if let Ok(response) = reqwest::get(format!("{base}/health")).await
                && response.status() == StatusCode::OK
            {
                return Panel { child, base };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the panel did not start");
    }

    /// SIGKILL: nothing of the panel's shutdown runs.
    async fn kill(mut self) {
        self.child.kill().await.unwrap();
    }
}

/// Waits until `path` exists and is not empty; its text.
async fn written(path: &Path) -> String {
    for _ in 0..600 {
        if let Ok(text) = std::fs::read_to_string(path)
            && !text.is_empty()
        {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{} was never written", path.display());
}

/// Logs the owner in through the login form and the code the panel wrote to its outbox.
async fn log_in(panel: &Panel, data: &Path) -> reqwest::Client {
    let client = new_client();
    let page = client
        .get(format!("{}/logowanie", panel.base))
        .send()
        .await
        .unwrap();
    let token = csrf_of(&page.text().await.unwrap());
    let sent = client
        .post(format!("{}/logowanie", panel.base))
        .form(&[("email", OWNER), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success() || sent.status().is_redirection());
    let mail = login_mail(&data.join("outbox")).await;
    let entered = client
        .post(format!("{}/logowanie/kod", panel.base))
        .form(&[("email", OWNER), ("kod", &mail), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(entered.status(), StatusCode::SEE_OTHER);
    client
}

/// The code of the login e-mail in the outbox directory.
async fn login_mail(outbox: &Path) -> String {
    for _ in 0..400 {
        for entry in std::fs::read_dir(outbox).into_iter().flatten().flatten() {
            let raw = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if raw.contains(OWNER) && raw.contains("Kod logowania") {
                return parse_login_mail(&raw).code;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no login e-mail in {}", outbox.display());
}

#[tokio::test]
async fn a_panel_killed_while_a_mailbox_is_being_created_creates_it_after_the_restart_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server_id = {
        let store = Store::open(&data).unwrap();
        panel::demo::seed_if_empty(&store, jiff::Timestamp::now(), "http://127.0.0.1").unwrap();
        let owner = panel::domain::Email::parse(OWNER).unwrap();
        let account = store.user_by_email(&owner).unwrap().unwrap().account_id;
        let services = store.services_of_account(account).unwrap();
        services.iter().find(|s| s.name == SERVER).unwrap().id
    };
    // The first command records what it got and then hangs, as a slow mail server would.
    let seen = dir.path().join("seen.json");
    let pid = dir.path().join("pid");
    let hanging = task_script(
        dir.path(),
        "hang.sh",
        &format!(
            "echo $$ > '{}'\ncat > '{}'\nexec sleep 60",
            pid.display(),
            seen.display()
        ),
    );
    let panel = Panel::start(&data, &hanging).await;
    let client = log_in(&panel, &data).await;
    let page = client
        .get(format!("{}/skrzynki", panel.base))
        .send()
        .await
        .unwrap();
    let token = csrf_of(&page.text().await.unwrap());
    let server = server_id.to_string();
    let created = client
        .post(format!("{}/skrzynki", panel.base))
        .form(&[
            ("serwer", server.as_str()),
            ("nazwa", "biuro2"),
            ("domena", "przykladowa-firma.pl"),
            ("limit", "1024"),
            ("haslo", "Zielony-Ogrod-2026!"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let first: serde_json::Value = serde_json::from_str(&written(&seen).await).unwrap();
    assert_eq!(first["action"], "create_mailbox", "{first}");
    assert_eq!(first["action_data"]["CreateMailbox"]["address"], ADDRESS);
    assert_eq!(first["attempt"], 1);

    panel.kill().await;
    // The machine went down with it: the host's command is gone as well.
    let hung = written(&pid).await;
    let _ = std::process::Command::new("kill")
        .args(["-KILL", hung.trim()])
        .status();

    let runs = dir.path().join("runs");
    let counting = task_script(
        dir.path(),
        "count.sh",
        &format!("cat >> '{}'\necho >> '{}'", runs.display(), runs.display()),
    );
    let panel = Panel::start(&data, &counting).await;
    written(&runs).await;
    // Time for a second run, were there one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    panel.kill().await;

    let log = std::fs::read_to_string(&runs).unwrap();
    let inputs: Vec<serde_json::Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(inputs.len(), 1, "carried out once after the restart: {log}");
    assert_eq!(
        inputs[0]["action_data"]["CreateMailbox"]["address"],
        ADDRESS
    );
    assert_eq!(
        inputs[0]["attempt"], 2,
        "the command is told it may have seen it"
    );

    let store = Store::open(&data).unwrap();
    let tasks = store.tasks_of_service(server_id).unwrap();
    let creations: Vec<_> = tasks
        .iter()
        .filter(|t| matches!(&t.action, TaskAction::CreateMailbox { address, .. } if address == ADDRESS))
        .collect();
    assert_eq!(creations.len(), 1, "one task for the one mailbox");
    assert_eq!(creations[0].state, TaskState::Done);
    let mailboxes = store.mailboxes_of_account(creations[0].account_id).unwrap();
    assert_eq!(
        mailboxes.iter().filter(|m| m.address == ADDRESS).count(),
        1,
        "the mailbox exists once"
    );
}
