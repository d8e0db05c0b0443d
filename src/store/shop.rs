//! The shop: each user's cart, "Zamów" (the order, its proforma and e-mail in one transaction)
//! and the order's fulfilment when its proforma is paid, by whatever path.

use super::billing::{Compose, insert_document, issue};
use super::codec::{decode, get, next_in_sequence, put};
use super::ledger::{remember, replayed};
use super::outbox::enqueue;
use super::schema::{
    ACCOUNTS, CARTS, DOCUMENTS, ORDERS, ORDERS_BY_PROFORMA, PLANS, SERVICES, SERVICES_BY_ACCOUNT,
};
use super::{Result, Store, StoreError};
use crate::domain::billing::PAYMENT_TERM_DAYS;
use crate::domain::service::Lifecycle;
use crate::domain::shop::{Cart, CartItem, DomainName, Order};
use crate::domain::time::{add_days, checked_add_months, today};
use crate::domain::{Account, Document, DocumentKind, Plan, Service, ServiceDetails, ServiceKind};
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};

/// What a change of the cart did.
#[derive(Debug)]
pub enum CartChange {
    /// Done: the cart as it is now.
    Done(Cart),
    /// The domain is held in this panel, ordered and not yet paid, or already in the cart.
    DomainTaken,
    /// The plan is not on sale (withdrawn, unknown) or does not offer the period.
    NotOffered,
    /// No such item in the cart.
    NotFound,
}

/// What "Zamów" did.
#[derive(Debug)]
pub enum OrderOutcome {
    /// The order's proforma (a replayed form gets the first one back).
    Placed(Box<Document>),
    /// Nothing to order.
    Empty,
    /// An item can no longer be ordered (named by its position's description): nothing stored.
    Unavailable(String),
}

pub(super) fn cart_in(tx: &WriteTransaction, user_id: u64) -> Result<Cart> {
    Ok(get::<Cart>(&tx.open_table(CARTS)?, user_id)?.unwrap_or_default())
}

pub(super) fn save_cart(tx: &WriteTransaction, user_id: u64, cart: &Cart) -> Result<()> {
    let mut carts = tx.open_table(CARTS)?;
    if cart.items.is_empty() {
        carts.remove(user_id)?;
    } else {
        put(&mut carts, user_id, cart)?;
    }
    Ok(())
}

/// The plan, if it is on sale and offers `months`.
pub(super) fn offered_plan(
    tx: &WriteTransaction,
    plan_id: u64,
    months: u32,
) -> Result<Option<Plan>> {
    let plan: Option<Plan> = get(&tx.open_table(PLANS)?, plan_id)?;
    Ok(plan.filter(|p| !p.hidden && p.offers(months)))
}

/// Whether a domain (ASCII) is held by any account of this panel, or ordered and not yet paid.
fn domain_taken(tx: &WriteTransaction, ascii: &str) -> Result<bool> {
    for row in tx.open_table(SERVICES)?.iter()? {
        let service: Service = decode(row?.1.value())?;
        // A name the operator entered may be in Unicode or capitals: compare ASCII forms.
        let held = || {
            DomainName::parse(&service.name)
                .map(|d| d.ascii() == ascii)
                .unwrap_or_else(|_| service.name.eq_ignore_ascii_case(ascii))
        };
        if service.kind == ServiceKind::Domain && service.lifecycle != Lifecycle::Deleted && held()
        {
            return Ok(true);
        }
    }
    let plans = tx.open_table(PLANS)?;
    let documents = tx.open_table(DOCUMENTS)?;
    for row in tx.open_table(ORDERS)?.iter()? {
        let order: Order = decode(row?.1.value())?;
        if order.fulfilled_at.is_some() {
            continue;
        }
        let proforma: Option<Document> = get(&documents, order.proforma_id)?;
        if !proforma.is_some_and(|p| p.is_unpaid()) {
            continue;
        }
        for item in order.items.iter().filter(|i| i.name == ascii) {
            let plan: Option<Plan> = get(&plans, item.plan_id)?;
            if plan.is_some_and(|p| p.kind == ServiceKind::Domain) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Whether a domain item may go into (or stay in) an order: not taken, not twice in the cart.
fn domain_free(tx: &WriteTransaction, plan: &Plan, name: &str, cart: &[CartItem]) -> Result<bool> {
    if plan.kind != ServiceKind::Domain {
        return Ok(true);
    }
    let plans = tx.open_table(PLANS)?;
    for other in cart.iter().filter(|i| i.name == name) {
        let other_plan: Option<Plan> = get(&plans, other.plan_id)?;
        if other_plan.is_some_and(|p| p.kind == ServiceKind::Domain) {
            return Ok(false);
        }
    }
    // redb refuses to open a table twice in one transaction.
    drop(plans);
    Ok(!domain_taken(tx, name)?)
}

impl Store {
    /// The user's cart (empty if none).
    pub fn cart_of(&self, user_id: u64) -> Result<Cart> {
        Ok(get::<Cart>(&self.read()?.open_table(CARTS)?, user_id)?.unwrap_or_default())
    }

    /// Adds a plan for `months` under `name` (a domain's ASCII name) to the user's cart.
    pub fn add_to_cart(
        &self,
        user_id: u64,
        plan_id: u64,
        months: u32,
        name: String,
    ) -> Result<CartChange> {
        self.write(|tx| {
            let Some(plan) = offered_plan(tx, plan_id, months)? else {
                return Ok(CartChange::NotOffered);
            };
            let mut cart = cart_in(tx, user_id)?;
            if !domain_free(tx, &plan, &name, &cart.items)? {
                return Ok(CartChange::DomainTaken);
            }
            let id = next_in_sequence(tx, "cart_item")?;
            cart.items.push(CartItem {
                id,
                plan_id,
                months,
                name,
            });
            save_cart(tx, user_id, &cart)?;
            Ok(CartChange::Done(cart))
        })
    }

    /// Changes the period of one item of the user's cart.
    pub fn set_cart_period(&self, user_id: u64, item_id: u64, months: u32) -> Result<CartChange> {
        self.write(|tx| {
            let mut cart = cart_in(tx, user_id)?;
            let Some(item) = cart.items.iter_mut().find(|i| i.id == item_id) else {
                return Ok(CartChange::NotFound);
            };
            if offered_plan(tx, item.plan_id, months)?.is_none() {
                return Ok(CartChange::NotOffered);
            }
            item.months = months;
            save_cart(tx, user_id, &cart)?;
            Ok(CartChange::Done(cart))
        })
    }

    /// Removes one item from the user's cart (removing it twice changes nothing more).
    pub fn remove_from_cart(&self, user_id: u64, item_id: u64) -> Result<CartChange> {
        self.write(|tx| {
            let mut cart = cart_in(tx, user_id)?;
            cart.items.retain(|i| i.id != item_id);
            save_cart(tx, user_id, &cart)?;
            Ok(CartChange::Done(cart))
        })
    }

    /// Zamów: in one transaction the order, ONE proforma with a line per item (due in the payment
    /// term), the cart emptied and the proforma e-mail queued. A form replayed with the same `key`
    /// gets the first proforma back.
    pub fn place_order(
        &self,
        account_id: u64,
        user_id: u64,
        key: &str,
        now: Timestamp,
        compose: Compose<'_>,
    ) -> Result<OrderOutcome> {
        self.write(|tx| {
            let key = format!("zamow/{key}");
            if let Some(first) = replayed::<u64>(tx, account_id, &key)? {
                return get::<Document>(&tx.open_table(DOCUMENTS)?, first)?
                    .map(|d| OrderOutcome::Placed(Box::new(d)))
                    .ok_or(StoreError::NotFound("proforma"));
            }
            let cart = cart_in(tx, user_id)?;
            if cart.items.is_empty() {
                return Ok(OrderOutcome::Empty);
            }
            let mut lines = Vec::with_capacity(cart.items.len());
            for (i, item) in cart.items.iter().enumerate() {
                let plan = offered_plan(tx, item.plan_id, item.months)?;
                let line = plan.as_ref().and_then(|p| item.line(p));
                let (Some(plan), Some(line)) = (plan, line) else {
                    return Ok(OrderOutcome::Unavailable(item.name.clone()));
                };
                if !domain_free(tx, &plan, &item.name, &cart.items[..i])? {
                    return Ok(OrderOutcome::Unavailable(line.description));
                }
                lines.push(line);
            }
            let account: Account = get(&tx.open_table(ACCOUNTS)?, account_id)?
                .ok_or(StoreError::NotFound("account"))?;
            let mut proforma = issue(tx, &account, DocumentKind::Proforma, lines, now)?;
            proforma.due_on = Some(add_days(today(now), PAYMENT_TERM_DAYS));
            insert_document(tx, &proforma)?;
            let order = Order {
                id: next_in_sequence(tx, "order")?,
                account_id,
                user_id,
                proforma_id: proforma.id,
                items: cart.items,
                created_at: now,
                fulfilled_at: None,
                service_ids: Vec::new(),
            };
            put(&mut tx.open_table(ORDERS)?, order.id, &order)?;
            tx.open_table(ORDERS_BY_PROFORMA)?
                .insert(proforma.id, order.id)?;
            save_cart(tx, user_id, &Cart::default())?;
            enqueue(tx, compose(&account, &proforma), now)?;
            remember(tx, account_id, &key, &proforma.id)?;
            Ok(OrderOutcome::Placed(Box::new(proforma)))
        })
    }

    /// The order a proforma bills, if it is an order's.
    pub fn order_of_proforma(&self, proforma_id: u64) -> Result<Option<Order>> {
        let tx = self.read()?;
        let order_id = tx
            .open_table(ORDERS_BY_PROFORMA)?
            .get(proforma_id)?
            .map(|v| v.value());
        match order_id {
            Some(id) => get(&tx.open_table(ORDERS)?, id),
            None => Ok(None),
        }
    }
}

/// Creates the services of the order `proforma` bills, Live from the payment day for the period
/// ordered, and marks the order fulfilled: once, however often the proforma is settled. Runs in
/// the settling transaction (`billing::settle`).
pub(super) fn fulfil_order(
    tx: &WriteTransaction,
    proforma: &Document,
    now: Timestamp,
) -> Result<()> {
    let order_id = tx
        .open_table(ORDERS_BY_PROFORMA)?
        .get(proforma.id)?
        .map(|v| v.value());
    let Some(order_id) = order_id else {
        return Ok(());
    };
    let mut order: Order =
        get(&tx.open_table(ORDERS)?, order_id)?.ok_or(StoreError::NotFound("order"))?;
    if order.fulfilled_at.is_some() {
        return Ok(());
    }
    let paid_on = today(now);
    for item in &order.items {
        let plan: Plan =
            get(&tx.open_table(PLANS)?, item.plan_id)?.ok_or(StoreError::NotFound("plan"))?;
        let expires_on = checked_add_months(paid_on, item.months).ok_or_else(|| {
            StoreError::Conflict(format!("{} cannot run {} months", item.name, item.months))
        })?;
        let service = Service {
            id: next_in_sequence(tx, "service")?,
            account_id: order.account_id,
            kind: plan.kind,
            name: item.name.clone(),
            plan_id: plan.id,
            lifecycle: Lifecycle::Live,
            expires_on,
            auto_renew: false,
            renewal_months: Some(item.months),
            details: ServiceDetails::None,
            created_at: now,
        };
        // A certificate is issued once paid: its task goes with the service it creates.
        let service = super::ssl::with_issue_task(tx, service, now)?;
        put(&mut tx.open_table(SERVICES)?, service.id, &service)?;
        tx.open_table(SERVICES_BY_ACCOUNT)?
            .insert((service.account_id, service.id), ())?;
        super::lifecycle::reindex(tx, &service)?;
        order.service_ids.push(service.id);
    }
    order.fulfilled_at = Some(now);
    put(&mut tx.open_table(ORDERS)?, order.id, &order)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::store::NewMessage;
    use crate::store::testing::{firm, store_with};

    fn mail(_: &Account, _: &Document) -> NewMessage {
        NewMessage {
            to: "jan@firma.pl".into(),
            subject: String::new(),
            text: String::new(),
            html: String::new(),
            secret: false,
        }
    }

    /// A store with an account (its id, its owner's id) and a domain plan's id.
    fn store_with_plan() -> (tempfile::TempDir, Store, (u64, u64), u64) {
        let (dir, store, account, user) = store_with(firm("Firma", None));
        let plan = store
            .add_plan(Plan {
                id: 0,
                kind: ServiceKind::Domain,
                name: "Domena .pl".into(),
                price_net: Money(4900),
                vat_percent: 23,
                period_months: 12,
                periods: vec![24],
                prices: vec![],
                hidden: false,
            })
            .unwrap_or_else(|e| unreachable!("{e}"));
        (dir, store, (account.id, user.id), plan.id)
    }

    #[test]
    fn an_order_takes_its_domain_until_paid_and_is_fulfilled_once() -> Result<()> {
        let (_dir, store, (account, user), plan) = store_with_plan();
        let added = store.add_to_cart(user, plan, 24, "firma.pl".into())?;
        assert!(matches!(added, CartChange::Done(_)), "{added:?}");
        let twice = store.add_to_cart(user, plan, 12, "firma.pl".into())?;
        assert!(matches!(twice, CartChange::DomainTaken));
        let OrderOutcome::Placed(proforma) =
            store.place_order(account, user, "k1", Timestamp::UNIX_EPOCH, &mail)?
        else {
            unreachable!("the cart has an item")
        };
        assert!(store.cart_of(user)?.items.is_empty());
        let again = store.add_to_cart(user, plan, 12, "firma.pl".into())?;
        assert!(matches!(again, CartChange::DomainTaken), "ordered, unpaid");
        let order = store.order_of_proforma(proforma.id)?;
        assert!(order.is_some_and(|o| o.fulfilled_at.is_none()));
        Ok(())
    }
}
