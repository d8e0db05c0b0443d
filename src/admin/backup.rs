//! `panel admin backup FILE`, `restore FILE` and `check`.

use crate::store::{self, Store};
use std::path::Path;

/// A consistent, checked copy of the database at `file` (written under a temporary name first).
pub fn backup(store: &Store, file: &Path) -> Result<String, String> {
    let report = store.backup(file).map_err(|e| e.to_string())?;
    Ok(format!(
        "backup written to {}: {} bytes in {} ms\n{}",
        file.display(),
        report.bytes,
        report.millis,
        report.check.describe()
    ))
}

/// The running panel's database, checked on a consistent copy.
pub fn check(store: &Store) -> Result<String, String> {
    let report = store.check_snapshot().map_err(|e| e.to_string())?;
    verdict(report)
}

/// The stopped panel's database file, checked in place.
pub fn check_stopped(data_dir: &Path) -> Result<String, String> {
    let file = data_dir.join("panel.redb");
    verdict(store::check_file(&file).map_err(|e| format!("{}: {e}", file.display()))?)
}

fn verdict(report: store::CheckReport) -> Result<String, String> {
    if report.passed() {
        Ok(report.describe())
    } else {
        Err(report.describe())
    }
}

/// Restores only into a stopped data directory: a running panel answers on its socket.
pub async fn restore(data_dir: &Path, file: &Path, now: jiff::Timestamp) -> Result<String, String> {
    if tokio::net::UnixStream::connect(super::socket_path(data_dir))
        .await
        .is_ok()
    {
        return Err(format!(
            "the panel is running on {} (it answers on admin.sock): stop it, then restore; \
             nothing changed",
            data_dir.display()
        ));
    }
    let (data_dir, file) = (data_dir.to_path_buf(), file.to_path_buf());
    tokio::task::spawn_blocking(move || store::restore(&data_dir, &file, now))
        .await
        .map_err(|e| e.to_string())?
}
