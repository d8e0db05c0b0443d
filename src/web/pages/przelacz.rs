//! The account switcher: a person with memberships in several accounts moves the session to
//! another one. A new session token (the old one ends), a new CSRF token, then the Pulpit.

use crate::domain::access::Action;
use crate::domain::login::SESSION_ABSOLUTE_TIMEOUT;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use poem::web::Form;
use poem::{Response, handler};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SwitchForm {
    #[serde(default)]
    konto: String,
}

#[handler]
pub async fn view_przelacz_post(
    ctx: Ctx,
    auth: Auth,
    Form(form): Form<SwitchForm>,
) -> WebResult<Response> {
    auth.require(Action::ViewOverview)?;
    let user_id: u64 = form.konto.trim().parse().map_err(|_| AppError::NotFound)?;
    let target = auth
        .memberships()
        .iter()
        .find(|m| m.user_id == user_id)
        .map(|m| m.account_name.clone())
        .ok_or(AppError::NotFound)?;
    let (token, now) = (auth.session_token.clone(), ctx.now());
    let new_token = ctx
        .state
        .store
        .blocking(move |s| s.switch_session(&token, user_id, now))
        .await?
        .ok_or(AppError::NotFound)?;
    let mut response =
        ctx.redirect_with_flash("/pulpit", &format!("Przełączono na konto {target}."));
    let cookies = &ctx.state.cookies;
    let session = cookies.set(
        cookies.session,
        &new_token,
        Some(SESSION_ABSOLUTE_TIMEOUT.as_secs()),
    );
    ctx.add_cookie(&mut response, &session);
    ctx.add_cookie(
        &mut response,
        &cookies.set(cookies.csrf, &crate::random::token(), None),
    );
    Ok(response)
}
