//! Upgrades: a database file written by the previous schema (tests/fixtures/panel-v12.redb, see
//! tests/fixtures/README.md for how it was made) opens in this binary, migrated, with its data;
//! a file from a newer version is refused.

use crate::helpers::{Options, spawn_app_with};
use panel::clock::Clock;
use panel::store::{Store, check_file};
use reqwest::StatusCode;
use std::path::{Path, PathBuf};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/panel-v12.redb");
const FIXTURE_VERSION: u64 = 12;
/// When the fixture's demo was seeded: the panel runs an hour later, so the demo's expiries and
/// due dates are what they were then, whenever this test runs.
const WRITTEN_AT: &str = "2026-12-06T15:09:49Z";

/// A copy of the fixture as `panel.redb` in a fresh data directory.
fn data_dir_with_fixture() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("panel.redb");
    std::fs::copy(FIXTURE, &file).unwrap();
    (dir, file)
}

fn clock_at_fixture() -> Clock {
    let clock = Clock::default();
    let written: jiff::Timestamp = WRITTEN_AT.parse().unwrap();
    let back = (written + jiff::SignedDuration::from_hours(1)).duration_since(clock.now());
    clock.advance(back);
    clock
}

#[tokio::test]
async fn a_database_of_the_previous_schema_is_migrated_and_the_demo_customer_sees_services_and_invoices()
 {
    let (dir, file) = data_dir_with_fixture();
    let before = check_file(&file).unwrap();
    assert_eq!(
        before.version, FIXTURE_VERSION,
        "the fixture is the old schema"
    );
    assert!(before.known > FIXTURE_VERSION);

    drop(Store::open(dir.path()).unwrap());
    let after = check_file(&file).unwrap();
    assert_eq!(after.version, after.known, "migrated to the current schema");
    assert!(after.passed(), "{:?}", after.problems);

    let app = spawn_app_with(Options {
        data_dir: Some(dir.path().to_path_buf()),
        clock: Some(clock_at_fixture()),
        ..Options::default()
    })
    .await;
    app.log_in("abonent@example.com").await;
    let pulpit = app.pulpit().await;
    for service in ["przykladowa-firma.pl", "sklep-przykladowy.pl", "cloud-1"] {
        assert!(pulpit.contains(service), "{service} on the Pulpit");
    }
    assert!(pulpit.contains("Przykładowa Firma sp. z o.o."));
    let documents = app.documents_of("abonent@example.com");
    assert_eq!(documents.len(), 5, "the demo's invoices and proformas");
    let faktury = app.get("/faktury").await;
    assert_eq!(faktury.status(), StatusCode::OK);
    let faktury = faktury.text().await.unwrap();
    for document in &documents {
        assert!(faktury.contains(&document.number), "{}", document.number);
    }
    let proforma = &app.proformas_of("abonent@example.com")[0];
    let shown = app.get(&format!("/faktury/{}", proforma.id)).await;
    assert_eq!(shown.status(), StatusCode::OK);

    app.log_in("inny@example.com").await;
    assert!(app.pulpit().await.contains("wisniewski.pl"));
}

const META: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("meta");

/// A schema version above the one this program knows, as a newer panel would write.
fn bump_version(file: &Path, version: u64) {
    let db = redb::Database::open(file).unwrap();
    let tx = db.begin_write().unwrap();
    tx.open_table(META)
        .unwrap()
        .insert("schema_version", version.to_be_bytes().as_slice())
        .unwrap();
    tx.commit().unwrap();
}

fn stored_version(file: &Path) -> Vec<u8> {
    use redb::ReadableDatabase;
    let db = redb::Database::open(file).unwrap();
    let tx = db.begin_read().unwrap();
    let meta = tx.open_table(META).unwrap();
    meta.get("schema_version")
        .unwrap()
        .unwrap()
        .value()
        .to_vec()
}

#[tokio::test]
async fn a_database_of_a_newer_version_is_refused_and_keeps_its_version() {
    let (dir, file) = data_dir_with_fixture();
    let newer = check_file(&file).unwrap().known + 1;
    bump_version(&file, newer);
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "schema version {newer}, newer than this program knows"
        )) && stderr.contains("upgrade the panel"),
        "{stderr}"
    );
    assert_eq!(
        stored_version(&file),
        newer.to_be_bytes(),
        "not migrated down"
    );
    assert!(
        check_file(&file)
            .unwrap_err()
            .contains("newer than this program knows")
    );
}
