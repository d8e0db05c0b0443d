//! `panel admin customers …` and `users …`: finding an account, what it holds, and turning an
//! account or a person off and on.

use super::output::{Reply, Table, c, fields};
use super::tree::{CustomersAction, NewUser, UsersAction};
use super::{email, store_error};
use crate::domain::time::{days_between, format_date, format_timestamp, today};
use crate::domain::{Account, DocumentKind, Money, Role};
use crate::store::Store;
use jiff::Timestamp;
use serde_json::json;
use std::collections::HashMap;

pub fn execute(store: &Store, action: CustomersAction, now: Timestamp) -> Result<Reply, String> {
    match action {
        CustomersAction::List { search } => list(store, search.as_deref()),
        CustomersAction::Show { customer } => show(store, &customer, now),
        CustomersAction::AddUser(new) => add_user(store, new, now),
        CustomersAction::Disable { customer } => set_disabled(store, &customer, true),
        CustomersAction::Enable { customer } => set_disabled(store, &customer, false),
        CustomersAction::Create(_) => Err("carried out as create-account".into()),
    }
}

pub fn users(store: &Store, action: UsersAction, now: jiff::Timestamp) -> Result<Reply, String> {
    let (raw, active) = match &action {
        UsersAction::Disable { email } => (email, false),
        UsersAction::Enable { email } => (email, true),
    };
    let user = store
        .set_user_active(&email(raw)?, active, now)
        .map_err(store_error)?;
    let text = if active {
        format!("enabled {}; they may log in again", user.email)
    } else {
        format!(
            "disabled {}; their sessions end at the next request",
            user.email
        )
    };
    Ok(Reply::action(
        text,
        json!({"email": user.email.as_str(), "active": active}),
    ))
}

/// The account named by its id or by the e-mail of any of its users.
pub fn resolve(store: &Store, customer: &str) -> Result<Account, String> {
    let customer = customer.trim();
    let id = match customer.parse::<u64>() {
        Ok(id) => id,
        Err(_) => super::account_of(store, customer)?,
    };
    store
        .account(id)
        .map_err(store_error)?
        .ok_or_else(|| format!("no account {customer}"))
}

fn state(account: &Account) -> &'static str {
    if account.disabled {
        "disabled"
    } else {
        "active"
    }
}

fn list(store: &Store, search: Option<&str>) -> Result<Reply, String> {
    let mut unpaid: HashMap<u64, Money> = HashMap::new();
    for proforma in store.unpaid_proformas().map_err(store_error)? {
        *unpaid.entry(proforma.account_id).or_default() += proforma.total_gross();
    }
    let needle = search.map(|s| s.trim().to_lowercase());
    let columns = [
        "id", "name", "nip", "owner", "users", "services", "unpaid", "state",
    ];
    let mut table = Table::new(&columns, "no accounts");
    for account in store.accounts().map_err(store_error)? {
        let users = store.users_of_account(account.id).map_err(store_error)?;
        let owner = users
            .iter()
            .find(|u| u.active && u.role == Role::Owner)
            .map(|u| u.email.to_string())
            .unwrap_or_else(|| account.contact_email.to_string());
        if let Some(needle) = &needle {
            let haystack = [&account.name, account.nip.as_deref().unwrap_or(""), &owner]
                .into_iter()
                .map(str::to_string)
                .chain(users.iter().map(|u| u.email.to_string()))
                .collect::<Vec<_>>()
                .join("\n")
                .to_lowercase();
            if !haystack.contains(needle.as_str()) {
                continue;
            }
        }
        let services = store.services_of_account(account.id).map_err(store_error)?;
        table.push(vec![
            c(account.id),
            c(&account.name),
            c(account.nip.clone()),
            c(owner),
            c(users.len()),
            c(services.len()),
            c(unpaid.get(&account.id).copied().unwrap_or_default()),
            c(state(&account)),
        ]);
    }
    Ok(table.reply())
}

fn show(store: &Store, customer: &str, now: Timestamp) -> Result<Reply, String> {
    let account = resolve(store, customer)?;
    let balance = store.balance_of(account.id).map_err(store_error)?;
    let a = &account.address;
    let address = [a.street.as_str(), &format!("{} {}", a.postal_code, a.city)]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let (users, services) = (
        users_of(store, &account)?,
        services_of(store, &account, now)?,
    );
    let proformas = open_proformas(store, &account, now)?;
    let head = fields(&[
        ("account", format!("{} {}", account.id, account.name)),
        ("NIP", account.nip.clone().unwrap_or_else(|| "-".into())),
        ("address", address.clone()),
        ("e-mail", account.contact_email.to_string()),
        ("phone", account.phone.clone()),
        ("created", format_timestamp(account.created_at)),
        ("state", state(&account).into()),
        ("balance", balance.to_string()),
    ]);
    let section = |title: &str, table: &Reply| match table.text.as_str() {
        "" => format!("\n{title}: none"),
        text => format!("\n{title}:\n{text}"),
    };
    let text = [
        head,
        section("Users", &users),
        section("Services", &services),
        section("Open proformas", &proformas),
    ]
    .join("\n");
    let json = json!({
        "id": account.id,
        "name": account.name,
        "nip": account.nip,
        "address": address,
        "contact_email": account.contact_email.as_str(),
        "phone": account.phone,
        "created_at": format_timestamp(account.created_at),
        "state": state(&account),
        "balance": super::output::decimal(balance),
        "users": users.json,
        "services": services.json,
        "open_proformas": proformas.json,
    });
    Ok(Reply { text, json })
}

fn users_of(store: &Store, account: &Account) -> Result<Reply, String> {
    let mut users = Table::new(&["id", "email", "name", "role", "active", "last_login"], "");
    for u in store.users_of_account(account.id).map_err(store_error)? {
        users.push(vec![
            c(u.id),
            c(u.email.to_string()),
            c((!u.name.is_empty()).then_some(u.name.clone())),
            c(u.role.label()),
            c(u.active),
            c(u.last_login.map(format_timestamp)),
        ]);
    }
    Ok(users.reply())
}

fn services_of(store: &Store, account: &Account, now: Timestamp) -> Result<Reply, String> {
    let day = today(now);
    let mut services = Table::new(&["id", "kind", "name", "plan", "expires", "status"], "");
    for s in store.services_of_account(account.id).map_err(store_error)? {
        services.push(vec![
            c(s.id),
            c(s.kind.cli_name()),
            c(&s.name),
            c(s.plan_id),
            c(format_date(s.expires_on)),
            c(s.status(day).label()),
        ]);
    }
    Ok(services.reply())
}

fn open_proformas(store: &Store, account: &Account, now: Timestamp) -> Result<Reply, String> {
    let day = today(now);
    let mut proformas = Table::new(&["number", "total", "due", "days_overdue"], "");
    for d in store
        .documents_of_account(account.id)
        .map_err(store_error)?
    {
        if d.kind == DocumentKind::Proforma && d.is_unpaid() {
            let overdue = d
                .due_on
                .map(|due| days_between(due, day))
                .filter(|n| *n > 0);
            proformas.push(vec![
                c(&d.number),
                c(d.total_gross()),
                c(d.due_on.map(format_date)),
                c(overdue.map(|n| n as u64)),
            ]);
        }
    }
    Ok(proformas.reply())
}

fn add_user(store: &Store, new: NewUser, now: Timestamp) -> Result<Reply, String> {
    let role = Role::parse(&new.role)
        .ok_or("unknown role: use owner, administrator, accounting or technical")?;
    let account = resolve(store, &new.customer)?;
    let user = store
        .add_user(account.id, &email(&new.email)?, &new.name, role, now)
        .map_err(store_error)?;
    Ok(Reply::action(
        format!(
            "added {} ({}) to account {}",
            user.email,
            role.label(),
            account.id
        ),
        json!({"account_id": account.id, "user_id": user.id, "email": user.email.as_str()}),
    ))
}

fn set_disabled(store: &Store, customer: &str, disabled: bool) -> Result<Reply, String> {
    let account = resolve(store, customer)?;
    let account = store
        .set_account_disabled(account.id, disabled)
        .map_err(store_error)?
        .ok_or_else(|| format!("no account {customer}"))?;
    let text = if disabled {
        format!(
            "disabled account {} ({}): nobody can use it; its sessions end at the next request",
            account.id, account.name
        )
    } else {
        format!(
            "enabled account {} ({}): its users may log in again",
            account.id, account.name
        )
    };
    Ok(Reply::action(
        text,
        json!({"id": account.id, "state": state(&account)}),
    ))
}
