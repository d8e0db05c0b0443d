//! Zapłać online after the notification: verify with the gateway (retried with a growing pause
//! while it fails), then apply to the proforma. Off the request that brought the notification;
//! at start it finishes what a stop left notified or verified.

use crate::domain::audit::Actor;
use crate::domain::online_payment::{OnlinePayment, OnlineState};
use crate::mail;
use crate::payments::{GatewayError, PaymentGateway};
use crate::state::AppState;
use crate::store::{NoticeOutcome, PaidNotice, Store};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::Duration;

/// Waits for a wake-up (a notification) or, at the latest, the next second's retries.
pub async fn run_forever(state: Arc<AppState>) {
    let Some(gateway) = state.gateway.clone() else {
        return;
    };
    loop {
        run_due(&state, gateway.as_ref(), state.clock.now()).await;
        tokio::select! {
            _ = state.payments_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

fn notice_of(payment: &OnlinePayment) -> Option<PaidNotice> {
    Some(PaidNotice {
        session_id: payment.session_id.clone(),
        order_id: payment.order_id?,
        amount: payment.amount,
        currency: payment.currency.clone(),
    })
}

/// Verifies and applies every notified or verified payment that is due.
pub async fn run_due(state: &AppState, gateway: &dyn PaymentGateway, now: Timestamp) {
    let due = match state
        .store
        .blocking(move |s| s.due_online_payments(now))
        .await
    {
        Ok(due) => due,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the online payments to verify");
            return;
        }
    };
    for payment in due {
        if let Err(e) = advance(state, gateway, payment, now).await {
            tracing::error!(error = %e, "online payment not finished; tried again later");
        }
    }
}

async fn advance(
    state: &AppState,
    gateway: &dyn PaymentGateway,
    payment: OnlinePayment,
    now: Timestamp,
) -> Result<(), String> {
    let session = payment.session_id.clone();
    if payment.state == OnlineState::Notified {
        let notice = notice_of(&payment).ok_or("notified without an order id")?;
        if let Err(e) = gateway.verify(&notice).await {
            tracing::warn!(session = %session, error = %e, "verify failed; tried again later");
            let (s, message) = (session.clone(), e.to_string());
            return state
                .store
                .blocking(move |store| store.online_verify_failed(&s, &message, now))
                .await
                .map_err(|e| e.to_string());
        }
        let s = session.clone();
        state
            .store
            .blocking(move |store| store.mark_online_verified(&s))
            .await
            .map_err(|e| e.to_string())?;
    }
    apply(&state.store, &state.base_url, &session, now).await?;
    state.wake_mailer();
    Ok(())
}

async fn apply(store: &Store, base_url: &str, session: &str, now: Timestamp) -> Result<(), String> {
    let (base_url, session) = (base_url.to_string(), session.to_string());
    let applied = store
        .blocking(move |s| {
            let receipt = |account: &crate::domain::Account, r: crate::store::Receipt<'_>| {
                mail::receipt_message(&base_url, account, r)
            };
            s.apply_online_payment(&session, now, &receipt)
        })
        .await
        .map_err(|e| e.to_string())?;
    if let Some(payment) = applied
        && let OnlineState::Applied { note } = &payment.state
    {
        tracing::info!(session = %payment.session_id, %note, "online payment applied");
    }
    Ok(())
}

/// `panel admin payments reconcile`: asks the gateway about every payment not applied and
/// applies the paid ones; one line per payment for the operator.
pub async fn reconcile(
    store: &Store,
    gateway: &dyn PaymentGateway,
    base_url: &str,
    now: Timestamp,
) -> Result<String, String> {
    let payments = store
        .blocking(|s| s.online_payments())
        .await
        .map_err(|e| e.to_string())?;
    let mut lines = Vec::new();
    for payment in payments {
        if matches!(payment.state, OnlineState::Applied { .. }) {
            continue;
        }
        let line = reconcile_one(store, gateway, base_url, &payment, now).await;
        lines.push(format!("{}  {}", payment.session_id, line));
    }
    if lines.is_empty() {
        return Ok("Every online payment is applied.".into());
    }
    Ok(lines.join("\n"))
}

async fn reconcile_one(
    store: &Store,
    gateway: &dyn PaymentGateway,
    base_url: &str,
    payment: &OnlinePayment,
    now: Timestamp,
) -> String {
    let session = payment.session_id.as_str();
    let found = match gateway.by_session_id(session).await {
        Ok(found) => found,
        Err(e) => return format!("gateway error: {e}"),
    };
    let Some(found) = found.filter(|t| t.paid || t.awaiting_verify) else {
        if payment.expired(now) {
            let s = session.to_string();
            let _ = store
                .blocking(move |store| store.fail_online_payment(&s, "not paid at the gateway"))
                .await;
            return "not paid; the session expired (failed)".into();
        }
        return "not paid (yet)".into();
    };
    let notice = PaidNotice {
        session_id: session.to_string(),
        order_id: found.order_id,
        amount: found.amount,
        currency: found.currency,
    };
    let recorded = notice.clone();
    match store
        .blocking(move |s| s.record_online_notice(&recorded, now))
        .await
    {
        Ok(NoticeOutcome::Mismatch(why)) => return format!("amount differs: {why}; not applied"),
        Err(e) => return format!("cannot record: {e}"),
        Ok(_) => {}
    }
    if found.awaiting_verify
        && let Err(e) = gateway.verify(&notice).await
    {
        return match e {
            GatewayError::Unauthorized => "verify refused (401)".into(),
            e => format!("verify failed: {e}"),
        };
    }
    let s = session.to_string();
    if let Err(e) = store
        .blocking(move |store| store.mark_online_verified(&s))
        .await
    {
        return format!("cannot record: {e}");
    }
    let s = session.to_string();
    match apply(store, base_url, session, now).await {
        Ok(()) => match store.blocking(move |store| store.online_payment(&s)).await {
            Ok(Some(p)) => match p.state {
                OnlineState::Applied { note } => format!("applied: {note}"),
                other => other.name().to_string(),
            },
            _ => "applied".into(),
        },
        Err(e) => format!("cannot apply: {e}"),
    }
}

/// `panel admin payments refund --credit-note FK/…`: a credit note to be paid back (`--transfer`)
/// whose invoice was paid online goes back through the gateway, then is recorded as refunded.
/// The gateway's idempotency key is the credit note's, so a retried command refunds once there.
pub async fn refund(
    store: &Store,
    gateway: &dyn PaymentGateway,
    number: &str,
    now: Timestamp,
) -> Result<String, String> {
    use crate::store::{RefundOutcome, RefundTarget};
    let owned = number.to_string();
    let target = store
        .blocking(move |s| s.online_refund_target(&owned))
        .await
        .map_err(|e| e.to_string())?;
    let (note, payment) = match target {
        RefundTarget::NoCreditNote => return Err(format!("no credit note {number}")),
        RefundTarget::NotOnline(note) => {
            return Err(format!(
                "{} corrects an invoice not paid online: send the money by transfer and record it with `refund`",
                note.number
            ));
        }
        RefundTarget::Online {
            credit_note,
            payment,
        } => (credit_note, payment),
    };
    let balance = store
        .balance_of(note.account_id)
        .map_err(|e| e.to_string())?;
    let request = refund_request(&note, &payment, balance)?;
    let order_id = request.order_id;
    gateway
        .refund(&request)
        .await
        .map_err(|e| format!("the gateway did not take the refund: {e}; nothing recorded"))?;
    let reference = format!("P24-refund-{order_id}");
    let (owned, kept) = (note.number.clone(), reference.clone());
    let outcome = store
        .blocking(move |s| s.refund(&owned, Some(&kept), Actor::System, now))
        .await
        .map_err(|e| {
            format!(
                "refunded at the gateway but not recorded ({e}): record it with `panel admin refund --credit-note {} --reference {reference}`",
                note.number
            )
        })?;
    match outcome {
        RefundOutcome::Recorded { amount, .. } => Ok(format!(
            "{} refunded: {amount} sent back through Przelewy24 (order {order_id})",
            note.number
        )),
        _ => Err(format!(
            "{} refunded at the gateway but the panel refused to record it: check `panel admin refund`",
            note.number
        )),
    }
}

/// The refund of `note` through `payment`, if the note waits for one the payment and the
/// prepaid balance cover.
fn refund_request(
    note: &crate::domain::Document,
    payment: &OnlinePayment,
    balance: crate::domain::Money,
) -> Result<crate::payments::RefundRequest, String> {
    if note.refunded.is_some() || !note.refund_due {
        return Err(format!(
            "{} is not waiting for a refund (already refunded, or credited to the balance); nothing changed",
            note.number
        ));
    }
    let amount = crate::domain::Money(-note.total_gross().0);
    let order_id = payment
        .order_id
        .ok_or("the online payment has no order id")?;
    if amount > payment.amount || balance < amount {
        return Err(format!(
            "{} ({amount}) exceeds the online payment ({}) or the prepaid balance ({balance}); nothing changed",
            note.number, payment.amount
        ));
    }
    Ok(crate::payments::RefundRequest {
        refunds_uuid: format!("panel-{}", note.id),
        order_id,
        session_id: payment.session_id.clone(),
        amount,
        description: format!("Zwrot {}", note.number),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::billing::Refunded;
    use crate::domain::{Document, DocumentKind, Line, Money};

    /// A credit note of 10,00 zł (0 % VAT: gross = net) to be paid back by transfer.
    fn note() -> Document {
        Document {
            kind: DocumentKind::CreditNote,
            number: "FK/2026/11/0001".into(),
            lines: vec![Line {
                description: "Korekta".into(),
                service_id: None,
                quantity: 1,
                unit_net: Money(-1000),
                vat_percent: 0,
                period_months: 0,
            }],
            refund_due: true,
            ..Document::unpaid_proforma_for_tests(9, None, jiff::civil::date(2026, 11, 20))
        }
    }

    fn paid_online(amount: i64) -> OnlinePayment {
        OnlinePayment {
            session_id: "s-1".into(),
            account_id: 1,
            document_id: 1,
            document_number: "PF/2026/11/0001".into(),
            amount: Money(amount),
            currency: "PLN".into(),
            registered_at: Timestamp::UNIX_EPOCH,
            state: OnlineState::Applied {
                note: "paid".into(),
            },
            order_id: Some(77),
            notified_at: None,
            attempts: 0,
            next_try_at: None,
            last_error: None,
            applied_at: None,
            result_document: Some(2),
        }
    }

    #[test]
    fn a_refund_of_the_whole_payment_and_the_whole_balance_is_sent() {
        let request = refund_request(&note(), &paid_online(1000), Money(1000))
            .unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!((request.amount, request.order_id), (Money(1000), 77));
        assert_eq!(request.refunds_uuid, "panel-9");
        let more_on_balance = refund_request(&note(), &paid_online(5000), Money(5000));
        assert_eq!(more_on_balance.map(|r| r.amount), Ok(Money(1000)));
    }

    #[test]
    fn a_refund_above_the_payment_or_the_balance_is_refused() {
        assert!(refund_request(&note(), &paid_online(999), Money(5000)).is_err());
        assert!(refund_request(&note(), &paid_online(5000), Money(999)).is_err());
    }

    #[test]
    fn a_note_credited_to_the_balance_or_already_refunded_is_not_sent() {
        let to_balance = Document {
            refund_due: false,
            ..note()
        };
        assert!(refund_request(&to_balance, &paid_online(1000), Money(1000)).is_err());
        let refunded = Document {
            refunded: Some(Refunded {
                at: Timestamp::UNIX_EPOCH,
                reference: None,
            }),
            ..note()
        };
        assert!(refund_request(&refunded, &paid_online(1000), Money(1000)).is_err());
    }
}
