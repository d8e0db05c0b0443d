//! The permission matrix: every route of the panel, who may use it, and the server saying 403 to
//! everyone else — before the handler runs, so nothing changes.

use crate::helpers::spawn_app;
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// Nobody's object: a route that is allowed answers 404 for it, a forbidden one 403 first.
const NOBODYS: &str = "999999";

/// (method, path, who may use it: [Właściciel, Administrator, Księgowość, Techniczny]).
/// `None`: public, also for visitors who are not logged in.
const MATRIX: &[(&str, &str, Option<[bool; 4]>)] = &[
    ("GET", "/", None),
    ("GET", "/health", None),
    ("GET", "/metrics", None),
    ("GET", "/assets/:name", None),
    ("GET", "/favicon.ico", None),
    ("GET", "/logowanie", None),
    ("POST", "/logowanie", None),
    ("POST", "/logowanie/kod", None),
    ("GET", "/logowanie/link/:token", None),
    ("POST", "/logowanie/link/:token", None),
    ("POST", "/wyloguj", None),
    ("GET", "/logowanie/2fa", None),
    ("POST", "/logowanie/2fa", None),
    ("GET", "/demo/poczta", None),
    ("GET", "/demo/poczta/:id", None),
    ("GET", "/pulpit", Some([true, true, true, true])),
    (
        "GET",
        "/pulpit/powiadomienia",
        Some([true, true, true, true]),
    ),
    ("GET", "/uslugi/:id", Some([true, true, true, true])),
    ("POST", "/uslugi/:id/odnow", Some([true, true, true, false])),
    (
        "POST",
        "/uslugi/:id/odnawianie",
        Some([true, true, true, false]),
    ),
    ("GET", "/faktury", Some([true, true, true, false])),
    ("GET", "/faktury/:id", Some([true, true, true, false])),
    (
        "GET",
        "/faktury/:id/zaplac",
        Some([true, true, true, false]),
    ),
    (
        "POST",
        "/faktury/:id/zaplac-z-salda",
        Some([true, true, true, false]),
    ),
    (
        "POST",
        "/faktury/:id/zaplac-online",
        Some([true, true, true, false]),
    ),
    (
        "GET",
        "/platnosci/online/:session",
        Some([true, true, true, false]),
    ),
    ("POST", "/platnosci/p24/status", None),
    ("GET", "/platnosci", Some([true, true, true, false])),
    (
        "POST",
        "/platnosci/doladuj",
        Some([true, true, true, false]),
    ),
    ("GET", "/domeny", Some([true, true, true, true])),
    ("GET", "/domeny/:id", Some([true, true, true, true])),
    (
        "POST",
        "/domeny/:id/serwery-dns",
        Some([true, true, false, true]),
    ),
    (
        "POST",
        "/domeny/:id/rekordy",
        Some([true, true, false, true]),
    ),
    (
        "POST",
        "/domeny/:id/rekordy/:nr",
        Some([true, true, false, true]),
    ),
    (
        "POST",
        "/domeny/:id/rekordy/:nr/usun",
        Some([true, true, false, true]),
    ),
    (
        "POST",
        "/domeny/:id/authinfo",
        Some([true, true, false, true]),
    ),
    ("GET", "/hosting", Some([true, true, true, true])),
    ("POST", "/hosting/:id/php", Some([true, true, false, true])),
    (
        "POST",
        "/hosting/:id/domeny",
        Some([true, true, false, true]),
    ),
    (
        "POST",
        "/hosting/:id/domeny/usun",
        Some([true, true, false, true]),
    ),
    ("GET", "/skrzynki", Some([true, true, true, true])),
    ("POST", "/skrzynki", Some([true, true, false, true])),
    ("GET", "/skrzynki/:id", Some([true, true, true, true])),
    (
        "POST",
        "/skrzynki/:id/haslo",
        Some([true, true, false, true]),
    ),
    (
        "POST",
        "/skrzynki/:id/limit",
        Some([true, true, false, true]),
    ),
    (
        "POST",
        "/skrzynki/:id/usun",
        Some([true, true, false, true]),
    ),
    ("GET", "/ssl", Some([true, true, true, true])),
    ("POST", "/ssl/zamow", Some([true, true, true, false])),
    (
        "GET",
        "/ssl/:id/certyfikat.pem",
        Some([true, true, true, true]),
    ),
    ("GET", "/cloud", Some([true, true, true, true])),
    (
        "POST",
        "/cloud/:id/zasilanie",
        Some([true, true, false, true]),
    ),
    ("GET", "/kreator-www", Some([true, true, true, true])),
    (
        "POST",
        "/kreator-www/:id/domena",
        Some([true, true, false, true]),
    ),
    (
        "POST",
        "/kreator-www/:id/opublikuj",
        Some([true, true, false, true]),
    ),
    (
        "POST",
        "/kreator-www/:id/wycofaj",
        Some([true, true, false, true]),
    ),
    ("GET", "/open-xchange", Some([true, true, true, true])),
    (
        "POST",
        "/open-xchange/przypisz",
        Some([true, true, false, true]),
    ),
    (
        "POST",
        "/open-xchange/:id/zwolnij",
        Some([true, true, false, true]),
    ),
    ("GET", "/wiecej-uslug", Some([true, true, true, true])),
    ("GET", "/uzytkownicy", Some([true, true, true, true])),
    (
        "POST",
        "/uzytkownicy/zapros",
        Some([true, true, false, false]),
    ),
    (
        "POST",
        "/uzytkownicy/:id/rola",
        Some([true, true, false, false]),
    ),
    (
        "POST",
        "/uzytkownicy/:id/usun",
        Some([true, true, false, false]),
    ),
    (
        "POST",
        "/uzytkownicy/:id/zakres",
        Some([true, true, false, false]),
    ),
    (
        "POST",
        "/uzytkownicy/zaproszenia/:id/anuluj",
        Some([true, true, false, false]),
    ),
    ("GET", "/zaproszenie/:token", None),
    ("POST", "/zaproszenie/:token", None),
    ("GET", "/konto/dziennik", Some([true, false, false, false])),
    ("GET", "/podglad/:token", None),
    ("POST", "/podglad/:token", None),
    ("POST", "/konto/przelacz", Some([true, true, true, true])),
    ("GET", "/dane-abonenta", Some([true, true, true, true])),
    ("POST", "/dane-abonenta", Some([true, true, false, false])),
    ("GET", "/bezpieczenstwo", Some([true, true, true, true])),
    (
        "POST",
        "/bezpieczenstwo/2fa/konfiguruj",
        Some([true, true, true, true]),
    ),
    (
        "POST",
        "/bezpieczenstwo/2fa/wlacz",
        Some([true, true, true, true]),
    ),
    (
        "POST",
        "/bezpieczenstwo/2fa/wylacz",
        Some([true, true, true, true]),
    ),
    (
        "POST",
        "/bezpieczenstwo/2fa/kody",
        Some([true, true, true, true]),
    ),
    (
        "POST",
        "/bezpieczenstwo/wymaganie",
        Some([true, false, false, false]),
    ),
    (
        "POST",
        "/bezpieczenstwo/sesje/zakoncz",
        Some([true, true, true, true]),
    ),
    (
        "POST",
        "/bezpieczenstwo/sesje/pozostale",
        Some([true, true, true, true]),
    ),
    ("GET", "/sklep", Some([true, true, true, true])),
    ("POST", "/sklep/koszyk", Some([true, true, true, false])),
    (
        "POST",
        "/sklep/koszyk/:id/okres",
        Some([true, true, true, false]),
    ),
    (
        "POST",
        "/sklep/koszyk/:id/usun",
        Some([true, true, true, false]),
    ),
    ("POST", "/sklep/zamow", Some([true, true, true, false])),
];

const USERS: [&str; 4] = [
    "abonent@example.com",
    "admin@example.com",
    "ksiegowosc@example.com",
    "tech@example.com",
];

#[test]
fn every_route_of_the_panel_is_in_the_matrix_and_the_matrix_names_no_other() {
    let registered: BTreeSet<(String, String)> = panel::web::route_table()
        .into_iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let listed: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        registered.difference(&listed).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "routes without a line in the permission matrix"
    );
    assert_eq!(
        listed.difference(&registered).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "lines of the matrix without a route"
    );
    assert_eq!(
        registered.len(),
        MATRIX.len(),
        "no route twice in the matrix"
    );
}

/// The path with its parameters filled: GETs see the account's own objects, POSTs name nobody's
/// (an allowed POST then changes nothing either: 404).
fn filled(app: &crate::helpers::TestApp, method: &str, path: &str) -> String {
    let service = app
        .service_id("abonent@example.com", "przykladowa-firma.pl")
        .to_string();
    let document = app.proformas_of("abonent@example.com")[0].id.to_string();
    let (service, document) = if method == "GET" {
        (service.as_str(), document.as_str())
    } else {
        (NOBODYS, NOBODYS)
    };
    path.replace(":id/zaplac", &format!("{document}/zaplac"))
        .replace("/faktury/:id", &format!("/faktury/{document}"))
        .replace("/uslugi/:id", &format!("/uslugi/{service}"))
        .replace(":id", NOBODYS)
        .replace(":token", "x")
        .replace(":session", "x")
        .replace(":name", "htmx.min.js")
}

/// A GET, or a POST carrying only the CSRF token (so an allowed change is refused by its form).
async fn send(app: &crate::helpers::TestApp, method: &str, url: &str) -> reqwest::Response {
    if method == "GET" {
        app.get(url).await
    } else {
        let csrf = app.csrf().await;
        app.post_form(url, &[("csrf_token", &csrf)]).await
    }
}

#[tokio::test]
async fn each_role_reaches_exactly_the_routes_the_matrix_gives_it_and_gets_403_elsewhere() {
    let app = spawn_app().await;
    for (email, role) in [
        ("admin@example.com", "administrator"),
        ("tech@example.com", "techniczny"),
    ] {
        app.add_user("abonent@example.com", email, role).await;
    }
    let documents_before = app.documents_of("abonent@example.com").len();
    for (column, user) in USERS.iter().enumerate() {
        app.log_in(user).await;
        for (method, path, who) in MATRIX {
            let Some(who) = who else { continue };
            let url = filled(&app, method, path);
            let response = send(&app, method, &url).await;
            let status = response.status();
            if who[column] {
                assert_ne!(status, StatusCode::FORBIDDEN, "{user} {method} {url}");
                let location = response.headers().get("location");
                assert!(
                    location.is_none_or(|l| !l.as_bytes().starts_with(b"/logowanie")),
                    "{user} {method} {url} is sent to log in"
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{user} {method} {url}");
            }
        }
    }
    assert_eq!(
        app.documents_of("abonent@example.com").len(),
        documents_before,
        "no forbidden or nobody's action issued a document"
    );
}

#[tokio::test]
async fn a_visitor_is_sent_to_log_in_from_every_route_that_is_not_public() {
    let app = spawn_app().await;
    for (method, path, who) in MATRIX {
        let url = filled(&app, method, path);
        let response = send(&app, method, &url).await;
        let to_login = response.status() == StatusCode::SEE_OTHER
            && response
                .headers()
                .get("location")
                .is_some_and(|l| l.as_bytes().starts_with(b"/logowanie"));
        if who.is_some() {
            assert!(to_login, "{method} {url} answers {}", response.status());
        } else {
            assert_ne!(response.status(), StatusCode::FORBIDDEN, "{method} {url}");
            // `/` and the steps of a login lead to the login page by design.
            if *method == "GET" && *path != "/" && !path.starts_with("/logowanie/") {
                assert!(!to_login, "{method} {url} is public");
            }
        }
    }
}

/// Not a test: `cargo test --release --test api bench_permission_check -- --ignored --nocapture`
/// times the check every request to a page pays: the session from the store's cache and the
/// role × action decision.
#[tokio::test]
#[ignore]
async fn bench_permission_check() {
    use panel::domain::access::{Action, allows};
    let app = spawn_app().await;
    app.log_in("ksiegowosc@example.com").await;
    let token = app.session_cookie().await;
    let now = app.clock.now();
    let rounds = 1_000_000u32;
    let started = std::time::Instant::now();
    let mut allowed = 0u32;
    for i in 0..rounds {
        let action = Action::ALL[i as usize % Action::ALL.len()];
        let live = app.state.store.session(&token, now).unwrap().unwrap();
        allowed += u32::from(allows(live.user.role, std::hint::black_box(action)));
    }
    let per_check = started.elapsed() / rounds;
    let decision = std::time::Instant::now();
    for i in 0..rounds {
        let action = Action::ALL[i as usize % Action::ALL.len()];
        allowed += u32::from(allows(
            std::hint::black_box(panel::domain::Role::Accounting),
            action,
        ));
    }
    let per_decision = decision.elapsed() / rounds;
    println!(
        "permission check (cached session + role × action): {per_check:?}; the decision alone: {per_decision:?} ({allowed} allowed)"
    );
}
