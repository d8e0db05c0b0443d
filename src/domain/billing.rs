//! Plans, proformas and VAT invoices. Proforma first: a renewal creates a proforma; its payment
//! issues the VAT invoice with the next number of its series.

use super::Money;
use super::account::{Account, Address};
use super::service::{Service, ServiceKind};
use super::time::{add_days, checked_add_months, format_date};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub const DEFAULT_VAT_PERCENT: u32 = 23;
/// A proforma for something that is not about to expire is due this many days after issue.
pub const PAYMENT_TERM_DAYS: i64 = 7;
/// The longest period a plan may bill for: ten years.
pub const MAX_PERIOD_MONTHS: u32 = 120;

/// Whether a plan may bill for `months` (1 to `MAX_PERIOD_MONTHS`).
pub fn valid_period(months: u32) -> bool {
    (1..=MAX_PERIOD_MONTHS).contains(&months)
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Plan {
    pub id: u64,
    pub kind: ServiceKind,
    pub name: String,
    /// Net price of one period, per unit.
    pub price_net: Money,
    pub vat_percent: u32,
    pub period_months: u32,
    /// Longer periods a customer may choose for renewals, in months: multiples of
    /// `period_months` (e.g. 24 and 36 beside 12), each billed pro rata.
    #[serde(default)]
    pub periods: Vec<u32>,
    /// Explicit net prices of some offered periods (months, price), e.g. 24 months cheaper than
    /// twice 12; a period not listed is billed pro rata.
    #[serde(default)]
    pub prices: Vec<(u32, Money)>,
    /// Withdrawn from sale: the shop no longer offers it; services on it renew as before.
    #[serde(default)]
    pub hidden: bool,
}

/// "1 miesiąc", "3 miesiące", "12 miesięcy", "24 miesiące": Polish plural forms.
pub fn months_label(n: u32) -> String {
    let word = if n == 1 {
        "miesiąc"
    } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        "miesiące"
    } else {
        "miesięcy"
    };
    format!("{n} {word}")
}

/// Why a list of further periods does not fit a plan.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodsError {
    #[error("cannot read the period {0:?}: use whole months, e.g. 12,24,36")]
    Unreadable(String),
    #[error("a period must be 1 to {MAX_PERIOD_MONTHS} months, not {0}")]
    OutOfRange(u32),
    #[error("the period {period} is not a multiple of the plan's {base} months")]
    NotAMultiple { period: u32, base: u32 },
    #[error("cannot read the price {0:?}: use MONTHS=PRICE, e.g. 24=180,00")]
    UnreadablePrice(String),
}

/// Reads the operator's `24=180,00` (an explicit net price for a period) for a plan of `base`
/// months: the period must be valid and a multiple of `base`.
pub fn parse_period_price(base: u32, raw: &str) -> Result<(u32, Money), PeriodsError> {
    let unreadable = || PeriodsError::UnreadablePrice(raw.to_string());
    let (months, price) = raw.split_once('=').ok_or_else(unreadable)?;
    let months = parse_periods(base, months)?
        .first()
        .copied()
        .unwrap_or(base);
    let price = Money::parse(price.trim()).ok_or_else(unreadable)?;
    Ok((months, price))
}

/// Reads the operator's `12,24,36` for a plan of `base` months: every period valid and a
/// multiple of `base` (so its price is exact); the base itself may be listed or not.
pub fn parse_periods(base: u32, raw: &str) -> Result<Vec<u32>, PeriodsError> {
    let mut periods = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let months: u32 = part
            .parse()
            .map_err(|_| PeriodsError::Unreadable(part.to_string()))?;
        if !valid_period(months) {
            return Err(PeriodsError::OutOfRange(months));
        }
        if base == 0 || !months.is_multiple_of(base) {
            return Err(PeriodsError::NotAMultiple {
                period: months,
                base,
            });
        }
        if months != base {
            periods.push(months);
        }
    }
    periods.sort_unstable();
    periods.dedup();
    Ok(periods)
}

impl Plan {
    /// The plan's own period, e.g. "12 miesięcy".
    pub fn period_label(&self) -> String {
        months_label(self.period_months)
    }

    /// Every period a renewal may cover, shortest first: the plan's own period and the further
    /// ones that are its multiples. Empty for a plan whose own period is out of range.
    pub fn offered_periods(&self) -> Vec<u32> {
        if !valid_period(self.period_months) {
            return Vec::new();
        }
        let mut offered: Vec<u32> = std::iter::once(self.period_months)
            .chain(
                self.periods
                    .iter()
                    .copied()
                    .filter(|m| valid_period(*m) && m.is_multiple_of(self.period_months)),
            )
            .collect();
        offered.sort_unstable();
        offered.dedup();
        offered
    }

    pub fn offers(&self, months: u32) -> bool {
        self.offered_periods().contains(&months)
    }

    /// Net price of `months` per unit: `price_net × months / period_months`, exact because an
    /// offered period is a multiple of the plan's. `None` for a period the plan does not offer.
    pub fn price_for(&self, months: u32) -> Option<Money> {
        if !self.offers(months) {
            return None;
        }
        if let Some((_, price)) = self.prices.iter().find(|(m, _)| *m == months) {
            return Some(*price);
        }
        self.price_net.checked_times(months / self.period_months)
    }

    /// The period the service's next renewal covers: its own choice while the plan offers it,
    /// else the plan's period.
    pub fn renewal_months(&self, service: &Service) -> u32 {
        service
            .renewal_months
            .filter(|m| self.offers(*m))
            .unwrap_or(self.period_months)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub description: String,
    #[serde(default)]
    pub service_id: Option<u64>,
    pub quantity: u32,
    pub unit_net: Money,
    pub vat_percent: u32,
    #[serde(default)]
    pub period_months: u32,
}

impl Line {
    pub fn net(&self) -> Money {
        self.unit_net.times(self.quantity)
    }

    pub fn vat(&self) -> Money {
        self.net().vat(self.vat_percent)
    }

    pub fn gross(&self) -> Money {
        self.net() + self.vat()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentKind {
    Proforma,
    VatInvoice,
    /// Potwierdzenie wpłaty: a top-up of the prepaid balance was received (no sale yet, no VAT).
    PaymentConfirmation,
    /// A faktura korygująca: negative lines that correct (part of) a VAT invoice.
    CreditNote,
}

impl DocumentKind {
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Proforma => "Proforma",
            DocumentKind::VatInvoice => "Faktura VAT",
            DocumentKind::PaymentConfirmation => "Potwierdzenie wpłaty",
            DocumentKind::CreditNote => "Faktura korygująca",
        }
    }

    pub fn series_prefix(self) -> &'static str {
        match self {
            DocumentKind::Proforma => "PF",
            DocumentKind::VatInvoice => "FV",
            DocumentKind::PaymentConfirmation => "PW",
            DocumentKind::CreditNote => "FK",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentStatus {
    /// A proforma waiting for payment.
    Unpaid,
    /// A proforma that was paid; `invoice_id` names the VAT invoice it produced.
    Paid {
        paid_at: Timestamp,
        invoice_id: u64,
    },
    Cancelled,
    /// An accounting document (VAT invoice), final once issued.
    Issued,
}

/// The buyer as at the document's issue: later changes of Dane abonenta never rewrite it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Buyer {
    pub name: String,
    pub nip: Option<String>,
    pub address: Address,
}

impl Buyer {
    pub fn of(account: &Account) -> Buyer {
        Buyer {
            name: account.name.clone(),
            nip: account.nip.clone(),
            address: account.address.clone(),
        }
    }
}

/// One row of a document's summary by VAT rate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateTotals {
    /// VAT rate in percent.
    pub rate: u32,
    pub net: Money,
    pub vat: Money,
    pub gross: Money,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Document {
    pub id: u64,
    pub account_id: u64,
    pub kind: DocumentKind,
    pub number: String,
    pub issued_at: Timestamp,
    /// Payment due date (proformas only).
    #[serde(default)]
    pub due_on: Option<Date>,
    pub buyer: Buyer,
    pub lines: Vec<Line>,
    pub status: DocumentStatus,
    /// The service this proforma renews, if it is a renewal.
    #[serde(default)]
    pub renews_service: Option<u64>,
    /// For an invoice: the proforma it settles.
    #[serde(default)]
    pub proforma_id: Option<u64>,
    /// A top-up proforma (Doładuj saldo): its payment goes to the prepaid balance and is
    /// confirmed by a payment confirmation instead of a VAT invoice.
    #[serde(default)]
    pub top_up: bool,
    /// For a credit note: the VAT invoice it corrects.
    #[serde(default)]
    pub corrects: Option<u64>,
    /// For a credit note: why it was issued, as the operator gave it.
    #[serde(default)]
    pub reason: Option<String>,
    /// For a credit note refunded by transfer: the operator still has to send the money back.
    #[serde(default)]
    pub refund_due: bool,
    /// For a credit note refunded by transfer: when the transfer back was recorded.
    #[serde(default)]
    pub refunded: Option<Refunded>,
}

/// The transfer that sent a credit note's amount back to the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refunded {
    pub at: Timestamp,
    /// The bank's reference of the transfer back, if the operator gave one.
    #[serde(default)]
    pub reference: Option<String>,
}

impl Document {
    pub fn total_net(&self) -> Money {
        self.lines.iter().map(Line::net).sum()
    }

    pub fn total_vat(&self) -> Money {
        self.lines.iter().map(Line::vat).sum()
    }

    pub fn total_gross(&self) -> Money {
        self.lines.iter().map(Line::gross).sum()
    }

    /// Net, VAT and gross per VAT rate, lowest rate first. Each line's VAT is rounded on its own
    /// and the rounded amounts are summed, the same as `total_vat`, so the rows add up to it.
    pub fn totals_by_rate(&self) -> Vec<RateTotals> {
        let mut totals: Vec<RateTotals> = Vec::new();
        for line in &self.lines {
            let row = match totals.iter_mut().find(|t| t.rate == line.vat_percent) {
                Some(row) => row,
                None => {
                    totals.push(RateTotals {
                        rate: line.vat_percent,
                        ..RateTotals::default()
                    });
                    let last = totals.len() - 1;
                    &mut totals[last]
                }
            };
            row.net += line.net();
            row.vat += line.vat();
            row.gross += line.gross();
        }
        totals.sort_by_key(|t| t.rate);
        totals
    }

    pub fn is_unpaid(&self) -> bool {
        self.status == DocumentStatus::Unpaid
    }

    pub fn is_overdue(&self, today: Date) -> bool {
        self.is_unpaid() && self.due_on.is_some_and(|due| due < today)
    }

    pub fn status_label(&self, today: Date) -> &'static str {
        match self.status {
            DocumentStatus::Unpaid if self.is_overdue(today) => "Po terminie",
            DocumentStatus::Unpaid => "Do zapłaty",
            DocumentStatus::Paid { .. } => "Opłacona",
            DocumentStatus::Cancelled => "Anulowana",
            // A VAT invoice is issued for a payment received: to the customer, it is paid.
            DocumentStatus::Issued if self.kind == DocumentKind::VatInvoice => "Opłacona",
            // It confirms money received.
            DocumentStatus::Issued if self.kind == DocumentKind::PaymentConfirmation => "Opłacona",
            DocumentStatus::Issued => "Wystawiona",
        }
    }
}

/// The series a document's number belongs to, e.g. `FV/2026/11`: numbering restarts each month.
pub fn series(kind: DocumentKind, today: Date) -> String {
    format!(
        "{}/{:04}/{:02}",
        kind.series_prefix(),
        today.year(),
        today.month()
    )
}

pub fn number_in_series(series: &str, sequence: u64) -> String {
    format!("{series}/{sequence:04}")
}

/// The renewal line of a service for `months` (see `Plan::renewal_months`): price and period
/// always come from the plan, never from a form. `None` when the plan does not offer `months`
/// (e.g. a plan stored before periods were checked, whose own period is out of range).
pub fn renewal_line(service: &Service, plan: &Plan, months: u32) -> Option<Line> {
    let unit_net = plan.price_for(months)?;
    let until = checked_add_months(service.expires_on, months)?;
    Some(Line {
        description: format!(
            "Odnowienie: {} {} ({}), do {}",
            service.kind.label(),
            service.name,
            plan.name,
            format_date(until)
        ),
        service_id: Some(service.id),
        quantity: quantity_of(service),
        unit_net,
        vat_percent: plan.vat_percent,
        period_months: months,
    })
}

fn quantity_of(service: &Service) -> u32 {
    match service.details {
        super::ServiceDetails::OpenXchange { licences, .. } => licences.max(1),
        _ => 1,
    }
}

/// A renewal is due by the day the service expires, or a payment term from today if that is sooner
/// than a payment term away (an already expired service).
pub fn renewal_due_on(service: &Service, today: Date) -> Date {
    let term = add_days(today, PAYMENT_TERM_DAYS);
    if service.expires_on >= today {
        service.expires_on.min(term).max(today)
    } else {
        term
    }
}

/// The new expiry after a paid renewal: the period is added to the old expiry date, so paying early
/// loses nothing and paying late does not stretch the paid period. `None` past the calendar.
pub fn extended_expiry(service: &Service, line: &Line) -> Option<Date> {
    checked_add_months(service.expires_on, line.period_months)
}

#[cfg(test)]
impl Document {
    /// An unpaid renewal (or, without `renews`, order) proforma of 49,00 zł net for account 1:
    /// the fixture of the domain's unit tests.
    pub(crate) fn unpaid_proforma_for_tests(
        id: u64,
        renews: Option<u64>,
        due_on: Date,
    ) -> Document {
        Document {
            id,
            account_id: 1,
            kind: DocumentKind::Proforma,
            number: format!("PF/2026/11/{id:04}"),
            issued_at: Timestamp::UNIX_EPOCH,
            due_on: Some(due_on),
            buyer: Buyer {
                name: "Firma".into(),
                nip: None,
                address: Default::default(),
            },
            lines: vec![Line {
                description: "Odnowienie: Domena .pl a.pl".into(),
                service_id: renews,
                quantity: 1,
                unit_net: Money(4900),
                vat_percent: 23,
                period_months: 12,
            }],
            status: DocumentStatus::Unpaid,
            renews_service: renews,
            proforma_id: None,
            top_up: false,
            corrects: None,
            reason: None,
            refund_due: false,
            refunded: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_named_with_the_polish_plural() {
        let label = |months| {
            Plan {
                id: 1,
                kind: ServiceKind::Domain,
                name: String::new(),
                price_net: Money::ZERO,
                vat_percent: 23,
                period_months: months,
                periods: vec![],
                prices: vec![],
                hidden: false,
            }
            .period_label()
        };
        assert_eq!(label(1), "1 miesiąc");
        assert_eq!(label(3), "3 miesiące");
        assert_eq!(label(5), "5 miesięcy");
        assert_eq!(label(12), "12 miesięcy");
        assert_eq!(label(13), "13 miesięcy");
        assert_eq!(label(24), "24 miesiące");
        assert_eq!(label(36), "36 miesięcy");
        assert_eq!(label(112), "112 miesięcy");
    }

    fn line(unit: i64, quantity: u32) -> Line {
        Line {
            description: "x".into(),
            service_id: None,
            quantity,
            unit_net: Money(unit),
            vat_percent: 23,
            period_months: 12,
        }
    }

    fn document(kind: DocumentKind, status: DocumentStatus, due_on: Date) -> Document {
        Document {
            kind,
            status,
            ..Document::unpaid_proforma_for_tests(1, None, due_on)
        }
    }

    #[test]
    fn a_document_says_what_it_is_and_where_it_stands() {
        let due = jiff::civil::date(2026, 11, 20);
        let next_day = jiff::civil::date(2026, 11, 21);
        let proforma = document(DocumentKind::Proforma, DocumentStatus::Unpaid, due);
        assert_eq!(DocumentKind::Proforma.label(), "Proforma");
        assert_eq!(DocumentKind::VatInvoice.label(), "Faktura VAT");
        assert!(!proforma.is_overdue(due), "due today is not late yet");
        assert!(proforma.is_overdue(next_day));
        assert_eq!(proforma.status_label(due), "Do zapłaty");
        assert_eq!(proforma.status_label(next_day), "Po terminie");
        let paid = DocumentStatus::Paid {
            paid_at: Timestamp::UNIX_EPOCH,
            invoice_id: 2,
        };
        let paid = document(DocumentKind::Proforma, paid, due);
        assert!(!paid.is_overdue(next_day), "a paid proforma is never late");
        assert_eq!(paid.status_label(next_day), "Opłacona");
        let invoice = document(DocumentKind::VatInvoice, DocumentStatus::Issued, due);
        assert_eq!(invoice.status_label(next_day), "Opłacona");
        let other = document(DocumentKind::Proforma, DocumentStatus::Issued, due);
        assert_eq!(other.status_label(next_day), "Wystawiona");
        let cancelled = document(DocumentKind::Proforma, DocumentStatus::Cancelled, due);
        assert_eq!(cancelled.status_label(next_day), "Anulowana");
        let credit_note = document(DocumentKind::CreditNote, DocumentStatus::Issued, due);
        assert_eq!(DocumentKind::CreditNote.label(), "Faktura korygująca");
        assert_eq!(credit_note.status_label(next_day), "Wystawiona");
    }

    #[test]
    fn totals_round_each_line_then_sum() {
        let doc_lines = [line(50, 1), line(50, 1)];
        let vat: Money = doc_lines.iter().map(Line::vat).sum();
        // 11.5 gr rounds to 12 gr per line: 24 gr, not round(23) on the sum.
        assert_eq!(vat, Money(24));
        assert_eq!(line(900, 5).gross(), Money(5535));
    }

    fn document_with(lines: Vec<Line>) -> Document {
        Document {
            lines,
            ..Document::unpaid_proforma_for_tests(1, None, jiff::civil::date(2026, 11, 20))
        }
    }

    fn at_rate(unit: i64, quantity: u32, vat_percent: u32) -> Line {
        Line {
            vat_percent,
            ..line(unit, quantity)
        }
    }

    fn rate_row(rate: u32, net: i64, vat: i64, gross: i64) -> RateTotals {
        RateTotals {
            rate,
            net: Money(net),
            vat: Money(vat),
            gross: Money(gross),
        }
    }

    #[test]
    fn one_grosz_carries_no_vat() {
        // 0,01 zł × 23 % = 0,23 gr, rounded to 0.
        let doc = document_with(vec![line(1, 1)]);
        assert_eq!(doc.totals_by_rate(), vec![rate_row(23, 1, 0, 1)]);
        assert_eq!(doc.total_gross(), Money(1));
    }

    #[test]
    fn vat_is_rounded_per_line_not_per_unit() {
        // One line of 3 × 33,33 zł: net 99,99 zł, VAT 22,9977 zł → 23,00 zł.
        let one_line = document_with(vec![line(3333, 3)]);
        assert_eq!(
            one_line.totals_by_rate(),
            vec![rate_row(23, 9999, 2300, 12299)]
        );
        // Three lines of 33,33 zł: VAT 7,6659 zł → 7,67 zł each, 23,01 zł in all.
        let three_lines = document_with(vec![line(3333, 1), line(3333, 1), line(3333, 1)]);
        assert_eq!(
            three_lines.totals_by_rate(),
            vec![rate_row(23, 9999, 2301, 12300)]
        );
        assert_eq!(three_lines.total_vat(), Money(2301));
    }

    #[test]
    fn each_vat_rate_has_its_own_row_and_the_rows_add_up() {
        let doc = document_with(vec![
            at_rate(4900, 1, 23), // 49,00 + 11,27 = 60,27
            at_rate(10000, 1, 0), // 100,00 + 0,00
            at_rate(4999, 1, 8),  // 49,99 + 3,9992 → 4,00 = 53,99
            at_rate(1050, 2, 23), // 21,00 + 4,83 = 25,83
        ]);
        let rows = doc.totals_by_rate();
        assert_eq!(
            rows,
            vec![
                rate_row(0, 10000, 0, 10000),
                rate_row(8, 4999, 400, 5399),
                rate_row(23, 7000, 1610, 8610),
            ]
        );
        let sum = |f: fn(&RateTotals) -> Money| rows.iter().map(f).sum::<Money>();
        assert_eq!(sum(|r| r.net), doc.total_net());
        assert_eq!(sum(|r| r.vat), doc.total_vat());
        assert_eq!(sum(|r| r.gross), doc.total_gross());
        assert_eq!(doc.total_gross(), Money(24009));
    }

    #[test]
    fn plan_periods_are_one_month_to_ten_years() {
        assert!(!valid_period(0));
        assert!(valid_period(1));
        assert!(valid_period(MAX_PERIOD_MONTHS));
        assert!(!valid_period(MAX_PERIOD_MONTHS + 1));
    }

    #[test]
    fn an_absurd_period_gives_no_renewal_line_and_no_expiry() {
        let service = Service::live_domain_for_tests(7, jiff::civil::date(2026, 1, 31));
        let mut plan = Plan {
            id: 1,
            kind: ServiceKind::Domain,
            name: "Domena".into(),
            price_net: Money(4900),
            vat_percent: 23,
            period_months: 12,
            periods: vec![],
            prices: vec![],
            hidden: false,
        };
        let Some(renewal) = renewal_line(&service, &plan, 12) else {
            unreachable!("a 12-month plan renews")
        };
        assert!(renewal.description.ends_with("do 31.01.2027"));
        assert_eq!(
            extended_expiry(&service, &renewal),
            Some(jiff::civil::date(2027, 1, 31))
        );
        plan.period_months = 300_000;
        assert!(renewal_line(&service, &plan, 300_000).is_none());
        plan.period_months = 0;
        assert!(renewal_line(&service, &plan, 0).is_none());
        assert_eq!(
            extended_expiry(&service, &line(1, 1)),
            Some(jiff::civil::date(2027, 1, 31))
        );
        let stored = Line {
            period_months: 300_000,
            ..line(1, 1)
        };
        assert_eq!(extended_expiry(&service, &stored), None);
    }

    fn service_expiring(expires_on: Date, details: crate::domain::ServiceDetails) -> Service {
        Service {
            details,
            ..Service::live_domain_for_tests(7, expires_on)
        }
    }

    #[test]
    fn a_renewal_is_due_by_expiry_or_within_the_payment_term() {
        let today = jiff::civil::date(2026, 11, 20);
        let none = || crate::domain::ServiceDetails::None;
        let soon = service_expiring(add_days(today, 3), none());
        assert_eq!(renewal_due_on(&soon, today), add_days(today, 3));
        let on_the_day = service_expiring(today, none());
        assert_eq!(renewal_due_on(&on_the_day, today), today);
        let later = service_expiring(add_days(today, 60), none());
        assert_eq!(
            renewal_due_on(&later, today),
            add_days(today, PAYMENT_TERM_DAYS)
        );
        let expired = service_expiring(add_days(today, -2), none());
        assert_eq!(
            renewal_due_on(&expired, today),
            add_days(today, PAYMENT_TERM_DAYS)
        );
    }

    #[test]
    fn open_xchange_renews_every_licence() {
        let plan = Plan {
            id: 1,
            kind: ServiceKind::OpenXchange,
            name: "OX".into(),
            price_net: Money(1000),
            vat_percent: 23,
            period_months: 12,
            periods: vec![],
            prices: vec![],
            hidden: false,
        };
        let today = jiff::civil::date(2026, 11, 20);
        let five = crate::domain::ServiceDetails::OpenXchange {
            licences: 5,
            holders: vec![],
        };
        let quantity = |details| {
            renewal_line(&service_expiring(today, details), &plan, 12).map(|l| l.quantity)
        };
        assert_eq!(quantity(five), Some(5));
        let zero = crate::domain::ServiceDetails::OpenXchange {
            licences: 0,
            holders: vec![],
        };
        assert_eq!(quantity(zero), Some(1));
        assert_eq!(quantity(crate::domain::ServiceDetails::None), Some(1));
    }

    fn domain_plan(periods: Vec<u32>) -> Plan {
        Plan {
            id: 1,
            kind: ServiceKind::Domain,
            name: "Domena .pl".into(),
            price_net: Money(4999),
            vat_percent: 23,
            period_months: 12,
            periods,
            prices: vec![],
            hidden: false,
        }
    }

    #[test]
    fn a_plan_offers_its_own_period_and_its_valid_multiples_sorted() {
        assert_eq!(domain_plan(vec![]).offered_periods(), vec![12]);
        assert_eq!(
            domain_plan(vec![36, 24, 12, 24]).offered_periods(),
            vec![12, 24, 36]
        );
        // A stored list is filtered too: not a multiple, out of range, zero.
        assert_eq!(
            domain_plan(vec![18, 0, 240, 120]).offered_periods(),
            vec![12, 120]
        );
        let broken = Plan {
            period_months: 0,
            ..domain_plan(vec![24])
        };
        assert!(broken.offered_periods().is_empty());
    }

    #[test]
    fn a_longer_period_costs_its_multiple_of_the_plan_price_exactly() {
        let plan = domain_plan(vec![24, 36]);
        assert_eq!(plan.price_for(12), Some(Money(4999)));
        assert_eq!(plan.price_for(24), Some(Money(9998)));
        assert_eq!(plan.price_for(36), Some(Money(14997)));
        assert_eq!(plan.price_for(6), None);
        assert_eq!(plan.price_for(48), None);
        let monthly = Plan {
            period_months: 1,
            price_net: Money(5900),
            ..domain_plan(vec![3, 12])
        };
        assert_eq!(monthly.price_for(3), Some(Money(17700)));
        assert_eq!(monthly.price_for(12), Some(Money(70800)));
    }

    #[test]
    fn a_renewal_covers_the_chosen_period_while_the_plan_offers_it() {
        let plan = domain_plan(vec![24, 36]);
        let mut service = Service::live_domain_for_tests(7, jiff::civil::date(2026, 12, 10));
        assert_eq!(
            plan.renewal_months(&service),
            12,
            "no choice: the plan's period"
        );
        service.renewal_months = Some(24);
        assert_eq!(plan.renewal_months(&service), 24);
        let Some(line) = renewal_line(&service, &plan, 24) else {
            unreachable!("24 months are offered")
        };
        assert_eq!(line.unit_net, Money(9998));
        assert_eq!(line.period_months, 24);
        assert!(
            line.description.ends_with("do 10.12.2028"),
            "{}",
            line.description
        );
        assert_eq!(
            extended_expiry(&service, &line),
            Some(jiff::civil::date(2028, 12, 10))
        );
        assert!(renewal_line(&service, &plan, 48).is_none());
        // The plan stopped offering the choice: back to the plan's period.
        let shorter = domain_plan(vec![36]);
        assert_eq!(shorter.renewal_months(&service), 12);
    }

    #[test]
    fn periods_are_labelled_in_polish() {
        assert_eq!(months_label(24), "24 miesiące");
        assert_eq!(months_label(36), "36 miesięcy");
        assert_eq!(months_label(22), "22 miesiące");
        assert_eq!(months_label(1), "1 miesiąc");
    }

    #[test]
    fn the_operators_periods_must_be_multiples_of_the_plan_period() {
        assert_eq!(parse_periods(12, "12,24, 36"), Ok(vec![24, 36]));
        assert_eq!(parse_periods(12, "36,24,24"), Ok(vec![24, 36]));
        assert_eq!(parse_periods(12, ""), Ok(vec![]));
        assert_eq!(
            parse_periods(12, "18"),
            Err(PeriodsError::NotAMultiple {
                period: 18,
                base: 12
            })
        );
        assert_eq!(parse_periods(12, "132"), Err(PeriodsError::OutOfRange(132)));
        assert_eq!(
            parse_periods(12, "dwa"),
            Err(PeriodsError::Unreadable("dwa".into()))
        );
    }

    #[test]
    fn an_explicit_price_of_a_period_replaces_the_pro_rata_one() {
        let plan = Plan {
            prices: vec![(24, Money(8000))],
            ..domain_plan(vec![24, 36])
        };
        assert_eq!(plan.price_for(12), Some(Money(4999)));
        assert_eq!(plan.price_for(24), Some(Money(8000)));
        assert_eq!(plan.price_for(36), Some(Money(14997)));
        assert_eq!(parse_period_price(12, "24=80,00"), Ok((24, Money(8000))));
        assert_eq!(parse_period_price(12, "12=40"), Ok((12, Money(4000))));
        assert!(parse_period_price(12, "18=80,00").is_err());
        assert!(parse_period_price(12, "24").is_err());
        assert!(parse_period_price(12, "24=dużo").is_err());
    }

    #[test]
    fn document_numbers_restart_each_month() {
        let s = series(DocumentKind::VatInvoice, jiff::civil::date(2026, 11, 25));
        assert_eq!(number_in_series(&s, 1), "FV/2026/11/0001");
        let s = series(DocumentKind::CreditNote, jiff::civil::date(2026, 11, 25));
        assert_eq!(number_in_series(&s, 2), "FK/2026/11/0002");
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Payment {
    pub id: u64,
    pub account_id: u64,
    pub document_id: u64,
    pub amount: Money,
    pub received_at: Timestamp,
    /// The bank's reference of the transfer, if the operator gave one.
    #[serde(default)]
    pub reference: Option<String>,
}
