//! Support requests: who may open them, the lifecycle and who may move it, refund reasons, the first-response
//! target, title and description checks, and readable request numbers (`SR-2026-000123`).

use super::{AccountId, Actor, FieldError, OrganizationId, Permission};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// Who may open a support request: its creator, the acting organization's Global and Partner
/// admins, and operators. Anyone else is told it does not exist, and is never shown its number.
pub fn openable_by(
    actor: &Actor,
    created_by: AccountId,
    organization: Option<OrganizationId>,
) -> bool {
    created_by == actor.account_id
        || actor.is_operator()
        || organization.is_some_and(|org| actor.can(Permission::ManageContracts, Some(org)))
}

/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest description accepted, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;

/// Where a support request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Filed, not yet picked up.
    Open,
    /// An operator is working on it.
    InProgress,
    /// The operator needs an answer from the customer.
    WaitingOnCustomer,
    /// Answered; the customer may reopen it or close it.
    Resolved,
    /// Done for good.
    Closed,
}

impl RequestStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [RequestStatus; 5] = [
        RequestStatus::Open,
        RequestStatus::InProgress,
        RequestStatus::WaitingOnCustomer,
        RequestStatus::Resolved,
        RequestStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::InProgress => "in_progress",
            RequestStatus::WaitingOnCustomer => "waiting_on_customer",
            RequestStatus::Resolved => "resolved",
            RequestStatus::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<RequestStatus> {
        RequestStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// Whether a request may move from `from` to `to`; `by_operator` says who asks (otherwise the
/// customer side: the requester or their organization).
///
/// Operators: open → in_progress, open → resolved (answered at once),
/// in_progress ↔ waiting_on_customer, in_progress/waiting_on_customer → resolved.
/// Either side: waiting_on_customer → in_progress (the customer does it by commenting),
/// resolved → closed, resolved → in_progress (reopen). Nothing leaves closed; no status moves
/// to itself.
pub fn can_transition(from: RequestStatus, to: RequestStatus, by_operator: bool) -> bool {
    use RequestStatus::{Closed, InProgress, Open, Resolved, WaitingOnCustomer};
    match (from, to) {
        (Open, InProgress | Resolved)
        | (InProgress, WaitingOnCustomer | Resolved)
        | (WaitingOnCustomer, Resolved) => by_operator,
        (WaitingOnCustomer, InProgress) | (Resolved, Closed | InProgress) => true,
        _ => false,
    }
}

/// Why an operator marked a request not chargeable, giving its incident back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefundReason {
    /// The problem was a defect of the product.
    ProductDefect,
    /// The same problem was already filed.
    Duplicate,
    /// Handled by frontline support, not an incident.
    Frontline,
    /// Given back as a courtesy.
    Goodwill,
}

impl RefundReason {
    pub const ALL: [RefundReason; 4] = [
        RefundReason::ProductDefect,
        RefundReason::Duplicate,
        RefundReason::Frontline,
        RefundReason::Goodwill,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RefundReason::ProductDefect => "product_defect",
            RefundReason::Duplicate => "duplicate",
            RefundReason::Frontline => "frontline",
            RefundReason::Goodwill => "goodwill",
        }
    }

    pub fn parse(value: &str) -> Option<RefundReason> {
        RefundReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == value)
    }
}

/// When the first response is due: `first_response_hours` (from the severity) after filing.
/// Saturates at the calendar's end.
pub fn first_response_due(created_at: OffsetDateTime, first_response_hours: u32) -> OffsetDateTime {
    created_at.saturating_add(Duration::hours(i64::from(first_response_hours)))
}

/// Whether the first-response target was missed: answered after `due`, or still unanswered
/// and `now` is past `due`. A response exactly at `due` is on time.
pub fn response_missed(
    due: OffsetDateTime,
    first_response_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> bool {
    match first_response_at {
        Some(answered) => answered > due,
        None => now > due,
    }
}

/// Trims a title and checks it: `required`, `too_long` (over 200 characters),
/// `control_characters`.
pub fn validate_title(raw: &str) -> Result<String, FieldError> {
    super::required_text("title", raw, MAX_TITLE_CHARS)
}

/// Checks a description and trims it: `required`, `too_long` (over 10 000 characters as
/// sent), `control_characters`, `direction_characters`. Unlike a title it may hold line breaks and tabs; `\r\n` (as browsers
/// send) is stored as `\n`.
pub fn validate_description(raw: &str) -> Result<String, FieldError> {
    const FIELD: &str = "description";
    let text = raw.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(FieldError::new(FIELD, "required"));
    }
    if raw.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(FieldError::new(FIELD, "too_long"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FieldError::new(FIELD, "control_characters"));
    }
    if text.chars().any(super::is_direction_control) {
        return Err(FieldError::new(FIELD, "direction_characters"));
    }
    Ok(text.trim().to_owned())
}

const NUMBER_PREFIX: &str = "SR";

/// A request's readable number: `SR-<year>-<sequence>`, the sequence zero-padded to six
/// digits (more when needed), e.g. `SR-2026-000123`. `sequence` is positive.
pub fn format_number(year: i32, sequence: i64) -> String {
    format!("{NUMBER_PREFIX}-{year:04}-{sequence:06}")
}

/// Reads a number written by [`format_number`]: prefix in any case, surrounding blanks
/// ignored, a four-digit year and a positive sequence of at least six digits.
pub fn parse_number(raw: &str) -> Option<(i32, i64)> {
    let mut parts = raw.trim().split('-');
    let (prefix, year, sequence) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !prefix.eq_ignore_ascii_case(NUMBER_PREFIX) {
        return None;
    }
    let all_digits = |text: &str| text.bytes().all(|b| b.is_ascii_digit());
    if year.len() != 4 || !all_digits(year) || sequence.len() < 6 || !all_digits(sequence) {
        return None;
    }
    let year = year.parse().ok()?;
    let sequence: i64 = sequence.parse().ok()?;
    (sequence > 0).then_some((year, sequence))
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestStatus::{Closed, InProgress, Open, Resolved, WaitingOnCustomer};
    use proptest::prelude::*;
    use time::macros::datetime;

    #[test]
    fn codes_round_trip() {
        for status in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_string(&status).expect("serializes"),
                format!("\"{}\"", status.as_str())
            );
        }
        for reason in RefundReason::ALL {
            assert_eq!(RefundReason::parse(reason.as_str()), Some(reason));
            assert_eq!(
                serde_json::to_string(&reason).expect("serializes"),
                format!("\"{}\"", reason.as_str())
            );
        }
        assert_eq!(RequestStatus::parse("reopened"), None);
        assert_eq!(RefundReason::parse("bored"), None);
    }

    /// Every (from, to, by_operator) triple: the listed ones are allowed, nothing else is.
    #[test]
    fn transitions_exhaustively() {
        // (from, to, operator may, customer may)
        let allowed = [
            (Open, InProgress, true, false),
            (Open, Resolved, true, false),
            (InProgress, WaitingOnCustomer, true, false),
            (InProgress, Resolved, true, false),
            (WaitingOnCustomer, InProgress, true, true),
            (WaitingOnCustomer, Resolved, true, false),
            (Resolved, Closed, true, true),
            (Resolved, InProgress, true, true),
        ];
        let mut checked = 0;
        for from in RequestStatus::ALL {
            for to in RequestStatus::ALL {
                let (operator, customer) = allowed
                    .iter()
                    .find(|(f, t, _, _)| *f == from && *t == to)
                    .map_or((false, false), |(_, _, o, c)| (*o, *c));
                assert_eq!(
                    can_transition(from, to, true),
                    operator,
                    "{from:?} → {to:?}"
                );
                assert_eq!(
                    can_transition(from, to, false),
                    customer,
                    "{from:?} → {to:?}"
                );
                checked += 2;
            }
        }
        assert_eq!(checked, 50);
        for to in RequestStatus::ALL {
            assert!(!can_transition(Closed, to, true), "nothing leaves closed");
        }
    }

    #[test]
    fn first_response_target() {
        let created = datetime!(2026-03-27 22:30 UTC);
        let due = first_response_due(created, 4);
        assert_eq!(due, datetime!(2026-03-28 02:30 UTC));
        assert!(!response_missed(due, Some(due), due + Duration::days(9)));
        assert!(response_missed(
            due,
            Some(due + Duration::seconds(1)),
            due + Duration::seconds(1)
        ));
        assert!(!response_missed(due, None, due));
        assert!(response_missed(due, None, due + Duration::seconds(1)));
        // Answered early stays on time even once `now` has passed the target.
        assert!(!response_missed(
            due,
            Some(created),
            due + Duration::hours(1)
        ));
        assert_eq!(
            first_response_due(datetime!(9999-12-31 23:00 UTC), 8),
            datetime!(9999-12-31 23:59:59.999_999_999 UTC)
        );
    }

    #[test]
    fn titles_and_descriptions() {
        assert_eq!(validate_title("  Cluster down "), Ok("Cluster down".into()));
        assert_eq!(
            validate_title(" "),
            Err(FieldError::new("title", "required"))
        );
        assert_eq!(validate_title(&"é".repeat(200)).map(|t| t.len()), Ok(400));
        assert_eq!(
            validate_title(&"a".repeat(201)),
            Err(FieldError::new("title", "too_long"))
        );
        assert_eq!(
            validate_title("two\nlines"),
            Err(FieldError::new("title", "control_characters"))
        );
        assert_eq!(
            validate_description("Steps:\r\n1.\tboot\r\n2. crash\r\n"),
            Ok("Steps:\n1.\tboot\n2. crash".into())
        );
        assert_eq!(
            validate_description("\r\n "),
            Err(FieldError::new("description", "required"))
        );
        assert!(validate_description(&"a".repeat(10_000)).is_ok());
        assert_eq!(
            validate_description(&"a".repeat(10_001)),
            Err(FieldError::new("description", "too_long"))
        );
        assert_eq!(
            validate_description("bell\u{7}"),
            Err(FieldError::new("description", "control_characters"))
        );
        assert_eq!(
            validate_description("lone carriage return\r"),
            Err(FieldError::new("description", "control_characters"))
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number(2026, 123), "SR-2026-000123");
        assert_eq!(format_number(2026, 1_234_567), "SR-2026-1234567");
        assert_eq!(parse_number(" sr-2026-000123 "), Some((2026, 123)));
        assert_eq!(parse_number("SR-2026-1234567"), Some((2026, 1_234_567)));
        for bad in [
            "",
            "SR-2026-123",
            "SR-26-000123",
            "XX-2026-000123",
            "SR-2026-000000",
            "SR-2026-00012a",
            "SR-2026-000123-1",
            "SR-2026-+00123",
            "SR-2026-99999999999999999999",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn numbers_round_trip(year in 1000..=9999i32, sequence in 1..=i64::MAX) {
            let number = format_number(year, sequence);
            prop_assert_eq!(parse_number(&number), Some((year, sequence)));
            prop_assert_eq!(parse_number(&number.to_lowercase()), Some((year, sequence)));
        }

        #[test]
        fn due_is_never_before_creation(seconds in 0..4_000_000_000i64, hours in 0..10_000u32) {
            let created = OffsetDateTime::UNIX_EPOCH + Duration::seconds(seconds);
            let due = first_response_due(created, hours);
            prop_assert_eq!(due - created, Duration::hours(i64::from(hours)));
            prop_assert!(!response_missed(due, None, due));
            prop_assert!(response_missed(due, None, due + Duration::nanoseconds(1)));
        }
    }
}
