//! Bezpieczeństwo: the person's second factor (its forms in `bezpieczenstwo_2fa`), the owner's
//! requirement for the whole account, and the list of sessions (`bezpieczenstwo_sesje`).

use super::bezpieczenstwo_sesje::{sessions_section, where_from};
use crate::domain::access::Action;
use crate::domain::security::{base32, otpauth_uri};
use crate::domain::time::format_timestamp;
use crate::mail::security::security_change_message;
use crate::store::FactorView;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::components::csrf_field;
use crate::web::views::layout::Nav;
use maud::{Markup, PreEscaped, html};
use poem::http::StatusCode;
use poem::web::Form;
use poem::{Request, Response, handler};
use serde::Deserialize;

const TITLE: &str = "Bezpieczeństwo";
const ISSUER: &str = "Panel klienta";

/// Which form an error belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    Enable,
    Disable,
    Regenerate,
}

/// A form of this page: a plain POST, or with htmx the page's content swapped in place.
pub(super) fn form(
    ctx: &Ctx,
    action: &str,
    fields: Markup,
    label: &str,
    secondary: bool,
) -> Markup {
    html! {
        form method="post" action=(action) hx-post=(action) hx-target="#tresc" hx-select="#tresc"
            hx-swap="outerHTML" hx-disabled-elt="find button" {
            (csrf_field(&ctx.csrf))
            (fields)
            button.button.secondary[secondary] type="submit" { (label) }
        }
    }
}

fn code_field(id: &str, label: &str, error: Option<&str>) -> Markup {
    let error_id = format!("{id}-blad");
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) type="text" name="kod" autocomplete="one-time-code" maxlength="12" required
                aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id.as_str())];
            @if let Some(error) = error { p.error id=(error_id) { (error) } }
        }
    }
}

fn qr_svg(uri: &str) -> Markup {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .build();
            let start = svg.find("<svg").unwrap_or(0);
            html! { div.qr role="img" aria-label="Kod QR do zeskanowania w aplikacji" { (PreEscaped(&svg[start..])) } }
        }
        Err(_) => html! {},
    }
}

fn setup(ctx: &Ctx, email: &str, secret: &[u8], error: Option<&str>) -> Markup {
    let uri = otpauth_uri(ISSUER, email, secret);
    let key = base32(secret);
    let grouped: Vec<&str> = key
        .as_bytes()
        .chunks(4)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    html! {
        ol.steps {
            li { "Zeskanuj kod QR aplikacją uwierzytelniającą (np. Google Authenticator, Aegis, 1Password)." (qr_svg(&uri)) }
            li { "Albo wpisz w aplikacji klucz: " code #klucz { (grouped.join(" ")) }
                details { summary { "Adres dla aplikacji" } code #otpauth { (uri) } } }
            li { "Wpisz kod, który pokazuje aplikacja, i włącz weryfikację." }
        }
        (form(ctx, "/bezpieczenstwo/2fa/wlacz", code_field("kod-wlacz", "Kod z aplikacji", error), "Włącz weryfikację dwuetapową", false))
    }
}

fn factor_section(
    ctx: &Ctx,
    auth: &Auth,
    factor: &FactorView,
    error: Option<(Which, &str)>,
    required: bool,
) -> Markup {
    let error_for = |which| error.filter(|(w, _)| *w == which).map(|(_, e)| e);
    html! {
        section.block #weryfikacja {
            h2 { "Weryfikacja dwuetapowa" }
            @if required && !factor.enabled {
                p.notice.notice--warning role="alert" { "Właściciel konta wymaga weryfikacji dwuetapowej. Włącz ją, aby korzystać z Panelu klienta." }
            }
            @if factor.enabled {
                p { span.badge.badge--ok { "Włączona" }
                    @if let Some(at) = factor.enabled_at { " od " (format_timestamp(at)) } "." }
                p { "Nieużyte kody zapasowe: " strong #kody-pozostale { (factor.recovery_left) } "." }
                h3 { "Nowe kody zapasowe" }
                p.muted { "Stare kody przestaną działać." }
                (form(ctx, "/bezpieczenstwo/2fa/kody", code_field("kod-kody", "Kod z aplikacji lub kod zapasowy", error_for(Which::Regenerate)), "Wygeneruj nowe kody", true))
                h3 { "Wyłączenie" }
                @if required {
                    p.muted #wylaczenie { "Właściciel konta wymaga weryfikacji dwuetapowej, więc nie można jej wyłączyć." }
                } @else {
                    (form(ctx, "/bezpieczenstwo/2fa/wylacz", code_field("kod-wylacz", "Kod z aplikacji lub kod zapasowy", error_for(Which::Disable)), "Wyłącz weryfikację dwuetapową", true))
                }
            } @else if let Some(secret) = &factor.setup_secret {
                (setup(ctx, auth.user().email.as_str(), secret, error_for(Which::Enable)))
            } @else {
                p { "Po włączeniu logowanie wymaga, oprócz kodu z e-maila, kodu z aplikacji uwierzytelniającej w telefonie." }
                (form(ctx, "/bezpieczenstwo/2fa/konfiguruj", html! {}, "Skonfiguruj aplikację", false))
            }
        }
    }
}

fn requirement_section(ctx: &Ctx, required: bool) -> Markup {
    let (value, label) = if required {
        ("nie", "Przestań wymagać")
    } else {
        ("tak", "Wymagaj od wszystkich")
    };
    html! {
        section.block #wymaganie {
            h2 { "Weryfikacja dwuetapowa na całym koncie" }
            p { @if required { "Wszyscy użytkownicy konta muszą mieć włączoną weryfikację dwuetapową." }
                @else { "Użytkownicy sami decydują, czy włączyć weryfikację dwuetapową." } }
            (form(ctx, "/bezpieczenstwo/wymaganie", html! { input type="hidden" name="wymagaj" value=(value); }, label, required))
        }
    }
}

fn codes_section(codes: &[String]) -> Markup {
    html! {
        section.block #kody-zapasowe {
            h2 { "Twoje kody zapasowe" }
            p { strong { "Zapisz je teraz w bezpiecznym miejscu — nie pokażemy ich ponownie." }
                " Każdego kodu można użyć raz, gdy nie masz dostępu do aplikacji." }
            ul.codes { @for code in codes { li { code { (code) } } } }
        }
    }
}

/// The whole page, with an error under one form or the recovery codes just made.
pub(super) async fn render(
    ctx: &Ctx,
    auth: &Auth,
    status: StatusCode,
    error: Option<(Which, &str)>,
    codes: Option<&[String]>,
) -> WebResult<Response> {
    let email = auth.user().email.as_str().to_string();
    let factor = ctx.state.store.second_factor(&email)?;
    let required = ctx
        .state
        .store
        .account_security(auth.account().id)?
        .require_second_factor;
    let sessions = ctx
        .state
        .store
        .sessions_of_person(&email, &auth.session_token, ctx.now())?;
    let body = html! {
        @if let Some(codes) = codes { (codes_section(codes)) }
        (factor_section(ctx, auth, &factor, error, required))
        @if auth.may(Action::AccountSecurity) { (requirement_section(ctx, required)) }
        (sessions_section(ctx, &sessions))
    };
    let mut response = ctx.page(auth, TITLE, Nav::Bezpieczenstwo, body);
    response.set_status(status);
    Ok(response)
}

#[handler]
pub async fn view_bezpieczenstwo_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    auth.require(Action::OwnSecurity)?;
    render(&ctx, &auth, StatusCode::OK, None, None).await
}

#[derive(Deserialize)]
pub struct RequirementForm {
    #[serde(default)]
    wymagaj: String,
}

#[handler]
pub async fn view_wymaganie_post(
    ctx: Ctx,
    auth: Auth,
    req: &Request,
    Form(form): Form<RequirementForm>,
) -> WebResult<Response> {
    auth.require(Action::AccountSecurity)?;
    let required = match form.wymagaj.as_str() {
        "tak" => true,
        "nie" => false,
        _ => {
            return Ok(ctx.redirect_with_flash(
                "/bezpieczenstwo",
                "Nie rozpoznano wyboru. Spróbuj ponownie.",
            ));
        }
    };
    let what = if required {
        "właściciel konta zaczął wymagać weryfikacji dwuetapowej od wszystkich użytkowników"
    } else {
        "właściciel konta przestał wymagać weryfikacji dwuetapowej od wszystkich użytkowników"
    };
    let (ip, device) = where_from(&ctx, req);
    let place = crate::mail::security::Where {
        at: ctx.now(),
        ip: &ip,
        device: &device,
    };
    let users = ctx.state.store.users_of_account(auth.account().id)?;
    let mails = users
        .iter()
        .filter(|u| u.active)
        .map(|u| security_change_message(&ctx.state.base_url, u.email.as_str(), what, &place))
        .collect();
    let (account_id, now) = (auth.account().id, ctx.now());
    let (email, ip) = (auth.user().email.to_string(), ip.clone());
    let changed = ctx
        .state
        .store
        .blocking(move |s| {
            s.set_second_factor_required(account_id, required, (&email, &ip), now, mails)
        })
        .await?;
    if changed {
        ctx.state.wake_mailer();
    }
    let message = if required {
        "Weryfikacja dwuetapowa jest teraz wymagana od wszystkich użytkowników konta."
    } else {
        "Weryfikacja dwuetapowa nie jest już wymagana."
    };
    Ok(ctx.redirect_with_flash("/bezpieczenstwo", message))
}
