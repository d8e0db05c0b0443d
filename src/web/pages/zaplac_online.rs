//! Zapłać online: registering with the gateway and sending the customer there, the page the
//! customer comes back to (it never marks anything paid), and the gateway's notification.

use super::faktury::own_document;
use crate::domain::access::Action;
use crate::domain::online_payment::{OnlinePayment, OnlineState};
use crate::domain::{Document, DocumentKind, DocumentStatus};
use crate::payments::Registration;
use crate::state::AppState;
use crate::store::NoticeOutcome;
use crate::web::context::{Auth, Ctx, redirect};
use crate::web::error::{AppError, WebResult};
use crate::web::views::components::csrf_field;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Body, IntoResponse, Response, handler};
use std::sync::Arc;

/// The Zapłać online form of the Zapłać page; nothing without a configured gateway.
pub fn online_form(ctx: &Ctx, document_id: u64) -> Markup {
    if ctx.state.gateway.is_none() {
        return html! {};
    }
    html! {
        section.block #online {
            h2 { "Zapłać online" }
            p { "BLIK, szybki przelew z Twojego banku lub karta — przez Przelewy24. Usługa zostanie przedłużona zaraz po potwierdzeniu płatności." }
            form method="post" action={ "/faktury/" (document_id) "/zaplac-online" } {
                (csrf_field(&ctx.csrf))
                button.button type="submit" { "Zapłać online" }
            }
        }
    }
}

fn document_name(kind_top_up: bool, number: &str) -> String {
    if kind_top_up {
        format!("Doładowanie salda, proforma {number}")
    } else {
        format!("Proforma {number}")
    }
}

/// A new session for the proforma: its exact amount, a description naming it, our URLs.
fn registration_of(ctx: &Ctx, auth: &Auth, proforma: &Document) -> Registration {
    let token = crate::random::token();
    let session_id = format!("pk-{}-{}", proforma.id, &token[..24]);
    let base = &ctx.state.base_url;
    Registration {
        url_return: format!("{base}/platnosci/online/{session_id}"),
        url_status: format!("{base}{}", crate::web::guard::GATEWAY_NOTIFICATION),
        session_id,
        amount: proforma.total_gross(),
        currency: "PLN".into(),
        description: document_name(proforma.top_up, &proforma.number),
        email: auth.user().email.to_string(),
    }
}

/// The payment as stored before the customer leaves for the gateway.
fn registered(
    registration: &Registration,
    account_id: u64,
    proforma: &Document,
    now: jiff::Timestamp,
) -> OnlinePayment {
    OnlinePayment {
        session_id: registration.session_id.clone(),
        account_id,
        document_id: proforma.id,
        document_number: proforma.number.clone(),
        amount: registration.amount,
        currency: registration.currency.clone(),
        registered_at: now,
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

#[handler]
pub async fn view_zaplac_online_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
) -> WebResult<Response> {
    auth.require(Action::HandleBilling)?;
    let Some(gateway) = ctx.state.gateway.clone() else {
        return Err(AppError::NotFound);
    };
    let proforma = own_document(&ctx, &auth, &id)?;
    match proforma.status {
        DocumentStatus::Unpaid if proforma.kind == DocumentKind::Proforma => {}
        DocumentStatus::Paid { invoice_id, .. } => {
            return Ok(ctx.redirect_with_flash(
                &format!("/faktury/{invoice_id}"),
                "Ta proforma jest już opłacona.",
            ));
        }
        _ => return Ok(redirect(&format!("/faktury/{}", proforma.id))),
    }
    let registration = registration_of(&ctx, &auth, &proforma);
    let zaplac = format!("/faktury/{}/zaplac", proforma.id);
    let token = match gateway.register(&registration).await {
        Ok(token) => token,
        Err(e) => {
            tracing::warn!(error = %e, "the gateway did not register a payment");
            let message = "Płatność online jest chwilowo niedostępna. Spróbuj ponownie za chwilę albo zapłać przelewem.";
            return Ok(ctx.redirect_with_flash(&zaplac, message));
        }
    };
    let payment = registered(&registration, auth.account().id, &proforma, ctx.now());
    ctx.state
        .store
        .blocking(move |s| s.register_online_payment(&payment))
        .await?;
    let to = gateway.payment_url(&token);
    let mut response = redirect(&to);
    if ctx.htmx
        && let Ok(value) = poem::http::HeaderValue::from_str(&to)
    {
        response.headers_mut().insert("HX-Redirect", value);
    }
    Ok(response)
}

/// The gateway's notification: 200 once recorded (verify and apply follow in the payments job),
/// 400 for anything not signed by the gateway or not matching what we registered.
#[handler]
pub async fn view_p24_status_post(state: Data<&Arc<AppState>>, body: Body) -> Response {
    let Some(gateway) = state.gateway.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(bytes) = body.into_bytes().await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let notice = match gateway.check_notification(&bytes) {
        Ok(notice) => notice,
        Err(why) => {
            tracing::warn!(%why, "payment notification rejected");
            return StatusCode::BAD_REQUEST.into_response();
        }
    };
    let now = state.clock.now();
    let session = notice.session_id.clone();
    let outcome = state
        .store
        .blocking(move |s| s.record_online_notice(&notice, now))
        .await;
    match outcome {
        Ok(NoticeOutcome::Recorded) | Ok(NoticeOutcome::Repeated) => {
            state.payments_wake.notify_one();
            (StatusCode::OK, "OK").into_response()
        }
        Ok(NoticeOutcome::UnknownSession) => {
            tracing::warn!(%session, "payment notification for an unknown session rejected");
            StatusCode::BAD_REQUEST.into_response()
        }
        Ok(NoticeOutcome::Mismatch(why)) => {
            tracing::warn!(%session, %why, "payment notification not matching its registration rejected");
            StatusCode::BAD_REQUEST.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot record a payment notification");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Where the customer comes back from the gateway: the payment's state, polled every 2 s until
/// it is applied. Only the account's own payments; others are 404.
#[handler]
pub async fn view_platnosc_online_get(
    ctx: Ctx,
    auth: Auth,
    Path(session): Path<String>,
) -> WebResult<Response> {
    auth.require(Action::ViewBilling)?;
    let account_id = auth.account().id;
    let payment = ctx
        .state
        .store
        .online_payment(&session)?
        .filter(|p| p.account_id == account_id)
        .ok_or(AppError::NotFound)?;
    let section = status_section(&payment, ctx.now());
    if ctx.htmx {
        return Ok(section.into_response());
    }
    let body = html! { (section) p { a href="/pulpit" { "Wróć do pulpitu" } } };
    Ok(ctx.page(&auth, "Płatność online", Nav::Platnosci, body))
}

fn status_section(payment: &OnlinePayment, now: jiff::Timestamp) -> Markup {
    let here = format!("/platnosci/online/{}", payment.session_id);
    let zaplac = format!("/faktury/{}/zaplac", payment.document_id);
    match &payment.state {
        OnlineState::Applied { .. } => html! {
            section.block #platnosc-online role="status" {
                h2 { "Zapłacono — dziękujemy" }
                p { "Otrzymaliśmy płatność " (payment.amount) " za " (payment.document_number) "." }
                @if let Some(document) = payment.result_document {
                    p { a.button href={ "/faktury/" (document) } { "Zobacz dokument" } " " a href="/pulpit" { "Pulpit" } }
                } @else {
                    p { "Kwota zasiliła saldo przedpłat." }
                    p { a.button href="/platnosci" { "Zobacz płatności" } " " a href="/pulpit" { "Pulpit" } }
                }
            }
        },
        OnlineState::Failed { .. } => expired(payment, &zaplac),
        OnlineState::Registered if payment.expired(now) => expired(payment, &zaplac),
        _ => html! {
            section.block #platnosc-online role="status" hx-get=(here) hx-select="#platnosc-online"
                hx-target="this" hx-swap="outerHTML" hx-trigger="every 2s" {
                h2 { "Płatność w toku" }
                p { "Czekamy na potwierdzenie płatności " (payment.amount) " za " (payment.document_number) " od Przelewy24. Ta strona zmieni się sama, gdy płatność zostanie potwierdzona." }
                noscript { p { a href=(here) { "Odśwież" } } }
            }
        },
    }
}

fn expired(payment: &OnlinePayment, zaplac: &str) -> Markup {
    html! {
        section.block #platnosc-online role="status" {
            h2 { "Płatność nie została zakończona" }
            p { "Sesja płatności wygasła, a my nie otrzymaliśmy potwierdzenia zapłaty za " (payment.document_number) ". Nic nie zostało pobrane z tego powodu dwa razy — możesz zapłacić ponownie." }
            p { a.button href=(zaplac) { "Zapłać" } }
        }
    }
}
