//! Pure types and rules of the panel: no I/O, the clock is always a parameter.

pub mod access;
pub mod account;
pub mod bank;
pub mod billing;
pub mod credit;
pub mod dns;
pub mod dns_form;
pub mod email;
pub mod ledger;
pub mod lifecycle;
pub mod login;
pub mod money;
pub mod nip;
pub mod notifications;
pub mod seller;
pub mod service;
pub mod shop;
pub mod time;
pub mod top_up;
pub mod transfer;
pub mod words;

pub use account::{Account, Role, User};
pub use billing::{Document, DocumentKind, DocumentStatus, Line, Payment, Plan};
pub use email::Email;
pub use money::Money;
pub use service::{Mailbox, Service, ServiceDetails, ServiceKind, ServiceStatus};
pub mod account_data;
pub mod account_history;
pub mod country;
pub mod device;
pub mod membership;
pub mod phone;
pub mod postal_code;
pub mod regon;
pub mod security;
pub mod task;
