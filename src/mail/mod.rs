//! E-mail: one `*_message` function per kind of message (subject, plain text and HTML, in Polish),
//! and the worker that delivers the outbox after commit.

mod delivery;
mod reminders;

pub use delivery::{DemoMailbox, Mailer, MailerError, run_worker};
pub use reminders::{reminder_message, step_message};

use crate::domain::time::{format_date, format_timestamp};
use crate::domain::{Account, Document, Money, User};
use crate::store::{LoginRequest, NewMessage, Receipt};
use jiff::Timestamp;
use maud::{Markup, html};

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
    let subject = "Kod logowania do Panelu klienta".to_string();
    let text = format!(
        "Dzień dobry,\n\n\
         Kod logowania do Panelu klienta: {code}\n\n\
         Kod jest ważny 10 minut i można go użyć jeden raz.\n\
         Możesz też zalogować się przez link:\n{link}\n\n\
         Jeśli to nie Ty chcesz się zalogować, zignoruj tę wiadomość.\n",
        code = request.code
    );
    let html = wrap(
        &subject,
        html! {
            p { "Dzień dobry," }
            p { "Kod logowania do Panelu klienta:" }
            p style="font-size: 2em; letter-spacing: 0.2em; font-weight: bold" { (request.code) }
            p { "Kod jest ważny 10 minut i można go użyć jeden raz." }
            p { a href=(link) { "Zaloguj się przez link" } }
            p { "Jeśli to nie Ty chcesz się zalogować, zignoruj tę wiadomość." }
        },
    );
    NewMessage {
        to: request.user.email.to_string(),
        subject,
        text,
        html,
        secret: true,
    }
}

/// Sent once per lock-out: someone typed too many wrong codes for the user's address.
pub fn code_lockout_message(base_url: &str, user: &User, until: Timestamp) -> NewMessage {
    let link = format!("{base_url}/logowanie");
    let subject = "Zablokowaliśmy logowanie kodem do Panelu klienta".to_string();
    let until = format_timestamp(until);
    let text = format!(
        "Dzień dobry,\n\n\
         Zablokowaliśmy logowanie kodem dla adresu {email} do {until}, bo wpisano dla niego \
         zbyt wiele błędnych kodów logowania.\n\n\
         Nikt nie zalogował się błędnym kodem. Możesz nadal logować się linkiem z wiadomości \
         z kodem — poproś o nią na stronie:\n{link}\n\n\
         Jeśli to nie były Twoje próby, ktoś mógł próbować odgadnąć kod. Nie musisz nic robić, \
         ale nie przekazuj nikomu wiadomości z kodem ani linku z niej.\n",
        email = user.email,
    );
    let html = wrap(
        &subject,
        html! {
            p { "Dzień dobry," }
            p { "Zablokowaliśmy logowanie kodem dla adresu " strong { (user.email) } " do " (until)
                ", bo wpisano dla niego zbyt wiele błędnych kodów logowania." }
            p { "Nikt nie zalogował się błędnym kodem. Możesz nadal logować się linkiem z wiadomości z kodem — "
                a href=(link) { "poproś o nią tutaj" } "." }
            p { "Jeśli to nie były Twoje próby, ktoś mógł próbować odgadnąć kod. Nie musisz nic robić, "
                "ale nie przekazuj nikomu wiadomości z kodem ani linku z niej." }
        },
    );
    NewMessage {
        to: user.email.to_string(),
        subject,
        text,
        html,
        secret: false,
    }
}

pub fn renewal_proforma_message(
    base_url: &str,
    account: &Account,
    proforma: &Document,
) -> NewMessage {
    let link = format!("{base_url}/faktury/{}", proforma.id);
    let pdf = format!("{link}.pdf");
    let due = proforma.due_on.map(format_date).unwrap_or_default();
    let subject = format!("Proforma {} do zapłaty", proforma.number);
    let items: Vec<&str> = proforma
        .lines
        .iter()
        .map(|l| l.description.as_str())
        .collect();
    let text = format!(
        "Dzień dobry,\n\n\
         wystawiliśmy proformę {number} na kwotę {total} brutto, płatną do {due}.\n\n\
         {items}\n\n\
         Tytuł przelewu: {number} {reference}\n\
         Szczegóły i płatność: {link}\n\
         Proforma w PDF: {pdf}\n\n\
         Po zaksięgowaniu wpłaty wystawimy fakturę VAT i przedłużymy usługę.\n",
        number = proforma.number,
        total = proforma.total_gross(),
        items = items.join("\n"),
        reference = account.transfer_title(),
    );
    let html = wrap(
        &subject,
        html! {
            p { "Dzień dobry," }
            p { "wystawiliśmy proformę " strong { (proforma.number) } " na kwotę " strong { (proforma.total_gross()) } " brutto, płatną do " (due) "." }
            ul { @for item in &items { li { (item) } } }
            p { "Tytuł przelewu: " code { (proforma.number) " " (account.transfer_title()) } }
            p { a href=(link) { "Zobacz proformę i zapłać" } " · " a href=(pdf) { "Pobierz proformę (PDF)" } }
        },
    );
    NewMessage {
        to: account.contact_email.to_string(),
        subject,
        text,
        html,
        secret: false,
    }
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
    let subject = format!("Otrzymaliśmy wpłatę {amount}");
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
    let text = format!(
        "Dzień dobry,\n\n\
         otrzymaliśmy wpłatę {amount}. {why}\n\
         Saldo przedpłat wynosi teraz {balance}; opłacisz z niego kolejne proformy przyciskiem \"Zapłać z salda\".\n\
         Płatności: {link}\n"
    );
    let html = wrap(
        &subject,
        html! {
            p { "Dzień dobry," }
            p { "otrzymaliśmy wpłatę " strong { (amount) } ". " (why) }
            p { "Saldo przedpłat wynosi teraz " strong { (balance) } "; opłacisz z niego kolejne proformy przyciskiem „Zapłać z salda”." }
            p { a href=(link) { "Zobacz płatności" } }
        },
    );
    NewMessage {
        to: account.contact_email.to_string(),
        subject,
        text,
        html,
        secret: false,
    }
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
    let subject = format!("Dziękujemy za płatność — faktura {}", invoice.number);
    let text = format!(
        "Dzień dobry,\n\n\
         dziękujemy za wpłatę {total}. Wystawiliśmy fakturę VAT {number} z dnia {date}.\n\
         Faktura: {link}\n\
         Faktura w PDF: {pdf}\n",
        total = invoice.total_gross(),
        number = invoice.number,
        date = format_timestamp(invoice.issued_at),
    );
    let html = wrap(
        &subject,
        html! {
            p { "Dzień dobry," }
            p { "dziękujemy za wpłatę " strong { (invoice.total_gross()) } ". Wystawiliśmy fakturę VAT " strong { (invoice.number) } "." }
            p { a href=(link) { "Zobacz fakturę" } " · " a href=(pdf) { "Pobierz fakturę (PDF)" } }
        },
    );
    NewMessage {
        to: account.contact_email.to_string(),
        subject,
        text,
        html,
        secret: false,
    }
}

/// The receipt of a top-up: the money is on the prepaid balance, confirmed by a PW document.
pub fn top_up_received_message(
    base_url: &str,
    account: &Account,
    confirmation: &Document,
) -> NewMessage {
    let link = format!("{base_url}/faktury/{}", confirmation.id);
    let pdf = format!("{link}.pdf");
    let subject = format!(
        "Dziękujemy za wpłatę — potwierdzenie {}",
        confirmation.number
    );
    let text = format!(
        "Dzień dobry,\n\n\
         dziękujemy za wpłatę {total}. Kwota zasiliła saldo przedpłat Twojego konta.\n\
         Potwierdzenie wpłaty {number} z dnia {date}: {link}\n\
         PDF: {pdf}\n\
         Fakturę VAT wystawimy, gdy saldo opłaci usługę.\n",
        total = confirmation.total_gross(),
        number = confirmation.number,
        date = format_timestamp(confirmation.issued_at),
    );
    let html = wrap(
        &subject,
        html! {
            p { "Dzień dobry," }
            p { "dziękujemy za wpłatę " strong { (confirmation.total_gross()) } ". Kwota zasiliła saldo przedpłat Twojego konta." }
            p { "Potwierdzenie wpłaty " strong { (confirmation.number) } ". Fakturę VAT wystawimy, gdy saldo opłaci usługę." }
            p { a href=(link) { "Zobacz potwierdzenie wpłaty" } " · " a href=(pdf) { "Pobierz PDF" } }
        },
    );
    NewMessage {
        to: account.contact_email.to_string(),
        subject,
        text,
        html,
        secret: false,
    }
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
    let subject = format!("Wystawiliśmy fakturę korygującą {}", credit_note.number);
    let reason = credit_note.reason.as_deref().unwrap_or_default();
    let destination = if credit_note.refund_due {
        format!("Kwotę {amount} zwrócimy przelewem na Twój rachunek bankowy.")
    } else {
        format!(
            "Kwota {amount} wróciła na saldo przedpłat Twojego konta; wykorzystamy ją na kolejne płatności."
        )
    };
    let text = format!(
        "Dzień dobry,\n\n\
         wystawiliśmy fakturę korygującą {number} do faktury {invoice} na kwotę {amount} brutto.\n\
         Przyczyna korekty: {reason}\n\n\
         {destination}\n\
         Faktura korygująca: {link}\n\
         PDF: {pdf}\n",
        number = credit_note.number,
        invoice = invoice.number,
    );
    let html = wrap(
        &subject,
        html! {
            p { "Dzień dobry," }
            p { "wystawiliśmy fakturę korygującą " strong { (credit_note.number) } " do faktury "
                (invoice.number) " na kwotę " strong { (amount) } " brutto." }
            p { "Przyczyna korekty: " (reason) }
            p { (destination) }
            p { a href=(link) { "Zobacz fakturę korygującą" } " · " a href=(pdf) { "Pobierz PDF" } }
        },
    );
    NewMessage {
        to: account.contact_email.to_string(),
        subject,
        text,
        html,
        secret: false,
    }
}
