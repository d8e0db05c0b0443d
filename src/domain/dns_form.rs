//! The DNS record form as the customer fills it: one form for every type, the fields a type does
//! not use ignored. Parsed into a `DnsRecord` or into a Polish message per field.

use super::dns::{
    APEX, CAA_TAGS, DEFAULT_TTL, DnsRecord, Hostname, MAX_TTL, MIN_TTL, RecordData, caa_value,
    relative_name, txt_strings,
};
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    pub typ: String,
    #[serde(default)]
    pub nazwa: String,
    #[serde(default)]
    pub ttl: String,
    #[serde(default)]
    pub wartosc: String,
    #[serde(default)]
    pub priorytet: String,
    #[serde(default)]
    pub waga: String,
    #[serde(default)]
    pub port: String,
    #[serde(default)]
    pub flaga: String,
    #[serde(default)]
    pub tag: String,
}

/// The form's messages, by field name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    fn check<T>(&mut self, field: &'static str, parsed: Result<T, String>) -> Option<T> {
        parsed.map_err(|e| self.add(field, e)).ok()
    }
}

fn number<T: std::str::FromStr + PartialOrd>(
    input: &str,
    min: T,
    max: T,
    message: &str,
) -> Result<T, String> {
    input
        .trim()
        .parse::<T>()
        .ok()
        .filter(|n| *n >= min && *n <= max)
        .ok_or_else(|| message.to_string())
}

fn parsed<T: std::str::FromStr>(input: &str, message: &str) -> Result<T, String> {
    input.parse().map_err(|_| message.to_string())
}

fn host(input: &str) -> Result<Hostname, String> {
    Hostname::parse(input).map_err(str::to_string)
}

fn ttl(input: &str) -> Result<u32, String> {
    if input.trim().is_empty() {
        return Ok(DEFAULT_TTL);
    }
    number(
        input,
        MIN_TTL,
        MAX_TTL,
        "TTL to liczba sekund od 60 do 86400.",
    )
}

impl RecordForm {
    /// The record the form describes, in zone `zone` (ASCII); its `id` is left 0.
    pub fn parse(&self, zone: &str) -> Result<DnsRecord, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(
            "nazwa",
            relative_name(&self.nazwa, zone).map_err(str::to_string),
        );
        let ttl = errors.check("ttl", ttl(&self.ttl));
        let data = self.data(&mut errors);
        if let (Some(name), Some(RecordData::Cname { .. })) = (&name, &data)
            && name == APEX
        {
            errors.add(
                "nazwa",
                "Rekord CNAME nie może być w wierzchołku domeny (@): użyj rekordu A lub AAAA.",
            );
        }
        if let (Some(name), Some(RecordData::Srv { .. })) = (&name, &data)
            && !is_service_name(name)
        {
            errors.add(
                "nazwa",
                "Nazwa rekordu SRV ma postać _usługa._protokół, np. _sip._tcp.",
            );
        }
        match (name, ttl, data) {
            (Some(name), Some(ttl), Some(data)) if errors.is_empty() => Ok(DnsRecord {
                id: 0,
                name,
                ttl,
                data,
            }),
            _ => Err(errors),
        }
    }

    fn data(&self, errors: &mut FieldErrors) -> Option<RecordData> {
        let value = self.wartosc.trim();
        match self.typ.trim().to_uppercase().as_str() {
            "A" => errors
                .check(
                    "wartosc",
                    parsed(value, "Podaj adres IPv4, np. 192.0.2.10."),
                )
                .map(|address| RecordData::A { address }),
            "AAAA" => errors
                .check(
                    "wartosc",
                    parsed(value, "Podaj adres IPv6, np. 2001:db8::10."),
                )
                .map(|address| RecordData::Aaaa { address }),
            "CNAME" => errors
                .check("wartosc", host(value))
                .map(|target| RecordData::Cname { target }),
            "MX" => {
                let priority = errors.check("priorytet", self.priority());
                let host = errors.check("wartosc", host(value));
                Some(RecordData::Mx {
                    priority: priority?,
                    host: host?,
                })
            }
            "TXT" => errors
                .check("wartosc", txt_strings(value))
                .map(|strings| RecordData::Txt { strings }),
            "SRV" => self.srv(errors),
            "CAA" => self.caa(errors),
            _ => {
                errors.add(
                    "typ",
                    "Wybierz typ rekordu: A, AAAA, CNAME, MX, TXT, SRV albo CAA.",
                );
                None
            }
        }
    }

    fn priority(&self) -> Result<u16, String> {
        number(
            &self.priorytet,
            0,
            u16::MAX,
            "Priorytet to liczba od 0 do 65535.",
        )
    }

    fn srv(&self, errors: &mut FieldErrors) -> Option<RecordData> {
        let priority = errors.check("priorytet", self.priority());
        let weight = number(&self.waga, 0, u16::MAX, "Waga to liczba od 0 do 65535.");
        let weight = errors.check("waga", weight);
        let port = number(&self.port, 1, u16::MAX, "Port to liczba od 1 do 65535.");
        let port = errors.check("port", port);
        let target = errors.check("wartosc", host(&self.wartosc));
        Some(RecordData::Srv {
            priority: priority?,
            weight: weight?,
            port: port?,
            target: target?,
        })
    }

    fn caa(&self, errors: &mut FieldErrors) -> Option<RecordData> {
        let flag = number(
            &self.flaga,
            0,
            255,
            "Flaga to liczba od 0 do 255 (zwykle 0).",
        );
        let flag = errors.check("flaga", flag);
        let tag = self.tag.trim().to_lowercase();
        let tag = if CAA_TAGS.contains(&tag.as_str()) {
            Ok(tag)
        } else {
            Err("Wybierz znacznik: issue, issuewild albo iodef.".to_string())
        };
        let tag = errors.check("tag", tag);
        let value = caa_value(tag.as_deref().unwrap_or("issue"), &self.wartosc);
        let value = errors.check("wartosc", value);
        Some(RecordData::Caa {
            flag: flag?,
            tag: tag?,
            value: value?,
        })
    }

    /// The form filled with a stored record (to edit it).
    pub fn of(record: &DnsRecord) -> RecordForm {
        let mut form = RecordForm {
            typ: record.data.type_name().to_string(),
            nazwa: super::dns::shown_name(&record.name),
            ttl: record.ttl.to_string(),
            ..RecordForm::default()
        };
        match &record.data {
            RecordData::A { address } => form.wartosc = address.to_string(),
            RecordData::Aaaa { address } => form.wartosc = address.to_string(),
            RecordData::Cname { target } => form.wartosc = target.shown(),
            RecordData::Mx { priority, host } => {
                form.priorytet = priority.to_string();
                form.wartosc = host.shown();
            }
            RecordData::Txt { strings } => form.wartosc = strings.concat(),
            RecordData::Srv {
                priority,
                weight,
                port,
                target,
            } => {
                form.priorytet = priority.to_string();
                form.waga = weight.to_string();
                form.port = port.to_string();
                form.wartosc = target.shown();
            }
            RecordData::Caa { flag, tag, value } => {
                form.flaga = flag.to_string();
                form.tag = tag.clone();
                form.wartosc = value.clone();
            }
        }
        form
    }
}

/// `_service._proto` (with anything after it, e.g. `_sip._tcp.biuro`).
fn is_service_name(name: &str) -> bool {
    let mut labels = name.split('.');
    matches!((labels.next(), labels.next()), (Some(service), Some(proto))
        if service.len() > 1 && service.starts_with('_') && proto.len() > 1 && proto.starts_with('_'))
}
