//! One mailbox (`/skrzynki/{id}`): its use, a new password, a new quota, and deleting it after a
//! second step ("Czy na pewno usunąć …?") that works as a plain form without JavaScript.

use super::skrzynki::{Server, mailbox_state, servers};
use super::skrzynki_form::{Errors, confirm_section, manage_sections, usage_bar};
use crate::domain::Mailbox;
use crate::domain::access::Action;
use crate::domain::mailbox::{check_password, hash_password, parse_quota};
use crate::store::{MailboxChange, StoreError};
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::{HeaderValue, StatusCode};
use poem::web::{Form, Path};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

/// What the page shows besides the mailbox.
enum Shown {
    Mailbox,
    Saved(String),
    Refused { errors: Errors, limit: String },
    Confirm,
}

/// The viewer's mailbox `id` with its server; another account's or an unseen one is a 404.
fn find(ctx: &Ctx, auth: &Auth, id: u64) -> WebResult<(Server, Mailbox)> {
    let (servers, _) = servers(ctx, auth)?;
    servers
        .into_iter()
        .find_map(|s| {
            let found = s.mailboxes.iter().find(|m| m.id == id).cloned();
            found.map(|m| (s, m))
        })
        .ok_or(AppError::NotFound)
}

#[handler]
pub async fn view_skrzynka_get(ctx: Ctx, auth: Auth, Path(id): Path<u64>) -> WebResult<Response> {
    let found = find(&ctx, &auth, id)?;
    Ok(respond(&ctx, &auth, &found, Shown::Mailbox, StatusCode::OK))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    haslo: String,
}

#[handler]
pub async fn view_skrzynka_haslo_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<u64>,
    Form(form): Form<PasswordForm>,
) -> WebResult<Response> {
    auth.require(Action::ManageServices)?;
    let found = find(&ctx, &auth, id)?;
    if let Err(message) = check_password(&form.haslo, &found.1.address) {
        let shown = Shown::Refused {
            errors: Errors::one("haslo", message),
            limit: String::new(),
        };
        return Ok(respond(
            &ctx,
            &auth,
            &found,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let salt = crate::random::bytes::<16>();
    let hash = tokio::task::spawn_blocking(move || hash_password(&form.haslo, &salt))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)?;
    let message = format!("Zmieniamy hasło skrzynki {}.", found.1.address);
    change(&ctx, &auth, found, MailboxChange::Password(hash), message).await
}

#[derive(Deserialize)]
pub struct QuotaForm {
    #[serde(default)]
    limit: String,
}

#[handler]
pub async fn view_skrzynka_limit_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<u64>,
    Form(form): Form<QuotaForm>,
) -> WebResult<Response> {
    auth.require(Action::ManageServices)?;
    let found = find(&ctx, &auth, id)?;
    let quota_mb = match parse_quota(&form.limit) {
        Ok(quota_mb) => quota_mb,
        Err(message) => {
            let errors = Errors::one("limit", message);
            let shown = Shown::Refused {
                errors,
                limit: form.limit,
            };
            return Ok(respond(
                &ctx,
                &auth,
                &found,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let message = format!(
        "Zmieniamy limit skrzynki {} na {quota_mb} MB.",
        found.1.address
    );
    change(&ctx, &auth, found, MailboxChange::Quota(quota_mb), message).await
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    potwierdzam: String,
}

#[handler]
pub async fn view_skrzynka_usun_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<u64>,
    Form(form): Form<DeleteForm>,
) -> WebResult<Response> {
    auth.require(Action::ManageServices)?;
    let found = find(&ctx, &auth, id)?;
    if form.potwierdzam != "tak" {
        return Ok(respond(&ctx, &auth, &found, Shown::Confirm, StatusCode::OK));
    }
    let address = found.1.address.clone();
    let (account_id, now) = (auth.account().id, ctx.now());
    ctx.state
        .store
        .blocking(move |s| s.change_mailbox(account_id, id, MailboxChange::Delete, now))
        .await
        .map_err(not_found)?
        .map_err(|r| AppError::Internal(r.message()))?;
    ctx.state.wake_tasks();
    let mut response =
        ctx.redirect_with_flash("/skrzynki", &format!("Usuwamy skrzynkę {address}."));
    if ctx.htmx {
        response
            .headers_mut()
            .insert("HX-Redirect", HeaderValue::from_static("/skrzynki"));
    }
    Ok(response)
}

fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound,
        e => AppError::from(e),
    }
}

/// Stores a password or quota change with its task; a refusal by the plan comes back at its field.
async fn change(
    ctx: &Ctx,
    auth: &Auth,
    found: (Server, Mailbox),
    change: MailboxChange,
    message: String,
) -> WebResult<Response> {
    let (account_id, id, now) = (auth.account().id, found.1.id, ctx.now());
    let done = ctx
        .state
        .store
        .blocking(move |s| s.change_mailbox(account_id, id, change, now))
        .await
        .map_err(not_found)?;
    if let Err(refusal) = done {
        let errors = Errors::one(refusal.field(), refusal.message());
        let shown = Shown::Refused {
            errors,
            limit: String::new(),
        };
        return Ok(respond(
            ctx,
            auth,
            &found,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    ctx.state.wake_tasks();
    if !ctx.htmx {
        return Ok(ctx.redirect_with_flash(&format!("/skrzynki/{id}"), &message));
    }
    let found = find(ctx, auth, id)?;
    Ok(respond(
        ctx,
        auth,
        &found,
        Shown::Saved(message),
        StatusCode::OK,
    ))
}

/// The fragment for htmx, or the whole page.
fn respond(
    ctx: &Ctx,
    auth: &Auth,
    found: &(Server, Mailbox),
    shown: Shown,
    status: StatusCode,
) -> Response {
    let body = content(ctx, auth, found, shown);
    if ctx.htmx {
        return (status, body).into_response();
    }
    let mut response = ctx.page(auth, &found.1.address, Nav::Uslugi, body);
    response.set_status(status);
    response
}

fn content(ctx: &Ctx, auth: &Auth, (server, mailbox): &(Server, Mailbox), shown: Shown) -> Markup {
    let no_errors = Errors::default();
    let (errors, limit, saved) = match &shown {
        Shown::Refused { errors, limit } => (errors, limit.clone(), None),
        Shown::Saved(message) => (&no_errors, String::new(), Some(message)),
        Shown::Mailbox | Shown::Confirm => (&no_errors, String::new(), None),
    };
    let limit = if limit.is_empty() {
        mailbox.quota_mb.to_string()
    } else {
        limit
    };
    let max = server
        .limits
        .quota_left_mb(&server.mailboxes, Some(mailbox.id));
    html! {
        div #skrzynka {
            @if let Some(message) = saved { p.flash role="status" { (message) } }
            section.block {
                dl.details {
                    div { dt { "Adres" } dd #adres { (mailbox.address) } }
                    div { dt { "Serwer" } dd { (server.service.name) } }
                    div { dt { "Zajęte" } dd { (mailbox.used_mb) " z " (mailbox.quota_mb) " MB" } }
                    div { dt { "Użycie" } dd { (usage_bar(mailbox)) } }
                    div { dt { "Stan" } dd { (mailbox_state(server.task_of(&mailbox.address))) } }
                }
            }
            @if matches!(shown, Shown::Confirm) {
                (confirm_section(&ctx.csrf, mailbox))
            } @else if auth.may(Action::ManageServices) {
                (manage_sections(&ctx.csrf, mailbox, max, &limit, errors))
            }
            p { a href="/skrzynki" { "← Wszystkie skrzynki" } }
        }
    }
}
