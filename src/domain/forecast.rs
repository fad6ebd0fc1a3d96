//! When a contract's incidents run out at the pace of its recent use, or how many will expire
//! unused: the same answer for the contract page, the balance API and the low-balance mail.

use super::contract::Contract;
use serde::Serialize;
use time::{Date, Duration};

/// How far back the pace is measured.
pub const PACE_DAYS: i64 = 90;

/// The outlook of a counted contract on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "outlook", rename_all = "snake_case")]
pub enum Forecast {
    /// At this pace the incidents run out on `on`, on or before the contract's last day.
    RunsOut {
        #[serde(with = "crate::domain::membership::iso_date")]
        #[schema(value_type = String, format = Date)]
        on: Date,
        /// Net incidents used per 30 days over the pace window.
        per_30_days: f64,
    },
    /// At this pace about `unused` incidents are left when the contract ends on `end`.
    ExpiresUnused {
        unused: i64,
        #[serde(with = "crate::domain::membership::iso_date")]
        #[schema(value_type = String, format = Date)]
        end: Date,
        per_30_days: f64,
    },
    /// Nothing is left.
    Exhausted,
    /// The term is over: `unused` incidents were never used.
    Ended { unused: i64 },
}

/// The forecast for `contract` on `today` from its net use per day (consumes less refunds,
/// in day order); `None` for a contract without a count or one that has not started.
pub fn forecast(
    contract: &Contract,
    usage_by_day: &[(Date, i64)],
    today: Date,
) -> Option<Forecast> {
    let remaining = contract.remaining()?;
    if today < contract.start {
        return None;
    }
    if today > contract.end {
        return Some(Forecast::Ended { unused: remaining });
    }
    if remaining == 0 {
        return Some(Forecast::Exhausted);
    }
    // The pace over the last PACE_DAYS days (fewer for a younger contract), today included.
    let window_start = (today - Duration::days(PACE_DAYS - 1)).max(contract.start);
    let window_days = (today - window_start).whole_days() + 1;
    let used: i64 = usage_by_day
        .iter()
        .filter(|(day, _)| *day >= window_start && *day <= today)
        .map(|(_, delta)| delta)
        .sum::<i64>()
        .max(0);
    // Whole numbers throughout, so a date never moves by a rounding error.
    let per_30_days = (used * 300 / window_days) as f64 / 10.0;
    let days_left = (contract.end - today).whole_days();
    if used > 0 {
        let days_to_run_out = (remaining * window_days + used - 1) / used;
        if days_to_run_out <= days_left {
            return Some(Forecast::RunsOut {
                on: today + Duration::days(days_to_run_out),
                per_30_days,
            });
        }
    }
    let expected_use = used * days_left / window_days;
    Some(Forecast::ExpiresUnused {
        unused: (remaining - expected_use).max(1),
        end: contract.end,
        per_30_days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrganizationId;
    use crate::domain::identifiers::{AccessId, ContractId};
    use crate::domain::policy::Scope;
    use time::macros::{date, datetime};

    fn contract(allotted: Option<i64>, used: i64) -> Contract {
        let mut rng = rand::rng();
        Contract {
            id: 1,
            contract_id: ContractId::generate(&mut rng),
            access_id: AccessId::generate(&mut rng),
            organization_id: OrganizationId(1),
            plan_code: "product_support".into(),
            scopes: vec![Scope::OnPremises],
            allotted,
            used,
            start: date!(2026 - 01 - 01),
            end: date!(2026 - 12 - 31),
            created_at: datetime!(2026-01-01 0:00 UTC),
        }
    }

    #[test]
    fn a_steady_pace_runs_out_before_the_end() {
        // 9 used in the last 90 days (1 Jan – 31 Mar): 0.1 a day, 11 left → 110 days on.
        let c = contract(Some(20), 9);
        let usage = [(date!(2026 - 01 - 10), 5), (date!(2026 - 03 - 01), 4)];
        assert_eq!(
            forecast(&c, &usage, date!(2026 - 03 - 31)),
            Some(Forecast::RunsOut {
                on: date!(2026 - 07 - 19),
                per_30_days: 3.0
            })
        );
    }

    #[test]
    fn a_slow_pace_leaves_incidents_unused_and_old_use_does_not_count() {
        // Heavy use in January is outside the window on 1 November; 1 used since August.
        let c = contract(Some(20), 11);
        let usage = [(date!(2026 - 01 - 05), 10), (date!(2026 - 09 - 01), 1)];
        let Some(Forecast::ExpiresUnused { unused, end, .. }) =
            forecast(&c, &usage, date!(2026 - 11 - 01))
        else {
            panic!("expected incidents to expire unused");
        };
        assert_eq!(end, date!(2026 - 12 - 31));
        // 1 in 90 days, 60 days left: about 0 more used, 9 expire.
        assert_eq!(unused, 9);
        // No use at all: everything left expires.
        assert!(matches!(
            forecast(&contract(Some(20), 0), &[], date!(2026 - 06 - 01)),
            Some(Forecast::ExpiresUnused { unused: 20, per_30_days, .. }) if per_30_days == 0.0
        ));
    }

    #[test]
    fn refunds_count_against_the_pace_and_ends_are_plain() {
        let c = contract(Some(20), 0);
        let usage = [(date!(2026 - 05 - 01), 3), (date!(2026 - 05 - 02), -3)];
        assert!(matches!(
            forecast(&c, &usage, date!(2026 - 05 - 10)),
            Some(Forecast::ExpiresUnused { unused: 20, .. })
        ));
        assert_eq!(
            forecast(&contract(Some(20), 20), &[], date!(2026 - 05 - 10)),
            Some(Forecast::Exhausted)
        );
        assert_eq!(
            forecast(&contract(Some(20), 5), &[], date!(2027 - 01 - 01)),
            Some(Forecast::Ended { unused: 15 })
        );
        assert_eq!(
            forecast(&contract(None, 5), &[], date!(2026 - 05 - 10)),
            None
        );
        assert_eq!(
            forecast(&contract(Some(20), 0), &[], date!(2025 - 12 - 31)),
            None
        );
    }
}
