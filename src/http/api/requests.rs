//! Eligible plans, filing support requests (with `Idempotency-Key`), the lifecycle, refunds.

use super::Paged;
use crate::actions::requests::{self, FileInput, PlanQuery};
use crate::domain::Language;
use crate::domain::eligibility::{Eligible, Fix};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::Problem;
use crate::http::extract::{Json, Path, Query};
use crate::store::requests::{RequestEvent, RequestFilter, SupportRequest};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlansParams {
    /// The product code.
    #[param(max_length = 100)]
    pub product: String,
    /// The version (on-premises products).
    #[param(max_length = 100)]
    pub version: Option<String>,
    /// A CSP customer the request would be for (Admin agents).
    #[param(minimum = 1, maximum = 9007199254740991_i64)]
    pub customer: Option<i64>,
    /// The day to answer for; today when absent.
    #[param(value_type = Option<crate::domain::text::Day>)]
    pub as_of: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EligiblePlan {
    /// The Contract ID, or `csp`.
    pub plan: String,
    pub plan_name: String,
    pub contract_id: Option<String>,
    /// The organization that holds the contract (absent for the csp plan), so two plans of
    /// the same name can be told apart.
    pub organization: Option<String>,
    /// Incidents left; absent when unlimited or for the csp plan.
    pub remaining: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct UnavailablePlan {
    pub plan: String,
    pub plan_name: String,
    pub contract_id: String,
    /// The organization that holds the contract.
    pub organization: Option<String>,
    /// `expired`, `exhausted`, `older_version`, `wrong_scope`, `not_started` or `not_linked`
    /// (the organization holds the contract and it would serve, but this account has not
    /// linked it).
    pub reason: String,
    /// The reason as a sentence, in the request's language.
    pub detail: String,
    /// What would make the plan usable, and who can do it.
    pub fix: FixJson,
}

/// The step that would make an unavailable plan usable.
#[derive(Serialize, ToSchema)]
pub struct FixJson {
    /// `link_contract` (link it: with its IDs, or in one step on the web by an admin of the
    /// organization), `choose_version` (one of `versions`), `order_plan` (a paid plan that
    /// covers it) or `wait_for_start`.
    pub action: String,
    /// The step as a sentence, in the request's language.
    pub detail: String,
    /// Whether the signed-in account can take the step itself.
    pub by_you: bool,
    /// For `choose_version`: the versions the plan covers, newest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// When someone else must act: the display names of the organization's admins who can
    /// (at most 100).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub who: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PlansJson {
    pub eligible: Vec<EligiblePlan>,
    pub unavailable: Vec<UnavailablePlan>,
}

/// List plans for a request
///
/// The plans the signed-in account can file a request under for a product (and version, and CSP
/// customer, as of a day), and every other linked contract with the reason it cannot be used
/// and what to do about it.
#[utoipa::path(get, operation_id = "listSupportPlans", path = "/api/v1/me/support-plans", tag = "requests", params(PlansParams),
    responses(
        (status = 200, body = PlansJson),
        (status = 400, description = "`malformed_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role` (customers are for Admin agents)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `unknown_product`, `unknown_version`, `version_required`, `version_not_applicable`, `unknown_customer`, `invalid_date`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn plans(
    State(state): State<AppState>,
    context: RequestContext,
    Query(params): Query<PlansParams>,
) -> Result<axum::Json<PlansJson>> {
    let actor = context.actor()?;
    let as_of = match params.as_of.as_deref() {
        Some(raw) => crate::domain::membership::parse_date(raw)
            .ok_or_else(|| Error::field("as_of", "invalid_date"))?,
        None => OffsetDateTime::now_utc().date(),
    };
    let query = PlanQuery {
        product: &params.product,
        version: params.version.as_deref(),
        customer_id: params.customer,
        as_of,
    };
    let plans = requests::plans(&state.store, &state.policy, actor, &query).await?;
    Ok(axum::Json(plans_json(&state, &plans, context.language)))
}

pub fn plans_json(state: &AppState, plans: &requests::Plans, language: Language) -> PlansJson {
    let italian = language == Language::It;
    let name = |code: &str| {
        state
            .policy
            .plan_name(code, italian)
            .unwrap_or(code)
            .to_owned()
    };
    let eligible = plans
        .resolution
        .eligible
        .iter()
        .map(|e| match e {
            Eligible::Contract {
                contract_id,
                remaining,
            } => EligiblePlan {
                plan: contract_id.to_string(),
                plan_name: plans
                    .contract(contract_id)
                    .map(|c| name(&c.plan_code))
                    .unwrap_or_default(),
                contract_id: Some(contract_id.to_string()),
                organization: plans.organization_of(contract_id).map(str::to_owned),
                remaining: *remaining,
            },
            Eligible::Csp => EligiblePlan {
                plan: "csp".into(),
                plan_name: crate::i18n::t(language, "plan-csp"),
                contract_id: None,
                organization: None,
                remaining: None,
            },
        })
        .collect();
    let unavailable = plans
        .resolution
        .unavailable
        .iter()
        .zip(&plans.fixes)
        .map(|((contract_id, reason), fix)| {
            let contract = plans.contract(contract_id);
            let args = [
                (
                    "end",
                    contract.map(|c| c.end.to_string()).unwrap_or_default(),
                ),
                (
                    "start",
                    contract.map(|c| c.start.to_string()).unwrap_or_default(),
                ),
            ];
            UnavailablePlan {
                plan: contract_id.to_string(),
                plan_name: contract.map(|c| name(&c.plan_code)).unwrap_or_default(),
                contract_id: contract_id.to_string(),
                organization: plans.organization_of(contract_id).map(str::to_owned),
                reason: reason.as_str().to_owned(),
                detail: crate::i18n::t_args(
                    language,
                    &format!("unavailable-{}", reason.as_str()),
                    &args,
                ),
                fix: fix_json(fix, &plans.admins, language),
            }
        })
        .collect();
    PlansJson {
        eligible,
        unavailable,
    }
}

fn fix_json(fix: &Fix, admins: &[String], language: Language) -> FixJson {
    let by_you = fix.by_you();
    let who = if by_you { Vec::new() } else { admins.to_vec() };
    let who_text = if who.is_empty() {
        crate::i18n::t(language, "fix-who-admins")
    } else {
        crate::i18n::t_args(
            language,
            "fix-who-names",
            &[("names", crate::i18n::list(language, &who, 3))],
        )
    };
    let (key, args, versions) = match fix {
        Fix::Link { by_you: true } => ("fix-link-you", Vec::new(), Vec::new()),
        Fix::Link { by_you: false } => ("fix-link-admins", vec![("who", who_text)], Vec::new()),
        Fix::OrderPlan { by_you: true } => ("fix-order-plan-you", Vec::new(), Vec::new()),
        Fix::OrderPlan { by_you: false } => {
            ("fix-order-plan-admins", vec![("who", who_text)], Vec::new())
        }
        Fix::ChooseVersion { versions } => (
            "fix-choose-version",
            vec![("versions", crate::i18n::list(language, versions, 6))],
            versions.clone(),
        ),
        Fix::WaitForStart { start } => (
            "fix-wait-for-start",
            vec![("start", start.to_string())],
            Vec::new(),
        ),
    };
    FixJson {
        action: fix.as_str().to_owned(),
        detail: crate::i18n::t_args(language, key, &args),
        by_you,
        versions,
        who,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    /// One line.
    #[schema(value_type = crate::domain::text::Line200)]
    pub title: String,
    /// Line breaks and tabs allowed.
    #[schema(value_type = crate::domain::text::Text10000)]
    pub description: String,
    /// The product code.
    #[schema(value_type = crate::domain::text::Code)]
    pub product: String,
    /// The version (on-premises products).
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::text::Code>)]
    pub version: Option<String>,
    /// `A` (critical), `B` or `C`.
    #[schema(value_type = crate::domain::text::Code)]
    pub severity: String,
    /// A Contract ID, or `csp`.
    #[schema(value_type = crate::domain::text::Code)]
    pub plan: String,
    /// A customer of the acting CSP organization (Admin agents, `csp` plan).
    #[serde(default, deserialize_with = "crate::http::extract::optional_integer")]
    #[schema(value_type = Option<crate::domain::text::Id>)]
    pub customer_id: Option<i64>,
    /// Who to contact; the account's email when absent.
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::text::Line200>)]
    pub contact: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestJson {
    #[serde(flatten)]
    pub request: SupportRequest,
    /// Whether the first response came (or is still due) after its target.
    pub response_missed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<RequestEvent>>,
}

fn request_json(request: SupportRequest, events: Option<Vec<RequestEvent>>) -> RequestJson {
    let missed = crate::domain::request::response_missed(
        request.first_response_due,
        request.first_response_at,
        OffsetDateTime::now_utc(),
    );
    RequestJson {
        request,
        response_missed: missed,
        events,
    }
}

/// File a support request
///
/// Files a request under a plan: a linked contract's Contract ID, or `csp`. On a counted
/// contract one incident is consumed in the same transaction as the request. With an
/// `Idempotency-Key`, a retry with the same key and body answers 200 with the first request and
/// charges nothing; the same key with another body is 409 `idempotency_key_reused`.
#[utoipa::path(post, operation_id = "createSupportRequest", path = "/api/v1/support-requests", tag = "requests", request_body = RequestBody,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 200, description = "Retries with the same key return the first result (kept 24 hours); 1 to 200 visible characters")),
    responses(
        (status = 201, description = "Filed", body = RequestJson),
        (status = 200, description = "A retry with the same Idempotency-Key: the first result, nothing charged again", body = RequestJson),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`contract_exhausted`, `idempotency_key_reused`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`, `plan_not_eligible` (with the reason)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    headers: HeaderMap,
    Json(body): Json<RequestBody>,
) -> Result<(StatusCode, axum::Json<RequestJson>)> {
    let actor = context.actor()?;
    let key = match headers.get("idempotency-key") {
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| Error::field("idempotency_key", "invalid_idempotency_key"))?
                .to_owned(),
        ),
        None => None,
    };
    let input = FileInput {
        title: body.title,
        description: body.description,
        product: body.product,
        version: body.version,
        severity: body.severity,
        plan: body.plan,
        customer_id: body.customer_id,
        contact: body.contact,
    };
    let (request, replayed) = requests::file(
        &state.store,
        &state.policy,
        actor,
        &input,
        key.as_deref(),
        OffsetDateTime::now_utc(),
    )
    .await?;
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, axum::Json(request_json(request, None))))
}

/// Get a support request
///
/// A request with its history. Its creator, the acting organization's Global admins and Partner
/// admins, and operators see it; others get 404.
#[utoipa::path(get, operation_id = "getSupportRequest", path = "/api/v1/support-requests/{number}", tag = "requests",
    params(("number" = String, Path, max_length = 32, description = "Like SR-2026-000042")),
    responses(
        (status = 200, body = RequestJson),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn show(
    State(state): State<AppState>,
    context: RequestContext,
    Path(number): Path<String>,
) -> Result<axum::Json<RequestJson>> {
    let request = requests::get(&state.store, context.actor()?, &number).await?;
    let events = requests::events(&state.store, &request).await?;
    Ok(axum::Json(request_json(request, Some(events))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    #[param(value_type = Option<crate::domain::request::RequestStatus>)]
    pub status: Option<String>,
    /// `A`, `B` or `C`.
    #[param(max_length = 100)]
    pub severity: Option<String>,
    /// Only requests whose first response is overdue.
    pub overdue: Option<bool>,
    /// How many items (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Where the page starts: the `next` of the page before (absent for the first page).
    #[param(max_length = 400, pattern = "^[A-Za-z0-9_-]*$")]
    pub after: Option<String>,
}

/// List support requests
///
/// Operators see every request, filtered by status, severity and overdue first response; others
/// see the requests they may open (their own; organization admins their organization's). A page
/// at a time.
#[utoipa::path(get, operation_id = "listSupportRequests", path = "/api/v1/support-requests", tag = "requests", params(QueueParams),
    responses(
        (status = 200, body = Paged<RequestJson>),
        (status = 400, description = "`malformed_query`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `unknown_status`, `unknown_severity`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(params): Query<QueueParams>,
) -> Result<axum::Json<Paged<RequestJson>>> {
    let actor = context.actor()?;
    let page = super::page(params.limit, params.after.as_deref())?;
    let limit = page.limit;
    let mut refused = Vec::new();
    if let Some(status) = &params.status
        && crate::domain::request::RequestStatus::parse(status).is_none()
    {
        refused.push(crate::domain::FieldError::new("status", "unknown_status"));
    }
    if let Some(severity) = &params.severity
        && state.policy.severity(severity).is_none()
    {
        refused.push(crate::domain::FieldError::new(
            "severity",
            "unknown_severity",
        ));
    }
    if !refused.is_empty() {
        return Err(Error::InvalidInput(refused));
    }
    let listing = if actor.is_operator() {
        let filter = RequestFilter {
            status: params.status,
            severity: params.severity,
            overdue_at: params
                .overdue
                .unwrap_or(false)
                .then(OffsetDateTime::now_utc),
            ..Default::default()
        };
        requests::queue(&state.store, actor, filter, page).await?
    } else {
        requests::mine(&state.store, actor, page).await?
    };
    Ok(Paged::new(listing.map(|r| request_json(r, None)), limit))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    #[schema(value_type = crate::domain::request::RequestStatus)]
    pub status: String,
    /// Sent to the requester with the change; blank means none. Line breaks allowed.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub comment: Option<String>,
}

/// Change a request's status
///
/// Moves a request through its lifecycle: operators move it between `open`, `in_progress`,
/// `waiting_on_customer` and `resolved`; the customer side may answer a waiting request, close
/// a resolved one or reopen it. Nothing leaves `closed`.
#[utoipa::path(post, operation_id = "changeSupportRequestStatus", path = "/api/v1/support-requests/{number}/status", tag = "requests", request_body = StatusBody,
    params(("number" = String, Path, max_length = 32, description = "Like SR-2026-000042")),
    responses(
        (status = 200, body = RequestJson),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`transition_not_allowed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn status(
    State(state): State<AppState>,
    context: RequestContext,
    Path(number): Path<String>,
    Json(body): Json<StatusBody>,
) -> Result<axum::Json<RequestJson>> {
    let request = requests::change_status(
        &state.store,
        context.actor()?,
        &number,
        &body.status,
        body.comment.as_deref(),
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(axum::Json(request_json(request, None)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    /// Line breaks and tabs allowed.
    #[schema(value_type = crate::domain::text::Text10000)]
    pub body: String,
}

/// Comment on a request
///
/// Adds a comment to a request that is not closed; an operator's first comment is the request's
/// first response.
#[utoipa::path(post, operation_id = "commentSupportRequest", path = "/api/v1/support-requests/{number}/comments", tag = "requests", request_body = CommentBody,
    params(("number" = String, Path, max_length = 32, description = "Like SR-2026-000042")),
    responses(
        (status = 200, body = RequestJson),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`transition_not_allowed`: closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn comment(
    State(state): State<AppState>,
    context: RequestContext,
    Path(number): Path<String>,
    Json(body): Json<CommentBody>,
) -> Result<axum::Json<RequestJson>> {
    let request = requests::comment(
        &state.store,
        context.actor()?,
        &number,
        &body.body,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(axum::Json(request_json(request, None)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundBody {
    #[schema(value_type = crate::domain::request::RefundReason)]
    pub reason: String,
}

/// Refund a request's incident
///
/// Operators mark a request not chargeable with a reason; its incident returns to the contract
/// exactly once, as a ledger entry naming the request and the reason.
#[utoipa::path(post, operation_id = "refundSupportRequest", path = "/api/v1/support-requests/{number}/refund", tag = "requests", request_body = RefundBody,
    params(("number" = String, Path, max_length = 32, description = "Like SR-2026-000042")),
    responses(
        (status = 200, body = RequestJson),
        (status = 400, description = "`malformed_body`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden_role`, `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_refundable`: not charged or already refunded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_input`: `unknown_refund_reason`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = [])))]
pub async fn refund(
    State(state): State<AppState>,
    context: RequestContext,
    Path(number): Path<String>,
    Json(body): Json<RefundBody>,
) -> Result<axum::Json<RequestJson>> {
    let request = requests::refund(
        &state.store,
        context.actor()?,
        &number,
        &body.reason,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(axum::Json(request_json(request, None)))
}
