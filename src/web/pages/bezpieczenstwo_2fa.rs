//! The second factor's forms on Bezpieczeństwo: set up, enable with a current code (the
//! recovery codes are shown once, in the answer), new recovery codes, off. Each change is e-mailed.

use super::bezpieczenstwo::{Which, render};
use super::bezpieczenstwo_sesje::where_from;
use crate::domain::access::Action;
use crate::mail::security::security_change_message;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::limits::client_ip;
use poem::http::StatusCode;
use poem::web::Form;
use poem::{Request, Response, handler};
use serde::Deserialize;

const REQUIRED: &str =
    "Właściciel konta wymaga weryfikacji dwuetapowej, więc nie można jej wyłączyć.";
const WRONG_CODE: &str = "Nieprawidłowy lub już użyty kod. Wpisz aktualny kod z aplikacji.";
const WRONG_CODE_OR_RECOVERY: &str =
    "Nieprawidłowy lub już użyty kod. Wpisz aktualny kod z aplikacji albo nieużyty kod zapasowy.";

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
    let ip = ctx.ip.clone();
    let codes = ctx
        .state
        .store
        .blocking(move |s| s.enable_second_factor(&email, &form.kod, &ip, now, mail))
        .await?;
    let Some(codes) = codes else {
        return refused(&ctx, &auth, Which::Enable, WRONG_CODE).await;
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
    if auth.live().second_factor_required {
        return refused(&ctx, &auth, Which::Disable, REQUIRED).await;
    }
    let mail = change_mail(&ctx, &auth, req, "wyłączono weryfikację dwuetapową");
    let (email, now) = (auth.user().email.as_str().to_string(), ctx.now());
    let ip = ctx.ip.clone();
    let done = ctx
        .state
        .store
        .blocking(move |s| s.disable_second_factor(&email, &form.kod, &ip, now, mail))
        .await?;
    if !done {
        return refused(&ctx, &auth, Which::Disable, WRONG_CODE_OR_RECOVERY).await;
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
    let ip = ctx.ip.clone();
    let codes = ctx
        .state
        .store
        .blocking(move |s| s.regenerate_recovery_codes(&email, &form.kod, &ip, now, mail))
        .await?;
    let Some(codes) = codes else {
        return refused(&ctx, &auth, Which::Regenerate, WRONG_CODE_OR_RECOVERY).await;
    };
    ctx.state.wake_mailer();
    render(&ctx, &auth, StatusCode::OK, None, Some(&codes)).await
}

/// The page again with the form's refusal next to it (422): the second factor is unchanged.
async fn refused(ctx: &Ctx, auth: &Auth, which: Which, message: &str) -> WebResult<Response> {
    render(
        ctx,
        auth,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some((which, message)),
        None,
    )
    .await
}
