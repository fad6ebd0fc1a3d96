//! Competencies and memberships.

use super::{PageParams, Paged};
use crate::actions::memberships;
use crate::domain::OrganizationId;
use crate::domain::membership::{Competency, Membership, MembershipInput};
use crate::error::Result;
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::Problem;
use crate::http::extract::{Json, Path, Query};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// List competencies
///
/// The competencies memberships can name, with their `cloud` flag (a cloud competency gives
/// unlimited Signature cloud support).
#[utoipa::path(get, operation_id = "listCompetencies", path = "/api/v1/competencies", tag = "memberships",
    responses(
        (status = 200, body = Vec<Competency>),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn competencies(
    State(state): State<AppState>,
    context: RequestContext,
) -> Result<axum::Json<Vec<Competency>>> {
    context.actor()?;
    Ok(axum::Json(memberships::competencies(&state.store).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipBody {
    #[schema(value_type = crate::domain::membership::Offer)]
    pub offer: String,
    /// A competency code; required for silver and gold, absent for action pack.
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::text::Code>)]
    pub competency: Option<String>,
    /// First day.
    #[schema(value_type = crate::domain::text::Day)]
    pub start: String,
    /// Last day (included).
    #[schema(value_type = crate::domain::text::Day)]
    pub end: String,
}

/// Add a membership
///
/// Operators add an organization's membership: an offer (`action_pack`, `silver`, `gold`), a
/// competency for silver and gold, and the first and last day (both included). The
/// organization's benefits follow from its active memberships.
#[utoipa::path(post, operation_id = "createMembership", path = "/api/v1/organizations/{org_id}/memberships", tag = "memberships", request_body = MembershipBody,
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id")),
    responses(
        (status = 201, body = Membership),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `unknown_offer`, `competency_required`, `competency_not_allowed`, `unknown_competency`, `invalid_date`, `end_before_start`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    Path(org_id): Path<i64>,
    Json(body): Json<MembershipBody>,
) -> Result<(StatusCode, axum::Json<Membership>)> {
    let input = MembershipInput {
        offer: body.offer,
        competency: body.competency,
        start: body.start,
        end: body.end,
    };
    let membership = memberships::add(
        &state.store,
        context.actor()?,
        OrganizationId(org_id),
        &input,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(membership)))
}

/// List an organization's memberships
///
/// The organization's memberships, oldest first, a page at a time. Its accounts and operators
/// see them; others get 404.
#[utoipa::path(get, operation_id = "listMemberships", path = "/api/v1/organizations/{org_id}/memberships", tag = "memberships",
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id"), PageParams),
    responses(
        (status = 200, body = Paged<Membership>),
        (status = 400, description = "`malformed_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Path(org_id): Path<i64>,
    Query(params): Query<PageParams>,
) -> Result<axum::Json<Paged<Membership>>> {
    let page = params.page()?;
    let limit = page.limit;
    let found =
        memberships::list(&state.store, context.actor()?, OrganizationId(org_id), page).await?;
    Ok(Paged::new(found, limit))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndBody {
    /// The new last day (included); not before the start.
    #[schema(value_type = crate::domain::text::Day)]
    pub end: String,
}

/// End a membership
///
/// Operators move a membership's last day (included), for example to end it today. The new last
/// day cannot come before its first.
#[utoipa::path(post, operation_id = "endMembership", path = "/api/v1/organizations/{org_id}/memberships/{membership_id}/end", tag = "memberships", request_body = EndBody,
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id"), ("membership_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The membership's id")),
    responses(
        (status = 200, body = Membership),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `invalid_date`, `end_before_start`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn end(
    State(state): State<AppState>,
    context: RequestContext,
    Path((org_id, membership_id)): Path<(i64, i64)>,
    Json(body): Json<EndBody>,
) -> Result<axum::Json<Membership>> {
    Ok(axum::Json(
        memberships::end(
            &state.store,
            context.actor()?,
            OrganizationId(org_id),
            membership_id,
            &body.end,
        )
        .await?,
    ))
}

/// Remove a membership
///
/// Operators remove a membership entered by mistake. One that an activation came from cannot be
/// removed (409 `membership_in_use`): end it instead.
#[utoipa::path(delete, operation_id = "deleteMembership", path = "/api/v1/organizations/{org_id}/memberships/{membership_id}", tag = "memberships",
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id"), ("membership_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The membership's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`membership_in_use`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn remove(
    State(state): State<AppState>,
    context: RequestContext,
    Path((org_id, membership_id)): Path<(i64, i64)>,
) -> Result<StatusCode> {
    memberships::remove(
        &state.store,
        context.actor()?,
        OrganizationId(org_id),
        membership_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    #[schema(format = Int64)]
    pub imported: usize,
}

/// Import memberships from CSV
///
/// Operators import memberships from a CSV file with the header
/// `partner_id,offer,competency,start,end`. Every row is checked first; then all are imported
/// in one transaction, or none, with a report of every problem with its line and column.
#[utoipa::path(post, operation_id = "importMemberships", path = "/api/v1/memberships/import", tag = "memberships",
    request_body(content = CsvFile, content_type = "text/csv", description = "Header `partner_id,offer,competency,start,end`, then one membership per line; at most 2 MiB"),
    responses(
        (status = 200, body = ImportResult),
        (status = 400, description = "`malformed_body`: not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`import_rejected`, with `problems` (line, column, code) for every problem of every bad row, `rows_with_problems` and `problem_count`; nothing was imported", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn import(
    State(state): State<AppState>,
    context: RequestContext,
    body: Bytes,
) -> Result<axum::Json<ImportResult>> {
    let actor = context.actor()?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| crate::error::Error::MalformedBody("the file is not UTF-8 text".into()))?;
    let imported = memberships::import(
        &state.store,
        actor,
        text,
        OffsetDateTime::now_utc(),
        &|_, _| {},
    )
    .await?;
    Ok(axum::Json(ImportResult { imported }))
}

/// A CSV file as a request body: bounded by the largest body the server reads (2 MiB).
pub struct CsvFile;

impl utoipa::PartialSchema for CsvFile {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(crate::http::MAX_BODY_BYTES))
            .description(Some(
                "CSV text of at most 2 MiB (a larger body is refused with 413 `body_too_large`).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for CsvFile {}
