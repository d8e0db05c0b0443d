//! The operator's read-only view of an account (`panel admin login-as`): the link's page has one
//! button (a POST, so a link preview cannot use it up); pressing it starts a read-only session
//! whose cookie lives only as long as the browser.

use crate::web::context::{Ctx, redirect};
use crate::web::error::WebResult;
use crate::web::views::components::csrf_field;
use maud::html;
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Response, handler};

#[handler]
pub async fn view_podglad_get(ctx: Ctx, Path(token): Path<String>) -> WebResult<Response> {
    if !ctx.state.store.login_as_usable(&token, ctx.now())? {
        return Ok(expired(&ctx));
    }
    let body = html! {
        p { "Otwierasz podgląd konta klienta tylko do odczytu. Otwarcie zostanie zapisane w dzienniku zdarzeń konta." }
        form.card method="post" action=(format!("/podglad/{token}")) {
            (csrf_field(&ctx.csrf))
            button.button type="submit" { "Otwórz podgląd" }
        }
    };
    Ok(ctx.public_page(StatusCode::OK, "Podgląd konta", body))
}

#[handler]
pub async fn view_podglad_post(ctx: Ctx, Path(token): Path<String>) -> WebResult<Response> {
    let (ip, now) = (ctx.ip.clone(), ctx.now());
    let session = ctx
        .state
        .store
        .blocking(move |s| s.use_login_as(&token, &ip, now))
        .await?;
    let Some(session) = session else {
        return Ok(expired(&ctx));
    };
    let mut response = redirect("/pulpit");
    let cookies = &ctx.state.cookies;
    // No Max-Age: the view ends with the browser.
    ctx.add_cookie(&mut response, &cookies.set(cookies.session, &session, None));
    let csrf = cookies.set(cookies.csrf, &crate::random::token(), None);
    ctx.add_cookie(&mut response, &csrf);
    Ok(response)
}

fn expired(ctx: &Ctx) -> Response {
    let body = html! {
        p { "Ten link podglądu wygasł albo został już użyty. Utwórz nowy." }
    };
    ctx.public_page(StatusCode::GONE, "Link jest nieważny", body)
}
