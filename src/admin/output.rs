//! What an operator command answers: aligned text for a person, JSON (`--json`) for a script.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// One command's answer in both forms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub text: String,
    pub json: Value,
}

impl Reply {
    /// An action's result: its message, as text and as `{"ok": true, "message": …}`.
    pub fn message(text: String) -> Reply {
        Reply::action(text, json!({}))
    }

    /// An action's result with the fields a script needs (ids, numbers) beside the message.
    pub fn action(text: String, fields: Value) -> Reply {
        let mut object = Map::new();
        object.insert("ok".into(), Value::Bool(true));
        object.insert("message".into(), Value::String(text.clone()));
        if let Value::Object(fields) = fields {
            object.extend(fields);
        }
        Reply {
            text,
            json: Value::Object(object),
        }
    }
}

/// One value of a listing: as a person reads it, and as a script gets it.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    text: String,
    json: Value,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell {
            json: Value::String(text.clone()),
            text,
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::from(text.to_string())
    }
}

impl From<&String> for Cell {
    fn from(text: &String) -> Cell {
        Cell::from(text.clone())
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell {
            text: n.to_string(),
            json: json!(n),
        }
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::from(n as u64)
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::from(u64::from(n))
    }
}

/// Yes or no: `yes`/`no` to read, a boolean for a script.
impl From<bool> for Cell {
    fn from(yes: bool) -> Cell {
        Cell {
            text: if yes { "yes" } else { "no" }.into(),
            json: Value::Bool(yes),
        }
    }
}

/// An amount: `1 234,56 zł` to read, `"1234.56"` for a script.
impl From<crate::domain::Money> for Cell {
    fn from(m: crate::domain::Money) -> Cell {
        Cell {
            text: m.to_string(),
            json: Value::String(decimal(m)),
        }
    }
}

/// Nothing: blank in the table, null in JSON.
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Cell {
        value.map(Into::into).unwrap_or(Cell {
            text: String::new(),
            json: Value::Null,
        })
    }
}

/// `c(x)`: a cell of anything that makes one.
pub fn c(value: impl Into<Cell>) -> Cell {
    value.into()
}

/// An amount as a script reads it: "-12.30".
pub fn decimal(m: crate::domain::Money) -> String {
    let sign = if m.0 < 0 { "-" } else { "" };
    let abs = m.0.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A listing: named columns (the JSON keys), one row per item.
pub struct Table {
    columns: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
    /// The text when there is no row (JSON gives an empty array).
    empty: &'static str,
}

impl Table {
    pub fn new(columns: &[&'static str], empty: &'static str) -> Table {
        Table {
            columns: columns.to_vec(),
            rows: Vec::new(),
            empty,
        }
    }

    /// Adds a row: one cell per column.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    pub fn reply(self) -> Reply {
        Reply {
            text: self.text(),
            json: self.json(),
        }
    }

    fn json(&self) -> Value {
        let items = self.rows.iter().map(|row| {
            let object: Map<String, Value> = self
                .columns
                .iter()
                .map(|c| c.to_string())
                .zip(row.iter().map(|cell| cell.json.clone()))
                .collect();
            Value::Object(object)
        });
        Value::Array(items.collect())
    }

    /// Columns padded to their widest cell, counted in characters (Polish letters are two
    /// bytes); the last column is not padded.
    pub fn text(&self) -> String {
        if self.rows.is_empty() {
            return self.empty.to_string();
        }
        let header: Vec<String> = self.columns.iter().map(|c| c.replace('_', " ")).collect();
        let cells: Vec<Vec<String>> = std::iter::once(header)
            .chain(
                self.rows
                    .iter()
                    .map(|row| row.iter().map(one_line).collect()),
            )
            .collect();
        let mut widths = vec![0; self.columns.len()];
        for row in &cells {
            for (width, text) in widths.iter_mut().zip(row) {
                *width = (*width).max(text.chars().count());
            }
        }
        let lines: Vec<String> = cells.iter().map(|row| aligned(row, &widths)).collect();
        lines.join("\n")
    }
}

fn aligned(row: &[String], widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, (text, width)) in row.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(text);
        if i + 1 < row.len() {
            let pad = width.saturating_sub(text.chars().count());
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    line.trim_end().to_string()
}

/// A cell's text on one line.
fn one_line(cell: &Cell) -> String {
    cell.text.replace(['\t', '\n', '\r'], " ")
}

/// "name: value" lines with the names aligned (a `show`).
pub fn fields(pairs: &[(&str, String)]) -> String {
    let width = pairs
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    pairs
        .iter()
        .map(|(k, v)| {
            let pad = width - k.chars().count();
            format!("{k}:{} {v}", " ".repeat(pad))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_aligned_by_characters_not_bytes() {
        let mut table = Table::new(&["id", "name", "state"], "none");
        table.push(vec![c(1u64), c("Żółć sp. z o.o."), c("active")]);
        table.push(vec![c(12u64), c("ABC"), c(None::<String>)]);
        let text = table.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "id  name             state");
        assert_eq!(lines[1], "1   Żółć sp. z o.o.  active");
        assert_eq!(lines[2], "12  ABC");
    }

    #[test]
    fn a_table_as_json_is_an_array_of_objects_keyed_by_column() {
        let mut table = Table::new(&["id", "name"], "none");
        table.push(vec![c(7u64), c("Firma\tX")]);
        assert_eq!(table.json(), json!([{"id": 7, "name": "Firma\tX"}]));
        let mut money = Table::new(&["total"], "none");
        money.push(vec![c(crate::domain::Money(-123_456))]);
        assert_eq!(money.json(), json!([{"total": "-1234.56"}]));
        assert_eq!(money.text(), "total\n-1 234,56 zł");
        assert_eq!(table.text(), "id  name\n7   Firma X");
        assert_eq!(Table::new(&["id"], "no rows").reply().json, json!([]));
        assert_eq!(Table::new(&["id"], "no rows").text(), "no rows");
    }

    #[test]
    fn an_action_answers_ok_with_its_message_and_fields() {
        let reply = Reply::action("done".into(), json!({"id": 3}));
        assert_eq!(reply.json, json!({"ok": true, "message": "done", "id": 3}));
    }
}
