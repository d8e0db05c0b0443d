//! SSL certificates: ordering one for an owned domain (into the cart, checked in the same
//! transaction), the issue task written when the order is paid, the chain stored when a driver
//! or the operator hands it over, and the orders still waiting for payment.

use super::codec::{decode, get, next_in_sequence, owned_ids, put};
use super::schema::{DOCUMENTS, ORDERS, PLANS, SERVICES, SERVICES_BY_ACCOUNT};
use super::shop::{cart_in, offered_plan, save_cart};
use super::tasks::add_task;
use super::{Result, Store};
use crate::domain::service::Lifecycle;
use crate::domain::shop::{Cart, CartItem, Order};
use crate::domain::ssl::{ChainError, IssuedChain, ascii_name, parse_chain};
use crate::domain::task::TaskAction;
use crate::domain::{Document, Plan, Service, ServiceDetails, ServiceKind};
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};

/// What "Zamów certyfikat" did.
#[derive(Debug)]
pub enum CertificateOrder {
    /// In the cart, as it is now.
    Added(Cart),
    /// The account holds no live domain of that name.
    NotOwned,
    /// The domain has a certificate of that plan already: live, ordered or in the cart.
    AlreadyHas,
    /// The plan is not an SSL plan on sale, or does not offer the period.
    NotOffered,
}

/// What `install_certificate` did.
#[derive(Debug)]
pub enum InstallOutcome {
    Installed(Box<Service>),
    NotFound,
    Refused(ChainError),
}

/// An ordered certificate whose proforma is not paid yet.
#[derive(Clone, Debug)]
pub struct PendingCertificate {
    pub domain: String,
    pub plan_id: u64,
    pub months: u32,
    pub proforma: Document,
}

/// A new service of an order: an SSL certificate gets its details and its issue task.
pub(super) fn with_issue_task(
    tx: &WriteTransaction,
    mut service: Service,
    now: Timestamp,
) -> Result<Service> {
    if service.kind != ServiceKind::Ssl {
        return Ok(service);
    }
    // Only a domain can be certified (the Sklep takes any name for an SSL item; /ssl only the
    // account's domains): without one the certificate waits for the operator.
    let Ok(domain) = crate::domain::shop::DomainName::parse(&service.name) else {
        return Ok(service);
    };
    service.name = domain.ascii().to_string();
    service.details = ServiceDetails::Ssl {
        common_name: service.name.clone(),
        chain: None,
        valid_from: None,
        valid_to: None,
    };
    let common_name = service.name.clone();
    add_task(
        tx,
        &service,
        TaskAction::IssueCertificate { common_name },
        now,
    )?;
    Ok(service)
}

/// A renewed certificate is a new one: its issue task goes with the renewal's payment (the old
/// chain stays downloadable until the new one is stored).
pub(super) fn reissue_on_renewal(
    tx: &WriteTransaction,
    service: &Service,
    now: Timestamp,
) -> Result<()> {
    if let ServiceDetails::Ssl { common_name, .. } = &service.details
        && service.kind == ServiceKind::Ssl
        && !common_name.is_empty()
    {
        let common_name = common_name.clone();
        add_task(
            tx,
            service,
            TaskAction::IssueCertificate { common_name },
            now,
        )?;
    }
    Ok(())
}

/// Stores an issued chain on its SSL service (in the caller's transaction); whether it did.
pub(super) fn store_chain(
    tx: &WriteTransaction,
    service_id: u64,
    issued: &IssuedChain,
) -> Result<bool> {
    let mut services = tx.open_table(SERVICES)?;
    let service: Option<Service> = get(&services, service_id)?;
    let Some(mut service) = service else {
        return Ok(false);
    };
    let ServiceDetails::Ssl {
        chain,
        valid_from,
        valid_to,
        ..
    } = &mut service.details
    else {
        return Ok(false);
    };
    *chain = Some(issued.pem.clone());
    *valid_from = Some(issued.valid_from);
    *valid_to = Some(issued.valid_to);
    put(&mut services, service.id, &service)?;
    Ok(true)
}

/// The domain (ASCII) an SSL service is for.
fn common_name(service: &Service) -> &str {
    match &service.details {
        ServiceDetails::Ssl { common_name, .. } if !common_name.is_empty() => common_name,
        _ => &service.name,
    }
}

/// Unpaid, unfulfilled orders of the account with their proformas.
fn unpaid_orders(
    orders: &impl ReadableTable<u64, &'static [u8]>,
    documents: &impl ReadableTable<u64, &'static [u8]>,
    account_id: u64,
) -> Result<Vec<(Order, Document)>> {
    let mut list = Vec::new();
    for row in orders.iter()? {
        let order: Order = decode(row?.1.value())?;
        if order.account_id != account_id || order.fulfilled_at.is_some() {
            continue;
        }
        let proforma: Option<Document> = get(documents, order.proforma_id)?;
        if let Some(proforma) = proforma.filter(Document::is_unpaid) {
            list.push((order, proforma));
        }
    }
    Ok(list)
}

/// The account's services, read through its index.
fn account_services(tx: &WriteTransaction, account_id: u64) -> Result<Vec<Service>> {
    let services = tx.open_table(SERVICES)?;
    let mut list = Vec::new();
    for id in owned_ids(&tx.open_table(SERVICES_BY_ACCOUNT)?, account_id)? {
        if let Some(service) = get(&services, id)? {
            list.push(service);
        }
    }
    Ok(list)
}

/// Whether the account already has a certificate of `plan` for `domain`: a service not deleted,
/// an unpaid order, or an item in the cart.
fn has_certificate(
    tx: &WriteTransaction,
    account_id: u64,
    plan: &Plan,
    domain: &str,
    cart: &[CartItem],
) -> Result<bool> {
    let same = |item: &CartItem| item.plan_id == plan.id && item.name == domain;
    if cart.iter().any(same) {
        return Ok(true);
    }
    for service in account_services(tx, account_id)? {
        if service.kind == ServiceKind::Ssl
            && service.plan_id == plan.id
            && service.lifecycle != Lifecycle::Deleted
            && common_name(&service) == domain
        {
            return Ok(true);
        }
    }
    let (orders, documents) = (tx.open_table(ORDERS)?, tx.open_table(DOCUMENTS)?);
    Ok(unpaid_orders(&orders, &documents, account_id)?
        .iter()
        .any(|(order, _)| order.items.iter().any(same)))
}

/// Whether the account holds the live domain `domain` (ASCII).
fn owns_domain(tx: &WriteTransaction, account_id: u64, domain: &str) -> Result<bool> {
    for service in account_services(tx, account_id)? {
        if service.kind == ServiceKind::Domain
            && service.lifecycle == Lifecycle::Live
            && ascii_name(&service.name) == domain
        {
            return Ok(true);
        }
    }
    Ok(false)
}

impl Store {
    /// Puts a certificate of `plan_id` for `months` for the account's domain `domain` (ASCII)
    /// into the user's cart, if the domain is the account's and has no such certificate yet.
    pub fn order_certificate(
        &self,
        account_id: u64,
        user_id: u64,
        plan_id: u64,
        months: u32,
        domain: &str,
    ) -> Result<CertificateOrder> {
        self.write(|tx| {
            let Some(plan) =
                offered_plan(tx, plan_id, months)?.filter(|p| p.kind == ServiceKind::Ssl)
            else {
                return Ok(CertificateOrder::NotOffered);
            };
            if !owns_domain(tx, account_id, domain)? {
                return Ok(CertificateOrder::NotOwned);
            }
            let mut cart = cart_in(tx, user_id)?;
            if has_certificate(tx, account_id, &plan, domain, &cart.items)? {
                return Ok(CertificateOrder::AlreadyHas);
            }
            cart.items.push(CartItem {
                id: next_in_sequence(tx, "cart_item")?,
                plan_id,
                months,
                name: domain.to_string(),
            });
            save_cart(tx, user_id, &cart)?;
            Ok(CertificateOrder::Added(cart))
        })
    }

    /// The account's ordered certificates whose proforma is not paid yet.
    pub fn pending_certificates(&self, account_id: u64) -> Result<Vec<PendingCertificate>> {
        let tx = self.read()?;
        let plans = tx.open_table(PLANS)?;
        let (orders, documents) = (tx.open_table(ORDERS)?, tx.open_table(DOCUMENTS)?);
        let mut list = Vec::new();
        {
            for (order, proforma) in unpaid_orders(&orders, &documents, account_id)? {
                for item in order.items {
                    let plan: Option<Plan> = get(&plans, item.plan_id)?;
                    if plan.is_some_and(|p| p.kind == ServiceKind::Ssl) {
                        list.push(PendingCertificate {
                            domain: item.name,
                            plan_id: item.plan_id,
                            months: item.months,
                            proforma: proforma.clone(),
                        });
                    }
                }
            }
        }
        Ok(list)
    }

    /// The operator's `ssl install`: checks `pem` is a chain for the certificate's domain and
    /// stores it.
    pub fn install_certificate(&self, service_id: u64, pem: &str) -> Result<InstallOutcome> {
        self.write(|tx| {
            let service: Option<Service> = get(&tx.open_table(SERVICES)?, service_id)?;
            let Some(service) = service.filter(|s| s.kind == ServiceKind::Ssl) else {
                return Ok(InstallOutcome::NotFound);
            };
            let issued = match parse_chain(pem, common_name(&service)) {
                Ok(issued) => issued,
                Err(e) => return Ok(InstallOutcome::Refused(e)),
            };
            if !matches!(service.details, ServiceDetails::Ssl { .. }) {
                let mut service = service.clone();
                service.details = ServiceDetails::Ssl {
                    common_name: service.name.clone(),
                    chain: None,
                    valid_from: None,
                    valid_to: None,
                };
                put(&mut tx.open_table(SERVICES)?, service.id, &service)?;
            }
            store_chain(tx, service_id, &issued)?;
            let stored: Option<Service> = get(&tx.open_table(SERVICES)?, service_id)?;
            Ok(stored.map_or(InstallOutcome::NotFound, |s| {
                InstallOutcome::Installed(Box::new(s))
            }))
        })
    }
}
