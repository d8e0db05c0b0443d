//! Cookies, read and written by hand: the session id and CSRF token are random tokens, the flash
//! message is percent-encoded text.

use poem::Request;

#[derive(Clone, Debug)]
pub struct CookieNames {
    pub session: &'static str,
    pub csrf: &'static str,
    pub flash: &'static str,
    pub secure: bool,
    /// A long-lived random id of the browser (a login from a new one is e-mailed).
    pub device: &'static str,
    /// A login waiting for its second factor (10 minutes).
    pub pending: &'static str,
}

impl CookieNames {
    /// `__Host-` names need Secure, which browsers refuse over plain HTTP (except localhost in
    /// some), so plain names are used when the panel runs without TLS.
    pub fn new(secure: bool) -> CookieNames {
        if secure {
            CookieNames {
                session: "__Host-panel_session",
                csrf: "__Host-panel_csrf",
                flash: "__Host-panel_flash",
                secure,
                device: "__Host-panel_device",
                pending: "__Host-panel_2fa",
            }
        } else {
            CookieNames {
                session: "panel_session",
                csrf: "panel_csrf",
                flash: "panel_flash",
                secure,
                device: "panel_device",
                pending: "panel_2fa",
            }
        }
    }

    pub fn set(&self, name: &str, value: &str, max_age_secs: Option<i64>) -> String {
        let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
        if let Some(age) = max_age_secs {
            cookie.push_str(&format!("; Max-Age={age}"));
        }
        if self.secure {
            cookie.push_str("; Secure");
        }
        cookie
    }

    pub fn clear(&self, name: &str) -> String {
        self.set(name, "", Some(0))
    }
}

pub fn read<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .get_all(poem::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

pub fn encode_flash(message: &str) -> String {
    url::form_urlencoded::byte_serialize(message.as_bytes()).collect()
}

pub fn decode_flash(value: &str) -> String {
    // The whole value is one form-encoded key (no '='), the inverse of `encode_flash`.
    url::form_urlencoded::parse(value.as_bytes())
        .next()
        .map(|(message, _)| message.chars().take(300).collect())
        .unwrap_or_default()
}
