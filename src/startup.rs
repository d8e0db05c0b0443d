//! Builds the application from its configuration: opens the store, seeds demo data, binds the
//! listener (port 0 works: tests read the real address), starts the mail worker and the jobs.

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::seller::Seller;
use crate::mail::{Mailer, run_worker};
use crate::state::AppState;
use crate::store::Store;
use crate::web::{Assets, ConnectionLimits, CookieNames, Limiters, WebState, app, serve};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

pub struct Application {
    listener: tokio::net::TcpListener,
    pub state: Arc<AppState>,
    web: Arc<WebState>,
    pub addr: SocketAddr,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Mail(#[from] crate::mail::MailerError),
    #[error("cannot open the admin socket {0}: {1}")]
    Admin(std::path::PathBuf, std::io::Error),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("--base-url / PANEL_BASE_URL {0:?} is not an http(s) URL: {1}")]
    BaseUrl(String, String),
    #[error("{0}")]
    Setting(#[from] crate::domain::seller::SettingError),
    #[error("{0}")]
    Gateway(String),
    #[error("--demo refused: {0}")]
    Demo(&'static str),
}

/// Files the panel creates (database, outbox, admin socket) are its user's alone: set before
/// any of them exists, so none is ever readable by others, not even for a moment.
pub fn restrict_umask() {
    // SAFETY: umask only swaps the process's file-mode mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// The demo shows every recipient's mail (codes included) to anyone: it must not run on a panel
/// that mails real customers or holds their accounts.
fn check_demo_allowed(config: &Config, store: &Store) -> Result<(), StartError> {
    if config.args.smtp_url.is_some() {
        return Err(StartError::Demo(
            "an SMTP URL is configured, so e-mails would reach real people while /demo/poczta shows them to anyone; start without --demo, or without --smtp-url / PANEL_SMTP_URL",
        ));
    }
    if !store.is_empty()? && !store.seeded_by_demo()? {
        // Demo databases from before the marker hold only the demo's users, all at example.com,
        // a domain reserved for examples (RFC 2606): no real customer can have such an address.
        if store.every_user_is_at("example.com")? {
            store.mark_seeded_by_demo()?;
            return Ok(());
        }
        return Err(StartError::Demo(
            "the database holds accounts the demo did not create; start without --demo, or use an empty --data-dir",
        ));
    }
    Ok(())
}

/// While the store cannot write, tries a small write every few seconds, so `/health` turns
/// healthy again when space is back even if no request writes.
async fn probe_while_unwritable(store: Store) {
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    loop {
        tick.tick().await;
        if !store.is_writable() {
            let _ = store.blocking(|s| s.probe_write()).await;
        }
    }
}

impl Application {
    pub async fn build(config: Config, clock: Clock) -> Result<Application, StartError> {
        restrict_umask();
        let args = &config.args;
        let seller = Seller::parse(
            &args.seller.seller_name,
            &args.seller.seller_nip,
            &args.seller.seller_address,
            &args.bank_account,
        )?;
        if seller.is_sample() && !args.demo {
            tracing::warn!(
                "the seller on documents is the demo's sample company: set PANEL_SELLER_NAME, PANEL_SELLER_NIP, PANEL_SELLER_ADDRESS and PANEL_BANK_ACCOUNT"
            );
        }
        let gateway = connect_gateway(&args.p24).await?;
        let store = Store::open(&args.data_dir)?;
        store.set_ksef_seller(seller.clone());
        // What a stopped panel left running runs again (drivers are told to expect it).
        match store.requeue_running_tasks(clock.now()) {
            Ok(0) => {}
            Ok(requeued) => {
                tracing::warn!(
                    requeued,
                    "provisioning tasks interrupted by a stop run again"
                );
            }
            // A full disk must not keep the panel down; the next start tries again.
            Err(e) => tracing::error!(error = %e, "cannot re-queue interrupted provisioning tasks"),
        }
        if args.demo {
            check_demo_allowed(&config, &store)?;
        }
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| StartError::Listen(args.listen, e))?;
        let addr = listener.local_addr().unwrap_or(args.listen);
        let base_url = args
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_string();
        let origin = origin_of(&base_url)?;
        if args.base_url.is_none() && addr.ip().is_unspecified() {
            tracing::warn!(%base_url, "--base-url / PANEL_BASE_URL is not set: e-mailed links will not reach the panel");
        }
        if args.demo && crate::demo::seed_if_empty(&store, clock.now(), &base_url)? {
            tracing::info!("seeded the demo accounts");
        }
        let mailer = match &args.smtp_url {
            Some(url) => Mailer::smtp(url.expose(), &args.mail_from)?,
            None => Mailer::files(args.data_dir.join("outbox"), &args.mail_from)?,
        };
        let secure = args
            .cookie_secure
            .unwrap_or(base_url.starts_with("https://"));
        let state = Arc::new(AppState {
            store: store.clone(),
            clock: clock.clone(),
            mail_wake: Arc::new(Notify::new()),
            task_wake: Arc::new(Notify::new()),
            base_url,
            demo_mailbox: args.demo.then(Arc::default),
            seller,
            config,
            gateway,
            payments_wake: Arc::new(Notify::new()),
        });
        let web = Arc::new(WebState {
            shared: state.clone(),
            origin,
            cookies: CookieNames::new(secure),
            limiters: Limiters::new(state.config.login_limits),
            assets: Assets::load(),
            csp: crate::web::content_security_policy(gateway_origin(&state).as_deref()),
            metrics: Arc::new(crate::web::metrics::Metrics::for_routes()),
        });
        tokio::spawn(run_worker(
            store.clone(),
            mailer,
            clock.clone(),
            state.mail_wake.clone(),
            state.demo_mailbox.clone(),
        ));
        tokio::spawn(probe_while_unwritable(store.clone()));
        tokio::spawn(crate::jobs::tasks::run_forever(
            state.clone(),
            state.config.args.tasks.driver(),
        ));
        let web_for_jobs = web.clone();
        tokio::spawn(crate::jobs::run_forever(state.clone(), move || {
            web_for_jobs.limiters.forget_idle()
        }));
        tokio::spawn(crate::jobs::online_payments::run_forever(state.clone()));
        let socket = crate::admin::socket_path(&state.config.args.data_dir);
        let admin = crate::admin::bind_socket(&socket).map_err(|e| StartError::Admin(socket, e))?;
        tokio::spawn(crate::admin::serve_socket(
            admin,
            store,
            clock,
            state.base_url.clone(),
            state.mail_wake.clone(),
            state.gateway.clone(),
        ));
        Ok(Application {
            listener,
            state,
            web,
            addr,
        })
    }

    /// Serves until `shutdown` completes (Ctrl-C or SIGTERM in `main`).
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send) -> std::io::Result<()> {
        let socket = crate::admin::socket_path(&self.state.config.args.data_dir);
        let limits = ConnectionLimits {
            max_connections: self.state.config.args.max_connections,
            header_read_timeout: self.state.config.header_read_timeout,
            shutdown_grace: Duration::from_secs(10),
        };
        let result = serve(self.listener, app(self.web), limits, shutdown).await;
        let _ = std::fs::remove_file(socket);
        result
    }
}

/// The base URL's origin as a browser sends it in `Origin` (lower-case host, default port left
/// out), parsed once here so the CSRF check compares like with like.
/// The configured gateway's origin, which Zapłać online's form is redirected to.
fn gateway_origin(state: &AppState) -> Option<String> {
    state.gateway.as_ref()?;
    let settings = state.config.args.p24.settings().ok().flatten()?;
    let url = url::Url::parse(&settings.url).ok()?;
    Some(url.origin().ascii_serialization())
}

/// The Przelewy24 gateway when configured, after `testAccess` accepted its credentials.
async fn connect_gateway(
    args: &crate::config::P24Args,
) -> Result<Option<Arc<dyn crate::payments::PaymentGateway>>, StartError> {
    use crate::payments::{GatewayError, PaymentGateway, Przelewy24};
    let Some(settings) = args.settings().map_err(StartError::Gateway)? else {
        return Ok(None);
    };
    let url = settings.url.clone();
    let gateway = Przelewy24::new(settings).map_err(|e| StartError::Gateway(e.to_string()))?;
    match gateway.test_access().await {
        Ok(()) => Ok(Some(Arc::new(gateway))),
        Err(GatewayError::Unauthorized) => Err(StartError::Gateway(
            "Przelewy24 refused the credentials (testAccess answered 401): check --p24-api-key / PANEL_P24_API_KEY and --p24-pos-id / PANEL_P24_POS_ID".into(),
        )),
        Err(e) => Err(StartError::Gateway(format!(
            "Przelewy24 at --p24-url / PANEL_P24_URL {url} did not accept testAccess: {e}"
        ))),
    }
}

fn origin_of(base_url: &str) -> Result<String, StartError> {
    let invalid = |why: String| StartError::BaseUrl(base_url.to_string(), why);
    let url = url::Url::parse(base_url).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(invalid("it needs http:// or https:// and a host".into()));
    }
    Ok(url.origin().ascii_serialization())
}

/// Ctrl-C or SIGTERM (what `docker stop` sends).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn the_origin_is_what_a_browser_sends_whatever_the_typing() {
        let origin = |url: &str| origin_of(url).ok();
        assert_eq!(
            origin("https://Panel.Example.com:443/klient").as_deref(),
            Some("https://panel.example.com")
        );
        assert_eq!(
            origin("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin("panel.example.com"), None);
        assert_eq!(origin("ftp://panel.example.com"), None);
    }
}
