//! Which open proforma a bank statement's transfer pays, decided without writing anything:
//! exact matches are then paid through `record_payment` (invoice, ledger, outbox, once per
//! reference); the rest wait for the operator's decision.

use super::codec::{decode, get, owned_ids};
use super::schema::{
    ACCOUNTS, DOCUMENTS, DOCUMENTS_BY_ACCOUNT, IDEMPOTENCY, PAYMENTS, PAYMENTS_BY_REFERENCE,
};
use super::transfer::{DepositReference, deposit_key, names};
use super::{Result, Store};
use crate::domain::transfer::account_in_title;
use crate::domain::{Account, Document, DocumentKind, Money, Payment};
use redb::ReadTransaction;

#[derive(Debug, PartialEq, Eq)]
pub enum LineMatch {
    /// The bank reference was recorded before (`what`: as what).
    Recorded {
        what: String,
    },
    /// No account's transfer title (`KL-…`) in the text.
    NoTitle,
    UnknownAccount {
        account_id: u64,
    },
    /// One open proforma of exactly this amount (named in the title, or the only one).
    Exact {
        account_id: u64,
        number: String,
    },
    /// Less than the proforma it names (or the account's only open one).
    Partial {
        account_id: u64,
        number: String,
        total: Money,
    },
    Overpaid {
        account_id: u64,
        number: String,
        total: Money,
    },
    /// No single open proforma fits: none, or several and none of this amount.
    NoProforma {
        account_id: u64,
        open: usize,
    },
}

/// As what `reference` was recorded, if it was.
fn recorded(tx: &ReadTransaction, reference: &str) -> Result<Option<String>> {
    let payment = tx
        .open_table(PAYMENTS_BY_REFERENCE)?
        .get(reference)?
        .map(|v| v.value());
    if let Some(id) = payment {
        let payment: Option<Payment> = get(&tx.open_table(PAYMENTS)?, id)?;
        let documents = tx.open_table(DOCUMENTS)?;
        let document = match payment {
            Some(p) => get::<Document>(&documents, p.document_id)?,
            None => None,
        };
        return Ok(Some(document.map_or_else(
            || "as a payment".into(),
            |d| format!("as a payment of {}", d.number),
        )));
    }
    let deposit = tx.open_table(IDEMPOTENCY)?;
    let deposit = deposit.get(deposit_key(reference).as_str())?;
    match deposit {
        Some(bytes) => {
            let d: DepositReference = decode(bytes.value())?;
            Ok(Some(format!(
                "as {} to the balance of account {}",
                d.amount, d.account_id
            )))
        }
        None => Ok(None),
    }
}

/// The decision for `amount` titled `title` among the account's open proformas.
fn classify(account_id: u64, unpaid: &[Document], title: &str, amount: Money) -> LineMatch {
    let upper = title.to_uppercase();
    let named: Vec<&Document> = unpaid.iter().filter(|d| names(&upper, &d.number)).collect();
    let candidates: Vec<&Document> = if named.is_empty() {
        unpaid.iter().collect()
    } else {
        named
    };
    let exact: Vec<&&Document> = candidates
        .iter()
        .filter(|d| d.total_gross() == amount)
        .collect();
    if let [only] = exact.as_slice() {
        return LineMatch::Exact {
            account_id,
            number: only.number.clone(),
        };
    }
    match candidates.as_slice() {
        [only] if amount < only.total_gross() => LineMatch::Partial {
            account_id,
            number: only.number.clone(),
            total: only.total_gross(),
        },
        [only] => LineMatch::Overpaid {
            account_id,
            number: only.number.clone(),
            total: only.total_gross(),
        },
        _ => LineMatch::NoProforma {
            account_id,
            open: unpaid.len(),
        },
    }
}

impl Store {
    /// What a statement's transfer would pay (see `LineMatch`); changes nothing.
    pub fn match_transfer(&self, title: &str, amount: Money, reference: &str) -> Result<LineMatch> {
        let tx = self.read()?;
        if let Some(what) = recorded(&tx, reference)? {
            return Ok(LineMatch::Recorded { what });
        }
        let Some(account_id) = account_in_title(title) else {
            return Ok(LineMatch::NoTitle);
        };
        if get::<Account>(&tx.open_table(ACCOUNTS)?, account_id)?.is_none() {
            return Ok(LineMatch::UnknownAccount { account_id });
        }
        let documents = tx.open_table(DOCUMENTS)?;
        let mut unpaid = Vec::new();
        for id in owned_ids(&tx.open_table(DOCUMENTS_BY_ACCOUNT)?, account_id)? {
            if let Some(d) = get::<Document>(&documents, id)?
                && d.kind == DocumentKind::Proforma
                && d.is_unpaid()
            {
                unpaid.push(d);
            }
        }
        Ok(classify(account_id, &unpaid, title, amount))
    }
}
