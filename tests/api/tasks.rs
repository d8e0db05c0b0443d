//! Provisioning tasks carried out by the host's own command (`--task-command`): a success, a
//! refusal with a reason the customer reads, a command that hangs, the operator's retry, and a
//! panel stopped while a task ran.

use crate::helpers::{Options, TestApp, spawn_app_with, task_script};
use jiff::SignedDuration;
use panel::config::TaskArgs;
use panel::domain::lifecycle::Settings;
use panel::domain::task::{Task, TaskAction, TaskState};
use panel::store::Store;
use std::path::PathBuf;
use std::time::Duration;

const OWNER: &str = "abonent@example.com";
const DOMAIN: &str = "przykladowa-firma.pl";

async fn app_running(command: PathBuf, timeout_secs: u64, data_dir: Option<PathBuf>) -> TestApp {
    spawn_app_with(Options {
        tasks: TaskArgs {
            task_command: Some(command),
            task_timeout: timeout_secs,
        },
        data_dir,
        ..Options::default()
    })
    .await
}

/// Queues a task for the owner's domain, as a page or a lifecycle step would, and wakes the worker.
fn queue(app: &TestApp, action: TaskAction) -> u64 {
    let service = app.service_id(OWNER, DOMAIN);
    let task = app
        .state
        .store
        .queue_task(service, action, app.clock.now())
        .unwrap();
    app.state.wake_tasks();
    task.id
}

/// The task once `until` holds of it (the worker runs in the background).
async fn task_when(app: &TestApp, id: u64, until: impl Fn(&Task) -> bool) -> Task {
    for _ in 0..400 {
        let task = app.state.store.task(id).unwrap().unwrap();
        if until(&task) {
            return task;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("task {id} did not reach the expected state");
}

async fn service_page(app: &TestApp) -> String {
    let id = app.service_id(OWNER, DOMAIN);
    let page = app.get(&format!("/uslugi/{id}")).await;
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

#[tokio::test]
async fn a_suspension_is_carried_out_by_the_hosts_command_which_gets_the_task_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.json");
    let command = task_script(dir.path(), "ok.sh", &format!("cat > '{}'", input.display()));
    let app = app_running(command, 10, None).await;
    let service = app.service_id(OWNER, "przykladowa-firma.com");
    // The demo's .com domain expired 10 days ago: 21 days later its 30 days of grace are over.
    app.clock.advance(SignedDuration::from_hours(24 * 21));
    panel::jobs::lifecycle::run_once(
        &app.state.store,
        app.clock.now(),
        &Settings::default(),
        &app.base,
    )
    .unwrap();
    app.state.wake_tasks();
    let tasks = app.state.store.tasks_of_service(service).unwrap();
    assert_eq!(tasks.len(), 1, "one suspension task");
    let task = task_when(&app, tasks[0].id, |t| t.state == TaskState::Done).await;
    assert_eq!(task.tries, 1);
    let sent: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap();
    assert_eq!(sent["action"], "suspend");
    assert_eq!(sent["service_id"], service);
    assert_eq!(sent["service_name"], "przykladowa-firma.com");
    assert_eq!(sent["service_kind"], "domain");
    assert_eq!(sent["attempt"], 1);

    app.log_in(OWNER).await;
    let page = app
        .get(&format!("/uslugi/{service}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Zadania"), "{page}");
    assert!(page.contains("Zawieszenie usługi"), "{page}");
    assert!(page.contains("wykonane"), "{page}");
    assert!(
        !page.contains("every 5s"),
        "nothing left to wait for: {page}"
    );
}

#[tokio::test]
async fn a_refusal_fails_the_task_with_its_reason_for_the_customer_and_the_operator_retries_it() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("second-time");
    // Refuses the first time, succeeds once the operator retried.
    let command = task_script(
        dir.path(),
        "refuse.sh",
        &format!(
            "cat > /dev/null\nif [ -e '{m}' ]; then exit 0; fi\ntouch '{m}'\n\
             echo 'Serwer DNS odrzucił zmianę strefy'\necho 'details for the log' >&2\nexit 1",
            m = marker.display()
        ),
    );
    let app = app_running(command, 10, None).await;
    let id = queue(&app, TaskAction::Suspend);
    let failed = task_when(&app, id, |t| matches!(t.state, TaskState::Failed { .. })).await;
    assert_eq!(failed.tries, 1, "a refusal is not tried again by itself");
    assert_eq!(
        failed.state,
        TaskState::Failed {
            reason: "Serwer DNS odrzucił zmianę strefy".into()
        }
    );

    let listed = app.admin_ok(&["tasks", "--failed"]).await;
    let row = listed
        .lines()
        .find(|l| l.starts_with(&format!("{id}\t")))
        .unwrap_or_else(|| panic!("{listed}"));
    assert!(row.contains(DOMAIN), "{row}");
    assert!(
        row.contains("suspend\tfailed\t1\tSerwer DNS odrzucił zmianę strefy"),
        "{row}"
    );

    app.log_in(OWNER).await;
    let page = service_page(&app).await;
    assert!(page.contains("błąd:"), "{page}");
    assert!(page.contains("Serwer DNS odrzucił zmianę strefy"), "{page}");
    assert!(!page.contains("panel admin"), "{page}");

    let retried = app.admin_ok(&["tasks", "retry", &id.to_string()]).await;
    assert!(retried.contains("queued again"), "{retried}");
    let done = task_when(&app, id, |t| t.state == TaskState::Done).await;
    assert_eq!(done.tries, 1, "tries count from zero after a retry");
    let again = app.admin(&["tasks", "retry", &id.to_string()]).await;
    assert!(!again.status.success(), "a done task is not retried");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("not failed"),
        "{again:?}"
    );
    assert!(
        app.admin_ok(&["tasks", "--failed"])
            .await
            .contains("no failed tasks")
    );
    assert!(service_page(&app).await.contains("wykonane"));
}

/// The state letter of a process in /proc (`None` once it is gone).
fn process_state(pid: &str) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')').next()?.trim().chars().next()
}

#[tokio::test]
async fn a_command_that_hangs_is_killed_at_the_time_limit_tried_again_and_finally_failed() {
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("pids");
    let command = task_script(
        dir.path(),
        "hang.sh",
        &format!("sleep 30 &\necho $! >> '{}'\nwait", pids.display()),
    );
    let app = app_running(command, 1, None).await;
    let id = queue(&app, TaskAction::Delete);
    for attempt in 1..panel::domain::task::MAX_TRIES {
        let task = task_when(&app, id, |t| {
            t.tries == attempt && t.state != TaskState::Running
        })
        .await;
        assert_eq!(task.state, TaskState::Queued, "attempt {attempt}");
        assert_eq!(
            task.last_error.as_deref(),
            Some("Operacja nie zakończyła się w ciągu 1 s.")
        );
        assert!(
            task.next_try.unwrap() > app.clock.now(),
            "retried later, not at once"
        );
        app.clock.advance(SignedDuration::from_hours(1));
        app.state.wake_tasks();
    }
    let failed = task_when(&app, id, |t| matches!(t.state, TaskState::Failed { .. })).await;
    assert_eq!(failed.tries, panel::domain::task::MAX_TRIES);
    assert_eq!(
        failed.state.label(),
        "błąd: Operacja nie zakończyła się w ciągu 1 s."
    );
    let started = std::fs::read_to_string(&pids).unwrap();
    assert_eq!(started.lines().count(), 5, "{started}");
    for pid in started.lines() {
        // Killed with its command (a zombie at most, where nothing reaps orphans); a signal takes
        // a moment to land on a busy machine.
        let mut gone = false;
        for _ in 0..100 {
            gone = matches!(process_state(pid), None | Some('Z'));
            if gone {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(gone, "{pid} still runs");
    }
}

#[tokio::test]
async fn a_task_left_running_by_a_stopped_panel_runs_again_after_the_start_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let id = {
        let store = Store::open(&data).unwrap();
        let now = jiff::Timestamp::now();
        panel::demo::seed_if_empty(&store, now, "http://127.0.0.1").unwrap();
        let account = store
            .user_by_email(&panel::domain::Email::parse(OWNER).unwrap())
            .unwrap()
            .unwrap()
            .account_id;
        let services = store.services_of_account(account).unwrap();
        let service = services.iter().find(|s| s.name == DOMAIN).unwrap();
        let task = store
            .queue_task(service.id, TaskAction::Reactivate, now)
            .unwrap();
        // The driver had it when the panel stopped.
        let claimed = store.claim_due_tasks(now, 1).unwrap();
        assert_eq!(claimed[0].state, TaskState::Running);
        task.id
    };
    let runs = dir.path().join("runs");
    let command = task_script(
        dir.path(),
        "count.sh",
        &format!("cat >> '{}'", runs.display()),
    );
    let app = app_running(command, 10, Some(data)).await;
    let done = task_when(&app, id, |t| t.state == TaskState::Done).await;
    assert_eq!(done.tries, 2, "the interrupted run counts");
    app.state.wake_tasks();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = std::fs::read_to_string(&runs).unwrap();
    let inputs: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(inputs.len(), 1, "run once after the start: {log}");
    assert_eq!(inputs[0]["action"], "reactivate");
    assert_eq!(
        inputs[0]["attempt"], 2,
        "the command is told it may have seen it"
    );
}
