//! Open-Xchange: the licences owned, assigned and free (counted as the Pulpit counts them), the
//! mailboxes holding one with "Zwolnij licencję", and "Przypisz licencję" for a mailbox without
//! one. Each assignment and release is a provisioning task written with it. Without JavaScript a
//! plain POST (303 back here); with htmx the section is swapped.

use super::RECENT_TASKS;
use super::skrzynki::task_badge;
use crate::domain::open_xchange::{counts_licences, holders, licence_counts};
use crate::domain::task::{Task, TaskAction};
use crate::domain::time::format_timestamp;
use crate::domain::{Mailbox, Service, ServiceKind};
use crate::store::LicenceOutcome;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::components::csrf_field;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

/// How many of the latest licence tasks the page lists.
const TASKS_SHOWN: usize = 5;

enum Shown {
    List,
    Saved(String),
    /// The assignment's error, next to its field.
    Refused(&'static str),
}

#[handler]
pub async fn view_open_xchange_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let body = content(&ctx, &auth, &Shown::List)?;
    Ok(ctx.page(&auth, "Open-Xchange", Nav::Uslugi, body))
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    skrzynka: String,
}

#[handler]
pub async fn view_ox_przypisz_post(
    ctx: Ctx,
    auth: Auth,
    Form(form): Form<AssignForm>,
) -> WebResult<Response> {
    auth.require(crate::domain::access::Action::ManageServices)?;
    let mailbox_id = form.skrzynka.trim().parse().ok();
    let (viewer, now) = (auth.viewer(), ctx.now());
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.assign_ox_licence(&viewer, mailbox_id, now))
        .await?;
    done(
        &ctx,
        &auth,
        outcome,
        "Przypisaliśmy licencję Open-Xchange skrzynce",
    )
}

#[handler]
pub async fn view_ox_zwolnij_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<u64>,
) -> WebResult<Response> {
    auth.require(crate::domain::access::Action::ManageServices)?;
    let (viewer, now) = (auth.viewer(), ctx.now());
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.release_ox_licence(&viewer, id, now))
        .await?;
    done(
        &ctx,
        &auth,
        outcome,
        "Zwolniliśmy licencję Open-Xchange skrzynki",
    )
}

fn done(ctx: &Ctx, auth: &Auth, outcome: LicenceOutcome, what: &str) -> WebResult<Response> {
    let task = match outcome {
        LicenceOutcome::NotFound => return Err(AppError::NotFound),
        LicenceOutcome::Refused(refusal) => {
            let body = content(ctx, auth, &Shown::Refused(refusal.message()))?;
            if ctx.htmx {
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
            }
            let mut response = ctx.page(auth, "Open-Xchange", Nav::Uslugi, body);
            response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
            return Ok(response);
        }
        LicenceOutcome::Done(task) => task,
    };
    ctx.state.wake_tasks();
    let message = format!("{what} {}.", address_of(&task));
    if !ctx.htmx {
        return Ok(ctx.redirect_with_flash("/open-xchange", &message));
    }
    Ok(content(ctx, auth, &Shown::Saved(message))?.into_response())
}

/// The mailbox a licence task is about.
fn address_of(task: &Task) -> &str {
    match &task.action {
        TaskAction::AssignOxLicence { address } | TaskAction::ReleaseOxLicence { address } => {
            address
        }
        _ => "",
    }
}

/// The page's content (what htmx swaps after an action).
fn content(ctx: &Ctx, auth: &Auth, shown: &Shown) -> WebResult<Markup> {
    let store = &ctx.state.store;
    let viewer = auth.viewer();
    let services: Vec<Service> = store.services_for(&viewer)?;
    let mailboxes = store.mailboxes_for(&viewer)?;
    let counts = licence_counts(&services);
    let mut tasks: Vec<Task> = Vec::new();
    for service in services.iter().filter(|s| counts_licences(s)) {
        tasks.extend(store.recent_tasks_of_service(service.id, RECENT_TASKS)?);
    }
    tasks.sort_by_key(|t| t.id);
    let owns = services.iter().any(counts_licences);
    let may = auth.may(crate::domain::access::Action::ManageServices);
    Ok(html! {
        div #open-xchange {
            @match shown {
                Shown::Saved(message) => p.flash role="status" { (message) },
                _ => {}
            }
            section.block aria-labelledby="licencje-naglowek" {
                h2 #licencje-naglowek { "Licencje" }
                dl.figures {
                    div { dt { "Posiadane" } dd #ox-licencje { (counts.owned) } }
                    div { dt { "Przypisane" } dd #ox-przypisane { (counts.assigned) } }
                    div { dt { "Wolne" } dd #ox-wolne { (counts.free) } }
                }
                @if !owns { p.muted { "Nie masz licencji Open-Xchange." } }
                p { a href=(crate::web::pages::sklep::shop_link(ServiceKind::OpenXchange)) { "Dokup licencje w Sklepie" } }
            }
            (holders_table(ctx, &services, &mailboxes, may))
            @if may && owns { (assign_form(ctx, &services, &mailboxes, shown)) }
            @if !tasks.is_empty() {
                section.block {
                    h2 { "Zadania" }
                    ul.tasks { @for task in tasks.iter().rev().take(TASKS_SHOWN) {
                        li { (task.action.label()) " (" (address_of(task)) "): " (task_badge(Some(task))) }
                    } }
                }
            }
        }
    })
}

fn holders_table(ctx: &Ctx, services: &[Service], mailboxes: &[Mailbox], may: bool) -> Markup {
    let holders = holders(services);
    html! {
        section.block aria-labelledby="posiadacze-naglowek" {
            h2 #posiadacze-naglowek { "Skrzynki z licencją" }
            @if holders.is_empty() {
                p.muted { "Żadna skrzynka nie ma jeszcze licencji." }
            } @else {
                div.table-wrap { table.stacked #posiadacze {
                    thead { tr { th { "Skrzynka" } th { "Od" } @if may { th { span.visually-hidden { "Akcje" } } } } }
                    tbody { @for (_, holder) in &holders {
                        tr {
                            td data-label="Skrzynka" { (holder.address) }
                            td data-label="Od" { (format_timestamp(holder.since)) }
                            @if may { td data-label="Akcje" {
                                @if let Some(mailbox) = mailboxes.iter().find(|m| m.address == holder.address) {
                                    @let path = format!("/open-xchange/{}/zwolnij", mailbox.id);
                                    form.inline method="post" action=(path) hx-post=(path)
                                        hx-target="#open-xchange" hx-swap="outerHTML" hx-disabled-elt="find button" {
                                        (csrf_field(&ctx.csrf))
                                        button.button.secondary type="submit" { "Zwolnij licencję"
                                            span.visually-hidden { ": " (holder.address) } }
                                    }
                                }
                            } }
                        }
                    } }
                } }
            }
        }
    }
}

fn assign_form(ctx: &Ctx, services: &[Service], mailboxes: &[Mailbox], shown: &Shown) -> Markup {
    let held = holders(services);
    let free: Vec<&Mailbox> = mailboxes
        .iter()
        .filter(|m| !held.iter().any(|(_, h)| h.address == m.address))
        .collect();
    let error = match shown {
        Shown::Refused(message) => Some(*message),
        _ => None,
    };
    html! {
        section.block #przypisz aria-labelledby="przypisz-naglowek" {
            h2 #przypisz-naglowek { "Przypisz licencję" }
            @if free.is_empty() && error.is_none() {
                p.muted { "Każda skrzynka e-mail na koncie ma już licencję." }
            } @else {
                form.stack method="post" action="/open-xchange/przypisz" hx-post="/open-xchange/przypisz"
                    hx-target="#open-xchange" hx-swap="outerHTML" hx-disabled-elt="find button" {
                    (csrf_field(&ctx.csrf))
                    label for="ox-skrzynka" { "Skrzynka e-mail" }
                    select #ox-skrzynka name="skrzynka" aria-invalid=[error.map(|_| "true")] {
                        @for mailbox in &free { option value=(mailbox.id) { (mailbox.address) } }
                    }
                    @if let Some(error) = error { p.error role="alert" { (error) } }
                    button.button type="submit" { "Przypisz licencję" }
                }
            }
        }
    }
}
