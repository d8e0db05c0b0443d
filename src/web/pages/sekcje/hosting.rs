//! Hosting: the account's hosting servers.

use super::section;
use crate::domain::ServiceKind;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use poem::{Response, handler};

#[handler]
pub async fn view_hosting_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    section(ctx, auth, ServiceKind::Hosting).await
}
