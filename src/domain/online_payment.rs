//! A payment made online through a gateway (Przelewy24): registered before the customer leaves,
//! notified by the gateway, verified with it, then applied to its proforma once.

use super::Money;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Where an online payment is; only `Applied` has moved money in the panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnlineState {
    /// Registered with the gateway; the customer was sent there.
    Registered,
    /// The gateway's signed notification arrived and matched the registration.
    Notified,
    /// The gateway confirmed the payment (verify): it is to be applied.
    Verified,
    /// Recorded against the proforma (invoice, ledger, e-mail); `note` says how.
    Applied { note: String },
    /// Given up; the reason is for the operator.
    Failed { reason: String },
}

impl OnlineState {
    pub fn name(&self) -> &'static str {
        match self {
            OnlineState::Registered => "registered",
            OnlineState::Notified => "notified",
            OnlineState::Verified => "verified",
            OnlineState::Applied { .. } => "applied",
            OnlineState::Failed { .. } => "failed",
        }
    }

    /// Notified or verified: the work of the payments job.
    pub fn is_pending(&self) -> bool {
        matches!(self, OnlineState::Notified | OnlineState::Verified)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OnlinePayment {
    /// Ours, sent to the gateway as `sessionId`.
    pub session_id: String,
    pub account_id: u64,
    pub document_id: u64,
    pub document_number: String,
    pub amount: Money,
    pub currency: String,
    pub registered_at: Timestamp,
    pub state: OnlineState,
    /// The gateway's transaction number, from the notification.
    #[serde(default)]
    pub order_id: Option<u64>,
    #[serde(default)]
    pub notified_at: Option<Timestamp>,
    /// Failed verify calls so far, and when the next one is due.
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub next_try_at: Option<Timestamp>,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub applied_at: Option<Timestamp>,
    /// The document the payment produced (invoice or confirmation), when it produced one.
    #[serde(default)]
    pub result_document: Option<u64>,
}

/// Minutes the customer has at the gateway; later the return page calls the session expired.
pub const SESSION_MINUTES: i64 = 15;

impl OnlinePayment {
    /// The gateway's reference of the payment in the panel's payments (one payment per reference).
    pub fn reference(&self) -> Option<String> {
        self.order_id.map(|id| format!("P24-{id}"))
    }

    /// Registered and left there past the gateway's time limit.
    pub fn expired(&self, now: Timestamp) -> bool {
        self.state == OnlineState::Registered
            && now.duration_since(self.registered_at).as_secs() > SESSION_MINUTES * 60 + 60
    }

    /// Seconds until the next verify attempt after `attempts` failures: 1, 2, 4 … up to 10 minutes.
    pub fn backoff_seconds(attempts: u32) -> i64 {
        1i64 << attempts.min(10).saturating_sub(1).min(9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered(at: Timestamp) -> OnlinePayment {
        OnlinePayment {
            session_id: "s".into(),
            account_id: 1,
            document_id: 2,
            document_number: "PRO/2026/12/0001".into(),
            amount: Money(12300),
            currency: "PLN".into(),
            registered_at: at,
            state: OnlineState::Registered,
            order_id: None,
            notified_at: None,
            attempts: 0,
            next_try_at: None,
            last_error: None,
            applied_at: None,
            result_document: None,
        }
    }

    #[test]
    fn only_notified_and_verified_payments_wait_for_the_job() {
        let pending: Vec<bool> = [
            OnlineState::Registered,
            OnlineState::Notified,
            OnlineState::Verified,
            OnlineState::Applied {
                note: String::new(),
            },
            OnlineState::Failed {
                reason: String::new(),
            },
        ]
        .iter()
        .map(OnlineState::is_pending)
        .collect();
        assert_eq!(pending, [false, true, true, false, false]);
    }

    #[test]
    fn the_reference_is_the_gateways_order_number_once_notified() {
        let mut payment = registered(Timestamp::UNIX_EPOCH);
        assert_eq!(payment.reference(), None);
        payment.order_id = Some(4321);
        assert_eq!(payment.reference().as_deref(), Some("P24-4321"));
    }

    #[test]
    fn a_registration_expires_a_minute_after_the_gateways_fifteen() {
        let at = Timestamp::UNIX_EPOCH;
        let payment = registered(at);
        let after = |secs: i64| at + jiff::SignedDuration::from_secs(secs);
        assert!(!payment.expired(after(16 * 60)), "16 minutes: not yet");
        assert!(payment.expired(after(16 * 60 + 1)));
        let mut notified = registered(at);
        notified.state = OnlineState::Notified;
        assert!(
            !notified.expired(after(3600)),
            "a notified payment never expires"
        );
    }

    #[test]
    fn verify_retries_back_off_up_to_ten_minutes() {
        let waits: Vec<i64> = (1..=12).map(OnlinePayment::backoff_seconds).collect();
        assert_eq!(&waits[..4], &[1, 2, 4, 8]);
        assert_eq!(waits[11], 512);
    }
}
