//! Serwery w chmurze: the account's cloud servers with their parameters, pakiet and power state,
//! and the power actions (Uruchom, Zatrzymaj, Uruchom ponownie). Each action is a provisioning
//! task; while it waits the state reads "zatrzymywanie…"/"uruchamianie…" and the server's card
//! reloads itself; the state changes once the task is done. Without JavaScript each action is a
//! plain POST (303 back here); with htmx the section is swapped.

use super::RECENT_TASKS;
use super::skrzynki::task_badge;
use crate::domain::access::Action;
use crate::domain::cloud::{PowerAction, pending_power, power_state};
use crate::domain::task::{Task, TaskAction, TaskState};
use crate::domain::time::{format_date, today};
use crate::domain::{Service, ServiceDetails, ServiceKind};
use crate::store::PowerOutcome;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::components::{csrf_field, status_badge};
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

/// How many of a server's latest power tasks the page lists.
const TASKS_SHOWN: usize = 5;

/// A cloud server as the viewer sees it.
struct Server {
    service: Service,
    plan: String,
    tasks: Vec<Task>,
}

impl Server {
    fn pending(&self) -> Option<PowerAction> {
        pending_power(&self.tasks)
    }

    fn last_task(&self) -> Option<&Task> {
        self.tasks.last()
    }
}

fn servers(ctx: &Ctx, auth: &Auth) -> WebResult<Vec<Server>> {
    let store = &ctx.state.store;
    let mut servers = Vec::new();
    for service in store.services_for(&auth.viewer())? {
        if service.kind != ServiceKind::Cloud {
            continue;
        }
        let plan = store.plan(service.plan_id)?.map(|p| p.name);
        let tasks = store.recent_tasks_of_service(service.id, RECENT_TASKS)?;
        servers.push(Server {
            plan: plan.unwrap_or_default(),
            tasks: tasks
                .into_iter()
                .filter(|t| matches!(t.action, TaskAction::PowerCloud { .. }))
                .collect(),
            service,
        });
    }
    Ok(servers)
}

/// A message for one server: what was started, or why it was refused.
enum Shown {
    List,
    Saved(u64, String),
    Refused(u64, &'static str),
}

#[handler]
pub async fn view_cloud_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let body = content(&ctx, &auth, &Shown::List)?;
    Ok(ctx.page(&auth, ServiceKind::Cloud.section_title(), Nav::Uslugi, body))
}

#[derive(Deserialize)]
pub struct PowerForm {
    #[serde(default)]
    akcja: String,
}

#[handler]
pub async fn view_cloud_zasilanie_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<u64>,
    Form(form): Form<PowerForm>,
) -> WebResult<Response> {
    auth.require(Action::ManageServices)?;
    let Some(action) = PowerAction::parse(&form.akcja) else {
        if !servers(&ctx, &auth)?.iter().any(|s| s.service.id == id) {
            return Err(AppError::NotFound);
        }
        return refused(
            &ctx,
            &auth,
            id,
            "Wybierz: uruchom, zatrzymaj albo uruchom ponownie.",
        );
    };
    let viewer = auth.viewer();
    let now = ctx.now();
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.power_cloud(&viewer, id, action, now))
        .await?;
    match outcome {
        PowerOutcome::NotFound => Err(AppError::NotFound),
        PowerOutcome::Refused(refusal) => refused(&ctx, &auth, id, refusal.message()),
        PowerOutcome::Queued(task) => {
            ctx.state.wake_tasks();
            let message = format!("{}: {} — za chwilę.", task.service_name, action.label());
            if !ctx.htmx {
                return Ok(ctx.redirect_with_flash("/cloud", &message));
            }
            Ok(content(&ctx, &auth, &Shown::Saved(id, message))?.into_response())
        }
    }
}

fn refused(ctx: &Ctx, auth: &Auth, id: u64, message: &'static str) -> WebResult<Response> {
    let body = content(ctx, auth, &Shown::Refused(id, message))?;
    if ctx.htmx {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    let title = ServiceKind::Cloud.section_title();
    let mut response = ctx.page(auth, title, Nav::Uslugi, body);
    response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
    Ok(response)
}

/// The page's content (what htmx swaps after an action).
fn content(ctx: &Ctx, auth: &Auth, shown: &Shown) -> WebResult<Markup> {
    let servers = servers(ctx, auth)?;
    let day = today(ctx.now());
    let may = auth.may(Action::ManageServices);
    Ok(html! {
        div #cloud {
            @if servers.is_empty() {
                section.block { p.muted { "Brak serwerów w chmurze na koncie." } }
            }
            @for server in &servers {
                (server_section(ctx, server, day, may, shown))
            }
            p { a href=(crate::web::pages::sklep::shop_link(ServiceKind::Cloud)) { "Zamów serwer w Sklepie" } }
        }
    })
}

/// One server's card; while a power task waits it reloads itself.
fn server_section(
    ctx: &Ctx,
    server: &Server,
    day: jiff::civil::Date,
    may: bool,
    shown: &Shown,
) -> Markup {
    let service = &server.service;
    let id = format!("serwer-{}", service.id);
    let content = html! {
        h2 { (service.name) " " small.muted { (service.kind.label()) } }
        @match shown {
            Shown::Saved(at, message) if *at == service.id => p.flash role="status" { (message) },
            Shown::Refused(at, message) if *at == service.id => p.error role="alert" { (message) },
            _ => {}
        }
        (details(server, day))
        @if let Some(task) = server.last_task().filter(|t| matches!(t.state, TaskState::Failed { .. })) {
            p.error { (task.action.label()) " — " (task.state.label()) }
        }
        @if may && server.pending().is_none() && service.lifecycle == crate::domain::service::Lifecycle::Live {
            (power_buttons(ctx, service))
        }
        @if !server.tasks.is_empty() {
            h3 { "Zadania" }
            ul.tasks { @for task in server.tasks.iter().rev().take(TASKS_SHOWN) {
                li { (task.action.label()) ": " (task_badge(Some(task))) }
            } }
        }
    };
    html! {
        @if server.pending().is_some() {
            section.block id=(id) hx-get="/cloud" hx-select={ "#" (id) } hx-target="this"
                hx-swap="outerHTML" hx-trigger="every 2s" { (content) }
        } @else {
            section.block id=(id) { (content) }
        }
    }
}

fn details(server: &Server, day: jiff::civil::Date) -> Markup {
    let service = &server.service;
    let ServiceDetails::Cloud {
        vcpu,
        ram_gb,
        disk_gb,
        ipv4,
        running,
    } = &service.details
    else {
        return html! {};
    };
    let (state, tone) = power_state(*running, server.pending());
    html! {
        dl.details {
            div { dt { "Zasilanie" } dd { span class={ "power badge badge--" (tone) } { (state) } } }
            div { dt { "Pakiet" } dd { (server.plan) } }
            div { dt { "Procesor" } dd { (vcpu) " vCPU" } }
            div { dt { "Pamięć RAM" } dd { (ram_gb) " GB" } }
            div { dt { "Dysk" } dd { (disk_gb) " GB" } }
            div { dt { "Adres IPv4" } dd { code { (ipv4) } } }
            div { dt { "Ważny do" } dd { (format_date(service.expires_on)) " " (status_badge(service.status(day))) } }
        }
    }
}

/// The actions the server's state allows: Uruchom when stopped; Zatrzymaj and Uruchom ponownie
/// when running.
fn power_buttons(ctx: &Ctx, service: &Service) -> Markup {
    let running = matches!(service.details, ServiceDetails::Cloud { running: true, .. });
    let actions: &[PowerAction] = if running {
        &[PowerAction::Stop, PowerAction::Restart]
    } else {
        &[PowerAction::Start]
    };
    let path = format!("/cloud/{}/zasilanie", service.id);
    html! {
        div.actions {
            @for action in actions {
                form.inline method="post" action=(path) hx-post=(path) hx-target="#cloud"
                    hx-swap="outerHTML" hx-disabled-elt="find button" {
                    (csrf_field(&ctx.csrf))
                    input type="hidden" name="akcja" value=(action.name());
                    button.button type="submit" { (action.button()) }
                }
            }
        }
    }
}
