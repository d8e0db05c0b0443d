//! Provisioning tasks: what the host's servers must do to a service (suspend it, delete it, …),
//! written with the change that needs it and carried out after commit by a driver. Their states,
//! the retry policy and the Polish labels the customer sees. No I/O here.

use super::ServiceKind;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Transient failures (a timeout, a server that did not answer) are tried this many times in all
/// before the task is marked failed.
pub const MAX_TRIES: u32 = 5;

/// What a task does. Stored as serde's external tagging: a unit variant is a plain string
/// (`"Suspend"`), so later actions with data (`CreateMailbox { address, quota_mb }`, `SetDns {..}`)
/// are added as variants with fields and old rows still read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskAction {
    Suspend,
    Delete,
    Reactivate,
    /// A new mailbox on the service's server. Mailbox tasks never carry the password, only its
    /// argon2id hash (a PHC string, as Dovecot's `ARGON2ID` scheme stores it): the host's mail
    /// server needs it to let the mailbox log in.
    CreateMailbox {
        address: String,
        quota_mb: u64,
        #[serde(default)]
        password_hash: String,
    },
    SetMailboxPassword {
        address: String,
        #[serde(default)]
        password_hash: String,
    },
    SetMailboxQuota {
        address: String,
        quota_mb: u64,
    },
    DeleteMailbox {
        address: String,
    },
    /// The domain's nameservers at the registry (ASCII host names).
    SetNameservers {
        nameservers: Vec<String>,
    },
    /// The whole zone `zone` (ASCII) as it must be served: a script replaces what it serves.
    SetDnsRecords {
        zone: String,
        records: Vec<super::dns::DnsRecord>,
    },
    /// Power a cloud server on, off, or restart it (`{"PowerCloud": {"action": "stop"}}`).
    PowerCloud {
        action: super::cloud::PowerAction,
    },
    /// The PHP version a hosting server runs (`"8.4"`).
    SetPhpVersion {
        version: String,
    },
    /// Serve `domain` (ASCII) from the hosting server.
    AttachDomain {
        domain: String,
    },
    /// Stop serving `domain` from the hosting server.
    DetachDomain {
        domain: String,
    },
    /// Publish the website builder's site `site` on `domain` (ASCII).
    PublishSite {
        site: String,
        domain: String,
    },
    /// Take the website builder's site `site` off the web.
    UnpublishSite {
        site: String,
    },
    /// Give the mailbox `address` an Open-Xchange licence.
    AssignOxLicence {
        address: String,
    },
    /// Take the Open-Xchange licence from the mailbox `address`.
    ReleaseOxLicence {
        address: String,
    },
    /// Have a certificate issued for `common_name` (ASCII). A driver that obtains the chain
    /// prints it (PEM) on success; otherwise the operator installs it later.
    IssueCertificate {
        common_name: String,
    },
}

impl TaskAction {
    /// The action's name for drivers (the `action` field an exec command reads).
    pub fn name(&self) -> &'static str {
        match self {
            TaskAction::Suspend => "suspend",
            TaskAction::Delete => "delete",
            TaskAction::Reactivate => "reactivate",
            TaskAction::CreateMailbox { .. } => "create_mailbox",
            TaskAction::SetMailboxPassword { .. } => "set_mailbox_password",
            TaskAction::SetMailboxQuota { .. } => "set_mailbox_quota",
            TaskAction::DeleteMailbox { .. } => "delete_mailbox",
            TaskAction::SetNameservers { .. } => "set_nameservers",
            TaskAction::SetDnsRecords { .. } => "set_dns_records",
            TaskAction::PowerCloud { .. } => "power_cloud",
            TaskAction::SetPhpVersion { .. } => "set_php_version",
            TaskAction::AttachDomain { .. } => "attach_domain",
            TaskAction::DetachDomain { .. } => "detach_domain",
            TaskAction::PublishSite { .. } => "publish_site",
            TaskAction::UnpublishSite { .. } => "unpublish_site",
            TaskAction::AssignOxLicence { .. } => "assign_ox_licence",
            TaskAction::ReleaseOxLicence { .. } => "release_ox_licence",
            TaskAction::IssueCertificate { .. } => "issue_certificate",
        }
    }

    /// What the customer reads in the service's list of tasks.
    pub fn label(&self) -> &'static str {
        match self {
            TaskAction::Suspend => "Zawieszenie usługi",
            TaskAction::Delete => "Usunięcie usługi",
            TaskAction::Reactivate => "Przywrócenie usługi",
            TaskAction::CreateMailbox { .. } => "Założenie skrzynki",
            TaskAction::SetMailboxPassword { .. } => "Zmiana hasła skrzynki",
            TaskAction::SetMailboxQuota { .. } => "Zmiana limitu skrzynki",
            TaskAction::DeleteMailbox { .. } => "Usunięcie skrzynki",
            TaskAction::SetNameservers { .. } => "Zmiana serwerów DNS",
            TaskAction::SetDnsRecords { .. } => "Zmiana rekordów DNS",
            TaskAction::PowerCloud { action } => action.label(),
            TaskAction::SetPhpVersion { .. } => "Zmiana wersji PHP",
            TaskAction::AttachDomain { .. } => "Podpięcie domeny",
            TaskAction::DetachDomain { .. } => "Odpięcie domeny",
            TaskAction::PublishSite { .. } => "Publikacja strony",
            TaskAction::UnpublishSite { .. } => "Wycofanie publikacji strony",
            TaskAction::AssignOxLicence { .. } => "Przypisanie licencji Open-Xchange",
            TaskAction::ReleaseOxLicence { .. } => "Zwolnienie licencji Open-Xchange",
            TaskAction::IssueCertificate { .. } => "Wydanie certyfikatu SSL",
        }
    }

    /// The mailbox the action is about, if it is about one.
    pub fn mailbox_address(&self) -> Option<&str> {
        match self {
            TaskAction::CreateMailbox { address, .. }
            | TaskAction::SetMailboxPassword { address, .. }
            | TaskAction::SetMailboxQuota { address, .. }
            | TaskAction::DeleteMailbox { address } => Some(address),
            TaskAction::Suspend
            | TaskAction::Delete
            | TaskAction::Reactivate
            | TaskAction::SetNameservers { .. }
            | TaskAction::SetDnsRecords { .. }
            | TaskAction::PowerCloud { .. }
            | TaskAction::SetPhpVersion { .. }
            | TaskAction::AttachDomain { .. }
            | TaskAction::DetachDomain { .. }
            | TaskAction::PublishSite { .. }
            | TaskAction::UnpublishSite { .. }
            | TaskAction::AssignOxLicence { .. }
            | TaskAction::ReleaseOxLicence { .. }
            | TaskAction::IssueCertificate { .. } => None,
        }
    }
}

/// Queued → Running → Done | Failed. A transient failure puts a task back to Queued with a later
/// `next_try`; rows of schema v6 and older say `Pending` for Queued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskState {
    #[serde(alias = "Pending")]
    Queued,
    Running,
    Done,
    /// `reason` is Polish and shown to the customer.
    Failed {
        reason: String,
    },
}

impl TaskState {
    /// The state as the customer reads it.
    pub fn label(&self) -> String {
        match self {
            TaskState::Queued => "w kolejce".into(),
            TaskState::Running => "w toku".into(),
            TaskState::Done => "wykonane".into(),
            TaskState::Failed { reason } => format!("błąd: {reason}"),
        }
    }

    /// A short English name for the operator's listing.
    pub fn name(&self) -> &'static str {
        match self {
            TaskState::Queued => "queued",
            TaskState::Running => "running",
            TaskState::Done => "done",
            TaskState::Failed { .. } => "failed",
        }
    }

    /// The tone of the state's badge (as `ServiceStatus::tone`).
    pub fn tone(&self) -> &'static str {
        match self {
            TaskState::Queued | TaskState::Running => "warning",
            TaskState::Done => "ok",
            TaskState::Failed { .. } => "danger",
        }
    }
}

/// A provisioning task. The service's name and kind are copied in when the task is written, so a
/// driver has what it acts on without reading the database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: u64,
    pub service_id: u64,
    #[serde(default)]
    pub account_id: u64,
    #[serde(default)]
    pub service_name: String,
    #[serde(default)]
    pub service_kind: Option<ServiceKind>,
    pub action: TaskAction,
    pub state: TaskState,
    /// Runs started so far (the one in progress included).
    #[serde(default)]
    pub tries: u32,
    /// When a queued task is due; `None`: at once.
    #[serde(default)]
    pub next_try: Option<Timestamp>,
    /// The reason of the last transient failure, while the task waits for its next try.
    #[serde(default)]
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// The operator's note when they marked the task done by hand (`tasks done ID --note`).
    #[serde(default)]
    pub note: Option<String>,
}

impl Task {
    /// When the task is due, for the queue's index.
    pub fn due_at(&self) -> Timestamp {
        self.next_try.unwrap_or(self.created_at)
    }
}

/// Why a driver did not finish a task, in Polish (the customer may read it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DriverError {
    /// Worth trying again later (a timeout, a server that did not answer).
    #[error("{0}")]
    Transient(String),
    /// Trying again will not help (the command said no).
    #[error("{0}")]
    Permanent(String),
}

/// Wait before the next try after `tries` runs: 1, 2, 4, 8… minutes, at most an hour.
pub fn backoff(tries: u32) -> SignedDuration {
    let minutes = 1i64 << tries.saturating_sub(1).min(6);
    SignedDuration::from_mins(minutes.min(60))
}

/// The state a running task moves to once its driver returned `result`.
pub fn after_run(task: &Task, result: &Result<(), DriverError>, now: Timestamp) -> Task {
    let mut next = task.clone();
    next.updated_at = Some(now);
    match result {
        Ok(()) => {
            next.state = TaskState::Done;
            next.last_error = None;
            next.next_try = None;
        }
        Err(DriverError::Transient(reason)) if task.tries < MAX_TRIES => {
            next.state = TaskState::Queued;
            next.last_error = Some(reason.clone());
            next.next_try = Some(now + backoff(task.tries));
        }
        Err(DriverError::Transient(reason) | DriverError::Permanent(reason)) => {
            next.state = TaskState::Failed {
                reason: reason.clone(),
            };
            next.last_error = None;
            next.next_try = None;
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(tries: u32) -> Task {
        Task {
            id: 1,
            service_id: 2,
            account_id: 3,
            service_name: "firma.pl".into(),
            service_kind: Some(ServiceKind::Domain),
            action: TaskAction::Suspend,
            state: TaskState::Running,
            tries,
            next_try: None,
            last_error: None,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: None,
            note: None,
        }
    }

    #[test]
    fn a_transient_failure_is_tried_again_later_until_the_last_try_fails_the_task() {
        let now = Timestamp::UNIX_EPOCH + SignedDuration::from_hours(1);
        let timeout = Err(DriverError::Transient("Przekroczono czas".into()));
        let first = after_run(&running(1), &timeout, now);
        assert_eq!(first.state, TaskState::Queued);
        assert_eq!(first.next_try, Some(now + SignedDuration::from_mins(1)));
        assert_eq!(first.last_error.as_deref(), Some("Przekroczono czas"));
        let third = after_run(&running(3), &timeout, now);
        assert_eq!(third.next_try, Some(now + SignedDuration::from_mins(4)));
        let last = after_run(&running(MAX_TRIES), &timeout, now);
        assert_eq!(
            last.state,
            TaskState::Failed {
                reason: "Przekroczono czas".into()
            }
        );
    }

    #[test]
    fn a_permanent_failure_fails_at_once_and_success_is_done() {
        let now = Timestamp::UNIX_EPOCH;
        let refused = Err(DriverError::Permanent("Brak takiej domeny".into()));
        assert_eq!(
            after_run(&running(1), &refused, now).state.label(),
            "błąd: Brak takiej domeny"
        );
        let done = after_run(&running(2), &Ok(()), now);
        assert_eq!(done.state, TaskState::Done);
        assert_eq!(done.state.label(), "wykonane");
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let minutes: Vec<i64> = [1, 2, 3, 4, 7, 8, 30]
            .map(|t| backoff(t).as_mins())
            .to_vec();
        assert_eq!(minutes, vec![1, 2, 4, 8, 60, 60, 60]);
    }

    #[test]
    fn rows_of_the_old_schema_still_read() {
        let pending: Task = serde_json::from_str(
            r#"{"id":4,"service_id":9,"action":"Suspend","state":"Pending","created_at":"2026-01-01T00:00:00Z"}"#,
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(pending.state, TaskState::Queued);
        assert_eq!((pending.tries, pending.next_try), (0, None));
        let done: Task = serde_json::from_str(
            r#"{"id":5,"service_id":9,"action":"Delete","state":"Done","created_at":"2026-01-01T00:00:00Z"}"#,
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            (done.action, done.state),
            (TaskAction::Delete, TaskState::Done)
        );
    }
}
