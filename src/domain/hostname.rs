//! Host names as DNS carries them (nameservers, CNAME/MX/SRV targets): stored in ASCII
//! (punycode), shown in Unicode; and a domain's list of nameservers.

use serde::{Deserialize, Serialize};

pub const MIN_NAMESERVERS: usize = 2;
pub const MAX_NAMESERVERS: usize = 13;
pub(super) const MAX_NAME: usize = 253;
const MAX_LABEL: usize = 63;
const CHARACTERS: &str = "Nazwa może zawierać tylko litery, cyfry, łączniki i kropki.";

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
        check_labels(
            &ascii,
            |b| b.is_ascii_alphanumeric() || b == b'-',
            CHARACTERS,
        )?;
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

pub(super) fn to_ascii(typed: &str) -> Result<String, &'static str> {
    if typed.split('.').any(str::is_empty) {
        return Err("Nazwa nie może mieć dwóch kropek obok siebie.");
    }
    if typed.is_ascii() {
        return Ok(typed.to_string());
    }
    idna::domain_to_ascii(typed)
        .map_err(|_| "Nazwa może zawierać tylko litery, cyfry, łączniki i kropki.")
}

/// Checks the length of the name and of each label, hyphens, and characters (`allowed`, else
/// `characters`, the message naming what is allowed).
pub(super) fn check_labels(
    ascii: &str,
    allowed: impl Fn(u8) -> bool,
    characters: &'static str,
) -> Result<(), &'static str> {
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
            return Err(characters);
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
