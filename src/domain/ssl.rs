//! SSL certificates: the PEM chain a CA (through the host's script or the operator) hands over,
//! checked to name the certificate's domain and read for its validity, and the certificate's
//! state as the customer reads it. The panel never holds the private key: only certificates are
//! kept from what it is given. No I/O here.

use super::task::{DriverError, Task, TaskAction, TaskState};
use super::{Service, ServiceDetails, ServiceStatus};
use jiff::Timestamp;
use jiff::civil::Date;
use x509_cert::Certificate;
use x509_cert::der::{DecodePem, oid::AssociatedOid};
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";
/// More certificates than any real chain has: a sign of garbage.
const MAX_CERTIFICATES: usize = 10;

/// An issued chain: the certificates only (leaf first), as PEM, and the leaf's validity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedChain {
    pub pem: String,
    pub valid_from: Timestamp,
    pub valid_to: Timestamp,
}

/// Why a chain was refused (English: the operator and the log read it; the customer reads
/// `ChainError::customer_reason` when a host's script printed it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("no PEM certificate (-----BEGIN CERTIFICATE-----) found")]
    NoCertificate,
    #[error("more than {MAX_CERTIFICATES} certificates")]
    TooMany,
    #[error("certificate {0} of the chain is not a valid X.509 certificate: {1}")]
    Unreadable(usize, String),
    #[error("the first certificate is for {found}, not {expected}")]
    WrongDomain { expected: String, found: String },
    #[error("the certificate's validity is unreadable")]
    Validity,
}

impl ChainError {
    /// What the customer reads when the host's server handed back a bad chain.
    pub fn customer_reason(&self) -> String {
        match self {
            ChainError::WrongDomain { .. } => {
                "Serwer zwrócił certyfikat wystawiony dla innej domeny.".into()
            }
            _ => "Serwer zwrócił nieprawidłowy certyfikat.".into(),
        }
    }
}

/// The PEM blocks of certificates in `text` (anything else, a private key included, is dropped).
fn certificate_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start..];
        let Some(end) = after.find(END) else { break };
        let block: Vec<&str> = after[..end + END.len()]
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        blocks.push(block.join("\n"));
        rest = &after[end + END.len()..];
    }
    blocks
}

/// The DNS names a certificate is for: its subject alternative names, else its common name.
fn names_of(certificate: &Certificate) -> Vec<String> {
    let tbs = certificate.tbs_certificate();
    let mut names = Vec::new();
    for extension in tbs.extensions().into_iter().flatten() {
        if extension.extn_id != SubjectAltName::OID {
            continue;
        }
        if let Ok(san) =
            <SubjectAltName as x509_cert::der::Decode>::from_der(extension.extn_value.as_bytes())
        {
            for name in san.0 {
                if let GeneralName::DnsName(dns) = name {
                    names.push(dns.to_string().to_lowercase());
                }
            }
        }
    }
    if let Ok(Some(cn)) = tbs.subject().common_name() {
        names.push(String::from(cn).to_lowercase());
    }
    names
}

/// Whether a certificate name covers `domain` (ASCII): the same name, or `*.parent` for a
/// direct subdomain.
fn covers(name: &str, domain: &str) -> bool {
    let name = name.trim_end_matches('.');
    name == domain
        || name
            .strip_prefix("*.")
            .is_some_and(|parent| domain.split_once('.').is_some_and(|(_, d)| d == parent))
}

fn timestamp(time: x509_cert::time::Time) -> Result<Timestamp, ChainError> {
    let seconds =
        i64::try_from(time.to_unix_duration().as_secs()).map_err(|_| ChainError::Validity)?;
    Timestamp::from_second(seconds).map_err(|_| ChainError::Validity)
}

/// Reads a PEM chain for `domain` (ASCII): every certificate must parse, the first must name the
/// domain (a SAN or the CN); its notBefore/notAfter are the chain's validity.
pub fn parse_chain(text: &str, domain: &str) -> Result<IssuedChain, ChainError> {
    let blocks = certificate_blocks(text);
    if blocks.is_empty() {
        return Err(ChainError::NoCertificate);
    }
    if blocks.len() > MAX_CERTIFICATES {
        return Err(ChainError::TooMany);
    }
    let mut certificates = Vec::with_capacity(blocks.len());
    for (i, block) in blocks.iter().enumerate() {
        let certificate = Certificate::from_pem(block.as_bytes())
            .map_err(|e| ChainError::Unreadable(i + 1, e.to_string()))?;
        certificates.push(certificate);
    }
    let leaf = &certificates[0];
    let domain = domain.to_lowercase();
    let names = names_of(leaf);
    if !names.iter().any(|n| covers(n, &domain)) {
        return Err(ChainError::WrongDomain {
            expected: domain,
            found: names.first().cloned().unwrap_or_else(|| "(no name)".into()),
        });
    }
    let validity = leaf.tbs_certificate().validity();
    Ok(IssuedChain {
        pem: blocks.join("\n") + "\n",
        valid_from: timestamp(validity.not_before)?,
        valid_to: timestamp(validity.not_after)?,
    })
}

/// A domain's name in ASCII (the operator may have entered it in Unicode or capitals).
pub fn ascii_name(name: &str) -> String {
    super::shop::DomainName::parse(name)
        .map_or_else(|_| name.to_lowercase(), |d| d.ascii().to_string())
}

/// Whether a driver's output carries a chain at all (a script may print other things).
pub fn carries_chain(output: &str) -> bool {
    output.contains(BEGIN)
}

/// A run's result as the task records it, with the chain to store: an issue task whose driver
/// printed a chain has it checked for its domain (a bad one fails the task, nothing stored).
pub fn outcome_of(
    task: &Task,
    output: Result<Option<String>, DriverError>,
) -> (Result<(), DriverError>, Option<IssuedChain>) {
    let output = match output {
        Ok(output) => output,
        Err(e) => return (Err(e), None),
    };
    let TaskAction::IssueCertificate { common_name } = &task.action else {
        return (Ok(()), None);
    };
    match output.filter(|o| carries_chain(o)) {
        None => (Ok(()), None),
        Some(text) => match parse_chain(&text, common_name) {
            Ok(chain) => (Ok(()), Some(chain)),
            Err(e) => (Err(DriverError::Permanent(e.customer_reason())), None),
        },
    }
}

/// A certificate's state as the customer reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateState {
    /// Ordered; its proforma is not paid yet.
    AwaitingPayment,
    /// Paid; the CA has not handed the chain over yet.
    Issuing,
    Issued,
    /// The issue task failed; the reason is Polish.
    Failed(String),
    Expired,
}

impl CertificateState {
    pub fn label(&self) -> String {
        match self {
            CertificateState::AwaitingPayment => "Oczekuje na płatność".into(),
            CertificateState::Issuing => "W trakcie wydawania".into(),
            CertificateState::Issued => "Wydany".into(),
            CertificateState::Failed(reason) => format!("Błąd wydawania: {reason}"),
            CertificateState::Expired => "Wygasł".into(),
        }
    }

    pub fn tone(&self) -> &'static str {
        match self {
            CertificateState::Issued => "ok",
            CertificateState::AwaitingPayment | CertificateState::Issuing => "warning",
            CertificateState::Failed(_) | CertificateState::Expired => "danger",
        }
    }
}

/// The chain and validity of an SSL service, if one was installed.
pub fn chain_of(service: &Service) -> Option<(&str, Timestamp, Timestamp)> {
    match &service.details {
        ServiceDetails::Ssl {
            chain: Some(chain),
            valid_from: Some(from),
            valid_to: Some(to),
            ..
        } => Some((chain.as_str(), *from, *to)),
        _ => None,
    }
}

/// The state of an SSL service from its lifecycle, its chain and its issue tasks.
pub fn certificate_state(
    service: &Service,
    tasks: &[Task],
    now: Timestamp,
    today: Date,
) -> CertificateState {
    match service.status(today) {
        ServiceStatus::Pending => return CertificateState::AwaitingPayment,
        ServiceStatus::Expired { .. } | ServiceStatus::Suspended | ServiceStatus::Deleted => {
            return CertificateState::Expired;
        }
        ServiceStatus::Active | ServiceStatus::Expiring { .. } => {}
    }
    if let Some((_, _, valid_to)) = chain_of(service) {
        return if valid_to < now {
            CertificateState::Expired
        } else {
            CertificateState::Issued
        };
    }
    let last_issue = tasks
        .iter()
        .filter(|t| matches!(t.action, TaskAction::IssueCertificate { .. }))
        .max_by_key(|t| t.id);
    match last_issue.map(|t| &t.state) {
        Some(TaskState::Failed { reason }) => CertificateState::Failed(reason.clone()),
        _ => CertificateState::Issuing,
    }
}

#[cfg(test)]
#[path = "ssl_tests.rs"]
mod tests;
