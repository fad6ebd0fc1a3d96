//! Operator console: the activation queue (manual mode) and its history.

use super::flash::{Flash, see_other_with};
use super::{Layout, Pager, console_page, render};
use crate::actions::activations;
use crate::domain::activation::{Activation, ActivationStatus};
use crate::domain::organization::Organization;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::{Path, Query, WebForm};
use crate::store::Page;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

#[derive(Template)]
#[template(path = "activations/list.html")]
pub struct QueuePage {
    layout: Layout,
    status: ActivationStatus,
    activations: Vec<Activation>,
    organizations: Vec<Organization>,
    policy: std::sync::Arc<crate::domain::policy::Policy>,
    manual: bool,
    pager: Pager,
}

impl QueuePage {
    fn organization_name(&self, activation: &Activation) -> String {
        self.organizations
            .iter()
            .find(|o| o.id == activation.organization_id)
            .map_or_else(
                || activation.organization_id.to_string(),
                |o| o.name.clone(),
            )
    }

    fn name(&self, code: &str) -> String {
        self.policy
            .plan_name(code, self.layout.language == crate::domain::Language::It)
            .unwrap_or(code)
            .to_owned()
    }

    fn filter_query(&self) -> String {
        format!("&status={}", self.status.as_str())
    }

    fn is(&self, status: &str) -> bool {
        self.status.as_str() == status
    }
}

#[derive(Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
    after: Option<String>,
}

/// `GET /operator/activations`
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<QueueQuery>,
) -> Result<Response> {
    let actor = context.actor()?;
    let status = match query.status.as_deref() {
        None | Some("") => ActivationStatus::Requested,
        Some(raw) => {
            ActivationStatus::parse(raw).ok_or_else(|| Error::field("status", "unknown_status"))?
        }
    };
    let window = console_page(query.after.as_deref())?;
    let pager = window.clone();
    let activations = activations::queue(&state.store, actor, status, window).await?;
    let organizations =
        crate::actions::organizations::list(&state.store, actor, Page::first(Page::MAX_LIMIT))
            .await?
            .items;
    let page = QueuePage {
        layout: Layout::new(&context, "activations-title"),
        status,
        pager: Pager::new(&pager, &activations),
        activations: activations.items,
        organizations,
        policy: state.policy.clone(),
        manual: state.settings.activation_mode == crate::config::ActivationMode::Manual,
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct ApproveForm {}

/// `POST /operator/activations/{activation_id}/approve`
pub async fn approve(
    State(state): State<AppState>,
    context: RequestContext,
    Path(activation_id): Path<i64>,
    WebForm(_): WebForm<ApproveForm>,
) -> Result<Response> {
    let activation = activations::approve(
        &state.store,
        &state.policy,
        context.actor()?,
        activation_id,
        OffsetDateTime::now_utc(),
    )
    .await?;
    let contract = match activation.contract_id {
        Some(id) => state.store.contract(id).await?,
        None => None,
    };
    let flash = Flash::new("flash-activation-approved")
        .arg("benefit", benefit_name(&state, &context, &activation))
        .arg(
            "organization",
            organization_name(&state, &activation).await?,
        )
        .arg(
            "contract_id",
            contract.map_or_else(String::new, |c| c.contract_id.to_string()),
        )
        .arg("email", &activation.requested_by_email);
    Ok(see_other_with(
        "/operator/activations",
        &flash,
        state.settings.secure_cookies(),
    ))
}

fn benefit_name(state: &AppState, context: &RequestContext, activation: &Activation) -> String {
    state
        .policy
        .plan_name(
            &activation.benefit_code,
            context.language == crate::domain::Language::It,
        )
        .unwrap_or(&activation.benefit_code)
        .to_owned()
}

async fn organization_name(state: &AppState, activation: &Activation) -> Result<String> {
    Ok(state
        .store
        .organization(activation.organization_id)
        .await?
        .map_or_else(|| activation.organization_id.to_string(), |o| o.name))
}

#[derive(Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    reason: String,
}

/// `POST /operator/activations/{activation_id}/reject`
pub async fn reject(
    State(state): State<AppState>,
    context: RequestContext,
    Path(activation_id): Path<i64>,
    WebForm(form): WebForm<RejectForm>,
) -> Result<Response> {
    let activation = activations::reject(
        &state.store,
        &state.policy,
        context.actor()?,
        activation_id,
        &form.reason,
        OffsetDateTime::now_utc(),
    )
    .await?;
    let flash = Flash::new("flash-activation-rejected")
        .arg("benefit", benefit_name(&state, &context, &activation))
        .arg(
            "organization",
            organization_name(&state, &activation).await?,
        )
        .arg("email", &activation.requested_by_email);
    Ok(see_other_with(
        "/operator/activations",
        &flash,
        state.settings.secure_cookies(),
    ))
}
