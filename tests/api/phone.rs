//! What a customer noticed trying the panel: the overdue order's box names what it is for, Faktury
//! lists every document with the words a customer expects, payments name their documents, and
//! the site has an icon.

use crate::helpers::{TestApp, spawn_app};
use panel::domain::DocumentKind;
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path} is shown");
    response.text().await.unwrap()
}

/// The part of the page from `start` on (up to the next section, if `end` is given).
fn section<'a>(page: &'a str, start: &str, end: Option<&str>) -> &'a str {
    let from = page
        .find(start)
        .unwrap_or_else(|| panic!("{start} is on the page"));
    let rest = &page[from..];
    match end.and_then(|end| rest.find(end)) {
        Some(to) => &rest[..to],
        None => rest,
    }
}

#[tokio::test]
async fn the_overdue_order_box_on_the_pulpit_says_what_the_proforma_is_for() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let order = app
        .proformas_of(ABONENT)
        .into_iter()
        .find(|d| d.is_unpaid() && d.renews_service.is_none())
        .expect("the demo's overdue order");
    let pulpit = app.pulpit().await;
    let title = format!(
        "Proforma {} za „Domena .com — rejestracja sklep-przykladowy.com, 12 miesięcy” jest po terminie",
        order.number
    );
    assert!(pulpit.contains(&title), "the box says {title:?}");
}

#[tokio::test]
async fn wszystkie_dokumenty_lists_the_unpaid_ones_too_and_a_paid_invoice_says_oplacona() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let documents = app.documents_of(ABONENT);
    let faktury = page(&app, "/faktury").await;
    let all = section(&faktury, "Wszystkie dokumenty", None);
    for document in &documents {
        assert!(
            all.contains(&format!(">{}</a>", document.number)),
            "Wszystkie dokumenty lists {}",
            document.number
        );
    }
    let unpaid = documents.iter().find(|d| d.is_unpaid()).unwrap();
    let due = section(&faktury, "Do zapłaty", Some("Wszystkie dokumenty"));
    assert!(
        due.contains(&unpaid.number),
        "and Do zapłaty still shows it"
    );

    let invoice = documents
        .iter()
        .find(|d| d.kind == DocumentKind::VatInvoice)
        .expect("a paid invoice in the demo");
    assert!(!faktury.contains("Wystawiona"), "{faktury}");
    let row = section(all, &format!(">{}</a>", invoice.number), Some("</tr>"));
    assert!(row.contains("Opłacona"), "{row}");
    let invoice_page = page(&app, &format!("/faktury/{}", invoice.id)).await;
    assert!(
        invoice_page.contains(r#"<dd id="status-dokumentu">Opłacona</dd>"#),
        "{invoice_page}"
    );
}

#[tokio::test]
async fn the_payment_history_links_show_the_document_number() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let paid: Vec<_> = app
        .proformas_of(ABONENT)
        .into_iter()
        .filter(|d| !d.is_unpaid())
        .collect();
    assert!(!paid.is_empty(), "the demo has paid proformas");
    let platnosci = page(&app, "/platnosci").await;
    let history = section(&platnosci, "Historia płatności", None);
    for proforma in &paid {
        let link = format!(
            r#"<a href="/faktury/{}">{}</a>"#,
            proforma.id, proforma.number
        );
        assert!(history.contains(&link), "{link} in {history}");
    }
    assert!(!history.contains("Zobacz"), "{history}");
}

#[tokio::test]
async fn the_favicon_is_a_small_embedded_icon_that_every_page_links() {
    let app = spawn_app().await;
    let response = app.get("/favicon.ico").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let icon = response.bytes().await.unwrap();
    assert!(icon.starts_with(b"<svg"), "an SVG icon");
    assert!(icon.len() < 1024, "small: {} bytes", icon.len());

    let login = page(&app, "/logowanie").await;
    app.log_in(ABONENT).await;
    for html in [login, app.pulpit().await] {
        let link = section(
            &html,
            r#"<link rel="icon" type="image/svg+xml" href=""#,
            Some(">"),
        );
        let href = link
            .trim_start_matches(r#"<link rel="icon" type="image/svg+xml" href=""#)
            .trim_end_matches(['"', '/']);
        let linked = app.get(href).await;
        assert_eq!(linked.status(), StatusCode::OK, "{href}");
        assert_eq!(linked.headers()["content-type"], "image/svg+xml");
        assert_eq!(linked.bytes().await.unwrap(), icon, "the same icon");
    }
    let missing = app.get("/no-such-page").await;
    assert!(
        missing.text().await.unwrap().contains(r#"rel="icon""#),
        "the error page links it too"
    );
}

#[tokio::test]
async fn the_document_list_filters_by_unpaid_and_year_and_htmx_gets_only_the_table() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let documents = app.documents_of(ABONENT);
    let listed = |html: &str, number: &str| html.contains(&format!(">{number}</a>"));
    let unpaid = documents.iter().find(|d| d.is_unpaid()).unwrap();
    let paid = documents.iter().find(|d| !d.is_unpaid()).unwrap();

    let filtered = page(&app, "/faktury?pokaz=do-zaplaty").await;
    let table = section(&filtered, "id=\"dokumenty\"", None);
    assert!(listed(table, &unpaid.number));
    assert!(!listed(table, &paid.number), "only what is to be paid");
    assert!(
        filtered.contains(r#"<option value="do-zaplaty" selected>"#),
        "the form keeps the choice"
    );

    let year = panel::domain::time::today(app.clock.now()).year();
    let this_year = page(&app, &format!("/faktury?rok={year}")).await;
    let table = section(&this_year, "id=\"dokumenty\"", None);
    assert!(listed(table, &unpaid.number) && listed(table, &paid.number));
    let long_ago = page(&app, "/faktury?rok=2001").await;
    let table = section(&long_ago, "id=\"dokumenty\"", None);
    assert!(table.contains("Brak dokumentów."), "no document from 2001");

    let fragment = app.get_htmx("/faktury?pokaz=do-zaplaty").await;
    assert_eq!(fragment.status(), StatusCode::OK);
    let fragment = fragment.text().await.unwrap();
    assert!(!fragment.contains("<html") && fragment.contains("<table"));
    assert!(listed(&fragment, &unpaid.number) && !listed(&fragment, &paid.number));
    let restored = app
        .client
        .get(app.url("/faktury?pokaz=do-zaplaty"))
        .header("HX-Request", "true")
        .header("HX-History-Restore-Request", "true")
        .send()
        .await
        .unwrap();
    assert!(
        restored.text().await.unwrap().contains("<html"),
        "history gets the page"
    );

    let all = page(&app, "/faktury").await;
    let row = section(&all, &format!(">{}</a>", paid.number), Some("</tr>"));
    assert!(row.contains(&paid.total_net().to_string()), "net");
    assert!(row.contains(&paid.total_vat().to_string()), "VAT");
    assert!(row.contains(&paid.total_gross().to_string()), "gross");
}
