//! Online payment gateways behind one small trait, so pages, jobs and the ledger do not know
//! which gateway takes the money. Przelewy24 is the one there is.

pub mod p24;

use crate::domain::Money;
use crate::store::PaidNotice;
use std::future::Future;
use std::pin::Pin;

pub use p24::Przelewy24;

pub type GatewayFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, GatewayError>> + Send + 'a>>;

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The gateway refused our credentials (HTTP 401).
    #[error("the gateway refused the credentials (401)")]
    Unauthorized,
    #[error("the gateway answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("cannot reach the gateway: {0}")]
    Transport(String),
    #[error("the gateway's answer could not be read: {0}")]
    Answer(String),
}

/// A payment to register: the customer then pays at `payment_url(token)`.
#[derive(Clone, Debug)]
pub struct Registration {
    pub session_id: String,
    pub amount: Money,
    pub currency: String,
    /// Names the document, e.g. "Proforma PRO/2026/12/0003".
    pub description: String,
    pub email: String,
    pub url_return: String,
    pub url_status: String,
}

/// Money sent back to the payer of an online payment (a credit note's refund).
#[derive(Clone, Debug)]
pub struct RefundRequest {
    /// Ours, the same on every try of one refund (the gateway's idempotency key).
    pub refunds_uuid: String,
    pub order_id: u64,
    pub session_id: String,
    pub amount: Money,
    /// Seen by the payer on the transfer (at most 35 characters).
    pub description: String,
}

/// What the gateway knows of a session (reconciliation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayTransaction {
    pub order_id: u64,
    pub amount: Money,
    pub currency: String,
    /// Paid and confirmed by the gateway.
    pub paid: bool,
    /// Paid and waiting for our verify call.
    pub awaiting_verify: bool,
}

pub trait PaymentGateway: Send + Sync {
    /// Checks the credentials (at start).
    fn test_access(&self) -> GatewayFuture<'_, ()>;
    /// Registers a payment; the token the customer pays with.
    fn register<'a>(&'a self, registration: &'a Registration) -> GatewayFuture<'a, String>;
    /// Where the customer pays a registered payment.
    fn payment_url(&self, token: &str) -> String;
    /// Confirms a notified payment with the gateway (until then it is not settled).
    fn verify<'a>(&'a self, notice: &'a PaidNotice) -> GatewayFuture<'a, ()>;
    /// Looks a session up; `None` when the gateway has no such transaction.
    fn by_session_id<'a>(
        &'a self,
        session_id: &'a str,
    ) -> GatewayFuture<'a, Option<GatewayTransaction>>;
    /// Sends `refund.amount` of a paid transaction back to its payer.
    fn refund<'a>(&'a self, refund: &'a RefundRequest) -> GatewayFuture<'a, ()>;
    /// Parses a notification and checks its signature and merchant: only then is it a notice.
    fn check_notification(&self, body: &[u8]) -> Result<PaidNotice, String>;
}
