//! Technical benefits and their activation.

use crate::actions::benefits::{self, BenefitView, BenefitsView};
use crate::domain::OrganizationId;
use crate::domain::activation::{Activation, BenefitState};
use crate::domain::contract::ContractStatus;
use crate::domain::policy::{Allotment, Policy, Scope};
use crate::error::Result;
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::Problem;
use crate::http::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

/// A contract as the benefits page shows it.
#[derive(Serialize, ToSchema)]
pub struct BenefitContract {
    /// Shown to the organization's Global admins and Partner admins only.
    pub contract_id: Option<String>,
    /// Shown to the organization's Global admins and Partner admins only.
    pub access_id: Option<String>,
    pub allotment: Allotment,
    pub used: i64,
    /// Absent when unlimited.
    pub remaining: Option<i64>,
    #[schema(value_type = String, format = Date)]
    pub start: String,
    #[schema(value_type = String, format = Date)]
    pub end: String,
    pub status: ContractStatus,
}

#[derive(Serialize, ToSchema)]
pub struct BenefitJson {
    pub code: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub allotment: Allotment,
    /// Last day (included) on which the benefit can be activated.
    #[schema(value_type = String, format = Date)]
    pub activate_by: String,
    pub state: BenefitState,
    pub source_membership_id: i64,
    pub activation: Option<Activation>,
    pub contract: Option<BenefitContract>,
}

#[derive(Serialize, ToSchema)]
pub struct BenefitsJson {
    pub organization_id: i64,
    /// Empty when no membership is active: no benefits yet.
    pub benefits: Vec<BenefitJson>,
    pub may_activate: bool,
}

fn day(date: Date) -> String {
    date.to_string()
}

fn to_json(view: BenefitView, shows_ids: bool, policy: &Policy, italian: bool) -> BenefitJson {
    let contract = view.contract.map(|contract| BenefitContract {
        contract_id: shows_ids.then(|| contract.contract_id.to_string()),
        access_id: shows_ids.then(|| contract.access_id.to_string()),
        allotment: contract.allotted.map_or(Allotment::Unlimited, |n| {
            Allotment::Limited(u32::try_from(n).unwrap_or(u32::MAX))
        }),
        used: contract.used,
        remaining: contract.remaining(),
        start: day(contract.start),
        end: day(contract.end),
        status: contract.status(OffsetDateTime::now_utc().date()),
    });
    BenefitJson {
        name: policy
            .plan_name(&view.benefit.code, italian)
            .unwrap_or(&view.benefit.code)
            .to_owned(),
        code: view.benefit.code,
        scopes: view.benefit.scopes,
        allotment: view.benefit.allotment,
        activate_by: day(view.benefit.activate_by),
        state: view.state,
        source_membership_id: view.source.id,
        activation: view.activation,
        contract,
    }
}

/// List an organization's technical benefits
///
/// The technical benefits the organization's active memberships grant, with their state,
/// allotment and activate-by day; once active, the contract's balance, and for the
/// organization's Global admins and Partner admins its Contract ID and Access ID. Accounts of
/// the organization and operators see them; an organization outside the partner network answers
/// 403 `not_partner_network`.
#[utoipa::path(get, operation_id = "listBenefits", path = "/api/v1/organizations/{org_id}/benefits", tag = "benefits",
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id")),
    responses(
        (status = 200, body = BenefitsJson),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_partner_network`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Path(org_id): Path<i64>,
) -> Result<axum::Json<BenefitsJson>> {
    let today = OffsetDateTime::now_utc().date();
    let BenefitsView {
        organization,
        benefits,
        shows_ids,
        may_activate,
    } = benefits::list(
        &state.store,
        &state.policy,
        context.actor()?,
        OrganizationId(org_id),
        today,
    )
    .await?;
    let italian = context.language == crate::domain::Language::It;
    Ok(axum::Json(BenefitsJson {
        organization_id: organization.id.0,
        benefits: benefits
            .into_iter()
            .map(|view| to_json(view, shows_ids, &state.policy, italian))
            .collect(),
        may_activate,
    }))
}

/// Activate a benefit
///
/// Global admins and Partner admins request the activation of a benefit into a support
/// contract; it completes asynchronously (after a delay, or when an operator approves it).
/// Asking again while one is pending or done answers with that one.
#[utoipa::path(post, operation_id = "activateBenefit", path = "/api/v1/organizations/{org_id}/benefits/{benefit_code}/activation", tag = "benefits",
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id"), ("benefit_code" = String, Path, max_length = 100, description = "`product_support` or `signature_cloud`")),
    responses(
        (status = 202, description = "Activation requested (or already requested or done)", body = Activation),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `not_partner_network`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`, `unknown_benefit`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`benefit_not_available`: no active membership grants it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn activate(
    State(state): State<AppState>,
    context: RequestContext,
    Path((org_id, benefit_code)): Path<(i64, String)>,
) -> Result<(StatusCode, axum::Json<Activation>)> {
    let (activation, _) = benefits::activate(
        &state.store,
        &state.policy,
        &state.settings,
        context.actor()?,
        OrganizationId(org_id),
        &benefit_code,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, axum::Json(activation)))
}
