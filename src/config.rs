//! Command line and `PANEL_*` environment settings, with defaults for a local run.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

mod metrics;
pub use metrics::{Cidr, MetricsArgs};

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
    Serve(Box<ServeArgs>),
    /// Operator tasks, against the running panel or, when it is stopped, the database file.
    #[command(after_help = crate::admin::ADMIN_EXAMPLES)]
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
    /// Give it as PANEL_SMTP_URL: a flag with a password is visible to every user in `ps`.
    #[arg(long, env = "PANEL_SMTP_URL")]
    pub smtp_url: Option<SmtpUrl>,
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
    /// Serve /demo/poczta (every recipient's mail, login codes included) on a listener that is
    /// not loopback. Off: with --demo on 0.0.0.0 the page answers 404.
    #[arg(long, env = "PANEL_DEMO_PUBLIC")]
    pub demo_public: bool,
    /// Delivered (and dead) e-mails are deleted from the database after this many days.
    #[arg(long, env = "PANEL_OUTBOX_RETENTION_DAYS", default_value_t = 30)]
    pub outbox_retention_days: u32,
    /// Where "Więcej usług" leads (the host's previous panel).
    #[arg(
        long,
        env = "PANEL_LEGACY_URL",
        default_value = "https://panel.example.com/"
    )]
    pub legacy_url: String,
    /// The website builder's editor, "Otwórz edytor" on Kreator WWW: `{site}` and `{domain}` are
    /// replaced by the site's id and domain (URL-encoded).
    #[arg(
        long,
        env = "PANEL_SITE_EDITOR_URL",
        default_value = "https://kreator.example.pl/edytor?strona={site}"
    )]
    pub site_editor_url: String,
    /// Bank account for transfers, shown on proformas: 26 digits (NRB) or IBAN PL…, spaces allowed.
    #[arg(
        long,
        env = "PANEL_BANK_ACCOUNT",
        default_value = crate::domain::seller::SAMPLE_BANK_ACCOUNT
    )]
    pub bank_account: String,
    #[command(flatten)]
    pub seller: SellerArgs,
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
    /// Auto-renew issues (and, from the prepaid balance, pays) a service's renewal this many days
    /// before it expires: 1 to 30 (renewal opens 30 days before expiry).
    #[arg(
        long,
        env = "PANEL_AUTO_RENEW_DAYS",
        default_value_t = crate::billing::auto_renew::DEFAULT_DAYS_BEFORE,
        value_parser = clap::value_parser!(u32).range(1..=30)
    )]
    pub auto_renew_days: u32,
    #[command(flatten)]
    pub lifecycle: LifecycleArgs,
    #[command(flatten)]
    pub tasks: TaskArgs,
    #[command(flatten)]
    pub p24: P24Args,
    #[command(flatten)]
    pub metrics: MetricsArgs,
}

/// Przelewy24 (Zapłać online): all four credentials or none; without them no online button.
#[derive(Args, Debug, Clone, Default)]
pub struct P24Args {
    /// The merchant id (ID sprzedawcy) from the Przelewy24 panel.
    #[arg(long, env = "PANEL_P24_MERCHANT_ID")]
    pub p24_merchant_id: Option<u32>,
    /// The shop's id (ID sklepu, POS); the login of the REST API.
    #[arg(long, env = "PANEL_P24_POS_ID")]
    pub p24_pos_id: Option<u32>,
    /// The REST API key (Klucz do raportów / API); give it as PANEL_P24_API_KEY, not as a flag.
    #[arg(long, env = "PANEL_P24_API_KEY", hide_env_values = true)]
    pub p24_api_key: Option<Secret>,
    /// The CRC key that signs registrations and notifications; give it as PANEL_P24_CRC.
    #[arg(long, env = "PANEL_P24_CRC", hide_env_values = true)]
    pub p24_crc: Option<Secret>,
    /// The gateway's address: production by default, the sandbox's (https://sandbox.przelewy24.pl)
    /// or a stand-in's when given.
    #[arg(
        long,
        env = "PANEL_P24_URL",
        default_value = "https://secure.przelewy24.pl"
    )]
    pub p24_url: String,
}

/// The complete Przelewy24 settings.
#[derive(Clone, Debug)]
pub struct P24Settings {
    pub merchant_id: u32,
    pub pos_id: u32,
    pub api_key: Secret,
    pub crc: Secret,
    /// Without a trailing slash.
    pub url: String,
}

impl P24Args {
    /// None when no credential is given; an error naming the missing ones when only some are.
    pub fn settings(&self) -> Result<Option<P24Settings>, String> {
        let given = [
            (
                "--p24-merchant-id / PANEL_P24_MERCHANT_ID",
                self.p24_merchant_id.is_some(),
            ),
            ("--p24-pos-id / PANEL_P24_POS_ID", self.p24_pos_id.is_some()),
            (
                "--p24-api-key / PANEL_P24_API_KEY",
                self.p24_api_key.is_some(),
            ),
            ("--p24-crc / PANEL_P24_CRC", self.p24_crc.is_some()),
        ];
        let missing: Vec<&str> = given.iter().filter(|g| !g.1).map(|g| g.0).collect();
        match (
            &self.p24_merchant_id,
            &self.p24_pos_id,
            &self.p24_api_key,
            &self.p24_crc,
        ) {
            (Some(merchant_id), Some(pos_id), Some(api_key), Some(crc)) => {
                let url = self.p24_url.trim_end_matches('/').to_string();
                if !url.starts_with("https://") && !url.starts_with("http://") {
                    return Err(format!(
                        "--p24-url / PANEL_P24_URL {url:?} is not an http(s) URL"
                    ));
                }
                Ok(Some(P24Settings {
                    merchant_id: *merchant_id,
                    pos_id: *pos_id,
                    api_key: api_key.clone(),
                    crc: crc.clone(),
                    url,
                }))
            }
            (None, None, None, None) => Ok(None),
            _ => Err(format!(
                "online payments need all four Przelewy24 settings; missing: {}",
                missing.join(", ")
            )),
        }
    }
}

/// A credential: never shown in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How provisioning tasks (suspend, delete, reactivate a service…) reach the host's servers.
#[derive(Args, Debug, Clone)]
pub struct TaskArgs {
    /// A program run once per provisioning task, the task as JSON on standard input (action,
    /// service_id, service_name, service_kind, account_id, attempt…). Exit 0: done; exit 75: try
    /// again later; other: failed, with the first line of its output as the reason shown to the
    /// customer (in Polish). A task may be run twice (after a restart): make it idempotent.
    /// Without it the panel marks tasks done itself.
    #[arg(long, env = "PANEL_TASK_COMMAND")]
    pub task_command: Option<PathBuf>,
    /// Seconds a --task-command may run; past it, it is killed and the task tried again later.
    #[arg(
        long,
        env = "PANEL_TASK_TIMEOUT",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub task_timeout: u64,
}

/// No command (the built-in driver), a minute's limit: as when no flag is given.
impl Default for TaskArgs {
    fn default() -> Self {
        TaskArgs {
            task_command: None,
            task_timeout: 60,
        }
    }
}

impl TaskArgs {
    /// The driver these settings choose.
    pub fn driver(&self) -> std::sync::Arc<dyn crate::provisioning::Driver> {
        match &self.task_command {
            Some(command) => std::sync::Arc::new(crate::provisioning::Exec::new(
                command.clone(),
                std::time::Duration::from_secs(self.task_timeout),
            )),
            None => std::sync::Arc::new(crate::provisioning::Builtin),
        }
    }
}

/// When reminders go and how long an expired service lives on.
#[derive(Args, Debug, Clone)]
pub struct LifecycleArgs {
    /// Days before expiry that a reminder is e-mailed (each 1 to 30; the expiry day always is).
    #[arg(
        long,
        env = "PANEL_REMINDER_DAYS",
        value_delimiter = ',',
        default_value = "30,14,7,1",
        value_parser = clap::value_parser!(u32).range(1..=30)
    )]
    pub reminder_days: Vec<u32>,
    /// Grace after expiry before suspension, per kind: `domain=30,hosting=14`; kinds not named
    /// keep their default (30 days for domains, 14 for the rest).
    #[arg(long, env = "PANEL_GRACE_DAYS", default_value = "", value_parser = parse_grace_days)]
    pub grace_days: GraceDays,
    /// Days a suspended service is kept before it is deleted.
    #[arg(long, env = "PANEL_RETENTION_DAYS", default_value_t = 30)]
    pub retention_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraceDays(pub Vec<(crate::domain::ServiceKind, u32)>);

fn parse_grace_days(input: &str) -> Result<GraceDays, String> {
    crate::domain::lifecycle::parse_grace_days(input).map(GraceDays)
}

impl Default for LifecycleArgs {
    fn default() -> Self {
        let defaults = crate::domain::lifecycle::Settings::default();
        LifecycleArgs {
            reminder_days: defaults.reminder_days,
            grace_days: GraceDays(defaults.grace_days),
            retention_days: defaults.retention_days,
        }
    }
}

impl LifecycleArgs {
    pub fn settings(&self) -> crate::domain::lifecycle::Settings {
        let mut reminder_days = self.reminder_days.clone();
        reminder_days.sort_unstable_by(|a, b| b.cmp(a));
        reminder_days.dedup();
        crate::domain::lifecycle::Settings {
            reminder_days,
            grace_days: self.grace_days.0.clone(),
            retention_days: self.retention_days,
        }
    }
}

/// The seller printed on every document; checked at start-up (the NIP's checksum). The defaults
/// are the demo's sample company: a real panel sets its own.
#[derive(Args, Debug, Clone)]
pub struct SellerArgs {
    /// The host's company name, as on its invoices.
    #[arg(long, env = "PANEL_SELLER_NAME", default_value = crate::domain::seller::SAMPLE_NAME)]
    pub seller_name: String,
    /// The host's NIP (10 digits; spaces, dashes or PL allowed).
    #[arg(long, env = "PANEL_SELLER_NIP", default_value = crate::domain::seller::SAMPLE_NIP)]
    pub seller_nip: String,
    /// The host's address in one line: "ul. Przykładowa 1, 00-001 Warszawa".
    #[arg(long, env = "PANEL_SELLER_ADDRESS", default_value = crate::domain::seller::SAMPLE_ADDRESS)]
    pub seller_address: String,
    /// The KSeF environment the verification QR codes on invoices point to: test, demo or
    /// production (KSeF's TE, DEMO and PRD).
    #[arg(long, env = "PANEL_KSEF_ENV", value_enum, default_value_t = crate::ksef::KsefEnv::Test)]
    pub ksef_env: crate::ksef::KsefEnv,
}

/// The sample seller, as when no flag is given.
impl Default for SellerArgs {
    fn default() -> Self {
        use crate::domain::seller::{SAMPLE_ADDRESS, SAMPLE_NAME, SAMPLE_NIP};
        SellerArgs {
            seller_name: SAMPLE_NAME.into(),
            seller_nip: SAMPLE_NIP.into(),
            seller_address: SAMPLE_ADDRESS.into(),
            ksef_env: crate::ksef::KsefEnv::default(),
        }
    }
}

/// The SMTP URL: its password never shows in `Debug` output (logs, panics, error reports).
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    /// The URL with its password, for the mailer alone.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for SmtpUrl {
    fn from(url: String) -> SmtpUrl {
        SmtpUrl(url)
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match url::Url::parse(&self.0) {
            Ok(mut url) => {
                if url.password().is_some() && url.set_password(Some("***")).is_err() {
                    return f.write_str("SmtpUrl(<redacted>)");
                }
                write!(f, "SmtpUrl({:?})", url.as_str())
            }
            Err(_) => f.write_str("SmtpUrl(<redacted>)"),
        }
    }
}

/// `global`: the flags may also follow the task, as in `panel admin unpaid --data-dir /srv/panel`.
#[derive(Args, Debug)]
pub struct AdminArgs {
    /// Directory of the database (panel.redb) and of the admin socket.
    #[arg(long, env = "PANEL_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// Used for links in e-mails queued while the panel is stopped.
    #[arg(
        long,
        env = "PANEL_BASE_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub base_url: String,
    /// Print machine-readable JSON: the rows of a list, the object of a show, the result of an
    /// action ({"ok": …}).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub task: crate::admin::AdminTask,
}

#[derive(Args, Debug)]
pub struct HealthArgs {
    #[arg(long, env = "PANEL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

impl Cli {
    /// Parses the command line. Flags the subcommands share with the panel itself (`--data-dir`,
    /// `--base-url`, `--listen`) may stand before the subcommand as well as after it:
    /// `panel --data-dir D admin unpaid` means `panel admin unpaid --data-dir D`.
    pub fn parse_resolved() -> Cli {
        Cli::try_parse_resolved(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    pub fn try_parse_resolved<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::parser::ValueSource;
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command().try_get_matches_from(args)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        let typed = |m: &clap::ArgMatches, id: &str| {
            m.try_contains_id(id).unwrap_or(false)
                && m.value_source(id) == Some(ValueSource::CommandLine)
        };
        let before = |id: &str| typed(&matches, id);
        let sub = matches.subcommand().map(|(_, m)| m);
        let after = |id: &str| sub.is_some_and(|m| typed(m, id));
        match &mut cli.command {
            Some(Command::Admin(admin)) => {
                if before("data_dir") && !after("data_dir") {
                    admin.data_dir = cli.serve.data_dir.clone();
                }
                if let Some(url) = &cli.serve.base_url
                    && before("base_url")
                    && !after("base_url")
                {
                    admin.base_url = url.clone();
                }
            }
            Some(Command::Health(health)) if before("listen") && !after("listen") => {
                health.listen = cli.serve.listen;
            }
            Some(Command::Serve(serve)) => {
                for id in ["data_dir", "base_url", "listen"] {
                    if before(id) && !after(id) {
                        match id {
                            "data_dir" => serve.data_dir = cli.serve.data_dir.clone(),
                            "base_url" => serve.base_url = cli.serve.base_url.clone(),
                            _ => serve.listen = cli.serve.listen,
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(cli)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_renew_days_default_to_fourteen_and_stay_within_the_renewal_window() {
        let days = |extra: &[&str]| {
            Cli::try_parse_from(["panel"].iter().chain(extra)).map(|c| c.serve.auto_renew_days)
        };
        assert_eq!(days(&[]).ok(), Some(14));
        assert_eq!(days(&["--auto-renew-days", "30"]).ok(), Some(30));
        assert!(days(&["--auto-renew-days", "31"]).is_err());
        assert!(days(&["--auto-renew-days", "0"]).is_err());
    }

    fn admin_dir(args: &[&str]) -> Option<(PathBuf, String)> {
        match Cli::try_parse_resolved(["panel"].iter().chain(args))
            .ok()?
            .command
        {
            Some(Command::Admin(a)) => Some((a.data_dir, a.base_url)),
            _ => None,
        }
    }

    #[test]
    fn the_data_dir_and_base_url_may_stand_before_or_after_the_admin_task() {
        let dir = |args: &[&str]| admin_dir(args).map(|(d, _)| d);
        let srv = Some(PathBuf::from("/srv/panel"));
        assert_eq!(dir(&["admin", "unpaid", "--data-dir", "/srv/panel"]), srv);
        assert_eq!(dir(&["admin", "--data-dir", "/srv/panel", "unpaid"]), srv);
        assert_eq!(dir(&["--data-dir", "/srv/panel", "admin", "unpaid"]), srv);
        assert_eq!(
            dir(&["admin", "outbox", "retry", "3", "--data-dir", "/srv/panel"]),
            srv
        );
        let url = admin_dir(&["--base-url", "https://p.pl", "admin", "unpaid"]).map(|(_, u)| u);
        assert_eq!(url.as_deref(), Some("https://p.pl"));
        let after = admin_dir(&["admin", "unpaid", "--base-url", "https://q.pl"]).map(|(_, u)| u);
        assert_eq!(after.as_deref(), Some("https://q.pl"));
    }

    #[test]
    fn json_is_accepted_anywhere_after_admin() {
        let json = |args: &[&str]| match Cli::try_parse_resolved(["panel"].iter().chain(args))
            .ok()
            .and_then(|c| c.command)
        {
            Some(Command::Admin(a)) => Some(a.json),
            _ => None,
        };
        assert_eq!(json(&["admin", "customers", "list"]), Some(false));
        assert_eq!(json(&["admin", "--json", "customers", "list"]), Some(true));
        assert_eq!(json(&["admin", "customers", "--json", "list"]), Some(true));
        assert_eq!(json(&["admin", "customers", "list", "--json"]), Some(true));
        assert_eq!(json(&["admin", "unpaid", "--json"]), Some(true));
    }

    #[test]
    fn the_data_dir_before_serve_is_not_lost() {
        let cli = Cli::try_parse_resolved(["panel", "--data-dir", "/srv/panel", "serve"]).ok();
        let dir = cli.and_then(|c| match c.command {
            Some(Command::Serve(s)) => Some(s.data_dir),
            _ => None,
        });
        assert_eq!(dir, Some(PathBuf::from("/srv/panel")));
    }

    #[test]
    fn the_smtp_password_does_not_show_in_debug_output() {
        let cli = Cli::parse_from([
            "panel",
            "--smtp-url",
            "smtp://panel%40firma.pl:Tajne%2BHaslo@mail.firma.pl:587",
        ]);
        let printed = format!("{cli:?} {:?}", Config::new(cli.serve.clone()));
        assert!(!printed.contains("Tajne"), "{printed}");
        assert!(printed.contains("smtp://panel%40firma.pl:***@mail.firma.pl:587"));
        assert_eq!(
            cli.serve.smtp_url.as_ref().map(SmtpUrl::expose),
            Some("smtp://panel%40firma.pl:Tajne%2BHaslo@mail.firma.pl:587")
        );
        let unparsable = SmtpUrl::from("not a url with secret".to_string());
        assert_eq!(format!("{unparsable:?}"), "SmtpUrl(<redacted>)");
    }

    #[test]
    fn przelewy24_settings_are_all_or_none_and_a_partial_set_names_what_is_missing() {
        let p24 = |extra: &[&str]| {
            Cli::try_parse_from(["panel"].iter().chain(extra)).map(|c| c.serve.p24.settings())
        };
        assert!(matches!(p24(&[]), Ok(Ok(None))));
        let partial = p24(&["--p24-merchant-id", "1", "--p24-crc", "x"]);
        let message = match partial {
            Ok(Err(message)) => message,
            _ => String::new(),
        };
        assert!(message.contains("PANEL_P24_POS_ID"), "{message}");
        assert!(message.contains("PANEL_P24_API_KEY"), "{message}");
        assert!(!message.contains("MERCHANT"), "{message}");
        let all = p24(&[
            "--p24-merchant-id",
            "1",
            "--p24-pos-id",
            "2",
            "--p24-api-key",
            "tajny",
            "--p24-crc",
            "crc",
            "--p24-url",
            "http://127.0.0.1:9/",
        ]);
        let settings = match all {
            Ok(Ok(Some(settings))) => settings,
            _ => unreachable!("complete settings refused"),
        };
        assert_eq!(settings.url, "http://127.0.0.1:9");
        assert!(!format!("{settings:?}").contains("tajny"));
    }
}
