//! Więcej usług: the account's services the panel lists but does not manage itself (a dedicated
//! server…), with Zobacz and Odnów as elsewhere, and the way to the host's previous panel.

use crate::domain::ServiceKind;
use crate::domain::time::today;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::components::services_table;
use crate::web::views::layout::Nav;
use maud::html;
use poem::{Response, handler};

#[handler]
pub async fn view_wiecej_uslug_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let services: Vec<_> = ctx
        .state
        .store
        .services_for(&auth.viewer())?
        .into_iter()
        .filter(|s| s.kind == ServiceKind::Other)
        .collect();
    let settings = ctx.state.config.args.lifecycle.settings();
    let legacy = &ctx.state.config.args.legacy_url;
    let body = html! {
        section.block {
            @if services.is_empty() {
                p.muted { "Nie masz innych usług." }
            } @else {
                (services_table(&services, today(ctx.now()), &settings))
            }
        }
        section.block {
            p { "Ustawienia tych usług zmienisz w poprzednim panelu klienta." }
            p { a.button.secondary #poprzedni-panel href=(legacy) { "Przejdź do poprzedniego panelu" } }
        }
    };
    Ok(ctx.page(&auth, ServiceKind::Other.section_title(), Nav::Uslugi, body))
}
