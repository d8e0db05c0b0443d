//! The invitation link: its GET shows the invitation and one button (mail scanners follow links,
//! so they must not accept); the POST accepts it once, then the invitee logs in with their address.

use crate::domain::Email;
use crate::store::AcceptOutcome;
use crate::web::context::Ctx;
use crate::web::error::WebResult;
use crate::web::views::components::csrf_field;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

fn invalid(ctx: &Ctx) -> Response {
    let body = html! {
        p { "To zaproszenie wygasło, zostało już przyjęte albo anulowane." }
        p { "Poproś osobę, która Cię zaprosiła, o nowe zaproszenie." }
        p { a.button href="/logowanie" { "Przejdź do logowania" } }
    };
    ctx.public_page(StatusCode::GONE, "Zaproszenie jest nieważne", body)
}

/// "Zaloguj się swoim adresem": the login form with the address filled in.
fn log_in_form(ctx: &Ctx, email: &Email) -> Markup {
    html! {
        form.card method="post" action="/logowanie" {
            (csrf_field(&ctx.csrf))
            div.field {
                label for="email" { "Adres e-mail" }
                input #email type="email" name="email" value=(email) autocomplete="email" required;
            }
            button.button type="submit" { "Zaloguj się swoim adresem" }
        }
    }
}

#[handler]
pub async fn view_zaproszenie_get(ctx: Ctx, Path(token): Path<String>) -> WebResult<Response> {
    let Some((invitation, account)) = ctx.state.store.invitation(&token, ctx.now())? else {
        return Ok(invalid(&ctx));
    };
    let action = format!("/zaproszenie/{token}");
    let body = html! {
        p { "Zaproszenie do konta " strong { (account.name) } " w Panelu klienta dla adresu "
            strong { (invitation.email) } " z rolą " strong { (invitation.role.label()) } "." }
        form.card method="post" action=(action) {
            (csrf_field(&ctx.csrf))
            button.button type="submit" { "Przyjmij zaproszenie" }
        }
        p.muted { "Jeśli nie spodziewasz się tego zaproszenia, po prostu zamknij tę stronę." }
    };
    Ok(ctx.public_page(StatusCode::OK, "Zaproszenie", body))
}

#[handler]
pub async fn view_zaproszenie_post(ctx: Ctx, Path(token): Path<String>) -> WebResult<Response> {
    let now = ctx.now();
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.accept_invitation(&token, now))
        .await?;
    let (title, text, account, email) = match outcome {
        AcceptOutcome::Invalid => return Ok(invalid(&ctx)),
        AcceptOutcome::Joined { account, user } => (
            "Zaproszenie przyjęte",
            "Jesteś teraz użytkownikiem konta",
            account,
            user.email,
        ),
        AcceptOutcome::AlreadyMember { account, email } => (
            "Już należysz do tego konta",
            "Ten adres jest już użytkownikiem konta",
            account,
            email,
        ),
    };
    let body = html! {
        p { (text) " " strong { (account.name) } "." }
        p { "Zaloguj się adresem " strong { (email) } " — wyślemy na niego kod logowania." }
        (log_in_form(&ctx, &email))
    };
    Ok(ctx.public_page(StatusCode::OK, title, body))
}
