//! `GET /metrics` in the Prometheus text format. Counters are plain atomics in tables fixed at
//! start from the route table (route × method × status, a latency histogram per route), so a
//! request pays a path lookup and three relaxed additions; the queue gauges are read from the
//! store at scrape time.

mod endpoint;
mod routes;

pub use endpoint::view_metrics_get;

use poem::http::{Method, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response};
use routes::RouteIndex;
use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

const METHODS: [&str; 4] = ["GET", "HEAD", "POST", "other"];
/// Every status the panel answers with; anything else is counted as "other".
const STATUSES: [u16; 24] = [
    200, 201, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 408, 409, 410, 413,
    422, 429, 500, 502, 503,
];
const STATUS_SLOTS: usize = STATUSES.len() + 1;
/// Upper bounds of the latency buckets, in microseconds (5 ms to 2.5 s, then +Inf).
const BUCKETS_US: [u64; 9] = [
    5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
];
const BUCKET_SLOTS: usize = BUCKETS_US.len() + 1;

/// Position of each status code in `STATUSES` (`STATUSES.len()` for the rest), built at compile time.
const STATUS_INDEX: [u8; 600] = {
    let mut table = [STATUSES.len() as u8; 600];
    let mut i = 0;
    while i < STATUSES.len() {
        table[STATUSES[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Whether a login attempt that reached the store started a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginResult {
    Ok,
    Failed,
}

pub struct Metrics {
    templates: Vec<&'static str>,
    routes: RouteIndex,
    /// [route][method][status]
    requests: Box<[AtomicU64]>,
    /// [route][bucket], not cumulative (summed when rendered).
    latency: Box<[AtomicU64]>,
    latency_sum_us: Box<[AtomicU64]>,
    logins: [AtomicU64; 2],
}

fn zeros(n: usize) -> Box<[AtomicU64]> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}

impl Metrics {
    /// Counters for these route templates (and "other" for paths matching none).
    pub fn new(templates: Vec<&'static str>) -> Metrics {
        let mut unique = Vec::with_capacity(templates.len());
        for template in templates {
            if !unique.contains(&template) {
                unique.push(template);
            }
        }
        let slots = unique.len() + 1;
        Metrics {
            routes: RouteIndex::new(&unique),
            requests: zeros(slots * METHODS.len() * STATUS_SLOTS),
            latency: zeros(slots * BUCKET_SLOTS),
            latency_sum_us: zeros(slots),
            templates: unique,
            logins: [AtomicU64::new(0), AtomicU64::new(0)],
        }
    }

    /// Counters for every route of the panel's table.
    pub fn for_routes() -> Metrics {
        Metrics::new(super::route_table().iter().map(|r| r.path).collect())
    }

    fn route_name(&self, route: usize) -> &'static str {
        self.templates.get(route).copied().unwrap_or("other")
    }

    /// The index of `path`'s route template (the last one, "other", for an unknown path).
    pub fn route_of(&self, path: &str) -> usize {
        self.routes.find(path)
    }

    pub fn record(&self, path: &str, method: &Method, status: StatusCode, took: Duration) {
        self.record_route(self.route_of(path), method, status, took);
    }

    fn record_route(&self, route: usize, method: &Method, status: StatusCode, took: Duration) {
        let method = match *method {
            Method::GET => 0,
            Method::HEAD => 1,
            Method::POST => 2,
            _ => 3,
        };
        let status = STATUS_INDEX
            .get(usize::from(status.as_u16()))
            .map_or(STATUSES.len(), |i| usize::from(*i));
        let slot = (route * METHODS.len() + method) * STATUS_SLOTS + status;
        if let Some(counter) = self.requests.get(slot) {
            counter.fetch_add(1, Relaxed);
        }
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        let bucket = BUCKETS_US.partition_point(|bound| *bound < us);
        if let Some(counter) = self.latency.get(route * BUCKET_SLOTS + bucket) {
            counter.fetch_add(1, Relaxed);
        }
        if let Some(sum) = self.latency_sum_us.get(route) {
            sum.fetch_add(us, Relaxed);
        }
    }

    pub fn login(&self, result: LoginResult) {
        self.logins[result as usize].fetch_add(1, Relaxed);
    }

    /// The request counters, the histogram and the login counters (not the gauges).
    pub fn render_counters(&self, out: &mut String) {
        out.push_str(
            "# HELP panel_http_requests_total HTTP requests answered, by route template, method and status.\n\
             # TYPE panel_http_requests_total counter\n",
        );
        for (slot, counter) in self.requests.iter().enumerate() {
            let count = counter.load(Relaxed);
            if count == 0 {
                continue;
            }
            let status = slot % STATUS_SLOTS;
            let method = (slot / STATUS_SLOTS) % METHODS.len();
            let route = slot / STATUS_SLOTS / METHODS.len();
            let status = STATUSES
                .get(status)
                .map_or_else(|| "other".to_string(), u16::to_string);
            let _ = writeln!(
                out,
                "panel_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {count}",
                label(self.route_name(route)),
                METHODS[method],
            );
        }
        self.render_latency(out);
        out.push_str(
            "# HELP panel_logins_total Login attempts that reached a check of a code, link or second factor.\n\
             # TYPE panel_logins_total counter\n",
        );
        for (result, counter) in ["ok", "failed"].iter().zip(&self.logins) {
            let _ = writeln!(
                out,
                "panel_logins_total{{result=\"{result}\"}} {}",
                counter.load(Relaxed)
            );
        }
    }

    fn render_latency(&self, out: &mut String) {
        out.push_str(
            "# HELP panel_http_request_duration_seconds Time to answer a request (to its headers), by route template.\n\
             # TYPE panel_http_request_duration_seconds histogram\n",
        );
        for (route, buckets) in self.latency.chunks(BUCKET_SLOTS).enumerate() {
            let counts: Vec<u64> = buckets.iter().map(|c| c.load(Relaxed)).collect();
            let total: u64 = counts.iter().sum();
            if total == 0 {
                continue;
            }
            let name = label(self.route_name(route));
            let mut cumulative = 0;
            for (i, count) in counts.iter().enumerate() {
                cumulative += count;
                let le = BUCKETS_US
                    .get(i)
                    .map_or_else(|| "+Inf".to_string(), |us| seconds(*us));
                let _ = writeln!(
                    out,
                    "panel_http_request_duration_seconds_bucket{{route=\"{name}\",le=\"{le}\"}} {cumulative}"
                );
            }
            let sum = self
                .latency_sum_us
                .get(route)
                .map_or(0, |s| s.load(Relaxed));
            let _ = writeln!(
                out,
                "panel_http_request_duration_seconds_sum{{route=\"{name}\"}} {}\n\
                 panel_http_request_duration_seconds_count{{route=\"{name}\"}} {total}",
                seconds(sum)
            );
        }
    }
}

/// Microseconds as seconds in plain decimal (`0.005`, `2.5`).
fn seconds(us: u64) -> String {
    let text = format!("{}.{:06}", us / 1_000_000, us % 1_000_000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A label value with `\`, `"` and line breaks escaped, as the text format wants.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Around the whole app: times each request and counts its answer under its route template.
pub async fn measure<E: Endpoint>(
    metrics: Arc<Metrics>,
    ep: Arc<E>,
    req: Request,
) -> poem::Result<Response> {
    let started = Instant::now();
    let method = req.method().clone();
    let route = metrics.route_of(req.uri().path());
    let result = ep.call(req).await.map(IntoResponse::into_response);
    let status = match &result {
        Ok(response) => response.status(),
        Err(e) => e.status(),
    };
    metrics.record_route(route, &method, status, started.elapsed());
    result
}

#[cfg(test)]
mod tests;
