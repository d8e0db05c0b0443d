//! Credit notes (faktura korygująca): which lines correct a VAT invoice, wholly or in part.
//!
//! A full credit note negates every line of the invoice. A partial one credits a gross amount,
//! split across the invoice's VAT rates in proportion to what is left of each; each part's net is
//! gross × 100 / (100 + rate) rounded to the grosz and its VAT is the rest, so the credited gross
//! is exactly the amount asked.

use super::Money;
use super::billing::{Document, DocumentKind, Line};
use std::collections::BTreeMap;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreditError {
    #[error("only a VAT invoice can be corrected by a credit note")]
    NotAnInvoice,
    #[error("the amount must be positive (at most {left} is left to credit)")]
    NotPositive { left: Money },
    #[error("that is more than is left to credit: {left}")]
    TooMuch { left: Money },
    #[error("{amount} at {rate}% VAT cannot be written as invoice lines")]
    Unrepresentable { amount: Money, rate: u32 },
}

/// The credit notes among `documents` that correct `invoice`.
fn corrections<'a>(
    invoice: &'a Document,
    documents: &'a [Document],
) -> impl Iterator<Item = &'a Document> {
    documents
        .iter()
        .filter(move |d| d.kind == DocumentKind::CreditNote && d.corrects == Some(invoice.id))
}

/// What is left to credit of `invoice`: its gross less the gross its credit notes (among
/// `documents`) already took back.
pub fn left_to_credit(invoice: &Document, documents: &[Document]) -> Money {
    corrections(invoice, documents)
        .map(Document::total_gross)
        .fold(invoice.total_gross(), |left, credited| left + credited)
}

/// The lines of a credit note for `invoice`: every line negated when `amount` is `None` and nothing
/// was credited before, else `amount` (or, when `None`, all that is left) split across the VAT rates.
pub fn credit_lines(
    invoice: &Document,
    documents: &[Document],
    amount: Option<Money>,
) -> Result<Vec<Line>, CreditError> {
    if invoice.kind != DocumentKind::VatInvoice {
        return Err(CreditError::NotAnInvoice);
    }
    let left = left_to_credit(invoice, documents);
    let first = corrections(invoice, documents).next().is_none();
    match amount {
        None if left <= Money::ZERO => Err(CreditError::TooMuch { left }),
        None if first => Ok(invoice
            .lines
            .iter()
            .map(|line| negated(&invoice.number, line))
            .collect()),
        None => partial_lines(invoice, documents, left),
        Some(amount) if amount <= Money::ZERO => Err(CreditError::NotPositive { left }),
        Some(amount) if amount > left => Err(CreditError::TooMuch { left }),
        Some(amount) => partial_lines(invoice, documents, amount),
    }
}

fn negated(invoice_number: &str, line: &Line) -> Line {
    Line {
        description: format!("Korekta faktury {invoice_number}: {}", line.description),
        unit_net: Money(-line.unit_net.0),
        ..line.clone()
    }
}

fn partial_lines(
    invoice: &Document,
    documents: &[Document],
    amount: Money,
) -> Result<Vec<Line>, CreditError> {
    let mut left_per_rate: BTreeMap<u32, i64> = BTreeMap::new();
    let lines = invoice
        .lines
        .iter()
        .chain(corrections(invoice, documents).flat_map(|d| d.lines.iter()));
    for line in lines {
        *left_per_rate.entry(line.vat_percent).or_default() += line.gross().0;
    }
    let mut credited = Vec::new();
    for (rate, gross) in split_by_rate(amount.0, &left_per_rate) {
        let nets = nets_for_gross(gross, rate).ok_or(CreditError::Unrepresentable {
            amount: Money(gross),
            rate,
        })?;
        credited.extend(nets.into_iter().map(|net| Line {
            description: format!(
                "Korekta faktury {}: zwrot części należności (VAT {rate}%)",
                invoice.number
            ),
            service_id: None,
            quantity: 1,
            unit_net: Money(-net),
            vat_percent: rate,
            period_months: 0,
        }));
    }
    Ok(credited)
}

/// Splits `amount` grosze across the rates in proportion to what is left at each (rates with
/// nothing left get nothing); the grosze the rounding down leaves go to the largest remainders, so
/// the parts add up to `amount` exactly.
fn split_by_rate(amount: i64, left_per_rate: &BTreeMap<u32, i64>) -> Vec<(u32, i64)> {
    let positive: Vec<(u32, i128)> = left_per_rate
        .iter()
        .filter(|(_, left)| **left > 0)
        .map(|(rate, left)| (*rate, i128::from(*left)))
        .collect();
    let total: i128 = positive.iter().map(|(_, left)| left).sum();
    if total == 0 {
        return Vec::new();
    }
    let amount = i128::from(amount);
    let mut parts: Vec<(u32, i128, i128)> = positive
        .iter()
        .map(|(rate, left)| (*rate, amount * left / total, amount * left % total))
        .collect();
    let mut short = amount - parts.iter().map(|(_, part, _)| part).sum::<i128>();
    let mut by_remainder: Vec<usize> = (0..parts.len()).collect();
    by_remainder.sort_by(|a, b| parts[*b].2.cmp(&parts[*a].2).then(b.cmp(a)));
    for i in by_remainder {
        if short <= 0 {
            break;
        }
        parts[i].1 += 1;
        short -= 1;
    }
    parts
        .into_iter()
        .filter(|(_, part, _)| *part > 0)
        .map(|(rate, part, _)| (rate, i64::try_from(part).unwrap_or(i64::MAX)))
        .collect()
}

/// How far `nets_for_gross` looks for a second line that fixes the rounding.
const SMALL_LINE_SEARCH: i64 = 200;

/// The (positive) nets of one or two lines at `rate` whose gross, VAT rounded per line as
/// `Line::vat` does, is exactly `gross`. Preferably their net is gross × 100 / (100 + rate)
/// rounded and their VAT the rest; a single line cannot always carry that VAT (13 gr at 23 %:
/// net 11, VAT 2, but a line of net 11 has VAT 3), so a small second line takes the rounding.
/// For a few grosze no such split exists at all (3 gr at 23 %), and the net is one grosz off.
pub fn nets_for_gross(gross: i64, rate: u32) -> Option<Vec<i64>> {
    if gross <= 0 {
        return None;
    }
    let rate_i = i64::from(rate);
    let target = (gross.checked_mul(200)? + 100 + rate_i) / (2 * (100 + rate_i));
    let gross_of = |net: i64| net + Money(net).vat(rate).0;
    let vat_of = |net: i64| Money(net).vat(rate).0;
    let split = |net: i64| {
        if net > 0 && gross_of(net) == gross {
            return Some(vec![net]);
        }
        (1..=SMALL_LINE_SEARCH.min(net - 1))
            .find(|small| vat_of(net - small) + vat_of(*small) == gross - net)
            .map(|small| vec![net - small, small])
    };
    [target, target + 1, target - 1].into_iter().find_map(split)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DocumentStatus;

    fn line(net: i64, rate: u32) -> Line {
        Line {
            description: format!("Usługa {rate}%"),
            service_id: None,
            quantity: 1,
            unit_net: Money(net),
            vat_percent: rate,
            period_months: 12,
        }
    }

    fn invoice(lines: Vec<Line>) -> Document {
        Document {
            id: 10,
            kind: DocumentKind::VatInvoice,
            number: "FV/2026/11/0007".into(),
            status: DocumentStatus::Issued,
            lines,
            ..Document::unpaid_proforma_for_tests(10, None, jiff::civil::date(2026, 11, 20))
        }
    }

    fn credit_note(id: u64, of: &Document, lines: Vec<Line>) -> Document {
        Document {
            id,
            kind: DocumentKind::CreditNote,
            corrects: Some(of.id),
            lines,
            ..of.clone()
        }
    }

    fn nets_and_vat(lines: &[Line]) -> Vec<(u32, Money, Money)> {
        lines
            .iter()
            .map(|l| (l.vat_percent, l.net(), l.vat()))
            .collect()
    }

    #[test]
    fn a_full_credit_note_negates_every_line() {
        let fv = invoice(vec![line(4900, 23), line(3333, 8)]);
        let lines = credit_lines(&fv, &[], None).unwrap_or_default();
        assert_eq!(
            nets_and_vat(&lines),
            [
                (23, Money(-4900), Money(-1127)),
                (8, Money(-3333), Money(-267))
            ]
        );
        assert_eq!(
            lines[0].description,
            "Korekta faktury FV/2026/11/0007: Usługa 23%"
        );
        let note = credit_note(11, &fv, lines);
        assert_eq!(note.total_gross(), Money(-fv.total_gross().0));
        assert_eq!(left_to_credit(&fv, &[note]), Money::ZERO);
    }

    #[test]
    fn one_hundred_zloty_of_a_23_percent_invoice() {
        // 100,00 × 100 / 123 = 81,3008 → net 81,30, VAT 18,70.
        let fv = invoice(vec![line(50_000, 23)]);
        let lines = credit_lines(&fv, &[], Some(Money(10_000))).unwrap_or_default();
        assert_eq!(nets_and_vat(&lines), [(23, Money(-8130), Money(-1870))]);
        assert_eq!(credit_note(11, &fv, lines).total_gross(), Money(-10_000));
    }

    #[test]
    fn one_grosz_is_one_grosz_of_net_and_no_vat() {
        let fv = invoice(vec![line(4900, 23)]);
        let lines = credit_lines(&fv, &[], Some(Money(1))).unwrap_or_default();
        assert_eq!(nets_and_vat(&lines), [(23, Money(-1), Money::ZERO)]);
        assert_eq!(credit_note(11, &fv, lines).total_gross(), Money(-1));
    }

    #[test]
    fn a_two_rate_invoice_is_credited_in_proportion_to_each_rates_gross() {
        // 123,00 at 23 % and 54,00 at 8 % (177,00): 50,00 splits 34,7458 / 15,2542 → the
        // leftover grosz goes to the larger remainder: 34,75 and 15,25.
        // 34,75 × 100 / 123 = 28,252 → 28,25 + VAT 6,50; 15,25 × 100 / 108 = 14,120 → 14,12 + 1,13.
        let fv = invoice(vec![line(10_000, 23), line(5_000, 8)]);
        let lines = credit_lines(&fv, &[], Some(Money(5_000))).unwrap_or_default();
        assert_eq!(
            nets_and_vat(&lines),
            [
                (8, Money(-1412), Money(-113)),
                (23, Money(-2825), Money(-650))
            ]
        );
        let first = credit_note(11, &fv, lines);
        assert_eq!(first.total_gross(), Money(-5_000));

        let documents = [first];
        assert_eq!(left_to_credit(&fv, &documents), Money(12_700));
        assert_eq!(
            credit_lines(&fv, &documents, Some(Money(12_701))),
            Err(CreditError::TooMuch {
                left: Money(12_700)
            })
        );
        // The rest: what is left at each rate, to the grosz.
        let rest = credit_lines(&fv, &documents, None).unwrap_or_default();
        let gross: Vec<(u32, Money)> = rest.iter().map(|l| (l.vat_percent, l.gross())).collect();
        assert_eq!(gross, [(8, Money(-3_875)), (23, Money(-8_825))]);
        let documents = [documents[0].clone(), credit_note(12, &fv, rest)];
        assert_eq!(left_to_credit(&fv, &documents), Money::ZERO);
        assert_eq!(
            credit_lines(&fv, &documents, None),
            Err(CreditError::TooMuch { left: Money::ZERO })
        );
    }

    #[test]
    fn the_leftover_grosz_goes_to_the_larger_remainder_even_of_the_smaller_rate() {
        // 1,00 of 123,00 (23 %) + 54,00 (8 %): 0,6949 and 0,3051 → 0,69 and 0,30 leave one grosz,
        // and 0,3051's remainder is the larger: 0,69 at 23 % and 0,31 at 8 %.
        let fv = invoice(vec![line(10_000, 23), line(5_000, 8)]);
        let lines = credit_lines(&fv, &[], Some(Money(100))).unwrap_or_default();
        let gross_at = |rate: u32| -> Money {
            lines
                .iter()
                .filter(|l| l.vat_percent == rate)
                .map(Line::gross)
                .sum()
        };
        assert_eq!((gross_at(23), gross_at(8)), (Money(-69), Money(-31)));
        // One grosz cannot be split: the rate with the larger share takes it, the other none.
        let one = credit_lines(&fv, &[], Some(Money(1))).unwrap_or_default();
        assert_eq!(nets_and_vat(&one), [(23, Money(-1), Money::ZERO)]);
    }

    #[test]
    fn a_vat_one_line_cannot_carry_goes_on_a_second_small_line() {
        // 0,13 zł at 23 %: net 13 × 100 / 123 = 10,57 → 11 gr, VAT 2 gr; one line of net 11 gr
        // would have VAT round(2,53) = 3 gr, so the net is written as 10 + 1 gr (VAT 2 + 0).
        let fv = invoice(vec![line(4900, 23)]);
        let lines = credit_lines(&fv, &[], Some(Money(13))).unwrap_or_default();
        assert_eq!(
            nets_and_vat(&lines),
            [(23, Money(-10), Money(-2)), (23, Money(-1), Money::ZERO)]
        );
        assert_eq!(credit_note(11, &fv, lines).total_gross(), Money(-13));
    }

    #[test]
    fn every_amount_is_credited_exactly_at_every_polish_rate() {
        for rate in [0, 5, 8, 23] {
            for gross in 1..=30_000 {
                let Some(nets) = nets_for_gross(gross, rate) else {
                    unreachable!("{gross} gr at {rate}%")
                };
                let lines: Vec<Line> = nets.iter().map(|n| line(-n, rate)).collect();
                let total: Money = lines.iter().map(Line::gross).sum();
                assert_eq!(total, Money(-gross), "{gross} gr at {rate}%");
                let net: i64 = nets.iter().sum();
                let formula = (gross * 200 + 100 + i64::from(rate)) / (200 + 2 * i64::from(rate));
                // Only 3 gr at 23 % and 7 gr at 8 % cannot have the formula's net.
                if !matches!((gross, rate), (3, 23) | (7, 8)) {
                    assert_eq!(net, formula, "{gross} gr at {rate}%");
                }
                assert!(nets.len() <= 2);
            }
        }
    }

    #[test]
    fn only_a_vat_invoice_with_something_left_can_be_credited() {
        let fv = invoice(vec![line(4900, 23)]);
        let proforma = Document {
            kind: DocumentKind::Proforma,
            ..fv.clone()
        };
        assert_eq!(
            credit_lines(&proforma, &[], None),
            Err(CreditError::NotAnInvoice)
        );
        let note = credit_note(11, &fv, credit_lines(&fv, &[], None).unwrap_or_default());
        assert_eq!(
            credit_lines(&note, &[], None),
            Err(CreditError::NotAnInvoice)
        );
        assert_eq!(
            credit_lines(&fv, &[], Some(Money::ZERO)),
            Err(CreditError::NotPositive { left: Money(6027) })
        );
        assert_eq!(
            credit_lines(&fv, &[], Some(Money(6028))),
            Err(CreditError::TooMuch { left: Money(6027) })
        );
        let all_of_it = credit_lines(&fv, &[], Some(Money(6027))).unwrap_or_default();
        assert_eq!(
            credit_note(12, &fv, all_of_it).total_gross(),
            Money(-6027),
            "exactly what is left may be credited"
        );
        assert_eq!(
            credit_lines(&fv, std::slice::from_ref(&note), Some(Money(1))),
            Err(CreditError::TooMuch { left: Money::ZERO })
        );
        let other = Document {
            id: 99,
            ..fv.clone()
        };
        assert_eq!(
            left_to_credit(&other, &[note]),
            Money(6027),
            "another invoice's credit note"
        );
    }
}
