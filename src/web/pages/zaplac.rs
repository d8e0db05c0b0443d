//! Zapłać: the payment page of a proforma (bank transfer details with copy buttons, and Zapłać z
//! salda when the prepaid balance covers it), and Zapłać z salda itself.

use super::faktury::own_document;
use super::uslugi::parse_id;
use crate::domain::access::Action;
use crate::domain::notifications::payment_status;
use crate::domain::time::{format_date, today};
use crate::domain::{DocumentKind, DocumentStatus, Money};
use crate::mail;
use crate::store::BalancePayment;
use crate::web::context::{Auth, Ctx, redirect};
use crate::web::error::{AppError, WebResult};
use crate::web::views::components::pay_from_balance_form;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::web::{Form, Path};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

/// The host's bank account that transfers go to (the seller settings, validated at start).
fn bank_account(ctx: &Ctx) -> &crate::domain::bank::BankAccount {
    &ctx.state.seller.bank_account
}

/// An amount as a bank form takes it: `1234,50`, no spaces, no currency.
fn plain_amount(amount: Money) -> String {
    format!("{},{:02}", amount.0 / 100, amount.0 % 100)
}

/// A Kopiuj button, hidden until the page's script (assets/kopiuj.js) shows it: without
/// JavaScript it could do nothing.
fn copy_button(text: &str, what: &str) -> Markup {
    html! {
        button.button.secondary.copy type="button" hidden data-copy-text=(text)
            aria-label={ "Kopiuj " (what) } { "Kopiuj" }
    }
}

#[handler]
pub async fn view_zaplac_get(ctx: Ctx, auth: Auth, Path(id): Path<String>) -> WebResult<Response> {
    auth.require(Action::HandleBilling)?;
    let proforma = own_document(&ctx, &auth, &id)?;
    match proforma.status {
        DocumentStatus::Unpaid if proforma.kind == DocumentKind::Proforma => {}
        DocumentStatus::Paid { invoice_id, .. } => {
            return Ok(redirect(&format!("/faktury/{invoice_id}")));
        }
        _ => return Ok(redirect(&format!("/faktury/{}", proforma.id))),
    }
    let balance = ctx.state.store.balance_of(auth.account().id)?;
    let total = proforma.total_gross();
    let title = auth.account().transfer_title_for(&proforma.number);
    let body = html! {
        (super::zaplac_online::online_form(&ctx, proforma.id))
        section.block #przelew {
            h2 { "Przelew" }
            dl.details {
                div { dt { "Kwota" } dd { strong #kwota { (total) } " " (copy_button(&plain_amount(total), "kwotę")) } }
                div { dt { "Numer rachunku" } dd { code #rachunek { (bank_account(&ctx)) } " " (copy_button(bank_account(&ctx).nrb(), "numer rachunku")) } }
                div { dt { "Tytuł przelewu" } dd { code #tytul { (title) } " " (copy_button(&title, "tytuł przelewu")) } }
                @if let Some(due) = proforma.due_on { div { dt { "Termin płatności" } dd { (format_date(due)) } } }
            }
            @if proforma.top_up {
                p.muted { "Po zaksięgowaniu wpłaty kwota zasili saldo przedpłat, a my wystawimy potwierdzenie wpłaty." }
            } @else if proforma.lines.iter().all(|l| l.service_id.is_none()) {
                p.muted { "Po zaksięgowaniu wpłaty wystawimy fakturę VAT i uruchomimy zamówione usługi." }
            } @else {
                p.muted { "Po zaksięgowaniu wpłaty wystawimy fakturę VAT, a usługa zostanie przedłużona automatycznie." }
            }
        }
        @if !proforma.top_up {
            section.block #z-salda {
                h2 { "Zapłać z salda" }
                @if balance >= total {
                    p { "Saldo przedpłat: " strong #saldo { (balance) } ". Po zapłacie zostanie " (balance - total) "." }
                    (pay_from_balance_form(&ctx.csrf, proforma.id, None))
                } @else {
                    p { "Saldo przedpłat: " strong #saldo { (balance) } " — za mało, aby zapłacić " (total) "." }
                    p { a.button.secondary href={ "/platnosci?kwota=" (plain_amount(total - balance)) "#doladuj" } { "Doładuj saldo" } }
                }
            }
        }
        p { a href={ "/faktury/" (proforma.id) } { "Zobacz proformę " (proforma.number) } }
        script src=(ctx.state.assets.url("kopiuj.js")) defer {}
    };
    let heading = format!("Zapłać: {}", proforma.number);
    Ok(ctx.page(&auth, &heading, Nav::Platnosci, body))
}

#[derive(Deserialize)]
pub struct PayForm {
    /// The form's idempotency key: one payment however often the form is sent.
    #[serde(default)]
    klucz: String,
}

/// Keys are made by the panel (64 hex digits); anything else is a form the panel did not render.
pub(super) fn valid_key(key: &str) -> bool {
    (16..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[handler]
pub async fn view_zaplac_z_salda_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<PayForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    auth.require(Action::HandleBilling)?;
    let page = format!("/faktury/{id}/zaplac");
    if !valid_key(&form.klucz) {
        return back(
            &ctx,
            &page,
            "Formularz wygasł. Spróbuj zapłacić jeszcze raz.",
        );
    }
    let account_id = auth.account().id;
    let now = ctx.now();
    let base_url = ctx.state.base_url.clone();
    let outcome = ctx
        .state
        .store
        .blocking(move |s| {
            s.pay_from_balance(account_id, id, &form.klucz, now, &|account, invoice| {
                mail::receipt_message(&base_url, account, invoice)
            })
        })
        .await?;
    let (invoice_id, message) = match outcome {
        BalancePayment::NotFound => return Err(AppError::NotFound),
        BalancePayment::Insufficient { balance, total } => {
            let message = format!(
                "Saldo przedpłat ({balance}) nie wystarcza, aby zapłacić {total}. Doładuj saldo lub zapłać przelewem."
            );
            return back(&ctx, &page, &message);
        }
        BalancePayment::NotPayable => {
            let message = "Tego dokumentu nie można opłacić z salda.";
            return back(&ctx, &format!("/faktury/{id}"), message);
        }
        BalancePayment::Paid {
            invoice_id,
            invoice_number,
            ..
        } => {
            ctx.state.wake_mailer();
            let message = format!("Zapłacono z salda. Wystawiono fakturę {invoice_number}.");
            (invoice_id, message)
        }
        BalancePayment::AlreadyPaid { invoice_id } => {
            (invoice_id, "Ta proforma jest już opłacona.".to_string())
        }
    };
    if !ctx.htmx {
        return Ok(ctx.redirect_with_flash(&format!("/faktury/{invoice_id}"), &message));
    }
    // From a Pulpit box: the box goes, "Stan płatności" and the Faktury module follow.
    let overview = ctx.state.store.overview(account_id)?;
    let status = payment_status(&overview.documents, overview.balance, today(now));
    Ok(html! {
        p.flash role="status" { (message) " " a href={ "/faktury/" (invoice_id) } { "Zobacz dokument" } }
        (super::pulpit::payment_summary(&status, true))
        (super::pulpit::invoices_figures(&overview.documents, true))
    }
    .into_response())
}

/// Back to a page with `message` there; htmx is told to load it.
fn back(ctx: &Ctx, to: &str, message: &str) -> WebResult<Response> {
    let mut response = ctx.redirect_with_flash(to, message);
    if ctx.htmx {
        response.headers_mut().insert(
            "HX-Redirect",
            poem::http::HeaderValue::from_str(to).map_err(|e| AppError::Internal(e.to_string()))?,
        );
    }
    Ok(response)
}
