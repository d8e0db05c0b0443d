//! KSeF on the document page: the e-invoice's download (`/faktury/{id}.xml`), its verification
//! QR code (KOD I) with the link under it, and its KSeF status.

use super::faktury::own_document;
use crate::domain::Document;
use crate::domain::access::Action;
use crate::domain::time::today;
use crate::ksef::KsefStatus;
use crate::ksef::qr::{Modules, invoice_link, xml_hash};
use crate::store::has_fa3;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use maud::{Markup, PreEscaped, html};
use poem::Response;
use poem::http::header;

/// Called by the detail page's handler for an id ending in `.xml`: the FA(3) file, as stored.
pub async fn faktura_xml(ctx: &Ctx, auth: &Auth, raw_id: &str) -> WebResult<Response> {
    if !auth.may(Action::ViewBilling) {
        return Err(AppError::Forbidden);
    }
    let document = own_document(ctx, auth, raw_id)?;
    let xml = match has_fa3(document.kind) {
        true => ctx.state.store.ksef_xml(document.id, ctx.now())?,
        false => None,
    };
    let xml = xml.ok_or(AppError::NotFound)?;
    Ok(Response::builder()
        .content_type("application/xml; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                crate::ksef::file_name(&document.number)
            ),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(xml))
}

/// KOD I of a stored e-invoice: the link and what is printed under the code (the KSeF number,
/// or OFFLINE until KSeF gave one).
pub struct Verification {
    pub link: String,
    pub label: String,
    pub modules: Option<Modules>,
}

impl Verification {
    pub fn of(ctx: &Ctx, document: &Document, xml: &[u8], status: &KsefStatus) -> Verification {
        let seller = &ctx.state.seller;
        let env = ctx.state.config.args.seller.ksef_env;
        let link = invoice_link(
            env,
            seller.nip.as_str(),
            today(document.issued_at),
            &xml_hash(xml),
        );
        Verification {
            modules: Modules::of(&link),
            label: status.ksef_number().unwrap_or("OFFLINE").to_string(),
            link,
        }
    }
}

/// KOD I for the PDF of an invoice or credit note; `None` for other documents.
pub fn pdf_code(ctx: &Ctx, document: &Document) -> WebResult<Option<crate::pdf::KsefCode>> {
    if !has_fa3(document.kind) {
        return Ok(None);
    }
    let store = &ctx.state.store;
    let Some(xml) = store.ksef_xml(document.id, ctx.now())? else {
        return Ok(None);
    };
    let status = store.ksef_status(document.id)?;
    let kod = Verification::of(ctx, document, &xml, &status);
    Ok(Some(crate::pdf::KsefCode {
        link: kod.link,
        label: kod.label,
    }))
}

/// The "e-Faktura KSeF" block of an invoice's or credit note's page; nothing for other documents.
pub fn ksef_section(ctx: &Ctx, document: &Document) -> WebResult<Markup> {
    if !has_fa3(document.kind) {
        return Ok(html! {});
    }
    let store = &ctx.state.store;
    let Some(xml) = store.ksef_xml(document.id, ctx.now())? else {
        return Ok(html! {});
    };
    let status = store.ksef_status(document.id)?;
    let kod = Verification::of(ctx, document, &xml, &status);
    Ok(html! {
        section.block #ksef {
            h2 { "e-Faktura KSeF" }
            dl.details {
                div { dt { "Status w KSeF" } dd #status-ksef { (status.label()) } }
            }
            @if let Some(modules) = &kod.modules {
                div.qr #kod-qr-ksef {
                    (PreEscaped(modules.svg("Kod QR weryfikacji faktury w KSeF")))
                    p.qr-label { strong { (kod.label) } }
                }
            }
            p.ksef-link { "Sprawdź fakturę w KSeF: " a #link-ksef href=(kod.link) rel="noopener noreferrer" { (kod.link) } }
        }
    })
}
