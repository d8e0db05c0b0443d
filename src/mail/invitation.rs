//! The invitation to an account's users.

use super::template::{Mail, strong, text};
use crate::domain::membership::Invitation;
use crate::domain::time::format_timestamp;
use crate::domain::{Account, User};
use crate::store::NewMessage;

/// Sent to the invited address; the link shows the invitation and one button that accepts it.
pub fn invitation_message(
    base_url: &str,
    invitation: &Invitation,
    account: &Account,
    inviter: &User,
    token: &str,
) -> NewMessage {
    let link = format!("{base_url}/zaproszenie/{token}");
    Mail::new(format!(
        "Zaproszenie do konta {} w Panelu klienta",
        account.name
    ))
    .para([
        strong(inviter.name.clone()),
        text(format!(" ({}) zaprasza Cię do konta ", inviter.email)),
        strong(account.name.clone()),
        text(format!(
            " w Panelu klienta z rolą {}.",
            invitation.role.label()
        )),
    ])
    .button("Zobacz zaproszenie", &link)
    .para([text(format!(
        "Zaproszenie jest ważne do {} i można je przyjąć jeden raz. Potem zalogujesz się \
             swoim adresem {}.",
        format_timestamp(invitation.expires_at()),
        invitation.email
    ))])
    .para([text(
        "Jeśli nie spodziewasz się tego zaproszenia, zignoruj tę wiadomość.",
    )])
    .to(&invitation.email, true)
}
