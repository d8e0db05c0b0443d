//! `panel admin` as one tree of nouns and verbs (the real binary): customers, products and their
//! prices, tasks done by hand, `--help` on each noun, `--json`, old names, and a closed pipe.

use crate::helpers::{TestApp, spawn_app, spawn_app_with_command, task_script};
use panel::domain::Money;
use panel::domain::cloud::PowerAction;
use panel::domain::task::{TaskAction, TaskState};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;

const OWNER: &str = "abonent@example.com";

fn panel() -> tokio::process::Command {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
}

async fn admin_json(app: &TestApp, args: &[&str]) -> Value {
    let mut with_flag = args.to_vec();
    with_flag.push("--json");
    let out = app.admin_ok(&with_flag).await;
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The char column where `word` starts in `line` (Polish letters are one char, two bytes).
fn column_of(line: &str, word: &str) -> usize {
    let byte = line
        .find(word)
        .unwrap_or_else(|| panic!("{word} in {line}"));
    line[..byte].chars().count()
}

#[tokio::test]
async fn customers_list_and_show_describe_the_demo_in_aligned_tables_through_the_running_panel() {
    let app = spawn_app().await;
    let list = app.admin_ok(&["customers", "list"]).await;
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "a header and the demo's two accounts: {list}"
    );
    let header = lines[0];
    for column in [
        "id", "name", "nip", "owner", "users", "services", "unpaid", "state",
    ] {
        assert!(header.contains(column), "{header}");
    }
    let firma = lines
        .iter()
        .find(|l| l.contains("Przykładowa Firma"))
        .unwrap();
    let inny = lines
        .iter()
        .find(|l| l.contains("Piotr Wiśniewski"))
        .unwrap();
    assert!(
        firma.contains("5260250274") && firma.contains(OWNER),
        "{firma}"
    );
    assert!(firma.contains("72,57 zł"), "its unpaid total: {firma}");
    assert_eq!(column_of(header, "state"), column_of(firma, "active"));
    assert_eq!(column_of(header, "state"), column_of(inny, "active"));

    let found = app
        .admin_ok(&["customers", "list", "--search", "KSIEGOWOSC@"])
        .await;
    assert!(
        found.contains("Przykładowa Firma") && !found.contains("Wiśniewski"),
        "{found}"
    );

    let show = app.admin_ok(&["customers", "show", OWNER]).await;
    for expected in [
        "Przykładowa Firma",
        "ksiegowosc@example.com",
        "Księgowość",
        "Właściciel",
        "przykladowa-firma.pl",
        "PF/",
        "balance",
    ] {
        assert!(show.contains(expected), "{expected} in {show}");
    }
    let by_id = app.admin_ok(&["customers", "show", "1"]).await;
    assert_eq!(by_id, show, "by id or by a user's e-mail");
    let missing = app.admin(&["customers", "show", "999"]).await;
    assert!(!missing.status.success());
}

#[tokio::test]
async fn json_output_parses_with_the_fields_of_lists_shows_and_actions() {
    let app = spawn_app().await;
    let list = admin_json(&app, &["customers", "list"]).await;
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let firma = rows.iter().find(|r| r["owner"] == OWNER).unwrap();
    assert_eq!(firma["nip"], "5260250274");
    assert_eq!(firma["users"], 2);
    assert_eq!(firma["unpaid"], "72.57");
    assert_eq!(firma["state"], "active");
    let id = firma["id"].as_u64().unwrap();

    let show = admin_json(&app, &["customers", "show", &id.to_string()]).await;
    assert_eq!(show["name"], "Przykładowa Firma sp. z o.o.");
    assert_eq!(show["balance"], "0.00");
    assert_eq!(show["users"].as_array().unwrap().len(), 2);
    assert!(show["services"].as_array().unwrap().len() >= 2);
    assert!(
        show["open_proformas"][0]["number"]
            .as_str()
            .unwrap()
            .starts_with("PF/")
    );

    let products = admin_json(&app, &["products", "list"]).await;
    assert!(
        products
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Domena .pl")
    );
    let unpaid = admin_json(&app, &["proformas", "unpaid"]).await;
    assert_eq!(unpaid[0]["total"], "72.57");

    // --json right after `admin`, and an action's result object.
    let out = app.admin_ok(&["--json", "customers", "disable", "2"]).await;
    let action: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(action["ok"], true);
    assert_eq!(action["state"], "disabled");
    assert!(
        action["message"]
            .as_str()
            .unwrap()
            .contains("disabled account 2")
    );
    let failed = app.admin(&["customers", "enable", "999", "--json"]).await;
    assert!(!failed.status.success());
    let error: Value = serde_json::from_slice(&failed.stdout).unwrap();
    assert_eq!(error["ok"], false);
}

#[tokio::test]
async fn customers_are_listed_from_the_database_when_the_panel_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let store = panel::store::Store::open(dir.path()).unwrap();
    panel::demo::seed_if_empty(&store, jiff::Timestamp::now(), "http://127.0.0.1").unwrap();
    drop(store);
    let out = panel()
        .args(["admin", "customers", "list", "--json", "--data-dir"])
        .arg(dir.path())
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
}

/// Login e-mails to `to` written to the outbox so far (in the transaction of the request).
fn login_mails(app: &TestApp, to: &str) -> usize {
    app.state
        .store
        .list_outbox(panel::store::OutboxFilter::All, 500)
        .unwrap()
        .iter()
        .filter(|m| m.to.contains(to) && m.subject.contains("Kod logowania"))
        .count()
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_and_enabling_it_lets_its_users_log_in_again() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    assert_eq!(app.get("/pulpit").await.status(), StatusCode::OK);

    let said = app.admin_ok(&["customers", "disable", OWNER]).await;
    assert!(said.contains("sessions end"), "{said}");
    let response = app.get("/pulpit").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/logowanie"),
        "the next request goes to the login page"
    );
    let listed = app.admin_ok(&["customers", "list"]).await;
    assert!(
        listed
            .lines()
            .any(|l| l.contains(OWNER) && l.ends_with("disabled")),
        "{listed}"
    );

    let before = login_mails(&app, OWNER);
    assert_eq!(app.request_code(OWNER).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        login_mails(&app, OWNER),
        before,
        "no code for a disabled account"
    );

    app.admin_ok(&["customers", "enable", "1"]).await;
    app.log_in(OWNER).await;
    assert_eq!(app.get("/pulpit").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_new_price_reaches_the_shop_while_an_existing_service_renews_at_the_old_one() {
    let app = spawn_app().await;
    let plan = app
        .state
        .store
        .plans()
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Domena .pl")
        .unwrap();
    assert_eq!(plan.price_net, Money(4900));
    let said = app
        .admin_ok(&[
            "products",
            "price",
            &plan.id.to_string(),
            "--price",
            "55,00",
        ])
        .await;
    assert!(
        said.contains("its 3 service(s) keep renewing at 49,00 zł"),
        "{said}"
    );

    app.log_in(OWNER).await;
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(
        shop.contains("<strong>67,65 zł</strong>"),
        "55,00 zł + 23% VAT for new orders"
    );
    assert!(
        !shop.contains("<strong>60,27 zł</strong>"),
        "the old price is gone from the shop"
    );

    let service = app.service_id(OWNER, "przykladowa-firma.pl");
    let fragment = app.renew_htmx(service).await.text().await.unwrap();
    assert!(fragment.contains("60,27 zł"), "{fragment}");
    assert_eq!(app.renewal_of(OWNER, service).total_gross(), Money(6027));

    let listed = app.admin_ok(&["products", "list"]).await;
    let versions: Vec<&str> = listed
        .lines()
        .filter(|l| l.contains("Domena .pl"))
        .collect();
    assert_eq!(versions.len(), 2, "both versions: {listed}");
    assert!(
        versions
            .iter()
            .any(|l| l.contains("49,00 zł") && l.contains("old price"))
    );
    assert!(
        versions
            .iter()
            .any(|l| l.contains("55,00 zł") && l.contains("offered"))
    );

    let new_id = app
        .state
        .store
        .plans()
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Domena .pl" && !p.hidden)
        .unwrap()
        .id;
    let old_state = |listed: &str| -> String {
        let line = listed
            .lines()
            .find(|l| l.starts_with(&format!("{} ", plan.id)))
            .unwrap_or_default()
            .to_string();
        let cells: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        cells[cells.len().saturating_sub(2)].to_string()
    };
    assert_eq!(
        old_state(&listed),
        format!("old price, new orders: {new_id}")
    );
    app.admin_ok(&["products", "retire", &new_id.to_string()])
        .await;
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(!shop.contains("Domena .pl"), "retired: not offered");
    assert!(shop.contains("Domena .com"));
    let listed = app.admin_ok(&["products", "list"]).await;
    assert_eq!(
        old_state(&listed),
        "retired",
        "no version offered: {listed}"
    );
    // Another offered plan of the same kind but another name is no newer version of it.
    app.admin_ok(&[
        "products",
        "add",
        "--kind",
        "domain",
        "--name",
        "Domena .eu",
        "--price",
        "40,00",
        "--price",
        "24=60,00",
    ])
    .await;
    let listed = app.admin_ok(&["products", "list"]).await;
    assert_eq!(old_state(&listed), "retired", "{listed}");
    let eu = listed.lines().find(|l| l.contains("Domena .eu")).unwrap();
    assert!(
        eu.contains("12 miesięcy, 24 miesiące (60,00 zł)  "),
        "an explicit period price is shown: {eu}"
    );
    app.admin_ok(&["products", "offer", &new_id.to_string()])
        .await;
    let shop = app.get("/sklep").await.text().await.unwrap();
    assert!(shop.contains("<strong>67,65 zł</strong>"), "offered again");
    let listed = app.admin_ok(&["products", "list"]).await;
    assert_eq!(
        old_state(&listed),
        format!("old price, new orders: {new_id}")
    );
}

#[tokio::test]
async fn a_failed_task_marked_done_by_hand_leaves_the_queue_and_its_service_moves_on() {
    let dir = tempfile::tempdir().unwrap();
    let command = task_script(
        dir.path(),
        "no.sh",
        "cat > /dev/null\necho 'Brak dostępu'\nexit 1",
    );
    let app = spawn_app_with_command(command).await;
    let cloud = app.service_id(OWNER, "cloud-1");
    let task = app
        .state
        .store
        .queue_task(
            cloud,
            TaskAction::PowerCloud {
                action: PowerAction::Stop,
            },
            app.clock.now(),
        )
        .unwrap();
    app.state.wake_tasks();
    for _ in 0..200 {
        let state = app.state.store.task(task.id).unwrap().unwrap().state;
        if matches!(state, TaskState::Failed { .. }) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let failed = app.admin_ok(&["tasks", "list", "--failed"]).await;
    assert!(failed.contains("Brak dostępu"), "{failed}");

    let id = task.id.to_string();
    let said = app
        .admin_ok(&[
            "tasks",
            "done",
            &id,
            "--note",
            "stopped by hand on the host",
        ])
        .await;
    assert!(said.contains("done by hand"), "{said}");
    let done = app.state.store.task(task.id).unwrap().unwrap();
    assert_eq!(done.state, TaskState::Done);
    assert_eq!(done.note.as_deref(), Some("stopped by hand on the host"));
    let service = app
        .state
        .store
        .services_of_account(app.account_id(OWNER))
        .unwrap()
        .into_iter()
        .find(|s| s.id == cloud)
        .unwrap();
    assert!(
        matches!(
            service.details,
            panel::domain::ServiceDetails::Cloud { running: false, .. }
        ),
        "the server counts as stopped, as after a run that succeeded"
    );
    assert_eq!(
        app.admin_ok(&["tasks", "list", "--failed"]).await.trim(),
        "no failed tasks"
    );
    let tasks = admin_json(&app, &["tasks", "list"]).await;
    assert_eq!(tasks[0]["note"], "stopped by hand on the host");
    let again = app.admin(&["tasks", "done", &id, "--note", "x"]).await;
    assert!(!again.status.success(), "a done task is not done twice");
}

#[tokio::test]
async fn the_help_of_each_noun_lists_its_verbs_with_examples() {
    let nouns: [(&str, &[&str]); 11] = [
        (
            "customers",
            &["list", "show", "create", "add-user", "disable", "enable"],
        ),
        ("users", &["disable", "enable"]),
        ("products", &["list", "add", "price", "retire", "offer"]),
        ("services", &["add"]),
        ("proformas", &["unpaid"]),
        ("payments", &["list", "record", "reconcile"]),
        ("credit-notes", &["issue", "refund", "list"]),
        ("outbox", &["list", "retry"]),
        ("tasks", &["list", "retry", "done"]),
        ("ssl", &["install"]),
        ("bank", &["import"]),
    ];
    for (noun, verbs) in nouns {
        let out = panel()
            .args(["admin", noun, "--help"])
            .output()
            .await
            .unwrap();
        assert!(out.status.success());
        let help = String::from_utf8_lossy(&out.stdout);
        for verb in verbs {
            assert!(
                help.lines()
                    .any(|l| l.trim_start().starts_with(&format!("{verb} "))),
                "{noun} --help lists {verb}: {help}"
            );
        }
    }
    let out = panel()
        .args(["admin", "customers", "--help"])
        .output()
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Examples:"));
    let out = panel().args(["admin", "--help"]).output().await.unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("customers") && help.contains("Examples:"),
        "{help}"
    );
    assert!(
        !help.contains("create-account"),
        "old names are hidden: {help}"
    );
}

#[tokio::test]
async fn old_command_names_still_work() {
    let app = spawn_app().await;
    let unpaid = app.admin_ok(&["unpaid"]).await;
    assert!(unpaid.contains("\taccount 1\t"), "the old output: {unpaid}");
    let plans = app.admin_ok(&["plans"]).await;
    assert!(plans.contains("Domena .pl"));
    app.admin_ok(&["disable-user", "--email", "ksiegowosc@example.com"])
        .await;
    let show = admin_json(&app, &["customers", "show", OWNER]).await;
    let users = show["users"].as_array().unwrap();
    let ksiegowosc = users
        .iter()
        .find(|u| u["email"] == "ksiegowosc@example.com")
        .unwrap();
    assert_eq!(ksiegowosc["active"], false);
}

#[tokio::test]
async fn output_into_a_closed_pipe_ends_quietly() {
    let app = spawn_app().await;
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(["admin", "customers", "list", "--data-dir"])
        .arg(&app.data_dir)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");

    let out = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' admin outbox list --data-dir '{}' | head -1",
            env!("CARGO_BIN_EXE_panel"),
            app.data_dir.display()
        ))
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

#[tokio::test]
async fn a_person_in_two_accounts_logs_in_to_the_one_not_disabled() {
    let app = spawn_app().await;
    let person = "ksiegowosc@example.com";
    app.admin_ok(&[
        "customers",
        "add-user",
        "inny@example.com",
        "--email",
        person,
        "--role",
        "accounting",
    ])
    .await;
    app.admin_ok(&["customers", "disable", OWNER]).await;
    app.log_in(person).await;
    let pulpit = app.pulpit().await;
    assert!(
        pulpit.contains("Piotr Wiśniewski"),
        "the account still open"
    );
    assert!(
        !pulpit.contains("Przykładowa Firma"),
        "the disabled one is not offered"
    );
}

#[tokio::test]
async fn a_new_price_may_set_a_longer_periods_price_and_refuses_a_period_the_plan_has_not() {
    let app = spawn_app().await;
    let offered = |app: &TestApp| {
        let plans = app.state.store.plans().unwrap();
        let plan = plans
            .into_iter()
            .find(|p| p.name == "Domena .pl" && !p.hidden);
        plan.unwrap().id.to_string()
    };
    let id = offered(&app);
    for (period, why) in [("12=50,00", "its own period"), ("60=50,00", "not offered")] {
        let out = app
            .admin(&[
                "products", "price", &id, "--price", "55,00", "--price", period,
            ])
            .await;
        assert!(!out.status.success(), "{why}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("has no further period of"), "{why}: {said}");
    }
    assert_eq!(offered(&app), id, "nothing changed");
    let said = app
        .admin_ok(&[
            "products",
            "price",
            &id,
            "--price",
            "55,00",
            "--price",
            "24=99,00",
            "--price",
            "24=100,00",
        ])
        .await;
    assert!(said.contains("now costs 55,00 zł"), "{said}");
    let listed = app.admin_ok(&["products", "list"]).await;
    let new = listed
        .lines()
        .find(|l| l.contains("Domena .pl") && l.contains("offered"))
        .unwrap();
    assert!(
        new.contains("12 miesięcy, 24 miesiące (100,00 zł), 36 miesięcy  "),
        "the last price given for a period counts: {new}"
    );
}
