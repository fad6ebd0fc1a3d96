//! Personal access tokens for `Authorization: Bearer`.

use crate::actions::tokens;
use crate::domain::ids::TokenId;
use crate::error::Result;
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::Problem;
use crate::http::extract::{Json, Path};
use crate::store::tokens::TokenInfo;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// What the token is for, e.g. "ticket sync".
    #[schema(value_type = crate::domain::text::Line100)]
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenCreated {
    /// The secret, shown only in this answer.
    pub token: String,
    #[serde(flatten)]
    pub info: TokenInfo,
}

/// Create a personal access token
///
/// Creates a token for `Authorization: Bearer` that acts as the signed-in account. The secret
/// (`spt_…`) is in this answer only: Sportello keeps its SHA-256 digest. Bearer-token calls
/// need no CSRF token.
#[utoipa::path(post, operation_id = "createToken", path = "/api/v1/tokens", tag = "tokens", request_body = TokenBody,
    responses(
        (status = 201, body = TokenCreated),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    Json(body): Json<TokenBody>,
) -> Result<(StatusCode, axum::Json<TokenCreated>)> {
    let (token, info) = tokens::create(
        &state.store,
        context.actor()?,
        &body.name,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(TokenCreated { token, info }),
    ))
}

/// List your tokens
///
/// The signed-in account's tokens that are not revoked, with their names and when they were
/// created and last used; never their secrets.
#[utoipa::path(get, operation_id = "listTokens", path = "/api/v1/tokens", tag = "tokens",
    responses(
        (status = 200, body = Vec<TokenInfo>),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
) -> Result<axum::Json<Vec<TokenInfo>>> {
    Ok(axum::Json(
        tokens::list(&state.store, context.actor()?).await?,
    ))
}

/// Revoke a token
///
/// Revokes one of the signed-in account's tokens; it stops working at once on every instance.
/// Another account's token answers 404, like one that does not exist.
#[utoipa::path(delete, operation_id = "revokeToken", path = "/api/v1/tokens/{token_id}", tag = "tokens",
    params(("token_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    context: RequestContext,
    Path(token_id): Path<i64>,
) -> Result<StatusCode> {
    tokens::revoke(
        &state.store,
        context.actor()?,
        TokenId(token_id),
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
