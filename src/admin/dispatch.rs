//! Carries out a task with its answer in both forms (`Reply`): the nouns' verbs here, the flat
//! tasks through `execute` (their message as the answer).

use super::output::Reply;
use super::tree::{ProductsAction, ProformasAction, ServicesAction, as_flat};
use super::{
    AdminTask, OutboxAction, PaymentsAction, TasksAction, audit, catalogue, customers, documents,
    execute, outbox, payments, products, tasks,
};
use crate::store::Store;

/// Whether `execute_reply` answers `task` itself (else `execute` does).
pub fn is_new(task: &AdminTask) -> bool {
    matches!(
        task,
        AdminTask::Customers { .. }
            | AdminTask::Users { .. }
            | AdminTask::Products { .. }
            | AdminTask::Services { .. }
            | AdminTask::Proformas { .. }
            | AdminTask::CreditNotes { .. }
            | AdminTask::Audit { .. }
            | AdminTask::Outbox {
                action: Some(OutboxAction::List { .. }),
                ..
            }
            | AdminTask::Tasks {
                action: Some(TasksAction::List { .. } | TasksAction::Done { .. }),
                ..
            }
            | AdminTask::Payments {
                action: Some(PaymentsAction::List | PaymentsAction::Record(_)),
            }
    )
}

/// Carries out one task against the store: an aligned text and a JSON answer.
pub fn execute_reply(
    store: &Store,
    task: AdminTask,
    now: jiff::Timestamp,
    base_url: &str,
) -> Result<Reply, String> {
    if !is_new(&task) {
        return execute(store, task, now, base_url).map(Reply::message);
    }
    if let Some(flat) = as_flat(&task) {
        return execute(store, flat, now, base_url).map(Reply::message);
    }
    // The flat tasks leave their audit entry in `execute`; the nouns' own verbs here.
    let change = audit::change_of(&task);
    let account = audit::account_email_of(&task).map(str::to_string);
    let result = execute_verb(store, task, now);
    if let (Some(change), Ok(_)) = (change, &result) {
        audit::record_operator(store, change, account.as_deref(), now);
    }
    result
}

fn execute_verb(store: &Store, task: AdminTask, now: jiff::Timestamp) -> Result<Reply, String> {
    match task {
        AdminTask::Customers { action } => customers::execute(store, action, now),
        AdminTask::Users { action } => customers::users(store, action, now),
        AdminTask::Products {
            action: ProductsAction::Price { id, price },
        } => products::price(store, id, &price),
        AdminTask::Products { .. } => products::list(store),
        AdminTask::Services {
            action:
                ServicesAction::Add {
                    customer,
                    plan,
                    name,
                    expires,
                },
        } => {
            let account = customers::resolve(store, &customer)?;
            catalogue::add_service_to(store, account.id, plan, name, &expires, now)
                .map(Reply::message)
        }
        AdminTask::Proformas {
            action: ProformasAction::Unpaid,
        } => documents::unpaid(store, now),
        AdminTask::CreditNotes { .. } => documents::credit_notes(store),
        AdminTask::Outbox {
            action: Some(OutboxAction::List { pending, dead }),
            ..
        } => outbox::table(store, pending, dead),
        AdminTask::Tasks {
            action: Some(TasksAction::Done { id, note }),
            ..
        } => tasks::done(store, id, &note, now),
        AdminTask::Tasks {
            action: Some(TasksAction::List { failed }),
            ..
        } => tasks::table(store, failed),
        AdminTask::Payments { .. } => payments::table(store),
        AdminTask::Audit {
            account,
            since,
            limit,
        } => audit::list(store, account.as_deref(), since.as_deref(), limit),
        other => Err(format!("cannot carry out {other:?}")),
    }
}
