//! Support request pages: my requests and the operators' queue here; filing in
//! [`filing`], one request with its history and actions in [`detail`].

pub mod detail;
pub mod filing;

pub use detail::{comment, refund, show, status};
pub use filing::{compose, file};

use super::{Layout, Pager, render, see_other};
use crate::actions::{products, requests};
use crate::domain::Language;
use crate::domain::policy::Policy;
use crate::domain::request::{RequestStatus, response_missed};
use crate::error::Result;
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::Query;
use crate::store::requests::{RequestFilter, SupportRequest};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;
use time::OffsetDateTime;

/// Wording shared by the request pages: statuses, severities, products and plans by name.
pub struct RequestText {
    language: Language,
    policy: Arc<Policy>,
    now: OffsetDateTime,
    /// Product code → name.
    products: HashMap<String, String>,
    /// Contract row id → plan name.
    plans: HashMap<i64, String>,
}

impl RequestText {
    /// Loads the product and plan names `requests` refer to.
    pub async fn load(
        state: &AppState,
        language: Language,
        requests: &[&SupportRequest],
    ) -> Result<Self> {
        let products = products::list(&state.store)
            .await?
            .into_iter()
            .map(|p| (p.code, p.name))
            .collect();
        let mut plans = HashMap::new();
        for id in requests.iter().filter_map(|r| r.contract_id) {
            if plans.contains_key(&id) {
                continue;
            }
            if let Some(contract) = state.store.contract(id).await? {
                let name = state
                    .policy
                    .plan_name(&contract.plan_code, language == Language::It)
                    .unwrap_or(&contract.plan_code)
                    .to_owned();
                plans.insert(id, name);
            }
        }
        Ok(Self {
            language,
            policy: state.policy.clone(),
            now: OffsetDateTime::now_utc(),
            products,
            plans,
        })
    }

    pub fn status_text(&self, status: &str) -> String {
        crate::i18n::t(self.language, &format!("request-status-{status}"))
    }

    /// A status as a filter names the requests in it: "Open" in English, "Aperte" in Italian.
    pub fn status_filter_text(&self, status: &str) -> String {
        crate::i18n::t(self.language, &format!("queue-status-{status}"))
    }

    pub fn status_badge(&self, status: &str) -> &'static str {
        match RequestStatus::parse(status) {
            Some(RequestStatus::Open | RequestStatus::InProgress) => "badge-info",
            Some(RequestStatus::WaitingOnCustomer) => "badge-warn",
            Some(RequestStatus::Resolved) => "badge-ok",
            Some(RequestStatus::Closed) | None => "badge-muted",
        }
    }

    /// `B · Moderate`
    pub fn severity_text(&self, code: &str) -> String {
        match self.policy.severity(code) {
            Some(severity) => format!("{code} · {}", severity.name(self.language == Language::It)),
            None => code.to_owned(),
        }
    }

    /// The product's name and version, like `SQL Server 2022`.
    pub fn product_text(&self, request: &SupportRequest) -> String {
        let name = self
            .products
            .get(&request.product)
            .map_or(request.product.as_str(), String::as_str);
        match &request.version {
            Some(version) => format!("{name} {version}"),
            None => name.to_owned(),
        }
    }

    /// The plan's name: the CSP plan, or the name of the contract's plan.
    pub fn plan_text(&self, request: &SupportRequest) -> String {
        if request.plan == "csp" {
            return crate::i18n::t(self.language, "plan-csp");
        }
        request
            .contract_id
            .and_then(|id| self.plans.get(&id))
            .cloned()
            .unwrap_or_else(|| request.plan.clone())
    }

    /// Still unanswered, not closed, and past its first-response target.
    pub fn overdue(&self, request: &SupportRequest) -> bool {
        request.first_response_at.is_none()
            && request.status != RequestStatus::Closed.as_str()
            && response_missed(request.first_response_due, None, self.now)
    }

    /// Answered after the target (or still unanswered past it).
    pub fn missed(&self, request: &SupportRequest) -> bool {
        response_missed(
            request.first_response_due,
            request.first_response_at,
            self.now,
        )
    }
}

#[derive(Template)]
#[template(path = "requests/list.html")]
pub struct ListPage {
    layout: Layout,
    text: RequestText,
    requests: Vec<SupportRequest>,
    pager: Pager,
    organization_wide: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    after: Option<String>,
}

/// `GET /support/requests`: the requests I filed (organization admins: the organization's).
/// Operators work from the queue instead.
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let actor = context.actor()?;
    if actor.is_operator() {
        return Ok(see_other("/operator/requests"));
    }
    let page = super::console_page(query.after.as_deref())?;
    let pager_of = page.clone();
    let listing = requests::mine(&state.store, actor, page).await?;
    let pager = Pager::new(&pager_of, &listing);
    let items = listing.items;
    let organization_wide = actor
        .organization_id
        .is_some_and(|org| actor.can(crate::domain::Permission::ManageContracts, Some(org)));
    let text =
        RequestText::load(&state, context.language, &items.iter().collect::<Vec<_>>()).await?;
    let page = ListPage {
        layout: Layout::new(&context, "requests-title"),
        text,
        requests: items,
        pager,
        organization_wide,
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "requests/queue.html")]
pub struct QueuePage {
    layout: Layout,
    text: RequestText,
    requests: Vec<SupportRequest>,
    pager: Pager,
    status: String,
    severity: String,
    overdue: bool,
    statuses: [RequestStatus; 5],
    severities: Vec<String>,
}

impl QueuePage {
    /// The filters as query parameters, for the pager's links.
    fn filter_query(&self) -> String {
        let mut query = String::new();
        if !self.status.is_empty() {
            query.push_str(&format!(
                "&status={}",
                super::encode_component(&self.status)
            ));
        }
        if !self.severity.is_empty() {
            query.push_str(&format!(
                "&severity={}",
                super::encode_component(&self.severity)
            ));
        }
        if self.overdue {
            query.push_str("&overdue=1");
        }
        query
    }

    fn filtered(&self) -> bool {
        !self.status.is_empty() || !self.severity.is_empty() || self.overdue
    }
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    status: Option<String>,
    severity: Option<String>,
    overdue: Option<String>,
    after: Option<String>,
}

/// `GET /operator/requests?status=&severity=&overdue=1`: the operators' queue.
pub async fn queue(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<QueueQuery>,
) -> Result<Response> {
    let actor = context.actor()?;
    let status = query
        .status
        .filter(|s| RequestStatus::parse(s).is_some())
        .unwrap_or_default();
    let severity = query
        .severity
        .filter(|s| state.policy.severity(s).is_some())
        .unwrap_or_default();
    let overdue = query.overdue.is_some_and(|o| !o.is_empty() && o != "0");
    let filter = RequestFilter {
        status: Some(status.clone()).filter(|s| !s.is_empty()),
        severity: Some(severity.clone()).filter(|s| !s.is_empty()),
        overdue_at: overdue.then(OffsetDateTime::now_utc),
        ..Default::default()
    };
    let page = super::console_page(query.after.as_deref())?;
    let pager_of = page.clone();
    let listing = requests::queue(&state.store, actor, filter, page).await?;
    let pager = Pager::new(&pager_of, &listing);
    let items = listing.items;
    let text =
        RequestText::load(&state, context.language, &items.iter().collect::<Vec<_>>()).await?;
    let page = QueuePage {
        layout: Layout::new(&context, "queue-title"),
        text,
        requests: items,
        pager,
        status,
        severity,
        overdue,
        statuses: RequestStatus::ALL,
        severities: state
            .policy
            .severities
            .iter()
            .map(|s| s.code.clone())
            .collect(),
    };
    render(StatusCode::OK, &page)
}
