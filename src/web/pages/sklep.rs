//! Sklep: the operator's plans grouped by kind, each with its periods and gross prices, and
//! "Dodaj do koszyka" (a domain needs its name, checked; other kinds take an optional name). The
//! cart and "Zamów" are in `sklep_koszyk`.

use super::sklep_koszyk::{cart_badge, cart_section};
use crate::domain::access::Action;
use crate::domain::billing::months_label;
use crate::domain::shop::{gross_price, plan_tld, service_name, shown_name};
use crate::domain::{Plan, ServiceKind};
use crate::store::CartChange;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::components::csrf_field;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Form;
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

/// The account's domains, offered as names for a hosting plan.
const DOMAINS_LIST: &str = "domeny-konta";

/// The shop's sections, in the order of the navigation; the anchor is the section's path.
fn shop_title(kind: ServiceKind) -> &'static str {
    kind.section_title()
}

/// Where "Zamów w Sklepie" of a section leads: `/sklep#domeny`.
pub fn shop_link(kind: ServiceKind) -> String {
    format!("/sklep#{}", anchor(kind))
}

fn anchor(kind: ServiceKind) -> &'static str {
    kind.section_path().trim_start_matches('/')
}

/// A product's form as typed, with what was wrong with it or what happened.
#[derive(Default)]
struct ProductForm {
    plan_id: u64,
    name: String,
    months: Option<u32>,
    name_error: Option<String>,
    period_error: Option<String>,
    added: Option<String>,
}

/// "Dodaj do koszyka" as sent: strings, so garbage gets a Polish message.
#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    plan: String,
    #[serde(default)]
    okres: String,
    #[serde(default)]
    nazwa: String,
}

/// Where a certificate is ordered: the form that offers only the account's own domains.
const SSL_ORDER: &str = "/ssl#zamow-certyfikat";
const SSL_ONLY_FOR_OWN_DOMAINS: &str =
    "Certyfikat SSL zamówisz dla jednej ze swoich domen w sekcji Certyfikaty SSL.";

fn product_id(plan: &Plan) -> String {
    format!("produkt-{}", plan.id)
}

fn name_label(plan: &Plan) -> String {
    match (plan.kind, plan_tld(plan)) {
        (ServiceKind::Domain, Some(tld)) => format!("Nazwa domeny (w {tld})"),
        (ServiceKind::Domain, None) => "Nazwa domeny".into(),
        (ServiceKind::Hosting, _) => "Domena lub nazwa serwera (opcjonalnie)".into(),
        (ServiceKind::Email, _) => "Domena poczty (opcjonalnie)".into(),
        _ => "Nazwa (opcjonalnie)".into(),
    }
}

fn placeholder(plan: &Plan) -> String {
    match plan.kind {
        ServiceKind::Domain => format!("twojafirma{}", plan_tld(plan).unwrap_or(".pl")),
        _ => plan.name.clone(),
    }
}

/// One product: name, prices per period and, for who may order, its form.
fn product(csrf: &str, plan: &Plan, may_order: bool, form: Option<&ProductForm>) -> Markup {
    let id = product_id(plan);
    let target = format!("#{id}");
    let field = |name: &str| format!("{id}-{name}");
    let typed = form.map(|f| f.name.as_str()).unwrap_or_default();
    let chosen = form.and_then(|f| f.months).unwrap_or(plan.period_months);
    let name_error = form.and_then(|f| f.name_error.as_deref());
    let period_error = form.and_then(|f| f.period_error.as_deref());
    let periods = plan.offered_periods();
    html! {
        article.module.product #(id) {
            h3 { (plan.name) }
            @if let Some(price) = gross_price(plan, plan.period_months) {
                p { "od " strong { (price) } " brutto / " (months_label(plan.period_months)) }
            }
            @if may_order && plan.kind == ServiceKind::Ssl {
                @if let Some(error) = name_error { p.error role="alert" { (error) } }
                p { a.button href=(SSL_ORDER) { "Zamów dla swojej domeny" } }
            } @else if may_order {
                form method="post" action="/sklep/koszyk" hx-post="/sklep/koszyk" hx-target=(target)
                    hx-swap="outerHTML" hx-disabled-elt="find button" novalidate {
                    (csrf_field(csrf))
                    input type="hidden" name="plan" value=(plan.id);
                    div.field {
                        label for=(field("nazwa")) { (name_label(plan)) }
                        input #(field("nazwa")) type="text" name="nazwa" value=(typed) autocomplete="off"
                            placeholder=(placeholder(plan)) required[plan.kind == ServiceKind::Domain]
                            list=[matches!(plan.kind, ServiceKind::Hosting | ServiceKind::Email).then_some(DOMAINS_LIST)]
                            aria-invalid=[name_error.map(|_| "true")]
                            aria-describedby=[name_error.map(|_| field("nazwa-blad"))];
                        @if let Some(error) = name_error { p.error #(field("nazwa-blad")) role="alert" { (error) } }
                    }
                    div.field {
                        label for=(field("okres")) { "Okres" }
                        select #(field("okres")) name="okres" aria-invalid=[period_error.map(|_| "true")] {
                            @for months in &periods {
                                option value=(months) selected[*months == chosen] {
                                    (months_label(*months))
                                    @if let Some(price) = gross_price(plan, *months) { " — " (price) " brutto" }
                                }
                            }
                        }
                        @if let Some(error) = period_error { p.error role="alert" { (error) } }
                    }
                    button.button type="submit" { "Dodaj do koszyka" span.visually-hidden { ": " (plan.name) } }
                    @if let Some(added) = form.and_then(|f| f.added.as_deref()) { p.muted role="status" { (added) } }
                }
            }
        }
    }
}

/// The catalogue: plans on sale, grouped by kind; `form` is the one product form being answered.
fn catalogue(ctx: &Ctx, plans: &[Plan], may_order: bool, form: Option<&ProductForm>) -> Markup {
    let on_sale: Vec<&Plan> = plans.iter().filter(|p| !p.hidden).collect();
    html! {
        // Other services are managed in the host's previous panel, not sold here.
        @for kind in ServiceKind::ALL.into_iter().filter(|k| *k != ServiceKind::Other) {
            @let of_kind: Vec<&&Plan> = on_sale.iter().filter(|p| p.kind == kind && !p.offered_periods().is_empty()).collect();
            @if !of_kind.is_empty() {
                section.block.products #(anchor(kind)) {
                    h2 { (shop_title(kind)) }
                    div.modules { @for plan in of_kind {
                        (product(&ctx.csrf, plan, may_order, form.filter(|f| f.plan_id == plan.id)))
                    } }
                }
            }
        }
        @if on_sale.is_empty() { p.muted { "Sklep nie ma teraz nic w ofercie." } }
    }
}

fn shop_page(ctx: &Ctx, auth: &Auth, form: Option<&ProductForm>) -> WebResult<Response> {
    let plans = ctx.state.store.plans()?;
    let may_order = auth.may(Action::Order);
    let cart = if may_order {
        ctx.state.store.cart_of(auth.user().id)?
    } else {
        Default::default()
    };
    let domains: Vec<String> = ctx
        .state
        .store
        .services_of_account(auth.account().id)?
        .iter()
        .filter(|s| s.kind == ServiceKind::Domain)
        .map(crate::web::views::components::shown_name)
        .collect();
    let body = html! {
        @if may_order {
            datalist #(DOMAINS_LIST) { @for domain in &domains { option value=(domain) {} } }
            p { a href="#koszyk" { "Przejdź do koszyka " (cart_badge(&cart, false)) } }
            (catalogue(ctx, &plans, true, form))
            (cart_section(ctx, &cart, &plans, None, false))
        } @else {
            p.muted { "Zamówienia składają właściciel, administrator i księgowość konta. Możesz przejrzeć ofertę." }
            (catalogue(ctx, &plans, false, None))
        }
    };
    Ok(ctx.page(auth, "Sklep", Nav::Sklep, body))
}

#[handler]
pub async fn view_sklep_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    auth.require(Action::ViewShop)?;
    shop_page(&ctx, &auth, None)
}

#[handler]
pub async fn view_koszyk_post(
    ctx: Ctx,
    auth: Auth,
    Form(sent): Form<AddForm>,
) -> WebResult<Response> {
    auth.require(Action::Order)?;
    let plan_id: u64 = sent.plan.trim().parse().map_err(|_| AppError::NotFound)?;
    let plan = ctx.state.store.plan(plan_id)?.ok_or(AppError::NotFound)?;
    if plan.hidden {
        return withdrawn(&ctx);
    }
    let mut form = ProductForm {
        plan_id,
        name: sent.nazwa.clone(),
        months: sent.okres.trim().parse().ok(),
        ..ProductForm::default()
    };
    let months = form.months.filter(|m| plan.offers(*m));
    if months.is_none() {
        form.period_error = Some("Wybierz okres z listy.".into());
    }
    if plan.kind == ServiceKind::Ssl {
        // A certificate is for one of the account's own domains: the Certyfikaty SSL form checks it.
        form.name_error = Some(SSL_ONLY_FOR_OWN_DOMAINS.into());
        return answer(&ctx, &auth, &plan, form);
    }
    let name = service_name(&plan, &sent.nazwa).map_err(|e| form.name_error = Some(e));
    let (Some(months), Ok(name)) = (months, name) else {
        return answer(&ctx, &auth, &plan, form);
    };
    let user_id = auth.user().id;
    let shown = shown_name(plan.kind, &name);
    let change = ctx
        .state
        .store
        .blocking(move |s| s.add_to_cart(user_id, plan_id, months, name))
        .await?;
    match change {
        CartChange::Done(_) => {
            form.name.clear();
            form.added = Some(format!("Dodano do koszyka: {} — {shown}.", plan.name));
        }
        CartChange::DomainTaken => {
            form.name_error = Some(format!(
                "Domeny {shown} nie można zamówić: jest już zarejestrowana, czeka na opłacenie zamówienia albo jest w Twoim koszyku. Wybierz inną nazwę."
            ));
        }
        CartChange::NotOffered | CartChange::NotFound => {
            form.period_error = Some("Ten produkt nie jest już dostępny w tym okresie.".into());
        }
    }
    answer(&ctx, &auth, &plan, form)
}

/// The plan was withdrawn from sale while the page was open: back to the shop, which no longer
/// offers it (htmx is told to load it).
fn withdrawn(ctx: &Ctx) -> WebResult<Response> {
    let mut response = ctx.redirect_with_flash("/sklep", "Tego produktu nie ma już w ofercie.");
    if ctx.htmx {
        response.headers_mut().insert(
            "HX-Redirect",
            poem::http::HeaderValue::from_static("/sklep"),
        );
    }
    Ok(response)
}

/// After "Dodaj do koszyka": with htmx the product (and the cart, out of band); without, back to
/// the shop (303) when added, or the page with the form's errors (422).
fn answer(ctx: &Ctx, auth: &Auth, plan: &Plan, form: ProductForm) -> WebResult<Response> {
    let failed = form.added.is_none();
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    if ctx.htmx {
        let cart = ctx.state.store.cart_of(auth.user().id)?;
        let plans = ctx.state.store.plans()?;
        let markup = html! {
            (product(&ctx.csrf, plan, true, Some(&form)))
            @if !failed {
                (cart_section(ctx, &cart, &plans, None, true))
                (cart_badge(&cart, true))
            }
        };
        return Ok((status, markup).into_response());
    }
    if let Some(added) = &form.added {
        return Ok(ctx.redirect_with_flash("/sklep#koszyk", added));
    }
    let mut page = shop_page(ctx, auth, Some(&form))?;
    page.set_status(status);
    Ok(page)
}
