//! Kreator WWW's markup: the section htmx swaps, one card per site.

use super::kreator_www::sites;
use super::skrzynki::task_badge;
use crate::domain::service::Lifecycle;
use crate::domain::shop::unicode_name;
use crate::domain::task::{Task, TaskState};
use crate::domain::time::{format_date, format_timestamp, today};
use crate::domain::website::{editor_url, pending_publish, publish_state};
use crate::domain::{Service, ServiceDetails, ServiceKind};
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::components::{csrf_field, status_badge};
use maud::{Markup, html};

/// How many of a site's latest tasks the page lists.
const TASKS_SHOWN: usize = 5;

/// A site as the viewer sees it, with its publish tasks.
pub(super) struct Site {
    pub service: Service,
    pub plan: String,
    pub tasks: Vec<Task>,
}

/// A message for one site: what was done, or why it was refused (next to the domain field when
/// the domain was refused).
pub(super) enum Shown {
    List,
    Saved(u64, &'static str),
    Refused {
        id: u64,
        domain_field: bool,
        message: &'static str,
    },
}

/// The page's content (what htmx swaps after an action).
pub(super) fn content(ctx: &Ctx, auth: &Auth, shown: &Shown) -> WebResult<Markup> {
    let (sites, domains) = sites(ctx, auth)?;
    let may = auth.may(crate::domain::access::Action::ManageServices);
    let shop = crate::web::pages::sklep::shop_link(ServiceKind::WebsiteBuilder);
    Ok(html! {
        div #kreator {
            @if sites.is_empty() {
                section.block {
                    p { "Nie masz jeszcze Kreatora WWW. Zbuduj stronę firmy bez programisty — "
                        a href=(shop) { "zamów Kreator WWW w Sklepie" } "." }
                }
            }
            @for site in &sites {
                (site_section(ctx, site, &domains, may, shown))
            }
        }
    })
}

/// One site's card; while a publish task waits it reloads itself.
fn site_section(ctx: &Ctx, site: &Site, domains: &[String], may: bool, shown: &Shown) -> Markup {
    let service = &site.service;
    let id = format!("strona-{}", service.id);
    let pending = pending_publish(&site.tasks);
    let actions = may && pending.is_none() && service.lifecycle == Lifecycle::Live;
    let field_error = match shown {
        Shown::Refused {
            id,
            domain_field: true,
            message,
        } if *id == service.id => Some(*message),
        _ => None,
    };
    let content = html! {
        h2 { (service.name) " " small.muted { (service.kind.label()) } }
        @match shown {
            Shown::Saved(at, message) if *at == service.id => p.flash role="status" { (message) },
            Shown::Refused { id, domain_field: false, message } if *id == service.id => {
                p.error role="alert" { (message) }
            },
            _ => {}
        }
        (details(ctx, site, pending))
        @if let Some(task) = site.tasks.last().filter(|t| matches!(t.state, TaskState::Failed { .. })) {
            p.error { (task.action.label()) " — " (task.state.label()) }
        }
        @if actions {
            (publish_button(ctx, service))
            (domain_form(ctx, service, domains, field_error))
        }
        @if !site.tasks.is_empty() {
            h3 { "Zadania" }
            ul.tasks { @for task in site.tasks.iter().rev().take(TASKS_SHOWN) {
                li { (task.action.label()) ": " (task_badge(Some(task))) }
            } }
        }
    };
    html! {
        @if pending.is_some() {
            section.block id=(id) hx-get="/kreator-www" hx-select={ "#" (id) } hx-target="this"
                hx-swap="outerHTML" hx-trigger="every 2s" { (content) }
        } @else {
            section.block id=(id) { (content) }
        }
    }
}

fn details(ctx: &Ctx, site: &Site, pending: Option<bool>) -> Markup {
    let service = &site.service;
    let ServiceDetails::WebsiteBuilder {
        site: site_id,
        domain,
        published,
        published_at,
    } = &service.details
    else {
        return html! {};
    };
    let (state, tone) = publish_state(*published, pending);
    let template = &ctx.state.config.args.site_editor_url;
    let editor = editor_url(template, site_id, &unicode_name(domain));
    html! {
        dl.details {
            div { dt { "Domena" } dd.domena { @if domain.is_empty() { "nie wybrano" } @else { (unicode_name(domain)) } } }
            div { dt { "Publikacja" } dd { span class={ "publikacja badge badge--" (tone) } { (state) } } }
            div { dt { "Ostatnia publikacja" } dd { @match published_at { Some(at) => (format_timestamp(*at)), None => "—" } } }
            div { dt { "Pakiet" } dd { (site.plan) } }
            div { dt { "Ważny do" } dd { (format_date(service.expires_on)) " " (status_badge(service.status(today(ctx.now())))) } }
        }
        p { a.button.secondary href=(editor) target="_blank" rel="noopener" { "Otwórz edytor" } }
    }
}

fn publish_button(ctx: &Ctx, service: &Service) -> Markup {
    let published = matches!(
        service.details,
        ServiceDetails::WebsiteBuilder {
            published: true,
            ..
        }
    );
    let (path, label) = if published {
        (
            format!("/kreator-www/{}/wycofaj", service.id),
            "Wycofaj publikację",
        )
    } else {
        (
            format!("/kreator-www/{}/opublikuj", service.id),
            "Opublikuj",
        )
    };
    html! {
        form.inline method="post" action=(path) hx-post=(path) hx-target="#kreator"
            hx-swap="outerHTML" hx-disabled-elt="find button" {
            (csrf_field(&ctx.csrf))
            button.button type="submit" { (label) }
        }
    }
}

fn domain_form(ctx: &Ctx, service: &Service, domains: &[String], error: Option<&str>) -> Markup {
    let current = match &service.details {
        ServiceDetails::WebsiteBuilder { domain, .. } => domain.as_str(),
        _ => "",
    };
    let path = format!("/kreator-www/{}/domena", service.id);
    let field = format!("domena-{}", service.id);
    html! {
        form.stack method="post" action=(path) hx-post=(path) hx-target="#kreator"
            hx-swap="outerHTML" hx-disabled-elt="find button" {
            (csrf_field(&ctx.csrf))
            label for=(field) { "Domena strony" }
            select id=(field) name="domena" aria-invalid=[error.map(|_| "true")] {
                @for domain in domains {
                    option value=(domain) selected[domain == current] { (unicode_name(domain)) }
                }
            }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            button.button.secondary type="submit" { "Zmień domenę" }
        }
    }
}
