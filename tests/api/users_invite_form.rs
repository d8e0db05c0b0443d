//! The invite form of Użytkownicy refused: what was typed stays (address, name, role, the chosen
//! services) and each message stands next to its field, whether the form or the account refused.

use crate::helpers::{TestApp, spawn_app};
use reqwest::StatusCode;

const OWNER: &str = "abonent@example.com";
const OTHER_OWNER: &str = "inny@example.com";
const NEWCOMER: &str = "nowa@example.com";

async fn invite(app: &TestApp, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let token = app.csrf().await;
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    let response = app.post_form("/uzytkownicy/zapros", &all).await;
    (response.status(), response.text().await.unwrap())
}

/// The invite form of a page (the list above it has role selects of its own).
fn form_of(page: &str) -> &str {
    let start = page
        .find("id=\"zaproszenie-formularz\"")
        .expect("the invite form");
    let end = page[start..].find("</form>").expect("its end") + start;
    &page[start..end]
}

async fn invitations_page(app: &TestApp) -> String {
    app.get("/uzytkownicy").await.text().await.unwrap()
}

#[tokio::test]
async fn an_invitation_without_a_name_keeps_the_role_and_the_chosen_services() {
    let app = spawn_app().await;
    let domain = app.service_id(OWNER, "przykladowa-firma.pl").to_string();
    app.log_in(OWNER).await;
    let (status, page) = invite(
        &app,
        &[
            ("email", NEWCOMER),
            ("imie", "  "),
            ("rola", "ksiegowosc"),
            ("zakres", "wybrane"),
            ("usluga", &domain),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = form_of(&page);
    assert!(page.contains("Podaj imię i nazwisko."), "{page}");
    assert!(page.contains(&format!("value=\"{NEWCOMER}\"")));
    assert!(
        page.contains("value=\"ksiegowosc\" selected"),
        "the role kept"
    );
    assert!(
        page.contains("value=\"wybrane\" checked"),
        "the access kept"
    );
    assert!(
        page.contains(&format!("value=\"{domain}\" checked")),
        "the chosen service kept"
    );
    assert!(
        !invitations_page(&app).await.contains(NEWCOMER),
        "nobody invited"
    );
}

#[tokio::test]
async fn a_name_of_100_characters_is_accepted_and_one_of_101_refused() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let long = "a".repeat(101);
    let (status, page) = invite(
        &app,
        &[("email", NEWCOMER), ("imie", &long), ("rola", "techniczny")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("może mieć najwyżej 100 znaków"), "{page}");
    let (status, _) = invite(
        &app,
        &[
            ("email", NEWCOMER),
            ("imie", &long[..100]),
            ("rola", "techniczny"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "100 characters fit");
    assert!(invitations_page(&app).await.contains(NEWCOMER));
}

#[tokio::test]
async fn an_access_choice_not_on_the_list_is_refused_next_to_it() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let (status, page) = invite(
        &app,
        &[
            ("email", NEWCOMER),
            ("imie", "Ola Nowa"),
            ("rola", "techniczny"),
            ("zakres", "wszystko-i-wiecej"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Wybierz dostęp z listy."), "{page}");
}

#[tokio::test]
async fn chosen_services_of_another_account_only_are_refused_and_the_form_is_kept() {
    let app = spawn_app().await;
    let foreign = app.service_id(OTHER_OWNER, "wisniewski.pl").to_string();
    app.log_in(OWNER).await;
    let (status, page) = invite(
        &app,
        &[
            ("email", NEWCOMER),
            ("imie", "Ola Nowa"),
            ("rola", "ksiegowosc"),
            ("zakres", "wybrane"),
            ("usluga", &foreign),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = form_of(&page);
    assert!(
        page.contains("Wybierz co najmniej jedną usługę"),
        "the account's own services only: none is left: {page}"
    );
    assert!(page.contains(&format!("value=\"{NEWCOMER}\"")));
    assert!(page.contains("value=\"Ola Nowa\""));
    assert!(page.contains("value=\"ksiegowosc\" selected"));
    assert!(page.contains("value=\"wybrane\" checked"));
    assert!(!invitations_page(&app).await.contains(NEWCOMER));
}

#[tokio::test]
async fn a_role_not_on_the_list_is_refused_in_the_users_row() {
    let app = spawn_app().await;
    let accountant = app
        .state
        .store
        .user_by_email(&panel::domain::Email::parse("ksiegowosc@example.com").unwrap())
        .unwrap()
        .unwrap();
    app.log_in(OWNER).await;
    let token = app.csrf().await;
    let path = format!("/uzytkownicy/{}/rola", accountant.id);
    let response = app
        .post_form(&path, &[("rola", "krol"), ("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("Wybierz rolę z listy."), "{page}");
}
