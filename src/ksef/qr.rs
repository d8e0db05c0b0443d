//! KOD I, the KSeF verification QR code of an invoice (`kody-qr.md`): a link made of the
//! environment's address, the seller's NIP, the issue date (`DD-MM-RRRR`) and the SHA-256 of the
//! invoice's XML file in Base64URL; drawn as a module matrix (SVG on the page, squares in the PDF).

use super::KsefEnv;
use jiff::civil::Date;
use sha2::{Digest, Sha256};

/// Quiet zone around the code, in modules (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;

/// Base64URL without padding (RFC 4648 §5), as KSeF writes the hash.
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// The invoice file's hash as the link carries it.
pub fn xml_hash(xml: &[u8]) -> String {
    base64url(&Sha256::digest(xml))
}

/// `https://qr-test.ksef.mf.gov.pl/invoice/1111111111/01-02-2026/UtQp…`
pub fn invoice_link(env: KsefEnv, seller_nip: &str, issued_on: Date, hash: &str) -> String {
    format!(
        "{}/invoice/{seller_nip}/{}/{hash}",
        env.qr_base(),
        issued_on.strftime("%d-%m-%Y")
    )
}

/// The QR code's modules, row by row (true: dark), without the quiet zone.
pub struct Modules {
    pub width: usize,
    pub dark: Vec<bool>,
}

impl Modules {
    /// `None` only for a text too long for any QR version (a link never is).
    pub fn of(text: &str) -> Option<Modules> {
        let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Some(Modules { width, dark })
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// The dark modules' positions, counted from the top left corner of the quiet zone.
    pub fn dark_cells(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.width).flat_map(move |y| {
            (0..self.width)
                .filter(move |x| self.is_dark(*x, y))
                .map(move |x| (x + QUIET_ZONE, y + QUIET_ZONE))
        })
    }

    /// Width with the quiet zone on both sides.
    pub fn full_width(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }

    /// An inline SVG that scales with its box (one path, no script).
    pub fn svg(&self, label: &str) -> String {
        let size = self.full_width();
        let mut path = String::new();
        for (x, y) in self.dark_cells() {
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
             shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{label}\">\
             <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"{path}\"/></svg>"
        )
    }
}
