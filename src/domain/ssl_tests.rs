use super::*;

const DEMO: &str = include_str!("../demo_certificate.pem");
const OTHER: &str = include_str!("../../tests/api/fixtures/inna-domena.pl.pem");

#[test]
fn a_chain_for_the_domain_is_read_with_its_validity_and_nothing_but_certificates_is_kept() {
    let text = format!(
        "wydano\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n{DEMO}{OTHER}"
    );
    let chain = parse_chain(&text, "przykladowa-firma.pl").unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(chain.valid_from.to_string(), "2025-12-25T23:00:00Z");
    assert_eq!(chain.valid_to.to_string(), "2026-12-26T22:59:59Z");
    assert_eq!(chain.pem.matches("BEGIN CERTIFICATE").count(), 2);
    assert!(!chain.pem.contains("PRIVATE KEY"));
    assert!(
        parse_chain(DEMO, "www.przykladowa-firma.pl").is_ok(),
        "a SAN"
    );
}

#[test]
fn a_chain_for_another_domain_or_no_chain_is_refused() {
    assert!(matches!(
        parse_chain(OTHER, "przykladowa-firma.pl"),
        Err(ChainError::WrongDomain { .. })
    ));
    assert_eq!(
        parse_chain("gotowe", "a.pl"),
        Err(ChainError::NoCertificate)
    );
    let broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert!(matches!(
        parse_chain(broken, "a.pl"),
        Err(ChainError::Unreadable(1, _))
    ));
}

#[test]
fn a_wildcard_covers_direct_subdomains_only() {
    assert!(covers("*.firma.pl", "sklep.firma.pl"));
    assert!(!covers("*.firma.pl", "firma.pl"));
    assert!(!covers("*.firma.pl", "a.b.firma.pl"));
    assert!(covers("firma.pl", "firma.pl"));
}
