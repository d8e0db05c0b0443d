//! Doładuj saldo: the amount a customer may top the prepaid balance up with, and the line of its
//! proforma. A prepayment is not a sale yet: the line carries 0 % and the VAT invoice comes when the
//! balance pays for a service.

use super::Money;
use super::billing::Line;

/// The most one top-up proforma may ask for: 100 000,00 zł.
pub const MAX_TOP_UP: Money = Money(10_000_000);

pub const TOP_UP_DESCRIPTION: &str = "Doładowanie salda";

/// A customer's top-up amount: a positive number of złoty with at most two decimals, up to
/// `MAX_TOP_UP`. The error is the Polish message shown next to the field.
pub fn parse_top_up(input: &str) -> Result<Money, String> {
    if input.trim().is_empty() {
        return Err("Podaj kwotę doładowania, np. 100 lub 250,50.".into());
    }
    let Some(amount) = Money::parse(input) else {
        return Err(
            "Podaj kwotę w złotych, z najwyżej dwoma miejscami po przecinku, np. 250,50.".into(),
        );
    };
    if amount <= Money::ZERO {
        return Err("Kwota doładowania musi być większa od zera.".into());
    }
    if amount > MAX_TOP_UP {
        return Err(format!(
            "Jednorazowo można doładować saldo najwyżej o {MAX_TOP_UP}."
        ));
    }
    Ok(amount)
}

/// The one line of a top-up proforma (and of its payment confirmation, with the amount received).
pub fn top_up_line(amount: Money) -> Line {
    Line {
        description: TOP_UP_DESCRIPTION.into(),
        service_id: None,
        quantity: 1,
        unit_net: amount,
        vat_percent: 0,
        period_months: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_top_up_is_a_positive_amount_in_zloty_with_at_most_two_decimals() {
        assert_eq!(parse_top_up("100"), Ok(Money(10_000)));
        assert_eq!(parse_top_up("250,50"), Ok(Money(25_050)));
        assert_eq!(parse_top_up(" 1 000,5 zł "), Ok(Money(100_050)));
        assert_eq!(parse_top_up("0,01"), Ok(Money(1)));
        assert_eq!(parse_top_up("100 000,00"), Ok(MAX_TOP_UP));
    }

    #[test]
    fn bad_top_up_amounts_are_refused_in_polish() {
        for input in [
            "12,345",
            "0",
            "0,00",
            "-5",
            "abc",
            "",
            "   ",
            "100 000,01",
            "1e3",
        ] {
            let Err(error) = parse_top_up(input) else {
                unreachable!("{input:?} was accepted")
            };
            assert!(
                error.starts_with("Podaj")
                    || error.starts_with("Kwota")
                    || error.starts_with("Jednorazowo"),
                "{input}: {error}"
            );
        }
        assert!(parse_top_up("100 000,01").is_err_and(|e| e.contains("100 000,00 zł")));
    }

    #[test]
    fn a_top_up_line_carries_no_vat() {
        let line = top_up_line(Money(12_345));
        assert_eq!(line.gross(), Money(12_345));
        assert_eq!(line.vat(), Money::ZERO);
    }
}
