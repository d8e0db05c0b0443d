//! Credit notes, refunds and transfers matched by their title, as the operator issues them with
//! `panel admin` (the real binary) and the customer sees them in the panel.

use crate::helpers::{TestApp, spawn_app};
use panel::domain::time::today;
use panel::domain::transfer::transfer_title;
use panel::domain::{Document, DocumentKind, Money};
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";
const INNY: &str = "inny@example.com";

fn balance(app: &TestApp) -> Money {
    app.state.store.balance_of(app.account_id(ABONENT)).unwrap()
}

fn ledger_len(app: &TestApp) -> usize {
    let account = app.account_id(ABONENT);
    app.state.store.ledger_of_account(account).unwrap().len()
}

/// The demo company's paid VAT invoices, oldest first.
fn invoices(app: &TestApp) -> Vec<Document> {
    let mut list: Vec<Document> = app
        .documents_of(ABONENT)
        .into_iter()
        .filter(|d| d.kind == DocumentKind::VatInvoice)
        .collect();
    list.reverse();
    list
}

fn credit_notes(app: &TestApp) -> Vec<Document> {
    app.documents_of(ABONENT)
        .into_iter()
        .filter(|d| d.kind == DocumentKind::CreditNote)
        .collect()
}

/// This month's credit note number `n`, e.g. FK/2026/11/0001.
fn fk(app: &TestApp, n: u32) -> String {
    let day = today(app.clock.now());
    format!("FK/{:04}/{:02}/{n:04}", day.year(), day.month())
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_full_credit_note_returns_the_invoice_to_the_balance_and_the_customer_sees_it() {
    let app = spawn_app().await;
    let invoice = invoices(&app).remove(0);
    let gross = invoice.total_gross();
    let before = balance(&app);

    let issued = app
        .admin_ok(&[
            "credit-note",
            "--invoice",
            &invoice.number,
            "--reason",
            "Rezygnacja z usługi w okresie próbnym",
        ])
        .await;
    assert!(
        issued.contains(&format!("issued {} for {}", fk(&app, 1), invoice.number)),
        "{issued}"
    );
    let after = before + gross;
    assert_eq!(
        balance(&app),
        after,
        "the invoice's gross is on the balance"
    );

    let note = credit_notes(&app).remove(0);
    assert_eq!(note.number, fk(&app, 1));
    assert_eq!(note.total_gross(), Money(-gross.0));
    assert_eq!(note.corrects, Some(invoice.id));
    assert_eq!(note.buyer.name, invoice.buyer.name, "the invoice's buyer");
    assert_eq!(note.buyer.nip, invoice.buyer.nip);

    let mail = app
        .next_mail(ABONENT, &format!("fakturę korygującą {}", note.number))
        .await;
    assert!(mail.contains(&invoice.number), "{mail}");
    assert!(mail.contains(&gross.to_string()), "{mail}");
    assert!(mail.contains("saldo przedpłat"), "{mail}");
    assert!(mail.contains(&format!("/faktury/{}", note.id)), "{mail}");

    app.log_in(ABONENT).await;
    let platnosci = page(&app, "/platnosci").await;
    assert!(platnosci.contains(&after.to_string()), "the balance figure");
    let list = page(&app, "/faktury").await;
    assert!(list.contains(&note.number) && list.contains("Faktura korygująca"));
    assert!(list.contains(&format!("-{gross}")), "a negative gross");
    let detail = page(&app, &format!("/faktury/{}", note.id)).await;
    assert!(detail.contains("Korekta faktury"));
    assert!(detail.contains(&format!("href=\"/faktury/{}\"", invoice.id)));
    assert!(detail.contains("Rezygnacja z usługi w okresie próbnym"));
    assert!(detail.contains("Wystawiona") && detail.contains("Na saldo przedpłat"));
    let corrected = page(&app, &format!("/faktury/{}", invoice.id)).await;
    assert!(corrected.contains(&format!("href=\"/faktury/{}\"", note.id)));
}

#[tokio::test]
async fn a_partial_credit_note_takes_the_next_number_and_credits_exactly_the_amount() {
    let app = spawn_app().await;
    let list = invoices(&app);
    app.admin_ok(&[
        "credit-note",
        "--invoice",
        &list[0].number,
        "--reason",
        "Zwrot",
    ])
    .await;
    let before = balance(&app);

    let issued = app
        .admin_ok(&[
            "credit-note",
            "--invoice",
            &list[1].number,
            "--amount",
            "12,34",
            "--reason",
            "Rabat za przerwę w działaniu",
        ])
        .await;
    assert!(issued.contains(&fk(&app, 2)), "{issued}");
    assert_eq!(balance(&app), before + Money(1234));
    let note = credit_notes(&app)
        .into_iter()
        .find(|d| d.number == fk(&app, 2))
        .unwrap();
    assert_eq!(note.total_gross(), Money(-1234));
    assert_eq!(note.total_net() + note.total_vat(), Money(-1234));
}

#[tokio::test]
async fn a_credit_note_above_what_is_left_is_refused_with_the_amount_left_and_changes_nothing() {
    let app = spawn_app().await;
    let invoice = invoices(&app).remove(0);
    app.admin_ok(&[
        "credit-note",
        "--invoice",
        &invoice.number,
        "--amount",
        "10,00",
        "--reason",
        "Rabat",
    ])
    .await;
    let left = invoice.total_gross() - Money(1000);
    let (documents, before, entries) = (
        app.documents_of(ABONENT).len(),
        balance(&app),
        ledger_len(&app),
    );

    let too_much = (left + Money(1))
        .to_string()
        .replace(" zł", "")
        .replace(' ', "");
    let refused = app
        .admin(&[
            "credit-note",
            "--invoice",
            &invoice.number,
            "--amount",
            &too_much,
            "--reason",
            "Rabat",
        ])
        .await;
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains(&format!("is left to credit on {}: {left}", invoice.number)),
        "{}",
        stderr(&refused)
    );
    let zero = app
        .admin(&[
            "credit-note",
            "--invoice",
            &invoice.number,
            "--amount",
            "0",
            "--reason",
            "Rabat",
        ])
        .await;
    assert!(!zero.status.success());
    assert!(
        stderr(&zero).contains("more than zero"),
        "{}",
        stderr(&zero)
    );
    assert_eq!(app.documents_of(ABONENT).len(), documents, "no document");
    assert_eq!(balance(&app), before, "the balance is unchanged");
    assert_eq!(ledger_len(&app), entries, "no ledger entry");

    // The rest is still there to credit, with the next number.
    let rest = app
        .admin_ok(&[
            "credit-note",
            "--invoice",
            &invoice.number,
            "--reason",
            "Reszta",
        ])
        .await;
    assert!(
        rest.contains(&fk(&app, 2)) && rest.contains(&left.to_string()),
        "{rest}"
    );
    assert_eq!(balance(&app), before + left);
}

#[tokio::test]
async fn a_credit_note_for_a_proforma_an_unknown_number_or_without_a_reason_is_refused() {
    let app = spawn_app().await;
    let proforma = app.proformas_of(ABONENT).remove(0);
    let (documents, before) = (app.documents_of(ABONENT).len(), balance(&app));

    let for_proforma = app
        .admin(&[
            "credit-note",
            "--invoice",
            &proforma.number,
            "--reason",
            "x",
        ])
        .await;
    assert!(!for_proforma.status.success());
    assert!(
        stderr(&for_proforma).contains("is a proforma, not a VAT invoice"),
        "{}",
        stderr(&for_proforma)
    );
    let unknown = app
        .admin(&[
            "credit-note",
            "--invoice",
            "FV/1999/01/0001",
            "--reason",
            "x",
        ])
        .await;
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("no document is numbered \"FV/1999/01/0001\""));
    let invoice = invoices(&app).remove(0);
    let no_reason = app
        .admin(&[
            "credit-note",
            "--invoice",
            &invoice.number,
            "--reason",
            "  ",
        ])
        .await;
    assert!(!no_reason.status.success());
    assert!(stderr(&no_reason).contains("--reason"));
    assert_eq!(app.documents_of(ABONENT).len(), documents);
    assert_eq!(balance(&app), before);
}

#[tokio::test]
async fn a_refund_by_transfer_takes_the_money_off_the_balance_once() {
    let app = spawn_app().await;
    let invoice = invoices(&app).remove(0);
    let gross = invoice.total_gross();
    let before = balance(&app);
    let issued = app
        .admin_ok(&[
            "credit-note",
            "--invoice",
            &invoice.number,
            "--reason",
            "Zwrot",
            "--transfer",
        ])
        .await;
    assert!(issued.contains("refund is due by transfer"), "{issued}");
    assert_eq!(balance(&app), before + gross);
    let note = fk(&app, 1);
    let mail = app.next_mail(ABONENT, "zwrócimy przelewem").await;
    assert!(mail.contains(&note));

    let refunded = app
        .admin_ok(&["refund", "--credit-note", &note, "--reference", "ZWROT-1"])
        .await;
    assert!(
        refunded.contains(&format!("{note} refunded: {gross}")),
        "{refunded}"
    );
    assert_eq!(balance(&app), before, "paid out");
    let entries = ledger_len(&app);

    let again = app
        .admin(&["refund", "--credit-note", &note, "--reference", "ZWROT-2"])
        .await;
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already refunded"),
        "{}",
        stderr(&again)
    );
    assert_eq!(balance(&app), before);
    assert_eq!(ledger_len(&app), entries);

    app.log_in(ABONENT).await;
    let id = credit_notes(&app).remove(0).id;
    let detail = page(&app, &format!("/faktury/{id}")).await;
    assert!(detail.contains("Przelewem na Twój rachunek, wysłany"));
}

#[tokio::test]
async fn a_refund_the_balance_no_longer_holds_or_of_a_balance_credit_is_refused() {
    let app = spawn_app().await;
    let list = invoices(&app);
    app.admin_ok(&[
        "credit-note",
        "--invoice",
        &list[0].number,
        "--reason",
        "Zwrot",
        "--transfer",
    ])
    .await;
    // The customer spends the balance: a one-grosz transfer for the open proforma, the rest
    // taken from the balance.
    let proforma = app
        .proformas_of(ABONENT)
        .into_iter()
        .find(|d| d.is_unpaid())
        .unwrap();
    app.admin_ok(&[
        "record-payment",
        "--proforma",
        &proforma.number,
        "--amount",
        "0,01",
    ])
    .await;
    let (before, entries) = (balance(&app), ledger_len(&app));
    assert!(before < list[0].total_gross(), "{before}");

    let short = app.admin(&["refund", "--credit-note", &fk(&app, 1)]).await;
    assert!(!short.status.success());
    assert!(
        stderr(&short).contains("it was spent since"),
        "{}",
        stderr(&short)
    );
    app.admin_ok(&[
        "credit-note",
        "--invoice",
        &list[1].number,
        "--reason",
        "Zwrot",
    ])
    .await;
    let to_balance = app.admin(&["refund", "--credit-note", &fk(&app, 2)]).await;
    assert!(!to_balance.status.success());
    assert!(stderr(&to_balance).contains("not to a transfer back"));
    let on_invoice = app
        .admin(&["refund", "--credit-note", &list[1].number])
        .await;
    assert!(stderr(&on_invoice).contains("is a VAT invoice, not a credit note"));
    assert_eq!(
        ledger_len(&app),
        entries + 1,
        "only the second credit note's entry"
    );
    assert_eq!(balance(&app), before + list[1].total_gross());
}

#[tokio::test]
async fn another_account_cannot_see_a_credit_note() {
    let app = spawn_app().await;
    let invoice = invoices(&app).remove(0);
    app.admin_ok(&[
        "credit-note",
        "--invoice",
        &invoice.number,
        "--reason",
        "Zwrot",
    ])
    .await;
    let note = credit_notes(&app).remove(0);
    app.log_in(INNY).await;
    let response = app.get(&format!("/faktury/{}", note.id)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!page(&app, "/faktury").await.contains(&note.number));
}

/// The open (unpaid) proforma of the demo company.
fn open_proforma(app: &TestApp) -> Document {
    let open: Vec<Document> = app
        .proformas_of(ABONENT)
        .into_iter()
        .filter(|d| d.is_unpaid())
        .collect();
    assert_eq!(open.len(), 1, "the demo has one open proforma");
    open.into_iter().next().unwrap()
}

fn amount_arg(money: Money) -> String {
    format!("{},{:02}", money.0 / 100, money.0 % 100)
}

#[tokio::test]
async fn a_transfer_titled_with_the_account_and_a_proforma_number_pays_that_proforma() {
    let app = spawn_app().await;
    let proforma = open_proforma(&app);
    let title = format!(
        "Zapłata za {} {}",
        proforma.number.to_lowercase(),
        transfer_title(app.account_id(ABONENT))
    );
    // Paid partly from the balance: the title, not the amount, names the proforma.
    app.admin_ok(&[
        "record-payment",
        "--title",
        &format!("{} nadpłata", transfer_title(app.account_id(ABONENT))),
        "--amount",
        "5,00",
    ])
    .await;
    let amount = proforma.total_gross() - Money(500);
    let paid = app
        .admin_ok(&[
            "record-payment",
            "--title",
            &title,
            "--amount",
            &amount_arg(amount),
            "--reference",
            "BANK-1",
        ])
        .await;
    assert!(
        paid.contains("named in the title") && paid.contains("paid: issued FV/"),
        "{paid}"
    );
    assert!(
        !app.proformas_of(ABONENT)
            .iter()
            .any(|d| d.id == proforma.id && d.is_unpaid())
    );
    let again = app
        .admin_ok(&[
            "record-payment",
            "--title",
            &title,
            "--amount",
            &amount_arg(amount),
            "--reference",
            "BANK-1",
        ])
        .await;
    assert!(again.contains("nothing changed"), "{again}");
    app.next_mail(ABONENT, "dziękujemy za wpłatę").await;
}

#[tokio::test]
async fn a_transfer_with_only_the_account_title_pays_the_one_proforma_of_that_amount() {
    let app = spawn_app().await;
    let proforma = open_proforma(&app);
    let title = format!(
        "przelew {}",
        transfer_title(app.account_id(ABONENT)).replace('-', " ")
    );
    let before = balance(&app);
    let paid = app
        .admin_ok(&[
            "record-payment",
            "--title",
            &title,
            "--amount",
            &amount_arg(proforma.total_gross()),
        ])
        .await;
    assert!(
        paid.contains("the only unpaid proforma of this amount"),
        "{paid}"
    );
    assert!(
        paid.contains(&format!("{} paid", proforma.number)),
        "{paid}"
    );
    assert_eq!(balance(&app), before);
}

#[tokio::test]
async fn a_transfer_matching_no_proforma_goes_to_the_balance_once_per_reference() {
    let app = spawn_app().await;
    let proforma = open_proforma(&app);
    let title = transfer_title(app.account_id(ABONENT));
    let before = balance(&app);
    let pay = [
        "record-payment",
        "--title",
        &title,
        "--amount",
        "77,77",
        "--reference",
        "BANK-77",
    ];
    let credited = app.admin_ok(&pay).await;
    assert!(
        credited.contains("went to the prepaid balance"),
        "{credited}"
    );
    assert_eq!(balance(&app), before + Money(7777));
    assert!(open_proforma(&app).is_unpaid());

    let again = app.admin_ok(&pay).await;
    assert!(again.contains("already recorded"), "{again}");
    let elsewhere = app
        .admin(&[
            "record-payment",
            "--proforma",
            &proforma.number,
            "--reference",
            "BANK-77",
        ])
        .await;
    assert!(!elsewhere.status.success());
    assert!(
        stderr(&elsewhere).contains("a deposit to the balance"),
        "{}",
        stderr(&elsewhere)
    );
    let without_reference = ["record-payment", "--title", &title, "--amount", "1,00"];
    app.admin_ok(&without_reference).await;
    let repeated = app.admin(&without_reference).await;
    assert!(!repeated.status.success(), "a retried command");
    assert!(stderr(&repeated).contains("--duplicate"));
    assert_eq!(balance(&app), before + Money(7877));
    assert!(open_proforma(&app).is_unpaid());
    // Another transfer, with its own reference, is another deposit.
    let other = app
        .admin_ok(&[
            "record-payment",
            "--title",
            &title,
            "--amount",
            "1,23",
            "--reference",
            "BANK-78",
        ])
        .await;
    assert!(other.contains("went to the prepaid balance"), "{other}");
    assert_eq!(balance(&app), before + Money(8000));
}

#[tokio::test]
async fn a_short_transfer_for_a_named_proforma_retried_the_same_day_is_held_back() {
    let app = spawn_app().await;
    let proforma = open_proforma(&app);
    let title = format!(
        "{} {}",
        proforma.number,
        transfer_title(app.account_id(ABONENT))
    );
    let before = balance(&app);
    let short = ["record-payment", "--title", &title, "--amount", "5,00"];
    app.admin_ok(&short).await;
    assert_eq!(
        balance(&app),
        before + Money(500),
        "too little: on the balance"
    );
    let repeated = app.admin(&short).await;
    assert!(
        !repeated.status.success(),
        "the same command again looks like a retry"
    );
    assert!(
        stderr(&repeated).contains("--duplicate"),
        "{}",
        stderr(&repeated)
    );
    assert_eq!(balance(&app), before + Money(500));
}

#[tokio::test]
async fn a_transfer_title_with_a_wrong_check_digit_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let title = transfer_title(app.account_id(ABONENT));
    let (check, rest) = (title.chars().last().unwrap(), &title[..title.len() - 1]);
    let wrong = format!("{rest}{}", (check.to_digit(10).unwrap() + 1) % 10);
    let (before, entries) = (balance(&app), ledger_len(&app));
    let payments = app
        .state
        .store
        .payments_of_account(app.account_id(ABONENT))
        .unwrap()
        .len();

    let refused = app
        .admin(&[
            "record-payment",
            "--title",
            &format!("Zapłata {wrong}"),
            "--amount",
            "10,00",
        ])
        .await;
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("no account's transfer title"),
        "{}",
        stderr(&refused)
    );
    let nobody = app
        .admin(&[
            "record-payment",
            "--title",
            &transfer_title(999_999),
            "--amount",
            "10,00",
        ])
        .await;
    assert!(
        stderr(&nobody).contains("which does not exist"),
        "{}",
        stderr(&nobody)
    );
    assert_eq!(balance(&app), before);
    assert_eq!(ledger_len(&app), entries);
    let after = app
        .state
        .store
        .payments_of_account(app.account_id(ABONENT))
        .unwrap()
        .len();
    assert_eq!(after, payments);
}
