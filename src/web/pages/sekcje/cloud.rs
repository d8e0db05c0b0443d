//! Cloud: the account's cloud servers.

use super::section;
use crate::domain::ServiceKind;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use poem::{Response, handler};

#[handler]
pub async fn view_cloud_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    section(ctx, auth, ServiceKind::Cloud).await
}
