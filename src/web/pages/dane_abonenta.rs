//! Dane abonenta: the invoice and contact data for everyone on the account to read; Owner and
//! Administrator change them in one form (one change, one history entry per field, one e-mail).
//! The form is one rather than one per part so that a change is one transaction and one message,
//! and "the same as the invoice address" is checked against the invoice address sent with it.
//! Without JavaScript it is a plain POST (303 back here); with htmx the page's content is swapped.

use super::dane_abonenta_form::{self, ACTION};
use super::zaplac::valid_key;
use crate::domain::Account;
use crate::domain::access::Action;
use crate::domain::account_data::{AccountData, AccountForm, FieldErrors};
use crate::domain::account_history::{AccountChange, Change};
use crate::domain::phone::Phone;
use crate::domain::time::format_timestamp;
use crate::mail;
use crate::store::{DataChange, DataOutcome};
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Form;
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

/// How many changes the history shows.
const HISTORY_ROWS: usize = 20;

const TITLE: &str = "Dane abonenta";

/// What the page shows besides the stored data: the form as sent with its errors, or a message.
enum Shown<'a> {
    Data,
    Saved(String),
    Refused(&'a AccountForm, &'a FieldErrors),
}

#[handler]
pub async fn view_dane_abonenta_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    auth.require(Action::ViewAccountData)?;
    let body = content(&ctx, &auth, auth.account(), Shown::Data)?;
    Ok(ctx.page(&auth, TITLE, Nav::DaneAbonenta, body))
}

#[derive(Deserialize)]
pub struct EditForm {
    /// The form's idempotency key: the same form sent twice is one change.
    #[serde(default)]
    klucz: String,
    #[serde(flatten)]
    data: AccountForm,
}

#[handler]
pub async fn view_dane_abonenta_post(
    ctx: Ctx,
    auth: Auth,
    Form(form): Form<EditForm>,
) -> WebResult<Response> {
    auth.require(Action::EditAccountData)?;
    let data = match form.data.parse() {
        Ok(data) => data,
        Err(errors) => {
            let body = content(
                &ctx,
                &auth,
                auth.account(),
                Shown::Refused(&form.data, &errors),
            )?;
            return Ok(respond(&ctx, &auth, StatusCode::UNPROCESSABLE_ENTITY, body));
        }
    };
    let key = valid_key(&form.klucz).then_some(form.klucz);
    let outcome = save(&ctx, &auth, data, key).await?;
    if !outcome.replayed && !outcome.changes.is_empty() {
        ctx.state.wake_mailer();
    }
    let message = saved_message(&outcome);
    if !ctx.htmx {
        return Ok(ctx.redirect_with_flash(ACTION, &message));
    }
    let body = content(&ctx, &auth, &outcome.account, Shown::Saved(message))?;
    Ok(respond(&ctx, &auth, StatusCode::OK, body))
}

/// Stores the change with its history and e-mails, in one transaction off the async threads.
async fn save(
    ctx: &Ctx,
    auth: &Auth,
    data: AccountData,
    key: Option<String>,
) -> WebResult<DataOutcome> {
    let by = auth.user().email.clone();
    let account_id = auth.account().id;
    let now = ctx.now();
    let ip = ctx.ip.clone();
    let base_url = ctx.state.base_url.clone();
    let outcome = ctx
        .state
        .store
        .blocking(move |s| {
            let change = DataChange {
                account_id,
                by: &by,
                data: &data,
                key: key.as_deref(),
                now,
                ip: &ip,
            };
            s.change_account_data(change, &|account, changes, to| {
                mail::account_data_changed_message(&base_url, account, changes, &by, now, to)
            })
        })
        .await?;
    Ok(outcome)
}

fn saved_message(outcome: &DataOutcome) -> String {
    let fields: Vec<&str> = outcome.changes.iter().map(|c| c.field.as_str()).collect();
    match (outcome.replayed, fields.is_empty()) {
        (true, _) => "Te zmiany są już zapisane.".to_string(),
        (false, true) => "Nic się nie zmieniło: dane są takie jak zapisane.".to_string(),
        (false, false) => format!("Zapisano zmiany: {}.", fields.join(", ")),
    }
}

/// The fragment for htmx, or the whole page.
fn respond(ctx: &Ctx, auth: &Auth, status: StatusCode, body: Markup) -> Response {
    if ctx.htmx {
        return (status, body).into_response();
    }
    let mut response = ctx.page(auth, TITLE, Nav::DaneAbonenta, body);
    response.set_status(status);
    response
}

/// The page's content (what htmx swaps): the data, the form for those who may change it, the history.
fn content(ctx: &Ctx, auth: &Auth, account: &Account, shown: Shown<'_>) -> WebResult<Markup> {
    let history = ctx.state.store.account_history(account.id, HISTORY_ROWS)?;
    let stored = AccountForm::of(account);
    let no_errors = FieldErrors::default();
    let (form, errors, saved) = match &shown {
        Shown::Refused(form, errors) => (*form, *errors, None),
        Shown::Saved(message) => (&stored, &no_errors, Some(message)),
        Shown::Data => (&stored, &no_errors, None),
    };
    Ok(html! {
        div #dane-abonenta {
            @if let Some(message) = saved { p.flash role="status" { (message) } }
            (read_view(account))
            @if auth.may(Action::EditAccountData) {
                section.block #zmien-dane {
                    details.edit open[!errors.is_empty()] {
                        summary { "Zmień dane" }
                        p.muted { "Faktury i proformy wystawione wcześniej zachowają dane z dnia wystawienia." }
                        (dane_abonenta_form::form(&ctx.csrf, form, errors))
                    }
                }
            }
            (history_table(&history))
        }
    })
}

fn or_dash(value: &str) -> &str {
    if value.is_empty() { "—" } else { value }
}

fn read_view(a: &Account) -> Markup {
    html! {
        section.block #dane-do-faktury {
            h2 { "Dane do faktury" }
            dl.details {
                div { dt { "Rodzaj" } dd { (a.kind().label()) } }
                div { dt { "Nazwa" } dd #nazwa { (a.name) } }
                div { dt { "NIP" } dd #nip { (or_dash(a.nip.as_deref().unwrap_or_default())) } }
                div { dt { "REGON" } dd { (or_dash(a.regon.as_deref().unwrap_or_default())) } }
                div { dt { "Adres" } dd #adres { (a.address.one_line()) } }
            }
        }
        section.block #dane-kontaktowe {
            h2 { "Dane kontaktowe" }
            dl.details {
                div { dt { "E-mail" } dd #email { (a.contact_email) } }
                div { dt { "Telefon" } dd #telefon { (or_dash(&Phone::shown(&a.phone))) } }
                div { dt { "Adres do korespondencji" } dd {
                    @match &a.correspondence {
                        Some(address) => (address.one_line()),
                        None => "taki sam jak adres do faktury",
                    }
                } }
                div { dt { "Identyfikator do przelewów" } dd { code { (a.transfer_title()) } } }
            }
        }
    }
}

fn history_table(history: &[AccountChange]) -> Markup {
    let value = |change: &Change, old: bool| {
        let v = if old { &change.old } else { &change.new };
        or_dash(v).to_string()
    };
    html! {
        section.block #historia {
            h2 { "Historia zmian" }
            @if history.is_empty() {
                p.muted { "Dane nie były jeszcze zmieniane w panelu." }
            } @else {
                div.table-wrap { table.stacked {
                    thead { tr { th { "Kiedy" } th { "Kto" } th { "Pole" } th { "Było" } th { "Jest" } } }
                    tbody { @for row in history {
                        tr {
                            td { (format_timestamp(row.at)) }
                            td data-label="Kto" { (row.by) }
                            td data-label="Pole" { (row.change.field) }
                            td data-label="Było" { (value(&row.change, true)) }
                            td data-label="Jest" { (value(&row.change, false)) }
                        }
                    } }
                } }
            }
        }
    }
}
