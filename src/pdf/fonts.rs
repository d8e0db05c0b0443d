//! DejaVu Sans, embedded in the binary (krilla subsets it into each PDF), and text measured the
//! way it is drawn: shaped once with rustybuzz, the same glyphs go to the page. Latin script
//! only, left to right: all the panel's documents hold (Polish, digits, punctuation).

use krilla::text::{Font, GlyphId, KrillaGlyph};
use std::sync::{Arc, LazyLock};

static REGULAR_TTF: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// A font size and weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    pub size: f32,
    pub weight: Weight,
}

impl Style {
    pub const fn regular(size: f32) -> Style {
        Style {
            size,
            weight: Weight::Regular,
        }
    }

    pub const fn bold(size: f32) -> Style {
        Style {
            size,
            weight: Weight::Bold,
        }
    }

    /// Baseline to baseline.
    pub fn line_height(self) -> f32 {
        self.size * 1.3
    }
}

struct Face {
    shaper: rustybuzz::Face<'static>,
    /// Building a plan costs more than shaping a word: one per face, reused.
    plan: rustybuzz::ShapePlan,
    font: Font,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        let shaper = rustybuzz::Face::from_slice(data, 0)?;
        let plan = rustybuzz::ShapePlan::new(
            &shaper,
            rustybuzz::Direction::LeftToRight,
            Some(rustybuzz::script::LATIN),
            None,
            &[],
        );
        Some(Face {
            shaper,
            plan,
            font: Font::new(data.into(), 0)?,
        })
    }
}

pub struct Fonts {
    regular: Face,
    bold: Face,
}

/// Parsed once per process; `None` only if the embedded files were broken at build time.
static FONTS: LazyLock<Option<Arc<Fonts>>> = LazyLock::new(|| {
    Some(Arc::new(Fonts {
        regular: Face::load(REGULAR_TTF)?,
        bold: Face::load(BOLD_TTF)?,
    }))
});

/// A piece of text shaped in one style, ready to be drawn.
#[derive(Clone, Debug)]
pub struct Shaped {
    pub text: String,
    pub style: Style,
    pub glyphs: Vec<KrillaGlyph>,
    /// In points, at `style.size`.
    pub width: f32,
}

impl Fonts {
    pub fn get() -> Option<Arc<Fonts>> {
        FONTS.clone()
    }

    fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    pub fn font(&self, weight: Weight) -> Font {
        self.face(weight).font.clone()
    }

    pub fn shape(&self, text: &str, style: Style) -> Shaped {
        let face = self.face(style.weight);
        let per_em = face.shaper.units_per_em().max(1) as f32;
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        buffer.set_script(rustybuzz::script::LATIN);
        let output = rustybuzz::shape_with_plan(&face.shaper, &face.plan, buffer);
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut advance = 0.0;
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            let end = infos[i..]
                .iter()
                .map(|next| next.cluster as usize)
                .find(|&cluster| cluster != start)
                .unwrap_or(text.len());
            let x_advance = pos.x_advance as f32 / per_em;
            advance += x_advance;
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                x_advance,
                pos.x_offset as f32 / per_em,
                pos.y_offset as f32 / per_em,
                pos.y_advance as f32 / per_em,
                start..end,
                None,
            ));
        }
        Shaped {
            text: text.to_string(),
            style,
            glyphs,
            width: advance * style.size,
        }
    }

    pub fn width(&self, text: &str, style: Style) -> f32 {
        self.shape(text, style).width
    }

    /// Breaks `text` into lines no wider than `max_width`: at spaces, and inside a word that is
    /// longer than a line by itself (a long domain name).
    pub fn wrap(&self, text: &str, style: Style, max_width: f32) -> Vec<String> {
        let space = self.width(" ", style);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_width = 0.0;
        for word in text.split_whitespace() {
            let width = self.width(word, style);
            let needed = if line.is_empty() {
                width
            } else {
                space + width
            };
            if line_width + needed <= max_width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_width += needed;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line_width = 0.0;
            for c in word.chars() {
                let char_width = self.width(c.encode_utf8(&mut [0; 4]), style);
                if !line.is_empty() && line_width + char_width > max_width {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += char_width;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Arc<Fonts> {
        Fonts::get().unwrap_or_else(|| unreachable!("the embedded fonts parse"))
    }

    #[test]
    fn polish_letters_have_their_own_glyphs() {
        let shaped = fonts().shape("Zażółć gęślą jaźń", Style::regular(10.0));
        assert!(shaped.glyphs.iter().all(|g| g.glyph_id.to_u32() != 0));
        assert!(
            shaped.width > 50.0 && shaped.width < 150.0,
            "{}",
            shaped.width
        );
        let bold = fonts().width("Zażółć gęślą jaźń", Style::bold(10.0));
        assert!(bold > shaped.width, "bold is wider");
    }

    #[test]
    fn long_text_wraps_at_spaces_and_every_line_fits() {
        let fonts = fonts();
        let style = Style::regular(8.0);
        let text =
            "Odnowienie: Hosting WWW firma-przykladowa.pl (Hosting Biznes 50 GB), do 31.12.2027";
        let lines = fonts.wrap(text, style, 120.0);
        assert!(lines.len() >= 3, "{lines:?}");
        assert!(
            lines.iter().all(|l| fonts.width(l, style) <= 120.0),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_longer_than_the_line_is_broken_inside() {
        let fonts = fonts();
        let style = Style::regular(8.0);
        let word = "bardzo-dluga-nazwa-domeny-ktora-nie-miesci-sie-w-kolumnie.com.pl";
        let lines = fonts.wrap(word, style, 60.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(
            lines.iter().all(|l| fonts.width(l, style) <= 60.0),
            "{lines:?}"
        );
        assert_eq!(lines.concat(), word);
        assert_eq!(fonts.wrap("", style, 60.0), vec![String::new()]);
    }
}
