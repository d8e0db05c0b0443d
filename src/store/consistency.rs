//! The panel's own consistency checks, cheap enough for `panel admin check`: every index entry
//! points at a row that exists.

use super::Result;
use super::codec::Rows;
use super::schema::{
    ACCOUNTS, DOCUMENTS, DOCUMENTS_BY_ACCOUNT, DOCUMENTS_BY_NUMBER, OPEN_RENEWALS, OUTBOX,
    OUTBOX_DEAD, OUTBOX_DUE, PAYMENTS, PAYMENTS_BY_ACCOUNT, PAYMENTS_BY_REFERENCE, SERVICES,
    SERVICES_BY_ACCOUNT, TASKS, TASKS_DUE, USERS, USERS_BY_ACCOUNT, USERS_BY_EMAIL,
};
use redb::{AccessGuard, Key, ReadTransaction, ReadableTable, TableDefinition, TableHandle, Value};

/// The row ids an index names, picked from each entry.
fn named<K: Key + 'static, V: Value + 'static>(
    tx: &ReadTransaction,
    index: TableDefinition<K, V>,
    pick: impl Fn(&AccessGuard<'_, K>, &AccessGuard<'_, V>) -> u64,
) -> Result<Vec<u64>> {
    let table = tx.open_table(index)?;
    let mut ids = Vec::new();
    for entry in table.iter()? {
        let (key, value) = entry?;
        ids.push(pick(&key, &value));
    }
    Ok(ids)
}

/// How many of `ids` are missing from `rows`, as a sentence (`None`: all there).
fn missing(tx: &ReadTransaction, index: &str, rows: Rows, ids: Vec<u64>) -> Result<Option<String>> {
    let table = tx.open_table(rows)?;
    let mut lost = Vec::new();
    for id in ids {
        if table.get(id)?.is_none() {
            lost.push(id);
        }
    }
    Ok((!lost.is_empty()).then(|| {
        let shown: Vec<String> = lost.iter().take(5).map(u64::to_string).collect();
        format!(
            "{index}: {} entries name missing {} (ids {}{})",
            lost.len(),
            rows.name(),
            shown.join(", "),
            if lost.len() > 5 { ", …" } else { "" }
        )
    }))
}

/// Every problem found; empty when the indexes agree with the rows.
pub fn problems(tx: &ReadTransaction) -> Result<Vec<String>> {
    let checks: Vec<(&str, Rows, Vec<u64>)> = vec![
        (
            USERS_BY_EMAIL.name(),
            USERS,
            named(tx, USERS_BY_EMAIL, |_, v| v.value())?,
        ),
        (
            USERS_BY_ACCOUNT.name(),
            USERS,
            named(tx, USERS_BY_ACCOUNT, |k, _| k.value().1)?,
        ),
        (
            USERS_BY_ACCOUNT.name(),
            ACCOUNTS,
            named(tx, USERS_BY_ACCOUNT, |k, _| k.value().0)?,
        ),
        (
            SERVICES_BY_ACCOUNT.name(),
            SERVICES,
            named(tx, SERVICES_BY_ACCOUNT, |k, _| k.value().1)?,
        ),
        (
            DOCUMENTS_BY_ACCOUNT.name(),
            DOCUMENTS,
            named(tx, DOCUMENTS_BY_ACCOUNT, |k, _| k.value().1)?,
        ),
        (
            DOCUMENTS_BY_NUMBER.name(),
            DOCUMENTS,
            named(tx, DOCUMENTS_BY_NUMBER, |_, v| v.value())?,
        ),
        (
            OPEN_RENEWALS.name(),
            DOCUMENTS,
            named(tx, OPEN_RENEWALS, |_, v| v.value())?,
        ),
        (
            PAYMENTS_BY_ACCOUNT.name(),
            PAYMENTS,
            named(tx, PAYMENTS_BY_ACCOUNT, |k, _| k.value().1)?,
        ),
        (
            PAYMENTS_BY_REFERENCE.name(),
            PAYMENTS,
            named(tx, PAYMENTS_BY_REFERENCE, |_, v| v.value())?,
        ),
        (
            OUTBOX_DUE.name(),
            OUTBOX,
            named(tx, OUTBOX_DUE, |k, _| k.value().1)?,
        ),
        (
            OUTBOX_DEAD.name(),
            OUTBOX,
            named(tx, OUTBOX_DEAD, |k, _| k.value())?,
        ),
        (
            TASKS_DUE.name(),
            TASKS,
            named(tx, TASKS_DUE, |k, _| k.value().1)?,
        ),
    ];
    let mut found = Vec::new();
    for (index, rows, ids) in checks {
        if let Some(problem) = missing(tx, index, rows, ids)? {
            found.push(problem);
        }
    }
    Ok(found)
}
