//! Customer accounts (abonent) and the people who may use them.

use super::Email;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub postal_code: String,
    pub city: String,
}

impl Address {
    pub fn one_line(&self) -> String {
        format!("{}, {} {}", self.street, self.postal_code, self.city)
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
    #[serde(default)]
    pub phone: String,
    pub created_at: Timestamp,
}

impl Account {
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
