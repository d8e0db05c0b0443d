//! Domeny: the account's domains, and a domain's page (nameservers, DNS records, the transfer
//! code, Odnów, the tasks its changes started). Forms are plain POSTs (303 back here); htmx swaps
//! the page's content (`#domena`) with the answer.

use super::domeny_dns::records_section;
use super::domeny_ns::{auth_code_section, nameservers_section};
use crate::domain::access::Action;
use crate::domain::dns_form::{FieldErrors, RecordForm};
use crate::domain::lifecycle::{Settings, next_step_label};
use crate::domain::service::Lifecycle;
use crate::domain::time::{format_date, today};
use crate::domain::{Service, ServiceKind};
use crate::store::DomainPage;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::pages::uslugi::{TASKS_SHOWN, parse_id, renewal, tasks_section};
use crate::web::views::components::{shown_name, status_badge};
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Path, Query};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

/// What the domain's page shows besides its stored state.
pub(super) enum Shown<'a> {
    Plain,
    Saved(&'a str),
    /// The nameservers as typed, refused with `error`.
    Nameservers {
        typed: &'a str,
        error: &'a str,
    },
    /// A record form sent with errors (`editing`: the record it was to change).
    Record {
        form: &'a RecordForm,
        errors: &'a FieldErrors,
        editing: Option<u64>,
    },
    /// The form of record `id`, filled to edit it.
    Editing(u64),
    /// The transfer code, just revealed.
    AuthCode,
}

#[handler]
pub async fn view_domeny_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let mut domains: Vec<Service> = ctx
        .state
        .store
        .services_for(&auth.viewer())?
        .into_iter()
        .filter(|s| s.kind == ServiceKind::Domain)
        .collect();
    domains.sort_by_key(|s| s.expires_on);
    let settings = ctx.state.config.args.lifecycle.settings();
    let body = domains_table(&domains, today(ctx.now()), &settings);
    Ok(ctx.page(
        &auth,
        ServiceKind::Domain.section_title(),
        Nav::Domeny,
        body,
    ))
}

/// `settings`: the lifecycle's, for the next step beside an expired or suspended domain.
fn domains_table(domains: &[Service], today: jiff::civil::Date, settings: &Settings) -> Markup {
    html! {
        section.block #domeny {
            @if domains.is_empty() {
                p.muted { "Na koncie nie ma jeszcze domen." }
            } @else {
                div.table-wrap { table.stacked {
                    thead { tr { th { "Domena" } th { "Status" } th { "Ważna do" } th { "Automatyczne odnawianie" } } }
                    tbody { @for domain in domains {
                        @let status = domain.status(today);
                        tr {
                            td { a href={ "/domeny/" (domain.id) } { (shown_name(domain)) } }
                            td data-label="Status" {
                                (status_badge(status))
                                @if let Some(step) = next_step_label(domain, settings, today) {
                                    " " small.muted { (step) }
                                }
                            }
                            td data-label="Ważna do" { (format_date(domain.expires_on)) }
                            td data-label="Automatyczne odnawianie" { @if domain.auto_renew { "włączone" } @else { "wyłączone" } }
                        }
                    } }
                } }
            }
        }
        p { a href=(crate::web::pages::sklep::shop_link(ServiceKind::Domain)) { "Zamów domenę w Sklepie" } }
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    /// The record whose form is shown filled, to change it.
    edytuj: Option<u64>,
}

#[handler]
pub async fn view_domena_get(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> WebResult<Response> {
    let page = domain_page(&ctx, &auth, parse_id(&id)?)?;
    let shown = match query.edytuj {
        Some(nr) if page.zone.records.iter().any(|r| r.id == nr) => Shown::Editing(nr),
        _ => Shown::Plain,
    };
    respond(&ctx, &auth, &page, StatusCode::OK, shown)
}

/// The domain `id` if the user may see it: another account's, or one outside their scope, is 404.
pub(super) fn domain_page(ctx: &Ctx, auth: &Auth, id: u64) -> WebResult<DomainPage> {
    auth.require_service(id)?;
    ctx.state
        .store
        .domain_page(&auth.viewer(), id)?
        .ok_or(AppError::NotFound)
}

/// After a change: a plain form goes back to the page with `message`; htmx gets the content.
pub(super) fn changed(ctx: &Ctx, auth: &Auth, id: u64, message: &str) -> WebResult<Response> {
    ctx.state.wake_tasks();
    if !ctx.htmx {
        return Ok(ctx.redirect_with_flash(&format!("/domeny/{id}"), message));
    }
    let page = domain_page(ctx, auth, id)?;
    respond(ctx, auth, &page, StatusCode::OK, Shown::Saved(message))
}

/// The content for htmx, or the whole page.
pub(super) fn respond(
    ctx: &Ctx,
    auth: &Auth,
    page: &DomainPage,
    status: StatusCode,
    shown: Shown<'_>,
) -> WebResult<Response> {
    let body = content(ctx, auth, page, shown)?;
    if ctx.htmx {
        return Ok((status, body).into_response());
    }
    let title = format!("Domena {}", shown_name(&page.service));
    let mut response = ctx.page(auth, &title, Nav::Domeny, body);
    response.set_status(status);
    Ok(response)
}

fn content(ctx: &Ctx, auth: &Auth, page: &DomainPage, shown: Shown<'_>) -> WebResult<Markup> {
    let service = &page.service;
    let today = today(ctx.now());
    let overview = ctx.state.store.overview_for(&auth.viewer())?;
    let open = overview
        .documents
        .iter()
        .find(|d| d.is_unpaid() && d.renews_service == Some(service.id));
    let tasks = ctx
        .state
        .store
        .recent_tasks_of_service(service.id, TASKS_SHOWN)?;
    let live = service.lifecycle == Lifecycle::Live;
    let manages = auth.may(Action::ManageServices) && live;
    Ok(html! {
        div #domena {
            @if let Shown::Saved(message) = &shown { p.flash role="status" { (message) } }
            section.block #o-domenie {
                dl.details {
                    div { dt { "Status" } dd #status { (status_badge(service.status(today))) } }
                    div { dt { "Opłacona do" } dd #wazna-do { (format_date(service.expires_on)) } }
                    @if let Some(step) = next_step_label(service, &ctx.state.config.args.lifecycle.settings(), today) {
                        div { dt { "Następny krok" } dd #nastepny-krok { (step) } }
                    }
                    div { dt { "Automatyczne odnawianie" } dd { @if service.auto_renew { "włączone" } @else { "wyłączone" } } }
                }
            }
            @if !live {
                p.muted #bez-zmian { "Serwery DNS, rekordy i kod AuthInfo można zmieniać, gdy domena jest aktywna." }
            }
            (nameservers_section(ctx, service, manages, &shown))
            (records_section(ctx, page, manages, &shown))
            (auth_code_section(ctx, page, manages, &shown))
            section.block #odnowienie {
                h2 { "Odnowienie" }
                (renewal(ctx, auth, service, open, today))
            }
            @if !tasks.is_empty() { (tasks_section(service.id, &tasks)) }
            p { a href="/domeny" { "Wszystkie domeny" } }
        }
    })
}
