//! Dates as the UI shows them: `25.11.2026`, in Europe/Warsaw; stored as UTC timestamps.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

static WARSAW: std::sync::LazyLock<TimeZone> =
    std::sync::LazyLock::new(|| jiff::tz::db().get("Europe/Warsaw").unwrap_or(TimeZone::UTC));

/// Looked up once: every date on every page goes through it.
pub fn warsaw() -> TimeZone {
    WARSAW.clone()
}

/// The calendar day in Warsaw at the instant `now`.
pub fn today(now: Timestamp) -> Date {
    now.to_zoned(warsaw()).date()
}

pub fn format_date(date: Date) -> String {
    date.strftime("%d.%m.%Y").to_string()
}

pub fn format_timestamp(at: Timestamp) -> String {
    at.to_zoned(warsaw()).strftime("%d.%m.%Y %H:%M").to_string()
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    to.since(from)
        .map(|span| span.get_days() as i64)
        .unwrap_or(0)
}

pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(Span::new().days(days)).unwrap_or(date)
}

pub fn add_months(date: Date, months: u32) -> Date {
    checked_add_months(date, months).unwrap_or(date)
}

/// `None` past the calendar's range: `Span::months` itself panics on a period that large.
pub fn checked_add_months(date: Date, months: u32) -> Option<Date> {
    let span = Span::new().try_months(i64::from(months)).ok()?;
    date.checked_add(span).ok()
}

/// Polish plural of "dzień": 1 dzień, 2 dni, 5 dni.
pub fn days_word(days: i64) -> &'static str {
    if days.abs() == 1 { "dzień" } else { "dni" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_shown_day_first() {
        assert_eq!(format_date(jiff::civil::date(2026, 11, 5)), "05.11.2026");
    }

    #[test]
    fn warsaw_day_differs_from_utc_around_midnight() {
        let late_utc: Timestamp = "2026-11-24T23:30:00Z".parse().unwrap_or_default();
        assert_eq!(today(late_utc), jiff::civil::date(2026, 11, 25));
        assert_eq!(format_timestamp(late_utc), "25.11.2026 00:30");
    }

    #[test]
    fn months_are_added_on_the_calendar() {
        assert_eq!(
            add_months(jiff::civil::date(2026, 1, 31), 1),
            jiff::civil::date(2026, 2, 28)
        );
        assert_eq!(
            checked_add_months(jiff::civil::date(2026, 1, 31), 120),
            Some(jiff::civil::date(2036, 1, 31))
        );
        assert_eq!(
            checked_add_months(jiff::civil::date(2026, 1, 31), 300_000),
            None
        );
        assert_eq!(checked_add_months(jiff::civil::date(9999, 1, 31), 12), None);
        assert_eq!(
            days_between(
                jiff::civil::date(2026, 11, 25),
                jiff::civil::date(2026, 11, 30)
            ),
            5
        );
    }
}
