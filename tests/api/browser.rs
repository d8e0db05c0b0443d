//! What only a browser shows, in real headless Chromium driven over WebDriver: the login, the
//! Odnów box swapped in place by htmx, the same flow with JavaScript off, and no CSP violation.

use crate::helpers::{TestApp, spawn_app};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use poem::http::Method;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ABONENT: &str = "abonent@example.com";

/// chromedriver, killed when the test ends however it ends.
pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The browser's console log (CSP violations are reported there).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

pub(crate) async fn browser(javascript: bool, profile: &std::path::Path) -> (Driver, Client) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is installed (scripts/test installs it)");
    let driver = Driver(child);
    let mut args = vec![
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--window-size=1200,900".into(),
    ];
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut options = json!({ "args": args });
    if let Ok(binary) = std::env::var("CHROMIUM") {
        options["binary"] = Value::String(binary);
    }
    if !javascript {
        options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), options);
    caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if let Ok(client) = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            return (driver, client);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot start a Chromium session through chromedriver");
}

pub(crate) async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}
/// Waits until the element `css` contains `text` (htmx swaps and polling take a moment).
/// Waits up to about 20 s (pages that refresh themselves every 5 s, on a busy machine).
pub(crate) async fn wait_for_text(client: &Client, css: &str, text: &str) -> String {
    for _ in 0..200 {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && let Ok(found) = element.text().await
            && found.contains(text)
        {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {text:?}");
}

pub(crate) async fn wait_for(client: &Client, css: &str) {
    client.wait().for_element(Locator::Css(css)).await.unwrap();
}

pub(crate) async fn log_in(app: &TestApp, client: &Client) {
    client.goto(&app.url("/logowanie")).await.unwrap();
    client
        .find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(ABONENT)
        .await
        .unwrap();
    click(client, "form.card button").await;
    let mail = app.next_login_mail(ABONENT).await;
    client
        .wait()
        .for_element(Locator::Css("#kod"))
        .await
        .unwrap()
        .send_keys(&mail.code)
        .await
        .unwrap();
    click(client, "form.card button").await;
    wait_for(client, "#powiadomienia").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/pulpit");
}

pub(crate) async fn console(client: &Client) -> Vec<String> {
    let log = client.issue_cmd(BrowserLog).await.unwrap();
    log.as_array()
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| e["message"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn csp_violations(lines: &[String]) -> Vec<&String> {
    lines
        .iter()
        .filter(|l| l.contains("Content Security Policy"))
        .collect()
}

#[tokio::test]
async fn with_javascript_odnow_swaps_the_box_in_place_and_the_page_breaks_no_csp_rule() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    let id = app.service_id(ABONENT, "przykladowa-firma.pl");
    let htmx = client
        .execute("return typeof window.htmx;", vec![])
        .await
        .unwrap();
    assert_eq!(htmx, json!("object"), "htmx is loaded");
    client
        .execute("window.stillTheSamePage = 'tak';", vec![])
        .await
        .unwrap();

    let selector = format!("#box-usluga-{id} button");
    click(&client, &selector).await;
    let box_selector = format!("#box-usluga-{id}");
    let mut text = String::new();
    for _ in 0..100 {
        text = client
            .find(Locator::Css(&box_selector))
            .await
            .unwrap()
            .text()
            .await
            .unwrap_or_default();
        if text.contains("Proforma za odnowienie") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        text.contains("Proforma za odnowienie"),
        "the box now shows the proforma: {text}"
    );
    assert!(text.contains("Zapłać"));
    let due = client
        .find(Locator::Css("#do-zaplaty"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        due, "132,84 zł",
        "the amount due follows at once (72,57 zł + 60,27 zł)"
    );
    let marker = client
        .execute("return window.stillTheSamePage;", vec![])
        .await
        .unwrap();
    assert_eq!(marker, json!("tak"), "swapped without a full reload");
    assert_eq!(client.current_url().await.unwrap().path(), "/pulpit");

    // The operator records the payment: the open Pulpit drops the box by itself (polling).
    let number = app.renewal_of(ABONENT, id).number;
    app.admin_ok(&["record-payment", "--proforma", &number])
        .await;
    let mut gone = false;
    for _ in 0..60 {
        if client.find(Locator::Css(&box_selector)).await.is_err() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(gone, "the box disappears within 30 s");
    let marker = client
        .execute("return window.stillTheSamePage;", vec![])
        .await
        .unwrap();
    assert_eq!(marker, json!("tak"), "without reloading the page");

    let lines = console(&client).await;
    assert!(
        csp_violations(&lines).is_empty(),
        "no CSP violation: {lines:?}"
    );

    // The check above can fail: an inline script is refused and reported the same way.
    client
        .execute("const s = document.createElement('script'); s.textContent = 'void 0'; document.body.appendChild(s);", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !csp_violations(&console(&client).await).is_empty(),
        "a violation is detected"
    );
    client.close().await.unwrap();
}

#[tokio::test]
async fn without_javascript_odnow_is_a_plain_form_that_leads_to_the_proforma() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(false, profile.path()).await;
    log_in(&app, &client).await;
    let htmx = client
        .execute("return typeof window.htmx;", vec![])
        .await
        .unwrap();
    assert_eq!(htmx, json!("undefined"), "the page's scripts do not run");
    let id = app.service_id(ABONENT, "przykladowa-firma.com");
    click(&client, &format!("#box-usluga-{id} button")).await;
    wait_for(&client, "#zaplac").await;
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/faktury/")
    );
    let flash = client
        .find(Locator::Css(".flash"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(flash.contains("Wystawiliśmy proformę"), "{flash}");
    client.close().await.unwrap();
}

/// The width of a common phone (iPhone 12–15) in CSS pixels.
pub(crate) const PHONE_WIDTH: u32 = 390;

/// Resizes the window to a phone's and checks the page really is that wide.
pub(crate) async fn as_a_phone(client: &Client, height: u32) {
    client.set_window_size(PHONE_WIDTH, height).await.unwrap();
    let width = client
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    assert!(
        width.abs_diff(u64::from(PHONE_WIDTH)) <= 16,
        "the viewport is a phone's: {width} px"
    );
}

/// How much wider than the screen the page is (0 when it fits).
pub(crate) async fn overflow(client: &Client) -> i64 {
    client
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap()
}

/// The cells matching `css` that are not wholly on the screen; fails when there are none at all.
pub(crate) async fn off_screen(client: &Client, css: &str) -> Vec<String> {
    let found = client
        .execute(
            "const cells = [...document.querySelectorAll(arguments[0])];
             return [cells.length, cells.filter(c => { const r = c.getBoundingClientRect();
               return r.width === 0 || r.left < 0 || r.right > window.innerWidth; }).map(c => c.textContent.trim())];",
            vec![json!(css)],
        )
        .await
        .unwrap();
    assert!(
        found[0].as_u64().unwrap() > 0,
        "{css} is on the page {}",
        client.current_url().await.unwrap()
    );
    serde_json::from_value(found[1].clone()).unwrap()
}

/// With `PANEL_SCREENSHOTS=<dir>` the test keeps a tall screenshot of the page there, to look at.
pub(crate) async fn screenshot(client: &Client, name: &str) {
    let Ok(dir) = std::env::var("PANEL_SCREENSHOTS") else {
        return;
    };
    client.set_window_size(PHONE_WIDTH, 2400).await.unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    as_a_phone(client, 844).await;
}

#[tokio::test]
async fn on_a_390_px_phone_no_page_is_wider_than_the_screen_and_amounts_and_statuses_are_on_it() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    as_a_phone(&client, 844).await;
    let mut too_wide = Vec::new();
    client.goto(&app.url("/logowanie")).await.unwrap();
    let logged_out = overflow(&client).await;
    if logged_out > 0 {
        too_wide.push(format!("/logowanie (+{logged_out} px)"));
    }
    log_in(&app, &client).await;

    let documents = app.documents_of(ABONENT);
    let proforma = documents.iter().find(|d| d.is_unpaid()).unwrap();
    let invoice = documents
        .iter()
        .find(|d| d.kind == panel::domain::DocumentKind::VatInvoice)
        .unwrap();
    let mut pages: Vec<String> = [
        "/pulpit",
        "/faktury",
        "/platnosci",
        "/domeny",
        "/hosting",
        "/skrzynki",
        "/ssl",
        "/cloud",
        "/kreator-www",
        "/open-xchange",
        "/uzytkownicy",
        "/dane-abonenta",
        "/sklep",
    ]
    .map(String::from)
    .into();
    pages.push(format!("/faktury/{}", proforma.id));
    pages.push(format!("/faktury/{}", invoice.id));
    pages.push(format!("/faktury/{}/zaplac", proforma.id));
    for name in ["przykladowa-firma.pl", "Serwer WWW 1", "cloud-1"] {
        pages.push(format!("/uslugi/{}", app.service_id(ABONENT, name)));
    }
    for page in &pages {
        client.goto(&app.url(page)).await.unwrap();
        assert_eq!(&client.current_url().await.unwrap().path(), page);
        let by = overflow(&client).await;
        if by > 0 {
            too_wide.push(format!("{page} (+{by} px)"));
        }
    }
    assert!(
        too_wide.is_empty(),
        "wider than a {PHONE_WIDTH} px screen: {too_wide:?}"
    );

    // What matters is on the screen without scrolling sideways (cells picked by column, so the
    // check does not depend on how the markup labels them).
    client.goto(&app.url("/pulpit")).await.unwrap();
    for css in [
        "#uslugi-naglowek ~ .table-wrap tbody td:nth-child(3)",
        "#uslugi-naglowek ~ .table-wrap tbody td:nth-child(4)",
        "#do-zaplaty",
        "#po-terminie",
    ] {
        let hidden = off_screen(&client, css).await;
        assert!(hidden.is_empty(), "Pulpit, {css} off-screen: {hidden:?}");
    }
    screenshot(&client, "pulpit").await;
    client.goto(&app.url("/faktury")).await.unwrap();
    // Brutto and Status of every document.
    for css in ["tbody td:nth-child(7)", "tbody td:nth-child(8)", "#rok"] {
        let hidden = off_screen(&client, css).await;
        assert!(hidden.is_empty(), "Faktury, {css} off-screen: {hidden:?}");
    }
    screenshot(&client, "faktury").await;
    client
        .goto(&app.url(&format!("/faktury/{}", proforma.id)))
        .await
        .unwrap();
    for css in ["tbody td:nth-child(4)", "tbody td:nth-child(5)", "#razem"] {
        let hidden = off_screen(&client, css).await;
        assert!(hidden.is_empty(), "proforma, {css} off-screen: {hidden:?}");
    }
    screenshot(&client, "proforma").await;
    client
        .goto(&app.url(&format!("/faktury/{}/zaplac", proforma.id)))
        .await
        .unwrap();
    for css in ["#kwota", "#rachunek", "#tytul"] {
        let hidden = off_screen(&client, css).await;
        assert!(hidden.is_empty(), "Zapłać, {css} off-screen: {hidden:?}");
    }
    screenshot(&client, "zaplac").await;
    client.goto(&app.url("/platnosci")).await.unwrap();
    // The balance, and each service's renewal settings (its period and the on/off button).
    for css in [
        "#saldo",
        "#odnawianie tbody td select",
        "#odnawianie tbody td button",
    ] {
        let hidden = off_screen(&client, css).await;
        assert!(hidden.is_empty(), "Płatności, {css} off-screen: {hidden:?}");
    }
    screenshot(&client, "platnosci").await;
    client.close().await.unwrap();
}

#[tokio::test]
async fn with_javascript_zaplac_z_salda_in_a_pulpit_box_swaps_the_box_and_stan_platnosci_without_a_reload()
 {
    let app = spawn_app().await;
    let account = app.account_id(ABONENT);
    let id = app.service_id(ABONENT, "przykladowa-firma.pl");
    app.log_in(ABONENT).await;
    assert_eq!(app.renew_htmx(id).await.status(), 200);
    let top_up = app
        .state
        .store
        .issue_top_up(
            account,
            panel::domain::Money(50_000),
            "browser-test-key",
            app.clock.now(),
        )
        .unwrap();
    app.admin_ok(&["record-payment", "--proforma", &top_up.number])
        .await;

    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    client
        .execute("window.stillTheSamePage = 'tak';", vec![])
        .await
        .unwrap();
    let box_selector = format!("#box-usluga-{id}");
    click(
        &client,
        &format!("{box_selector} form[action$='/zaplac-z-salda'] button"),
    )
    .await;
    let mut gone = false;
    for _ in 0..100 {
        if client.find(Locator::Css(&box_selector)).await.is_err() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(gone, "the box is swapped away");
    let flash = client
        .find(Locator::Css("#powiadomienia .flash"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        flash.contains("Zapłacono z salda. Wystawiono fakturę FV/"),
        "{flash}"
    );
    let balance = app.state.store.balance_of(account).unwrap();
    let due: panel::domain::Money = app
        .documents_of(ABONENT)
        .iter()
        .filter(|d| d.is_unpaid())
        .map(|d| d.total_gross())
        .sum();
    let text = |css: &'static str| {
        let client = client.clone();
        async move {
            client
                .find(Locator::Css(css))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        text("#saldo").await,
        balance.to_string(),
        "Stan płatności follows"
    );
    assert_eq!(text("#do-zaplaty").await, due.to_string());
    assert_eq!(
        text("#naleznosci").await,
        due.to_string(),
        "and the Faktury module"
    );
    let marker = client
        .execute("return window.stillTheSamePage;", vec![])
        .await
        .unwrap();
    assert_eq!(marker, json!("tak"), "without a reload");
    assert_eq!(client.current_url().await.unwrap().path(), "/pulpit");

    // The payment page shows its Kopiuj buttons where JavaScript runs, within the CSP.
    let unpaid = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.is_unpaid())
        .unwrap();
    client
        .goto(&app.url(&format!("/faktury/{}/zaplac", unpaid.id)))
        .await
        .unwrap();
    wait_for(&client, "#tytul").await;
    let shown = client
        .find(Locator::Css("button.copy"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap();
    assert!(shown, "Kopiuj is shown");
    let lines = console(&client).await;
    assert!(
        csp_violations(&lines).is_empty(),
        "no CSP violation: {lines:?}"
    );
    client.close().await.unwrap();
}
