//! Dziennik zdarzeń (`/konto/dziennik`): the account's own audit log for its owner, newest first,
//! in pages. Who, what, when (Warsaw time) and from which address.

use crate::domain::access::Action;
use crate::domain::audit::AuditEntry;
use crate::domain::time::format_timestamp;
use crate::store::AuditFilter;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use crate::web::views::layout::Nav;
use maud::{Markup, html};
use poem::web::Query;
use poem::{Response, handler};
use serde::Deserialize;

/// Entries on one page.
const PER_PAGE: usize = 25;
/// The last page one may ask for (the log of a busy account is long; older pages via the host).
const MAX_PAGE: usize = 400;

#[derive(Deserialize)]
pub struct Paging {
    #[serde(default)]
    strona: Option<String>,
}

#[handler]
pub async fn view_dziennik_get(
    ctx: Ctx,
    auth: Auth,
    Query(paging): Query<Paging>,
) -> WebResult<Response> {
    auth.require(Action::ViewAudit)?;
    let page = paging
        .strona
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_PAGE);
    let filter = AuditFilter {
        account_id: Some(auth.account().id),
        since: None,
        skip: (page - 1) * PER_PAGE,
        limit: PER_PAGE + 1,
    };
    let mut entries = ctx
        .state
        .store
        .blocking(move |s| s.audit_entries(&filter))
        .await?;
    let more = entries.len() > PER_PAGE;
    entries.truncate(PER_PAGE);
    let body = content(&entries, page, more);
    Ok(ctx.page(&auth, "Dziennik zdarzeń", Nav::Dziennik, body))
}

fn content(entries: &[AuditEntry], page: usize, more: bool) -> Markup {
    html! {
        p.muted { "Logowania, zmiany uprawnień, płatności i inne ważne zdarzenia na koncie, od najnowszych. Czas polski." }
        @if entries.is_empty() {
            p.muted { "Brak zdarzeń." }
        } @else {
            div.table-wrap { table.stacked #dziennik {
                thead { tr { th { "Kiedy" } th { "Zdarzenie" } th { "Kto" } th { "Skąd" } th { "Szczegóły" } } }
                tbody { @for entry in entries {
                    tr {
                        td { (format_timestamp(entry.at)) }
                        td data-label="Zdarzenie" { (entry.kind.label()) }
                        td data-label="Kto" { (who(entry)) }
                        td data-label="Skąd" { (origin(&entry.origin)) }
                        td data-label="Szczegóły" { (entry.detail) }
                    }
                } }
            } }
        }
        nav.pager aria-label="Strony dziennika" {
            @if page > 1 {
                a href=(format!("/konto/dziennik?strona={}", page - 1)) { "← Nowsze" }
                " "
            }
            @if more {
                a href=(format!("/konto/dziennik?strona={}", page + 1)) { "Starsze →" }
            }
        }
    }
}

fn who(entry: &AuditEntry) -> String {
    use crate::domain::audit::Actor;
    match &entry.actor {
        Actor::Operator => "obsługa dostawcy".into(),
        Actor::System => "system".into(),
        other => other.label(),
    }
}

fn origin(origin: &str) -> &str {
    match origin {
        "" => "—",
        crate::domain::audit::OPERATOR_ORIGIN => "panel dostawcy",
        ip => ip,
    }
}
