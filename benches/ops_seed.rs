//! Not a benchmark of its own: `scripts/bench-ops` runs it to build the data it measures on.
//!
//!     ops_seed DATA_DIR SERVICES [STATEMENT_CSV LINES]
//!
//! Seeds the demo into an empty DATA_DIR, then SERVICES more services over SERVICES / 100
//! accounts (accounts one transaction each, services 10,000 to a transaction through
//! `Store::import_services`), each account with one open proforma. With STATEMENT_CSV, writes an
//! mBank CSV of LINES incoming transfers (see tests/fixtures/mbank.csv): one exact payment of
//! each account's proforma (up to LINES / 10), then partial payments and unknown titles.

use panel::domain::time::{add_days, today};
use panel::domain::transfer::transfer_title;
use panel::domain::{Email, Line, Money, Service};
use panel::store::{NewAccount, Store};
use std::error::Error;
use std::io::Write;
use std::path::PathBuf;

const SERVICES_PER_ACCOUNT: usize = 100;
const SERVICES_PER_TRANSACTION: usize = 10_000;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (Some(dir), Some(services)) = (args.first(), args.get(1)) else {
        return Err("usage: ops_seed DATA_DIR SERVICES [STATEMENT_CSV LINES]".into());
    };
    let services: usize = services.parse()?;
    let store = Store::open(&PathBuf::from(dir))?;
    let now = jiff::Timestamp::now();
    panel::demo::seed_if_empty(&store, now, "http://127.0.0.1:8080")?;
    let open = if services > 0 {
        seed_services(&store, services, now)?
    } else {
        Vec::new()
    };
    if let (Some(file), Some(lines)) = (args.get(2), args.get(3)) {
        write_statement(&PathBuf::from(file), lines.parse()?, &open)?;
    }
    Ok(())
}

/// An open proforma to pay: the account, its number and its amount.
struct Open {
    account_id: u64,
    number: String,
    gross: Money,
}

fn seed_services(store: &Store, total: usize, now: jiff::Timestamp) -> Result<Vec<Open>> {
    let demo = store
        .user_by_email(&Email::parse("abonent@example.com")?)?
        .ok_or("the demo was not seeded")?;
    let template = store
        .services_of_account(demo.account_id)?
        .into_iter()
        .next()
        .ok_or("the demo has no service")?;
    let accounts = total.div_ceil(SERVICES_PER_ACCOUNT);
    let mut ids = Vec::with_capacity(accounts);
    for i in 0..accounts {
        let new = NewAccount {
            name: format!("Klient {i} sp. z o.o."),
            nip: None,
            address: Default::default(),
            owner_email: Email::parse(&format!("klient-{i}@example.net"))?,
            owner_name: format!("Klient {i}"),
            phone: String::new(),
        };
        ids.push(store.create_account(new, now)?.0.id);
    }
    let day = today(now);
    let service = |i: usize| Service {
        account_id: ids[i % accounts],
        name: format!("domena-{i}.pl"),
        expires_on: add_days(day, 30 + (i % 700) as i64),
        auto_renew: i.is_multiple_of(2),
        ..template.clone()
    };
    for start in (0..total).step_by(SERVICES_PER_TRANSACTION) {
        let end = (start + SERVICES_PER_TRANSACTION).min(total);
        store.import_services((start..end).map(service).collect())?;
    }
    let mut open = Vec::with_capacity(accounts);
    for (i, account_id) in ids.iter().enumerate() {
        let line = Line {
            description: format!("Hosting — 12 miesięcy (klient {i})"),
            service_id: None,
            quantity: 1,
            unit_net: Money(10_000 + (i as i64 % 50) * 100),
            vat_percent: 23,
            period_months: 12,
        };
        let proforma = store.issue_proforma(*account_id, vec![line], add_days(day, 14), now)?;
        open.push(Open {
            account_id: *account_id,
            gross: proforma.total_gross(),
            number: proforma.number,
        });
    }
    Ok(open)
}

fn amount(money: Money) -> String {
    format!("{},{:02} PLN", money.0 / 100, money.0 % 100)
}

fn write_statement(file: &PathBuf, lines: usize, open: &[Open]) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(file)?);
    writeln!(
        out,
        "mBank S.A. Bankowość Detaliczna;\n;\n#Klient;\nHOSTING PRZYKŁADOWY SP. Z O.O.;\n;\nLista operacji;\n;"
    )?;
    writeln!(
        out,
        "#Data operacji;#Opis operacji;#Rachunek;#Kategoria;#Kwota;#Saldo po operacji;"
    )?;
    let exact = open.len().min(lines / 10);
    for i in 0..lines {
        let (title, money) = match open.get(i) {
            Some(o) if i < exact => (
                format!("{} {}", o.number, transfer_title(o.account_id)),
                o.gross,
            ),
            _ if i.is_multiple_of(2) && !open.is_empty() => {
                let o = &open[i % open.len()];
                (
                    format!("CZĘŚĆ {} {}", o.number, transfer_title(o.account_id)),
                    Money(1_000 + i as i64),
                )
            }
            _ => (format!("ZA USŁUGI HOSTINGOWE {i}"), Money(5_000 + i as i64)),
        };
        writeln!(
            out,
            "2026-11-{:02};\"PRZELEW PRZYCHODZĄCY  KLIENT {i}  {title}  \";\"mBiznes konto 1111 ... 2874\";\"Wpływy\";{};0,00 PLN;",
            1 + i % 28,
            amount(money)
        )?;
    }
    writeln!(out, ";;;#Saldo końcowe;0,00 PLN;")?;
    Ok(())
}
