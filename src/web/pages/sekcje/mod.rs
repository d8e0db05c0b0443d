//! Service sections, one module each: Domeny, Hosting, Skrzynki e-mail, Certyfikaty SSL, Serwery w chmurze,
//! Kreator WWW, Open-Xchange, Więcej usług.

/// How many of a service's latest tasks a section page reads: enough for every task still waiting
/// and the few it lists, however many the service has had.
const RECENT_TASKS: usize = 50;

mod cloud;
mod domeny;
mod domeny_dns;
mod domeny_ns;
mod hosting;
mod hosting_forms;
mod kreator_www;
mod kreator_www_view;
mod open_xchange;
mod skrzynka;
mod skrzynki;
mod skrzynki_form;
mod ssl;
mod ssl_zamow;
mod wiecej_uslug;

pub use cloud::{view_cloud_get, view_cloud_zasilanie_post};
pub use domeny::{view_domena_get, view_domeny_get};
pub use domeny_dns::{view_rekord_dodaj_post, view_rekord_usun_post, view_rekord_zmien_post};
pub use domeny_ns::{view_authinfo_post, view_serwery_dns_post};
pub use hosting::{
    view_hosting_domeny_post, view_hosting_domeny_usun_post, view_hosting_get,
    view_hosting_php_post,
};
pub use kreator_www::{
    view_kreator_domena_post, view_kreator_get, view_kreator_opublikuj_post,
    view_kreator_wycofaj_post,
};
pub use open_xchange::{view_open_xchange_get, view_ox_przypisz_post, view_ox_zwolnij_post};
pub use skrzynka::{
    view_skrzynka_get, view_skrzynka_haslo_post, view_skrzynka_limit_post, view_skrzynka_usun_post,
};
pub use skrzynki::{view_skrzynki_get, view_skrzynki_post};
pub use ssl::{view_ssl_get, view_ssl_pem_get};
pub use ssl_zamow::view_ssl_zamow_post;
pub use wiecej_uslug::view_wiecej_uslug_get;
