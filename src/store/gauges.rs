//! The queue sizes `/metrics` shows, each the length of an index: no row is read.

use super::schema::{OUTBOX_DEAD, OUTBOX_DUE, TASKS_DUE, TASKS_RUNNING};
use super::{Result, Store};
use redb::ReadableTableMetadata;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueGauges {
    /// E-mails still to be delivered (retries waiting included).
    pub outbox_pending: u64,
    /// E-mails given up on, until they leave with the retention period or are retried.
    pub outbox_dead: u64,
    /// Provisioning tasks queued or running.
    pub tasks_pending: u64,
}

impl Store {
    pub fn queue_gauges(&self) -> Result<QueueGauges> {
        let tx = self.read()?;
        Ok(QueueGauges {
            outbox_pending: tx.open_table(OUTBOX_DUE)?.len()?,
            outbox_dead: tx.open_table(OUTBOX_DEAD)?.len()?,
            tasks_pending: tx.open_table(TASKS_DUE)?.len()?
                + tx.open_table(TASKS_RUNNING)?.len()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewMessage;
    use jiff::Timestamp;

    #[test]
    fn the_gauges_follow_messages_as_they_wait_die_are_retried_and_leave() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let now = Timestamp::UNIX_EPOCH + jiff::SignedDuration::from_hours(24 * 20_000);
        let queue = |subject: &str| {
            let message = NewMessage {
                to: "klient@example.com".into(),
                subject: subject.into(),
                text: "treść".into(),
                html: String::new(),
                secret: false,
            };
            store
                .write_unseen(|tx| super::super::outbox::enqueue(tx, message, now))
                .unwrap_or_else(|e| unreachable!("{e}"))
        };
        let gauges = || store.queue_gauges().unwrap_or_default();
        let (a, b) = (queue("a"), queue("b"));
        assert_eq!((gauges().outbox_pending, gauges().outbox_dead), (2, 0));
        let _ = store.mark_delivery(a, Err(("550 no such user".into(), true)), now);
        let _ = store.mark_delivery(b, Err(("451 later".into(), false)), now);
        assert_eq!((gauges().outbox_pending, gauges().outbox_dead), (1, 1));
        let _ = store.retry_dead_message(a, now);
        assert_eq!((gauges().outbox_pending, gauges().outbox_dead), (2, 0));
        let _ = store.mark_delivery(a, Err(("550 no such user".into(), true)), now);
        let later = now + jiff::SignedDuration::from_secs(1);
        assert_eq!(store.purge_delivered_messages(later).ok(), Some(1));
        assert_eq!(gauges().outbox_dead, 0);
        assert_eq!(gauges().tasks_pending, 0);
    }
}
