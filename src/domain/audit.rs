//! The audit log: who did what to an account, when and from where. Entries never carry secrets
//! (codes, tokens, passwords, TOTP secrets, transfer codes): only what happened and to whom.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Who acted: a person of an account, the host's operator (`panel admin`), or the panel's jobs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Actor {
    Person {
        user_id: u64,
        email: String,
    },
    Operator,
    System,
    /// Someone who is not (yet) a user: a failed login with the address they typed.
    Visitor {
        email: String,
    },
}

impl Actor {
    /// As the log shows it: the e-mail, "operator" or "system".
    pub fn label(&self) -> String {
        match self {
            Actor::Person { email, .. } | Actor::Visitor { email } => email.clone(),
            Actor::Operator => "operator".into(),
            Actor::System => "system".into(),
        }
    }
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    Login,
    LoginFailed,
    SecondFactorOn,
    SecondFactorOff,
    RecoveryCodeUsed,
    /// The owner requires (or stops requiring) the second factor from every user.
    SecondFactorRequired,
    RoleChanged,
    UserInvited,
    UserRemoved,
    UserDisabled,
    PaymentRecorded,
    CreditNote,
    Refund,
    DataChanged,
    AuthCodeRevealed,
    OperatorAction,
    LoginAsLink,
    LoginAsUsed,
    /// New recovery codes (the old ones stop working).
    RecoveryCodesRenewed,
    /// The person ended other sessions of theirs (the detail says how many).
    SessionsEnded,
}

impl AuditKind {
    /// The Polish name on Dziennik zdarzeń.
    pub fn label(self) -> &'static str {
        match self {
            AuditKind::Login => "Logowanie",
            AuditKind::LoginFailed => "Nieudane logowanie",
            AuditKind::SecondFactorOn => "Włączenie weryfikacji dwuetapowej",
            AuditKind::SecondFactorOff => "Wyłączenie weryfikacji dwuetapowej",
            AuditKind::RecoveryCodeUsed => "Użycie kodu zapasowego",
            AuditKind::SecondFactorRequired => "Wymaganie weryfikacji dwuetapowej",
            AuditKind::RoleChanged => "Zmiana roli",
            AuditKind::UserInvited => "Zaproszenie użytkownika",
            AuditKind::UserRemoved => "Usunięcie użytkownika",
            AuditKind::UserDisabled => "Zablokowanie użytkownika",
            AuditKind::PaymentRecorded => "Zaksięgowanie płatności",
            AuditKind::CreditNote => "Faktura korygująca",
            AuditKind::Refund => "Zwrot",
            AuditKind::DataChanged => "Zmiana danych abonenta",
            AuditKind::AuthCodeRevealed => "Odczyt kodu AuthInfo",
            AuditKind::OperatorAction => "Działanie operatora",
            AuditKind::LoginAsLink => "Podgląd konta: utworzenie linku",
            AuditKind::LoginAsUsed => "Podgląd konta: otwarcie",
            AuditKind::RecoveryCodesRenewed => "Nowe kody zapasowe",
            AuditKind::SessionsEnded => "Zakończenie sesji",
        }
    }

    /// The name in operator output (`panel admin audit`).
    pub fn code(self) -> &'static str {
        match self {
            AuditKind::Login => "login",
            AuditKind::LoginFailed => "login_failed",
            AuditKind::SecondFactorOn => "2fa_on",
            AuditKind::SecondFactorOff => "2fa_off",
            AuditKind::RecoveryCodeUsed => "recovery_code_used",
            AuditKind::SecondFactorRequired => "2fa_required",
            AuditKind::RoleChanged => "role_changed",
            AuditKind::UserInvited => "user_invited",
            AuditKind::UserRemoved => "user_removed",
            AuditKind::UserDisabled => "user_disabled",
            AuditKind::PaymentRecorded => "payment_recorded",
            AuditKind::CreditNote => "credit_note",
            AuditKind::Refund => "refund",
            AuditKind::DataChanged => "data_changed",
            AuditKind::AuthCodeRevealed => "auth_code_revealed",
            AuditKind::OperatorAction => "operator_action",
            AuditKind::LoginAsLink => "login_as_link",
            AuditKind::LoginAsUsed => "login_as_used",
            AuditKind::RecoveryCodesRenewed => "recovery_codes_renewed",
            AuditKind::SessionsEnded => "sessions_ended",
        }
    }
}

/// One stored entry; append-only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: u64,
    pub at: Timestamp,
    pub actor: Actor,
    pub kind: AuditKind,
    /// A short description without secrets.
    pub detail: String,
    /// The client's IP address, "socket" for the operator, empty for the panel's jobs.
    pub origin: String,
    /// The account concerned, when known.
    #[serde(default)]
    pub account_id: Option<u64>,
}

/// The origin of what the operator does through `panel admin`.
pub const OPERATOR_ORIGIN: &str = "socket";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_actor_is_shown_by_email_or_as_operator_or_system() {
        let person = Actor::Person {
            user_id: 1,
            email: "a@example.com".into(),
        };
        assert_eq!(person.label(), "a@example.com");
        assert_eq!(Actor::Operator.label(), "operator");
        assert_eq!(Actor::System.label(), "system");
    }
}
