//! The only code that touches redb. Tables are declared here; one file per aggregate holds its
//! functions. Every action runs in one write transaction: rows, indexes, outbox and idempotency.

mod account_data;
mod accounts;
mod audit;
mod backup;
mod billing;
mod cache;
mod cloud;
mod codec;
mod consistency;
mod credit;
mod domains;
mod gauges;
mod hosting;
mod invitations;
mod ksef;
mod ledger;
mod lifecycle;
mod login;
mod login_as;
mod mailboxes;
mod online_payments;
mod open_xchange;
mod operator;
mod outbox;
mod overview;
mod person_sessions;
mod reminders;
mod renewals;
mod schema;
mod second_step;
mod security;
mod services;
mod shop;
mod ssl;
mod statement;
mod tasks;
#[cfg(test)]
mod testing;
mod transfer;
mod users;
mod website;

pub use account_data::{ComposeDataChange, DataChange, DataOutcome};
pub use accounts::NewAccount;
pub use audit::{AuditFilter, NewAudit};
pub use backup::{BackupReport, CheckReport, check_file, restore};
pub use billing::{BalancePayment, Compose, ComposeReceipt, PaymentOutcome, Receipt, RenewOutcome};
pub use cloud::PowerOutcome;
pub use codec::constant_time_eq;
pub use credit::{ComposeCredit, CreditOutcome, Refund, RefundOutcome};
pub use domains::{DnsOutcome, DomainPage};
pub use gauges::QueueGauges;
pub use hosting::{HostingChange, HostingOutcome};
pub use invitations::{AcceptOutcome, ComposeInvitation, InviteOutcome, NewInvitation};
pub use ksef::{MarkOutcome, has_fa3};
pub use lifecycle::{ComposeStep, Task, TaskAction, TaskState, day_key};
pub use login::{CodeCheck, LiveSession, LockoutNotice, LoginRequest};
pub use mailboxes::{MailboxChange, NewMailbox};
pub use online_payments::{NoticeOutcome, PaidNotice, RefundTarget};
pub use open_xchange::LicenceOutcome;
pub use outbox::{Delivery, NewMessage, OutboxFilter, OutboxMessage, RetryOutcome};
pub use overview::Overview;
pub use person_sessions::{ListedSession, SessionOrigin};
pub use reminders::{ComposeReminder, Reminded, Reminder};
pub use renewals::{AutoRenewMail, AutoRenewal, SettingsOutcome};
pub use security::FactorView;
pub use shop::{CartChange, OrderOutcome};
pub use ssl::{CertificateOrder, InstallOutcome, PendingCertificate};
pub use statement::LineMatch;
pub use tasks::TaskDone;
pub use tasks::TaskRetry;
pub use transfer::{Matched, TransferOutcome};
pub use users::{Membership, UserChange};
pub use website::SiteOutcome;

use redb::{Database, DatabaseError, ReadTransaction, ReadableDatabase, WriteTransaction};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database {0} is already open in another process (is `panel serve` running? use `panel admin` against it, or stop it first)"
    )]
    AlreadyOpen(PathBuf),
    #[error("database error: {0}")]
    Db(#[from] redb::Error),
    #[error("stored data could not be read: {0}")]
    Codec(#[from] serde_json::Error),
    #[error(
        "the database has schema version {found}, newer than this program knows ({known}); upgrade the panel"
    )]
    TooNew { found: u64, known: u64 },
    #[error("{0} was not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("a database task stopped: {0}")]
    Task(String),
    #[error("the database is being re-opened after an I/O error (is the disk full?)")]
    Unavailable,
}

impl StoreError {
    /// Errors of the disk rather than of the data or the request (no space, I/O failure, a handle
    /// poisoned by one): they pass once the disk is fine again, so callers answer "try later".
    pub fn is_io(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable
                | StoreError::Db(
                    redb::Error::Io(_) | redb::Error::PreviousIo | redb::Error::DatabaseClosed
                )
        )
    }
}

const SEEDED_BY_DEMO_KEY: &str = "seeded_by_demo";
const WRITE_PROBE_KEY: &str = "write_probe";

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

#[derive(Clone)]
pub struct Store {
    db: Arc<Handle>,
    secret: Arc<[u8; 32]>,
    overviews: Arc<cache::Cache<u64, Overview>>,
    /// Keyed by the session's MAC; `None` caches "no such live user" as well.
    sessions: Arc<cache::Cache<Vec<u8>, Option<Arc<LiveSession>>>>,
    /// The seller of the KSeF e-invoices written at issue (set at start-up; unset, they are
    /// written on first use instead).
    ksef_seller: Arc<std::sync::OnceLock<crate::domain::seller::Seller>>,
}

/// The open database, replaceable after an I/O error.
///
/// One failed write (typically "No space left on device") poisons a redb handle: every later
/// transaction fails with `PreviousIo` until the database is closed and opened again. The panel
/// re-opens it in place rather than exiting for a supervisor to restart it: a restart would not
/// help while the disk is still full (it would crash-loop, and a panel started without a
/// supervisor would stay down), whereas re-opening keeps the process up (pages that only read
/// work on each fresh handle), answers what cannot be written with a "try later" page, and
/// recovers by itself once space is back. Re-opening runs redb's own repair, so it is as safe as
/// the restart after a crash that redb is built for.
struct Handle {
    path: PathBuf,
    current: RwLock<Option<Arc<Database>>>,
    /// Set by an I/O-class error: the handle must be re-opened before the next write.
    poisoned: AtomicBool,
    /// False from a failed write until a write commits again; `/health` reads it.
    writable: AtomicBool,
    /// Re-opening repairs the file, so attempts are spaced (see `REOPEN_EVERY`).
    last_reopen: Mutex<Option<Instant>>,
    /// Unit tests make writes fail as a full disk would, at a moment they choose.
    #[cfg(test)]
    fail_writes: AtomicBool,
}

/// At most one re-open attempt per this interval, however many requests try to write.
const REOPEN_EVERY: Duration = Duration::from_millis(500);

impl Handle {
    fn database(&self) -> Result<Arc<Database>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(StoreError::Unavailable)
    }

    /// Notes an I/O-class error: the handle is re-opened before the next write.
    fn noticed(&self, e: StoreError) -> StoreError {
        if e.is_io() {
            if !self.poisoned.swap(true, Ordering::AcqRel) {
                tracing::error!(error = %e, "the database cannot write; it will be re-opened");
            }
            self.writable.store(false, Ordering::Release);
        }
        e
    }

    /// Drops the poisoned handle and opens the file again. Fails (and is retried by a later write
    /// or the probe) while the disk is still full or while a transaction still holds the old handle.
    fn reopen(&self) -> Result<()> {
        let mut last = self
            .last_reopen
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !self.poisoned.load(Ordering::Acquire) {
            return Ok(());
        }
        if last.is_some_and(|at| at.elapsed() < REOPEN_EVERY) {
            return Err(StoreError::Unavailable);
        }
        *last = Some(Instant::now());
        // The file closes (and its lock goes) once no transaction holds the old handle. Readers
        // get `Unavailable` meanwhile rather than waiting for the repair below.
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = None;
        match Database::create(&self.path) {
            Ok(db) => {
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(db));
                self.poisoned.store(false, Ordering::Release);
                tracing::warn!("re-opened the database after an I/O error");
                Ok(())
            }
            Err(DatabaseError::DatabaseAlreadyOpen) => Err(StoreError::Unavailable),
            Err(e) => Err(StoreError::Db(e.into())),
        }
    }
}

/// Owner-only modes for what the panel keeps; files created later follow the process umask.
fn restrict_permissions(data_dir: &Path, db_file: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))?;
    if db_file.exists() {
        std::fs::set_permissions(db_file, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

impl Store {
    /// Opens (or creates) `panel.redb` in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Store> {
        let io = |e| StoreError::Db(redb::StorageError::Io(e).into());
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let path = data_dir.join("panel.redb");
        restrict_permissions(data_dir, &path).map_err(io)?;
        let db = match Database::create(&path) {
            Ok(db) => db,
            Err(DatabaseError::DatabaseAlreadyOpen) => return Err(StoreError::AlreadyOpen(path)),
            Err(e) => return Err(StoreError::Db(e.into())),
        };
        restrict_permissions(data_dir, &path).map_err(io)?;
        schema::migrate(&db)?;
        let secret = schema::secret(&db)?;
        Ok(Store {
            db: Arc::new(Handle {
                path,
                current: RwLock::new(Some(Arc::new(db))),
                poisoned: AtomicBool::new(false),
                writable: AtomicBool::new(true),
                last_reopen: Mutex::new(None),
                #[cfg(test)]
                fail_writes: AtomicBool::new(false),
            }),
            secret: Arc::new(secret),
            overviews: Arc::default(),
            sessions: Arc::default(),
            ksef_seller: Arc::default(),
        })
    }

    pub(crate) fn read(&self) -> Result<ReadTransaction> {
        let db = self.db.database()?;
        db.begin_read().map_err(|e| self.db.noticed(e.into()))
    }

    /// Runs `work` in one write transaction, committed only if it succeeds.
    pub(crate) fn write<T>(&self, work: impl FnOnce(&WriteTransaction) -> Result<T>) -> Result<T> {
        let value = self.write_unseen(work)?;
        self.overviews.invalidate_all();
        Ok(value)
    }

    /// A write that changes nothing an overview shows (sessions, login codes, outbox delivery),
    /// so cached overviews stay valid: otherwise every page view's session touch and every
    /// delivered e-mail would empty the cache for all accounts.
    pub(crate) fn write_unseen<T>(
        &self,
        work: impl FnOnce(&WriteTransaction) -> Result<T>,
    ) -> Result<T> {
        #[cfg(test)]
        if self.db.fail_writes.load(Ordering::Acquire) {
            self.db.writable.store(false, Ordering::Release);
            return Err(StoreError::Unavailable);
        }
        if self.db.poisoned.load(Ordering::Acquire) {
            self.recover()?;
        }
        let db = self.db.database()?;
        let committed = (|| {
            let tx = db.begin_write()?;
            let value = work(&tx)?;
            if let Some(seller) = self.ksef_seller() {
                ksef::write_pending(&tx, seller)?;
            }
            tx.commit()?;
            Ok(value)
        })();
        drop(db);
        let value = committed.map_err(|e| {
            let e = self.db.noticed(e);
            if e.is_io() {
                // At once, so reads work again on a fresh handle (spaced: see `REOPEN_EVERY`).
                let _ = self.recover();
            }
            e
        })?;
        if !self.db.writable.swap(true, Ordering::AcqRel) {
            tracing::warn!("the database writes again");
        }
        // Any write may end a session or change its user: sessions are cheap to reload.
        self.sessions.invalidate_all();
        Ok(value)
    }

    /// Re-opens a poisoned database (writes run in blocking threads, so they may).
    fn recover(&self) -> Result<()> {
        self.db.reopen()?;
        // A commit that reported an error may still have reached the file: caches may be stale.
        self.overviews.invalidate_all();
        self.sessions.invalidate_all();
        Ok(())
    }

    /// Whether the last write committed (`/health` answers from this, without touching the disk).
    pub fn is_writable(&self) -> bool {
        self.db.writable.load(Ordering::Acquire)
    }

    /// A small write that tells whether the disk takes writes again (run while `!is_writable()`).
    pub fn probe_write(&self) -> Result<()> {
        self.write_unseen(|tx| {
            let stamp = jiff::Timestamp::now().as_second().to_be_bytes();
            tx.open_table(schema::META)?
                .insert(WRITE_PROBE_KEY, stamp.as_slice())?;
            Ok(())
        })
    }

    /// Runs blocking store work (every write) off the async threads.
    pub async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || work(&store))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Makes every write fail (`true`) as on a full disk, or work again (`false`).
    #[cfg(test)]
    pub(crate) fn fail_writes(&self, fail: bool) {
        self.db.fail_writes.store(fail, Ordering::Release);
    }

    /// Whether nothing was ever stored (demo data is seeded only then).
    pub fn is_empty(&self) -> Result<bool> {
        accounts::count(&self.read()?).map(|n| n == 0)
    }

    /// Marks the database as holding demo data (written before the demo seeds it).
    pub fn mark_seeded_by_demo(&self) -> Result<()> {
        self.write_unseen(|tx| {
            tx.open_table(schema::META)?
                .insert(SEEDED_BY_DEMO_KEY, [1u8].as_slice())?;
            Ok(())
        })
    }

    /// Whether the demo seeded this database (so `--demo` may run on it).
    pub fn seeded_by_demo(&self) -> Result<bool> {
        let tx = self.read()?;
        let meta = tx.open_table(schema::META)?;
        Ok(meta.get(SEEDED_BY_DEMO_KEY)?.is_some())
    }

    pub(crate) fn mac(&self, parts: &[&[u8]]) -> Vec<u8> {
        codec::mac(&self.secret[..], parts)
    }
}
