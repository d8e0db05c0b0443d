//! The person's sessions on Bezpieczeństwo: device, IP, last activity; "Zakończ" one other
//! session, or "Wyloguj wszystkie pozostałe". An ended session's next request goes to login.

use super::bezpieczenstwo::form;
use crate::domain::access::Action;
use crate::domain::device::describe_device;
use crate::domain::time::format_timestamp;
use crate::mail::security::{Where, security_change_message};
use crate::store::ListedSession;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::limits::client_ip;
use maud::{Markup, html};
use poem::web::Form;
use poem::{Request, Response, handler};
use serde::Deserialize;

/// The client's IP and browser, for the e-mails about changes.
pub(super) fn where_from(ctx: &Ctx, req: &Request) -> (String, String) {
    (
        client_ip(req, &ctx.state.config.args.trusted_proxies).to_string(),
        describe_device(req.header("user-agent").unwrap_or("")),
    )
}

fn or_unknown(text: &str) -> &str {
    if text.is_empty() { "nieznane" } else { text }
}

pub(super) fn sessions_section(ctx: &Ctx, sessions: &[ListedSession]) -> Markup {
    let others = sessions.iter().filter(|s| !s.current).count();
    html! {
        section.block #sesje {
            h2 { "Aktywne sesje" }
            p.muted { "Miejsca, w których jesteś teraz zalogowany. Zakończ sesję, której nie rozpoznajesz." }
            div.table-wrap { table.stacked {
                thead { tr { th { "Urządzenie" } th { "Adres IP" } th { "Ostatnia aktywność" } th { "Zalogowano" } th { span.visually-hidden { "Akcje" } } } }
                tbody { @for listed in sessions {
                    @let s = &listed.session;
                    tr {
                        td { (or_unknown(&s.device)) @if listed.current { " " span.badge.badge--ok { "bieżąca" } } }
                        td data-label="Adres IP" { (or_unknown(&s.ip)) }
                        td data-label="Ostatnia aktywność" { (format_timestamp(s.last_seen)) }
                        td data-label="Zalogowano" { (format_timestamp(s.created_at)) }
                        td data-label="Akcje" {
                            @if !listed.current && !s.public_id.is_empty() {
                                (form(ctx, "/bezpieczenstwo/sesje/zakoncz", html! { input type="hidden" name="id" value=(s.public_id); }, "Zakończ", true))
                            }
                        }
                    }
                } }
            } }
            @if others > 0 {
                (form(ctx, "/bezpieczenstwo/sesje/pozostale", html! {}, "Wyloguj wszystkie pozostałe", false))
            }
        }
    }
}

fn ended_mail(ctx: &Ctx, auth: &Auth, req: &Request, what: &str) -> crate::store::NewMessage {
    let (ip, device) = where_from(ctx, req);
    let place = Where {
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

#[derive(Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    id: String,
}

#[handler]
pub async fn view_sesje_zakoncz_post(
    ctx: Ctx,
    auth: Auth,
    req: &Request,
    Form(form): Form<SessionForm>,
) -> WebResult<Response> {
    auth.require(Action::OwnSecurity)?;
    let mail = ended_mail(&ctx, &auth, req, "zakończono jedną z Twoich sesji");
    let (email, token, now) = (
        auth.user().email.as_str().to_string(),
        auth.session_token.clone(),
        ctx.now(),
    );
    let ip = ctx.ip.clone();
    let ended = ctx
        .state
        .store
        .blocking(move |s| s.end_person_session(&email, &token, &form.id, &ip, now, mail))
        .await?;
    let message = if ended {
        ctx.state.wake_mailer();
        "Sesja została zakończona."
    } else {
        "Ta sesja była już zakończona."
    };
    Ok(ctx.redirect_with_flash("/bezpieczenstwo#sesje", message))
}

#[handler]
pub async fn view_sesje_pozostale_post(ctx: Ctx, auth: Auth, req: &Request) -> WebResult<Response> {
    auth.require(Action::OwnSecurity)?;
    let mail = ended_mail(
        &ctx,
        &auth,
        req,
        "wylogowano wszystkie Twoje sesje poza bieżącą",
    );
    let (email, token, now) = (
        auth.user().email.as_str().to_string(),
        auth.session_token.clone(),
        ctx.now(),
    );
    let ip = ctx.ip.clone();
    let ended = ctx
        .state
        .store
        .blocking(move |s| s.end_other_sessions(&email, &token, &ip, now, mail))
        .await?;
    if ended > 0 {
        ctx.state.wake_mailer();
    }
    let message = match ended {
        0 => "Nie było innych sesji.".to_string(),
        1 => "Zakończono 1 inną sesję.".to_string(),
        n => format!("Zakończono inne sesje: {n}."),
    };
    Ok(ctx.redirect_with_flash("/bezpieczenstwo#sesje", &message))
}
