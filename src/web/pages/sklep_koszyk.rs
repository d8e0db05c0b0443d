//! The cart of the Sklep (kept on the server per user): its items with their period, removal,
//! the totals, and "Zamów", which makes one proforma and leads to its Zapłać page.

use super::uslugi::parse_id;
use crate::domain::access::Action;
use crate::domain::billing::months_label;
use crate::domain::shop::{Cart, CartItem, gross_price};
use crate::domain::{Line, Money, Plan};
use crate::mail;
use crate::store::{CartChange, OrderOutcome};
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::components::csrf_field;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

const BACK_TO: &str = "/sklep#koszyk";

/// The number of items, for the link at the top of the shop; `oob` when htmx swaps it too.
pub fn cart_badge(cart: &Cart, oob: bool) -> Markup {
    html! {
        span.badge #koszyk-licznik hx-swap-oob=[oob.then_some("true")] {
            (cart.items.len()) " w koszyku"
        }
    }
}

/// An item with its plan and line; `None` for the line when the plan no longer sells its period.
fn priced<'a>(item: &CartItem, plans: &'a [Plan]) -> (Option<&'a Plan>, Option<Line>) {
    let plan = plans.iter().find(|p| p.id == item.plan_id && !p.hidden);
    (plan, plan.and_then(|p| item.line(p)))
}

/// The cart; `message` is shown at its top (an error or what was done).
pub fn cart_section(
    ctx: &Ctx,
    cart: &Cart,
    plans: &[Plan],
    message: Option<&str>,
    oob: bool,
) -> Markup {
    let lines: Vec<Line> = cart
        .items
        .iter()
        .filter_map(|item| priced(item, plans).1)
        .collect();
    let sum = |f: fn(&Line) -> Money| lines.iter().map(f).sum::<Money>();
    html! {
        section.block #koszyk hx-swap-oob=[oob.then_some("true")] {
            h2 { "Koszyk" }
            @if let Some(message) = message { p.flash role="status" { (message) } }
            @if cart.items.is_empty() {
                p.muted { "Koszyk jest pusty. Wybierz usługę powyżej i dodaj ją do koszyka." }
            } @else {
                div.table-wrap { table.stacked {
                    thead { tr { th { "Usługa" } th { "Okres" } th.num { "Netto" } th.num { "VAT" } th.num { "Brutto" } th { span.visually-hidden { "Akcje" } } } }
                    tbody { @for item in &cart.items { (item_row(ctx, item, plans)) } }
                } }
                dl.figures #koszyk-suma {
                    div { dt { "Razem netto" } dd { (sum(Line::net)) } }
                    div { dt { "VAT" } dd { (sum(Line::vat)) } }
                    div { dt { "Do zapłaty brutto" } dd #koszyk-brutto { (sum(Line::gross)) } }
                }
                form.card method="post" action="/sklep/zamow" {
                    (csrf_field(&ctx.csrf))
                    input type="hidden" name="klucz" value=(crate::random::token());
                    p { "Zamówienie tworzy proformę na powyższą kwotę. Zamówione usługi uruchomimy, gdy tylko zostanie opłacona — przelewem lub z salda przedpłat." }
                    button.button type="submit" { "Zamów i przejdź do płatności" }
                }
            }
        }
    }
}

fn item_row(ctx: &Ctx, item: &CartItem, plans: &[Plan]) -> Markup {
    let (plan, line) = priced(item, plans);
    let period_action = format!("/sklep/koszyk/{}/okres", item.id);
    let remove_action = format!("/sklep/koszyk/{}/usun", item.id);
    let select_id = format!("koszyk-okres-{}", item.id);
    let shown = plan.map_or_else(|| item.name.clone(), |p| item.shown_name(p.kind));
    html! {
        tr #{ "koszyk-" (item.id) } {
            td {
                @if let Some(plan) = plan { (plan.name) " — " (shown) }
                @else { (shown) " — " span.error { "już niedostępne, usuń z koszyka" } }
            }
            td data-label="Okres" {
                @if let Some(plan) = plan {
                    form.inline method="post" action=(period_action) hx-post=(period_action)
                        hx-target="#koszyk" hx-swap="outerHTML" hx-trigger="change, submit" {
                        (csrf_field(&ctx.csrf))
                        label.visually-hidden for=(select_id) { "Okres: " (shown) }
                        select #(select_id) name="okres" {
                            @for months in plan.offered_periods() {
                                option value=(months) selected[months == item.months] {
                                    (months_label(months))
                                    @if let Some(price) = gross_price(plan, months) { " — " (price) }
                                }
                            }
                        }
                        " " button.button.secondary type="submit" { "Zmień" }
                    }
                }
            }
            td.num data-label="Netto" { @if let Some(line) = &line { (line.net()) } }
            td.num data-label="VAT" { @if let Some(line) = &line { (line.vat()) " (" (line.vat_percent) "%)" } }
            td.num data-label="Brutto" { @if let Some(line) = &line { (line.gross()) } }
            td {
                form.inline method="post" action=(remove_action) hx-post=(remove_action)
                    hx-target="#koszyk" hx-swap="outerHTML" {
                    (csrf_field(&ctx.csrf))
                    button.button.secondary type="submit" { "Usuń" span.visually-hidden { " " (shown) } }
                }
            }
        }
    }
}

/// After a change of the cart: with htmx the cart (and the badge); without, back to it (303).
fn cart_answer(ctx: &Ctx, auth: &Auth, message: &str, status: StatusCode) -> WebResult<Response> {
    if !ctx.htmx {
        return Ok(ctx.redirect_with_flash(BACK_TO, message));
    }
    let cart = ctx.state.store.cart_of(auth.user().id)?;
    let plans = ctx.state.store.plans()?;
    let markup = html! {
        (cart_section(ctx, &cart, &plans, Some(message), false))
        (cart_badge(&cart, true))
    };
    Ok((status, markup).into_response())
}

#[derive(Deserialize)]
pub struct PeriodForm {
    #[serde(default)]
    okres: String,
}

#[handler]
pub async fn view_koszyk_okres_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<PeriodForm>,
) -> WebResult<Response> {
    let item_id = parse_id(&id)?;
    auth.require(Action::Order)?;
    let refused = |message| cart_answer(&ctx, &auth, message, StatusCode::UNPROCESSABLE_ENTITY);
    let Ok(months) = form.okres.trim().parse::<u32>() else {
        return refused("Wybierz okres z listy.");
    };
    let user_id = auth.user().id;
    let change = ctx
        .state
        .store
        .blocking(move |s| s.set_cart_period(user_id, item_id, months))
        .await?;
    match change {
        CartChange::Done(_) => cart_answer(&ctx, &auth, "Zmieniono okres.", StatusCode::OK),
        CartChange::NotFound => Err(AppError::NotFound),
        CartChange::NotOffered | CartChange::DomainTaken => {
            refused("Ta usługa nie jest dostępna w wybranym okresie.")
        }
    }
}

#[handler]
pub async fn view_koszyk_usun_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let item_id = parse_id(&id)?;
    auth.require(Action::Order)?;
    let user_id = auth.user().id;
    ctx.state
        .store
        .blocking(move |s| s.remove_from_cart(user_id, item_id))
        .await?;
    cart_answer(&ctx, &auth, "Usunięto z koszyka.", StatusCode::OK)
}

#[derive(Deserialize)]
pub struct OrderForm {
    /// The form's idempotency key: one order however often the form is sent.
    #[serde(default)]
    klucz: String,
}

#[handler]
pub async fn view_zamow_post(
    ctx: Ctx,
    auth: Auth,
    Form(form): Form<OrderForm>,
) -> WebResult<Response> {
    auth.require(Action::Order)?;
    if !super::zaplac::valid_key(&form.klucz) {
        let message = "Formularz wygasł. Sprawdź koszyk i zamów jeszcze raz.";
        return Ok(ctx.redirect_with_flash(BACK_TO, message));
    }
    let (account_id, user_id) = (auth.account().id, auth.user().id);
    let now = ctx.now();
    let base_url = ctx.state.base_url.clone();
    let outcome = ctx
        .state
        .store
        .blocking(move |s| {
            s.place_order(
                account_id,
                user_id,
                &form.klucz,
                now,
                &|account, proforma| mail::order_proforma_message(&base_url, account, proforma),
            )
        })
        .await?;
    let proforma = match outcome {
        OrderOutcome::Placed(proforma) => proforma,
        OrderOutcome::Empty => {
            let message = "Koszyk jest pusty: dodaj usługę, aby złożyć zamówienie.";
            return Ok(ctx.redirect_with_flash(BACK_TO, message));
        }
        OrderOutcome::Unavailable(what) => {
            let message = format!(
                "Nie możemy przyjąć zamówienia: „{what}” nie jest już dostępne. Usuń tę pozycję z koszyka i zamów ponownie."
            );
            return Ok(ctx.redirect_with_flash(BACK_TO, &message));
        }
    };
    ctx.state.wake_mailer();
    let message = format!(
        "Przyjęliśmy zamówienie. Wystawiliśmy proformę {} na kwotę {} — po jej opłaceniu uruchomimy zamówione usługi.",
        proforma.number,
        proforma.total_gross()
    );
    Ok(ctx.redirect_with_flash(&format!("/faktury/{}/zaplac", proforma.id), &message))
}
