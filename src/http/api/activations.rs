//! The operators' activation queue.

use super::Paged;
use crate::actions::activations;
use crate::domain::activation::{Activation, ActivationStatus};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::Problem;
use crate::http::extract::{Json, Path, Query};
use axum::extract::State;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// `requested` (default), `completed` or `rejected`.
    #[param(value_type = Option<ActivationStatus>)]
    pub status: Option<String>,
    /// How many items (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Where the page starts: the `next` of the page before (absent for the first page).
    #[param(max_length = 400, pattern = "^[A-Za-z0-9_-]*$")]
    pub after: Option<String>,
}

/// List activations
///
/// The operators' activation queue: activations in one status (`requested` by default), oldest
/// first, a page at a time.
#[utoipa::path(get, operation_id = "listActivations", path = "/api/v1/activations", tag = "activations", params(QueueParams),
    responses(
        (status = 200, body = Paged<Activation>),
        (status = 400, description = "`malformed_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: unknown status", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn queue(
    State(state): State<AppState>,
    context: RequestContext,
    Query(params): Query<QueueParams>,
) -> Result<axum::Json<Paged<Activation>>> {
    let status = match params.status.as_deref() {
        None => ActivationStatus::Requested,
        Some(raw) => {
            ActivationStatus::parse(raw).ok_or_else(|| Error::field("status", "unknown_status"))?
        }
    };
    let page = super::page(params.limit, params.after.as_deref())?;
    let limit = page.limit;
    Ok(Paged::new(
        activations::queue(&state.store, context.actor()?, status, page).await?,
        limit,
    ))
}

/// Approve an activation
///
/// Operators approve a requested activation: the support contract is issued now and the
/// requester is notified.
#[utoipa::path(post, operation_id = "approveActivation", path = "/api/v1/activations/{activation_id}/approve", tag = "activations",
    params(("activation_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The activation's id")),
    responses(
        (status = 200, body = Activation),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`activation_processed`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    context: RequestContext,
    Path(activation_id): Path<i64>,
) -> Result<axum::Json<Activation>> {
    Ok(axum::Json(
        activations::approve(
            &state.store,
            &state.policy,
            context.actor()?,
            activation_id,
            OffsetDateTime::now_utc(),
        )
        .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    /// Why; the organization reads it.
    #[schema(value_type = crate::domain::text::Line500)]
    pub reason: String,
}

/// Reject an activation
///
/// Operators reject a requested activation with a reason, which the organization reads; the
/// benefit can be asked for again.
#[utoipa::path(post, operation_id = "rejectActivation", path = "/api/v1/activations/{activation_id}/reject", tag = "activations", request_body = RejectBody,
    params(("activation_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The activation's id")),
    responses(
        (status = 200, body = Activation),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`activation_processed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    context: RequestContext,
    Path(activation_id): Path<i64>,
    Json(body): Json<RejectBody>,
) -> Result<axum::Json<Activation>> {
    Ok(axum::Json(
        activations::reject(
            &state.store,
            &state.policy,
            context.actor()?,
            activation_id,
            &body.reason,
            OffsetDateTime::now_utc(),
        )
        .await?,
    ))
}
