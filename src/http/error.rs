//! Errors as RFC 9457 problem details (API) or as pages (web), in the caller's language.

use super::context::RequestContext;
use crate::domain::csv_import::rows_with_problems;
use crate::domain::{Language, Role};
use crate::error::Error;
use crate::i18n::{t, t_args};
use axum::http::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// Carries a handler's error from the handler to the rendering middleware.
#[derive(Clone)]
pub struct ErrorSlot(pub Arc<Mutex<Option<Error>>>);

pub fn placeholder(error: Error) -> Response {
    let mut response = error.status().into_response();
    response
        .extensions_mut()
        .insert(ErrorSlot(Arc::new(Mutex::new(Some(error)))));
    response
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URN naming the problem type: `urn:sportello:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short, localized summary of the problem type.
    pub title: String,
    pub status: u16,
    /// A localized sentence saying what is true and what to do.
    pub detail: String,
    /// The stable machine-readable code.
    pub code: String,
    /// For `invalid_input`: each refused field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For `too_many_attempts`: seconds to wait (also in `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// For `import_rejected`: every problem of the file, with its line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ImportProblem>,
    /// For `import_rejected`: how many rows of the file have problems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Int64)]
    pub rows_with_problems: Option<usize>,
    /// For `import_rejected`: how many problems there are (the length of `problems`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Int64)]
    pub problem_count: Option<usize>,
    /// For `plan_not_eligible`: why (`expired`, `exhausted`, `older_version`, `wrong_scope`,
    /// `not_started`, `not_linked`, `not_csp`, `customer_needs_csp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For `forbidden_role`: the roles that may do this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needed_roles: Option<Vec<Role>>,
}

impl Problem {
    /// The detail followed by each field's message, for one-line reports (CLI).
    pub fn detail_with_fields(&self) -> String {
        let mut line = self.detail.clone();
        for field in &self.errors {
            line.push_str(&format!(" {}: {}", field.field, field.message));
        }
        line
    }
}

/// One problem of an `import_rejected` problem document (a row can have several).
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ImportProblem {
    /// 1-based line of the file (the header is line 1).
    #[schema(format = Int64)]
    pub line: usize,
    pub column: String,
    pub code: String,
    pub message: String,
}

/// One refused field of an `invalid_input` problem.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// A localized role name.
pub fn role_name(language: Language, role: Role) -> String {
    t(language, &format!("role-{}", role.as_str()))
}

/// The localized message for a field error code.
pub fn field_message(language: Language, code: &str) -> String {
    t(language, &format!("field-{code}"))
}

/// Builds the problem document for `error`.
pub fn problem(language: Language, error: &Error) -> Problem {
    let code = error.code();
    let args: Vec<(&str, String)> = match error {
        Error::ForbiddenRole { needed } => vec![(
            "roles",
            needed
                .iter()
                .map(|role| role_name(language, *role))
                .collect::<Vec<_>>()
                .join(", "),
        )],
        Error::TooManyAttempts { retry_after_secs } => {
            vec![("minutes", retry_after_secs.div_ceil(60).to_string())]
        }
        Error::MalformedBody(reason) | Error::MalformedQuery(reason) => {
            vec![("reason", reason.clone())]
        }
        Error::UnsupportedMediaType { expected } => vec![("expected", (*expected).to_owned())],
        Error::BodyTooLarge => vec![(
            "limit",
            format!("{} MiB", super::MAX_BODY_BYTES / (1024 * 1024)),
        )],
        Error::InvalidInput(fields) => vec![("count", fields.len().to_string())],
        Error::ImportRejected(problems) => vec![
            ("rows", rows_with_problems(problems).to_string()),
            ("problems", problems.len().to_string()),
        ],
        Error::MalformedId { field, reason } => vec![
            ("field", t(language, &format!("id-field-{field}"))),
            ("reason", t(language, &format!("id-reason-{reason}"))),
        ],
        Error::ContractExpired { end } => vec![("end", end.to_string())],
        Error::PlanNotEligible { reason } => {
            vec![("reason", t(language, &format!("plan-reason-{reason}")))]
        }
        Error::TransitionNotAllowed { from, to } => vec![
            ("from", t(language, &format!("request-status-{from}"))),
            ("to", t(language, &format!("request-status-{to}"))),
        ],
        Error::ContractExhausted { used, allotted } => {
            vec![
                ("used", used.to_string()),
                ("allotted", allotted.to_string()),
            ]
        }
        Error::LinkLimitReached {
            limit,
            organization,
        } => {
            vec![
                ("limit", limit.to_string()),
                ("organization", organization.clone()),
            ]
        }
        _ => vec![],
    };
    Problem {
        problem_type: format!("urn:sportello:problem:{code}"),
        title: t(language, &format!("error-{code}")),
        status: error.status().as_u16(),
        detail: t_args(language, &format!("error-{code}-detail"), &args),
        code: code.to_owned(),
        errors: match error {
            Error::MalformedId { field, reason } => vec![ProblemField {
                field: (*field).to_owned(),
                code: (*reason).to_owned(),
                message: t(language, &format!("id-reason-{reason}")),
            }],
            Error::InvalidInput(fields) => fields
                .iter()
                .map(|field| ProblemField {
                    field: field.field.to_owned(),
                    code: field.code.to_owned(),
                    message: field_message(language, field.code),
                })
                .collect(),
            _ => vec![],
        },
        problems: match error {
            Error::ImportRejected(problems) => problems
                .iter()
                .map(|problem| ImportProblem {
                    line: problem.line,
                    column: problem.column.clone(),
                    code: problem.code.to_owned(),
                    message: field_message(language, problem.code),
                })
                .collect(),
            _ => vec![],
        },
        rows_with_problems: match error {
            Error::ImportRejected(problems) => Some(rows_with_problems(problems)),
            _ => None,
        },
        problem_count: match error {
            Error::ImportRejected(problems) => Some(problems.len()),
            _ => None,
        },
        retry_after: error.retry_after_secs(),
        reason: match error {
            Error::PlanNotEligible { reason } => Some((*reason).to_owned()),
            _ => None,
        },
        needed_roles: match error {
            Error::ForbiddenRole { needed } => Some(needed.clone()),
            _ => None,
        },
    }
}

/// Renders an error for the route it happened on: problem+json under `/api/`, else a page.
pub fn render_error(context: &RequestContext, error: Error) -> Response {
    if error.status().is_server_error() {
        tracing::error!(error = format!("{error:#}"), path = %context.path, "request failed");
    }
    let status = error.status();
    let mut response = if context.is_api() {
        let body = serde_json::to_vec(&problem(context.language, &error)).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if matches!(error, Error::Unauthenticated) {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer, Cookie"));
        }
        response
    } else if matches!(error, Error::Unauthenticated) {
        let target = format!(
            "/sign-in?next={}",
            super::web::encode_component(&context.path)
        );
        let mut response = StatusCode::SEE_OTHER.into_response();
        if let Ok(location) = HeaderValue::from_str(&target) {
            response.headers_mut().insert(LOCATION, location);
        }
        return response;
    } else {
        super::web::error_page(context, &error)
    };
    if let Some(retry_after_secs) = error.retry_after_secs()
        && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}
