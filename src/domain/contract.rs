//! Support contracts: balance, status, and the ledger entries that make up the balance.

use super::identifiers::{AccessId, ContractId};
use super::membership::inclusive_range_contains as inclusive_contains;
use super::policy::Scope;
use super::request::openable_by;
use super::{AccountId, Actor, OrganizationId, Permission};
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// Where a contract stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    NotStarted,
    Active,
    Expired,
    Exhausted,
}

impl ContractStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Exhausted => "exhausted",
        }
    }
}

/// A support contract as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub id: i64,
    pub contract_id: ContractId,
    pub access_id: AccessId,
    pub organization_id: OrganizationId,
    pub plan_code: String,
    pub scopes: Vec<Scope>,
    /// `None`: unlimited.
    pub allotted: Option<i64>,
    pub used: i64,
    /// First day of the term (inclusive).
    pub start: Date,
    /// Last day of the term (inclusive).
    pub end: Date,
    pub created_at: OffsetDateTime,
}

impl Contract {
    /// Incidents left; `None` for an unlimited contract.
    pub fn remaining(&self) -> Option<i64> {
        self.allotted.map(|allotted| (allotted - self.used).max(0))
    }

    /// The status on `today`: the term decides first, then the balance.
    pub fn status(&self, today: Date) -> ContractStatus {
        if today < self.start {
            ContractStatus::NotStarted
        } else if !inclusive_contains(self.start, self.end, today) {
            ContractStatus::Expired
        } else if self.remaining() == Some(0) {
            ContractStatus::Exhausted
        } else {
            ContractStatus::Active
        }
    }
}

/// What moved a contract's balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// The allotment given when the contract was issued (`amount` absent: unlimited).
    Grant,
    /// One incident used by a support request.
    Consume,
    /// An incident given back (a request marked not chargeable).
    Refund,
    /// An operator's correction of the allotment.
    Adjustment,
}

impl LedgerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Grant => "grant",
            Self::Consume => "consume",
            Self::Refund => "refund",
            Self::Adjustment => "adjustment",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Grant, Self::Consume, Self::Refund, Self::Adjustment]
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

/// One ledger entry. Everyone who may see the contract sees every entry's date, kind, amount
/// and reason; the request and the person behind an entry only as [`LedgerEntry::seen_by`]
/// allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LedgerEntry {
    pub id: i64,
    pub kind: LedgerKind,
    /// Incidents moved; absent on the grant of an unlimited contract.
    pub amount: Option<i64>,
    /// The request that used or gave back the incident; null when there is none or the caller
    /// may not open it (only its creator, the acting organization's Global and Partner admins,
    /// and operators may).
    pub request_id: Option<i64>,
    /// The request's readable number, like `SR-2026-000042`; null when there is none or the
    /// caller may not open the request.
    pub request_number: Option<String>,
    /// Who made the change; null when unknown, or when the caller may not open the entry's
    /// request (or, for grants and adjustments, does not administer the contract and is not
    /// that person).
    #[schema(value_type = Option<i64>)]
    pub actor_id: Option<AccountId>,
    /// A refund's reason code, or an adjustment's explanation.
    pub reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// Whose request the entry is about: decides who sees `request_id`, `request_number` and
    /// `actor_id`; never shown.
    #[serde(skip)]
    pub request_owner: Option<RequestOwner>,
}

/// The creator and acting organization of the request behind a ledger entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestOwner {
    pub created_by: AccountId,
    pub organization: Option<OrganizationId>,
}

impl LedgerEntry {
    /// The entry as `actor` may see it, on a contract owned by `owner`: the request (id and
    /// number) and the person only when `actor` may open that request, so no page links to a
    /// request its viewer cannot open. Entries without a request (grants, adjustments) name
    /// their person to the owner's admins, operators, and that person.
    pub fn seen_by(mut self, actor: &Actor, owner: OrganizationId) -> Self {
        let visible = if self.request_id.is_some() {
            self.request_owner
                .is_some_and(|request| openable_by(actor, request.created_by, request.organization))
        } else {
            actor.is_operator()
                || actor.can(Permission::ManageContracts, Some(owner))
                || self.actor_id == Some(actor.account_id)
        };
        if !visible {
            self.request_id = None;
            self.request_number = None;
            self.actor_id = None;
        }
        self
    }
}

/// The counters a ledger adds up to: `(allotted, used)`, `allotted` `None` when unlimited.
pub fn ledger_totals(entries: &[LedgerEntry]) -> (Option<i64>, i64) {
    let mut allotted = Some(0i64);
    let mut used = 0i64;
    for entry in entries {
        let amount = entry.amount.unwrap_or_default();
        match entry.kind {
            LedgerKind::Grant => {
                allotted = match (allotted, entry.amount) {
                    (Some(total), Some(amount)) => Some(total + amount),
                    _ => None,
                }
            }
            LedgerKind::Adjustment => allotted = allotted.map(|total| total + amount),
            LedgerKind::Consume => used += amount,
            LedgerKind::Refund => used -= amount,
        }
    }
    (allotted, used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn entry(kind: LedgerKind, amount: Option<i64>) -> LedgerEntry {
        LedgerEntry {
            id: 0,
            kind,
            amount,
            request_id: None,
            request_number: None,
            actor_id: None,
            reason: None,
            at: OffsetDateTime::UNIX_EPOCH,
            request_owner: None,
        }
    }

    fn actor(id: i64, organization: Option<i64>, roles: Vec<crate::domain::Role>) -> Actor {
        Actor {
            account_id: AccountId(id),
            email: format!("{id}@example.test"),
            display_name: String::new(),
            organization_id: organization.map(OrganizationId),
            partner_network: true,
            csp: false,
            roles,
            language: None,
            time_zone: None,
        }
    }

    #[test]
    fn entries_name_requests_and_people_only_to_who_may_open_them() {
        use crate::domain::Role;
        let owner = OrganizationId(1);
        let consume = LedgerEntry {
            request_id: Some(7),
            request_number: Some("SR-2026-000007".into()),
            actor_id: Some(AccountId(10)),
            request_owner: Some(RequestOwner {
                created_by: AccountId(10),
                organization: Some(OrganizationId(2)),
            }),
            ..entry(LedgerKind::Consume, Some(1))
        };
        let adjustment = LedgerEntry {
            actor_id: Some(AccountId(99)),
            reason: Some("correction".into()),
            ..entry(LedgerKind::Adjustment, Some(2))
        };
        let hidden = |entry: &LedgerEntry| {
            (
                entry.request_id,
                entry.request_number.clone(),
                entry.actor_id,
            ) == (None, None, None)
        };
        let creator = actor(10, Some(2), vec![Role::Member]);
        let acting_admin = actor(11, Some(2), vec![Role::PartnerAdmin]);
        let operator = actor(99, None, vec![Role::Operator]);
        let outsider = actor(12, None, vec![]);
        let owner_admin = actor(13, Some(1), vec![Role::GlobalAdmin]);
        for viewer in [&creator, &acting_admin, &operator] {
            assert_eq!(consume.clone().seen_by(viewer, owner), consume);
        }
        for viewer in [&outsider, &owner_admin] {
            let seen = consume.clone().seen_by(viewer, owner);
            assert!(hidden(&seen), "{seen:?}");
            assert_eq!(
                (seen.kind, seen.amount, seen.at),
                (consume.kind, consume.amount, consume.at)
            );
        }
        for viewer in [&owner_admin, &operator] {
            assert_eq!(adjustment.clone().seen_by(viewer, owner), adjustment);
        }
        let seen = adjustment.clone().seen_by(&outsider, owner);
        assert!(hidden(&seen));
        assert_eq!(seen.reason.as_deref(), Some("correction"));
    }

    #[test]
    fn ledger_totals_follow_the_entries() {
        let entries = [
            entry(LedgerKind::Grant, Some(10)),
            entry(LedgerKind::Consume, Some(1)),
            entry(LedgerKind::Consume, Some(1)),
            entry(LedgerKind::Refund, Some(1)),
            entry(LedgerKind::Adjustment, Some(5)),
        ];
        assert_eq!(ledger_totals(&entries), (Some(15), 1));
        assert_eq!(ledger_totals(&[entry(LedgerKind::Grant, None)]), (None, 0));
    }

    #[test]
    fn status_follows_term_then_balance() {
        let mut rng = rand::rng();
        let contract = Contract {
            id: 1,
            contract_id: ContractId::generate(&mut rng),
            access_id: AccessId::generate(&mut rng),
            organization_id: OrganizationId(1),
            plan_code: "product_support".into(),
            scopes: vec![Scope::OnPremises],
            allotted: Some(2),
            used: 2,
            start: date!(2026 - 01 - 01),
            end: date!(2026 - 12 - 31),
            created_at: OffsetDateTime::UNIX_EPOCH,
        };
        assert_eq!(
            contract.status(date!(2025 - 12 - 31)),
            ContractStatus::NotStarted
        );
        assert_eq!(
            contract.status(date!(2026 - 06 - 01)),
            ContractStatus::Exhausted
        );
        assert_eq!(
            contract.status(date!(2027 - 01 - 01)),
            ContractStatus::Expired
        );
        let fresh = Contract {
            used: 0,
            ..contract
        };
        assert_eq!(
            fresh.status(date!(2026 - 12 - 31)),
            ContractStatus::Active,
            "the last day counts"
        );
        assert_eq!(fresh.remaining(), Some(2));
    }
}
