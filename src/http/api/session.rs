//! Sign-in and sign-out for API clients, and the signed-in account.

use crate::actions::{accounts as account_actions, sessions};
use crate::domain::Language;
use crate::domain::account::Account;
use crate::error::Result;
use crate::http::AppState;
use crate::http::context::{RequestContext, SESSION_COOKIE, Via, build_cookie, removal_cookie};
use crate::http::error::Problem;
use crate::http::extract::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    #[schema(min_length = 1, max_length = 254, pattern = r"\S")]
    pub email: String,
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionCreated {
    /// Send as `X-CSRF-Token` on cookie-authenticated writes.
    pub csrf_token: String,
    pub account: Account,
}

/// Sign in
///
/// Checks the email and password and starts a session: the answer sets the `sportello_session`
/// cookie and carries the session's CSRF token, which cookie-authenticated writes send as
/// `X-CSRF-Token`. Signing in again ends the session the client had. Failed attempts are
/// limited per account and client address, per address, and per account (docs/decisions.md);
/// past a limit the answer is 429 with `Retry-After`, whatever the password. Scripts usually
/// sign in once to create a personal access token (`createToken`) and use that instead.
#[utoipa::path(post, operation_id = "signIn", path = "/api/v1/session", tag = "session", request_body = SignInBody,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionCreated),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_credentials`: the email and password do not match an account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`: too many failed sign-ins for this account from this address, from this address, or (for addresses that failed on it) for this account; `retry_after` in the body and `Retry-After` say when to try again", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    Json(body): Json<SignInBody>,
) -> Result<impl IntoResponse> {
    if let Via::Session(old) = &context.via {
        sessions::sign_out(&state.store, old).await?;
    }
    let signed_in = sessions::sign_in(
        &state.store,
        &state.settings,
        &body.email,
        &body.password,
        &context.client_address,
        OffsetDateTime::now_utc(),
    )
    .await?;
    let cookie = build_cookie(
        SESSION_COOKIE,
        signed_in.session_token,
        true,
        state.settings.secure_cookies(),
    );
    Ok((
        [(SET_COOKIE, cookie)],
        axum::Json(SessionCreated {
            csrf_token: signed_in.csrf_token,
            account: signed_in.account,
        }),
    ))
}

/// Sign out
///
/// Ends the session of the cookie sent, if any, and clears the cookie. Answers 204 also when no
/// session was open.
#[utoipa::path(delete, operation_id = "signOut", path = "/api/v1/session", tag = "session",
    responses(
        (status = 204, description = "Signed out"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    context: RequestContext,
) -> Result<impl IntoResponse> {
    if let Via::Session(token) = &context.via {
        sessions::sign_out(&state.store, token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, removal_cookie(SESSION_COOKIE))],
    ))
}

/// The signed-in account
///
/// The account behind the session cookie or bearer token: its email, kind, organization, roles
/// and language.
#[utoipa::path(get, operation_id = "getSignedInAccount", path = "/api/v1/me", tag = "session",
    responses(
        (status = 200, body = Account),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn me(
    State(state): State<AppState>,
    context: RequestContext,
) -> Result<axum::Json<Account>> {
    let actor = context.actor()?;
    Ok(axum::Json(
        account_actions::get(&state.store, actor, actor.account_id).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeZoneBody {
    /// An IANA time zone such as `Europe/Rome` (stored by its canonical name), or null for the
    /// browser's.
    #[schema(example = "Europe/Rome", max_length = 64)]
    pub time_zone: Option<String>,
}

/// Set the time zone of the web pages
///
/// Saves the time zone the signed-in account's web pages show times in; null goes back to the
/// browser's. The API itself always answers in UTC.
#[utoipa::path(put, operation_id = "setTimeZone", path = "/api/v1/me/time-zone", tag = "session", request_body = TimeZoneBody,
    responses(
        (status = 204, description = "Saved"),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `time_zone` is `unknown_time_zone`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn set_time_zone(
    State(state): State<AppState>,
    context: RequestContext,
    Json(body): Json<TimeZoneBody>,
) -> Result<StatusCode> {
    account_actions::set_time_zone(&state.store, context.actor()?, body.time_zone.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageBody {
    pub language: Language,
}

/// Set the preferred language
///
/// Saves the signed-in account's language (`en` or `it`); problem titles and details, plan
/// names and mails use it from then on, before `Accept-Language`.
#[utoipa::path(put, operation_id = "setLanguage", path = "/api/v1/me/language", tag = "session", request_body = LanguageBody,
    responses(
        (status = 204, description = "Saved"),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn set_language(
    State(state): State<AppState>,
    context: RequestContext,
    Json(body): Json<LanguageBody>,
) -> Result<StatusCode> {
    account_actions::set_language(&state.store, context.actor()?, body.language).await?;
    Ok(StatusCode::NO_CONTENT)
}
