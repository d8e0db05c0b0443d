//! The outbox as the operator sees it: one Message-ID per row, `panel admin outbox`, and delivery
//! through SMTP failures (server down, 4xx, 5xx) and a panel killed while delivering.

use crate::helpers::{TestApp, spawn_app_with_smtp};
use crate::smtp::SmtpServer;
use jiff::SignedDuration;
use panel::store::{Delivery, OutboxFilter, OutboxMessage};
use std::time::Duration;

/// The login-code row of the outbox, once its delivery satisfies `until`.
async fn login_row(app: &TestApp, until: impl Fn(&Delivery) -> bool) -> OutboxMessage {
    for _ in 0..200 {
        if let Some(message) = app
            .state
            .store
            .outbox_messages(50)
            .unwrap()
            .into_iter()
            .find(|m| m.subject.starts_with("Kod logowania"))
            && until(&message.delivery)
        {
            return message;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the login message did not reach the expected state");
}

/// The Message-ID header of a raw message as the SMTP server received it.
fn message_id_of(raw: &str) -> String {
    raw.lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .unwrap_or_else(|| panic!("no Message-ID in {raw}"))
        .trim()
        .to_string()
}

fn login_attempts(smtp: &SmtpServer) -> Vec<String> {
    smtp.attempts
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.contains("Subject: Kod logowania"))
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_delivered_message_carries_the_message_id_stored_in_its_outbox_row() {
    let (app, smtp) = spawn_app_with_smtp(vec![]).await;
    app.request_code("abonent@example.com").await;
    let row = login_row(&app, |d| matches!(d, Delivery::Sent { .. })).await;
    assert!(row.message_id.starts_with(&format!("outbox-{}.", row.id)));
    let received = login_attempts(&smtp);
    assert_eq!(received.len(), 1);
    assert_eq!(
        message_id_of(&received[0]),
        format!("<{}@example.net>", row.message_id)
    );
    let others: Vec<String> = smtp.messages().iter().map(|m| message_id_of(m)).collect();
    assert_eq!(
        others
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len(),
        others.len(),
        "every row has its own Message-ID"
    );
}

#[tokio::test]
async fn two_attempts_of_one_message_carry_the_same_message_id() {
    let (app, smtp) = spawn_app_with_smtp(vec!["451 4.3.0 Try again later"]).await;
    app.request_code("abonent@example.com").await;
    login_row(&app, |d| matches!(d, Delivery::Pending { attempts: 1, .. })).await;
    app.clock.advance(SignedDuration::from_secs(11));
    app.state.wake_mailer();
    let row = login_row(&app, |d| matches!(d, Delivery::Sent { .. })).await;
    let attempts = login_attempts(&smtp);
    assert_eq!(attempts.len(), 2, "refused once, then delivered");
    let expected = format!("<{}@example.net>", row.message_id);
    assert_eq!(message_id_of(&attempts[0]), expected);
    assert_eq!(message_id_of(&attempts[1]), expected);
}

/// The outbox once every message in it satisfies `until` (at least `count` messages).
async fn outbox_when(
    app: &TestApp,
    count: usize,
    until: impl Fn(&Delivery) -> bool,
) -> Vec<OutboxMessage> {
    for _ in 0..400 {
        let all = app.state.store.outbox_messages(100).unwrap();
        if all.len() >= count && all.iter().all(|m| until(&m.delivery)) {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let all: Vec<_> = app
        .state
        .store
        .outbox_messages(100)
        .unwrap()
        .into_iter()
        .map(|m| (m.id, m.subject, m.delivery))
        .collect();
    panic!("the outbox did not settle: {all:?}");
}

fn is_pending(d: &Delivery) -> bool {
    matches!(d, Delivery::Pending { attempts: 1.., .. })
}

fn is_sent(d: &Delivery) -> bool {
    matches!(d, Delivery::Sent { .. })
}

#[tokio::test]
async fn the_operator_lists_waiting_messages_without_their_bodies() {
    let smtp = SmtpServer::start(vec![]).await;
    smtp.stop().await;
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        smtp: Some(smtp.clone()),
        ..Default::default()
    })
    .await;
    app.request_code("abonent@example.com").await;
    let rows = outbox_when(&app, 3, is_pending).await;
    let login = rows
        .iter()
        .find(|m| m.subject.starts_with("Kod logowania"))
        .unwrap();
    let code: String = login
        .text
        .split("Kod logowania do Panelu klienta: ")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(code.len(), 6);

    let listed = app.admin_ok(&["outbox", "--pending"]).await;
    let line = listed
        .lines()
        .find(|l| l.starts_with(&format!("{}\t", login.id)))
        .unwrap_or_else(|| panic!("the login message is not listed: {listed}"));
    assert!(line.contains("abonent@example.com\tKod logowania do Panelu klienta\tpending\t1\t"));
    assert!(
        line.contains("onnection"),
        "the last error names the refused connection: {line}"
    );
    assert!(!listed.contains(&code), "a login code is shown: {listed}");
    assert!(
        !listed.contains("/logowanie/link/"),
        "a login link is shown"
    );
    let not_reminders = listed.lines().filter(|l| !l.contains(" wygasa ")).count();
    assert_eq!(
        not_reminders, 5,
        "a header and four messages besides the demo's reminders"
    );
    assert_eq!(
        app.admin_ok(&["outbox", "--dead"]).await.trim(),
        "no messages"
    );
}

#[tokio::test]
async fn an_smtp_server_down_and_back_loses_nothing_and_sends_each_message_once() {
    let smtp = SmtpServer::start(vec![]).await;
    smtp.stop().await;
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        smtp: Some(smtp.clone()),
        ..Default::default()
    })
    .await;
    app.request_code("abonent@example.com").await;
    let waiting = outbox_when(&app, 3, is_pending).await;
    assert!(smtp.attempts.lock().unwrap().is_empty());

    smtp.restart().await;
    // A 4xx on the next try is transient too: retried, not dead.
    smtp.failures
        .lock()
        .unwrap()
        .push("421 4.7.0 Try again later");
    // Time passes until every retry has been due (how many tries the stopped server cost
    // depends on how busy the machine was, and the backoff grows with them).
    for _ in 0..400 {
        app.clock.advance(SignedDuration::from_secs(25));
        app.state.wake_mailer();
        tokio::time::sleep(Duration::from_millis(25)).await;
        let rows = app.state.store.outbox_messages(100).unwrap();
        if rows.len() >= 3 && rows.iter().all(|m| is_sent(&m.delivery)) {
            break;
        }
    }
    let sent = outbox_when(&app, 3, is_sent).await;
    // Nothing that waited is lost (the demo's reminders may have joined them meanwhile).
    assert!(waiting.iter().all(|w| sent.iter().any(|m| m.id == w.id)));
    let received: Vec<String> = smtp.messages().iter().map(|m| message_id_of(m)).collect();
    // The login code, two receipts of the demo's history and the demo's expiry reminders.
    assert_eq!(
        received.len(),
        sent.len(),
        "each message once: {received:?}"
    );
    for row in &sent {
        let id = format!("<{}@example.net>", row.message_id);
        assert_eq!(received.iter().filter(|r| **r == id).count(), 1);
    }
    assert_eq!(login_attempts(&smtp).len(), 2, "refused with 421 once");
}

#[tokio::test]
async fn a_permanent_failure_is_dead_and_outbox_retry_sends_it_again() {
    let smtp = SmtpServer::start(vec![]).await;
    smtp.refused
        .lock()
        .unwrap()
        .push(("@".into(), "550 5.1.1 No such user"));
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        smtp: Some(smtp.clone()),
        ..Default::default()
    })
    .await;
    // A receipt made now (the demo's own are from its history, past the retention period) and
    // a login code.
    let since = app.clock.now();
    let unpaid = app.admin_ok(&["unpaid"]).await;
    let number = unpaid.lines().next().unwrap().split('\t').next().unwrap();
    app.admin_ok(&[
        "record-payment",
        "--proforma",
        number,
        "--reference",
        "BANK-1",
    ])
    .await;
    app.request_code("abonent@example.com").await;
    let wanted = |m: &OutboxMessage| {
        m.created_at >= since && m.subject.starts_with("Dziękujemy za płatność")
            || m.subject.starts_with("Kod logowania")
    };
    let mut dead = Vec::new();
    for _ in 0..200 {
        dead = app
            .state
            .store
            .list_outbox(OutboxFilter::Dead, 100)
            .unwrap();
        dead.retain(wanted);
        if dead.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    dead.sort_by_key(|m| m.subject.starts_with("Kod logowania"));
    assert_eq!(
        dead.len(),
        2,
        "the receipt and the login code refused for good"
    );
    let listed = app.admin_ok(&["outbox", "--dead"]).await;
    for row in &dead {
        let line = listed
            .lines()
            .find(|l| l.starts_with(&format!("{}\t", row.id)))
            .unwrap_or_else(|| panic!("message {} is not listed: {listed}", row.id));
        assert!(
            line.contains("\tdead\t") && line.contains("No such user"),
            "{line}"
        );
    }
    smtp.refused.lock().unwrap().clear();
    assert!(smtp.messages().is_empty());

    let retried = app
        .admin_ok(&["outbox", "retry", &dead[0].id.to_string()])
        .await;
    assert!(retried.contains("queued again"), "{retried}");
    let row = row_when(&app, dead[0].id, is_sent).await;
    assert_eq!(smtp.messages().len(), 1, "only the retried one");
    assert_eq!(
        message_id_of(&smtp.messages()[0]),
        format!("<{}@example.net>", row.message_id)
    );
    let still_dead = app.state.store.outbox_message(dead[1].id).unwrap().unwrap();
    assert!(matches!(still_dead.delivery, Delivery::Dead { .. }));

    for (id, says) in [
        (dead[0].id.to_string(), "was delivered"),
        (dead[1].id.to_string(), "was a login code"),
        ("999".to_string(), "no message 999"),
    ] {
        let refused = app.admin(&["outbox", "retry", &id]).await;
        assert!(!refused.status.success());
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert!(stderr.contains("nothing changed"), "{stderr}");
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(smtp.messages().len(), 1, "nothing sent again");
    assert!(app.state.store.next_due().unwrap().is_none());
}

async fn row_when(app: &TestApp, id: u64, until: fn(&Delivery) -> bool) -> OutboxMessage {
    for _ in 0..200 {
        if let Some(row) = app.state.store.outbox_message(id).unwrap()
            && until(&row.delivery)
        {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("message {id} did not reach the expected state");
}

#[tokio::test]
async fn a_service_name_with_markup_arrives_escaped_in_the_html_of_its_e_mail() {
    let app = crate::helpers::spawn_app().await;
    app.admin_ok(&[
        "create-account",
        "--email",
        "nowy@firma.pl",
        "--name",
        "Firma <b>Nowa</b>",
    ])
    .await;
    let plan = app
        .admin_ok(&[
            "add-plan",
            "--kind",
            "domain",
            "--name",
            "Domena .eu",
            "--price",
            "39,00",
        ])
        .await;
    let plan_id = plan.split_whitespace().nth(2).unwrap().to_string();
    let expires = panel::domain::time::add_days(panel::domain::time::today(app.clock.now()), 10);
    let name = "<script>alert(1)</script>.eu";
    app.admin_ok(&[
        "add-service",
        "--account-of",
        "nowy@firma.pl",
        "--plan",
        &plan_id,
        "--name",
        name,
        "--expires",
        &expires.to_string(),
    ])
    .await;
    app.log_in("nowy@firma.pl").await;
    let id = app.service_id("nowy@firma.pl", name);
    app.renew_htmx(id).await;
    let mail = app
        .next_mail("nowy@firma.pl", "wystawiliśmy proformę")
        .await;
    let (text, html) = mail.split_once("Content-Type: text/html").unwrap();
    assert!(
        text.contains(name),
        "the plain text shows the name as it is"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.eu"),
        "{html}"
    );
    assert!(!html.contains("<script"), "{html}");
    assert!(
        html.contains("display: inline-block") && html.contains("Zobacz proformę i zapłać"),
        "the proforma's action is the template's button"
    );
}

/// `panel serve` (the real binary) on `data_dir`, delivering through `smtp`.
/// Waits until it answers on its admin socket (an admin command before that would open the
/// database itself, and the starting panel would find it taken).
async fn serve(data_dir: &std::path::Path, smtp: &SmtpServer) -> tokio::process::Child {
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .arg("--smtp-url")
        .arg(format!("smtp://127.0.0.1:{}", smtp.port))
        .args(["--mail-from", "Panel klienta <panel@example.net>"])
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(data_dir.with_extension("log")).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let socket = panel::admin::socket_path(data_dir);
    for _ in 0..600 {
        if tokio::net::UnixStream::connect(&socket).await.is_ok() {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the panel did not start");
}

async fn kill_9(child: &mut tokio::process::Child) {
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

#[tokio::test]
async fn a_panel_killed_while_delivering_delivers_every_message_after_restart_at_most_twice() {
    const MESSAGES: usize = 30;
    let dir = tempfile::tempdir().unwrap();
    let data_dir = data_dir_with_messages(dir.path(), MESSAGES);
    let smtp = SmtpServer::start(vec![]).await;
    *smtp.reply_delay.lock().unwrap() = Duration::from_millis(100);

    let mut panel = serve(&data_dir, &smtp).await;
    for _ in 0..600 {
        if smtp.messages().len() >= MESSAGES / 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Killed while the server holds a message it has not yet confirmed.
    tokio::time::sleep(Duration::from_millis(50)).await;
    kill_9(&mut panel).await;
    let before_restart = smtp.messages().len();
    assert!(
        before_restart > 0 && before_restart < MESSAGES,
        "killed half-way: {before_restart}"
    );

    *smtp.reply_delay.lock().unwrap() = Duration::ZERO;
    let mut panel = serve(&data_dir, &smtp).await;
    let pending = |listed: &str| listed.trim() == "no messages";
    let mut settled = false;
    let mut last = String::new();
    for _ in 0..600 {
        let (ok, said) = admin_on(&data_dir, &["outbox", "--pending"]).await;
        last = said;
        if ok && pending(&last) {
            settled = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kill_9(&mut panel).await;
    assert!(
        settled,
        "messages still pending after the restart: {last}\n{}",
        std::fs::read_to_string(data_dir.with_extension("log")).unwrap_or_default()
    );

    let store = panel::store::Store::open(&data_dir).unwrap();
    let rows = store.outbox_messages(1000).unwrap();
    let received: Vec<String> = smtp.messages().iter().map(|m| message_id_of(m)).collect();
    let mut twice = 0;
    for row in &rows {
        if !row.subject.starts_with("Wiadomość ") {
            continue;
        }
        assert!(matches!(row.delivery, Delivery::Sent { .. }), "{row:?}");
        let id = format!("<{}@example.net>", row.message_id);
        let copies = received.iter().filter(|r| **r == id).count();
        assert!(
            (1..=2).contains(&copies),
            "{} arrived {copies} times",
            row.subject
        );
        twice += usize::from(copies == 2);
    }
    assert_eq!(
        rows.iter()
            .filter(|r| r.subject.starts_with("Wiadomość "))
            .count(),
        MESSAGES
    );
    eprintln!("killed after {before_restart} of {MESSAGES} messages; {twice} arrived twice");
    assert!(twice <= 1, "only the message in flight at the kill repeats");
}

/// A data dir with the demo and `count` plain messages to abonent@example.com queued.
fn data_dir_with_messages(dir: &std::path::Path, count: usize) -> std::path::PathBuf {
    let data_dir = dir.join("data");
    let store = panel::store::Store::open(&data_dir).unwrap();
    let now = panel::clock::Clock::default().now();
    panel::demo::seed_if_empty(&store, now, "http://127.0.0.1").unwrap();
    let user = panel::domain::Email::parse("abonent@example.com").unwrap();
    for i in 0..count {
        let compose = |_: panel::store::LoginRequest<'_>| panel::store::NewMessage {
            to: "abonent@example.com".into(),
            subject: format!("Wiadomość {i}"),
            text: format!("Treść {i}"),
            html: format!("<p>Treść {i}</p>"),
            secret: false,
        };
        store.request_login(&user, now, &compose).unwrap();
    }
    data_dir
}

/// `panel admin …` (the real binary) on `data_dir`: its exit status and output.
async fn admin_on(data_dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .arg("admin")
        .arg("--data-dir")
        .arg(data_dir)
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

#[tokio::test]
async fn a_dead_message_retried_while_the_panel_is_stopped_goes_out_when_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = data_dir_with_messages(dir.path(), 1);
    let smtp = SmtpServer::start(vec![]).await;
    smtp.refused
        .lock()
        .unwrap()
        .push(("@".into(), "550 5.1.1 No such user"));
    let mut panel = serve(&data_dir, &smtp).await;
    let mut listed = String::new();
    for _ in 0..300 {
        listed = admin_on(&data_dir, &["outbox", "--dead"]).await.1;
        if listed.contains("Wiadomość 0") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panel.start_kill().unwrap();
    panel.wait().await.unwrap();
    let line = listed
        .lines()
        .find(|l| l.contains("Wiadomość 0"))
        .unwrap_or_else(|| panic!("not dead: {listed}"));
    let id = line.split('\t').next().unwrap().to_string();

    // Stopped: the command opens the database itself.
    let (ok, said) = admin_on(&data_dir, &["outbox", "retry", &id]).await;
    assert!(ok, "{said}");
    let (_, pending) = admin_on(&data_dir, &["outbox", "--pending"]).await;
    assert!(
        pending.lines().any(|l| l.starts_with(&format!("{id}\t"))
            && l.contains("\tpending\t0\t")
            && l.contains("No such user")),
        "{pending}"
    );

    let message_id = {
        let store = panel::store::Store::open(&data_dir).unwrap();
        let row = store.outbox_message(id.parse().unwrap()).unwrap().unwrap();
        format!("<{}@example.net>", row.message_id)
    };

    smtp.refused.lock().unwrap().clear();
    let delivered = || {
        smtp.messages()
            .iter()
            .filter(|m| message_id_of(m) == message_id)
            .count()
    };
    let mut panel = serve(&data_dir, &smtp).await;
    for _ in 0..300 {
        if delivered() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    panel.start_kill().unwrap();
    panel.wait().await.unwrap();
    assert_eq!(delivered(), 1, "the retried message, once");
}
