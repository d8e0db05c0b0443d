//! A domain's DNS records: the list, one form to add a record or change one, and Usuń. Each change
//! is checked against the zone's rules in the transaction that stores it with its task.

use super::domeny::{Shown, changed, domain_page, respond};
use crate::domain::access::Action;
use crate::domain::dns::{DnsRecord, RECORD_TYPES, RecordChange, shown_name};
use crate::domain::dns_form::{FieldErrors, RecordForm};
use crate::store::{DnsOutcome, DomainPage};
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::pages::uslugi::parse_id;
use crate::web::views::components::csrf_field;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Response, handler};

pub(super) fn records_section(
    ctx: &Ctx,
    page: &DomainPage,
    manages: bool,
    shown: &Shown<'_>,
) -> Markup {
    let id = page.service.id;
    let no_errors = FieldErrors::default();
    let blank = RecordForm {
        typ: "A".into(),
        ttl: crate::domain::dns::DEFAULT_TTL.to_string(),
        ..RecordForm::default()
    };
    let filled;
    let (form, errors, editing) = match shown {
        Shown::Record {
            form,
            errors,
            editing,
        } => (*form, *errors, *editing),
        Shown::Editing(nr) => {
            filled = page
                .zone
                .records
                .iter()
                .find(|r| r.id == *nr)
                .map(RecordForm::of);
            (filled.as_ref().unwrap_or(&blank), &no_errors, Some(*nr))
        }
        _ => (&blank, &no_errors, None),
    };
    html! {
        section.block #rekordy-dns {
            h2 { "Rekordy DNS" }
            @if page.zone.records.is_empty() {
                p.muted #brak-rekordow { "Strefa nie ma jeszcze rekordów." }
            } @else {
                div.table-wrap { table.stacked #lista-rekordow {
                    thead { tr { th { "Nazwa" } th { "Typ" } th { "Wartość" } th { "TTL" } @if manages { th { span.visually-hidden { "Akcje" } } } } }
                    tbody { @for record in &page.zone.records { (record_row(ctx, id, record, manages)) } }
                } }
            }
            @if manages {
                details.edit open[!errors.is_empty() || editing.is_some()] {
                    summary { "Dodaj lub zmień rekord" }
                    (record_form(ctx, id, form, errors, editing))
                }
            }
        }
    }
}

fn record_row(ctx: &Ctx, id: u64, record: &DnsRecord, manages: bool) -> Markup {
    let delete = format!("/domeny/{id}/rekordy/{}/usun", record.id);
    let name = shown_name(&record.name);
    html! {
        tr #{ "rekord-" (record.id) } {
            td { (name) }
            td data-label="Typ" { (record.data.type_name()) }
            td.wrap data-label="Wartość" { (record.data.shown()) }
            td data-label="TTL" { (record.ttl) }
            @if manages {
                td {
                    a href={ "/domeny/" (id) "?edytuj=" (record.id) "#formularz-rekordu" }
                        hx-get={ "/domeny/" (id) "?edytuj=" (record.id) } hx-target="#domena" hx-swap="outerHTML" { "Zmień" }
                    " "
                    form.inline method="post" action=(delete) hx-post=(delete) hx-target="#domena" hx-swap="outerHTML"
                        hx-confirm={ "Usunąć rekord " (record.data.type_name()) " " (name) "?" } {
                        (csrf_field(&ctx.csrf))
                        button.link type="submit" { "Usuń" }
                    }
                }
            }
        }
    }
}

fn field(name: &str, label: &str, value: &str, errors: &FieldErrors) -> Markup {
    let id = format!("pole-{name}");
    let error = errors.of(name);
    let error_id = format!("{id}-blad");
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) type="text" name=(name) value=(value) autocomplete="off" spellcheck="false"
                aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id.as_str())];
            @if let Some(error) = error { p.error id=(error_id) { (error) } }
        }
    }
}

fn record_form(
    ctx: &Ctx,
    id: u64,
    form: &RecordForm,
    errors: &FieldErrors,
    editing: Option<u64>,
) -> Markup {
    let action = match editing {
        Some(nr) => format!("/domeny/{id}/rekordy/{nr}"),
        None => format!("/domeny/{id}/rekordy"),
    };
    let chosen = form.typ.trim().to_uppercase();
    html! {
        form #formularz-rekordu method="post" action=(action) hx-post=(action) hx-target="#domena"
            hx-swap="outerHTML" hx-disabled-elt="find button[type=submit]" novalidate {
            (csrf_field(&ctx.csrf))
            h3 { @if editing.is_some() { "Zmień rekord" } @else { "Dodaj rekord" } }
            @if !errors.is_empty() {
                p.error role="alert" { "Popraw zaznaczone pola — niczego jeszcze nie zapisaliśmy." }
            }
            div.field {
                label for="pole-typ" { "Typ rekordu" }
                select #pole-typ name="typ" aria-invalid=[errors.of("typ").map(|_| "true")] {
                    @for typ in RECORD_TYPES { option value=(typ) selected[typ == chosen] { (typ) } }
                }
                @if let Some(error) = errors.of("typ") { p.error { (error) } }
            }
            (field("nazwa", "Nazwa (@ to sama domena, np. www, _dmarc)", &form.nazwa, errors))
            (field("wartosc", "Wartość (adres IP, nazwa serwera albo tekst)", &form.wartosc, errors))
            (field("ttl", "TTL w sekundach (od 60 do 86400)", &form.ttl, errors))
            (field("priorytet", "Priorytet (MX, SRV)", &form.priorytet, errors))
            (field("waga", "Waga (SRV)", &form.waga, errors))
            (field("port", "Port (SRV)", &form.port, errors))
            (field("flaga", "Flaga (CAA, zwykle 0)", &form.flaga, errors))
            (field("tag", "Znacznik (CAA: issue, issuewild albo iodef)", &form.tag, errors))
            button.button type="submit" { @if editing.is_some() { "Zapisz rekord" } @else { "Dodaj rekord" } }
            @if editing.is_some() { " " a href={ "/domeny/" (id) } { "Anuluj" } }
        }
    }
}

/// Parses the form, applies the change in one transaction with its task, and answers.
async fn change(
    ctx: Ctx,
    auth: Auth,
    id: u64,
    editing: Option<u64>,
    form: RecordForm,
) -> WebResult<Response> {
    auth.require_service(id)?;
    auth.require(Action::ManageServices)?;
    let page = domain_page(&ctx, &auth, id)?;
    let refused = |errors: FieldErrors| {
        let shown = Shown::Record {
            form: &form,
            errors: &errors,
            editing,
        };
        respond(&ctx, &auth, &page, StatusCode::UNPROCESSABLE_ENTITY, shown)
    };
    let mut record = match form.parse(&page.service.name) {
        Ok(record) => record,
        Err(errors) => return refused(errors),
    };
    let change = match editing {
        Some(nr) => {
            record.id = nr;
            RecordChange::Replace(record.clone())
        }
        None => RecordChange::Add(record.clone()),
    };
    let viewer = auth.viewer();
    let now = ctx.now();
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.change_dns_record(&viewer, id, change, now))
        .await?;
    match outcome {
        DnsOutcome::NotFound => Err(AppError::NotFound),
        DnsOutcome::Refused((field, message)) => {
            let mut errors = FieldErrors::default();
            errors.add(field, message);
            refused(errors)
        }
        DnsOutcome::Done { .. } => {
            let what = format!("{} {}", record.data.type_name(), shown_name(&record.name));
            let message = match editing {
                Some(_) => format!(
                    "Zapisaliśmy zmianę rekordu {what}. Serwery DNS dostaną ją w ciągu kilku minut."
                ),
                None => format!(
                    "Dodaliśmy rekord {what}. Serwery DNS zaczną go podawać w ciągu kilku minut."
                ),
            };
            changed(&ctx, &auth, id, &message)
        }
    }
}

#[handler]
pub async fn view_rekord_dodaj_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    change(ctx, auth, id, None, form).await
}

#[handler]
pub async fn view_rekord_zmien_post(
    ctx: Ctx,
    auth: Auth,
    Path((id, nr)): Path<(String, String)>,
    Form(form): Form<RecordForm>,
) -> WebResult<Response> {
    let (id, nr) = (parse_id(&id)?, parse_id(&nr)?);
    change(ctx, auth, id, Some(nr), form).await
}

#[handler]
pub async fn view_rekord_usun_post(
    ctx: Ctx,
    auth: Auth,
    Path((id, nr)): Path<(String, String)>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    auth.require_service(id)?;
    auth.require(Action::ManageServices)?;
    let nr = parse_id(&nr)?;
    let viewer = auth.viewer();
    let now = ctx.now();
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.change_dns_record(&viewer, id, RecordChange::Delete(nr), now))
        .await?;
    match outcome {
        DnsOutcome::Done { .. } => changed(
            &ctx,
            &auth,
            id,
            "Usunęliśmy rekord. Serwery DNS przestaną go podawać w ciągu kilku minut.",
        ),
        DnsOutcome::NotFound | DnsOutcome::Refused(_) => Err(AppError::NotFound),
    }
}
