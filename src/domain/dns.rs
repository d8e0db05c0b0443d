//! A domain's DNS: host names (nameservers, record targets), names relative to the zone, records
//! of each type and the rules a zone keeps (CNAME alone at its name, not at the apex). Names are
//! stored in ASCII (punycode) and shown in Unicode. No I/O.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, Ipv6Addr};

pub const MIN_NAMESERVERS: usize = 2;
pub const MAX_NAMESERVERS: usize = 13;
pub const MIN_TTL: u32 = 60;
pub const MAX_TTL: u32 = 86_400;
pub const DEFAULT_TTL: u32 = 3_600;
/// The longest character-string of a TXT record; longer text is split into several.
pub const TXT_CHUNK: usize = 255;
/// A zone's records, at most (a guard against runaway forms or scripts, not a DNS limit).
pub const MAX_RECORDS: usize = 1_000;
/// The apex of the zone, as names relative to it write it.
pub const APEX: &str = "@";

const MAX_NAME: usize = 253;
const MAX_LABEL: usize = 63;

/// A host name (a nameserver, a CNAME/MX/SRV target): at least two labels, stored in ASCII.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hostname(String);

impl Hostname {
    pub fn parse(input: &str) -> Result<Hostname, &'static str> {
        let typed = input.trim().trim_end_matches('.').to_lowercase();
        if typed.is_empty() {
            return Err("Podaj nazwę serwera, np. ns1.example.net.");
        }
        if typed.chars().any(char::is_whitespace) {
            return Err("Nazwa serwera nie może zawierać spacji.");
        }
        if !typed.contains('.') {
            return Err("Podaj pełną nazwę serwera z domeną, np. ns1.example.net.");
        }
        let ascii = to_ascii(&typed)?;
        check_labels(&ascii, |b| b.is_ascii_alphanumeric() || b == b'-')?;
        if ascii
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err("Podaj nazwę serwera, nie adres IP.");
        }
        Ok(Hostname(ascii))
    }

    pub fn ascii(&self) -> &str {
        &self.0
    }

    /// The name as the customer reads it (an IDN in Unicode).
    pub fn shown(&self) -> String {
        super::shop::unicode_name(&self.0)
    }
}

fn to_ascii(typed: &str) -> Result<String, &'static str> {
    if typed.split('.').any(str::is_empty) {
        return Err("Nazwa nie może mieć dwóch kropek obok siebie.");
    }
    if typed.is_ascii() {
        return Ok(typed.to_string());
    }
    idna::domain_to_ascii(typed)
        .map_err(|_| "Nazwa może zawierać tylko litery, cyfry, łączniki i kropki.")
}

fn check_labels(ascii: &str, allowed: impl Fn(u8) -> bool) -> Result<(), &'static str> {
    if ascii.len() > MAX_NAME {
        return Err("Nazwa jest za długa: może mieć najwyżej 253 znaki.");
    }
    for label in ascii.split('.') {
        if label.len() > MAX_LABEL {
            return Err("Człon nazwy może mieć najwyżej 63 znaki.");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("Człon nazwy nie może zaczynać się ani kończyć łącznikiem.");
        }
        if !label.bytes().all(&allowed) {
            return Err("Nazwa może zawierać tylko litery, cyfry, łączniki i kropki.");
        }
    }
    Ok(())
}

/// The nameservers typed one a line (or separated by spaces or commas): 2–13, no repeats.
pub fn parse_nameservers(input: &str) -> Result<Vec<Hostname>, String> {
    let mut hosts: Vec<Hostname> = Vec::new();
    for typed in input
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
    {
        let host = Hostname::parse(typed).map_err(|e| format!("„{typed}”: {e}"))?;
        if hosts.contains(&host) {
            return Err(format!("Serwer {} jest podany dwa razy.", host.shown()));
        }
        hosts.push(host);
    }
    if hosts.len() < MIN_NAMESERVERS {
        return Err(format!(
            "Podaj co najmniej {MIN_NAMESERVERS} serwery DNS, każdy w osobnym wierszu."
        ));
    }
    if hosts.len() > MAX_NAMESERVERS {
        return Err(format!(
            "Można podać najwyżej {MAX_NAMESERVERS} serwerów DNS."
        ));
    }
    Ok(hosts)
}

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
    check_labels(rest, |b| {
        b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
    })
    .map_err(
        |_| "Nazwa rekordu może zawierać tylko litery, cyfry, łączniki, podkreślenia i kropki.",
    )?;
    if relative.len() + zone.len() + 1 > MAX_NAME {
        return Err("Nazwa rekordu jest za długa.");
    }
    Ok(relative)
}

/// A relative name as the customer reads it.
pub fn shown_name(relative: &str) -> String {
    super::shop::unicode_name(relative)
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
