//! The nouns of `panel admin` (customers, users, products, services, proformas, credit-notes)
//! and their verbs. Each verb that an older flat task already did is carried out by it; the old
//! names stay as hidden aliases for operators' scripts.

use super::AdminTask;
use clap::{Args, Subcommand};
use serde::{Deserialize, Serialize};

pub const CUSTOMERS_EXAMPLES: &str = "Examples:
  panel admin customers list --search firma
  panel admin customers show abonent@example.com
  panel admin customers create --email jan@firma.pl --name \"Firma sp. z o.o.\" --nip 5260250274
  panel admin customers add-user jan@firma.pl --email anna@firma.pl --role accounting
  panel admin customers disable 12        # nobody can use account 12; its sessions end
  panel admin customers enable 12";

pub const USERS_EXAMPLES: &str = "Examples:
  panel admin users disable anna@firma.pl   # the person, in every account; sessions end
  panel admin users enable anna@firma.pl";

pub const PRODUCTS_EXAMPLES: &str = "Examples:
  panel admin products list
  panel admin products add --kind domain --name \"Domena .eu\" --price 39,00 --periods 24,36
  panel admin products price 8 --price 45,00   # new orders only; services on 8 keep their price
  panel admin products retire 8                # no longer offered in the shop
  panel admin products offer 8";

pub const SERVICES_EXAMPLES: &str = "Examples:
  panel admin services add --customer jan@firma.pl --plan 8 --name firma.eu --expires 2027-03-31";

pub const PROFORMAS_EXAMPLES: &str = "Examples:
  panel admin proformas unpaid
  panel admin proformas unpaid --json";

pub const CREDIT_NOTES_EXAMPLES: &str = "Examples:
  panel admin credit-notes list
  panel admin credit-notes issue --invoice FV/2026/11/0001 --amount 12,34 --reason Rabat
  panel admin credit-notes issue --invoice FV/2026/11/0001 --reason Rezygnacja --transfer
  panel admin credit-notes refund --credit-note FK/2026/11/0001 --reference BANK-REF";

pub const PAYMENTS_EXAMPLES: &str = "Examples:
  panel admin payments list                  # online payments (Zapłać online)
  panel admin payments record --proforma PF/2026/11/0002 --reference BANK-REF
  panel admin payments record --title \"Zapłata PF/2026/11/0002 KL-000012-5\" --amount 60,27
  panel admin payments reconcile             # ask the gateway about those not applied";

pub const OUTBOX_EXAMPLES: &str = "Examples:
  panel admin outbox list --dead
  panel admin outbox retry 42";

pub const TASKS_EXAMPLES: &str = "Examples:
  panel admin tasks list --failed
  panel admin tasks retry 7
  panel admin tasks done 7 --note \"zone added by hand on ns1\"";

pub const SSL_EXAMPLES: &str = "Examples:
  panel admin ssl install 12 firma.pl-chain.pem";

pub const BANK_EXAMPLES: &str = "Examples:
  panel admin bank import wyciag.csv     # mBank CSV
  panel admin bank import wyciag.mt940";

pub const BACKUP_EXAMPLES: &str = "Examples:
  panel admin backup /var/backups/panel/panel-$(date +%F).redb
  panel admin check
  panel admin restore /var/backups/panel/panel-2026-11-30.redb   # panel stopped";

pub const ADMIN_EXAMPLES: &str =
    "Every list and show prints an aligned table, or JSON with --json \
(accepted anywhere, as --data-dir is).
Examples:
  panel admin customers list
  panel admin customers show 12 --json
  panel admin products price 8 --price 45,00
  panel admin payments record --proforma PF/2026/11/0002
  panel admin tasks done 7 --note \"done by hand\"
  panel admin backup /var/backups/panel/panel.redb";

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum CustomersAction {
    /// List the accounts: id, name, NIP, owner, users, services, unpaid total, state.
    List {
        /// Only accounts whose name, NIP or a user's e-mail contains this (any case).
        #[arg(long)]
        #[serde(default)]
        search: Option<String>,
    },
    /// One account: its data, users with roles, services with expiry, open proformas, balance.
    Show {
        /// The account's id, or the e-mail of any of its users.
        customer: String,
    },
    /// Create an account with its owner.
    Create(NewCustomer),
    /// Add a user (with a role) to an account.
    AddUser(NewUser),
    /// Disable the ACCOUNT: nobody can use it any more, every session in it ends at the next
    /// request. Its services and documents stay.
    Disable {
        /// The account's id, or the e-mail of any of its users.
        customer: String,
    },
    /// Undo `disable`: the account's users log in again.
    Enable {
        /// The account's id, or the e-mail of any of its users.
        customer: String,
    },
}

#[derive(Args, Debug, Clone, Serialize, Deserialize)]
pub struct NewCustomer {
    /// The owner's e-mail (they log in with it).
    #[arg(long)]
    pub email: String,
    /// The person's or the company's name, as on invoices.
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub nip: Option<String>,
    #[arg(long, default_value = "")]
    pub street: String,
    #[arg(long, default_value = "")]
    pub postal_code: String,
    #[arg(long, default_value = "")]
    pub city: String,
}

#[derive(Args, Debug, Clone, Serialize, Deserialize)]
pub struct NewUser {
    /// The account's id, or the e-mail of any of its users.
    pub customer: String,
    /// The new user's e-mail (it may already belong to other accounts).
    #[arg(long)]
    pub email: String,
    #[arg(long, default_value = "")]
    pub name: String,
    /// owner, administrator, accounting or technical
    #[arg(long)]
    pub role: String,
}

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum UsersAction {
    /// Disable a person (in every account they belong to): their sessions end at the next
    /// request.
    Disable { email: String },
    /// Let a disabled person log in again.
    Enable { email: String },
}

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum ProductsAction {
    /// The catalogue: every plan with its price, periods, state and how many services use it.
    List,
    /// Add a plan to the catalogue.
    Add(NewProduct),
    /// A new price for NEW orders only: a new version of the plan replaces it in the shop, and
    /// the services already on it keep renewing at the old price.
    Price {
        id: u64,
        /// Net price of one period, e.g. 45,00; repeat with MONTHS=PRICE for a longer period's
        /// own price (the old per-period prices are replaced by those given).
        #[arg(long, required = true)]
        price: Vec<String>,
    },
    /// Withdraw a plan from sale: the shop stops offering it; its services are not touched.
    Retire { id: u64 },
    /// Offer a retired plan in the shop again.
    Offer { id: u64 },
}

#[derive(Args, Debug, Clone, Serialize, Deserialize)]
pub struct NewProduct {
    /// domain, hosting, email, ssl, cloud, kreator-www, open-xchange or inne
    #[arg(long)]
    pub kind: String,
    #[arg(long)]
    pub name: String,
    /// Net price of one period, e.g. 49,00; repeat with MONTHS=PRICE for a longer period.
    #[arg(long, required = true)]
    pub price: Vec<String>,
    /// Length of one period in months.
    #[arg(long, default_value_t = 12)]
    pub months: u32,
    /// Further periods for renewals, multiples of --months, e.g. 24,36.
    #[arg(long)]
    #[serde(default)]
    pub periods: Option<String>,
    #[arg(long, default_value_t = crate::domain::billing::DEFAULT_VAT_PERCENT)]
    pub vat: u32,
}

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum ServicesAction {
    /// Add an existing service to an account (e.g. when moving customers from another panel).
    Add {
        /// The account's id, or the e-mail of any of its users.
        #[arg(long, visible_alias = "account-of")]
        customer: String,
        /// Plan id (see `products list`): sets the kind, the price and the period of renewals.
        #[arg(long)]
        plan: u64,
        /// What the customer knows it by: the domain name, the server's name.
        #[arg(long)]
        name: String,
        /// The last day it is paid for, YYYY-MM-DD.
        #[arg(long)]
        expires: String,
    },
}

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum ProformasAction {
    /// Unpaid proformas: number, account, total, due date, days overdue.
    Unpaid,
}

/// `credit-notes issue` (and the old `credit-note`).
#[derive(Args, Debug, Clone, Serialize, Deserialize)]
pub struct CreditNoteArgs {
    /// The VAT invoice's number, e.g. FV/2026/11/0001.
    #[arg(long)]
    pub invoice: String,
    /// Gross amount to credit, e.g. 12,34; all that is left when omitted.
    #[arg(long)]
    pub amount: Option<String>,
    /// Why (printed on the credit note and told to the customer).
    #[arg(long)]
    pub reason: String,
    /// The customer gets the money back by transfer rather than on the balance.
    #[arg(long)]
    #[serde(default)]
    pub transfer: bool,
}

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum CreditNotesAction {
    /// Issue a credit note (faktura korygująca) for a VAT invoice: all that is left of it, or
    /// --amount gross; to the prepaid balance, or with --transfer to be sent back.
    Issue(CreditNoteArgs),
    /// Record the transfer that sent a credit note's amount back to the customer.
    Refund {
        #[arg(long)]
        credit_note: String,
        /// The bank's reference of the transfer back.
        #[arg(long)]
        reference: Option<String>,
    },
    /// Every credit note: number, account, invoice corrected, amount, refund, reason.
    List,
}

/// The flat task an old name stands for, where a verb does just what it did.
pub fn as_flat(task: &AdminTask) -> Option<AdminTask> {
    Some(match task.clone() {
        AdminTask::Customers {
            action: CustomersAction::Create(c),
        } => AdminTask::CreateAccount {
            email: c.email,
            name: c.name,
            nip: c.nip,
            street: c.street,
            postal_code: c.postal_code,
            city: c.city,
        },
        AdminTask::Users {
            action: UsersAction::Disable { email },
        } => AdminTask::DisableUser { email },
        AdminTask::Products {
            action: ProductsAction::Add(p),
        } => AdminTask::AddPlan {
            kind: p.kind,
            name: p.name,
            price: p.price,
            months: p.months,
            periods: p.periods,
            vat: p.vat,
        },
        AdminTask::Products {
            action: ProductsAction::Retire { id },
        } => AdminTask::PlanHide { id },
        AdminTask::Products {
            action: ProductsAction::Offer { id },
        } => AdminTask::PlanShow { id },
        AdminTask::CreditNotes {
            action: CreditNotesAction::Issue(args),
        } => AdminTask::CreditNote(args),
        AdminTask::CreditNotes {
            action:
                CreditNotesAction::Refund {
                    credit_note,
                    reference,
                },
        } => AdminTask::Refund {
            credit_note,
            reference,
        },
        AdminTask::Payments {
            action: Some(super::PaymentsAction::Record(r)),
        } => AdminTask::RecordPayment {
            proforma: r.proforma,
            title: r.title,
            amount: r.amount,
            reference: r.reference,
            duplicate: r.duplicate,
        },
        _ => return None,
    })
}
