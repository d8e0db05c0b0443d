//! KSeF e-invoices as the customer gets them (`/faktury/{id}.xml`, the QR code and status on the
//! document page) and as the operator handles them (`panel admin ksef …`, the real binary).

use crate::helpers::{TestApp, spawn_app};
use panel::domain::time::today;
use panel::domain::{Document, DocumentKind};
use panel::ksef::qr::xml_hash;
use reqwest::StatusCode;
use std::io::Write;
use std::process::{Command, Stdio};

const ABONENT: &str = "abonent@example.com";
const KSIEGOWOSC: &str = "ksiegowosc@example.com";
const INNY: &str = "inny@example.com";
const TECH: &str = "technik@example.com";
/// The demo seller's NIP.
const SELLER_NIP: &str = "1234563218";
const KSEF_NUMBER: &str = "1234563218-20261201-0100001AF629-AF";

fn first(app: &TestApp, kind: DocumentKind) -> Document {
    app.documents_of(ABONENT)
        .into_iter()
        .find(|d| d.kind == kind)
        .expect("the demo account has such a document")
}

async fn download(app: &TestApp, document: &Document) -> Vec<u8> {
    let response = app.get(&format!("/faktury/{}.xml", document.id)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/xml; charset=utf-8");
    let file = document.number.replace('/', "-");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"{file}.xml\"").as_str()
    );
    response.bytes().await.unwrap().to_vec()
}

async fn page(app: &TestApp, document: &Document) -> String {
    let response = app.get(&format!("/faktury/{}", document.id)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// `xmllint` against the FA(3) schema in tests/fixtures/ksef, offline.
fn validates(xml: &[u8]) -> bool {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ksef");
    let mut child = Command::new("xmllint")
        .args(["--nonet", "--noout", "--schema"])
        .arg(format!("{dir}/schemat_FA(3)_v1-0E.xsd"))
        .arg("-")
        .env("XML_CATALOG_FILES", format!("{dir}/catalog.xml"))
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("xmllint (libxml2-utils) is installed: scripts/test installs it");
    child.stdin.take().unwrap().write_all(xml).unwrap();
    child.wait().unwrap().success()
}

/// The KOD I link of an e-invoice of the demo seller in the test environment.
fn link(document: &Document, xml: &[u8]) -> String {
    let day = today(document.issued_at).strftime("%d-%m-%Y");
    format!(
        "https://qr-test.ksef.mf.gov.pl/invoice/{SELLER_NIP}/{day}/{}",
        xml_hash(xml)
    )
}

#[tokio::test]
async fn the_customer_downloads_the_invoice_as_a_valid_e_invoice_and_its_page_shows_the_qr_link() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let invoice = first(&app, DocumentKind::VatInvoice);
    let xml = download(&app, &invoice).await;
    assert!(validates(&xml), "{}", String::from_utf8_lossy(&xml));
    let text = String::from_utf8_lossy(&xml);
    assert!(
        text.contains(&format!("<P_2>{}</P_2>", invoice.number)),
        "{text}"
    );

    let html = page(&app, &invoice).await;
    assert!(html.contains("Pobierz XML (KSeF)"), "{html}");
    assert!(html.contains(&format!("href=\"/faktury/{}.xml\"", invoice.id)));
    assert!(
        html.contains(&link(&invoice, &xml)),
        "the link carries the file's hash"
    );
    assert!(html.contains("<svg") && html.contains("Kod QR weryfikacji faktury w KSeF"));
    assert!(html.contains("Nie wysłano do KSeF") && html.contains("OFFLINE"));
    // Never regenerated: a second download is the same file.
    assert_eq!(download(&app, &invoice).await, xml);

    let pdf = app.get(&format!("/faktury/{}.pdf", invoice.id)).await;
    let text = crate::pdf::pdftotext(&pdf.bytes().await.unwrap()).await;
    assert!(
        text.contains("Kod weryfikacyjny KSeF") && text.contains("OFFLINE"),
        "{text}"
    );
    assert!(text.contains(&link(&invoice, &xml)), "{text}");
}

#[tokio::test]
async fn a_proforma_has_no_e_invoice_and_another_account_or_the_technical_role_gets_none() {
    let app = spawn_app().await;
    let invoice = first(&app, DocumentKind::VatInvoice);
    let path = format!("/faktury/{}.xml", invoice.id);
    app.log_in(ABONENT).await;
    let proforma = first(&app, DocumentKind::Proforma);
    let response = app.get(&format!("/faktury/{}.xml", proforma.id)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!page(&app, &proforma).await.contains("Pobierz XML (KSeF)"));

    app.log_in(KSIEGOWOSC).await;
    assert_eq!(app.get(&path).await.status(), StatusCode::OK);
    app.log_in(INNY).await;
    assert_eq!(app.get(&path).await.status(), StatusCode::NOT_FOUND);
    app.add_user(ABONENT, TECH, "technical").await;
    app.log_in(TECH).await;
    assert_eq!(app.get(&path).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_operator_records_the_ksef_number_and_the_page_prints_it_under_the_qr_code() {
    let app = spawn_app().await;
    let invoice = first(&app, DocumentKind::VatInvoice);
    let wrong = app
        .admin(&[
            "ksef",
            "mark-sent",
            &invoice.number,
            "--ksef-number",
            "12345",
        ])
        .await;
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("is not a KSeF number"));
    let other_seller = "5260250274-20261201-0100001AF629-AF";
    let wrong = app
        .admin(&[
            "ksef",
            "mark-sent",
            &invoice.number,
            "--ksef-number",
            other_seller,
        ])
        .await;
    let said = String::from_utf8_lossy(&wrong.stderr);
    assert!(said.contains("seller's NIP 1234563218"), "{said}");
    let proforma = first(&app, DocumentKind::Proforma);
    let refused = app.admin(&["ksef", "mark-sent", &proforma.number]).await;
    assert!(!refused.status.success(), "a proforma never goes to KSeF");

    app.admin_ok(&["ksef", "mark-sent", &invoice.number]).await;
    app.log_in(ABONENT).await;
    assert!(
        page(&app, &invoice)
            .await
            .contains("Wysłano do KSeF, czeka na numer")
    );

    let said = app
        .admin_ok(&[
            "ksef",
            "mark-sent",
            &invoice.number,
            "--ksef-number",
            KSEF_NUMBER,
        ])
        .await;
    assert!(said.contains(&format!("accepted {KSEF_NUMBER}")), "{said}");
    let html = page(&app, &invoice).await;
    assert!(
        html.contains(&format!("Przyjęta w KSeF, numer {KSEF_NUMBER}")),
        "{html}"
    );
    assert!(!html.contains("OFFLINE"));
    let status = app.admin_ok(&["ksef", "status"]).await;
    let line = status
        .lines()
        .find(|l| l.starts_with(&invoice.number))
        .unwrap();
    assert!(
        line.ends_with(&format!("accepted {KSEF_NUMBER}")),
        "{status}"
    );

    app.admin_ok(&[
        "ksef",
        "mark-rejected",
        &invoice.number,
        "--reason",
        "Błędny NIP",
    ])
    .await;
    assert!(
        page(&app, &invoice)
            .await
            .contains("Odrzucona przez KSeF: Błędny NIP")
    );
}

#[tokio::test]
async fn the_export_writes_each_invoice_and_credit_note_of_the_period_named_by_its_number() {
    let app = spawn_app().await;
    let invoice = first(&app, DocumentKind::VatInvoice);
    app.admin_ok(&[
        "ksef",
        "mark-sent",
        &invoice.number,
        "--ksef-number",
        KSEF_NUMBER,
    ])
    .await;
    app.admin_ok(&[
        "credit-note",
        "--invoice",
        &invoice.number,
        "--reason",
        "Zwrot",
    ])
    .await;
    let note = first(&app, DocumentKind::CreditNote);
    let dir = tempfile::tempdir().unwrap();
    let from = today(invoice.issued_at).to_string();
    let day = today(app.clock.now()).to_string();
    let out = dir.path().join("ksef");
    let out_arg = out.to_str().unwrap();
    let said = app
        .admin_ok(&["ksef", "export", "--from", &from, "--to", &day, out_arg])
        .await;
    let issued = app
        .documents_of(ABONENT)
        .into_iter()
        .filter(|d| matches!(d.kind, DocumentKind::VatInvoice | DocumentKind::CreditNote))
        .count();
    assert!(said.starts_with(&format!("wrote {issued} ")), "{said}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), issued);
    app.log_in(ABONENT).await;
    for document in [&invoice, &note] {
        let file = out.join(format!("{}.xml", document.number.replace('/', "-")));
        let written = std::fs::read(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        assert_eq!(written, download(&app, document).await);
        assert!(validates(&written));
    }
    let korekta =
        std::fs::read_to_string(out.join(format!("{}.xml", note.number.replace('/', "-"))));
    let korekta = korekta.unwrap();
    assert!(korekta.contains("<RodzajFaktury>KOR</RodzajFaktury>"));
    assert!(korekta.contains(&format!(
        "<NrKSeFFaKorygowanej>{KSEF_NUMBER}</NrKSeFFaKorygowanej>"
    )));

    let empty = dir.path().join("empty");
    let said = app
        .admin_ok(&[
            "ksef",
            "export",
            "--from",
            "2020-01-01",
            "--to",
            "2020-01-31",
            empty.to_str().unwrap(),
        ])
        .await;
    assert!(said.starts_with("wrote 0 "), "{said}");
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);
    let backwards = app
        .admin(&[
            "ksef",
            "export",
            "--from",
            &day,
            "--to",
            "2020-01-01",
            out_arg,
        ])
        .await;
    assert!(!backwards.status.success());
}

/// The panel started with `extra` settings on an empty data dir; it must stop by itself.
async fn start_refused(extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .args(extra)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(std::time::Duration::from_secs(20), child)
        .await
        .expect("the panel stops by itself")
        .unwrap();
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_seller_nip_or_bank_account_failing_its_checksum_stops_the_start_naming_the_setting() {
    let nip = start_refused(&["--seller-nip", "5260250275"]).await;
    assert!(nip.contains("PANEL_SELLER_NIP (--seller-nip)"), "{nip}");
    let account = start_refused(&["--bank-account", "PL61 1090 1014 0000 0712 1981 2875"]).await;
    assert!(
        account.contains("PANEL_BANK_ACCOUNT (--bank-account)"),
        "{account}"
    );
    let env = start_refused(&["--ksef-env", "prod"]).await;
    assert!(env.contains("--ksef-env"), "{env}");
}
