//! The shop: domain names as a customer types them, the cart and the order it becomes.

use super::Money;
use super::billing::{Line, Plan, months_label};
use super::service::ServiceKind;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest domain name DNS carries, and the longest label.
const MAX_NAME: usize = 253;
const MAX_LABEL: usize = 63;

/// A domain name, stored in its ASCII (punycode) form; shown in Unicode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainName(String);

/// Why a typed domain name cannot be registered; the messages are the customer's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DomainNameError {
    #[error("Wpisz nazwę domeny, np. twojafirma.pl.")]
    Empty,
    #[error("Podaj pełną nazwę domeny z końcówką, np. twojafirma.pl.")]
    NoTld,
    #[error(
        "Nazwa domeny nie może zawierać spacji ani pustych członów (dwóch kropek obok siebie)."
    )]
    EmptyLabel,
    #[error("Człon „{0}” jest za długi: może mieć najwyżej 63 znaki.")]
    LabelTooLong(String),
    #[error("Człon „{0}” nie może zaczynać się ani kończyć łącznikiem.")]
    Hyphen(String),
    #[error("Nazwa domeny może zawierać tylko litery, cyfry, łączniki i kropki.")]
    Characters,
    #[error("Nazwa domeny jest za długa: może mieć najwyżej 253 znaki.")]
    TooLong,
    #[error("Ta końcówka wymaga nazwy w domenie {0}, np. twojafirma{0}.")]
    WrongTld(String),
}

impl DomainName {
    pub fn parse(input: &str) -> Result<DomainName, DomainNameError> {
        let typed = input.trim().trim_end_matches('.').to_lowercase();
        if typed.is_empty() {
            return Err(DomainNameError::Empty);
        }
        if typed.chars().any(char::is_whitespace) || typed.split('.').any(str::is_empty) {
            return Err(DomainNameError::EmptyLabel);
        }
        if !typed.contains('.') {
            return Err(DomainNameError::NoTld);
        }
        if let Some(label) = typed
            .split('.')
            .find(|l| l.starts_with('-') || l.ends_with('-'))
        {
            return Err(DomainNameError::Hyphen(label.to_string()));
        }
        let ascii = idna::domain_to_ascii(&typed).map_err(|_| DomainNameError::Characters)?;
        for (label, typed_label) in ascii.split('.').zip(typed.split('.')) {
            if label.len() > MAX_LABEL {
                return Err(DomainNameError::LabelTooLong(typed_label.to_string()));
            }
            if !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(DomainNameError::Characters);
            }
        }
        if ascii.len() > MAX_NAME {
            return Err(DomainNameError::TooLong);
        }
        Ok(DomainName(ascii))
    }

    /// The ASCII form: `xn--zaw-…pl` for an IDN.
    pub fn ascii(&self) -> &str {
        &self.0
    }

    /// Whether the name ends in `tld` (".pl"), compared in ASCII.
    pub fn has_tld(&self, tld: &str) -> bool {
        let tld = idna::domain_to_ascii(tld.trim_start_matches('.')).unwrap_or_default();
        self.0.ends_with(&format!(".{tld}"))
    }
}

/// A stored domain name (ASCII) as the customer reads it: `zażółć.pl`, not `xn--…`.
pub fn unicode_name(ascii: &str) -> String {
    let (unicode, result) = idna::domain_to_unicode(ascii);
    if result.is_ok() {
        unicode
    } else {
        ascii.to_string()
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&unicode_name(&self.0))
    }
}

/// A service's stored name as the customer reads it: a domain in Unicode, anything else as is.
pub fn shown_name(kind: ServiceKind, name: &str) -> String {
    if kind == ServiceKind::Domain {
        unicode_name(name)
    } else {
        name.to_string()
    }
}

/// The TLD a domain plan is for, from its name: "Domena .pl" → ".pl". A plan without one
/// registers any name.
pub fn plan_tld(plan: &Plan) -> Option<&str> {
    if plan.kind != ServiceKind::Domain {
        return None;
    }
    plan.name
        .split_whitespace()
        .find(|word| word.len() > 1 && word.starts_with('.'))
}

/// The domain name typed for a domain plan, checked against the plan's TLD.
pub fn domain_for_plan(plan: &Plan, input: &str) -> Result<DomainName, DomainNameError> {
    let name = DomainName::parse(input)?;
    match plan_tld(plan) {
        Some(tld) if !name.has_tld(tld) => Err(DomainNameError::WrongTld(tld.to_string())),
        _ => Ok(name),
    }
}

/// The longest name a customer may give a non-domain service.
const MAX_NAME_CHARS: usize = 100;

/// Gross price of a plan for `months` (one unit), as on a proforma line.
pub fn gross_price(plan: &Plan, months: u32) -> Option<Money> {
    let unit_net = plan.price_for(months)?;
    let line = Line {
        description: String::new(),
        service_id: None,
        quantity: 1,
        unit_net,
        vat_percent: plan.vat_percent,
        period_months: months,
    };
    Some(line.gross())
}

/// The service's name from the form: a domain's checked ASCII name, else the typed name or the
/// plan's. The error belongs to the name field.
pub fn service_name(plan: &Plan, typed: &str) -> Result<String, String> {
    if plan.kind == ServiceKind::Domain {
        return domain_for_plan(plan, typed)
            .map(|d| d.ascii().to_string())
            .map_err(|e| e.to_string());
    }
    let typed = typed.trim();
    if typed.chars().any(char::is_control) || typed.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "Nazwa może mieć najwyżej {MAX_NAME_CHARS} znaków, bez znaków sterujących."
        ));
    }
    Ok(if typed.is_empty() {
        plan.name.clone()
    } else {
        typed.to_string()
    })
}

/// One thing in the cart: a plan, its period and the service's name (a domain's ASCII name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    pub id: u64,
    pub plan_id: u64,
    pub months: u32,
    pub name: String,
}

impl CartItem {
    /// The name as the customer reads it (a domain in Unicode).
    pub fn shown_name(&self, kind: ServiceKind) -> String {
        shown_name(kind, &self.name)
    }

    /// The proforma line of this item: `None` when the plan no longer offers its period.
    pub fn line(&self, plan: &Plan) -> Option<Line> {
        let unit_net = plan.price_for(self.months)?;
        let what = if plan.kind == ServiceKind::Domain {
            format!("rejestracja {}", self.shown_name(plan.kind))
        } else {
            self.shown_name(plan.kind)
        };
        Some(Line {
            description: format!("{} — {what}, {}", plan.name, months_label(self.months)),
            service_id: None,
            quantity: 1,
            unit_net,
            vat_percent: plan.vat_percent,
            period_months: self.months,
        })
    }
}

/// The cart of one user: kept on the server between visits.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Cart {
    pub items: Vec<CartItem>,
}

/// An order: the cart as it was at "Zamów", its proforma, and the services its payment created.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Order {
    pub id: u64,
    pub account_id: u64,
    pub user_id: u64,
    pub proforma_id: u64,
    pub items: Vec<CartItem>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub fulfilled_at: Option<Timestamp>,
    #[serde(default)]
    pub service_ids: Vec<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;

    fn parsed(input: &str) -> Result<String, DomainNameError> {
        DomainName::parse(input).map(|d| d.ascii().to_string())
    }

    #[test]
    fn valid_names_are_stored_in_ascii_lowercase() {
        assert_eq!(parsed(" Firma.PL. "), Ok("firma.pl".into()));
        assert_eq!(parsed("moja-firma.com.pl"), Ok("moja-firma.com.pl".into()));
        assert_eq!(parsed("zażółć.pl"), Ok("xn--za-6ja4f8n1l.pl".into()));
        let Ok(idn) = DomainName::parse("zażółć.pl") else {
            unreachable!("a valid IDN")
        };
        assert_eq!(idn.to_string(), "zażółć.pl");
        assert_eq!(unicode_name("xn--za-6ja4f8n1l.pl"), "zażółć.pl");
    }

    #[test]
    fn invalid_names_say_what_is_wrong() {
        assert_eq!(parsed(""), Err(DomainNameError::Empty));
        assert_eq!(parsed("firma"), Err(DomainNameError::NoTld));
        assert_eq!(parsed("fir ma.pl"), Err(DomainNameError::EmptyLabel));
        assert_eq!(parsed("firma..pl"), Err(DomainNameError::EmptyLabel));
        assert_eq!(
            parsed("-firma.pl"),
            Err(DomainNameError::Hyphen("-firma".into()))
        );
        assert_eq!(parsed("fir_ma.pl"), Err(DomainNameError::Characters));
        assert_eq!(parsed("firma!.pl"), Err(DomainNameError::Characters));
        let long = format!("{}.pl", "a".repeat(64));
        assert!(matches!(
            parsed(&long),
            Err(DomainNameError::LabelTooLong(_))
        ));
        let huge = format!("{}.pl", vec!["a".repeat(60); 5].join("."));
        assert_eq!(parsed(&huge), Err(DomainNameError::TooLong));
    }

    #[test]
    fn the_longest_label_and_name_dns_carries_are_accepted_one_more_is_not() {
        let label = format!("{}.pl", "a".repeat(63));
        assert_eq!(parsed(&label), Ok(label.clone()), "63 characters per label");
        // 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters.
        let longest = format!("{0}.{0}.{0}.{1}", "a".repeat(63), "b".repeat(61));
        assert_eq!(longest.len(), 253);
        assert_eq!(parsed(&longest), Ok(longest.clone()));
        let over = format!("{0}.{0}.{0}.{1}", "a".repeat(63), "b".repeat(62));
        assert_eq!(parsed(&over), Err(DomainNameError::TooLong));
    }

    #[test]
    fn a_name_of_100_characters_is_kept_one_of_101_refused() {
        let hosting = plan(ServiceKind::Hosting, "Hosting Pro");
        let fits = "s".repeat(100);
        assert_eq!(service_name(&hosting, &fits), Ok(fits.clone()));
        assert!(service_name(&hosting, &"s".repeat(101)).is_err());
    }

    #[test]
    fn a_lone_dot_in_a_plan_name_is_no_tld() {
        assert_eq!(
            plan_tld(&plan(ServiceKind::Domain, "Domena . promocja")),
            None
        );
        assert_eq!(
            plan_tld(&plan(ServiceKind::Domain, "Domena .eu")),
            Some(".eu")
        );
    }

    fn plan(kind: ServiceKind, name: &str) -> Plan {
        Plan {
            id: 1,
            kind,
            name: name.into(),
            price_net: Money(4900),
            vat_percent: 23,
            period_months: 12,
            periods: vec![24],
            prices: vec![],
            hidden: false,
        }
    }

    #[test]
    fn a_plan_stored_before_the_shop_still_reads() {
        let old = r#"{"id":3,"kind":"Domain","name":"Domena .pl","price_net":4900,"vat_percent":23,"period_months":12,"periods":[24]}"#;
        let plan: Result<Plan, _> = serde_json::from_str(old);
        let Ok(plan) = plan else {
            unreachable!("{plan:?}")
        };
        assert!(!plan.hidden && plan.prices.is_empty());
        assert_eq!(plan.price_for(24), Some(Money(9800)));
    }

    #[test]
    fn a_service_is_named_by_its_domain_or_as_typed_or_after_its_plan() {
        let pl = plan(ServiceKind::Domain, "Domena .pl");
        assert_eq!(
            service_name(&pl, "Zażółć.pl"),
            Ok("xn--za-6ja4f8n1l.pl".into())
        );
        assert!(service_name(&pl, "").is_err());
        let hosting = plan(ServiceKind::Hosting, "Hosting Pro");
        assert_eq!(service_name(&hosting, "  "), Ok("Hosting Pro".into()));
        assert_eq!(service_name(&hosting, " firma.pl "), Ok("firma.pl".into()));
        assert!(service_name(&hosting, &"x".repeat(101)).is_err());
        assert!(service_name(&hosting, "a\nb").is_err());
        assert_eq!(gross_price(&hosting, 24), Some(Money(12054)));
        assert_eq!(gross_price(&hosting, 6), None);
    }

    #[test]
    fn a_tld_plan_takes_only_names_in_its_tld() {
        let pl = plan(ServiceKind::Domain, "Domena .pl");
        assert_eq!(plan_tld(&pl), Some(".pl"));
        assert!(domain_for_plan(&pl, "firma.pl").is_ok());
        assert!(domain_for_plan(&pl, "firma.com.pl").is_ok());
        assert_eq!(
            domain_for_plan(&pl, "firma.com").map(|d| d.ascii().to_string()),
            Err(DomainNameError::WrongTld(".pl".into()))
        );
        let any = plan(ServiceKind::Domain, "Domena");
        assert!(domain_for_plan(&any, "firma.com").is_ok());
        assert_eq!(plan_tld(&plan(ServiceKind::Hosting, "Hosting .pl")), None);
    }

    #[test]
    fn a_cart_line_names_the_plan_the_service_and_the_period() {
        let item = CartItem {
            id: 1,
            plan_id: 1,
            months: 24,
            name: "xn--za-6ja4f8n1l.pl".into(),
        };
        let Some(line) = item.line(&plan(ServiceKind::Domain, "Domena .pl")) else {
            unreachable!("24 months are offered")
        };
        assert_eq!(
            line.description,
            "Domena .pl — rejestracja zażółć.pl, 24 miesiące"
        );
        assert_eq!(line.unit_net, Money(9800));
        let odd = CartItem { months: 18, ..item };
        assert!(odd.line(&plan(ServiceKind::Domain, "Domena .pl")).is_none());
    }
}
