//! E-mail: one `*_message` function per kind of message (subject, plain text and HTML, in Polish),
//! and the worker that delivers the outbox after commit.

mod delivery;
mod invitation;
mod reminders;
pub mod security;
pub mod template;

pub use delivery::{DemoMailbox, Mailer, MailerError, run_worker};
pub use invitation::invitation_message;
pub use reminders::{reminder_message, step_message};

use crate::domain::time::{format_date, format_timestamp};
use crate::domain::{Account, Document, Money, User};
use crate::store::{LoginRequest, NewMessage, Receipt};
use jiff::Timestamp;
use maud::{Markup, html};
use template::{Mail, code, strong, text};

/// Text for a header (a subject, a display name): control characters, CR and LF above all,
/// become spaces, so user-controlled text cannot end the header and start another.
pub fn header_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn wrap(title: &str, body: Markup) -> String {
    html! {
        (maud::DOCTYPE)
        html lang="pl" {
            head { meta charset="utf-8"; title { (title) } }
            body style="font-family: sans-serif; line-height: 1.5; color: #1f2933" {
                (body)
                p style="color: #6b7280; font-size: 0.9em" { "Wiadomość wysłana automatycznie przez Panel klienta." }
            }
        }
    }
    .into_string()
}

pub fn login_code_message(base_url: &str, request: LoginRequest<'_>) -> NewMessage {
    let link = format!("{base_url}/logowanie/link/{}", request.link_token);
    Mail::new("Kod logowania do Panelu klienta")
        .big("Kod logowania do Panelu klienta", request.code)
        .para([text("Kod jest ważny 10 minut i można go użyć jeden raz.")])
        .button("Zaloguj się przez link", &link)
        .para([text(
            "Jeśli to nie Ty chcesz się zalogować, zignoruj tę wiadomość.",
        )])
        .to(&request.user.email, true)
}

/// Sent once per lock-out: someone typed too many wrong codes for the user's address.
pub fn code_lockout_message(base_url: &str, user: &User, until: Timestamp) -> NewMessage {
    let link = format!("{base_url}/logowanie");
    Mail::new("Zablokowaliśmy logowanie kodem do Panelu klienta")
        .para([
            text("Zablokowaliśmy logowanie kodem dla adresu "),
            strong(user.email.to_string()),
            text(format!(
                " do {}, bo wpisano dla niego zbyt wiele błędnych kodów logowania.",
                format_timestamp(until)
            )),
        ])
        .para([text(
            "Nikt nie zalogował się błędnym kodem. Możesz nadal logować się linkiem z wiadomości \
             z kodem — poproś o nią na stronie logowania.",
        )])
        .links(&[("Logowanie", &link)])
        .para([text(
            "Jeśli to nie były Twoje próby, ktoś mógł próbować odgadnąć kod. Nie musisz nic robić, \
             ale nie przekazuj nikomu wiadomości z kodem ani linku z niej.",
        )])
        .to(&user.email, false)
}

pub fn renewal_proforma_message(
    base_url: &str,
    account: &Account,
    proforma: &Document,
) -> NewMessage {
    let link = format!("{base_url}/faktury/{}", proforma.id);
    let pdf = format!("{link}.pdf");
    let due = proforma.due_on.map(format_date).unwrap_or_default();
    let items: Vec<&str> = proforma
        .lines
        .iter()
        .map(|l| l.description.as_str())
        .collect();
    Mail::new(format!("Proforma {} do zapłaty", proforma.number))
        .para([
            text("wystawiliśmy proformę "),
            strong(proforma.number.clone()),
            text(" na kwotę "),
            strong(proforma.total_gross().to_string()),
            text(format!(" brutto, płatną do {due}.")),
        ])
        .list(&items)
        .para([
            text("Tytuł przelewu: "),
            code(account.transfer_title_for(&proforma.number)),
        ])
        .button("Zobacz proformę i zapłać", &link)
        .links(&[("Proforma w PDF", &pdf)])
        .para([text(
            "Po zaksięgowaniu wpłaty wystawimy fakturę VAT i przedłużymy usługę.",
        )])
        .to(&account.contact_email, false)
}

/// The receipt of any recorded payment: the document it produced, or the balance it went to.
pub fn receipt_message(base_url: &str, account: &Account, receipt: Receipt<'_>) -> NewMessage {
    match receipt {
        Receipt::Document(document) => payment_received_message(base_url, account, document),
        Receipt::Deposit {
            amount,
            balance,
            proforma,
        } => deposit_received_message(base_url, account, amount, balance, proforma),
    }
}

/// A payment kept on the prepaid balance: how much, why, and what the balance is now.
fn deposit_received_message(
    base_url: &str,
    account: &Account,
    amount: Money,
    balance: Money,
    proforma: Option<&Document>,
) -> NewMessage {
    let why = match proforma {
        Some(p) if p.is_unpaid() => format!(
            "Kwota nie pokrywa proformy {} ({}), więc zapisaliśmy ją na saldzie przedpłat.",
            p.number,
            p.total_gross()
        ),
        Some(p) => format!(
            "Proforma {} była już opłacona, więc zapisaliśmy kwotę na saldzie przedpłat.",
            p.number
        ),
        None => "Zapisaliśmy ją na saldzie przedpłat Twojego konta.".to_string(),
    };
    let link = format!("{base_url}/platnosci");
    Mail::new(format!("Otrzymaliśmy wpłatę {amount}"))
        .para([
            text("otrzymaliśmy wpłatę "),
            strong(amount.to_string()),
            text(format!(". {why}")),
        ])
        .para([
            text("Saldo przedpłat wynosi teraz "),
            strong(balance.to_string()),
            text("; opłacisz z niego kolejne proformy przyciskiem „Zapłać z salda”."),
        ])
        .links(&[("Płatności", &link)])
        .to(&account.contact_email, false)
}

pub fn payment_received_message(
    base_url: &str,
    account: &Account,
    invoice: &Document,
) -> NewMessage {
    if invoice.kind == crate::domain::DocumentKind::PaymentConfirmation {
        return top_up_received_message(base_url, account, invoice);
    }
    let link = format!("{base_url}/faktury/{}", invoice.id);
    let pdf = format!("{link}.pdf");
    Mail::new(format!(
        "Dziękujemy za płatność — faktura {}",
        invoice.number
    ))
    .para([
        text("dziękujemy za wpłatę "),
        strong(invoice.total_gross().to_string()),
        text(". Wystawiliśmy fakturę VAT "),
        strong(invoice.number.clone()),
        text(format!(" z dnia {}.", format_timestamp(invoice.issued_at))),
    ])
    .links(&[("Faktura", &link), ("Faktura w PDF", &pdf)])
    .to(&account.contact_email, false)
}

/// The receipt of a top-up: the money is on the prepaid balance, confirmed by a PW document.
pub fn top_up_received_message(
    base_url: &str,
    account: &Account,
    confirmation: &Document,
) -> NewMessage {
    let link = format!("{base_url}/faktury/{}", confirmation.id);
    let pdf = format!("{link}.pdf");
    Mail::new(format!(
        "Dziękujemy za wpłatę — potwierdzenie {}",
        confirmation.number
    ))
    .para([
        text("dziękujemy za wpłatę "),
        strong(confirmation.total_gross().to_string()),
        text(". Kwota zasiliła saldo przedpłat Twojego konta."),
    ])
    .para([
        text("Potwierdzenie wpłaty "),
        strong(confirmation.number.clone()),
        text(format!(
            " z dnia {}. Fakturę VAT wystawimy, gdy saldo opłaci usługę.",
            format_timestamp(confirmation.issued_at)
        )),
    ])
    .links(&[("Potwierdzenie wpłaty", &link), ("PDF", &pdf)])
    .to(&account.contact_email, false)
}

/// Sent with a credit note: how much, why, and where the money went (balance or transfer back).
pub fn credit_note_message(
    base_url: &str,
    account: &Account,
    credit_note: &Document,
    invoice: &Document,
) -> NewMessage {
    let link = format!("{base_url}/faktury/{}", credit_note.id);
    let pdf = format!("{link}.pdf");
    let amount = crate::domain::Money(-credit_note.total_gross().0);
    let reason = credit_note.reason.as_deref().unwrap_or_default();
    let destination = if credit_note.refund_due {
        format!("Kwotę {amount} zwrócimy przelewem na Twój rachunek bankowy.")
    } else {
        format!(
            "Kwota {amount} wróciła na saldo przedpłat Twojego konta; wykorzystamy ją na kolejne płatności."
        )
    };
    Mail::new(format!(
        "Wystawiliśmy fakturę korygującą {}",
        credit_note.number
    ))
    .para([
        text("wystawiliśmy fakturę korygującą "),
        strong(credit_note.number.clone()),
        text(format!(" do faktury {} na kwotę ", invoice.number)),
        strong(amount.to_string()),
        text(" brutto."),
    ])
    .para([text(format!("Przyczyna korekty: {reason}"))])
    .para([text(destination)])
    .links(&[("Faktura korygująca", &link), ("PDF", &pdf)])
    .to(&account.contact_email, false)
}

/// After a change of Dane abonenta: what changed, by whom and when (to the contact address, and
/// to the old one too when that is what changed).
pub fn account_data_changed_message(
    base_url: &str,
    account: &Account,
    changes: &[crate::domain::account_history::Change],
    by: &crate::domain::Email,
    at: Timestamp,
    to: &crate::domain::Email,
) -> NewMessage {
    let link = format!("{base_url}/dane-abonenta");
    let blank = |value: &str| {
        if value.is_empty() {
            "(brak)".to_string()
        } else {
            value.to_string()
        }
    };
    let items: Vec<String> = changes
        .iter()
        .map(|c| format!("{}: {} → {}", c.field, blank(&c.old), blank(&c.new)))
        .collect();
    Mail::new("Zmiana danych abonenta w Panelu klienta")
        .para([
            text("w danych abonenta konta "),
            strong(account.name.clone()),
            text(format!(
                " zmieniono ({}, użytkownik {by}):",
                format_timestamp(at)
            )),
        ])
        .list(&items)
        .para([text(
            "Dokumenty wystawione wcześniej zachowują dane z dnia wystawienia.",
        )])
        .links(&[("Dane abonenta", &link)])
        .para([text(
            "Jeśli nikt z Twojej firmy nie zmieniał tych danych, skontaktuj się z nami.",
        )])
        .to(to, false)
}

/// The proforma of an order from the Sklep: what was ordered, how to pay, and that the services
/// start once it is paid.
pub fn order_proforma_message(
    base_url: &str,
    account: &Account,
    proforma: &Document,
) -> NewMessage {
    let link = format!("{base_url}/faktury/{}/zaplac", proforma.id);
    let pdf = format!("{base_url}/faktury/{}.pdf", proforma.id);
    let due = proforma.due_on.map(format_date).unwrap_or_default();
    let items: Vec<&str> = proforma
        .lines
        .iter()
        .map(|l| l.description.as_str())
        .collect();
    Mail::new(format!("Zamówienie przyjęte: proforma {}", proforma.number))
        .para([
            text("dziękujemy za zamówienie. Wystawiliśmy proformę "),
            strong(proforma.number.clone()),
            text(" na kwotę "),
            strong(proforma.total_gross().to_string()),
            text(format!(" brutto, płatną do {due}.")),
        ])
        .list(&items)
        .para([
            text("Tytuł przelewu: "),
            code(account.transfer_title_for(&proforma.number)),
        ])
        .button("Zapłać", &link)
        .links(&[("Proforma w PDF", &pdf)])
        .para([text(
            "Zamówione usługi uruchomimy, gdy tylko zaksięgujemy wpłatę; wtedy też wystawimy fakturę VAT.",
        )])
        .to(&account.contact_email, false)
}
