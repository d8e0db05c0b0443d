//! Odnawianie usług (a section of Płatności): per service, auto-renew on or off and the renewal
//! period among those its plan offers. One click changes a setting: a plain form (303 back to
//! Płatności) or, with htmx, the service's row swapped in place.

use super::uslugi::parse_id;
use crate::domain::access::Action;
use crate::domain::billing::{months_label, renewal_line};
use crate::domain::service::Lifecycle;
use crate::domain::time::format_date;
use crate::domain::{Plan, Service};
use crate::store::SettingsOutcome;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::components::csrf_field;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

/// Where a plain form returns to.
const BACK_TO: &str = "/platnosci#odnawianie";

/// The section for the Płatności page: every service of the account that is not deleted.
/// `days_before` is the auto-renew setting (`--auto-renew-days`), told to the customer.
pub fn section(services: &[Service], plans: &[Plan], csrf: &str, days_before: u32) -> Markup {
    section_with(services, plans, csrf, days_before, None)
}

/// The section with `message` in the row of the service it is about.
fn section_with(
    services: &[Service],
    plans: &[Plan],
    csrf: &str,
    days_before: u32,
    mut message: Option<(u64, Message)>,
) -> Markup {
    let mut message_for = |service: &Service| {
        message
            .take_if(|(id, _)| *id == service.id)
            .map(|(_, message)| message)
    };
    let plan_of = |service: &Service| plans.iter().find(|p| p.id == service.plan_id);
    let listed: Vec<&Service> = services
        .iter()
        .filter(|s| s.lifecycle != Lifecycle::Deleted)
        .collect();
    html! {
        section.block #odnawianie {
            h2 { "Odnawianie usług" }
            p.muted {
                "Przy włączonym auto-odnawianiu " (days_before) " dni przed końcem ważności wystawimy proformę "
                "na wybrany okres i opłacimy ją z salda przedpłat, jeśli wystarczy; w przeciwnym razie wyślemy ją e-mailem. "
                "Zmiana okresu dotyczy następnej proformy — proforma już wystawiona pozostaje bez zmian."
            }
            @if listed.is_empty() {
                p.muted { "Brak usług do odnawiania." }
            } @else {
                div.table-wrap { table.stacked {
                    thead { tr { th { "Usługa" } th { "Ważna do" } th { "Auto-odnawianie" } th { "Okres odnowienia" } } }
                    tbody { @for service in &listed {
                        (row(service, plan_of(service), csrf, message_for(service)))
                    } }
                } }
            }
        }
    }
}

/// The section with the account's own services and plans, for a page that has only the request.
/// A store error shows as a line in the page rather than failing the whole page.
pub fn section_of(ctx: &Ctx, auth: &Auth) -> Markup {
    let store = &ctx.state.store;
    match store
        .services_for(&auth.viewer())
        .and_then(|services| Ok((services, store.plans()?)))
    {
        Ok((services, plans)) => section(
            &services,
            &plans,
            &ctx.csrf,
            ctx.state.config.args.auto_renew_days,
        ),
        Err(e) => {
            tracing::error!(error = %e, "renewal settings could not be read");
            html! { p.error #odnawianie { "Nie możemy teraz pokazać ustawień odnawiania. Spróbuj za chwilę." } }
        }
    }
}

fn row_id(service: &Service) -> String {
    format!("odnawianie-{}", service.id)
}

fn yes_no(on: bool) -> &'static str {
    if on { "tak" } else { "nie" }
}

/// One service's row; `message` is shown in it (an error, or "Zapisano").
fn row(service: &Service, plan: Option<&Plan>, csrf: &str, message: Option<Message>) -> Markup {
    let id = row_id(service);
    let target = format!("#{id}");
    let action = format!("/uslugi/{}/odnawianie", service.id);
    let offered = plan.map(Plan::offered_periods).unwrap_or_default();
    let months = plan.map(|p| p.renewal_months(service));
    html! {
        tr #(id) {
            td { a href={ "/uslugi/" (service.id) } { (service.kind.label()) " " (service.name) } }
            td data-label="Ważna do" { (format_date(service.expires_on)) }
            @if let (Some(plan), Some(months)) = (plan, months.filter(|_| !offered.is_empty())) {
                td data-label="Auto-odnawianie" {
                    form.inline method="post" action=(action) hx-post=(action) hx-target=(target)
                        hx-swap="outerHTML" hx-disabled-elt="find button" {
                        (csrf_field(csrf))
                        input type="hidden" name="auto" value=(yes_no(!service.auto_renew));
                        input type="hidden" name="okres" value=(months);
                        @if service.auto_renew {
                            span.badge.badge--ok { "Włączone" } " "
                            button.button.secondary type="submit" aria-pressed="true" { "Wyłącz" span.visually-hidden { " auto-odnawianie " (service.name) } }
                        } @else {
                            span.badge { "Wyłączone" } " "
                            button.button.secondary type="submit" aria-pressed="false" { "Włącz" span.visually-hidden { " auto-odnawianie " (service.name) } }
                        }
                    }
                }
                td data-label="Okres odnowienia" {
                    form.inline method="post" action=(action) hx-post=(action) hx-target=(target)
                        hx-swap="outerHTML" hx-trigger="change, submit" {
                        (csrf_field(csrf))
                        input type="hidden" name="auto" value=(yes_no(service.auto_renew));
                        label.visually-hidden for={ "okres-" (service.id) } { "Okres odnowienia " (service.name) }
                        select #{ "okres-" (service.id) } name="okres" {
                            @for period in &offered {
                                option value=(period) selected[*period == months] {
                                    (months_label(*period))
                                    @if let Some(line) = renewal_line(service, plan, *period) {
                                        " — " (line.gross()) " brutto"
                                    }
                                }
                            }
                        }
                        " "
                        button.button.secondary type="submit" { "Zapisz" }
                    }
                    @if let Some(message) = &message { (message.markup()) }
                }
            } @else {
                td data-label="Auto-odnawianie" { span.muted { "niedostępne" } }
                td data-label="Okres odnowienia" { span.muted { "Skontaktuj się z nami, aby odnowić tę usługę." } }
            }
        }
    }
}

enum Message {
    Saved(String),
    Error(String),
}

impl Message {
    fn markup(&self) -> Markup {
        match self {
            Message::Saved(text) => html! { p.muted role="status" { (text) } },
            Message::Error(text) => html! { p.error role="alert" { (text) } },
        }
    }
}

/// The form of both buttons: `auto` is `tak` or `nie`, `okres` a number of months. Strings, so
/// garbage gets a Polish message rather than the framework's 400.
#[derive(Deserialize)]
pub struct RenewalForm {
    #[serde(default)]
    auto: String,
    #[serde(default)]
    okres: String,
}

impl RenewalForm {
    fn parse(&self) -> Result<(bool, u32), String> {
        let auto = match self.auto.trim() {
            "tak" => true,
            "nie" => false,
            _ => return Err("Wybierz, czy usługa ma się odnawiać automatycznie.".into()),
        };
        let months = self
            .okres
            .trim()
            .parse()
            .map_err(|_| "Wybierz okres odnowienia z listy.".to_string())?;
        Ok((auto, months))
    }
}

fn not_offered(offered: &[u32]) -> String {
    let labels: Vec<String> = offered.iter().copied().map(months_label).collect();
    if labels.is_empty() {
        return "Tej usługi nie można teraz odnawiać z panelu. Skontaktuj się z nami.".into();
    }
    format!(
        "Pakiet tej usługi nie oferuje takiego okresu. Wybierz: {}.",
        labels.join(", ")
    )
}

#[handler]
pub async fn view_odnawianie_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<RenewalForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    auth.require_service(id)?;
    auth.require(Action::HandleBilling)?;
    let account_id = auth.account().id;
    let store = &ctx.state.store;
    let service = store
        .service_of_account(account_id, id)?
        .ok_or(AppError::NotFound)?;
    let (auto, months) = match form.parse() {
        Ok(choice) => choice,
        Err(error) => return refused(&ctx, &auth, service, error),
    };
    let outcome = store
        .blocking(move |s| s.set_renewal_settings(account_id, id, auto, months))
        .await?;
    let service = match outcome {
        SettingsOutcome::Saved(service) => service,
        SettingsOutcome::NotFound => return Err(AppError::NotFound),
        SettingsOutcome::PeriodNotOffered { offered } => {
            return refused(&ctx, &auth, service, not_offered(&offered));
        }
    };
    let saved = format!(
        "Zapisano: {} {} — auto-odnawianie {}, okres {} (od następnej proformy).",
        service.kind.label(),
        service.name,
        if service.auto_renew {
            "włączone"
        } else {
            "wyłączone"
        },
        months_label(months)
    );
    if !ctx.htmx {
        return Ok(ctx.redirect_with_flash(BACK_TO, &saved));
    }
    let plan = store.plan(service.plan_id)?;
    Ok(row(
        &service,
        plan.as_ref(),
        &ctx.csrf,
        Some(Message::Saved(saved)),
    )
    .into_response())
}

/// Bad input: nothing stored; the row comes back with the message (422, which htmx swaps), or
/// without JavaScript the section alone on a page, with the message in the row.
fn refused(ctx: &Ctx, auth: &Auth, service: Service, error: String) -> WebResult<Response> {
    let store = &ctx.state.store;
    if ctx.htmx {
        let plan = store.plan(service.plan_id)?;
        let error_row = row(
            &service,
            plan.as_ref(),
            &ctx.csrf,
            Some(Message::Error(error)),
        );
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, error_row).into_response());
    }
    let services = store.services_for(&auth.viewer())?;
    let plans = store.plans()?;
    let days_before = ctx.state.config.args.auto_renew_days;
    let message = Some((service.id, Message::Error(error)));
    let body = html! {
        (section_with(&services, &plans, &ctx.csrf, days_before, message))
        p { a href=(BACK_TO) { "Wróć do płatności" } }
    };
    let mut response = ctx.page(auth, "Odnawianie usług", Nav::Platnosci, body);
    response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
    Ok(response)
}
