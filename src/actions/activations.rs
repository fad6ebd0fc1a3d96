//! Processing activations: the operators' queue (manual mode) and the job (auto mode) both
//! end in `complete`, which issues the contract exactly once.

use super::authorize;
use crate::domain::activation::{Activation, ActivationStatus};
use crate::domain::identifiers::{AccessId, ContractId};
use crate::domain::policy::Policy;
use crate::domain::{AccountId, Actor, Language, Permission, required_text};
use crate::error::{Error, Result, is_unique_violation};
use crate::i18n::t_args;
use crate::store::contracts::NewContract;
use crate::store::outbox::NewMessage;
use crate::store::{Listing, Page, Store};
use time::OffsetDateTime;

pub async fn queue(
    store: &Store,
    actor: &Actor,
    status: ActivationStatus,
    page: Page,
) -> Result<Listing<Activation>> {
    authorize(actor, Permission::OperateProgram, None)?;
    store.activation_queue(status, page).await
}

/// An operator approves: the contract is issued now.
pub async fn approve(
    store: &Store,
    policy: &Policy,
    actor: &Actor,
    id: i64,
    now: OffsetDateTime,
) -> Result<Activation> {
    authorize(actor, Permission::OperateProgram, None)?;
    let activation = store.activation(id).await?.ok_or(Error::NotFound)?;
    if activation.status != ActivationStatus::Requested {
        return Err(Error::ActivationProcessed);
    }
    if !complete(store, policy, id, Some(actor.account_id), now).await? {
        return Err(Error::ActivationProcessed);
    }
    store.activation(id).await?.ok_or(Error::NotFound)
}

/// An operator rejects, with a reason the organization will read.
pub async fn reject(
    store: &Store,
    policy: &Policy,
    actor: &Actor,
    id: i64,
    reason: &str,
    now: OffsetDateTime,
) -> Result<Activation> {
    authorize(actor, Permission::OperateProgram, None)?;
    let reason = required_text("reason", reason, 500)?;
    let activation = store.activation(id).await?.ok_or(Error::NotFound)?;
    let language = requester_language(store, activation.requested_by).await?;
    let message = NewMessage {
        kind: "activation_rejected".into(),
        account_id: Some(activation.requested_by.0),
        recipient: activation.requested_by_email.clone(),
        subject: t_args(
            language,
            "mail-activation-rejected-subject",
            &[(
                "benefit",
                plan_name(policy, language, &activation.benefit_code),
            )],
        ),
        body: t_args(
            language,
            "mail-activation-rejected-body",
            &[
                (
                    "benefit",
                    plan_name(policy, language, &activation.benefit_code),
                ),
                ("reason", reason.clone()),
            ],
        ),
        dedupe_key: Some(format!("activation-{id}-rejected")),
    };
    if !store
        .reject_activation(id, actor.account_id, &reason, &message, &crate::store::audit::AuditEntry::new(Some(actor.account_id.0), "benefit.activation_rejected", format!("activation:{id}"), serde_json::json!({"benefit": activation.benefit_code, "organization": activation.organization_id.0, "reason": reason})), now)
        .await?
    {
        return Err(Error::ActivationProcessed);
    }
    tracing::info!(actor = %actor.account_id, activation = id, "activation rejected");
    store.activation(id).await?.ok_or(Error::NotFound)
}

async fn requester_language(store: &Store, account: AccountId) -> Result<Language> {
    Ok(store
        .account(account)
        .await?
        .and_then(|a| a.language)
        .unwrap_or_default())
}

/// A plan's display name from the policy (plan codes never change; names may).
pub fn plan_name(policy: &Policy, language: Language, code: &str) -> String {
    policy
        .plan_name(code, language == Language::It)
        .map_or_else(|| code.to_owned(), str::to_owned)
}

/// Issues the contract of a requested activation; false if it was no longer requested.
/// The allotment comes from the policy for the source membership; the term starts today.
pub async fn complete(
    store: &Store,
    policy: &Policy,
    id: i64,
    processed_by: Option<AccountId>,
    now: OffsetDateTime,
) -> Result<bool> {
    let activation = store.activation(id).await?.ok_or(Error::NotFound)?;
    if activation.status != ActivationStatus::Requested {
        return Ok(false);
    }
    let benefit = policy.benefit(&activation.benefit_code).ok_or_else(|| {
        anyhow::anyhow!(
            "activation {id} names benefit {:?} the policy no longer has",
            activation.benefit_code
        )
    })?;
    let membership = store
        .membership(activation.organization_id, activation.membership_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("activation {id} lost its membership"))?;
    let competencies = store.competencies().await?;
    let cloud = membership
        .competency
        .as_ref()
        .map(|code| competencies.iter().any(|c| &c.code == code && c.cloud));
    let allotment = benefit.allotment(membership.offer, cloud).ok_or_else(|| {
        anyhow::anyhow!(
            "membership {} no longer grants {}",
            membership.id,
            benefit.code
        )
    })?;
    let start = now.date();
    let language = requester_language(store, activation.requested_by).await?;
    // A freshly drawn Contract ID or Access ID may collide with an existing one: draw again.
    for _ in 0..5 {
        let contract = {
            let mut rng = rand::rng();
            NewContract {
                contract_id: ContractId::generate(&mut rng),
                access_id: AccessId::generate(&mut rng),
                organization_id: activation.organization_id,
                plan_code: benefit.code.clone(),
                scopes: benefit.scopes.clone(),
                allotted: allotment.incidents().map(i64::from),
                start,
                end: policy.contract_end(start),
            }
        };
        let name = plan_name(policy, language, &benefit.code);
        let message = NewMessage {
            kind: "activation_completed".into(),
            account_id: Some(activation.requested_by.0),
            recipient: activation.requested_by_email.clone(),
            subject: t_args(
                language,
                "mail-activation-completed-subject",
                &[("benefit", name.clone())],
            ),
            body: t_args(
                language,
                "mail-activation-completed-body",
                &[
                    ("benefit", name),
                    ("contract_id", contract.contract_id.to_string()),
                    ("end", contract.end.to_string()),
                ],
            ),
            dedupe_key: Some(format!("activation-{id}-completed")),
        };
        match store
            .complete_activation(id, processed_by, &contract, &message, &crate::store::audit::AuditEntry::new(processed_by.map(|a| a.0), "benefit.activated", format!("activation:{id}"), serde_json::json!({"benefit": activation.benefit_code, "organization": activation.organization_id.0, "contract_id": contract.contract_id.to_string(), "allotted": contract.allotted})), now)
            .await
        {
            Ok(issued) => {
                if let Some(contract_id) = issued {
                    tracing::info!(
                        activation = id,
                        contract = contract_id,
                        "activation completed"
                    );
                }
                return Ok(issued.is_some());
            }
            Err(Error::Database(error)) if is_unique_violation(&error) => continue,
            Err(error) => return Err(error),
        }
    }
    Err(Error::Other(anyhow::anyhow!(
        "could not draw unique contract identifiers"
    )))
}
