//! Faktury (documents) and Płatności (payment status, bank transfer details, history).

use super::faktury_pdf::transfer_title;
use super::uslugi::parse_id;
use crate::domain::notifications::payment_status;
use crate::domain::time::{format_date, format_timestamp, today};
use crate::domain::words::amount_in_words;
use crate::domain::{Document, DocumentKind};
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::web::{Path, Query};
use poem::{IntoResponse, Request, Response, handler};
use serde::Deserialize;
use std::collections::HashMap;

fn documents_table(documents: &[Document], today: jiff::civil::Date) -> Markup {
    html! {
        @if documents.is_empty() {
            p.muted { "Brak dokumentów." }
        } @else {
            div.table-wrap { table.stacked {
                thead { tr {
                    th { "Numer" } th { "Rodzaj" } th { "Data" } th { "Termin" }
                    th.num { "Netto" } th.num { "VAT" } th.num { "Brutto" } th { "Status" }
                } }
                tbody { @for d in documents {
                    tr {
                        td {
                            a href={ "/faktury/" (d.id) } { (d.number) } " "
                            a.pdf href={ "/faktury/" (d.id) ".pdf" } download aria-label={ "Pobierz PDF " (d.number) } { "PDF" }
                        }
                        td data-label="Rodzaj" { (d.kind.label()) }
                        td data-label="Data" { (format_timestamp(d.issued_at)) }
                        td data-label="Termin" { (d.due_on.map(format_date).unwrap_or_default()) }
                        td.num data-label="Netto" { (d.total_net()) }
                        td.num data-label="VAT" { (d.total_vat()) }
                        td.num data-label="Brutto" { (d.total_gross()) }
                        td data-label="Status" { (d.status_label(today)) }
                    }
                } }
            } }
        }
    }
}

/// The filter of "Wszystkie dokumenty": a plain GET form, so a filtered list can be bookmarked.
#[derive(Deserialize)]
pub struct DocumentFilter {
    /// `do-zaplaty` or anything else (all).
    #[serde(default)]
    pokaz: String,
    /// A year, or anything else (all years).
    #[serde(default)]
    rok: String,
}

impl DocumentFilter {
    fn unpaid_only(&self) -> bool {
        self.pokaz == "do-zaplaty"
    }

    fn year(&self) -> Option<i16> {
        self.rok.parse().ok()
    }

    fn admits(&self, document: &Document) -> bool {
        (!self.unpaid_only() || document.is_unpaid())
            && self
                .year()
                .is_none_or(|year| today(document.issued_at).year() == year)
    }
}

fn filter_form(filter: &DocumentFilter, years: &[i16]) -> Markup {
    html! {
        form.filters method="get" action="/faktury" hx-get="/faktury" hx-target="#dokumenty"
            hx-push-url="true" hx-trigger="change, submit" {
            div.field {
                label for="pokaz" { "Pokaż" }
                select #pokaz name="pokaz" {
                    option value="wszystkie" { "Wszystkie" }
                    option value="do-zaplaty" selected[filter.unpaid_only()] { "Do zapłaty" }
                }
            }
            div.field {
                label for="rok" { "Rok" }
                select #rok name="rok" {
                    option value="" { "Wszystkie lata" }
                    @for year in years {
                        option value=(year) selected[filter.year() == Some(*year)] { (year) }
                    }
                }
            }
            button.button type="submit" { "Pokaż" }
        }
    }
}

#[handler]
pub async fn view_faktury_get(
    ctx: Ctx,
    auth: Auth,
    req: &Request,
    Query(filter): Query<DocumentFilter>,
) -> WebResult<Response> {
    if !auth.user().role.may_see_billing() {
        return Err(AppError::Forbidden);
    }
    let documents = ctx.state.store.documents_of_account(auth.account().id)?;
    let today = today(ctx.now());
    let shown: Vec<Document> = documents
        .iter()
        .filter(|d| filter.admits(d))
        .cloned()
        .collect();
    // htmx asks for the table alone, except when it restores a page from its history.
    if ctx.htmx && req.header("hx-history-restore-request").is_none() {
        return Ok(documents_table(&shown, today).into_response());
    }
    let unpaid: Vec<Document> = documents
        .iter()
        .filter(|d| d.is_unpaid())
        .cloned()
        .collect();
    let mut years: Vec<i16> = documents
        .iter()
        .map(|d| crate::domain::time::today(d.issued_at).year())
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let body = html! {
        section.block #dokumenty-do-zaplaty {
            h2 { "Do zapłaty" }
            (documents_table(&unpaid, today))
        }
        section.block #wszystkie-dokumenty {
            h2 { "Wszystkie dokumenty" }
            (filter_form(&filter, &years))
            div #dokumenty { (documents_table(&shown, today)) }
        }
    };
    Ok(ctx.page(&auth, "Faktury i dokumenty", Nav::Faktury, body))
}

#[handler]
pub async fn view_faktura_get(ctx: Ctx, auth: Auth, Path(id): Path<String>) -> WebResult<Response> {
    if let Some(id) = id.strip_suffix(".pdf") {
        return super::faktury_pdf::faktura_pdf(&ctx, &auth, id).await;
    }
    if !auth.user().role.may_see_billing() {
        return Err(AppError::Forbidden);
    }
    let id = parse_id(&id)?;
    let document = ctx
        .state
        .store
        .document_of_account(auth.account().id, id)?
        .ok_or(AppError::NotFound)?;
    let pdf = format!("/faktury/{}.pdf", document.id);
    let today = today(ctx.now());
    let body = html! {
        p.actions.no-print { a.button.secondary href=(pdf) download { "Pobierz PDF" } }
        section.block {
            dl.details {
                div { dt { "Status" } dd #status-dokumentu { (document.status_label(today)) } }
                div { dt { "Data wystawienia" } dd { (format_timestamp(document.issued_at)) } }
                div { dt { "Data sprzedaży" } dd { (format_date(crate::domain::time::today(document.issued_at))) } }
                @if let Some(due) = document.due_on { div { dt { "Termin płatności" } dd { (format_date(due)) } } }
                div { dt { "Sprzedawca" } dd #sprzedawca {
                    (ctx.state.seller.name) br;
                    "NIP " (ctx.state.seller.nip) br;
                    (ctx.state.seller.address)
                } }
                div { dt { "Nabywca" } dd #nabywca {
                    (document.buyer.name) br;
                    @if let Some(nip) = &document.buyer.nip { "NIP " (nip) br; }
                    (document.buyer.address.one_line())
                } }
            }
            div.table-wrap { table.stacked {
                thead { tr { th { "Pozycja" } th.num { "Ilość" } th.num { "Netto" } th.num { "VAT" } th.num { "Brutto" } } }
                tbody { @for line in &document.lines {
                    tr {
                        td { (line.description) }
                        td.num data-label="Ilość" { (line.quantity) }
                        td.num data-label="Netto" { (line.net()) }
                        td.num data-label="VAT" { (line.vat()) " (" (line.vat_percent) "%)" }
                        td.num data-label="Brutto" { (line.gross()) }
                    }
                } }
                tfoot { tr {
                    th { "Razem" } td {}
                    td.num data-label="Netto" { (document.total_net()) } td.num data-label="VAT" { (document.total_vat()) }
                    td.num #razem data-label="Brutto" { strong { (document.total_gross()) } }
                } }
            } }
            p #slownie { "Słownie: " (amount_in_words(document.total_gross())) }
        }
        @if document.kind == DocumentKind::Proforma && document.is_unpaid() {
            section.block #zaplac {
                h2 { "Zapłać przelewem" }
                dl.details {
                    div { dt { "Kwota" } dd { strong { (document.total_gross()) } } }
                    div { dt { "Numer rachunku" } dd { code { (ctx.state.seller.bank_account) } } }
                    div { dt { "Tytuł przelewu" } dd { code { (transfer_title(&document, auth.account())) } } }
                }
                p.muted { "Po zaksięgowaniu wpłaty wystawimy fakturę VAT, a usługa zostanie przedłużona automatycznie." }
            }
        }
        p.no-print { a href="/faktury" { "Wszystkie dokumenty" } }
    };
    let title = format!("{} {}", document.kind.label(), document.number);
    Ok(ctx.page(&auth, &title, Nav::Faktury, body))
}

#[handler]
pub async fn view_platnosci_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    if !auth.user().role.may_see_billing() {
        return Err(AppError::Forbidden);
    }
    let documents = ctx.state.store.documents_of_account(auth.account().id)?;
    let payments = ctx.state.store.payments_of_account(auth.account().id)?;
    let today = today(ctx.now());
    let status = payment_status(&documents, auth.account().prepaid_balance, today);
    let numbers: HashMap<u64, String> =
        documents.iter().map(|d| (d.id, d.number.clone())).collect();
    let body = html! {
        section.block {
            dl.figures {
                div { dt { "Do zapłaty" } dd { (status.due) } }
                div { dt { "Po terminie" } dd { (status.overdue) } }
                div { dt { "Saldo przedpłat" } dd { (status.prepaid) } }
            }
            p { "Przelewy kieruj na rachunek " code { (ctx.state.seller.bank_account) }
                ", w tytule podając numer proformy i identyfikator konta " code { (auth.account().transfer_reference) } "." }
        }
        section.block {
            h2 { "Historia płatności" }
            @if payments.is_empty() {
                p.muted { "Brak zaksięgowanych płatności." }
            } @else {
                div.table-wrap { table.stacked {
                    thead { tr { th { "Data" } th.num { "Kwota" } th { "Dokument" } } }
                    tbody { @for p in &payments {
                        tr {
                            td { (format_timestamp(p.received_at)) }
                            td.num data-label="Kwota" { (p.amount) }
                            td data-label="Dokument" { a href={ "/faktury/" (p.document_id) } {
                                (numbers.get(&p.document_id).map(String::as_str).unwrap_or("Zobacz"))
                            } }
                        }
                    } }
                } }
            }
        }
    };
    Ok(ctx.page(&auth, "Płatności", Nav::Platnosci, body))
}
