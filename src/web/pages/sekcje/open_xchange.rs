//! Open-Xchange: the account's licences.

use super::section;
use crate::domain::ServiceKind;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use poem::{Response, handler};

#[handler]
pub async fn view_open_xchange_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    section(ctx, auth, ServiceKind::OpenXchange).await
}
