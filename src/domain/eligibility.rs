//! Which plans a support request may be filed under: the account's linked contracts that fit
//! the product on a given day, and the `csp` plan for CSP organizations on cloud products;
//! every linked contract that does not fit is listed with the reason.

use super::contract::{Contract, ContractStatus};
use super::identifiers::ContractId;
use super::policy::Scope;
use super::product::{Coverage, Product, recent_version_coverage};
use serde::Serialize;
use std::cmp::Ordering;
use time::Date;

/// How a request names its plan: a linked contract, or the `csp` plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanRef {
    Contract(ContractId),
    Csp,
}

/// Reads `csp` (any case) or a Contract ID (forgivingly, see [`ContractId::parse`]).
/// `None` when it is neither.
pub fn parse_plan(raw: &str) -> Option<PlanRef> {
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case("csp") {
        Some(PlanRef::Csp)
    } else {
        ContractId::parse(raw).ok().map(PlanRef::Contract)
    }
}

/// Why a linked contract cannot be used for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unavailable {
    /// The term has ended.
    Expired,
    /// No incidents left.
    Exhausted,
    /// The plan covers recent versions only, and this version is not one of them.
    OlderVersion,
    /// The plan does not cover products of this scope (on-premises or cloud).
    WrongScope,
    /// The term has not begun yet.
    NotStarted,
    /// A contract of the account's own organization that would serve, but the account has not
    /// linked it.
    NotLinked,
}

impl Unavailable {
    pub const ALL: [Unavailable; 6] = [
        Unavailable::Expired,
        Unavailable::Exhausted,
        Unavailable::OlderVersion,
        Unavailable::WrongScope,
        Unavailable::NotStarted,
        Unavailable::NotLinked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Unavailable::Expired => "expired",
            Unavailable::Exhausted => "exhausted",
            Unavailable::OlderVersion => "older_version",
            Unavailable::WrongScope => "wrong_scope",
            Unavailable::NotStarted => "not_started",
            Unavailable::NotLinked => "not_linked",
        }
    }

    pub fn parse(value: &str) -> Option<Unavailable> {
        Unavailable::ALL
            .into_iter()
            .find(|reason| reason.as_str() == value)
    }
}

/// A contract linked to the account, with what its plan allows.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub contract: &'a Contract,
    /// From the contract's plan in the policy: the benefit's `recent_versions_only`; `false`
    /// for paid plans.
    pub recent_versions_only: bool,
}

/// What the request is for.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub product: &'a Product,
    /// The product version; checked against the product by the caller beforehand.
    pub version: Option<&'a str>,
    /// Filed on behalf of a CSP customer.
    pub for_customer: bool,
    /// The account belongs to an organization enrolled in `csp`.
    pub account_is_csp: bool,
}

/// A plan the request may be filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eligible {
    /// A linked contract; `remaining` is `None` when unlimited.
    Contract {
        contract_id: ContractId,
        remaining: Option<i64>,
    },
    /// The `csp` plan: no contract, nothing consumed.
    Csp,
}

/// The plans that may be used, best first, and the linked contracts that may not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolution {
    pub eligible: Vec<Eligible>,
    /// In the order the candidates were given.
    pub unavailable: Vec<(ContractId, Unavailable)>,
}

impl Resolution {
    /// Whether `plan` is among the eligible plans.
    pub fn allows(&self, plan: &PlanRef) -> bool {
        self.eligible.iter().any(|eligible| match (eligible, plan) {
            (Eligible::Contract { contract_id, .. }, PlanRef::Contract(wanted)) => {
                contract_id == wanted
            }
            (Eligible::Csp, PlanRef::Csp) => true,
            _ => false,
        })
    }

    /// Why the linked contract `contract_id` may not be used, if it is listed as unavailable.
    pub fn reason(&self, contract_id: &ContractId) -> Option<Unavailable> {
        self.unavailable
            .iter()
            .find(|(id, _)| id == contract_id)
            .map(|(_, reason)| *reason)
    }
}

/// Why one candidate cannot be used for the request on `as_of`, checked in a fixed order:
/// scope, then the term (not started, expired), then the balance, then the version.
fn check(
    request: &Request,
    candidate: &Candidate,
    supported_previous: u32,
    as_of: Date,
) -> Result<Option<i64>, Unavailable> {
    let contract = candidate.contract;
    let product = request.product;
    if !contract.scopes.contains(&product.scope) {
        return Err(Unavailable::WrongScope);
    }
    match contract.status(as_of) {
        ContractStatus::NotStarted => return Err(Unavailable::NotStarted),
        ContractStatus::Expired => return Err(Unavailable::Expired),
        ContractStatus::Exhausted => return Err(Unavailable::Exhausted),
        ContractStatus::Active => {}
    }
    if product.scope == Scope::OnPremises && candidate.recent_versions_only {
        // The caller has already refused unknown versions; should one (or none) get through,
        // a recent-versions plan must not cover it, so it counts as an older version.
        let coverage = request.version.map_or(Coverage::UnknownVersion, |version| {
            recent_version_coverage(product, version, supported_previous, as_of)
        });
        if coverage != Coverage::Covered {
            return Err(Unavailable::OlderVersion);
        }
    }
    Ok(contract.remaining())
}

/// Unlimited first, then the most incidents left, then by Contract ID.
fn best_first(a: &(&ContractId, Option<i64>), b: &(&ContractId, Option<i64>)) -> Ordering {
    let rank = |remaining: Option<i64>| remaining.map_or(i64::MAX, |left| left.min(i64::MAX - 1));
    rank(b.1)
        .cmp(&rank(a.1))
        .then_with(|| a.0.as_str().cmp(b.0.as_str()))
}

/// Resolves the plans for `request` on `as_of`.
///
/// Each candidate is checked in this order and the first failure is its reason:
/// `wrong_scope`, `not_started`, `expired`, `exhausted`, then `older_version` (on-premises
/// products under a recent-versions plan; see [`recent_version_coverage`]; a missing or
/// unknown version counts as older). Candidates that pass are eligible, unlimited first, then
/// the most remaining, then by Contract ID. The `csp` plan is eligible, always last, when the
/// account is a CSP organization's and the product is cloud.
///
/// A request on behalf of a CSP customer can only use the `csp` plan: the account's own
/// contracts are then omitted from both lists rather than reported as unavailable.
pub fn resolve(
    request: &Request,
    candidates: &[Candidate],
    supported_previous: u32,
    as_of: Date,
) -> Resolution {
    let mut resolution = Resolution::default();
    if !request.for_customer {
        let mut usable = Vec::new();
        for candidate in candidates {
            let contract_id = &candidate.contract.contract_id;
            match check(request, candidate, supported_previous, as_of) {
                Ok(remaining) => usable.push((contract_id, remaining)),
                Err(reason) => resolution.unavailable.push((contract_id.clone(), reason)),
            }
        }
        usable.sort_by(best_first);
        resolution.eligible = usable
            .into_iter()
            .map(|(contract_id, remaining)| Eligible::Contract {
                contract_id: contract_id.clone(),
                remaining,
            })
            .collect();
    }
    if request.account_is_csp && request.product.scope == Scope::Cloud {
        resolution.eligible.push(Eligible::Csp);
    }
    resolution
}

/// Of the organization's contracts the account has not linked, those that would serve the
/// request if it linked them (in the order given).
pub fn would_serve<'a>(
    request: &Request,
    unlinked: &[Candidate<'a>],
    supported_previous: u32,
    as_of: Date,
) -> Vec<&'a ContractId> {
    if request.for_customer {
        return Vec::new();
    }
    unlinked
        .iter()
        .filter(|candidate| check(request, candidate, supported_previous, as_of).is_ok())
        .map(|candidate| &candidate.contract.contract_id)
        .collect()
}

/// What would make an unavailable plan usable, and who can do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Link the contract: the account can do it itself (`by_you`: it administers the
    /// owning organization), or asks the organization's admins for the IDs.
    Link { by_you: bool },
    /// The plan covers these versions of the product (newest first): choose one of them.
    ChooseVersion { versions: Vec<String> },
    /// A paid plan would cover it: the organization's admins can order one (`by_you`: the
    /// account is one of them).
    OrderPlan { by_you: bool },
    /// The term begins on `start`: the plan can be used from that day.
    WaitForStart { start: Date },
}

impl Fix {
    /// `link_contract`, `choose_version`, `order_plan` or `wait_for_start`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Fix::Link { .. } => "link_contract",
            Fix::ChooseVersion { .. } => "choose_version",
            Fix::OrderPlan { .. } => "order_plan",
            Fix::WaitForStart { .. } => "wait_for_start",
        }
    }

    /// Whether the account itself can take the step.
    pub fn by_you(&self) -> bool {
        match self {
            Fix::Link { by_you } | Fix::OrderPlan { by_you } => *by_you,
            Fix::ChooseVersion { .. } | Fix::WaitForStart { .. } => true,
        }
    }
}

/// The fix for a contract unavailable for `reason`. `administers`: the account administers
/// the contract's organization. A recent-versions plan refusing an older version offers the
/// versions it covers on `as_of`; with none (a product without released versions), a paid
/// plan.
pub fn fix(
    reason: Unavailable,
    contract: &Contract,
    product: &Product,
    supported_previous: u32,
    as_of: Date,
    administers: bool,
) -> Fix {
    match reason {
        Unavailable::NotLinked => Fix::Link {
            by_you: administers,
        },
        Unavailable::NotStarted => Fix::WaitForStart {
            start: contract.start,
        },
        Unavailable::OlderVersion => {
            let versions = covered_versions(product, supported_previous, as_of);
            if versions.is_empty() {
                Fix::OrderPlan {
                    by_you: administers,
                }
            } else {
                Fix::ChooseVersion { versions }
            }
        }
        Unavailable::Expired | Unavailable::Exhausted | Unavailable::WrongScope => Fix::OrderPlan {
            by_you: administers,
        },
    }
}

/// The versions of `product` a recent-versions plan covers on `as_of`, newest first.
pub fn covered_versions(product: &Product, supported_previous: u32, as_of: Date) -> Vec<String> {
    let mut versions: Vec<&super::product::Version> = product
        .versions
        .iter()
        .filter(|version| {
            recent_version_coverage(product, &version.name, supported_previous, as_of)
                == Coverage::Covered
        })
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.released));
    versions.into_iter().map(|v| v.name.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrganizationId;
    use crate::domain::identifiers::AccessId;
    use crate::domain::product::Version;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use time::macros::date;
    use time::{Duration, OffsetDateTime};

    const TODAY: Date = date!(2026 - 06 - 01);

    fn contract(seed: u64, scopes: &[Scope], allotted: Option<i64>, used: i64) -> Contract {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        Contract {
            id: i64::try_from(seed).unwrap_or_default(),
            contract_id: ContractId::generate(&mut rng),
            access_id: AccessId::generate(&mut rng),
            organization_id: OrganizationId(1),
            plan_code: "product_support".into(),
            scopes: scopes.to_vec(),
            allotted,
            used,
            start: date!(2026 - 01 - 01),
            end: date!(2026 - 12 - 31),
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn windows() -> Product {
        let version = |name: &str, released: Date, mainstream_end: Date| Version {
            name: name.into(),
            released,
            mainstream_end,
            extended_end: mainstream_end + Duration::days(1800),
        };
        Product::new(
            "windows-server".into(),
            "Windows Server".into(),
            Scope::OnPremises,
            "windows".into(),
            vec![
                version("2019", date!(2018 - 11 - 13), date!(2024 - 01 - 09)),
                version("2022", date!(2021 - 08 - 18), date!(2026 - 10 - 13)),
                version("2025", date!(2024 - 11 - 01), date!(2029 - 10 - 09)),
            ],
        )
    }

    fn azure() -> Product {
        Product::new(
            "azure".into(),
            "Azure".into(),
            Scope::Cloud,
            "azure".into(),
            vec![],
        )
    }

    fn request<'a>(product: &'a Product, version: Option<&'a str>) -> Request<'a> {
        Request {
            product,
            version,
            for_customer: false,
            account_is_csp: false,
        }
    }

    fn candidate(contract: &Contract, recent_versions_only: bool) -> Candidate<'_> {
        Candidate {
            contract,
            recent_versions_only,
        }
    }

    #[test]
    fn plans_parse() {
        assert_eq!(parse_plan(" CSP "), Some(PlanRef::Csp));
        assert_eq!(
            parse_plan("0000 0572 4"),
            ContractId::parse("0000-0572-4").ok().map(PlanRef::Contract)
        );
        assert_eq!(parse_plan("0000-0572-5"), None);
        assert_eq!(parse_plan("premier"), None);
    }

    #[test]
    fn each_reason_has_its_fix() {
        let windows = windows();
        let active = contract(1, &[Scope::OnPremises], Some(20), 0);
        let fix_for = |reason, administers| fix(reason, &active, &windows, 1, TODAY, administers);
        // 2022 is still in mainstream support on TODAY, so the plan covers 2025 and 2022.
        assert_eq!(
            fix_for(Unavailable::OlderVersion, false),
            Fix::ChooseVersion {
                versions: vec!["2025".into(), "2022".into()]
            }
        );
        assert_eq!(
            fix_for(Unavailable::NotLinked, true),
            Fix::Link { by_you: true }
        );
        assert!(!fix_for(Unavailable::NotLinked, false).by_you());
        for reason in [
            Unavailable::Expired,
            Unavailable::Exhausted,
            Unavailable::WrongScope,
        ] {
            assert_eq!(fix_for(reason, false), Fix::OrderPlan { by_you: false });
        }
        assert_eq!(
            fix_for(Unavailable::NotStarted, false),
            Fix::WaitForStart {
                start: active.start
            }
        );
        // Without released versions there is none to choose: a paid plan is the way.
        assert_eq!(
            fix(Unavailable::OlderVersion, &active, &azure(), 1, TODAY, true),
            Fix::OrderPlan { by_you: true }
        );
    }

    #[test]
    fn only_unlinked_contracts_that_fit_would_serve() {
        let windows = windows();
        let fits = contract(2, &[Scope::OnPremises], Some(5), 0);
        let exhausted = contract(3, &[Scope::OnPremises], Some(5), 5);
        let cloud_only = contract(4, &[Scope::Cloud], None, 0);
        let unlinked = [
            candidate(&fits, true),
            candidate(&exhausted, false),
            candidate(&cloud_only, false),
        ];
        let newest = request(&windows, Some("2025"));
        assert_eq!(
            would_serve(&newest, &unlinked, 1, TODAY),
            vec![&fits.contract_id]
        );
        assert!(would_serve(&request(&windows, Some("2019")), &unlinked, 1, TODAY).is_empty());
        let for_customer = Request {
            for_customer: true,
            ..newest
        };
        assert!(would_serve(&for_customer, &unlinked, 1, TODAY).is_empty());
    }

    #[test]
    fn reasons_round_trip() {
        for reason in Unavailable::ALL {
            assert_eq!(Unavailable::parse(reason.as_str()), Some(reason));
            assert_eq!(
                serde_json::to_string(&reason).expect("serializes"),
                format!("\"{}\"", reason.as_str())
            );
        }
    }

    #[test]
    fn each_reason_on_an_on_premises_product() {
        let product = windows();
        let fresh = contract(1, &[Scope::OnPremises], Some(10), 3);
        let cloud_only = contract(2, &[Scope::Cloud], None, 0);
        let exhausted = contract(3, &[Scope::OnPremises], Some(5), 5);
        let expired = Contract {
            end: date!(2026 - 05 - 31),
            ..contract(4, &[Scope::OnPremises], Some(5), 0)
        };
        let future = Contract {
            start: date!(2026 - 06 - 02),
            ..contract(5, &[Scope::OnPremises], Some(5), 0)
        };
        let paid = contract(6, &[Scope::OnPremises, Scope::Cloud], None, 40);
        let candidates = [
            candidate(&fresh, true),
            candidate(&cloud_only, false),
            candidate(&exhausted, true),
            candidate(&expired, true),
            candidate(&future, true),
            candidate(&paid, false),
        ];
        // 2019 is two versions back: only the paid plan (no version rule) still covers it.
        let resolution = resolve(&request(&product, Some("2019")), &candidates, 1, TODAY);
        assert_eq!(
            resolution.eligible,
            [Eligible::Contract {
                contract_id: paid.contract_id.clone(),
                remaining: None
            }]
        );
        assert_eq!(
            resolution.unavailable,
            [
                (fresh.contract_id.clone(), Unavailable::OlderVersion),
                (cloud_only.contract_id.clone(), Unavailable::WrongScope),
                (exhausted.contract_id.clone(), Unavailable::Exhausted),
                (expired.contract_id.clone(), Unavailable::Expired),
                (future.contract_id.clone(), Unavailable::NotStarted),
            ]
        );
        // 2022 is N-1 and still in mainstream support.
        let resolution = resolve(&request(&product, Some("2022")), &candidates, 1, TODAY);
        assert!(resolution.allows(&PlanRef::Contract(fresh.contract_id.clone())));
        assert_eq!(resolution.reason(&fresh.contract_id), None);
        // Without a version, a recent-versions plan does not apply.
        let resolution = resolve(&request(&product, None), &candidates, 1, TODAY);
        assert_eq!(
            resolution.reason(&fresh.contract_id),
            Some(Unavailable::OlderVersion)
        );
    }

    #[test]
    fn best_plans_first_and_csp_last() {
        let product = azure();
        let few = contract(1, &[Scope::Cloud], Some(10), 8);
        let many = contract(2, &[Scope::Cloud], Some(10), 1);
        let unlimited = contract(3, &[Scope::Cloud], None, 100);
        let candidates = [
            candidate(&few, false),
            candidate(&many, false),
            candidate(&unlimited, false),
        ];
        let csp_request = Request {
            account_is_csp: true,
            ..request(&product, None)
        };
        let resolution = resolve(&csp_request, &candidates, 1, TODAY);
        assert_eq!(
            resolution.eligible,
            [
                Eligible::Contract {
                    contract_id: unlimited.contract_id.clone(),
                    remaining: None
                },
                Eligible::Contract {
                    contract_id: many.contract_id.clone(),
                    remaining: Some(9)
                },
                Eligible::Contract {
                    contract_id: few.contract_id.clone(),
                    remaining: Some(2)
                },
                Eligible::Csp,
            ]
        );
        assert!(resolution.allows(&PlanRef::Csp));
    }

    #[test]
    fn a_customer_request_offers_only_the_csp_plan() {
        let product = azure();
        let own = contract(1, &[Scope::Cloud], None, 0);
        let for_customer = Request {
            for_customer: true,
            account_is_csp: true,
            ..request(&product, None)
        };
        let resolution = resolve(&for_customer, &[candidate(&own, false)], 1, TODAY);
        assert_eq!(resolution.eligible, [Eligible::Csp]);
        assert!(resolution.unavailable.is_empty());
        // A CSP organization gets no csp plan for an on-premises product.
        let product = windows();
        let on_premises = Request {
            for_customer: true,
            account_is_csp: true,
            ..request(&product, Some("2025"))
        };
        assert_eq!(resolve(&on_premises, &[], 1, TODAY), Resolution::default());
    }

    fn arbitrary_contract() -> impl Strategy<Value = (Contract, bool)> {
        (
            any::<u64>(),
            0..3usize,
            prop::option::of(0..5i64),
            0..6i64,
            -400..400i64,
            0..400i64,
            any::<bool>(),
        )
            .prop_map(
                |(seed, scopes, allotted, used, start, length, recent_versions_only)| {
                    let scopes = [
                        vec![Scope::OnPremises],
                        vec![Scope::Cloud],
                        vec![Scope::OnPremises, Scope::Cloud],
                    ][scopes]
                        .clone();
                    let start = TODAY + Duration::days(start);
                    let used = allotted.map_or(used, |allotted| used.min(allotted));
                    let contract = Contract {
                        start,
                        end: start + Duration::days(length),
                        ..contract(seed, &scopes, allotted, used)
                    };
                    (contract, recent_versions_only)
                },
            )
    }

    proptest! {
        #[test]
        fn every_candidate_is_accounted_for(
            contracts in prop::collection::vec(arbitrary_contract(), 0..8),
            cloud in any::<bool>(),
            version in prop::sample::select(vec!["2019", "2022", "2025", "95"]),
            for_customer in any::<bool>(),
            account_is_csp in any::<bool>(),
            previous in 0..3u32,
        ) {
            let product = if cloud { azure() } else { windows() };
            let request = Request {
                product: &product,
                version: Some(version),
                for_customer,
                account_is_csp,
            };
            let candidates: Vec<Candidate> = contracts
                .iter()
                .map(|(contract, recent)| candidate(contract, *recent))
                .collect();
            let resolution = resolve(&request, &candidates, previous, TODAY);

            let eligible_ids: Vec<&ContractId> = resolution
                .eligible
                .iter()
                .filter_map(|plan| match plan {
                    Eligible::Contract { contract_id, .. } => Some(contract_id),
                    Eligible::Csp => None,
                })
                .collect();
            if for_customer {
                prop_assert!(eligible_ids.is_empty());
                prop_assert!(resolution.unavailable.is_empty());
            } else {
                prop_assert_eq!(
                    eligible_ids.len() + resolution.unavailable.len(),
                    candidates.len()
                );
                for (contract, _) in &contracts {
                    let id = &contract.contract_id;
                    let given = contracts.iter().filter(|(c, _)| &c.contract_id == id).count();
                    let listed = eligible_ids.iter().filter(|e| **e == id).count()
                        + resolution.unavailable.iter().filter(|(u, _)| u == id).count();
                    prop_assert_eq!(given, listed);
                }
            }

            for (contract, _) in &contracts {
                let id = &contract.contract_id;
                let status = contract.status(TODAY);
                if matches!(status, ContractStatus::Expired | ContractStatus::Exhausted) {
                    prop_assert!(!eligible_ids.contains(&id));
                }
                if !for_customer && !contract.scopes.contains(&product.scope) {
                    prop_assert_eq!(resolution.reason(id), Some(Unavailable::WrongScope));
                }
            }

            let csp_offered = resolution.eligible.contains(&Eligible::Csp);
            prop_assert_eq!(csp_offered, account_is_csp && cloud);
            if csp_offered {
                prop_assert_eq!(resolution.eligible.last(), Some(&Eligible::Csp));
            }

            let remaining: Vec<Option<i64>> = resolution
                .eligible
                .iter()
                .filter_map(|plan| match plan {
                    Eligible::Contract { remaining, .. } => Some(*remaining),
                    Eligible::Csp => None,
                })
                .collect();
            let rank = |left: &Option<i64>| left.map_or(i64::MAX, |left| left);
            prop_assert!(remaining.windows(2).all(|pair| rank(&pair[0]) >= rank(&pair[1])));
        }
    }
}
