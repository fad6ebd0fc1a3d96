//! The usage chart of a contract: incidents used over its term, as server-side SVG that reads
//! without JavaScript (and without inline styles, which the Content-Security-Policy forbids).

use crate::domain::contract::Contract;
use crate::domain::forecast::Forecast;
use std::fmt::Write;
use time::Date;

const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 22.0;
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
/// What the chart says in words, in the viewer's language.
pub struct ChartText<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The label of the "today" marker.
    pub today: &'a str,
}

/// One drawing of the chart: its size and how much it labels.
struct Frame {
    width: f64,
    height: f64,
    /// The suffix of the title's and description's ids.
    id: &'static str,
    class: &'static str,
}

const DESKTOP: Frame = Frame {
    width: 720.0,
    height: 260.0,
    id: "",
    class: "chart chart-wide",
};
/// Drawn narrower, so its text stays readable on a phone (the page shows one or the other).
const PHONE: Frame = Frame {
    width: 360.0,
    height: 240.0,
    id: "-phone",
    class: "chart chart-narrow",
};

/// The usage chart over the contract's whole term: steps for each consume and refund, values
/// on the y-axis, the allotment, a "today" marker and the forecast's dashed line from today to
/// where the pace leads. Two drawings, one for wide screens and one for phones.
pub fn usage_svg(
    contract: &Contract,
    usage_by_day: &[(Date, i64)],
    today: Date,
    forecast: Option<&Forecast>,
    text: &ChartText<'_>,
) -> String {
    let mut out = draw(&DESKTOP, contract, usage_by_day, today, forecast, text);
    out.push_str(&draw(&PHONE, contract, usage_by_day, today, forecast, text));
    out
}

/// A round step for `top` split in at most five: 1, 2, 5, 10, 20, 50…
fn tick_step(top: i64) -> i64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if top / (step * factor) <= 5 {
                return step * factor;
            }
        }
        step *= 10;
    }
}

fn draw(
    frame: &Frame,
    contract: &Contract,
    usage_by_day: &[(Date, i64)],
    today: Date,
    forecast: Option<&Forecast>,
    text: &ChartText<'_>,
) -> String {
    let (width, height) = (frame.width, frame.height);
    let points = usage_points(contract, usage_by_day);
    let drawn_to = today.min(contract.end).max(contract.start);
    let span_days = (contract.end - contract.start).whole_days().max(1) as f64;
    let peak = points.iter().map(|p| p.1).max().unwrap_or(0);
    let top_value = contract.allotted.unwrap_or(0).max(peak).max(5);
    let step = tick_step(top_value);
    let top_value = (top_value + step - 1) / step * step;
    let plot_width = width - LEFT - RIGHT;
    let plot_height = height - TOP - BOTTOM;
    let x = |day: Date| {
        LEFT + (day - contract.start)
            .whole_days()
            .clamp(0, span_days as i64) as f64
            / span_days
            * plot_width
    };
    let y = |value: i64| TOP + (1.0 - value as f64 / top_value as f64) * plot_height;

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="{}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title{id}" aria-describedby="chart-desc{id}" xmlns="http://www.w3.org/2000/svg">"#,
        frame.class,
        id = frame.id
    );
    let _ = write!(
        svg,
        r#"<title id="chart-title{id}">{}</title><desc id="chart-desc{id}">{}</desc>"#,
        escape(text.title),
        escape(text.description),
        id = frame.id
    );
    // Gridlines with their values.
    let mut value = 0;
    while value <= top_value {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{0:.1}" x2="{1}" y2="{0:.1}" stroke="{2}" stroke-width="1"/><text x="{3}" y="{4:.1}" text-anchor="end" font-size="12" fill="#374151">{value}</text>"##,
            y(value),
            width - RIGHT,
            if value == 0 { "#9aa4b2" } else { "#e3e7ee" },
            LEFT - 6.0,
            y(value) + 4.0
        );
        value += step;
    }
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{}" stroke="#9aa4b2" stroke-width="1"/>"##,
        height - BOTTOM
    );
    if let Some(allotted) = contract.allotted {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{0:.1}" x2="{1}" y2="{0:.1}" stroke="#b45309" stroke-width="1.5" stroke-dasharray="6 4"/>"##,
            y(allotted),
            width - RIGHT
        );
    }
    // The forecast: from today's count to where the pace leads.
    let used_now = points.last().map_or(0, |p| p.1);
    let target = match forecast {
        Some(Forecast::RunsOut { on, .. }) => contract.allotted.map(|a| (*on, a)),
        Some(Forecast::ExpiresUnused { unused, end, .. }) => {
            contract.allotted.map(|a| (*end, a - unused))
        }
        _ => None,
    };
    if let Some((day, value)) = target
        && today >= contract.start
        && today <= contract.end
    {
        let _ = write!(
            svg,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#1f5fbf" stroke-width="2" stroke-dasharray="3 4"/><circle cx="{:.1}" cy="{:.1}" r="4" fill="#ffffff" stroke="#1f5fbf" stroke-width="2"/>"##,
            x(today),
            y(used_now),
            x(day),
            y(value),
            x(day),
            y(value)
        );
    }
    // The steps of what was used.
    let mut path = String::new();
    let mut previous: Option<f64> = None;
    for (day, used) in &points {
        let (px, py) = (x(*day), y(*used));
        match previous {
            None => {
                let _ = write!(path, "M{px:.1},{py:.1}");
            }
            Some(last_y) => {
                let _ = write!(path, " L{px:.1},{last_y:.1} L{px:.1},{py:.1}");
            }
        }
        previous = Some(py);
    }
    if let Some(last_y) = previous {
        let _ = write!(path, " L{:.1},{last_y:.1}", x(drawn_to));
    }
    let _ = write!(
        svg,
        r##"<path d="{path}" fill="none" stroke="#1f5fbf" stroke-width="2.5"/>"##
    );
    // Today, when it falls inside the term.
    if today >= contract.start && today <= contract.end {
        let tx = x(today);
        let anchor = if tx > width - RIGHT - 40.0 {
            "end"
        } else if tx < LEFT + 40.0 {
            "start"
        } else {
            "middle"
        };
        let _ = write!(
            svg,
            r##"<line x1="{tx:.1}" y1="{TOP}" x2="{tx:.1}" y2="{}" stroke="#6b7280" stroke-width="1" stroke-dasharray="2 3"/><text x="{tx:.1}" y="{}" text-anchor="{anchor}" font-size="12" font-weight="600" fill="#374151">{}</text>"##,
            height - BOTTOM,
            TOP - 4.0,
            escape(text.today)
        );
    }
    // The term's first and last day under the axis.
    let _ = write!(
        svg,
        r##"<text x="{LEFT}" y="{0}" font-size="12" fill="#374151">{1}</text><text x="{2}" y="{0}" text-anchor="end" font-size="12" fill="#374151">{3}</text>"##,
        height - 12.0,
        contract.start,
        width - RIGHT,
        contract.end
    );
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
        let today = date!(2026 - 04 - 01);
        let forecast = crate::domain::forecast::forecast(&contract, &ledger, today);
        let svg = usage_svg(
            &contract,
            &ledger,
            today,
            forecast.as_ref(),
            &ChartText {
                title: "Usage <1>",
                description: "2 used",
                today: "today",
            },
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(
            svg.matches("<svg").count(),
            2,
            "a wide and a narrow drawing"
        );
        assert!(svg.contains(">today</text>"), "the today marker");
        assert!(
            svg.contains(">2027-01-30</text>"),
            "the axis runs to the end of the term"
        );
        assert!(
            svg.contains(">10</text>") && svg.contains(">0</text>"),
            "values on the y-axis"
        );
        assert!(
            svg.contains("stroke-dasharray=\"3 4\""),
            "the forecast line"
        );
        assert_eq!(super::tick_step(20), 5);
        assert_eq!(super::tick_step(5), 1);
        assert_eq!(super::tick_step(130), 50);
        assert!(svg.contains("Usage &lt;1&gt;"));
        assert!(svg.contains("stroke-dasharray"), "the allotment line");
        assert!(!svg.contains("style="), "no inline styles under the CSP");
    }
}
