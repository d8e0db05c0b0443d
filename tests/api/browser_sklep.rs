//! The Sklep in a real browser on a 390 px phone: the catalogue and the cart fit the screen, "Dodaj
//! do koszyka" and a change of period update the cart without a reload, and without JavaScript the
//! same forms work as plain ones.

use crate::browser::{
    as_a_phone, browser, click, console, csp_violations, log_in, off_screen, overflow, screenshot,
    wait_for,
};
use crate::helpers::spawn_app;
use fantoccini::{Client, Locator};

/// Types a domain name into the form of the plan called `plan` and presses its button.
async fn add_domain(client: &Client, app: &crate::helpers::TestApp, plan: &str, name: &str) {
    let plans = app.state.store.plans().unwrap();
    let id = plans.iter().find(|p| p.name == plan).unwrap().id;
    let field = format!("#produkt-{id}-nazwa");
    client
        .find(Locator::Css(&field))
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    click(client, &format!("#produkt-{id} button")).await;
}

/// The text of the element `css`, read in one step (htmx may replace the element meanwhile).
async fn text_of(client: &Client, css: &str) -> String {
    let script =
        "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : '';";
    let text = client
        .execute(script, vec![serde_json::json!(css)])
        .await
        .unwrap();
    text.as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn on_a_390_px_phone_the_shop_and_the_cart_fit_and_update_without_a_reload() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(true, profile.path()).await;
    log_in(&app, &client).await;
    as_a_phone(&client, 844).await;
    client.goto(&app.url("/sklep")).await.unwrap();
    assert!(overflow(&client).await <= 0, "the catalogue fits");
    // A marker that a full reload would wipe out.
    client
        .execute("window.notReloaded = true;", vec![])
        .await
        .unwrap();
    add_domain(&client, &app, "Domena .pl", "telefon-firma.pl").await;
    wait_for(&client, "#koszyk tbody tr").await;
    assert_eq!(text_of(&client, "#koszyk-licznik").await, "1 w koszyku");
    let before = text_of(&client, "#koszyk-brutto").await;
    assert_eq!(before, "60,27 zł");
    let select = client
        .find(Locator::Css("#koszyk tbody select"))
        .await
        .unwrap();
    select.select_by_value("24").await.unwrap();
    for _ in 0..50 {
        if text_of(&client, "#koszyk-brutto").await != before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(text_of(&client, "#koszyk-brutto").await, "120,54 zł");
    let kept = client
        .execute("return window.notReloaded === true;", vec![])
        .await
        .unwrap();
    assert_eq!(kept.as_bool(), Some(true), "no reload");
    assert!(overflow(&client).await <= 0, "the cart fits");
    for css in [
        "#koszyk tbody td:nth-child(5)",
        "#koszyk tbody select",
        "#koszyk-brutto",
        "#koszyk form.card button",
    ] {
        let hidden = off_screen(&client, css).await;
        assert!(hidden.is_empty(), "cart, {css} off-screen: {hidden:?}");
    }
    screenshot(&client, "sklep").await;
    let log = console(&client).await;
    assert!(csp_violations(&log).is_empty(), "{log:?}");
    click(&client, "#koszyk form.card button").await;
    wait_for(&client, "#z-salda").await;
    let path = client.current_url().await.unwrap().path().to_string();
    assert!(path.ends_with("/zaplac"), "{path}");
    client.close().await.unwrap();
}

#[tokio::test]
async fn without_javascript_the_cart_is_filled_by_plain_forms() {
    let app = spawn_app().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(false, profile.path()).await;
    log_in(&app, &client).await;
    client.goto(&app.url("/sklep")).await.unwrap();
    add_domain(&client, &app, "Domena .pl", "-zla.pl").await;
    wait_for(&client, "p.error").await;
    let error = text_of(&client, "p.error").await;
    assert!(error.contains("łącznikiem"), "{error}");
    add_domain(&client, &app, "Domena .com", "bez-js.com").await;
    wait_for(&client, "#koszyk tbody tr").await;
    let flash = text_of(&client, ".flash").await;
    assert!(flash.contains("bez-js.com"), "{flash}");
    click(&client, "#koszyk tbody td:last-child button").await;
    wait_for(&client, "#koszyk p.muted").await;
    assert_eq!(text_of(&client, "#koszyk-licznik").await, "0 w koszyku");
    client.close().await.unwrap();
}
