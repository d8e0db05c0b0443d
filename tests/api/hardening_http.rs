//! The HTTP edge under a hostile client: body caps and time limits, slow and idle connections, the
//! connection cap, HSTS, the Origin check, CSRF token rotation, and cookie attributes.

use crate::helpers::{Options, TestApp, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A CSRF cookie and header pair anyone can invent: the guard only checks that they match.
fn forged_pair() -> (String, String) {
    let token = "ab".repeat(32);
    (format!("panel_csrf={token}"), token)
}

fn addr_of(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_string()
}

/// Everything the server sends until it closes the connection (or `limit` passes).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut received = Vec::new();
    match tokio::time::timeout(limit, stream.read_to_end(&mut received)).await {
        Ok(_) => Some(String::from_utf8_lossy(&received).into_owned()),
        Err(_) => None,
    }
}

fn status_of(response: &str) -> Option<u16> {
    response.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// A client without a cookie jar: the Secure cookies of an https panel are handled by hand.
fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// The value of cookie `name` among `Set-Cookie` headers.
fn cookie_value(set_cookies: &[String], name: &str) -> Option<String> {
    set_cookies.iter().find_map(|c| {
        c.strip_prefix(&format!("{name}="))
            .map(|rest| rest.split(';').next().unwrap().to_string())
    })
}

// --- The real binary, for memory ------------------------------------------------------------

struct Panel {
    child: tokio::process::Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Panel {
    async fn start() -> Panel {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
            .args(["serve", "--listen", &addr, "--demo", "--data-dir"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let panel = Panel {
            child,
            addr,
            _dir: dir,
        };
        let client = plain_client();
        for _ in 0..200 {
            let health = client
                .get(format!("http://{}/health", panel.addr))
                .send()
                .await;
            if health.is_ok_and(|r| r.status() == StatusCode::OK) {
                return panel;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the panel did not start");
    }

    /// A line of /proc/<pid>/status, in KiB.
    fn memory_kib(&self, field: &str) -> u64 {
        let pid = self.child.id().unwrap();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status
            .lines()
            .find(|l| l.starts_with(field))
            .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

#[tokio::test]
async fn a_huge_chunked_body_with_a_forged_csrf_pair_is_refused_with_413_and_memory_stays_flat() {
    let panel = Panel::start().await;
    let peak_before = panel.memory_kib("VmHWM:");
    let (cookie, token) = forged_pair();
    let stream = TcpStream::connect(&panel.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let response = tokio::spawn(async move {
        let mut received = Vec::new();
        let _ = reader.read_to_end(&mut received).await;
        String::from_utf8_lossy(&received).into_owned()
    });
    let head = format!(
        "POST /logowanie HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nX-CSRF-Token: {token}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
        panel.addr
    );
    writer.write_all(head.as_bytes()).await.unwrap();
    // 300 MiB from one reused 1 MiB chunk: the test itself holds only the chunk.
    let mut chunk = b"100000\r\nemail=".to_vec();
    chunk.resize(8 + (1 << 20), b'a');
    chunk.extend_from_slice(b"\r\n");
    let mut sent_mib = 0;
    while sent_mib < 300 {
        if writer.write_all(&chunk).await.is_err() {
            break;
        }
        sent_mib += 1;
    }
    let _ = writer.write_all(b"0\r\n\r\n").await;
    let response = tokio::time::timeout(Duration::from_secs(30), response)
        .await
        .expect("the server answers and closes")
        .unwrap();
    assert_eq!(status_of(&response), Some(413), "{response:.200}");
    assert!(response.contains("Za duże żądanie"));
    assert!(
        sent_mib < 300,
        "the server stopped reading long before the end"
    );
    let peak_after = panel.memory_kib("VmHWM:");
    let rss = panel.memory_kib("VmRSS:");
    eprintln!("peak RSS {peak_before} KiB -> {peak_after} KiB, now {rss} KiB; {sent_mib} MiB sent");
    assert!(
        peak_after < peak_before + 30 * 1024,
        "peak RSS grew from {peak_before} KiB to {peak_after} KiB (now {rss} KiB)"
    );
}

#[tokio::test]
async fn a_declared_body_over_the_cap_is_refused_with_413_before_it_is_sent() {
    let app = spawn_app().await;
    let (cookie, token) = forged_pair();
    let mut stream = TcpStream::connect(addr_of(&app)).await.unwrap();
    let head = format!(
        "POST /logowanie HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nX-CSRF-Token: {token}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let response = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("an answer without waiting for the body");
    assert_eq!(status_of(&response), Some(413), "{response:.200}");
}

#[tokio::test]
async fn the_per_ip_login_limit_answers_429_before_the_body_is_read() {
    let app = spawn_app_with(Options {
        limits: panel::config::LoginLimits {
            per_ip_burst: 1,
            per_ip_per_minute: 1,
            ..Default::default()
        },
        ..Options::default()
    })
    .await;
    assert_eq!(
        app.request_code("abonent@example.com").await.status(),
        StatusCode::OK
    );
    let (cookie, token) = forged_pair();
    let mut stream = TcpStream::connect(addr_of(&app)).await.unwrap();
    // The body is announced but never sent: only a check made before reading it can answer.
    let head = format!(
        "POST /logowanie/kod HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nX-CSRF-Token: {token}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let response = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("an answer without waiting for the body");
    assert_eq!(status_of(&response), Some(429), "{response:.200}");
    assert!(response.contains("Zbyt wiele prób"));
}

#[tokio::test]
async fn a_body_that_arrives_too_slowly_gets_408() {
    let app = spawn_app_with(Options {
        body_read_timeout: Some(Duration::from_secs(1)),
        ..Options::default()
    })
    .await;
    let (cookie, token) = forged_pair();
    let mut stream = TcpStream::connect(addr_of(&app)).await.unwrap();
    let head = format!(
        "POST /logowanie HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nX-CSRF-Token: {token}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let response = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("an answer once the body's time is up");
    assert_eq!(status_of(&response), Some(408), "{response:.200}");
    assert!(started.elapsed() >= Duration::from_millis(900));
}

// --- Slow and idle connections, the cap ---------------------------------------------------------

#[tokio::test]
async fn a_connection_that_sends_half_its_headers_is_closed_after_the_timeout() {
    let app = spawn_app_with(Options {
        header_read_timeout: Some(Duration::from_secs(1)),
        ..Options::default()
    })
    .await;
    let mut stream = TcpStream::connect(addr_of(&app)).await.unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let closed = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "the half-sent request is still open");
    assert!(started.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_timeout() {
    let app = spawn_app_with(Options {
        header_read_timeout: Some(Duration::from_secs(1)),
        ..Options::default()
    })
    .await;
    let mut stream = TcpStream::connect(addr_of(&app)).await.unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let response = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("the idle connection is closed");
    assert_eq!(status_of(&response), Some(200), "{response:.200}");
}

#[tokio::test]
async fn connections_over_the_cap_wait_until_one_closes() {
    let app = spawn_app_with(Options {
        max_connections: Some(1),
        ..Options::default()
    })
    .await;
    let mut holder = TcpStream::connect(addr_of(&app)).await.unwrap();
    holder.write_all(b"GET /health HTTP/1.1\r\n").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let waiting = plain_client()
        .get(app.url("/health"))
        .timeout(Duration::from_millis(500))
        .send()
        .await;
    assert!(
        waiting.is_err(),
        "a second connection is served past the cap"
    );
    drop(holder);
    let served = plain_client()
        .get(app.url("/health"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), StatusCode::OK);
}

// --- HSTS, Origin, CSRF ---------------------------------------------------------------------

#[tokio::test]
async fn every_response_carries_hsts_when_the_base_url_is_https() {
    let app = spawn_app_with(Options {
        base_url: Some("https://panel.example.com".into()),
        ..Options::default()
    })
    .await;
    let client = plain_client();
    let responses = [
        client.get(app.url("/health")).send().await.unwrap(),
        client.get(app.url("/logowanie")).send().await.unwrap(),
        client
            .get(app.url("/assets/panel.css"))
            .send()
            .await
            .unwrap(),
        client.get(app.url("/nie-ma-takiej")).send().await.unwrap(),
        client.post(app.url("/logowanie")).send().await.unwrap(),
    ];
    for response in responses {
        let hsts = response.headers().get("strict-transport-security");
        assert_eq!(
            hsts.map(|v| v.to_str().unwrap()),
            Some("max-age=31536000"),
            "{} {}",
            response.url(),
            response.status()
        );
    }
    let plain = spawn_app().await;
    let response = plain.get("/health").await;
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none(),
        "no HSTS over plain http"
    );
}

#[tokio::test]
async fn a_post_with_origin_null_is_refused() {
    let app = spawn_app().await;
    let token = app.csrf().await;
    let response = app
        .client
        .post(app.url("/logowanie"))
        .header("Origin", "null")
        .form(&[("email", "abonent@example.com"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let same_site = app
        .client
        .post(app.url("/logowanie"))
        .header("Origin", app.base.as_str())
        .form(&[("email", "abonent@example.com"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_base_url_typed_with_capitals_and_the_default_port_accepts_the_browsers_origin() {
    let app = spawn_app_with(Options {
        base_url: Some("https://Panel.Example.com:443".into()),
        ..Options::default()
    })
    .await;
    let client = plain_client();
    let page = client.get(app.url("/logowanie")).send().await.unwrap();
    let token = cookie_value(&set_cookies(&page), "__Host-panel_csrf").unwrap();
    let post = |origin: &'static str| {
        client
            .post(app.url("/logowanie"))
            .header("Cookie", format!("__Host-panel_csrf={token}"))
            .header("Origin", origin)
            .form(&[("email", "abonent@example.com"), ("csrf_token", &token)])
            .send()
    };
    assert_eq!(
        post("https://panel.example.com").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        post("https://panel.example.com.evil.example")
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post("http://panel.example.com").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_base_url_that_is_not_a_url_stops_the_start_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--base-url",
            "panel.example.com",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the panel refuses to start")
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("PANEL_BASE_URL"), "{stderr}");
}

fn last_character_changed(token: &str) -> String {
    let (head, last) = token.split_at(token.len() - 1);
    format!("{head}{}", if last == "0" { "1" } else { "0" })
}

#[tokio::test]
async fn a_wrong_csrf_header_or_a_token_wrong_in_its_last_character_is_refused_with_403() {
    let app = spawn_app().await;
    let token = app.csrf().await;
    let post_with_header = |value: String| {
        app.client
            .post(app.url("/logowanie"))
            .header("X-CSRF-Token", value)
            .form(&[("email", "abonent@example.com")])
            .send()
    };
    let near = last_character_changed(&token);
    assert_eq!(
        post_with_header("0".repeat(64)).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_with_header(near.clone()).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let field = app
        .post_form(
            "/logowanie",
            &[("email", "abonent@example.com"), ("csrf_token", &near)],
        )
        .await;
    assert_eq!(field.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        post_with_header(token).await.unwrap().status(),
        StatusCode::OK,
        "the right token passes"
    );
}

#[tokio::test]
async fn the_csrf_token_is_replaced_at_login_and_the_old_one_is_refused() {
    let app = spawn_app().await;
    let before = app.csrf().await;
    app.log_in("abonent@example.com").await;
    let after = app.csrf().await;
    assert_ne!(before, after, "a new CSRF token after login");
    let id = app.service_id("abonent@example.com", "przykladowa-firma.pl");
    let with_old = app
        .post_form(&format!("/uslugi/{id}/odnow"), &[("csrf_token", &before)])
        .await;
    assert_eq!(with_old.status(), StatusCode::FORBIDDEN);
    let with_new = app
        .post_form(&format!("/uslugi/{id}/odnow"), &[("csrf_token", &after)])
        .await;
    assert_eq!(with_new.status(), StatusCode::SEE_OTHER);
}

// --- Cookie attributes -----------------------------------------------------------------------

/// Logs in and out by hand (no jar), returning every Set-Cookie header seen on the way.
async fn cookies_of_a_login_and_logout(app: &TestApp, prefix: &str) -> Vec<String> {
    let client = plain_client();
    let email = "abonent@example.com";
    let mut seen = Vec::new();
    let page = client.get(app.url("/logowanie")).send().await.unwrap();
    seen.extend(set_cookies(&page));
    let csrf = cookie_value(&seen, &format!("{prefix}panel_csrf")).unwrap();
    let cookie = format!("{prefix}panel_csrf={csrf}");
    let asked = client
        .post(app.url("/logowanie"))
        .header("Cookie", &cookie)
        .form(&[("email", email), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK);
    let mail = app.next_login_mail(email).await;
    let logged_in = client
        .post(app.url("/logowanie/kod"))
        .header("Cookie", &cookie)
        .form(&[("email", email), ("kod", &mail.code), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(logged_in.status(), StatusCode::SEE_OTHER);
    let login_cookies = set_cookies(&logged_in);
    let session = cookie_value(&login_cookies, &format!("{prefix}panel_session")).unwrap();
    let csrf = cookie_value(&login_cookies, &format!("{prefix}panel_csrf")).unwrap_or(csrf);
    seen.extend(login_cookies);
    let logged_out = client
        .post(app.url("/wyloguj"))
        .header(
            "Cookie",
            format!("{prefix}panel_session={session}; {prefix}panel_csrf={csrf}"),
        )
        .form(&[("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(logged_out.status(), StatusCode::SEE_OTHER);
    seen.extend(set_cookies(&logged_out));
    for name in ["panel_csrf", "panel_session", "panel_flash"] {
        assert!(
            seen.iter()
                .any(|c| c.starts_with(&format!("{prefix}{name}="))),
            "{name} was set: {seen:?}"
        );
    }
    seen
}

#[tokio::test]
async fn every_cookie_is_httponly_and_samesite_lax() {
    let app = spawn_app().await;
    for cookie in cookies_of_a_login_and_logout(&app, "").await {
        assert!(cookie.contains("; HttpOnly"), "{cookie}");
        assert!(cookie.contains("; SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("; Path=/"), "{cookie}");
        assert!(
            !cookie.contains("; Secure"),
            "{cookie}: plain http drops Secure"
        );
    }
}

#[tokio::test]
async fn with_an_https_base_url_every_cookie_is_secure_and_host_prefixed() {
    let app = spawn_app_with(Options {
        base_url: Some("https://panel.example.com".into()),
        ..Options::default()
    })
    .await;
    for cookie in cookies_of_a_login_and_logout(&app, "__Host-").await {
        assert!(cookie.starts_with("__Host-"), "{cookie}");
        assert!(cookie.contains("; Secure"), "{cookie}");
        assert!(cookie.contains("; HttpOnly"), "{cookie}");
        assert!(cookie.contains("; SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("; Path=/"), "{cookie}");
        assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    }
}

#[tokio::test]
async fn a_form_of_exactly_64_kib_is_read_and_one_byte_more_is_refused() {
    let app = spawn_app().await;
    let token = app.csrf().await;
    let form = |size: usize| {
        let head = format!("email=abonent%40example.com&csrf_token={token}&uwagi=");
        let padding = "x".repeat(size - head.len());
        format!("{head}{padding}")
    };
    let post = |body: String| {
        app.client
            .post(app.url("/logowanie"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let at_cap = post(form(64 * 1024)).await.unwrap();
    assert_eq!(at_cap.status(), StatusCode::OK, "a form of 64 KiB is read");
    assert!(at_cap.text().await.unwrap().contains("Wpisz kod"));
    let over = post(form(64 * 1024 + 1)).await.unwrap();
    assert_eq!(over.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_csrf_cookie_that_is_not_64_hex_digits_is_replaced() {
    let app = spawn_app().await;
    for bogus in ["z".repeat(64), "abcd".to_string(), "a".repeat(63)] {
        let response = plain_client()
            .get(app.url("/logowanie"))
            .header("Cookie", format!("panel_csrf={bogus}"))
            .send()
            .await
            .unwrap();
        let fresh = cookie_value(&set_cookies(&response), "panel_csrf");
        let fresh = fresh.expect("a fresh token replaces the bogus one");
        assert_eq!(fresh.len(), 64);
        assert!(fresh.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(fresh, bogus);
    }
}

#[tokio::test]
async fn an_origin_written_differently_but_naming_the_panel_is_accepted() {
    let app = spawn_app().await;
    let token = app.csrf().await;
    let shouting = app.base.replace("http://", "HTTP://");
    for origin in [format!("{}/", app.base), shouting] {
        let response = app
            .client
            .post(app.url("/logowanie"))
            .header("Origin", origin.as_str())
            .form(&[("email", "abonent@example.com"), ("csrf_token", &token)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{origin}");
    }
}

#[tokio::test]
async fn the_login_limit_per_ip_does_not_count_a_customers_other_actions() {
    let app = spawn_app_with(Options {
        limits: panel::config::LoginLimits {
            per_ip_burst: 3,
            per_ip_per_minute: 1,
            ..Default::default()
        },
        ..Options::default()
    })
    .await;
    app.log_in("abonent@example.com").await;
    let id = app.service_id("abonent@example.com", "przykladowa-firma.pl");
    for _ in 0..5 {
        let odnow = app.renew_htmx(id).await;
        assert_eq!(odnow.status(), StatusCode::OK, "Odnów is not a login try");
    }
    let logout_token = app.csrf().await;
    let logout = app
        .post_form("/wyloguj", &[("csrf_token", &logout_token)])
        .await;
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
}
