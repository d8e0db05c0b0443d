//! Skrzynki e-mail: the account's mailboxes with their use of the quota.

use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::layout::Nav;
use maud::html;
use poem::{Response, handler};

#[handler]
pub async fn view_skrzynki_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let mailboxes = ctx.state.store.mailboxes_for(&auth.viewer())?;
    let body = html! {
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
        }
    };
    Ok(ctx.page(&auth, "Skrzynki e-mail", Nav::Uslugi, body))
}
