//! Skrzynki e-mail: the mailboxes of each server (a Hosting or a mail plan) with their use of the
//! quota and the plan's limits, and a new mailbox within what the plan has left. Without
//! JavaScript the form is a plain POST (303 back here); with htmx the section is swapped.

use super::RECENT_TASKS;
use super::skrzynki_form::{Choices, CreateForm, Errors, create_form, usage_bar};
use crate::domain::access::Action;
use crate::domain::mailbox::{MailLimits, hash_password};
use crate::domain::task::{Task, TaskState};
use crate::domain::time::today;
use crate::domain::{Mailbox, Service, ServiceKind};
use crate::store::NewMailbox;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::components::services_table;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Form;
use poem::{IntoResponse, Response, handler};

const TITLE: &str = "Skrzynki e-mail";
/// How many of a server's latest mailbox tasks the page lists.
const TASKS_SHOWN: usize = 5;

/// A server mailboxes live on, as the viewer sees it.
pub(super) struct Server {
    pub service: Service,
    pub limits: MailLimits,
    pub mailboxes: Vec<Mailbox>,
    pub tasks: Vec<Task>,
    /// The domains a new mailbox here may use: the account's and the ones attached to the server.
    pub domains: Vec<String>,
}

impl Server {
    /// The latest task about `address`.
    pub fn task_of(&self, address: &str) -> Option<&Task> {
        self.tasks
            .iter()
            .rev()
            .find(|t| t.action.mailbox_address() == Some(address))
    }

    fn pending(&self) -> bool {
        self.tasks
            .iter()
            .any(|t| matches!(t.state, TaskState::Queued | TaskState::Running))
    }
}

/// The viewer's servers with their mailboxes and mailbox tasks, and the mail plans owned.
pub(super) fn servers(ctx: &Ctx, auth: &Auth) -> WebResult<(Vec<Server>, Vec<Service>)> {
    let viewer = auth.viewer();
    let services = ctx.state.store.services_for(&viewer)?;
    let mailboxes = ctx.state.store.mailboxes_for(&viewer)?;
    let owned_domains = services
        .iter()
        .filter(|s| s.kind == ServiceKind::Domain)
        .map(|s| s.name.clone());
    let owned_domains: Vec<String> = owned_domains.collect();
    let mut servers = Vec::new();
    for service in &services {
        let Some(limits) = MailLimits::of(service) else {
            continue;
        };
        let mut domains = owned_domains.clone();
        if let crate::domain::ServiceDetails::Hosting {
            domains: attached, ..
        } = &service.details
        {
            domains.extend(attached.iter().cloned());
        }
        domains.sort();
        domains.dedup();
        let tasks = ctx
            .state
            .store
            .recent_tasks_of_service(service.id, RECENT_TASKS)?;
        servers.push(Server {
            limits,
            mailboxes: mailboxes
                .iter()
                .filter(|m| m.hosting_service_id == service.id)
                .cloned()
                .collect(),
            tasks: tasks
                .into_iter()
                .filter(|t| t.action.mailbox_address().is_some())
                .collect(),
            domains,
            service: service.clone(),
        });
    }
    let plans = services
        .into_iter()
        .filter(|s| s.kind == ServiceKind::Email)
        .collect();
    Ok((servers, plans))
}

/// What the page shows besides the mailboxes: a message, or the refused form with its errors.
enum Shown<'a> {
    List,
    Saved(String),
    Refused(&'a CreateForm, &'a Errors),
}

#[handler]
pub async fn view_skrzynki_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let body = content(&ctx, &auth, Shown::List)?;
    Ok(ctx.page(&auth, TITLE, Nav::Uslugi, body))
}

#[handler]
pub async fn view_skrzynki_post(
    ctx: Ctx,
    auth: Auth,
    Form(form): Form<CreateForm>,
) -> WebResult<Response> {
    auth.require(Action::ManageServices)?;
    let (servers, _) = servers(&ctx, &auth)?;
    let domains_of = |id: u64| {
        servers
            .iter()
            .find(|s| s.service.id == id)
            .map(|s| s.domains.clone())
    };
    let request = match form.parse(domains_of) {
        Ok(request) => request,
        Err(errors) => return refused(&ctx, &auth, &form, &errors),
    };
    auth.require_service(request.server_id)?;
    let password = form.haslo.clone();
    let salt = crate::random::bytes::<16>();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password, &salt))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)?;
    let address = request.address.to_string();
    let new = NewMailbox {
        account_id: auth.account().id,
        server_id: request.server_id,
        address: address.clone(),
        quota_mb: request.quota_mb,
        password_hash: hash,
    };
    let now = ctx.now();
    let created = ctx
        .state
        .store
        .blocking(move |s| s.create_mailbox(new, now))
        .await?;
    if let Err(refusal) = created {
        return refused(
            &ctx,
            &auth,
            &form,
            &Errors::one(refusal.field(), refusal.message()),
        );
    }
    ctx.state.wake_tasks();
    let message = format!("Zakładamy skrzynkę {address}: będzie gotowa za chwilę.");
    if !ctx.htmx {
        return Ok(ctx.redirect_with_flash("/skrzynki", &message));
    }
    Ok(content(&ctx, &auth, Shown::Saved(message))?.into_response())
}

fn refused(ctx: &Ctx, auth: &Auth, form: &CreateForm, errors: &Errors) -> WebResult<Response> {
    let body = content(ctx, auth, Shown::Refused(form, errors))?;
    if ctx.htmx {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    let mut response = ctx.page(auth, TITLE, Nav::Uslugi, body);
    response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
    Ok(response)
}

/// The page's content (what htmx swaps after a new mailbox).
fn content(ctx: &Ctx, auth: &Auth, shown: Shown<'_>) -> WebResult<Markup> {
    let (servers, plans) = servers(ctx, auth)?;
    let empty = (CreateForm::default(), Errors::default());
    let (form, errors, saved) = match &shown {
        Shown::Refused(form, errors) => (*form, *errors, None),
        Shown::Saved(message) => (&empty.0, &empty.1, Some(message)),
        Shown::List => (&empty.0, &empty.1, None),
    };
    let choices = Choices {
        servers: servers
            .iter()
            .filter(|s| MailLimits::accepts_new(&s.service).is_ok())
            .map(|s| (s.service.id.to_string(), s.service.name.clone()))
            .collect(),
        domains: domain_options(&servers),
    };
    Ok(html! {
        div #skrzynki {
            @if let Some(message) = saved { p.flash role="status" { (message) } }
            @if servers.is_empty() {
                section.block { p.muted { "Brak serwerów, na których można założyć skrzynkę e-mail." } }
            }
            @for server in &servers { (server_section(server)) }
            @if !plans.is_empty() {
                section.block {
                    h2 { "Pakiety poczty" }
                    (services_table(&plans, today(ctx.now()), &ctx.state.config.args.lifecycle.settings()))
                }
            }
            section.block #nowa {
                h2 { "Nowa skrzynka e-mail" }
                @if auth.may(Action::ManageServices) && !choices.servers.is_empty() {
                    (create_form(&ctx.csrf, &choices, form, errors))
                }
                p { a href=(crate::web::pages::sklep::shop_link(ServiceKind::Email)) { "Zamów pakiet poczty w Sklepie" } }
            }
        }
    })
}

fn domain_options(servers: &[Server]) -> Vec<(String, String)> {
    let mut all: Vec<String> = servers.iter().flat_map(|s| s.domains.clone()).collect();
    all.sort();
    all.dedup();
    all.into_iter()
        .map(|d| (d.clone(), format!("@{d}")))
        .collect()
}

/// One server: its limits, its mailboxes with their use, the latest mailbox tasks. While a
/// task waits or runs the section reloads itself.
fn server_section(server: &Server) -> Markup {
    let id = format!("serwer-{}", server.service.id);
    let given: u64 = server.mailboxes.iter().map(|m| m.quota_mb).sum();
    let content = html! {
        h2 { (server.service.name) " " small.muted { (server.service.kind.label()) } }
        p.server-limits {
            "Skrzynki: " strong { (server.mailboxes.len()) " z " (server.limits.mailbox_limit) }
            " · Przydzielone miejsce: " strong { (given) " z " (server.limits.disk_quota_mb) " MB" }
        }
        @if server.mailboxes.is_empty() {
            p.muted { "Brak skrzynek na tym serwerze." }
        } @else {
            div.table-wrap { table.stacked {
                thead { tr { th { "Adres" } th.num { "Zajęte" } th.num { "Limit" } th { "Użycie" } th { "Stan" } } }
                tbody { @for m in &server.mailboxes {
                    tr {
                        td { a href={ "/skrzynki/" (m.id) } { (m.address) } }
                        td.num data-label="Zajęte" { (m.used_mb) " MB" }
                        td.num data-label="Limit" { (m.quota_mb) " MB" }
                        td data-label="Użycie" { (usage_bar(m)) }
                        td data-label="Stan" { (mailbox_state(server.task_of(&m.address))) }
                    }
                } }
            } }
        }
        @if !server.tasks.is_empty() {
            h3 { "Ostatnie zlecenia" }
            ul.tasks { @for task in server.tasks.iter().rev().take(TASKS_SHOWN) {
                li { (task.action.label()) " " (task.action.mailbox_address().unwrap_or_default()) ": " (task_badge(Some(task))) }
            } }
        }
    };
    html! {
        @if server.pending() {
            section.block id=(id) hx-get="/skrzynki" hx-select={ "#" (id) } hx-target="this"
                hx-swap="outerHTML" hx-trigger="every 3s" { (content) }
        } @else {
            section.block id=(id) { (content) }
        }
    }
}

/// The state of a task (a failure with its reason).
pub(super) fn task_badge(task: Option<&Task>) -> Markup {
    html! {
        @if let Some(task) = task {
            span class={ "badge badge--" (task.state.tone()) } { (task.state.label()) }
        }
    }
}

/// A mailbox is active once its latest task is done; until then that task's state shows.
pub(super) fn mailbox_state(task: Option<&Task>) -> Markup {
    match task {
        Some(task) if task.state != TaskState::Done => html! {
            (task.action.label()) ": " (task_badge(Some(task)))
        },
        _ => html! { span.badge.badge--ok { "aktywna" } },
    }
}
