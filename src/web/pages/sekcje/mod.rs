//! Service sections, one module each: Domeny, Hosting, Skrzynki e-mail, Certyfikaty SSL, Serwery w chmurze,
//! Kreator WWW, Open-Xchange. The page listing one kind of service, which most of them are, is
//! `section` here.

use crate::domain::ServiceKind;
use crate::domain::time::today;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::components::services_table;
use crate::web::views::layout::Nav;
use maud::html;
use poem::Response;

mod cloud;
mod domeny;
mod domeny_dns;
mod domeny_ns;
mod hosting;
mod hosting_forms;
mod kreator_www;
mod open_xchange;
mod skrzynka;
mod skrzynki;
mod skrzynki_form;
mod ssl;
mod ssl_zamow;

pub use cloud::{view_cloud_get, view_cloud_zasilanie_post};
pub use domeny::{view_domena_get, view_domeny_get};
pub use domeny_dns::{view_rekord_dodaj_post, view_rekord_usun_post, view_rekord_zmien_post};
pub use domeny_ns::{view_authinfo_post, view_serwery_dns_post};
pub use hosting::{
    view_hosting_domeny_post, view_hosting_domeny_usun_post, view_hosting_get,
    view_hosting_php_post,
};
pub use kreator_www::view_kreator_get;
pub use open_xchange::view_open_xchange_get;
pub use skrzynka::{
    view_skrzynka_get, view_skrzynka_haslo_post, view_skrzynka_limit_post, view_skrzynka_usun_post,
};
pub use skrzynki::{view_skrzynki_get, view_skrzynki_post};
pub use ssl::{view_ssl_get, view_ssl_pem_get};
pub use ssl_zamow::view_ssl_zamow_post;

/// The account's services of one kind, as a page.
async fn section(ctx: Ctx, auth: Auth, kind: ServiceKind) -> WebResult<Response> {
    let services: Vec<_> = ctx
        .state
        .store
        .services_for(&auth.viewer())?
        .into_iter()
        .filter(|s| s.kind == kind)
        .collect();
    let body = html! {
        section.block { (services_table(&services, today(ctx.now()), &ctx.state.config.args.lifecycle.settings())) }
        p { a href=(super::sklep::shop_link(kind)) { "Zamów w Sklepie" } }
    };
    Ok(ctx.page(&auth, kind.section_title(), Nav::Uslugi, body))
}
