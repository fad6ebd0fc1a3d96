//! The Technical benefits page: what the organization is entitled to, activation, the IDs.

use super::{Layout, render, see_other};
use crate::actions::benefits::{self, BenefitView};
use crate::domain::activation::{ActivationStatus, BenefitState};
use crate::domain::membership::Competency;
use crate::domain::organization::Organization;
use crate::domain::policy::{Allotment, Policy, Scope};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::{Path, Query, WebForm};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

#[derive(Template)]
#[template(path = "benefits/list.html")]
pub struct ListPage {
    layout: Layout,
    organization: Option<Organization>,
    benefits: Vec<BenefitView>,
    shows_ids: bool,
    may_activate: bool,
    /// The message after an activation request, while it is in progress and once it is done.
    requested: Option<String>,
    policy: std::sync::Arc<Policy>,
    competencies: Vec<Competency>,
    activation_delay: String,
    manual: bool,
    /// Activations still waiting that have a job to process them (the rest wait for an operator).
    scheduled: Vec<i64>,
    /// The contracts (row ids) the viewer linked to their own account.
    linked: Vec<i64>,
}

impl ListPage {
    fn name(&self, code: &str) -> String {
        self.policy
            .plan_name(code, self.layout.language == crate::domain::Language::It)
            .unwrap_or(code)
            .to_owned()
    }

    fn allotment_text(&self, allotment: &Allotment) -> String {
        match allotment.incidents() {
            Some(count) => self.layout.t1("benefits-incidents", "count", count),
            None => self.layout.t("benefits-unlimited"),
        }
    }

    fn scope_text(&self, scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|scope| self.layout.t(&format!("scope-{}", scope.as_str())))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    fn state_text(&self, state: &BenefitState) -> String {
        self.layout.t(&format!("state-{}", state.as_str()))
    }

    fn state_badge(&self, state: &BenefitState) -> &'static str {
        match state {
            BenefitState::Active => "badge-ok",
            BenefitState::Activating => "badge-info",
            BenefitState::Available => "badge-info",
            BenefitState::Expired | BenefitState::Exhausted => "badge-muted",
            BenefitState::Rejected => "badge-danger",
        }
    }

    fn source_text(&self, view: &BenefitView) -> String {
        let offer = self
            .layout
            .t(&format!("offer-{}", view.source.offer.as_str()));
        match &view.source.competency {
            Some(code) => {
                let name = self
                    .competencies
                    .iter()
                    .find(|c| &c.code == code)
                    .map_or(code.as_str(), |c| c.name.as_str());
                format!("{offer} · {name}")
            }
            None => offer,
        }
    }

    fn waits_for_operator(&self, activation: &crate::domain::activation::Activation) -> bool {
        self.manual || !self.scheduled.contains(&activation.id)
    }

    fn is_rejected(&self, status: &ActivationStatus) -> bool {
        *status == ActivationStatus::Rejected
    }

    fn is_completed(&self, status: &ActivationStatus) -> bool {
        *status == ActivationStatus::Completed
    }

    /// Whether to offer "Use this contract myself": the viewer sees the IDs, has not linked
    /// the contract, and it can still be used.
    fn offers_use(&self, contract: &crate::domain::contract::Contract) -> bool {
        self.shows_ids
            && !self.linked.contains(&contract.id)
            && crate::actions::contracts::usable(contract, OffsetDateTime::now_utc().date()).is_ok()
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    requested: Option<String>,
}

/// `GET /benefits`
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let actor = context.actor()?;
    let today = OffsetDateTime::now_utc().date();
    let (organization, benefits, shows_ids, may_activate) = match actor.organization_id {
        Some(org) => {
            let view = benefits::list(&state.store, &state.policy, actor, org, today).await?;
            (
                Some(view.organization),
                view.benefits,
                view.shows_ids,
                view.may_activate,
            )
        }
        None => (None, Vec::new(), false, false),
    };
    let mut scheduled = Vec::new();
    for view in &benefits {
        if let Some(activation) = view
            .activation
            .as_ref()
            .filter(|a| a.status == ActivationStatus::Requested)
            && state.store.activation_has_job(activation.id).await?
        {
            scheduled.push(activation.id);
        }
    }
    let linked = if shows_ids {
        state
            .store
            .linked_contracts(actor.account_id)
            .await?
            .into_iter()
            .map(|l| l.contract.id)
            .collect()
    } else {
        Vec::new()
    };
    let manual = state.settings.activation_mode == crate::config::ActivationMode::Manual;
    let in_progress = benefits.iter().any(|view| {
        view.activation
            .as_ref()
            .is_some_and(|a| a.status == ActivationStatus::Requested)
    });
    // A job finishes in about the activation delay: look again every two seconds; an
    // operator's decision can take longer, so every twenty.
    let refresh = match (in_progress, manual || scheduled.is_empty()) {
        (false, _) => None,
        (true, false) => Some(2),
        (true, true) => Some(20),
    };
    let layout = Layout::new(&context, "benefits-title").refreshing(refresh);
    let requested = query.requested.as_deref().and_then(|code| {
        let view = benefits.iter().find(|view| view.benefit.code == code)?;
        let name = state
            .policy
            .plan_name(code, layout.language == crate::domain::Language::It)
            .unwrap_or(code);
        let key = match view.state {
            BenefitState::Activating if manual => "benefits-requested-manual",
            BenefitState::Activating => "benefits-requested-auto",
            BenefitState::Active => "benefits-requested-ready",
            _ => return None,
        };
        Some(layout.t1(key, "benefit", name))
    });
    let page = ListPage {
        layout,
        organization,
        benefits,
        shows_ids,
        may_activate,
        requested,
        policy: state.policy.clone(),
        competencies: state.store.competencies().await?,
        activation_delay: humantime::format_duration(state.settings.activation_delay).to_string(),
        manual,
        scheduled,
        linked,
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct ActivateForm {}

/// `POST /benefits/{benefit_code}/activate`
pub async fn activate(
    State(state): State<AppState>,
    context: RequestContext,
    Path(benefit_code): Path<String>,
    WebForm(_): WebForm<ActivateForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    let organization = actor.organization_id.ok_or(Error::NotPartnerNetwork)?;
    benefits::activate(
        &state.store,
        &state.policy,
        &state.settings,
        actor,
        organization,
        &benefit_code,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(see_other(&format!(
        "/benefits?requested={}",
        super::encode_component(&benefit_code)
    )))
}
