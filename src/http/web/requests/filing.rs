//! "New support request": choose the product (and version), see the plans that can and
//! cannot be used and why, describe the problem, file it.

use crate::actions::requests::{self as actions, FileInput, PlanQuery};
use crate::actions::{authorize, customers, products};
use crate::domain::policy::{Scope, Severity};
use crate::domain::product::{Product, Version};
use crate::domain::{FieldError, Language, Permission};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::api::requests::{PlansJson, plans_json};
use crate::http::context::RequestContext;
use crate::http::error::problem;
use crate::http::extract::{Query, WebForm};
use crate::http::web::{FormErrors, Layout, encode_component, render, see_other};
use crate::store::customers::Customer;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rand::Rng;
use serde::Deserialize;
use time::OffsetDateTime;

/// What the request is about: from the query string (step 1) or the hidden fields (step 3).
#[derive(Deserialize, Default, Clone)]
pub struct Selection {
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    customer: Option<String>,
    /// The product the version select was shown for: a version chosen for another product
    /// (the product was changed since) is ignored.
    #[serde(default)]
    versions_of: Option<String>,
    /// The Contract ID the account has just linked to itself from this page.
    #[serde(default)]
    linked: Option<String>,
}

/// The filing form's values, kept when it is shown again with errors.
#[derive(Deserialize, Default)]
pub struct FileForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    customer: String,
    #[serde(default)]
    idempotency_key: String,
    /// The product the plans on the page were resolved for (a hidden field).
    #[serde(default)]
    plans_product: Option<String>,
    /// The version the plans on the page were resolved for ("" for none).
    #[serde(default)]
    plans_version: Option<String>,
    /// `plans` when the "Show plans" button sent the form: show the plans, file nothing.
    #[serde(default)]
    intent: String,
}

#[derive(Template)]
#[template(path = "requests/new.html")]
pub struct NewPage {
    layout: Layout,
    /// The products offered in step 1 (cloud products only for a customer).
    products: Vec<Product>,
    /// The chosen product, when it exists.
    product: Option<Product>,
    /// The chosen version's name ("" when none).
    version: String,
    customer: Option<Customer>,
    /// Problems with the product or version (step 1).
    choice_errors: FormErrors,
    /// The plans, once product and version are valid (step 2).
    plans: Option<PlansJson>,
    form: FileForm,
    /// Problems with the filing form's fields (step 3).
    errors: FormErrors,
    /// Title and detail of a refusal that is not about one field.
    refusal: Option<(String, String)>,
    /// Title and detail when the product or version sent differ from those the plans were
    /// shown for: nothing was filed, the plans are shown again for what was sent.
    changed: Option<(String, String)>,
    severities: Vec<Severity>,
    /// A fresh key per rendering, so a double submit files once.
    idempotency_key: String,
    /// The contract the account has just linked from this page, when it is among the
    /// eligible plans (a Contract ID in the address that is not one of them says nothing).
    linked: Option<String>,
}

impl NewPage {
    fn italian(&self) -> bool {
        self.layout.language == Language::It
    }

    fn severity_name(&self, severity: &Severity) -> String {
        severity.name(self.italian()).to_owned()
    }

    /// Whether the plans shown can be filed under: then the product and version selects
    /// belong to the filing form, so what they show is what is sent (and compared with the
    /// product and version the plans were resolved for).
    fn files_here(&self) -> bool {
        self.plans.as_ref().is_some_and(|p| !p.eligible.is_empty())
    }

    /// "SQL Server 2022": a product's name (or the code sent) and version.
    fn describe(&self, product: &str, version: &str) -> String {
        let name = self
            .products
            .iter()
            .find(|p| p.code == product)
            .map_or(product, |p| p.name.as_str());
        format!("{name} {version}").trim().to_owned()
    }

    /// The code of the product the plans were resolved for.
    fn plans_product(&self) -> &str {
        self.product.as_ref().map_or("", |p| p.code.as_str())
    }

    /// This page for the same product and another version.
    fn version_href(&self, version: &str) -> String {
        let product = super::super::encode_component(self.plans_product());
        let mut href = format!(
            "/support/new?product={product}&versions_of={product}&version={}",
            super::super::encode_component(version)
        );
        if let Some(customer) = &self.customer {
            href.push_str(&format!("&customer={}", customer.id));
        }
        href.push_str("#step-plan");
        href
    }

    fn is_on_premises(&self, product: &Product) -> bool {
        product.scope == Scope::OnPremises
    }

    fn scope_text(&self, product: &Product) -> String {
        self.layout
            .t(&format!("product-scope-{}", product.scope.as_str()))
    }

    /// The plan radio to check: the one sent, else the best eligible plan.
    fn plan_checked(&self, value: &str) -> bool {
        if self.form.plan.is_empty() {
            self.plans
                .as_ref()
                .and_then(|p| p.eligible.first())
                .is_some_and(|first| first.plan == value)
        } else {
            self.form.plan == value
        }
    }

    /// A field's message; a few say what to do in words that fit this form.
    fn error(&self, field: &str) -> Option<String> {
        let error = self.errors.0.iter().find(|e| e.field == field)?;
        Some(match (field, error.code) {
            ("plan", "unknown_plan") => self.layout.t("request-plan-required"),
            ("severity", "unknown_severity") => self.layout.t("request-severity-required"),
            _ => crate::http::error::field_message(self.layout.language, error.code),
        })
    }

    /// The summary above the form: each refused field's label with its message.
    fn summary(&self) -> Vec<(&'static str, String)> {
        self.errors
            .0
            .iter()
            .map(|e| {
                let label = match e.field {
                    "title" => self.layout.t("request-field-title"),
                    "description" => self.layout.t("request-field-description"),
                    "severity" => self.layout.t("request-field-severity"),
                    "contact" => self.layout.t("request-field-contact"),
                    "plan" => self.layout.t("request-plan"),
                    _ => self.layout.t("request-product"),
                };
                // The message itself is said once, beside the field.
                (e.field, label)
            })
            .collect()
    }

    fn choice_error(&self, field: &str) -> Option<String> {
        self.choice_errors.get(&self.layout.language, field)
    }

    fn is_chosen(&self, product: &Product) -> bool {
        self.product
            .as_ref()
            .is_some_and(|p| p.code == product.code)
    }

    fn version_label(&self, version: &Version) -> String {
        crate::i18n::t_args(
            self.layout.language,
            "request-version-option",
            &[
                ("version", version.name.clone()),
                ("mainstream_end", version.mainstream_end.to_string()),
            ],
        )
    }

    fn severity_hint(&self, severity: &Severity) -> String {
        self.layout.t1(
            "request-severity-hours",
            "hours",
            severity.first_response_hours,
        )
    }

    fn contact_hint(&self) -> String {
        let email = self
            .layout
            .actor
            .as_ref()
            .map(|a| a.email.clone())
            .unwrap_or_default();
        self.layout.t1("request-contact-hint", "email", email)
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn fresh_key() -> String {
    format!("web-{:032x}", rand::rng().random::<u128>())
}

/// Builds the page for `selection`, resolving the plans when product and version are valid.
async fn new_page(
    state: &AppState,
    context: &RequestContext,
    selection: &Selection,
    form: FileForm,
    errors: FormErrors,
    refusal: Option<(String, String)>,
) -> Result<NewPage> {
    let actor = context.actor()?;
    let customer = match non_empty(selection.customer.as_deref()) {
        Some(raw) => {
            let id = raw
                .parse::<i64>()
                .map_err(|_| Error::field("customer_id", "unknown_customer"))?;
            let customer = customers::get(&state.store, actor, id).await?;
            authorize(
                actor,
                Permission::FileForCustomers,
                Some(customer.organization_id),
            )?;
            Some(customer)
        }
        None => None,
    };
    let mut products = products::list(&state.store).await?;
    if customer.is_some() {
        products.retain(|p| p.scope == Scope::Cloud);
    }
    let mut choice_errors = Vec::new();
    let mut product = None;
    let mut version = String::new();
    let mut plans = None;
    if let Some(code) = non_empty(selection.product.as_deref()) {
        match products.iter().find(|p| p.code == code) {
            None => choice_errors.push(FieldError::new("product", "unknown_product")),
            Some(found) => {
                product = Some(found.clone());
                // A version left over from another product is dropped for cloud products, and
                // reported for on-premises ones; none yet just asks for it.
                let changed = selection
                    .versions_of
                    .as_deref()
                    .is_some_and(|of| of != found.code);
                let wanted = non_empty(selection.version.as_deref()).filter(|_| !changed);
                let ready = match (found.scope, wanted) {
                    (Scope::Cloud, _) => true,
                    (Scope::OnPremises, None) => {
                        if selection.version.is_some() && !changed {
                            choice_errors.push(FieldError::new("version", "version_required"));
                        }
                        false
                    }
                    (Scope::OnPremises, Some(name)) => match found.version(name) {
                        Some(v) => {
                            version = v.name.clone();
                            true
                        }
                        None => {
                            choice_errors.push(FieldError::new("version", "unknown_version"));
                            false
                        }
                    },
                };
                if ready {
                    let query = PlanQuery {
                        product: &found.code,
                        version: Some(version.as_str()).filter(|v| !v.is_empty()),
                        customer_id: customer.as_ref().map(|c| c.id),
                        as_of: OffsetDateTime::now_utc().date(),
                    };
                    match actions::plans(&state.store, &state.policy, actor, &query).await {
                        Ok(resolved) => {
                            plans = Some(plans_json(state, &resolved, context.language));
                        }
                        Err(Error::InvalidInput(fields)) => choice_errors.extend(fields),
                        Err(error) => return Err(error),
                    }
                }
            }
        }
    }
    let linked = non_empty(selection.linked.as_deref())
        .filter(|id| {
            plans.as_ref().is_some_and(|p| {
                p.eligible
                    .iter()
                    .any(|e| e.contract_id.as_deref() == Some(*id))
            })
        })
        .map(str::to_owned);
    let mut layout = Layout::new(context, "request-new-title");
    if customer.is_some() {
        layout = layout.in_section("/customers");
    }
    Ok(NewPage {
        layout,
        products,
        product,
        version,
        customer,
        choice_errors: FormErrors(choice_errors),
        plans,
        form,
        errors,
        refusal,
        changed: None,
        severities: state.policy.severities.clone(),
        idempotency_key: fresh_key(),
        linked,
    })
}

/// `GET /support/new?product=&version=&customer=`
pub async fn compose(
    State(state): State<AppState>,
    context: RequestContext,
    Query(selection): Query<Selection>,
) -> Result<Response> {
    let page = new_page(
        &state,
        &context,
        &selection,
        FileForm::default(),
        FormErrors::default(),
        None,
    )
    .await?;
    render(StatusCode::OK, &page)
}

/// The form again for the product and version sent, with nothing filed: after "Show plans",
/// or when they are not those the plans on the page were resolved for (the selects were changed
/// after the plans were shown), which the page then says.
async fn show_again(
    state: &AppState,
    context: &RequestContext,
    form: FileForm,
) -> Result<Response> {
    let shown = form.plans_product.clone().map(|product| {
        let version = form.plans_version.clone().unwrap_or_default();
        (product, version)
    });
    let asked = form.intent == "plans";
    let selection = Selection {
        product: Some(form.product.clone()),
        version: Some(form.version.clone()),
        customer: Some(form.customer.clone()),
        // The version select was shown for the product the plans are for.
        versions_of: shown.as_ref().map(|(product, _)| product.clone()),
        linked: None,
    };
    let mut page = new_page(
        state,
        context,
        &selection,
        form,
        FormErrors::default(),
        None,
    )
    .await?;
    if asked {
        return render(StatusCode::OK, &page);
    }
    let chosen = match &page.product {
        Some(product) => page.describe(&product.code, &page.version),
        None => page.describe(&page.form.product, ""),
    };
    let language = context.language;
    let detail = match shown {
        Some((product, version)) => crate::i18n::t_args(
            language,
            "request-changed-detail",
            &[
                ("shown", page.describe(&product, &version)),
                ("chosen", chosen),
            ],
        ),
        None => crate::i18n::t_args(language, "request-changed-unknown", &[("chosen", chosen)]),
    };
    page.changed = Some((crate::i18n::t(language, "request-changed-title"), detail));
    render(StatusCode::CONFLICT, &page)
}

/// `POST /support/requests`: files the request, or shows the form again with what to fix.
/// What is filed is what the page showed: the product and version sent must be those the plans
/// on the page were resolved for, else nothing is filed and the plans are shown again.
pub async fn file(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(form): WebForm<FileForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    let sent = (form.product.trim(), form.version.trim());
    let shown = form.plans_product.as_deref().map(|product| {
        (
            product.trim(),
            form.plans_version.as_deref().unwrap_or_default().trim(),
        )
    });
    if form.intent == "plans" || shown != Some(sent) {
        return show_again(&state, &context, form).await;
    }
    let customer_id = match non_empty(Some(&form.customer)) {
        Some(raw) => Some(
            raw.parse::<i64>()
                .map_err(|_| Error::field("customer_id", "unknown_customer"))?,
        ),
        None => None,
    };
    let input = FileInput {
        title: form.title.clone(),
        description: form.description.clone(),
        product: form.product.clone(),
        version: non_empty(Some(&form.version)).map(str::to_owned),
        severity: form.severity.clone(),
        plan: form.plan.clone(),
        customer_id,
        contact: non_empty(Some(&form.contact)).map(str::to_owned),
    };
    let key = non_empty(Some(&form.idempotency_key)).map(str::to_owned);
    let outcome = actions::file(
        &state.store,
        &state.policy,
        actor,
        &input,
        key.as_deref(),
        OffsetDateTime::now_utc(),
    )
    .await;
    let error = match outcome {
        Ok((request, _)) => {
            return Ok(see_other(&format!(
                "/support/requests/{}?filed=1",
                encode_component(&request.number)
            )));
        }
        Err(error) => error,
    };
    let (errors, refusal) = match &error {
        Error::InvalidInput(fields) => (FormErrors(fields.clone()), None),
        Error::PlanNotEligible { .. } | Error::ContractExhausted { .. } => {
            let problem = problem(context.language, &error);
            (FormErrors::default(), Some((problem.title, problem.detail)))
        }
        Error::IdempotencyKeyReused => (
            FormErrors::default(),
            Some((
                crate::i18n::t(context.language, "request-resent-title"),
                crate::i18n::t(context.language, "request-resent-detail"),
            )),
        ),
        _ => return Err(error),
    };
    let selection = Selection {
        product: Some(form.product.clone()),
        version: Some(form.version.clone()),
        customer: Some(form.customer.clone()),
        versions_of: None,
        linked: None,
    };
    let page = new_page(&state, &context, &selection, form, errors, refusal).await?;
    render(error.status(), &page)
}
