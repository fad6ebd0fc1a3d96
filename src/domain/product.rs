//! Products support is given for: code, name, scope, workload and, for on-premises products,
//! versions with their support dates. Owns the recent-versions (N-1) rule, evaluated as of a
//! day so "which versions were covered on day D" can be answered.

use super::FieldError;
use super::membership::{inclusive_range_contains, iso_date, parse_date};
use super::policy::Scope;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use time::Date;

/// The longest version name accepted, in characters.
const MAX_VERSION_NAME_CHARS: usize = 100;
/// The longest product name accepted, in characters.
const MAX_PRODUCT_NAME_CHARS: usize = 200;

/// One release of an on-premises product and its support dates (all inclusive calendar days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Version {
    /// As customers name it, e.g. `2022`; unique within a product, ignoring ASCII case.
    pub name: String,
    /// Day of general availability.
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub released: Date,
    /// Last day of mainstream support.
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub mainstream_end: Date,
    /// Last day of extended support.
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub extended_end: Date,
}

/// The order versions are kept in: newest release first; on the same day, the name that
/// sorts last first, so the order is total and every caller agrees on which is "newest".
fn newest_first(a: &Version, b: &Version) -> Ordering {
    b.released
        .cmp(&a.released)
        .then_with(|| b.name.cmp(&a.name))
}

/// A product requests can be filed for.
///
/// Invariant: `versions` is sorted newest first (by `released`, see [`Product::new`]); cloud
/// products have no versions. Both hold for every `Product` built by [`Product::new`] or
/// [`validate_product`]; [`recent_version_coverage`] does not rely on the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Product {
    /// Stable, lowercase `[a-z0-9-]{2,40}`, e.g. `sql-server`.
    pub code: String,
    pub name: String,
    pub scope: Scope,
    /// Routes requests to a team, e.g. `azure`, `windows`; same shape as `code`.
    pub workload: String,
    /// Newest first.
    pub versions: Vec<Version>,
}

impl Product {
    /// Builds a product, sorting `versions` newest first (the documented invariant).
    pub fn new(
        code: String,
        name: String,
        scope: Scope,
        workload: String,
        mut versions: Vec<Version>,
    ) -> Product {
        versions.sort_by(newest_first);
        Product {
            code,
            name,
            scope,
            workload,
            versions,
        }
    }

    /// The version named `name`, ignoring surrounding blanks and ASCII case.
    pub fn version(&self, name: &str) -> Option<&Version> {
        let name = name.trim();
        self.versions
            .iter()
            .find(|version| version.name.eq_ignore_ascii_case(name))
    }
}

/// The most versions one product body may list.
pub const MAX_VERSIONS: usize = 100;

/// A product as typed into a form or an API body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    /// Lowercase `[a-z0-9-]{2,40}`.
    #[schema(pattern = r"^\s*[a-z0-9-]{2,40}\s*$", max_length = 100)]
    pub code: String,
    #[schema(value_type = crate::domain::text::Line200)]
    pub name: String,
    #[schema(value_type = crate::domain::policy::Scope)]
    pub scope: String,
    /// Lowercase `[a-z0-9-]{2,40}`.
    #[schema(pattern = r"^\s*[a-z0-9-]{2,40}\s*$", max_length = 100)]
    pub workload: String,
    /// Required for on-premises products; must be empty for cloud products. At most 100.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub versions: Vec<VersionInput>,
}

/// A version as typed; dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionInput {
    #[schema(value_type = crate::domain::text::Line100)]
    pub name: String,
    #[schema(value_type = super::text::Day)]
    pub released: String,
    #[schema(value_type = super::text::Day)]
    pub mainstream_end: String,
    #[schema(value_type = super::text::Day)]
    pub extended_end: String,
}

/// Whether `value` is a lowercase code: 2 to 40 of `a-z`, `0-9` and `-`.
fn is_code(value: &str) -> bool {
    (2..=40).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Checks a product input, reporting every problem at once.
///
/// Codes: `code`/`workload` → `invalid_code`; `name` → `required` (or `too_long`,
/// `control_characters`); `scope` → `unknown_scope`; `versions` → `cloud_has_no_versions`,
/// `versions_required`, `required`, `too_long`, `invalid_date`, `dates_out_of_order`,
/// `duplicate_version`. Version errors carry no index, so each code is reported once however
/// many versions share it. Surrounding blanks are trimmed; codes are not lower-cased.
pub fn validate_product(input: &ProductInput) -> Result<Product, Vec<FieldError>> {
    let mut errors = Vec::new();

    let code = input.code.trim();
    if let Err(error) = super::at_most("code", &input.code, super::MAX_CODE_CHARS) {
        errors.push(error);
    } else if !is_code(code) {
        errors.push(FieldError::new("code", "invalid_code"));
    }
    let name = super::required_text("name", &input.name, MAX_PRODUCT_NAME_CHARS)
        .map_err(|error| errors.push(error))
        .ok();
    let scope = Scope::parse(input.scope.trim());
    if scope.is_none() {
        errors.push(FieldError::new("scope", "unknown_scope"));
    }
    let workload = input.workload.trim();
    if let Err(error) = super::at_most("workload", &input.workload, super::MAX_CODE_CHARS) {
        errors.push(error);
    } else if !is_code(workload) {
        errors.push(FieldError::new("workload", "invalid_code"));
    }
    if input.versions.len() > MAX_VERSIONS {
        errors.push(FieldError::new("versions", "too_many_versions"));
    }

    let mut versions = Vec::new();
    match scope {
        Some(Scope::Cloud) if !input.versions.is_empty() => {
            errors.push(FieldError::new("versions", "cloud_has_no_versions"));
        }
        Some(Scope::OnPremises) if input.versions.is_empty() => {
            errors.push(FieldError::new("versions", "versions_required"));
        }
        _ => {
            let mut version_errors = Vec::new();
            versions = validate_versions(&input.versions, &mut version_errors);
            for error in version_errors {
                if !errors.contains(&error) {
                    errors.push(error);
                }
            }
        }
    }

    match (name, scope) {
        (Some(name), Some(scope)) if errors.is_empty() => Ok(Product::new(
            code.to_owned(),
            name,
            scope,
            workload.to_owned(),
            versions,
        )),
        _ => Err(errors),
    }
}

/// Checks each version; returns the valid ones and pushes a `versions` error for the rest.
fn validate_versions(inputs: &[VersionInput], errors: &mut Vec<FieldError>) -> Vec<Version> {
    let mut versions: Vec<Version> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let name = super::required_text("versions", &input.name, MAX_VERSION_NAME_CHARS)
            .map_err(|error| errors.push(error))
            .ok();
        let released = parse_date(&input.released);
        let mainstream_end = parse_date(&input.mainstream_end);
        let extended_end = parse_date(&input.extended_end);
        let (Some(released), Some(mainstream_end), Some(extended_end)) =
            (released, mainstream_end, extended_end)
        else {
            errors.push(FieldError::new("versions", "invalid_date"));
            continue;
        };
        if !(released <= mainstream_end && mainstream_end <= extended_end) {
            errors.push(FieldError::new("versions", "dates_out_of_order"));
            continue;
        }
        let Some(name) = name else { continue };
        if versions
            .iter()
            .any(|seen| seen.name.eq_ignore_ascii_case(&name))
        {
            errors.push(FieldError::new("versions", "duplicate_version"));
            continue;
        }
        versions.push(Version {
            name,
            released,
            mainstream_end,
            extended_end,
        });
    }
    versions
}

/// Whether the recent-versions rule covers a version on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coverage {
    /// The newest released version, or one of the allowed previous ones still in mainstream.
    Covered,
    /// Released, but too old or out of mainstream support: `older_version`.
    OlderVersion,
    /// Not a version of the product, or not released yet on that day.
    UnknownVersion,
}

/// The N-1 rule as of `as_of`.
///
/// Among the versions released on or before `as_of`, ordered newest first, the newest is
/// covered; each of the next `supported_previous` ones is covered while `as_of` is within its
/// mainstream support (`released..=mainstream_end`, both days included); any other released
/// version is [`Coverage::OlderVersion`]. A name the product does not have, or a version
/// released after `as_of`, is [`Coverage::UnknownVersion`]. Names match ignoring surrounding
/// blanks and ASCII case. Versions released after `as_of` play no part.
pub fn recent_version_coverage(
    product: &Product,
    version: &str,
    supported_previous: u32,
    as_of: Date,
) -> Coverage {
    let name = version.trim();
    let mut released: Vec<&Version> = product
        .versions
        .iter()
        .filter(|candidate| candidate.released <= as_of)
        .collect();
    released.sort_by(|a, b| newest_first(a, b));
    let Some(position) = released
        .iter()
        .position(|candidate| candidate.name.eq_ignore_ascii_case(name))
    else {
        return Coverage::UnknownVersion;
    };
    let allowed_previous = usize::try_from(supported_previous).unwrap_or(usize::MAX);
    let found = released[position];
    if position == 0
        || (position <= allowed_previous
            && inclusive_range_contains(found.released, found.mainstream_end, as_of))
    {
        Coverage::Covered
    } else {
        Coverage::OlderVersion
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::date;

    fn version(name: &str, released: Date, mainstream_end: Date, extended_end: Date) -> Version {
        Version {
            name: name.into(),
            released,
            mainstream_end,
            extended_end,
        }
    }

    /// SQL Server-like dates.
    fn sql_server() -> Product {
        Product::new(
            "sql-server".into(),
            "SQL Server".into(),
            Scope::OnPremises,
            "sql-server".into(),
            vec![
                version(
                    "2016",
                    date!(2016 - 06 - 01),
                    date!(2021 - 07 - 13),
                    date!(2026 - 07 - 14),
                ),
                version(
                    "2022",
                    date!(2022 - 11 - 16),
                    date!(2028 - 01 - 11),
                    date!(2033 - 01 - 11),
                ),
                version(
                    "2019",
                    date!(2019 - 11 - 04),
                    date!(2025 - 02 - 28),
                    date!(2030 - 01 - 08),
                ),
            ],
        )
    }

    fn version_input(name: &str, released: &str, mainstream: &str, extended: &str) -> VersionInput {
        VersionInput {
            name: name.into(),
            released: released.into(),
            mainstream_end: mainstream.into(),
            extended_end: extended.into(),
        }
    }

    fn product_input(scope: &str, versions: Vec<VersionInput>) -> ProductInput {
        ProductInput {
            code: "sql-server".into(),
            name: "SQL Server".into(),
            scope: scope.into(),
            workload: "sql-server".into(),
            versions,
        }
    }

    fn codes(result: Result<Product, Vec<FieldError>>) -> Vec<(&'static str, &'static str)> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn new_sorts_newest_first() {
        let product = sql_server();
        let names: Vec<&str> = product.versions.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["2022", "2019", "2016"]);
    }

    #[test]
    fn serializes_dates_as_calendar_days() {
        let json = serde_json::to_value(sql_server()).expect("serializes");
        assert_eq!(json["scope"], "on_premises");
        assert_eq!(json["versions"][0]["released"], "2022-11-16");
        assert_eq!(json["versions"][0]["mainstream_end"], "2028-01-11");
    }

    #[test]
    fn valid_products() {
        let product = validate_product(&product_input(
            "on_premises",
            vec![
                version_input("2019", "2019-11-04", "2025-02-28", "2030-01-08"),
                version_input(" 2022 ", "2022-11-16", "2028-01-11", "2033-01-11"),
            ],
        ))
        .expect("valid");
        assert_eq!(product.versions[0].name, "2022");
        assert_eq!(product.versions[1].released, date!(2019 - 11 - 04));
        let cloud = ProductInput {
            code: "azure".into(),
            name: "Azure".into(),
            scope: "cloud".into(),
            workload: "azure".into(),
            versions: vec![],
        };
        let cloud = validate_product(&cloud).expect("valid");
        assert_eq!(cloud.scope, Scope::Cloud);
        assert!(cloud.versions.is_empty());
        // One-day support windows are fine.
        let same_day = product_input(
            "on_premises",
            vec![version_input("1", "2020-01-01", "2020-01-01", "2020-01-01")],
        );
        assert!(validate_product(&same_day).is_ok());
    }

    #[test]
    fn every_problem_is_reported() {
        let input = ProductInput {
            code: "SQL Server".into(),
            name: "  ".into(),
            scope: "hybrid".into(),
            workload: "x".into(),
            versions: vec![],
        };
        assert_eq!(
            codes(validate_product(&input)),
            [
                ("code", "invalid_code"),
                ("name", "required"),
                ("scope", "unknown_scope"),
                ("workload", "invalid_code"),
            ]
        );
        let long_code = ProductInput {
            code: "a".repeat(41),
            ..product_input("cloud", vec![])
        };
        assert_eq!(
            codes(validate_product(&long_code)),
            [("code", "invalid_code")]
        );
    }

    #[test]
    fn versions_follow_the_scope() {
        let one = || vec![version_input("1", "2020-01-01", "2021-01-01", "2022-01-01")];
        assert_eq!(
            codes(validate_product(&product_input("cloud", one()))),
            [("versions", "cloud_has_no_versions")]
        );
        assert_eq!(
            codes(validate_product(&product_input("on_premises", vec![]))),
            [("versions", "versions_required")]
        );
    }

    #[test]
    fn bad_versions_are_reported_once_per_code() {
        let input = product_input(
            "on_premises",
            vec![
                version_input("", "2020-01-01", "2021-01-01", "2022-01-01"),
                version_input("a", "2020-13-01", "2021-01-01", "2022-01-01"),
                version_input("b", "2020/01/01", "2021-01-01", "2022-01-01"),
                version_input("c", "2021-01-02", "2021-01-01", "2022-01-01"),
                version_input("d", "2020-01-01", "2023-01-01", "2022-01-01"),
                version_input("e", "2020-01-01", "2021-01-01", "2022-01-01"),
                version_input("E", "2020-01-01", "2021-01-01", "2022-01-01"),
            ],
        );
        assert_eq!(
            codes(validate_product(&input)),
            [
                ("versions", "required"),
                ("versions", "invalid_date"),
                ("versions", "dates_out_of_order"),
                ("versions", "duplicate_version"),
            ]
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let body = r#"{"code":"azure","name":"Azure","scope":"cloud","workload":"azure","x":1}"#;
        assert!(serde_json::from_str::<ProductInput>(body).is_err());
        let body = r#"{"code":"azure","name":"Azure","scope":"cloud","workload":"azure"}"#;
        let input: ProductInput = serde_json::from_str(body).expect("versions default to empty");
        assert!(input.versions.is_empty());
    }

    #[test]
    fn n_minus_one_on_known_days() {
        let product = sql_server();
        let on = |name: &str, day: Date| recent_version_coverage(&product, name, 1, day);
        // 2022 is newest from its release day; 2019 is N-1 and in mainstream until 2025-02-28.
        assert_eq!(on("2022", date!(2024 - 01 - 01)), Coverage::Covered);
        assert_eq!(on("2019", date!(2025 - 02 - 28)), Coverage::Covered);
        assert_eq!(on("2019", date!(2025 - 03 - 01)), Coverage::OlderVersion);
        assert_eq!(on("2016", date!(2024 - 01 - 01)), Coverage::OlderVersion);
        // The day before 2022 shipped, 2019 was newest and 2016 was N-1, out of mainstream.
        assert_eq!(on("2019", date!(2022 - 11 - 15)), Coverage::Covered);
        assert_eq!(on("2022", date!(2022 - 11 - 15)), Coverage::UnknownVersion);
        assert_eq!(on("2016", date!(2020 - 01 - 01)), Coverage::Covered);
        assert_eq!(on("2016", date!(2022 - 11 - 15)), Coverage::OlderVersion);
        // Names match loosely; unknown names are unknown.
        assert_eq!(on(" 2022 ", date!(2024 - 01 - 01)), Coverage::Covered);
        assert_eq!(on("2008", date!(2024 - 01 - 01)), Coverage::UnknownVersion);
        // N-2 reaches 2016 by position, but its mainstream support has ended.
        assert_eq!(
            recent_version_coverage(&product, "2016", 2, date!(2024 - 01 - 01)),
            Coverage::OlderVersion
        );
        assert_eq!(
            recent_version_coverage(&product, "2019", 0, date!(2024 - 01 - 01)),
            Coverage::OlderVersion
        );
    }

    const BASE: Date = date!(2010 - 01 - 01);

    fn day(offset: i64) -> Date {
        BASE + Duration::days(offset)
    }

    /// Up to six versions named `v0`…, with random release days and support windows.
    fn arbitrary_product() -> impl Strategy<Value = Product> {
        prop::collection::vec((0..4000i64, 0..2000i64, 0..2000i64), 1..6).prop_map(|specs| {
            let versions = specs
                .into_iter()
                .enumerate()
                .map(|(index, (released, mainstream, extended))| {
                    version(
                        &format!("v{index}"),
                        day(released),
                        day(released + mainstream),
                        day(released + mainstream + extended),
                    )
                })
                .collect();
            Product::new(
                "p".into(),
                "P".into(),
                Scope::OnPremises,
                "w".into(),
                versions,
            )
        })
    }

    proptest! {
        #[test]
        fn newest_released_is_always_covered(
            product in arbitrary_product(),
            as_of in 0..7000i64,
            previous in 0..4u32,
        ) {
            let as_of = day(as_of);
            // Versions are sorted newest first, so the first released one is the newest.
            if let Some(newest) = product.versions.iter().find(|v| v.released <= as_of) {
                prop_assert_eq!(
                    recent_version_coverage(&product, &newest.name, previous, as_of),
                    Coverage::Covered
                );
            }
        }

        #[test]
        fn without_previous_versions_only_the_newest_is_covered(
            product in arbitrary_product(),
            as_of in 0..7000i64,
        ) {
            let as_of = day(as_of);
            let newest = product.versions.iter().find(|v| v.released <= as_of);
            for version in &product.versions {
                let expected = if version.released > as_of {
                    Coverage::UnknownVersion
                } else if Some(version) == newest {
                    Coverage::Covered
                } else {
                    Coverage::OlderVersion
                };
                prop_assert_eq!(
                    recent_version_coverage(&product, &version.name, 0, as_of),
                    expected
                );
            }
        }

        #[test]
        fn past_mainstream_is_covered_only_when_newest(
            product in arbitrary_product(),
            as_of in 0..7000i64,
            previous in 0..6u32,
        ) {
            let as_of = day(as_of);
            let newest = product.versions.iter().find(|v| v.released <= as_of);
            for version in &product.versions {
                if version.mainstream_end < as_of && Some(version) != newest {
                    prop_assert_eq!(
                        recent_version_coverage(&product, &version.name, previous, as_of),
                        Coverage::OlderVersion
                    );
                }
            }
        }

        #[test]
        fn a_future_release_changes_nothing_before_it(
            product in arbitrary_product(),
            release in 1..7000i64,
            previous in 0..4u32,
        ) {
            let released = day(release);
            let before = day(release - 1);
            let mut versions = product.versions.clone();
            versions.push(version("future", released, released, released));
            let extended = Product::new(
                product.code.clone(),
                product.name.clone(),
                product.scope,
                product.workload.clone(),
                versions,
            );
            for version in &product.versions {
                prop_assert_eq!(
                    recent_version_coverage(&extended, &version.name, previous, before),
                    recent_version_coverage(&product, &version.name, previous, before)
                );
            }
            prop_assert_eq!(
                recent_version_coverage(&extended, "future", previous, before),
                Coverage::UnknownVersion
            );
        }
    }
}
