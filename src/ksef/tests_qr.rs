//! KOD I (the link of `kody-qr.md`, its QR code), KSeF numbers and the environment setting.

use super::qr::{Modules, base64url, invoice_link, xml_hash};
use super::*;

#[test]
fn the_link_for_the_example_of_kody_qr_md_equals_the_example() {
    let link = invoice_link(
        KsefEnv::Test,
        "1111111111",
        jiff::civil::date(2026, 2, 1),
        "UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE",
    );
    assert_eq!(
        link,
        "https://qr-test.ksef.mf.gov.pl/invoice/1111111111/01-02-2026/UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE"
    );
    let prod = invoice_link(
        KsefEnv::Production,
        "1111111111",
        jiff::civil::date(2026, 2, 1),
        "h",
    );
    assert_eq!(
        prod,
        "https://qr.ksef.mf.gov.pl/invoice/1111111111/01-02-2026/h"
    );
}

#[test]
fn the_hash_is_sha256_in_base64url_without_padding() {
    // SHA-256 of "abc" (FIPS 180-2), 32 bytes: 43 characters, '-' and '_' instead of '+' and '/'.
    assert_eq!(
        xml_hash(b"abc"),
        "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
    );
    assert_eq!(base64url(b"\xfb\xff"), "-_8");
    assert_eq!(base64url(b"Ma"), "TWE");
}

#[test]
fn the_qr_modules_decode_back_to_the_link() {
    let link = invoice_link(
        KsefEnv::Demo,
        "1234563218",
        jiff::civil::date(2026, 12, 1),
        &xml_hash(b"<Faktura/>"),
    );
    let modules = Modules::of(&link).unwrap_or_else(|| unreachable!());
    let scale = 4;
    let size = modules.full_width() * scale;
    let dark: std::collections::HashSet<(usize, usize)> = modules.dark_cells().collect();
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
        if dark.contains(&(x / scale, y / scale)) {
            0
        } else {
            255
        }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(content, link);
}

#[test]
fn a_ksef_number_is_recognised_by_its_form() {
    assert!(is_ksef_number("5265877635-20250826-0100001AF629-AF"));
    assert!(is_ksef_number("5265877635-20250826-010000-1AF629-AF"));
    assert!(!is_ksef_number("5265877635-20250826-0100001AF629"));
    assert!(!is_ksef_number("0265877635-20250826-0100001AF629-AF"));
    assert!(!is_ksef_number("5265877635-20251341-0100001AF629-AF"));
    assert!(!is_ksef_number("5265877635-20250826-0100001af629-AF"));
}

#[test]
fn the_ksef_environment_is_a_setting_and_a_wrong_one_is_named_in_the_error() {
    use clap::Parser;
    let env_of = |args: &[&str]| {
        crate::config::Cli::try_parse_from(args).map(|cli| cli.serve.seller.ksef_env)
    };
    assert_eq!(env_of(&["panel"]).ok(), Some(KsefEnv::Test));
    assert_eq!(
        env_of(&["panel", "--ksef-env", "production"]).ok(),
        Some(KsefEnv::Production)
    );
    assert_eq!(
        env_of(&["panel", "--ksef-env", "demo"]).ok(),
        Some(KsefEnv::Demo)
    );
    let wrong = env_of(&["panel", "--ksef-env", "prod"])
        .err()
        .map(|e| e.to_string());
    let wrong = wrong.unwrap_or_default();
    assert!(
        wrong.contains("--ksef-env") && wrong.contains("production"),
        "{wrong}"
    );
}
