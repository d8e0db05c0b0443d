//! A domain's DNS: host names (nameservers, record targets), names relative to the zone, records
//! of each type and the rules a zone keeps (CNAME alone at its name, not at the apex). Names are
//! stored in ASCII (punycode) and shown in Unicode. No I/O.

pub use super::hostname::{Hostname, MAX_NAMESERVERS, MIN_NAMESERVERS, parse_nameservers};
use super::hostname::{MAX_NAME, check_labels, to_ascii};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, Ipv6Addr};

pub const MIN_TTL: u32 = 60;
pub const MAX_TTL: u32 = 86_400;
pub const DEFAULT_TTL: u32 = 3_600;
/// The longest character-string of a TXT record; longer text is split into several.
pub const TXT_CHUNK: usize = 255;
/// A zone's records, at most (a guard against runaway forms or scripts, not a DNS limit).
pub const MAX_RECORDS: usize = 1_000;
/// The longest TXT text accepted (split into strings of 255).
const MAX_TXT: usize = 4_000;
/// The CAA tags a customer may set.
pub const CAA_TAGS: [&str; 3] = ["issue", "issuewild", "iodef"];
const RECORD_CHARACTERS: &str =
    "Nazwa rekordu może zawierać tylko litery, cyfry, łączniki, podkreślenia i kropki.";
/// The apex of the zone, as names relative to it write it.
pub const APEX: &str = "@";

/// A record's name relative to the zone `zone` (ASCII): "@" for the apex, "www", "_dmarc",
/// "*.sklep". A full name ending in the zone is accepted and made relative.
pub fn relative_name(input: &str, zone: &str) -> Result<String, &'static str> {
    let typed = input.trim().trim_end_matches('.').to_lowercase();
    if typed.is_empty() || typed == APEX {
        return Ok(APEX.to_string());
    }
    if typed.chars().any(char::is_whitespace) {
        return Err("Nazwa rekordu nie może zawierać spacji.");
    }
    let ascii = to_ascii(&typed)?;
    if ascii == zone {
        return Ok(APEX.to_string());
    }
    let relative = ascii
        .strip_suffix(&format!(".{zone}"))
        .map_or(ascii.clone(), str::to_string);
    let rest = match relative.strip_prefix('*') {
        Some("") => return Ok("*".to_string()),
        Some(rest) => rest
            .strip_prefix('.')
            .ok_or("Gwiazdka może być tylko całym pierwszym członem nazwy, np. *.sklep.")?,
        None => relative.as_str(),
    };
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    check_labels(rest, allowed, RECORD_CHARACTERS)?;
    if relative.len() + zone.len() + 1 > MAX_NAME {
        return Err("Nazwa rekordu jest za długa.");
    }
    Ok(relative)
}

/// A relative name as the customer reads it.
pub fn shown_name(relative: &str) -> String {
    super::shop::unicode_name(relative)
}

/// TXT text, without the quotes a customer may copy with it, in strings of at most 255 bytes.
pub fn txt_strings(input: &str) -> Result<Vec<String>, String> {
    let text = input.trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    if text.is_empty() {
        return Err("Wpisz treść rekordu TXT.".into());
    }
    if text.len() > MAX_TXT {
        return Err(format!(
            "Treść rekordu TXT może mieć najwyżej {MAX_TXT} znaków."
        ));
    }
    if text.chars().any(|c| c.is_control() || c == '"') {
        return Err(
            "Treść rekordu TXT nie może zawierać cudzysłowów ani znaków sterujących.".into(),
        );
    }
    let mut strings = vec![String::new()];
    for c in text.chars() {
        if strings
            .last()
            .is_some_and(|s| s.len() + c.len_utf8() > TXT_CHUNK)
        {
            strings.push(String::new());
        }
        if let Some(last) = strings.last_mut() {
            last.push(c);
        }
    }
    Ok(strings)
}

/// A CAA value: for iodef a `mailto:`/`https://` address, otherwise the issuer's domain (or none,
/// ";") with its parameters.
pub fn caa_value(tag: &str, input: &str) -> Result<String, String> {
    let value = input.trim();
    if value.is_empty() || value.len() > 255 || value.chars().any(|c| c.is_control() || c == '"') {
        return Err("Wpisz wartość rekordu CAA (najwyżej 255 znaków, bez cudzysłowów).".into());
    }
    if tag == "iodef" {
        return if value.starts_with("mailto:") || value.starts_with("https://") {
            Ok(value.to_string())
        } else {
            Err("Dla iodef podaj adres mailto: albo https://.".into())
        };
    }
    let issuer = value.split(';').next().unwrap_or_default().trim();
    if !issuer.is_empty() && Hostname::parse(issuer).is_err() {
        return Err("Podaj domenę wystawcy certyfikatów, np. letsencrypt.org, albo „;”.".into());
    }
    Ok(value.to_string())
}

/// What a record says, by type. Serialised with its type as `"type": "MX"` (for exec scripts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "UPPERCASE")]
pub enum RecordData {
    A {
        address: Ipv4Addr,
    },
    Aaaa {
        address: Ipv6Addr,
    },
    Cname {
        target: Hostname,
    },
    Mx {
        priority: u16,
        host: Hostname,
    },
    Txt {
        strings: Vec<String>,
    },
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: Hostname,
    },
    Caa {
        flag: u8,
        tag: String,
        value: String,
    },
}

pub const RECORD_TYPES: [&str; 7] = ["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA"];

impl RecordData {
    pub fn type_name(&self) -> &'static str {
        match self {
            RecordData::A { .. } => "A",
            RecordData::Aaaa { .. } => "AAAA",
            RecordData::Cname { .. } => "CNAME",
            RecordData::Mx { .. } => "MX",
            RecordData::Txt { .. } => "TXT",
            RecordData::Srv { .. } => "SRV",
            RecordData::Caa { .. } => "CAA",
        }
    }

    /// The value as the list shows it.
    pub fn shown(&self) -> String {
        match self {
            RecordData::A { address } => address.to_string(),
            RecordData::Aaaa { address } => address.to_string(),
            RecordData::Cname { target } => target.shown(),
            RecordData::Mx { priority, host } => format!("{priority} {}", host.shown()),
            RecordData::Txt { strings } => strings
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(" "),
            RecordData::Srv {
                priority,
                weight,
                port,
                target,
            } => {
                format!("{priority} {weight} {port} {}", target.shown())
            }
            RecordData::Caa { flag, tag, value } => format!("{flag} {tag} \"{value}\""),
        }
    }
}

/// One record of a zone; `id` is unique within the zone (the forms name it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsRecord {
    pub id: u64,
    /// Relative to the zone, ASCII; "@" is the apex.
    pub name: String,
    pub ttl: u32,
    #[serde(flatten)]
    pub data: RecordData,
}

/// Who saw the transfer code, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthReveal {
    pub by: String,
    pub at: Timestamp,
}

/// What the panel keeps of a domain besides its service row: its records, the transfer code
/// (made once, on the first reveal) and the log of reveals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainZone {
    #[serde(default)]
    pub records: Vec<DnsRecord>,
    #[serde(default)]
    pub last_record_id: u64,
    #[serde(default)]
    pub auth_code: Option<String>,
    #[serde(default)]
    pub reveals: Vec<AuthReveal>,
}

/// A change of a zone's records.
#[derive(Clone, Debug)]
pub enum RecordChange {
    Add(DnsRecord),
    Replace(DnsRecord),
    Delete(u64),
}

/// Why a change was refused: the form's field and the customer's message.
pub type Refusal = (&'static str, String);

impl DomainZone {
    /// Applies `change` if the zone's rules allow it; `Ok(false)`: no such record.
    pub fn apply(&mut self, change: RecordChange) -> Result<bool, Refusal> {
        match change {
            RecordChange::Add(mut record) => {
                if self.records.len() >= MAX_RECORDS {
                    return Err((
                        "typ",
                        format!("Strefa może mieć najwyżej {MAX_RECORDS} rekordów."),
                    ));
                }
                check_beside(&self.records, &record)?;
                self.last_record_id += 1;
                record.id = self.last_record_id;
                self.records.push(record);
                Ok(true)
            }
            RecordChange::Replace(record) => {
                let Some(at) = self.records.iter().position(|r| r.id == record.id) else {
                    return Ok(false);
                };
                let others: Vec<DnsRecord> = self
                    .records
                    .iter()
                    .filter(|r| r.id != record.id)
                    .cloned()
                    .collect();
                check_beside(&others, &record)?;
                self.records[at] = record;
                Ok(true)
            }
            RecordChange::Delete(id) => {
                let before = self.records.len();
                self.records.retain(|r| r.id != id);
                Ok(self.records.len() < before)
            }
        }
    }
}

/// A CNAME stands alone at its name; the same record twice is refused.
fn check_beside(others: &[DnsRecord], record: &DnsRecord) -> Result<(), Refusal> {
    let same_name: Vec<&DnsRecord> = others.iter().filter(|r| r.name == record.name).collect();
    if same_name.iter().any(|r| r.data == record.data) {
        return Err(("wartosc", "Taki rekord już istnieje.".into()));
    }
    let is_cname = matches!(record.data, RecordData::Cname { .. });
    if is_cname && !same_name.is_empty() {
        return Err((
            "nazwa",
            "Pod tą nazwą są już inne rekordy, a rekord CNAME musi być pod swoją nazwą jedyny."
                .into(),
        ));
    }
    if same_name
        .iter()
        .any(|r| matches!(r.data, RecordData::Cname { .. }))
    {
        return Err((
            "nazwa",
            "Pod tą nazwą jest rekord CNAME: nie może mieć obok siebie innych rekordów.".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "dns_tests.rs"]
mod tests;
