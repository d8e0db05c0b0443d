//! `panel admin products …`: the catalogue as a table, and a new price for new orders only.

use super::output::{Reply, Table, c};
use super::store_error;
use crate::domain::billing::{months_label, parse_period_price};
use crate::domain::{Money, Plan};
use crate::store::Store;
use serde_json::json;

pub fn list(store: &Store) -> Result<Reply, String> {
    let plans = store.plans().map_err(store_error)?;
    let used = store.services_per_plan().map_err(store_error)?;
    let columns = [
        "id",
        "kind",
        "name",
        "price_net",
        "period",
        "vat",
        "periods",
        "state",
        "services",
    ];
    let mut table = Table::new(&columns, "no plans");
    for plan in &plans {
        let periods = plan
            .offered_periods()
            .into_iter()
            .map(
                |m| match plan.prices.iter().find(|(months, _)| *months == m) {
                    Some((_, price)) => format!("{} ({price})", months_label(m)),
                    None => months_label(m),
                },
            )
            .collect::<Vec<_>>()
            .join(", ");
        table.push(vec![
            c(plan.id),
            c(plan.kind.cli_name()),
            c(&plan.name),
            c(plan.price_net),
            c(plan.period_label()),
            c(format!("{}%", plan.vat_percent)),
            c(periods),
            c(state(plan, &plans)),
            c(used.get(&plan.id).copied().unwrap_or(0)),
        ]);
    }
    Ok(table.reply())
}

/// "offered", "retired", or for an older version of a plan whose price changed: "old price,
/// new orders: N" (the newest offered plan of the same kind and name).
fn state(plan: &Plan, all: &[Plan]) -> String {
    if !plan.hidden {
        return "offered".into();
    }
    let newer = all
        .iter()
        .filter(|p| !p.hidden && p.id > plan.id && p.kind == plan.kind && p.name == plan.name)
        .map(|p| p.id)
        .max();
    match newer {
        Some(id) => format!("old price, new orders: {id}"),
        None => "retired".into(),
    }
}

/// `products price ID --price …`: a new version of the plan takes its place in the shop.
pub fn price(store: &Store, id: u64, raw: &[String]) -> Result<Reply, String> {
    let plan = store
        .plan(id)
        .map_err(store_error)?
        .ok_or(format!("no plan {id}"))?;
    let (per_period, base): (Vec<&String>, Vec<&String>) =
        raw.iter().partition(|p| p.contains('='));
    let [base] = base.as_slice() else {
        return Err("give one --price for the plan's own period, e.g. --price 49,00".into());
    };
    let price_net = Money::parse(base).ok_or(format!(
        "cannot read the price {base:?}: use e.g. 49,00, at most {}",
        Money::MAX
    ))?;
    let mut explicit: Vec<(u32, Money)> = Vec::new();
    for raw in per_period {
        let (months, price) =
            parse_period_price(plan.period_months, raw).map_err(|e| e.to_string())?;
        if months == plan.period_months || !plan.offers(months) {
            return Err(format!(
                "plan {id} has no further period of {}; nothing changed",
                months_label(months)
            ));
        }
        explicit.retain(|(m, _)| *m != months);
        explicit.push((months, price));
    }
    let (old, new) = store
        .reprice_plan(id, price_net, explicit)
        .map_err(store_error)?
        .ok_or(format!("no plan {id}"))?;
    let services = store
        .services_per_plan()
        .map_err(store_error)?
        .get(&old.id)
        .copied()
        .unwrap_or(0);
    let retired = if new.hidden {
        format!(
            " (plan {} is retired too: `products offer {}` to sell it)",
            new.id, new.id
        )
    } else {
        String::new()
    };
    Ok(Reply::action(
        format!(
            "plan {} ({}) now costs {} net for new orders, as plan {}{retired}; plan {} is \
             retired and its {services} service(s) keep renewing at {} net",
            old.id, old.name, new.price_net, new.id, old.id, old.price_net
        ),
        json!({
            "old_id": old.id,
            "new_id": new.id,
            "old_price_net": super::output::decimal(old.price_net),
            "new_price_net": super::output::decimal(new.price_net),
            "services_keeping_old_price": services,
        }),
    ))
}
