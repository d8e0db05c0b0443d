//! Logowanie: e-mail → one e-mail with a 6-digit code and a link; the link's GET only shows a
//! "Zaloguj" button, its POST logs in. The same answer whether or not the address has an account.

use crate::domain::Email;
use crate::domain::login::{SESSION_ABSOLUTE_TIMEOUT, mask_address};
use crate::mail;
use crate::store::CodeCheck;
use crate::web::context::{Ctx, redirect};
use crate::web::cookies;
use crate::web::error::{AppError, WebResult};
use crate::web::limits::ClientIp;
use crate::web::views::components::csrf_field;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

const CODE_REJECTED: &str =
    "Nieprawidłowy lub nieważny kod. Sprawdź kod z ostatniej wiadomości albo poproś o nowy.";
/// Shown for any address whose failure budget is spent, account or not.
const CODES_LOCKED: &str = "Wpisano zbyt wiele błędnych kodów dla tego adresu, więc logowanie kodem \
    jest wstrzymane do jutra. Zaloguj się linkiem z wiadomości (możesz poprosić o nową) albo spróbuj jutro.";
const CODES_SUSPENDED: &str = "Logowanie kodem jest chwilowo wyłączone, bo w panelu wpisano bardzo \
    wiele błędnych kodów. Zaloguj się linkiem z wiadomości albo spróbuj ponownie później.";

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    kod: String,
}

fn email_form(ctx: &Ctx, value: &str, error: Option<&str>) -> Markup {
    html! {
        p { "Podaj adres e-mail konta. Wyślemy na niego jednorazowy kod i link do logowania." }
        form.card method="post" action="/logowanie" novalidate {
            (csrf_field(&ctx.csrf))
            div.field {
                label for="email" { "Adres e-mail" }
                input #email type="email" name="email" value=(value) autocomplete="email" required
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "email-blad")];
                @if let Some(error) = error { p.error #email-blad { (error) } }
            }
            button.button type="submit" { "Wyślij kod" }
        }
        @if ctx.state.config.args.demo {
            aside.card.demo {
                p { strong { "Tryb demonstracyjny." } " Zaloguj się jako " code { "abonent@example.com" }
                    " lub " code { "inny@example.com" } ". Wiadomość z kodem znajdziesz w "
                    a href="/demo/poczta" target="_blank" rel="noopener" { "poczcie demo" } "." }
            }
        }
    }
}

fn code_form(ctx: &Ctx, email: &str, error: Option<&str>) -> Markup {
    html! {
        p { "Jeśli adres " strong { (email) } " ma konto w Panelu klienta, wysłaliśmy na niego kod logowania i link. Kod jest ważny 10 minut." }
        form.card method="post" action="/logowanie/kod" novalidate {
            (csrf_field(&ctx.csrf))
            input type="hidden" name="email" value=(email);
            div.field {
                label for="kod" { "Kod z wiadomości (6 cyfr)" }
                input #kod type="text" name="kod" inputmode="numeric" autocomplete="one-time-code" maxlength="7"
                    pattern="[0-9 ]*" required autofocus
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "kod-blad")];
                @if let Some(error) = error { p.error #kod-blad { (error) } }
            }
            button.button type="submit" { "Zaloguj" }
        }
        form method="post" action="/logowanie" {
            (csrf_field(&ctx.csrf))
            input type="hidden" name="email" value=(email);
            button.link type="submit" { "Wyślij nowy kod" }
        }
        @if ctx.state.config.args.demo {
            p { a href="/demo/poczta" target="_blank" rel="noopener" { "Otwórz pocztę demo" } }
        }
    }
}

#[handler]
pub async fn view_logowanie_get(ctx: Ctx, req: &Request) -> WebResult<Response> {
    if let Some(token) = cookies::read(req, ctx.state.cookies.session)
        && ctx.state.store.session(token, ctx.now())?.is_some()
    {
        return Ok(redirect("/pulpit"));
    }
    let expired = req.uri().query() == Some("sesja=wygasla");
    let body = html! {
        @if expired {
            p.flash role="status" { "Sesja wygasła. Zaloguj się ponownie." }
        }
        (email_form(&ctx, "", None))
    };
    Ok(ctx.public_page(StatusCode::OK, "Logowanie", body))
}

#[handler]
pub async fn view_logowanie_post(
    ctx: Ctx,
    Data(client): Data<&ClientIp>,
    Form(form): Form<EmailForm>,
) -> WebResult<Response> {
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(message) => {
            let body = email_form(&ctx, &form.email, Some(message));
            return Ok(ctx.public_page(StatusCode::UNPROCESSABLE_ENTITY, "Logowanie", body));
        }
    };
    if !ctx.state.limiters.allow_send(client.0, email.as_str()) {
        return Err(AppError::TooManyRequests);
    }
    let now = ctx.now();
    let base_url = ctx.state.base_url.clone();
    let address = email.clone();
    ctx.state
        .store
        .blocking(move |s| {
            s.request_login(&address, now, &|request| {
                mail::login_code_message(&base_url, request)
            })
        })
        .await?;
    ctx.state.wake_mailer();
    Ok(ctx.public_page(
        StatusCode::OK,
        "Wpisz kod",
        code_form(&ctx, email.as_str(), None),
    ))
}

#[handler]
pub async fn view_logowanie_kod_post(
    ctx: Ctx,
    req: &Request,
    Data(client): Data<&ClientIp>,
    Form(form): Form<CodeForm>,
) -> WebResult<Response> {
    let Ok(email) = Email::parse(&form.email) else {
        return Ok(redirect("/logowanie"));
    };
    if !ctx.state.limiters.allow_verify(client.0, email.as_str()) {
        return Err(AppError::TooManyRequests);
    }
    let code: String = form.kod.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        let body = code_form(&ctx, email.as_str(), Some("Kod składa się z 6 cyfr."));
        return Ok(ctx.public_page(StatusCode::UNPROCESSABLE_ENTITY, "Wpisz kod", body));
    }
    let now = ctx.now();
    let refused = |status, message| {
        let body = code_form(&ctx, &form.email, Some(message));
        Ok(ctx.public_page(status, "Wpisz kod", body))
    };
    if ctx.state.limiters.codes_suspended(now) {
        return refused(StatusCode::TOO_MANY_REQUESTS, CODES_SUSPENDED);
    }
    let base_url = ctx.state.base_url.clone();
    let login_client = super::logowanie_2fa::client_of(&ctx, req);
    let check = super::logowanie_2fa::log_in_from(&ctx, &login_client, move |s, origin| {
        s.login_with_code(
            &email,
            &code,
            now,
            &|user, until| mail::code_lockout_message(&base_url, user, until),
            origin,
        )
    })
    .await?;
    if let Some(response) = super::logowanie_2fa::logged_in(&ctx, req, &login_client, &check).await
    {
        return Ok(response);
    }
    match check {
        CodeCheck::LoggedIn { .. } | CodeCheck::SecondFactor { .. } => Ok(redirect("/pulpit")),
        CodeCheck::Rejected => refused(StatusCode::UNPROCESSABLE_ENTITY, CODE_REJECTED),
        CodeCheck::WrongCode { locked } => {
            ctx.state.limiters.record_wrong_code(now);
            if locked {
                ctx.state.wake_mailer();
                refused(StatusCode::TOO_MANY_REQUESTS, CODES_LOCKED)
            } else {
                refused(StatusCode::UNPROCESSABLE_ENTITY, CODE_REJECTED)
            }
        }
        CodeCheck::CodesLocked => refused(StatusCode::TOO_MANY_REQUESTS, CODES_LOCKED),
    }
}

/// Sets the new session's cookie (a new id at every login) and a new CSRF token (one seen before
/// the login, e.g. on a shared computer, is worth nothing after it), and ends the session it replaces.
pub(super) async fn start_session(ctx: &Ctx, req: &Request, session_token: &str) -> Response {
    if let Some(old) = cookies::read(req, ctx.state.cookies.session).map(str::to_string)
        && let Err(e) = ctx.state.store.blocking(move |s| s.end_session(&old)).await
    {
        tracing::warn!(error = %e, "cannot end the replaced session");
    }
    let mut response = redirect("/pulpit");
    let cookie = ctx.state.cookies.set(
        ctx.state.cookies.session,
        session_token,
        Some(SESSION_ABSOLUTE_TIMEOUT.as_secs()),
    );
    ctx.add_cookie(&mut response, &cookie);
    let csrf = ctx
        .state
        .cookies
        .set(ctx.state.cookies.csrf, &crate::random::token(), None);
    ctx.add_cookie(&mut response, &csrf);
    response
}

fn link_expired(ctx: &Ctx) -> Response {
    let body = html! {
        p { "Ten link logowania wygasł, został już użyty albo zastąpił go nowszy kod." }
        p { a.button href="/logowanie" { "Wyślij nowy kod" } }
    };
    ctx.public_page(StatusCode::GONE, "Link jest nieważny", body)
}

#[handler]
pub async fn view_logowanie_link_get(ctx: Ctx, Path(token): Path<String>) -> WebResult<Response> {
    let Some(address) = ctx.state.store.login_link_address(&token, ctx.now())? else {
        return Ok(link_expired(&ctx));
    };
    let action = format!("/logowanie/link/{token}");
    let body = html! {
        p { "Kliknij przycisk, aby zalogować się do Panelu klienta jako "
            strong { (mask_address(&address)) } "." }
        form.card method="post" action=(action) {
            (csrf_field(&ctx.csrf))
            button.button type="submit" { "Zaloguj" }
        }
    };
    Ok(ctx.public_page(StatusCode::OK, "Potwierdź logowanie", body))
}

#[handler]
pub async fn view_logowanie_link_post(
    ctx: Ctx,
    req: &Request,
    Path(token): Path<String>,
) -> WebResult<Response> {
    let now = ctx.now();
    let login_client = super::logowanie_2fa::client_of(&ctx, req);
    let check = super::logowanie_2fa::log_in_from(&ctx, &login_client, move |s, origin| {
        s.login_with_link(&token, now, origin)
    })
    .await?;
    match super::logowanie_2fa::logged_in(&ctx, req, &login_client, &check).await {
        Some(response) => Ok(response),
        None => Ok(link_expired(&ctx)),
    }
}

#[handler]
pub async fn view_wyloguj_post(ctx: Ctx, req: &Request) -> WebResult<Response> {
    if let Some(token) = cookies::read(req, ctx.state.cookies.session).map(str::to_string) {
        ctx.state
            .store
            .blocking(move |s| s.end_session(&token))
            .await?;
    }
    let mut response = ctx.redirect_with_flash("/logowanie", "Wylogowano. Do zobaczenia!");
    ctx.add_cookie(
        &mut response,
        &ctx.state.cookies.clear(ctx.state.cookies.session),
    );
    Ok(response)
}
