//! The outbox as the operator sees it: one Message-ID per row, `panel admin outbox`, and delivery
//! through SMTP failures (server down, 4xx, 5xx) and a panel killed while delivering.

use crate::helpers::{TestApp, spawn_app_with_smtp};
use crate::smtp::SmtpServer;
use jiff::SignedDuration;
use panel::store::{Delivery, OutboxMessage};
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
