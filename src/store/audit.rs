//! The audit log: one entry per security- or money-relevant action, written by `record` in the
//! action's own write transaction (like the outbox row), so no action is stored without its entry.
//! Append-only: there is no function that changes or deletes an entry.

use super::codec::{decode, encode, get, next_in_sequence};
use super::schema::{AUDIT, AUDIT_BY_ACCOUNT, USERS, USERS_BY_EMAIL};
use super::{PaymentOutcome, Result, Store};
use crate::domain::User;
use crate::domain::audit::{Actor, AuditEntry, AuditKind};
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};

/// An entry to write: `origin` is the client's IP, "socket" for the operator, "" for jobs.
pub struct NewAudit<'a> {
    pub actor: Actor,
    pub kind: AuditKind,
    pub detail: String,
    pub origin: &'a str,
    pub account_id: Option<u64>,
}

/// Which entries to read, newest first.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub account_id: Option<u64>,
    /// Only entries at or after this time.
    pub since: Option<Timestamp>,
    /// Entries to pass over (paging), then at most `limit`.
    pub skip: usize,
    pub limit: usize,
}

/// Writes `entry` in the caller's transaction.
pub(crate) fn record(tx: &WriteTransaction, entry: NewAudit<'_>, now: Timestamp) -> Result<()> {
    let id = next_in_sequence(tx, "audit")?;
    let row = AuditEntry {
        id,
        at: now,
        actor: entry.actor,
        kind: entry.kind,
        detail: entry.detail,
        origin: entry.origin.to_string(),
        account_id: entry.account_id,
    };
    tx.open_table(AUDIT)?.insert(id, encode(&row)?.as_slice())?;
    if let Some(account_id) = entry.account_id {
        tx.open_table(AUDIT_BY_ACCOUNT)?
            .insert((account_id, id), ())?;
    }
    Ok(())
}

/// The person whose login starts at `email` (as login finds them), with their account; a
/// visitor when no user has the address.
pub(super) fn person(tx: &WriteTransaction, email: &str) -> Result<(Actor, Option<u64>)> {
    let id = tx
        .open_table(USERS_BY_EMAIL)?
        .get(email)?
        .map(|v| v.value());
    let user = match id {
        Some(id) => get::<User>(&tx.open_table(USERS)?, id)?,
        None => None,
    };
    Ok(match user {
        Some(user) => (
            Actor::Person {
                user_id: user.id,
                email: user.email.to_string(),
            },
            Some(user.account_id),
        ),
        None => (
            Actor::Visitor {
                email: email.to_string(),
            },
            None,
        ),
    })
}

/// `user` as the actor of an entry.
pub(super) fn actor_of(user: &User) -> Actor {
    Actor::Person {
        user_id: user.id,
        email: user.email.to_string(),
    }
}

/// Records a person's own action (`kind`) on their account, found from `email`.
pub(super) fn record_person(
    tx: &WriteTransaction,
    email: &str,
    kind: AuditKind,
    detail: &str,
    origin: &str,
    now: Timestamp,
) -> Result<()> {
    let (actor, account_id) = person(tx, email)?;
    let entry = NewAudit {
        actor,
        kind,
        detail: detail.to_string(),
        origin,
        account_id,
    };
    record(tx, entry, now)
}

/// Records a payment that moved money (paid a proforma or went to the balance); `via` says how
/// it came ("przelew", "online").
pub(super) fn record_payment_outcome(
    tx: &WriteTransaction,
    outcome: &PaymentOutcome,
    actor: Actor,
    origin: &str,
    via: &str,
    now: Timestamp,
) -> Result<()> {
    let (account_id, detail) = match outcome {
        PaymentOutcome::Paid { proforma, invoice } => (
            proforma.account_id,
            format!(
                "{}: {} ({via}), wystawiono {}",
                proforma.number,
                invoice.total_gross(),
                invoice.number
            ),
        ),
        PaymentOutcome::Credited { proforma, balance } => (
            proforma.account_id,
            format!(
                "{}: wpłata ({via}) na saldo, saldo {balance}",
                proforma.number
            ),
        ),
        _ => return Ok(()),
    };
    let entry = NewAudit {
        actor,
        kind: AuditKind::PaymentRecorded,
        detail,
        origin,
        account_id: Some(account_id),
    };
    record(tx, entry, now)
}

/// Records what the person `email` did in `account_id` (they may belong to several accounts).
pub(super) fn record_in_account(
    tx: &WriteTransaction,
    email: &str,
    account_id: u64,
    kind: AuditKind,
    detail: String,
    origin: &str,
    now: Timestamp,
) -> Result<()> {
    let (actor, _) = person(tx, email)?;
    let entry = NewAudit {
        actor,
        kind,
        detail,
        origin,
        account_id: Some(account_id),
    };
    record(tx, entry, now)
}

impl Store {
    /// Writes one entry on its own (an operator's task, after it ran).
    pub fn record_audit(&self, entry: NewAudit<'_>, now: Timestamp) -> Result<()> {
        self.write_unseen(|tx| record(tx, entry, now))
    }

    /// Entries newest first, by account and time as `filter` asks.
    pub fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let tx = self.read()?;
        let entries = tx.open_table(AUDIT)?;
        let ids: Box<dyn Iterator<Item = Result<u64>>> = match filter.account_id {
            Some(account) => Box::new(
                tx.open_table(AUDIT_BY_ACCOUNT)?
                    .range((account, 0)..=(account, u64::MAX))?
                    .rev()
                    .map(|row| Ok(row?.0.value().1)),
            ),
            None => Box::new(entries.iter()?.rev().map(|row| Ok(row?.0.value()))),
        };
        let mut found = Vec::new();
        let mut skipped = 0;
        for id in ids {
            let Some(bytes) = entries.get(id?)?.map(|v| v.value().to_vec()) else {
                continue;
            };
            let entry: AuditEntry = decode(&bytes)?;
            // Not `break`: entries are in the order written, and some (the demo's, dated by its
            // story) carry an earlier time than entries written before them.
            if filter.since.is_some_and(|since| entry.at < since) {
                continue;
            }
            if skipped < filter.skip {
                skipped += 1;
                continue;
            }
            found.push(entry);
            if found.len() >= filter.limit {
                break;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(account_id: Option<u64>, detail: &str) -> NewAudit<'static> {
        NewAudit {
            actor: Actor::Operator,
            kind: AuditKind::OperatorAction,
            detail: detail.into(),
            origin: "socket",
            account_id,
        }
    }

    #[test]
    fn entries_read_newest_first_by_account_since_a_time_and_in_pages() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let at = |s: i64| {
            Timestamp::from_second(1_800_000_000 + s).unwrap_or_else(|e| unreachable!("{e}"))
        };
        for (i, (account, detail)) in [
            (Some(1), "a1"),
            (Some(2), "b1"),
            (None, "n"),
            (Some(1), "a2"),
        ]
        .into_iter()
        .enumerate()
        {
            store
                .record_audit(entry(account, detail), at(i as i64 * 100))
                .unwrap_or_else(|e| unreachable!("{e}"));
        }
        let read = |filter: AuditFilter| -> Vec<String> {
            let entries = store
                .audit_entries(&filter)
                .unwrap_or_else(|e| unreachable!("{e}"));
            entries.into_iter().map(|e| e.detail).collect()
        };
        let all = AuditFilter {
            limit: 10,
            ..AuditFilter::default()
        };
        assert_eq!(read(all.clone()), ["a2", "n", "b1", "a1"]);
        assert_eq!(
            read(AuditFilter {
                account_id: Some(1),
                ..all.clone()
            }),
            ["a2", "a1"]
        );
        assert_eq!(
            read(AuditFilter {
                since: Some(at(100)),
                ..all.clone()
            }),
            ["a2", "n", "b1"]
        );
        assert_eq!(
            read(AuditFilter {
                skip: 1,
                limit: 2,
                ..all
            }),
            ["n", "b1"]
        );
    }
}
