//! Hardening of logging in (issue 5, points 2, 3 and 10): guessing codes at scale, targeted
//! lock-out, X-Forwarded-For, disabled users, the link page, housekeeping and session limits.

use crate::helpers::{Options, TestApp, csrf_of, decode_qp, new_client, spawn_app, spawn_app_with};
use jiff::SignedDuration;
use panel::config::LoginLimits;
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";
const INNY: &str = "inny@example.com";
const LOCKED: &str = "Wpisano zbyt wiele błędnych kodów dla tego adresu";
const NOTICE: &str = "Zablokowaliśmy logowanie kodem dla adresu";

/// A browser of its own behind the trusted proxy (127.0.0.1), seen as `ip`.
struct Visitor<'a> {
    app: &'a TestApp,
    http: reqwest::Client,
    ip: &'static str,
    token: String,
}

impl<'a> Visitor<'a> {
    async fn new(app: &'a TestApp, ip: &'static str) -> Visitor<'a> {
        let http = new_client();
        let page = http.get(app.url("/logowanie")).send().await.unwrap();
        let token = csrf_of(&page.text().await.unwrap());
        Visitor {
            app,
            http,
            ip,
            token,
        }
    }

    async fn get(&self, url: &str) -> reqwest::Response {
        let url = if url.starts_with("http") {
            url.to_string()
        } else {
            self.app.url(url)
        };
        let request = self.http.get(url).header("X-Forwarded-For", self.ip);
        request.send().await.unwrap()
    }

    async fn post(&self, url: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form = fields.to_vec();
        form.push(("csrf_token", &self.token));
        self.http
            .post(self.app.url(url))
            .header("X-Forwarded-For", self.ip)
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    async fn request_code(&self, email: &str) -> StatusCode {
        self.post("/logowanie", &[("email", email)]).await.status()
    }

    async fn enter_code(&self, email: &str, code: &str) -> reqwest::Response {
        self.post("/logowanie/kod", &[("email", email), ("kod", code)])
            .await
    }

    /// Opens an e-mailed link (its page must name the masked address) and presses Zaloguj.
    async fn follow_link(&self, link: &str, masked: &str) -> reqwest::Response {
        let page = self.get(link).await;
        assert_eq!(page.status(), StatusCode::OK, "the link is still good");
        let html = page.text().await.unwrap();
        assert!(html.contains(masked), "the page names {masked}");
        let path = link.trim_start_matches(&self.app.base).to_string();
        self.http
            .post(self.app.url(&path))
            .header("X-Forwarded-For", self.ip)
            .form(&[("csrf_token", csrf_of(&html))])
            .send()
            .await
            .unwrap()
    }

    async fn is_logged_in(&self) -> bool {
        self.get("/pulpit").await.status() == StatusCode::OK
    }
}

fn wrong(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

async fn behind_proxy(limits: LoginLimits) -> TestApp {
    spawn_app_with(Options {
        limits,
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Options::default()
    })
    .await
}

fn notices_to(app: &TestApp, to: &str) -> usize {
    app.delivered()
        .iter()
        .filter(|(_, raw)| raw.contains(&format!("To: {to}")) && decode_qp(raw).contains(NOTICE))
        .count()
}

#[tokio::test]
async fn ten_wrong_codes_across_several_codes_lock_the_address_and_its_owner_is_told_once() {
    let limits = LoginLimits {
        per_client_address_burst: 10,
        ..LoginLimits::default()
    };
    let app = behind_proxy(limits).await;
    let attacker = Visitor::new(&app, "203.0.113.66").await;
    for round in 0..2 {
        assert_eq!(attacker.request_code(ABONENT).await, StatusCode::OK);
        let mail = app.next_login_mail(ABONENT).await;
        for attempt in 0..5 {
            let response = attacker.enter_code(ABONENT, &wrong(&mail.code)).await;
            if round == 1 && attempt == 4 {
                assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
                assert!(response.text().await.unwrap().contains(LOCKED));
            } else {
                assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            }
        }
    }

    // A fresh code, the right one: still refused, the budget is spent.
    assert_eq!(attacker.request_code(ABONENT).await, StatusCode::OK);
    let fresh = app.next_login_mail(ABONENT).await;
    let response = attacker.enter_code(ABONENT, &fresh.code).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.text().await.unwrap().contains(LOCKED));
    assert!(!attacker.is_logged_in().await);

    let notice = app.next_mail(ABONENT, NOTICE).await;
    assert!(notice.contains("Możesz nadal logować się linkiem"));
    attacker.enter_code(ABONENT, &wrong(&fresh.code)).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(notices_to(&app, ABONENT), 1, "one notice per lock-out");

    // An address without an account gets the same answers (and no mail).
    let nobody = "nikt@example.com";
    for _ in 0..2 {
        attacker.request_code(nobody).await;
        for _ in 0..5 {
            attacker.enter_code(nobody, "000000").await;
        }
    }
    let same = attacker.enter_code(nobody, "000000").await;
    assert_eq!(same.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(same.text().await.unwrap().contains(LOCKED));
    assert_eq!(notices_to(&app, nobody), 0);

    // The e-mailed link still logs the owner in; the next day codes work again.
    let owner = Visitor::new(&app, "198.51.100.7").await;
    let response = owner.follow_link(&fresh.link, "ab****@example.com").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(owner.is_logged_in().await);
    app.clock.advance(SignedDuration::from_hours(24));
    let next_day = Visitor::new(&app, "198.51.100.8").await;
    assert_eq!(next_day.request_code(ABONENT).await, StatusCode::OK);
    let mail = app.next_login_mail(ABONENT).await;
    let response = next_day.enter_code(ABONENT, &mail.code).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_victim_logs_in_with_the_mailed_link_while_an_attacker_sends_wrong_codes() {
    let app = behind_proxy(LoginLimits::default()).await;
    let victim = Visitor::new(&app, "198.51.100.7").await;
    let attackers = [
        Visitor::new(&app, "203.0.113.66").await,
        Visitor::new(&app, "203.0.113.67").await,
    ];

    assert_eq!(victim.request_code(ABONENT).await, StatusCode::OK);
    let first = app.next_login_mail(ABONENT).await;
    for _ in 0..5 {
        let response = attackers[0].enter_code(ABONENT, &wrong(&first.code)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        victim.enter_code(ABONENT, &first.code).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "five wrong tries killed the code"
    );
    let response = victim.follow_link(&first.link, "ab****@example.com").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "but not the link");
    assert!(victim.is_logged_in().await);

    // The attacker asks for a new code and spends the rest of the budget from two IPs.
    assert_eq!(attackers[1].request_code(ABONENT).await, StatusCode::OK);
    let second = app.next_login_mail(ABONENT).await;
    for (i, attacker) in attackers.iter().cycle().take(5).enumerate() {
        let response = attacker.enter_code(ABONENT, &wrong(&second.code)).await;
        let expected = if i == 4 {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        assert_eq!(response.status(), expected);
    }
    for attacker in &attackers {
        attacker.enter_code(ABONENT, &wrong(&second.code)).await;
    }

    // Locked for codes, the victim still logs in on another device with the mailed link.
    let phone = Visitor::new(&app, "198.51.100.7").await;
    let response = phone.follow_link(&second.link, "ab****@example.com").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(phone.is_logged_in().await);
    assert!(!attackers[0].is_logged_in().await);
}

#[tokio::test]
async fn one_client_cannot_use_up_a_victims_code_requests() {
    let app = behind_proxy(LoginLimits::default()).await;
    let attacker = Visitor::new(&app, "203.0.113.66").await;
    for _ in 0..3 {
        assert_eq!(attacker.request_code(ABONENT).await, StatusCode::OK);
    }
    for _ in 0..10 {
        assert_eq!(
            attacker.request_code(ABONENT).await,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    let ipv6_neighbour = Visitor::new(&app, "2001:db8:1:2::66").await;
    let same_64 = Visitor::new(&app, "2001:db8:1:2::67").await;
    for _ in 0..3 {
        assert_eq!(ipv6_neighbour.request_code(ABONENT).await, StatusCode::OK);
    }
    assert_eq!(
        same_64.request_code(ABONENT).await,
        StatusCode::TOO_MANY_REQUESTS,
        "an IPv6 /64 is one client"
    );

    for _ in 0..6 {
        app.next_login_mail(ABONENT).await;
    }

    let victim = Visitor::new(&app, "198.51.100.7").await;
    assert_eq!(victim.request_code(ABONENT).await, StatusCode::OK);
    let mail = app.next_login_mail(ABONENT).await;
    let response = victim.enter_code(ABONENT, &mail.code).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_flood_of_wrong_codes_stops_code_entry_for_everyone_but_links_still_work() {
    let limits = LoginLimits {
        breaker_failures: 3,
        ..LoginLimits::default()
    };
    let app = spawn_app_with(Options {
        limits,
        ..Options::default()
    })
    .await;
    app.request_code(ABONENT).await;
    let abonent = app.next_login_mail(ABONENT).await;
    app.request_code(INNY).await;
    let inny = app.next_login_mail(INNY).await;
    for (email, code) in [
        (ABONENT, &abonent.code),
        (ABONENT, &abonent.code),
        (INNY, &inny.code),
    ] {
        let response = app.enter_code(email, &wrong(code)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    let refused = app.enter_code(INNY, &inny.code).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Logowanie kodem jest chwilowo wyłączone")
    );
    let someone_else = new_client();
    let page = someone_else
        .get(abonent.link.as_str())
        .send()
        .await
        .unwrap();
    let token = csrf_of(&page.text().await.unwrap());
    let response = someone_else
        .post(abonent.link.as_str())
        .form(&[("csrf_token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "links still work");

    app.clock.advance(SignedDuration::from_mins(30));
    app.request_code(INNY).await;
    app.log_in_with_next_code(INNY).await;
}

#[tokio::test]
async fn a_disabled_user_enabled_again_does_not_get_their_old_session_back() {
    let app = spawn_app().await;
    let email = "ksiegowosc@example.com";
    app.log_in(email).await;
    let cookie = app.session_cookie().await;
    assert_eq!(app.state.store.login_rows().unwrap().0, 1);
    app.admin_ok(&["disable-user", "--email", email]).await;
    assert_eq!(
        app.state.store.login_rows().unwrap().0,
        0,
        "the session row went"
    );
    let user = panel::domain::Email::parse(email).unwrap();
    app.state
        .store
        .set_user_active(&user, true, app.clock.now())
        .unwrap();
    let replay = new_client()
        .get(app.url("/pulpit"))
        .header("Cookie", format!("panel_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    assert_eq!(replay.headers()["location"], "/logowanie?sesja=wygasla");
}

#[tokio::test]
async fn the_housekeeping_job_deletes_expired_sessions_codes_and_links() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    app.request_code(INNY).await;
    app.next_login_mail(INNY).await;
    let store = &app.state.store;
    assert_eq!(store.login_rows().unwrap(), (1, 1, 1));
    panel::jobs::run_once(store, app.clock.now()).unwrap();
    assert_eq!(store.login_rows().unwrap(), (1, 1, 1), "all still good");

    app.clock.advance(SignedDuration::from_mins(10));
    panel::jobs::run_once(store, app.clock.now()).unwrap();
    assert_eq!(store.login_rows().unwrap(), (1, 0, 0), "the code expired");

    app.clock.advance(SignedDuration::from_mins(20));
    assert_eq!(panel::jobs::run_once(store, app.clock.now()).unwrap(), 1);
    assert_eq!(
        store.login_rows().unwrap(),
        (0, 0, 0),
        "the session idled out"
    );
}

#[tokio::test]
async fn a_busy_session_still_ends_twelve_hours_after_login() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let mut elapsed = SignedDuration::ZERO;
    let step = SignedDuration::from_mins(25);
    while elapsed + step < SignedDuration::from_hours(12) {
        app.clock.advance(step);
        elapsed += step;
        assert_eq!(
            app.get("/pulpit").await.status(),
            StatusCode::OK,
            "alive after {elapsed}"
        );
    }
    app.clock.advance(step);
    let response = app.get("/pulpit").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/logowanie?sesja=wygasla");
}

#[tokio::test]
async fn an_expired_link_neither_shows_its_button_nor_logs_in() {
    let app = spawn_app().await;
    app.request_code(ABONENT).await;
    let mail = app.next_login_mail(ABONENT).await;
    let path = mail.link.trim_start_matches(&app.base).to_string();
    let page = app.get(&path).await.text().await.unwrap();
    let token = csrf_of(&page);
    app.clock.advance(SignedDuration::from_mins(10));
    assert_eq!(app.get(&path).await.status(), StatusCode::GONE);
    let response = app.post_form(&path, &[("csrf_token", &token)]).await;
    assert_eq!(response.status(), StatusCode::GONE, "the link is dead");
    assert_eq!(
        app.get("/pulpit").await.status(),
        StatusCode::SEE_OTHER,
        "nobody logged in"
    );
}

#[tokio::test]
async fn housekeeping_keeps_a_lock_out_and_deletes_the_budget_once_it_no_longer_matters() {
    let limits = LoginLimits {
        per_client_address_burst: 10,
        ..LoginLimits::default()
    };
    let app = behind_proxy(limits).await;
    let attacker = Visitor::new(&app, "203.0.113.67").await;
    for _ in 0..2 {
        attacker.request_code(ABONENT).await;
        let mail = app.next_login_mail(ABONENT).await;
        for _ in 0..5 {
            attacker.enter_code(ABONENT, &wrong(&mail.code)).await;
        }
    }
    attacker.request_code(INNY).await;
    let other = app.next_login_mail(INNY).await;
    attacker.enter_code(INNY, &wrong(&other.code)).await;
    // An address without an account: its budget is kept all the same, and it has no mail.
    attacker.request_code("nikt@example.com").await;
    attacker.enter_code("nikt@example.com", "000000").await;
    let store = &app.state.store;
    assert_eq!(store.failure_budget_rows().unwrap(), 3);

    panel::jobs::run_once(store, app.clock.now()).unwrap();
    assert_eq!(store.failure_budget_rows().unwrap(), 3, "all still matter");
    attacker.request_code(ABONENT).await;
    let fresh = app.next_login_mail(ABONENT).await;
    let response = attacker.enter_code(ABONENT, &fresh.code).await;
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "still locked"
    );

    // A day on, no budget says anything any more.
    app.clock.advance(SignedDuration::from_hours(24));
    let sessions_and_codes = store.login_rows().unwrap();
    assert_eq!(sessions_and_codes.0, 0);
    let removed = panel::jobs::run_once(store, app.clock.now()).unwrap();
    assert_eq!(
        removed as u64,
        3 + sessions_and_codes.1,
        "the three budgets and the code rows (with their links) are counted"
    );
    assert_eq!(store.failure_budget_rows().unwrap(), 0);
}
