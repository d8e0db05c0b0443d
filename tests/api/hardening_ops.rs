//! Durability and operations: what a leaked backup, a full disk and a demo left on a real
//! server can do, and the owner-only files.

use crate::helpers::{Options, TestApp, spawn_app, spawn_app_with, spawn_app_with_smtp};
use jiff::SignedDuration;
use panel::config::LoginLimits;
use panel::store::{Delivery, OutboxMessage};
use reqwest::StatusCode;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

const ABONENT: &str = "abonent@example.com";

/// Waits until every login message in the outbox is delivered or dead; returns the outbox.
async fn settled_outbox(app: &TestApp, login_messages: usize) -> Vec<OutboxMessage> {
    for _ in 0..200 {
        let all = app.state.store.outbox_messages(1000).unwrap();
        let settled = all
            .iter()
            .filter(|m| m.subject.starts_with("Kod logowania"))
            .filter(|m| !matches!(m.delivery, Delivery::Pending { .. }))
            .count();
        if settled == login_messages {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the login messages were not delivered");
}

/// Waits until nothing in the outbox is pending; returns how many expiry reminders it holds.
async fn all_delivered_reminders(app: &TestApp) -> usize {
    for _ in 0..200 {
        let all = app.state.store.outbox_messages(1000).unwrap();
        if all
            .iter()
            .all(|m| !matches!(m.delivery, Delivery::Pending { .. }))
        {
            return all
                .iter()
                .filter(|m| m.subject.contains(" wygasa "))
                .count();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the outbox was not delivered");
}

#[tokio::test]
async fn a_delivered_or_dead_login_message_leaves_no_code_or_link_in_the_database() {
    let (app, smtp) = spawn_app_with_smtp(vec!["550 5.1.1 No such user"]).await;
    app.request_code(ABONENT).await;
    settled_outbox(&app, 1).await;
    app.request_code(ABONENT).await;
    let mail = app.next_login_mail(ABONENT).await;
    let outbox = settled_outbox(&app, 2).await;
    let token = mail.link.rsplit('/').next().unwrap();
    let logins: Vec<_> = outbox
        .iter()
        .filter(|m| m.subject.starts_with("Kod logowania"))
        .collect();
    assert!(matches!(logins[0].delivery, Delivery::Sent { .. }));
    assert!(matches!(logins[1].delivery, Delivery::Dead { .. }));
    for message in &outbox {
        for stored in [&message.text, &message.html, &message.subject] {
            assert!(!stored.contains(&mail.code), "the code is stored: {stored}");
            assert!(!stored.contains(token), "the link is stored: {stored}");
        }
    }
    for message in logins {
        assert!(message.text.is_empty() && message.html.is_empty());
    }
    let not_reminders = smtp
        .messages()
        .into_iter()
        .filter(|m| !m.contains("/uslugi/") && !m.contains(" wygasa "))
        .count();
    assert_eq!(
        not_reminders, 4,
        "two receipts, the order's proforma and one login code"
    );
    let logged_in = app.enter_code(ABONENT, &mail.code).await;
    assert_eq!(
        logged_in.status(),
        StatusCode::SEE_OTHER,
        "the code still works"
    );
}

#[tokio::test]
async fn the_demo_mailbox_still_shows_a_delivered_code_that_the_database_no_longer_holds() {
    let app = spawn_app().await;
    app.request_code(ABONENT).await;
    let mail = app.next_login_mail(ABONENT).await;
    let outbox = settled_outbox(&app, 1).await;
    let login = outbox
        .iter()
        .find(|m| m.subject.starts_with("Kod logowania"))
        .unwrap();
    assert!(login.text.is_empty(), "the body left the database");
    let page = app.get(&format!("/demo/poczta/{}", login.id)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!("Kod logowania do Panelu klienta: {}", mail.code)));
}

#[tokio::test]
async fn sent_mail_is_purged_after_the_retention_period() {
    let app = spawn_app().await;
    app.request_code(ABONENT).await;
    app.next_login_mail(ABONENT).await;
    settled_outbox(&app, 1).await;
    let store = &app.state.store;
    // The demo's expiry reminders, queued on start, are delivered too.
    let reminders = all_delivered_reminders(&app).await;
    let purged = panel::jobs::purge_delivered_mail(store, app.clock.now(), 30).unwrap();
    assert_eq!(purged, 0, "nothing is older than 30 days yet");
    assert_eq!(store.outbox_messages(100).unwrap().len(), 4 + reminders);
    app.clock.advance(SignedDuration::from_hours(24 * 31));
    let purged = panel::jobs::purge_delivered_mail(store, app.clock.now(), 30).unwrap();
    assert_eq!(
        purged,
        4 + reminders,
        "two receipts, the order's proforma, one login code and the reminders"
    );
    assert!(store.outbox_messages(100).unwrap().is_empty());
}

fn mode_of(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_data_directory_and_every_file_in_it_are_for_the_panels_user_only() {
    let parent = tempfile::tempdir().unwrap();
    let data_dir = parent.path().join("data");
    std::fs::create_dir(&data_dir).unwrap();
    drop(panel::store::Store::open(&data_dir).unwrap());
    // As an older panel (or a permissive umask) left them.
    std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = data_dir.join("panel.redb");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::create_dir(data_dir.join("outbox")).unwrap();
    std::fs::set_permissions(
        data_dir.join("outbox"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let app = spawn_app_with(Options {
        data_dir: Some(data_dir.clone()),
        ..Options::default()
    })
    .await;
    app.request_code(ABONENT).await;
    app.next_login_mail(ABONENT).await;
    assert_eq!(mode_of(&data_dir), 0o700, "the data directory");
    assert_eq!(mode_of(&db), 0o600, "panel.redb");
    assert_eq!(mode_of(&data_dir.join("admin.sock")), 0o600, "admin.sock");
    let outbox = data_dir.join("outbox");
    assert_eq!(mode_of(&outbox), 0o700, "the outbox directory");
    let mails: Vec<PathBuf> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!mails.is_empty());
    for mail in mails {
        assert_eq!(mode_of(&mail), 0o600, "{}", mail.display());
    }
}

/// `panel serve …` that must stop at once; its standard error.
async fn serve_refused(args: &[&str], data_dir: &Path) -> String {
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(args)
        .env_remove("PANEL_SMTP_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("the panel refused to start instead of serving")
        .unwrap();
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn demo_mode_with_an_smtp_url_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = serve_refused(&["--demo", "--smtp-url", "smtp://127.0.0.1:1"], dir.path()).await;
    assert!(stderr.contains("--demo refused"), "{stderr}");
    assert!(stderr.contains("SMTP"), "{stderr}");
}

/// `panel admin create-account` (the real binary) on a stopped panel's data dir.
async fn create_account(data_dir: &Path, owner: &str) {
    let created = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .arg("admin")
        .arg("--data-dir")
        .arg(data_dir)
        .args(["create-account", "--email", owner, "--name", "Firma"])
        .output()
        .await
        .unwrap();
    assert!(created.status.success());
}

#[tokio::test]
async fn demo_mode_over_a_database_with_real_accounts_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    create_account(dir.path(), "jan@firma.pl").await;
    let stderr = serve_refused(&["--demo"], dir.path()).await;
    assert!(stderr.contains("--demo refused"), "{stderr}");
    assert!(
        stderr.contains("accounts the demo did not create"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_demo_database_from_before_the_marker_is_still_served_with_demo() {
    let dir = tempfile::tempdir().unwrap();
    // Only example.com users (as the demo seeds them), and no marker: a demo database from an
    // older version of the panel.
    create_account(dir.path(), "abonent@example.com").await;
    let served = Served::start(dir.path(), &["--demo"]).await;
    assert_eq!(served.status_of("/logowanie").await, StatusCode::OK);
    served.stop().await;
}

/// A panel process (the real binary) on all interfaces; killed when dropped.
struct Served {
    child: tokio::process::Child,
    base: String,
}

impl Served {
    async fn start(data_dir: &Path, args: &[&str]) -> Served {
        let port = std::net::TcpListener::bind("0.0.0.0:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
            .arg("--listen")
            .arg(format!("0.0.0.0:{port}"))
            .arg("--data-dir")
            .arg(data_dir)
            .args(args)
            .env_remove("PANEL_SMTP_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..300 {
            if let Ok(response) = reqwest::get(format!("{base}/health")).await
                && response.status() == StatusCode::OK
            {
                return Served { child, base };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the panel did not start");
    }

    async fn status_of(&self, path: &str) -> StatusCode {
        reqwest::get(format!("{}{path}", self.base))
            .await
            .unwrap()
            .status()
    }

    async fn stop(mut self) {
        self.child.kill().await.unwrap();
    }
}

#[tokio::test]
async fn the_demo_mailbox_answers_on_a_public_listener_only_with_demo_public() {
    let dir = tempfile::tempdir().unwrap();
    let hidden = Served::start(dir.path(), &["--demo"]).await;
    assert_eq!(
        hidden.status_of("/demo/poczta").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(hidden.status_of("/logowanie").await, StatusCode::OK);
    hidden.stop().await;
    // The demo's own database (seeded above) may be served again.
    let public = Served::start(dir.path(), &["--demo", "--demo-public"]).await;
    assert_eq!(public.status_of("/demo/poczta").await, StatusCode::OK);
    public.stop().await;
}

/// A small tmpfs, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!(
                "SKIPPED: cannot mount a tmpfs (the test needs root): the full-disk test did not run"
            );
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file until the disk refuses more; deleting it frees the space.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.path().join("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        for chunk in [1 << 20, 4096, 512] {
            let bytes = vec![0xa5u8; chunk];
            while file.write_all(&bytes).and_then(|()| file.flush()).is_ok() {}
        }
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy: the panel's tasks still hold the database open until the runtime ends.
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

fn login_mails(smtp: &crate::smtp::SmtpServer) -> Vec<String> {
    smtp.messages()
        .into_iter()
        .filter(|m| m.contains("Subject: Kod logowania"))
        .collect()
}

async fn health_binary_succeeds(app: &TestApp) -> bool {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(["health", "--listen", app.base.trim_start_matches("http://")])
        .status()
        .await
        .unwrap()
        .success()
}

#[tokio::test]
async fn a_full_disk_answers_503_and_the_panel_recovers_by_itself_without_resending_mail() {
    let Some(disk) = Tmpfs::mount("8m") else {
        return;
    };
    let smtp = crate::smtp::SmtpServer::start(vec!["451 4.3.0 Try again later"]).await;
    let app = spawn_app_with(Options {
        smtp: Some(smtp.clone()),
        data_dir: Some(disk.path().join("data")),
        limits: LoginLimits {
            per_ip_burst: 100_000,
            per_ip_per_minute: 100_000,
            ..LoginLimits::default()
        },
        ..Options::default()
    })
    .await;
    // A login message waits for its retry while the disk fills up.
    app.request_code(ABONENT).await;
    for _ in 0..200 {
        let waiting = app
            .state
            .store
            .outbox_messages(10)
            .unwrap()
            .iter()
            .any(|m| {
                m.subject.starts_with("Kod logowania")
                    && matches!(m.delivery, Delivery::Pending { attempts: 1, .. })
            });
        if waiting {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    let filler = disk.fill();
    let mut refused = None;
    for i in 0..5000 {
        let response = app.request_code(&format!("nikt{i}@example.com")).await;
        match response.status() {
            StatusCode::OK => continue,
            status => {
                refused = Some((status, response.text().await.unwrap()));
                break;
            }
        }
    }
    let (status, page) = refused.expect("a write fails on the full disk");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{page}");
    assert!(page.contains("Chwilowo nie możemy zapisać zmian, spróbuj za chwilę"));
    assert_eq!(
        app.get("/health").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert!(!health_binary_succeeds(&app).await, "panel health fails");

    // The retry falls due: the worker may send, but cannot record it, and must not resend.
    app.clock.advance(SignedDuration::from_secs(11));
    app.state.wake_mailer();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(login_mails(&smtp).len() <= 1, "sent more than once");

    std::fs::remove_file(filler).unwrap();
    let mut healthy = false;
    for _ in 0..150 {
        if app.get("/health").await.status() == StatusCode::OK {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(healthy, "/health is 200 again once space is back");
    assert!(health_binary_succeeds(&app).await);
    app.log_in_with_next_code(ABONENT).await;
    assert!(app.pulpit().await.contains("<h1>Pulpit</h1>"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(login_mails(&smtp).len(), 1, "the login mail went out once");
}
