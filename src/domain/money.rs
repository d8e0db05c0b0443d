//! Money in integer grosze: never floats. Amounts come in through `parse` (at most `Money::MAX`);
//! arithmetic never wraps: `checked_*` where a result is stored (balances), saturating where the
//! bound is provable (a line is at most `u32::MAX` × `MAX` ≈ 4.3 × 10¹⁹ gr, past `i64` only for
//! absurd quantities, and then it stops at `i64::MAX` instead of turning negative).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);
    /// The largest amount an operator may enter: 100 000 000,00 zł.
    pub const MAX: Money = Money(10_000_000_000);

    pub fn zl(zloty: i64) -> Money {
        Money(zloty.saturating_mul(100))
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn checked_times(self, quantity: u32) -> Option<Money> {
        self.0.checked_mul(i64::from(quantity)).map(Money)
    }

    /// VAT of a net amount at `rate_percent`, rounded half away from zero to the grosz
    /// (Polish rounding is per line; the caller sums the rounded lines).
    pub fn vat(self, rate_percent: u32) -> Money {
        let scaled = self.0 as i128 * rate_percent as i128;
        let rounded = if scaled >= 0 {
            (scaled + 50) / 100
        } else {
            (scaled - 50) / 100
        };
        // Saturates beyond the range of `Money` (only absurd rates can get there).
        Money(rounded.clamp(i64::MIN.into(), i64::MAX.into()) as i64)
    }

    pub fn times(self, quantity: u32) -> Money {
        Money(self.0.saturating_mul(i64::from(quantity)))
    }

    /// Parses an operator's amount: `123`, `123,45`, `123.45`, `1 234,50`, optionally followed by `zł`;
    /// nothing above `Money::MAX`.
    pub fn parse(input: &str) -> Option<Money> {
        let cleaned: String = input
            .trim()
            .trim_end_matches("zł")
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .collect();
        let (whole, fraction) = match cleaned.split_once([',', '.']) {
            Some((w, f)) => (w, f),
            None => (cleaned.as_str(), ""),
        };
        if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || fraction.len() > 2 {
            return None;
        }
        if !fraction.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let fraction: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().ok()? * 10,
            _ => fraction.parse().ok()?,
        };
        let amount = whole.checked_mul(100)?.checked_add(fraction).map(Money)?;
        (amount <= Money::MAX).then_some(amount)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        *self = *self + other;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// Formats as the UI shows amounts: `1 234,56 zł`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let digits = (abs / 100).to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(' ');
            }
            grouped.push(c);
        }
        write!(f, "{sign}{grouped},{:02} zł", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_shown_the_polish_way() {
        assert_eq!(Money(123456).to_string(), "1 234,56 zł");
        assert_eq!(Money(5).to_string(), "0,05 zł");
        assert_eq!(Money::ZERO.to_string(), "0,00 zł");
        assert_eq!(Money(100_000_000).to_string(), "1 000 000,00 zł");
        assert_eq!(Money(-1999).to_string(), "-19,99 zł");
    }

    #[test]
    fn vat_is_rounded_half_up_per_line() {
        assert_eq!(Money(4900).vat(23), Money(1127));
        assert_eq!(Money(50).vat(23), Money(12)); // 11.5 → 12
        assert_eq!(Money(10).vat(5), Money(1)); // 0.5 → 1
    }

    #[test]
    fn operator_amounts_parse_in_both_notations() {
        assert_eq!(Money::parse("1 234,5 zł"), Some(Money(123450)));
        assert_eq!(Money::parse("60.27"), Some(Money(6027)));
        assert_eq!(Money::parse("12"), Some(Money(1200)));
        assert_eq!(Money::parse("12,345"), None);
        assert_eq!(Money::parse("abc"), None);
        assert_eq!(Money::parse(""), None);
    }

    #[test]
    fn signs_are_refused_operators_enter_what_was_received() {
        assert_eq!(Money::parse("-5,00"), None);
        assert_eq!(Money::parse("+5"), None);
        assert_eq!(Money::parse(",50"), None);
    }

    #[test]
    fn vat_of_a_negative_line_rounds_away_from_zero_too() {
        assert_eq!(Money(-4900).vat(23), Money(-1127));
        assert_eq!(Money(-50).vat(23), Money(-12)); // -11.5 → -12
        assert_eq!(Money(-49).vat(23), Money(-11)); // -11.27 → -11
    }

    #[test]
    fn vat_beyond_the_range_of_money_saturates_with_its_sign() {
        assert_eq!(Money(i64::MAX).vat(200), Money(i64::MAX));
        assert_eq!(Money(i64::MIN).vat(200), Money(i64::MIN));
    }

    #[test]
    fn amounts_above_the_maximum_are_refused() {
        assert_eq!(Money::parse("100 000 000,00"), Some(Money::MAX));
        assert_eq!(Money::parse("100 000 000,01"), None);
        assert_eq!(Money::parse("92233720368547758,07"), None);
        assert_eq!(Money::parse("999999999999999999999"), None);
    }

    #[test]
    fn arithmetic_never_wraps() {
        let top = Money(i64::MAX);
        assert_eq!(top.checked_add(Money(1)), None);
        assert_eq!(Money(i64::MIN).checked_sub(Money(1)), None);
        assert_eq!(Money::MAX.checked_times(u32::MAX), None);
        assert_eq!(Money(3).checked_times(4), Some(Money(12)));
        assert_eq!(Money(5).checked_add(Money(7)), Some(Money(12)));
        assert_eq!(Money(5).checked_sub(Money(7)), Some(Money(-2)));
        assert_eq!(top + Money(1), top);
        assert_eq!(Money(i64::MIN) - Money(1), Money(i64::MIN));
        assert_eq!(Money::MAX.times(u32::MAX), top);
        assert_eq!(Money(2).times(3), Money(6));
        assert_eq!(Money(7) - Money(2), Money(5));
        let mut sum = Money(1);
        sum += Money(2);
        assert_eq!(sum, Money(3));
        assert_eq!(top.vat(100), top);
        assert_eq!(Money(i64::MIN).vat(100), Money(i64::MIN));
        assert_eq!(Money::zl(i64::MAX), top);
        assert_eq!(Money::zl(2), Money(200));
    }
}
