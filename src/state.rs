//! What the running panel shares between the web, the jobs and the mail worker. The web adds its
//! own parts (cookies, rate limiters, assets) in `web::WebState`; nothing here knows the web.

use crate::clock::Clock;
use crate::config::Config;
use crate::mail::DemoMailbox;
use crate::store::Store;
use std::sync::Arc;
use tokio::sync::Notify;

pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    pub config: Config,
    /// The seller on every document (settings checked at start-up).
    pub seller: crate::domain::seller::Seller,
    /// Without a trailing slash, e.g. `https://panel.example.com`.
    pub base_url: String,
    pub mail_wake: Arc<Notify>,
    /// Wakes the provisioning task worker (`jobs::tasks`).
    pub task_wake: Arc<Notify>,
    /// With `--demo`: delivered login messages, whose bodies are no longer in the database.
    pub demo_mailbox: Option<Arc<DemoMailbox>>,
    /// Zapłać online's gateway, when the operator configured one (checked at start).
    pub gateway: Option<Arc<dyn crate::payments::PaymentGateway>>,
    /// Wakes the online payments job (`jobs::online_payments`).
    pub payments_wake: Arc<Notify>,
}

impl AppState {
    /// Call after committing an action that queued e-mail.
    pub fn wake_mailer(&self) {
        self.mail_wake.notify_one();
    }

    /// Call after committing an action that queued a provisioning task.
    pub fn wake_tasks(&self) {
        self.task_wake.notify_one();
    }
}
