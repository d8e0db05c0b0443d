//! `panel admin payments`: the online payments (Zapłać online) and their reconciliation.

use crate::domain::online_payment::OnlineState;
use crate::domain::time::format_timestamp;
use crate::store::Store;
use clap::{Args, Subcommand};
use serde::{Deserialize, Serialize};

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum PaymentsAction {
    /// The online payments, newest first: state, amount, document, session, time, note.
    List,
    /// Record a transfer against a proforma (by number, or matched by its --title): marks it
    /// paid, issues the VAT invoice and extends the services, once.
    Record(RecordPayment),
    /// Ask the gateway (by sessionId) about every payment not applied, and apply the paid ones.
    /// Needs the running panel with its --p24-* settings.
    Reconcile,
    /// Send a credit note's amount (issued with --transfer) back through the gateway, when the
    /// invoice it corrects was paid online; then it is recorded as refunded.
    Refund {
        #[arg(long)]
        credit_note: String,
    },
}

/// `payments record`: as `record-payment`.
#[derive(Args, Debug, Clone, Serialize, Deserialize)]
pub struct RecordPayment {
    /// The proforma's number, e.g. PF/2026/11/0002.
    #[arg(long, required_unless_present = "title", conflicts_with = "title")]
    pub proforma: Option<String>,
    /// The bank transfer's title, as the bank shows it (needs --amount): the account's KL-…
    /// title names the account, and the proforma named in it (or the only unpaid one of
    /// exactly --amount) is paid; otherwise it goes to the balance.
    #[arg(long, requires = "amount")]
    #[serde(default)]
    pub title: Option<String>,
    /// Amount received, e.g. 123,45; the proforma's total when omitted.
    #[arg(long)]
    pub amount: Option<String>,
    /// The bank's reference of the transfer; the same reference is recorded once.
    #[arg(long)]
    pub reference: Option<String>,
    /// Confirms a second transfer of the same amount for the same proforma on the same day
    /// without a reference.
    #[arg(long)]
    #[serde(default)]
    pub duplicate: bool,
}

/// One line per online payment, newest first: state, amount, document, session, time, note.
pub fn list(store: &Store) -> Result<String, String> {
    let payments = store.online_payments().map_err(|e| e.to_string())?;
    if payments.is_empty() {
        return Ok("No online payments.".into());
    }
    let lines: Vec<String> = payments
        .iter()
        .map(|p| {
            let note = match &p.state {
                OnlineState::Applied { note } => note.clone(),
                OnlineState::Failed { reason } => reason.clone(),
                _ => match (&p.last_error, p.attempts) {
                    (Some(error), n) if n > 0 => format!("verify failed {n}x: {error}"),
                    _ => String::new(),
                },
            };
            format!(
                "{}\t{}\t{}\t{}\t{}\t{}",
                p.state.name(),
                p.amount,
                p.document_number,
                p.session_id,
                format_timestamp(p.registered_at),
                note
            )
        })
        .collect();
    Ok(lines.join("\n"))
}

/// `payments list`: the online payments as an aligned table (or JSON).
pub fn table(store: &Store) -> Result<super::Reply, String> {
    use super::output::{Table, c};
    let payments = store.online_payments().map_err(|e| e.to_string())?;
    let columns = ["state", "amount", "document", "session", "time", "note"];
    let mut table = Table::new(&columns, "No online payments.");
    for p in &payments {
        let note = match &p.state {
            OnlineState::Applied { note } => note.clone(),
            OnlineState::Failed { reason } => reason.clone(),
            _ => match (&p.last_error, p.attempts) {
                (Some(error), n) if n > 0 => format!("verify failed {n}x: {error}"),
                _ => String::new(),
            },
        };
        table.push(vec![
            c(p.state.name()),
            c(p.amount),
            c(&p.document_number),
            c(&p.session_id),
            c(format_timestamp(p.registered_at)),
            c((!note.is_empty()).then_some(note)),
        ]);
    }
    Ok(table.reply())
}
