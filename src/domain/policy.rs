//! The benefit policy: which benefits each offer earns and how many incidents, the contract
//! term, the recent-versions rule, severities and paid plans. Read from a TOML file
//! (`policy/default.toml` is shipped and embedded) and checked before use.

use super::membership::Offer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use time::{Date, Duration};
use toml::Spanned;

/// The shipped policy, embedded in the binary.
pub const DEFAULT_TOML: &str = include_str!("../../policy/default.toml");

/// Which products a plan covers.
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
pub enum Scope {
    OnPremises,
    Cloud,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::OnPremises => "on_premises",
            Scope::Cloud => "cloud",
        }
    }

    pub fn parse(value: &str) -> Option<Scope> {
        [Scope::OnPremises, Scope::Cloud]
            .into_iter()
            .find(|scope| scope.as_str() == value)
    }
}

/// A number of incidents, or no limit. Orders so that `Unlimited` beats any number.
///
/// Written as a positive integer or the string `"unlimited"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Allotment {
    Limited(u32),
    Unlimited,
}

impl Allotment {
    /// The number of incidents; `None` when unlimited (as contracts store it).
    pub fn incidents(self) -> Option<u32> {
        match self {
            Allotment::Limited(count) => Some(count),
            Allotment::Unlimited => None,
        }
    }
}

impl fmt::Display for Allotment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Allotment::Limited(count) => count.fmt(f),
            Allotment::Unlimited => f.write_str("unlimited"),
        }
    }
}

impl Serialize for Allotment {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Allotment::Limited(count) => serializer.serialize_u32(*count),
            Allotment::Unlimited => serializer.serialize_str("unlimited"),
        }
    }
}

const ALLOTMENT_EXPECTED: &str = "a positive number of incidents or \"unlimited\"";

fn allotment_from_number<E: de::Error>(value: i128) -> Result<Allotment, E> {
    match u32::try_from(value) {
        Ok(count) if count > 0 => Ok(Allotment::Limited(count)),
        _ => Err(E::custom(format!(
            "allotment {value} refused: expected {ALLOTMENT_EXPECTED}"
        ))),
    }
}

fn allotment_from_str<E: de::Error>(value: &str) -> Result<Allotment, E> {
    if value == "unlimited" {
        Ok(Allotment::Unlimited)
    } else {
        Err(E::custom(format!(
            "allotment \"{value}\" refused: expected {ALLOTMENT_EXPECTED}"
        )))
    }
}

struct AllotmentVisitor;

impl Visitor<'_> for AllotmentVisitor {
    type Value = Allotment;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(ALLOTMENT_EXPECTED)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Allotment, E> {
        allotment_from_number(i128::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Allotment, E> {
        allotment_from_number(i128::from(value))
    }

    /// `20.0` is the whole number 20 (JSON has one number type); a fraction is refused.
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Allotment, E> {
        if value.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(&value) {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            return Ok(Allotment::Limited(value as u32));
        }
        Err(E::custom(format!(
            "allotment {value} refused: expected {ALLOTMENT_EXPECTED}"
        )))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Allotment, E> {
        allotment_from_str(value)
    }
}

impl<'de> Deserialize<'de> for Allotment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AllotmentVisitor)
    }
}

impl utoipa::PartialSchema for Allotment {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Int64,
                    )))
                    .minimum(Some(1))
                    .maximum(Some(u32::MAX))
                    .description(Some("A number of incidents")),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["unlimited"])),
            )
            .description(Some("A number of incidents, or \"unlimited\""))
            .into()
    }
}

impl utoipa::ToSchema for Allotment {}

/// What one offer earns of a benefit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum OfferAllotment {
    /// The same whatever the membership's competency.
    Any(Allotment),
    /// Split by the kind of competency; `None`: that kind earns nothing.
    ByCompetency {
        cloud: Option<Allotment>,
        other: Option<Allotment>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompetencySplit {
    cloud: Option<Allotment>,
    other: Option<Allotment>,
}

struct OfferAllotmentVisitor;

impl<'de> Visitor<'de> for OfferAllotmentVisitor {
    type Value = OfferAllotment;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{ALLOTMENT_EXPECTED}, or a table {{ cloud = …, other = … }}"
        )
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<OfferAllotment, E> {
        allotment_from_number(i128::from(value)).map(OfferAllotment::Any)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<OfferAllotment, E> {
        allotment_from_number(i128::from(value)).map(OfferAllotment::Any)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<OfferAllotment, E> {
        allotment_from_str(value).map(OfferAllotment::Any)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<OfferAllotment, A::Error> {
        let split = CompetencySplit::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(OfferAllotment::ByCompetency {
            cloud: split.cloud,
            other: split.other,
        })
    }
}

impl<'de> Deserialize<'de> for OfferAllotment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OfferAllotmentVisitor)
    }
}

/// What each offer earns of a benefit; `None`: that offer earns nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Allotments {
    pub action_pack: Option<OfferAllotment>,
    pub silver: Option<OfferAllotment>,
    pub gold: Option<OfferAllotment>,
}

/// One benefit a membership can earn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BenefitPolicy {
    /// Stable code, e.g. `product_support`; also the plan code of the contracts it yields.
    pub code: String,
    pub name_en: String,
    pub name_it: String,
    pub scopes: Vec<Scope>,
    /// Covers only the newest versions of on-premises products (see the N-1 rule).
    pub recent_versions_only: bool,
    #[schema(value_type = Object)]
    pub allotments: Allotments,
}

impl BenefitPolicy {
    /// What a membership with `offer` earns; `competency_is_cloud` is `None` when the
    /// membership has no competency (counted as not cloud).
    pub fn allotment(&self, offer: Offer, competency_is_cloud: Option<bool>) -> Option<Allotment> {
        let earned = match offer {
            Offer::ActionPack => self.allotments.action_pack,
            Offer::Silver => self.allotments.silver,
            Offer::Gold => self.allotments.gold,
        }?;
        match earned {
            OfferAllotment::Any(allotment) => Some(allotment),
            OfferAllotment::ByCompetency { cloud, other } => {
                if competency_is_cloud == Some(true) {
                    cloud
                } else {
                    other
                }
            }
        }
    }

    pub fn name(&self, italian: bool) -> &str {
        if italian {
            &self.name_it
        } else {
            &self.name_en
        }
    }
}

/// How urgent a support request is, and how soon it gets a first response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Severity {
    /// `A` (critical), `B`, `C`.
    pub code: String,
    pub first_response_hours: u32,
    pub name_en: String,
    pub name_it: String,
}

impl Severity {
    pub fn name(&self, italian: bool) -> &str {
        if italian {
            &self.name_it
        } else {
            &self.name_en
        }
    }

    pub fn first_response(&self) -> Duration {
        Duration::hours(i64::from(self.first_response_hours))
    }
}

/// A plan sold separately (Premier, Advanced).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PaidPlan {
    pub code: String,
    pub name_en: String,
    pub name_it: String,
    pub scopes: Vec<Scope>,
}

impl PaidPlan {
    pub fn name(&self, italian: bool) -> &str {
        if italian {
            &self.name_it
        } else {
            &self.name_en
        }
    }
}

/// The whole policy, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// In display order.
    pub benefits: Vec<BenefitPolicy>,
    pub severities: Vec<Severity>,
    pub paid_plans: Vec<PaidPlan>,
    pub term_years: u32,
    pub term_days: u32,
    /// How many accounts may link one contract at the same time.
    pub max_linked_accounts: u32,
    /// Remaining-incident counts at which the contract's admins are told the balance is low.
    pub low_balance_thresholds: Vec<u32>,
    /// N-1: how many versions before the newest stay covered while in mainstream support.
    pub supported_previous_versions: u32,
}

impl Policy {
    /// The shipped policy ([`DEFAULT_TOML`]); a unit test proves it parses.
    pub fn default_policy() -> Result<Policy, PolicyError> {
        parse(DEFAULT_TOML)
    }

    pub fn benefit(&self, code: &str) -> Option<&BenefitPolicy> {
        self.benefits.iter().find(|benefit| benefit.code == code)
    }

    pub fn severity(&self, code: &str) -> Option<&Severity> {
        self.severities
            .iter()
            .find(|severity| severity.code == code)
    }

    pub fn paid_plan(&self, code: &str) -> Option<&PaidPlan> {
        self.paid_plans.iter().find(|plan| plan.code == code)
    }

    /// The display name of a benefit or paid plan code, if the policy knows it.
    pub fn plan_name(&self, code: &str, italian: bool) -> Option<&str> {
        self.benefit(code)
            .map(|benefit| benefit.name(italian))
            .or_else(|| self.paid_plan(code).map(|plan| plan.name(italian)))
    }

    /// The last day (inclusive) of a contract issued on `start`.
    ///
    /// The rule: move `start` forward by `term_years` calendar years (February 29 becomes
    /// February 28 in a common year), then by `term_days` days; that day is the first one
    /// *after* the term, so the inclusive end is the day before. One year and 30 days from
    /// 2026-01-01: 2027-01-01 + 30 days = 2027-01-31, so the contract ends 2027-01-30.
    /// Saturates at `Date::MAX`.
    pub fn contract_end(&self, start: Date) -> Date {
        let anniversary = i32::try_from(self.term_years)
            .ok()
            .and_then(|years| start.year().checked_add(years))
            .and_then(|year| {
                Date::from_calendar_date(year, start.month(), start.day())
                    .or_else(|_| Date::from_calendar_date(year, start.month(), start.day() - 1))
                    .ok()
            });
        anniversary
            .and_then(|day| day.checked_add(Duration::days(i64::from(self.term_days))))
            .and_then(Date::previous_day)
            .unwrap_or(Date::MAX)
    }
}

/// Why a policy file was refused, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct PolicyError {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl PolicyError {
    fn at(text: &str, offset: usize, message: impl Into<String>) -> PolicyError {
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |index| index + 1);
        let column = before[line_start..].chars().count() + 1;
        PolicyError {
            line,
            column,
            message: message.into(),
        }
    }
}

// The file as written; checked and turned into `Policy` by `parse`.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    contract: RawContract,
    versions: RawVersions,
    #[serde(default)]
    severity: Vec<RawSeverity>,
    #[serde(default)]
    benefit: Vec<RawBenefit>,
    #[serde(default)]
    paid_plan: Vec<RawPaidPlan>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContract {
    term: Spanned<RawTerm>,
    max_linked_accounts: Spanned<u32>,
    #[serde(default)]
    low_balance_thresholds: Vec<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    #[serde(default)]
    years: u32,
    #[serde(default)]
    days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersions {
    supported_previous: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawName {
    en: Spanned<String>,
    it: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeverity {
    code: Spanned<String>,
    first_response_hours: Spanned<u32>,
    name: RawName,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBenefit {
    code: Spanned<String>,
    name: RawName,
    scopes: Spanned<Vec<Scope>>,
    #[serde(default)]
    recent_versions_only: bool,
    #[serde(default)]
    allotment: RawAllotments,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAllotments {
    action_pack: Option<Spanned<OfferAllotment>>,
    silver: Option<OfferAllotment>,
    gold: Option<OfferAllotment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaidPlan {
    code: Spanned<String>,
    name: RawName,
    scopes: Spanned<Vec<Scope>>,
}

/// The longest term accepted, so date arithmetic stays far from the calendar's limits.
const MAX_TERM_YEARS: u32 = 100;
const MAX_TERM_DAYS: u32 = 36_600;

/// Parses and checks a policy file. Refused: syntax errors, unknown keys, allotments that are
/// not a positive number or `"unlimited"`, duplicate codes, a zero first-response target, an
/// empty term, an empty list of scopes, an empty name, no benefit at all.
pub fn parse(text: &str) -> Result<Policy, PolicyError> {
    let raw: RawPolicy = toml::from_str(text).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        PolicyError::at(text, offset, error.message().trim().replace('\n', "; "))
    })?;
    let refuse = |offset: usize, message: String| PolicyError::at(text, offset, message);

    let term = raw.contract.term.get_ref();
    if term.years == 0 && term.days == 0 {
        return Err(refuse(
            raw.contract.term.span().start,
            "the contract term must last at least one day".into(),
        ));
    }
    if term.years > MAX_TERM_YEARS || term.days > MAX_TERM_DAYS {
        return Err(refuse(
            raw.contract.term.span().start,
            format!(
                "the contract term may be at most {MAX_TERM_YEARS} years and {MAX_TERM_DAYS} days"
            ),
        ));
    }

    if *raw.contract.max_linked_accounts.get_ref() == 0 {
        return Err(refuse(
            raw.contract.max_linked_accounts.span().start,
            "max_linked_accounts must be at least 1".into(),
        ));
    }

    // Benefit and paid-plan codes share one namespace: both name the plan of a contract.
    let mut plan_codes = HashSet::new();
    let mut check_plan_code = |code: &Spanned<String>| -> Result<String, PolicyError> {
        check_code(text, code)?;
        if code.get_ref() == "csp" {
            return Err(refuse(
                code.span().start,
                "the plan code \"csp\" is reserved for CSP organizations".into(),
            ));
        }
        if !plan_codes.insert(code.get_ref().clone()) {
            return Err(refuse(
                code.span().start,
                format!("duplicate plan code \"{}\"", code.get_ref()),
            ));
        }
        Ok(code.get_ref().clone())
    };

    let mut benefits = Vec::new();
    for benefit in raw.benefit {
        let code = check_plan_code(&benefit.code)?;
        let (name_en, name_it) = check_name(text, benefit.name)?;
        let scopes = check_scopes(text, benefit.scopes)?;
        if let Some(action_pack) = &benefit.allotment.action_pack
            && matches!(action_pack.get_ref(), OfferAllotment::ByCompetency { .. })
        {
            return Err(refuse(
                action_pack.span().start,
                "action_pack has no competency: give one allotment, not a cloud/other split".into(),
            ));
        }
        benefits.push(BenefitPolicy {
            code,
            name_en,
            name_it,
            scopes,
            recent_versions_only: benefit.recent_versions_only,
            allotments: Allotments {
                action_pack: benefit.allotment.action_pack.map(Spanned::into_inner),
                silver: benefit.allotment.silver,
                gold: benefit.allotment.gold,
            },
        });
    }
    if benefits.is_empty() {
        return Err(refuse(
            0,
            "the policy must define at least one [[benefit]]".into(),
        ));
    }

    let mut paid_plans = Vec::new();
    for plan in raw.paid_plan {
        let code = check_plan_code(&plan.code)?;
        let (name_en, name_it) = check_name(text, plan.name)?;
        let scopes = check_scopes(text, plan.scopes)?;
        paid_plans.push(PaidPlan {
            code,
            name_en,
            name_it,
            scopes,
        });
    }

    let mut severity_codes = HashSet::new();
    let mut severities = Vec::new();
    for severity in raw.severity {
        check_code(text, &severity.code)?;
        if !severity_codes.insert(severity.code.get_ref().clone()) {
            return Err(refuse(
                severity.code.span().start,
                format!("duplicate severity code \"{}\"", severity.code.get_ref()),
            ));
        }
        if *severity.first_response_hours.get_ref() == 0 {
            return Err(refuse(
                severity.first_response_hours.span().start,
                "first_response_hours must be at least 1".into(),
            ));
        }
        let (name_en, name_it) = check_name(text, severity.name)?;
        severities.push(Severity {
            code: severity.code.into_inner(),
            first_response_hours: severity.first_response_hours.into_inner(),
            name_en,
            name_it,
        });
    }

    Ok(Policy {
        benefits,
        severities,
        paid_plans,
        term_years: term.years,
        term_days: term.days,
        max_linked_accounts: *raw.contract.max_linked_accounts.get_ref(),
        low_balance_thresholds: {
            let mut thresholds = raw.contract.low_balance_thresholds.clone();
            thresholds.sort_unstable();
            thresholds.dedup();
            thresholds
        },
        supported_previous_versions: raw.versions.supported_previous,
    })
}

/// Codes are stored and compared as written: no blanks, nothing empty.
fn check_code(text: &str, code: &Spanned<String>) -> Result<(), PolicyError> {
    let value = code.get_ref();
    if value.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(PolicyError::at(
            text,
            code.span().start,
            "a code must be non-empty, without blanks",
        ));
    }
    Ok(())
}

fn check_name(text: &str, name: RawName) -> Result<(String, String), PolicyError> {
    for value in [&name.en, &name.it] {
        if value.get_ref().trim().is_empty() {
            return Err(PolicyError::at(
                text,
                value.span().start,
                "a name must not be empty",
            ));
        }
    }
    Ok((name.en.into_inner(), name.it.into_inner()))
}

fn check_scopes(text: &str, scopes: Spanned<Vec<Scope>>) -> Result<Vec<Scope>, PolicyError> {
    let start = scopes.span().start;
    let mut scopes = scopes.into_inner();
    let count = scopes.len();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() || scopes.len() != count {
        return Err(PolicyError::at(
            text,
            start,
            "scopes must list on_premises and/or cloud, each once",
        ));
    }
    Ok(scopes)
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
