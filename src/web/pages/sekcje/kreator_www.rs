//! Kreator WWW: the account's website builder sites with their domain, publish status and the
//! editor's link; changing the domain, Opublikuj and Wycofaj publikację. Publishing and
//! withdrawing are provisioning tasks: the status reads "Publikowanie…" and the site's card reloads
//! itself until the task is done. Without JavaScript each action is a plain POST (303 back here);
//! with htmx the section is swapped.

use super::RECENT_TASKS;
use super::kreator_www_view::{Shown, Site, content};
use crate::domain::ServiceKind;
use crate::domain::task::TaskAction;
use crate::domain::website::{SiteChange, is_site_task};
use crate::store::SiteOutcome;
use crate::web::context::{Auth, Ctx};
use crate::web::error::{AppError, WebResult};
use crate::web::views::layout::Nav;
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

/// The viewer's sites, and the account's domains (ASCII) a site may use.
pub(super) fn sites(ctx: &Ctx, auth: &Auth) -> WebResult<(Vec<Site>, Vec<String>)> {
    let store = &ctx.state.store;
    let mut sites = Vec::new();
    let mut domains = Vec::new();
    for service in store.services_for(&auth.viewer())? {
        if service.kind == ServiceKind::Domain
            && service.lifecycle != crate::domain::service::Lifecycle::Deleted
        {
            domains.push(service.name.clone());
        }
        if service.kind != ServiceKind::WebsiteBuilder {
            continue;
        }
        let plan = store.plan(service.plan_id)?.map(|p| p.name);
        let tasks = store.recent_tasks_of_service(service.id, RECENT_TASKS)?;
        sites.push(Site {
            plan: plan.unwrap_or_default(),
            tasks: tasks
                .into_iter()
                .filter(|t| is_site_task(&t.action))
                .collect(),
            service,
        });
    }
    Ok((sites, domains))
}

#[handler]
pub async fn view_kreator_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    let body = content(&ctx, &auth, &Shown::List)?;
    Ok(ctx.page(
        &auth,
        ServiceKind::WebsiteBuilder.section_title(),
        Nav::Uslugi,
        body,
    ))
}

#[derive(Deserialize)]
pub struct DomainForm {
    #[serde(default)]
    domena: String,
}

#[handler]
pub async fn view_kreator_domena_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<u64>,
    Form(form): Form<DomainForm>,
) -> WebResult<Response> {
    change(ctx, auth, id, SiteChange::SetDomain(form.domena)).await
}

#[handler]
pub async fn view_kreator_opublikuj_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<u64>,
) -> WebResult<Response> {
    change(ctx, auth, id, SiteChange::Publish).await
}

#[handler]
pub async fn view_kreator_wycofaj_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<u64>,
) -> WebResult<Response> {
    change(ctx, auth, id, SiteChange::Unpublish).await
}

async fn change(ctx: Ctx, auth: Auth, id: u64, change: SiteChange) -> WebResult<Response> {
    auth.require(crate::domain::access::Action::ManageServices)?;
    let viewer = auth.viewer();
    let now = ctx.now();
    let is_domain = matches!(change, SiteChange::SetDomain(_));
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.change_site(&viewer, id, change, now))
        .await?;
    let message = match outcome {
        SiteOutcome::NotFound => return Err(AppError::NotFound),
        SiteOutcome::Refused(refusal) => {
            let shown = Shown::Refused {
                id,
                domain_field: is_domain,
                message: refusal.message(),
            };
            return refused(&ctx, &auth, &shown);
        }
        SiteOutcome::Saved(task) => {
            ctx.state.wake_tasks();
            match task.as_deref().map(|t| &t.action) {
                Some(TaskAction::PublishSite { .. }) => "Publikujemy stronę — za chwilę.",
                Some(TaskAction::UnpublishSite { .. }) => {
                    "Wycofujemy publikację strony — za chwilę."
                }
                _ => "Zapisaliśmy domenę strony.",
            }
        }
    };
    if !ctx.htmx {
        return Ok(ctx.redirect_with_flash(ServiceKind::WebsiteBuilder.section_path(), message));
    }
    Ok(content(&ctx, &auth, &Shown::Saved(id, message))?.into_response())
}

fn refused(ctx: &Ctx, auth: &Auth, shown: &Shown) -> WebResult<Response> {
    let body = content(ctx, auth, shown)?;
    if ctx.htmx {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    let title = ServiceKind::WebsiteBuilder.section_title();
    let mut response = ctx.page(auth, title, Nav::Uslugi, body);
    response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
    Ok(response)
}
