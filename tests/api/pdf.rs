//! Documents as PDF: downloaded from Faktury and read back with a real reader (`pdftotext` from
//! poppler-utils); linked from the receipt e-mails; the seller's settings checked at start-up.

use crate::helpers::{TestApp, spawn_app};
use panel::domain::{Document, DocumentKind};
use reqwest::StatusCode;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

const ABONENT: &str = "abonent@example.com";
const KSIEGOWOSC: &str = "ksiegowosc@example.com";
const INNY: &str = "inny@example.com";
const TECH: &str = "technik@example.com";
/// The sample seller's NIP, as the PDF prints it.
const SELLER_NIP: &str = "1234563218";

/// The text of a PDF, as poppler reads it.
pub(crate) async fn pdftotext(pdf: &[u8]) -> String {
    let mut reader = tokio::process::Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils) is installed: scripts/test installs it");
    let mut stdin = reader.stdin.take().unwrap();
    stdin.write_all(pdf).await.unwrap();
    drop(stdin);
    let output = reader.wait_with_output().await.unwrap();
    assert!(
        output.status.success(),
        "pdftotext reads the file: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn first_of(app: &TestApp, owner: &str, kind: DocumentKind, unpaid: bool) -> Document {
    app.documents_of(owner)
        .into_iter()
        .find(|d| d.kind == kind && d.is_unpaid() == unpaid)
        .expect("the demo account has such a document")
}

/// Downloads a document's PDF (must succeed) and returns its text.
async fn pdf_text(app: &TestApp, document: &Document) -> String {
    let response = app.get(&format!("/faktury/{}.pdf", document.id)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["cache-control"], "no-store");
    let file_name = document.number.replace('/', "-");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"{file_name}.pdf\"").as_str()
    );
    let body = response.bytes().await.unwrap();
    assert!(body.starts_with(b"%PDF-"));
    pdftotext(&body).await
}

#[tokio::test]
async fn a_paid_invoice_downloads_as_a_pdf_with_seller_buyer_total_and_words() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let invoice = first_of(&app, ABONENT, DocumentKind::VatInvoice, false);
    let text = pdf_text(&app, &invoice).await;
    let total = invoice.total_gross().to_string();
    for expected in [
        "Faktura VAT",
        invoice.number.as_str(),
        "Data wystawienia",
        "Data sprzedaży",
        "Sprzedawca",
        "Przykładowy Hosting sp. z o.o.",
        SELLER_NIP,
        "Nabywca",
        "Przykładowa Firma sp. z o.o.",
        "NIP: 5260250274",
        "Lp.",
        "Cena netto",
        "Brutto",
        &format!("Razem: {total}"),
        "Słownie:",
        "Sposób płatności:",
        "przelew",
        "Zapłacono:",
        "Strona 1 z 1",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    assert!(
        text.contains("złote") || text.contains("złotych") || text.contains("złoty"),
        "{text}"
    );
    assert!(
        !text.contains("Numer rachunku"),
        "a paid invoice asks for nothing"
    );
}

#[tokio::test]
async fn an_unpaid_proforma_pdf_asks_for_a_transfer_to_the_hosts_account() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let proforma = first_of(&app, ABONENT, DocumentKind::Proforma, true);
    let text = pdf_text(&app, &proforma).await;
    let reference = panel::domain::transfer::transfer_title(app.account_id(ABONENT));
    for expected in [
        "Proforma".to_string(),
        proforma.number.clone(),
        format!("Do zapłaty: {}", proforma.total_gross()),
        "Termin płatności:".to_string(),
        "PL61 1090 1014 0000 0712 1981 2874".to_string(),
        format!("{} {reference}", proforma.number),
        "Proforma nie jest fakturą VAT".to_string(),
    ] {
        assert!(text.contains(&expected), "{expected:?} in:\n{text}");
    }
    assert!(!text.contains("Zapłacono"), "{text}");
}

#[tokio::test]
async fn the_pdf_keeps_the_buyer_as_it_was_when_the_document_was_issued() {
    let app = spawn_app().await;
    let invoice = first_of(&app, ABONENT, DocumentKind::VatInvoice, false);
    app.state
        .store
        .rename_account(app.account_id(ABONENT), "Nowa Nazwa S.A.")
        .unwrap();
    app.log_in(ABONENT).await;
    let text = pdf_text(&app, &invoice).await;
    assert!(text.contains("Przykładowa Firma sp. z o.o."), "{text}");
    assert!(!text.contains("Nowa Nazwa"), "{text}");
}

#[tokio::test]
async fn another_accounts_pdf_is_not_found() {
    let app = spawn_app().await;
    let invoice = first_of(&app, ABONENT, DocumentKind::VatInvoice, false);
    let path = format!("/faktury/{}.pdf", invoice.id);
    app.log_in(ABONENT).await;
    assert_eq!(app.get(&path).await.status(), StatusCode::OK);

    app.log_in(INNY).await;
    let response = app.get(&path).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Nie znaleziono"));
    for path in ["/faktury/abc.pdf", "/faktury/999999.pdf", "/faktury/.pdf"] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn accounting_may_download_a_pdf_technical_may_not_and_a_visitor_is_sent_to_log_in() {
    let app = spawn_app().await;
    let invoice = first_of(&app, ABONENT, DocumentKind::VatInvoice, false);
    let path = format!("/faktury/{}.pdf", invoice.id);
    let visitor = app.get(&path).await;
    assert_eq!(visitor.status(), StatusCode::SEE_OTHER);
    assert_eq!(visitor.headers()["location"], "/logowanie");

    app.log_in(KSIEGOWOSC).await;
    let text = pdf_text(&app, &invoice).await;
    assert!(text.contains(&invoice.number));

    app.add_user(ABONENT, TECH, "technical").await;
    app.log_in(TECH).await;
    let response = app.get(&path).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("Brak uprawnień"));
}

#[tokio::test]
async fn the_document_page_shows_seller_and_buyer_and_offers_the_pdf() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let invoice = first_of(&app, ABONENT, DocumentKind::VatInvoice, false);
    let pdf = format!("/faktury/{}.pdf", invoice.id);
    let page = app.get(&format!("/faktury/{}", invoice.id)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!("href=\"{pdf}\"")), "{page}");
    assert!(page.contains("Pobierz PDF"));
    assert!(page.contains("Przykładowy Hosting sp. z o.o."));
    assert!(page.contains(&format!("NIP {SELLER_NIP}")));
    assert!(page.contains("Przykładowa Firma sp. z o.o."));
    assert!(page.contains("Data sprzedaży"));
    let list = app.get("/faktury").await.text().await.unwrap();
    for document in app.documents_of(ABONENT) {
        let link = format!("href=\"/faktury/{}.pdf\"", document.id);
        assert!(list.contains(&link), "{link} on the list");
    }
}

#[tokio::test]
async fn the_proforma_and_receipt_emails_link_to_the_pdf() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let service = app.service_id(ABONENT, "przykladowa-firma.pl");
    assert_eq!(app.renew_htmx(service).await.status(), StatusCode::OK);
    let proforma = app.renewal_of(ABONENT, service);
    let proforma_pdf = format!("{}/faktury/{}.pdf", app.base, proforma.id);
    let mail = app.next_mail(ABONENT, &proforma_pdf).await;
    assert!(mail.contains(&proforma.number));

    app.admin_ok(&["record-payment", "--proforma", &proforma.number])
        .await;
    let invoice = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.proforma_id == Some(proforma.id))
        .expect("the payment issued an invoice");
    let invoice_pdf = format!("{}/faktury/{}.pdf", app.base, invoice.id);
    let receipt = app.next_mail(ABONENT, &invoice_pdf).await;
    assert!(receipt.contains("dziękujemy za wpłatę") && receipt.contains(&invoice.number));
    assert_eq!(
        app.get(&format!("/faktury/{}.pdf", invoice.id))
            .await
            .status(),
        StatusCode::OK
    );
}

/// Starts the real binary with one setting changed; it must stop at once.
async fn start_with(variable: &str, value: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_panel"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env(variable, value)
        .env_remove("PANEL_DEMO")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("the panel stops instead of serving")
        .unwrap()
}

#[tokio::test]
async fn a_wrong_seller_nip_or_bank_account_stops_the_start_with_an_error_naming_it() {
    for (variable, value, message) in [
        ("PANEL_SELLER_NIP", "526-025-02-75", "cyfra kontrolna"),
        (
            "PANEL_BANK_ACCOUNT",
            "PL62 1090 1014 0000 0712 1981 2874",
            "cyfry kontrolne",
        ),
        ("PANEL_BANK_ACCOUNT", "12 3456", "26 cyfr"),
        ("PANEL_SELLER_NAME", "  ", "pusta"),
    ] {
        let output = start_with(variable, value).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{variable}={value} refused");
        assert!(
            stderr.contains(variable) && stderr.contains(message),
            "{variable}={value}: {stderr}"
        );
    }
}

#[tokio::test]
async fn a_credit_note_pdf_names_the_invoice_it_corrects_the_reason_and_a_negative_total() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let invoice = first_of(&app, ABONENT, DocumentKind::VatInvoice, false);
    app.admin_ok(&[
        "credit-note",
        "--invoice",
        &invoice.number,
        "--amount",
        "10,00",
        "--reason",
        "Przerwa w działaniu usługi",
    ])
    .await;
    let note = first_of(&app, ABONENT, DocumentKind::CreditNote, false);
    let text = pdf_text(&app, &note).await;
    for expected in [
        "Faktura korygująca".to_string(),
        note.number.clone(),
        format!("Korekta faktury {}.", invoice.number),
        "Przyczyna korekty: Przerwa w działaniu usługi".to_string(),
        "Razem: -10,00 zł".to_string(),
        "minus dziesięć złotych 00/100".to_string(),
        "wróciła na saldo przedpłat".to_string(),
    ] {
        assert!(text.contains(&expected), "{expected:?} in:\n{text}");
    }
}

#[tokio::test]
async fn a_top_up_is_confirmed_by_a_payment_confirmation_pdf() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let account = app.account_id(ABONENT);
    let proforma = app
        .state
        .store
        .issue_top_up(
            account,
            panel::domain::Money::zl(150),
            &panel::random::token(),
            app.clock.now(),
        )
        .unwrap();
    app.admin_ok(&["record-payment", "--proforma", &proforma.number])
        .await;
    let confirmation = first_of(&app, ABONENT, DocumentKind::PaymentConfirmation, false);
    let text = pdf_text(&app, &confirmation).await;
    for expected in [
        "Potwierdzenie wpłaty",
        confirmation.number.as_str(),
        "Razem: 150,00 zł",
        "sto pięćdziesiąt złotych 00/100",
        "Zapłacono:",
        "Wpłata zasiliła saldo przedpłat",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
}
