//! Command line and `PANEL_*` environment settings, with defaults for a local run.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "panel",
    version,
    about = "Panel klienta: the customer panel of a hosting provider"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the panel (the default).
    Serve(ServeArgs),
    /// Operator tasks, against the running panel or, when it is stopped, the database file.
    Admin(AdminArgs),
    /// Exit 0 when the panel answers on its listen address (for container health checks).
    Health(HealthArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PANEL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory of the database (panel.redb) and of the file outbox.
    #[arg(long, env = "PANEL_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Public URL of the panel; e-mailed links are built from it, never from the Host header.
    #[arg(long, env = "PANEL_BASE_URL")]
    pub base_url: Option<String>,
    /// SMTP server: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465.
    /// Without it, e-mails are written as .eml files to <data-dir>/outbox/.
    #[arg(long, env = "PANEL_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of the panel's e-mails.
    #[arg(
        long,
        env = "PANEL_MAIL_FROM",
        default_value = "Panel klienta <panel@localhost>"
    )]
    pub mail_from: String,
    /// Seed demo accounts into an empty database and show sent e-mails at /demo/poczta.
    #[arg(long, env = "PANEL_DEMO")]
    pub demo: bool,
    /// Where "Więcej usług" leads (the host's previous panel).
    #[arg(
        long,
        env = "PANEL_LEGACY_URL",
        default_value = "https://panel.example.com/"
    )]
    pub legacy_url: String,
    /// Bank account for transfers, shown on proformas.
    #[arg(
        long,
        env = "PANEL_BANK_ACCOUNT",
        default_value = "PL 61 1090 1014 0000 0712 1981 2874"
    )]
    pub bank_account: String,
    /// Mark cookies Secure and __Host- prefixed; by default on when the base URL is https.
    #[arg(long, env = "PANEL_COOKIE_SECURE")]
    pub cookie_secure: Option<bool>,
    /// Reverse proxies whose X-Forwarded-For is believed (comma-separated IPs); without them
    /// every customer behind the proxy would share one rate-limit budget.
    #[arg(
        long = "trusted-proxy",
        env = "PANEL_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Connections served at once; more wait in the kernel's backlog. Keep it below the process's
    /// file-descriptor limit (`ulimit -n`), which the database and mail also use.
    #[arg(long, env = "PANEL_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,
}

#[derive(Args, Debug)]
pub struct AdminArgs {
    #[arg(long, env = "PANEL_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Used for links in e-mails queued while the panel is stopped.
    #[arg(long, env = "PANEL_BASE_URL", default_value = "http://127.0.0.1:8080")]
    pub base_url: String,
    #[command(subcommand)]
    pub task: crate::admin::AdminTask,
}

#[derive(Args, Debug)]
pub struct HealthArgs {
    #[arg(long, env = "PANEL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

/// Rate limits of the login routes (per minute or hour, with a burst), and the panel-wide
/// breaker on wrong codes. Send and verify limits apply per (client IP or IPv6 /64, address) and
/// per address, so one attacker alone cannot spend a customer's budget.
#[derive(Clone, Copy, Debug)]
pub struct LoginLimits {
    pub per_ip_burst: u32,
    pub per_ip_per_minute: u32,
    pub per_address_burst: u32,
    pub per_address_per_hour: u32,
    /// Code requests per (client, address); code entries get three times as many.
    pub per_client_address_burst: u32,
    pub per_client_address_per_hour: u32,
    /// Wrong codes across the panel within `breaker_window` that stop code entry for everyone.
    pub breaker_failures: u32,
    pub breaker_window: jiff::SignedDuration,
    pub breaker_cooldown: jiff::SignedDuration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_ip_burst: 30,
            per_ip_per_minute: 10,
            per_address_burst: 10,
            per_address_per_hour: 20,
            per_client_address_burst: 3,
            per_client_address_per_hour: 3,
            breaker_failures: 200,
            breaker_window: jiff::SignedDuration::from_mins(10),
            breaker_cooldown: jiff::SignedDuration::from_mins(30),
        }
    }
}

/// Everything the running panel needs, resolved from `ServeArgs`.
#[derive(Clone, Debug)]
pub struct Config {
    pub args: ServeArgs,
    pub login_limits: LoginLimits,
    /// A request's headers must arrive within this time (also the keep-alive idle limit).
    pub header_read_timeout: std::time::Duration,
    /// A request's body must arrive within this time (else 408).
    pub body_read_timeout: std::time::Duration,
}

impl Config {
    pub fn new(args: ServeArgs) -> Config {
        Config {
            args,
            login_limits: LoginLimits::default(),
            header_read_timeout: std::time::Duration::from_secs(10),
            body_read_timeout: std::time::Duration::from_secs(15),
        }
    }
}
