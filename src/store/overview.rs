//! The Pulpit's read model: an account's services, documents and mailboxes in one snapshot,
//! decoded once and shared until the next write.

use super::accounts::load_account;
use super::billing::documents_of;
use super::codec::owned_ids;
use super::{Result, Store};
use crate::domain::{Account, Document, Mailbox, Money, Service};
use std::sync::Arc;

/// Everything the Pulpit shows, read in one snapshot.
pub struct Overview {
    pub account: Account,
    pub services: Vec<Service>,
    pub documents: Vec<Document>,
    pub mailboxes: Vec<Mailbox>,
    pub user_count: usize,
    /// The prepaid balance, as the ledger adds up.
    pub balance: Money,
}

impl Store {
    /// The overview as `viewer` may see it: a user limited to chosen services gets only those
    /// (with their mailboxes and the documents renewing them). The whole account's is cached.
    pub fn overview_for(&self, viewer: &crate::domain::access::Viewer) -> Result<Arc<Overview>> {
        let whole = self.overview(viewer.account_id)?;
        if viewer.scope.is_none() {
            return Ok(whole);
        }
        let sees = |id: u64| viewer.sees(id);
        Ok(Arc::new(Overview {
            account: whole.account.clone(),
            services: whole
                .services
                .iter()
                .filter(|s| sees(s.id))
                .cloned()
                .collect(),
            documents: (whole.documents.iter())
                .filter(|d| d.renews_service.is_some_and(sees))
                .cloned()
                .collect(),
            mailboxes: (whole.mailboxes.iter())
                .filter(|m| sees(m.hosting_service_id))
                .cloned()
                .collect(),
            user_count: whole.user_count,
            balance: whole.balance,
        }))
    }

    /// Shared while nothing is written: the Pulpit is read far more often than anything changes.
    pub fn overview(&self, account_id: u64) -> Result<Arc<Overview>> {
        self.overviews.get_or_load(account_id, || {
            let tx = self.read()?;
            Ok(Overview {
                account: load_account(&tx, account_id)?,
                services: super::services::services_of(&tx, account_id)?,
                documents: documents_of(&tx, account_id)?,
                mailboxes: super::services::mailboxes_of(&tx, account_id)?,
                user_count: owned_ids(
                    &tx.open_table(super::schema::USERS_BY_ACCOUNT)?,
                    account_id,
                )?
                .len(),
                balance: super::ledger::balance_in(
                    &tx.open_table(super::schema::LEDGER)?,
                    account_id,
                )?,
            })
        })
    }
}
