//! `panel admin proformas unpaid` and `credit-notes list` as tables.

use super::output::{Reply, Table, c};
use super::store_error;
use crate::domain::DocumentKind;
use crate::domain::time::{days_between, format_date, format_timestamp, today};
use crate::store::Store;
use std::collections::HashMap;

/// The accounts' names by id.
fn names(store: &Store) -> Result<HashMap<u64, String>, String> {
    Ok(store
        .accounts()
        .map_err(store_error)?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

pub fn unpaid(store: &Store, now: jiff::Timestamp) -> Result<Reply, String> {
    let names = names(store)?;
    let day = today(now);
    let columns = [
        "number",
        "account",
        "customer",
        "total",
        "due",
        "days_overdue",
    ];
    let mut table = Table::new(&columns, "no unpaid proformas");
    for d in store.unpaid_proformas().map_err(store_error)? {
        let overdue = d
            .due_on
            .map(|due| days_between(due, day))
            .filter(|n| *n > 0);
        table.push(vec![
            c(&d.number),
            c(d.account_id),
            c(names.get(&d.account_id)),
            c(d.total_gross()),
            c(d.due_on.map(format_date)),
            c(overdue.map(|n| n as u64)),
        ]);
    }
    Ok(table.reply())
}

pub fn credit_notes(store: &Store) -> Result<Reply, String> {
    let columns = [
        "number", "account", "customer", "corrects", "amount", "issued", "refund", "reason",
    ];
    let mut table = Table::new(&columns, "no credit notes");
    for account in store.accounts().map_err(store_error)? {
        let documents = store
            .documents_of_account(account.id)
            .map_err(store_error)?;
        let number_of = |id: Option<u64>| {
            documents
                .iter()
                .find(|d| Some(d.id) == id)
                .map(|d| d.number.clone())
        };
        for d in documents
            .iter()
            .filter(|d| d.kind == DocumentKind::CreditNote)
        {
            let refund = match (&d.refunded, d.refund_due) {
                (Some(r), _) => format!("sent {}", format_timestamp(r.at)),
                (None, true) => "to send by transfer".into(),
                (None, false) => "to the balance".into(),
            };
            table.push(vec![
                c(&d.number),
                c(account.id),
                c(&account.name),
                c(number_of(d.corrects)),
                c(d.total_gross()),
                c(format_timestamp(d.issued_at)),
                c(refund),
                c(d.reason.clone()),
            ]);
        }
    }
    Ok(table.reply())
}
