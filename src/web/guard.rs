//! What every request passes through: the CSRF check (the one place it is enforced) and the
//! security headers of every response.

use super::WebState;
use super::cookies;
use super::error::AppError;
use super::limits::{self, ClientIp};
use crate::random;
use crate::store::constant_time_eq;
use poem::error::ReadBodyError;
use poem::http::{HeaderValue, Method, header};
use poem::{Body, Endpoint, IntoResponse, Request, Response};
use std::sync::Arc;
use std::time::Duration;

/// The request's CSRF token, for forms (`csrf_token` field) and htmx (`X-CSRF-Token` header).
#[derive(Clone)]
pub struct CsrfToken(pub String);

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'";

/// The policy of every response: `CSP`, with the payment gateway's origin (when there is one)
/// allowed as a form's target, since Zapłać online's form is redirected there.
pub fn content_security_policy(gateway_origin: Option<&str>) -> String {
    match gateway_origin {
        Some(origin) => CSP.replace(
            "form-action 'self'",
            &format!("form-action 'self' {origin}"),
        ),
        None => CSP.to_string(),
    }
}
/// Every body here is a small form; nothing is uploaded.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// One year, the least that browsers' preload lists and audits accept.
const HSTS: &str = "max-age=31536000";

pub async fn guard<E: Endpoint>(
    state: Arc<WebState>,
    ep: Arc<E>,
    mut req: Request,
) -> poem::Result<Response> {
    let existing = cookies::read(&req, state.cookies.csrf)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string);
    let fresh = existing.is_none();
    let token = existing.unwrap_or_else(random::token);
    let path = req.uri().path();
    let is_asset = path.starts_with("/assets/");
    // Load balancers and asset requests need no token; a cookie for them would only add work.
    let wants_token = !is_asset && path != "/health";
    let gateway_notice = is_gateway_notification(req.method(), path);

    // The per-client login limit, for every route that spends a code or link guess, before any
    // byte of the body is read; handlers find the client in `ClientIp`.
    let limited = is_login_route(req.method(), path) && {
        let ip = limits::client_ip(&req, &state.config.args.trusted_proxies);
        req.extensions_mut().insert(ClientIp(ip));
        !state.limiters.allow_ip(ip)
    };
    // Gateway notifications per client, so a flood of forged ones is cut off before its body.
    let limited = limited
        || gateway_notice && {
            let ip = limits::client_ip(&req, &state.config.args.trusted_proxies);
            !state.limiters.allow_notification(ip)
        };

    let response = if limited {
        Err(AppError::TooManyRequests.into())
    } else if gateway_notice {
        // The gateway cannot send our token: its handler accepts only a correct signature.
        match read_body(&mut req, state.config.body_read_timeout).await {
            Ok(body) => {
                req.set_body(body);
                ep.call(req).await.map(IntoResponse::into_response)
            }
            Err(e) => Err(e.into()),
        }
    } else if is_safe(req.method()) {
        req.extensions_mut().insert(CsrfToken(token.clone()));
        ep.call(req).await.map(IntoResponse::into_response)
    } else {
        match admit(&state, &mut req, &token, fresh).await {
            Ok(()) => {
                req.extensions_mut().insert(CsrfToken(token.clone()));
                ep.call(req).await.map(IntoResponse::into_response)
            }
            Err(e) => Err(e.into()),
        }
    };
    let mut response = response.unwrap_or_else(|e| {
        // Unknown URLs get the panel's own Polish page, not the framework's plain text.
        if e.status() == poem::http::StatusCode::NOT_FOUND {
            poem::Error::from(AppError::NotFound).into_response()
        } else {
            e.into_response()
        }
    });
    if fresh && wants_token && !gateway_notice {
        let cookie = state.cookies.set(state.cookies.csrf, &token, None);
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    secure_headers(&mut response, is_asset, state.origin.starts_with("https:"));
    if let Ok(csp) = HeaderValue::from_str(&state.csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    Ok(response)
}

/// The payment gateway's notification (Zapłać online): the one POST outside the CSRF check.
pub(crate) const GATEWAY_NOTIFICATION: &str = "/platnosci/p24/status";

fn is_gateway_notification(method: &Method, path: &str) -> bool {
    method == Method::POST && path == GATEWAY_NOTIFICATION
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// What a state-changing request passes before its handler runs, cheapest first: the CSRF
/// cookie, the Origin, the body
/// (capped, under a time limit, then set back on the request) and the token in it or its header.
async fn admit(
    state: &WebState,
    req: &mut Request,
    token: &str,
    fresh: bool,
) -> Result<(), AppError> {
    if fresh {
        return Err(AppError::Csrf);
    }
    if let Some(origin) = req.header(header::ORIGIN)
        && !same_origin(origin, &state.origin)
    {
        return Err(AppError::Csrf);
    }
    let header_ok = req
        .header("x-csrf-token")
        .map(|supplied| constant_time_eq(supplied.as_bytes(), token.as_bytes()));
    if header_ok == Some(false) {
        return Err(AppError::Csrf);
    }
    let body = read_body(req, state.config.body_read_timeout).await?;
    if header_ok.is_none() && !form_token_matches(body.as_ref(), token) {
        return Err(AppError::Csrf);
    }
    req.set_body(body);
    Ok(())
}

/// The routes where each request is a guess at a code or link: asking for a code, entering one,
/// and the e-mailed link (its page and its button).
fn is_login_route(method: &Method, path: &str) -> bool {
    path.starts_with("/logowanie/link/")
        || (*method == Method::POST
            && (path == "/logowanie" || path == "/logowanie/kod" || path == "/logowanie/2fa"))
}

/// `origin` as the browser sent it against the base URL's origin, both serialised by `url` (so
/// case and a default port do not matter). `null` (sandboxed frames, some redirects) never matches.
fn same_origin(origin: &str, expected: &str) -> bool {
    origin == expected
        || url::Url::parse(origin).is_ok_and(|url| url.origin().ascii_serialization() == expected)
}

async fn read_body(
    req: &mut Request,
    time_limit: Duration,
) -> Result<impl AsRef<[u8]> + Into<Body> + use<>, AppError> {
    let declared = req
        .header(header::CONTENT_LENGTH)
        .and_then(|length| length.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(AppError::PayloadTooLarge);
    }
    let read = req.take_body().into_bytes_limit(MAX_BODY_BYTES);
    match tokio::time::timeout(time_limit, read).await {
        Err(_) => Err(AppError::RequestTimeout),
        Ok(Err(ReadBodyError::PayloadTooLarge)) => Err(AppError::PayloadTooLarge),
        Ok(Err(_)) => Err(AppError::Csrf),
        Ok(Ok(body)) => Ok(body),
    }
}

fn form_token_matches(body: &[u8], token: &str) -> bool {
    url::form_urlencoded::parse(body)
        .find(|(key, _)| key == "csrf_token")
        .is_some_and(|(_, supplied)| constant_time_eq(supplied.as_bytes(), token.as_bytes()))
}

fn secure_headers(response: &mut Response, is_asset: bool, https: bool) {
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Login links carry a token in the path: never send it to another site as a referrer.
        // Not `no-referrer`: under it browsers send `Origin: null` on the panel's own form
        // posts, and the CSRF check refuses a null origin.
        (header::REFERRER_POLICY, "same-origin"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if !is_asset {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::VARY, HeaderValue::from_static("HX-Request, Cookie"));
    }
}
