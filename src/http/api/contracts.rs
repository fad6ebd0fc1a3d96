//! Linking contracts, balances and ledgers, link management.

use crate::actions::contracts::{self, ContractDetail};
use crate::domain::contract::{Contract, ContractStatus, LedgerEntry};
use crate::domain::policy::{Allotment, Policy, Scope};
use crate::domain::{AccountId, Language, OrganizationId};
use crate::error::Result;
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::Problem;
use crate::http::extract::{Json, Path, Query};
use crate::store::links::LinkHolder;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// Like `1234-5678-9`; case, spaces and dashes do not matter (at most 32 characters).
    #[schema(max_length = 32)]
    pub contract_id: String,
    /// Like `ABCDE-FGHJK-MNPQR-STVWX-Y`; case, spaces and dashes do not matter (at most 64
    /// characters).
    #[schema(max_length = 64)]
    pub access_id: String,
}

/// A contract and its balance.
#[derive(Serialize, ToSchema)]
pub struct ContractJson {
    pub contract_id: String,
    /// The plan's code (never changes).
    pub plan: String,
    /// The plan's display name in the caller's language.
    pub plan_name: String,
    pub organization_id: i64,
    pub organization_name: String,
    pub scopes: Vec<Scope>,
    #[schema(value_type = String, format = Date)]
    pub start: String,
    /// Last day included.
    #[schema(value_type = String, format = Date)]
    pub end: String,
    pub allotment: Allotment,
    pub used: i64,
    /// Absent when unlimited.
    pub remaining: Option<i64>,
    pub status: ContractStatus,
    /// Only for the owning organization's Global admins and Partner admins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_id: Option<String>,
    /// When the caller linked it.
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none",
        default
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub linked_at: Option<OffsetDateTime>,
    /// The latest changes of the balance, oldest first, at most 20 (on single-contract
    /// answers): date, kind, amount and reason for everyone; the request and the person only
    /// where the caller may open the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger: Option<Vec<LedgerEntry>>,
    /// Where the entries before `ledger` are, when there are any: the path of that page of
    /// `GET /api/v1/contracts/{contract_id}/ledger`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger_older: Option<String>,
    /// Accounts holding links (for the owning organization's admins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<LinkHolder>>,
    /// On single-contract answers of counted contracts: at the pace of the last 90 days, when
    /// the incidents run out (`runs_out`, on or before `end`) or how many will expire unused
    /// (`expires_unused`); `exhausted` or `ended` once that is so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<crate::domain::forecast::Forecast>,
}

impl ContractJson {
    pub fn new(
        contract: &Contract,
        organization_name: &str,
        policy: &Policy,
        language: Language,
    ) -> Self {
        Self {
            contract_id: contract.contract_id.to_string(),
            plan: contract.plan_code.clone(),
            plan_name: policy
                .plan_name(&contract.plan_code, language == Language::It)
                .unwrap_or(&contract.plan_code)
                .to_owned(),
            organization_id: contract.organization_id.0,
            organization_name: organization_name.to_owned(),
            scopes: contract.scopes.clone(),
            start: contract.start.to_string(),
            end: contract.end.to_string(),
            allotment: contract.allotted.map_or(Allotment::Unlimited, |n| {
                Allotment::Limited(u32::try_from(n).unwrap_or(u32::MAX))
            }),
            used: contract.used,
            remaining: contract.remaining(),
            status: contract.status(OffsetDateTime::now_utc().date()),
            access_id: None,
            linked_at: None,
            ledger: None,
            ledger_older: None,
            links: None,
            forecast: None,
        }
    }

    fn detail(detail: ContractDetail, policy: &Policy, language: Language) -> Self {
        let mut json = Self::new(
            &detail.contract,
            &detail.organization_name,
            policy,
            language,
        );
        if detail.administered {
            json.access_id = Some(detail.contract.access_id.to_string());
            json.links = Some(detail.holders);
        }
        json.linked_at = detail.linked_at;
        json.ledger_older = detail
            .ledger
            .older
            .map(|before| ledger_path(&detail.contract, before));
        json.ledger = Some(detail.ledger.entries);
        json.forecast = detail.forecast;
        json
    }
}

/// Link a contract
///
/// Links a contract to the signed-in account (work or personal, inside the owning organization
/// or not) with its Contract ID and Access ID. 201 when linked, 200 when it already was.
/// Malformed and unknown IDs count as failed attempts, limited per account and per client
/// address; past a limit the answer is 429 with `Retry-After`, even for the right pair.
#[utoipa::path(post, operation_id = "linkContract", path = "/api/v1/me/contracts", tag = "contracts", request_body = LinkBody,
    responses(
        (status = 201, description = "Linked", body = ContractJson),
        (status = 200, description = "Already linked to this account: nothing to do", body = ContractJson),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`contract_not_found`: one answer whichever half is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`contract_expired`, `contract_exhausted`, `link_limit_reached`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`malformed_id`, naming the field", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`: too many failed links for this account or from this address; `retry_after` in the body and `Retry-After` say when to try again", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn link(
    State(state): State<AppState>,
    context: RequestContext,
    Json(body): Json<LinkBody>,
) -> Result<(StatusCode, axum::Json<ContractJson>)> {
    let actor = context.actor()?;
    let now = OffsetDateTime::now_utc();
    let (contract, created) = contracts::link(
        &state.store,
        &state.policy,
        &state.settings,
        actor,
        contracts::LinkAttempt {
            contract_id: &body.contract_id,
            access_id: &body.access_id,
            client_address: &context.client_address,
        },
        now,
    )
    .await?;
    let detail = contracts::show(
        &state.store,
        actor,
        contract.contract_id.as_str(),
        OffsetDateTime::now_utc().date(),
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        axum::Json(ContractJson::detail(
            detail,
            &state.policy,
            context.language,
        )),
    ))
}

/// List your linked contracts
///
/// The contracts linked to the signed-in account, with their balances and when each was linked.
#[utoipa::path(get, operation_id = "listLinkedContracts", path = "/api/v1/me/contracts", tag = "contracts",
    responses(
        (status = 200, body = Vec<ContractJson>),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn mine(
    State(state): State<AppState>,
    context: RequestContext,
) -> Result<axum::Json<Vec<ContractJson>>> {
    let linked = contracts::linked(&state.store, context.actor()?).await?;
    Ok(axum::Json(
        linked
            .into_iter()
            .map(|l| {
                let mut json = ContractJson::new(
                    &l.contract,
                    &l.organization_name,
                    &state.policy,
                    context.language,
                );
                json.linked_at = Some(l.linked_at);
                json
            })
            .collect(),
    ))
}

/// Unlink a contract
///
/// Removes the signed-in account's link to the contract. A contract not linked to this account
/// answers 404.
#[utoipa::path(delete, operation_id = "unlinkContract", path = "/api/v1/me/contracts/{contract_id}", tag = "contracts",
    params(("contract_id" = String, Path, max_length = 32, description = "The Contract ID")),
    responses(
        (status = 204, description = "Unlinked"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: not linked to this account", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn unlink(
    State(state): State<AppState>,
    context: RequestContext,
    Path(contract_id): Path<String>,
) -> Result<StatusCode> {
    contracts::unlink(
        &state.store,
        context.actor()?,
        &contract_id,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Get a contract's balance
///
/// A contract's allotment, used and remaining incidents, term, status and ledger. The accounts
/// that linked it, the owning organization's Global admins and Partner admins (who also see the
/// Access ID and the linked accounts) and operators see it; others get 404. Ledger entries name
/// their request and person only to those who may open that request.
#[utoipa::path(get, operation_id = "getContract", path = "/api/v1/contracts/{contract_id}", tag = "contracts",
    params(("contract_id" = String, Path, max_length = 32, description = "The Contract ID")),
    responses(
        (status = 200, body = ContractJson),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn show(
    State(state): State<AppState>,
    context: RequestContext,
    Path(contract_id): Path<String>,
) -> Result<axum::Json<ContractJson>> {
    let detail = contracts::show(
        &state.store,
        context.actor()?,
        &contract_id,
        OffsetDateTime::now_utc().date(),
    )
    .await?;
    Ok(axum::Json(ContractJson::detail(
        detail,
        &state.policy,
        context.language,
    )))
}

/// The path of the ledger page before the entry `before`.
fn ledger_path(contract: &Contract, before: i64) -> String {
    format!(
        "/api/v1/contracts/{}/ledger?before={before}",
        contract.contract_id
    )
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerParams {
    /// The cursor of a page: entries before this one (as `older` gave it); the latest without.
    #[param(minimum = 1, maximum = 9007199254740991_i64)]
    pub before: Option<i64>,
    /// How many entries (1–200, default 20).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// A page of a contract's ledger.
#[derive(Serialize, ToSchema)]
pub struct LedgerPageJson {
    /// Entries, oldest first: the latest `limit` before the cursor.
    pub items: Vec<LedgerEntry>,
    /// The path of the page before these, when there are older entries.
    pub older: Option<String>,
}

/// Get a page of a contract's ledger
///
/// Every change of a contract's balance, a page at a time from the newest back (each page
/// oldest first; follow `older`). The same callers as the balance see it, with the same
/// rule for the request and person behind each entry.
#[utoipa::path(get, operation_id = "getContractLedger", path = "/api/v1/contracts/{contract_id}/ledger", tag = "contracts",
    params(("contract_id" = String, Path, max_length = 32, description = "The Contract ID"), LedgerParams),
    responses(
        (status = 200, body = LedgerPageJson),
        (status = 400, description = "`malformed_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn ledger(
    State(state): State<AppState>,
    context: RequestContext,
    Path(contract_id): Path<String>,
    Query(params): Query<LedgerParams>,
) -> Result<axum::Json<LedgerPageJson>> {
    let before = params
        .before
        .map(|before| super::id_in_query("before", before))
        .transpose()?;
    if params
        .limit
        .is_some_and(|limit| !(1..=crate::store::Page::MAX_LIMIT).contains(&limit))
    {
        return Err(crate::error::Error::MalformedQuery(format!(
            "limit: from 1 to {}",
            crate::store::Page::MAX_LIMIT
        )));
    }
    let limit = params.limit.unwrap_or(crate::store::contracts::LEDGER_PAGE);
    let (contract, page) =
        contracts::ledger(&state.store, context.actor()?, &contract_id, before, limit).await?;
    Ok(axum::Json(LedgerPageJson {
        older: page.older.map(|before| ledger_path(&contract, before)),
        items: page.entries,
    }))
}

/// List an organization's contracts
///
/// The contracts the organization owns, oldest first, with balances and Access IDs, for its
/// Global admins and Partner admins and operators. A page at a time.
#[utoipa::path(get, operation_id = "listOrganizationContracts", path = "/api/v1/organizations/{org_id}/contracts", tag = "contracts",
    params(("org_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The organization's id"), super::PageParams),
    responses(
        (status = 200, body = super::Paged<ContractJson>),
        (status = 400, description = "`malformed_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn of_organization(
    State(state): State<AppState>,
    context: RequestContext,
    Path(org_id): Path<i64>,
    Query(params): Query<super::PageParams>,
) -> Result<axum::Json<super::Paged<ContractJson>>> {
    let actor = context.actor()?;
    let page = params.page()?;
    let limit = page.limit;
    let contracts =
        contracts::of_organization(&state.store, actor, OrganizationId(org_id), page).await?;
    // An organization that does not exist is 404 for operators too, as the document says.
    let name = state
        .store
        .organization(OrganizationId(org_id))
        .await?
        .map(|o| o.name)
        .ok_or(crate::error::Error::NotFound)?;
    let shows_access_id = |c: &Contract| {
        actor.can(
            crate::domain::Permission::ManageContracts,
            Some(c.organization_id),
        )
    };
    Ok(super::Paged::new(
        contracts.map(|c| {
            let mut json = ContractJson::new(&c, &name, &state.policy, context.language);
            if shows_access_id(&c) {
                json.access_id = Some(c.access_id.to_string());
            }
            json
        }),
        limit,
    ))
}

/// Revoke a contract link
///
/// The owning organization's Global admins and Partner admins remove an account's link to the
/// contract.
#[utoipa::path(delete, operation_id = "revokeContractLink", path = "/api/v1/contracts/{contract_id}/links/{account_id}", tag = "contracts",
    params(("contract_id" = String, Path, max_length = 32, description = "The Contract ID"), ("account_id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64, description = "The linked account")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    context: RequestContext,
    Path((contract_id, account_id)): Path<(String, i64)>,
) -> Result<StatusCode> {
    contracts::revoke(
        &state.store,
        context.actor()?,
        &contract_id,
        AccountId(account_id),
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Rotated {
    /// The new Access ID; the old one no longer works. Links stay.
    pub access_id: String,
}

/// Rotate a contract's Access ID
///
/// The owning organization's Global admins and Partner admins replace a leaked Access ID:
/// existing links stay, the old ID answers `contract_not_found` from now on.
#[utoipa::path(post, operation_id = "rotateAccessId", path = "/api/v1/contracts/{contract_id}/access-id", tag = "contracts",
    params(("contract_id" = String, Path, max_length = 32, description = "The Contract ID")),
    responses(
        (status = 200, body = Rotated),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn rotate(
    State(state): State<AppState>,
    context: RequestContext,
    Path(contract_id): Path<String>,
) -> Result<axum::Json<Rotated>> {
    let access_id = contracts::rotate(&state.store, context.actor()?, &contract_id).await?;
    Ok(axum::Json(Rotated {
        access_id: access_id.to_string(),
    }))
}
