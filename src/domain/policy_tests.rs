//! Tests of the policy loader: the shipped table, and mistakes reported with their line.
use super::*;
use time::macros::date;

fn default() -> Policy {
    Policy::default_policy().expect("the shipped policy parses")
}

#[test]
fn default_policy_matches_the_article() {
    use Allotment::{Limited, Unlimited};
    let policy = default();
    assert_eq!(
        policy
            .benefits
            .iter()
            .map(|b| b.code.as_str())
            .collect::<Vec<_>>(),
        ["product_support", "signature_cloud"]
    );

    let product = policy.benefit("product_support").expect("present");
    assert_eq!(product.name_en, "Partner product support");
    assert_eq!(product.name_it, "Supporto tecnico per i prodotti partner");
    assert_eq!(product.scopes, [Scope::OnPremises]);
    assert!(product.recent_versions_only);
    for cloud in [None, Some(false), Some(true)] {
        assert_eq!(
            product.allotment(Offer::ActionPack, cloud),
            Some(Limited(10))
        );
        assert_eq!(product.allotment(Offer::Silver, cloud), Some(Limited(15)));
        assert_eq!(product.allotment(Offer::Gold, cloud), Some(Limited(20)));
    }

    let signature = policy.benefit("signature_cloud").expect("present");
    assert_eq!(signature.name_en, "Signature cloud support");
    assert_eq!(signature.name_it, "Supporto cloud Signature");
    assert_eq!(signature.scopes, [Scope::Cloud]);
    assert!(!signature.recent_versions_only);
    for cloud in [None, Some(false), Some(true)] {
        assert_eq!(signature.allotment(Offer::ActionPack, cloud), None);
    }
    assert_eq!(
        signature.allotment(Offer::Silver, Some(true)),
        Some(Unlimited)
    );
    assert_eq!(
        signature.allotment(Offer::Silver, Some(false)),
        Some(Limited(5))
    );
    assert_eq!(
        signature.allotment(Offer::Gold, Some(true)),
        Some(Unlimited)
    );
    assert_eq!(
        signature.allotment(Offer::Gold, Some(false)),
        Some(Limited(10))
    );

    let severities: Vec<(&str, u32)> = policy
        .severities
        .iter()
        .map(|s| (s.code.as_str(), s.first_response_hours))
        .collect();
    assert_eq!(severities, [("A", 2), ("B", 4), ("C", 8)]);
    assert_eq!(
        policy.severity("A").map(|s| s.name(false)),
        Some("Critical")
    );

    let premier = policy.paid_plan("premier").expect("present");
    assert_eq!(premier.name_en, "Premier Support for Partners");
    assert_eq!(premier.scopes, [Scope::OnPremises, Scope::Cloud]);
    let advanced = policy.paid_plan("advanced").expect("present");
    assert_eq!(advanced.name_en, "Advanced Support for Partners");
    assert_eq!(advanced.scopes, [Scope::Cloud]);
    assert_eq!(
        policy.plan_name("advanced", true),
        Some("Supporto Advanced per i partner")
    );
    assert_eq!(policy.plan_name("csp", false), None);

    assert_eq!((policy.term_years, policy.term_days), (1, 30));
    assert_eq!(policy.supported_previous_versions, 1);
}

#[test]
fn unlimited_beats_any_number() {
    assert!(Allotment::Unlimited > Allotment::Limited(u32::MAX));
    assert!(Allotment::Limited(20) > Allotment::Limited(15));
    assert_eq!(
        serde_json::to_string(&[Allotment::Limited(5), Allotment::Unlimited]).expect("serializes"),
        r#"[5,"unlimited"]"#
    );
}

#[test]
fn allotments_are_whole_positive_numbers_or_unlimited() {
    let read = |json: &str| serde_json::from_str::<Allotment>(json).ok();
    assert_eq!(read("20"), Some(Allotment::Limited(20)));
    assert_eq!(
        read("20.0"),
        Some(Allotment::Limited(20)),
        "JSON has one number type"
    );
    assert_eq!(read(r#""unlimited""#), Some(Allotment::Unlimited));
    for refused in ["20.5", "0", "0.0", "-1", "4294967296", "1e300", r#""many""#] {
        assert_eq!(read(refused), None, "{refused}");
    }
}

#[test]
fn contract_end_is_inclusive() {
    let policy = default();
    assert_eq!(
        policy.contract_end(date!(2026 - 01 - 01)),
        date!(2027 - 01 - 30)
    );
    // February 29 moves to February 28 in a common year, then 30 days.
    assert_eq!(
        policy.contract_end(date!(2028 - 02 - 29)),
        date!(2029 - 03 - 29)
    );
    let one_day = Policy {
        term_years: 0,
        term_days: 1,
        ..default()
    };
    assert_eq!(
        one_day.contract_end(date!(2026 - 03 - 01)),
        date!(2026 - 03 - 01)
    );
    let one_year = Policy {
        term_years: 1,
        term_days: 0,
        ..default()
    };
    assert_eq!(
        one_year.contract_end(date!(2026 - 01 - 01)),
        date!(2026 - 12 - 31)
    );
    assert_eq!(one_year.contract_end(Date::MAX), Date::MAX);
}

/// Replaces the first occurrence of `from` in the default file and parses the result.
fn parse_edited(from: &str, to: &str) -> PolicyError {
    assert!(DEFAULT_TOML.contains(from), "{from}");
    parse(&DEFAULT_TOML.replacen(from, to, 1)).expect_err("refused")
}

fn line_of(needle: &str) -> usize {
    DEFAULT_TOML
        .lines()
        .position(|line| line.contains(needle))
        .expect("present")
        + 1
}

#[test]
fn unknown_key_names_its_line() {
    let error = parse_edited("recent_versions_only = true", "recent_version_only = true");
    assert_eq!(
        error.line,
        line_of("recent_versions_only = true"),
        "{error}"
    );
    assert!(error.message.contains("recent_version_only"), "{error}");
}

#[test]
fn bad_allotments_name_their_line() {
    for bad in ["0", "-3", "\"lots\"", "2.5"] {
        let error = parse_edited("silver = 15", &format!("silver = {bad}"));
        assert_eq!(error.line, line_of("silver = 15"), "{bad}: {error}");
        assert_eq!(error.column, "silver = ".len() + 1, "{bad}: {error}");
    }
    let error = parse_edited("other = 5", "other = 0");
    assert_eq!(error.line, line_of("other = 5"), "{error}");
    let error = parse_edited("other = 5", "othr = 5");
    assert_eq!(error.line, line_of("other = 5"), "{error}");
    let error = parse_edited("action_pack = 10", "action_pack = { cloud = 1, other = 2 }");
    assert_eq!(error.line, line_of("action_pack = 10"), "{error}");
}

#[test]
fn broken_syntax_names_its_line() {
    let error = parse_edited("supported_previous = 1", "supported_previous = ");
    assert_eq!(error.line, line_of("supported_previous = 1"), "{error}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("line {}, column ", error.line))
    );
    assert!(!error.message.contains('\n'), "one line: {error}");
}

#[test]
fn semantic_checks_name_their_line() {
    let error = parse_edited("code = \"signature_cloud\"", "code = \"product_support\"");
    assert_eq!(error.line, line_of("code = \"signature_cloud\""), "{error}");
    assert!(error.message.contains("duplicate"), "{error}");

    let error = parse_edited("code = \"advanced\"", "code = \"premier\"");
    assert_eq!(error.line, line_of("code = \"advanced\""), "{error}");

    let error = parse_edited("code = \"C\"", "code = \"A\"");
    assert_eq!(error.line, line_of("code = \"C\""), "{error}");

    let error = parse_edited("first_response_hours = 4", "first_response_hours = 0");
    assert_eq!(error.line, line_of("first_response_hours = 4"), "{error}");

    let error = parse_edited("{ years = 1, days = 30 }", "{ years = 0, days = 0 }");
    assert_eq!(error.line, line_of("years = 1, days = 30"), "{error}");

    let error = parse_edited("scopes = [\"cloud\"]", "scopes = []");
    assert_eq!(error.line, line_of("scopes = [\"cloud\"]"), "{error}");

    let error = parse_edited("scopes = [\"cloud\"]", "scopes = [\"moon\"]");
    assert_eq!(error.line, line_of("scopes = [\"cloud\"]"), "{error}");
}

#[test]
fn at_least_one_benefit() {
    let without: String = DEFAULT_TOML
        .split("[[benefit]]")
        .next()
        .expect("a first part")
        .to_owned();
    let error = parse(&without).expect_err("refused");
    assert!(error.message.contains("at least one"), "{error}");
    assert_eq!((error.line, error.column), (1, 1));
}
