//! What the operator's commands read and change that no page does: every account at once,
//! disabling an account, a plan's new price for new orders only.

use super::codec::{get, next_in_sequence, put};
use super::schema::{ACCOUNTS, PLANS, SERVICES};
use super::{Result, Store};
use crate::domain::{Account, Money, Plan, Service};
use redb::ReadableTable;
use std::collections::HashMap;

impl Store {
    /// Every account, in the order they were created.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let tx = self.read()?;
        let mut accounts = Vec::new();
        for row in tx.open_table(ACCOUNTS)?.iter()? {
            accounts.push(super::codec::decode(row?.1.value())?);
        }
        Ok(accounts)
    }

    /// Disables an account (nobody logs in to it; every session in it ends, in the same
    /// transaction) or enables it again. `None` when there is no such account.
    pub fn set_account_disabled(&self, id: u64, disabled: bool) -> Result<Option<Account>> {
        self.write(|tx| {
            let mut accounts = tx.open_table(ACCOUNTS)?;
            let Some(mut account) = get::<Account>(&accounts, id)? else {
                return Ok(None);
            };
            account.disabled = disabled;
            put(&mut accounts, id, &account)?;
            drop(accounts);
            if disabled {
                for user_id in
                    super::codec::owned_ids(&tx.open_table(super::schema::USERS_BY_ACCOUNT)?, id)?
                {
                    super::login::end_sessions_of(tx, user_id)?;
                }
            }
            Ok(Some(account))
        })
    }

    /// A new price for new orders only: a new version of the plan (the same name, kind and
    /// periods) takes the old one's place in the shop, and the old one is withdrawn, so the
    /// services on it keep renewing at the old price. Returns (old, new); `None`: no such plan.
    pub fn reprice_plan(
        &self,
        id: u64,
        price_net: Money,
        prices: Vec<(u32, Money)>,
    ) -> Result<Option<(Plan, Plan)>> {
        self.write(|tx| {
            let old: Option<Plan> = get(&tx.open_table(PLANS)?, id)?;
            let Some(mut old) = old else {
                return Ok(None);
            };
            let mut new = old.clone();
            new.id = next_in_sequence(tx, "plan")?;
            new.price_net = price_net;
            new.prices = prices;
            old.hidden = true;
            let mut plans = tx.open_table(PLANS)?;
            put(&mut plans, old.id, &old)?;
            put(&mut plans, new.id, &new)?;
            Ok(Some((old, new)))
        })
    }

    /// How many services each plan has (by plan id).
    pub fn services_per_plan(&self) -> Result<HashMap<u64, usize>> {
        let tx = self.read()?;
        let mut counts = HashMap::new();
        for row in tx.open_table(SERVICES)?.iter()? {
            let service: Service = super::codec::decode(row?.1.value())?;
            *counts.entry(service.plan_id).or_default() += 1;
        }
        Ok(counts)
    }
}
