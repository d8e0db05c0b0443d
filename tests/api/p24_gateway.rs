//! A stand-in for Przelewy24 on 127.0.0.1, following shared/przelewy24/openapi.yml: testAccess
//! (basic auth: POS id and API key), transaction/register (checks the sign, answers a token),
//! trnRequest/{token} (the payment page), a "customer pays" step that POSTs the signed
//! notification to the registered urlStatus, transaction/verify (checks the sign, records the
//! session), transaction/by/sessionId. Knobs make each step fail. Signs are computed here
//! independently of the panel's code (JSON written by hand, SHA-384).

use crate::helpers::{Options, TestApp, spawn_app_with};
use poem::http::StatusCode;
use poem::web::{Data, Json, Path};
use poem::{EndpointExt, Request, Route, get, handler, post, put};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

pub use crate::p24_sign::{
    API_KEY, CRC, MERCHANT, POS, base64, notification, register_sign, verify_sign,
};

#[derive(Clone, Debug)]
pub struct Registered {
    pub token: String,
    pub session_id: String,
    pub amount: i64,
    pub currency: String,
    pub description: String,
    pub url_return: String,
    pub url_status: String,
    pub order_id: u64,
    pub paid: bool,
}

#[derive(Default)]
pub struct Inner {
    pub registered: Vec<Registered>,
    pub verified: Vec<String>,
    pub verify_calls: u32,
    /// Knobs: register answers 500; the next verify calls answer 500.
    pub fail_register: bool,
    pub verify_failures: u32,
    pub bad_signs: u32,
    /// (refundsUuid, orderId, amount) of every refund taken.
    pub refunds: Vec<(String, u64, i64)>,
}

#[derive(Clone, Default)]
pub struct Gateway {
    pub url: String,
    pub inner: Arc<Mutex<Inner>>,
}

fn authorized(req: &Request) -> bool {
    let expected = format!("Basic {}", base64(format!("{POS}:{API_KEY}").as_bytes()));
    req.header("authorization") == Some(expected.as_str())
}

type Answer = (StatusCode, Json<Value>);

fn unauthorized() -> Answer {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": "Incorrect authentication", "code": 401})),
    )
}

#[handler]
fn test_access(req: &Request) -> Answer {
    if !authorized(req) {
        return unauthorized();
    }
    (StatusCode::OK, Json(json!({"data": true, "error": ""})))
}

#[handler]
fn register(req: &Request, gw: Data<&Gateway>, Json(body): Json<Value>) -> Answer {
    if !authorized(req) {
        return unauthorized();
    }
    let mut inner = gw.inner.lock().unwrap();
    if inner.fail_register {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": "down", "code": 500})),
        );
    }
    let text = |k: &str| body[k].as_str().unwrap_or_default().to_string();
    let amount = body["amount"].as_i64().unwrap_or(-1);
    let merchant = body["merchantId"].as_u64().unwrap_or(0) as u32;
    let expected = register_sign(&text("sessionId"), merchant, amount, &text("currency"));
    if merchant != MERCHANT || text("sign") != expected {
        inner.bad_signs += 1;
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "Incorrect sign", "code": 400})),
        );
    }
    for field in ["description", "email", "urlReturn", "country", "language"] {
        if text(field).is_empty() {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": field, "code": 400})),
            );
        }
    }
    let order_id = 700_000 + inner.registered.len() as u64;
    let token = format!("TOKEN-{order_id}-ABCDEF");
    inner.registered.push(Registered {
        token: token.clone(),
        session_id: text("sessionId"),
        amount,
        currency: text("currency"),
        description: text("description"),
        url_return: text("urlReturn"),
        url_status: text("urlStatus"),
        order_id,
        paid: false,
    });
    (
        StatusCode::OK,
        Json(json!({"data": {"token": token}, "responseCode": 0})),
    )
}

#[handler]
fn verify(req: &Request, gw: Data<&Gateway>, Json(body): Json<Value>) -> Answer {
    if !authorized(req) {
        return unauthorized();
    }
    let mut inner = gw.inner.lock().unwrap();
    inner.verify_calls += 1;
    if inner.verify_failures > 0 {
        inner.verify_failures -= 1;
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": "try later", "code": 500})),
        );
    }
    let session = body["sessionId"].as_str().unwrap_or_default().to_string();
    let order = body["orderId"].as_u64().unwrap_or(0);
    let amount = body["amount"].as_i64().unwrap_or(-1);
    let currency = body["currency"].as_str().unwrap_or_default();
    let known = inner
        .registered
        .iter()
        .any(|r| r.session_id == session && r.order_id == order && r.amount == amount && r.paid);
    let sign_ok =
        body["sign"].as_str() == Some(verify_sign(&session, order, amount, currency).as_str());
    if !known || !sign_ok || body["merchantId"].as_u64() != Some(MERCHANT as u64) {
        inner.bad_signs += 1;
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "Incorrect data", "code": 400})),
        );
    }
    inner.verified.push(session);
    (
        StatusCode::OK,
        Json(json!({"data": {"status": "success"}, "responseCode": 0})),
    )
}

#[handler]
fn refund(req: &Request, gw: Data<&Gateway>, Json(body): Json<Value>) -> Answer {
    if !authorized(req) {
        return unauthorized();
    }
    let mut inner = gw.inner.lock().unwrap();
    let uuid = body["refundsUuid"].as_str().unwrap_or_default().to_string();
    let item = &body["refunds"][0];
    let order = item["orderId"].as_u64().unwrap_or(0);
    let amount = item["amount"].as_i64().unwrap_or(-1);
    let paid = inner.registered.iter().any(|r| {
        r.order_id == order
            && r.paid
            && item["sessionId"].as_str() == Some(r.session_id.as_str())
            && (1..=r.amount).contains(&amount)
    });
    if !paid || uuid.is_empty() || inner.refunds.iter().any(|r| r.0 == uuid) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "Refund refused", "code": 400})),
        );
    }
    inner.refunds.push((uuid, order, amount));
    let data = json!([{"orderId": order, "sessionId": item["sessionId"], "amount": amount,
        "description": item["description"], "status": true, "message": "success"}]);
    (
        StatusCode::CREATED,
        Json(json!({"data": data, "responseCode": 0})),
    )
}

#[handler]
fn by_session(req: &Request, gw: Data<&Gateway>, Path(session): Path<String>) -> Answer {
    if !authorized(req) {
        return unauthorized();
    }
    let inner = gw.inner.lock().unwrap();
    let Some(r) = inner.registered.iter().find(|r| r.session_id == session) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "Transaction not exist", "code": 404})),
        );
    };
    let status = match (r.paid, inner.verified.contains(&session)) {
        (false, _) => 0,
        (true, false) => 1,
        (true, true) => 2,
    };
    let data = json!({
        "statement": format!("p24-{}", r.order_id), "orderId": r.order_id, "sessionId": r.session_id,
        "status": status, "amount": r.amount, "currency": r.currency, "date": "", "dateOfTransaction": "",
        "clientEmail": "", "accountMD5": "", "paymentMethod": 154, "description": r.description,
        "clientName": "", "clientAddress": "", "clientCity": "", "clientPostcode": "", "batchId": 0, "fee": "0",
    });
    (
        StatusCode::OK,
        Json(json!({"data": data, "responseCode": 0})),
    )
}

#[handler]
fn trn_request(gw: Data<&Gateway>, Path(token): Path<String>) -> poem::Response {
    let inner = gw.inner.lock().unwrap();
    let Some(r) = inner.registered.iter().find(|r| r.token == token) else {
        return StatusCode::NOT_FOUND.into();
    };
    let page = format!(
        "<!doctype html><title>Przelewy24</title><h1>Przelewy24 (stand-in)</h1><p id=\"opis\">{} — {} gr</p><a id=\"powrot\" href=\"{}\">Wróć do sklepu</a>",
        r.description, r.amount, r.url_return
    );
    poem::Response::builder()
        .content_type("text/html; charset=utf-8")
        .body(page)
}

impl Gateway {
    pub async fn start() -> Gateway {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let gateway = Gateway {
            url,
            inner: Arc::default(),
        };
        let app = Route::new()
            .at("/api/v1/testAccess", get(test_access))
            .at("/api/v1/transaction/register", post(register))
            .at("/api/v1/transaction/verify", put(verify))
            .at("/api/v1/transaction/refund", post(refund))
            .at("/api/v1/transaction/by/sessionId/:session", get(by_session))
            .at("/trnRequest/:token", get(trn_request))
            .data(gateway.clone());
        let acceptor = poem::listener::TcpAcceptor::from_tokio(listener).unwrap();
        tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
        gateway
    }

    /// The panel's settings for this stand-in, with the given API key.
    pub fn args(&self, api_key: &str) -> panel::config::P24Args {
        panel::config::P24Args {
            p24_merchant_id: Some(MERCHANT),
            p24_pos_id: Some(POS),
            p24_api_key: Some(api_key.to_string().into()),
            p24_crc: Some(CRC.to_string().into()),
            p24_url: self.url.clone(),
        }
    }

    pub fn by_token(&self, token: &str) -> Registered {
        let inner = self.inner.lock().unwrap();
        inner
            .registered
            .iter()
            .find(|r| r.token == token)
            .cloned()
            .unwrap()
    }

    pub fn verified(&self) -> Vec<String> {
        self.inner.lock().unwrap().verified.clone()
    }

    /// The customer pays: marks the session paid and POSTs the signed notification to its
    /// urlStatus; the panel's answer status.
    pub async fn pay(&self, token: &str) -> u16 {
        let r = {
            let mut inner = self.inner.lock().unwrap();
            let r = inner
                .registered
                .iter_mut()
                .find(|r| r.token == token)
                .unwrap();
            r.paid = true;
            r.clone()
        };
        let body = notification(
            MERCHANT,
            &r.session_id,
            r.amount,
            &r.currency,
            r.order_id,
            CRC,
        );
        send_notification(&r.url_status, &body).await
    }

    /// The signed notification of a registered payment (to send again, or change and send).
    pub fn notification_of(&self, token: &str) -> (String, Value) {
        let r = self.by_token(token);
        let body = notification(
            MERCHANT,
            &r.session_id,
            r.amount,
            &r.currency,
            r.order_id,
            CRC,
        );
        (r.url_status, body)
    }

    /// Marks a session paid at the gateway without notifying (a lost notification).
    pub fn mark_paid(&self, token: &str) {
        let mut inner = self.inner.lock().unwrap();
        inner
            .registered
            .iter_mut()
            .find(|r| r.token == token)
            .unwrap()
            .paid = true;
    }
}

/// POSTs a notification body as the gateway does (JSON); the panel's answer status.
pub async fn send_notification(url: &str, body: &Value) -> u16 {
    reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The panel (demo data) configured for a fresh stand-in gateway.
pub async fn spawn_with_gateway() -> (TestApp, Gateway) {
    let gateway = Gateway::start().await;
    let app = spawn_app_with(Options {
        p24: gateway.args(API_KEY),
        ..Options::default()
    })
    .await;
    (app, gateway)
}

/// The token in the gateway URL the panel sent the customer to.
pub fn token_in(location: &str) -> String {
    location.rsplit('/').next().unwrap().to_string()
}
