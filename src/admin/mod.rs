//! Operator tasks (`panel admin …`). While the panel runs it holds the database, so the command
//! sends the task over a Unix socket in the data directory (mode 0600: only the panel's own user);
//! when the panel is stopped, the command opens the database itself.

use crate::clock::Clock;
use crate::domain::account::Address;
use crate::domain::time::format_date;
use crate::domain::{Email, Money, Role};
use crate::mail;
use crate::store::{NewAccount, PaymentOutcome, Store};
use clap::Subcommand;
use serde::{Deserialize, Serialize};
use std::path::Path;

mod socket;

pub use socket::{bind_socket, serve_socket, socket_path};

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum AdminTask {
    /// Create a customer account with its owner.
    CreateAccount {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        nip: Option<String>,
        #[arg(long, default_value = "")]
        street: String,
        #[arg(long, default_value = "")]
        postal_code: String,
        #[arg(long, default_value = "")]
        city: String,
    },
    /// Add a user to the account of an existing user.
    AddUser {
        #[arg(long)]
        account_of: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        name: String,
        /// owner, administrator, accounting or technical
        #[arg(long)]
        role: String,
    },
    /// Disable a user: their sessions stop at the next request.
    DisableUser {
        #[arg(long)]
        email: String,
    },
    /// Record a payment against a proforma (by number): marks it paid, issues the VAT invoice and
    /// extends the services, once.
    RecordPayment {
        #[arg(long)]
        proforma: String,
        /// Amount received, e.g. 123,45; the proforma's total when omitted.
        #[arg(long)]
        amount: Option<String>,
        /// The bank's reference of the transfer; the same reference is recorded once.
        #[arg(long)]
        reference: Option<String>,
    },
    /// List unpaid proformas.
    Unpaid,
}

/// Carries out one task against the store.
pub fn execute(
    store: &Store,
    task: AdminTask,
    now: jiff::Timestamp,
    base_url: &str,
) -> Result<String, String> {
    let err = |e: crate::store::StoreError| e.to_string();
    match task {
        AdminTask::CreateAccount {
            email,
            name,
            nip,
            street,
            postal_code,
            city,
        } => {
            let email = Email::parse(&email).map_err(str::to_string)?;
            let (account, owner) = store
                .create_account(
                    NewAccount {
                        name: name.clone(),
                        nip,
                        address: Address {
                            street,
                            postal_code,
                            city,
                        },
                        owner_email: email,
                        owner_name: name,
                        phone: String::new(),
                    },
                    now,
                )
                .map_err(err)?;
            Ok(format!(
                "created account {} ({}) with owner {}",
                account.id, account.name, owner.email
            ))
        }
        AdminTask::AddUser {
            account_of,
            email,
            name,
            role,
        } => {
            let role = Role::parse(&role)
                .ok_or("unknown role: use owner, administrator, accounting or technical")?;
            let existing = Email::parse(&account_of).map_err(str::to_string)?;
            let owner = store
                .user_by_email(&existing)
                .map_err(err)?
                .ok_or("no user with that e-mail")?;
            let email = Email::parse(&email).map_err(str::to_string)?;
            let user = store
                .add_user(owner.account_id, &email, &name, role, now)
                .map_err(err)?;
            Ok(format!(
                "added {} ({}) to account {}",
                user.email,
                role.label(),
                user.account_id
            ))
        }
        AdminTask::DisableUser { email } => {
            let email = Email::parse(&email).map_err(str::to_string)?;
            let user = store.set_user_active(&email, false).map_err(err)?;
            Ok(format!(
                "disabled {}; their sessions end at the next request",
                user.email
            ))
        }
        AdminTask::RecordPayment {
            proforma,
            amount,
            reference,
        } => {
            let amount = match amount {
                Some(raw) => {
                    Some(Money::parse(&raw).ok_or(format!("cannot read the amount {raw:?}"))?)
                }
                None => None,
            };
            let outcome = store
                .record_payment(
                    &proforma,
                    amount,
                    reference.as_deref(),
                    now,
                    &|account, invoice| mail::payment_received_message(base_url, account, invoice),
                )
                .map_err(err)?;
            Ok(match outcome {
                PaymentOutcome::Paid { proforma, invoice } => {
                    format!(
                        "{} paid: issued {} for {}",
                        proforma.number,
                        invoice.number,
                        invoice.total_gross()
                    )
                }
                PaymentOutcome::AlreadyPaid { proforma } => {
                    format!("{} was already paid; nothing changed", proforma.number)
                }
                PaymentOutcome::Credited { proforma, balance } => format!(
                    "{} is not covered; the amount went to the prepaid balance, now {balance}",
                    proforma.number
                ),
            })
        }
        AdminTask::Unpaid => {
            let list = store.unpaid_proformas().map_err(err)?;
            Ok(list
                .iter()
                .map(|d| {
                    format!(
                        "{}\taccount {}\t{}\tdue {}",
                        d.number,
                        d.account_id,
                        d.total_gross(),
                        d.due_on.map(format_date).unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
    }
}

/// `panel admin …`: through the running panel if there is one, else directly on the database.
pub async fn run(data_dir: &Path, task: AdminTask, base_url: &str) -> Result<String, String> {
    if let Some(answer) = socket::ask(data_dir, &task).await {
        return answer;
    }
    let store = Store::open(data_dir).map_err(|e| e.to_string())?;
    execute(&store, task, Clock::default().now(), base_url)
}
