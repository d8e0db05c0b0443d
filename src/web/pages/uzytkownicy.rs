//! Użytkownicy: the account's users with role and last login, pending invitations, and for those
//! who may manage users the invite form, role changes and removal. Everything lives in one
//! section (`#uzytkownicy`) that htmx swaps after each action; without JavaScript the forms are
//! plain POSTs (303 back here with a flash, or the page again with the error next to the field).

use super::uzytkownicy_zakres::{scope_fieldset, scope_label};
use crate::domain::Service;
use crate::domain::access::Action;
use crate::domain::membership::{Invitation, check_invite, check_scope};
use crate::domain::time::format_timestamp;
use crate::domain::{Role, User};
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::components::csrf_field;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::{IntoResponse, Response, handler};

pub(super) const SECTION: &str = "#uzytkownicy";
pub(super) const PAGE: &str = "/uzytkownicy";

/// What the invite form was sent with, and its errors per field.
#[derive(Default)]
pub(super) struct InviteDraft {
    pub email: String,
    pub name: String,
    pub role: String,
    pub email_error: Option<String>,
    pub name_error: Option<String>,
    pub role_error: Option<String>,
    /// The services chosen (`None`: the whole account).
    pub scope: Option<Vec<u64>>,
    pub scope_error: Option<String>,
}

/// A message for the section: a confirmation at the top, or an error in one user's row.
#[derive(Default)]
pub(super) struct Feedback {
    pub notice: Option<String>,
    pub row_error: Option<(u64, String)>,
    pub draft: InviteDraft,
}

#[handler]
pub async fn view_uzytkownicy_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    auth.require(Action::ViewUsers)?;
    let section = section(&ctx, &auth, Feedback::default())?;
    Ok(ctx.page(&auth, "Użytkownicy", Nav::Uzytkownicy, section))
}

/// The answer to an action: the section (htmx) or the whole page with it (no JavaScript).
pub(super) fn answer(
    ctx: &Ctx,
    auth: &Auth,
    status: StatusCode,
    feedback: Feedback,
) -> WebResult<Response> {
    let section = section(ctx, auth, feedback)?;
    let mut response = if ctx.htmx {
        section.into_response()
    } else {
        ctx.page(auth, "Użytkownicy", Nav::Uzytkownicy, section)
    };
    response.set_status(status);
    Ok(response)
}

pub(super) fn section(ctx: &Ctx, auth: &Auth, feedback: Feedback) -> WebResult<Markup> {
    let account_id = auth.account().id;
    let users = ctx.state.store.users_of_account(account_id)?;
    let invitations = ctx.state.store.invitations_of_account(account_id)?;
    let services = ctx.state.store.services_of_account(account_id)?;
    let manage = auth.may(Action::ManageUsers);
    let now = ctx.now();
    Ok(html! {
        section.block #uzytkownicy aria-live="polite" {
            @if let Some(notice) = &feedback.notice { p.flash role="status" { (notice) } }
            p { "Użytkownicy konta: " strong #liczba-uzytkownikow { (users.len()) } }
            div.table-wrap { table.stacked #lista-uzytkownikow {
                thead { tr {
                    th { "E-mail" } th { "Imię i nazwisko" } th { "Rola" } th { "Ostatnie logowanie" }
                    @if manage { th { span.visually-hidden { "Akcje" } } }
                } }
                tbody { @for user in &users {
                    (user_row(&ctx.csrf, auth.user(), user, manage, &services, feedback.row_error.as_ref()))
                } }
            } }
            @if !invitations.is_empty() {
                h2 { "Zaproszenia oczekujące" }
                div.table-wrap { table.stacked #zaproszenia {
                    thead { tr { th { "E-mail" } th { "Imię i nazwisko" } th { "Rola" } th { "Ważne do" }
                        @if manage { th { span.visually-hidden { "Akcje" } } } } }
                    tbody { @for invitation in &invitations {
                        (invitation_row(&ctx.csrf, invitation, manage, now))
                    } }
                } }
            }
            @if manage {
                (invite_form(&ctx.csrf, auth.user().role, &services, &feedback.draft))
            } @else {
                p.muted #dodaj { "Użytkowników zapraszają właściciel i administratorzy konta." }
            }
        }
    })
}

/// A form inside the section: a plain POST, or with htmx the section swapped in place.
fn section_form(action: &str, csrf: &str, fields: Markup) -> Markup {
    html! {
        form.inline method="post" action=(action) hx-post=(action) hx-target=(SECTION)
            hx-swap="outerHTML" hx-disabled-elt="find button" {
            (csrf_field(csrf))
            (fields)
        }
    }
}

fn role_options(grantor: Role, selected: &str) -> Markup {
    html! {
        @for role in Role::ALL.into_iter().filter(|r| check_invite(grantor, *r).is_ok()) {
            option value=(role.form_value()) selected[role.form_value() == selected] { (role.label()) }
        }
    }
}

fn user_row(
    csrf: &str,
    me: &User,
    user: &User,
    manage: bool,
    services: &[Service],
    error: Option<&(u64, String)>,
) -> Markup {
    let error = error.filter(|(id, _)| *id == user.id).map(|(_, e)| e);
    let select_id = format!("rola-{}", user.id);
    html! {
        tr #{ "uzytkownik-" (user.id) } {
            td { (user.email) @if user.id == me.id { " " small.muted { "(Ty)" } } }
            td data-label="Imię i nazwisko" { (user.name) }
            td data-label="Rola" {
                @if manage && check_invite(me.role, user.role).is_ok() {
                    (section_form(&format!("/uzytkownicy/{}/rola", user.id), csrf, html! {
                        label.visually-hidden for=(select_id) { "Rola " (user.email) }
                        select #(select_id) name="rola" aria-invalid=[error.map(|_| "true")] {
                            (role_options(me.role, user.role.form_value()))
                        }
                        " "
                        button.button.secondary type="submit" { "Zmień rolę" }
                    }))
                } @else {
                    (user.role.label())
                }
                (scope_cell(csrf, user, manage, services))
                @if let Some(error) = error { p.error role="alert" { (error) } }
            }
            td data-label="Ostatnie logowanie" {
                @match user.last_login {
                    Some(at) => (format_timestamp(at)),
                    None => span.muted { "jeszcze nie" },
                }
                @if !user.active { " " span.badge { "wyłączony" } }
            }
            @if manage {
                td {
                    (section_form(&format!("/uzytkownicy/{}/usun", user.id), csrf, html! {
                        button.button.secondary type="submit" {
                            @if user.id == me.id { "Opuść konto" } @else { "Usuń" }
                            span.visually-hidden { " " (user.email) }
                        }
                    }))
                }
            }
        }
    }
}

/// "Dostęp": what the user sees; for a manager, a form to change it (Księgowość, Techniczny only).
fn scope_cell(csrf: &str, user: &User, manage: bool, services: &[Service]) -> Markup {
    let label = scope_label(user.scope.as_deref());
    let limitable = check_scope(user.role, Some(&[0])).is_ok();
    html! {
        @if manage && limitable {
            details.scope {
                summary { "Dostęp: " (label) }
                (section_form(&format!("/uzytkownicy/{}/zakres", user.id), csrf, html! {
                    (scope_fieldset(&format!("zakres-{}", user.id), services, user.scope.as_deref(), None))
                    button.button.secondary type="submit" { "Zapisz dostęp" }
                }))
            }
        } @else {
            p.muted { "Dostęp: " (label) }
        }
    }
}

fn invitation_row(
    csrf: &str,
    invitation: &Invitation,
    manage: bool,
    now: jiff::Timestamp,
) -> Markup {
    html! {
        tr #{ "zaproszenie-" (invitation.id) } {
            td { (invitation.email) }
            td data-label="Imię i nazwisko" { (invitation.name) }
            td data-label="Rola" { (invitation.role.label()) }
            td data-label="Ważne do" {
                @if invitation.is_usable(now) { (format_timestamp(invitation.expires_at())) }
                @else { span.badge { "wygasło" } }
            }
            @if manage {
                td { (section_form(&format!("/uzytkownicy/zaproszenia/{}/anuluj", invitation.id), csrf, html! {
                    button.button.secondary type="submit" { "Anuluj" span.visually-hidden { " zaproszenie " (invitation.email) } }
                })) }
            }
        }
    }
}

fn field_error(id: &str, error: Option<&String>) -> Markup {
    html! { @if let Some(error) = error { p.error #(id) role="alert" { (error) } } }
}

fn invite_form(csrf: &str, grantor: Role, services: &[Service], draft: &InviteDraft) -> Markup {
    let action = "/uzytkownicy/zapros";
    html! {
        div #dodaj {
            h2 { "Zaproś użytkownika" }
            p.muted { "Wyślemy zaproszenie e-mailem. Po jego przyjęciu osoba zaloguje się swoim adresem. Zaproszenie jest ważne 7 dni." }
            form.card #zaproszenie-formularz method="post" action=(action) hx-post=(action) hx-target=(SECTION)
                hx-swap="outerHTML" hx-disabled-elt="find button" novalidate {
                (csrf_field(csrf))
                div.field {
                    label for="zapros-email" { "Adres e-mail" }
                    input #zapros-email type="email" name="email" value=(draft.email) autocomplete="off" required
                        aria-invalid=[draft.email_error.as_ref().map(|_| "true")];
                    (field_error("zapros-email-blad", draft.email_error.as_ref()))
                }
                div.field {
                    label for="zapros-imie" { "Imię i nazwisko" }
                    input #zapros-imie type="text" name="imie" value=(draft.name) maxlength="100" required
                        aria-invalid=[draft.name_error.as_ref().map(|_| "true")];
                    (field_error("zapros-imie-blad", draft.name_error.as_ref()))
                }
                div.field {
                    label for="zapros-rola" { "Rola" }
                    select #zapros-rola name="rola" aria-invalid=[draft.role_error.as_ref().map(|_| "true")] {
                        (role_options(grantor, if draft.role.is_empty() { "techniczny" } else { &draft.role }))
                    }
                    (field_error("zapros-rola-blad", draft.role_error.as_ref()))
                }
                (scope_fieldset("zapros", services, draft.scope.as_deref(), draft.scope_error.as_ref()))
                button.button type="submit" { "Wyślij zaproszenie" }
            }
        }
    }
}
