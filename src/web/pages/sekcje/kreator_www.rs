//! Kreator WWW: the account's website builder sites.

use super::section;
use crate::domain::ServiceKind;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use poem::{Response, handler};

#[handler]
pub async fn view_kreator_get(ctx: Ctx, auth: Auth) -> WebResult<Response> {
    section(ctx, auth, ServiceKind::WebsiteBuilder).await
}
