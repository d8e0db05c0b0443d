//! Użytkownicy and Dane abonenta, as read-only pages until their own modules land.

use crate::domain::time::format_timestamp;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::layout::Nav;
use maud::html;
use poem::{Response, handler};

#[handler]
pub async fn view_uzytkownicy_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let users = ctx.state.store.users_of_account(auth.account().id)?;
    let body = html! {
        section.block {
            p { "Użytkownicy konta: " strong { (users.len()) } }
            div.table-wrap { table.stacked {
                thead { tr { th { "E-mail" } th { "Imię i nazwisko" } th { "Rola" } th { "Dostęp" } th { "Dodany" } } }
                tbody { @for u in &users {
                    tr {
                        td { (u.email) } td data-label="Imię i nazwisko" { (u.name) } td data-label="Rola" { (u.role.label()) }
                        td data-label="Dostęp" { @if u.active { "aktywny" } @else { "wyłączony" } }
                        td data-label="Dodany" { (format_timestamp(u.created_at)) }
                    }
                } }
            } }
        }
        section.block #dodaj {
            h2 { "Dodaj użytkownika" }
            p { "Aby dodać osobę do konta, napisz do nas z adresu właściciela konta: podaj jej adres e-mail i rolę (Administrator, Księgowość lub Techniczny)." }
        }
    };
    Ok(ctx.page(&auth, "Użytkownicy", Nav::Uzytkownicy, body))
}
