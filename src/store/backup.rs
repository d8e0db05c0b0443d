//! Backups, restores and the integrity check of `panel.redb`.
//!
//! A backup copies the file while holding redb's write lock: every commit is durable when it
//! returns (the panel never lowers the durability), and no commit can start while the lock is
//! held, so the copy is the database as of the last commit. Readers go on meanwhile; writers wait
//! for the copy (about a second per 100 MB). The copy is then opened, checked and only then
//! renamed into place, so a backup file is either complete and checked or not there at all.

use super::schema;
use super::{Result, Store, StoreError};
use redb::{Builder, ReadableDatabase, ReadableTableMetadata};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What the integrity check found in a database file.
#[derive(Debug)]
pub struct CheckReport {
    /// The file's schema version (`known` is this program's).
    pub version: u64,
    pub known: u64,
    /// redb's check failed and redb repaired the file (only on a file never closed cleanly).
    pub repaired: bool,
    /// Indexes pointing at rows that are not there.
    pub problems: Vec<String>,
    pub counts: Vec<(&'static str, u64)>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }

    /// One line per finding, for the operator.
    pub fn describe(&self) -> String {
        let mut lines = vec![format!(
            "schema version {} (this panel: {}); redb integrity check {}",
            self.version,
            self.known,
            if self.repaired {
                "failed, the file was repaired"
            } else {
                "passed"
            }
        )];
        if self.version < self.known {
            lines.push("an older schema: the panel upgrades it when it starts".into());
        }
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(t, n)| format!("{n} {t}"))
            .collect();
        if !counts.is_empty() {
            lines.push(counts.join(", "));
        }
        lines.extend(self.problems.iter().map(|p| format!("PROBLEM: {p}")));
        if self.problems.is_empty() {
            lines.push("consistency: every index points at its rows".into());
        }
        lines.join("\n")
    }
}

/// A written backup.
pub struct BackupReport {
    pub bytes: u64,
    pub millis: u128,
    pub check: CheckReport,
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Db(redb::StorageError::Io(e).into())
}

/// A hidden temporary name next to `path`.
fn temporary_next_to(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

/// Makes a rename durable: the directory entry reaches the disk.
fn sync_dir_of(path: &Path) -> std::io::Result<()> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => std::fs::File::open(dir)?.sync_all(),
        None => std::fs::File::open(".")?.sync_all(),
    }
}

impl Store {
    /// Copies the database as of its last commit to `temporary`, holding the write lock.
    fn copy_committed(&self, temporary: &Path) -> Result<u64> {
        let db = self.db.database()?;
        let lock = db.begin_write().map_err(|e| self.db.noticed(e.into()))?;
        let copied = std::fs::copy(&self.db.path, temporary);
        lock.abort()?;
        copied.map_err(io)
    }

    /// Writes a checked, consistent copy of the database to `dest` (temp file + rename).
    pub fn backup(&self, dest: &Path) -> Result<BackupReport> {
        let started = Instant::now();
        let canonical = |p: &Path| p.parent().and_then(|d| d.canonicalize().ok());
        if dest.file_name() == self.db.path.file_name()
            && canonical(dest).is_some()
            && canonical(dest) == canonical(&self.db.path)
        {
            return Err(StoreError::Conflict(
                "that is the database itself: write the backup to another file".into(),
            ));
        }
        let temporary = temporary_next_to(dest, "tmp");
        let written = (|| {
            let bytes = self.copy_committed(&temporary)?;
            let check = check_file(&temporary).map_err(StoreError::Conflict)?;
            if !check.passed() {
                return Err(StoreError::Conflict(check.describe()));
            }
            std::fs::File::open(&temporary)
                .and_then(|f| f.sync_all())
                .map_err(io)?;
            std::fs::rename(&temporary, dest).map_err(io)?;
            sync_dir_of(dest).map_err(io)?;
            Ok(BackupReport {
                bytes,
                millis: started.elapsed().as_millis(),
                check,
            })
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }

    /// The integrity check of the running database: on a consistent copy in the data directory
    /// (redb checks only a file no one else has open), removed afterwards.
    pub fn check_snapshot(&self) -> Result<CheckReport> {
        let temporary = temporary_next_to(&self.db.path, "check");
        let checked = self
            .copy_committed(&temporary)
            .and_then(|_| check_file(&temporary).map_err(StoreError::Conflict));
        let _ = std::fs::remove_file(&temporary);
        checked
    }
}

/// Opens `path` (not in use by another process), runs redb's integrity check, reads its schema
/// version and, for the current schema, checks that the indexes point at rows.
pub fn check_file(path: &Path) -> std::result::Result<CheckReport, String> {
    if !path.is_file() {
        return Err(format!("{} is not a file", path.display()));
    }
    // redb may panic on a file it did not write rather than return an error.
    let opened = std::panic::catch_unwind(|| -> std::result::Result<_, redb::DatabaseError> {
        let mut db = Builder::new().open(path)?;
        let passed = db.check_integrity()?;
        Ok((db, passed))
    });
    let (db, passed) = match opened {
        Ok(Ok(opened)) => opened,
        Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => {
            return Err(format!(
                "{} is open in another process (the panel?)",
                path.display()
            ));
        }
        Ok(Err(e)) => return Err(format!("not a readable database: {e}")),
        Err(_) => return Err("not a readable database: the file is damaged".into()),
    };
    let read = || -> Result<CheckReport> {
        let tx = db.begin_read()?;
        let known = schema::known_version();
        let version = schema::stored_version(&tx)?.ok_or(StoreError::Conflict(
            "the database holds no panel data (no schema version)".into(),
        ))?;
        if version > known {
            return Err(StoreError::TooNew {
                found: version,
                known,
            });
        }
        let mut report = CheckReport {
            version,
            known,
            repaired: !passed,
            problems: Vec::new(),
            counts: Vec::new(),
        };
        if version == known {
            report.counts = counts(&tx)?;
            report.problems = super::consistency::problems(&tx)?;
        }
        Ok(report)
    };
    read().map_err(|e| e.to_string())
}

fn counts(tx: &redb::ReadTransaction) -> Result<Vec<(&'static str, u64)>> {
    let mut counts = Vec::new();
    for (what, table) in [
        ("accounts", schema::ACCOUNTS),
        ("users", schema::USERS),
        ("services", schema::SERVICES),
        ("documents", schema::DOCUMENTS),
        ("payments", schema::PAYMENTS),
    ] {
        counts.push((what, tx.open_table(table)?.len()?));
    }
    Ok(counts)
}

/// Restores `file` as the database of the stopped panel in `data_dir`, after checking it; the
/// database it replaces is kept as `panel.redb.bak-<UTC time>`. Returns what was done.
pub fn restore(
    data_dir: &Path,
    file: &Path,
    now: jiff::Timestamp,
) -> std::result::Result<String, String> {
    let live = data_dir.join("panel.redb");
    let candidate = data_dir.join(".panel.redb.restore");
    std::fs::create_dir_all(data_dir).map_err(|e| e.to_string())?;
    // Checked as a copy: redb's check may repair, and the operator's file stays as it was.
    std::fs::copy(file, &candidate).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let swapped = checked(file, &candidate).and_then(|report| {
        let kept = swap_in(&live, &candidate, now)?;
        Ok(format!(
            "restored {} into {}{kept}\n{}",
            file.display(),
            live.display(),
            report.describe()
        ))
    });
    if swapped.is_err() {
        let _ = std::fs::remove_file(&candidate);
    }
    swapped
}

/// The check of a file to restore (`candidate`, a copy of `file`).
fn checked(file: &Path, candidate: &Path) -> std::result::Result<CheckReport, String> {
    let report =
        check_file(candidate).map_err(|e| format!("{} cannot be restored: {e}", file.display()))?;
    if !report.passed() {
        return Err(format!(
            "{} cannot be restored:\n{}",
            file.display(),
            report.describe()
        ));
    }
    Ok(report)
}

/// Moves `live` aside (if there) and `candidate` into its place; says where the old one went.
fn swap_in(
    live: &Path,
    candidate: &Path,
    now: jiff::Timestamp,
) -> std::result::Result<String, String> {
    // Held while the files are swapped: no panel may open the database meanwhile.
    let _lock = match live.exists().then(|| redb::Database::open(live)) {
        Some(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => {
            return Err(
                "the panel is running on this data directory: stop it, then restore".into(),
            );
        }
        Some(Ok(db)) => Some(db),
        // A damaged database is what a restore replaces.
        Some(Err(_)) | None => None,
    };
    let mut kept = String::new();
    if live.exists() {
        let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
        let backup = live.with_file_name(format!("panel.redb.bak-{stamp}"));
        std::fs::rename(live, &backup).map_err(|e| e.to_string())?;
        kept = format!("; the previous database is kept as {}", backup.display());
    }
    use std::os::unix::fs::PermissionsExt;
    let owner_only = std::fs::Permissions::from_mode(0o600);
    std::fs::set_permissions(candidate, owner_only).map_err(|e| e.to_string())?;
    std::fs::rename(candidate, live).map_err(|e| e.to_string())?;
    sync_dir_of(live).map_err(|e| e.to_string())?;
    Ok(kept)
}
