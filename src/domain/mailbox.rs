//! Mailboxes on a server (a Hosting, or a "Poczta e-mail" plan): the address, the plan's limits,
//! the password rules and hash, and how full a mailbox looks. No I/O here.

use super::service::Lifecycle;
use super::{Mailbox, Service, ServiceDetails, ServiceKind};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::fmt;

/// RFC 5321 allows 64 octets before the @.
pub const LOCAL_PART_MAX: usize = 64;
pub const PASSWORD_MIN_CHARS: usize = 10;
/// A mail plan bought in the shop carries no details of its own: these are its limits (the demo's
/// "Poczta Biznes (10 skrzynek)"), until the catalogue gives plans their own.
pub const MAIL_PLAN_LIMITS: MailLimits = MailLimits {
    disk_quota_mb: 10_240,
    mailbox_limit: 10,
};

/// Passwords everyone tries first (lower-cased, compared without the digits and signs at the end).
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "haslo",
    "hasło",
    "qwerty",
    "qwertyuiop",
    "zaq1@wsx",
    "zaq12wsx",
    "polska",
    "admin",
    "administrator",
    "letmein",
    "welcome",
    "iloveyou",
    "abcdef",
    "abcdefghij",
    "monkey",
    "dragon",
    "football",
    "superman",
    "kochamcie",
    "mateusz",
    "michal",
    "marcin",
    "bartek",
];

/// A mailbox address: a sane local part (lower-cased) at one of the account's domains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxAddress {
    local: String,
    domain: String,
}

impl MailboxAddress {
    /// Checks the local part (what the customer typed); `domain` is one the page offered.
    pub fn parse(local: &str, domain: &str) -> Result<MailboxAddress, &'static str> {
        let local = local.trim().to_lowercase();
        if local.is_empty() {
            return Err("Podaj nazwę skrzynki (część adresu przed @).");
        }
        if local.chars().count() > LOCAL_PART_MAX {
            return Err("Nazwa skrzynki może mieć najwyżej 64 znaki.");
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-+".contains(c);
        if !local.chars().all(allowed) {
            return Err(
                "Nazwa skrzynki może zawierać tylko litery a–z bez polskich znaków, cyfry i znaki . _ - +",
            );
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(
                "Kropka nie może stać na początku ani na końcu nazwy ani dwie obok siebie.",
            );
        }
        let domain = domain.trim().to_lowercase();
        if domain.is_empty() {
            return Err("Wybierz domenę skrzynki.");
        }
        Ok(MailboxAddress { local, domain })
    }

    pub fn local(&self) -> &str {
        &self.local
    }

    pub fn domain(&self) -> &str {
        &self.domain
    }
}

impl fmt::Display for MailboxAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local, self.domain)
    }
}

/// Checks a new mailbox password; the message is Polish, for the field.
pub fn check_password(password: &str, address: &str) -> Result<(), &'static str> {
    if password.chars().count() < PASSWORD_MIN_CHARS {
        return Err("Hasło musi mieć co najmniej 10 znaków.");
    }
    let lower = password.to_lowercase();
    let local = address.split('@').next().unwrap_or_default();
    if lower.contains(&address.to_lowercase()) || (local.len() >= 4 && lower.contains(local)) {
        return Err("Hasło nie może zawierać adresu skrzynki.");
    }
    let core = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let first = lower.chars().next();
    let one_char = lower.chars().all(|c| Some(c) == first);
    let digits_only = lower.chars().all(|c| c.is_ascii_digit());
    if one_char || digits_only || COMMON_PASSWORDS.contains(&core) {
        return Err(
            "To hasło jest zbyt łatwe do odgadnięcia: użyj liter, cyfr i znaków, nie popularnego słowa.",
        );
    }
    Ok(())
}

/// The password as an argon2id PHC string with the given random salt (the only form stored).
pub fn hash_password(password: &str, salt: &[u8; 16]) -> Result<String, String> {
    let salt = SaltString::encode_b64(salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` is the one `hash` was made from.
pub fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .and_then(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed))
        .is_ok()
}

/// What a server's plan allows for mailboxes: their count, and disk to share among their quotas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailLimits {
    pub disk_quota_mb: u64,
    pub mailbox_limit: u32,
}

impl MailLimits {
    /// The limits of a server mailboxes live on; `None` for a service that holds no mailboxes.
    pub fn of(service: &Service) -> Option<MailLimits> {
        match (&service.kind, &service.details) {
            (
                ServiceKind::Hosting,
                ServiceDetails::Hosting {
                    disk_quota_mb,
                    mailbox_limit,
                    ..
                },
            ) => Some(MailLimits {
                disk_quota_mb: *disk_quota_mb,
                mailbox_limit: *mailbox_limit,
            }),
            (ServiceKind::Email, _) => Some(MAIL_PLAN_LIMITS),
            _ => None,
        }
    }

    /// May a new mailbox be added on `service` now (the server is paid for and not suspended)?
    pub fn accepts_new(service: &Service) -> Result<(), Refusal> {
        match service.lifecycle {
            Lifecycle::Live => Ok(()),
            _ => Err(Refusal::ServerInactive),
        }
    }

    /// Disk not yet given to the quotas of `on_server` (the server's mailboxes), leaving out
    /// the mailbox `except` (whose quota is being changed).
    pub fn quota_left_mb(&self, on_server: &[Mailbox], except: Option<u64>) -> u64 {
        let given: u64 = on_server
            .iter()
            .filter(|m| Some(m.id) != except)
            .map(|m| m.quota_mb)
            .sum();
        self.disk_quota_mb.saturating_sub(given)
    }
}

/// Why the server refused a mailbox change; each belongs to a field of the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The server is suspended, deleted or not paid for yet: no new mailboxes on it.
    ServerInactive,
    Duplicate,
    TooMany {
        limit: u32,
    },
    OverPlan {
        left_mb: u64,
    },
    BelowUsed {
        used_mb: u64,
    },
}

impl Refusal {
    /// The form field the message is shown at.
    pub fn field(&self) -> &'static str {
        match self {
            Refusal::ServerInactive => "serwer",
            Refusal::Duplicate | Refusal::TooMany { .. } => "nazwa",
            Refusal::OverPlan { .. } | Refusal::BelowUsed { .. } => "limit",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::ServerInactive => {
                "Ten serwer nie jest aktywny: nowe skrzynki można na nim zakładać, gdy usługa jest opłacona.".into()
            }
            Refusal::Duplicate => "Skrzynka o tym adresie już istnieje.".into(),
            Refusal::TooMany { limit } => {
                format!(
                    "Limit skrzynek na tym serwerze w pakiecie: {limit}. Wszystkie są już założone."
                )
            }
            Refusal::OverPlan { left_mb } => {
                format!("Pakiet ma wolne jeszcze {left_mb} MB: podaj limit nie większy.")
            }
            Refusal::BelowUsed { used_mb } => {
                format!("Skrzynka zajmuje już {used_mb} MB: limit nie może być mniejszy.")
            }
        }
    }
}

/// May a mailbox with `quota_mb` be added to a server holding `on_server`?
pub fn check_new(limits: MailLimits, on_server: &[Mailbox], quota_mb: u64) -> Result<(), Refusal> {
    if on_server.len() as u64 >= u64::from(limits.mailbox_limit) {
        return Err(Refusal::TooMany {
            limit: limits.mailbox_limit,
        });
    }
    let left_mb = limits.quota_left_mb(on_server, None);
    if quota_mb > left_mb {
        return Err(Refusal::OverPlan { left_mb });
    }
    Ok(())
}

/// May `mailbox` get `quota_mb`: not below what it uses, not above what the plan has left?
pub fn check_quota(
    limits: MailLimits,
    on_server: &[Mailbox],
    mailbox: &Mailbox,
    quota_mb: u64,
) -> Result<(), Refusal> {
    if quota_mb < mailbox.used_mb {
        return Err(Refusal::BelowUsed {
            used_mb: mailbox.used_mb,
        });
    }
    let left_mb = limits.quota_left_mb(on_server, Some(mailbox.id));
    if quota_mb > left_mb {
        return Err(Refusal::OverPlan { left_mb });
    }
    Ok(())
}

/// The quota a customer typed, in whole MB (at least 1).
pub fn parse_quota(text: &str) -> Result<u64, &'static str> {
    match text.trim().replace([' ', '\u{a0}'], "").parse::<u64>() {
        Ok(mb) if mb >= 1 => Ok(mb),
        _ => Err("Podaj limit w MB jako liczbę całkowitą, co najmniej 1."),
    }
}

/// The tone of a mailbox's use bar: green below 80 %, amber below 95 %, red from 95 %.
pub fn usage_tone(mailbox: &Mailbox) -> &'static str {
    percent_tone(mailbox.used_percent())
}

/// The tone of a use bar at `percent` (a mailbox's, a server's disk).
pub fn percent_tone(percent: u64) -> &'static str {
    match percent {
        0..80 => "ok",
        80..95 => "warning",
        _ => "danger",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(id: u64, quota_mb: u64, used_mb: u64) -> Mailbox {
        Mailbox {
            id,
            account_id: 1,
            hosting_service_id: 2,
            address: format!("m{id}@firma.pl"),
            quota_mb,
            used_mb,
            password_hash: None,
        }
    }

    #[test]
    fn a_local_part_is_lower_cased_and_refused_when_not_sane() {
        let ok = MailboxAddress::parse(" Jan.Kowalski+faktury ", "Firma.pl");
        assert_eq!(
            ok.map(|a| a.to_string()).ok().as_deref(),
            Some("jan.kowalski+faktury@firma.pl")
        );
        for bad in ["", "jan kowalski", "łukasz", ".jan", "jan.", "ja..n", "a@b"] {
            assert!(MailboxAddress::parse(bad, "firma.pl").is_err(), "{bad:?}");
        }
        assert!(MailboxAddress::parse(&"a".repeat(64), "firma.pl").is_ok());
        assert!(MailboxAddress::parse(&"a".repeat(65), "firma.pl").is_err());
    }

    #[test]
    fn a_password_is_long_not_the_address_and_not_common() {
        let address = "biuro@firma.pl";
        assert!(check_password("Zielony-Kot-42", address).is_ok());
        for weak in [
            "krotkie1",
            "biuro@firma.pl!",
            "xxbiuro2026xx",
            "aaaaaaaaaaaa",
            "12345678901",
            "Password123!",
            "qwertyuiop",
        ] {
            assert!(check_password(weak, address).is_err(), "{weak:?}");
        }
    }

    #[test]
    fn the_hash_verifies_the_password_and_does_not_contain_it() {
        let hash = hash_password("Zielony-Kot-42", &[7; 16]).unwrap_or_default();
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("Zielony"));
        assert!(password_matches(&hash, "Zielony-Kot-42"));
        assert!(!password_matches(&hash, "Zielony-Kot-43"));
    }

    #[test]
    fn limits_count_mailboxes_and_share_the_disk_among_quotas() {
        let limits = MailLimits {
            disk_quota_mb: 1000,
            mailbox_limit: 2,
        };
        let one = [mailbox(1, 600, 500)];
        assert_eq!(check_new(limits, &one, 400), Ok(()));
        assert_eq!(
            check_new(limits, &one, 401),
            Err(Refusal::OverPlan { left_mb: 400 })
        );
        let two = [mailbox(1, 600, 500), mailbox(2, 100, 0)];
        assert_eq!(
            check_new(limits, &two, 1),
            Err(Refusal::TooMany { limit: 2 })
        );
        assert_eq!(check_quota(limits, &two, &two[0], 900), Ok(()));
        assert_eq!(
            check_quota(limits, &two, &two[0], 901),
            Err(Refusal::OverPlan { left_mb: 900 })
        );
        assert_eq!(
            check_quota(limits, &two, &two[0], 499),
            Err(Refusal::BelowUsed { used_mb: 500 })
        );
    }

    #[test]
    fn a_mail_plan_has_its_limits_and_a_suspended_server_takes_no_new_mailbox() {
        let mut plan = Service::live_domain_for_tests(5, jiff::civil::date(2030, 1, 1));
        plan.kind = ServiceKind::Email;
        assert_eq!(MailLimits::of(&plan), Some(MAIL_PLAN_LIMITS));
        assert_eq!(MailLimits::accepts_new(&plan), Ok(()));
        plan.lifecycle = Lifecycle::Suspended;
        assert_eq!(MailLimits::accepts_new(&plan), Err(Refusal::ServerInactive));
        plan.kind = ServiceKind::Ssl;
        assert_eq!(MailLimits::of(&plan), None, "no mailboxes on a certificate");
    }

    #[test]
    fn the_bar_is_green_amber_or_red_by_level() {
        assert_eq!(usage_tone(&mailbox(1, 100, 79)), "ok");
        assert_eq!(usage_tone(&mailbox(1, 100, 80)), "warning");
        assert_eq!(usage_tone(&mailbox(1, 100, 94)), "warning");
        assert_eq!(usage_tone(&mailbox(1, 2048, 1987)), "danger", "97 %");
        assert_eq!(parse_quota(" 1 024 "), Ok(1024));
        assert!(parse_quota("0").is_err() && parse_quota("dużo").is_err());
    }
}
