//! Memberships of an organization in the partner program (offer, competency, dates) and the
//! one rule for inclusive calendar-day ranges that every time-based rule uses.

use super::{FieldError, OrganizationId};
use serde::{Deserialize, Serialize};
use time::Date;

time::serde::format_description!(pub iso_date, Date, "[year]-[month]-[day]");

/// `YYYY-MM-DD`, the one way dates are written in inputs and outputs.
const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Whether `day` lies in the calendar range `start..=end`, both ends included.
///
/// Held as the half-open interval `[start, end + 1 day)`; an `end` of `Date::MAX` has no next
/// day and so leaves the range open ended.
pub fn inclusive_range_contains(start: Date, end: Date, day: Date) -> bool {
    if day < start {
        return false;
    }
    match end.next_day() {
        Some(end_exclusive) => day < end_exclusive,
        None => true,
    }
}

/// What an organization bought into the program.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Offer {
    ActionPack,
    Silver,
    Gold,
}

impl Offer {
    /// Every offer, cheapest first.
    pub const ALL: [Offer; 3] = [Offer::ActionPack, Offer::Silver, Offer::Gold];

    pub fn as_str(self) -> &'static str {
        match self {
            Offer::ActionPack => "action_pack",
            Offer::Silver => "silver",
            Offer::Gold => "gold",
        }
    }

    /// Reads a stored or typed code (`action_pack`, `silver`, `gold`), case and surrounding
    /// blanks ignored.
    pub fn parse(value: &str) -> Option<Offer> {
        let value = value.trim();
        Offer::ALL
            .into_iter()
            .find(|offer| offer.as_str().eq_ignore_ascii_case(value))
    }

    /// Silver and gold are held in a competency; action pack never is.
    pub fn needs_competency(self) -> bool {
        !matches!(self, Offer::ActionPack)
    }
}

/// An area of expertise a silver or gold membership is held in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Competency {
    /// The snake_case of the English name, e.g. `cloud_platform`.
    pub code: String,
    pub name: String,
    /// Cloud competencies earn unlimited Signature cloud support.
    pub cloud: bool,
}

/// A membership as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Membership {
    pub id: i64,
    #[schema(value_type = i64)]
    pub organization_id: OrganizationId,
    pub offer: Offer,
    /// The competency code; absent for action pack.
    pub competency: Option<String>,
    /// First day (inclusive).
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub start: Date,
    /// Last day (inclusive).
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub end: Date,
}

impl Membership {
    /// Whether the membership is in force on `day` (both ends included).
    pub fn active_on(&self, day: Date) -> bool {
        inclusive_range_contains(self.start, self.end, day)
    }
}

/// A membership as typed into a form, an API body or a CSV row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
pub struct MembershipInput {
    /// `action_pack`, `silver` or `gold`.
    pub offer: String,
    /// A competency code; required for silver and gold, absent (or empty) for action pack.
    #[serde(default)]
    pub competency: Option<String>,
    /// `YYYY-MM-DD`.
    pub start: String,
    /// `YYYY-MM-DD`, inclusive.
    pub end: String,
}

/// A membership that passed [`validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidMembership {
    pub offer: Offer,
    pub competency: Option<String>,
    pub start: Date,
    pub end: Date,
}

/// Parses a strict `YYYY-MM-DD` calendar date.
pub fn parse_date(value: &str) -> Option<Date> {
    // Exactly as sent, as the API's schema states it (the CSV import trims its cells first).
    if value.len() != 10 {
        return None;
    }
    Date::parse(value, DATE_FORMAT).ok()
}

/// Checks a membership input against the known competencies, reporting every problem at once.
pub fn validate(
    input: &MembershipInput,
    competencies: &[Competency],
) -> Result<ValidMembership, Vec<FieldError>> {
    let mut errors = Vec::new();

    let offer = Offer::parse(&input.offer);
    if offer.is_none() {
        errors.push(FieldError::new("offer", "unknown_offer"));
    }

    // Forms send an empty string for "no competency".
    let competency = input
        .competency
        .as_deref()
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(str::to_ascii_lowercase);
    let too_long = input
        .competency
        .as_deref()
        .map(|code| super::at_most("competency", code, super::MAX_CODE_CHARS));
    match (offer, &competency) {
        _ if matches!(too_long, Some(Err(_))) => {
            errors.push(FieldError::new("competency", "too_long"));
        }
        (Some(offer), None) if offer.needs_competency() => {
            errors.push(FieldError::new("competency", "competency_required"));
        }
        (Some(Offer::ActionPack), Some(_)) => {
            errors.push(FieldError::new("competency", "competency_not_allowed"));
        }
        (_, Some(code)) if !competencies.iter().any(|c| &c.code == code) => {
            errors.push(FieldError::new("competency", "unknown_competency"));
        }
        _ => {}
    }

    let start = parse_date(&input.start);
    if start.is_none() {
        errors.push(FieldError::new("start", "invalid_date"));
    }
    let end = parse_date(&input.end);
    if end.is_none() {
        errors.push(FieldError::new("end", "invalid_date"));
    }

    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        errors.push(FieldError::new("end", "end_before_start"));
    }

    match (offer, start, end) {
        (Some(offer), Some(start), Some(end)) if errors.is_empty() => Ok(ValidMembership {
            offer,
            competency,
            start,
            end,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn competencies() -> Vec<Competency> {
        vec![
            Competency {
                code: "cloud_platform".into(),
                name: "Cloud Platform".into(),
                cloud: true,
            },
            Competency {
                code: "data_center".into(),
                name: "Data Center".into(),
                cloud: false,
            },
        ]
    }

    fn input(offer: &str, competency: Option<&str>, start: &str, end: &str) -> MembershipInput {
        MembershipInput {
            offer: offer.into(),
            competency: competency.map(Into::into),
            start: start.into(),
            end: end.into(),
        }
    }

    fn codes(
        result: Result<ValidMembership, Vec<FieldError>>,
    ) -> Vec<(&'static str, &'static str)> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn offers_round_trip() {
        for offer in Offer::ALL {
            assert_eq!(Offer::parse(offer.as_str()), Some(offer));
            assert_eq!(
                serde_json::to_string(&offer).expect("serializes"),
                format!("\"{}\"", offer.as_str())
            );
        }
        assert_eq!(Offer::parse(" Gold "), Some(Offer::Gold));
        assert_eq!(Offer::parse("platinum"), None);
    }

    #[test]
    fn valid_inputs() {
        let gold = validate(
            &input("gold", Some(" Cloud_Platform "), "2026-01-01", "2026-12-31"),
            &competencies(),
        );
        assert_eq!(
            gold,
            Ok(ValidMembership {
                offer: Offer::Gold,
                competency: Some("cloud_platform".into()),
                start: date!(2026 - 01 - 01),
                end: date!(2026 - 12 - 31),
            })
        );
        let pack = validate(
            &input("action_pack", Some(""), "2026-01-01", "2026-01-01"),
            &competencies(),
        )
        .expect("a one-day action pack is valid");
        assert_eq!(pack.competency, None);
    }

    #[test]
    fn every_problem_is_reported() {
        let all = &competencies();
        assert_eq!(
            codes(validate(
                &input("platinum", None, "2026-02-30", "soon"),
                all
            )),
            [
                ("offer", "unknown_offer"),
                ("start", "invalid_date"),
                ("end", "invalid_date")
            ]
        );
        assert_eq!(
            codes(validate(
                &input("silver", None, "2026-01-01", "2025-12-31"),
                all
            )),
            [
                ("competency", "competency_required"),
                ("end", "end_before_start")
            ]
        );
        assert_eq!(
            codes(validate(
                &input(
                    "action_pack",
                    Some("data_center"),
                    "2026-01-01",
                    "2026-12-31"
                ),
                all
            )),
            [("competency", "competency_not_allowed")]
        );
        assert_eq!(
            codes(validate(
                &input("gold", Some("knitting"), "2026-01-01", "2026-12-31"),
                all
            )),
            [("competency", "unknown_competency")]
        );
        assert_eq!(
            codes(validate(
                &input("gold", Some("data_center"), "2026-1-1", "2026-12-31"),
                all
            )),
            [("start", "invalid_date")]
        );
        assert_eq!(
            codes(validate(
                &input("gold", Some("data_center"), "2026-12-31", "2026-01-01"),
                all
            )),
            [("end", "end_before_start")]
        );
    }

    #[test]
    fn serializes_dates_as_calendar_days() {
        let membership = Membership {
            id: 7,
            organization_id: OrganizationId(3),
            offer: Offer::ActionPack,
            competency: None,
            start: date!(2026 - 01 - 01),
            end: date!(2026 - 12 - 31),
        };
        assert_eq!(
            serde_json::to_value(&membership).expect("serializes"),
            serde_json::json!({
                "id": 7, "organization_id": 3, "offer": "action_pack", "competency": null,
                "start": "2026-01-01", "end": "2026-12-31"
            })
        );
    }

    #[test]
    fn inclusive_range_edges() {
        let (start, end) = (date!(2026 - 01 - 01), date!(2026 - 12 - 31));
        assert!(!inclusive_range_contains(start, end, date!(2025 - 12 - 31)));
        assert!(inclusive_range_contains(start, end, start));
        assert!(inclusive_range_contains(start, end, end));
        assert!(!inclusive_range_contains(start, end, date!(2027 - 01 - 01)));
        assert!(inclusive_range_contains(start, Date::MAX, Date::MAX));
        assert!(inclusive_range_contains(Date::MIN, Date::MIN, Date::MIN));
    }
}
