//! Hosting: the account's hosting servers with pakiet, expiry, disk use against the quota,
//! mailbox count against the limit, attached domains and PHP version; changing the PHP version
//! and attaching or detaching an owned domain. A change is shown at once and its task (the host's
//! server doing the same) is listed under "Zadania"; the card reloads itself while one waits.
//! Without JavaScript each form is a plain POST (303 back here); with htmx the section is swapped.

use super::RECENT_TASKS;
use super::hosting_forms::{Field, Shown, actions};
use super::skrzynki::task_badge;
use super::skrzynki_form::usage_meter;
use crate::domain::access::Action;
use crate::domain::mailbox::percent_tone;
use crate::domain::shop::unicode_name;
use crate::domain::task::{Task, TaskAction, TaskState};
use crate::domain::time::{format_date, today};
use crate::domain::{Service, ServiceDetails, ServiceKind};
use crate::store::{HostingChange, HostingOutcome};
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::components::status_badge;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

/// How many of a server's latest tasks the page lists.
const TASKS_SHOWN: usize = 5;

/// A hosting server as the viewer sees it.
pub(super) struct Server {
    pub service: Service,
    pub plan: String,
    pub mailboxes: usize,
    pub tasks: Vec<Task>,
}

impl Server {
    fn pending(&self) -> bool {
        self.tasks
            .iter()
            .any(|t| matches!(t.state, TaskState::Queued | TaskState::Running))
    }
}

fn is_hosting_task(action: &TaskAction) -> bool {
    matches!(
        action,
        TaskAction::SetPhpVersion { .. }
            | TaskAction::AttachDomain { .. }
            | TaskAction::DetachDomain { .. }
    )
}

/// The viewer's servers and the domains they could attach (owned, on no server yet).
fn servers(ctx: &Ctx, auth: &Auth) -> WebResult<(Vec<Server>, Vec<String>)> {
    let store = &ctx.state.store;
    let viewer = auth.viewer();
    let services = store.services_for(&viewer)?;
    let mailboxes = store.mailboxes_for(&viewer)?;
    let mut servers = Vec::new();
    for service in services.iter().filter(|s| s.kind == ServiceKind::Hosting) {
        let plan = store.plan(service.plan_id)?.map(|p| p.name);
        let mut tasks = store.recent_tasks_of_service(service.id, RECENT_TASKS)?;
        tasks.retain(|t| is_hosting_task(&t.action));
        servers.push(Server {
            plan: plan.unwrap_or_default(),
            mailboxes: mailboxes
                .iter()
                .filter(|m| m.hosting_service_id == service.id)
                .count(),
            tasks,
            service: service.clone(),
        });
    }
    let attached: Vec<&String> = servers
        .iter()
        .flat_map(|s| match &s.service.details {
            ServiceDetails::Hosting { domains, .. } => domains.iter().collect(),
            _ => Vec::new(),
        })
        .collect();
    let free = services
        .iter()
        .filter(|s| s.kind == ServiceKind::Domain && !attached.contains(&&s.name))
        .map(|s| s.name.clone())
        .collect();
    Ok((servers, free))
}

#[handler]
pub async fn view_hosting_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let body = content(&ctx, &auth, &Shown::List)?;
    Ok(ctx.page(
        &auth,
        ServiceKind::Hosting.section_title(),
        Nav::Uslugi,
        body,
    ))
}

#[derive(Deserialize)]
pub struct PhpForm {
    #[serde(default)]
    wersja: String,
}

#[derive(Deserialize)]
pub struct DomainForm {
    #[serde(default)]
    domena: String,
}

#[handler]
pub async fn view_hosting_php_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<u64>,
    Form(form): Form<PhpForm>,
) -> WebResult<Response> {
    let change = HostingChange::SetPhp(form.wersja);
    run(ctx, auth, id, change, Field::Php).await
}

#[handler]
pub async fn view_hosting_domeny_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<u64>,
    Form(form): Form<DomainForm>,
) -> WebResult<Response> {
    let change = HostingChange::Attach(form.domena);
    run(ctx, auth, id, change, Field::Domain).await
}

#[handler]
pub async fn view_hosting_domeny_usun_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<u64>,
    Form(form): Form<DomainForm>,
) -> WebResult<Response> {
    let change = HostingChange::Detach(form.domena);
    run(ctx, auth, id, change, Field::Domains).await
}

async fn run(
    ctx: Ctx,
    auth: Auth,
    id: u64,
    change: HostingChange,
    field: Field,
) -> WebResult<Response> {
    auth.require(Action::ManageServices)?;
    let viewer = auth.viewer();
    let now = ctx.now();
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.change_hosting(&viewer, id, change, now))
        .await?;
    match outcome {
        HostingOutcome::NotFound => Err(AppError::NotFound),
        HostingOutcome::Refused(refusal) => {
            let body = content(&ctx, &auth, &Shown::Refused(id, field, refusal.message()))?;
            if ctx.htmx {
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
            }
            let title = ServiceKind::Hosting.section_title();
            let mut response = ctx.page(&auth, title, Nav::Uslugi, body);
            response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
            Ok(response)
        }
        HostingOutcome::Queued(task) => {
            ctx.state.wake_tasks();
            let message = format!("{}: {} — zapisano.", task.service_name, task.action.label());
            if !ctx.htmx {
                return Ok(ctx.redirect_with_flash("/hosting", &message));
            }
            Ok(content(&ctx, &auth, &Shown::Saved(id, message))?.into_response())
        }
    }
}

/// The page's content (what htmx swaps after an action).
fn content(ctx: &Ctx, auth: &Auth, shown: &Shown) -> WebResult<Markup> {
    let (servers, free) = servers(ctx, auth)?;
    let day = today(ctx.now());
    let may = auth.may(Action::ManageServices);
    Ok(html! {
        div #hosting {
            @if servers.is_empty() {
                section.block { p.muted { "Brak serwerów hostingowych na koncie." } }
            }
            @for server in &servers {
                (server_section(ctx, server, &free, day, may, shown))
            }
            p { a href=(crate::web::pages::sklep::shop_link(ServiceKind::Hosting)) { "Zamów hosting w Sklepie" } }
        }
    })
}

fn server_section(
    ctx: &Ctx,
    server: &Server,
    free: &[String],
    day: jiff::civil::Date,
    may: bool,
    shown: &Shown,
) -> Markup {
    let service = &server.service;
    let id = format!("serwer-{}", service.id);
    let live = service.lifecycle == crate::domain::service::Lifecycle::Live;
    let content = html! {
        h2 { (service.name) " " small.muted { (service.kind.label()) } }
        @if let Shown::Saved(at, message) = shown && *at == service.id {
            p.flash role="status" { (message) }
        }
        (details(server, day))
        @if may && live { (actions(ctx, server, free, shown)) }
        @else if let Shown::Refused(at, _, message) = shown && *at == service.id {
            p.error role="alert" { (message) }
        }
        @if !server.tasks.is_empty() {
            h3 { "Zadania" }
            ul.tasks { @for task in server.tasks.iter().rev().take(TASKS_SHOWN) {
                li { (task.action.label()) " " (task_subject(&task.action)) ": " (task_badge(Some(task))) }
            } }
        }
    };
    html! {
        @if server.pending() {
            section.block id=(id) hx-get="/hosting" hx-select={ "#" (id) } hx-target="this"
                hx-swap="outerHTML" hx-trigger="every 2s" { (content) }
        } @else {
            section.block id=(id) { (content) }
        }
    }
}

fn task_subject(action: &TaskAction) -> &str {
    match action {
        TaskAction::SetPhpVersion { version } => version,
        TaskAction::AttachDomain { domain } | TaskAction::DetachDomain { domain } => domain,
        _ => "",
    }
}

fn details(server: &Server, day: jiff::civil::Date) -> Markup {
    let service = &server.service;
    let ServiceDetails::Hosting {
        disk_quota_mb,
        disk_used_mb,
        mailbox_limit,
        domains,
        php_version,
    } = &service.details
    else {
        return html! {};
    };
    let percent = (disk_used_mb * 100)
        .checked_div(*disk_quota_mb)
        .unwrap_or(0);
    html! {
        dl.details {
            div { dt { "Pakiet" } dd { (server.plan) } }
            div { dt { "Ważny do" } dd { (format_date(service.expires_on)) " " (status_badge(service.status(day))) } }
            div.disk { dt { "Dysk" } dd {
                (disk_used_mb) " z " (disk_quota_mb) " MB "
                (usage_meter(percent, percent_tone(percent), "Zajęte miejsce na dysku serwera"))
            } }
            div.mailboxes { dt { "Skrzynki e-mail" } dd {
                a href="/skrzynki" { (server.mailboxes) " z " (mailbox_limit) }
            } }
            div.php { dt { "Wersja PHP" } dd { (php_version) } }
            div.domains { dt { "Domeny" } dd {
                @if domains.is_empty() { span.muted { "Brak podpiętych domen." } }
                @else { (domains.iter().map(|d| unicode_name(d)).collect::<Vec<_>>().join(", ")) }
            } }
        }
    }
}
