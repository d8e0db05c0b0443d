//! What the Użytkownicy page's forms do: invite, change a role, remove, cancel an invitation.
//! The account is always the session's; an id of another account's user is a 404.

use super::uslugi::parse_id;
use super::uzytkownicy::{Feedback, InviteDraft, PAGE, answer};
use super::uzytkownicy_zakres::{Pairs, field, scope_of};
use crate::domain::access::Action;
use crate::domain::membership::{Refusal, check_invite};
use crate::domain::{Email, Role};
use crate::mail;
use crate::store::{InviteOutcome, NewInvitation, UserChange};
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Response, handler};
use serde::Deserialize;

const NAME_MAX: usize = 100;

/// The invite form. Extra fields (`account_id`, …) are ignored: the account is the session's.
struct InviteForm {
    email: String,
    imie: String,
    rola: String,
    scope: Result<Option<Vec<u64>>, String>,
}

impl From<&Pairs> for InviteForm {
    fn from(pairs: &Pairs) -> Self {
        InviteForm {
            email: field(pairs, "email"),
            imie: field(pairs, "imie"),
            rola: field(pairs, "rola"),
            scope: scope_of(pairs),
        }
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    rola: String,
}

impl InviteForm {
    /// The invitation, or the form back with a message next to each wrong field.
    fn parse(&self, grantor: Role) -> Result<NewInvitation, Box<InviteDraft>> {
        let mut draft = InviteDraft {
            email: self.email.trim().to_string(),
            name: self.imie.trim().to_string(),
            role: self.rola.trim().to_string(),
            scope: self.scope.clone().unwrap_or_default(),
            scope_error: self.scope.clone().err(),
            ..InviteDraft::default()
        };
        let email = Email::parse(&self.email).map_err(|e| e.to_string());
        let name = self.imie.trim();
        if name.is_empty() {
            draft.name_error = Some("Podaj imię i nazwisko.".into());
        } else if name.chars().count() > NAME_MAX {
            draft.name_error = Some(format!(
                "Imię i nazwisko może mieć najwyżej {NAME_MAX} znaków."
            ));
        }
        let role = match Role::parse(&self.rola) {
            None => Err("Wybierz rolę z listy.".to_string()),
            Some(role) => check_invite(grantor, role)
                .map(|()| role)
                .map_err(|r| r.message().to_string()),
        };
        draft.email_error = email.as_ref().err().cloned();
        draft.role_error = role.as_ref().err().cloned();
        match (email, role, &self.scope) {
            (Ok(email), Ok(role), Ok(scope)) if draft.name_error.is_none() => Ok(NewInvitation {
                email,
                name: name.to_string(),
                role,
                scope: scope.clone(),
            }),
            _ => Err(Box::new(draft)),
        }
    }
}

/// A plain form ends on the page with a flash; htmx gets the section with the notice.
fn done(ctx: &Ctx, auth: &Auth, message: String) -> WebResult<Response> {
    if !ctx.htmx {
        return Ok(ctx.redirect_with_flash(PAGE, &message));
    }
    let feedback = Feedback {
        notice: Some(message),
        ..Feedback::default()
    };
    answer(ctx, auth, StatusCode::OK, feedback)
}

pub(super) fn invalid(ctx: &Ctx, auth: &Auth, feedback: Feedback) -> WebResult<Response> {
    answer(ctx, auth, StatusCode::UNPROCESSABLE_ENTITY, feedback)
}

#[handler]
pub async fn view_zapros_post(
    ctx: Ctx,
    auth: Auth,
    Form(pairs): Form<Pairs>,
) -> WebResult<Response> {
    auth.require(Action::ManageUsers)?;
    let form = InviteForm::from(&pairs);
    let new = match form.parse(auth.user().role) {
        Ok(new) => new,
        Err(draft) => {
            return invalid(
                &ctx,
                &auth,
                Feedback {
                    draft: *draft,
                    ..Feedback::default()
                },
            );
        }
    };
    let address = new.email.to_string();
    let (actor_id, now, base_url) = (auth.user().id, ctx.now(), ctx.state.base_url.clone());
    let ip = ctx.ip.clone();
    let outcome = ctx
        .state
        .store
        .blocking(move |s| {
            s.invite(
                actor_id,
                new,
                &ip,
                now,
                &|invitation, account, inviter, token| {
                    mail::invitation_message(&base_url, invitation, account, inviter, token)
                },
            )
        })
        .await?;
    let refused = |email_error: Option<String>, refusal: Option<Refusal>| {
        let scope_refusal = matches!(
            refusal,
            Some(Refusal::ScopeForManager | Refusal::EmptyScope)
        );
        let message = refusal.map(|r| r.message().to_string());
        let (role_error, scope_error) = if scope_refusal {
            (None, message)
        } else {
            (message, None)
        };
        let draft = InviteDraft {
            email: form.email.trim().to_string(),
            name: form.imie.trim().to_string(),
            role: form.rola.trim().to_string(),
            scope: form.scope.clone().unwrap_or_default(),
            email_error,
            role_error,
            scope_error,
            ..InviteDraft::default()
        };
        invalid(
            &ctx,
            &auth,
            Feedback {
                draft,
                ..Feedback::default()
            },
        )
    };
    match outcome {
        InviteOutcome::Sent(_) => {
            ctx.state.wake_mailer();
            done(
                &ctx,
                &auth,
                format!("Wysłaliśmy zaproszenie na adres {address}."),
            )
        }
        InviteOutcome::AlreadyMember => refused(
            Some("Ta osoba jest już użytkownikiem tego konta.".into()),
            None,
        ),
        InviteOutcome::Refused(refusal) => refused(None, Some(refusal)),
    }
}

/// The answer to a role change or removal of `id`.
pub(super) fn changed(
    ctx: &Ctx,
    auth: &Auth,
    id: u64,
    outcome: UserChange,
    message: &dyn Fn(&crate::domain::User) -> String,
) -> WebResult<Response> {
    match outcome {
        UserChange::Done(user) => done(ctx, auth, message(&user)),
        UserChange::NotFound => Err(AppError::NotFound),
        UserChange::Forbidden => Err(AppError::Forbidden),
        UserChange::Refused(refusal) => invalid(
            ctx,
            auth,
            Feedback {
                row_error: Some((id, refusal.message().into())),
                ..Feedback::default()
            },
        ),
    }
}

#[handler]
pub async fn view_rola_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> WebResult<Response> {
    auth.require(Action::ManageUsers)?;
    let id = parse_id(&id)?;
    let Some(role) = Role::parse(&form.rola) else {
        return invalid(
            &ctx,
            &auth,
            Feedback {
                row_error: Some((id, "Wybierz rolę z listy.".into())),
                ..Feedback::default()
            },
        );
    };
    let (account_id, actor_id) = (auth.account().id, auth.user().id);
    let (ip, now) = (ctx.ip.clone(), ctx.now());
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.change_role(account_id, actor_id, id, role, &ip, now))
        .await?;
    changed(&ctx, &auth, id, outcome, &|user| {
        format!("{} ma teraz rolę {}.", user.email, user.role.label())
    })
}

#[handler]
pub async fn view_usun_post(ctx: Ctx, auth: Auth, Path(id): Path<String>) -> WebResult<Response> {
    auth.require(Action::ManageUsers)?;
    let id = parse_id(&id)?;
    let (account_id, actor_id) = (auth.account().id, auth.user().id);
    let (ip, now) = (ctx.ip.clone(), ctx.now());
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.remove_user(account_id, actor_id, id, &ip, now))
        .await?;
    if id == actor_id && matches!(outcome, UserChange::Done(_)) {
        return Ok(left_the_account(&ctx, &auth));
    }
    changed(&ctx, &auth, id, outcome, &|user| {
        format!(
            "Usunięto {} z konta. Jego sesje zostały zakończone.",
            user.email
        )
    })
}

/// One's own membership is gone, and with it this session: on to the login page.
fn left_the_account(ctx: &Ctx, auth: &Auth) -> Response {
    let message = format!("Opuszczono konto {}.", auth.account().name);
    let mut response = ctx.redirect_with_flash("/logowanie", &message);
    if ctx.htmx {
        response.set_status(StatusCode::OK);
        response.headers_mut().remove(poem::http::header::LOCATION);
        if let Ok(value) = poem::http::HeaderValue::from_str("/logowanie") {
            response.headers_mut().insert("HX-Redirect", value);
        }
    }
    ctx.add_cookie(
        &mut response,
        &ctx.state.cookies.clear(ctx.state.cookies.session),
    );
    response
}

#[handler]
pub async fn view_anuluj_zaproszenie_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
) -> WebResult<Response> {
    auth.require(Action::ManageUsers)?;
    let id = parse_id(&id)?;
    let account_id = auth.account().id;
    let cancelled = ctx
        .state
        .store
        .blocking(move |s| s.cancel_invitation(account_id, id))
        .await?;
    if !cancelled {
        return Err(AppError::NotFound);
    }
    done(&ctx, &auth, "Anulowano zaproszenie.".into())
}
