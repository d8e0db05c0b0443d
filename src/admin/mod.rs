//! Operator tasks (`panel admin …`). While the panel runs it holds the database, so the command
//! sends the task over a Unix socket in the data directory (mode 0600: only the panel's own user);
//! when the panel is stopped, the command opens the database itself.

use crate::clock::Clock;
use crate::domain::account::Address;
use crate::domain::nip::Nip;
use crate::domain::time::format_date;
use crate::domain::{Email, Money, Role};
use crate::mail;
use crate::store::{NewAccount, PaymentOutcome, Store};
use clap::Subcommand;
use serde::{Deserialize, Serialize};
use std::path::Path;

mod audit;
mod backup;
mod bank;
mod catalogue;
mod credit;
mod customers;
mod dispatch;
mod documents;
mod ksef;
mod outbox;
pub mod output;
mod payments;
mod products;
mod socket;
mod ssl;
mod tasks;
pub mod tree;

pub use bank::BankAction;
pub use ksef::KsefAction;
pub use outbox::OutboxAction;
pub use payments::PaymentsAction;
pub use ssl::SslAction;
pub use tasks::TasksAction;

pub use dispatch::execute_reply;
pub use output::Reply;
pub use tree::{
    ADMIN_EXAMPLES, CreditNoteArgs, CreditNotesAction, CustomersAction, ProductsAction,
    ProformasAction, ServicesAction, UsersAction,
};

pub use socket::{bind_socket, serve_socket, socket_path};

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum AdminTask {
    /// Create a customer account with its owner.
    #[command(hide = true)]
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
    /// Add a user to the account of an existing user (for a person in several accounts: the
    /// account they used last). The e-mail may already belong to other accounts.
    #[command(hide = true)]
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
    /// Disable a person (every account they belong to): their sessions stop at the next request.
    #[command(hide = true)]
    DisableUser {
        #[arg(long)]
        email: String,
    },
    /// Record a payment against a proforma (by number): marks it paid, issues the VAT invoice and
    /// extends the services, once. Or, with --title instead of --proforma, a transfer matched by
    /// its title: the account's KL-… title names the account, and the proforma named in the title
    /// (or the only unpaid one of exactly --amount) is paid; otherwise it goes to the balance.
    #[command(hide = true)]
    RecordPayment {
        #[arg(long, required_unless_present = "title", conflicts_with = "title")]
        proforma: Option<String>,
        /// The bank transfer's title, as the bank shows it (needs --amount).
        #[arg(long, requires = "amount")]
        #[serde(default)]
        title: Option<String>,
        /// Amount received, e.g. 123,45; the proforma's total when omitted.
        #[arg(long)]
        amount: Option<String>,
        /// The bank's reference of the transfer; the same reference is recorded once, and for
        /// one proforma only.
        #[arg(long)]
        reference: Option<String>,
        /// Confirms a second transfer of the same amount for the same proforma on the same day
        /// without a reference (otherwise taken for a retried command and refused).
        #[arg(long)]
        #[serde(default)]
        duplicate: bool,
    },
    /// Issue a credit note (faktura korygująca, FK/…) for a VAT invoice: all that is left of it,
    /// or --amount gross. The money goes to the customer's prepaid balance, or with --transfer it
    /// is marked to be sent back by transfer (then record that with `refund`).
    #[command(hide = true)]
    CreditNote(CreditNoteArgs),
    /// Record the transfer that sent a credit note's amount back to the customer.
    #[command(hide = true)]
    Refund {
        /// The credit note's number, e.g. FK/2026/11/0001.
        #[arg(long)]
        credit_note: String,
        /// The bank's reference of the transfer back.
        #[arg(long)]
        reference: Option<String>,
    },
    /// List unpaid proformas.
    #[command(hide = true)]
    Unpaid,
    /// List the plans (the catalogue), with their ids.
    #[command(hide = true)]
    Plans,
    /// Add a plan to the catalogue.
    #[command(hide = true)]
    AddPlan {
        /// domain, hosting, email, ssl, cloud, kreator-www, open-xchange or inne (a service the
        /// panel lists under Więcej usług and renews, but does not manage; never sold in the shop)
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: String,
        /// Net price of one period, e.g. 49,00; repeat with MONTHS=PRICE for an explicit price of a
        /// longer period, e.g. --price 49,00 --price 24=80,00 (else it is billed pro rata).
        #[arg(long, required = true)]
        price: Vec<String>,
        /// Length of one period in months.
        #[arg(long, default_value_t = 12)]
        months: u32,
        /// Further periods a customer may choose for renewals, multiples of --months, e.g. 24,36.
        #[arg(long)]
        #[serde(default)]
        periods: Option<String>,
        #[arg(long, default_value_t = crate::domain::billing::DEFAULT_VAT_PERCENT)]
        vat: u32,
    },
    /// Withdraw a plan from sale: the shop stops offering it; services on it are not touched.
    #[command(hide = true)]
    PlanHide { id: u64 },
    /// Offer a withdrawn plan in the shop again.
    #[command(hide = true)]
    PlanShow { id: u64 },
    /// Add an existing service to an account (e.g. when moving customers from another panel).
    #[command(hide = true)]
    AddService {
        /// E-mail of any user of the account.
        #[arg(long)]
        account_of: String,
        /// Plan id (see `plans`): sets the kind, the price and the period of renewals.
        #[arg(long)]
        plan: u64,
        /// What the customer knows it by: the domain name, the server's name.
        #[arg(long)]
        name: String,
        /// The last day it is paid for, YYYY-MM-DD.
        #[arg(long)]
        expires: String,
    },
    /// The e-mail outbox: list, retry.
    ///
    /// `outbox list` shows recipient, subject, tries, last error, next try (never the body);
    /// `outbox retry ID` queues a dead message again.
    #[command(display_order = 8, after_help = tree::OUTBOX_EXAMPLES)]
    Outbox {
        /// Only messages waiting for delivery, in the order they fall due.
        #[arg(long, conflicts_with = "dead")]
        #[serde(default)]
        pending: bool,
        /// Only messages given up (a permanent failure, or too many transient ones).
        #[arg(long)]
        #[serde(default)]
        dead: bool,
        #[command(subcommand)]
        #[serde(default)]
        action: Option<OutboxAction>,
    },
    /// Provisioning tasks: list, retry, done.
    ///
    /// `tasks list` shows service, action, state, tries, reason, next try, newest first;
    /// `tasks retry ID` queues a failed task again; `tasks done ID --note` marks it done by hand.
    #[command(display_order = 9, after_help = tree::TASKS_EXAMPLES)]
    Tasks {
        /// Only tasks that failed (the reason is what the customer sees).
        #[arg(long)]
        #[serde(default)]
        failed: bool,
        #[command(subcommand)]
        #[serde(default)]
        action: Option<TasksAction>,
    },
    /// SSL certificates: install.
    ///
    /// `ssl install SERVICE_ID FILE.pem` stores the chain a CA issued.
    #[command(display_order = 10, after_help = tree::SSL_EXAMPLES)]
    Ssl {
        #[command(subcommand)]
        action: SslAction,
    },
    /// Write a consistent copy of the database to FILE, also while the panel runs.
    ///
    /// Writes wait for the copy; the copy is checked, then renamed into place.
    #[command(display_order = 12, after_help = tree::BACKUP_EXAMPLES)]
    Backup { file: std::path::PathBuf },
    /// Replace the database of a STOPPED panel with FILE (a backup), after checking it.
    ///
    /// The replaced database is kept as panel.redb.bak-<UTC time>.
    #[command(display_order = 13, after_help = tree::BACKUP_EXAMPLES)]
    Restore { file: std::path::PathBuf },
    /// Check the database's integrity; exit 1 on a problem.
    ///
    /// redb's own check and the panel's (every index points at its rows).
    #[command(display_order = 14, after_help = tree::BACKUP_EXAMPLES)]
    Check,
    /// Bank statements: import.
    ///
    /// `bank import FILE` reads an mBank CSV or MT940 statement.
    #[command(display_order = 11, after_help = tree::BANK_EXAMPLES)]
    Bank {
        #[command(subcommand)]
        action: BankAction,
    },
    /// KSeF e-invoices: record an invoice's KSeF status, list the statuses, export a period's
    /// FA(3) files for the accounting office.
    #[command(display_order = 15)]
    Ksef {
        #[command(subcommand)]
        action: KsefAction,
    },
    /// Payments: list (online), record (a transfer), reconcile, refund.
    ///
    /// `payments list` shows the online payments (Zapłać online): state, amount, document,
    /// session and time; `payments record` records a bank transfer against a proforma;
    /// `payments reconcile` asks the gateway about those not applied.
    #[command(after_help = tree::PAYMENTS_EXAMPLES, display_order = 6)]
    Payments {
        #[command(subcommand)]
        #[serde(default)]
        action: Option<PaymentsAction>,
    },
    /// Customer accounts: list, show, create, add-user, disable, enable.
    #[command(after_help = tree::CUSTOMERS_EXAMPLES, display_order = 1)]
    Customers {
        #[command(subcommand)]
        action: CustomersAction,
    },
    /// People: disable (in every account they belong to), enable.
    #[command(after_help = tree::USERS_EXAMPLES, display_order = 2)]
    Users {
        #[command(subcommand)]
        action: UsersAction,
    },
    /// The catalogue: list, add, price (for new orders only), retire, offer.
    #[command(after_help = tree::PRODUCTS_EXAMPLES, display_order = 3)]
    Products {
        #[command(subcommand)]
        action: ProductsAction,
    },
    /// Services: add an existing one to an account.
    #[command(after_help = tree::SERVICES_EXAMPLES, display_order = 4)]
    Services {
        #[command(subcommand)]
        action: ServicesAction,
    },
    /// Proformas: unpaid.
    #[command(after_help = tree::PROFORMAS_EXAMPLES, display_order = 5)]
    Proformas {
        #[command(subcommand)]
        action: ProformasAction,
    },
    /// Credit notes (faktury korygujące): issue, refund, list.
    #[command(after_help = tree::CREDIT_NOTES_EXAMPLES, display_order = 7)]
    CreditNotes {
        #[command(subcommand)]
        action: CreditNotesAction,
    },
    /// The audit log, newest first: who (e-mail, operator or system), what, when (UTC), from
    /// where (IP, or "socket" for the operator) and the account.
    #[command(display_order = 20)]
    Audit {
        /// Only entries about this account (its id, or the e-mail of one of its users).
        #[arg(long)]
        #[serde(default)]
        account: Option<String>,
        /// Only entries from this day (YYYY-MM-DD, UTC) on.
        #[arg(long)]
        #[serde(default)]
        since: Option<String>,
        /// At most this many entries (default 50).
        #[arg(long)]
        #[serde(default)]
        limit: Option<usize>,
    },
    /// Print a one-time link (valid 10 minutes) that opens a READ-ONLY view of the panel as this
    /// person; creating and using it are written to the audit log.
    #[command(display_order = 21)]
    LoginAs { email: String },
}

/// Carries out one task against the store; a task that changed something leaves an entry in
/// the audit log.
pub fn execute(
    store: &Store,
    task: AdminTask,
    now: jiff::Timestamp,
    base_url: &str,
) -> Result<String, String> {
    if dispatch::is_new(&task) {
        return execute_reply(store, task, now, base_url).map(|reply| reply.text);
    }
    let change = audit::change_of(&task);
    let account = audit::account_email_of(&task).map(str::to_string);
    let result = run_task(store, task, now, base_url);
    if let (Some(change), Ok(_)) = (change, &result) {
        audit::record_operator(store, change, account.as_deref(), now);
    }
    result
}

fn run_task(
    store: &Store,
    task: AdminTask,
    now: jiff::Timestamp,
    base_url: &str,
) -> Result<String, String> {
    match task {
        AdminTask::CreateAccount {
            email,
            name,
            nip,
            street,
            postal_code,
            city,
        } => {
            let address = Address {
                street,
                postal_code,
                city,
                country: Default::default(),
            };
            create_account(store, &email, name, nip, address, now)
        }
        AdminTask::AddUser {
            account_of,
            email,
            name,
            role,
        } => add_user(store, &account_of, &email, &name, &role, now),
        AdminTask::DisableUser { email } => disable_user(store, &email, now),
        AdminTask::RecordPayment {
            title: Some(title),
            amount,
            reference,
            duplicate,
            ..
        } => credit::record_by_title(
            store,
            &title,
            amount.as_deref(),
            reference.as_deref(),
            duplicate,
            now,
            base_url,
        ),
        AdminTask::RecordPayment {
            proforma,
            amount,
            reference,
            duplicate,
            ..
        } => record_payment(
            store,
            &proforma.unwrap_or_default(),
            amount.as_deref(),
            reference.as_deref(),
            duplicate,
            now,
            base_url,
        ),
        AdminTask::CreditNote(CreditNoteArgs {
            invoice,
            amount,
            reason,
            transfer,
        }) => credit::credit_note(
            store,
            &invoice,
            amount.as_deref(),
            &reason,
            transfer,
            now,
            base_url,
        ),
        AdminTask::Refund {
            credit_note,
            reference,
        } => credit::refund(store, &credit_note, reference.as_deref(), now),
        AdminTask::Unpaid => unpaid(store),
        AdminTask::Plans => catalogue::plans(store),
        AdminTask::AddPlan {
            kind,
            name,
            price,
            months,
            periods,
            vat,
        } => catalogue::add_plan(store, &kind, name, &price, months, periods.as_deref(), vat),
        AdminTask::PlanHide { id } => catalogue::set_hidden(store, id, true),
        AdminTask::PlanShow { id } => catalogue::set_hidden(store, id, false),
        AdminTask::AddService {
            account_of,
            plan,
            name,
            expires,
        } => catalogue::add_service(store, &account_of, plan, name, &expires, now),
        AdminTask::Outbox {
            action: Some(OutboxAction::Retry { id }),
            ..
        } => outbox::retry(store, id, now),
        AdminTask::Outbox { pending, dead, .. } => outbox::list(store, pending, dead),
        AdminTask::Tasks {
            action: Some(TasksAction::Retry { id }),
            ..
        } => tasks::retry(store, id, now),
        AdminTask::Tasks { failed, .. } => tasks::list(store, failed),
        AdminTask::Ssl { action } => ssl::execute(store, action),
        AdminTask::Backup { file } => backup::backup(store, &file),
        AdminTask::Restore { .. } => {
            Err("restore works only on a stopped panel: stop it, then restore".into())
        }
        AdminTask::Check => backup::check(store),
        AdminTask::Bank { action } => bank::execute(store, action, now, base_url),
        AdminTask::Ksef { action } => ksef::execute(store, action, now),
        AdminTask::Payments { action: None } => payments::list(store),
        AdminTask::Payments { action: Some(_) } => {
            Err("this needs the running panel with its --p24-* settings".into())
        }
        AdminTask::Customers { .. }
        | AdminTask::Users { .. }
        | AdminTask::Products { .. }
        | AdminTask::Services { .. }
        | AdminTask::Proformas { .. }
        | AdminTask::CreditNotes { .. }
        | AdminTask::Audit { .. } => Err("carried out by execute_reply".into()),
        AdminTask::LoginAs { email } => audit::login_as(store, &email, now, base_url),
    }
}

fn store_error(e: crate::store::StoreError) -> String {
    e.to_string()
}

fn email(raw: &str) -> Result<Email, String> {
    Email::parse(raw).map_err(|e| format!("{raw:?}: {e}"))
}

/// The account a user belongs to, named by that user's e-mail.
fn account_of(store: &Store, user_email: &str) -> Result<u64, String> {
    let user = store
        .user_by_email(&email(user_email)?)
        .map_err(store_error)?;
    user.map(|u| u.account_id)
        .ok_or_else(|| format!("no user with e-mail {user_email}"))
}

fn create_account(
    store: &Store,
    owner: &str,
    name: String,
    nip: Option<String>,
    address: Address,
    now: jiff::Timestamp,
) -> Result<String, String> {
    let nip = match nip {
        Some(raw) => Some(
            Nip::parse(&raw)
                .map_err(|_| {
                    format!("NIP {raw:?} is not valid: 10 digits with a correct check digit")
                })?
                .to_string(),
        ),
        None => None,
    };
    let new = NewAccount {
        name: name.clone(),
        nip,
        address,
        owner_email: email(owner)?,
        owner_name: name,
        phone: String::new(),
    };
    let (account, owner) = store.create_account(new, now).map_err(store_error)?;
    Ok(format!(
        "created account {} ({}) with owner {}",
        account.id, account.name, owner.email
    ))
}

fn add_user(
    store: &Store,
    existing: &str,
    new: &str,
    name: &str,
    role: &str,
    now: jiff::Timestamp,
) -> Result<String, String> {
    let role = Role::parse(role)
        .ok_or("unknown role: use owner, administrator, accounting or technical")?;
    let account_id = account_of(store, existing)?;
    let user = store
        .add_user(account_id, &email(new)?, name, role, now)
        .map_err(store_error)?;
    Ok(format!(
        "added {} ({}) to account {}",
        user.email,
        role.label(),
        user.account_id
    ))
}

fn disable_user(store: &Store, user: &str, now: jiff::Timestamp) -> Result<String, String> {
    let user = store
        .set_user_active(&email(user)?, false, now)
        .map_err(store_error)?;
    Ok(format!(
        "disabled {}; their sessions end at the next request",
        user.email
    ))
}

fn record_payment(
    store: &Store,
    proforma: &str,
    amount: Option<&str>,
    reference: Option<&str>,
    duplicate: bool,
    now: jiff::Timestamp,
    base_url: &str,
) -> Result<String, String> {
    let amount = match amount {
        Some(raw) => Some(Money::parse(raw).ok_or(format!(
            "cannot read the amount {raw:?}: use e.g. 123,45, at most {}",
            Money::MAX
        ))?),
        None => None,
    };
    let receipt = |account: &crate::domain::Account, invoice: crate::store::Receipt<'_>| {
        mail::receipt_message(base_url, account, invoice)
    };
    let outcome = match reference {
        None if duplicate => store.record_repeated_payment(proforma, amount, now, &receipt),
        _ => store.record_payment(proforma, amount, reference, now, &receipt),
    }
    .map_err(store_error)?;
    payment_message(outcome, proforma, reference)
}

/// What the operator is told about a recorded payment (`proforma`: the number asked for).
fn payment_message(
    outcome: PaymentOutcome,
    proforma: &str,
    reference: Option<&str>,
) -> Result<String, String> {
    Ok(match outcome {
        PaymentOutcome::Paid { proforma, invoice } => format!(
            "{} paid: issued {} for {}",
            proforma.number,
            invoice.number,
            invoice.total_gross()
        ),
        PaymentOutcome::AlreadyPaid { proforma } => {
            format!("{} was already paid; nothing changed", proforma.number)
        }
        PaymentOutcome::AlreadyRecorded { proforma } => format!(
            "the reference {} was already recorded for {}; nothing changed",
            reference.unwrap_or_default(),
            proforma.number
        ),
        PaymentOutcome::ReferenceUsedElsewhere { other } => {
            return Err(format!(
                "the reference {} is already recorded for {other}, not {proforma}; nothing changed \
                 (check the transfer: one bank reference pays one proforma)",
                reference.unwrap_or_default()
            ));
        }
        PaymentOutcome::LooksRepeated { proforma, amount } => {
            return Err(format!(
                "{amount} for {} was already recorded today without a reference; nothing changed. \
                 If this is another transfer, give its --reference, or confirm with --duplicate",
                proforma.number
            ));
        }
        PaymentOutcome::Credited { proforma, balance } => format!(
            "{} is not covered; the amount went to the prepaid balance, now {balance}",
            proforma.number
        ),
    })
}

fn unpaid(store: &Store) -> Result<String, String> {
    let list = store.unpaid_proformas().map_err(store_error)?;
    let lines: Vec<String> = list
        .iter()
        .map(|d| {
            let due = d.due_on.map(format_date).unwrap_or_default();
            format!(
                "{}\taccount {}\t{}\tdue {due}",
                d.number,
                d.account_id,
                d.total_gross()
            )
        })
        .collect();
    Ok(lines.join("\n"))
}

/// `panel admin …`: through the running panel if there is one, else directly on the database.
pub async fn run(data_dir: &Path, task: AdminTask, base_url: &str) -> Result<String, String> {
    run_reply(data_dir, task, base_url)
        .await
        .map(|reply| reply.text)
}

/// As `run`, with the answer as text and as JSON (`--json`).
pub async fn run_reply(
    data_dir: &Path,
    mut task: AdminTask,
    base_url: &str,
) -> Result<Reply, String> {
    if let AdminTask::Ssl { action } = &mut task {
        ssl::read_file(action)?;
    }
    // Paths are the operator's, relative to where they typed the command, not to the panel.
    if let AdminTask::Backup { file } = &mut task {
        *file = std::path::absolute(&*file).map_err(|e| e.to_string())?;
    }
    if let AdminTask::Bank { action } = &mut task {
        bank::resolve_path(action)?;
    }
    if let AdminTask::Ksef { action } = &mut task {
        ksef::resolve_path(action)?;
    }
    if let AdminTask::Restore { file } = &task {
        return backup::restore(data_dir, file, Clock::default().now())
            .await
            .map(Reply::message);
    }
    if let Some(answer) = socket::ask(data_dir, &task).await {
        return answer;
    }
    if let AdminTask::Check = task {
        return backup::check_stopped(data_dir).map(Reply::message);
    }
    let store = Store::open(data_dir).map_err(|e| e.to_string())?;
    execute_reply(&store, task, Clock::default().now(), base_url)
}
