//! Przelewy24's REST API (see shared/przelewy24/openapi.yml): basic auth (POS id, API key),
//! SHA-384 signs over a JSON of named fields with the CRC key, amounts in grosze.

use super::{
    GatewayError, GatewayFuture, GatewayTransaction, PaymentGateway, RefundRequest, Registration,
};
use crate::config::P24Settings;
use crate::domain::Money;
use crate::store::{PaidNotice, constant_time_eq};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha384};
use std::time::Duration;

pub struct Przelewy24 {
    settings: P24Settings,
    client: reqwest::Client,
}

/// SHA-384 of the JSON of `fields` (serde_json leaves slashes and Unicode unescaped, as the
/// gateway's PHP example does), in lowercase hex.
pub fn sign<T: Serialize>(fields: &T) -> String {
    let json = serde_json::to_string(fields).unwrap_or_default();
    Sha384::digest(json.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterSign<'a> {
    pub session_id: &'a str,
    pub merchant_id: u32,
    pub amount: i64,
    pub currency: &'a str,
    pub crc: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSign<'a> {
    pub merchant_id: u32,
    pub pos_id: u32,
    pub session_id: &'a str,
    pub amount: i64,
    pub origin_amount: i64,
    pub currency: &'a str,
    pub order_id: u64,
    pub method_id: u64,
    pub statement: &'a str,
    pub crc: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifySign<'a> {
    pub session_id: &'a str,
    pub order_id: u64,
    pub amount: i64,
    pub currency: &'a str,
    pub crc: &'a str,
}

/// The notification's JSON (tag Notification, TransactionResult).
#[derive(Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub merchant_id: u32,
    pub pos_id: u32,
    pub session_id: String,
    pub amount: i64,
    pub origin_amount: i64,
    pub currency: String,
    pub order_id: u64,
    pub method_id: u64,
    pub statement: String,
    pub sign: String,
}

impl Notification {
    /// The sign this notification should carry under `crc`.
    pub fn expected_sign(&self, crc: &str) -> String {
        sign(&NotificationSign {
            merchant_id: self.merchant_id,
            pos_id: self.pos_id,
            session_id: &self.session_id,
            amount: self.amount,
            origin_amount: self.origin_amount,
            currency: &self.currency,
            order_id: self.order_id,
            method_id: self.method_id,
            statement: &self.statement,
            crc,
        })
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    data: TokenData,
}

#[derive(Deserialize)]
struct TokenData {
    token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BySession {
    data: BySessionData,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BySessionData {
    order_id: u64,
    status: i64,
    amount: i64,
    currency: String,
}

impl Przelewy24 {
    pub fn new(settings: P24Settings) -> Result<Przelewy24, GatewayError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| GatewayError::Transport(e.to_string()))?;
        Ok(Przelewy24 { settings, client })
    }

    fn api(&self, path: &str) -> String {
        format!("{}/api/v1/{path}", self.settings.url)
    }

    fn authed(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request.basic_auth(self.settings.pos_id, Some(self.settings.api_key.expose()))
    }

    async fn send(request: reqwest::RequestBuilder) -> Result<reqwest::Response, GatewayError> {
        let response = request
            .send()
            .await
            .map_err(|e| GatewayError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        match status {
            200..=299 => Ok(response),
            401 => Err(GatewayError::Unauthorized),
            _ => {
                let body = response.text().await.unwrap_or_default();
                Err(GatewayError::Status {
                    status,
                    body: body.chars().take(200).collect(),
                })
            }
        }
    }
}

impl PaymentGateway for Przelewy24 {
    fn test_access(&self) -> GatewayFuture<'_, ()> {
        Box::pin(async move {
            Self::send(self.authed(self.client.get(self.api("testAccess")))).await?;
            Ok(())
        })
    }

    fn register<'a>(&'a self, r: &'a Registration) -> GatewayFuture<'a, String> {
        Box::pin(async move {
            let s = &self.settings;
            let sign = sign(&RegisterSign {
                session_id: &r.session_id,
                merchant_id: s.merchant_id,
                amount: r.amount.0,
                currency: &r.currency,
                crc: s.crc.expose(),
            });
            let body = serde_json::json!({
                "merchantId": s.merchant_id, "posId": s.pos_id, "sessionId": r.session_id,
                "amount": r.amount.0, "currency": r.currency, "description": r.description,
                "email": r.email, "country": "PL", "language": "pl",
                "urlReturn": r.url_return, "urlStatus": r.url_status,
                "timeLimit": crate::domain::online_payment::SESSION_MINUTES,
                "sign": sign,
            });
            let request = self
                .client
                .post(self.api("transaction/register"))
                .json(&body);
            let answer: TokenAnswer = Self::send(self.authed(request))
                .await?
                .json()
                .await
                .map_err(|e| GatewayError::Answer(e.to_string()))?;
            Ok(answer.data.token)
        })
    }

    fn payment_url(&self, token: &str) -> String {
        format!("{}/trnRequest/{token}", self.settings.url)
    }

    fn verify<'a>(&'a self, n: &'a PaidNotice) -> GatewayFuture<'a, ()> {
        Box::pin(async move {
            let s = &self.settings;
            let sign = sign(&VerifySign {
                session_id: &n.session_id,
                order_id: n.order_id,
                amount: n.amount.0,
                currency: &n.currency,
                crc: s.crc.expose(),
            });
            let body = serde_json::json!({
                "merchantId": s.merchant_id, "posId": s.pos_id, "sessionId": n.session_id,
                "amount": n.amount.0, "currency": n.currency, "orderId": n.order_id, "sign": sign,
            });
            let request = self.client.put(self.api("transaction/verify")).json(&body);
            Self::send(self.authed(request)).await?;
            Ok(())
        })
    }

    fn by_session_id<'a>(
        &'a self,
        session_id: &'a str,
    ) -> GatewayFuture<'a, Option<GatewayTransaction>> {
        Box::pin(async move {
            let path = format!("transaction/by/sessionId/{session_id}");
            let answer = match Self::send(self.authed(self.client.get(self.api(&path)))).await {
                Err(GatewayError::Status { status: 404, .. }) => return Ok(None),
                other => other?,
            };
            let found: BySession = answer
                .json()
                .await
                .map_err(|e| GatewayError::Answer(e.to_string()))?;
            let d = found.data;
            Ok(Some(GatewayTransaction {
                order_id: d.order_id,
                amount: Money(d.amount),
                currency: d.currency,
                paid: d.status == 2,
                awaiting_verify: d.status == 1,
            }))
        })
    }

    fn refund<'a>(&'a self, r: &'a RefundRequest) -> GatewayFuture<'a, ()> {
        Box::pin(async move {
            let description: String = r.description.chars().take(35).collect();
            let body = serde_json::json!({
                "requestId": r.refunds_uuid, "refundsUuid": r.refunds_uuid,
                "refunds": [{
                    "orderId": r.order_id, "sessionId": r.session_id,
                    "amount": r.amount.0, "description": description,
                }],
            });
            let request = self.client.post(self.api("transaction/refund")).json(&body);
            Self::send(self.authed(request)).await?;
            Ok(())
        })
    }

    fn check_notification(&self, body: &[u8]) -> Result<PaidNotice, String> {
        let n: Notification =
            serde_json::from_slice(body).map_err(|e| format!("not a notification: {e}"))?;
        let expected = n.expected_sign(self.settings.crc.expose());
        if !constant_time_eq(expected.as_bytes(), n.sign.to_ascii_lowercase().as_bytes()) {
            return Err("wrong sign".into());
        }
        if n.merchant_id != self.settings.merchant_id || n.pos_id != self.settings.pos_id {
            return Err(format!(
                "merchant {}/{} is not ours",
                n.merchant_id, n.pos_id
            ));
        }
        Ok(PaidNotice {
            session_id: n.session_id,
            order_id: n.order_id,
            amount: Money(n.amount),
            currency: n.currency,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A notification signed with our CRC, as if from `merchant_id` / `pos_id`.
    fn signed(merchant_id: u32, pos_id: u32) -> Vec<u8> {
        let mut n = Notification {
            merchant_id,
            pos_id,
            session_id: "sesja".into(),
            amount: 12300,
            origin_amount: 12300,
            currency: "PLN".into(),
            order_id: 77,
            method_id: 1,
            statement: "p24-77".into(),
            sign: String::new(),
        };
        n.sign = n.expected_sign("crc-klucz");
        serde_json::to_vec(&n).unwrap_or_default()
    }

    #[test]
    fn a_correctly_signed_notice_for_another_merchant_or_shop_is_refused() {
        let ours = Przelewy24::new(P24Settings {
            merchant_id: 1000,
            pos_id: 1001,
            api_key: String::from("klucz").into(),
            crc: String::from("crc-klucz").into(),
            url: "http://127.0.0.1:9".into(),
        });
        let Ok(ours) = ours else {
            unreachable!("a client without I/O")
        };
        let paid = ours.check_notification(&signed(1000, 1001));
        assert_eq!(paid.map(|p| p.order_id).ok(), Some(77));
        assert!(
            ours.check_notification(&signed(2000, 1001)).is_err(),
            "merchant"
        );
        assert!(
            ours.check_notification(&signed(1000, 2001)).is_err(),
            "shop"
        );
    }

    #[test]
    fn the_registration_sign_matches_the_gateways_python_example() {
        // openapi.yml, Calculating Sign: the JSON string it hashes.
        let ours = serde_json::to_string(&RegisterSign {
            session_id: "sessionId",
            merchant_id: 999999,
            amount: 1000,
            currency: "PLN",
            crc: "crc",
        })
        .unwrap_or_default();
        assert_eq!(
            ours,
            r#"{"sessionId":"sessionId","merchantId":999999,"amount":1000,"currency":"PLN","crc":"crc"}"#
        );
        assert_eq!(sign(&"abc").len(), 96);
    }

    #[test]
    fn slashes_and_polish_letters_are_signed_unescaped() {
        let json = serde_json::to_string(&"PRO/2026/12 zażółć").unwrap_or_default();
        assert_eq!(json, "\"PRO/2026/12 zażółć\"");
    }
}
