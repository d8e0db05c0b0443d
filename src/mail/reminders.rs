//! E-mails of a service's lifecycle: reminders before expiry, the warning before suspension, the
//! suspension and the deletion. One recipient each; links are built from the base URL.

use super::template::{Mail, strong, text};
use crate::domain::lifecycle::Step;
use crate::domain::time::{days_word, format_date};
use crate::domain::{Account, Service};
use crate::store::{NewMessage, Reminder};

/// The service as a subject names it (the template strips anything that could break a header).
fn what(service: &Service) -> String {
    format!("{} {}", service.kind.label(), service.name)
}

pub fn reminder_message(
    base_url: &str,
    to: &str,
    _account: &Account,
    service: &Service,
    reminder: Reminder,
) -> NewMessage {
    let what = what(service);
    let page = format!("{base_url}/uslugi/{}", service.id);
    let expires = format_date(service.expires_on);
    let when = match reminder.days_left {
        0 => "dziś".to_string(),
        n => format!("za {n} {}", days_word(i64::from(n))),
    };
    let subject = format!("{what} wygasa {when} ({expires})");
    let price = reminder
        .price
        .map(|p| format!("Odnowienie kosztuje {p} brutto."))
        .unwrap_or_default();
    let next = match reminder.auto_renew_on {
        Some(on) => format!(
            "Odnowimy ją automatycznie {} z salda przedpłat — nie musisz nic robić.",
            format_date(on)
        ),
        None => "Odnów ją, aby działała bez przerwy.".to_string(),
    };
    Mail::new(subject)
        .para([
            text("usługa "),
            strong(what),
            text(" jest opłacona do "),
            strong(expires),
            text(format!(" (wygasa {when}). {price}")),
        ])
        .para([text(next)])
        .button("Odnów", &page)
        .links(&[("Zobacz usługę", &page)])
        .to(to, false)
}

pub fn step_message(
    base_url: &str,
    to: &str,
    _account: &Account,
    service: &Service,
    step: Step,
) -> NewMessage {
    let what = what(service);
    let page = format!("{base_url}/uslugi/{}", service.id);
    let expired = format_date(service.expires_on);
    let (subject, body) = match step {
        Step::Warn { suspend_on } => (
            format!("{what} zostanie zawieszona {}", format_date(suspend_on)),
            format!(
                "usługa {what} wygasła {expired}. Jeśli nie zostanie odnowiona, zawiesimy ją {}. \
                 Odnów ją teraz, aby działała bez przerwy.",
                format_date(suspend_on)
            ),
        ),
        Step::Suspend { delete_on } => (
            format!("{what} została zawieszona"),
            format!(
                "usługa {what} wygasła {expired} i została zawieszona. Odnów ją, a przywrócimy ją \
                 od razu; nieodnowioną usuniemy {}.",
                format_date(delete_on)
            ),
        ),
        Step::Delete => (
            format!("{what} została usunięta"),
            format!(
                "usługa {what} wygasła {expired}, była zawieszona i nie została odnowiona, więc ją usunęliśmy."
            ),
        ),
    };
    let mail = Mail::new(subject).para([text(body)]);
    let mail = match step {
        Step::Delete => mail,
        Step::Warn { .. } | Step::Suspend { .. } => mail
            .button("Odnów", &page)
            .links(&[("Zobacz usługę", &page)]),
    };
    mail.to(to, false)
}
