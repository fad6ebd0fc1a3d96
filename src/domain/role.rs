//! Roles, permissions and the one rule that says which role may do what.

use super::{AccountId, Language, OrganizationId};
use serde::{Deserialize, Serialize};

/// A role an account holds: organization roles apply inside the account's organization,
/// `Operator` is the program owner's staff and applies everywhere.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    GlobalAdmin,
    PartnerAdmin,
    AdminAgent,
    Member,
    Operator,
}

/// Something an actor may want to do. Checked at the top of every action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Create and list organizations, their enrollments and memberships.
    ManageOrganizations,
    /// Read an organization's profile.
    ViewOrganization,
    /// Create accounts and assign organization roles.
    ManageAccounts,
    /// See the organization's technical benefits.
    ViewBenefits,
    /// Activate a benefit into a support contract.
    ActivateBenefits,
    /// See Access IDs, linked accounts; revoke links; rotate Access IDs.
    ManageContracts,
    /// Manage a CSP organization's customers.
    ManageCustomers,
    /// File support requests on behalf of CSP customers.
    FileForCustomers,
    /// Work the program's queues, refunds, products and audit log.
    OperateProgram,
}

impl Role {
    /// How many roles there are: the most an account can hold.
    pub const COUNT: usize = 5;

    /// Organization roles, in the order they are shown.
    pub const ORGANIZATION_ROLES: [Role; 4] = [
        Role::GlobalAdmin,
        Role::PartnerAdmin,
        Role::AdminAgent,
        Role::Member,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::GlobalAdmin => "global_admin",
            Self::PartnerAdmin => "partner_admin",
            Self::AdminAgent => "admin_agent",
            Self::Member => "member",
            Self::Operator => "operator",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Operator]
            .into_iter()
            .chain(Self::ORGANIZATION_ROLES)
            .find(|role| role.as_str() == value)
    }

    /// Whether this role is held inside an organization (as opposed to system-wide).
    pub fn is_organization_role(self) -> bool {
        self != Self::Operator
    }

    /// The one table of who may do what.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Self::Operator => matches!(
                permission,
                ManageOrganizations
                    | ViewOrganization
                    | ManageAccounts
                    | ViewBenefits
                    | OperateProgram
            ),
            Self::GlobalAdmin | Self::PartnerAdmin => matches!(
                permission,
                ViewOrganization
                    | ManageAccounts
                    | ViewBenefits
                    | ActivateBenefits
                    | ManageContracts
                    | ManageCustomers
            ),
            Self::AdminAgent => matches!(
                permission,
                ViewOrganization | ViewBenefits | ManageCustomers | FileForCustomers
            ),
            Self::Member => matches!(permission, ViewOrganization | ViewBenefits),
        }
    }

    /// The roles that grant a permission, for "ask one of these" messages.
    pub fn granting(permission: Permission) -> Vec<Role> {
        [Self::Operator]
            .into_iter()
            .chain(Self::ORGANIZATION_ROLES)
            .filter(|role| role.allows(permission))
            .collect()
    }
}

/// Who is acting: a signed-in account with its organization and roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: AccountId,
    pub email: String,
    pub display_name: String,
    pub organization_id: Option<OrganizationId>,
    /// Whether that organization is enrolled in the partner network (has technical benefits).
    pub partner_network: bool,
    /// Whether that organization is enrolled in the CSP program (has customers).
    pub csp: bool,
    pub roles: Vec<Role>,
    pub language: Option<Language>,
    /// The time zone the account chose for the web pages (an IANA name).
    pub time_zone: Option<String>,
}

impl Actor {
    pub fn is_operator(&self) -> bool {
        self.roles.contains(&Role::Operator)
    }

    /// Whether the actor may do `permission` on things of `organization` (`None`: program-wide).
    /// Organization roles count only inside the actor's own organization.
    pub fn can(&self, permission: Permission, organization: Option<OrganizationId>) -> bool {
        self.roles.iter().any(|role| {
            role.allows(permission)
                && (!role.is_organization_role()
                    || (organization.is_some() && organization == self.organization_id))
        })
    }

    /// Whether the actor belongs to (or operates) `organization`: the line between 403 and 404.
    pub fn sees_organization(&self, organization: OrganizationId) -> bool {
        self.is_operator() || self.organization_id == Some(organization)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(org: Option<i64>, roles: &[Role]) -> Actor {
        Actor {
            account_id: AccountId(1),
            email: "a@example.com".into(),
            display_name: "A".into(),
            organization_id: org.map(OrganizationId),
            partner_network: org.is_some(),
            csp: false,
            roles: roles.to_vec(),
            language: None,
            time_zone: None,
        }
    }

    #[test]
    fn only_admins_activate() {
        assert_eq!(
            Role::granting(Permission::ActivateBenefits),
            vec![Role::GlobalAdmin, Role::PartnerAdmin]
        );
    }

    #[test]
    fn organization_roles_stop_at_the_organization() {
        let admin = actor(Some(7), &[Role::GlobalAdmin]);
        assert!(admin.can(Permission::ManageAccounts, Some(OrganizationId(7))));
        assert!(!admin.can(Permission::ManageAccounts, Some(OrganizationId(8))));
        assert!(!admin.can(Permission::ManageAccounts, None));
        let operator = actor(None, &[Role::Operator]);
        assert!(operator.can(Permission::ManageAccounts, Some(OrganizationId(8))));
        assert!(operator.can(Permission::ManageOrganizations, None));
        assert!(!operator.can(Permission::ActivateBenefits, Some(OrganizationId(8))));
    }

    #[test]
    fn roles_round_trip_through_their_codes() {
        for role in [Role::Operator].into_iter().chain(Role::ORGANIZATION_ROLES) {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
