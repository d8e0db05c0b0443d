//! `panel admin audit` (the audit log, newest first), `panel admin login-as` (a one-time link to
//! a read-only view of a customer's panel) and the entry every changing operator task leaves.

use super::output::Reply;
use super::tree::{
    CreditNotesAction, CustomersAction, ProductsAction, ServicesAction, UsersAction,
};
use super::{AdminTask, KsefAction, OutboxAction, TasksAction, email, store_error};
use crate::domain::audit::{Actor, AuditEntry, AuditKind, OPERATOR_ORIGIN};
use crate::store::{AuditFilter, NewAudit, Store};
use jiff::Timestamp;

/// The default and the largest number of entries one listing shows.
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 10_000;
/// Longest description of an operator task kept in its entry.
const MAX_DETAIL: usize = 300;

/// `audit [--account ID|EMAIL] [--since YYYY-MM-DD] [--limit N] [--json]`.
pub fn list(
    store: &Store,
    account: Option<&str>,
    since: Option<&str>,
    limit: Option<usize>,
) -> Result<Reply, String> {
    let account_id = match account {
        None => None,
        Some(raw) => Some(match raw.parse::<u64>() {
            Ok(id) => id,
            Err(_) => super::account_of(store, raw)?,
        }),
    };
    let since = match since {
        None => None,
        Some(raw) => Some(
            raw.parse::<jiff::civil::Date>()
                .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC))
                .map(|z| z.timestamp())
                .map_err(|_| format!("--since {raw:?}: use a date, YYYY-MM-DD (UTC)"))?,
        ),
    };
    let filter = AuditFilter {
        account_id,
        since,
        skip: 0,
        limit: limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
    };
    let entries = store.audit_entries(&filter).map_err(store_error)?;
    let json = serde_json::to_value(&entries).map_err(|e| e.to_string())?;
    let text = if entries.is_empty() {
        "no entries".to_string()
    } else {
        let mut lines = vec!["time (UTC)\taccount\twho\twhat\tfrom\tdetail".to_string()];
        lines.extend(entries.iter().map(line));
        lines.join("\n")
    };
    Ok(Reply { text, json })
}

fn line(entry: &AuditEntry) -> String {
    let fields = [
        entry.at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        entry
            .account_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        entry.actor.label(),
        entry.kind.code().to_string(),
        entry.origin.clone(),
        entry.detail.clone(),
    ];
    let fields: Vec<String> = fields
        .iter()
        .map(|f| f.replace(['\t', '\n', '\r'], " "))
        .collect();
    fields.join("\t")
}

/// `login-as EMAIL`: prints the one-time link (10 minutes) to the panel's base URL.
pub fn login_as(
    store: &Store,
    raw: &str,
    now: Timestamp,
    base_url: &str,
) -> Result<String, String> {
    let address = email(raw)?;
    let created = store.create_login_as(&address, now).map_err(store_error)?;
    let Some((token, user)) = created else {
        return Err(format!("no active user with e-mail {raw}"));
    };
    Ok(format!(
        "read-only view of account {} as {} (valid 10 minutes, once; recorded in the audit log):\n{}/podglad/{token}",
        user.account_id,
        user.email,
        base_url.trim_end_matches('/')
    ))
}

/// What a task changes, for its audit entry; `None` for tasks that only read (or that write
/// their own entries, like `login-as`).
pub fn change_of(task: &AdminTask) -> Option<String> {
    use AdminTask::*;
    let read_only = matches!(
        task,
        Unpaid
            | Plans
            | Backup { .. }
            | Restore { .. }
            | Check
            | Payments { .. }
            | Audit { .. }
            | LoginAs { .. }
            | Outbox {
                action: None | Some(OutboxAction::List { .. }),
                ..
            }
            | Tasks {
                action: None | Some(TasksAction::List { .. }),
                ..
            }
            | Customers {
                action: CustomersAction::List { .. } | CustomersAction::Show { .. }
            }
            | Products {
                action: ProductsAction::List
            }
            | Proformas { .. }
            | CreditNotes {
                action: CreditNotesAction::List
            }
            | Ksef {
                action: KsefAction::Status | KsefAction::Export { .. }
            }
    );
    if read_only {
        return None;
    }
    // The certificate chain is public but long; the rest of a task is a few short arguments.
    let summary = match task {
        Ssl { .. } => "ssl install".to_string(),
        other => serde_json::to_value(other)
            .map(|value| command_line(&value))
            .unwrap_or_default(),
    };
    Some(summary.chars().take(MAX_DETAIL).collect())
}

/// A task as the operator would type it, arguments in alphabetical order:
/// `record-payment --amount 12,30 --proforma PF/2026/11/0001`.
fn command_line(value: &serde_json::Value) -> String {
    use serde_json::Value;
    let kebab = |name: &str| {
        let mut out = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        out.replace('_', "-")
    };
    match value {
        Value::String(name) => kebab(name),
        Value::Object(task) => {
            let mut words = Vec::new();
            for (name, args) in task {
                words.push(kebab(name));
                let Value::Object(args) = args else { continue };
                for (arg, value) in args {
                    match value {
                        Value::Null | Value::Bool(false) => {}
                        Value::Bool(true) => words.push(format!("--{}", kebab(arg))),
                        Value::String(text) => words.push(format!("--{} {text}", kebab(arg))),
                        Value::Object(_) => words.push(command_line(value)),
                        other => words.push(format!("--{} {other}", kebab(arg))),
                    }
                }
            }
            words.join(" ")
        }
        other => other.to_string(),
    }
}

/// The e-mail a task names the account by, if any.
pub fn account_email_of(task: &AdminTask) -> Option<&str> {
    match task {
        AdminTask::CreateAccount { email, .. } | AdminTask::DisableUser { email } => Some(email),
        AdminTask::AddUser { account_of, .. } | AdminTask::AddService { account_of, .. } => {
            Some(account_of)
        }
        AdminTask::Customers {
            action: CustomersAction::Disable { customer } | CustomersAction::Enable { customer },
        }
        | AdminTask::Services {
            action: ServicesAction::Add { customer, .. },
        } => Some(customer),
        AdminTask::Users {
            action: UsersAction::Disable { email } | UsersAction::Enable { email },
        } => Some(email),
        _ => None,
    }
}

/// The entry of a changing operator task that succeeded.
pub fn record_operator(store: &Store, detail: String, account: Option<&str>, now: Timestamp) {
    // An account is named by its id or by the e-mail of one of its users.
    let account_id = account.and_then(|raw| {
        raw.parse::<u64>()
            .ok()
            .or_else(|| super::account_of(store, raw).ok())
    });
    let entry = NewAudit {
        actor: Actor::Operator,
        kind: AuditKind::OperatorAction,
        detail,
        origin: OPERATOR_ORIGIN,
        account_id,
    };
    if let Err(e) = store.record_audit(entry, now) {
        tracing::error!(error = %e, "the operator's task is done but its audit entry was not written");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operator_task_is_described_as_its_command_line() {
        let task = AdminTask::RecordPayment {
            proforma: Some("PF/2026/11/0001".into()),
            title: None,
            amount: Some("12,30".into()),
            reference: None,
            duplicate: false,
        };
        assert_eq!(
            change_of(&task).as_deref(),
            Some("record-payment --amount 12,30 --proforma PF/2026/11/0001")
        );
        assert_eq!(
            change_of(&AdminTask::Unpaid),
            None,
            "a listing changes nothing"
        );
    }
}
