//! The forms of a hosting server's card: the PHP version, attaching a domain, detaching one.

use super::hosting::Server;
use crate::domain::ServiceDetails;
use crate::domain::hosting::PHP_VERSIONS;
use crate::domain::shop::unicode_name;
use crate::web::context::Ctx;
use crate::web::views::components::csrf_field;
use maud::{Markup, html};

/// Which form a refusal belongs next to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Php,
    Domain,
    Domains,
}

/// A message for one server: what was saved, or why it was refused.
pub enum Shown {
    List,
    Saved(u64, String),
    Refused(u64, Field, &'static str),
}

impl Shown {
    fn error(&self, server: u64, field: Field) -> Option<&'static str> {
        match self {
            Shown::Refused(at, f, message) if *at == server && *f == field => Some(message),
            _ => None,
        }
    }
}

fn error(message: Option<&'static str>, id: &str) -> Markup {
    html! { @if let Some(message) = message { p.error id=(id) role="alert" { (message) } } }
}

/// The PHP version form, the attach form and a detach button for each attached domain.
pub fn actions(ctx: &Ctx, server: &Server, free: &[String], shown: &Shown) -> Markup {
    let service = &server.service;
    let ServiceDetails::Hosting {
        domains,
        php_version,
        ..
    } = &service.details
    else {
        return html! {};
    };
    let base = format!("/hosting/{}", service.id);
    let php_path = format!("{base}/php");
    let attach_path = format!("{base}/domeny");
    let detach_path = format!("{base}/domeny/usun");
    let php_id = format!("php-{}", service.id);
    let domain_id = format!("domena-{}", service.id);
    html! {
        div.hosting-actions {
            form.inline method="post" action=(php_path) hx-post=(php_path) hx-target="#hosting"
                hx-swap="outerHTML" hx-disabled-elt="find button" {
                (csrf_field(&ctx.csrf))
                label for=(php_id) { "Wersja PHP" }
                select id=(php_id) name="wersja" {
                    @for version in PHP_VERSIONS {
                        option value=(version) selected[version == php_version] { (version) }
                    }
                }
                button.button type="submit" { "Zmień wersję PHP" }
                (error(shown.error(service.id, Field::Php), &format!("{php_id}-blad")))
            }
            @if !free.is_empty() || shown.error(service.id, Field::Domain).is_some() {
                form.inline method="post" action=(attach_path) hx-post=(attach_path) hx-target="#hosting"
                    hx-swap="outerHTML" hx-disabled-elt="find button" {
                    (csrf_field(&ctx.csrf))
                    label for=(domain_id) { "Domena" }
                    select id=(domain_id) name="domena" {
                        @for domain in free { option value=(domain) { (unicode_name(domain)) } }
                    }
                    button.button type="submit" { "Podepnij domenę" }
                    (error(shown.error(service.id, Field::Domain), &format!("{domain_id}-blad")))
                }
            }
            @if !domains.is_empty() {
                (error(shown.error(service.id, Field::Domains), &format!("domeny-{}-blad", service.id)))
                ul.attached { @for domain in domains {
                    li {
                        (unicode_name(domain)) " "
                        form.inline method="post" action=(detach_path) hx-post=(detach_path)
                            hx-target="#hosting" hx-swap="outerHTML" hx-disabled-elt="find button" {
                            (csrf_field(&ctx.csrf))
                            input type="hidden" name="domena" value=(domain);
                            button.button.secondary type="submit" { "Odepnij " (unicode_name(domain)) }
                        }
                    }
                } }
            }
        }
    }
}
