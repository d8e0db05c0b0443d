//! What happens to a service as time passes: reminders before expiry, then grace, suspension and
//! deletion. Pure: given a service, the settings and the day, which events are due and when the
//! next one falls.

use super::service::{Lifecycle, RENEWAL_WINDOW_DAYS, Service, ServiceKind};
use super::time::add_days;
use jiff::civil::Date;

/// The default reminder thresholds, in days before expiry (the expiry day itself always counts).
pub const DEFAULT_REMINDER_DAYS: [u32; 4] = [30, 14, 7, 1];
/// The final warning goes this many days before suspension.
pub const WARNING_DAYS: i64 = 3;
/// Marker code of the suspension warning among the reminder thresholds (which are at most 30).
pub const WARNING_MARKER: u32 = 1_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Days before expiry a reminder goes, each at most the renewal window.
    pub reminder_days: Vec<u32>,
    /// Days of grace after expiry, per kind, before suspension.
    pub grace_days: Vec<(ServiceKind, u32)>,
    /// Days a suspended service is kept before it is deleted.
    pub retention_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            reminder_days: DEFAULT_REMINDER_DAYS.to_vec(),
            grace_days: default_grace_days(),
            retention_days: 30,
        }
    }
}

/// Domains keep a registry's redemption month; the rest two weeks, enough to notice and pay.
pub fn default_grace_days() -> Vec<(ServiceKind, u32)> {
    ServiceKind::ALL
        .into_iter()
        .map(|kind| (kind, if kind == ServiceKind::Domain { 30 } else { 14 }))
        .collect()
}

/// Parses `domain=30,hosting=14`: kinds not named keep their default.
pub fn parse_grace_days(input: &str) -> Result<Vec<(ServiceKind, u32)>, String> {
    let mut days = default_grace_days();
    for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (kind, n) = part
            .split_once('=')
            .ok_or_else(|| format!("expected kind=days, got {part:?}"))?;
        let kind = ServiceKind::from_cli_name(kind)
            .ok_or_else(|| format!("unknown kind {kind:?}; known: {}", ServiceKind::cli_names()))?;
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("days must be a number, got {n:?}"))?;
        for entry in days.iter_mut().filter(|(k, _)| *k == kind) {
            entry.1 = n;
        }
    }
    Ok(days)
}

impl Settings {
    pub fn grace_of(&self, kind: ServiceKind) -> i64 {
        self.grace_days
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(30, |(_, n)| i64::from(*n))
    }

    /// The thresholds with the expiry day (0), most distant first.
    fn thresholds(&self) -> Vec<u32> {
        let mut all: Vec<u32> = self
            .reminder_days
            .iter()
            .copied()
            .filter(|d| i64::from(*d) <= RENEWAL_WINDOW_DAYS)
            .collect();
        all.push(0);
        all.sort_unstable_by(|a, b| b.cmp(a));
        all.dedup();
        all
    }
}

/// The dates of a live service's steps after expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Steps {
    pub warning_on: Date,
    pub suspend_on: Date,
    pub delete_on: Date,
}

pub fn steps(service: &Service, settings: &Settings) -> Steps {
    let grace = settings.grace_of(service.kind);
    let suspend_on = add_days(service.expires_on, grace);
    Steps {
        warning_on: add_days(service.expires_on, (grace - WARNING_DAYS).max(0)),
        suspend_on,
        delete_on: add_days(suspend_on, i64::from(settings.retention_days)),
    }
}

/// The earliest day anything can happen to the service, whatever the settings: the index key
/// written where the settings are unknown (a new service, a renewal). `None`: nothing will.
pub fn first_event_on(service: &Service) -> Option<Date> {
    match service.lifecycle {
        Lifecycle::Live => Some(add_days(service.expires_on, -RENEWAL_WINDOW_DAYS)),
        Lifecycle::Suspended => Some(service.expires_on),
        Lifecycle::Pending | Lifecycle::Deleted => None,
    }
}

/// What is due on `today` for a reminder run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DueReminders {
    /// The threshold to send (the most urgent due one); `None`: nothing to send.
    pub send: Option<u32>,
    /// Due thresholds overtaken by a more urgent one or by expiry: marked, never sent.
    pub skip: Vec<u32>,
}

/// Reminders due on `today` that `handled` does not hold yet. Past expiry, none is sent.
pub fn due_reminders(
    service: &Service,
    settings: &Settings,
    today: Date,
    handled: impl Fn(u32) -> bool,
) -> DueReminders {
    if service.lifecycle != Lifecycle::Live {
        return DueReminders::default();
    }
    let mut due: Vec<u32> = settings
        .thresholds()
        .into_iter()
        .filter(|t| add_days(service.expires_on, -i64::from(*t)) <= today && !handled(*t))
        .collect();
    if today > service.expires_on {
        return DueReminders {
            send: None,
            skip: due,
        };
    }
    let send = due.pop();
    DueReminders { send, skip: due }
}

/// A step of the lifecycle after expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The final warning before suspension.
    Warn {
        suspend_on: Date,
    },
    Suspend {
        delete_on: Date,
    },
    Delete,
}

/// The lifecycle step due on `today`, if any (`warned`: the warning went already). After an
/// outage only the furthest step is taken: a service past its deletion day is deleted, not first
/// warned and suspended.
pub fn due_step(service: &Service, settings: &Settings, today: Date, warned: bool) -> Option<Step> {
    let s = steps(service, settings);
    match service.lifecycle {
        Lifecycle::Live | Lifecycle::Suspended if today >= s.delete_on => Some(Step::Delete),
        Lifecycle::Live if today >= s.suspend_on => Some(Step::Suspend {
            delete_on: s.delete_on,
        }),
        Lifecycle::Live if today >= s.warning_on && !warned => Some(Step::Warn {
            suspend_on: s.suspend_on,
        }),
        _ => None,
    }
}

/// The next day after `today` something is due for the service: the index key after a run.
pub fn next_event_after(service: &Service, settings: &Settings, today: Date) -> Option<Date> {
    let s = steps(service, settings);
    let candidates: Vec<Date> = match service.lifecycle {
        Lifecycle::Live => settings
            .thresholds()
            .into_iter()
            .map(|t| add_days(service.expires_on, -i64::from(t)))
            .chain([s.warning_on, s.suspend_on, s.delete_on])
            .collect(),
        Lifecycle::Suspended => vec![s.delete_on],
        Lifecycle::Pending | Lifecycle::Deleted => vec![],
    };
    candidates.into_iter().filter(|d| *d > today).min()
}

/// The next step the customer sees beside the service: its name and date.
pub fn next_step_label(service: &Service, settings: &Settings, today: Date) -> Option<String> {
    let s = steps(service, settings);
    let format = super::time::format_date;
    match service.lifecycle {
        Lifecycle::Live if today > service.expires_on => {
            Some(format!("Zawieszenie {}", format(s.suspend_on)))
        }
        Lifecycle::Suspended => Some(format!("Usunięcie {}", format(s.delete_on))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn domain(expires_on: Date) -> Service {
        Service::live_domain_for_tests(1, expires_on)
    }

    #[test]
    fn each_threshold_falls_due_on_its_day_and_an_outage_sends_only_the_most_urgent() {
        let settings = Settings::default();
        let s = domain(date(2026, 12, 31));
        let none = |_| false;
        assert_eq!(
            due_reminders(&s, &settings, date(2026, 11, 30), none).send,
            None
        );
        assert_eq!(
            due_reminders(&s, &settings, date(2026, 12, 1), none).send,
            Some(30)
        );
        let late = due_reminders(&s, &settings, date(2026, 12, 26), none);
        assert_eq!(late.send, Some(7));
        assert_eq!(late.skip, vec![30, 14]);
        assert_eq!(
            due_reminders(&s, &settings, date(2026, 12, 31), |t| t > 0).send,
            Some(0)
        );
        let expired = due_reminders(&s, &settings, date(2027, 1, 2), none);
        assert_eq!((expired.send, expired.skip.len()), (None, 5));
    }

    #[test]
    fn grace_suspension_and_deletion_follow_the_kinds_settings() {
        let settings = Settings {
            grace_days: parse_grace_days("domain=30,hosting=14").unwrap_or_default(),
            ..Settings::default()
        };
        let s = domain(date(2026, 12, 1));
        assert_eq!(due_step(&s, &settings, date(2026, 12, 27), false), None);
        assert_eq!(
            due_step(&s, &settings, date(2026, 12, 28), false),
            Some(Step::Warn {
                suspend_on: date(2026, 12, 31)
            })
        );
        assert_eq!(due_step(&s, &settings, date(2026, 12, 28), true), None);
        assert!(matches!(
            due_step(&s, &settings, date(2026, 12, 31), true),
            Some(Step::Suspend { .. })
        ));
        assert_eq!(
            due_step(&s, &settings, date(2027, 1, 30), true),
            Some(Step::Delete)
        );
        let hosting = Service {
            kind: ServiceKind::Hosting,
            ..s.clone()
        };
        assert_eq!(steps(&hosting, &settings).suspend_on, date(2026, 12, 15));
        assert_eq!(
            next_event_after(&s, &settings, date(2026, 12, 1)),
            Some(date(2026, 12, 28))
        );
    }

    #[test]
    fn settings_are_parsed_and_checked() {
        assert_eq!(
            parse_grace_days("hosting=7").map(|d| Settings {
                grace_days: d,
                ..Settings::default()
            }
            .grace_of(ServiceKind::Hosting)),
            Ok(7)
        );
        assert!(parse_grace_days("planet=3").is_err());
    }
}
