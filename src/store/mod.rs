//! The only code that touches redb. Tables are declared here; one file per aggregate holds its
//! functions. Every action runs in one write transaction: rows, indexes, outbox and idempotency.

mod accounts;
mod billing;
mod cache;
mod codec;
mod login;
mod outbox;
mod overview;
mod schema;
mod services;

pub use accounts::NewAccount;
pub use billing::{Compose, PaymentOutcome, RenewOutcome};
pub use codec::constant_time_eq;
pub use login::{CodeCheck, LiveSession, LockoutNotice, LoginRequest};
pub use outbox::{Delivery, NewMessage, OutboxMessage};
pub use overview::Overview;

use redb::{Database, DatabaseError, ReadTransaction, ReadableDatabase, WriteTransaction};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
}

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
    db: Arc<Database>,
    secret: Arc<[u8; 32]>,
    overviews: Arc<cache::Cache<u64, Overview>>,
    /// Keyed by the session's MAC; `None` caches "no such live user" as well.
    sessions: Arc<cache::Cache<Vec<u8>, Option<Arc<LiveSession>>>>,
}

impl Store {
    /// Opens (or creates) `panel.redb` in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StoreError::Db(redb::StorageError::Io(e).into()))?;
        let path = data_dir.join("panel.redb");
        let db = match Database::create(&path) {
            Ok(db) => db,
            Err(DatabaseError::DatabaseAlreadyOpen) => return Err(StoreError::AlreadyOpen(path)),
            Err(e) => return Err(StoreError::Db(e.into())),
        };
        schema::migrate(&db)?;
        let secret = schema::secret(&db)?;
        Ok(Store {
            db: Arc::new(db),
            secret: Arc::new(secret),
            overviews: Arc::default(),
            sessions: Arc::default(),
        })
    }

    pub(crate) fn read(&self) -> Result<ReadTransaction> {
        Ok(self.db.begin_read()?)
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
        let tx = self.db.begin_write()?;
        let value = work(&tx)?;
        tx.commit()?;
        // Any write may end a session or change its user: sessions are cheap to reload.
        self.sessions.invalidate_all();
        Ok(value)
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

    /// Whether nothing was ever stored (demo data is seeded only then).
    pub fn is_empty(&self) -> Result<bool> {
        accounts::count(&self.read()?).map(|n| n == 0)
    }

    pub(crate) fn mac(&self, parts: &[&[u8]]) -> Vec<u8> {
        codec::mac(&self.secret[..], parts)
    }
}
