//! What a change of Dane abonenta changed (field, old → new): applied to the account, kept as
//! its history and told in the e-mail about it.

use super::Email;
use super::account::Account;
use super::account_data::AccountData;
use super::phone::Phone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One field's change, as people read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// A row of the history: who changed which field when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChange {
    pub account_id: u64,
    pub seq: u64,
    pub at: Timestamp,
    pub by: Email,
    #[serde(flatten)]
    pub change: Change,
}

const SAME_AS_INVOICE: &str = "taki sam jak adres do faktury";

/// The fields as shown, in the order of the form. An empty value is an empty string.
fn shown(account: &Account) -> [(&'static str, String); 8] {
    let or_blank = |value: &Option<String>| value.clone().unwrap_or_default();
    [
        ("Rodzaj", account.kind().label().to_string()),
        ("Nazwa", account.name.clone()),
        ("NIP", or_blank(&account.nip)),
        ("REGON", or_blank(&account.regon)),
        ("Adres do faktury", account.address.one_line()),
        ("E-mail kontaktowy", account.contact_email.to_string()),
        ("Telefon", Phone::shown(&account.phone)),
        (
            "Adres do korespondencji",
            account
                .correspondence
                .as_ref()
                .map_or(SAME_AS_INVOICE.to_string(), |a| a.one_line()),
        ),
    ]
}

/// The account with `data` in place of its editable fields.
pub fn apply(account: &Account, data: &AccountData) -> Account {
    let mut next = account.clone();
    next.kind = Some(data.kind);
    next.name = data.name.clone();
    next.nip = data.nip.as_ref().map(|n| n.to_string());
    next.regon = data.regon.as_ref().map(|r| r.to_string());
    next.address = data.address.clone();
    next.contact_email = data.contact_email.clone();
    next.phone = data
        .phone
        .as_ref()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    next.correspondence = data.correspondence.clone();
    next
}

/// What differs between `before` and `after`, field by field as the customer reads them (a
/// number written differently but equal, like a phone with spaces, is no change).
pub fn changes(before: &Account, after: &Account) -> Vec<Change> {
    shown(before)
        .into_iter()
        .zip(shown(after))
        .filter(|((_, old), (_, new))| old != new)
        .map(|((field, old), (_, new))| Change {
            field: field.to_string(),
            old,
            new,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account_data::AccountForm;

    fn account() -> Account {
        serde_json::from_str(
            r#"{"id":7,"name":"Firma","nip":"5260250274","address":{"street":"ul. Długa 1","postal_code":"00-950","city":"Warszawa"},
                "contact_email":"jan@firma.pl","phone":"+48 22 123 45 67","created_at":"2026-01-01T00:00:00Z"}"#,
        )
        .unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn an_account_stored_before_the_new_fields_reads_as_a_polish_company() {
        let old = account();
        assert_eq!(old.kind(), crate::domain::account::AccountKind::Company);
        assert!(old.address.country.is_poland());
        assert_eq!(old.correspondence, None);
    }

    #[test]
    fn the_same_data_written_differently_is_no_change() {
        let old = account();
        let mut form = AccountForm::of(&old);
        form.telefon = "22 123 45 67".into();
        form.kod = "00950".into();
        let data = form.parse().unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!(changes(&old, &apply(&old, &data)), vec![]);
    }

    #[test]
    fn each_changed_field_is_listed_with_its_old_and_new_value() {
        let old = account();
        let mut form = AccountForm::of(&old);
        form.nazwa = "Nowa Firma".into();
        form.korespondencja = "inny".into();
        form.k_ulica = "Skrytka 5".into();
        form.k_kod = "31-042".into();
        form.k_miasto = "Kraków".into();
        let data = form.parse().unwrap_or_else(|e| unreachable!("{e:?}"));
        let new = apply(&old, &data);
        assert_eq!(
            changes(&old, &new),
            vec![
                Change {
                    field: "Nazwa".into(),
                    old: "Firma".into(),
                    new: "Nowa Firma".into()
                },
                Change {
                    field: "Adres do korespondencji".into(),
                    old: SAME_AS_INVOICE.into(),
                    new: "Skrytka 5, 31-042 Kraków".into()
                },
            ]
        );
        assert_eq!(new.phone, "+48221234567", "stored in E.164");
    }
}
