//! `spawn_app()` and a `TestApp` method per thing a user does.

use panel::clock::Clock;
use panel::config::{Config, LoginLimits, ServeArgs};
use panel::startup::Application;
use panel::state::AppState;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct TestApp {
    pub base: String,
    pub state: Arc<AppState>,
    pub clock: Clock,
    pub data_dir: PathBuf,
    pub client: reqwest::Client,
    pub jar: Arc<reqwest::cookie::Jar>,
    pub smtp: Option<crate::smtp::SmtpServer>,
    seen_mail: Mutex<HashSet<PathBuf>>,
    _dir: tempfile::TempDir,
}

#[derive(Default)]
pub struct Options {
    pub smtp: Option<crate::smtp::SmtpServer>,
    pub limits: LoginLimits,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The panel's public URL (e.g. https); the client still talks plain http to 127.0.0.1.
    pub base_url: Option<String>,
    pub header_read_timeout: Option<Duration>,
    pub body_read_timeout: Option<Duration>,
    pub max_connections: Option<usize>,
    /// Instead of a fresh temporary directory (e.g. one on a small tmpfs).
    pub data_dir: Option<PathBuf>,
    /// `--task-command` and `--task-timeout`.
    pub tasks: panel::config::TaskArgs,
    /// The Przelewy24 settings (a stand-in gateway's address).
    pub p24: panel::config::P24Args,
    /// `--metrics-allow` and `--metrics-token`.
    pub metrics: panel::config::MetricsArgs,
    /// The panel's clock from its start (e.g. set back to when a fixture was written).
    pub clock: Option<Clock>,
}

/// An app that delivers through a real SMTP server in the test, which fails as told first.
pub async fn spawn_app_with_smtp(
    failures: Vec<&'static str>,
) -> (TestApp, crate::smtp::SmtpServer) {
    let smtp = crate::smtp::SmtpServer::start(failures).await;
    let app = spawn_app_with(Options {
        smtp: Some(smtp.clone()),
        ..Options::default()
    })
    .await;
    (app, smtp)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = options
        .data_dir
        .clone()
        .unwrap_or_else(|| dir.path().to_path_buf());
    // `--demo` refuses an SMTP URL: with one, the demo accounts are seeded before the start.
    if options.smtp.is_some() {
        let store = panel::store::Store::open(&data_dir).unwrap();
        panel::demo::seed_if_empty(&store, Clock::default().now(), "http://127.0.0.1").unwrap();
    }
    let args = ServeArgs {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.clone(),
        base_url: options.base_url,
        smtp_url: options
            .smtp
            .as_ref()
            .map(|s| format!("smtp://127.0.0.1:{}", s.port).into()),
        mail_from: "Panel klienta <panel@example.net>".into(),
        demo: options.smtp.is_none(),
        demo_public: false,
        outbox_retention_days: 30,
        legacy_url: "https://stary-panel.example.com/".into(),
        site_editor_url: "https://kreator.example.pl/edytor?strona={site}&domena={domain}".into(),
        bank_account: "PL 61 1090 1014 0000 0712 1981 2874".into(),
        seller: panel::config::SellerArgs::default(),
        cookie_secure: None,
        trusted_proxies: options.trusted_proxies,
        max_connections: options.max_connections.unwrap_or(1024),
        auto_renew_days: 14,
        lifecycle: Default::default(),
        tasks: options.tasks,
        p24: options.p24,
        metrics: options.metrics,
    };
    let mut config = Config::new(args);
    config.login_limits = options.limits;
    if let Some(timeout) = options.header_read_timeout {
        config.header_read_timeout = timeout;
    }
    if let Some(timeout) = options.body_read_timeout {
        config.body_read_timeout = timeout;
    }
    let clock = options.clock.unwrap_or_default();
    let app = Application::build(config, clock.clone()).await.unwrap();
    let base = format!("http://{}", app.addr);
    let state = app.state.clone();
    tokio::spawn(app.run_until(std::future::pending()));
    let jar = Arc::new(reqwest::cookie::Jar::default());
    TestApp {
        client: reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .build()
            .unwrap(),
        jar,
        base,
        state,
        clock,
        data_dir,
        smtp: options.smtp,
        seen_mail: Mutex::default(),
        _dir: dir,
    }
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// Decodes quoted-printable (the parts lettre writes) so the text can be searched.
pub fn decode_qp(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub struct LoginMail {
    pub code: String,
    pub link: String,
}

pub fn parse_login_mail(raw: &str) -> LoginMail {
    let text = decode_qp(raw);
    let code_at =
        text.find("Panelu klienta: ").expect("the mail has a code") + "Panelu klienta: ".len();
    let code = text[code_at..code_at + 6].to_string();
    let link_at = text.find("http").expect("the mail has a link");
    let link: String = text[link_at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"')
        .collect();
    LoginMail { code, link }
}

/// The value of the hidden field `name` of the first form that has one.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).expect("the field is on the page") + marker.len();
    html[at..].chars().take_while(|c| *c != '"').collect()
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

/// A second browser: its own cookies, logged in as `email`.
pub async fn log_in_elsewhere(app: &TestApp, email: &str) -> reqwest::Client {
    let client = new_client();
    let page = client.get(app.url("/logowanie")).send().await.unwrap();
    let token = csrf_of(&page.text().await.unwrap());
    let asked = client
        .post(app.url("/logowanie"))
        .form(&[("email", email), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK);
    let mail = app.next_login_mail(email).await;
    let entered = client
        .post(app.url("/logowanie/kod"))
        .form(&[
            ("email", email),
            ("kod", &mail.code),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(entered.status(), StatusCode::SEE_OTHER);
    client
}

pub fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .expect("a form with a CSRF token")
        + 25;
    html[at..at + 64].to_string()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// The Pulpit's live region as htmx fetches it.
    pub async fn notifications(&self) -> String {
        let response = self.get_htmx("/pulpit/powiadomienia").await;
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    }

    pub async fn get_htmx(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("HX-Request", "true")
            .send()
            .await
            .unwrap()
    }

    fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let header = self.jar.cookies(&self.base.parse().unwrap())?;
        let prefix = format!("{name}=");
        header
            .to_str()
            .unwrap()
            .split("; ")
            .find_map(|pair| pair.strip_prefix(prefix.as_str()))
            .map(str::to_string)
    }

    /// The CSRF token the panel handed this client (any page it reads sets it).
    pub async fn csrf(&self) -> String {
        if let Some(token) = self.cookie("panel_csrf") {
            return token;
        }
        csrf_of(&self.get("/logowanie").await.text().await.unwrap())
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn request_code(&self, email: &str) -> reqwest::Response {
        let token = self.csrf().await;
        self.post_form("/logowanie", &[("email", email), ("csrf_token", &token)])
            .await
    }

    pub async fn enter_code(&self, email: &str, code: &str) -> reqwest::Response {
        let token = self.csrf().await;
        self.post_form(
            "/logowanie/kod",
            &[("email", email), ("kod", code), ("csrf_token", &token)],
        )
        .await
    }

    /// Waits for the next login e-mail to `to` (from SMTP when configured, else the file outbox).
    pub async fn next_login_mail(&self, to: &str) -> LoginMail {
        parse_login_mail(&self.next_mail(to, "Kod logowania do Panelu klienta:").await)
    }

    /// Waits for the next message to `to` whose decoded text contains `text`; returns that text.
    pub async fn next_mail(&self, to: &str, text: &str) -> String {
        for _ in 0..200 {
            if let Some(raw) = self.take_new_mail(to, text) {
                return decode_qp(&raw);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no e-mail to {to} with {text:?} arrived");
    }

    /// Every message delivered so far, as raw text.
    pub fn delivered(&self) -> Vec<(PathBuf, String)> {
        if let Some(smtp) = &self.smtp {
            return smtp
                .messages()
                .into_iter()
                .enumerate()
                .map(|(i, m)| (PathBuf::from(format!("smtp-{i}")), m))
                .collect();
        }
        let Ok(entries) = std::fs::read_dir(self.data_dir.join("outbox")) else {
            return vec![];
        };
        entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .filter_map(|p| std::fs::read_to_string(&p).ok().map(|text| (p, text)))
            .collect()
    }

    fn take_new_mail(&self, to: &str, text: &str) -> Option<String> {
        let mut seen = self.seen_mail.lock().unwrap();
        let found = self.delivered().into_iter().find(|(path, raw)| {
            // A file may still be being written: only a message with its closing boundary is whole.
            !seen.contains(path)
                && raw.contains(&format!("To: {to}"))
                && raw.trim_end().ends_with("--")
                && decode_qp(raw).contains(text)
        })?;
        seen.insert(found.0.clone());
        Some(found.1)
    }

    /// Logs in with the e-mailed code; afterwards the client carries the session cookie.
    pub async fn log_in(&self, email: &str) {
        assert_eq!(self.request_code(email).await.status(), StatusCode::OK);
        self.log_in_with_next_code(email).await;
    }

    /// Enters the code of the next login e-mail to `email` (already requested).
    pub async fn log_in_with_next_code(&self, email: &str) {
        let mail = self.next_login_mail(email).await;
        let response = self.enter_code(email, &mail.code).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "the code {} logs in",
            mail.code
        );
        assert_eq!(response.headers()["location"], "/pulpit");
    }

    /// The session token this client holds.
    pub async fn session_cookie(&self) -> String {
        self.cookie("panel_session").expect("a session cookie")
    }

    pub async fn pulpit(&self) -> String {
        let response = self.get("/pulpit").await;
        assert_eq!(response.status(), StatusCode::OK, "the Pulpit is shown");
        response.text().await.unwrap()
    }

    /// Presses Odnów on a service, as htmx does (header token, fragment back).
    pub async fn renew_htmx(&self, service_id: u64) -> reqwest::Response {
        let token = self.csrf().await;
        self.client
            .post(self.url(&format!("/uslugi/{service_id}/odnow")))
            .header("HX-Request", "true")
            .header("X-CSRF-Token", token)
            .send()
            .await
            .unwrap()
    }

    pub fn account_id(&self, owner: &str) -> u64 {
        let email = panel::domain::Email::parse(owner).unwrap();
        self.state
            .store
            .user_by_email(&email)
            .unwrap()
            .unwrap()
            .account_id
    }

    /// The id of the account's service called `name`.
    pub fn service_id(&self, owner: &str, name: &str) -> u64 {
        let services = self
            .state
            .store
            .services_of_account(self.account_id(owner))
            .unwrap();
        services.iter().find(|s| s.name == name).unwrap().id
    }

    /// Every document of the account of `owner`, newest first.
    pub fn documents_of(&self, owner: &str) -> Vec<panel::domain::Document> {
        self.state
            .store
            .documents_of_account(self.account_id(owner))
            .unwrap()
    }

    pub fn proformas_of(&self, owner: &str) -> Vec<panel::domain::Document> {
        self.documents_of(owner)
            .into_iter()
            .filter(|d| d.kind == panel::domain::DocumentKind::Proforma)
            .collect()
    }

    /// Runs `panel admin …` (the real binary) against this running panel.
    pub async fn admin(&self, args: &[&str]) -> std::process::Output {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
            .arg("admin")
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(args)
            .output()
            .await
            .unwrap()
    }

    /// Adds the person `email` with `role` to the account `owner` owns (`panel admin add-user`).
    pub async fn add_user(&self, owner: &str, email: &str, role: &str) {
        let args = [
            "add-user",
            "--account-of",
            owner,
            "--email",
            email,
            "--role",
            role,
        ];
        self.admin_ok(&args).await;
    }

    /// `panel admin …` that must succeed; its standard output.
    pub async fn admin_ok(&self, args: &[&str]) -> String {
        let output = self.admin(args).await;
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The unpaid renewal proforma of a service.
    pub fn renewal_of(&self, owner: &str, service_id: u64) -> panel::domain::Document {
        self.proformas_of(owner)
            .into_iter()
            .find(|d| d.is_unpaid() && d.renews_service == Some(service_id))
            .expect("a renewal proforma")
    }
}

/// Writes an executable shell script `name` into `dir` (a host's `--task-command`).
pub fn task_script(dir: &std::path::Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A panel whose provisioning tasks run `command` (10 s limit).
pub async fn spawn_app_with_command(command: PathBuf) -> TestApp {
    spawn_app_with(Options {
        tasks: panel::config::TaskArgs {
            task_command: Some(command),
            task_timeout: 10,
        },
        ..Options::default()
    })
    .await
}
