//! Extractors: the request context every page needs, the logged-in user, and "is this htmx".

use super::WebState;
use super::cookies;
use super::error::AppError;
use super::guard::CsrfToken;
use super::views::layout::{self, Nav};
use crate::domain::access::Action;
use crate::domain::{Account, User};
use crate::store::LiveSession;
use maud::Markup;
use poem::http::{HeaderValue, StatusCode, header};
use poem::{FromRequest, IntoResponse, Request, RequestBody, Response};
use std::sync::Arc;

/// Whether htmx sent the request (it then wants a fragment, not the whole page).
#[derive(Clone, Copy)]
pub struct HxRequest(pub bool);

impl<'a> FromRequest<'a> for HxRequest {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        Ok(HxRequest(req.header("hx-request") == Some("true")))
    }
}

/// What every page needs: the state, the CSRF token for its forms, the flash message, htmx or not.
pub struct Ctx {
    pub state: Arc<WebState>,
    pub csrf: String,
    pub flash: Option<String>,
    pub htmx: bool,
    /// The client's address as the rate limits see it (for the audit log).
    pub ip: String,
}

impl<'a> FromRequest<'a> for Ctx {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = req
            .data::<Arc<WebState>>()
            .cloned()
            .ok_or_else(|| AppError::Internal("state missing".into()))?;
        let csrf = req
            .extensions()
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .ok_or_else(|| AppError::Internal("CSRF token missing".into()))?;
        let flash = cookies::read(req, state.cookies.flash).map(cookies::decode_flash);
        let ip = super::limits::client_ip(req, &state.config.args.trusted_proxies).to_string();
        Ok(Ctx {
            state,
            csrf,
            flash,
            htmx: req.header("hx-request") == Some("true"),
            ip,
        })
    }
}

impl Ctx {
    /// The whole page around `body`, for a logged-in user.
    pub fn page(&self, auth: &Auth, title: &str, active: Nav, body: Markup) -> Response {
        let markup = layout::account_page(self, auth, title, active, body);
        self.respond(StatusCode::OK, markup)
    }

    /// A page without the account's navigation (login, errors).
    pub fn public_page(&self, status: StatusCode, title: &str, body: Markup) -> Response {
        let markup = layout::public_page(self, title, body);
        self.respond(status, markup)
    }

    fn respond(&self, status: StatusCode, markup: Markup) -> Response {
        let mut response = (status, markup).into_response();
        if self.flash.is_some() {
            self.add_cookie(
                &mut response,
                &self.state.cookies.clear(self.state.cookies.flash),
            );
        }
        response
    }

    pub fn add_cookie(&self, response: &mut Response, cookie: &str) {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }

    /// Post/redirect/get for plain forms: 303 to `to`, with a message shown once there.
    pub fn redirect_with_flash(&self, to: &str, message: &str) -> Response {
        let mut response = redirect(to);
        let cookie = self.state.cookies.set(
            self.state.cookies.flash,
            &cookies::encode_flash(message),
            Some(120),
        );
        self.add_cookie(&mut response, &cookie);
        response
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.state.clock.now()
    }
}

pub fn redirect(to: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, to)
        .finish()
}

/// The logged-in user of a live session; anyone else is sent to the login page.
pub struct Auth {
    live: Arc<LiveSession>,
    pub session_token: String,
}

impl<'a> FromRequest<'a> for Auth {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = req
            .data::<Arc<WebState>>()
            .cloned()
            .ok_or_else(|| AppError::Internal("state missing".into()))?;
        let live = super::access::live_session(req)?;
        let token = cookies::read(req, state.cookies.session)
            .map(str::to_string)
            .unwrap_or_default();
        let now = state.clock.now();
        // The Pulpit's own polling is not the customer's activity: an unattended tab must still
        // reach the idle timeout.
        let background = req.header("hx-trigger") == Some(crate::web::LIVE_REGION_ID);
        if live.session.needs_touch(now) && !background {
            let touch_token = token.clone();
            state
                .store
                .blocking(move |s| s.touch_session(&touch_token, now))
                .await
                .map_err(AppError::from)?;
        }
        Ok(Auth {
            live,
            session_token: token,
        })
    }
}

impl Auth {
    pub fn user(&self) -> &User {
        &self.live.user
    }

    pub fn account(&self) -> &Account {
        &self.live.account
    }

    /// The session with its security flags (Bezpieczeństwo).
    pub fn live(&self) -> &LiveSession {
        &self.live
    }

    /// Whether the user's role allows `action` (`domain::access::allows`, the one check).
    /// Every active membership of the user's e-mail, this one included (the account switcher).
    pub fn memberships(&self) -> &[crate::store::Membership] {
        &self.live.memberships
    }

    /// Whether the user's role, and their service scope, allow `action` (`domain::access::permits`,
    /// the one check).
    pub fn may(&self, action: Action) -> bool {
        crate::domain::access::permits(self.user().role, self.user().scope.is_some(), action)
    }

    /// Who reads: the session's account, limited to the user's services if they have a scope.
    pub fn viewer(&self) -> crate::domain::access::Viewer {
        crate::domain::access::Viewer {
            account_id: self.account().id,
            scope: self.user().scope.clone(),
        }
    }

    /// 404 unless the user may see the service `id` (another account's, or outside their scope).
    /// The service's account is checked by the store read that follows.
    pub fn require_service(&self, id: u64) -> Result<(), AppError> {
        if self.viewer().sees(id) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// 403 unless the user's role allows `action`.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if self.may(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}
