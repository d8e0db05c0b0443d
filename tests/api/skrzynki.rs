//! Skrzynki e-mail: the customer creates a mailbox on their server within the plan's limits,
//! changes its password and quota, deletes it after a second step; each change is a provisioning
//! task; the password is stored only as an argon2 hash; roles and other accounts are kept out.

use crate::helpers::{TestApp, spawn_app};
use panel::domain::mailbox::password_matches;
use panel::domain::service::Lifecycle;
use panel::domain::task::TaskAction;
use panel::domain::{Mailbox, Service, ServiceDetails, ServiceKind};
use reqwest::StatusCode;

const OWNER: &str = "abonent@example.com";
const SERVER: &str = "Serwer WWW 1";
const DOMAIN: &str = "przykladowa-firma.pl";
const GOOD_PASSWORD: &str = "Zielony-Kot-42";
/// 97 % full in the demo.
const FULL: &str = "biuro@przykladowa-firma.pl";

impl TestApp {
    fn mailboxes(&self) -> Vec<Mailbox> {
        let account = self.account_id(OWNER);
        self.state.store.mailboxes_of_account(account).unwrap()
    }

    fn mailbox(&self, address: &str) -> Option<Mailbox> {
        self.mailboxes().into_iter().find(|m| m.address == address)
    }

    fn mailbox_tasks(&self, server: &str) -> Vec<TaskAction> {
        let id = self.service_id(OWNER, server);
        let tasks = self.state.store.tasks_of_service(id).unwrap();
        tasks.into_iter().map(|t| t.action).collect()
    }

    /// Sends the new-mailbox form on the demo server, with `fields` over the valid defaults.
    async fn create_mailbox(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        let server = self.service_id(OWNER, SERVER).to_string();
        let mut form: Vec<(&str, String)> = vec![
            ("serwer", server),
            ("nazwa", "Sekretariat".into()),
            ("domena", DOMAIN.into()),
            ("limit", "1024".into()),
            ("haslo", GOOD_PASSWORD.into()),
        ];
        for (name, value) in fields {
            match form.iter_mut().find(|(k, _)| k == name) {
                Some(field) => field.1 = value.to_string(),
                None => form.push((name, value.to_string())),
            }
        }
        form.push(("csrf_token", self.csrf().await));
        self.client
            .post(self.url("/skrzynki"))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    async fn mailbox_post(
        &self,
        id: u64,
        what: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let csrf = self.csrf().await;
        let mut form = fields.to_vec();
        form.push(("csrf_token", &csrf));
        self.post_form(&format!("/skrzynki/{id}/{what}"), &form)
            .await
    }
}

/// A second hosting of the owner, "Serwer mały", with room for `mailbox_limit` mailboxes.
fn add_hosting(app: &TestApp, mailbox_limit: u32, lifecycle: Lifecycle) -> Service {
    let service = Service {
        id: 0,
        account_id: app.account_id(OWNER),
        kind: ServiceKind::Hosting,
        name: "Serwer mały".into(),
        plan_id: 3,
        lifecycle,
        expires_on: jiff::civil::date(2030, 1, 1),
        auto_renew: false,
        renewal_months: None,
        details: ServiceDetails::Hosting {
            disk_quota_mb: 5000,
            disk_used_mb: 0,
            mailbox_limit,
            domains: vec![],
            php_version: "8.3".into(),
        },
        created_at: app.clock.now(),
    };
    app.state.store.add_service(service).unwrap()
}

async fn owner_app() -> TestApp {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    app
}

#[tokio::test]
async fn a_new_mailbox_is_created_with_only_a_hash_of_its_password_and_a_task_for_the_server() {
    let app = owner_app().await;
    let response = app.create_mailbox(&[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/skrzynki");
    let page = app.get("/skrzynki").await.text().await.unwrap();
    assert!(
        page.contains("sekretariat@przykladowa-firma.pl"),
        "lower-cased and listed"
    );
    let created = app.mailbox("sekretariat@przykladowa-firma.pl").unwrap();
    assert_eq!(created.quota_mb, 1024);
    let hash = created.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains(GOOD_PASSWORD));
    assert!(password_matches(&hash, GOOD_PASSWORD));
    let tasks = app.mailbox_tasks(SERVER);
    // The host's mail server gets the hash to check logins against, never the password.
    assert_eq!(
        tasks.last(),
        Some(&TaskAction::CreateMailbox {
            address: "sekretariat@przykladowa-firma.pl".into(),
            quota_mb: 1024,
            password_hash: hash.clone(),
        })
    );
    let stored = serde_json::to_string(&tasks).unwrap();
    assert!(!stored.contains(GOOD_PASSWORD));
}

#[tokio::test]
async fn an_address_that_exists_is_refused_next_to_the_name() {
    let app = owner_app().await;
    let before = app.mailboxes().len();
    let response = app.create_mailbox(&[("nazwa", "Biuro")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("Skrzynka o tym adresie już istnieje."));
    assert_eq!(app.mailboxes().len(), before);
}

#[tokio::test]
async fn a_quota_over_what_the_plan_has_left_is_refused() {
    let app = owner_app().await;
    // 20 480 MB in the plan, 2 048 + 4 096 + 1 024 given to the demo's mailboxes.
    let response = app.create_mailbox(&[("limit", "13313")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("Pakiet ma wolne jeszcze 13312 MB"), "{page}");
    assert!(app.mailbox("sekretariat@przykladowa-firma.pl").is_none());
    let fits = app.create_mailbox(&[("limit", "13312")]).await;
    assert_eq!(fits.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_mailbox_beyond_the_plans_count_is_refused() {
    let app = owner_app().await;
    let small = add_hosting(&app, 1, Lifecycle::Live);
    let server = small.id.to_string();
    let first = app
        .create_mailbox(&[("serwer", &server), ("nazwa", "jeden")])
        .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let second = app
        .create_mailbox(&[("serwer", &server), ("nazwa", "dwa")])
        .await;
    assert_eq!(second.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = second.text().await.unwrap();
    assert!(
        page.contains("Limit skrzynek na tym serwerze w pakiecie: 1."),
        "{page}"
    );
    assert!(app.mailbox("dwa@przykladowa-firma.pl").is_none());
}

#[tokio::test]
async fn a_suspended_server_takes_no_new_mailbox_and_is_not_offered() {
    let app = owner_app().await;
    let suspended = add_hosting(&app, 5, Lifecycle::Suspended);
    let page = app.get("/skrzynki").await.text().await.unwrap();
    assert!(
        page.contains("Serwer mały"),
        "its mailboxes are still listed"
    );
    assert!(
        !page.contains(&format!("<option value=\"{}\"", suspended.id)),
        "not offered"
    );
    let server = suspended.id.to_string();
    let response = app.create_mailbox(&[("serwer", &server)]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Ten serwer nie jest aktywny")
    );
    assert!(app.mailbox("sekretariat@przykladowa-firma.pl").is_none());
}

#[tokio::test]
async fn a_weak_password_is_refused_in_polish_and_the_rest_of_the_form_is_kept() {
    let app = owner_app().await;
    for (weak, message) in [
        ("krotkie", "Hasło musi mieć co najmniej 10 znaków."),
        (
            "sekretariat2026",
            "Hasło nie może zawierać adresu skrzynki.",
        ),
        ("qwertyuiop1", "zbyt łatwe do odgadnięcia"),
    ] {
        let response = app
            .create_mailbox(&[("haslo", weak), ("limit", "777")])
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{weak}"
        );
        let page = response.text().await.unwrap();
        assert!(page.contains(message), "{weak}: {message}");
        assert!(page.contains("value=\"Sekretariat\"") && page.contains("value=\"777\""));
        assert!(!page.contains(weak), "the password is not sent back");
    }
    assert!(app.mailbox("sekretariat@przykladowa-firma.pl").is_none());
}

#[tokio::test]
async fn the_password_and_the_quota_of_a_mailbox_are_changed_with_their_tasks() {
    let app = owner_app().await;
    let mailbox = app.mailbox(FULL).unwrap();
    let changed = app
        .mailbox_post(mailbox.id, "haslo", &[("haslo", "Nowe-Haslo-2026!")])
        .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let hash = app.mailbox(FULL).unwrap().password_hash.unwrap();
    assert!(password_matches(&hash, "Nowe-Haslo-2026!"));
    let weak = app
        .mailbox_post(mailbox.id, "haslo", &[("haslo", "krotkie")])
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let below = app
        .mailbox_post(mailbox.id, "limit", &[("limit", "1000")])
        .await;
    assert_eq!(below.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        below
            .text()
            .await
            .unwrap()
            .contains("Skrzynka zajmuje już 1987 MB")
    );
    let over = app
        .mailbox_post(mailbox.id, "limit", &[("limit", "15361")])
        .await;
    assert_eq!(over.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bigger = app
        .mailbox_post(mailbox.id, "limit", &[("limit", "15360")])
        .await;
    assert_eq!(bigger.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.mailbox(FULL).unwrap().quota_mb, 15360);
    let tasks = app.mailbox_tasks(SERVER);
    assert_eq!(
        tasks,
        vec![
            TaskAction::SetMailboxPassword {
                address: FULL.into(),
                password_hash: hash,
            },
            TaskAction::SetMailboxQuota {
                address: FULL.into(),
                quota_mb: 15360
            },
        ]
    );
}

#[tokio::test]
async fn deleting_a_mailbox_asks_first_and_deletes_only_when_confirmed() {
    let app = owner_app().await;
    let mailbox = app.mailbox(FULL).unwrap();
    let asked = app.mailbox_post(mailbox.id, "usun", &[]).await;
    assert_eq!(asked.status(), StatusCode::OK);
    let page = asked.text().await.unwrap();
    assert!(page.contains(&format!("Czy na pewno usunąć skrzynkę {FULL}?")));
    assert!(page.contains("name=\"potwierdzam\" value=\"tak\""));
    assert!(app.mailbox(FULL).is_some(), "not deleted yet");
    let deleted = app
        .mailbox_post(mailbox.id, "usun", &[("potwierdzam", "tak")])
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(deleted.headers()["location"], "/skrzynki");
    assert!(app.mailbox(FULL).is_none());
    assert_eq!(
        app.mailbox_tasks(SERVER),
        vec![TaskAction::DeleteMailbox {
            address: FULL.into()
        }]
    );
    let again = app.create_mailbox(&[("nazwa", "biuro")]).await;
    assert_eq!(
        again.status(),
        StatusCode::SEE_OTHER,
        "the address is free again"
    );
}

#[tokio::test]
async fn another_accounts_mailbox_is_not_found_and_its_server_not_offered() {
    let app = spawn_app().await;
    let mailbox = app.mailbox(FULL).unwrap();
    app.log_in("inny@example.com").await;
    assert_eq!(
        app.get(&format!("/skrzynki/{}", mailbox.id)).await.status(),
        StatusCode::NOT_FOUND
    );
    let deleted = app
        .mailbox_post(mailbox.id, "usun", &[("potwierdzam", "tak")])
        .await;
    assert_eq!(deleted.status(), StatusCode::NOT_FOUND);
    let changed = app
        .mailbox_post(mailbox.id, "limit", &[("limit", "3000")])
        .await;
    assert_eq!(changed.status(), StatusCode::NOT_FOUND);
    let on_their_server = app.create_mailbox(&[]).await;
    assert_eq!(on_their_server.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.mailbox(FULL).unwrap().quota_mb, mailbox.quota_mb);
    assert!(app.mailbox("sekretariat@przykladowa-firma.pl").is_none());
}

#[tokio::test]
async fn ksiegowosc_gets_403_and_nothing_changes() {
    let app = spawn_app().await;
    let mailbox = app.mailbox(FULL).unwrap();
    app.log_in("ksiegowosc@example.com").await;
    let page = app.get("/skrzynki").await.text().await.unwrap();
    assert!(page.contains(FULL) && !page.contains("Załóż skrzynkę"));
    assert_eq!(
        app.create_mailbox(&[]).await.status(),
        StatusCode::FORBIDDEN
    );
    let deleted = app
        .mailbox_post(mailbox.id, "usun", &[("potwierdzam", "tak")])
        .await;
    assert_eq!(deleted.status(), StatusCode::FORBIDDEN);
    let changed = app
        .mailbox_post(mailbox.id, "haslo", &[("haslo", GOOD_PASSWORD)])
        .await;
    assert_eq!(changed.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.mailboxes().len(), 3);
    assert_eq!(app.mailbox(FULL).unwrap().password_hash, None);
    assert!(app.mailbox_tasks(SERVER).is_empty());
}

#[tokio::test]
async fn a_technical_user_may_create_a_mailbox() {
    let app = spawn_app().await;
    app.add_user(OWNER, "tech@example.com", "techniczny").await;
    app.log_in("tech@example.com").await;
    assert_eq!(
        app.create_mailbox(&[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(app.mailbox("sekretariat@przykladowa-firma.pl").is_some());
}

#[tokio::test]
async fn a_97_percent_full_mailbox_shows_a_red_bar_and_a_roomy_one_a_green_bar() {
    let app = owner_app().await;
    let page = app.get("/skrzynki").await.text().await.unwrap();
    let row = |address: &str| {
        let at = page.find(&format!(">{address}<")).unwrap();
        let end = page[at..].find("</tr>").unwrap();
        page[at..at + end].to_string()
    };
    let full = row(FULL);
    assert!(
        full.contains("usage--danger") && full.contains("97%"),
        "{full}"
    );
    assert!(!full.contains("usage--ok"));
    let roomy = row("anna.nowak@przykladowa-firma.pl");
    assert!(roomy.contains("usage--ok"), "{roomy}");
    assert!(
        page.contains("Skrzynki: <strong>3 z 50</strong>"),
        "count against the limit"
    );
}
