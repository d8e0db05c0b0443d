//! GET /metrics: counters by route template after real requests, and who may read it.

use crate::helpers::{Options, spawn_app, spawn_app_with};
use panel::config::{Cidr, MetricsArgs};
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";

async fn scrape(app: &crate::helpers::TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    response.text().await.unwrap()
}

fn has_line(text: &str, line: &str) -> bool {
    text.lines().any(|l| l == line)
}

#[tokio::test]
async fn after_a_wrong_code_and_a_login_metrics_count_both_and_the_login_routes_with_their_status()
{
    let app = spawn_app().await;
    assert_eq!(app.request_code(ABONENT).await.status(), StatusCode::OK);
    let wrong = app.enter_code(ABONENT, "000000").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.log_in_with_next_code(ABONENT).await;
    app.pulpit().await;

    let text = scrape(&app).await;
    for line in [
        r#"panel_logins_total{result="ok"} 1"#,
        r#"panel_logins_total{result="failed"} 1"#,
        r#"panel_http_requests_total{route="/logowanie",method="GET",status="200"} 1"#,
        r#"panel_http_requests_total{route="/logowanie",method="POST",status="200"} 1"#,
        r#"panel_http_requests_total{route="/logowanie/kod",method="POST",status="422"} 1"#,
        r#"panel_http_requests_total{route="/logowanie/kod",method="POST",status="303"} 1"#,
        r#"panel_http_requests_total{route="/pulpit",method="GET",status="200"} 1"#,
        r#"panel_http_request_duration_seconds_count{route="/logowanie/kod"} 2"#,
        r#"panel_http_request_duration_seconds_bucket{route="/pulpit",le="+Inf"} 1"#,
        "# TYPE panel_outbox_pending gauge",
        "# TYPE panel_outbox_dead gauge",
        "panel_outbox_dead 0",
        "# TYPE panel_tasks_pending gauge",
    ] {
        assert!(has_line(&text, line), "{line}\n{text}");
    }
    assert!(text.lines().any(|l| l.starts_with("panel_outbox_pending ")));
    assert!(text.lines().any(|l| l.starts_with("panel_tasks_pending ")));
    // The scrape itself is counted once it is answered.
    let again = scrape(&app).await;
    assert!(has_line(
        &again,
        r#"panel_http_requests_total{route="/metrics",method="GET",status="200"} 1"#
    ));
}

/// Every `route="…"` label value in a scrape.
fn route_labels(text: &str) -> Vec<String> {
    text.split("route=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn ids_tokens_and_unknown_paths_never_become_labels() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let service = app.service_id(ABONENT, "przykladowa-firma.pl");
    let document = app.proformas_of(ABONENT)[0].id;
    let paths = [
        format!("/uslugi/{service}"),
        format!("/faktury/{document}"),
        "/uslugi/987654".to_string(),
        "/logowanie/link/tajnytokenlogowania".to_string(),
        "/wp-login.php".to_string(),
        "/uslugi/77/nieznane".to_string(),
    ];
    for path in &paths {
        app.get(path).await;
    }
    let text = scrape(&app).await;
    let templates: Vec<&str> = panel::web::route_table().iter().map(|r| r.path).collect();
    let labels = route_labels(&text);
    for label in &labels {
        assert!(
            label == "other" || templates.contains(&label.as_str()),
            "{label} is not a route template"
        );
    }
    for raw in paths
        .iter()
        .map(String::as_str)
        .chain(["987654", "tajnytoken", "wp-login"])
    {
        assert!(!text.contains(raw), "{raw} appears in\n{text}");
    }
    for line in [
        r#"panel_http_requests_total{route="/uslugi/:id",method="GET",status="200"} 1"#,
        r#"panel_http_requests_total{route="/uslugi/:id",method="GET",status="404"} 1"#,
        r#"panel_http_requests_total{route="/faktury/:id",method="GET",status="200"} 1"#,
        r#"panel_http_requests_total{route="other",method="GET",status="404"} 2"#,
    ] {
        assert!(has_line(&text, line), "{line}\n{text}");
    }
}

#[tokio::test]
async fn outside_the_allowed_networks_metrics_is_a_404_like_any_unknown_page_unless_the_token_is_sent()
 {
    let app = spawn_app_with(Options {
        metrics: MetricsArgs {
            // A documentation network: the test client on 127.0.0.1 is not in it.
            metrics_allow: vec!["192.0.2.0/24".parse::<Cidr>().unwrap()],
            metrics_token: Some("tajny-token-prometheusa".to_string().into()),
        },
        ..Options::default()
    })
    .await;
    let unknown = app.get("/nie-ma-takiej-strony").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let unknown = unknown.text().await.unwrap();
    let metrics = |token: Option<&'static str>| {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(token) = token {
            request = request.header("Authorization", token);
        }
        request.send()
    };
    for token in [
        None,
        Some("Bearer zly-token"),
        Some("tajny-token-prometheusa"),
    ] {
        let refused = metrics(token).await.unwrap();
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{token:?}");
        assert_eq!(
            refused.text().await.unwrap(),
            unknown,
            "nothing tells it exists"
        );
    }
    let allowed = metrics(Some("Bearer tajny-token-prometheusa"))
        .await
        .unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);
    assert!(
        allowed
            .text()
            .await
            .unwrap()
            .contains("panel_http_requests_total{")
    );
}

#[tokio::test]
async fn a_request_forwarded_by_an_untrusted_proxy_on_loopback_does_not_read_metrics() {
    let app = spawn_app().await;
    let proxied = app
        .client
        .get(app.url("/metrics"))
        .header("X-Forwarded-For", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/metrics").await.status(), StatusCode::OK);
}

/// The value of a gauge in a scrape.
fn gauge(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_mail_the_smtp_server_refuses_for_good_shows_as_dead_and_no_longer_pending() {
    let (app, _smtp) = crate::helpers::spawn_app_with_smtp(vec!["550 5.1.1 No such user"]).await;
    app.request_code(ABONENT).await;
    let mut text = String::new();
    for _ in 0..200 {
        text = scrape(&app).await;
        if gauge(&text, "panel_outbox_dead") == 1 && gauge(&text, "panel_outbox_pending") == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no dead message counted:\n{text}");
}

#[tokio::test]
async fn a_provisioning_task_the_host_has_not_done_yet_counts_as_pending() {
    let dir = tempfile::tempdir().unwrap();
    let later = crate::helpers::task_script(dir.path(), "later.sh", "exit 75");
    let app = crate::helpers::spawn_app_with_command(later).await;
    let before = gauge(&scrape(&app).await, "panel_tasks_pending");
    let service = app.service_id(ABONENT, "przykladowa-firma.pl");
    let task = app
        .state
        .store
        .queue_task(
            service,
            panel::domain::task::TaskAction::Suspend,
            app.clock.now(),
        )
        .unwrap();
    app.state.wake_tasks();
    for _ in 0..200 {
        if app.state.store.task(task.id).unwrap().unwrap().tries > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let after = gauge(&scrape(&app).await, "panel_tasks_pending");
    assert_eq!(after, before + 1, "tried once, waiting for its next try");
}
