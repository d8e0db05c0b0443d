//! Certyfikaty SSL: the account's certificates with their domain, type, state, validity and what
//! comes next (pay the proforma, wait for the issue, download the chain, renew), ordered ones
//! still unpaid included; the order form is in `ssl_zamow`; `…/certyfikat.pem` downloads an
//! issued chain.

use super::RECENT_TASKS;
use super::ssl_zamow::{OrderForm, order_section};
use crate::domain::access::Action;
use crate::domain::shop::unicode_name;
use crate::domain::ssl::{CertificateState, certificate_state, chain_of};
use crate::domain::time::{days_word, format_date, today, warsaw};
use crate::domain::{Plan, Service, ServiceKind, ServiceStatus};
use crate::store::PendingCertificate;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::layout::Nav;
use jiff::Timestamp;
use maud::{Markup, html};
use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{Response, handler};

/// One line of the list: a certificate the account holds, or one ordered and not paid yet.
struct Row {
    domain: String,
    kind: String,
    state: CertificateState,
    validity: Option<(Timestamp, Timestamp)>,
    status: Option<ServiceStatus>,
    service_id: Option<u64>,
    /// The order's proforma: its id, number, and whether the viewer may open it.
    proforma: Option<(u64, String, bool)>,
}

/// The certificate's type as its plan names it ("DV", "OV", "EV", "Wildcard"), else the plan.
fn certificate_type(plan: Option<&Plan>) -> String {
    let Some(plan) = plan else {
        return "SSL".into();
    };
    plan.name
        .split_whitespace()
        .find(|w| ["DV", "OV", "EV", "Wildcard"].contains(w))
        .map_or_else(|| plan.name.clone(), str::to_string)
}

fn rows(ctx: &Ctx, auth: &Auth) -> WebResult<Vec<Row>> {
    let store = &ctx.state.store;
    let plans = store.plans()?;
    let plan = |id: u64| plans.iter().find(|p| p.id == id);
    let (now, day) = (ctx.now(), today(ctx.now()));
    let mut rows = Vec::new();
    // Orders are the whole account's: not for a user limited to chosen services.
    if auth.user().scope.is_none() {
        let may_pay = auth.may(Action::ViewBilling);
        for PendingCertificate {
            domain,
            plan_id,
            proforma,
            ..
        } in store.pending_certificates(auth.account().id)?
        {
            rows.push(Row {
                domain: unicode_name(&domain),
                kind: certificate_type(plan(plan_id)),
                state: CertificateState::AwaitingPayment,
                validity: None,
                status: None,
                service_id: None,
                proforma: Some((proforma.id, proforma.number, may_pay)),
            });
        }
    }
    for service in store.services_for(&auth.viewer())? {
        if service.kind != ServiceKind::Ssl {
            continue;
        }
        let tasks = store.recent_tasks_of_service(service.id, RECENT_TASKS)?;
        rows.push(Row {
            domain: unicode_name(&common_name(&service)),
            kind: certificate_type(plan(service.plan_id)),
            state: certificate_state(&service, &tasks, now, day),
            validity: chain_of(&service).map(|(_, from, to)| (from, to)),
            status: Some(service.status(day)),
            service_id: Some(service.id),
            proforma: None,
        });
    }
    Ok(rows)
}

fn common_name(service: &Service) -> String {
    match &service.details {
        crate::domain::ServiceDetails::Ssl { common_name, .. } if !common_name.is_empty() => {
            common_name.clone()
        }
        _ => service.name.clone(),
    }
}

fn date(at: Timestamp) -> String {
    format_date(at.to_zoned(warsaw()).date())
}

/// "Wygasa za 20 dni" while the paid period nears its end.
fn expiry_note(status: Option<ServiceStatus>) -> Option<String> {
    match status? {
        ServiceStatus::Expiring { days_left: 0 } => Some("Wygasa dziś".into()),
        ServiceStatus::Expiring { days_left } => {
            Some(format!("Wygasa za {days_left} {}", days_word(days_left)))
        }
        _ => None,
    }
}

fn next_step(row: &Row) -> Markup {
    let id = row.service_id.unwrap_or_default();
    html! {
        @match &row.state {
            CertificateState::AwaitingPayment => @if let Some((proforma, number, may_pay)) = &row.proforma {
                @if *may_pay { a href={ "/faktury/" (proforma) } { "Zapłać proformę " (number) } }
                @else { span.muted { "Czeka na opłacenie proformy " (number) "." } }
            },
            CertificateState::Issuing => span.muted { "Certyfikat pojawi się tu do pobrania po wydaniu." },
            CertificateState::Issued => {
                a href={ "/ssl/" (id) "/certyfikat.pem" } download { "Pobierz certyfikat (.pem)" }
                @if expiry_note(row.status).is_some() { " · " a href={ "/uslugi/" (id) } { "Odnów" } }
            },
            CertificateState::Failed(_) => span.muted { "Sprawdzimy przyczynę i wydamy certyfikat ponownie." },
            CertificateState::Expired => a href={ "/uslugi/" (id) } { "Odnów" },
        }
    }
}

fn table(rows: &[Row]) -> Markup {
    html! {
        @if rows.is_empty() {
            p.muted { "Brak certyfikatów SSL na koncie." }
        } @else {
            div.table-wrap { table.stacked.certificates {
                thead { tr { th { "Domena" } th { "Typ" } th { "Status" } th { "Ważność" } th { "Co dalej" } } }
                tbody { @for row in rows {
                    tr id=[row.service_id.map(|id| format!("certyfikat-{id}"))] {
                        td { @if let Some(id) = row.service_id { a href={ "/uslugi/" (id) } { (row.domain) } } @else { (row.domain) } }
                        td data-label="Typ" { (row.kind) }
                        td data-label="Status" { span class={ "badge badge--" (row.state.tone()) } { (row.state.label()) } }
                        td data-label="Ważność" {
                            @if let Some((from, to)) = row.validity { (date(from)) " – " (date(to)) } @else { "—" }
                            @if let Some(note) = expiry_note(row.status) { br; small.muted { (note) } }
                        }
                        td data-label="Co dalej" { (next_step(row)) }
                    }
                } }
            } }
        }
    }
}

/// The list; while a certificate is being issued it reloads itself, so the customer sees it
/// issued (or why not) without a reload.
fn list_section(rows: &[Row]) -> Markup {
    let issuing = rows.iter().any(|r| r.state == CertificateState::Issuing);
    html! {
        @if issuing {
            section.block #certyfikaty hx-get="/ssl" hx-select="#certyfikaty" hx-target="this"
                hx-swap="outerHTML" hx-trigger="every 5s" { h2 { "Twoje certyfikaty" } (table(rows)) }
        } @else {
            section.block #certyfikaty { h2 { "Twoje certyfikaty" } (table(rows)) }
        }
    }
}

/// The page's content (what htmx swaps after the order form).
pub(super) fn content(ctx: &Ctx, auth: &Auth, form: Option<&OrderForm>) -> WebResult<Markup> {
    let rows = rows(ctx, auth)?;
    Ok(html! {
        div #ssl {
            (list_section(&rows))
            (order_section(ctx, auth, form)?)
            section.block {
                h2 { "Jak użyć certyfikatu" }
                p { "Plik .pem to łańcuch: certyfikat Twojej domeny i certyfikaty pośrednie. Wgraj go na serwer razem z kluczem prywatnym, z którego powstało zamówienie (CSR). Klucza prywatnego nie przechowujemy — zostaje u Ciebie." }
            }
        }
    })
}

#[handler]
pub async fn view_ssl_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let body = content(&ctx, &auth, None)?;
    Ok(ctx.page(&auth, ServiceKind::Ssl.section_title(), Nav::Uslugi, body))
}

/// The issued chain of one of the viewer's certificates, as a file; 404 before it is issued.
#[handler]
pub async fn view_ssl_pem_get(ctx: Ctx, auth: Auth, Path(id): Path<u64>) -> WebResult<Response> {
    let service = ctx
        .state
        .store
        .services_for(&auth.viewer())?
        .into_iter()
        .find(|s| s.id == id && s.kind == ServiceKind::Ssl)
        .ok_or(AppError::NotFound)?;
    let (chain, _, _) = chain_of(&service).ok_or(AppError::NotFound)?;
    let filename: String = common_name(&service)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/x-pem-file")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}.pem\""),
        )
        .body(chain.to_string()))
}
