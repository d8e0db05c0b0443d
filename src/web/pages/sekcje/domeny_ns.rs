//! A domain's nameservers (shown, changed) and its transfer code (revealed on request, each
//! reveal recorded and listed).

use super::domeny::{Shown, changed, domain_page, respond};
use crate::domain::Service;
use crate::domain::ServiceDetails;
use crate::domain::access::Action;
use crate::domain::dns::{Hostname, MAX_NAMESERVERS, MIN_NAMESERVERS, parse_nameservers};
use crate::domain::service::Lifecycle;
use crate::domain::time::format_timestamp;
use crate::store::DomainPage;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::pages::uslugi::parse_id;
use crate::web::views::components::csrf_field;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Response, handler};
use serde::Deserialize;

/// How many reveals of the transfer code the page lists, newest first.
const REVEALS_SHOWN: usize = 10;

fn nameservers_of(service: &Service) -> Vec<String> {
    match &service.details {
        ServiceDetails::Domain { nameservers } => nameservers
            .iter()
            .map(|n| Hostname::parse(n).map_or_else(|_| n.clone(), |h| h.shown()))
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn nameservers_section(
    ctx: &Ctx,
    service: &Service,
    manages: bool,
    shown: &Shown<'_>,
) -> Markup {
    let current = nameservers_of(service);
    let (typed, error) = match shown {
        Shown::Nameservers { typed, error } => (typed.to_string(), Some(*error)),
        _ => (current.join("\n"), None),
    };
    let action = format!("/domeny/{}/serwery-dns", service.id);
    html! {
        section.block #serwery-dns {
            h2 { "Serwery DNS" }
            @if current.is_empty() {
                p.muted { "Domena nie ma jeszcze przypisanych serwerów DNS." }
            } @else {
                ul #lista-serwerow { @for host in &current { li { (host) } } }
            }
            @if manages {
                details.edit open[error.is_some()] {
                    summary { "Zmień serwery DNS" }
                    form method="post" action=(action) hx-post=(action) hx-target="#domena"
                        hx-swap="outerHTML" hx-disabled-elt="find button[type=submit]" novalidate {
                        (csrf_field(&ctx.csrf))
                        div.field {
                            label for="pole-serwery" { "Serwery DNS, każdy w osobnym wierszu (od " (MIN_NAMESERVERS) " do " (MAX_NAMESERVERS) ")" }
                            textarea #pole-serwery name="serwery" rows="4" autocomplete="off" spellcheck="false"
                                aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "pole-serwery-blad")] { (typed) }
                            @if let Some(error) = error { p.error #pole-serwery-blad { (error) } }
                        }
                        button.button type="submit" { "Zapisz serwery DNS" }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct NameserversForm {
    #[serde(default)]
    serwery: String,
}

#[handler]
pub async fn view_serwery_dns_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<NameserversForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    auth.require_service(id)?;
    auth.require(Action::ManageServices)?;
    let hosts = match parse_nameservers(&form.serwery) {
        Ok(hosts) => hosts,
        Err(error) => {
            let page = domain_page(&ctx, &auth, id)?;
            let shown = Shown::Nameservers {
                typed: &form.serwery,
                error: &error,
            };
            return respond(&ctx, &auth, &page, StatusCode::UNPROCESSABLE_ENTITY, shown);
        }
    };
    let viewer = auth.viewer();
    let now = ctx.now();
    let task = ctx
        .state
        .store
        .blocking(move |s| s.set_nameservers(&viewer, id, &hosts, now))
        .await?;
    if task.is_none() {
        return Err(AppError::NotFound);
    }
    changed(
        &ctx,
        &auth,
        id,
        "Zapisaliśmy serwery DNS. Zmianę przekazujemy do rejestru domeny — jej stan widać w sekcji Zadania.",
    )
}

pub(super) fn auth_code_section(
    ctx: &Ctx,
    page: &DomainPage,
    manages: bool,
    shown: &Shown<'_>,
) -> Markup {
    let zone = &page.zone;
    let action = format!("/domeny/{}/authinfo", page.service.id);
    let revealed = matches!(shown, Shown::AuthCode)
        .then_some(zone.auth_code.as_deref())
        .flatten();
    html! {
        section.block #kod-authinfo {
            h2 { "Kod AuthInfo" }
            p { "Kod potrzebny do przeniesienia domeny do innego rejestratora. Każde wyświetlenie kodu zapisujemy." }
            @if let Some(code) = revealed {
                p { "Kod AuthInfo: " strong { code #kod-wartosc { (code) } } }
            } @else if manages {
                form method="post" action=(action) hx-post=(action) hx-target="#domena" hx-swap="outerHTML"
                    hx-disabled-elt="find button" {
                    (csrf_field(&ctx.csrf))
                    button.button.secondary type="submit" { "Pokaż kod AuthInfo" }
                }
            } @else if page.service.lifecycle == Lifecycle::Live {
                p.muted { "Kod może wyświetlić właściciel konta, administrator lub osoba z rolą techniczną." }
            }
            @if !zone.reveals.is_empty() {
                h3 { "Wyświetlenia kodu" }
                ul #wyswietlenia-kodu {
                    @for reveal in zone.reveals.iter().rev().take(REVEALS_SHOWN) {
                        li { (format_timestamp(reveal.at)) " — " (reveal.by) }
                    }
                }
            }
        }
    }
}

/// Pokaż kod AuthInfo: the answer carries the code itself (a plain form gets the page with it,
/// not a redirect: the code must not travel in a flash cookie).
#[handler]
pub async fn view_authinfo_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    auth.require_service(id)?;
    auth.require(Action::ManageServices)?;
    let viewer = auth.viewer();
    let by = auth.user().email.to_string();
    let now = ctx.now();
    let ip = ctx.ip.clone();
    let zone = ctx
        .state
        .store
        .blocking(move |s| s.reveal_auth_code(&viewer, id, &by, &ip, now))
        .await?
        .ok_or(AppError::NotFound)?;
    let mut page = domain_page(&ctx, &auth, id)?;
    page.zone = zone;
    respond(&ctx, &auth, &page, StatusCode::OK, Shown::AuthCode)
}
