//! Who may do what: one function answers for every route (role × action), so a route cannot
//! forget its check. The service scope (a user limited to chosen services) is applied on top by
//! the account-scoped reads.

use super::Role;

/// Everything a route can do, as the permission check sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Pages anyone may open, logged in or not (login, health, assets).
    Public,
    /// The Pulpit and its live notifications.
    ViewOverview,
    /// Service pages and the service sections (state, expiry, details).
    ViewServices,
    /// Faktury, documents, their PDFs, Płatności.
    ViewBilling,
    /// Anything that creates or pays a document: Odnów, Zapłać, Doładuj saldo, auto-renew settings.
    HandleBilling,
    /// The list of the account's users.
    ViewUsers,
    /// Invite, change a role, remove a user.
    ManageUsers,
    /// Dane abonenta: read.
    ViewAccountData,
    /// Dane abonenta: change the invoice and contact data.
    EditAccountData,
    /// The catalogue of the shop.
    ViewShop,
    /// The cart and "Zamów" (an order creates a proforma).
    Order,
    /// One's own second factor and sessions.
    OwnSecurity,
    /// Settings of the whole account's security (require the second factor for everyone).
    AccountSecurity,
    /// Change a service itself: nameservers, DNS, mailboxes, power of a server (not paying).
    ManageServices,
    /// Dziennik zdarzeń: the account's audit log (owners only).
    ViewAudit,
}

impl Action {
    pub const ALL: [Action; 15] = [
        Action::Public,
        Action::ViewOverview,
        Action::ViewServices,
        Action::ViewBilling,
        Action::HandleBilling,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ViewAccountData,
        Action::EditAccountData,
        Action::ViewShop,
        Action::Order,
        Action::OwnSecurity,
        Action::AccountSecurity,
        Action::ManageServices,
        Action::ViewAudit,
    ];
}

/// Whether `role` may perform `action`. Nothing else decides this.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        Public | ViewOverview | ViewServices | ViewUsers | ViewAccountData | ViewShop
        | OwnSecurity => true,
        ViewBilling | HandleBilling | Order => matches!(role, Owner | Administrator | Accounting),
        ManageUsers | EditAccountData => matches!(role, Owner | Administrator),
        AccountSecurity | ViewAudit => role == Owner,
        ManageServices => matches!(role, Owner | Administrator | Technical),
    }
}

/// Actions about the whole account (money, orders, users, its data and security): never for a
/// user limited to chosen services.
pub fn account_wide(action: Action) -> bool {
    use Action::*;
    matches!(
        action,
        ViewBilling
            | HandleBilling
            | Order
            | ManageUsers
            | EditAccountData
            | AccountSecurity
            | ViewAudit
    )
}

/// The one check with the service scope: `scoped` when the user sees only chosen services.
pub fn permits(role: Role, scoped: bool, action: Action) -> bool {
    allows(role, action) && !(scoped && account_wide(action))
}

/// Whose eyes an account-scoped read is for: the account, and the services a user limited to
/// chosen services may see (`None`: the whole account). The store's `*_for` reads take it, so
/// pages cannot forget the scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub account_id: u64,
    pub scope: Option<Vec<u64>>,
}

impl Viewer {
    pub fn sees(&self, service_id: u64) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|ids| ids.contains(&service_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES: [Role; 4] = [
        Role::Owner,
        Role::Administrator,
        Role::Accounting,
        Role::Technical,
    ];

    /// The whole matrix, written out: a change to `allows` must change this table too.
    #[test]
    fn the_permission_matrix() {
        // Columns: Owner, Administrator, Accounting, Technical.
        let table: &[(Action, [bool; 4])] = &[
            (Action::Public, [true, true, true, true]),
            (Action::ViewOverview, [true, true, true, true]),
            (Action::ViewServices, [true, true, true, true]),
            (Action::ViewBilling, [true, true, true, false]),
            (Action::HandleBilling, [true, true, true, false]),
            (Action::ViewUsers, [true, true, true, true]),
            (Action::ManageUsers, [true, true, false, false]),
            (Action::ViewAccountData, [true, true, true, true]),
            (Action::EditAccountData, [true, true, false, false]),
            (Action::ViewShop, [true, true, true, true]),
            (Action::Order, [true, true, true, false]),
            (Action::OwnSecurity, [true, true, true, true]),
            (Action::AccountSecurity, [true, false, false, false]),
            (Action::ManageServices, [true, true, false, true]),
            (Action::ViewAudit, [true, false, false, false]),
        ];
        assert_eq!(
            table.len(),
            Action::ALL.len(),
            "every action is in the table"
        );
        for (action, expected) in table {
            for (role, allowed) in ROLES.iter().zip(expected) {
                assert_eq!(allows(*role, *action), *allowed, "{role:?} × {action:?}");
                assert_eq!(
                    permits(*role, false, *action),
                    *allowed,
                    "unscoped {role:?} × {action:?}"
                );
            }
        }
    }

    /// A user limited to chosen services keeps what the role gives about services, and loses
    /// everything about the whole account.
    #[test]
    fn the_matrix_for_a_user_limited_to_chosen_services() {
        // Columns: Owner, Administrator, Accounting, Technical (all scoped).
        let table: &[(Action, [bool; 4])] = &[
            (Action::Public, [true, true, true, true]),
            (Action::ViewOverview, [true, true, true, true]),
            (Action::ViewServices, [true, true, true, true]),
            (Action::ViewBilling, [false, false, false, false]),
            (Action::HandleBilling, [false, false, false, false]),
            (Action::ViewUsers, [true, true, true, true]),
            (Action::ManageUsers, [false, false, false, false]),
            (Action::ViewAccountData, [true, true, true, true]),
            (Action::EditAccountData, [false, false, false, false]),
            (Action::ViewShop, [true, true, true, true]),
            (Action::Order, [false, false, false, false]),
            (Action::OwnSecurity, [true, true, true, true]),
            (Action::AccountSecurity, [false, false, false, false]),
            (Action::ManageServices, [true, true, false, true]),
            (Action::ViewAudit, [false, false, false, false]),
        ];
        assert_eq!(table.len(), Action::ALL.len());
        for (action, expected) in table {
            for (role, allowed) in ROLES.iter().zip(expected) {
                assert_eq!(
                    permits(*role, true, *action),
                    *allowed,
                    "scoped {role:?} × {action:?}"
                );
            }
        }
    }

    #[test]
    fn a_viewer_sees_the_whole_account_or_only_its_scope() {
        let whole = Viewer {
            account_id: 1,
            scope: None,
        };
        let limited = Viewer {
            account_id: 1,
            scope: Some(vec![3, 5]),
        };
        assert!(whole.sees(4));
        assert!(limited.sees(5) && !limited.sees(4));
    }
}
