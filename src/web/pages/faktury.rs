//! Faktury: the account's documents and each one's page.

use super::uslugi::parse_id;
use crate::domain::access::Action;
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
                        td data-label="Status" {
                            (d.status_label(today))
                            @if d.kind == DocumentKind::Proforma && d.is_unpaid() {
                                " " a.button href={ "/faktury/" (d.id) "/zaplac" } { "Zapłać" }
                            }
                        }
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
    if !auth.may(Action::ViewBilling) {
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
    if let Some(id) = id.strip_suffix(".xml") {
        return super::faktury_ksef::faktura_xml(&ctx, &auth, id).await;
    }
    if !auth.may(Action::ViewBilling) {
        return Err(AppError::Forbidden);
    }
    let document = own_document(&ctx, &auth, &id)?;
    let pdf = format!("/faktury/{}.pdf", document.id);
    let today = today(ctx.now());
    let related = related_documents(&ctx, &auth, &document)?;
    let ksef = super::faktury_ksef::ksef_section(&ctx, &document)?;
    let body = html! {
        p.actions.no-print {
            a.button.secondary href=(pdf) download { "Pobierz PDF" }
            @if crate::store::has_fa3(document.kind) {
                " " a.button.secondary #pobierz-xml href={ "/faktury/" (document.id) ".xml" } download { "Pobierz XML (KSeF)" }
            }
        }
        section.block {
            dl.details {
                div { dt { "Status" } dd #status-dokumentu { (document.status_label(today)) } }
                (correction_details(&document, &related))
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
        (ksef)
        @if document.kind == DocumentKind::Proforma && document.is_unpaid() {
            section.block #zaplac {
                h2 { "Zapłać przelewem" }
                dl.details {
                    div { dt { "Kwota" } dd { strong { (document.total_gross()) } } }
                    div { dt { "Numer rachunku" } dd { code { (ctx.state.seller.bank_account) } } }
                    div { dt { "Tytuł przelewu" } dd { code { (auth.account().transfer_title_for(&document.number)) } } }
                }
                @if document.top_up {
                    p.muted { "Po zaksięgowaniu wpłaty kwota zasili saldo przedpłat, a my wystawimy potwierdzenie wpłaty." }
                } @else {
                    p.muted { "Po zaksięgowaniu wpłaty wystawimy fakturę VAT, a usługa zostanie przedłużona automatycznie." }
                }
                @if auth.may(Action::HandleBilling) {
                    p { a.button href={ "/faktury/" (document.id) "/zaplac" } { "Zapłać" } }
                }
            }
        }
        p.no-print { a href="/faktury" { "Wszystkie dokumenty" } }
    };
    let title = format!("{} {}", document.kind.label(), document.number);
    Ok(ctx.page(&auth, &title, Nav::Faktury, body))
}

/// The document behind `/faktury/{id}…`, only of the user's own account: another account's is
/// a 404, like a missing one.
pub(super) fn own_document(ctx: &Ctx, auth: &Auth, raw_id: &str) -> WebResult<Document> {
    let id = parse_id(raw_id)?;
    ctx.state
        .store
        .document_of_account(auth.account().id, id)?
        .ok_or(AppError::NotFound)
}

/// For a credit note, the invoice it corrects; for an invoice, its credit notes.
fn related_documents(ctx: &Ctx, auth: &Auth, document: &Document) -> WebResult<Vec<Document>> {
    let store = &ctx.state.store;
    Ok(match (document.kind, document.corrects) {
        (DocumentKind::CreditNote, Some(invoice)) => store
            .document_of_account(auth.account().id, invoice)?
            .into_iter()
            .collect(),
        (DocumentKind::VatInvoice, _) => store
            .documents_of_account(auth.account().id)?
            .into_iter()
            .filter(|d| d.kind == DocumentKind::CreditNote && d.corrects == Some(document.id))
            .collect(),
        _ => Vec::new(),
    })
}

/// The rows of the details a correction adds: what it corrects, why, and where the money went;
/// on a corrected invoice, its credit notes.
fn correction_details(document: &Document, related: &[Document]) -> Markup {
    html! {
        @if document.kind == DocumentKind::CreditNote {
            @for invoice in related {
                div { dt { "Korekta faktury" } dd #korygowana { a href={ "/faktury/" (invoice.id) } { (invoice.number) } } }
            }
            @if let Some(reason) = &document.reason {
                div { dt { "Przyczyna korekty" } dd #przyczyna-korekty { (reason) } }
            }
            div { dt { "Zwrot" } dd #zwrot {
                @if let Some(refunded) = &document.refunded {
                    "Przelewem na Twój rachunek, wysłany " (format_timestamp(refunded.at))
                } @else if document.refund_due {
                    "Przelewem na Twój rachunek (w realizacji)"
                } @else {
                    "Na saldo przedpłat"
                }
            } }
        } @else if !related.is_empty() {
            div { dt { "Korekty" } dd #korekty {
                @for (i, note) in related.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href={ "/faktury/" (note.id) } { (note.number) }
                }
            } }
        }
    }
}
