//! One support request: its facts, first-response target, history, comments, the status
//! changes the viewer may make and, for operators, giving the incident back.

use super::RequestText;
use crate::actions::requests as actions;
use crate::domain::request::{RefundReason, RequestStatus, can_transition};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::problem;
use crate::http::extract::{Path, Query, WebForm};
use crate::http::web::flash::{Flash, see_other_with};
use crate::http::web::{Layout, encode_component, render};
use crate::store::requests::{RequestEvent, SupportRequest};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

#[derive(Template)]
#[template(path = "requests/show.html")]
pub struct ShowPage {
    layout: Layout,
    text: RequestText,
    request: SupportRequest,
    events: Vec<RequestEvent>,
    is_operator: bool,
    /// The statuses the viewer may move the request to.
    transitions: Vec<RequestStatus>,
    refund_reasons: [RefundReason; 4],
    notice: Option<String>,
    /// Title and detail of a refused change.
    refusal: Option<(String, String)>,
    /// The comment being written, kept when it was refused.
    comment: String,
    comment_error: Option<String>,
}

impl ShowPage {
    fn event_text(&self, event: &RequestEvent) -> String {
        let who = event.actor_email.clone().unwrap_or_default();
        let status = |s: &Option<String>| {
            s.as_deref()
                .map(|s| self.text.status_text(s))
                .unwrap_or_default()
        };
        match event.kind.as_str() {
            "created" => self.layout.t1("request-event-created", "email", who),
            "status" => crate::i18n::t_args(
                self.layout.language,
                "request-event-status",
                &[
                    ("email", who),
                    ("from", status(&event.from_status)),
                    ("to", status(&event.to_status)),
                ],
            ),
            "comment" => self.layout.t1("request-event-comment", "email", who),
            "refund" => self.layout.t1("request-event-refund", "email", who),
            _ => event.kind.clone(),
        }
    }

    /// The text under an event: a comment's lines, or a refund's reason.
    fn event_lines(&self, event: &RequestEvent) -> Vec<String> {
        match (event.kind.as_str(), &event.body) {
            ("refund", Some(reason)) => vec![self.reason_text(reason)],
            (_, Some(body)) => body.lines().map(str::to_owned).collect(),
            _ => Vec::new(),
        }
    }

    /// What precedes an event's text: a status change's comment, a refund's reason.
    fn event_label(&self, event: &RequestEvent) -> Option<String> {
        match event.kind.as_str() {
            "status" => Some(self.layout.t("request-event-note")),
            "refund" => Some(self.layout.t("request-event-reason")),
            _ => None,
        }
    }

    fn reason_text(&self, reason: &str) -> String {
        self.layout.t(&format!("refund-reason-{reason}"))
    }

    fn reason_name(&self, reason: &RefundReason) -> String {
        self.reason_text(reason.as_str())
    }

    fn description_lines(&self) -> Vec<&str> {
        self.request.description.lines().collect()
    }

    fn status_name(&self, status: &RequestStatus) -> String {
        self.text.status_text(status.as_str())
    }

    /// What the customer side's button for moving to `to` says.
    fn action_text(&self, to: &RequestStatus) -> String {
        match (to, self.request.status.as_str()) {
            (RequestStatus::Closed, _) => self.layout.t("request-action-close"),
            (RequestStatus::InProgress, "resolved") => self.layout.t("request-action-reopen"),
            (RequestStatus::InProgress, _) => self.layout.t("request-action-answered"),
            (other, _) => self.status_name(other),
        }
    }

    /// The customer side's main button: closing, or the only choice there is.
    /// (While the request waits on the customer, sending the answer is the main action.)
    fn is_main_action(&self, to: &RequestStatus) -> bool {
        if self.request.status == RequestStatus::WaitingOnCustomer.as_str() {
            return false;
        }
        self.transitions.len() == 1 || *to == RequestStatus::Closed
    }

    fn is_closed(&self) -> bool {
        self.request.status == RequestStatus::Closed.as_str()
    }

    fn can_refund(&self) -> bool {
        self.is_operator && self.request.charged && !self.request.refunded
    }

    fn path(&self) -> String {
        format!(
            "/support/requests/{}",
            encode_component(&self.request.number)
        )
    }

    fn contract_path(&self) -> Option<String> {
        (self.request.plan != "csp").then(|| format!("/contracts/{}", self.request.plan))
    }
}

/// What happened to the page just before it is shown.
#[derive(Default)]
struct Feedback {
    notice: Option<String>,
    refusal: Option<(String, String)>,
    comment: String,
    comment_error: Option<String>,
}

async fn show_page(
    state: &AppState,
    context: &RequestContext,
    number: &str,
    feedback: Feedback,
    status: StatusCode,
) -> Result<Response> {
    let actor = context.actor()?;
    let request = actions::get(&state.store, actor, number).await?;
    let events = actions::events(&state.store, &request).await?;
    let text = RequestText::load(state, context.language, &[&request]).await?;
    let from = RequestStatus::parse(&request.status);
    let is_operator = actor.is_operator();
    let mut transitions: Vec<RequestStatus> = RequestStatus::ALL
        .into_iter()
        .filter(|to| from.is_some_and(|from| can_transition(from, *to, is_operator)))
        .collect();
    if !is_operator {
        // The customer side's main choice, closing, comes first.
        transitions.sort_by_key(|to| *to != RequestStatus::Closed);
    }
    // An open request changes by others' hands (an answer, a status): its status, facts and
    // history stay current on the page.
    let closed = request.status == RequestStatus::Closed.as_str();
    let mut layout = Layout::new(context, "request-title").refreshing((!closed).then_some(15));
    layout.title = format!("{} · {}", request.number, request.title);
    let page = ShowPage {
        layout,
        text,
        request,
        events,
        is_operator,
        transitions,
        refund_reasons: RefundReason::ALL,
        notice: feedback.notice,
        refusal: feedback.refusal,
        comment: feedback.comment,
        comment_error: feedback.comment_error,
    };
    render(status, &page)
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    filed: Option<String>,
}

/// `GET /support/requests/{number}`
pub async fn show(
    State(state): State<AppState>,
    context: RequestContext,
    Path(number): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Result<Response> {
    let feedback = Feedback {
        notice: query
            .filed
            .is_some()
            .then(|| crate::i18n::t(context.language, "request-filed")),
        ..Feedback::default()
    };
    show_page(&state, &context, &number, feedback, StatusCode::OK).await
}

/// Shows the page again with a refusal the viewer can act on; anything else is an error page.
/// `comment` is the refused comment's text when the comment form was sent.
async fn refused(
    state: &AppState,
    context: &RequestContext,
    number: &str,
    error: Error,
    comment: Option<String>,
) -> Result<Response> {
    if !matches!(
        error,
        Error::TransitionNotAllowed { .. } | Error::NotRefundable | Error::InvalidInput(_)
    ) {
        return Err(error);
    }
    let language = context.language;
    let problem = problem(language, &error);
    let field_messages = |fields: &[crate::domain::FieldError]| {
        fields
            .iter()
            .map(|field| crate::http::error::field_message(language, field.code))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut feedback = Feedback::default();
    match (&error, comment) {
        (Error::InvalidInput(fields), Some(body)) => {
            feedback.comment = body;
            feedback.comment_error = Some(field_messages(fields));
        }
        (Error::InvalidInput(fields), None) => {
            feedback.refusal = Some((problem.title, field_messages(fields)));
        }
        (_, comment) => {
            feedback.refusal = Some((problem.title, problem.detail));
            feedback.comment = comment.unwrap_or_default();
        }
    }
    show_page(state, context, number, feedback, error.status()).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    comment: String,
}

/// `POST /support/requests/{number}/status`
pub async fn status(
    State(state): State<AppState>,
    context: RequestContext,
    Path(number): Path<String>,
    WebForm(form): WebForm<StatusForm>,
) -> Result<Response> {
    let outcome = actions::change_status(
        &state.store,
        context.actor()?,
        &number,
        &form.status,
        Some(form.comment.as_str()),
        OffsetDateTime::now_utc(),
    )
    .await;
    match outcome {
        Ok(request) => {
            let status = crate::i18n::t(
                context.language,
                &format!("request-status-{}", request.status),
            );
            let flash = Flash::new("flash-request-status")
                .arg("number", &request.number)
                .arg("status", status)
                .arg("email", &request.created_by_email);
            Ok(see_other_with(
                &format!("/support/requests/{}", encode_component(&request.number)),
                &flash,
                state.settings.secure_cookies(),
            ))
        }
        Err(error) => refused(&state, &context, &number, error, None).await,
    }
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
}

/// `POST /support/requests/{number}/comments`
pub async fn comment(
    State(state): State<AppState>,
    context: RequestContext,
    Path(number): Path<String>,
    WebForm(form): WebForm<CommentForm>,
) -> Result<Response> {
    let outcome = actions::comment(
        &state.store,
        context.actor()?,
        &number,
        &form.body,
        OffsetDateTime::now_utc(),
    )
    .await;
    match outcome {
        Ok(request) => Ok(see_other_with(
            &format!(
                "/support/requests/{}#history",
                encode_component(&request.number)
            ),
            &Flash::new("flash-request-commented"),
            state.settings.secure_cookies(),
        )),
        Err(error) => refused(&state, &context, &number, error, Some(form.body)).await,
    }
}

#[derive(Deserialize)]
pub struct RefundForm {
    #[serde(default)]
    reason: String,
}

/// `POST /support/requests/{number}/refund` (operators)
pub async fn refund(
    State(state): State<AppState>,
    context: RequestContext,
    Path(number): Path<String>,
    WebForm(form): WebForm<RefundForm>,
) -> Result<Response> {
    let outcome = actions::refund(
        &state.store,
        context.actor()?,
        &number,
        &form.reason,
        OffsetDateTime::now_utc(),
    )
    .await;
    match outcome {
        Ok(request) => {
            let contract = match request.contract_id {
                Some(id) => state.store.contract(id).await?,
                None => None,
            };
            let flash = match contract {
                Some(contract) => Flash::new("flash-request-refunded")
                    .arg("contract_id", contract.contract_id.to_string())
                    .arg(
                        "remaining",
                        contract
                            .remaining()
                            .map_or_else(|| "∞".to_owned(), |n| n.to_string()),
                    ),
                None => Flash::new("flash-request-refunded-plan").arg("plan", &request.plan),
            };
            Ok(see_other_with(
                &format!("/support/requests/{}", encode_component(&request.number)),
                &flash,
                state.settings.secure_cookies(),
            ))
        }
        Err(error) => refused(&state, &context, &number, error, None).await,
    }
}
