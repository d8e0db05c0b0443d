//! What every request passes through: the CSRF check (the one place it is enforced) and the
//! security headers of every response.

use super::AppState;
use super::cookies;
use super::error::AppError;
use crate::random;
use crate::store::constant_time_eq;
use poem::http::{HeaderValue, Method, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use std::sync::Arc;

/// The request's CSRF token, for forms (`csrf_token` field) and htmx (`X-CSRF-Token` header).
#[derive(Clone)]
pub struct CsrfToken(pub String);

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'";
const MAX_FORM_BYTES: usize = 64 * 1024;

pub async fn guard<E: Endpoint>(
    state: Arc<AppState>,
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

    let response = if is_safe(req.method()) {
        req.extensions_mut().insert(CsrfToken(token.clone()));
        ep.call(req).await.map(IntoResponse::into_response)
    } else {
        match check_csrf(&state, &mut req, &token, fresh).await {
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
    if fresh && wants_token {
        let cookie = state.cookies.set(state.cookies.csrf, &token, None);
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    secure_headers(&mut response, is_asset);
    Ok(response)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A state-changing request must carry the token of its CSRF cookie, as a header or form field,
/// and, when the browser says where it comes from, come from the panel itself.
async fn check_csrf(
    state: &AppState,
    req: &mut Request,
    token: &str,
    fresh: bool,
) -> Result<(), AppError> {
    if fresh {
        return Err(AppError::Csrf);
    }
    if let Some(origin) = req.header(header::ORIGIN)
        && origin != "null"
        && origin.trim_end_matches('/') != origin_of(&state.base_url)
    {
        return Err(AppError::Csrf);
    }
    let supplied = match req.header("x-csrf-token") {
        Some(header) => Some(header.to_string()),
        None => {
            let body = req
                .take_body()
                .into_bytes_limit(MAX_FORM_BYTES)
                .await
                .map_err(|_| AppError::Csrf)?;
            let field = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
                .ok()
                .and_then(|fields| {
                    fields
                        .into_iter()
                        .find(|(k, _)| k == "csrf_token")
                        .map(|(_, v)| v)
                });
            req.set_body(body);
            field
        }
    };
    match supplied {
        Some(supplied) if constant_time_eq(supplied.as_bytes(), token.as_bytes()) => Ok(()),
        _ => Err(AppError::Csrf),
    }
}

fn origin_of(base_url: &str) -> &str {
    match base_url.find("://") {
        Some(scheme_end) => {
            let rest = &base_url[scheme_end + 3..];
            let host_end = rest
                .find('/')
                .map_or(base_url.len(), |i| scheme_end + 3 + i);
            &base_url[..host_end]
        }
        None => base_url,
    }
}

fn secure_headers(response: &mut Response, is_asset: bool) {
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Login links carry a token in the path: never send it on as a referrer.
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !is_asset {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::VARY, HeaderValue::from_static("HX-Request, Cookie"));
    }
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn origin_is_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://panel.example.com/klient"),
            "https://panel.example.com"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }
}
