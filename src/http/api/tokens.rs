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

/// Creates a personal access token; the secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = TokenBody,
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

/// The signed-in account's live tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
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

/// Revokes one of the signed-in account's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{token_id}", tag = "tokens",
    params(("token_id" = i64, Path, description = "The token's id")),
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
