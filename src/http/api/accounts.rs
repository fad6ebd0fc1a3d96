//! Accounts: operators anywhere, organization admins inside their organization.

use super::Paged;
use crate::actions::accounts::{self, AccountInput};
use crate::domain::account::Account;
use crate::domain::{AccountId, AccountKind, Language, OrganizationId, Role};
use crate::error::Result;
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::Problem;
use crate::http::extract::{Json, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountBody {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[schema(value_type = crate::domain::text::Line200)]
    pub display_name: String,
    pub kind: AccountKind,
    /// 10 to 1024 characters.
    #[schema(min_length = 10, max_length = 1024)]
    pub password: String,
    #[serde(default, deserialize_with = "crate::http::extract::optional_integer")]
    #[schema(value_type = Option<crate::domain::text::Id>)]
    pub organization_id: Option<OrganizationId>,
    /// At most one of each role.
    #[serde(default)]
    #[schema(max_items = 5)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub language: Option<Language>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesBody {
    /// At most one of each role.
    #[schema(max_items = 5)]
    pub roles: Vec<Role>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountFilter {
    /// Only this organization's accounts.
    #[param(minimum = 1, maximum = 9007199254740991_i64)]
    pub organization_id: Option<i64>,
    /// How many items (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Where the page starts: the `next` of the page before (absent for the first page).
    #[param(max_length = 400, pattern = "^[A-Za-z0-9_-]*$")]
    pub after: Option<String>,
}

/// Create an account
///
/// Creates a work or personal account with a password (10 to 1024 characters), optionally in an
/// organization with organization roles. Operators create accounts anywhere; Global admins and
/// Partner admins only inside their own organization, and they cannot grant the operator role.
#[utoipa::path(post, operation_id = "createAccount", path = "/api/v1/accounts", tag = "accounts", request_body = AccountBody,
    responses(
        (status = 201, body = Account),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: another organization", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    Json(body): Json<AccountBody>,
) -> Result<(StatusCode, axum::Json<Account>)> {
    let input = AccountInput {
        email: body.email,
        display_name: body.display_name,
        kind: body.kind,
        password: body.password,
        organization_id: body.organization_id,
        roles: body.roles,
        language: body.language,
    };
    let account = accounts::create(
        &state.store,
        context.actor()?,
        input,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(account)))
}

/// List accounts
///
/// Accounts by email, a page at a time: every account for operators (optionally one
/// organization's), the own organization's for its Global admins and Partner admins.
#[utoipa::path(get, operation_id = "listAccounts", path = "/api/v1/accounts", tag = "accounts", params(AccountFilter),
    responses(
        (status = 200, body = Paged<Account>),
        (status = 400, description = "`malformed_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(filter): Query<AccountFilter>,
) -> Result<axum::Json<Paged<Account>>> {
    let page = super::page(filter.limit, filter.after.as_deref())?;
    let limit = page.limit;
    let organization = filter
        .organization_id
        .map(|id| super::id_in_query("organization_id", id))
        .transpose()?
        .map(OrganizationId);
    Ok(Paged::new(
        accounts::list(&state.store, context.actor()?, organization, page).await?,
        limit,
    ))
}

/// Get an account
///
/// One account: the account itself, operators, and its organization's Global admins and Partner
/// admins see it; others get 404.
#[utoipa::path(get, operation_id = "getAccount", path = "/api/v1/accounts/{account_id}", tag = "accounts",
    params(("account_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The account's id")),
    responses(
        (status = 200, body = Account),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn show(
    State(state): State<AppState>,
    context: RequestContext,
    Path(account_id): Path<i64>,
) -> Result<axum::Json<Account>> {
    Ok(axum::Json(
        accounts::get(&state.store, context.actor()?, AccountId(account_id)).await?,
    ))
}

/// Set an account's roles
///
/// Replaces the account's roles. Organization roles need the account to belong to an
/// organization; only operators grant or remove the operator role. An organization always keeps
/// one Global admin (409 `last_global_admin`: give another account the role first).
#[utoipa::path(put, operation_id = "setAccountRoles", path = "/api/v1/accounts/{account_id}/roles", tag = "accounts", request_body = RolesBody,
    params(("account_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The account's id")),
    responses(
        (status = 200, body = Account),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_global_admin`: the account is its organization's only Global admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn set_roles(
    State(state): State<AppState>,
    context: RequestContext,
    Path(account_id): Path<i64>,
    Json(body): Json<RolesBody>,
) -> Result<axum::Json<Account>> {
    Ok(axum::Json(
        accounts::set_roles(
            &state.store,
            context.actor()?,
            AccountId(account_id),
            body.roles,
        )
        .await?,
    ))
}

/// What removing an account from its organization did.
#[derive(Serialize, ToSchema)]
pub struct RemovedAccount {
    /// The account as it is now: no organization, no organization roles.
    pub account: Account,
    /// The organization roles it held.
    pub removed_roles: Vec<Role>,
    /// The Contract IDs of the organization's contracts whose links to the account were revoked.
    pub revoked_links: Vec<String>,
}

/// Remove an account from its organization
///
/// Takes the account out of the organization: it keeps its email, password, sessions and
/// tokens as an account of no organization, loses its organization roles (the operator role
/// stays) and its links to the organization's contracts. Operators and the organization's
/// Global admins and Partner admins may; the organization's last Global admin cannot be removed
/// (409 `last_global_admin`: give another account the role first). An account that is not in the
/// organization, or no longer, is 404.
#[utoipa::path(delete, operation_id = "removeOrganizationAccount", path = "/api/v1/organizations/{org_id}/accounts/{account_id}", tag = "accounts",
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id"), ("account_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The account's id")),
    responses(
        (status = 200, body = RemovedAccount),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such account in the organization, or another organization", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_global_admin`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn remove_from_organization(
    State(state): State<AppState>,
    context: RequestContext,
    Path((org_id, account_id)): Path<(i64, i64)>,
) -> Result<axum::Json<RemovedAccount>> {
    let removed = accounts::remove_from_organization(
        &state.store,
        context.actor()?,
        OrganizationId(org_id),
        AccountId(account_id),
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(axum::Json(RemovedAccount {
        account: removed.account,
        removed_roles: removed.removal.roles,
        revoked_links: removed.removal.revoked_contracts,
    }))
}
