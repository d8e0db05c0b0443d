//! `panel admin backup | restore | check` (the real binary), and flags after the task.

use crate::helpers::spawn_app;
use panel::store::{NewAccount, Store};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// `panel …` (the real binary): its exit status and what it printed.
async fn panel(args: &[&std::ffi::OsStr]) -> (bool, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(args)
        .output()
        .await
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

/// `panel admin TASK… --data-dir DIR`: the data dir after the task, as an operator types it.
async fn admin(data_dir: &Path, task: &[&str]) -> (bool, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["admin".as_ref()];
    args.extend(task.iter().map(|t| std::ffi::OsStr::new(*t)));
    args.extend(["--data-dir".as_ref(), data_dir.as_os_str()]);
    panel(&args).await
}

fn new_account(i: u64) -> NewAccount {
    NewAccount {
        name: format!("Firma {i}"),
        nip: None,
        address: Default::default(),
        owner_email: panel::domain::Email::parse(&format!("wlasciciel-{i}@firma.pl")).unwrap(),
        owner_name: format!("Właściciel {i}"),
        phone: String::new(),
    }
}

fn has_owner(store: &Store, i: u64) -> bool {
    let email = panel::domain::Email::parse(&format!("wlasciciel-{i}@firma.pl")).unwrap();
    store.user_by_email(&email).unwrap().is_some()
}

#[tokio::test]
async fn the_data_dir_may_follow_the_task_as_an_operator_types_it() {
    let app = spawn_app().await;
    let (ok, said) = admin(&app.data_dir, &["unpaid"]).await;
    assert!(ok, "{said}");
    assert!(said.contains("PF/"), "the demo's unpaid proformas: {said}");
    let (ok, said) = panel(&[
        "--data-dir".as_ref(),
        app.data_dir.as_os_str(),
        "admin".as_ref(),
        "unpaid".as_ref(),
    ])
    .await;
    assert!(ok && said.contains("PF/"), "before the subcommand: {said}");
}

#[tokio::test]
async fn a_backup_taken_during_writes_restores_every_write_acknowledged_before_it() {
    let app = spawn_app().await;
    let (acked, stop) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let writer = {
        let (store, acked, stop) = (app.state.store.clone(), acked.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::Acquire) && i < 5000 {
                store
                    .create_account(new_account(i), jiff::Timestamp::now())
                    .unwrap();
                i += 1;
                acked.store(i, Ordering::Release);
            }
        })
    };
    while acked.load(Ordering::Acquire) < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before = acked.load(Ordering::Acquire);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nightly.redb");
    let (ok, said) = admin(&app.data_dir, &["backup", file.to_str().unwrap()]).await;
    let during = acked.load(Ordering::Acquire);
    stop.store(true, Ordering::Release);
    writer.join().unwrap();
    assert!(ok, "{said}");
    assert!(said.contains("backup written to"), "{said}");
    assert!(during > before, "the writes went on during the backup");
    assert!(
        !std::fs::read_dir(dir.path()).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with('.')),
        "no temporary file is left"
    );

    let restored = dir.path().join("data");
    let (ok, said) = admin(&restored, &["restore", file.to_str().unwrap()]).await;
    assert!(ok, "{said}");
    let (ok, said) = admin(&restored, &["check"]).await;
    assert!(ok, "{said}");
    assert!(said.contains("integrity check passed"), "{said}");
    assert!(said.contains("every index points at its rows"), "{said}");
    let store = Store::open(&restored).unwrap();
    for i in 0..before {
        assert!(has_owner(&store, i), "write {i} of {before} was lost");
    }
    assert!(
        !store.unpaid_proformas().unwrap().is_empty(),
        "the demo data too"
    );
}

#[tokio::test]
async fn the_running_panel_checks_its_database_and_refuses_a_restore() {
    let app = spawn_app().await;
    let (ok, said) = admin(&app.data_dir, &["check"]).await;
    assert!(ok, "{said}");
    assert!(said.contains("integrity check passed"), "{said}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.redb");
    let (ok, said) = admin(&app.data_dir, &["backup", file.to_str().unwrap()]).await;
    assert!(ok, "{said}");
    let (ok, said) = admin(&app.data_dir, &["restore", file.to_str().unwrap()]).await;
    assert!(!ok, "{said}");
    assert!(said.contains("stop it, then restore"), "{said}");
    let kept = std::fs::read_dir(&app.data_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("bak-")
        })
        .count();
    assert_eq!(kept, 0, "nothing was swapped");
    assert!(
        app.get("/").await.status().is_success() || app.get("/").await.status().is_redirection()
    );
}

/// A stopped data dir with one account, for restores to be refused into.
fn stopped_data_dir(root: &Path) -> std::path::PathBuf {
    let data_dir = root.join("data");
    let store = Store::open(&data_dir).unwrap();
    store
        .create_account(new_account(1), jiff::Timestamp::now())
        .unwrap();
    data_dir
}

#[tokio::test]
async fn garbage_a_foreign_database_and_a_newer_schema_are_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = stopped_data_dir(dir.path());
    let garbage = dir.path().join("garbage.redb");
    std::fs::write(&garbage, vec![0x5a_u8; 300_000]).unwrap();
    let foreign = dir.path().join("foreign.redb");
    {
        let db = redb::Database::create(&foreign).unwrap();
        let tx = db.begin_write().unwrap();
        tx.open_table(redb::TableDefinition::<u64, u64>::new("other"))
            .unwrap()
            .insert(1, 2)
            .unwrap();
        tx.commit().unwrap();
    }
    let newer_dir = dir.path().join("newer");
    {
        let store = Store::open(&newer_dir).unwrap();
        drop(store);
        let db = redb::Database::open(newer_dir.join("panel.redb")).unwrap();
        let tx = db.begin_write().unwrap();
        tx.open_table(redb::TableDefinition::<&str, &[u8]>::new("meta"))
            .unwrap()
            .insert("schema_version", 999u64.to_be_bytes().as_slice())
            .unwrap();
        tx.commit().unwrap();
    }
    let newer = newer_dir.join("panel.redb");
    for (file, why) in [
        (&garbage, "not a readable database"),
        (&foreign, "no panel data"),
        (&newer, "newer than this program knows"),
    ] {
        let (ok, said) = admin(&data_dir, &["restore", file.to_str().unwrap()]).await;
        assert!(!ok, "{said}");
        assert!(said.contains(why), "{why}: {said}");
    }
    let names: Vec<String> = std::fs::read_dir(&data_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["panel.redb".to_string()],
        "nothing swapped or left"
    );
    assert!(has_owner(&Store::open(&data_dir).unwrap(), 1));
}

#[tokio::test]
async fn a_restore_keeps_the_database_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = stopped_data_dir(dir.path());
    let other = dir.path().join("other");
    {
        let store = Store::open(&other).unwrap();
        store
            .create_account(new_account(2), jiff::Timestamp::now())
            .unwrap();
    }
    let file = dir.path().join("b.redb");
    let (ok, said) = admin(&other, &["backup", file.to_str().unwrap()]).await;
    assert!(ok, "stopped, the command opens the database itself: {said}");
    let (ok, said) = admin(&data_dir, &["restore", file.to_str().unwrap()]).await;
    assert!(ok, "{said}");
    assert!(said.contains("kept as"), "{said}");
    let store = Store::open(&data_dir).unwrap();
    assert!(has_owner(&store, 2) && !has_owner(&store, 1));
    drop(store);
    let kept = std::fs::read_dir(&data_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("panel.redb.bak-"))
        .unwrap();
    let old = dir.path().join("old");
    std::fs::create_dir(&old).unwrap();
    std::fs::rename(kept, old.join("panel.redb")).unwrap();
    assert!(has_owner(&Store::open(&old).unwrap(), 1));
}

#[tokio::test]
async fn a_backup_onto_the_database_itself_is_refused() {
    let app = spawn_app().await;
    let live = app.data_dir.join("panel.redb");
    let (ok, said) = admin(&app.data_dir, &["backup", live.to_str().unwrap()]).await;
    assert!(!ok, "{said}");
    assert!(said.contains("the database itself"), "{said}");
    assert!(!app.state.store.unpaid_proformas().unwrap().is_empty());
}

#[tokio::test]
async fn the_log_written_to_a_file_carries_no_colour_codes() {
    use tokio::io::AsyncBufReadExt;
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(["--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("PANEL_LOG", "panel=info")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    let listening = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            log.push_str(&line);
            log.push('\n');
            if line.contains("is listening") {
                return;
            }
        }
    })
    .await;
    child.start_kill().unwrap();
    assert!(listening.is_ok(), "{log}");
    assert!(log.contains("INFO"), "{log}");
    assert!(!log.contains('\u{1b}'), "escape codes in the log: {log:?}");
}

#[tokio::test]
async fn check_names_an_index_entry_whose_row_is_gone_and_such_a_file_is_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let broken = stopped_data_dir(dir.path());
    {
        let db = redb::Database::open(broken.join("panel.redb")).unwrap();
        let tx = db.begin_write().unwrap();
        tx.open_table(redb::TableDefinition::<&str, u64>::new("users_by_email"))
            .unwrap()
            .insert("duch@firma.pl", 9999)
            .unwrap();
        tx.commit().unwrap();
    }
    let (ok, said) = admin(&broken, &["check"]).await;
    assert!(!ok, "{said}");
    assert!(
        said.contains("PROBLEM: users_by_email: 1 entries name missing users (ids 9999)"),
        "{said}"
    );
    let target = stopped_data_dir(&dir.path().join("target"));
    let file = broken.join("panel.redb");
    let (ok, said) = admin(&target, &["restore", file.to_str().unwrap()]).await;
    assert!(!ok && said.contains("cannot be restored"), "{said}");
    assert!(has_owner(&Store::open(&target).unwrap(), 1));
}
