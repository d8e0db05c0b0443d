//! Small pieces of markup used on several pages.

use crate::domain::notifications::{Action, Notice};
use crate::domain::time::format_date;
use crate::domain::{Service, ServiceStatus};
use jiff::civil::Date;
use maud::{Markup, PreEscaped, html};

/// The hidden CSRF field of a form. The token is 64 hex digits (the guard accepts or makes no
/// other), so it needs no escaping: this is on every form of every page.
pub fn csrf_field(csrf: &str) -> Markup {
    debug_assert!(csrf.bytes().all(|b| b.is_ascii_hexdigit()));
    html! { input type="hidden" name="csrf_token" value=(PreEscaped(csrf)); }
}

pub fn status_badge(status: ServiceStatus) -> Markup {
    let detail = match status {
        ServiceStatus::Expiring { days_left: 0 } => " dziś".to_string(),
        ServiceStatus::Expiring { days_left } => format!(
            " za {days_left} {}",
            crate::domain::time::days_word(days_left)
        ),
        _ => String::new(),
    };
    html! { span class={ "badge badge--" (status.tone()) } { (status.label()) (detail) } }
}

/// A one-button form: a plain POST without JavaScript; with htmx it swaps the box `target` in
/// place, the button disabled while the request runs.
fn action_form(
    action: &str,
    csrf: &str,
    target: Option<&str>,
    fields: Markup,
    label: &str,
) -> Markup {
    html! {
        form.inline method="post" action=(action)
            hx-post=[target.map(|_| action)]
            hx-target=[target.map(|t| format!("#{t}"))]
            hx-swap=[target.map(|_| "outerHTML")]
            hx-disabled-elt=[target.map(|_| "find button")] {
            (csrf_field(csrf))
            (fields)
            button.button type="submit" { (label) }
        }
    }
}

/// The Odnów form.
pub fn renew_form(csrf: &str, service_id: u64, target: Option<&str>) -> Markup {
    let action = format!("/uslugi/{service_id}/odnow");
    action_form(&action, csrf, target, html! {}, "Odnów")
}

/// Zapłać z salda: without JavaScript it ends on the new invoice; from a Pulpit box htmx swaps
/// the box away. The idempotency key is new on every render, so a double click, a retry or a
/// resent form is one payment.
pub fn pay_from_balance_form(csrf: &str, document_id: u64, target: Option<&str>) -> Markup {
    let action = format!("/faktury/{document_id}/zaplac-z-salda");
    let key = html! { input type="hidden" name="klucz" value=(crate::random::token()); };
    action_form(&action, csrf, target, key, "Zapłać z salda")
}

/// A service's name as the customer reads it: a domain (stored in ASCII) in Unicode.
pub fn shown_name(service: &Service) -> String {
    crate::domain::shop::shown_name(service.kind, &service.name)
}

/// One notification box with its buttons.
pub fn notice_box(csrf: &str, notice: &Notice) -> Markup {
    let id = format!("box-{}", notice.key);
    html! {
        article class={ "notice notice--" (notice.tone.css()) } id=(id) {
            h3 { (notice.title) }
            p { (notice.body) }
            div.actions {
                @for action in &notice.actions {
                    @match action {
                        Action::Renew { service_id } => (renew_form(csrf, *service_id, Some(&id))),
                        Action::ViewService { service_id } => a.button.secondary href={ "/uslugi/" (service_id) } { "Zobacz" },
                        Action::Pay { document_id } => a.button.secondary[notice.actions.iter().any(|a| matches!(a, Action::PayFromBalance { .. }))]
                            href={ "/faktury/" (document_id) "/zaplac" } { "Zapłać" },
                        Action::PayFromBalance { document_id } => (pay_from_balance_form(csrf, *document_id, Some(&id))),
                        Action::ViewMailboxes => a.button.secondary href="/skrzynki" { "Zobacz" },
                    }
                }
            }
        }
    }
}

/// `settings`: the lifecycle's, for the next step beside an expired or suspended service.
pub fn services_table(
    services: &[Service],
    today: Date,
    settings: &crate::domain::lifecycle::Settings,
) -> Markup {
    html! {
        @if services.is_empty() {
            p.muted { "Brak usług tego rodzaju na koncie." }
        } @else {
            div.table-wrap {
                table.stacked {
                    thead { tr { th { "Usługa" } th { "Rodzaj" } th { "Status" } th { "Ważna do" } th { span.visually-hidden { "Akcje" } } } }
                    tbody {
                        @for service in services {
                            tr {
                                td { (shown_name(service)) }
                                td data-label="Rodzaj" { (service.kind.label()) }
                                td data-label="Status" {
                                    (status_badge(service.status(today)))
                                    @if let Some(step) = crate::domain::lifecycle::next_step_label(service, settings, today) {
                                        " " small.muted { (step) }
                                    }
                                }
                                td data-label="Ważna do" { (format_date(service.expires_on)) }
                                td { a href={ "/uslugi/" (service.id) } { "Zobacz" } }
                            }
                        }
                    }
                }
            }
        }
    }
}
