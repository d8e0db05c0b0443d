//! Invitations to an account: a random token e-mailed, only its MAC stored, 7 days, single use;
//! inviting the same address again replaces the older invitation.

use super::audit::{NewAudit, actor_of, record};
use super::codec::{get, next_in_sequence, owned_ids, put};
use super::outbox::{NewMessage, enqueue};
use super::schema::{INVITATION_TOKENS, INVITATIONS, INVITATIONS_BY_ACCOUNT, USERS};
use super::users::{membership_in, valid_scope};
use super::{Result, Store, StoreError};
use crate::domain::access::{Action, permits};
use crate::domain::audit::AuditKind;
use crate::domain::membership::{self, Invitation, Refusal};
use crate::domain::{Account, Email, Role, User};
use crate::random;
use jiff::Timestamp;
use redb::{ReadableTable, WriteTransaction};

/// The invitation e-mail: the invitation, its account, who invited, and the link's token.
pub type ComposeInvitation<'a> = &'a dyn Fn(&Invitation, &Account, &User, &str) -> NewMessage;

pub struct NewInvitation {
    pub email: Email,
    pub name: String,
    pub role: Role,
    /// The services the new user will see; `None`: the whole account.
    pub scope: Option<Vec<u64>>,
}

pub enum InviteOutcome {
    Sent(Invitation),
    AlreadyMember,
    Refused(Refusal),
}

pub enum AcceptOutcome {
    Joined {
        account: Account,
        user: User,
    },
    AlreadyMember {
        account: Account,
        email: Email,
    },
    /// Unknown, expired or already used.
    Invalid,
}

fn forget_invitation(tx: &WriteTransaction, invitation: &Invitation) -> Result<()> {
    tx.open_table(INVITATIONS)?.remove(invitation.id)?;
    tx.open_table(INVITATIONS_BY_ACCOUNT)?
        .remove((invitation.account_id, invitation.id))?;
    tx.open_table(INVITATION_TOKENS)?
        .remove(invitation.token_mac.as_slice())?;
    Ok(())
}

fn invitations_in(
    invitations: &impl ReadableTable<u64, &'static [u8]>,
    index: &impl ReadableTable<(u64, u64), ()>,
    account_id: u64,
) -> Result<Vec<Invitation>> {
    owned_ids(index, account_id)?
        .into_iter()
        .filter_map(|id| get::<Invitation>(invitations, id).transpose())
        .collect()
}

impl Store {
    fn invitation_key(&self, token: &str) -> Vec<u8> {
        self.mac(&[b"invitation", token.as_bytes()])
    }

    /// Invites `new` to the actor's account (replacing an older invitation of the same address)
    /// and queues its e-mail in the same transaction.
    pub fn invite(
        &self,
        actor_id: u64,
        new: NewInvitation,
        ip: &str,
        now: Timestamp,
        compose: ComposeInvitation<'_>,
    ) -> Result<InviteOutcome> {
        self.write(|tx| {
            let actor = get::<User>(&tx.open_table(USERS)?, actor_id)?
                .filter(|u| u.active && permits(u.role, u.scope.is_some(), Action::ManageUsers))
                .ok_or(StoreError::NotFound("user"))?;
            if let Err(refusal) = membership::check_invite(actor.role, new.role) {
                return Ok(InviteOutcome::Refused(refusal));
            }
            let scope = match valid_scope(tx, actor.account_id, new.role, new.scope)? {
                Ok(scope) => scope,
                Err(refusal) => return Ok(InviteOutcome::Refused(refusal)),
            };
            if membership_in(tx, new.email.as_str(), actor.account_id)?.is_some() {
                return Ok(InviteOutcome::AlreadyMember);
            }
            let older = invitations_in(
                &tx.open_table(INVITATIONS)?,
                &tx.open_table(INVITATIONS_BY_ACCOUNT)?,
                actor.account_id,
            )?;
            for invitation in older.iter().filter(|i| i.email == new.email) {
                forget_invitation(tx, invitation)?;
            }
            let token = random::token();
            let invitation = Invitation {
                id: next_in_sequence(tx, "invitation")?,
                account_id: actor.account_id,
                email: new.email,
                name: new.name,
                role: new.role,
                invited_by: actor.id,
                token_mac: self.invitation_key(&token),
                created_at: now,
                scope,
            };
            put(&mut tx.open_table(INVITATIONS)?, invitation.id, &invitation)?;
            tx.open_table(INVITATIONS_BY_ACCOUNT)?
                .insert((invitation.account_id, invitation.id), ())?;
            tx.open_table(INVITATION_TOKENS)?
                .insert(invitation.token_mac.as_slice(), invitation.id)?;
            let account = super::accounts::load_account_in(tx, actor.account_id)?;
            enqueue(tx, compose(&invitation, &account, &actor, &token), now)?;
            let entry = NewAudit {
                actor: actor_of(&actor),
                kind: AuditKind::UserInvited,
                detail: format!("{} ({})", invitation.email, invitation.role.label()),
                origin: ip,
                account_id: Some(actor.account_id),
            };
            record(tx, entry, now)?;
            Ok(InviteOutcome::Sent(invitation))
        })
    }

    /// The account's invitations not yet accepted or cancelled (expired ones too), oldest first.
    pub fn invitations_of_account(&self, account_id: u64) -> Result<Vec<Invitation>> {
        let tx = self.read()?;
        invitations_in(
            &tx.open_table(INVITATIONS)?,
            &tx.open_table(INVITATIONS_BY_ACCOUNT)?,
            account_id,
        )
    }

    /// Cancels an invitation of `account_id`; false when there is no such invitation.
    pub fn cancel_invitation(&self, account_id: u64, id: u64) -> Result<bool> {
        self.write(|tx| {
            let found: Option<Invitation> = get(&tx.open_table(INVITATIONS)?, id)?;
            match found.filter(|i| i.account_id == account_id) {
                Some(invitation) => forget_invitation(tx, &invitation).map(|()| true),
                None => Ok(false),
            }
        })
    }

    /// A usable invitation by its token, with its account, without using it (its GET page).
    pub fn invitation(&self, token: &str, now: Timestamp) -> Result<Option<(Invitation, Account)>> {
        let tx = self.read()?;
        let id = tx
            .open_table(INVITATION_TOKENS)?
            .get(self.invitation_key(token).as_slice())?
            .map(|v| v.value());
        let Some(id) = id else { return Ok(None) };
        let Some(invitation) =
            get::<Invitation>(&tx.open_table(INVITATIONS)?, id)?.filter(|i| i.is_usable(now))
        else {
            return Ok(None);
        };
        let account = super::accounts::load_account(&tx, invitation.account_id)?;
        Ok(Some((invitation, account)))
    }

    /// Accepts an invitation: the membership is created and the invitation is gone, once.
    pub fn accept_invitation(&self, token: &str, now: Timestamp) -> Result<AcceptOutcome> {
        let key = self.invitation_key(token);
        self.write(|tx| {
            let id = tx
                .open_table(INVITATION_TOKENS)?
                .get(key.as_slice())?
                .map(|v| v.value());
            let Some(id) = id else {
                return Ok(AcceptOutcome::Invalid);
            };
            let Some(invitation) = get::<Invitation>(&tx.open_table(INVITATIONS)?, id)? else {
                return Ok(AcceptOutcome::Invalid);
            };
            forget_invitation(tx, &invitation)?;
            if !invitation.is_usable(now) {
                return Ok(AcceptOutcome::Invalid);
            }
            let account = super::accounts::load_account_in(tx, invitation.account_id)?;
            let email = invitation.email.clone();
            if membership_in(tx, email.as_str(), account.id)?.is_some() {
                return Ok(AcceptOutcome::AlreadyMember { account, email });
            }
            let mut user = super::accounts::insert_user(
                tx,
                account.id,
                &email,
                &invitation.name,
                invitation.role,
                now,
            )?;
            if invitation.scope.is_some() {
                user.scope = invitation.scope;
                put(&mut tx.open_table(USERS)?, user.id, &user)?;
            }
            Ok(AcceptOutcome::Joined { account, user })
        })
    }
}
