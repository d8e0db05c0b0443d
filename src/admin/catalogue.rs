//! Operator tasks on the catalogue and on services: what a host needs to bring its existing
//! customers over before the shop takes orders itself.

use super::{account_of, store_error};
use crate::domain::billing::{
    MAX_PERIOD_MONTHS, months_label, parse_period_price, parse_periods, valid_period,
};
use crate::domain::service::Lifecycle;
use crate::domain::time::format_date;
use crate::domain::{Money, Plan, Service, ServiceDetails, ServiceKind};
use crate::store::Store;

pub fn plans(store: &Store) -> Result<String, String> {
    let plans = store.plans().map_err(store_error)?;
    let lines: Vec<String> = plans
        .iter()
        .map(|p| {
            format!(
                "{}\t{}\t{}\t{} net / {}\tVAT {}%\tperiods {}{}",
                p.id,
                p.kind.cli_name(),
                p.name,
                p.price_net,
                p.period_label(),
                p.vat_percent,
                p.offered_periods()
                    .into_iter()
                    .map(|m| match p.prices.iter().find(|(months, _)| *months == m) {
                        Some((_, price)) => format!("{} ({price} net)", months_label(m)),
                        None => months_label(m),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                if p.hidden { "\thidden" } else { "" }
            )
        })
        .collect();
    Ok(lines.join("\n"))
}

pub fn add_plan(
    store: &Store,
    kind: &str,
    name: String,
    prices: &[String],
    months: u32,
    periods: Option<&str>,
    vat: u32,
) -> Result<String, String> {
    let kind = ServiceKind::from_cli_name(kind)
        .ok_or_else(|| format!("unknown kind {kind:?}: use {}", ServiceKind::cli_names()))?;
    let (per_period, base): (Vec<&String>, Vec<&String>) =
        prices.iter().partition(|p| p.contains('='));
    let [price] = base.as_slice() else {
        return Err("give one --price for the plan's own period, e.g. --price 49,00".into());
    };
    let price_net = Money::parse(price).ok_or(format!(
        "cannot read the price {price:?}: use e.g. 49,00, at most {}",
        Money::MAX
    ))?;
    if !valid_period(months) {
        return Err(format!(
            "the period must be 1 to {MAX_PERIOD_MONTHS} months, not {months}"
        ));
    }
    let mut periods =
        parse_periods(months, periods.unwrap_or_default()).map_err(|e| e.to_string())?;
    let mut explicit = Vec::new();
    for raw in per_period {
        let (period, price) = parse_period_price(months, raw).map_err(|e| e.to_string())?;
        if period != months && !periods.contains(&period) {
            periods.push(period);
        }
        explicit.retain(|(m, _)| *m != period);
        explicit.push((period, price));
    }
    periods.sort_unstable();
    if vat > 100 {
        return Err("VAT must be at most 100%".into());
    }
    let plan = Plan {
        id: 0,
        kind,
        name,
        price_net,
        vat_percent: vat,
        period_months: months,
        periods,
        prices: explicit,
        hidden: false,
    };
    let plan = store.add_plan(plan).map_err(store_error)?;
    Ok(format!("added plan {} ({})", plan.id, plan.name))
}

/// Withdraws a plan from sale (`hidden`) or offers it again; its services are not touched.
pub fn set_hidden(store: &Store, id: u64, hidden: bool) -> Result<String, String> {
    let plan = store
        .set_plan_hidden(id, hidden)
        .map_err(store_error)?
        .ok_or(format!("no plan {id}"))?;
    Ok(if hidden {
        format!(
            "plan {} ({}) is no longer offered in the shop",
            plan.id, plan.name
        )
    } else {
        format!("plan {} ({}) is offered in the shop", plan.id, plan.name)
    })
}

pub fn add_service(
    store: &Store,
    user_email: &str,
    plan_id: u64,
    name: String,
    expires: &str,
    now: jiff::Timestamp,
) -> Result<String, String> {
    let account_id = account_of(store, user_email)?;
    add_service_to(store, account_id, plan_id, name, expires, now)
}

/// Adds a service to account `account_id` (`services add`, `add-service`).
pub fn add_service_to(
    store: &Store,
    account_id: u64,
    plan_id: u64,
    name: String,
    expires: &str,
    now: jiff::Timestamp,
) -> Result<String, String> {
    let plan = store
        .plan(plan_id)
        .map_err(store_error)?
        .ok_or(format!("no plan {plan_id}"))?;
    let expires_on: jiff::civil::Date = expires
        .parse()
        .map_err(|_| format!("cannot read the date {expires:?}: use YYYY-MM-DD"))?;
    if name.trim().is_empty() {
        return Err("the service needs a name".into());
    }
    let service = store
        .add_service(Service {
            id: 0,
            account_id,
            kind: plan.kind,
            name: name.trim().to_string(),
            plan_id,
            lifecycle: Lifecycle::Live,
            expires_on,
            auto_renew: false,
            renewal_months: None,
            details: ServiceDetails::None,
            created_at: now,
        })
        .map_err(store_error)?;
    Ok(format!(
        "added service {} ({} {}) to account {account_id}, paid until {}",
        service.id,
        service.kind.label(),
        service.name,
        format_date(service.expires_on)
    ))
}
