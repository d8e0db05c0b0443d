//! The access check in front of every route: each route is registered with the `Action` it
//! performs, and `Require` refuses it before the handler runs when the user's role does not
//! allow it (`domain::access::allows`). A route cannot be added without naming its action.

use super::WebState;
use super::cookies;
use super::error::AppError;
use crate::domain::access::{Action, permits};
use crate::store::LiveSession;
use poem::http::Method;
use poem::{Endpoint, IntoEndpoint, IntoResponse, Request, Response, Route, RouteMethod};
use std::sync::Arc;

/// One registered route and what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteAccess {
    pub method: Method,
    pub path: &'static str,
    pub action: Action,
}

/// The route table under construction: every `get`/`post` names its action.
#[derive(Default)]
pub struct Routes {
    paths: Vec<(&'static str, RouteMethod)>,
    table: Vec<RouteAccess>,
}

impl Routes {
    pub fn get<E>(self, path: &'static str, action: Action, ep: E) -> Routes
    where
        E: IntoEndpoint,
        E::Endpoint: 'static,
    {
        self.add(Method::GET, path, action, ep)
    }

    pub fn post<E>(self, path: &'static str, action: Action, ep: E) -> Routes
    where
        E: IntoEndpoint,
        E::Endpoint: 'static,
    {
        self.add(Method::POST, path, action, ep)
    }

    fn add<E>(mut self, method: Method, path: &'static str, action: Action, ep: E) -> Routes
    where
        E: IntoEndpoint,
        E::Endpoint: 'static,
    {
        let guarded = Require {
            action,
            inner: ep.into_endpoint(),
        };
        let index = match self.paths.iter().position(|(p, _)| *p == path) {
            Some(index) => index,
            None => {
                self.paths.push((path, RouteMethod::new()));
                self.paths.len() - 1
            }
        };
        let methods = std::mem::take(&mut self.paths[index].1);
        self.paths[index].1 = methods.method(method.clone(), guarded);
        self.table.push(RouteAccess {
            method,
            path,
            action,
        });
        self
    }

    pub fn table(&self) -> &[RouteAccess] {
        &self.table
    }

    pub fn into_route(self) -> Route {
        self.paths
            .into_iter()
            .fold(Route::new(), |route, (path, methods)| {
                route.at(path, methods)
            })
    }
}

/// A route's endpoint behind its access check.
struct Require<E> {
    action: Action,
    inner: E,
}

impl<E: Endpoint> Endpoint for Require<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        if self.action != Action::Public {
            let live = live_session(&req)?;
            if !permits(live.user.role, live.user.scope.is_some(), self.action) {
                return Err(AppError::Forbidden.into());
            }
            // The operator's view of an account reads everything and changes nothing: the one
            // place every state-changing route of a logged-in user passes.
            if live.session.read_only
                && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
            {
                return Err(AppError::ReadOnly.into());
            }
            // An account that requires the second factor lets a user without it only set it up.
            if live.second_factor_required
                && !live.second_factor_on
                && !matches!(self.action, Action::OwnSecurity | Action::AccountSecurity)
            {
                let htmx = req.header("hx-request") == Some("true");
                return Err(AppError::SecondFactorRequired { htmx }.into());
            }
            // The handler's `Auth` takes it from here instead of looking it up again.
            req.extensions_mut().insert(live);
        }
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}

/// The request's live session, or the answer for a visitor without one (to the login page).
pub fn live_session(req: &Request) -> poem::Result<Arc<LiveSession>> {
    if let Some(live) = req.extensions().get::<Arc<LiveSession>>() {
        return Ok(live.clone());
    }
    let htmx = req.header("hx-request") == Some("true");
    let state = req
        .data::<Arc<WebState>>()
        .ok_or_else(|| AppError::Internal("state missing".into()))?;
    let Some(token) = cookies::read(req, state.cookies.session) else {
        return Err(AppError::NotLoggedIn {
            htmx,
            expired: false,
        }
        .into());
    };
    let now = state.clock.now();
    match state.store.session(token, now).map_err(AppError::from)? {
        Some(live) => Ok(live),
        None => Err(AppError::NotLoggedIn {
            htmx,
            expired: true,
        }
        .into()),
    }
}
