//! Bezpieczeństwo: the person's second factor (set up with a current code, recovery codes shown
//! once, off or new codes with a current code), the owner's requirement for the whole account,
//! and the list of sessions (`bezpieczenstwo_sesje`). Every change is e-mailed to the person.

use super::bezpieczenstwo_sesje::{sessions_section, where_from};
use crate::domain::access::Action;
use crate::domain::security::{base32, otpauth_uri};
use crate::domain::time::format_timestamp;
use crate::mail::security::security_change_message;
use crate::store::FactorView;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::limits::client_ip;
use crate::web::views::components::csrf_field;
use crate::web::views::layout::Nav;
use maud::{Markup, PreEscaped, html};
use poem::http::StatusCode;
use poem::web::Form;
use poem::{Request, Response, handler};
use serde::Deserialize;

const TITLE: &str = "Bezpieczeństwo";
const ISSUER: &str = "Panel klienta";
const WRONG_CODE: &str = "Nieprawidłowy lub już użyty kod. Wpisz aktualny kod z aplikacji.";
const WRONG_CODE_OR_RECOVERY: &str =
    "Nieprawidłowy lub już użyty kod. Wpisz aktualny kod z aplikacji albo nieużyty kod zapasowy.";

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
) -> Markup {
    let error_for = |which| error.filter(|(w, _)| *w == which).map(|(_, e)| e);
    let live = auth.live();
    html! {
        section.block #weryfikacja {
            h2 { "Weryfikacja dwuetapowa" }
            @if live.second_factor_required && !factor.enabled {
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
                (form(ctx, "/bezpieczenstwo/2fa/wylacz", code_field("kod-wylacz", "Kod z aplikacji lub kod zapasowy", error_for(Which::Disable)), "Wyłącz weryfikację dwuetapową", true))
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
        (factor_section(ctx, auth, &factor, error))
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

#[handler]
pub async fn view_2fa_konfiguruj_post(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    auth.require(Action::OwnSecurity)?;
    let email = auth.user().email.as_str().to_string();
    ctx.state
        .store
        .blocking(move |s| s.begin_second_factor_setup(&email))
        .await?;
    Ok(ctx.redirect_with_flash(
        "/bezpieczenstwo#weryfikacja",
        "Dodaj konto w aplikacji i wpisz pokazany przez nią kod.",
    ))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    kod: String,
}

/// A code typed on this page: counted by the same limits as the login codes.
fn check_rate(ctx: &Ctx, auth: &Auth, req: &Request) -> Result<(), AppError> {
    let ip = client_ip(req, &ctx.state.config.args.trusted_proxies);
    if ctx
        .state
        .limiters
        .allow_verify(ip, auth.user().email.as_str())
    {
        Ok(())
    } else {
        Err(AppError::TooManyRequests)
    }
}

/// The e-mail of a security change, to the person making it.
fn change_mail(ctx: &Ctx, auth: &Auth, req: &Request, what: &str) -> crate::store::NewMessage {
    let (ip, device) = where_from(ctx, req);
    let place = crate::mail::security::Where {
        at: ctx.now(),
        ip: &ip,
        device: &device,
    };
    security_change_message(
        &ctx.state.base_url,
        auth.user().email.as_str(),
        what,
        &place,
    )
}

#[handler]
pub async fn view_2fa_wlacz_post(
    ctx: Ctx,
    auth: Auth,
    req: &Request,
    Form(form): Form<CodeForm>,
) -> WebResult<Response> {
    auth.require(Action::OwnSecurity)?;
    check_rate(&ctx, &auth, req)?;
    let mail = change_mail(&ctx, &auth, req, "włączono weryfikację dwuetapową");
    let (email, now) = (auth.user().email.as_str().to_string(), ctx.now());
    let codes = ctx
        .state
        .store
        .blocking(move |s| s.enable_second_factor(&email, &form.kod, now, mail))
        .await?;
    let Some(codes) = codes else {
        return render(
            &ctx,
            &auth,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((Which::Enable, WRONG_CODE)),
            None,
        )
        .await;
    };
    ctx.state.wake_mailer();
    render(&ctx, &auth, StatusCode::OK, None, Some(&codes)).await
}

#[handler]
pub async fn view_2fa_wylacz_post(
    ctx: Ctx,
    auth: Auth,
    req: &Request,
    Form(form): Form<CodeForm>,
) -> WebResult<Response> {
    auth.require(Action::OwnSecurity)?;
    check_rate(&ctx, &auth, req)?;
    let mail = change_mail(&ctx, &auth, req, "wyłączono weryfikację dwuetapową");
    let (email, now) = (auth.user().email.as_str().to_string(), ctx.now());
    let done = ctx
        .state
        .store
        .blocking(move |s| s.disable_second_factor(&email, &form.kod, now, mail))
        .await?;
    if !done {
        return render(
            &ctx,
            &auth,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((Which::Disable, WRONG_CODE_OR_RECOVERY)),
            None,
        )
        .await;
    }
    ctx.state.wake_mailer();
    Ok(ctx.redirect_with_flash("/bezpieczenstwo", "Weryfikacja dwuetapowa jest wyłączona."))
}

#[handler]
pub async fn view_2fa_kody_post(
    ctx: Ctx,
    auth: Auth,
    req: &Request,
    Form(form): Form<CodeForm>,
) -> WebResult<Response> {
    auth.require(Action::OwnSecurity)?;
    check_rate(&ctx, &auth, req)?;
    let mail = change_mail(
        &ctx,
        &auth,
        req,
        "wygenerowano nowe kody zapasowe (poprzednie przestały działać)",
    );
    let (email, now) = (auth.user().email.as_str().to_string(), ctx.now());
    let codes = ctx
        .state
        .store
        .blocking(move |s| s.regenerate_recovery_codes(&email, &form.kod, now, mail))
        .await?;
    let Some(codes) = codes else {
        return render(
            &ctx,
            &auth,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((Which::Regenerate, WRONG_CODE_OR_RECOVERY)),
            None,
        )
        .await;
    };
    ctx.state.wake_mailer();
    render(&ctx, &auth, StatusCode::OK, None, Some(&codes)).await
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
    let changed = ctx
        .state
        .store
        .blocking(move |s| s.set_second_factor_required(account_id, required, now, mails))
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
