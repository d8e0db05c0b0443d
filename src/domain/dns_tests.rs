#![allow(clippy::unwrap_used, clippy::panic)] // A test fails loudly on what it did not expect.

use super::*;
use crate::domain::dns_form::RecordForm;

const ZONE: &str = "firma.pl";

fn form(typ: &str, nazwa: &str, wartosc: &str) -> RecordForm {
    RecordForm {
        typ: typ.into(),
        nazwa: nazwa.into(),
        wartosc: wartosc.into(),
        ..RecordForm::default()
    }
}

fn error_of(form: &RecordForm, field: &str) -> String {
    match form.parse(ZONE) {
        Ok(record) => panic!("accepted: {record:?}"),
        Err(errors) => errors.of(field).unwrap_or_default().to_string(),
    }
}

fn record(name: &str, data: RecordData) -> DnsRecord {
    DnsRecord {
        id: 0,
        name: name.into(),
        ttl: DEFAULT_TTL,
        data,
    }
}

fn cname(target: &str) -> RecordData {
    RecordData::Cname {
        target: Hostname::parse(target).unwrap(),
    }
}

#[test]
fn hostnames_are_stored_in_ascii_and_bad_ones_refused() {
    assert_eq!(
        Hostname::parse(" NS1.Example.NET. ").unwrap().ascii(),
        "ns1.example.net"
    );
    let idn = Hostname::parse("ns.zażółć.pl").unwrap();
    assert!(idn.ascii().starts_with("ns.xn--"));
    assert_eq!(idn.shown(), "ns.zażółć.pl");
    for bad in [
        "",
        "ns1",
        "ns1..example.net",
        "-ns.example.net",
        "ns_1.example.net",
        "ns 1.pl",
        "192.0.2.1",
    ] {
        assert!(Hostname::parse(bad).is_err(), "{bad}");
    }
    assert!(Hostname::parse(&format!("{}.pl", "a".repeat(64))).is_err());
}

#[test]
fn nameservers_are_two_to_thirteen_without_repeats() {
    let two = parse_nameservers("ns1.example.net\nns2.example.net").unwrap();
    assert_eq!(two.len(), 2);
    assert!(
        parse_nameservers("ns1.example.net")
            .unwrap_err()
            .contains("co najmniej 2")
    );
    let fourteen: Vec<String> = (1..=14).map(|i| format!("ns{i}.example.net")).collect();
    assert!(
        parse_nameservers(&fourteen.join("\n"))
            .unwrap_err()
            .contains("najwyżej 13")
    );
    assert!(parse_nameservers(&fourteen[..13].join(", ")).is_ok());
    assert!(
        parse_nameservers("ns1.example.net ns1.example.net.")
            .unwrap_err()
            .contains("dwa razy")
    );
    assert!(
        parse_nameservers("ns1.example.net zły!.pl")
            .unwrap_err()
            .starts_with("„zły!.pl”")
    );
}

#[test]
fn names_are_relative_to_the_zone() {
    assert_eq!(relative_name("", ZONE).unwrap(), "@");
    assert_eq!(relative_name("@", ZONE).unwrap(), "@");
    assert_eq!(relative_name("firma.pl.", ZONE).unwrap(), "@");
    assert_eq!(relative_name("WWW.firma.pl", ZONE).unwrap(), "www");
    assert_eq!(relative_name("_dmarc", ZONE).unwrap(), "_dmarc");
    assert_eq!(relative_name("*.sklep", ZONE).unwrap(), "*.sklep");
    assert_eq!(shown_name(&relative_name("żółw", ZONE).unwrap()), "żółw");
    assert!(relative_name("a*.sklep", ZONE).is_err());
    assert!(relative_name("w w", ZONE).is_err());
    assert!(relative_name("www..x", ZONE).is_err());
    let long = relative_name(&"a".repeat(64), ZONE).unwrap_err();
    assert!(long.contains("63"), "{long}");
    assert!(
        relative_name("sklep!", ZONE)
            .unwrap_err()
            .contains("podkreślenia")
    );
}

#[test]
fn addresses_parse_per_type() {
    let a = form("A", "www", "192.0.2.10").parse(ZONE).unwrap();
    assert_eq!(
        a.data,
        RecordData::A {
            address: [192, 0, 2, 10].into()
        }
    );
    assert_eq!(a.ttl, DEFAULT_TTL);
    assert!(error_of(&form("A", "www", "192.0.2.300"), "wartosc").contains("IPv4"));
    assert!(error_of(&form("A", "www", "2001:db8::1"), "wartosc").contains("IPv4"));
    assert!(form("AAAA", "@", "2001:db8::1").parse(ZONE).is_ok());
    assert!(error_of(&form("AAAA", "@", "192.0.2.1"), "wartosc").contains("IPv6"));
    assert!(error_of(&form("SOA", "@", "x"), "typ").contains("Wybierz typ"));
}

#[test]
fn ttl_is_between_a_minute_and_a_day() {
    let with_ttl = |ttl: &str| RecordForm {
        ttl: ttl.into(),
        ..form("A", "www", "192.0.2.1")
    };
    assert_eq!(with_ttl("60").parse(ZONE).unwrap().ttl, 60);
    assert_eq!(with_ttl("86400").parse(ZONE).unwrap().ttl, 86_400);
    for bad in ["59", "86401", "godzina", "-1"] {
        assert!(
            error_of(&with_ttl(bad), "ttl").contains("od 60 do 86400"),
            "{bad}"
        );
    }
}

#[test]
fn cname_is_not_at_the_apex_and_stands_alone_at_its_name() {
    assert!(error_of(&form("CNAME", "@", "www.example.net"), "nazwa").contains("wierzchołku"));
    let mut zone = DomainZone::default();
    zone.apply(RecordChange::Add(record(
        "www",
        RecordData::A {
            address: [192, 0, 2, 1].into(),
        },
    )))
    .unwrap();
    let refused = zone
        .apply(RecordChange::Add(record("www", cname("example.net"))))
        .unwrap_err();
    assert!(refused.1.contains("jedyny"));
    zone.apply(RecordChange::Add(record("blog", cname("example.net"))))
        .unwrap();
    let refused = zone.apply(RecordChange::Add(record(
        "blog",
        RecordData::A {
            address: [192, 0, 2, 2].into(),
        },
    )));
    assert!(refused.unwrap_err().1.contains("CNAME"));
    assert_eq!(
        zone.records.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![1, 2]
    );
}

#[test]
fn a_record_replaced_by_itself_is_no_conflict_and_the_same_record_twice_is() {
    let mut zone = DomainZone::default();
    zone.apply(RecordChange::Add(record("blog", cname("example.net"))))
        .unwrap();
    let mut edited = record("blog", cname("example.org"));
    edited.id = 1;
    assert_eq!(zone.apply(RecordChange::Replace(edited)), Ok(true));
    let again = zone.apply(RecordChange::Add(record("blog", cname("example.org"))));
    assert!(again.unwrap_err().1.contains("już istnieje"));
    let mut missing = record("x", cname("example.org"));
    missing.id = 9;
    assert_eq!(zone.apply(RecordChange::Replace(missing)), Ok(false));
    assert_eq!(zone.apply(RecordChange::Delete(1)), Ok(true));
    assert_eq!(zone.apply(RecordChange::Delete(1)), Ok(false));
    zone.apply(RecordChange::Add(record(
        "@",
        RecordData::Txt {
            strings: vec!["a".into()],
        },
    )))
    .unwrap();
    let twice = zone.apply(RecordChange::Add(record(
        "@",
        RecordData::Txt {
            strings: vec!["a".into()],
        },
    )));
    assert!(twice.unwrap_err().1.contains("już istnieje"));
}

#[test]
fn mx_needs_a_priority_up_to_65535_and_a_host() {
    let mx = |p: &str, host: &str| RecordForm {
        priorytet: p.into(),
        ..form("MX", "@", host)
    };
    assert!(mx("10", "mail.firma.pl").parse(ZONE).is_ok());
    assert!(mx("0", "mail.firma.pl").parse(ZONE).is_ok());
    assert!(error_of(&mx("65536", "mail.firma.pl"), "priorytet").contains("0 do 65535"));
    assert!(error_of(&mx("", "mail.firma.pl"), "priorytet").contains("0 do 65535"));
    assert!(!error_of(&mx("10", "mail"), "wartosc").is_empty());
}

#[test]
fn long_txt_is_split_into_strings_of_255() {
    let long = "v".repeat(600);
    let strings = txt_strings(&long).unwrap();
    assert_eq!(
        strings.iter().map(String::len).collect::<Vec<_>>(),
        vec![255, 255, 90]
    );
    assert_eq!(txt_strings("\"v=spf1 -all\"").unwrap(), vec!["v=spf1 -all"]);
    let polish = "ż".repeat(200);
    assert!(
        txt_strings(&polish)
            .unwrap()
            .iter()
            .all(|s| s.len() <= TXT_CHUNK)
    );
    assert!(error_of(&form("TXT", "@", ""), "wartosc").contains("treść"));
    assert!(error_of(&form("TXT", "@", "a\"b"), "wartosc").contains("cudzysłowów"));
    assert!(txt_strings(&"x".repeat(4_001)).is_err());
}

#[test]
fn srv_needs_its_numbers_a_target_and_a_service_name() {
    let srv = |name: &str, p: &str, w: &str, port: &str| RecordForm {
        priorytet: p.into(),
        waga: w.into(),
        port: port.into(),
        ..form("SRV", name, "sip.firma.pl")
    };
    let ok = srv("_sip._tcp", "10", "5", "5060").parse(ZONE).unwrap();
    assert_eq!(ok.data.shown(), "10 5 5060 sip.firma.pl");
    assert!(error_of(&srv("sip", "10", "5", "5060"), "nazwa").contains("_usługa._protokół"));
    assert!(error_of(&srv("_sip._tcp", "10", "x", "5060"), "waga").contains("Waga"));
    assert!(error_of(&srv("_sip._tcp", "10", "5", "0"), "port").contains("Port"));
    assert!(error_of(&srv("_sip._tcp", "10", "5", "70000"), "port").contains("Port"));
}

#[test]
fn caa_needs_a_flag_a_known_tag_and_a_fitting_value() {
    let caa = |flag: &str, tag: &str, value: &str| RecordForm {
        flaga: flag.into(),
        tag: tag.into(),
        ..form("CAA", "@", value)
    };
    assert!(caa("0", "issue", "letsencrypt.org").parse(ZONE).is_ok());
    assert!(caa("128", "issuewild", ";").parse(ZONE).is_ok());
    assert!(
        caa("0", "iodef", "mailto:admin@firma.pl")
            .parse(ZONE)
            .is_ok()
    );
    assert!(error_of(&caa("256", "issue", "letsencrypt.org"), "flaga").contains("Flaga"));
    assert!(error_of(&caa("0", "policy", "letsencrypt.org"), "tag").contains("issue"));
    assert!(error_of(&caa("0", "issue", "lets encrypt"), "wartosc").contains("wystawcy"));
    assert!(error_of(&caa("0", "iodef", "admin@firma.pl"), "wartosc").contains("mailto"));
}

#[test]
fn a_stored_record_fills_the_form_that_gives_it_back() {
    for (typ, value) in [
        ("MX", "mail.firma.pl"),
        ("TXT", "v=spf1 -all"),
        ("CNAME", "żółw.pl"),
    ] {
        let sent = RecordForm {
            priorytet: "5".into(),
            ..form(typ, "biuro", value)
        };
        let stored = sent.parse(ZONE).unwrap();
        assert_eq!(RecordForm::of(&stored).parse(ZONE).unwrap(), stored);
    }
}

#[test]
fn a_task_carries_records_with_their_type() {
    let json = serde_json::to_string(&record(
        "@",
        RecordData::Mx {
            priority: 10,
            host: Hostname::parse("mx.firma.pl").unwrap(),
        },
    ))
    .unwrap();
    assert_eq!(
        json,
        r#"{"id":0,"name":"@","ttl":3600,"type":"MX","priority":10,"host":"mx.firma.pl"}"#
    );
    let back: DnsRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back.data.type_name(), "MX");
}
