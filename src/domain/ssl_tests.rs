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

fn issue_task(state: TaskState) -> Task {
    Task {
        id: 1,
        service_id: 1,
        account_id: 1,
        service_name: "przykladowa-firma.pl".into(),
        service_kind: Some(super::super::ServiceKind::Ssl),
        action: TaskAction::IssueCertificate {
            common_name: "przykladowa-firma.pl".into(),
        },
        state,
        tries: 1,
        next_try: None,
        last_error: None,
        created_at: Timestamp::UNIX_EPOCH,
        updated_at: None,
        note: None,
    }
}

fn certificate(
    lifecycle: super::super::service::Lifecycle,
    chain: Option<&IssuedChain>,
) -> Service {
    let mut service = Service::live_domain_for_tests(1, jiff::civil::date(2026, 12, 26));
    service.kind = super::super::ServiceKind::Ssl;
    service.lifecycle = lifecycle;
    service.details = ServiceDetails::Ssl {
        common_name: "przykladowa-firma.pl".into(),
        chain: chain.map(|c| c.pem.clone()),
        valid_from: chain.map(|c| c.valid_from),
        valid_to: chain.map(|c| c.valid_to),
    };
    service
}

#[test]
fn the_state_follows_payment_the_issue_task_the_chain_and_expiry() {
    use super::super::service::Lifecycle;
    let chain = parse_chain(DEMO, "przykladowa-firma.pl").unwrap_or_else(|e| unreachable!("{e}"));
    let now: Timestamp = "2026-12-06T12:00:00Z"
        .parse()
        .unwrap_or_else(|e| unreachable!("{e}"));
    let day = jiff::civil::date(2026, 12, 6);
    let state = |service: &Service, tasks: &[Task]| certificate_state(service, tasks, now, day);
    assert_eq!(
        state(&certificate(Lifecycle::Pending, None), &[]),
        CertificateState::AwaitingPayment
    );
    let paid = certificate(Lifecycle::Live, None);
    assert_eq!(
        state(&paid, &[issue_task(TaskState::Done)]),
        CertificateState::Issuing
    );
    let failed = issue_task(TaskState::Failed {
        reason: "CA odmówiło".into(),
    });
    assert_eq!(
        state(&paid, std::slice::from_ref(&failed)).label(),
        "Błąd wydawania: CA odmówiło"
    );
    let issued = certificate(Lifecycle::Live, Some(&chain));
    assert_eq!(state(&issued, &[failed]), CertificateState::Issued);
    let later = "2026-12-27T00:00:00Z"
        .parse()
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(
        certificate_state(&issued, &[], later, day),
        CertificateState::Expired,
        "past notAfter"
    );
    assert_eq!(
        state(&certificate(Lifecycle::Suspended, Some(&chain)), &[]),
        CertificateState::Expired
    );
}

#[test]
fn a_chain_printed_for_an_issue_task_is_kept_and_a_bad_one_fails_it() {
    let task = issue_task(TaskState::Running);
    let (result, chain) = outcome_of(&task, Ok(Some(format!("gotowe\n{DEMO}"))));
    assert_eq!(result, Ok(()));
    assert!(chain.is_some());
    assert_eq!(
        outcome_of(&task, Ok(Some("gotowe".into()))),
        (Ok(()), None),
        "no chain: done, none stored"
    );
    let (result, chain) = outcome_of(&task, Ok(Some(OTHER.into())));
    assert_eq!(
        result,
        Err(DriverError::Permanent(
            "Serwer zwrócił certyfikat wystawiony dla innej domeny.".into()
        ))
    );
    assert!(chain.is_none());
    let mut suspend = issue_task(TaskState::Running);
    suspend.action = TaskAction::Suspend;
    assert_eq!(
        outcome_of(&suspend, Ok(Some(DEMO.into()))),
        (Ok(()), None),
        "only an issue stores a chain"
    );
}
