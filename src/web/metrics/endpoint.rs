//! `GET /metrics`: for the configured networks (`--metrics-allow`) or a scraper with the token
//! (`--metrics-token`); anyone else gets the panel's 404, as for a URL that does not exist.

use crate::config::MetricsArgs;
use crate::store::constant_time_eq;
use crate::web::WebState;
use crate::web::error::{AppError, WebResult};
use crate::web::limits::client_ip;
use poem::http::{StatusCode, header};
use poem::{Request, Response, handler};
use std::net::IpAddr;
use std::sync::Arc;

/// Headers a reverse proxy adds: a request carrying one came through a proxy.
const FORWARDING_HEADERS: [&str; 3] = ["x-forwarded-for", "forwarded", "x-real-ip"];

/// The token, or an allowed client address. A request forwarded by a proxy that is not a
/// `--trusted-proxy` counts as coming from nowhere allowed: a proxy on the same host would
/// otherwise make every visitor look like loopback.
pub(super) fn may_read(req: &Request, args: &MetricsArgs, trusted: &[IpAddr]) -> bool {
    if let Some(token) = args.metrics_token.as_ref().map(|t| t.expose())
        && !token.is_empty()
        && let Some(given) = req
            .header(header::AUTHORIZATION)
            .and_then(|h| h.strip_prefix("Bearer "))
        && constant_time_eq(given.trim().as_bytes(), token.as_bytes())
    {
        return true;
    }
    let peer = req.remote_addr().as_socket_addr().map(|a| a.ip());
    let forwarded = FORWARDING_HEADERS
        .iter()
        .any(|h| req.headers().contains_key(*h));
    if forwarded && !peer.is_some_and(|p| trusted.contains(&p)) {
        return false;
    }
    let client = client_ip(req, trusted);
    args.metrics_allow.iter().any(|net| net.contains(client))
}

#[handler]
pub async fn view_metrics_get(req: &Request) -> WebResult<Response> {
    let state = req
        .data::<Arc<WebState>>()
        .ok_or_else(|| AppError::Internal("state missing".into()))?;
    let args = &state.config.args;
    if !may_read(req, &args.metrics, &args.trusted_proxies) {
        return Err(AppError::NotFound);
    }
    let gauges = state.store.blocking(|s| s.queue_gauges()).await?;
    let mut body = String::with_capacity(16 * 1024);
    state.metrics.render_counters(&mut body);
    for (name, help, value) in [
        (
            "panel_outbox_pending",
            "E-mails waiting to be delivered (retries included).",
            gauges.outbox_pending,
        ),
        (
            "panel_outbox_dead",
            "E-mails given up on, kept for the retention period.",
            gauges.outbox_dead,
        ),
        (
            "panel_tasks_pending",
            "Provisioning tasks queued or running.",
            gauges.tasks_pending,
        ),
    ] {
        body.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        ));
    }
    Ok(Response::builder()
        .status(StatusCode::OK)
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Cidr;
    use poem::web::{LocalAddr, RemoteAddr};
    use poem::{Addr, Body, RequestParts};

    fn request(peer: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = poem::http::Request::builder().uri("/metrics");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let (parts, ()) = builder.body(()).unwrap_or_default().into_parts();
        let peer = peer
            .parse::<std::net::SocketAddr>()
            .map_or(Addr::Custom("none", "".into()), Addr::SocketAddr);
        let parts = RequestParts::from((
            parts,
            LocalAddr(Addr::Custom("none", "".into())),
            RemoteAddr(peer),
            poem::http::uri::Scheme::HTTP,
        ));
        Request::from_parts(parts, Body::empty())
    }

    fn args(allow: &[&str], token: Option<&str>) -> MetricsArgs {
        MetricsArgs {
            metrics_allow: allow
                .iter()
                .filter_map(|a| a.parse::<Cidr>().ok())
                .collect(),
            metrics_token: token.map(|t| t.to_string().into()),
        }
    }

    #[test]
    fn loopback_reads_by_default_and_a_proxied_visitor_does_not() {
        let defaults = MetricsArgs::default();
        assert!(may_read(&request("127.0.0.1:5000", &[]), &defaults, &[]));
        assert!(may_read(&request("[::1]:5000", &[]), &defaults, &[]));
        assert!(!may_read(&request("192.0.2.4:5000", &[]), &defaults, &[]));
        let proxied = request("127.0.0.1:5000", &[("x-forwarded-for", "203.0.113.9")]);
        assert!(!may_read(&proxied, &defaults, &[]));
        let proxy: IpAddr = "127.0.0.1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert!(!may_read(&proxied, &defaults, &[proxy]));
        let inside = args(&["10.0.0.0/8"], None);
        let forwarded = request("127.0.0.1:5000", &[("x-forwarded-for", "10.1.2.3")]);
        assert!(may_read(&forwarded, &inside, &[proxy]));
    }

    #[test]
    fn the_token_opens_it_from_anywhere_and_nothing_else_does() {
        let with_token = args(&["192.0.2.0/24"], Some("tajny-token"));
        let from = |headers: &[(&str, &str)]| request("203.0.113.9:5000", headers);
        let read = |req: Request| may_read(&req, &with_token, &[]);
        assert!(read(from(&[("authorization", "Bearer tajny-token")])));
        assert!(!read(from(&[])));
        assert!(!read(from(&[("authorization", "Bearer tajny-tokeN")])));
        assert!(!read(from(&[("authorization", "tajny-token")])));
        assert!(!read(from(&[("authorization", "Bearer ")])));
        let empty = args(&[], Some(""));
        assert!(!may_read(
            &from(&[("authorization", "Bearer ")]),
            &empty,
            &[]
        ));
    }
}
