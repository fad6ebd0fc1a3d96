//! A CSP organization's customers.

use super::{PageParams, Paged};
use crate::actions::customers;
use crate::domain::OrganizationId;
use crate::error::Result;
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::Problem;
use crate::http::extract::{Json, Path, Query};
use crate::store::customers::Customer;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerBody {
    #[schema(value_type = crate::domain::text::Line200)]
    pub name: String,
    /// The customer's domain, like `fabrikam.com`.
    #[schema(max_length = 253)]
    pub domain: String,
}

/// Add a CSP customer
///
/// A CSP organization's Global admins, Partner admins and Admin agents add a customer, with its
/// name and domain, that Admin agents can file requests for.
#[utoipa::path(post, operation_id = "createCustomer", path = "/api/v1/organizations/{org_id}/customers", tag = "customers", request_body = CustomerBody,
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id")),
    responses(
        (status = 201, body = Customer),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `not_csp`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `required`, `invalid_domain`, `customer_domain_taken`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    Path(org_id): Path<i64>,
    Json(body): Json<CustomerBody>,
) -> Result<(StatusCode, axum::Json<Customer>)> {
    let customer = customers::create(
        &state.store,
        context.actor()?,
        OrganizationId(org_id),
        &body.name,
        &body.domain,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(customer)))
}

/// List CSP customers
///
/// The CSP organization's customers, by name, a page at a time (its Global admins, Partner
/// admins and Admin agents).
#[utoipa::path(get, operation_id = "listCustomers", path = "/api/v1/organizations/{org_id}/customers", tag = "customers",
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id"), PageParams),
    responses(
        (status = 200, body = Paged<Customer>),
        (status = 400, description = "`malformed_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `not_csp`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Path(org_id): Path<i64>,
    Query(params): Query<PageParams>,
) -> Result<axum::Json<Paged<Customer>>> {
    let page = params.page()?;
    let limit = page.limit;
    let found =
        customers::list(&state.store, context.actor()?, OrganizationId(org_id), page).await?;
    Ok(Paged::new(found, limit))
}
