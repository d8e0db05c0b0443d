//! "Zamów certyfikat" on Certyfikaty SSL: one of the account's live domains and an SSL pakiet
//! with its period. It goes through the shop: the certificate goes into the cart and the customer
//! lands there, where Zamów issues the proforma (one for the whole cart, as for anything else
//! ordered); once it is paid the certificate is issued. Ordering is the shop's action (`Order`:
//! it leads to a proforma), so the roles and the service scope are the shop's.

use super::ssl::content;
use crate::domain::access::Action;
use crate::domain::billing::months_label;
use crate::domain::service::Lifecycle;
use crate::domain::shop::{DomainName, gross_price, unicode_name};
use crate::domain::{Plan, ServiceKind};
use crate::store::CertificateOrder;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::components::csrf_field;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::{HeaderValue, StatusCode, header};
use poem::web::Form;
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

/// Where a certificate put in the cart leads.
const CART: &str = "/sklep#koszyk";

/// The order form as typed, with what was wrong with it.
#[derive(Default)]
pub struct OrderForm {
    domain: String,
    offer: String,
    domain_error: Option<String>,
    offer_error: Option<String>,
}

/// The form as sent: strings, so garbage gets a Polish message.
#[derive(Deserialize)]
pub struct OrderSent {
    #[serde(default)]
    domena: String,
    #[serde(default)]
    pakiet: String,
}

/// A pakiet and period as the form's option value: `plan:months`.
fn offer_value(plan: &Plan, months: u32) -> String {
    format!("{}:{months}", plan.id)
}

fn parse_offer(value: &str) -> Option<(u64, u32)> {
    let (plan, months) = value.trim().split_once(':')?;
    Some((plan.parse().ok()?, months.parse().ok()?))
}

/// The form (or why the viewer cannot order) below the list.
pub(super) fn order_section(ctx: &Ctx, auth: &Auth, form: Option<&OrderForm>) -> WebResult<Markup> {
    if !auth.may(Action::Order) {
        return Ok(html! { section.block #zamow-certyfikat {
            h2 { "Zamów certyfikat" }
            p.muted { "Certyfikaty zamawiają właściciel, administrator i księgowość konta." }
        } });
    }
    let store = &ctx.state.store;
    let domains: Vec<String> = store
        .services_of_account(auth.account().id)?
        .into_iter()
        .filter(|s| s.kind == ServiceKind::Domain && s.lifecycle == Lifecycle::Live)
        .map(|s| crate::domain::ssl::ascii_name(&s.name))
        .collect();
    let plans: Vec<Plan> = store
        .plans()?
        .into_iter()
        .filter(|p| p.kind == ServiceKind::Ssl && !p.hidden)
        .collect();
    let empty = OrderForm::default();
    let form = form.unwrap_or(&empty);
    Ok(html! { section.block #zamow-certyfikat {
        h2 { "Zamów certyfikat" }
        @if domains.is_empty() {
            p.muted { "Na koncie nie ma aktywnej domeny, dla której można zamówić certyfikat." }
        } @else if plans.is_empty() {
            p.muted { "Certyfikatów SSL nie ma teraz w ofercie." }
        } @else {
            (order_form(ctx, form, &domains, &plans))
        }
    } })
}

fn order_form(ctx: &Ctx, form: &OrderForm, domains: &[String], plans: &[Plan]) -> Markup {
    let domain_error = form.domain_error.as_deref();
    let offer_error = form.offer_error.as_deref();
    html! {
        form method="post" action="/ssl/zamow" hx-post="/ssl/zamow" hx-target="#ssl" hx-swap="outerHTML"
            hx-disabled-elt="find button" novalidate {
            (csrf_field(&ctx.csrf))
            div.field {
                label for="ssl-domena" { "Domena" }
                select #ssl-domena name="domena" aria-invalid=[domain_error.map(|_| "true")]
                    aria-describedby=[domain_error.map(|_| "ssl-domena-blad")] {
                    option value="" { "Wybierz domenę" }
                    @for domain in domains {
                        option value=(domain) selected[form.domain.eq_ignore_ascii_case(domain)] { (unicode_name(domain)) }
                    }
                }
                @if let Some(error) = domain_error { p.error #ssl-domena-blad role="alert" { (error) } }
            }
            div.field {
                label for="ssl-pakiet" { "Pakiet i okres" }
                select #ssl-pakiet name="pakiet" aria-invalid=[offer_error.map(|_| "true")]
                    aria-describedby=[offer_error.map(|_| "ssl-pakiet-blad")] {
                    @for plan in plans { @for months in plan.offered_periods() {
                        @let value = offer_value(plan, months);
                        option value=(value) selected[form.offer == value] {
                            (plan.name) " — " (months_label(months))
                            @if let Some(price) = gross_price(plan, months) { " — " (price) " brutto" }
                        }
                    } }
                }
                @if let Some(error) = offer_error { p.error #ssl-pakiet-blad role="alert" { (error) } }
            }
            button.button type="submit" { "Dodaj do koszyka" }
            p.muted { "Certyfikat trafi do koszyka. Zamów wystawi proformę; po jej opłaceniu wydamy certyfikat i pokażemy go tutaj." }
        }
    }
}

/// Checks the form; the domain (ASCII) and the pakiet, or the form with its errors.
fn checked(sent: &OrderSent) -> Result<(String, u64, u32), OrderForm> {
    let mut form = OrderForm {
        domain: sent.domena.trim().to_string(),
        offer: sent.pakiet.trim().to_string(),
        ..OrderForm::default()
    };
    let domain = if form.domain.is_empty() {
        form.domain_error = Some("Wybierz domenę z listy.".into());
        None
    } else {
        DomainName::parse(&form.domain)
            .map_err(|e| form.domain_error = Some(e.to_string()))
            .ok()
    };
    let offer = parse_offer(&form.offer);
    if offer.is_none() {
        form.offer_error = Some("Wybierz pakiet i okres.".into());
    }
    match (domain, offer) {
        (Some(domain), Some((plan, months))) => Ok((domain.ascii().to_string(), plan, months)),
        _ => Err(form),
    }
}

#[handler]
pub async fn view_ssl_zamow_post(
    ctx: Ctx,
    auth: Auth,
    Form(sent): Form<OrderSent>,
) -> WebResult<Response> {
    auth.require(Action::Order)?;
    let (domain, plan, months) = match checked(&sent) {
        Ok(order) => order,
        Err(form) => return refused(&ctx, &auth, &form),
    };
    let (account, user) = (auth.account().id, auth.user().id);
    let ascii = domain.clone();
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.order_certificate(account, user, plan, months, &ascii))
        .await?;
    let mut form = OrderForm {
        domain: domain.clone(),
        offer: sent.pakiet.trim().to_string(),
        ..OrderForm::default()
    };
    match outcome {
        CertificateOrder::Added(_) => {
            let message = format!(
                "Certyfikat SSL dla {} jest w koszyku. Kliknij Zamów, aby otrzymać proformę.",
                unicode_name(&domain)
            );
            to_cart(&ctx, &message)
        }
        CertificateOrder::NotOwned => {
            form.domain_error =
                Some("Certyfikat zamówisz tylko dla aktywnej domeny, którą masz na koncie.".into());
            refused(&ctx, &auth, &form)
        }
        CertificateOrder::AlreadyHas => {
            form.domain_error = Some(
                "Ta domena ma już certyfikat w tym pakiecie: aktywny, zamówiony albo w koszyku."
                    .into(),
            );
            refused(&ctx, &auth, &form)
        }
        CertificateOrder::NotOffered => {
            form.offer_error = Some("Tego pakietu nie ma teraz w ofercie. Wybierz inny.".into());
            refused(&ctx, &auth, &form)
        }
    }
}

/// To the cart with `message`: a 303 without JavaScript; htmx gets HX-Redirect (a 303 would be
/// followed inside its request and the cart swapped into the section).
fn to_cart(ctx: &Ctx, message: &str) -> WebResult<Response> {
    let mut response = ctx.redirect_with_flash(CART, message);
    if ctx.htmx {
        response.set_status(StatusCode::OK);
        response.headers_mut().remove(header::LOCATION);
        response
            .headers_mut()
            .insert("HX-Redirect", HeaderValue::from_static(CART));
    }
    Ok(response)
}

fn refused(ctx: &Ctx, auth: &Auth, form: &OrderForm) -> WebResult<Response> {
    let body = content(ctx, auth, Some(form))?;
    if ctx.htmx {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    let title = ServiceKind::Ssl.section_title();
    let mut response = ctx.page(auth, title, Nav::Uslugi, body);
    response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
    Ok(response)
}
