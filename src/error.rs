//! The crate-wide error type and its stable codes.

use crate::domain::{FieldError, Role};
use axum::http::StatusCode;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more input fields were refused.
    #[error("invalid input: {0:?}")]
    InvalidInput(Vec<FieldError>),
    /// The request body could not be read as the expected JSON or form.
    #[error("malformed request body: {0}")]
    MalformedBody(String),
    /// A body sent with a media type the endpoint does not take; `expected` names the one it does.
    #[error("unsupported media type, expected {expected}")]
    UnsupportedMediaType { expected: &'static str },
    /// The request body is larger than the server takes (`http::MAX_BODY_BYTES`).
    #[error("request body too large")]
    BodyTooLarge,
    /// The query string could not be read.
    #[error("malformed query string: {0}")]
    MalformedQuery(String),
    /// Another account already uses this email address.
    #[error("email address already in use")]
    EmailTaken,
    /// Another organization already has this partner ID.
    #[error("partner ID already in use")]
    PartnerIdTaken,
    /// Email and password do not match an account.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Too many failed attempts from this account or address; try again later.
    #[error("too many failed attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    /// The request carries no valid session or token.
    #[error("not signed in")]
    Unauthenticated,
    /// A cookie-authenticated write without the session's CSRF token.
    #[error("missing or wrong CSRF token")]
    CsrfFailed,
    /// The actor's roles do not allow this; `needed` lists the roles that would.
    #[error("forbidden: needs one of {needed:?}")]
    ForbiddenRole { needed: Vec<Role> },
    /// The account's organization is not enrolled in the partner network.
    #[error("organization not in the partner network")]
    NotPartnerNetwork,
    /// The policy has no benefit with this code.
    #[error("unknown benefit")]
    UnknownBenefit,
    /// No active membership grants this benefit (any more).
    #[error("benefit not available")]
    BenefitNotAvailable,
    /// The membership is the source of an activation and cannot be removed (end it instead).
    #[error("membership in use")]
    MembershipInUse,
    /// The change would leave an organization that has a Global admin without one.
    #[error("the organization's last global admin")]
    LastGlobalAdmin,
    /// A CSV import was refused; every bad row is listed.
    #[error("import rejected: {0:?}")]
    ImportRejected(Vec<crate::domain::csv_import::CsvProblem>),
    /// The activation was already approved or rejected.
    #[error("activation already processed")]
    ActivationProcessed,
    /// A Contract ID or Access ID that cannot be one (wrong length, character or check character).
    #[error("malformed {field}: {reason}")]
    MalformedId {
        field: &'static str,
        reason: &'static str,
    },
    /// No contract has this Contract ID and Access ID (whichever half is wrong).
    #[error("contract not found")]
    ContractNotFound,
    /// The contract's term is over.
    #[error("contract expired on {end}")]
    ContractExpired { end: time::Date },
    /// The contract has no incidents left.
    #[error("contract exhausted: {used} of {allotted} used")]
    ContractExhausted { used: i64, allotted: i64 },
    /// The plan's limit of linked accounts is reached; `organization` can unlink.
    #[error("link limit of {limit} reached")]
    LinkLimitReached { limit: u32, organization: String },
    /// The organization is not enrolled in the CSP program.
    #[error("organization not in the CSP program")]
    NotCsp,
    /// The chosen plan cannot be used for this request; `reason` says why.
    #[error("plan not eligible: {reason}")]
    PlanNotEligible { reason: &'static str },
    /// The same `Idempotency-Key` was sent with a different request body.
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    /// The lifecycle does not allow this status change.
    #[error("status change not allowed: {from} to {to}")]
    TransitionNotAllowed { from: String, to: String },
    /// The request was not charged, or was already refunded.
    #[error("already refunded or not charged")]
    NotRefundable,
    /// Nothing by that name is visible to this actor.
    #[error("not found")]
    NotFound,
    /// The database failed. When it is unreachable or out of resources (see
    /// [`database_unavailable`]) the answer is 503 `database_unavailable`, else 500.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The database could not take the write now (its batch was not committed: the
    /// connection broke, the disk is full); nothing of it was written.
    #[error("the database cannot take writes now: {0}")]
    Unavailable(String),
    /// Anything else that is the server's fault.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Error {
    /// The stable snake_case code clients rely on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidInput(_) => "invalid_input",
            Self::MalformedBody(_) => "malformed_body",
            Self::MalformedQuery(_) => "malformed_query",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::BodyTooLarge => "body_too_large",
            Self::EmailTaken => "email_taken",
            Self::PartnerIdTaken => "partner_id_taken",
            Self::InvalidCredentials => "invalid_credentials",
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::Unauthenticated => "unauthenticated",
            Self::CsrfFailed => "csrf_failed",
            Self::ForbiddenRole { .. } => "forbidden_role",
            Self::NotPartnerNetwork => "not_partner_network",
            Self::NotFound => "not_found",
            Self::NotCsp => "not_csp",
            Self::PlanNotEligible { .. } => "plan_not_eligible",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::TransitionNotAllowed { .. } => "transition_not_allowed",
            Self::NotRefundable => "not_refundable",
            Self::MalformedId { .. } => "malformed_id",
            Self::ContractNotFound => "contract_not_found",
            Self::ContractExpired { .. } => "contract_expired",
            Self::ContractExhausted { .. } => "contract_exhausted",
            Self::LinkLimitReached { .. } => "link_limit_reached",
            Self::UnknownBenefit => "unknown_benefit",
            Self::BenefitNotAvailable => "benefit_not_available",
            Self::MembershipInUse => "membership_in_use",
            Self::LastGlobalAdmin => "last_global_admin",
            Self::ImportRejected(_) => "import_rejected",
            Self::ActivationProcessed => "activation_processed",
            Self::Database(error) if database_unavailable(error) => "database_unavailable",
            Self::Unavailable(_) => "database_unavailable",
            Self::Database(_) | Self::Other(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidInput(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::MalformedBody(_) | Self::MalformedQuery(_) => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::EmailTaken | Self::PartnerIdTaken => StatusCode::CONFLICT,
            Self::InvalidCredentials | Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::CsrfFailed | Self::ForbiddenRole { .. } | Self::NotPartnerNetwork => {
                StatusCode::FORBIDDEN
            }
            Self::NotFound | Self::UnknownBenefit | Self::ContractNotFound => StatusCode::NOT_FOUND,
            Self::MalformedId { .. } | Self::PlanNotEligible { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::NotCsp => StatusCode::FORBIDDEN,
            Self::IdempotencyKeyReused
            | Self::TransitionNotAllowed { .. }
            | Self::NotRefundable => StatusCode::CONFLICT,
            Self::ContractExpired { .. }
            | Self::ContractExhausted { .. }
            | Self::LinkLimitReached { .. } => StatusCode::CONFLICT,
            Self::BenefitNotAvailable
            | Self::MembershipInUse
            | Self::LastGlobalAdmin
            | Self::ActivationProcessed => StatusCode::CONFLICT,
            Self::ImportRejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Database(error) if database_unavailable(error) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(_) | Self::Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds a client should wait before trying again, for `Retry-After`.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            _ if self.status() == StatusCode::SERVICE_UNAVAILABLE => Some(2),
            _ => None,
        }
    }

    /// A single invalid field.
    pub fn field(field: &'static str, code: &'static str) -> Self {
        Self::InvalidInput(vec![FieldError::new(field, code)])
    }

    /// The error for an actor lacking `permission`.
    pub fn forbidden(permission: crate::domain::Permission) -> Self {
        Self::ForbiddenRole {
            needed: Role::granting(permission),
        }
    }
}

impl From<FieldError> for Error {
    fn from(error: FieldError) -> Self {
        Self::InvalidInput(vec![error])
    }
}

/// Collects field checks so a form reports every bad field at once.
#[derive(Default)]
pub struct Validator(Vec<FieldError>);

impl Validator {
    /// Keeps the value of a passed check, records the error of a failed one.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|error| self.0.push(error)).ok()
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Whether a check on `field` already failed.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|error| error.field == field)
    }

    /// `Ok` when every check passed.
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidInput(self.0))
        }
    }
}

/// Whether a database error means the database cannot serve now rather than a fault in the
/// request or the code: no connection to be had, a connection that broke, a server shutting
/// down or refusing connections, a full disk, a transaction aborted by a conflict.
pub fn database_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            // PostgreSQL: 57P01–57P03 (shutdown, crash, cannot connect now), 53xxx (out of
            // resources: disk full, out of memory, too many connections), 08xxx (connection).
            // SQLite: 13 (SQLITE_FULL), 5 (SQLITE_BUSY after the busy timeout).
            // 40P01 and 40001: PostgreSQL aborted the transaction as a deadlock or a
            // serialization failure; nothing of it is kept and the same request can be sent
            // again.
            let postgres_class = |class: &str| code.len() == 5 && code.starts_with(class);
            code == "40P01"
                || code == "40001"
                || postgres_class("57P")
                || postgres_class("53")
                || postgres_class("08")
                || code == "13"
                || code == "5"
        }
        _ => false,
    }
}

/// Whether a database error is a unique-constraint violation, on either backend.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
