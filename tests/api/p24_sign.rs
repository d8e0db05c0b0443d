//! The stand-in gateway's credentials and signs, computed independently of the panel's code:
//! the JSON written by hand in the order openapi.yml gives, hashed with SHA-384.

use serde_json::{Value, json};
use sha2::{Digest, Sha384};

pub const MERCHANT: u32 = 100200;
pub const POS: u32 = 100201;
pub const API_KEY: &str = "klucz-api-testowy";
pub const CRC: &str = "crc-testowy-0123";

pub fn sha384(text: &str) -> String {
    Sha384::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn q(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

pub fn register_sign(session: &str, merchant: u32, amount: i64, currency: &str) -> String {
    sha384(&format!(
        r#"{{"sessionId":{},"merchantId":{merchant},"amount":{amount},"currency":{},"crc":{}}}"#,
        q(session),
        q(currency),
        q(CRC)
    ))
}

pub fn verify_sign(session: &str, order: u64, amount: i64, currency: &str) -> String {
    sha384(&format!(
        r#"{{"sessionId":{},"orderId":{order},"amount":{amount},"currency":{},"crc":{}}}"#,
        q(session),
        q(currency),
        q(CRC)
    ))
}

/// The notification the gateway sends, signed with `crc`.
pub fn notification(
    merchant: u32,
    session: &str,
    amount: i64,
    currency: &str,
    order: u64,
    crc: &str,
) -> Value {
    let statement = format!("p24-{order}/zapłata");
    let sign = sha384(&format!(
        r#"{{"merchantId":{merchant},"posId":{pos},"sessionId":{},"amount":{amount},"originAmount":{amount},"currency":{},"orderId":{order},"methodId":154,"statement":{},"crc":{}}}"#,
        q(session),
        q(currency),
        q(&statement),
        q(crc),
        pos = if merchant == MERCHANT { POS } else { merchant },
    ));
    json!({
        "merchantId": merchant, "posId": if merchant == MERCHANT { POS } else { merchant },
        "sessionId": session, "amount": amount, "originAmount": amount, "currency": currency,
        "orderId": order, "methodId": 154, "statement": statement, "sign": sign,
    })
}

pub fn base64(input: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
