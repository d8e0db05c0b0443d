//! Dane abonenta and Sklep, as read-only pages until their own modules land.

use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::layout::Nav;
use maud::html;
use poem::{Response, handler};

#[handler]
pub async fn view_dane_abonenta_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let a = auth.account();
    let body = html! {
        section.block {
            h2 { "Dane właściwe" }
            dl.details {
                div { dt { "Nazwa" } dd { (a.name) } }
                @if let Some(nip) = &a.nip { div { dt { "NIP" } dd { (nip) } } }
                div { dt { "Adres" } dd { (a.address.one_line()) } }
            }
        }
        section.block {
            h2 { "Dane kontaktowe" }
            dl.details {
                div { dt { "E-mail" } dd { (a.contact_email) } }
                div { dt { "Telefon" } dd { (a.phone) } }
                div { dt { "Identyfikator do przelewów" } dd { code { (a.transfer_title()) } } }
            }
        }
    };
    Ok(ctx.page(&auth, "Dane abonenta", Nav::DaneAbonenta, body))
}

#[handler]
pub async fn view_sklep_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let plans = ctx.state.store.plans()?;
    let body = html! {
        section.block {
            p { "Cennik usług. Aby zamówić usługę, skontaktuj się z nami — wystawimy proformę, a po jej opłaceniu uruchomimy usługę." }
            div.table-wrap { table.stacked {
                thead { tr { th { "Usługa" } th { "Rodzaj" } th { "Okres" } th.num { "Cena netto" } th.num { "VAT" } } }
                tbody { @for p in &plans {
                    tr {
                        td { (p.name) } td data-label="Rodzaj" { (p.kind.label()) } td data-label="Okres" { (p.period_label()) }
                        td.num data-label="Cena netto" { (p.price_net) } td.num data-label="VAT" { (p.vat_percent) "%" }
                    }
                } }
            } }
        }
    };
    Ok(ctx.page(&auth, "Sklep", Nav::Sklep, body))
}
