//! The outbox: retries of transient SMTP failures, dead letters for permanent ones.

use crate::helpers::spawn_app_with_smtp;
use jiff::SignedDuration;
use panel::store::Delivery;
use std::time::Duration;

async fn delivery_of_first_message(
    app: &crate::helpers::TestApp,
    until: impl Fn(&Delivery) -> bool,
) -> Delivery {
    for _ in 0..200 {
        if let Some(message) = app
            .state
            .store
            .outbox_messages(10)
            .unwrap()
            .into_iter()
            .find(|m| m.subject.starts_with("Kod logowania"))
            && until(&message.delivery)
        {
            return message.delivery;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let all: Vec<_> = app
        .state
        .store
        .outbox_messages(10)
        .unwrap()
        .into_iter()
        .map(|m| (m.subject, m.delivery))
        .collect();
    panic!("the delivery did not reach the expected state: {all:?}");
}

#[tokio::test]
async fn a_transient_smtp_failure_is_retried_until_delivered() {
    let (app, smtp) = spawn_app_with_smtp(vec!["451 4.3.0 Try again later"]).await;
    app.request_code("abonent@example.com").await;
    let pending =
        delivery_of_first_message(&app, |d| matches!(d, Delivery::Pending { attempts: 1, .. }))
            .await;
    assert!(matches!(
        pending,
        Delivery::Pending {
            last_error: Some(_),
            ..
        }
    ));
    assert!(
        smtp.messages()
            .iter()
            .all(|m| !m.contains("Subject: Kod logowania")),
        "not delivered yet"
    );
    app.clock.advance(SignedDuration::from_secs(11));
    app.state.wake_mailer();
    delivery_of_first_message(&app, |d| matches!(d, Delivery::Sent { .. })).await;
    assert_eq!(
        app.state.store.next_due().unwrap(),
        None,
        "nothing left to deliver"
    );
    app.log_in_with_next_code("abonent@example.com").await;
}

#[tokio::test]
async fn a_permanent_smtp_failure_is_marked_dead_not_retried() {
    let (app, _smtp) = spawn_app_with_smtp(vec!["550 5.1.1 No such user"]).await;
    app.request_code("abonent@example.com").await;
    let dead = delivery_of_first_message(&app, |d| matches!(d, Delivery::Dead { .. })).await;
    assert!(matches!(dead, Delivery::Dead { error } if error.contains("No such user")));
}
