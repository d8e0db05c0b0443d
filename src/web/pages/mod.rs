//! One module per section; the route table is here (the URLs are a contract, see PRODUCT.md).

mod demo;
mod faktury;
mod faktury_pdf;
mod konto;
mod logowanie;
mod odnawianie;
mod platnosci;
mod przelacz;
mod pulpit;
mod sekcje;
mod uslugi;
mod uzytkownicy;
mod uzytkownicy_akcje;
mod uzytkownicy_zakres;
mod zaplac;
mod zaproszenie;

use super::assets::{view_asset_get, view_favicon_get};
use crate::state::AppState;
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Route, get, handler, post};
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

pub fn routes() -> Route {
    Route::new()
        .at("/", get(pulpit::view_index_get))
        .at("/health", get(view_health_get))
        .at("/assets/:name", get(view_asset_get))
        .at("/favicon.ico", get(view_favicon_get))
        .at(
            "/logowanie",
            get(logowanie::view_logowanie_get).post(logowanie::view_logowanie_post),
        )
        .at("/logowanie/kod", post(logowanie::view_logowanie_kod_post))
        .at(
            "/logowanie/link/:token",
            get(logowanie::view_logowanie_link_get).post(logowanie::view_logowanie_link_post),
        )
        .at("/wyloguj", post(logowanie::view_wyloguj_post))
        .at("/pulpit", get(pulpit::view_pulpit_get))
        .at("/pulpit/powiadomienia", get(pulpit::view_powiadomienia_get))
        .at("/uslugi/:id", get(uslugi::view_usluga_get))
        .at("/uslugi/:id/odnow", post(uslugi::view_odnow_post))
        .at(
            "/uslugi/:id/odnawianie",
            post(odnawianie::view_odnawianie_post),
        )
        .at("/faktury", get(faktury::view_faktury_get))
        .at("/faktury/:id", get(faktury::view_faktura_get))
        .at("/faktury/:id/zaplac", get(zaplac::view_zaplac_get))
        .at(
            "/faktury/:id/zaplac-z-salda",
            post(zaplac::view_zaplac_z_salda_post),
        )
        .at("/platnosci", get(platnosci::view_platnosci_get))
        .at("/platnosci/doladuj", post(platnosci::view_doladuj_post))
        .at("/domeny", get(sekcje::view_domeny_get))
        .at("/hosting", get(sekcje::view_hosting_get))
        .at("/skrzynki", get(sekcje::view_skrzynki_get))
        .at("/ssl", get(sekcje::view_ssl_get))
        .at("/cloud", get(sekcje::view_cloud_get))
        .at("/kreator-www", get(sekcje::view_kreator_get))
        .at("/open-xchange", get(sekcje::view_open_xchange_get))
        .at("/dane-abonenta", get(konto::view_dane_abonenta_get))
        .at("/sklep", get(konto::view_sklep_get))
        .at("/demo/poczta", get(demo::view_poczta_get))
        .at("/demo/poczta/:id", get(demo::view_poczta_wiadomosc_get))
        .at("/uzytkownicy", get(uzytkownicy::view_uzytkownicy_get))
        .at(
            "/uzytkownicy/zapros",
            post(uzytkownicy_akcje::view_zapros_post),
        )
        .at(
            "/uzytkownicy/:id/rola",
            post(uzytkownicy_akcje::view_rola_post),
        )
        .at(
            "/uzytkownicy/:id/usun",
            post(uzytkownicy_akcje::view_usun_post),
        )
        .at(
            "/uzytkownicy/zaproszenia/:id/anuluj",
            post(uzytkownicy_akcje::view_anuluj_zaproszenie_post),
        )
        .at(
            "/zaproszenie/:token",
            get(zaproszenie::view_zaproszenie_get).post(zaproszenie::view_zaproszenie_post),
        )
        .at("/konto/przelacz", post(przelacz::view_przelacz_post))
        .at(
            "/uzytkownicy/:id/zakres",
            post(uzytkownicy_zakres::view_zakres_post),
        )
}
