//! Poczta demo: the e-mails the panel sent, readable in the browser when it runs with `--demo`.

use super::uslugi::parse_id;
use crate::domain::time::format_timestamp;
use crate::store::Delivery;
use crate::web::context::Ctx;
use crate::web::error::{AppError, WebResult};
use maud::html;
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

/// The page shows everyone's mail, login codes included: only with `--demo`, and only to the
/// machine itself (a loopback listener) unless the operator adds `--demo-public`.
fn require_demo(ctx: &Ctx) -> WebResult<()> {
    let args = &ctx.state.config.args;
    if args.demo && (args.demo_public || args.listen.ip().is_loopback()) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[handler]
pub async fn view_poczta_get(ctx: Ctx) -> WebResult<Response> {
    require_demo(&ctx)?;
    let messages = ctx.state.store.outbox_messages(100)?;
    let body = html! {
        p { "Tryb demonstracyjny: tu widać wiadomości wysłane przez panel (najnowsze na górze)." }
        @if messages.is_empty() {
            p.muted { "Brak wiadomości." }
        } @else {
            ul.mail-list { @for m in &messages {
                li {
                    a href={ "/demo/poczta/" (m.id) } { (m.subject) }
                    br;
                    small.muted { "Do: " (m.to) " · " (format_timestamp(m.created_at)) " · "
                        (match m.delivery { Delivery::Sent { .. } => "wysłana", Delivery::Pending { .. } => "w kolejce", Delivery::Dead { .. } => "nie dostarczona" }) }
                }
            } }
        }
        p { a href="/logowanie" { "Przejdź do logowania" } }
    };
    Ok(ctx.public_page(StatusCode::OK, "Poczta demo", body))
}

#[handler]
pub async fn view_poczta_wiadomosc_get(ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    require_demo(&ctx)?;
    let mut message = ctx
        .state
        .store
        .outbox_message(parse_id(&id)?)?
        .ok_or(AppError::NotFound)?;
    // A delivered login message's body is no longer stored; the demo kept it in memory.
    if message.secret
        && message.text.is_empty()
        && let Some(text) = ctx
            .state
            .demo_mailbox
            .as_ref()
            .and_then(|mailbox| mailbox.text(message.id))
    {
        message.text = text;
    }
    let body = html! {
        p { "Do: " (message.to) } p { "Wysłana: " (format_timestamp(message.created_at)) }
        pre.mail {
            @for line in message.text.lines() {
                // The panel's own links (login, documents) are clickable, as in a mail client.
                @if line.starts_with(&format!("{}/", ctx.state.base_url)) {
                    a href=(line) { (line) } "\n"
                } @else {
                    (line) "\n"
                }
            }
        }
        p { a href="/demo/poczta" { "Wszystkie wiadomości" } }
    };
    Ok(ctx.public_page(StatusCode::OK, &message.subject, body))
}
