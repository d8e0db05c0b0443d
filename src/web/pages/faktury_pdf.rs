//! `/faktury/{id}.pdf`: a document as a PDF download, scoped and role-checked as its page.

use super::faktury::own_document;
use crate::domain::access::Action;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use poem::Response;
use poem::http::header;
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// PDFs rendered at once: one per core. A burst of downloads queues here instead of taking every
/// core (and a megabyte or so each) from the pages. Per process, like the cores it stands for.
static RENDERS: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
});

/// Called by the detail page's handler for an id ending in `.pdf` (poem matches `:id` whole).
pub async fn faktura_pdf(ctx: &Ctx, auth: &Auth, raw_id: &str) -> WebResult<Response> {
    if !auth.may(Action::ViewBilling) {
        return Err(AppError::Forbidden);
    }
    let document = own_document(ctx, auth, raw_id)?;
    let title = auth.account().transfer_title_for(&document.number);
    let corrects = match document.corrects {
        Some(invoice) => ctx
            .state
            .store
            .document_of_account(auth.account().id, invoice)?
            .map(|d| d.number),
        None => None,
    };
    let file_name = crate::pdf::file_name(&document);
    let seller = ctx.state.seller.clone();
    let code = super::faktury_ksef::pdf_code(ctx, &document)?;
    let _permit = RENDERS
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // A few milliseconds of CPU: off the async workers all the same.
    let pdf = tokio::task::spawn_blocking(move || {
        crate::pdf::render_with_code(
            &document,
            &seller,
            &title,
            corrects.as_deref(),
            code.as_ref(),
        )
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Response::builder()
        .content_type("application/pdf")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(pdf))
}
