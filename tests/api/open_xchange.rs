//! Open-Xchange: the customer sees the licences owned, assigned and free (the same numbers as the
//! Pulpit), assigns one to a mailbox and releases it, each with its provisioning task; the
//! refusals are in Polish; deleting a mailbox gives its licence back.

use crate::helpers::{TestApp, spawn_app};
use panel::domain::Mailbox;
use panel::domain::task::{Task, TaskAction};
use reqwest::StatusCode;

const OWNER: &str = "abonent@example.com";
const HOLDER: &str = "anna.nowak@przykladowa-firma.pl";
const BIURO: &str = "biuro@przykladowa-firma.pl";

impl TestApp {
    fn ox_tasks(&self) -> Vec<Task> {
        let id = self.service_id(OWNER, "Open-Xchange");
        self.state.store.tasks_of_service(id).unwrap()
    }

    fn mailbox_id(&self, address: &str) -> u64 {
        let account = self.account_id(OWNER);
        let mailboxes = self.state.store.mailboxes_of_account(account).unwrap();
        mailboxes.iter().find(|m| m.address == address).unwrap().id
    }

    async fn assign(&self, skrzynka: &str) -> reqwest::Response {
        let csrf = self.csrf().await;
        let form = [("skrzynka", skrzynka), ("csrf_token", &csrf)];
        self.post_form("/open-xchange/przypisz", &form).await
    }

    async fn release(&self, mailbox_id: u64) -> reqwest::Response {
        let csrf = self.csrf().await;
        let form = [("csrf_token", csrf.as_str())];
        self.post_form(&format!("/open-xchange/{mailbox_id}/zwolnij"), &form)
            .await
    }

    async fn ox_page(&self) -> String {
        let page = self.get("/open-xchange").await;
        assert_eq!(page.status(), StatusCode::OK);
        page.text().await.unwrap()
    }
}

/// The number in `<dd id="{id}">`.
fn figure(html: &str, id: &str) -> u32 {
    let start = format!("id=\"{id}\">");
    let at = html.find(&start).unwrap_or_else(|| panic!("no #{id}")) + start.len();
    let end = html[at..].find('<').unwrap();
    html[at..at + end].parse().unwrap()
}

#[tokio::test]
async fn the_page_counts_licences_as_the_pulpit_does_before_and_after_an_assignment() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let page = app.ox_page().await;
    let pulpit = app.pulpit().await;
    assert_eq!(figure(&page, "ox-licencje"), 5);
    assert_eq!(figure(&page, "ox-przypisane"), 1);
    assert_eq!(figure(&page, "ox-wolne"), 4);
    assert_eq!(figure(&pulpit, "ox-licencje"), figure(&page, "ox-licencje"));
    assert_eq!(figure(&pulpit, "ox-wolne"), figure(&page, "ox-wolne"));
    assert!(page.contains(HOLDER) && page.contains("Zwolnij licencję"));
    assert!(
        page.contains("table class=\"stacked\""),
        "phone-friendly table"
    );

    let id = app.mailbox_id(BIURO).to_string();
    let assigned = app.assign(&id).await;
    assert_eq!(assigned.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.ox_tasks().last().map(|t| &t.action),
        Some(&TaskAction::AssignOxLicence {
            address: BIURO.into()
        })
    );
    let page = app.ox_page().await;
    assert!(
        page.contains("Przypisaliśmy licencję Open-Xchange skrzynce biuro@"),
        "{page}"
    );
    assert_eq!(figure(&page, "ox-wolne"), 3);
    assert_eq!(figure(&app.pulpit().await, "ox-wolne"), 3);
    let table = &page[page.find("id=\"posiadacze\"").unwrap()..];
    assert!(table.contains(BIURO), "listed as a holder");
}

#[tokio::test]
async fn a_licence_is_released_with_its_task() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let released = app.release(app.mailbox_id(HOLDER)).await;
    assert_eq!(released.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.ox_tasks().last().map(|t| &t.action),
        Some(&TaskAction::ReleaseOxLicence {
            address: HOLDER.into()
        })
    );
    let page = app.ox_page().await;
    assert_eq!(figure(&page, "ox-wolne"), 5);
    assert!(
        page.contains("Żadna skrzynka nie ma jeszcze licencji."),
        "{page}"
    );
    let twice = app.release(app.mailbox_id(HOLDER)).await;
    assert_eq!(
        twice.status(),
        StatusCode::NOT_FOUND,
        "no licence left to release"
    );
}

#[tokio::test]
async fn refusals_are_in_polish_next_to_the_field_and_write_nothing() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let already = app.assign(&app.mailbox_id(HOLDER).to_string()).await;
    assert_eq!(already.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = already.text().await.unwrap();
    assert!(
        page.contains("Ta skrzynka ma już licencję Open-Xchange."),
        "{page}"
    );
    assert!(page.contains("aria-invalid=\"true\""));
    for nobody in ["999999", "abc", ""] {
        let response = app.assign(nobody).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = response.text().await.unwrap();
        assert!(text.contains("Wybierz jedną ze skrzynek e-mail tego konta."));
    }
    assert!(app.ox_tasks().is_empty(), "a refusal writes no task");

    // Five licences: with six more mailboxes, the fifth holder takes the last one.
    let account = app.account_id(OWNER);
    let server = app.service_id(OWNER, "Serwer WWW 1");
    for n in 0..5 {
        app.state
            .store
            .add_mailbox(Mailbox {
                id: 0,
                account_id: account,
                hosting_service_id: server,
                address: format!("os{n}@przykladowa-firma.pl"),
                quota_mb: 100,
                used_mb: 0,
                password_hash: None,
            })
            .unwrap();
    }
    for n in 0..4 {
        let id = app.mailbox_id(&format!("os{n}@przykladowa-firma.pl"));
        assert_eq!(
            app.assign(&id.to_string()).await.status(),
            StatusCode::SEE_OTHER
        );
    }
    let full = app
        .assign(&app.mailbox_id("os4@przykladowa-firma.pl").to_string())
        .await;
    assert_eq!(full.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        full.text()
            .await
            .unwrap()
            .contains("Nie masz wolnej licencji.")
    );
    assert_eq!(app.ox_tasks().len(), 4);
}

#[tokio::test]
async fn deleting_a_licensed_mailbox_frees_its_licence() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let id = app.mailbox_id(HOLDER);
    let csrf = app.csrf().await;
    let deleted = app
        .post_form(
            &format!("/skrzynki/{id}/usun"),
            &[("potwierdzam", "tak"), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.ox_tasks().last().map(|t| &t.action),
        Some(&TaskAction::ReleaseOxLicence {
            address: HOLDER.into()
        })
    );
    let page = app.ox_page().await;
    assert_eq!(figure(&page, "ox-wolne"), 5);
    assert!(
        page.contains("Żadna skrzynka nie ma jeszcze licencji."),
        "{page}"
    );
    assert!(
        page.contains("Zwolnienie licencji Open-Xchange (anna.nowak@"),
        "the release task is listed"
    );
}

#[tokio::test]
async fn another_account_cannot_release_or_assign_this_accounts_mailboxes() {
    let app = spawn_app().await;
    let holder = app.mailbox_id(HOLDER);
    let biuro = app.mailbox_id(BIURO);
    app.log_in("inny@example.com").await;
    let page = app.ox_page().await;
    assert!(!page.contains(HOLDER));
    assert!(page.contains("Nie masz licencji Open-Xchange."), "{page}");
    assert_eq!(app.release(holder).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.assign(&biuro.to_string()).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(app.ox_tasks().is_empty());
}

#[tokio::test]
async fn ksiegowosc_sees_the_licences_without_buttons_and_gets_403() {
    let app = spawn_app().await;
    let holder = app.mailbox_id(HOLDER);
    app.log_in("ksiegowosc@example.com").await;
    let page = app.ox_page().await;
    assert!(
        page.contains(HOLDER) && !page.contains("Zwolnij licencję"),
        "{page}"
    );
    assert!(!page.contains("/open-xchange/przypisz"));
    assert_eq!(app.release(holder).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.assign(&app.mailbox_id(BIURO).to_string())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert!(app.ox_tasks().is_empty());
}
