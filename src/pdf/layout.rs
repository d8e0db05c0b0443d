//! Where each part of a `Sheet` goes on A4: header, parties, the lines table (its header repeated
//! on every page), totals by VAT rate, the amount due in words, payment facts and notes.

use super::canvas::{CONTENT_WIDTH, Canvas, MARGIN, PAGE_WIDTH, Page};
use super::fonts::{Fonts, Style};
use super::sheet::{Party, Sheet};
use crate::domain::Money;

const BODY: Style = Style::regular(9.0);
const NAME: Style = Style::bold(10.0);
const HEADING: Style = Style::bold(8.0);
const CELL: Style = Style::regular(8.0);
const CELL_BOLD: Style = Style::bold(8.0);
const PAD: f32 = 3.0;
const RIGHT: f32 = PAGE_WIDTH - MARGIN;

/// An amount in a table cell: the column says it is in złoty.
fn amount(money: Money) -> String {
    let text = money.to_string();
    text.strip_suffix(" zł").unwrap_or(&text).to_string()
}

pub fn lay_out(sheet: &Sheet, fonts: &Fonts) -> Vec<Page> {
    let mut c = Canvas::new(fonts);
    header(&mut c, sheet);
    parties(&mut c, &sheet.seller, &sheet.buyer);
    lines_table(&mut c, sheet);
    rates_table(&mut c, sheet);
    total(&mut c, sheet);
    facts(&mut c, &sheet.payment);
    for note in &sheet.notes {
        c.space(4.0);
        c.paragraph(MARGIN, CONTENT_WIDTH, note, CELL);
    }
    if let Some(code) = sheet.ksef {
        super::ksef_block::draw(&mut c, code);
    }
    c.finish(&format!("{} {}", sheet.title, sheet.number))
}

fn header(c: &mut Canvas, sheet: &Sheet) {
    let top = c.y;
    let title = Style::bold(18.0);
    c.text_at(MARGIN, sheet.title, title);
    for (label, value) in &sheet.dates {
        c.text_right(
            RIGHT,
            &format!("{label}: {value}"),
            BODY,
            CONTENT_WIDTH / 2.0,
        );
        c.y += BODY.line_height();
    }
    let dates_bottom = c.y;
    c.y = top + title.line_height();
    c.text_at(MARGIN, &format!("nr {}", sheet.number), Style::bold(12.0));
    c.y = (c.y + Style::bold(12.0).line_height()).max(dates_bottom) + 14.0;
}

fn parties(c: &mut Canvas, seller: &Party, buyer: &Party) {
    let gap = 24.0;
    let width = (CONTENT_WIDTH - gap) / 2.0;
    let top = c.y;
    party(c, MARGIN, width, seller);
    let seller_bottom = c.y;
    c.y = top;
    party(c, MARGIN + width + gap, width, buyer);
    c.y = c.y.max(seller_bottom) + 14.0;
}

fn party(c: &mut Canvas, x: f32, width: f32, party: &Party) {
    c.text_at(x, party.heading, HEADING);
    c.y += HEADING.line_height();
    c.rule(x, x + width, 0.5);
    c.y += 4.0;
    c.paragraph(x, width, &party.name, NAME);
    for line in &party.address {
        c.paragraph(x, width, line, BODY);
    }
    if let Some(nip) = &party.nip {
        c.paragraph(x, width, &format!("NIP: {nip}"), BODY);
    }
}

struct Column {
    title: &'static str,
    width: f32,
    numeric: bool,
}

const fn col(title: &'static str, width: f32, numeric: bool) -> Column {
    Column {
        title,
        width,
        numeric,
    }
}

/// Lp., Nazwa (what is left of the width), Ilość, Cena netto, VAT %, Netto, VAT, Brutto.
fn line_columns() -> [Column; 8] {
    let fixed = 20.0 + 30.0 + 62.0 + 32.0 + 64.0 + 56.0 + 66.0;
    [
        col("Lp.", 20.0, true),
        col("Nazwa", CONTENT_WIDTH - fixed, false),
        col("Ilość", 30.0, true),
        col("Cena netto", 62.0, true),
        col("VAT %", 32.0, true),
        col("Netto", 64.0, true),
        col("VAT", 56.0, true),
        col("Brutto", 66.0, true),
    ]
}

/// Cells of one row: the text of each column, left to right.
fn row(c: &mut Canvas, x0: f32, columns: &[Column], cells: &[Vec<String>], style: Style) {
    let top = c.y;
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let height = lines as f32 * style.line_height() + 2.0 * PAD;
    let mut x = x0;
    for (column, cell) in columns.iter().zip(cells) {
        for (i, text) in cell.iter().enumerate() {
            c.y = top + PAD + i as f32 * style.line_height();
            if column.numeric {
                c.text_right(
                    x + column.width - PAD,
                    text,
                    style,
                    column.width - 2.0 * PAD,
                );
            } else {
                c.text_at(x + PAD, text, style);
            }
        }
        x += column.width;
    }
    c.y = top + height;
}

fn table_header(c: &mut Canvas, x0: f32, columns: &[Column]) {
    let width: f32 = columns.iter().map(|c| c.width).sum();
    let height = CELL_BOLD.line_height() + 2.0 * PAD;
    c.band(x0, width, height);
    let titles: Vec<Vec<String>> = columns.iter().map(|c| vec![c.title.to_string()]).collect();
    row(c, x0, columns, &titles, CELL_BOLD);
}

fn lines_table(c: &mut Canvas, sheet: &Sheet) {
    let columns = line_columns();
    c.ensure(4.0 * CELL.line_height());
    table_header(c, MARGIN, &columns);
    for (i, line) in sheet.lines.iter().enumerate() {
        let name = c
            .fonts
            .wrap(&line.description, CELL, columns[1].width - 2.0 * PAD);
        let height = name.len() as f32 * CELL.line_height() + 2.0 * PAD;
        if c.ensure(height) {
            table_header(c, MARGIN, &columns);
        }
        let cells = [
            format!("{}.", i + 1),
            String::new(),
            line.quantity.to_string(),
            amount(line.unit_net),
            format!("{}%", line.vat_percent),
            amount(line.net()),
            amount(line.vat()),
            amount(line.gross()),
        ];
        let mut cells: Vec<Vec<String>> = cells.into_iter().map(|s| vec![s]).collect();
        cells[1] = name;
        row(c, MARGIN, &columns, &cells, CELL);
        c.rule(MARGIN, RIGHT, 0.3);
    }
    c.space(10.0);
}

fn rates_table(c: &mut Canvas, sheet: &Sheet) {
    let columns = [
        col("Stawka VAT", 64.0, true),
        col("Netto", 84.0, true),
        col("VAT", 78.0, true),
        col("Brutto", 84.0, true),
    ];
    let width: f32 = columns.iter().map(|c| c.width).sum();
    let x0 = RIGHT - width;
    let rows = sheet.rates.len() as f32 + 2.0;
    c.ensure(rows * (CELL.line_height() + 2.0 * PAD));
    table_header(c, x0, &columns);
    for rate in &sheet.rates {
        let cells = [
            format!("{}%", rate.rate),
            rate.net.to_string(),
            rate.vat.to_string(),
            rate.gross.to_string(),
        ];
        row(c, x0, &columns, &cells.map(|s| vec![s]), CELL);
    }
    c.rule(x0, RIGHT, 0.5);
    let sum = [
        "Razem".to_string(),
        sheet.total_net.to_string(),
        sheet.total_vat.to_string(),
        sheet.total.to_string(),
    ];
    row(c, x0, &columns, &sum.map(|s| vec![s]), CELL_BOLD);
    c.space(12.0);
}

fn total(c: &mut Canvas, sheet: &Sheet) {
    let big = Style::bold(13.0);
    c.ensure(big.line_height() + 2.0 * BODY.line_height());
    c.text_at(
        MARGIN,
        &format!("{}: {}", sheet.total_label, sheet.total),
        big,
    );
    c.y += big.line_height();
    c.paragraph(
        MARGIN,
        CONTENT_WIDTH,
        &format!("Słownie: {}", sheet.in_words),
        BODY,
    );
    c.space(10.0);
}

/// "Label: value" rows, the values aligned.
fn facts(c: &mut Canvas, facts: &[(&str, String)]) {
    let label_width = 110.0;
    c.ensure(facts.len() as f32 * BODY.line_height());
    for (label, value) in facts {
        let top = c.y;
        c.text_at(MARGIN, &format!("{label}:"), Style::bold(BODY.size));
        c.paragraph(
            MARGIN + label_width,
            CONTENT_WIDTH - label_width,
            value,
            BODY,
        );
        c.y = c.y.max(top + BODY.line_height());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::seller::Seller;
    use crate::domain::{Document, Line};

    fn pages_of(lines: usize, description: &str) -> Vec<Page> {
        let mut document =
            Document::unpaid_proforma_for_tests(1, None, jiff::civil::date(2026, 11, 20));
        let line = document.lines[0].clone();
        document.lines = (0..lines)
            .map(|_| Line {
                description: description.to_string(),
                ..line.clone()
            })
            .collect();
        let seller = Seller::sample().unwrap_or_else(|e| unreachable!("{e}"));
        let fonts = Fonts::get().unwrap_or_else(|| unreachable!("the embedded fonts parse"));
        lay_out(
            &Sheet::of(&document, &seller, "PF/2026/11/0001 KL-000001", None),
            &fonts,
        )
    }

    #[test]
    fn a_short_document_fits_on_one_page_with_everything_on_it() {
        let pages = pages_of(2, "Odnowienie: Domena .pl przyklad.pl");
        assert_eq!(pages.len(), 1);
        let texts = pages[0].texts();
        for expected in [
            "Proforma",
            "nr PF/2026/11/0001",
            "Sprzedawca",
            "Nabywca",
            "NIP: 1234563218",
            "Lp.",
            "Cena netto",
            "2.",
            "Do zapłaty: 120,54 zł",
            "Słownie: sto dwadzieścia złotych 54/100",
            "Strona 1 z 1",
        ] {
            assert!(texts.contains(&expected), "{expected:?} in {texts:?}");
        }
    }

    #[test]
    fn many_lines_flow_onto_more_pages_each_with_the_table_header() {
        let pages = pages_of(
            60,
            "Odnowienie: Hosting WWW przyklad.pl (Biznes), do 31.12.2027",
        );
        assert!(pages.len() >= 2, "{} pages", pages.len());
        for page in &pages {
            let texts = page.texts();
            assert!(texts.contains(&"Cena netto"), "{texts:?}");
        }
        let last = pages.last().map(Page::texts).unwrap_or_default();
        assert!(last.contains(&"60."));
        assert!(last.contains(&format!("Strona {} z {}", pages.len(), pages.len()).as_str()));
    }

    #[test]
    fn a_long_description_wraps_inside_its_cell() {
        let long = "Odnowienie: Hosting WWW firma-przykladowa.pl (Hosting Biznes Plus \
                    z kopią zapasową i certyfikatem SSL), do 31.12.2027";
        let pages = pages_of(1, long);
        let texts = pages[0].texts();
        let pieces: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| t.len() > 3 && long.contains(t))
            .collect();
        assert!(pieces.len() >= 3, "{pieces:?}");
        let words: Vec<&str> = long.split_whitespace().collect();
        assert_eq!(pieces.join(" "), words.join(" "));
    }
}
