//! Who may change whose membership: ranks of roles, inviting, changing a role, removing a user,
//! and invitations (single use, expiring). Pure rules; the store applies them inside the write
//! transaction that makes the change, so two requests cannot both pass on stale data.

use super::{Email, Role, User};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// How long an invitation link works.
pub const INVITATION_VALIDITY: SignedDuration = SignedDuration::from_hours(7 * 24);

/// Właściciel > Administrator > Księgowość, Techniczny (the last two are equal).
pub fn rank(role: Role) -> u8 {
    match role {
        Role::Owner => 3,
        Role::Administrator => 2,
        Role::Accounting | Role::Technical => 1,
    }
}

/// Why a change of the account's users is refused (each says so in Polish).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The role is stronger than the actor's own.
    AboveOwnRole,
    /// Someone else's owner role is not to be edited or removed.
    OwnerIsProtected,
    /// The last owner cannot step down or leave.
    LastOwner,
    /// One's own role only goes down.
    SelfPromotion,
    /// Owners and administrators manage the whole account: they take no service scope.
    ScopeForManager,
    /// "Only chosen services" with none chosen.
    EmptyScope,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::AboveOwnRole => "Nie możesz nadać roli wyższej niż Twoja własna.",
            Refusal::OwnerIsProtected => {
                "Właściciela konta nie można edytować ani usunąć. Tylko on sam może zrezygnować z tej roli."
            }
            Refusal::LastOwner => {
                "Konto musi mieć właściciela. Najpierw nadaj rolę Właściciel innej osobie."
            }
            Refusal::SelfPromotion => "Nie możesz podnieść własnej roli.",
            Refusal::ScopeForManager => {
                "Właściciel i administrator mają dostęp do całego konta. Ograniczenie do usług dotyczy ról Księgowość i Techniczny."
            }
            Refusal::EmptyScope => "Wybierz co najmniej jedną usługę albo dostęp do całego konta.",
        }
    }
}

/// Whether `actor` may invite someone with `role`.
pub fn check_invite(actor: Role, role: Role) -> Result<(), Refusal> {
    if rank(role) > rank(actor) {
        return Err(Refusal::AboveOwnRole);
    }
    Ok(())
}

/// Whether `actor` may give `target` the role `new`; `owners` counts the account's owners now.
pub fn check_role_change(
    actor: &User,
    target: &User,
    new: Role,
    owners: usize,
) -> Result<(), Refusal> {
    let own = actor.id == target.id;
    if own && rank(new) > rank(target.role) {
        return Err(Refusal::SelfPromotion);
    }
    if target.role == Role::Owner && !own {
        return Err(Refusal::OwnerIsProtected);
    }
    if rank(new) > rank(actor.role) {
        return Err(Refusal::AboveOwnRole);
    }
    if target.role == Role::Owner && new != Role::Owner && owners < 2 {
        return Err(Refusal::LastOwner);
    }
    Ok(())
}

/// Whether `actor` may remove `target` from the account; `owners` counts the account's owners.
pub fn check_removal(actor: &User, target: &User, owners: usize) -> Result<(), Refusal> {
    if target.role != Role::Owner {
        return Ok(());
    }
    if actor.id != target.id {
        return Err(Refusal::OwnerIsProtected);
    }
    if owners < 2 {
        return Err(Refusal::LastOwner);
    }
    Ok(())
}

/// Whether a user with `role` may be limited to `scope` (`None`: the whole account).
pub fn check_scope(role: Role, scope: Option<&[u64]>) -> Result<(), Refusal> {
    match scope {
        None => Ok(()),
        Some([]) => Err(Refusal::EmptyScope),
        Some(_) if rank(role) >= rank(Role::Administrator) => Err(Refusal::ScopeForManager),
        Some(_) => Ok(()),
    }
}

/// A pending invitation to an account. Only the MAC of its token is stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Invitation {
    pub id: u64,
    pub account_id: u64,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub invited_by: u64,
    pub token_mac: Vec<u8>,
    pub created_at: Timestamp,
    /// The services the new user will see; `None`: the whole account.
    #[serde(default)]
    pub scope: Option<Vec<u64>>,
}

impl Invitation {
    pub fn expires_at(&self) -> Timestamp {
        self.created_at + INVITATION_VALIDITY
    }

    pub fn is_usable(&self, now: Timestamp) -> bool {
        now >= self.created_at && now < self.expires_at()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: u64, role: Role) -> User {
        User {
            id,
            account_id: 1,
            email: Email::parse(&format!("u{id}@firma.pl")).unwrap_or_else(|e| unreachable!("{e}")),
            name: String::new(),
            role,
            active: true,
            created_at: Timestamp::UNIX_EPOCH,
            last_login: None,
            scope: None,
        }
    }

    const ROLES: [Role; 4] = [
        Role::Owner,
        Role::Administrator,
        Role::Accounting,
        Role::Technical,
    ];

    #[test]
    fn nobody_invites_above_their_own_role() {
        // Rows: inviter; columns: the invited role (Owner, Administrator, Accounting, Technical).
        let table = [
            (Role::Owner, [true, true, true, true]),
            (Role::Administrator, [false, true, true, true]),
            (Role::Accounting, [false, false, true, true]),
            (Role::Technical, [false, false, true, true]),
        ];
        for (actor, expected) in table {
            for (role, allowed) in ROLES.iter().zip(expected) {
                assert_eq!(
                    check_invite(actor, *role).is_ok(),
                    allowed,
                    "{actor:?} invites {role:?}"
                );
            }
        }
    }

    #[test]
    fn an_administrator_cannot_promote_anyone_to_owner_nor_touch_an_owner() {
        let admin = user(1, Role::Administrator);
        let tech = user(2, Role::Technical);
        let owner = user(3, Role::Owner);
        assert_eq!(
            check_role_change(&admin, &tech, Role::Owner, 1),
            Err(Refusal::AboveOwnRole)
        );
        assert_eq!(
            check_role_change(&admin, &tech, Role::Administrator, 1),
            Ok(())
        );
        assert_eq!(
            check_role_change(&admin, &owner, Role::Technical, 1),
            Err(Refusal::OwnerIsProtected)
        );
        assert_eq!(
            check_removal(&admin, &owner, 2),
            Err(Refusal::OwnerIsProtected)
        );
        assert_eq!(check_removal(&admin, &tech, 1), Ok(()));
    }

    #[test]
    fn nobody_raises_their_own_role() {
        let admin = user(1, Role::Administrator);
        assert_eq!(
            check_role_change(&admin, &admin, Role::Owner, 1),
            Err(Refusal::SelfPromotion)
        );
        assert_eq!(
            check_role_change(&admin, &admin, Role::Technical, 1),
            Ok(())
        );
        assert_eq!(
            check_role_change(&admin, &admin, Role::Administrator, 1),
            Ok(()),
            "keeping one's own role (the form saved unchanged) is no promotion"
        );
        let accountant = user(2, Role::Accounting);
        assert_eq!(
            check_role_change(&accountant, &accountant, Role::Administrator, 1),
            Err(Refusal::SelfPromotion)
        );
    }

    #[test]
    fn an_owner_steps_down_or_leaves_only_while_another_owner_remains() {
        let owner = user(1, Role::Owner);
        let other_owner = user(2, Role::Owner);
        assert_eq!(
            check_role_change(&owner, &owner, Role::Administrator, 1),
            Err(Refusal::LastOwner)
        );
        assert_eq!(
            check_role_change(&owner, &owner, Role::Administrator, 2),
            Ok(())
        );
        assert_eq!(check_removal(&owner, &owner, 1), Err(Refusal::LastOwner));
        assert_eq!(check_removal(&owner, &owner, 2), Ok(()));
        assert_eq!(
            check_role_change(&owner, &other_owner, Role::Technical, 2),
            Err(Refusal::OwnerIsProtected),
            "an owner does not demote another owner"
        );
        assert_eq!(
            check_removal(&owner, &other_owner, 2),
            Err(Refusal::OwnerIsProtected)
        );
        assert_eq!(
            check_role_change(&owner, &user(3, Role::Technical), Role::Owner, 1),
            Ok(())
        );
    }

    #[test]
    fn only_accounting_and_technical_users_are_limited_to_chosen_services() {
        let some: &[u64] = &[4];
        assert_eq!(check_scope(Role::Technical, Some(some)), Ok(()));
        assert_eq!(check_scope(Role::Accounting, Some(some)), Ok(()));
        assert_eq!(
            check_scope(Role::Administrator, Some(some)),
            Err(Refusal::ScopeForManager)
        );
        assert_eq!(
            check_scope(Role::Owner, Some(some)),
            Err(Refusal::ScopeForManager)
        );
        assert_eq!(
            check_scope(Role::Technical, Some(&[])),
            Err(Refusal::EmptyScope)
        );
        assert_eq!(check_scope(Role::Owner, None), Ok(()));
    }

    #[test]
    fn an_invitation_works_for_seven_days() {
        let at = |s: i64| Timestamp::from_second(1_800_000_000 + s).unwrap_or_default();
        let invitation = Invitation {
            id: 1,
            account_id: 1,
            email: Email::parse("jan@firma.pl").unwrap_or_else(|e| unreachable!("{e}")),
            name: "Jan".into(),
            role: Role::Technical,
            invited_by: 1,
            token_mac: vec![],
            created_at: at(0),
            scope: None,
        };
        assert!(invitation.is_usable(at(7 * 24 * 3600 - 1)));
        assert!(!invitation.is_usable(at(7 * 24 * 3600)));
        assert!(!invitation.is_usable(at(-1)));
    }
}
