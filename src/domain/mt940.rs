//! MT940 statements as Polish banks send them: each `:61:` operation line followed by its `:86:`
//! details, structured with `~` (or `<`) subfields: `~20`–`~25` the title, `~32`–`~33` the
//! counterparty. Unstructured `:86:` text is taken whole as the title.

use super::Money;
use super::statement::{Statement, Transfer, line_hash, signed_amount};

/// The fields of a `:61:` line that matter here.
struct Operation {
    date: String,
    credit: bool,
    amount: Money,
    reference: Option<String>,
}

/// `YYMMDD[MMDD](C|D|RC|RD)[funds code]amount(N|F|S)XXX reference[//bank reference]`.
fn operation(value: &str) -> Option<Operation> {
    let first = value.lines().next()?;
    let date = first.get(..6)?;
    if !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut rest = &first[6..];
    if rest.len() >= 4 && rest[..4].bytes().all(|b| b.is_ascii_digit()) {
        rest = &rest[4..];
    }
    let (credit, rest) = if let Some(r) = rest.strip_prefix("RC") {
        (false, r)
    } else if let Some(r) = rest.strip_prefix("RD") {
        (true, r)
    } else if let Some(r) = rest.strip_prefix('C') {
        (true, r)
    } else {
        (false, rest.strip_prefix('D')?)
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ','))?;
    let amount = signed_amount(&rest[..end])?.1;
    let references = rest.get(end + 4..).unwrap_or_default();
    let (own, bank) = references.split_once("//").unwrap_or((references, ""));
    let usable = |r: &str| {
        let r = r.trim();
        (!r.is_empty() && !r.eq_ignore_ascii_case("NONREF")).then(|| r.to_string())
    };
    Some(Operation {
        date: format!("20{}-{}-{}", &date[..2], &date[2..4], &date[4..6]),
        credit,
        amount,
        reference: usable(bank).or_else(|| usable(own)),
    })
}

/// The title and counterparty of a `:86:` field.
fn details(text: &str) -> (String, String) {
    let joined: String = text.lines().collect();
    let separator = if joined.contains('~') { '~' } else { '<' };
    let mut parts = joined.split(separator);
    let head = parts.next().unwrap_or_default();
    let (mut title, mut who) = (Vec::new(), Vec::new());
    let mut structured = false;
    for part in parts {
        let (code, value) = (
            part.get(..2).unwrap_or_default(),
            part.get(2..).unwrap_or_default(),
        );
        structured = true;
        match code {
            "20" | "21" | "22" | "23" | "24" | "25" => title.push(value),
            "32" | "33" => who.push(value.trim()),
            _ => {}
        }
    }
    if !structured {
        return (head.trim().to_string(), String::new());
    }
    (title.concat().trim().to_string(), who.join(" "))
}

/// The tags of a statement, each with its (possibly multi-line) value.
fn tags(text: &str) -> Vec<(&str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    for line in text.lines() {
        let tagged = line
            .strip_prefix(':')
            .and_then(|l| l.split_once(':'))
            .filter(|(tag, _)| tag.len() <= 3 && tag.starts_with(|c: char| c.is_ascii_digit()));
        match (tagged, out.last_mut()) {
            (Some((tag, value)), _) => out.push((tag, value.to_string())),
            (None, Some((_, value))) if line.trim() != "-" => {
                value.push('\n');
                value.push_str(line);
            }
            _ => {}
        }
    }
    out
}

pub fn parse(text: &str) -> Result<Statement, String> {
    let tags = tags(text);
    let mut statement = Statement::default();
    for (i, (tag, value)) in tags.iter().enumerate() {
        if *tag != "61" {
            continue;
        }
        let op = operation(value).ok_or(format!("cannot read the MT940 operation :61:{value}"))?;
        if !op.credit || op.amount == Money::ZERO {
            statement.outgoing += 1;
            continue;
        }
        let info = match tags.get(i + 1) {
            Some(("86", info)) => info.as_str(),
            _ => "",
        };
        let (title, counterparty) = details(info);
        let reference = op
            .reference
            .unwrap_or_else(|| line_hash(&[value.as_str(), info]));
        statement.incoming.push(Transfer {
            date: op.date,
            amount: op.amount,
            title,
            counterparty,
            reference,
        });
    }
    Ok(statement)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MT940: &str = ":20:ST261103\n:25:/PL61109010140000071219812874\n:28C:1\n\
        :60F:C261102PLN1000,00\n\
        :61:2611031103CN123,45NTRFNONREF//2611030001\n\
        :86:020~00TRANSFER~20Zapłata PF/2026/11/0002 ~21KL-000001-3\n~32JAN KOWALSKI~38PL1\n\
        :61:261104D5,00NCHGNONREF\n:86:Opłata\n\
        :61:261105C10,00NTRFNONREF\n:86:Wpłata KL-000001-3\n\
        :62F:C261105PLN1128,45\n-\n";

    #[test]
    fn incoming_operations_are_read_with_their_titles_and_references() {
        let statement = crate::domain::statement::parse(MT940.as_bytes()).unwrap_or_default();
        assert_eq!(statement.outgoing, 1);
        assert_eq!(statement.incoming.len(), 2);
        let first = &statement.incoming[0];
        assert_eq!(first.date, "2026-11-03");
        assert_eq!(first.amount, Money(12_345));
        assert_eq!(first.title, "Zapłata PF/2026/11/0002 KL-000001-3");
        assert_eq!(first.counterparty, "JAN KOWALSKI");
        assert_eq!(first.reference, "2611030001");
        assert!(statement.incoming[1].reference.starts_with("W-"));
    }

    /// A title's next line may begin with a colon; only `:NN:`-like tags (a digit first, at most
    /// three characters) start a new field.
    #[test]
    fn a_title_line_starting_with_a_colon_stays_in_the_title() {
        let text = ":20:ST1\n:61:261105C10,00NTRFNONREF\n:86:Przelew\n:Re: KL-000001-3\n-\n";
        let statement = crate::domain::statement::parse(text.as_bytes()).unwrap_or_default();
        assert_eq!(statement.incoming.len(), 1);
        assert_eq!(statement.incoming[0].title, "Przelew:Re: KL-000001-3");
    }
}
