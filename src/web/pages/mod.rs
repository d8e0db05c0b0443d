//! One module per section; the route table is here (the URLs are a contract, see PRODUCT.md).

mod bezpieczenstwo;
mod bezpieczenstwo_2fa;
mod bezpieczenstwo_sesje;
mod dane_abonenta;
mod dane_abonenta_form;
mod demo;
mod dziennik;
mod faktury;
mod faktury_ksef;
mod faktury_pdf;
mod logowanie;
mod logowanie_2fa;
mod odnawianie;
mod platnosci;
mod podglad;
mod przelacz;
mod pulpit;
mod sekcje;
mod sklep;
mod sklep_koszyk;
mod uslugi;
mod uzytkownicy;
mod uzytkownicy_akcje;
mod uzytkownicy_zakres;
mod zaplac;
mod zaplac_online;
mod zaproszenie;

use super::assets::{view_asset_get, view_favicon_get};
use crate::domain::access::Action;
use crate::state::AppState;
use crate::web::access::Routes;
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Route, handler};
use std::sync::Arc;

/// 503 while the store cannot write (a flag the store keeps: no disk access here, it is polled).
#[handler]
fn view_health_get(state: Data<&Arc<AppState>>) -> (StatusCode, &'static str) {
    if state.store.is_writable() {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "the database cannot write")
    }
}

/// Every route with the action it performs (`domain::access`); see `web::access`.
pub fn table() -> Routes {
    use Action::*;
    Routes::default()
        .get("/", Public, pulpit::view_index_get)
        .get("/health", Public, view_health_get)
        .get("/metrics", Public, crate::web::metrics::view_metrics_get)
        .get("/assets/:name", Public, view_asset_get)
        .get("/favicon.ico", Public, view_favicon_get)
        .get("/logowanie", Public, logowanie::view_logowanie_get)
        .post("/logowanie", Public, logowanie::view_logowanie_post)
        .post("/logowanie/kod", Public, logowanie::view_logowanie_kod_post)
        .get(
            "/logowanie/link/:token",
            Public,
            logowanie::view_logowanie_link_get,
        )
        .post(
            "/logowanie/link/:token",
            Public,
            logowanie::view_logowanie_link_post,
        )
        .post("/wyloguj", Public, logowanie::view_wyloguj_post)
        .get(
            "/logowanie/2fa",
            Public,
            logowanie_2fa::view_logowanie_2fa_get,
        )
        .post(
            "/logowanie/2fa",
            Public,
            logowanie_2fa::view_logowanie_2fa_post,
        )
        .get("/pulpit", ViewOverview, pulpit::view_pulpit_get)
        .get(
            "/pulpit/powiadomienia",
            ViewOverview,
            pulpit::view_powiadomienia_get,
        )
        .get("/uslugi/:id", ViewServices, uslugi::view_usluga_get)
        .post("/uslugi/:id/odnow", HandleBilling, uslugi::view_odnow_post)
        .post(
            "/uslugi/:id/odnawianie",
            HandleBilling,
            odnawianie::view_odnawianie_post,
        )
        .get("/faktury", ViewBilling, faktury::view_faktury_get)
        .get("/faktury/:id", ViewBilling, faktury::view_faktura_get)
        .get(
            "/faktury/:id/zaplac",
            HandleBilling,
            zaplac::view_zaplac_get,
        )
        .post(
            "/faktury/:id/zaplac-z-salda",
            HandleBilling,
            zaplac::view_zaplac_z_salda_post,
        )
        .post(
            "/faktury/:id/zaplac-online",
            HandleBilling,
            zaplac_online::view_zaplac_online_post,
        )
        .get(
            "/platnosci/online/:session",
            ViewBilling,
            zaplac_online::view_platnosc_online_get,
        )
        .post(
            "/platnosci/p24/status",
            Public,
            zaplac_online::view_p24_status_post,
        )
        .get("/platnosci", ViewBilling, platnosci::view_platnosci_get)
        .post(
            "/platnosci/doladuj",
            HandleBilling,
            platnosci::view_doladuj_post,
        )
        .get("/domeny", ViewServices, sekcje::view_domeny_get)
        .get("/domeny/:id", ViewServices, sekcje::view_domena_get)
        .post(
            "/domeny/:id/serwery-dns",
            ManageServices,
            sekcje::view_serwery_dns_post,
        )
        .post(
            "/domeny/:id/rekordy",
            ManageServices,
            sekcje::view_rekord_dodaj_post,
        )
        .post(
            "/domeny/:id/rekordy/:nr",
            ManageServices,
            sekcje::view_rekord_zmien_post,
        )
        .post(
            "/domeny/:id/rekordy/:nr/usun",
            ManageServices,
            sekcje::view_rekord_usun_post,
        )
        .post(
            "/domeny/:id/authinfo",
            ManageServices,
            sekcje::view_authinfo_post,
        )
        .get("/hosting", ViewServices, sekcje::view_hosting_get)
        .post(
            "/hosting/:id/php",
            ManageServices,
            sekcje::view_hosting_php_post,
        )
        .post(
            "/hosting/:id/domeny",
            ManageServices,
            sekcje::view_hosting_domeny_post,
        )
        .post(
            "/hosting/:id/domeny/usun",
            ManageServices,
            sekcje::view_hosting_domeny_usun_post,
        )
        .get("/skrzynki", ViewServices, sekcje::view_skrzynki_get)
        .post("/skrzynki", ManageServices, sekcje::view_skrzynki_post)
        .get("/skrzynki/:id", ViewServices, sekcje::view_skrzynka_get)
        .post(
            "/skrzynki/:id/haslo",
            ManageServices,
            sekcje::view_skrzynka_haslo_post,
        )
        .post(
            "/skrzynki/:id/limit",
            ManageServices,
            sekcje::view_skrzynka_limit_post,
        )
        .post(
            "/skrzynki/:id/usun",
            ManageServices,
            sekcje::view_skrzynka_usun_post,
        )
        .get("/ssl", ViewServices, sekcje::view_ssl_get)
        .post("/ssl/zamow", Order, sekcje::view_ssl_zamow_post)
        .get(
            "/ssl/:id/certyfikat.pem",
            ViewServices,
            sekcje::view_ssl_pem_get,
        )
        .get("/cloud", ViewServices, sekcje::view_cloud_get)
        .post(
            "/cloud/:id/zasilanie",
            ManageServices,
            sekcje::view_cloud_zasilanie_post,
        )
        .get("/kreator-www", ViewServices, sekcje::view_kreator_get)
        .post(
            "/kreator-www/:id/domena",
            ManageServices,
            sekcje::view_kreator_domena_post,
        )
        .post(
            "/kreator-www/:id/opublikuj",
            ManageServices,
            sekcje::view_kreator_opublikuj_post,
        )
        .post(
            "/kreator-www/:id/wycofaj",
            ManageServices,
            sekcje::view_kreator_wycofaj_post,
        )
        .get("/open-xchange", ViewServices, sekcje::view_open_xchange_get)
        .post(
            "/open-xchange/przypisz",
            ManageServices,
            sekcje::view_ox_przypisz_post,
        )
        .post(
            "/open-xchange/:id/zwolnij",
            ManageServices,
            sekcje::view_ox_zwolnij_post,
        )
        .get("/wiecej-uslug", ViewServices, sekcje::view_wiecej_uslug_get)
        .get("/uzytkownicy", ViewUsers, uzytkownicy::view_uzytkownicy_get)
        .post(
            "/uzytkownicy/zapros",
            ManageUsers,
            uzytkownicy_akcje::view_zapros_post,
        )
        .post(
            "/uzytkownicy/:id/rola",
            ManageUsers,
            uzytkownicy_akcje::view_rola_post,
        )
        .post(
            "/uzytkownicy/:id/usun",
            ManageUsers,
            uzytkownicy_akcje::view_usun_post,
        )
        .post(
            "/uzytkownicy/:id/zakres",
            ManageUsers,
            uzytkownicy_zakres::view_zakres_post,
        )
        .post(
            "/uzytkownicy/zaproszenia/:id/anuluj",
            ManageUsers,
            uzytkownicy_akcje::view_anuluj_zaproszenie_post,
        )
        .get(
            "/zaproszenie/:token",
            Public,
            zaproszenie::view_zaproszenie_get,
        )
        .post(
            "/zaproszenie/:token",
            Public,
            zaproszenie::view_zaproszenie_post,
        )
        .get("/konto/dziennik", ViewAudit, dziennik::view_dziennik_get)
        .get("/podglad/:token", Public, podglad::view_podglad_get)
        .post("/podglad/:token", Public, podglad::view_podglad_post)
        .post(
            "/konto/przelacz",
            ViewOverview,
            przelacz::view_przelacz_post,
        )
        .get(
            "/dane-abonenta",
            ViewAccountData,
            dane_abonenta::view_dane_abonenta_get,
        )
        .post(
            "/dane-abonenta",
            EditAccountData,
            dane_abonenta::view_dane_abonenta_post,
        )
        .get("/sklep", ViewShop, sklep::view_sklep_get)
        .post("/sklep/koszyk", Order, sklep::view_koszyk_post)
        .post(
            "/sklep/koszyk/:id/okres",
            Order,
            sklep_koszyk::view_koszyk_okres_post,
        )
        .post(
            "/sklep/koszyk/:id/usun",
            Order,
            sklep_koszyk::view_koszyk_usun_post,
        )
        .post("/sklep/zamow", Order, sklep_koszyk::view_zamow_post)
        .get(
            "/bezpieczenstwo",
            OwnSecurity,
            bezpieczenstwo::view_bezpieczenstwo_get,
        )
        .post(
            "/bezpieczenstwo/2fa/konfiguruj",
            OwnSecurity,
            bezpieczenstwo_2fa::view_2fa_konfiguruj_post,
        )
        .post(
            "/bezpieczenstwo/2fa/wlacz",
            OwnSecurity,
            bezpieczenstwo_2fa::view_2fa_wlacz_post,
        )
        .post(
            "/bezpieczenstwo/2fa/wylacz",
            OwnSecurity,
            bezpieczenstwo_2fa::view_2fa_wylacz_post,
        )
        .post(
            "/bezpieczenstwo/2fa/kody",
            OwnSecurity,
            bezpieczenstwo_2fa::view_2fa_kody_post,
        )
        .post(
            "/bezpieczenstwo/wymaganie",
            AccountSecurity,
            bezpieczenstwo::view_wymaganie_post,
        )
        .post(
            "/bezpieczenstwo/sesje/zakoncz",
            OwnSecurity,
            bezpieczenstwo_sesje::view_sesje_zakoncz_post,
        )
        .post(
            "/bezpieczenstwo/sesje/pozostale",
            OwnSecurity,
            bezpieczenstwo_sesje::view_sesje_pozostale_post,
        )
        .get("/demo/poczta", Public, demo::view_poczta_get)
        .get("/demo/poczta/:id", Public, demo::view_poczta_wiadomosc_get)
}

pub fn routes() -> Route {
    table().into_route()
}
