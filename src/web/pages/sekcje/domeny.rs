//! Domeny: the account's domains.

use super::section;
use crate::domain::ServiceKind;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use poem::{Response, handler};

#[handler]
pub async fn view_domeny_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    section(ctx, auth, ServiceKind::Domain).await
}
