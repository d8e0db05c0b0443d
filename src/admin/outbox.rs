//! `panel admin outbox`: what waits, what was given up, and re-queueing a dead message. The list
//! never shows a body: login messages carry a code and a link that log in.

use super::store_error;
use crate::domain::time::format_timestamp;
use crate::store::{Delivery, OutboxFilter, OutboxMessage, RetryOutcome, Store};
use clap::Subcommand;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// How many messages one listing shows at most.
const LIST_LIMIT: usize = 500;

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum OutboxAction {
    /// The messages: recipient, subject, state, tries, last error, next try (never the body).
    List {
        /// Only messages waiting for delivery, in the order they fall due.
        #[arg(long, conflicts_with = "dead")]
        #[serde(default)]
        pending: bool,
        /// Only messages given up.
        #[arg(long)]
        #[serde(default)]
        dead: bool,
    },
    /// Re-queue a dead message: due at once, its tries counted from zero.
    Retry { id: u64 },
}

pub fn list(store: &Store, pending: bool, dead: bool) -> Result<String, String> {
    let filter = match (pending, dead) {
        (true, _) => OutboxFilter::Pending,
        (_, true) => OutboxFilter::Dead,
        _ => OutboxFilter::All,
    };
    let messages = store.list_outbox(filter, LIST_LIMIT).map_err(store_error)?;
    if messages.is_empty() {
        return Ok("no messages".into());
    }
    let mut lines = vec!["id\trecipient\tsubject\tstate\ttries\tlast error\tnext try".to_string()];
    lines.extend(messages.iter().map(line));
    Ok(lines.join("\n"))
}

/// One message as a tab-separated line; tabs and line breaks in its fields become spaces.
fn line(message: &OutboxMessage) -> String {
    let (state, error, next) = match &message.delivery {
        Delivery::Pending {
            last_error, due_at, ..
        } => (
            "pending".to_string(),
            last_error.clone().unwrap_or_default(),
            Timestamp::from_second(*due_at)
                .map(format_timestamp)
                .unwrap_or_default(),
        ),
        Delivery::Sent { at } => (
            format!("sent {}", format_timestamp(*at)),
            String::new(),
            String::new(),
        ),
        Delivery::Dead { error } => ("dead".into(), error.clone(), String::new()),
    };
    let fields = [
        message.id.to_string(),
        message.to.clone(),
        message.subject.clone(),
        state,
        message.tries.to_string(),
        error,
        next,
    ];
    fields
        .iter()
        .map(|f| crate::mail::header_safe(f).replace('\t', " "))
        .collect::<Vec<_>>()
        .join("\t")
}

pub fn retry(store: &Store, id: u64, now: Timestamp) -> Result<String, String> {
    match store.retry_dead_message(id, now).map_err(store_error)? {
        RetryOutcome::Requeued(message) => Ok(format!(
            "message {id} to {} is queued again and goes out now",
            message.to
        )),
        RetryOutcome::NotFound => Err(format!(
            "no message {id} in the outbox (delivered messages leave it after the retention \
             period); nothing changed"
        )),
        RetryOutcome::NotDead(Delivery::Sent { at }) => Err(format!(
            "message {id} was delivered on {}; nothing changed",
            format_timestamp(at)
        )),
        RetryOutcome::NotDead(_) => Err(format!(
            "message {id} is still pending and will be tried again by itself; nothing changed"
        )),
        RetryOutcome::BodyGone => Err(format!(
            "message {id} was a login code: its code is no longer kept (and has expired); the \
             user asks for a new one; nothing changed"
        )),
    }
}

/// `outbox list`: the messages as an aligned table (or JSON).
pub fn table(store: &Store, pending: bool, dead: bool) -> Result<super::Reply, String> {
    use super::output::{Table, c};
    let filter = match (pending, dead) {
        (true, _) => OutboxFilter::Pending,
        (_, true) => OutboxFilter::Dead,
        _ => OutboxFilter::All,
    };
    let messages = store.list_outbox(filter, LIST_LIMIT).map_err(store_error)?;
    let columns = [
        "id",
        "recipient",
        "subject",
        "state",
        "tries",
        "last_error",
        "next_try",
    ];
    let mut table = Table::new(&columns, "no messages");
    for message in &messages {
        let fields: Vec<String> = line(message).split('\t').map(String::from).collect();
        let text = |i: usize| c(fields.get(i).filter(|f| !f.is_empty()));
        table.push(vec![
            c(message.id),
            text(1),
            text(2),
            text(3),
            c(message.tries),
            text(5),
            text(6),
        ]);
    }
    Ok(table.reply())
}
