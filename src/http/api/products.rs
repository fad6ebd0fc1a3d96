//! Products and versions.

use super::{PageParams, Paged};
use crate::actions::products;
use crate::domain::product::{Product, ProductInput};
use crate::error::Result;
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::Problem;
use crate::http::extract::{Json, Query};
use axum::extract::State;
use axum::http::StatusCode;
use time::OffsetDateTime;

/// Add a product
///
/// Operators add a product with its scope and workload; on-premises products list their
/// versions with release, mainstream-support end and extended-support end days.
#[utoipa::path(post, operation_id = "createProduct", path = "/api/v1/products", tag = "products", request_body = ProductInput,
    responses(
        (status = 201, body = Product),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `invalid_code`, `unknown_scope`, `cloud_has_no_versions`, `versions_required`, `invalid_date`, `dates_out_of_order`, `duplicate_version`, `product_code_taken`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    Json(body): Json<ProductInput>,
) -> Result<(StatusCode, axum::Json<Product>)> {
    let product = products::create(
        &state.store,
        context.actor()?,
        &body,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(product)))
}

/// List products
///
/// The products with their versions, by name, a page at a time.
#[utoipa::path(get, operation_id = "listProducts", path = "/api/v1/products", tag = "products", params(PageParams),
    responses(
        (status = 200, body = Paged<Product>),
        (status = 400, description = "`malformed_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(params): Query<PageParams>,
) -> Result<axum::Json<Paged<Product>>> {
    context.actor()?;
    let page = params.page()?;
    let limit = page.limit;
    Ok(Paged::new(products::page(&state.store, page).await?, limit))
}

/// Add a product version
///
/// Operators add a release to an on-premises product.
#[utoipa::path(post, operation_id = "addProductVersion", path = "/api/v1/products/{code}/versions", tag = "products", request_body = crate::domain::product::VersionInput,
    params(("code" = String, Path, max_length = 100, description = "The product code")),
    responses(
        (status = 201, body = Product),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `cloud_has_no_versions`, `invalid_date`, `dates_out_of_order`, `duplicate_version`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn add_version(
    State(state): State<AppState>,
    context: RequestContext,
    crate::http::extract::Path(code): crate::http::extract::Path<String>,
    Json(body): Json<crate::domain::product::VersionInput>,
) -> Result<(StatusCode, axum::Json<Product>)> {
    let product = products::add_version(
        &state.store,
        context.actor()?,
        &code,
        body,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(product)))
}
