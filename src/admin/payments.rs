//! `panel admin payments`: the online payments (Zapłać online) and their reconciliation.

use crate::domain::online_payment::OnlineState;
use crate::domain::time::format_timestamp;
use crate::store::Store;
use clap::Subcommand;
use serde::{Deserialize, Serialize};

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum PaymentsAction {
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
