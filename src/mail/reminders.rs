//! E-mails of a service's lifecycle: reminders before expiry, the warning before suspension, the
//! suspension and the deletion. One recipient each; links are built from the base URL.

use super::wrap;
use crate::domain::lifecycle::Step;
use crate::domain::time::{days_word, format_date};
use crate::domain::{Account, Service};
use crate::store::{NewMessage, Reminder};
use maud::html;

/// The service as a subject names it, without anything that could break a header line.
fn what(service: &Service) -> String {
    let name: String = service.name.chars().filter(|c| !c.is_control()).collect();
    format!("{} {name}", service.kind.label())
}

fn message(to: &str, subject: String, text: String, html: String) -> NewMessage {
    NewMessage {
        to: to.to_string(),
        subject,
        text,
        html,
        secret: false,
    }
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
    let text = format!(
        "Dzień dobry,\n\n\
         usługa {what} jest opłacona do {expires} (wygasa {when}). {price}\n\
         {next}\n\n\
         Odnów: {page}\n\
         Usługa: {page}\n"
    );
    let html = wrap(
        &subject,
        html! {
            p { "Dzień dobry," }
            p { "usługa " strong { (what) } " jest opłacona do " strong { (expires) } " (wygasa " (when) "). " (price) }
            p { (next) }
            p { a href=(page) { "Odnów" } " · " a href=(page) { "Zobacz usługę" } }
        },
    );
    message(to, subject, text, html)
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
    let renewable = !matches!(step, Step::Delete);
    let text = if renewable {
        format!("Dzień dobry,\n\n{body}\n\nOdnów: {page}\nUsługa: {page}\n")
    } else {
        format!("Dzień dobry,\n\n{body}\n")
    };
    let html = wrap(
        &subject,
        html! {
            p { "Dzień dobry," }
            p { (body) }
            @if renewable {
                p { a href=(page) { "Odnów" } " · " a href=(page) { "Zobacz usługę" } }
            }
        },
    );
    message(to, subject, text, html)
}
