//! Delivery of the outbox: SMTP when configured, otherwise `.eml` files under `data/outbox/`.

use crate::clock::Clock;
use crate::store::{OutboxMessage, Store};
use jiff::Timestamp;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::collections::VecDeque;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("invalid sender address {0:?}")]
    From(String),
    #[error("cannot create the outbox directory {0}: {1}")]
    Outbox(PathBuf, std::io::Error),
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

/// The domain of the sender's address: the right part of every Message-ID.
fn domain_of(from: &Mailbox) -> &str {
    from.email.domain()
}

impl Mailer {
    /// `smtp://` uses STARTTLS (required), except to a relay on loopback, which may be plain;
    /// `smtps://` uses TLS from the first byte. Credentials come from the URL's user and password.
    pub fn smtp(url: &str, from: &str) -> Result<Mailer, MailerError> {
        let parsed = url::Url::parse(url).map_err(|e| MailerError::Url(e.to_string()))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| MailerError::Url("no host".into()))?
            .trim_matches(['[', ']'])
            .to_string();
        let loopback =
            host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        let tls_required = parsed
            .query_pairs()
            .any(|(k, v)| k == "tls" && v == "required");
        let builder = match parsed.scheme() {
            "smtps" => AsyncSmtpTransport::<Tokio1Executor>::relay(&host)
                .map_err(|e| MailerError::Url(e.to_string()))?
                .port(parsed.port().unwrap_or(465)),
            "smtp" if loopback && !tls_required => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
                    .port(parsed.port().unwrap_or(25))
            }
            "smtp" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&host)
                .map_err(|e| MailerError::Url(e.to_string()))?
                .port(parsed.port().unwrap_or(587)),
            other => return Err(MailerError::Url(format!("unsupported scheme {other}"))),
        };
        let builder = match credentials_of(&parsed) {
            Some((user, password)) => builder.credentials(Credentials::new(user, password)),
            None => builder,
        };
        Ok(Mailer {
            transport: Transport::Smtp(builder.timeout(Some(Duration::from_secs(20))).build()),
            from: from
                .parse()
                .map_err(|_| MailerError::From(from.to_string()))?,
        })
    }

    pub fn files(dir: PathBuf, from: &str) -> Result<Mailer, MailerError> {
        use std::os::unix::fs::PermissionsExt;
        // The files hold login codes: owner-only, also when an older panel made the directory.
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)))
            .map_err(|e| MailerError::Outbox(dir.clone(), e))?;
        Ok(Mailer {
            transport: Transport::Files(AsyncFileTransport::<Tokio1Executor>::new(dir)),
            from: from
                .parse()
                .map_err(|_| MailerError::From(from.to_string()))?,
        })
    }

    /// Sends one message. `Err((reason, permanent))`: permanent failures are not retried.
    pub async fn send(&self, message: &OutboxMessage) -> Result<(), (String, bool)> {
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|_| (format!("invalid recipient {:?}", message.to), true))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(super::header_safe(&message.subject))
            .message_id(Some(message.message_id_at(domain_of(&self.from))))
            .multipart(MultiPart::alternative_plain_html(
                message.text.clone(),
                message.html.clone(),
            ))
            .map_err(|e| (e.to_string(), true))?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(email)
                .await
                .map(drop)
                .map_err(|e| (e.to_string(), e.is_permanent())),
            Transport::Files(files) => files
                .send(email)
                .await
                .map(drop)
                .map_err(|e| (e.to_string(), false)),
        }
    }
}

/// The user and password of an SMTP URL, percent-decoded (a `+` in a password stays a `+`).
fn credentials_of(url: &url::Url) -> Option<(String, String)> {
    if url.username().is_empty() {
        return None;
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    Some((
        decode(url.username()),
        decode(url.password().unwrap_or_default()),
    ))
}

/// Login messages delivered in demo mode, so the demo mailbox can still show their code: their
/// bodies leave the database on delivery and the text is kept here, in memory only, the newest few.
#[derive(Default)]
pub struct DemoMailbox {
    texts: Mutex<VecDeque<(u64, String)>>,
}

/// How many delivered login messages the demo mailbox remembers.
const DEMO_MAILBOX_SIZE: usize = 100;

impl DemoMailbox {
    fn keep(&self, message: &OutboxMessage) {
        let mut texts = self.texts.lock().unwrap_or_else(PoisonError::into_inner);
        if texts.len() == DEMO_MAILBOX_SIZE {
            texts.pop_front();
        }
        texts.push_back((message.id, message.text.clone()));
    }

    /// The plain text of a delivered login message, while remembered.
    pub fn text(&self, id: u64) -> Option<String> {
        let texts = self.texts.lock().unwrap_or_else(PoisonError::into_inner);
        texts
            .iter()
            .find(|(kept, _)| *kept == id)
            .map(|(_, text)| text.clone())
    }
}

type Outcome = Result<(), (String, bool)>;

/// Waits after a store error: 1 s, doubling to 10 s; a wake (an action committed, so the store
/// writes again) cuts it short.
struct StoreBackoff(Duration);

impl StoreBackoff {
    const FIRST: Duration = Duration::from_secs(1);
    const MAX: Duration = Duration::from_secs(10);

    async fn wait(&mut self, wake: &Notify) {
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(self.0) => {}
        }
        self.0 = (self.0 * 2).min(Self::MAX);
    }

    fn reset(&mut self) {
        self.0 = Self::FIRST;
    }
}

/// Records the outcomes of sends, oldest first; what cannot be recorded yet stays in `unrecorded`.
async fn record(store: &Store, unrecorded: &mut VecDeque<(u64, Outcome, Timestamp)>) -> bool {
    while let Some((id, outcome, at)) = unrecorded.front().cloned() {
        match store
            .blocking(move |s| s.mark_delivery(id, outcome, at))
            .await
        {
            Ok(_) => {
                unrecorded.pop_front();
            }
            Err(e) if e.is_io() => {
                tracing::error!(message_id = id, error = %e, "cannot record a delivery; sending waits until it is recorded");
                return false;
            }
            Err(e) => {
                // Not the disk: retrying would not help, and must not hold up every other message.
                tracing::error!(message_id = id, error = %e, "cannot record a delivery");
                unrecorded.pop_front();
            }
        }
    }
    true
}

/// Delivers due messages until `shutdown`; wakes on `wake` (an action committed a message) or when
/// the next retry falls due. A message is sent at most once per recorded attempt: an outcome the
/// store cannot take (e.g. a full disk) is kept in memory and recorded before anything more is
/// sent, and store errors are waited out rather than retried in a loop.
pub async fn run_worker(
    store: Store,
    mailer: Mailer,
    clock: Clock,
    wake: Arc<Notify>,
    demo_mailbox: Option<Arc<DemoMailbox>>,
) {
    let mut unrecorded = VecDeque::new();
    let mut backoff = StoreBackoff(StoreBackoff::FIRST);
    loop {
        if !record(&store, &mut unrecorded).await {
            backoff.wait(&wake).await;
            continue;
        }
        let due = match store.due_messages(clock.now(), 50) {
            Ok(due) => due,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the outbox");
                backoff.wait(&wake).await;
                continue;
            }
        };
        backoff.reset();
        for message in &due {
            let outcome = mailer.send(message).await;
            match &outcome {
                Ok(()) if message.secret => {
                    if let Some(mailbox) = &demo_mailbox {
                        mailbox.keep(message);
                    }
                }
                Ok(()) => {}
                Err((error, permanent)) => {
                    tracing::warn!(message_id = message.id, permanent, error = %error, "e-mail delivery failed");
                }
            }
            unrecorded.push_back((message.id, outcome, clock.now()));
            if !record(&store, &mut unrecorded).await {
                break;
            }
        }
        if !unrecorded.is_empty() || due.len() == 50 {
            continue;
        }
        let wait = match store.next_due() {
            Ok(Some(at)) => {
                Duration::try_from(at.duration_since(clock.now())).unwrap_or(Duration::ZERO)
            }
            _ => Duration::from_secs(30),
        };
        let wait = wait.clamp(Duration::from_millis(50), Duration::from_secs(30));
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Delivery;

    fn delivered_files(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
    }

    #[tokio::test]
    async fn a_delivery_the_store_cannot_record_is_not_sent_again() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let store = Store::open(&dir.path().join("data")).unwrap_or_else(|e| unreachable!("{e}"));
        let clock = Clock::default();
        // The demo's history queues two receipts and an order's proforma.
        let seeded = crate::demo::seed_if_empty(&store, clock.now(), "http://127.0.0.1");
        assert!(seeded.is_ok_and(|s| s));
        let outbox = dir.path().join("outbox");
        let mailer = Mailer::files(outbox.clone(), "Panel <panel@example.net>")
            .unwrap_or_else(|e| unreachable!("{e}"));
        let wake = Arc::new(Notify::new());
        store.fail_writes(true);
        let worker = tokio::spawn(run_worker(store.clone(), mailer, clock, wake.clone(), None));
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            delivered_files(&outbox),
            1,
            "one sent, then nothing until it is recorded"
        );
        assert!(!store.is_writable());
        store.fail_writes(false);
        wake.notify_one();
        for _ in 0..100 {
            if delivered_files(&outbox) == 3 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        worker.abort();
        assert_eq!(delivered_files(&outbox), 3, "each message sent once");
        let deliveries: Vec<Delivery> = store
            .outbox_messages(10)
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.delivery)
            .collect();
        assert_eq!(deliveries.len(), 3);
        assert!(
            deliveries
                .iter()
                .all(|d| matches!(d, Delivery::Sent { .. }))
        );
    }

    #[test]
    fn smtp_credentials_are_percent_decoded_and_keep_plus_signs() {
        let url = url::Url::parse("smtp://panel%40firma.pl:p+ss%2Fw%C3%B3rd@mail.firma.pl:587");
        let credentials = url.ok().and_then(|u| credentials_of(&u));
        assert_eq!(
            credentials,
            Some(("panel@firma.pl".to_string(), "p+ss/wórd".to_string()))
        );
        let anonymous = url::Url::parse("smtp://127.0.0.1:25").ok();
        assert_eq!(anonymous.and_then(|u| credentials_of(&u)), None);
    }
}

#[cfg(test)]
mod header_tests {
    use super::*;
    use crate::store::Delivery;

    #[tokio::test]
    async fn a_subject_with_a_line_break_adds_no_header() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let mailer = Mailer::files(dir.path().to_path_buf(), "Panel <panel@example.net>")
            .unwrap_or_else(|e| unreachable!("{e}"));
        let message = OutboxMessage {
            id: 7,
            to: "klient@example.com".into(),
            subject: "Domena firma.pl\r\nBcc: x@y.example\r\n".into(),
            text: "treść".into(),
            html: "<p>treść</p>".into(),
            created_at: Timestamp::UNIX_EPOCH,
            delivery: Delivery::Pending {
                attempts: 0,
                last_error: None,
                due_at: 0,
            },
            secret: false,
            message_id: "outbox-7.abc".into(),
            tries: 0,
            done_at: None,
        };
        assert_eq!(mailer.send(&message).await, Ok(()));
        let sent = std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .find(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .and_then(|e| std::fs::read_to_string(e.path()).ok())
            .unwrap_or_default();
        assert!(
            sent.contains("Message-ID: <outbox-7.abc@example.net>"),
            "{sent}"
        );
        assert!(
            !sent
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{sent}"
        );
        let headers = sent.split("\r\n\r\n").next().unwrap_or_default();
        assert_eq!(
            headers
                .lines()
                .filter(|l| l.starts_with("Subject:"))
                .count(),
            1
        );
    }
}
