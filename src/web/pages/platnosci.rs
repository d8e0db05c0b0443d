//! Płatności: payment status, the prepaid balance with its history (the ledger), Doładuj saldo,
//! the unpaid proformas and the history of payments.

use crate::domain::access::Action;
use crate::domain::ledger::LedgerEntry;
use crate::domain::notifications::payment_status;
use crate::domain::time::{format_date, format_timestamp, today};
use crate::domain::top_up::parse_top_up;
use crate::domain::{Document, Money, Payment};
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::components::csrf_field;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Query};
use poem::{Response, handler};
use serde::Deserialize;
use std::collections::HashMap;

/// Doładuj saldo as typed (kept on an error) and what was wrong with it.
#[derive(Default, Deserialize)]
pub struct TopUpForm {
    #[serde(default)]
    kwota: String,
    /// The form's idempotency key: one proforma however often the form is sent.
    #[serde(default)]
    klucz: String,
}

#[handler]
pub async fn view_platnosci_get(
    ctx: Ctx,
    auth: Auth,
    Query(prefill): Query<TopUpForm>,
) -> WebResult<Response> {
    platnosci_page(&ctx, &auth, &prefill.kwota, None)
}

#[handler]
pub async fn view_doladuj_post(
    ctx: Ctx,
    auth: Auth,
    Form(form): Form<TopUpForm>,
) -> WebResult<Response> {
    auth.require(Action::HandleBilling)?;
    let amount = match parse_top_up(&form.kwota) {
        Ok(amount) => amount,
        Err(message) => {
            let mut page = platnosci_page(&ctx, &auth, &form.kwota, Some(&message))?;
            page.set_status(StatusCode::UNPROCESSABLE_ENTITY);
            return Ok(page);
        }
    };
    if !super::zaplac::valid_key(&form.klucz) {
        let message = "Formularz wygasł. Wpisz kwotę jeszcze raz.";
        let mut page = platnosci_page(&ctx, &auth, &form.kwota, Some(message))?;
        page.set_status(StatusCode::UNPROCESSABLE_ENTITY);
        return Ok(page);
    }
    let account_id = auth.account().id;
    let now = ctx.now();
    let proforma = ctx
        .state
        .store
        .blocking(move |s| s.issue_top_up(account_id, amount, &form.klucz, now))
        .await?;
    let message = format!(
        "Wystawiliśmy proformę {} na doładowanie salda kwotą {}. Zapłać ją przelewem — po zaksięgowaniu wpłaty kwota zasili saldo.",
        proforma.number,
        proforma.total_gross()
    );
    Ok(ctx.redirect_with_flash(&format!("/faktury/{}/zaplac", proforma.id), &message))
}

fn platnosci_page(ctx: &Ctx, auth: &Auth, typed: &str, error: Option<&str>) -> WebResult<Response> {
    if !auth.may(Action::ViewBilling) {
        return Err(AppError::Forbidden);
    }
    let account_id = auth.account().id;
    let documents = ctx.state.store.documents_of_account(account_id)?;
    let payments = ctx.state.store.payments_of_account(account_id)?;
    let ledger = ctx.state.store.ledger_of_account(account_id)?;
    let today = today(ctx.now());
    let balance = ctx.state.store.balance_of(account_id)?;
    let status = payment_status(&documents, balance, today);
    let numbers: HashMap<u64, &str> = documents
        .iter()
        .map(|d| (d.id, d.number.as_str()))
        .collect();
    let unpaid: Vec<&Document> = documents.iter().filter(|d| d.is_unpaid()).collect();
    let may_pay = auth.may(Action::HandleBilling);
    let body = html! {
        section.block {
            dl.figures {
                div { dt { "Do zapłaty" } dd { (status.due) } }
                div { dt { "Po terminie" } dd { (status.overdue) } }
                div { dt { "Saldo przedpłat" } dd #saldo { (status.prepaid) } }
            }
            p { "Przelewy kieruj na rachunek " code { (ctx.state.seller.bank_account) }
                ", w tytule podając numer proformy i identyfikator konta " code { (auth.account().transfer_title()) } "." }
        }
        section.block #do-zaplaty-lista {
            h2 { "Do zapłaty" }
            (unpaid_table(&unpaid, today, may_pay))
        }
        @if may_pay { (top_up_form(ctx, typed, error)) }
        section.block #saldo-historia {
            h2 { "Saldo" }
            (ledger_table(&ledger, &numbers))
        }
        section.block {
            h2 { "Historia płatności" }
            (payments_table(&payments, &numbers))
        }
        @if may_pay { (super::odnawianie::section_of(ctx, auth)) }
    };
    Ok(ctx.page(auth, "Płatności", Nav::Platnosci, body))
}

fn unpaid_table(unpaid: &[&Document], today: jiff::civil::Date, may_pay: bool) -> Markup {
    html! {
        @if unpaid.is_empty() {
            p.muted { "Nie masz nieopłaconych proform." }
        } @else {
            div.table-wrap { table.stacked {
                thead { tr { th { "Numer" } th { "Za co" } th { "Termin" } th.num { "Kwota" } th { "Status" } } }
                tbody { @for d in unpaid {
                    tr {
                        td { a href={ "/faktury/" (d.id) } { (d.number) } }
                        td data-label="Za co" { (d.lines.iter().map(|l| l.description.as_str()).collect::<Vec<_>>().join(", ")) }
                        td data-label="Termin" { (d.due_on.map(format_date).unwrap_or_default()) }
                        td.num data-label="Kwota" { (d.total_gross()) }
                        td data-label="Status" {
                            (d.status_label(today))
                            @if may_pay { " " a.button href={ "/faktury/" (d.id) "/zaplac" } { "Zapłać" } }
                        }
                    }
                } }
            } }
        }
    }
}

fn top_up_form(ctx: &Ctx, typed: &str, error: Option<&str>) -> Markup {
    html! {
        section.block #doladuj {
            h2 { "Doładuj saldo" }
            p { "Wystawimy proformę na wybraną kwotę. Po zaksięgowaniu przelewu kwota zasili saldo, z którego zapłacisz za usługi jednym kliknięciem." }
            form.card method="post" action="/platnosci/doladuj" novalidate {
                (csrf_field(&ctx.csrf))
                input type="hidden" name="klucz" value=(crate::random::token());
                div.field {
                    label for="kwota" { "Kwota (zł)" }
                    input #kwota type="text" name="kwota" inputmode="decimal" autocomplete="off" value=(typed)
                        placeholder="np. 200,00" required
                        aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "kwota-blad")];
                    @if let Some(error) = error { p.error #kwota-blad { (error) } }
                }
                button.button type="submit" { "Doładuj saldo" }
            }
        }
    }
}

/// A ledger amount with its sign: what came in and what went out.
fn signed(amount: Money) -> String {
    if amount > Money::ZERO {
        format!("+{amount}")
    } else {
        amount.to_string()
    }
}

fn ledger_table(ledger: &[LedgerEntry], numbers: &HashMap<u64, &str>) -> Markup {
    html! {
        @if ledger.is_empty() {
            p.muted { "Saldo nie było jeszcze zasilane." }
        } @else {
            div.table-wrap { table.stacked.ledger {
                thead { tr { th { "Data" } th { "Operacja" } th { "Dokument" } th.num { "Kwota" } th.num { "Saldo" } } }
                tbody { @for entry in ledger {
                    tr {
                        td { (format_timestamp(entry.at)) }
                        td data-label="Operacja" { (entry.kind.label()) }
                        td data-label="Dokument" {
                            @if let Some(id) = entry.document_id {
                                a href={ "/faktury/" (id) } { (numbers.get(&id).copied().unwrap_or("Dokument")) }
                            }
                        }
                        td.num.plus[entry.amount > Money::ZERO] data-label="Kwota" { (signed(entry.amount)) }
                        td.num data-label="Saldo" { (entry.balance_after) }
                    }
                } }
            } }
        }
    }
}

fn payments_table(payments: &[Payment], numbers: &HashMap<u64, &str>) -> Markup {
    html! {
        @if payments.is_empty() {
            p.muted { "Brak zaksięgowanych płatności." }
        } @else {
            div.table-wrap { table.stacked {
                thead { tr { th { "Data" } th.num { "Kwota" } th { "Dokument" } } }
                tbody { @for p in payments {
                    tr {
                        td { (format_timestamp(p.received_at)) }
                        td.num data-label="Kwota" { (p.amount) }
                        td data-label="Dokument" { a href={ "/faktury/" (p.document_id) } {
                            (numbers.get(&p.document_id).copied().unwrap_or("Dokument"))
                        } }
                    }
                } }
            } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_amounts_carry_their_sign() {
        assert_eq!(signed(Money(1250)), "+12,50 zł");
        assert_eq!(signed(Money(-1250)), "-12,50 zł");
    }
}
