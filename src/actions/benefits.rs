//! The Technical benefits of an organization, and asking for their activation.

use super::authorize;
use crate::config::{ActivationMode, Settings};
use crate::domain::activation::{Activation, BenefitState, benefit_state};
use crate::domain::benefit::{Benefit, compute_benefits};
use crate::domain::contract::Contract;
use crate::domain::membership::Membership;
use crate::domain::organization::Organization;
use crate::domain::policy::Policy;
use crate::domain::{Actor, OrganizationId, Permission};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::activations::NewActivation;
use time::{Date, OffsetDateTime};

/// One benefit as its organization sees it.
#[derive(Debug, Clone)]
pub struct BenefitView {
    pub benefit: Benefit,
    pub source: Membership,
    pub state: BenefitState,
    /// The latest activation for the current source membership, with its timeline.
    pub activation: Option<Activation>,
    /// The contract it issued, once active.
    pub contract: Option<Contract>,
}

/// What the Technical benefits page and API show.
#[derive(Debug, Clone)]
pub struct BenefitsView {
    pub organization: Organization,
    pub benefits: Vec<BenefitView>,
    /// Whether the actor may see the Access ID and Contract ID.
    pub shows_ids: bool,
    /// Whether the actor may activate.
    pub may_activate: bool,
}

/// The organization if the actor may see its benefits and it is in the partner network.
async fn partner_organization(
    store: &Store,
    actor: &Actor,
    organization: OrganizationId,
) -> Result<Organization> {
    authorize(actor, Permission::ViewBenefits, Some(organization))?;
    let organization = store
        .organization(organization)
        .await?
        .ok_or(Error::NotFound)?;
    if !organization.in_partner_network() {
        return Err(Error::NotPartnerNetwork);
    }
    Ok(organization)
}

pub async fn list(
    store: &Store,
    policy: &Policy,
    actor: &Actor,
    organization: OrganizationId,
    today: Date,
) -> Result<BenefitsView> {
    let organization = partner_organization(store, actor, organization).await?;
    let memberships = store.memberships(organization.id).await?;
    let competencies = store.competencies().await?;
    let activations = store.activations_of(organization.id).await?;
    let mut benefits = Vec::new();
    for benefit in compute_benefits(&memberships, &competencies, policy, today) {
        let Some(source) = memberships
            .iter()
            .find(|m| m.id == benefit.source_membership_id)
            .cloned()
        else {
            continue;
        };
        // Newest first: the first match is the latest activation for this source.
        let activation = activations
            .iter()
            .find(|a| a.benefit_code == benefit.code && a.membership_id == source.id)
            .cloned();
        let contract = match activation.as_ref().and_then(|a| a.contract_id) {
            Some(id) => store.contract(id).await?,
            None => None,
        };
        let state = benefit_state(activation.as_ref(), contract.as_ref(), today);
        benefits.push(BenefitView {
            benefit,
            source,
            state,
            activation,
            contract,
        });
    }
    Ok(BenefitsView {
        shows_ids: actor.can(Permission::ManageContracts, Some(organization.id)),
        may_activate: actor.can(Permission::ActivateBenefits, Some(organization.id)),
        organization,
        benefits,
    })
}

/// Asks for a benefit's activation. Asking again while one is pending or done answers with
/// that one (`false`: nothing new was recorded).
pub async fn activate(
    store: &Store,
    policy: &Policy,
    settings: &Settings,
    actor: &Actor,
    organization: OrganizationId,
    benefit_code: &str,
    now: OffsetDateTime,
) -> Result<(Activation, bool)> {
    let organization = partner_organization(store, actor, organization).await?;
    authorize(actor, Permission::ActivateBenefits, Some(organization.id))?;
    policy.benefit(benefit_code).ok_or(Error::UnknownBenefit)?;
    let memberships = store.memberships(organization.id).await?;
    let competencies = store.competencies().await?;
    let benefit = compute_benefits(&memberships, &competencies, policy, now.date())
        .into_iter()
        .find(|b| b.code == benefit_code)
        .ok_or(Error::BenefitNotAvailable)?;
    let job_at = match settings.activation_mode {
        ActivationMode::Auto => Some(now + settings.activation_delay),
        ActivationMode::Manual => None,
    };
    let new = NewActivation {
        organization_id: organization.id,
        benefit_code,
        membership_id: benefit.source_membership_id,
        requested_by: actor.account_id,
    };
    let (activation, created) = store
        .request_activation(
            &new,
            job_at,
            &crate::store::audit::AuditEntry::new(
                Some(actor.account_id.0),
                "benefit.activation_requested",
                String::new(),
                serde_json::json!({"benefit": benefit_code, "organization": organization.id.0}),
            ),
            now,
        )
        .await?;
    if created {
        tracing::info!(actor = %actor.account_id, organization = %organization.id, benefit = benefit_code, activation = activation.id, "activation requested");
    }
    Ok((activation, created))
}
