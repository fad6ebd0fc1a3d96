//! Activations: a benefit asked to become a support contract, and the benefit states.

use super::contract::{Contract, ContractStatus};
use super::{AccountId, OrganizationId};
use serde::Serialize;
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivationStatus {
    Requested,
    Completed,
    Rejected,
}

impl ActivationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Completed => "completed",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Requested, Self::Completed, Self::Rejected]
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// One activation request and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Activation {
    pub id: i64,
    pub organization_id: OrganizationId,
    pub benefit_code: String,
    pub membership_id: i64,
    pub status: ActivationStatus,
    #[schema(value_type = i64)]
    pub requested_by: AccountId,
    pub requested_by_email: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub requested_at: OffsetDateTime,
    /// The operator who approved or rejected; absent when processed automatically.
    #[schema(value_type = Option<i64>)]
    pub processed_by: Option<AccountId>,
    pub processed_by_email: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub processed_at: Option<OffsetDateTime>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The internal id of the contract it issued.
    #[serde(skip)]
    pub contract_id: Option<i64>,
}

/// Where a benefit stands for an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BenefitState {
    Available,
    Activating,
    Active,
    Expired,
    Exhausted,
    Rejected,
}

impl BenefitState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Available => "available",
            Self::Activating => "activating",
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Exhausted => "exhausted",
            Self::Rejected => "rejected",
        }
    }

    /// Whether an admin may ask for activation in this state.
    pub fn can_activate(self) -> bool {
        matches!(self, Self::Available | Self::Rejected)
    }
}

/// The state from the latest activation for the benefit's current source membership and the
/// contract it issued.
pub fn benefit_state(
    activation: Option<&Activation>,
    contract: Option<&Contract>,
    today: Date,
) -> BenefitState {
    match activation.map(|a| a.status) {
        None => BenefitState::Available,
        Some(ActivationStatus::Requested) => BenefitState::Activating,
        Some(ActivationStatus::Rejected) => BenefitState::Rejected,
        Some(ActivationStatus::Completed) => match contract.map(|c| c.status(today)) {
            Some(ContractStatus::Expired) => BenefitState::Expired,
            Some(ContractStatus::Exhausted) => BenefitState::Exhausted,
            _ => BenefitState::Active,
        },
    }
}
