//! Organizations: operators create and list; members read their own.

use super::{PageParams, Paged};
use crate::actions::organizations::{self, OrganizationInput};
use crate::domain::OrganizationId;
use crate::domain::organization::Organization;
use crate::error::Result;
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::Problem;
use crate::http::extract::{Json, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerNetworkBody {
    /// 4 to 12 digits (blanks around them are ignored; at most 32 characters in all).
    #[schema(pattern = r"^\s*[0-9]{4,12}\s*$", max_length = 32)]
    pub partner_id: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationBody {
    #[schema(value_type = crate::domain::text::Line200)]
    pub name: String,
    /// Enrolls the organization in the partner network.
    #[serde(default)]
    pub partner_network: Option<PartnerNetworkBody>,
    /// Enrolls the organization in the CSP program.
    #[serde(default)]
    pub csp: bool,
}

/// Create an organization
///
/// Operators create a partner organization enrolled in the partner network (with its partner
/// ID, 4 to 12 digits, unique), the CSP program, or both.
#[utoipa::path(post, operation_id = "createOrganization", path = "/api/v1/organizations", tag = "organizations", request_body = OrganizationBody,
    responses(
        (status = 201, body = Organization),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`partner_id_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    Json(body): Json<OrganizationBody>,
) -> Result<(StatusCode, axum::Json<Organization>)> {
    let input = OrganizationInput {
        name: body.name,
        partner_id: body.partner_network.map(|p| p.partner_id),
        csp: body.csp,
    };
    let organization = organizations::create(
        &state.store,
        context.actor()?,
        input,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(organization)))
}

/// List organizations
///
/// Every organization, by name, a page at a time (operators).
#[utoipa::path(get, operation_id = "listOrganizations", path = "/api/v1/organizations", tag = "organizations", params(PageParams),
    responses(
        (status = 200, body = Paged<Organization>),
        (status = 400, description = "`malformed_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(params): Query<PageParams>,
) -> Result<axum::Json<Paged<Organization>>> {
    let page = params.page()?;
    let limit = page.limit;
    Ok(Paged::new(
        organizations::list(&state.store, context.actor()?, page).await?,
        limit,
    ))
}

/// Get an organization
///
/// One organization and its program enrollments. Its own accounts and operators see it; anyone
/// else gets 404, as for an id that does not exist.
#[utoipa::path(get, operation_id = "getOrganization", path = "/api/v1/organizations/{org_id}", tag = "organizations",
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id")),
    responses(
        (status = 200, body = Organization),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn show(
    State(state): State<AppState>,
    context: RequestContext,
    Path(org_id): Path<i64>,
) -> Result<axum::Json<Organization>> {
    Ok(axum::Json(
        organizations::get(&state.store, context.actor()?, OrganizationId(org_id)).await?,
    ))
}
