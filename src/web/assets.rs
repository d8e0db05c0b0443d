//! Static files embedded in the binary, served under cache-busting URLs (`?v=<content hash>`).

use poem::Body;
use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{IntoResponse, Request, Response, handler};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Files;

#[derive(Clone, Default)]
pub struct Assets {
    versions: HashMap<String, String>,
}

impl Assets {
    pub fn load() -> Assets {
        let versions = Files::iter()
            .filter_map(|name| {
                let file = Files::get(&name)?;
                let digest = Sha256::digest(&file.data);
                Some((name.to_string(), crate::random::hex(&digest[..6])))
            })
            .collect();
        Assets { versions }
    }

    pub fn url(&self, name: &str) -> String {
        match self.versions.get(name) {
            Some(version) => format!("/assets/{name}?v={version}"),
            None => format!("/assets/{name}"),
        }
    }
}

/// Browsers ask for `/favicon.ico` on a first visit whatever the page links; they accept an SVG there
/// when it is labelled as one.
#[handler]
pub fn view_favicon_get() -> Response {
    let Some(file) = Files::get("favicon.svg") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    Response::builder()
        .header(header::CONTENT_TYPE, "image/svg+xml")
        .header(header::CACHE_CONTROL, "public, max-age=86400")
        .body(body_of(file.data))
}

fn body_of(data: Cow<'static, [u8]>) -> Body {
    match data {
        // Embedded in the binary (release builds): served without a copy.
        Cow::Borrowed(bytes) => Body::from(bytes),
        Cow::Owned(bytes) => Body::from(bytes),
    }
}

#[handler]
pub fn view_asset_get(Path(name): Path<String>, req: &Request) -> Response {
    let Some(file) = Files::get(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let content_type = match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    };
    let cache = if req.uri().query().is_some_and(|q| q.starts_with("v=")) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, cache)
        .body(body_of(file.data))
}
