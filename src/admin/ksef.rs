//! `panel admin ksef …`: KSeF statuses recorded by the operator (until a submission client sends
//! the e-invoices itself) and the export of a period's e-invoices for the accounting office.

use super::store_error;
use crate::domain::time::format_timestamp;
use crate::ksef::{KsefStatus, is_ksef_number};
use crate::store::{MarkOutcome, Store};
use clap::Subcommand;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum KsefAction {
    /// Record that an invoice or credit note (by number) was sent to KSeF; with --ksef-number,
    /// that KSeF accepted it under that number (it is then printed under its QR code).
    MarkSent {
        number: String,
        /// The KSeF number KSeF gave, e.g. 5265877635-20250826-0100001AF629-AF.
        #[arg(long)]
        #[serde(default)]
        ksef_number: Option<String>,
    },
    /// Record that KSeF rejected an invoice or credit note, and why.
    MarkRejected {
        number: String,
        #[arg(long)]
        reason: String,
    },
    /// List every invoice and credit note with its KSeF status, oldest first.
    Status,
    /// Write the FA(3) XML of every invoice and credit note issued from --from to --to (both
    /// included) into DIR, one file per document named by its number (`/` as `-`).
    Export {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        dir: PathBuf,
    },
}

/// Paths are the operator's: made absolute before the task goes to the panel.
pub fn resolve_path(action: &mut KsefAction) -> Result<(), String> {
    if let KsefAction::Export { dir, .. } = action {
        *dir = std::path::absolute(&*dir).map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub fn execute(store: &Store, action: KsefAction, now: Timestamp) -> Result<String, String> {
    match action {
        KsefAction::MarkSent {
            number,
            ksef_number: None,
        } => mark(store, &number, KsefStatus::Sent { at: now }),
        KsefAction::MarkSent {
            number,
            ksef_number: Some(ksef_number),
        } => accept(store, &number, ksef_number.trim(), now),
        KsefAction::MarkRejected { number, reason } => {
            let reason = reason.trim().to_string();
            if reason.is_empty() || reason.chars().count() > 500 {
                return Err(
                    "give KSeF's reason with --reason (1 to 500 characters); nothing changed"
                        .into(),
                );
            }
            mark(store, &number, KsefStatus::Rejected { reason, at: now })
        }
        KsefAction::Status => status(store),
        KsefAction::Export { from, to, dir } => export(store, &from, &to, &dir, now),
    }
}

fn accept(
    store: &Store,
    number: &str,
    ksef_number: &str,
    now: Timestamp,
) -> Result<String, String> {
    if !is_ksef_number(ksef_number) {
        return Err(format!(
            "{ksef_number:?} is not a KSeF number (NIP-YYYYMMDD-XXXXXXXXXXXX-XX, e.g. \
             5265877635-20250826-0100001AF629-AF); nothing changed"
        ));
    }
    // A KSeF number starts with the NIP of the seller it was issued for.
    if let Some(seller) = store.ksef_seller()
        && !ksef_number.starts_with(seller.nip.as_str())
    {
        return Err(format!(
            "{ksef_number} is not a KSeF number of the seller's invoices (it would start \
             with the seller's NIP {}); nothing changed",
            seller.nip
        ));
    }
    mark(
        store,
        number,
        KsefStatus::Accepted {
            ksef_number: ksef_number.to_string(),
            at: now,
        },
    )
}

fn mark(store: &Store, number: &str, status: KsefStatus) -> Result<String, String> {
    let said = status.operator_label();
    match store
        .mark_ksef(number.trim(), status)
        .map_err(store_error)?
    {
        MarkOutcome::Marked(document) => Ok(format!("{}: {said}", document.number)),
        MarkOutcome::NotFound => Err(format!(
            "no document is numbered {number:?}; nothing changed (FV/YYYY/MM/NNNN or FK/…)"
        )),
        MarkOutcome::NotAnInvoice(kind) => Err(format!(
            "{number} is a {}, which does not go to KSeF; nothing changed",
            kind.label()
        )),
    }
}

fn status(store: &Store) -> Result<String, String> {
    let list = store.ksef_documents(None, None).map_err(store_error)?;
    if list.is_empty() {
        return Ok("no VAT invoices or credit notes yet".into());
    }
    let lines: Vec<String> = list
        .iter()
        .map(|(d, status)| {
            format!(
                "{}\t{}\t{}\t{}",
                d.number,
                format_timestamp(d.issued_at),
                d.total_gross(),
                status.operator_label()
            )
        })
        .collect();
    Ok(lines.join("\n"))
}

fn day(raw: &str, flag: &str) -> Result<Date, String> {
    raw.trim()
        .parse()
        .map_err(|_| format!("cannot read {flag} {raw:?}: use YYYY-MM-DD, e.g. 2026-12-01"))
}

fn export(
    store: &Store,
    from: &str,
    to: &str,
    dir: &std::path::Path,
    now: Timestamp,
) -> Result<String, String> {
    let (from, to) = (day(from, "--from")?, day(to, "--to")?);
    if from > to {
        return Err(format!("--from {from} is after --to {to}: nothing written"));
    }
    let list = store
        .ksef_documents(Some(from), Some(to))
        .map_err(store_error)?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let (mut written, mut missing) = (0, Vec::new());
    for (document, _) in &list {
        match store.ksef_xml(document.id, now).map_err(store_error)? {
            Some(xml) => {
                let name = crate::ksef::file_name(&document.number);
                let path = dir.join(name);
                std::fs::write(&path, xml)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                written += 1;
            }
            None => missing.push(document.number.clone()),
        }
    }
    let mut said = format!(
        "wrote {written} e-invoices issued {from} to {to} into {}",
        dir.display()
    );
    if !missing.is_empty() {
        said.push_str(&format!(
            "\nno XML (start the panel and export again; see its log): {}",
            missing.join(", ")
        ));
    }
    Ok(said)
}
