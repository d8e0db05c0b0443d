//! Security e-mails to a person: a login from a browser new to them, and each change of their
//! (or their account's) security settings. Each says when, from where, and what to do if it was
//! not them.

use super::template::{Mail, strong, text};
use crate::domain::time::format_timestamp;
use crate::store::NewMessage;
use jiff::Timestamp;

/// Where a change or login came from, as the e-mail tells it.
pub struct Where<'a> {
    pub at: Timestamp,
    pub ip: &'a str,
    pub device: &'a str,
}

fn not_you(mail: Mail, base_url: &str) -> Mail {
    let link = format!("{base_url}/bezpieczenstwo");
    mail.para([text(
        "Jeśli to nie Ty, otwórz stronę Bezpieczeństwo, zakończ nieznane sesje i włącz \
         weryfikację dwuetapową, a następnie skontaktuj się z nami.",
    )])
    .button("Przejdź do Bezpieczeństwa", &link)
}

fn origin_para(mail: Mail, place: &Where<'_>) -> Mail {
    mail.list(&[
        format!("Kiedy: {}", format_timestamp(place.at)),
        format!("Adres IP: {}", place.ip),
        format!("Przeglądarka: {}", place.device),
    ])
}

pub fn new_device_message(base_url: &str, to: &str, place: &Where<'_>) -> NewMessage {
    let mail = Mail::new("Nowe logowanie do Panelu klienta").para([
        text("ktoś zalogował się na Twoje konto "),
        strong(to.to_string()),
        text(" z przeglądarki, z której wcześniej nie logowano się do Panelu klienta."),
    ]);
    let mail = origin_para(mail, place).para([text("Jeśli to Ty, nie musisz nic robić.")]);
    not_you(mail, base_url).to(to, false)
}

/// A change of security settings; `what` completes "Na Twoim koncie …" ("włączono weryfikację …").
pub fn security_change_message(
    base_url: &str,
    to: &str,
    what: &str,
    place: &Where<'_>,
) -> NewMessage {
    let mail = Mail::new("Zmiana ustawień bezpieczeństwa w Panelu klienta").para([
        text("w ustawieniach bezpieczeństwa konta "),
        strong(to.to_string()),
        text(format!(" {what}.")),
    ]);
    not_you(origin_para(mail, place), base_url).to(to, false)
}
