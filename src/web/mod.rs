//! HTTP: the route table, the guards every request passes (security headers, CSRF), and the pages.

pub mod access;
mod assets;
mod context;
mod cookies;
mod error;
mod guard;
mod limits;
mod listener;
pub mod metrics;
mod pages;
mod views;

pub use assets::Assets;
pub use context::{Ctx, HxRequest};
pub use cookies::CookieNames;
pub use error::AppError;
pub use guard::content_security_policy;
pub use limits::Limiters;
pub use listener::{ConnectionLimits, serve};

use crate::state::AppState;
use poem::{Endpoint, EndpointExt};
use std::ops::Deref;
use std::sync::Arc;

/// The id of the Pulpit's self-refreshing region; htmx names it in `HX-Trigger` when it polls.
pub const LIVE_REGION_ID: &str = "powiadomienia";

/// The shared state plus what only the web needs; it derefs to the shared part, so a handler
/// reads `ctx.state.store` and `ctx.state.cookies` alike.
pub struct WebState {
    pub shared: Arc<AppState>,
    /// The base URL's origin (`https://panel.example.com`), what a browser's `Origin` must match.
    pub origin: String,
    pub cookies: CookieNames,
    pub limiters: Limiters,
    pub assets: Assets,
    /// The Content-Security-Policy header (`guard::content_security_policy`).
    pub csp: String,
    /// The counters `/metrics` shows (`metrics::Metrics::for_routes`).
    pub metrics: Arc<metrics::Metrics>,
}

impl Deref for WebState {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.shared
    }
}

/// Every route with its method and the action it performs: what the access check enforces.
pub fn route_table() -> Vec<access::RouteAccess> {
    pages::table().table().to_vec()
}

/// Handlers find both `Arc<WebState>` and the shared `Arc<AppState>` in the request data.
pub fn app(state: Arc<WebState>) -> impl Endpoint {
    let guarded_state = state.clone();
    let shared = state.shared.clone();
    let metrics = state.metrics.clone();
    pages::routes()
        .around(move |ep, req| guard::guard(guarded_state.clone(), ep, req))
        .around(move |ep, req| metrics::measure(metrics.clone(), ep, req))
        .data(state)
        .data(shared)
}
