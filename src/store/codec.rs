//! Rows are JSON (self-describing, so new fields arrive with `#[serde(default)]`), stored as bytes
//! and decoded with errors rather than panics.

use super::Result;
use hmac::{Hmac, Mac};
use redb::{ReadableTable, Table, TableDefinition, WriteTransaction};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;

pub type Rows = TableDefinition<'static, u64, &'static [u8]>;

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    Ok(serde_json::to_vec(value)?)
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    Ok(serde_json::from_slice(bytes)?)
}

pub fn get<T: DeserializeOwned>(
    table: &impl ReadableTable<u64, &'static [u8]>,
    id: u64,
) -> Result<Option<T>> {
    match table.get(id)? {
        Some(bytes) => decode(bytes.value()).map(Some),
        None => Ok(None),
    }
}

pub fn put<T: Serialize>(table: &mut Table<u64, &'static [u8]>, id: u64, value: &T) -> Result<()> {
    table.insert(id, encode(value)?.as_slice())?;
    Ok(())
}

/// Rows whose ids an index lists under `owner` (index keys are `(owner, id)`).
pub fn owned_ids(index: &impl ReadableTable<(u64, u64), ()>, owner: u64) -> Result<Vec<u64>> {
    let mut ids = Vec::new();
    for entry in index.range((owner, 0)..=(owner, u64::MAX))? {
        let (key, _) = entry?;
        ids.push(key.value().1);
    }
    Ok(ids)
}

/// The next value of a named sequence (ids, document numbers), in the caller's transaction.
pub fn next_in_sequence(tx: &WriteTransaction, name: &str) -> Result<u64> {
    let mut sequences = tx.open_table(super::schema::SEQUENCES)?;
    let next = sequences.get(name)?.map(|v| v.value()).unwrap_or(0) + 1;
    sequences.insert(name, next)?;
    Ok(next)
}

pub fn mac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    #[allow(clippy::expect_used)] // HMAC takes keys of any length: this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}
