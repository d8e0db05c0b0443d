//! HTTP: the route table, the guards every request passes (security headers, CSRF), and the pages.

mod assets;
mod context;
mod cookies;
mod error;
mod guard;
mod limits;
mod listener;
mod pages;
mod views;

pub use assets::Assets;
pub use context::{Ctx, HxRequest};
pub use cookies::CookieNames;
pub use error::AppError;
pub use limits::Limiters;
pub use listener::{ConnectionLimits, serve};

use crate::clock::Clock;
use crate::config::Config;
use crate::store::Store;
use poem::{Endpoint, EndpointExt};
use std::sync::Arc;
use tokio::sync::Notify;

/// The id of the Pulpit's self-refreshing region; htmx names it in `HX-Trigger` when it polls.
pub const LIVE_REGION_ID: &str = "powiadomienia";

pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    pub config: Config,
    /// Without a trailing slash, e.g. `https://panel.example.com`.
    pub base_url: String,
    /// The base URL's origin (`https://panel.example.com`), what a browser's `Origin` must match.
    pub origin: String,
    pub cookies: cookies::CookieNames,
    pub limiters: Limiters,
    pub mail_wake: Arc<Notify>,
    pub assets: Assets,
    /// With `--demo`: delivered login messages, whose bodies are no longer in the database.
    pub demo_mailbox: Option<Arc<crate::mail::DemoMailbox>>,
}

impl AppState {
    /// Call after committing an action that queued e-mail.
    pub fn wake_mailer(&self) {
        self.mail_wake.notify_one();
    }
}

pub fn app(state: Arc<AppState>) -> impl Endpoint {
    let guarded_state = state.clone();
    pages::routes()
        .around(move |ep, req| guard::guard(guarded_state.clone(), ep, req))
        .data(state)
}
