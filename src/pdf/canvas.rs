//! Pages as lists of drawing operations, filled top to bottom: a cursor, a new page when the
//! next block does not fit. Nothing here writes PDF, so layouts are tested as plain data.

use super::fonts::{Fonts, Shaped, Style};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
pub const MARGIN: f32 = 42.0;
/// Kept free at the bottom of every page for the footer.
pub const FOOTER_HEIGHT: f32 = 24.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

#[derive(Clone, Debug)]
pub enum Op {
    /// `y` is the baseline.
    Text { x: f32, y: f32, shaped: Shaped },
    Line {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
    },
    /// Black squares of `module` points at the given (column, row) cells from the top left
    /// corner (`x`, `y`): a QR code.
    Modules {
        x: f32,
        y: f32,
        module: f32,
        cells: Vec<(usize, usize)>,
    },
    /// A light grey band (table headers).
    Band {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Page {
    pub ops: Vec<Op>,
}

impl Page {
    /// The page's text in drawing order, for tests.
    #[cfg(test)]
    pub fn texts(&self) -> Vec<&str> {
        self.ops
            .iter()
            .filter_map(|op| match op {
                Op::Text { shaped, .. } => Some(shaped.text.as_str()),
                _ => None,
            })
            .collect()
    }
}

pub struct Canvas<'f> {
    pub fonts: &'f Fonts,
    pages: Vec<Page>,
    /// The top of the free space on the current page.
    pub y: f32,
}

impl<'f> Canvas<'f> {
    pub fn new(fonts: &'f Fonts) -> Canvas<'f> {
        Canvas {
            fonts,
            pages: vec![Page::default()],
            y: MARGIN,
        }
    }

    fn bottom() -> f32 {
        PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT
    }

    /// Starts a new page unless `height` still fits on this one; true when it started one.
    pub fn ensure(&mut self, height: f32) -> bool {
        if self.y + height <= Self::bottom() || self.y <= MARGIN {
            return false;
        }
        self.pages.push(Page::default());
        self.y = MARGIN;
        true
    }

    pub fn space(&mut self, height: f32) {
        self.y += height;
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.ops.push(op);
        }
    }

    /// One line of text whose top is at the cursor (the cursor does not move).
    pub fn text_at(&mut self, x: f32, text: &str, style: Style) -> f32 {
        let shaped = self.fonts.shape(text, style);
        let width = shaped.width;
        let y = self.baseline(style);
        self.push(Op::Text { x, y, shaped });
        width
    }

    /// One line of text ending at `right`; shrunk to fit `max_width` if it is wider (an amount
    /// in the millions in a narrow column).
    pub fn text_right(&mut self, right: f32, text: &str, style: Style, max_width: f32) {
        let mut shaped = self.fonts.shape(text, style);
        if shaped.width > max_width && shaped.width > 0.0 {
            let size = (style.size * max_width / shaped.width).max(4.0);
            shaped = self.fonts.shape(text, Style { size, ..style });
        }
        let y = self.baseline(style);
        self.push(Op::Text {
            x: right - shaped.width,
            y,
            shaped,
        });
    }

    fn baseline(&self, style: Style) -> f32 {
        self.y + style.size * 0.95
    }

    /// Wrapped text from the cursor down; the cursor moves below it. Breaks pages between lines.
    pub fn paragraph(&mut self, x: f32, width: f32, text: &str, style: Style) {
        for line in self.fonts.wrap(text, style, width) {
            self.ensure(style.line_height());
            self.text_at(x, &line, style);
            self.y += style.line_height();
        }
    }

    /// A horizontal rule at the cursor.
    pub fn rule(&mut self, x1: f32, x2: f32, width: f32) {
        let y = self.y;
        self.push(Op::Line { x1, x2, y, width });
    }

    /// A QR code's dark modules, its top left corner at (`x`, the cursor).
    pub fn modules(&mut self, x: f32, module: f32, cells: Vec<(usize, usize)>) {
        let y = self.y;
        self.push(Op::Modules {
            x,
            y,
            module,
            cells,
        });
    }

    pub fn band(&mut self, x: f32, width: f32, height: f32) {
        let y = self.y;
        self.push(Op::Band {
            x,
            y,
            width,
            height,
        });
    }

    /// The pages, each with its footer ("Strona 1 z 2" and `label`).
    pub fn finish(mut self, label: &str) -> Vec<Page> {
        let count = self.pages.len();
        let style = Style::regular(7.5);
        let y = PAGE_HEIGHT - MARGIN;
        for (i, page) in self.pages.iter_mut().enumerate() {
            page.ops.push(Op::Line {
                x1: MARGIN,
                x2: PAGE_WIDTH - MARGIN,
                y: y - 10.0,
                width: 0.4,
            });
            let number = self
                .fonts
                .shape(&format!("Strona {} z {count}", i + 1), style);
            page.ops.push(Op::Text {
                x: PAGE_WIDTH - MARGIN - number.width,
                y,
                shaped: number,
            });
            page.ops.push(Op::Text {
                x: MARGIN,
                y,
                shaped: self.fonts.shape(label, style),
            });
        }
        self.pages
    }
}
