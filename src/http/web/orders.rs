//! Operator console: recording a paid-plan order (Premier, Advanced) for an organization,
//! which issues a contract; its Contract ID and Access ID are shown once, to hand over.

use super::{FormErrors, Layout, render};
use crate::actions::orders::{self, OrderInput};
use crate::actions::{authorize, organizations};
use crate::domain::contract::Contract;
use crate::domain::organization::Organization;
use crate::domain::policy::{Allotment, PaidPlan};
use crate::domain::{FieldError, Language, OrganizationId, Permission};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::extract::WebForm;
use crate::store::Page;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

/// The values of the order form, kept when it is shown again with errors.
#[derive(Default, Deserialize)]
pub struct OrderForm {
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    allotment: String,
    unlimited: Option<String>,
    #[serde(default)]
    start: String,
    #[serde(default)]
    term_days: String,
}

/// A contract just issued, with whom it is for.
pub struct Issued {
    contract: Contract,
    organization: String,
    plan: String,
}

#[derive(Template)]
#[template(path = "orders/new.html")]
pub struct OrderPage {
    layout: Layout,
    organizations: Vec<Organization>,
    plans: Vec<PaidPlan>,
    issued: Option<Issued>,
    form: OrderForm,
    errors: FormErrors,
    default_term: String,
}

impl OrderPage {
    fn plan_name(&self, plan: &PaidPlan) -> String {
        plan.name(self.layout.language == Language::It).to_owned()
    }

    fn scope_text(&self, plan: &PaidPlan) -> String {
        plan.scopes
            .iter()
            .map(|s| self.layout.t(&format!("product-scope-{}", s.as_str())))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    fn plan_checked(&self, plan: &PaidPlan) -> bool {
        if self.form.plan.is_empty() {
            self.plans.first().is_some_and(|p| p.code == plan.code)
        } else {
            self.form.plan == plan.code
        }
    }

    fn organization_selected(&self, organization: &Organization) -> bool {
        self.form.organization_id == organization.id.0.to_string()
    }

    fn error(&self, field: &str) -> Option<String> {
        if field == "organization_id" && self.form.organization_id.trim().is_empty() {
            return self
                .errors
                .0
                .iter()
                .any(|e| e.field == field)
                .then(|| self.layout.t("orders-organization-required"));
        }
        self.errors.get(&self.layout.language, field)
    }

    /// The summary above the form: each refused field with its message.
    fn summary(&self) -> Vec<(&'static str, String)> {
        self.errors
            .0
            .iter()
            .map(|e| {
                (
                    e.field,
                    super::field_label(self.layout.language, e.field, e.code),
                )
            })
            .collect()
    }
}

async fn order_page(
    state: &AppState,
    context: &RequestContext,
    issued: Option<Issued>,
    form: OrderForm,
    errors: FormErrors,
) -> Result<OrderPage> {
    let actor = context.actor()?;
    authorize(actor, Permission::OperateProgram, None)?;
    let organizations = organizations::list(&state.store, actor, Page::first(Page::MAX_LIMIT))
        .await?
        .items;
    let today = OffsetDateTime::now_utc().date();
    Ok(OrderPage {
        layout: Layout::new(context, "orders-title"),
        organizations,
        plans: state.policy.paid_plans.clone(),
        issued,
        form,
        errors,
        default_term: state.policy.contract_end(today).to_string(),
    })
}

/// `GET /operator/orders`
pub async fn form(State(state): State<AppState>, context: RequestContext) -> Result<Response> {
    let page = order_page(
        &state,
        &context,
        None,
        OrderForm::default(),
        FormErrors::default(),
    )
    .await?;
    render(StatusCode::OK, &page)
}

/// Reads what the form's fields mean; every problem is reported at once.
fn read(form: &OrderForm) -> std::result::Result<(OrganizationId, OrderInput), Vec<FieldError>> {
    let mut errors = Vec::new();
    let organization = form.organization_id.trim().parse::<i64>().ok();
    if organization.is_none() {
        errors.push(FieldError::new("organization_id", "unknown_organization"));
    }
    let allotment = if form.unlimited.is_some() {
        Some(Allotment::Unlimited)
    } else {
        let count = form.allotment.trim().parse::<u32>().ok().filter(|n| *n > 0);
        if count.is_none() {
            errors.push(FieldError::new("allotment", "invalid_allotment"));
        }
        count.map(Allotment::Limited)
    };
    let start = match form.start.trim() {
        "" => None,
        raw => {
            let date = crate::domain::membership::parse_date(raw);
            if date.is_none() {
                errors.push(FieldError::new("start", "invalid_date"));
            }
            date
        }
    };
    let term_days = match form.term_days.trim() {
        "" => None,
        raw => {
            let days = raw
                .parse::<u32>()
                .ok()
                .filter(|days| (1..=36_600).contains(days));
            if days.is_none() {
                errors.push(FieldError::new("term_days", "invalid_term"));
            }
            days
        }
    };
    match (organization, allotment) {
        (Some(organization), Some(allotment)) if errors.is_empty() => Ok((
            OrganizationId(organization),
            OrderInput {
                plan: form.plan.clone(),
                allotment,
                start,
                term_days,
            },
        )),
        _ => Err(errors),
    }
}

/// `POST /operator/orders`: on success the page shows the new contract's IDs once.
pub async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(form): WebForm<OrderForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    authorize(actor, Permission::OperateProgram, None)?;
    let (organization, input) = match read(&form) {
        Ok(read) => read,
        Err(mut fields) => {
            if state.policy.paid_plan(form.plan.trim()).is_none() {
                fields.push(FieldError::new("plan", "unknown_paid_plan"));
            }
            let page = order_page(&state, &context, None, form, FormErrors(fields)).await?;
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let outcome = orders::create(
        &state.store,
        &state.policy,
        actor,
        organization,
        &input,
        OffsetDateTime::now_utc(),
    )
    .await;
    match outcome {
        Ok(contract) => {
            let italian = context.language == Language::It;
            let issued = Issued {
                organization: organizations::get(&state.store, actor, organization)
                    .await?
                    .name,
                plan: state
                    .policy
                    .plan_name(&contract.plan_code, italian)
                    .unwrap_or(&contract.plan_code)
                    .to_owned(),
                contract,
            };
            let page = order_page(
                &state,
                &context,
                Some(issued),
                OrderForm::default(),
                FormErrors::default(),
            )
            .await?;
            render(StatusCode::CREATED, &page)
        }
        Err(Error::InvalidInput(fields)) => {
            let page = order_page(&state, &context, None, form, FormErrors(fields)).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(Error::NotFound) => {
            let fields = vec![FieldError::new("organization_id", "unknown_organization")];
            let page = order_page(&state, &context, None, form, FormErrors(fields)).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(error) => Err(error),
    }
}
