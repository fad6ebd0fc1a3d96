//! The usage chart of a contract: incidents used over its term, as server-side SVG that reads
//! without JavaScript (and without inline styles, which the Content-Security-Policy forbids).

use crate::domain::contract::Contract;
use std::fmt::Write;
use time::Date;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 36.0;

/// The chart's points: (day, incidents used at the end of that day), one per day with a
/// change, from the net incidents used each day (consumes less refunds, in day order).
pub fn usage_points(contract: &Contract, usage_by_day: &[(Date, i64)]) -> Vec<(Date, i64)> {
    let mut points = vec![(contract.start, 0)];
    let mut used = 0;
    for (day, delta) in usage_by_day {
        used += delta;
        let day = (*day).max(contract.start);
        match points.last_mut() {
            Some(last) if last.0 == day => last.1 = used,
            _ => points.push((day, used)),
        }
    }
    points
}

use super::escape;

/// Renders the step chart from the contract's start to `today` (or its end, if sooner),
/// with the allotment as a dashed line when it is counted. `title` and `description` are the
/// accessible name and summary.
pub fn usage_svg(
    contract: &Contract,
    usage_by_day: &[(Date, i64)],
    today: Date,
    title: &str,
    description: &str,
) -> String {
    let points = usage_points(contract, usage_by_day);
    let last_day = today.min(contract.end).max(contract.start);
    let span_days = (last_day - contract.start).whole_days().max(1) as f64;
    let peak = points.iter().map(|p| p.1).max().unwrap_or(0);
    let top_value = contract.allotted.unwrap_or(0).max(peak).max(1) as f64;
    let x = |day: Date| {
        LEFT + (day - contract.start).whole_days() as f64 / span_days * (WIDTH - LEFT - RIGHT)
    };
    let y = |value: i64| TOP + (1.0 - value as f64 / top_value) * (HEIGHT - TOP - BOTTOM);

    let mut path = String::new();
    let mut previous: Option<(f64, f64)> = None;
    for (day, used) in &points {
        let (px, py) = (x(*day), y(*used));
        match previous {
            None => {
                let _ = write!(path, "M{px:.1},{py:.1}");
            }
            Some((_, last_y)) => {
                let _ = write!(path, " L{px:.1},{last_y:.1} L{px:.1},{py:.1}");
            }
        }
        previous = Some((px, py));
    }
    if let Some((_, last_y)) = previous {
        let _ = write!(path, " L{:.1},{last_y:.1}", x(last_day));
    }

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title" aria-describedby="chart-desc" xmlns="http://www.w3.org/2000/svg">"#
    );
    let _ = write!(
        svg,
        r#"<title id="chart-title">{}</title><desc id="chart-desc">{}</desc>"#,
        escape(title),
        escape(description)
    );
    // Axes and gridlines.
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{}" x2="{}" y2="{}" stroke="#9aa4b2" stroke-width="1"/>"##,
        HEIGHT - BOTTOM,
        WIDTH - RIGHT,
        HEIGHT - BOTTOM
    );
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{}" stroke="#9aa4b2" stroke-width="1"/>"##,
        HEIGHT - BOTTOM
    );
    for value in [0, top_value as i64] {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{:.1}" text-anchor="end" font-size="12" fill="#374151">{value}</text>"##,
            LEFT - 6.0,
            y(value) + 4.0
        );
    }
    if let Some(allotted) = contract.allotted {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{0:.1}" x2="{1}" y2="{0:.1}" stroke="#b45309" stroke-width="1.5" stroke-dasharray="6 4"/>"##,
            y(allotted),
            WIDTH - RIGHT
        );
    }
    let _ = write!(
        svg,
        r##"<path d="{path}" fill="none" stroke="#1f5fbf" stroke-width="2.5"/>"##
    );
    for (day, used) in &points {
        let _ = write!(
            svg,
            r##"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="#1f5fbf"/>"##,
            x(*day),
            y(*used)
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{LEFT}" y="{}" font-size="12" fill="#374151">{}</text>"##,
        HEIGHT - 12.0,
        contract.start
    );
    if last_day > contract.start {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#374151">{}</text>"##,
            WIDTH - RIGHT,
            HEIGHT - 12.0,
            last_day
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrganizationId;
    use crate::domain::identifiers::{AccessId, ContractId};
    use crate::domain::policy::Scope;
    use time::macros::{date, datetime};

    #[test]
    fn points_step_with_consumes_and_refunds() {
        let mut rng = rand::rng();
        let contract = Contract {
            id: 1,
            contract_id: ContractId::generate(&mut rng),
            access_id: AccessId::generate(&mut rng),
            organization_id: OrganizationId(1),
            plan_code: "product_support".into(),
            scopes: vec![Scope::OnPremises],
            allotted: Some(10),
            used: 1,
            start: date!(2026 - 01 - 01),
            end: date!(2027 - 01 - 30),
            created_at: datetime!(2026-01-01 0:00 UTC),
        };
        // Two consumes on 1 February, a refund on 1 March.
        let ledger = [(date!(2026 - 02 - 01), 2), (date!(2026 - 03 - 01), -1)];
        assert_eq!(
            usage_points(&contract, &ledger),
            vec![
                (date!(2026 - 01 - 01), 0),
                (date!(2026 - 02 - 01), 2),
                (date!(2026 - 03 - 01), 1)
            ]
        );
        let svg = usage_svg(
            &contract,
            &ledger,
            date!(2026 - 04 - 01),
            "Usage <1>",
            "2 used",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Usage &lt;1&gt;"));
        assert!(svg.contains("stroke-dasharray"), "the allotment line");
        assert!(!svg.contains("style="), "no inline styles under the CSP");
    }
}
