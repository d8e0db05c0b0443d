//! Customer accounts (abonent) and the people who may use them.

use super::Email;
use super::country::Country;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub postal_code: String,
    pub city: String,
    /// Poland for addresses stored before the country was asked.
    #[serde(default)]
    pub country: Country,
}

impl Address {
    pub fn one_line(&self) -> String {
        let line = format!("{}, {} {}", self.street, self.postal_code, self.city);
        if self.country.is_poland() {
            line
        } else {
            format!("{line}, {}", self.country.name())
        }
    }
}

/// Whom the invoices are for: a private person (osoba prywatna) or a company (firma).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountKind {
    Person,
    Company,
}

impl AccountKind {
    pub fn label(self) -> &'static str {
        match self {
            AccountKind::Person => "Osoba prywatna",
            AccountKind::Company => "Firma",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Account {
    pub id: u64,
    /// Name of the person or the company, as printed on invoices.
    pub name: String,
    #[serde(default)]
    pub nip: Option<String>,
    #[serde(default)]
    pub address: Address,
    pub contact_email: Email,
    /// E.164 when entered through Dane abonenta; older rows keep what was written.
    #[serde(default)]
    pub phone: String,
    pub created_at: Timestamp,
    /// Chosen in Dane abonenta; before that, see `Account::kind`.
    #[serde(default)]
    pub kind: Option<AccountKind>,
    #[serde(default)]
    pub regon: Option<String>,
    /// `None`: the same as the invoice address.
    #[serde(default)]
    pub correspondence: Option<Address>,
    /// Disabled by the operator (`panel admin customers disable`): nobody logs in to it and its
    /// sessions end; its data, services and documents stay.
    #[serde(default)]
    pub disabled: bool,
}

impl Account {
    /// The chosen kind, or for accounts made before it was asked: a company when it has a NIP.
    pub fn kind(&self) -> AccountKind {
        self.kind.unwrap_or(if self.nip.is_some() {
            AccountKind::Company
        } else {
            AccountKind::Person
        })
    }

    /// The title the account's transfers carry (`KL-000012-5`), derived from the id, so accounts
    /// stored before the check digit existed get it too.
    pub fn transfer_title(&self) -> String {
        super::transfer::transfer_title(self.id)
    }

    /// What a transfer paying `document_number` says: `PF/2026/11/0004 KL-000012-5`.
    pub fn transfer_title_for(&self, document_number: &str) -> String {
        format!("{document_number} {}", self.transfer_title())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Owner,
    Administrator,
    Accounting,
    Technical,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Właściciel",
            Role::Administrator => "Administrator",
            Role::Accounting => "Księgowość",
            Role::Technical => "Techniczny",
        }
    }

    /// Whether this role may perform `action` (the one permission check, `domain::access`).
    pub fn may(self, action: super::access::Action) -> bool {
        super::access::allows(self, action)
    }

    pub fn parse(input: &str) -> Option<Role> {
        match input.trim().to_lowercase().as_str() {
            "owner" | "właściciel" | "wlasciciel" => Some(Role::Owner),
            "administrator" | "admin" => Some(Role::Administrator),
            "accounting" | "księgowość" | "ksiegowosc" => Some(Role::Accounting),
            "technical" | "techniczny" => Some(Role::Technical),
            _ => None,
        }
    }

    /// The value a form sends for this role (`Role::parse` reads it back).
    pub fn form_value(self) -> &'static str {
        match self {
            Role::Owner => "wlasciciel",
            Role::Administrator => "administrator",
            Role::Accounting => "ksiegowosc",
            Role::Technical => "techniczny",
        }
    }

    pub const ALL: [Role; 4] = [
        Role::Owner,
        Role::Administrator,
        Role::Accounting,
        Role::Technical,
    ];
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    pub id: u64,
    pub account_id: u64,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: Timestamp,
    /// When a session last started on this membership (login or switch).
    #[serde(default)]
    pub last_login: Option<Timestamp>,
    /// The services this user may see and act on; `None`: the whole account.
    #[serde(default)]
    pub scope: Option<Vec<u64>>,
}
