//! The counters and their text, without a server.

use super::*;

fn rendered(metrics: &Metrics) -> String {
    let mut out = String::new();
    metrics.render_counters(&mut out);
    out
}

#[test]
fn requests_are_counted_by_template_method_and_status_and_timed_into_buckets() {
    let metrics = Metrics::new(vec!["/pulpit", "/uslugi/:id", "/uslugi/:id"]);
    let ms = Duration::from_millis;
    metrics.record("/uslugi/17", &Method::GET, StatusCode::OK, ms(3));
    metrics.record("/uslugi/18", &Method::GET, StatusCode::OK, ms(30));
    metrics.record("/uslugi/18", &Method::POST, StatusCode::FORBIDDEN, ms(3));
    metrics.record("/wp-admin", &Method::GET, StatusCode::NOT_FOUND, ms(9000));
    metrics.record("/pulpit", &Method::DELETE, StatusCode::IM_A_TEAPOT, ms(1));
    let text = rendered(&metrics);
    for line in [
        r#"panel_http_requests_total{route="/uslugi/:id",method="GET",status="200"} 2"#,
        r#"panel_http_requests_total{route="/uslugi/:id",method="POST",status="403"} 1"#,
        r#"panel_http_requests_total{route="other",method="GET",status="404"} 1"#,
        r#"panel_http_requests_total{route="/pulpit",method="other",status="other"} 1"#,
        r#"panel_http_request_duration_seconds_bucket{route="/uslugi/:id",le="0.005"} 2"#,
        r#"panel_http_request_duration_seconds_bucket{route="/uslugi/:id",le="0.025"} 2"#,
        r#"panel_http_request_duration_seconds_bucket{route="/uslugi/:id",le="0.05"} 3"#,
        r#"panel_http_request_duration_seconds_bucket{route="/uslugi/:id",le="+Inf"} 3"#,
        r#"panel_http_request_duration_seconds_sum{route="/uslugi/:id"} 0.036"#,
        r#"panel_http_request_duration_seconds_count{route="/uslugi/:id"} 3"#,
        r#"panel_http_request_duration_seconds_bucket{route="other",le="2.5"} 0"#,
        r#"panel_http_request_duration_seconds_bucket{route="other",le="+Inf"} 1"#,
        r#"panel_logins_total{result="ok"} 0"#,
    ] {
        assert!(text.lines().any(|l| l == line), "{line}\n{text}");
    }
    assert!(!text.contains("/uslugi/17") && !text.contains("wp-admin"));
    assert_eq!(
        text.matches("route=\"/uslugi/:id\",method=\"GET\"").count(),
        1
    );
}

#[test]
fn logins_are_counted_apart_by_result() {
    let metrics = Metrics::new(vec![]);
    metrics.login(LoginResult::Failed);
    metrics.login(LoginResult::Failed);
    metrics.login(LoginResult::Ok);
    let text = rendered(&metrics);
    assert!(
        text.contains("panel_logins_total{result=\"ok\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("panel_logins_total{result=\"failed\"} 2\n"),
        "{text}"
    );
}

/// Not a test: `cargo test --release --lib bench_record -- --ignored --nocapture` times what
/// each request pays (the template lookup and the counters) over the panel's real table.
#[test]
#[ignore]
fn bench_record() {
    let metrics = Metrics::for_routes();
    let paths = [
        "/pulpit",
        "/health",
        "/uslugi/17",
        "/assets/htmx.min.js",
        "/wp-login.php",
    ];
    let rounds = 1_000_000u32;
    let started = Instant::now();
    for i in 0..rounds {
        let path = std::hint::black_box(paths[i as usize % paths.len()]);
        let took = Duration::from_micros(u64::from(i % 3000));
        metrics.record(path, &Method::GET, StatusCode::OK, took);
    }
    println!("per request: {:?}", started.elapsed() / rounds);
}

#[test]
fn seconds_and_labels_are_written_as_the_text_format_wants() {
    assert_eq!(seconds(5_000), "0.005");
    assert_eq!(seconds(2_500_000), "2.5");
    assert_eq!(seconds(0), "0");
    assert_eq!(seconds(12_000_001), "12.000001");
    assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}
