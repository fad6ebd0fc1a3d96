//! Benefits: what an organization's active memberships earn under the policy, and which
//! membership each benefit comes from.

use super::membership::{Competency, Membership, iso_date};
use super::policy::{Allotment, Policy, Scope};
use serde::Serialize;
use std::cmp::Reverse;
use time::Date;

/// A benefit an organization may activate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Benefit {
    /// The policy's benefit code, e.g. `product_support`.
    pub code: String,
    pub allotment: Allotment,
    /// The membership that earns it (the best one, when several do).
    pub source_membership_id: i64,
    /// The last day (inclusive) it can be activated: the source membership's end.
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub activate_by: Date,
    pub scopes: Vec<Scope>,
}

/// The benefits earned on `as_of`, in the policy's order.
///
/// For each benefit, among the memberships active on `as_of` the largest allotment wins
/// (unlimited beats any number); ties go to the membership ending last, then to the lowest id.
/// A competency code missing from `competencies` counts as not cloud.
pub fn compute_benefits(
    memberships: &[Membership],
    competencies: &[Competency],
    policy: &Policy,
    as_of: Date,
) -> Vec<Benefit> {
    let active: Vec<(&Membership, Option<bool>)> = memberships
        .iter()
        .filter(|membership| membership.active_on(as_of))
        .map(|membership| (membership, competency_is_cloud(membership, competencies)))
        .collect();

    policy
        .benefits
        .iter()
        .filter_map(|benefit| {
            active
                .iter()
                .filter_map(|(membership, cloud)| {
                    benefit
                        .allotment(membership.offer, *cloud)
                        .map(|allotment| (allotment, *membership))
                })
                .max_by_key(|(allotment, membership)| {
                    (*allotment, membership.end, Reverse(membership.id))
                })
                .map(|(allotment, membership)| Benefit {
                    code: benefit.code.clone(),
                    allotment,
                    source_membership_id: membership.id,
                    activate_by: membership.end,
                    scopes: benefit.scopes.clone(),
                })
        })
        .collect()
}

/// `None` without a competency; an unknown code counts as not cloud.
fn competency_is_cloud(membership: &Membership, competencies: &[Competency]) -> Option<bool> {
    membership.competency.as_ref().map(|code| {
        competencies
            .iter()
            .any(|competency| &competency.code == code && competency.cloud)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrganizationId;
    use crate::domain::membership::Offer;
    use proptest::prelude::*;
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

    fn policy() -> Policy {
        Policy::default_policy().expect("the shipped policy parses")
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Kind {
        Cloud,
        Other,
        Unknown,
        None,
    }

    fn competency_code(kind: Kind) -> Option<String> {
        match kind {
            Kind::Cloud => Some("cloud_platform".into()),
            Kind::Other => Some("data_center".into()),
            Kind::Unknown => Some("retired_competency".into()),
            Kind::None => None,
        }
    }

    fn membership(id: i64, offer: Offer, kind: Kind, start: Date, end: Date) -> Membership {
        Membership {
            id,
            organization_id: OrganizationId(1),
            offer,
            competency: competency_code(kind),
            start,
            end,
        }
    }

    /// The article's table, written out independently of the policy file.
    fn table(offer: Offer, kind: Kind) -> Vec<(&'static str, Allotment)> {
        use Allotment::{Limited, Unlimited};
        let product = match offer {
            Offer::ActionPack => 10,
            Offer::Silver => 15,
            Offer::Gold => 20,
        };
        let cloud = match (offer, kind) {
            (Offer::ActionPack, _) => None,
            (_, Kind::Cloud) => Some(Unlimited),
            (Offer::Silver, _) => Some(Limited(5)),
            (Offer::Gold, _) => Some(Limited(10)),
        };
        let mut row = vec![("product_support", Limited(product))];
        row.extend(cloud.map(|allotment| ("signature_cloud", allotment)));
        row
    }

    fn summary(benefits: &[Benefit]) -> Vec<(&str, Allotment)> {
        benefits
            .iter()
            .map(|benefit| (benefit.code.as_str(), benefit.allotment))
            .collect()
    }

    fn offer() -> impl Strategy<Value = Offer> {
        prop::sample::select(Offer::ALL.to_vec())
    }

    fn kind() -> impl Strategy<Value = Kind> {
        prop::sample::select(vec![Kind::Cloud, Kind::Other, Kind::Unknown, Kind::None])
    }

    fn day() -> impl Strategy<Value = Date> {
        (0i64..3000).prop_map(|offset| date!(2024 - 01 - 01) + time::Duration::days(offset))
    }

    prop_compose! {
        fn memberships()(
            specs in prop::collection::vec((offer(), kind(), day(), 0i64..800), 0..6),
        ) -> Vec<Membership> {
            specs
                .into_iter()
                .enumerate()
                .map(|(index, (offer, kind, start, length))| {
                    let id = i64::try_from(index).unwrap_or_default() + 1;
                    membership(id, offer, kind, start, start + time::Duration::days(length))
                })
                .collect()
        }
    }

    #[test]
    fn no_memberships_no_benefits() {
        assert!(
            compute_benefits(&[], &competencies(), &policy(), date!(2026 - 01 - 01)).is_empty()
        );
    }

    #[test]
    fn best_membership_is_the_source() {
        let start = date!(2026 - 01 - 01);
        let memberships = [
            membership(1, Offer::Silver, Kind::Cloud, start, date!(2026 - 06 - 30)),
            membership(2, Offer::Gold, Kind::Other, start, date!(2026 - 12 - 31)),
            membership(3, Offer::Gold, Kind::Cloud, start, date!(2026 - 03 - 31)),
            membership(4, Offer::Gold, Kind::Cloud, start, date!(2026 - 03 - 31)),
        ];
        let benefits = compute_benefits(&memberships, &competencies(), &policy(), start);
        assert_eq!(
            benefits,
            [
                Benefit {
                    code: "product_support".into(),
                    allotment: Allotment::Limited(20),
                    source_membership_id: 2,
                    activate_by: date!(2026 - 12 - 31),
                    scopes: vec![Scope::OnPremises],
                },
                Benefit {
                    code: "signature_cloud".into(),
                    allotment: Allotment::Unlimited,
                    // Silver ends later than the gold ones: same allotment, latest end wins.
                    source_membership_id: 1,
                    activate_by: date!(2026 - 06 - 30),
                    scopes: vec![Scope::Cloud],
                },
            ]
        );
        // Same allotment and end: the lowest id.
        let benefits = compute_benefits(&memberships[2..], &competencies(), &policy(), start);
        assert!(benefits.iter().all(|b| b.source_membership_id == 3));
        assert_eq!(
            serde_json::to_value(&benefits[1]).expect("serializes")["activate_by"],
            "2026-03-31"
        );
    }

    proptest! {
        #[test]
        fn single_membership_matches_the_table(offer in offer(), kind in kind(), as_of in day()) {
            let membership = membership(1, offer, kind, as_of, as_of);
            let benefits = compute_benefits(&[membership], &competencies(), &policy(), as_of);
            prop_assert_eq!(summary(&benefits), table(offer, kind));
            prop_assert!(benefits.iter().all(|b| b.source_membership_id == 1 && b.activate_by == as_of));
        }

        #[test]
        fn result_is_the_max_over_active_memberships(memberships in memberships(), as_of in day()) {
            let benefits = compute_benefits(&memberships, &competencies(), &policy(), as_of);
            let mut expected: Vec<(&str, Allotment)> = Vec::new();
            for code in ["product_support", "signature_cloud"] {
                let best = memberships
                    .iter()
                    .filter(|m| m.start <= as_of && as_of <= m.end)
                    .flat_map(|m| {
                        let kind = match m.competency.as_deref() {
                            Some("cloud_platform") => Kind::Cloud,
                            Some(_) => Kind::Other,
                            None => Kind::None,
                        };
                        table(m.offer, kind).into_iter().filter(|(c, _)| *c == code)
                    })
                    .map(|(_, allotment)| allotment)
                    .max();
                expected.extend(best.map(|allotment| (code, allotment)));
            }
            prop_assert_eq!(summary(&benefits), expected);
            for benefit in &benefits {
                let source = memberships
                    .iter()
                    .find(|m| m.id == benefit.source_membership_id)
                    .expect("the source is one of the memberships");
                prop_assert!(source.active_on(as_of));
                prop_assert_eq!(benefit.activate_by, source.end);
            }
        }

        #[test]
        fn active_exactly_on_inclusive_days(start in day(), length in 0i64..400) {
            let end = start + time::Duration::days(length);
            let m = membership(1, Offer::ActionPack, Kind::None, start, end);
            let one = time::Duration::days(1);
            prop_assert!(!m.active_on(start - one));
            prop_assert!(m.active_on(start));
            prop_assert!(m.active_on(end));
            prop_assert!(!m.active_on(end + one));
            let all = competencies();
            let policy = policy();
            prop_assert!(compute_benefits(std::slice::from_ref(&m), &all, &policy, start - one).is_empty());
            prop_assert!(!compute_benefits(std::slice::from_ref(&m), &all, &policy, end).is_empty());
            prop_assert!(compute_benefits(&[m], &all, &policy, end + one).is_empty());
        }

        #[test]
        fn inactive_membership_changes_nothing(
            mut memberships in memberships(),
            extra_offer in offer(),
            extra_kind in kind(),
            as_of in day(),
            gap in 1i64..500,
            length in 0i64..500,
            before in any::<bool>(),
        ) {
            let policy = policy();
            let all = competencies();
            let without = compute_benefits(&memberships, &all, &policy, as_of);
            let (start, end) = if before {
                let end = as_of - time::Duration::days(gap);
                (end - time::Duration::days(length), end)
            } else {
                let start = as_of + time::Duration::days(gap);
                (start, start + time::Duration::days(length))
            };
            prop_assert!(end < as_of || start > as_of);
            memberships.push(membership(0, extra_offer, extra_kind, start, end));
            prop_assert_eq!(compute_benefits(&memberships, &all, &policy, as_of), without);
        }
    }
}
