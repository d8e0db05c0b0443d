//! Cloud servers: the power actions a customer asks for, when they are refused, and the power
//! state the page shows while a power task waits. No I/O here.

use super::service::Lifecycle;
use super::task::{Task, TaskAction, TaskState};
use super::{Service, ServiceDetails};
use serde::{Deserialize, Serialize};

/// A power action on a cloud server (`akcja` of the form; `start`, `stop`, `restart` for drivers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PowerAction {
    Start,
    Stop,
    Restart,
}

impl PowerAction {
    pub const ALL: [PowerAction; 3] = [PowerAction::Start, PowerAction::Stop, PowerAction::Restart];

    pub fn parse(value: &str) -> Option<PowerAction> {
        PowerAction::ALL
            .into_iter()
            .find(|a| a.name() == value.trim())
    }

    pub fn name(self) -> &'static str {
        match self {
            PowerAction::Start => "start",
            PowerAction::Stop => "stop",
            PowerAction::Restart => "restart",
        }
    }

    /// The button's text.
    pub fn button(self) -> &'static str {
        match self {
            PowerAction::Start => "Uruchom",
            PowerAction::Stop => "Zatrzymaj",
            PowerAction::Restart => "Uruchom ponownie",
        }
    }

    /// The task's label in the list of tasks.
    pub fn label(self) -> &'static str {
        match self {
            PowerAction::Start => "Uruchomienie serwera",
            PowerAction::Stop => "Zatrzymanie serwera",
            PowerAction::Restart => "Ponowne uruchomienie serwera",
        }
    }

    /// Whether the server runs once the action is done.
    pub fn running_after(self) -> bool {
        !matches!(self, PowerAction::Stop)
    }
}

/// Why a power action is refused, in Polish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerRefusal {
    NotLive,
    Busy,
    AlreadyRunning,
    AlreadyStopped,
}

impl PowerRefusal {
    pub fn message(self) -> &'static str {
        match self {
            PowerRefusal::NotLive => {
                "Serwer jest nieaktywny (zawieszony albo nieopłacony): najpierw go odnów."
            }
            PowerRefusal::Busy => "Serwer wykonuje poprzednie polecenie. Spróbuj za chwilę.",
            PowerRefusal::AlreadyRunning => "Serwer już działa.",
            PowerRefusal::AlreadyStopped => "Serwer jest już zatrzymany.",
        }
    }
}

/// The power action waiting or running for the server, among its tasks.
pub fn pending_power(tasks: &[Task]) -> Option<PowerAction> {
    tasks
        .iter()
        .rev()
        .find_map(|t| match (&t.action, &t.state) {
            (TaskAction::PowerCloud { action }, TaskState::Queued | TaskState::Running) => {
                Some(*action)
            }
            _ => None,
        })
}

/// Whether `service` (a cloud server) may do `action` now, given its tasks.
pub fn check_power(
    service: &Service,
    tasks: &[Task],
    action: PowerAction,
) -> Result<(), PowerRefusal> {
    let ServiceDetails::Cloud { running, .. } = service.details else {
        return Err(PowerRefusal::NotLive);
    };
    if service.lifecycle != Lifecycle::Live {
        return Err(PowerRefusal::NotLive);
    }
    if pending_power(tasks).is_some() {
        return Err(PowerRefusal::Busy);
    }
    match (action, running) {
        (PowerAction::Start, true) => Err(PowerRefusal::AlreadyRunning),
        (PowerAction::Stop | PowerAction::Restart, false) => Err(PowerRefusal::AlreadyStopped),
        _ => Ok(()),
    }
}

/// The power state as the customer reads it, with its badge tone.
pub fn power_state(running: bool, pending: Option<PowerAction>) -> (&'static str, &'static str) {
    match pending {
        Some(PowerAction::Stop) => ("zatrzymywanie…", "warning"),
        Some(PowerAction::Start | PowerAction::Restart) => ("uruchamianie…", "warning"),
        None if running => ("Uruchomiony", "ok"),
        None => ("Zatrzymany", "muted"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn server(running: bool, lifecycle: Lifecycle) -> Service {
        Service {
            id: 1,
            account_id: 1,
            kind: super::super::ServiceKind::Cloud,
            name: "cloud-1".into(),
            plan_id: 1,
            lifecycle,
            expires_on: jiff::civil::date(2030, 1, 1),
            auto_renew: false,
            renewal_months: None,
            details: ServiceDetails::Cloud {
                vcpu: 2,
                ram_gb: 4,
                disk_gb: 80,
                ipv4: "192.0.2.1".into(),
                running,
            },
            created_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn task(action: PowerAction, state: TaskState) -> Task {
        Task {
            id: 1,
            service_id: 1,
            account_id: 1,
            service_name: "cloud-1".into(),
            service_kind: None,
            action: TaskAction::PowerCloud { action },
            state,
            tries: 0,
            next_try: None,
            last_error: None,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: None,
            note: None,
        }
    }

    #[test]
    fn a_server_is_refused_what_it_already_is_and_anything_while_suspended_or_busy() {
        let on = server(true, Lifecycle::Live);
        let off = server(false, Lifecycle::Live);
        assert_eq!(check_power(&on, &[], PowerAction::Stop), Ok(()));
        assert_eq!(check_power(&on, &[], PowerAction::Restart), Ok(()));
        assert_eq!(
            check_power(&on, &[], PowerAction::Start),
            Err(PowerRefusal::AlreadyRunning)
        );
        assert_eq!(check_power(&off, &[], PowerAction::Start), Ok(()));
        assert_eq!(
            check_power(&off, &[], PowerAction::Stop),
            Err(PowerRefusal::AlreadyStopped)
        );
        let suspended = server(true, Lifecycle::Suspended);
        assert_eq!(
            check_power(&suspended, &[], PowerAction::Stop),
            Err(PowerRefusal::NotLive)
        );
        let waiting = [task(PowerAction::Stop, TaskState::Queued)];
        assert_eq!(
            check_power(&on, &waiting, PowerAction::Restart),
            Err(PowerRefusal::Busy)
        );
        let done = [task(PowerAction::Stop, TaskState::Done)];
        assert_eq!(check_power(&on, &done, PowerAction::Stop), Ok(()));
    }

    #[test]
    fn the_state_shows_the_waiting_action_until_it_is_done() {
        assert_eq!(
            power_state(true, Some(PowerAction::Stop)).0,
            "zatrzymywanie…"
        );
        assert_eq!(
            power_state(true, Some(PowerAction::Restart)).0,
            "uruchamianie…"
        );
        assert_eq!(power_state(false, None).0, "Zatrzymany");
        assert_eq!(power_state(true, None).0, "Uruchomiony");
        assert_eq!(PowerAction::parse("restart"), Some(PowerAction::Restart));
        assert_eq!(PowerAction::parse("reboot"), None);
    }
}
