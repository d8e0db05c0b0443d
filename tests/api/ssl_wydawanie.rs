//! Certyfikaty SSL issued by the host's command (`--task-command` prints the chain) and renewed.

use crate::helpers::{TestApp, spawn_app};
use crate::ssl::{
    OTHER_PEM, OWNER, SHOP_DOMAIN, SHOP_PEM, certificate, order_and_pay, ssl_page_showing, write,
};
use reqwest::StatusCode;
use std::path::{Path, PathBuf};

/// The host's command: reads the task, then runs `body`.
pub(crate) fn script(dir: &Path, body: &str) -> PathBuf {
    crate::helpers::task_script(dir, "task.sh", &format!("cat > /dev/null\n{body}"))
}

pub(crate) async fn app_running(command: PathBuf) -> TestApp {
    crate::helpers::spawn_app_with_command(command).await
}

#[tokio::test]
async fn a_chain_printed_by_the_hosts_command_is_stored_and_one_for_another_domain_fails_the_issue()
{
    let dir = tempfile::tempdir().unwrap();
    let chain = write(dir.path(), "chain.pem", SHOP_PEM);
    let app = app_running(script(
        dir.path(),
        &format!("echo wydano; cat '{}'", chain.display()),
    ))
    .await;
    app.log_in(OWNER).await;
    let id = order_and_pay(&app, SHOP_DOMAIN).await;
    let page = ssl_page_showing(&app, &format!("/ssl/{id}/certyfikat.pem")).await;
    assert!(page.contains("Wydany"));
    let download = app.get(&format!("/ssl/{id}/certyfikat.pem")).await;
    assert_eq!(download.text().await.unwrap().trim(), SHOP_PEM.trim());

    let wrong = write(dir.path(), "inna.pem", OTHER_PEM);
    let app = app_running(script(dir.path(), &format!("cat '{}'", wrong.display()))).await;
    app.log_in(OWNER).await;
    let id = order_and_pay(&app, SHOP_DOMAIN).await;
    let page = ssl_page_showing(&app, "Błąd wydawania").await;
    assert!(
        page.contains("Błąd wydawania: Serwer zwrócił certyfikat wystawiony dla innej domeny.")
    );
    let pem = format!("/ssl/{id}/certyfikat.pem");
    assert_eq!(app.get(&pem).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn paying_a_certificates_renewal_asks_for_a_new_one_while_the_old_chain_still_downloads() {
    let app = spawn_app().await;
    app.log_in(OWNER).await;
    let id = certificate(&app, "przykladowa-firma.pl").unwrap().id;
    let issues = |app: &TestApp| {
        let tasks = app.state.store.tasks_of_service(id).unwrap();
        tasks
            .iter()
            .filter(|t| t.action.name() == "issue_certificate")
            .count()
    };
    assert_eq!(issues(&app), 0);
    let renewed = app.renew_htmx(id).await;
    assert!(renewed.status().is_success(), "{}", renewed.status());
    let proforma = app.renewal_of(OWNER, id);
    assert_eq!(issues(&app), 0, "not before it is paid");
    app.admin_ok(&["record-payment", "--proforma", &proforma.number])
        .await;
    assert_eq!(issues(&app), 1);
    let pem = app.get(&format!("/ssl/{id}/certyfikat.pem")).await;
    assert_eq!(pem.status(), StatusCode::OK);
}
