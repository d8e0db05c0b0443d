//! A service (Zobacz) and its renewal (Odnów).

use crate::domain::access::Action;
use crate::domain::notifications::{offer_balance, payment_status, service_notice};
use crate::domain::task::{Task, TaskState};
use crate::domain::time::{format_date, format_timestamp, today};
use crate::domain::{Document, Service, ServiceDetails};
use crate::mail;
use crate::store::RenewOutcome;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::components::{notice_box, renew_form, status_badge};
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::web::Path;
use poem::{IntoResponse, Response, handler};

/// Ids in URLs are numbers; anything else is as missing as another account's service.
pub fn parse_id(raw: &str) -> WebResult<u64> {
    raw.parse().map_err(|_| AppError::NotFound)
}

#[handler]
pub async fn view_usluga_get(ctx: Ctx, auth: Auth, Path(id): Path<String>) -> WebResult<Response> {
    let id = parse_id(&id)?;
    // The account's own overview (within the user's scope): another service is simply not in it.
    let overview = ctx.state.store.overview_for(&auth.viewer())?;
    let service = overview
        .services
        .iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)?;
    let plan = ctx.state.store.plan(service.plan_id)?;
    let open = overview
        .documents
        .iter()
        .find(|d| d.is_unpaid() && d.renews_service == Some(service.id));
    let today = today(ctx.now());
    let tasks = ctx
        .state
        .store
        .recent_tasks_of_service(service.id, TASKS_SHOWN)?;
    let body = html! {
        section.block {
            dl.details {
                div { dt { "Rodzaj" } dd { (service.kind.label()) } }
                div { dt { "Status" } dd #status { (status_badge(service.status(today))) } }
                div { dt { "Opłacona do" } dd #wazna-do { (format_date(service.expires_on)) } }
                @if let Some(step) = crate::domain::lifecycle::next_step_label(service, &ctx.state.config.args.lifecycle.settings(), today) {
                    div { dt { "Następny krok" } dd #nastepny-krok { (step) } }
                }
                @if let Some(plan) = &plan {
                    div { dt { "Pakiet" } dd #pakiet { (plan.name) } }
                    @if auth.may(Action::ViewBilling) {
                        (price(service, plan))
                    }
                }
                div { dt { "Automatyczne odnawianie" } dd { @if service.auto_renew { "włączone" } @else { "wyłączone" } } }
                (details(&service.details))
            }
        }
        @if service.kind == crate::domain::ServiceKind::Domain {
            p { a.button.secondary href={ "/domeny/" (service.id) } { "Serwery DNS, rekordy i kod AuthInfo" } }
        }
        @if service.kind == crate::domain::ServiceKind::Ssl {
            p.actions {
                a.button.secondary href={ "/ssl#certyfikat-" (service.id) } { "Stan certyfikatu" }
                @if crate::domain::ssl::chain_of(service).is_some() {
                    " " a.button href={ "/ssl/" (service.id) "/certyfikat.pem" } download { "Pobierz certyfikat (.pem)" }
                }
            }
        }
        section.block {
            h2 { "Odnowienie" }
            (renewal(&ctx, &auth, service, open, today))
        }
        @if !tasks.is_empty() {
            (tasks_section(service.id, &tasks))
        }
        p { a href=(service.kind.section_path()) { "Wszystkie usługi: " (service.kind.section_title()) } }
    };
    let title = format!("{} {}", service.kind.label(), service.name);
    Ok(ctx.page(&auth, &title, Nav::Uslugi, body))
}

pub(crate) fn renewal(
    ctx: &Ctx,
    auth: &Auth,
    service: &Service,
    open: Option<&Document>,
    today: jiff::civil::Date,
) -> Markup {
    let sees_billing = auth.may(Action::ViewBilling);
    html! {
        @if open.is_some() && !sees_billing {
            // Amounts and documents belong to the billing roles: Techniczny learns only the state.
            p { "Odnowienie czeka na zapłatę." }
        } @else if let Some(proforma) = open {
            p { "Proforma " a href={ "/faktury/" (proforma.id) } { (proforma.number) } " na kwotę " strong { (proforma.total_gross()) } " czeka na zapłatę." }
            p { a.button href={ "/faktury/" (proforma.id) "/zaplac" } { "Zapłać" } }
        } @else if !auth.may(Action::HandleBilling) {
            p.muted { "Odnowienie może zlecić właściciel konta, administrator lub księgowość." }
        } @else if service.may_be_renewed(today) {
            p { "Odnowienie wystawi proformę na kolejny okres wg cennika pakietu." }
            (renew_form(&ctx.csrf, service.id, None))
        } @else {
            p.muted { "Odnowienie będzie możliwe od " (format_date(service.renewal_opens_on())) "." }
        }
    }
}

/// How many of a service's tasks its page lists, newest first.
pub(crate) const TASKS_SHOWN: usize = 10;

/// "Zadania": what the service's servers were asked to do, and how it went. While a task waits or
/// runs, htmx reloads the section every few seconds (it stops once none does).
pub(crate) fn tasks_section(service_id: u64, tasks: &[Task]) -> Markup {
    let pending = tasks
        .iter()
        .any(|t| matches!(t.state, TaskState::Queued | TaskState::Running));
    let content = html! {
        h2 { "Zadania" }
        div.table-wrap { table.stacked {
            thead { tr { th { "Zadanie" } th { "Zlecone" } th { "Stan" } } }
            tbody {
                @for task in tasks.iter().rev().take(TASKS_SHOWN) {
                    tr {
                        td { (task.action.label()) }
                        td data-label="Zlecone" { (format_timestamp(task.created_at)) }
                        td data-label="Stan" {
                            @if let TaskState::Failed { reason } = &task.state {
                                span class={ "badge badge--" (task.state.tone()) } { "błąd:" } " " (reason)
                            } @else {
                                span class={ "badge badge--" (task.state.tone()) } { (task.state.label()) }
                            }
                        }
                    }
                }
            }
        } }
    };
    html! {
        @if pending {
            section.block #zadania hx-get={ "/uslugi/" (service_id) } hx-select="#zadania"
                hx-target="this" hx-swap="outerHTML" hx-trigger="every 5s" { (content) }
        } @else {
            section.block #zadania { (content) }
        }
    }
}

/// Sends the browser (or htmx) back to the service's page with `message` shown there.
fn back_to_service(ctx: &Ctx, id: u64, message: &str) -> WebResult<Response> {
    let to = format!("/uslugi/{id}");
    let mut response = ctx.redirect_with_flash(&to, message);
    if ctx.htmx {
        response.headers_mut().insert(
            "HX-Redirect",
            poem::http::HeaderValue::from_str(&to)
                .map_err(|e| AppError::Internal(e.to_string()))?,
        );
    }
    Ok(response)
}

/// "Cena odnowienia": what the next period costs, gross, as the renewal's proforma will say.
fn price(service: &Service, plan: &crate::domain::Plan) -> Markup {
    let months = plan.renewal_months(service);
    let line = crate::domain::billing::renewal_line(service, plan, months);
    html! {
        @if let Some(line) = line {
            div { dt { "Cena odnowienia" } dd #cena {
                strong { (line.gross()) } " brutto / " (crate::domain::billing::months_label(months))
            } }
        }
    }
}

fn details(details: &ServiceDetails) -> Markup {
    html! {
        @match details {
            ServiceDetails::Domain { nameservers } => div { dt { "Serwery DNS" } dd {
                (nameservers.iter().map(|n| crate::domain::shop::unicode_name(n)).collect::<Vec<_>>().join(", "))
            } },
            ServiceDetails::Hosting { disk_quota_mb, disk_used_mb, mailbox_limit, domains, php_version } => {
                div { dt { "Dysk" } dd { (disk_used_mb) " z " (disk_quota_mb) " MB" } }
                div { dt { "Limit skrzynek" } dd { (mailbox_limit) } }
                div { dt { "Domeny" } dd { (domains.iter().map(|d| crate::domain::shop::unicode_name(d)).collect::<Vec<_>>().join(", ")) } }
                div { dt { "Wersja PHP" } dd { (php_version) " " a href="/hosting" { "Zmień" } } }
            },
            ServiceDetails::Ssl { common_name, .. } => div { dt { "Domena certyfikatu" } dd { (crate::domain::shop::unicode_name(common_name)) } },
            ServiceDetails::Cloud { vcpu, ram_gb, disk_gb, ipv4, running } => {
                div { dt { "Parametry" } dd { (vcpu) " vCPU, " (ram_gb) " GB RAM, " (disk_gb) " GB dysku" } }
                div { dt { "Adres IP" } dd { (ipv4) } }
                div { dt { "Zasilanie" } dd { @if *running { "włączony" } @else { "wyłączony" } " " a href="/cloud" { "Zarządzaj" } } }
            },
            ServiceDetails::WebsiteBuilder { domain, published, .. } => {
                div { dt { "Domena strony" } dd { @if domain.is_empty() { "—" } @else { (crate::domain::shop::unicode_name(domain)) } } }
                div { dt { "Publikacja" } dd { @if *published { "Opublikowana" } @else { "Nieopublikowana" } " " a href="/kreator-www" { "Zarządzaj" } } }
            },
            ServiceDetails::OpenXchange { licences, holders } => {
                div { dt { "Licencje" } dd { (licences) " (przypisane: " (holders.len()) ") " a href="/open-xchange" { "Zarządzaj" } } }
            },
            ServiceDetails::None => {},
        }
    }
}

/// Odnów: creates the renewal proforma once; htmx gets the service's box showing it, a plain
/// form is sent on to the proforma.
#[handler]
pub async fn view_odnow_post(ctx: Ctx, auth: Auth, Path(id): Path<String>) -> WebResult<Response> {
    let id = parse_id(&id)?;
    auth.require_service(id)?;
    auth.require(Action::HandleBilling)?;
    let account_id = auth.account().id;
    let now = ctx.now();
    let base_url = ctx.state.base_url.clone();
    let outcome = ctx
        .state
        .store
        .blocking(move |s| {
            s.renew_service(account_id, id, now, &|account, proforma| {
                mail::renewal_proforma_message(&base_url, account, proforma)
            })
        })
        .await?;
    let (proforma, message) = match outcome {
        RenewOutcome::NotFound => return Err(AppError::NotFound),
        RenewOutcome::NotYet(opens) => {
            let message = format!(
                "Odnowienie tej usługi będzie możliwe od {}.",
                format_date(opens)
            );
            return back_to_service(&ctx, id, &message);
        }
        RenewOutcome::Unbillable(plan) => {
            tracing::warn!(
                plan = plan.id,
                months = plan.period_months,
                "renewal refused: the plan's period is out of range; fix the plan"
            );
            return back_to_service(
                &ctx,
                id,
                "Nie możemy teraz wystawić proformy na odnowienie tej usługi. Skontaktuj się z nami, a przedłużymy ją ręcznie.",
            );
        }
        RenewOutcome::Created(proforma) => {
            ctx.state.wake_mailer();
            let message = format!(
                "Wystawiliśmy proformę {} na kwotę {}. Zapłać ją, aby przedłużyć usługę.",
                proforma.number,
                proforma.total_gross()
            );
            (proforma, message)
        }
        RenewOutcome::Existing(proforma) => {
            let message = format!(
                "Proforma {} na odnowienie tej usługi już czeka na zapłatę.",
                proforma.number
            );
            (proforma, message)
        }
    };
    if !ctx.htmx {
        return Ok(ctx.redirect_with_flash(&format!("/faktury/{}", proforma.id), &message));
    }
    let today = today(now);
    let overview = ctx.state.store.overview(account_id)?;
    let service = overview
        .services
        .iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)?;
    let mut notice = service_notice(service, Some(&proforma), today).ok_or(AppError::NotFound)?;
    crate::domain::notifications::add_next_steps(
        std::slice::from_mut(&mut notice),
        std::slice::from_ref(service),
        &ctx.state.config.args.lifecycle.settings(),
        today,
    );
    offer_balance(
        std::slice::from_mut(&mut notice),
        &overview.documents,
        overview.balance,
    );
    // The amount due changed too: refresh "Stan płatności" in the same response.
    let status = payment_status(&overview.documents, overview.balance, today);
    Ok(html! {
        (notice_box(&ctx.csrf, &notice))
        (super::pulpit::payment_summary(&status, true))
    }
    .into_response())
}
