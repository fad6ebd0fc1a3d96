//! Paid plans: an operator records an order for an organization, which issues a contract with
//! its own IDs, allotment and term.

use super::authorize;
use crate::domain::contract::Contract;
use crate::domain::identifiers::{AccessId, ContractId};
use crate::domain::policy::{Allotment, Policy};
use crate::domain::{Actor, OrganizationId, Permission};
use crate::error::{Error, Result, Validator, is_unique_violation};
use crate::store::Store;
use crate::store::contracts::NewContract;
use time::{Date, Duration, OffsetDateTime};

/// An order as the operator enters it.
pub struct OrderInput {
    pub plan: String,
    pub allotment: Allotment,
    /// First day; today when absent.
    pub start: Option<Date>,
    /// Length in days (last day included); the policy's term when absent.
    pub term_days: Option<u32>,
}

pub async fn create(
    store: &Store,
    policy: &Policy,
    actor: &Actor,
    organization: OrganizationId,
    input: &OrderInput,
    now: OffsetDateTime,
) -> Result<Contract> {
    authorize(actor, Permission::OperateProgram, None)?;
    store
        .organization(organization)
        .await?
        .ok_or(Error::NotFound)?;
    let mut checks = Validator::default();
    let plan = policy.paid_plan(input.plan.trim());
    if let Err(error) = crate::domain::at_most("plan", &input.plan, crate::domain::MAX_CODE_CHARS) {
        checks.push(error);
    } else if plan.is_none() {
        checks.push(crate::domain::FieldError::new("plan", "unknown_paid_plan"));
    }
    if input
        .term_days
        .is_some_and(|days| days == 0 || days > 36_600)
    {
        checks.push(crate::domain::FieldError::new("term_days", "invalid_term"));
    }
    if matches!(input.allotment, Allotment::Limited(0)) {
        checks.push(crate::domain::FieldError::new(
            "allotment",
            "invalid_allotment",
        ));
    }
    let start = input.start.unwrap_or(now.date());
    // The last day must exist in the calendar (years up to 9999): checked, never overflowing.
    let end = match input.term_days {
        Some(days) if !checks.has("term_days") => {
            let end = start.checked_add(Duration::days(i64::from(days) - 1));
            if end.is_none() {
                checks.push(crate::domain::FieldError::new(
                    "term_days",
                    "date_out_of_range",
                ));
            }
            end
        }
        Some(_) => None,
        None => Some(policy.contract_end(start)),
    };
    checks.finish()?;
    let plan = plan.ok_or_else(|| anyhow::anyhow!("validated plan missing"))?;
    let end = end.ok_or_else(|| anyhow::anyhow!("validated end missing"))?;
    for _ in 0..5 {
        let new = {
            let mut rng = rand::rng();
            NewContract {
                contract_id: ContractId::generate(&mut rng),
                access_id: AccessId::generate(&mut rng),
                organization_id: organization,
                plan_code: plan.code.clone(),
                scopes: plan.scopes.clone(),
                allotted: input.allotment.incidents().map(i64::from),
                start,
                end,
            }
        };
        match store.insert_order(&new, actor.account_id, now).await {
            Ok(id) => {
                tracing::info!(actor = %actor.account_id, %organization, plan = %plan.code, contract = id, "paid plan ordered");
                return store.contract(id).await?.ok_or(Error::NotFound);
            }
            Err(Error::Database(error)) if is_unique_violation(&error) => continue,
            Err(error) => return Err(error),
        }
    }
    Err(Error::Other(anyhow::anyhow!(
        "could not draw unique contract identifiers"
    )))
}
