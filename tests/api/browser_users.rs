//! Użytkownicy in a real browser: the invite form updates the list without a reload, and the
//! page (with the account switcher in the header) fits a 390 px phone.

use crate::browser::{
    as_a_phone, browser, click, console, csp_violations, log_in, off_screen, overflow, screenshot,
    wait_for,
};
use crate::helpers::spawn_app;
use fantoccini::Locator;
use panel::domain::{Email, Role};
use serde_json::json;

const ABONENT: &str = "abonent@example.com";

#[tokio::test]
async fn with_javascript_an_invitation_appears_in_the_list_without_a_reload() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    client.goto(&app.url("/uzytkownicy")).await.unwrap();
    client
        .execute("window.samaStrona = 'ta sama';", vec![])
        .await
        .unwrap();
    for (css, value) in [
        ("#zapros-email", "nowa@example.com"),
        ("#zapros-imie", "Ola Nowa"),
    ] {
        client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    click(&client, "#zaproszenie-formularz button").await;
    wait_for(&client, "#zaproszenia").await;
    let listed = client
        .find(Locator::Css("#zaproszenia"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listed.contains("nowa@example.com"), "{listed}");
    let same_page = client
        .execute("return window.samaStrona;", vec![])
        .await
        .unwrap();
    assert_eq!(same_page, json!("ta sama"), "the page was not reloaded");
    let flash = client
        .find(Locator::Css("#uzytkownicy .flash"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(flash.contains("Wysłaliśmy zaproszenie"));

    // A wrong address: the error next to the field, the name kept, still no reload.
    client
        .find(Locator::Css("#zapros-email"))
        .await
        .unwrap()
        .send_keys("zly-adres")
        .await
        .unwrap();
    client
        .find(Locator::Css("#zapros-imie"))
        .await
        .unwrap()
        .send_keys("Piotr")
        .await
        .unwrap();
    click(&client, "#zaproszenie-formularz button").await;
    wait_for(&client, "#zapros-email-blad").await;
    let kept = client
        .find(Locator::Css("#zapros-imie"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Piotr"));
    assert_eq!(
        client
            .execute("return window.samaStrona;", vec![])
            .await
            .unwrap(),
        json!("ta sama")
    );
    assert!(csp_violations(&console(&client).await).is_empty());
    client.close().await.unwrap();
}

#[tokio::test]
async fn on_a_390_px_phone_the_users_page_and_the_account_switcher_fit_the_screen() {
    let app = spawn_app().await;
    let other = app.account_id("inny@example.com");
    let email = Email::parse(ABONENT).unwrap();
    app.state
        .store
        .add_user(
            other,
            &email,
            "Anna Nowak",
            Role::Technical,
            app.clock.now(),
        )
        .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    as_a_phone(&client, 844).await;
    log_in(&app, &client).await;
    for page in ["/uzytkownicy", "/pulpit"] {
        client.goto(&app.url(page)).await.unwrap();
        let by = overflow(&client).await;
        assert!(by <= 0, "{page} is {by} px wider than the phone");
        let hidden = off_screen(&client, "#przelacz-konto").await;
        assert!(hidden.is_empty(), "the switcher on {page}: {hidden:?}");
    }
    client.goto(&app.url("/uzytkownicy")).await.unwrap();
    for css in [
        "#lista-uzytkownikow tbody select",
        "#lista-uzytkownikow tbody button",
        "#zapros-email",
    ] {
        let hidden = off_screen(&client, css).await;
        assert!(hidden.is_empty(), "{css} off-screen: {hidden:?}");
    }
    screenshot(&client, "uzytkownicy").await;
    client.close().await.unwrap();
}
