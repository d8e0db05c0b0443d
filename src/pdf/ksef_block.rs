//! The KSeF verification code (KOD I) at the end of an invoice's PDF: the QR code drawn as
//! filled squares, the KSeF number (or OFFLINE) under it, and the link it encodes.

use super::KsefCode;
use super::canvas::{CONTENT_WIDTH, Canvas, MARGIN};
use super::fonts::Style;
use crate::ksef::qr::Modules;

const HEADING: Style = Style::bold(8.0);
const LABEL: Style = Style::bold(8.0);
const LINK: Style = Style::regular(7.0);
/// One module: 85 points (3 cm) for a version-6 code with its quiet zone.
const MODULE: f32 = 1.75;

pub fn draw(c: &mut Canvas, code: &KsefCode) {
    let Some(modules) = Modules::of(&code.link) else {
        return;
    };
    let side = modules.full_width() as f32 * MODULE;
    let height =
        16.0 + HEADING.line_height() + side + LABEL.line_height() + 2.0 * LINK.line_height();
    c.ensure(height);
    c.space(16.0);
    c.text_at(MARGIN, "Kod weryfikacyjny KSeF", HEADING);
    c.y += HEADING.line_height();
    c.modules(MARGIN, MODULE, modules.dark_cells().collect());
    c.y += side;
    // Under the code, aligned with its modules (inside the quiet zone).
    let inset = MARGIN + crate::ksef::qr::QUIET_ZONE as f32 * MODULE;
    c.text_at(inset, &code.label, LABEL);
    c.y += LABEL.line_height();
    c.paragraph(inset, CONTENT_WIDTH, &code.link, LINK);
}

#[cfg(test)]
mod tests {
    use super::super::canvas::{Op, Page};
    use super::super::fonts::Fonts;
    use super::super::layout::lay_out;
    use super::super::sheet::Sheet;
    use super::*;
    use crate::domain::seller::Seller;
    use crate::domain::{Document, DocumentKind, DocumentStatus};

    const LINK: &str = "https://qr-test.ksef.mf.gov.pl/invoice/1234563218/01-12-2026/UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE";

    fn pages(code: &KsefCode) -> Vec<Page> {
        let document = Document {
            kind: DocumentKind::VatInvoice,
            status: DocumentStatus::Issued,
            ..Document::unpaid_proforma_for_tests(1, None, jiff::civil::date(2026, 12, 8))
        };
        let seller = Seller::sample().unwrap_or_else(|e| unreachable!("{e}"));
        let fonts = Fonts::get().unwrap_or_else(|| unreachable!("the embedded fonts parse"));
        let mut sheet = Sheet::of(&document, &seller, "ignored", None);
        sheet.ksef = Some(code);
        lay_out(&sheet, &fonts)
    }

    #[test]
    fn the_pdf_draws_the_qr_code_that_decodes_to_the_link_printed_under_it() {
        let code = KsefCode {
            link: LINK.into(),
            label: "OFFLINE".into(),
        };
        let pages = pages(&code);
        let last = pages.last().unwrap_or_else(|| unreachable!());
        let texts = last.texts();
        assert!(texts.contains(&"Kod weryfikacyjny KSeF") && texts.contains(&"OFFLINE"));
        assert!(texts.contains(&LINK), "{texts:?}");
        let cells = last.ops.iter().find_map(|op| match op {
            Op::Modules { cells, .. } => Some(cells.clone()),
            _ => None,
        });
        let cells: std::collections::HashSet<(usize, usize)> =
            cells.unwrap_or_default().into_iter().collect();
        let size = 4 * (cells.iter().map(|c| c.0.max(c.1)).max().unwrap_or(0) + 5);
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
            if cells.contains(&(x / 4, y / 4)) {
                0
            } else {
                255
            }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        let decoded = grids[0].decode().map(|(_, text)| text).unwrap_or_default();
        assert_eq!(decoded, LINK);
    }
}
