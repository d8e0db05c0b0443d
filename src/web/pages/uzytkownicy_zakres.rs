//! The service scope of a user (Księgowość, Techniczny): the whole account, or chosen services
//! only. The same fieldset serves the invite form and each user's "Dostęp" form.

use super::uslugi::parse_id;
use super::uzytkownicy::Feedback;
use super::uzytkownicy_akcje::{changed, invalid};
use crate::domain::Service;
use crate::domain::access::Action;
use crate::domain::service::Lifecycle;
use crate::web::context::{Auth, Ctx};
use crate::web::error::WebResult;
use maud::{Markup, html};
use poem::web::{Form, Path};
use poem::{Response, handler};

/// A form's fields in order, repeated names kept (the checkboxes of the services).
pub type Pairs = Vec<(String, String)>;

/// The last value of `name`, or empty.
pub fn field(pairs: &Pairs, name: &str) -> String {
    (pairs.iter().rev())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.trim().to_string())
        .unwrap_or_default()
}

/// `zakres` (`cale` or `wybrane`) with the ticked `usluga` ids; unknown ids are dropped by the store.
pub fn scope_of(pairs: &Pairs) -> Result<Option<Vec<u64>>, String> {
    match field(pairs, "zakres").as_str() {
        "" | "cale" => Ok(None),
        "wybrane" => Ok(Some(
            (pairs.iter())
                .filter(|(key, _)| key == "usluga")
                .filter_map(|(_, value)| value.trim().parse().ok())
                .collect(),
        )),
        _ => Err("Wybierz dostęp z listy.".into()),
    }
}

/// What the scope reads as in the list.
pub fn scope_label(scope: Option<&[u64]>) -> String {
    match scope {
        None => "całe konto".into(),
        Some(ids) => format!("wybrane usługi ({})", ids.len()),
    }
}

/// The radio buttons and the services' checkboxes; `prefix` keeps ids unique on the page.
pub fn scope_fieldset(
    prefix: &str,
    services: &[Service],
    scope: Option<&[u64]>,
    error: Option<&String>,
) -> Markup {
    let whole = format!("{prefix}-cale");
    let chosen = format!("{prefix}-wybrane");
    html! {
        fieldset.field.scope {
            legend { "Dostęp" }
            div { input #(whole) type="radio" name="zakres" value="cale" checked[scope.is_none()];
                " " label for=(whole) { "całe konto" } }
            div { input #(chosen) type="radio" name="zakres" value="wybrane" checked[scope.is_some()];
                " " label for=(chosen) { "tylko wybrane usługi (Księgowość, Techniczny):" } }
            ul.compact { @for service in services.iter().filter(|s| s.lifecycle != Lifecycle::Deleted) {
                @let id = format!("{prefix}-usluga-{}", service.id);
                li { input #(id) type="checkbox" name="usluga" value=(service.id)
                        checked[scope.is_some_and(|ids| ids.contains(&service.id))];
                    " " label for=(id) { (service.kind.label()) " " (service.name) } }
            } }
            @if let Some(error) = error { p.error role="alert" { (error) } }
        }
    }
}

#[handler]
pub async fn view_zakres_post(
    ctx: Ctx,
    auth: Auth,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> WebResult<Response> {
    auth.require(Action::ManageUsers)?;
    let id = parse_id(&id)?;
    let scope = match scope_of(&pairs) {
        Ok(scope) => scope,
        Err(error) => {
            let feedback = Feedback {
                row_error: Some((id, error)),
                ..Feedback::default()
            };
            return invalid(&ctx, &auth, feedback);
        }
    };
    let (account_id, actor_id) = (auth.account().id, auth.user().id);
    let outcome = ctx
        .state
        .store
        .blocking(move |s| s.set_scope(account_id, actor_id, id, scope))
        .await?;
    changed(&ctx, &auth, id, outcome, &|user| {
        format!(
            "{} ma teraz dostęp: {}.",
            user.email,
            scope_label(user.scope.as_deref())
        )
    })
}
