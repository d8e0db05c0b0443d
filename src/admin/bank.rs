//! `panel admin bank import FILE`: an mBank CSV or MT940 statement; exact matches are paid, the
//! rest listed with the command that settles each once the operator has decided.

use crate::domain::Money;
use crate::domain::statement::{self, Transfer};
use crate::mail;
use crate::store::{LineMatch, PaymentOutcome, Store};
use clap::Subcommand;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum BankAction {
    /// Read a statement (mBank CSV or MT940): each incoming transfer whose KL-… title and amount
    /// match one open proforma pays it; the rest are listed for a decision. Importing the same
    /// file again changes nothing (the bank reference, or a hash of the line, is recorded).
    Import { file: PathBuf },
}

/// Paths are the operator's: made absolute before the task goes to the panel.
pub fn resolve_path(action: &mut BankAction) -> Result<(), String> {
    let BankAction::Import { file } = action;
    *file = std::path::absolute(&*file).map_err(|e| e.to_string())?;
    Ok(())
}

pub fn execute(
    store: &Store,
    action: BankAction,
    now: jiff::Timestamp,
    base_url: &str,
) -> Result<String, String> {
    let BankAction::Import { file } = action;
    let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let statement = statement::parse(&bytes)?;
    let (mut paid, mut already, mut decide) = (0, 0, 0);
    let mut lines = Vec::new();
    for transfer in &statement.incoming {
        let (word, said) = import_one(store, transfer, now, base_url)?;
        match word {
            "PAID" => paid += 1,
            "ALREADY" => already += 1,
            _ => decide += 1,
        }
        lines.push(format!(
            "{word:<8} {}  {:>14}  {}\n         {said}",
            transfer.date,
            transfer.amount.to_string(),
            shown(&transfer.title)
        ));
    }
    lines.insert(
        0,
        format!(
            "{}: {} incoming transfers ({} outgoing skipped): {paid} paid, {already} recorded \
             before, {decide} to decide",
            file.display(),
            statement.incoming.len(),
            statement.outgoing
        ),
    );
    Ok(lines.join("\n"))
}

fn shown(title: &str) -> String {
    let short: String = title.chars().take(70).collect();
    format!("{short:?}")
}

/// An amount as `--amount` takes it: `1234,56`.
fn plain(amount: Money) -> String {
    format!("{},{:02}", amount.0 / 100, amount.0 % 100)
}

/// The command that records the transfer once decided (to the proforma or the balance).
fn command(transfer: &Transfer) -> String {
    let quoted = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    format!(
        "decide, then: panel admin record-payment --title {} --amount {} --reference {}",
        quoted(&transfer.title),
        plain(transfer.amount),
        quoted(&transfer.reference)
    )
}

fn import_one(
    store: &Store,
    transfer: &Transfer,
    now: jiff::Timestamp,
    base_url: &str,
) -> Result<(&'static str, String), String> {
    let matched = store
        .match_transfer(&transfer.title, transfer.amount, &transfer.reference)
        .map_err(|e| e.to_string())?;
    let number = match to_pay(matched) {
        Ok(number) => number,
        Err(("DECIDE", why)) => return Ok(("DECIDE", format!("{why}; {}", command(transfer)))),
        Err((word, said)) => {
            return Ok((word, format!("reference {} {said}", transfer.reference)));
        }
    };
    let receipt = |account: &crate::domain::Account, invoice: crate::store::Receipt<'_>| {
        mail::receipt_message(base_url, account, invoice)
    };
    let outcome = store
        .record_payment(
            &number,
            Some(transfer.amount),
            Some(&transfer.reference),
            now,
            &receipt,
        )
        .map_err(|e| e.to_string())?;
    Ok(match outcome {
        PaymentOutcome::Paid { invoice, .. } => {
            ("PAID", format!("{number}: issued {}", invoice.number))
        }
        PaymentOutcome::AlreadyPaid { .. } | PaymentOutcome::AlreadyRecorded { .. } => {
            ("ALREADY", format!("{number} was paid before"))
        }
        PaymentOutcome::Credited { balance, .. } => (
            "DECIDE",
            format!("{number} is not covered; the amount is on the balance, now {balance}"),
        ),
        PaymentOutcome::ReferenceUsedElsewhere { other } => (
            "DECIDE",
            format!(
                "the reference is recorded for {other}; {}",
                command(transfer)
            ),
        ),
        PaymentOutcome::LooksRepeated { .. } => (
            "DECIDE",
            format!("{number}: the same amount was recorded today"),
        ),
    })
}

/// The proforma to pay, or what the operator is told instead (`DECIDE` or `ALREADY`).
fn to_pay(matched: LineMatch) -> Result<String, (&'static str, String)> {
    let why = match matched {
        LineMatch::Exact { number, .. } => return Ok(number),
        LineMatch::Recorded { what } => return Err(("ALREADY", format!("recorded {what}"))),
        LineMatch::NoTitle => "unknown title: no KL-… transfer title in it".into(),
        LineMatch::UnknownAccount { account_id } => {
            format!("the title names account {account_id}, which does not exist")
        }
        LineMatch::Partial { number, total, .. } => format!("partial: {number} is {total}"),
        LineMatch::Overpaid { number, total, .. } => format!("overpaid: {number} is {total}"),
        LineMatch::NoProforma { account_id, open } => {
            format!("account {account_id} has {open} open proformas, none of this amount")
        }
    };
    Err(("DECIDE", why))
}
