//! Bank statements: the incoming transfers of an mBank CSV export or of an MT940 file.
//!
//! mBank's CSV ("Historia operacji" / "Lista operacji", `;`-separated, Windows-1250 or UTF-8):
//! a preamble, then a header row starting `#Data operacji`, the operations, and a footer. The
//! columns are found by their names, so both of mBank's layouts read:
//! `#Data operacji;#Opis operacji;#Rachunek;#Kategoria;#Kwota;#Saldo po operacji;` and
//! `#Data operacji;#Data księgowania;#Opis operacji;#Tytuł;#Nadawca/Odbiorca;#Numer konta;#Kwota;#Saldo po operacji;`.
//! Amounts are `1 234,56` or `1 234,56 PLN`, negative for outgoing operations.

use super::Money;
use sha2::{Digest, Sha256};

/// One incoming transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    /// The booking date as the bank wrote it.
    pub date: String,
    pub amount: Money,
    /// Everything the title and description say (the transfer title is found in it).
    pub title: String,
    pub counterparty: String,
    /// The bank's reference, or `W-` and a hash of the line (its occurrence counted), so the same
    /// file read twice gives the same keys.
    pub reference: String,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Statement {
    pub incoming: Vec<Transfer>,
    /// Outgoing operations, skipped.
    pub outgoing: usize,
}

/// Reads either format (MT940 when the file has a `:20:` or `:61:` tag line).
pub fn parse(bytes: &[u8]) -> Result<Statement, String> {
    let text = decode(bytes);
    let mt940 = text
        .lines()
        .any(|l| l.starts_with(":61:") || l.starts_with(":20:"));
    let mut statement = if mt940 {
        super::mt940::parse(&text)?
    } else {
        parse_csv(&text)?
    };
    number_repeated_hashes(&mut statement.incoming);
    Ok(statement)
}

/// UTF-8 as it is, else Windows-1250 (what Polish banks export).
fn decode(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.trim_start_matches('\u{feff}').to_string();
    }
    bytes.iter().map(|&b| windows_1250(b)).collect()
}

fn windows_1250(b: u8) -> char {
    match b {
        0x00..=0x7f => char::from(b),
        0x8c => 'Ś',
        0x8f => 'Ź',
        0x9c => 'ś',
        0x9f => 'ź',
        0xa3 => 'Ł',
        0xa5 => 'Ą',
        0xaf => 'Ż',
        0xb3 => 'ł',
        0xb9 => 'ą',
        0xbf => 'ż',
        0xc6 => 'Ć',
        0xca => 'Ę',
        0xd1 => 'Ń',
        0xd3 => 'Ó',
        0xe6 => 'ć',
        0xea => 'ę',
        0xf1 => 'ń',
        0xf3 => 'ó',
        0xa0 => ' ',
        _ => '\u{fffd}',
    }
}

/// The key of a line without a bank reference: a hash of what identifies it.
pub(super) fn line_hash(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(10).map(|b| format!("{b:02x}")).collect();
    format!("W-{hex}")
}

/// Two identical lines (two equal transfers on one day) get `-2`, `-3`… after their hash.
fn number_repeated_hashes(transfers: &mut [Transfer]) {
    let mut seen = std::collections::HashMap::<String, u32>::new();
    for t in transfers
        .iter_mut()
        .filter(|t| t.reference.starts_with("W-"))
    {
        let count = seen.entry(t.reference.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            t.reference = format!("{}-{count}", t.reference);
        }
    }
}

/// A signed amount as banks write it: `-1 234,56 PLN`, `1234.56`.
pub(super) fn signed_amount(raw: &str) -> Option<(bool, Money)> {
    let cleaned = raw.trim().trim_end_matches("PLN").trim();
    let (negative, rest) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.trim_start_matches('+')),
    };
    Money::parse(rest).map(|m| (negative, m))
}

/// Splits one `;`-separated line, with `"…"` quoting and `""` for a quote.
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(last) = out.last_mut() {
                    last.push('"');
                }
            }
            '"' => quoted = !quoted,
            ';' if !quoted => out.push(String::new()),
            c => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out.into_iter()
        .map(|f| f.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn column(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| {
        let h = h.trim_start_matches('#').to_lowercase();
        names.iter().any(|n| h == *n)
    })
}

fn parse_csv(text: &str) -> Result<Statement, String> {
    let mut lines = text.lines();
    let header = lines
        .by_ref()
        .map(fields)
        .find(|f| {
            f.first()
                .is_some_and(|h| h.to_lowercase() == "#data operacji")
        })
        .ok_or("neither MT940 nor an mBank CSV: no `#Data operacji` header row")?;
    let date = column(&header, &["data operacji"]).unwrap_or(0);
    let amount = column(&header, &["kwota"]).ok_or("the CSV has no #Kwota column")?;
    let texts: Vec<usize> = ["opis operacji", "tytuł"]
        .iter()
        .filter_map(|n| column(&header, &[n]))
        .collect();
    let counterparty = column(&header, &["nadawca/odbiorca"]);
    let mut statement = Statement::default();
    for line in lines {
        let row = fields(line);
        let dated = row
            .get(date)
            .is_some_and(|d| d.starts_with(|c: char| c.is_ascii_digit()));
        let Some((negative, value)) = row.get(amount).and_then(|a| signed_amount(a)) else {
            continue; // a blank line
        };
        if !dated {
            continue; // the footer's closing balance
        }
        if negative || value == Money::ZERO {
            statement.outgoing += 1;
            continue;
        }
        let pick = |i: usize| row.get(i).cloned().unwrap_or_default();
        let title: Vec<String> = texts.iter().map(|&i| pick(i)).collect();
        statement.incoming.push(Transfer {
            date: pick(date),
            amount: value,
            title: title.join(" ").trim().to_string(),
            counterparty: counterparty.map(pick).unwrap_or_default(),
            reference: line_hash(&[line.trim()]),
        });
    }
    Ok(statement)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "mBank S.A.;\n#Za okres:;\n01.11.2026;30.11.2026;\n\n\
        #Data operacji;#Opis operacji;#Rachunek;#Kategoria;#Kwota;#Saldo po operacji;\n\
        2026-11-03;\"PRZELEW PRZYCHODZĄCY  KL-000001-3 \"\"PF\"\" \";\"mKonto\";\"Wpływy\";1 234,56 PLN;2 000,00 PLN;\n\
        2026-11-04;\"OPŁATA\";\"mKonto\";\"Opłaty\";-5,00 PLN;1 995,00 PLN;\n\
        ;;;#Saldo końcowe;1 995,00 PLN;\n";

    /// Every Polish letter of a Windows-1250 export reads as itself, a no-break space as a space.
    #[test]
    fn windows_1250_gives_every_polish_letter() {
        let bytes = [
            0xa5, 0xc6, 0xca, 0xa3, 0xd1, 0xd3, 0x8c, 0x8f, 0xaf, 0xa0, 0xb9, 0xe6, 0xea, 0xb3,
            0xf1, 0xf3, 0x9c, 0x9f, 0xbf, b'!', 0x80,
        ];
        assert_eq!(decode(&bytes), "ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż!\u{fffd}");
    }

    #[test]
    fn an_mbank_csv_gives_its_incoming_transfers_with_stable_keys() {
        let first = parse(CSV.as_bytes()).unwrap_or_default();
        assert_eq!(first.outgoing, 1);
        assert_eq!(first.incoming.len(), 1);
        let t = &first.incoming[0];
        assert_eq!(t.amount, Money(123_456));
        assert_eq!(t.title, "PRZELEW PRZYCHODZĄCY KL-000001-3 \"PF\"");
        assert!(t.reference.starts_with("W-"));
        assert_eq!(parse(CSV.as_bytes()).unwrap_or_default(), first);
    }

    #[test]
    fn windows_1250_is_read_and_equal_lines_get_distinct_keys() {
        let line = b"2026-11-03;\"Zap\xb3ata; KL-000001-3\";\"\";\"\";10,00;0,00;\n";
        let mut file =
            b"#Data operacji;#Opis operacji;#Rachunek;#Kategoria;#Kwota;#Saldo\n".to_vec();
        file.extend_from_slice(line);
        file.extend_from_slice(line);
        let statement = parse(&file).unwrap_or_default();
        assert_eq!(statement.incoming[0].title, "Zapłata; KL-000001-3");
        assert_eq!(statement.incoming[0].amount, Money(1000));
        let first = &statement.incoming[0].reference;
        assert_eq!(first.len(), 2 + 20, "the bare hash: {first}");
        assert_eq!(statement.incoming[1].reference, format!("{first}-2"));
    }

    #[test]
    fn a_file_of_neither_format_is_refused() {
        assert!(parse(b"hello;world\n1;2\n").is_err());
    }
}
