//! Dane abonenta: the owner corrects the invoice and contact data; each wrong field is named next
//! to it with the rest of the form kept; a change is recorded (who, when, old → new), e-mailed,
//! and never rewrites a document issued before it.

use crate::helpers::{TestApp, hidden, spawn_app};
use panel::domain::{DocumentKind, Email, Role};
use reqwest::StatusCode;

const ABONENT: &str = "abonent@example.com";
const KSIEGOWOSC: &str = "ksiegowosc@example.com";
const TECH: &str = "tech@example.com";
const OLD_NAME: &str = "Przykładowa Firma sp. z o.o.";

/// A valid form of a company, as the owner would send it.
fn company() -> Vec<(&'static str, String)> {
    [
        ("rodzaj", "firma"),
        ("nazwa", "Nowa Firma S.A."),
        ("nip", "5260250274"),
        ("regon", ""),
        ("ulica", "ul. Nowa 5"),
        ("kod", "31-042"),
        ("miasto", "Kraków"),
        ("kraj", "PL"),
        ("email", "abonent@example.com"),
        ("telefon", "600 100 200"),
        ("korespondencja", "taki-sam"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

fn with(
    mut form: Vec<(&'static str, String)>,
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    match form.iter_mut().find(|(k, _)| *k == name) {
        Some(field) => field.1 = value.to_string(),
        None => form.push((name, value.to_string())),
    }
    form
}

impl TestApp {
    /// Sends the Dane abonenta form (plain, or as htmx does).
    async fn send_data(&self, form: &[(&'static str, String)], htmx: bool) -> reqwest::Response {
        let mut fields: Vec<(&str, String)> = form.to_vec();
        fields.push(("csrf_token", self.csrf().await));
        let mut request = self.client.post(self.url("/dane-abonenta")).form(&fields);
        if htmx {
            request = request.header("HX-Request", "true");
        }
        request.send().await.unwrap()
    }

    async fn dane_abonenta(&self) -> String {
        let response = self.get("/dane-abonenta").await;
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    }

    fn stored_account(&self, owner: &str) -> panel::domain::Account {
        self.state
            .store
            .account(self.account_id(owner))
            .unwrap()
            .unwrap()
    }

    /// The demo's technician, added if the demo does not have one.
    fn add_technician(&self) {
        let email = Email::parse(TECH).unwrap();
        if self.state.store.user_by_email(&email).unwrap().is_none() {
            let account_id = self.account_id(ABONENT);
            let now = self.clock.now();
            self.state
                .store
                .add_user(account_id, &email, "Tomasz Technik", Role::Technical, now)
                .unwrap();
        }
    }
}

/// The form field `name` of a page: its label, input, and message if any.
fn field<'a>(page: &'a str, name: &str) -> &'a str {
    let at = page
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("a field {name} in:\n{page}"));
    let start = page[..at].rfind("<div class=\"field\"").unwrap();
    let end = at + page[at..].find("</div>").unwrap();
    &page[start..end]
}

fn error_of<'a>(page: &'a str, name: &str) -> Option<&'a str> {
    let block = field(page, name);
    let at = block.find("<p class=\"error\"")?;
    let text = &block[at..];
    let text = &text[text.find('>')? + 1..];
    Some(&text[..text.find("</p>")?])
}

/// What the read view shows in `<dd id="{id}">`.
fn shown<'a>(page: &'a str, id: &str) -> &'a str {
    let open = format!("<dd id=\"{id}\">");
    let at = page
        .find(&open)
        .unwrap_or_else(|| panic!("{open} in:\n{page}"))
        + open.len();
    &page[at..at + page[at..].find("</dd>").unwrap()]
}

#[tokio::test]
async fn the_page_says_dane_do_faktury_and_dane_kontaktowe_and_everyone_on_the_account_may_read_it()
{
    let app = spawn_app().await;
    app.add_technician();
    for who in [ABONENT, KSIEGOWOSC, TECH] {
        app.log_in(who).await;
        let page = app.dane_abonenta().await;
        assert!(
            page.contains("Dane do faktury") && page.contains("Dane kontaktowe"),
            "{who}"
        );
        assert!(!page.contains("Dane właściwe"), "{who}");
        assert_eq!(shown(&page, "nazwa"), OLD_NAME, "{who}");
        assert_eq!(shown(&page, "telefon"), "+48 22 123 45 67", "{who}");
        let may_edit = who == ABONENT;
        assert_eq!(page.contains("Zapisz zmiany"), may_edit, "{who}");
    }
}

#[tokio::test]
async fn a_nip_with_a_wrong_check_digit_is_named_next_to_the_nip_the_rest_is_kept_and_nothing_is_stored()
 {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let response = app
        .send_data(&with(company(), "nip", "5260250275"), false)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert_eq!(
        error_of(&page, "nip"),
        Some("Nieprawidłowy NIP: cyfra kontrolna się nie zgadza.")
    );
    assert!(field(&page, "nip").contains("aria-invalid=\"true\""));
    assert!(
        field(&page, "nip").contains("value=\"5260250275\""),
        "what was typed stays"
    );
    assert!(field(&page, "nazwa").contains("value=\"Nowa Firma S.A.\""));
    assert!(field(&page, "ulica").contains("value=\"ul. Nowa 5\""));
    assert!(field(&page, "telefon").contains("value=\"600 100 200\""));
    assert_eq!(error_of(&page, "nazwa"), None);

    let page = app.dane_abonenta().await;
    assert_eq!(shown(&page, "nazwa"), OLD_NAME, "nothing was stored");
    assert_eq!(app.stored_account(ABONENT).name, OLD_NAME);
    assert!(page.contains("Dane nie były jeszcze zmieniane"));
}

#[tokio::test]
async fn a_valid_nip_is_saved_and_shown_after_the_redirect() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let form = with(company(), "nip", "PL 123-456-32-18");
    let response = app.send_data(&form, false).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/dane-abonenta");
    let page = app.dane_abonenta().await;
    assert!(page.contains("Zapisano zmiany"), "{page}");
    assert_eq!(shown(&page, "nip"), "1234563218");
    assert_eq!(shown(&page, "nazwa"), "Nowa Firma S.A.");
    assert_eq!(shown(&page, "adres"), "ul. Nowa 5, 31-042 Kraków");
    assert_eq!(shown(&page, "telefon"), "+48 600 100 200");
    let stored = app.stored_account(ABONENT);
    assert_eq!(stored.phone, "+48600100200", "stored in E.164");
    assert_eq!(stored.nip.as_deref(), Some("1234563218"));
}

#[tokio::test]
async fn a_company_without_a_nip_is_refused_and_a_private_person_needs_none() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let response = app.send_data(&with(company(), "nip", ""), false).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert_eq!(error_of(&page, "nip"), Some("Firma musi podać NIP."));
    assert_eq!(
        app.stored_account(ABONENT).nip.as_deref(),
        Some("5260250274")
    );

    let person = with(
        with(with(company(), "rodzaj", "osoba"), "nip", ""),
        "nazwa",
        "Anna Nowak",
    );
    let response = app.send_data(&person, false).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = app.dane_abonenta().await;
    assert!(page.contains("Osoba prywatna"));
    assert_eq!(shown(&page, "nazwa"), "Anna Nowak");
    assert_eq!(shown(&page, "nip"), "—");
}

#[tokio::test]
async fn a_bad_postal_code_phone_and_email_each_get_their_own_message_at_once() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let form = with(
        with(with(company(), "kod", "310-42"), "telefon", "600 100"),
        "email",
        "biuro@",
    );
    let response = app.send_data(&form, false).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert_eq!(
        error_of(&page, "kod"),
        Some("Kod pocztowy w Polsce ma postać 00-000.")
    );
    assert!(
        error_of(&page, "telefon").unwrap().contains("600 100 200"),
        "an example"
    );
    assert!(
        error_of(&page, "email").unwrap().contains("jan@firma.pl"),
        "an example"
    );
    assert_eq!(error_of(&page, "nip"), None);
    assert!(field(&page, "email").contains("value=\"biuro@\""));
    assert_eq!(app.stored_account(ABONENT).address.postal_code, "00-950");
}

#[tokio::test]
async fn the_history_shows_who_changed_what_and_when_from_old_to_new_and_the_contact_is_told() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let form = with(company(), "email", "faktury@nowa.example.com");
    assert_eq!(
        app.send_data(&form, false).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = app.dane_abonenta().await;
    let history = &page[page.find("Historia zmian").unwrap()..];
    for expected in [
        ABONENT,
        "Nazwa",
        OLD_NAME,
        "Nowa Firma S.A.",
        "Adres do faktury",
        "ul. Przykładowa 12, 00-950 Warszawa",
        "ul. Nowa 5, 31-042 Kraków",
        "E-mail kontaktowy",
        "faktury@nowa.example.com",
        &panel::domain::time::format_timestamp(app.clock.now())[..10],
    ] {
        assert!(history.contains(expected), "{expected:?} in:\n{history}");
    }
    assert!(
        !history.contains(">NIP<"),
        "an unchanged field is not listed"
    );
    for to in [ABONENT, "faktury@nowa.example.com"] {
        let mail = app.next_mail(to, "w danych abonenta konta").await;
        assert!(
            mail.contains(&format!("Nazwa: {OLD_NAME} → Nowa Firma S.A.")),
            "{mail}"
        );
        assert!(
            mail.contains("E-mail kontaktowy: abonent@example.com → faktury@nowa.example.com"),
            "{mail}"
        );
    }
}

#[tokio::test]
async fn sending_the_same_form_twice_records_one_change() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let key = hidden(&app.dane_abonenta().await, "klucz");
    let form = with(company(), "klucz", &key);
    assert_eq!(
        app.send_data(&form, false).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.send_data(&form, false).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = app.dane_abonenta().await;
    assert!(page.contains("Te zmiany są już zapisane."), "{page}");
    let history = app
        .state
        .store
        .account_history(app.account_id(ABONENT), 100)
        .unwrap();
    assert_eq!(
        history.iter().filter(|c| c.change.field == "Nazwa").count(),
        1
    );
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let response = app
        .client
        .post(app.url("/dane-abonenta"))
        .form(&company())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.stored_account(ABONENT).name, OLD_NAME);
}

#[tokio::test]
async fn a_proforma_issued_before_the_change_keeps_the_old_name_and_address_on_its_page_and_pdf() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let proforma = app
        .documents_of(ABONENT)
        .into_iter()
        .find(|d| d.kind == DocumentKind::Proforma)
        .expect("the demo has a proforma");
    assert_eq!(
        app.send_data(&company(), false).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = app
        .get(&format!("/faktury/{}", proforma.id))
        .await
        .text()
        .await
        .unwrap();
    let buyer = &page[page.find("<dd id=\"nabywca\">").unwrap()..];
    let buyer = &buyer[..buyer.find("</dd>").unwrap()];
    assert!(
        buyer.contains(OLD_NAME) && buyer.contains("ul. Przykładowa 12"),
        "{buyer}"
    );
    assert!(
        !buyer.contains("Nowa Firma") && !buyer.contains("ul. Nowa 5"),
        "{buyer}"
    );
    let pdf = app
        .get(&format!("/faktury/{}.pdf", proforma.id))
        .await
        .bytes()
        .await
        .unwrap();
    let text = crate::pdf::pdftotext(&pdf).await;
    assert!(
        text.contains("Przykładowa Firma") && text.contains("ul. Przykładowa 12"),
        "{text}"
    );
    assert!(
        !text.contains("Nowa Firma") && !text.contains("ul. Nowa 5"),
        "{text}"
    );
}

#[tokio::test]
async fn technical_and_accounting_users_get_403_and_nothing_changes() {
    let app = spawn_app().await;
    app.add_technician();
    for who in [KSIEGOWOSC, TECH] {
        app.log_in(who).await;
        for htmx in [false, true] {
            let response = app.send_data(&company(), htmx).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{who}");
        }
    }
    assert_eq!(app.stored_account(ABONENT).name, OLD_NAME);
    let history = app
        .state
        .store
        .account_history(app.account_id(ABONENT), 100)
        .unwrap();
    assert!(history.is_empty());
}

#[tokio::test]
async fn extra_fields_like_account_id_are_ignored_and_change_only_ones_own_account() {
    let app = spawn_app().await;
    let other = app.account_id("inny@example.com");
    let other_name = app.stored_account("inny@example.com").name;
    app.log_in(ABONENT).await;
    let form = with(
        with(company(), "account_id", &other.to_string()),
        "id",
        &other.to_string(),
    );
    assert_eq!(
        app.send_data(&form, false).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.stored_account("inny@example.com").name, other_name);
    assert_eq!(app.stored_account(ABONENT).name, "Nowa Firma S.A.");
}

#[tokio::test]
async fn with_htmx_the_content_comes_back_with_the_errors_or_the_saved_data() {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let response = app.send_data(&with(company(), "kod", "abc"), true).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "htmx swaps 422"
    );
    let fragment = response.text().await.unwrap();
    assert!(
        fragment.starts_with("<div id=\"dane-abonenta\">"),
        "{fragment}"
    );
    assert!(!fragment.contains("<html"), "a fragment, not a page");
    assert!(error_of(&fragment, "kod").is_some());
    assert!(field(&fragment, "nazwa").contains("value=\"Nowa Firma S.A.\""));

    let response = app.send_data(&company(), true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let fragment = response.text().await.unwrap();
    assert!(fragment.contains("Zapisano zmiany"), "{fragment}");
    assert_eq!(shown(&fragment, "nazwa"), "Nowa Firma S.A.");
    assert!(fragment.contains("Historia zmian") && fragment.contains(OLD_NAME));
}

#[tokio::test]
async fn a_proforma_issued_after_the_change_carries_the_new_data_and_a_buyer_abroad_has_the_country()
 {
    let app = spawn_app().await;
    app.log_in(ABONENT).await;
    let abroad = with(
        with(with(company(), "kraj", "DE"), "kod", "10115"),
        "miasto",
        "Berlin",
    );
    assert_eq!(
        app.send_data(&abroad, false).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = app.dane_abonenta().await;
    assert_eq!(shown(&page, "adres"), "ul. Nowa 5, 10115 Berlin, Niemcy");

    let service = app.service_id(ABONENT, "przykladowa-firma.pl");
    assert_eq!(app.renew_htmx(service).await.status(), StatusCode::OK);
    let proforma = app.renewal_of(ABONENT, service);
    let pdf = app
        .get(&format!("/faktury/{}.pdf", proforma.id))
        .await
        .bytes()
        .await
        .unwrap();
    let text = crate::pdf::pdftotext(&pdf).await;
    for expected in ["Nowa Firma S.A.", "10115 Berlin", "Niemcy"] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
}
