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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn demo() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| unreachable!("{e}"));
        let seeded = crate::demo::seed_if_empty(&store, Timestamp::UNIX_EPOCH, "http://x");
        assert_eq!(seeded.ok(), Some(true));
        (dir, store)
    }

    #[test]
    fn a_new_price_is_a_new_offered_version_and_the_old_one_keeps_its_price_and_services() {
        let (_dir, store) = demo();
        let used = store.services_per_plan().unwrap_or_default();
        let held = used.get(&1).copied().unwrap_or_default();
        assert!(held > 0, "the demo's services on plan 1");
        let before = store.plan(1).ok().flatten();
        let changed = store.reprice_plan(1, Money(5500), vec![(24, Money(9900))]);
        let Ok(Some((old, new))) = changed else {
            unreachable!("plan 1 repriced: {changed:?}")
        };
        assert_eq!(Some(&old.price_net), before.as_ref().map(|p| &p.price_net));
        assert!(old.hidden && !new.hidden);
        assert_ne!(new.id, old.id);
        assert_eq!(
            (new.price_net, new.prices.clone()),
            (Money(5500), vec![(24, Money(9900))])
        );
        assert_eq!(
            (new.kind, &new.name, &new.periods),
            (old.kind, &old.name, &old.periods)
        );
        let stored_old = store.plan(1).ok().flatten();
        assert!(stored_old.is_some_and(|p| p.hidden && p.price_net == old.price_net));
        let stored_new = store.plan(new.id).ok().flatten();
        assert!(stored_new.is_some_and(|p| !p.hidden && p.price_net == Money(5500)));
        let used = store.services_per_plan().unwrap_or_default();
        assert_eq!(
            used.get(&1).copied(),
            Some(held),
            "services stay on the old version"
        );
        assert_eq!(used.get(&new.id), None);
        assert!(matches!(
            store.reprice_plan(999, Money(1), vec![]),
            Ok(None)
        ));
    }

    #[test]
    fn an_account_is_disabled_and_enabled_again_by_id() {
        let (_dir, store) = demo();
        let accounts = store.accounts().unwrap_or_default();
        assert_eq!(accounts.len(), 2);
        assert!(accounts.iter().all(|a| !a.disabled));
        let disabled = store.set_account_disabled(accounts[0].id, true);
        assert!(matches!(disabled, Ok(Some(ref a)) if a.disabled));
        let stored = store.account(accounts[0].id).ok().flatten();
        assert!(stored.is_some_and(|a| a.disabled));
        let other = store.account(accounts[1].id).ok().flatten();
        assert!(other.is_some_and(|a| !a.disabled), "only that account");
        let enabled = store.set_account_disabled(accounts[0].id, false);
        assert!(matches!(enabled, Ok(Some(ref a)) if !a.disabled));
        assert!(matches!(store.set_account_disabled(999, true), Ok(None)));
    }
}
