//! The second step of a login for a person with the second factor on: after the e-mail code or
//! link, "Kod z aplikacji" (or a recovery code) before the session starts. Also where every login
//! learns its client (IP, browser, device cookie) for the list of sessions and new-browser e-mails.

use super::logowanie::start_session;
use crate::domain::User;
use crate::domain::device::describe_device;
use crate::mail::security::{Where, new_device_message};
use crate::store::{CodeCheck, SessionOrigin, Store};
use crate::web::context::{Ctx, redirect};
use crate::web::cookies;
use crate::web::error::{AppError, WebResult};
use crate::web::limits::client_ip;
use crate::web::metrics::LoginResult;
use crate::web::views::components::csrf_field;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Form;
use poem::{Request, Response, handler};
use serde::Deserialize;

/// The device cookie lives about a year; the pending login ten minutes.
const DEVICE_COOKIE_SECS: i64 = 400 * 24 * 3600;
const PENDING_COOKIE_SECS: i64 = 600;
const WRONG_CODE: &str =
    "Nieprawidłowy kod. Wpisz aktualny kod z aplikacji albo jeden z kodów zapasowych.";

/// Who is logging in, as far as the request tells.
pub(super) struct Client {
    ip: String,
    device: String,
    device_token: String,
}

pub(super) fn client_of(ctx: &Ctx, req: &Request) -> Client {
    let device_token = cookies::read(req, ctx.state.cookies.device)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
        .unwrap_or_else(crate::random::token);
    Client {
        ip: client_ip(req, &ctx.state.config.args.trusted_proxies).to_string(),
        device: describe_device(req.header("user-agent").unwrap_or("")),
        device_token,
    }
}

/// Runs a login step in the store with the client's origin (and its new-browser e-mail).
pub(super) async fn log_in_from(
    ctx: &Ctx,
    client: &Client,
    work: impl FnOnce(&Store, &SessionOrigin<'_>) -> crate::store::Result<CodeCheck> + Send + 'static,
) -> WebResult<CodeCheck> {
    let (base_url, now) = (ctx.state.base_url.clone(), ctx.now());
    let (ip, device, device_token) = (
        client.ip.clone(),
        client.device.clone(),
        client.device_token.clone(),
    );
    let check = ctx
        .state
        .store
        .blocking(move |s| {
            let place = Where {
                at: now,
                ip: &ip,
                device: &device,
            };
            let mail = |user: &User| new_device_message(&base_url, user.email.as_str(), &place);
            let origin = SessionOrigin {
                ip: ip.clone(),
                device: device.clone(),
                device_token,
                new_device_mail: &mail,
            };
            work(s, &origin)
        })
        .await?;
    match check {
        CodeCheck::LoggedIn { .. } => ctx.state.metrics.login(LoginResult::Ok),
        CodeCheck::SecondFactor { .. } => {}
        _ => ctx.state.metrics.login(LoginResult::Failed),
    }
    Ok(check)
}

/// The answer to a login that got through: the session, or the way to the second step.
/// `None` for a check that did not log in (the caller words the refusal).
pub(super) async fn logged_in(
    ctx: &Ctx,
    req: &Request,
    client: &Client,
    check: &CodeCheck,
) -> Option<Response> {
    let mut response = match check {
        CodeCheck::LoggedIn { session_token, .. } => {
            ctx.state.wake_mailer();
            let mut response = start_session(ctx, req, session_token).await;
            ctx.add_cookie(
                &mut response,
                &ctx.state.cookies.clear(ctx.state.cookies.pending),
            );
            response
        }
        CodeCheck::SecondFactor { pending_token } => {
            let mut response = redirect("/logowanie/2fa");
            let cookie = ctx.state.cookies.set(
                ctx.state.cookies.pending,
                pending_token,
                Some(PENDING_COOKIE_SECS),
            );
            ctx.add_cookie(&mut response, &cookie);
            response
        }
        _ => return None,
    };
    let device = ctx.state.cookies.set(
        ctx.state.cookies.device,
        &client.device_token,
        Some(DEVICE_COOKIE_SECS),
    );
    ctx.add_cookie(&mut response, &device);
    Some(response)
}

fn second_step_form(ctx: &Ctx, error: Option<&str>) -> Markup {
    html! {
        p { "Masz włączoną weryfikację dwuetapową. Wpisz kod z aplikacji uwierzytelniającej albo jeden z kodów zapasowych." }
        form.card method="post" action="/logowanie/2fa" novalidate {
            (csrf_field(&ctx.csrf))
            div.field {
                label for="kod" { "Kod z aplikacji" }
                input #kod type="text" name="kod" autocomplete="one-time-code" maxlength="12"
                    required autofocus aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[Some(if error.is_some() { "kod-blad" } else { "kod-pomoc" })];
                @if let Some(error) = error { p.error #kod-blad { (error) } }
                @else { p.muted #kod-pomoc { "6 cyfr z aplikacji albo kod zapasowy w postaci xxxxx-xxxxx." } }
            }
            button.button type="submit" { "Zaloguj" }
        }
    }
}

fn start_again(ctx: &Ctx, status: StatusCode, text: &str) -> Response {
    let body = html! {
        p { (text) }
        p { a.button href="/logowanie" { "Zaloguj się ponownie" } }
    };
    let mut response = ctx.public_page(status, "Logowanie przerwane", body);
    ctx.add_cookie(
        &mut response,
        &ctx.state.cookies.clear(ctx.state.cookies.pending),
    );
    response
}

const EXPIRED: &str = "Czas na drugi krok logowania minął albo wpisano zbyt wiele błędnych kodów. Zaloguj się ponownie kodem z e-maila.";

#[handler]
pub async fn view_logowanie_2fa_get(ctx: Ctx, req: &Request) -> WebResult<Response> {
    let Some(token) = cookies::read(req, ctx.state.cookies.pending).map(str::to_string) else {
        return Ok(redirect("/logowanie"));
    };
    if !ctx.state.store.pending_login_usable(&token, ctx.now())? {
        return Ok(start_again(&ctx, StatusCode::GONE, EXPIRED));
    }
    Ok(ctx.public_page(
        StatusCode::OK,
        "Weryfikacja dwuetapowa",
        second_step_form(&ctx, None),
    ))
}

#[derive(Deserialize)]
pub struct SecondStepForm {
    #[serde(default)]
    kod: String,
}

#[handler]
pub async fn view_logowanie_2fa_post(
    ctx: Ctx,
    req: &Request,
    Form(form): Form<SecondStepForm>,
) -> WebResult<Response> {
    let Some(token) = cookies::read(req, ctx.state.cookies.pending).map(str::to_string) else {
        return Ok(redirect("/logowanie"));
    };
    let client = client_of(&ctx, req);
    let ip = client_ip(req, &ctx.state.config.args.trusted_proxies);
    if !ctx.state.limiters.allow_verify(ip, &format!("2fa:{token}")) {
        return Err(AppError::TooManyRequests);
    }
    if form.kod.trim().is_empty() {
        let body = second_step_form(&ctx, Some("Wpisz kod z aplikacji albo kod zapasowy."));
        return Ok(ctx.public_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Weryfikacja dwuetapowa",
            body,
        ));
    }
    let now = ctx.now();
    let code = form.kod.clone();
    let check = log_in_from(&ctx, &client, move |s, origin| {
        s.login_second_factor(&token, &code, now, origin)
    })
    .await?;
    if let Some(response) = logged_in(&ctx, req, &client, &check).await {
        return Ok(response);
    }
    match check {
        CodeCheck::WrongCode { locked: false } => {
            ctx.state.limiters.record_wrong_code(now);
            let body = second_step_form(&ctx, Some(WRONG_CODE));
            Ok(ctx.public_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Weryfikacja dwuetapowa",
                body,
            ))
        }
        _ => Ok(start_again(&ctx, StatusCode::GONE, EXPIRED)),
    }
}
