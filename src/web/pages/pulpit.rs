//! Pulpit: payment status, the live notification boxes, the services, and the permanent modules.

use crate::domain::Document;
use crate::domain::access;
use crate::domain::notifications::{Action, PaymentStatus, notices, offer_balance, payment_status};
use crate::domain::service::Lifecycle;
use crate::domain::time::today;
use crate::domain::{Money, Service, ServiceKind};
use crate::store::Overview;
use crate::web::LIVE_REGION_ID;
use crate::web::context::{Auth, Ctx, redirect};
use crate::web::error::WebResult;
use crate::web::views::components::{notice_box, services_table};
use crate::web::views::layout::Nav;
use jiff::civil::Date;
use maud::{Markup, html};
use poem::{IntoResponse, Response, handler};

/// How often an open Pulpit asks for fresh boxes. Polling (rather than SSE) keeps no connection
/// open per tab, works through any proxy, and meets "within 30 s" with margin.
const POLL_EVERY: &str = "every 15s";

#[handler]
pub fn view_index_get() -> Response {
    // /pulpit sends a logged-out visitor on to /logowanie.
    redirect("/pulpit")
}

#[handler]
pub async fn view_pulpit_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let overview = ctx.state.store.overview_for(&auth.viewer())?;
    let today = today(ctx.now());
    let body = html! {
        (live_region(&ctx, &auth, &overview, today))
        section.block aria-labelledby="uslugi-naglowek" {
            h2 #uslugi-naglowek { "Status usług" }
            (services_table(&overview.services, today, &ctx.state.config.args.lifecycle.settings()))
        }
        (modules(&auth, &overview, today))
    };
    Ok(ctx.page(&auth, "Pulpit", Nav::Pulpit, body))
}

#[handler]
pub async fn view_powiadomienia_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let overview = ctx.state.store.overview_for(&auth.viewer())?;
    let region = live_region(&ctx, &auth, &overview, today(ctx.now()));
    if ctx.htmx {
        Ok(region.into_response())
    } else {
        Ok(ctx.page(&auth, "Powiadomienia", Nav::Pulpit, region))
    }
}

/// The part of the Pulpit that refreshes itself: payment status and the boxes.
fn live_region(ctx: &Ctx, auth: &Auth, overview: &Overview, today: Date) -> Markup {
    let may_see_billing = auth.may(access::Action::ViewBilling);
    let status = payment_status(&overview.documents, overview.balance, today);
    // Roles without billing see the state of services, not documents or money buttons.
    let documents: &[Document] = if may_see_billing {
        &overview.documents
    } else {
        &[]
    };
    let mut boxes = notices(&overview.services, documents, &overview.mailboxes, today);
    let lifecycle = ctx.state.config.args.lifecycle.settings();
    crate::domain::notifications::add_next_steps(&mut boxes, &overview.services, &lifecycle, today);
    offer_balance(&mut boxes, documents, overview.balance);
    if !auth.may(access::Action::HandleBilling) {
        for notice in &mut boxes {
            notice.actions.retain(|a| {
                !matches!(
                    a,
                    Action::Renew { .. } | Action::Pay { .. } | Action::PayFromBalance { .. }
                )
            });
        }
    }
    html! {
        div id=(LIVE_REGION_ID) hx-get="/pulpit/powiadomienia" hx-trigger=(POLL_EVERY) hx-swap="outerHTML" {
            @if may_see_billing { (payment_summary(&status, false)) }
            section.block aria-labelledby="powiadomienia-naglowek" {
                h2 #powiadomienia-naglowek { "Powiadomienia" }
                @if boxes.is_empty() {
                    p.muted #brak-powiadomien { "Wszystko w porządku — nie ma nowych powiadomień." }
                } @else {
                    div.notices aria-live="polite" {
                        @for notice in &boxes { (notice_box(&ctx.csrf, notice)) }
                    }
                }
            }
        }
    }
}

/// "Stan płatności". `out_of_band`: sent beside another fragment, htmx puts it in place too.
pub(super) fn payment_summary(status: &PaymentStatus, out_of_band: bool) -> Markup {
    html! {
        section #stan-platnosci .block.payment-status aria-labelledby="platnosci-naglowek"
            hx-swap-oob=[out_of_band.then_some("true")] {
            h2 #platnosci-naglowek { "Stan płatności" }
            dl.figures {
                div { dt { "Do zapłaty" } dd #do-zaplaty { (status.due) } }
                div class=[(status.overdue > Money::ZERO).then_some("overdue")] {
                    dt { "Po terminie" } dd #po-terminie { (status.overdue) }
                }
                div { dt { "Saldo przedpłat" } dd #saldo { (status.prepaid) } }
            }
            p { a href="/platnosci" { "Przejdź do płatności" } }
        }
    }
}

/// The account's services of one kind that still exist.
fn of_kind(overview: &Overview, kind: ServiceKind) -> impl Iterator<Item = &Service> {
    overview
        .services
        .iter()
        .filter(move |s| s.kind == kind && s.lifecycle != Lifecycle::Deleted)
}

fn module(title: &str, href: &str, content: Markup) -> Markup {
    html! {
        article.module {
            h3 { a href=(href) { (title) } }
            (content)
        }
    }
}

/// The figures of the Faktury module. `out_of_band`: sent beside another fragment (Zapłać z
/// salda), htmx puts it in place too.
pub(super) fn invoices_figures(documents: &[Document], out_of_band: bool) -> Markup {
    let unpaid: Vec<_> = documents.iter().filter(|d| d.is_unpaid()).collect();
    let unpaid_total: Money = unpaid.iter().map(|d| d.total_gross()).sum();
    html! {
        div #faktury-modul hx-swap-oob=[out_of_band.then_some("true")] {
            p { "Nieopłacone: " strong #nieoplacone { (unpaid.len()) } }
            p { "Należności: " strong #naleznosci { (unpaid_total) } }
        }
    }
}

fn modules(auth: &Auth, overview: &Overview, today: Date) -> Markup {
    let may_see_billing = auth.may(access::Action::ViewBilling);
    let may_manage_users = auth.may(access::Action::ManageUsers);
    let owns_builder = crate::domain::website::owns_site(&overview.services);
    let licences = crate::domain::open_xchange::licence_counts(&overview.services);
    html! {
        section.block aria-labelledby="moduly-naglowek" {
            h2 #moduly-naglowek { "Moduły" }
            div.modules {
                (module("Użytkownicy", "/uzytkownicy", html! {
                    p.big { (overview.user_count) }
                    @if may_manage_users { p { a href="/uzytkownicy#dodaj" { "Dodaj użytkownika" } } }
                }))
                (module("Skrzynki e-mail", "/skrzynki", html! {
                    @if overview.mailboxes.is_empty() { p.muted { "Brak skrzynek." } }
                    ul.compact { @for mailbox in overview.mailboxes.iter().take(5) {
                        li { (mailbox.address) " " small.muted { (mailbox.used_percent()) "%" } }
                    } }
                    p { a href="/skrzynki#nowa" { "Nowa skrzynka e-mail" } }
                }))
                (module("Hosting", "/hosting", html! {
                    @if of_kind(overview, ServiceKind::Hosting).count() == 0 { p.muted { "Brak serwerów." } }
                    ul.compact { @for server in of_kind(overview, ServiceKind::Hosting) {
                        li { a href={ "/uslugi/" (server.id) } { (server.name) } " " small.muted { (server.status(today).label()) } }
                    } }
                }))
                (module("Certyfikaty SSL", "/ssl", html! {
                    p { "Certyfikaty: " strong { (of_kind(overview, ServiceKind::Ssl).count()) } }
                }))
                (module(ServiceKind::Cloud.section_title(), "/cloud", html! {
                    p { "Serwery: " strong { (of_kind(overview, ServiceKind::Cloud).count()) } }
                }))
                @if owns_builder {
                    (module("Kreator WWW", "/kreator-www", html! {
                        ul.compact { @for site in of_kind(overview, ServiceKind::WebsiteBuilder) { li { (site.name) } } }
                    }))
                }
                (module("Open-Xchange", "/open-xchange", html! {
                    p { "Licencje: " strong #ox-licencje { (licences.owned) } }
                    p { "Wolne: " strong #ox-wolne { (licences.free) } }
                }))
                (module("Więcej usług", ServiceKind::Other.section_path(), html! {
                    p { "Pozostałe usługi, np. serwery dedykowane, i przejście do poprzedniego panelu." }
                }))
                (module("Faktury", "/faktury", html! {
                    @if may_see_billing {
                        (invoices_figures(&overview.documents, false))
                    } @else {
                        p.muted { "Faktury widzą właściciel, administrator i księgowość." }
                    }
                }))
                (module("Sklep", "/sklep", html! {
                    p { "Zamów kolejną usługę: domenę, hosting, certyfikat SSL." }
                }))
                (module("Domeny", "/domeny", html! {
                    p.big { (of_kind(overview, ServiceKind::Domain).count()) }
                }))
            }
        }
    }
}
