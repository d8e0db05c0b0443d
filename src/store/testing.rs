//! What the store's unit tests share: a store in a temporary directory with one account.

use super::{NewAccount, Store};
use crate::domain::{Account, Email, User};
use jiff::Timestamp;

/// An account named `name` with `nip`, owned by jan@firma.pl.
pub(super) fn firm(name: &str, nip: Option<&str>) -> NewAccount {
    NewAccount {
        name: name.into(),
        nip: nip.map(Into::into),
        address: Default::default(),
        owner_email: Email::parse("jan@firma.pl").unwrap_or_else(|e| unreachable!("{e}")),
        owner_name: "Jan".into(),
        phone: String::new(),
    }
}

/// A store in a temporary directory (kept while the `TempDir` lives) holding `new`, created at
/// the epoch; the account and its owner.
pub(super) fn store_with(new: NewAccount) -> (tempfile::TempDir, Store, Account, User) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
    let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
    let (account, owner) = store
        .create_account(new, Timestamp::UNIX_EPOCH)
        .unwrap_or_else(|e| unreachable!("{e}"));
    (dir, store, account, owner)
}
