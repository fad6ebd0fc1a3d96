//! Paid-plan orders.

use super::contracts::ContractJson;
use crate::actions::orders::{self, OrderInput};
use crate::domain::OrganizationId;
use crate::domain::policy::Allotment;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::Problem;
use crate::http::extract::{Json, Path};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderBody {
    /// `premier` or `advanced`.
    #[schema(value_type = crate::domain::text::Code)]
    pub plan: String,
    /// A number of incidents or `"unlimited"`.
    pub allotment: Allotment,
    /// First day; today when absent.
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::text::Day>)]
    pub start: Option<String>,
    /// Length in days, last day included; the policy's contract term when absent.
    #[serde(default, deserialize_with = "crate::http::extract::optional_integer")]
    #[schema(minimum = 1, maximum = 36600)]
    pub term_days: Option<u32>,
}

/// Record a paid-plan order
///
/// Operators record a Premier or Advanced Support order for an organization, which issues a
/// contract with its own IDs, allotment and term. The answer carries the Access ID for the
/// operator to hand over.
#[utoipa::path(post, operation_id = "createOrder", path = "/api/v1/organizations/{org_id}/orders", tag = "contracts", request_body = OrderBody,
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id")),
    responses(
        (status = 201, body = ContractJson),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `unknown_paid_plan`, `invalid_term`, `invalid_allotment`, `invalid_date`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    Path(org_id): Path<i64>,
    Json(body): Json<OrderBody>,
) -> Result<(StatusCode, axum::Json<ContractJson>)> {
    let start = match body.start.as_deref() {
        Some(raw) => Some(
            crate::domain::membership::parse_date(raw)
                .ok_or_else(|| Error::field("start", "invalid_date"))?,
        ),
        None => None,
    };
    let input = OrderInput {
        plan: body.plan,
        allotment: body.allotment,
        start,
        term_days: body.term_days,
    };
    let organization = OrganizationId(org_id);
    let contract = orders::create(
        &state.store,
        &state.policy,
        context.actor()?,
        organization,
        &input,
        OffsetDateTime::now_utc(),
    )
    .await?;
    let name = state
        .store
        .organization(organization)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let mut json = ContractJson::new(&contract, &name, &state.policy, context.language);
    json.access_id = Some(contract.access_id.to_string());
    Ok((StatusCode::CREATED, axum::Json(json)))
}
