//! The form of Dane abonenta: its two parts ("Dane do faktury", "Dane kontaktowe"), each field
//! with its label and, when it was wrong, its message right under it.

use crate::domain::account_data::{AccountForm, FieldErrors};
use crate::domain::country::COUNTRIES;
use crate::web::views::components::csrf_field;
use maud::{Markup, html};

pub const ACTION: &str = "/dane-abonenta";

/// A text field. `extra` is the input's `inputmode`/`autocomplete` pair.
fn field(
    name: &str,
    label: &str,
    value: &str,
    errors: &FieldErrors,
    extra: (&str, &str),
) -> Markup {
    let id = format!("pole-{name}");
    let error = errors.of(name);
    let error_id = format!("{id}-blad");
    let kind = if name == "email" { "email" } else { "text" };
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) type=(kind) name=(name) value=(value) inputmode=(extra.0) autocomplete=(extra.1)
                aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id.as_str())];
            @if let Some(error) = error { p.error id=(error_id) { (error) } }
        }
    }
}

fn country_select(name: &str, label: &str, chosen: &str, errors: &FieldErrors) -> Markup {
    let id = format!("pole-{name}");
    let error = errors.of(name);
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] {
                @for (code, country) in COUNTRIES {
                    option value=(code) selected[code.eq_ignore_ascii_case(chosen)] { (country) }
                }
            }
            @if let Some(error) = error { p.error { (error) } }
        }
    }
}

fn choice(name: &str, value: &str, label: &str, checked: bool) -> Markup {
    html! {
        label.choice {
            input type="radio" name=(name) value=(value) checked[checked];
            " " (label)
        }
    }
}

/// The whole form, filled with `form` (the stored data, or what was sent when it had errors).
pub fn form(csrf: &str, form: &AccountForm, errors: &FieldErrors) -> Markup {
    let company = form.is_company();
    let other = form.other_correspondence();
    html! {
        form #formularz-danych method="post" action=(ACTION) hx-post=(ACTION) hx-target="#dane-abonenta"
            hx-swap="outerHTML" hx-disabled-elt="find button[type=submit]" novalidate {
            (csrf_field(csrf))
            input type="hidden" name="klucz" value=(crate::random::token());
            @if !errors.is_empty() {
                p.error role="alert" { "Popraw zaznaczone pola — niczego jeszcze nie zapisaliśmy." }
            }
            fieldset {
                legend { "Dane do faktury" }
                div.field role="radiogroup" aria-label="Rodzaj abonenta" {
                    (choice("rodzaj", "firma", "Firma", company))
                    (choice("rodzaj", "osoba", "Osoba prywatna", !company))
                    @if let Some(error) = errors.of("rodzaj") { p.error { (error) } }
                }
                (field("nazwa", "Nazwa firmy albo imię i nazwisko", &form.nazwa, errors, ("text", "organization")))
                (field("nip", "NIP (wymagany dla firmy)", &form.nip, errors, ("numeric", "off")))
                (field("regon", "REGON (nieobowiązkowy)", &form.regon, errors, ("numeric", "off")))
                (field("ulica", "Ulica i numer", &form.ulica, errors, ("text", "street-address")))
                (field("kod", "Kod pocztowy", &form.kod, errors, ("text", "postal-code")))
                (field("miasto", "Miejscowość", &form.miasto, errors, ("text", "address-level2")))
                (country_select("kraj", "Kraj", &form.kraj, errors))
            }
            fieldset {
                legend { "Dane kontaktowe" }
                (field("email", "E-mail kontaktowy", &form.email, errors, ("email", "email")))
                (field("telefon", "Telefon", &form.telefon, errors, ("tel", "tel")))
                div.field role="radiogroup" aria-label="Adres do korespondencji" {
                    p.label { "Adres do korespondencji" }
                    (choice("korespondencja", "taki-sam", "Taki sam jak adres do faktury", !other))
                    (choice("korespondencja", "inny", "Inny (podaj poniżej)", other))
                }
                (field("k_ulica", "Ulica i numer (korespondencja)", &form.k_ulica, errors, ("text", "off")))
                (field("k_kod", "Kod pocztowy (korespondencja)", &form.k_kod, errors, ("text", "off")))
                (field("k_miasto", "Miejscowość (korespondencja)", &form.k_miasto, errors, ("text", "off")))
                (country_select("k_kraj", "Kraj (korespondencja)", &form.k_kraj, errors))
            }
            button.button type="submit" { "Zapisz zmiany" }
        }
    }
}
