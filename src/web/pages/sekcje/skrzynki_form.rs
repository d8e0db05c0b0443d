//! The forms of Skrzynki e-mail: a new mailbox (server, name @ domain, quota, password), a new
//! password, a new quota; each field with its Polish message right under it. Also the use bar.

use crate::domain::Mailbox;
use crate::domain::mailbox::{MailboxAddress, check_password, parse_quota, usage_tone};
use crate::web::views::components::csrf_field;
use maud::{Markup, html};
use serde::Deserialize;

/// A message per field, in the order of the form.
#[derive(Debug, Default)]
pub struct Errors(Vec<(&'static str, String)>);

impl Errors {
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    pub fn one(field: &'static str, message: impl Into<String>) -> Errors {
        let mut errors = Errors::default();
        errors.add(field, message);
        errors
    }

    fn check<T>(&mut self, field: &'static str, parsed: Result<T, &str>) -> Option<T> {
        parsed.map_err(|e| self.add(field, e)).ok()
    }
}

/// The new-mailbox form as sent (kept when refused, except the password).
#[derive(Debug, Default, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    pub serwer: String,
    #[serde(default)]
    pub nazwa: String,
    #[serde(default)]
    pub domena: String,
    #[serde(default)]
    pub limit: String,
    #[serde(default)]
    pub haslo: String,
}

/// A checked request for a new mailbox.
pub struct NewMailboxRequest {
    pub server_id: u64,
    pub address: MailboxAddress,
    pub quota_mb: u64,
}

impl CreateForm {
    /// Checks the fields; `domains_of(server)` are the domains the page offered for that server.
    pub fn parse(
        &self,
        domains_of: impl Fn(u64) -> Option<Vec<String>>,
    ) -> Result<NewMailboxRequest, Errors> {
        let mut errors = Errors::default();
        let server = self.serwer.trim().parse::<u64>().ok();
        let domains = server.and_then(&domains_of);
        if domains.is_none() {
            errors.add("serwer", "Wybierz serwer, na którym ma być skrzynka.");
        }
        let domain_ok = domains.is_none_or(|d| d.iter().any(|d| *d == self.domena.trim()));
        if !domain_ok {
            errors.add("domena", "Wybierz jedną ze swoich domen.");
        }
        let address = errors.check("nazwa", MailboxAddress::parse(&self.nazwa, &self.domena));
        let quota_mb = errors.check("limit", parse_quota(&self.limit));
        if let Some(address) = &address {
            errors.check("haslo", check_password(&self.haslo, &address.to_string()));
        }
        match (server, address, quota_mb, errors.is_empty()) {
            (Some(server_id), Some(address), Some(quota_mb), true) => Ok(NewMailboxRequest {
                server_id,
                address,
                quota_mb,
            }),
            _ => Err(errors),
        }
    }
}

/// A labelled input with its error; `kind` is the input type.
fn field(name: &str, label: &str, value: &str, kind: &str, errors: &Errors) -> Markup {
    let id = format!("pole-{name}");
    let error = errors.of(name);
    let error_id = format!("{id}-blad");
    let autocomplete = if kind == "password" {
        "new-password"
    } else {
        "off"
    };
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) type=(kind) name=(name) value=(value) autocomplete=(autocomplete)
                inputmode=[(kind == "number").then_some("numeric")]
                aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id.as_str())];
            @if let Some(error) = error { p.error id=(error_id) { (error) } }
        }
    }
}

fn select(
    name: &str,
    label: &str,
    options: &[(String, String)],
    chosen: &str,
    errors: &Errors,
) -> Markup {
    let id = format!("pole-{name}");
    let error = errors.of(name);
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] {
                @for (value, text) in options {
                    option value=(value) selected[value == chosen] { (text) }
                }
            }
            @if let Some(error) = error { p.error { (error) } }
        }
    }
}

/// What the create form offers: servers (id, name with what is left) and domains.
pub struct Choices {
    pub servers: Vec<(String, String)>,
    pub domains: Vec<(String, String)>,
}

/// The new-mailbox form, filled with `form` (empty, or as sent when refused).
pub fn create_form(csrf: &str, choices: &Choices, form: &CreateForm, errors: &Errors) -> Markup {
    html! {
        form #nowa-skrzynka-formularz method="post" action="/skrzynki" hx-post="/skrzynki"
            hx-target="#skrzynki" hx-swap="outerHTML" hx-disabled-elt="find button[type=submit]" novalidate {
            (csrf_field(csrf))
            @if !errors.is_empty() {
                p.error role="alert" { "Popraw zaznaczone pola — skrzynka nie została założona." }
            }
            (select("serwer", "Serwer", &choices.servers, &form.serwer, errors))
            (field("nazwa", "Nazwa skrzynki (przed @)", &form.nazwa, "text", errors))
            (select("domena", "Domena (po @)", &choices.domains, &form.domena, errors))
            (field("limit", "Limit miejsca w MB", &form.limit, "number", errors))
            (field("haslo", "Hasło (co najmniej 10 znaków)", "", "password", errors))
            button.button type="submit" { "Załóż skrzynkę" }
        }
    }
}

/// The one-field forms of a mailbox's page (new password, new quota).
fn change_form(csrf: &str, action: &str, input: Markup, button: &str) -> Markup {
    html! {
        form method="post" action=(action) hx-post=(action) hx-target="#skrzynka" hx-swap="outerHTML"
            hx-disabled-elt="find button[type=submit]" novalidate {
            (csrf_field(csrf))
            (input)
            button.button type="submit" { (button) }
        }
    }
}

/// The use of a mailbox against its quota, coloured by level (the `meter`'s own low/high/optimum
/// do the same in the browser: green below 80 %, amber below 95 %, red from 95 %).
pub fn usage_bar(mailbox: &Mailbox) -> Markup {
    let percent = mailbox.used_percent();
    usage_meter(percent, usage_tone(mailbox), "Zajęte miejsce w skrzynce")
}

/// A use bar at `percent` with its tone and accessible label (a mailbox's, a server's disk).
pub fn usage_meter(percent: u64, tone: &str, label: &str) -> Markup {
    html! {
        span class={ "usage usage--" (tone) } {
            meter min="0" max="100" low="80" high="95" optimum="0" value=(percent.min(100))
                aria-label=(label) {}
            " " (percent) "%"
        }
    }
}

/// The second step of deleting: a plain form (no JavaScript needed) or Anuluj.
pub fn confirm_section(csrf: &str, mailbox: &Mailbox) -> Markup {
    let base = format!("/skrzynki/{}", mailbox.id);
    html! {
        section.block #potwierdzenie role="alertdialog" aria-labelledby="potwierdzenie-pytanie" {
            p #potwierdzenie-pytanie { strong { "Czy na pewno usunąć skrzynkę " (mailbox.address) "?" } }
            p { "Wiadomości w niej zostaną usunięte i nie da się ich odzyskać." }
            form.inline method="post" action={ (base) "/usun" } {
                (csrf_field(csrf))
                input type="hidden" name="potwierdzam" value="tak";
                button.button.button--danger type="submit" { "Tak, usuń skrzynkę" }
            }
            " " a href=(base) { "Anuluj" }
        }
    }
}

/// A mailbox's forms for those who may manage services: password, quota (between what it uses
/// and `max`, what the plan allows), delete.
pub fn manage_sections(
    csrf: &str,
    mailbox: &Mailbox,
    max: u64,
    limit: &str,
    errors: &Errors,
) -> Markup {
    let base = format!("/skrzynki/{}", mailbox.id);
    let password = field(
        "haslo",
        "Nowe hasło (co najmniej 10 znaków)",
        "",
        "password",
        errors,
    );
    html! {
        section.block #zmien-haslo {
            h2 { "Zmień hasło" }
            (change_form(csrf, &format!("{base}/haslo"), password, "Zmień hasło"))
        }
        section.block #zmien-limit {
            h2 { "Zmień limit miejsca" }
            p.muted { "Od " (mailbox.used_mb) " MB (tyle zajmuje) do " (max) " MB (tyle pozwala pakiet)." }
            (change_form(csrf, &format!("{base}/limit"), field("limit", "Limit w MB", limit, "number", errors), "Zmień limit"))
        }
        section.block #usun {
            h2 { "Usuń skrzynkę" }
            form method="post" action={ (base) "/usun" } hx-post={ (base) "/usun" }
                hx-target="#skrzynka" hx-swap="outerHTML" {
                (csrf_field(csrf))
                button.button.button--danger type="submit" { "Usuń skrzynkę…" }
            }
        }
    }
}
