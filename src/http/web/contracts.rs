//! "My support plans" (linking and balances) and the contract page (ledger, chart, links).

use super::{Layout, render, see_other};
use crate::actions::contracts::{self, ContractDetail};
use crate::domain::contract::{Contract, ContractStatus, LedgerKind};
use crate::domain::policy::Policy;
use crate::domain::{AccountId, Language};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::problem;
use crate::http::extract::{Path, Query, WebForm};
use crate::store::links::LinkedContract;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use std::sync::Arc;
use time::OffsetDateTime;

/// Shared wording for contracts in both pages.
pub struct ContractText {
    policy: Arc<Policy>,
    language: Language,
}

impl ContractText {
    pub fn plan(&self, contract: &Contract) -> String {
        self.policy
            .plan_name(&contract.plan_code, self.language == Language::It)
            .unwrap_or(&contract.plan_code)
            .to_owned()
    }

    pub fn status(&self, contract: &Contract) -> ContractStatus {
        contract.status(OffsetDateTime::now_utc().date())
    }

    pub fn badge(&self, contract: &Contract) -> &'static str {
        match self.status(contract) {
            ContractStatus::Active => "badge-ok",
            ContractStatus::NotStarted => "badge-info",
            ContractStatus::Expired | ContractStatus::Exhausted => "badge-muted",
        }
    }

    pub fn status_text(&self, contract: &Contract) -> String {
        crate::i18n::t(
            self.language,
            &format!("contract-status-{}", self.status(contract).as_str()),
        )
    }

    pub fn scopes(&self, contract: &Contract) -> String {
        contract
            .scopes
            .iter()
            .map(|s| crate::i18n::t(self.language, &format!("scope-{}", s.as_str())))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

#[derive(Template)]
#[template(path = "contracts/list.html")]
pub struct ListPage {
    layout: Layout,
    text: ContractText,
    linked: Vec<LinkedContract>,
    notice: Option<String>,
    /// Title and detail of a refused link.
    error: Option<(String, String)>,
    error_field: Option<String>,
    contract_id: String,
    access_id: String,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    linked: Option<String>,
    already: Option<String>,
    unlinked: Option<String>,
}

async fn list_page(
    state: &AppState,
    context: &RequestContext,
    notice: Option<String>,
) -> Result<ListPage> {
    let actor = context.actor()?;
    Ok(ListPage {
        layout: Layout::new(context, "support-title"),
        text: ContractText {
            policy: state.policy.clone(),
            language: context.language,
        },
        linked: contracts::linked(&state.store, actor).await?,
        notice,
        error: None,
        error_field: None,
        contract_id: String::new(),
        access_id: String::new(),
    })
}

/// `GET /support`
pub async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let language = context.language;
    let notice = if let Some(code) = query.linked {
        Some(crate::i18n::t_args(
            language,
            "support-linked",
            &[("contract_id", code)],
        ))
    } else if let Some(code) = query.already {
        Some(crate::i18n::t_args(
            language,
            "support-already",
            &[("contract_id", code)],
        ))
    } else {
        query
            .unlinked
            .map(|code| crate::i18n::t_args(language, "support-unlinked", &[("contract_id", code)]))
    };
    render(StatusCode::OK, &list_page(&state, &context, notice).await?)
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    contract_id: String,
    #[serde(default)]
    access_id: String,
}

/// `POST /support/link`: every outcome says what is true and what to do.
pub async fn link(
    State(state): State<AppState>,
    context: RequestContext,
    WebForm(form): WebForm<LinkForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    let outcome = contracts::link(
        &state.store,
        &state.policy,
        &state.settings,
        actor,
        contracts::LinkAttempt {
            contract_id: &form.contract_id,
            access_id: &form.access_id,
            client_address: &context.client_address,
        },
        OffsetDateTime::now_utc(),
    )
    .await;
    match outcome {
        Ok((contract, true)) => Ok(see_other(&format!(
            "/support?linked={}",
            contract.contract_id
        ))),
        Ok((contract, false)) => Ok(see_other(&format!(
            "/support?already={}",
            contract.contract_id
        ))),
        Err(
            error @ (Error::MalformedId { .. }
            | Error::ContractNotFound
            | Error::ContractExpired { .. }
            | Error::ContractExhausted { .. }
            | Error::LinkLimitReached { .. }
            | Error::TooManyAttempts { .. }),
        ) => {
            let mut page = list_page(&state, &context, None).await?;
            let problem = problem(context.language, &error);
            page.error = Some((problem.title, problem.detail));
            page.error_field = match &error {
                Error::MalformedId { field, .. } => Some((*field).to_owned()),
                _ => None,
            };
            // Both values come back as typed, to the one who typed them, so a mistyped
            // character is corrected rather than the whole ID typed again (the page is
            // `no-store`, like every signed-in page).
            page.contract_id = form.contract_id;
            page.access_id = form.access_id;
            let mut response = render(error.status(), &page)?;
            if let Error::TooManyAttempts { retry_after_secs } = error
                && let Ok(value) = axum::http::HeaderValue::from_str(&retry_after_secs.to_string())
            {
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, value);
            }
            Ok(response)
        }
        Err(error) => Err(error),
    }
}

#[derive(Template)]
#[template(path = "contracts/show.html")]
pub struct ShowPage {
    layout: Layout,
    text: ContractText,
    detail: ContractDetail,
    chart: String,
    /// The forecast in one sentence (counted contracts).
    outlook: Option<String>,
    /// The ledger shown is an older page, not the latest entries.
    older_page: bool,
    /// The viewer has just linked it with "Use this contract myself".
    linked_myself: bool,
}

impl ShowPage {
    /// "Use this contract myself": for the organization's admins who have not linked it, while
    /// it can be used.
    fn offers_use(&self) -> bool {
        self.detail.administered
            && self.detail.linked_at.is_none()
            && contracts::usable(&self.detail.contract, OffsetDateTime::now_utc().date()).is_ok()
    }

    fn kind_text(&self, kind: &LedgerKind) -> String {
        self.layout.t(&format!("ledger-{}", kind.as_str()))
    }

    /// Refund reasons are codes with names; adjustment reasons are an operator's words.
    fn reason_text(&self, reason: &str) -> String {
        let key = format!("refund-reason-{reason}");
        if crate::i18n::has_message(self.layout.language, &key) {
            self.layout.t(&key)
        } else {
            reason.to_owned()
        }
    }

    fn amount_text(&self, kind: &LedgerKind, amount: &Option<i64>) -> String {
        match (kind, amount) {
            (LedgerKind::Grant, None) => self.layout.t("benefits-unlimited"),
            (LedgerKind::Consume, Some(n)) => format!("−{n}"),
            (_, Some(n)) if *n >= 0 => format!("+{n}"),
            (_, Some(n)) => format!("−{}", n.abs()),
            (_, None) => String::new(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    linked_myself: Option<String>,
    /// A page of older ledger entries: those before this entry.
    before: Option<String>,
}

/// `GET /contracts/{contract_id}`
pub async fn show(
    State(state): State<AppState>,
    context: RequestContext,
    Path(contract_id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Result<Response> {
    let actor = context.actor()?;
    let mut detail = contracts::show(
        &state.store,
        actor,
        &contract_id,
        OffsetDateTime::now_utc().date(),
    )
    .await?;
    // An older page of the ledger; a cursor that is not a number shows the latest.
    let before = query
        .before
        .as_deref()
        .and_then(|b| b.trim().parse::<i64>().ok());
    if let Some(before) = before {
        detail.ledger = contracts::ledger(
            &state.store,
            actor,
            &contract_id,
            Some(before),
            crate::store::contracts::LEDGER_PAGE,
        )
        .await?
        .1;
    }
    let text = ContractText {
        policy: state.policy.clone(),
        language: context.language,
    };
    let mut layout = Layout::new(&context, "contract-title");
    layout.title = text.plan(&detail.contract);
    let today = OffsetDateTime::now_utc().date();
    let summary = crate::i18n::t_args(
        context.language,
        "contract-chart-desc",
        &[
            ("used", detail.contract.used.to_string()),
            ("start", detail.contract.start.to_string()),
        ],
    );
    let outlook = detail
        .forecast
        .as_ref()
        .map(|forecast| crate::actions::contracts::forecast_sentence(forecast, context.language));
    let described = match &outlook {
        Some(sentence) => format!("{summary} {sentence}"),
        None => summary,
    };
    let chart = super::chart::usage_svg(
        &detail.contract,
        &detail.usage_by_day,
        today,
        detail.forecast.as_ref(),
        &super::chart::ChartText {
            title: &layout.t("contract-chart-title"),
            description: &described,
            today: &layout.t("contract-chart-today"),
        },
    );
    render(
        StatusCode::OK,
        &ShowPage {
            layout,
            text,
            detail,
            chart,
            outlook,
            older_page: before.is_some(),
            linked_myself: query.linked_myself.is_some(),
        },
    )
}

#[derive(Deserialize)]
pub struct EmptyForm {}

/// Where "Use this contract myself" was pressed from: the new request page sends the product
/// and version it was showing, to come back to them.
#[derive(Deserialize, Default)]
pub struct UseForm {
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

/// `POST /contracts/{contract_id}/use`: an admin of the organization links its contract to
/// their own account, then returns to the request they were filing, or to the contract.
pub async fn use_myself(
    State(state): State<AppState>,
    context: RequestContext,
    Path(contract_id): Path<String>,
    WebForm(form): WebForm<UseForm>,
) -> Result<Response> {
    let (contract, _) = contracts::link_myself(
        &state.store,
        &state.policy,
        context.actor()?,
        &contract_id,
        OffsetDateTime::now_utc(),
    )
    .await?;
    let back = match form.product.as_deref().map(str::trim) {
        Some(product) if !product.is_empty() => {
            let mut to = format!("/support/new?product={}", super::encode_component(product));
            if let Some(version) = form
                .version
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
            {
                to.push_str(&format!(
                    "&versions_of={}&version={}",
                    super::encode_component(product),
                    super::encode_component(version)
                ));
            }
            to.push_str(&format!("&linked={}#step-plan", contract.contract_id));
            to
        }
        _ => format!("/contracts/{}?linked_myself=1", contract.contract_id),
    };
    Ok(see_other(&back))
}

/// `POST /contracts/{contract_id}/unlink`
pub async fn unlink(
    State(state): State<AppState>,
    context: RequestContext,
    Path(contract_id): Path<String>,
    WebForm(_): WebForm<EmptyForm>,
) -> Result<Response> {
    contracts::unlink(
        &state.store,
        context.actor()?,
        &contract_id,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(see_other(&format!(
        "/support?unlinked={}",
        super::encode_component(&contract_id)
    )))
}

/// The contract as its administrator sees it, for a confirmation page; others are refused as
/// the action itself would refuse them.
async fn administered(
    state: &AppState,
    context: &RequestContext,
    contract_id: &str,
) -> Result<ContractDetail> {
    contracts::administered(&state.store, context.actor()?, contract_id).await
}

fn holder_line(holder: &crate::store::links::LinkHolder) -> String {
    if holder.display_name.trim().is_empty() {
        holder.email.clone()
    } else {
        format!("{} ({})", holder.display_name, holder.email)
    }
}

/// `GET /contracts/{contract_id}/links/{account_id}/revoke`: what revoking will do.
pub async fn confirm_revoke(
    State(state): State<AppState>,
    context: RequestContext,
    Path((contract_id, account_id)): Path<(String, i64)>,
) -> Result<Response> {
    let detail = administered(&state, &context, &contract_id).await?;
    let holder = detail
        .holders
        .iter()
        .find(|holder| holder.account_id.0 == account_id)
        .ok_or(Error::NotFound)?;
    let code = detail.contract.contract_id.as_str();
    let mut layout = Layout::new(&context, "confirm-revoke-title");
    layout.title = layout.t1("confirm-revoke-title", "email", &holder.email);
    let page = super::confirm::ConfirmPage {
        action: format!(
            "/contracts/{}/links/{account_id}/revoke",
            super::encode_component(code)
        ),
        cancel: format!("/contracts/{}#links-heading", super::encode_component(code)),
        back_label: layout.t1("confirm-back-to-contract", "contract_id", code),
        consequences: vec![
            layout.t2(
                "confirm-revoke-what",
                "who",
                holder_line(holder),
                "contract_id",
                code,
            ),
            layout.t("confirm-revoke-after"),
        ],
        affected_title: String::new(),
        affected: Vec::new(),
        confirm_label: layout.t("contract-revoke"),
        fields: Vec::new(),
        layout,
    };
    page.respond()
}

/// `POST /contracts/{contract_id}/links/{account_id}/revoke`
pub async fn revoke(
    State(state): State<AppState>,
    context: RequestContext,
    Path((contract_id, account_id)): Path<(String, i64)>,
    WebForm(_): WebForm<EmptyForm>,
) -> Result<Response> {
    let actor = context.actor()?;
    let email = contracts::show(
        &state.store,
        actor,
        &contract_id,
        OffsetDateTime::now_utc().date(),
    )
    .await
    .ok()
    .and_then(|detail| {
        detail
            .holders
            .into_iter()
            .find(|holder| holder.account_id.0 == account_id)
            .map(|holder| holder.email)
    });
    contracts::revoke(
        &state.store,
        actor,
        &contract_id,
        AccountId(account_id),
        OffsetDateTime::now_utc(),
    )
    .await?;
    let flash = super::flash::Flash::new("flash-link-revoked")
        .arg("email", email.unwrap_or_else(|| format!("#{account_id}")))
        .arg("contract_id", &contract_id);
    Ok(super::flash::see_other_with(
        &format!("/contracts/{}", super::encode_component(&contract_id)),
        &flash,
        state.settings.secure_cookies(),
    ))
}

/// `GET /contracts/{contract_id}/rotate`: what rotating the Access ID will do, and to whom.
pub async fn confirm_rotate(
    State(state): State<AppState>,
    context: RequestContext,
    Path(contract_id): Path<String>,
) -> Result<Response> {
    let detail = administered(&state, &context, &contract_id).await?;
    let code = detail.contract.contract_id.as_str();
    let layout = Layout::new(&context, "confirm-rotate-title");
    let holders = detail.holders.len();
    let page = super::confirm::ConfirmPage {
        action: format!("/contracts/{}/rotate", super::encode_component(code)),
        cancel: format!("/contracts/{}", super::encode_component(code)),
        back_label: layout.t1("confirm-back-to-contract", "contract_id", code),
        consequences: vec![
            layout.t2(
                "confirm-rotate-what",
                "contract_id",
                code,
                "access_id",
                detail.contract.access_id.to_string(),
            ),
            layout.t1("confirm-rotate-holders", "count", holders),
            layout.t("confirm-rotate-after"),
        ],
        affected_title: if holders == 0 {
            String::new()
        } else {
            layout.t("confirm-rotate-affected")
        },
        affected: detail.holders.iter().map(holder_line).collect(),
        confirm_label: layout.t("contract-rotate"),
        fields: Vec::new(),
        layout,
    };
    page.respond()
}

/// `POST /contracts/{contract_id}/rotate`
pub async fn rotate(
    State(state): State<AppState>,
    context: RequestContext,
    Path(contract_id): Path<String>,
    WebForm(_): WebForm<EmptyForm>,
) -> Result<Response> {
    contracts::rotate(&state.store, context.actor()?, &contract_id).await?;
    Ok(super::flash::see_other_with(
        &format!("/contracts/{}", super::encode_component(&contract_id)),
        &super::flash::Flash::new("flash-access-id-rotated").arg("contract_id", &contract_id),
        state.settings.secure_cookies(),
    ))
}
