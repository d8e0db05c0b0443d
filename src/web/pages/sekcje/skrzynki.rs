//! Skrzynki e-mail: the account's mailboxes with their use of the quota.

use crate::domain::ServiceKind;
use crate::domain::time::today;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::components::services_table;
use crate::web::views::layout::Nav;
use maud::html;
use poem::{Response, handler};

#[handler]
pub async fn view_skrzynki_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let viewer = auth.viewer();
    let mailboxes = ctx.state.store.mailboxes_for(&viewer)?;
    let plans: Vec<_> = ctx
        .state
        .store
        .services_for(&viewer)?
        .into_iter()
        .filter(|s| s.kind == ServiceKind::Email)
        .collect();
    let body = html! {
        @if !plans.is_empty() {
            section.block {
                h2 { "Pakiety poczty" }
                (services_table(&plans, today(ctx.now()), &ctx.state.config.args.lifecycle.settings()))
            }
        }
        section.block {
            @if mailboxes.is_empty() {
                p.muted { "Brak skrzynek e-mail." }
            } @else {
                div.table-wrap { table.stacked {
                    thead { tr { th { "Adres" } th.num { "Zajęte" } th.num { "Limit" } th.num { "Użycie" } } }
                    tbody { @for m in &mailboxes {
                        tr {
                            td { (m.address) }
                            td.num data-label="Zajęte" { (m.used_mb) " MB" }
                            td.num data-label="Limit" { (m.quota_mb) " MB" }
                            td.num data-label="Użycie" { meter min="0" max="100" value=(m.used_percent()) { (m.used_percent()) "%" } " " (m.used_percent()) "%" }
                        }
                    } }
                } }
            }
        }
        section.block #nowa {
            h2 { "Nowa skrzynka e-mail" }
            p { "Aby założyć nową skrzynkę na swoim serwerze, skontaktuj się z nami: podaj jej adres i limit miejsca." }
            p { a href=(crate::web::pages::sklep::shop_link(ServiceKind::Email)) { "Zamów pakiet poczty w Sklepie" } }
        }
    };
    Ok(ctx.page(&auth, "Skrzynki e-mail", Nav::Uslugi, body))
}
