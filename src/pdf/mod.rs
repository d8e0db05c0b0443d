//! Documents as PDF files, generated in the binary with krilla: `Sheet` decides what a document
//! says, `layout` where it goes on A4 pages (plain data), and `write` turns the pages into PDF.
//! No I/O: the fonts are embedded, the caller passes everything in.

mod canvas;
mod fonts;
mod ksef_block;
mod layout;
mod sheet;

use crate::domain::Document;
use crate::domain::seller::Seller;
use canvas::{Op, PAGE_HEIGHT, PAGE_WIDTH, Page};
use fonts::Fonts;
use krilla::color::{luma, rgb};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded fonts cannot be read")]
    Fonts,
    #[error("cannot write the PDF: {0}")]
    Write(String),
}

/// The PDF of a document. `transfer_title` is printed on an unpaid document, `corrects` (the
/// number of the invoice a credit note corrects) on a credit note.
pub fn render(
    document: &Document,
    seller: &Seller,
    transfer_title: &str,
    corrects: Option<&str>,
) -> Result<Vec<u8>, PdfError> {
    render_with_code(document, seller, transfer_title, corrects, None)
}

/// KOD I, the KSeF verification QR code printed on an invoice: its link and what goes under it
/// (the KSeF number, or OFFLINE).
#[derive(Clone, Debug)]
pub struct KsefCode {
    pub link: String,
    pub label: String,
}

/// `render`, with the KSeF verification code of an invoice or credit note below its contents.
pub fn render_with_code(
    document: &Document,
    seller: &Seller,
    transfer_title: &str,
    corrects: Option<&str>,
    code: Option<&KsefCode>,
) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::get().ok_or(PdfError::Fonts)?;
    let mut sheet = sheet::Sheet::of(document, seller, transfer_title, corrects);
    sheet.ksef = code;
    let pages = layout::lay_out(&sheet, &fonts);
    write(&pages, &fonts, format!("{} {}", sheet.title, sheet.number))
}

/// `FV-2026-11-0001.pdf`: the number without the slashes a file name cannot hold.
pub fn file_name(document: &Document) -> String {
    let safe: String = document
        .number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{safe}.pdf")
}

fn write(pages: &[Page], fonts: &Fonts, title: String) -> Result<Vec<u8>, PdfError> {
    let mut pdf = krilla::Document::new();
    pdf.set_metadata(
        Metadata::new()
            .title(title)
            .language("pl".into())
            .creator("Panel klienta".into()),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| PdfError::Write("the A4 page size".into()))?;
    let black = Fill {
        paint: rgb::Color::black().into(),
        ..Fill::default()
    };
    for page in pages {
        let mut pdf_page = pdf.start_page_with(settings.clone());
        let mut surface = pdf_page.surface();
        for op in &page.ops {
            match op {
                Op::Text { x, y, shaped } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(black.clone()));
                    surface.draw_glyphs(
                        Point::from_xy(*x, *y),
                        &shaped.glyphs,
                        fonts.font(shaped.style.weight),
                        &shaped.text,
                        shaped.style.size,
                        false,
                    );
                }
                Op::Line { x1, x2, y, width } => {
                    let mut path = PathBuilder::new();
                    path.move_to(*x1, *y);
                    path.line_to(*x2, *y);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: luma::Color::new(90).into(),
                            width: *width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Modules {
                    x,
                    y,
                    module,
                    cells,
                } => {
                    let mut path = PathBuilder::new();
                    for (column, row) in cells {
                        let left = x + *column as f32 * module;
                        let top = y + *row as f32 * module;
                        if let Some(rect) = Rect::from_xywh(left, top, *module, *module) {
                            path.push_rect(rect);
                        }
                    }
                    if let Some(path) = path.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(black.clone()));
                        surface.draw_path(&path);
                    }
                }
                Op::Band {
                    x,
                    y,
                    width,
                    height,
                } => {
                    let mut path = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                        path.push_rect(rect);
                    }
                    if let Some(path) = path.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill {
                            paint: luma::Color::new(232).into(),
                            ..Fill::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        pdf_page.finish();
    }
    pdf.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_becomes_a_pdf_named_after_its_number() {
        let document =
            Document::unpaid_proforma_for_tests(1, None, jiff::civil::date(2026, 11, 20));
        let seller = Seller::sample().unwrap_or_else(|e| unreachable!("{e}"));
        let pdf = render(&document, &seller, "PF/2026/11/0001 KL-000001", None);
        let pdf = pdf.unwrap_or_else(|e| unreachable!("{e}"));
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(
            pdf.len() < 100_000,
            "the fonts are subset: {} bytes",
            pdf.len()
        );
        assert_eq!(file_name(&document), "PF-2026-11-0001.pdf");
    }
}

/// `scripts/bench` runs it: `cargo test --release --lib -- --ignored --nocapture pdf_render_time`.
#[cfg(test)]
mod timing {
    use super::*;
    use crate::domain::{DocumentStatus, Line};
    use std::time::{Duration, Instant};

    fn percentile(sorted: &[Duration], p: usize) -> Duration {
        let index = (sorted.len() * p / 100).min(sorted.len().saturating_sub(1));
        sorted.get(index).copied().unwrap_or_default()
    }

    fn measure(document: &Document, runs: usize) -> (Duration, Duration, usize) {
        let seller = Seller::sample().unwrap_or_else(|e| unreachable!("{e}"));
        let mut times = Vec::with_capacity(runs);
        let mut size = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let pdf = render(document, &seller, "FV/2026/11/0001 KL-000001", None);
            times.push(start.elapsed());
            size = pdf.map(|p| p.len()).unwrap_or_default();
        }
        times.sort();
        (percentile(&times, 50), percentile(&times, 99), size)
    }

    #[test]
    #[ignore = "a measurement, not a test: run by scripts/bench in release"]
    fn pdf_render_time() {
        let mut invoice =
            Document::unpaid_proforma_for_tests(1, None, jiff::civil::date(2026, 11, 20));
        invoice.kind = crate::domain::DocumentKind::VatInvoice;
        invoice.status = DocumentStatus::Issued;
        let line = invoice.lines[0].clone();
        let lines = |n: usize| -> Vec<Line> {
            (0..n)
                .map(|i| Line {
                    description: format!(
                        "Odnowienie: Hosting WWW firma-{i}.pl (Hosting Biznes), do 31.12.2027"
                    ),
                    ..line.clone()
                })
                .collect()
        };
        // Measured once before timing: the first render parses the embedded fonts.
        let _ = measure(&invoice, 1);
        invoice.lines = lines(3);
        let (p50, p99, size) = measure(&invoice, 1000);
        println!(
            "PDF render, 1 page (3 lines), 1000 runs: p50 {p50:.2?}, p99 {p99:.2?}, {size} bytes"
        );
        invoice.lines = lines(60);
        let (p50, p99, size) = measure(&invoice, 200);
        println!(
            "PDF render, 3 pages (60 lines), 200 runs: p50 {p50:.2?}, p99 {p99:.2?}, {size} bytes"
        );
    }
}
