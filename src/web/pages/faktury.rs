//! Faktury (documents) and Płatności (payment status, bank transfer details, history).

use super::uslugi::parse_id;
use crate::domain::notifications::payment_status;
use crate::domain::time::{format_date, format_timestamp, today};
use crate::domain::words::amount_in_words;
use crate::domain::{Document, DocumentKind};
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::web::Path;
use poem::{Response, handler};
use std::collections::HashMap;

fn documents_table(documents: &[Document], today: jiff::civil::Date) -> Markup {
    html! {
        @if documents.is_empty() {
            p.muted { "Brak dokumentów." }
        } @else {
            div.table-wrap { table.stacked {
                thead { tr { th { "Numer" } th { "Rodzaj" } th { "Data" } th { "Termin" } th.num { "Brutto" } th { "Status" } } }
                tbody { @for d in documents {
                    tr {
                        td { a href={ "/faktury/" (d.id) } { (d.number) } }
                        td data-label="Rodzaj" { (d.kind.label()) }
                        td data-label="Data" { (format_timestamp(d.issued_at)) }
                        td data-label="Termin" { (d.due_on.map(format_date).unwrap_or_default()) }
                        td.num data-label="Brutto" { (d.total_gross()) }
                        td data-label="Status" { (d.status_label(today)) }
                    }
                } }
            } }
        }
    }
}

#[handler]
pub async fn view_faktury_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    if !auth.user().role.may_see_billing() {
        return Err(AppError::Forbidden);
    }
    let documents = ctx.state.store.documents_of_account(auth.account().id)?;
    let today = today(ctx.now());
    let unpaid: Vec<Document> = documents
        .iter()
        .filter(|d| d.is_unpaid())
        .cloned()
        .collect();
    let body = html! {
        section.block #dokumenty-do-zaplaty {
            h2 { "Do zapłaty" }
            (documents_table(&unpaid, today))
        }
        section.block #wszystkie-dokumenty {
            h2 { "Wszystkie dokumenty" }
            (documents_table(&documents, today))
        }
    };
    Ok(ctx.page(&auth, "Faktury i dokumenty", Nav::Faktury, body))
}

#[handler]
pub async fn view_faktura_get(ctx: Ctx, auth: Auth, Path(id): Path<String>) -> WebResult<Response> {
    if !auth.user().role.may_see_billing() {
        return Err(AppError::Forbidden);
    }
    let id = parse_id(&id)?;
    let document = ctx
        .state
        .store
        .document_of_account(auth.account().id, id)?
        .ok_or(AppError::NotFound)?;
    let today = today(ctx.now());
    let body = html! {
        section.block {
            dl.details {
                div { dt { "Status" } dd #status-dokumentu { (document.status_label(today)) } }
                div { dt { "Data wystawienia" } dd { (format_timestamp(document.issued_at)) } }
                @if let Some(due) = document.due_on { div { dt { "Termin płatności" } dd { (format_date(due)) } } }
                div { dt { "Nabywca" } dd {
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
                    div { dt { "Numer rachunku" } dd { code { (ctx.state.config.args.bank_account) } } }
                    div { dt { "Tytuł przelewu" } dd { code { (document.number) " " (auth.account().transfer_reference) } } }
                }
                p.muted { "Po zaksięgowaniu wpłaty wystawimy fakturę VAT, a usługa zostanie przedłużona automatycznie." }
            }
        }
        p { a href="/faktury" { "Wszystkie dokumenty" } }
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
            p { "Przelewy kieruj na rachunek " code { (ctx.state.config.args.bank_account) }
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
