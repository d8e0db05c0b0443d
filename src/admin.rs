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
use std::path::{Path, PathBuf};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

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

#[derive(Serialize, Deserialize)]
struct Answer {
    ok: bool,
    message: String,
}

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join("admin.sock")
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

/// Opens the admin socket (before the panel accepts requests, so `panel admin` finds it at once).
pub fn bind_socket(path: &Path) -> std::io::Result<UnixListener> {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::remove_file(path);
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// Serves admin tasks on the socket while the panel runs.
pub async fn serve_socket(
    listener: UnixListener,
    store: Store,
    clock: Clock,
    base_url: String,
    mail_wake: std::sync::Arc<tokio::sync::Notify>,
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let (store, clock, base_url, wake) = (
            store.clone(),
            clock.clone(),
            base_url.clone(),
            mail_wake.clone(),
        );
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut line = String::new();
            if BufReader::new(read).read_line(&mut line).await.is_err() {
                return;
            }
            let answer = match serde_json::from_str::<AdminTask>(&line) {
                Ok(task) => {
                    let now = clock.now();
                    let result =
                        tokio::task::spawn_blocking(move || execute(&store, task, now, &base_url))
                            .await;
                    wake.notify_one();
                    match result {
                        Ok(Ok(message)) => Answer { ok: true, message },
                        Ok(Err(message)) => Answer { ok: false, message },
                        Err(e) => Answer {
                            ok: false,
                            message: e.to_string(),
                        },
                    }
                }
                Err(e) => Answer {
                    ok: false,
                    message: format!("bad request: {e}"),
                },
            };
            if let Ok(json) = serde_json::to_string(&answer) {
                let _ = write.write_all(format!("{json}\n").as_bytes()).await;
            }
        });
    }
}

/// `panel admin …`: through the running panel if there is one, else directly on the database.
pub async fn run(data_dir: &Path, task: AdminTask, base_url: &str) -> Result<String, String> {
    let socket = socket_path(data_dir);
    if let Ok(stream) = UnixStream::connect(&socket).await {
        let (read, mut write) = stream.into_split();
        let request = serde_json::to_string(&task).map_err(|e| e.to_string())?;
        write
            .write_all(format!("{request}\n").as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut line = String::new();
        BufReader::new(read)
            .read_line(&mut line)
            .await
            .map_err(|e| e.to_string())?;
        let answer: Answer =
            serde_json::from_str(&line).map_err(|e| format!("unreadable answer: {e}"))?;
        return if answer.ok {
            Ok(answer.message)
        } else {
            Err(answer.message)
        };
    }
    let store = Store::open(data_dir).map_err(|e| e.to_string())?;
    execute(&store, task, Clock::default().now(), base_url)
}
