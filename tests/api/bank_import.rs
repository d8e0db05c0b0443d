//! `panel admin bank import FILE` (the real binary) with the sample statements in tests/fixtures/:
//! an mBank CSV and an MT940 file, against the demo seeded on 2 November 2026.

use panel::store::Store;
use std::path::{Path, PathBuf};

const ABONENT: &str = "abonent@example.com";

/// A stopped data dir with the demo as seeded on 2026-11-02 (so its proforma numbers are fixed).
fn demo_data_dir(root: &Path) -> PathBuf {
    let data_dir = root.join("data");
    let store = Store::open(&data_dir).unwrap();
    let now: jiff::Timestamp = "2026-11-02T09:00:00Z".parse().unwrap();
    panel::demo::seed_if_empty(&store, now, "http://127.0.0.1").unwrap();
    data_dir
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

async fn admin(data_dir: &Path, task: &[&str]) -> (bool, String) {
    admin_in(Path::new(env!("CARGO_MANIFEST_DIR")), data_dir, task).await
}

/// `panel admin` typed in the directory `cwd`.
async fn admin_in(cwd: &Path, data_dir: &Path, task: &[&str]) -> (bool, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .current_dir(cwd)
        .arg("admin")
        .args(task)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .await
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

/// What the import leaves in the database: (documents of the demo's account, outbox messages,
/// whether its proforma is still unpaid).
fn state_of(data_dir: &Path) -> (usize, usize, bool) {
    let store = Store::open(data_dir).unwrap();
    let account = store
        .user_by_email(&panel::domain::Email::parse(ABONENT).unwrap())
        .unwrap()
        .unwrap()
        .account_id;
    let documents = store.documents_of_account(account).unwrap();
    let unpaid = documents
        .iter()
        .any(|d| d.number == "PF/2026/10/0001" && d.is_unpaid());
    (
        documents.len(),
        store.outbox_messages(1000).unwrap().len(),
        unpaid,
    )
}

fn line_of<'a>(said: &'a str, word: &str, text: &str) -> &'a str {
    let mut lines = said.lines();
    while let Some(line) = lines.next() {
        if line.starts_with(word) && line.contains(text) {
            return lines.next().unwrap_or_default();
        }
    }
    panic!("no {word} line with {text}: {said}")
}

#[tokio::test]
async fn an_mbank_csv_pays_the_exact_match_and_lists_the_partial_and_unknown_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = demo_data_dir(dir.path());
    let (documents, outbox, unpaid) = state_of(&data_dir);
    assert!(unpaid);
    let file = fixture("mbank.csv");
    let (ok, said) = admin(&data_dir, &["bank", "import", file.to_str().unwrap()]).await;
    assert!(ok, "{said}");
    assert!(
        said.contains(
            "3 incoming transfers (1 outgoing skipped): 1 paid, 0 recorded before, 2 to decide"
        ),
        "{said}"
    );
    let partial = line_of(&said, "DECIDE", "ZALICZKA");
    assert!(
        partial.contains("partial: PF/2026/10/0001 is 72,57 zł"),
        "{partial}"
    );
    assert!(partial.contains("record-payment --title"), "{partial}");
    let paid = line_of(&said, "PAID", "72,57");
    assert!(paid.contains("PF/2026/10/0001: issued FV/"), "{paid}");
    let unknown = line_of(&said, "DECIDE", "HOSTINGOWE");
    assert!(unknown.contains("unknown title"), "{unknown}");
    let after = state_of(&data_dir);
    assert_eq!(after.0, documents + 1, "one VAT invoice");
    assert!(after.1 > outbox, "the receipt is queued");
    assert!(!after.2, "the proforma is paid");

    let (ok, again) = admin(&data_dir, &["bank", "import", file.to_str().unwrap()]).await;
    assert!(ok, "{again}");
    assert!(
        again.contains("0 paid, 1 recorded before, 2 to decide"),
        "{again}"
    );
    assert_eq!(
        state_of(&data_dir),
        after,
        "the second import changed nothing"
    );
}

#[tokio::test]
async fn a_listed_transfer_recorded_by_its_command_counts_as_recorded_at_the_next_import() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = demo_data_dir(dir.path());
    let file = fixture("mbank.csv");
    let (_, said) = admin(&data_dir, &["bank", "import", file.to_str().unwrap()]).await;
    let listed = line_of(&said, "DECIDE", "ZALICZKA");
    assert!(listed.contains(" --amount 50,00 --reference "), "{listed}");
    let reference = listed
        .rsplit("--reference ")
        .next()
        .unwrap()
        .trim_matches('\'');
    let title = "ZALICZKA PF/2026/10/0001 KL-000001-3";
    let args = [
        "record-payment",
        "--title",
        title,
        "--amount",
        "50,00",
        "--reference",
        reference,
    ];
    let (ok, recorded) = admin(&data_dir, &args).await;
    assert!(ok, "{recorded}");
    let (_, again) = admin(&data_dir, &["bank", "import", file.to_str().unwrap()]).await;
    assert!(
        again.contains("0 paid, 2 recorded before, 1 to decide"),
        "{again}"
    );
}

#[tokio::test]
async fn an_mt940_statement_pays_by_title_and_amount_once() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = demo_data_dir(dir.path());
    let file = fixture("statement.mt940");
    let (ok, said) = admin(&data_dir, &["bank", "import", file.to_str().unwrap()]).await;
    assert!(ok, "{said}");
    assert!(
        said.contains(
            "2 incoming transfers (1 outgoing skipped): 1 paid, 0 recorded before, 1 to decide"
        ),
        "{said}"
    );
    assert!(line_of(&said, "PAID", "Zapłata za fakturę").contains("PF/2026/10/0001"));
    let after = state_of(&data_dir);
    assert!(!after.2, "the proforma is paid");
    let (ok, again) = admin(&data_dir, &["bank", "import", file.to_str().unwrap()]).await;
    assert!(ok, "{again}");
    assert!(
        line_of(&again, "ALREADY", "Zapłata").contains("CEN2611030123"),
        "the bank's reference: {again}"
    );
    assert_eq!(state_of(&data_dir), after);
}

#[tokio::test]
async fn a_file_that_is_no_statement_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = demo_data_dir(dir.path());
    let before = state_of(&data_dir);
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "lista zakupów;\nchleb;mleko\n").unwrap();
    let (ok, said) = admin(&data_dir, &["bank", "import", file.to_str().unwrap()]).await;
    assert!(
        !ok && said.contains("neither MT940 nor an mBank CSV"),
        "{said}"
    );
    assert_eq!(state_of(&data_dir), before);
}

#[tokio::test]
async fn a_statement_is_imported_through_the_running_panel() {
    let app = crate::helpers::spawn_app().await;
    // Named relative to the operator's directory, not the panel's.
    let here = fixture("");
    let (ok, said) = admin_in(&here, &app.data_dir, &["bank", "import", "mbank.csv"]).await;
    assert!(ok, "{said}");
    assert!(
        said.contains("3 incoming transfers (1 outgoing skipped)"),
        "{said}"
    );
    let unknown = line_of(&said, "DECIDE", "HOSTINGOWE");
    assert!(unknown.contains("unknown title"), "{unknown}");
}

#[tokio::test]
async fn an_overpaid_transfer_is_listed_and_pays_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = demo_data_dir(dir.path());
    let before = state_of(&data_dir);
    let file = dir.path().join("wyciag.csv");
    std::fs::write(
        &file,
        "#Data operacji;#Opis operacji;#Rachunek;#Kategoria;#Kwota;#Saldo po operacji;\n\
         2026-11-07;\"PF/2026/10/0001 KL-000001-3\";\"\";\"\";100,00 PLN;0,00 PLN;\n",
    )
    .unwrap();
    let (ok, said) = admin(&data_dir, &["bank", "import", file.to_str().unwrap()]).await;
    assert!(ok, "{said}");
    let listed = line_of(&said, "DECIDE", "PF/2026/10/0001");
    assert!(
        listed.contains("overpaid: PF/2026/10/0001 is 72,57 zł"),
        "{listed}"
    );
    assert_eq!(state_of(&data_dir), before);
}
