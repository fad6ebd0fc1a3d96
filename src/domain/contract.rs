//! Support contracts: balance, status, and the ledger entries that make up the balance.

use super::identifiers::{AccessId, ContractId};
use super::membership::inclusive_range_contains as inclusive_contains;
use super::policy::Scope;
use super::{AccountId, OrganizationId};
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

/// One ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LedgerEntry {
    pub id: i64,
    pub kind: LedgerKind,
    /// Incidents moved; absent on the grant of an unlimited contract.
    pub amount: Option<i64>,
    pub request_id: Option<i64>,
    /// The request's readable number, like `SR-2026-000042`.
    pub request_number: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub actor_id: Option<AccountId>,
    pub reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
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
        }
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
