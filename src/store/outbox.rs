//! The e-mail outbox: messages commit with the action that sends them, and a worker delivers
//! them after commit, retrying transient failures.

use super::codec::{decode, get, next_in_sequence, put};
use super::schema::{OUTBOX, OUTBOX_DEAD, OUTBOX_DUE};
use super::{Result, Store};
use jiff::{SignedDuration, Timestamp};
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

/// A message as composed by `mail`, before it has an id.
pub struct NewMessage {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The body logs someone in (a code and a link): it is dropped from the database once the
    /// message is delivered or dead, so a backup or a copy of the file cannot be used to log in.
    pub secret: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    Pending {
        attempts: u32,
        last_error: Option<String>,
        /// Unix second of the next try: with the id, its key in the due index.
        due_at: i64,
    },
    Sent {
        at: Timestamp,
    },
    /// Given up: a permanent failure, or too many transient ones.
    Dead {
        error: String,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: u64,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub created_at: Timestamp,
    pub delivery: Delivery,
    /// See `NewMessage::secret`; once delivered (or dead) `text` and `html` are empty.
    #[serde(default)]
    pub secret: bool,
    /// The left part of the Message-ID, fixed when the row is written, so every attempt (also a
    /// resend after a crash) carries the same Message-ID and the receiving side can tell a repeat.
    #[serde(default)]
    pub message_id: String,
    /// Delivery attempts recorded, whatever their outcome (the operator's "tries").
    #[serde(default)]
    pub tries: u32,
    /// When it was delivered or given up: the retention period counts from here.
    #[serde(default)]
    pub done_at: Option<Timestamp>,
}

impl OutboxMessage {
    /// The Message-ID header of this row at `domain` (the sender's domain), with its brackets.
    /// Rows written before Message-IDs were stored get one derived from the id and creation time.
    pub fn message_id_at(&self, domain: &str) -> String {
        let domain: String = domain.chars().filter(|c| !c.is_control()).collect();
        if self.message_id.is_empty() {
            format!(
                "<outbox-{}.{}@{domain}>",
                self.id,
                self.created_at.as_second()
            )
        } else {
            format!("<{}@{domain}>", self.message_id)
        }
    }
}

/// Transient failures are retried this many times in all before the message is dead.
pub const MAX_ATTEMPTS: u32 = 8;

pub(super) fn enqueue(tx: &WriteTransaction, message: NewMessage, now: Timestamp) -> Result<u64> {
    let id = next_in_sequence(tx, "outbox")?;
    let row = OutboxMessage {
        id,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        secret: message.secret,
        message_id: format!(
            "outbox-{id}.{}",
            crate::random::hex(&crate::random::bytes::<8>())
        ),
        tries: 0,
        done_at: None,
        created_at: now,
        delivery: Delivery::Pending {
            attempts: 0,
            last_error: None,
            due_at: now.as_second(),
        },
    };
    put(&mut tx.open_table(OUTBOX)?, id, &row)?;
    tx.open_table(OUTBOX_DUE)?
        .insert((now.as_second(), id), ())?;
    Ok(id)
}

/// Fills `OUTBOX_DEAD` from the rows (migration 14).
pub(super) fn index_dead_v14(tx: &WriteTransaction) -> Result<()> {
    let mut dead = Vec::new();
    for row in tx.open_table(OUTBOX)?.iter()? {
        let (id, bytes) = row?;
        let message: OutboxMessage = decode(bytes.value())?;
        if matches!(message.delivery, Delivery::Dead { .. }) {
            dead.push(id.value());
        }
    }
    let mut index = tx.open_table(OUTBOX_DEAD)?;
    for id in dead {
        index.insert(id, ())?;
    }
    Ok(())
}

/// Wait before the next try: 10 s, 20 s, 40 s… capped at one hour.
pub fn backoff(attempts: u32) -> SignedDuration {
    SignedDuration::from_secs((10i64 << attempts.saturating_sub(1).min(9)).min(3600))
}

impl Store {
    /// Messages due for delivery at `now`, oldest first.
    pub fn due_messages(&self, now: Timestamp, limit: usize) -> Result<Vec<OutboxMessage>> {
        let tx = self.read()?;
        let outbox = tx.open_table(OUTBOX)?;
        let mut due = Vec::new();
        for entry in tx
            .open_table(OUTBOX_DUE)?
            .range(..=(now.as_second(), u64::MAX))?
            .take(limit)
        {
            let (key, _) = entry?;
            if let Some(message) = get(&outbox, key.value().1)? {
                due.push(message);
            }
        }
        Ok(due)
    }

    /// When the next pending message falls due, if any.
    pub fn next_due(&self) -> Result<Option<Timestamp>> {
        let tx = self.read()?;
        let first = tx
            .open_table(OUTBOX_DUE)?
            .first()?
            .map(|(k, _)| k.value().0);
        Ok(first.and_then(|s| Timestamp::from_second(s).ok()))
    }

    /// Records the outcome of one delivery attempt.
    pub fn mark_delivery(
        &self,
        id: u64,
        outcome: std::result::Result<(), (String, bool)>,
        now: Timestamp,
    ) -> Result<Delivery> {
        self.write_unseen(|tx| {
            let mut outbox = tx.open_table(OUTBOX)?;
            let mut due = tx.open_table(OUTBOX_DUE)?;
            let Some(mut message): Option<OutboxMessage> = get(&outbox, id)? else {
                return Ok(Delivery::Dead {
                    error: "missing".into(),
                });
            };
            let attempts = match &message.delivery {
                Delivery::Pending {
                    attempts, due_at, ..
                } => {
                    due.remove((*due_at, id))?;
                    *attempts + 1
                }
                done => return Ok(done.clone()),
            };
            message.delivery = match outcome {
                Ok(()) => Delivery::Sent { at: now },
                Err((error, permanent)) if permanent || attempts >= MAX_ATTEMPTS => {
                    Delivery::Dead { error }
                }
                Err((error, _)) => {
                    let due_at = (now + backoff(attempts)).as_second();
                    due.insert((due_at, id), ())?;
                    Delivery::Pending {
                        attempts,
                        last_error: Some(error),
                        due_at,
                    }
                }
            };
            message.tries += 1;
            if matches!(message.delivery, Delivery::Dead { .. }) {
                tx.open_table(OUTBOX_DEAD)?.insert(id, ())?;
            }
            if !matches!(message.delivery, Delivery::Pending { .. }) {
                message.done_at = Some(now);
                if message.secret {
                    message.text.clear();
                    message.html.clear();
                }
            }
            put(&mut outbox, id, &message)?;
            Ok(message.delivery.clone())
        })
    }

    /// The newest messages first (the demo mailbox and the operator's view).
    pub fn outbox_messages(&self, limit: usize) -> Result<Vec<OutboxMessage>> {
        let tx = self.read()?;
        let mut list = Vec::new();
        for row in tx.open_table(OUTBOX)?.iter()?.rev().take(limit) {
            let (_, bytes) = row?;
            list.push(decode(bytes.value())?);
        }
        Ok(list)
    }

    pub fn outbox_message(&self, id: u64) -> Result<Option<OutboxMessage>> {
        get(&self.read()?.open_table(OUTBOX)?, id)
    }

    /// Deletes messages delivered (or given up) before `before`; returns how many went.
    /// Pending messages stay whatever their age: they still have to go out. Ids grow with
    /// `created_at` and nothing is delivered before it is created, so the scan stops at the first
    /// message created since `before`: a run reads only what it may delete.
    pub fn purge_delivered_messages(&self, before: Timestamp) -> Result<usize> {
        let mut old = Vec::new();
        for row in self.read()?.open_table(OUTBOX)?.iter()? {
            let (id, bytes) = row?;
            let message: OutboxMessage = decode(bytes.value())?;
            if message.created_at >= before {
                break;
            }
            let done_at = match message.delivery {
                Delivery::Pending { .. } => continue,
                Delivery::Sent { at } => at,
                // Rows from before `done_at` was kept: their creation, as then.
                Delivery::Dead { .. } => message.done_at.unwrap_or(message.created_at),
            };
            if done_at < before {
                old.push(id.value());
            }
        }
        if old.is_empty() {
            return Ok(0);
        }
        // Delivered and dead messages never change again: what the read found is still true.
        self.write_unseen(|tx| {
            let mut outbox = tx.open_table(OUTBOX)?;
            let mut dead = tx.open_table(OUTBOX_DEAD)?;
            for id in &old {
                outbox.remove(id)?;
                dead.remove(id)?;
            }
            Ok(old.len())
        })
    }
}

/// Which messages the operator lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxFilter {
    All,
    Pending,
    Dead,
}

/// What `retry_dead_message` did.
#[derive(Debug)]
pub enum RetryOutcome {
    /// Pending again, due at once, its tries counted from zero.
    Requeued(OutboxMessage),
    NotFound,
    /// Only a dead message can be retried; this one is pending or was delivered.
    NotDead(Delivery),
    /// A dead login message: its code left the database when it died, and is expired anyway.
    BodyGone,
}

impl Store {
    /// Messages for the operator: pending ones in the order they fall due (from the due index),
    /// otherwise the newest first, at most `limit`.
    pub fn list_outbox(&self, filter: OutboxFilter, limit: usize) -> Result<Vec<OutboxMessage>> {
        let tx = self.read()?;
        let outbox = tx.open_table(OUTBOX)?;
        let mut list = Vec::new();
        if filter == OutboxFilter::Pending {
            for entry in tx.open_table(OUTBOX_DUE)?.iter()?.take(limit) {
                let (key, _) = entry?;
                if let Some(message) = get(&outbox, key.value().1)? {
                    list.push(message);
                }
            }
            return Ok(list);
        }
        for row in outbox.iter()?.rev() {
            if list.len() == limit {
                break;
            }
            let message: OutboxMessage = decode(row?.1.value())?;
            if filter == OutboxFilter::All || matches!(message.delivery, Delivery::Dead { .. }) {
                list.push(message);
            }
        }
        Ok(list)
    }

    /// Puts a dead message back in the queue, due at `now` with its tries reset; nothing changes
    /// for any other message.
    pub fn retry_dead_message(&self, id: u64, now: Timestamp) -> Result<RetryOutcome> {
        self.write_unseen(|tx| {
            let mut outbox = tx.open_table(OUTBOX)?;
            let Some(mut message): Option<OutboxMessage> = get(&outbox, id)? else {
                return Ok(RetryOutcome::NotFound);
            };
            let Delivery::Dead { error } = &message.delivery else {
                return Ok(RetryOutcome::NotDead(message.delivery));
            };
            if message.secret {
                return Ok(RetryOutcome::BodyGone);
            }
            message.delivery = Delivery::Pending {
                attempts: 0,
                last_error: Some(error.clone()),
                due_at: now.as_second(),
            };
            message.tries = 0;
            message.done_at = None;
            put(&mut outbox, id, &message)?;
            tx.open_table(OUTBOX_DEAD)?.remove(id)?;
            tx.open_table(OUTBOX_DUE)?
                .insert((now.as_second(), id), ())?;
            Ok(RetryOutcome::Requeued(message))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        (dir, store)
    }

    fn queue(store: &Store, subject: &str, at: Timestamp) -> u64 {
        let message = NewMessage {
            to: "klient@example.com".into(),
            subject: subject.into(),
            text: "treść".into(),
            html: "<p>treść</p>".into(),
            secret: false,
        };
        store
            .write_unseen(|tx| enqueue(tx, message, at))
            .unwrap_or_else(|e| unreachable!("{e}"))
    }

    const DAY: SignedDuration = SignedDuration::from_hours(24);

    #[test]
    fn a_dead_message_is_kept_for_the_retention_period_from_when_it_died() {
        let (_dir, store) = store();
        let created = Timestamp::UNIX_EPOCH + DAY * 20_000;
        let id = queue(&store, "stara", created);
        let died = created + DAY * 40;
        let dead = store.mark_delivery(id, Err(("550 No such user".into(), true)), died);
        assert!(matches!(dead, Ok(Delivery::Dead { .. })));
        assert_eq!(store.purge_delivered_messages(died - DAY).ok(), Some(0));
        assert!(store.outbox_message(id).is_ok_and(|m| m.is_some()));
        assert_eq!(
            store
                .purge_delivered_messages(died + SignedDuration::from_secs(1))
                .ok(),
            Some(1)
        );
    }

    #[test]
    fn a_retried_dead_message_is_due_at_once_with_its_tries_reset_and_listed_as_pending() {
        let (_dir, store) = store();
        let now = Timestamp::UNIX_EPOCH + DAY * 20_000;
        let sent = queue(&store, "doręczona", now);
        let dead = queue(&store, "odrzucona", now);
        let _ = store.mark_delivery(sent, Ok(()), now);
        let _ = store.mark_delivery(dead, Err(("451 later".into(), false)), now);
        let _ = store.mark_delivery(dead, Err(("550 no".into(), true)), now);
        let listed = |filter| {
            store
                .list_outbox(filter, 10)
                .unwrap_or_default()
                .iter()
                .map(|m| (m.id, m.tries))
                .collect::<Vec<_>>()
        };
        assert_eq!(listed(OutboxFilter::Dead), vec![(dead, 2)]);
        assert_eq!(listed(OutboxFilter::Pending), vec![]);
        assert_eq!(listed(OutboxFilter::All), vec![(dead, 2), (sent, 1)]);

        let later = now + DAY;
        let retried = store.retry_dead_message(dead, later);
        assert!(matches!(retried, Ok(RetryOutcome::Requeued(_))));
        assert_eq!(listed(OutboxFilter::Pending), vec![(dead, 0)]);
        assert_eq!(store.next_due().ok().flatten(), Some(later));
        assert!(matches!(
            store.retry_dead_message(dead, later),
            Ok(RetryOutcome::NotDead(Delivery::Pending { .. }))
        ));
        assert!(matches!(
            store.retry_dead_message(sent, later),
            Ok(RetryOutcome::NotDead(Delivery::Sent { .. }))
        ));
        assert!(matches!(
            store.retry_dead_message(999, later),
            Ok(RetryOutcome::NotFound)
        ));
    }
}
