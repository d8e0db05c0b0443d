//! The page frame: head with vendored htmx and our CSS, the account's navigation, flash messages.

use super::components::csrf_field;
use crate::domain::ServiceKind;
use crate::domain::access::Action;
use crate::web::context::{Auth, Ctx};
use maud::{DOCTYPE, Markup, html};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Pulpit,
    Faktury,
    Platnosci,
    Sklep,
    Domeny,
    Uslugi,
    DaneAbonenta,
    Uzytkownicy,
    Bezpieczenstwo,
    Dziennik,
}

/// The main navigation; an entry shows only to who may open it. Usługi (the service sections)
/// comes after Domeny.
const NAV: [(Nav, &str, &str, Action); 8] = [
    (Nav::Pulpit, "/pulpit", "Pulpit", Action::ViewOverview),
    (Nav::Faktury, "/faktury", "Faktury", Action::ViewBilling),
    (
        Nav::Platnosci,
        "/platnosci",
        "Płatności",
        Action::ViewBilling,
    ),
    (Nav::Sklep, "/sklep", "Sklep", Action::ViewShop),
    (Nav::Domeny, "/domeny", "Domeny", Action::ViewServices),
    (
        Nav::DaneAbonenta,
        "/dane-abonenta",
        "Dane abonenta",
        Action::ViewAccountData,
    ),
    (
        Nav::Uzytkownicy,
        "/uzytkownicy",
        "Użytkownicy",
        Action::ViewUsers,
    ),
    (
        Nav::Bezpieczenstwo,
        "/bezpieczenstwo",
        "Bezpieczeństwo",
        Action::OwnSecurity,
    ),
];

/// The service sections under "Usługi" (Domeny has its own entry).
const SECTIONS: [ServiceKind; 6] = [
    ServiceKind::Hosting,
    ServiceKind::Email,
    ServiceKind::Ssl,
    ServiceKind::Cloud,
    ServiceKind::WebsiteBuilder,
    ServiceKind::OpenXchange,
];

/// htmx without eval, without its inline indicator styles (CSP), and swapping 422 form errors.
const HTMX_CONFIG: &str = r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"historyCacheSize":0,"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"422","swap":true},{"code":"[45]..","swap":false,"error":true}]}"#;

fn head(ctx: &Ctx, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="htmx-config" content=(HTMX_CONFIG);
            title { (title) " — Panel klienta" }
            link rel="stylesheet" href=(ctx.state.assets.url("panel.css"));
            link rel="icon" type="image/svg+xml" href=(ctx.state.assets.url("favicon.svg"));
            script src=(ctx.state.assets.url("htmx.min.js")) defer {}
        }
    }
}

fn flash(ctx: &Ctx) -> Markup {
    html! {
        @if let Some(message) = &ctx.flash {
            p.flash role="status" { (message) }
        }
    }
}

fn csrf_headers(ctx: &Ctx) -> String {
    format!(r#"{{"X-CSRF-Token":"{}"}}"#, ctx.csrf)
}

pub fn account_page(ctx: &Ctx, auth: &Auth, title: &str, active: Nav, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="pl" {
            (head(ctx, title))
            body hx-headers=(csrf_headers(ctx)) {
                a.skip href="#tresc" { "Przejdź do treści" }
                header.top {
                    a.brand href="/pulpit" { "Panel klienta" }
                    nav aria-label="Główne" {
                        ul {
                            @for (item, href, label, action) in NAV {
                                @if auth.may(action) {
                                    li {
                                        a href=(href) aria-current=[(item == active).then_some("page")] { (label) }
                                    }
                                }
                                @if item == Nav::Domeny { (services_menu(ctx, auth, active)) }
                            }
                        }
                    }
                    div.who {
                        span { (auth.account().name) }
                        small { (auth.user().email) " · " (auth.user().role.label()) }
                        @if auth.may(Action::ViewAudit) {
                            a href="/konto/dziennik" aria-current=[(active == Nav::Dziennik).then_some("page")] { "Dziennik zdarzeń" }
                        }
                        (account_switcher(ctx, auth))
                        form method="post" action="/wyloguj" {
                            (csrf_field(&ctx.csrf))
                            button.link type="submit" { "Wyloguj" }
                        }
                    }
                }
                main #tresc {
                    @if auth.live().session.read_only {
                        p.read-only role="status" { "Podgląd konta — tylko do odczytu" }
                    }
                    (flash(ctx))
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// "Usługi": the service sections, a disclosure that needs no JavaScript.
fn services_menu(ctx: &Ctx, auth: &Auth, active: Nav) -> Markup {
    // Kreator WWW only for an account that has one (the overview is cached per account).
    let owns_site = ctx
        .state
        .store
        .overview_for(&auth.viewer())
        .is_ok_and(|o| crate::domain::website::owns_site(&o.services));
    html! {
        li {
            details.nav-menu open[active == Nav::Uslugi] {
                summary aria-current=[(active == Nav::Uslugi).then_some("page")] { "Usługi" }
                ul {
                    @for kind in SECTIONS.into_iter().filter(|k| *k != ServiceKind::WebsiteBuilder || owns_site) {
                        li { a href=(kind.section_path()) { (kind.section_title()) } }
                    }
                    li { a href=(ServiceKind::Other.section_path()) { (ServiceKind::Other.section_title()) } }
                }
            }
        }
    }
}

/// For a person in several accounts: which one to act on (a plain form, works without JavaScript).
fn account_switcher(ctx: &Ctx, auth: &Auth) -> Markup {
    let memberships = auth.memberships();
    html! {
        @if memberships.len() > 1 {
            form.switcher method="post" action="/konto/przelacz" {
                (csrf_field(&ctx.csrf))
                label for="przelacz-konto" { "Konto" }
                " "
                select #przelacz-konto name="konto" {
                    @for m in memberships {
                        option value=(m.user_id) selected[m.user_id == auth.user().id] {
                            (m.account_name) " (" (m.role.label()) ")"
                        }
                    }
                }
                " "
                button.button.secondary type="submit" { "Przełącz" }
            }
        }
    }
}

pub fn public_page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="pl" {
            (head(ctx, title))
            body.public hx-headers=(csrf_headers(ctx)) {
                main #tresc .narrow {
                    p.brand { "Panel klienta" }
                    (flash(ctx))
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// Error pages are rendered without request context (no scripts needed).
pub fn error_page(title: &str, text: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang="pl" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Panel klienta" }
                link rel="stylesheet" href="/assets/panel.css";
                link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
            }
            body.public {
                main #tresc .narrow {
                    p.brand { "Panel klienta" }
                    h1 { (title) }
                    p { (text) }
                    p { a.button href="/pulpit" { "Wróć na Pulpit" } }
                }
            }
        }
    }
}
