//! Service sections: Domeny, Hosting, Skrzynki e-mail, Certyfikaty SSL, Cloud, Kreator WWW, Open-Xchange.

use crate::domain::ServiceKind;
use crate::domain::time::today;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::components::services_table;
use crate::web::views::layout::Nav;
use maud::html;
use poem::{Response, handler};

async fn section(ctx: Ctx, auth: Auth, kind: ServiceKind) -> WebResult<Response> {
    let services: Vec<_> = ctx
        .state
        .store
        .services_of_account(auth.account().id)?
        .into_iter()
        .filter(|s| s.kind == kind)
        .collect();
    let body = html! {
        section.block { (services_table(&services, today(ctx.now()))) }
        p { a href="/sklep" { "Zamów w Sklepie" } }
    };
    let nav = if kind == ServiceKind::Domain {
        Nav::Domeny
    } else {
        Nav::Uslugi
    };
    Ok(ctx.page(&auth, kind.section_title(), nav, body))
}

#[handler]
pub async fn view_domeny_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    section(ctx, auth, ServiceKind::Domain).await
}

#[handler]
pub async fn view_hosting_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    section(ctx, auth, ServiceKind::Hosting).await
}

#[handler]
pub async fn view_ssl_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    section(ctx, auth, ServiceKind::Ssl).await
}

#[handler]
pub async fn view_cloud_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    section(ctx, auth, ServiceKind::Cloud).await
}

#[handler]
pub async fn view_kreator_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    section(ctx, auth, ServiceKind::WebsiteBuilder).await
}

#[handler]
pub async fn view_open_xchange_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    section(ctx, auth, ServiceKind::OpenXchange).await
}

#[handler]
pub async fn view_skrzynki_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let mailboxes = ctx.state.store.mailboxes_of_account(auth.account().id)?;
    let body = html! {
        section.block {
            @if mailboxes.is_empty() {
                p.muted { "Brak skrzynek e-mail." }
            } @else {
                div.table-wrap { table {
                    thead { tr { th { "Adres" } th.num { "Zajęte" } th.num { "Limit" } th.num { "Użycie" } } }
                    tbody { @for m in &mailboxes {
                        tr {
                            td { (m.address) }
                            td.num { (m.used_mb) " MB" }
                            td.num { (m.quota_mb) " MB" }
                            td.num { meter min="0" max="100" value=(m.used_percent()) { (m.used_percent()) "%" } " " (m.used_percent()) "%" }
                        }
                    } }
                } }
            }
        }
        section.block #nowa {
            h2 { "Nowa skrzynka e-mail" }
            p.muted { "Zakładanie skrzynek z panelu obsługuje moduł Skrzynki e-mail (w przygotowaniu)." }
        }
    };
    Ok(ctx.page(&auth, "Skrzynki e-mail", Nav::Uslugi, body))
}
