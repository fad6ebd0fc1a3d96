//! Date inputs at the calendar's edges: every date an API body or query takes (memberships,
//! paid-plan orders, product versions, `as_of`, the audit filter) answers a success or a field
//! error for any value, never a panic or a 500, and a refused request stores nothing.

use crate::support::{Backend, Caller, TestApp};
use axum::http::StatusCode;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;
use sportello::config::Settings;

/// A date as a client might write it: anywhere in the representable calendar, at its very
/// edges, or just past them.
fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        (-9999i32..=9999, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| {
            if y < 0 {
                format!("-{:04}-{m:02}-{d:02}", -y)
            } else {
                format!("{y:04}-{m:02}-{d:02}")
            }
        }),
        prop::sample::select(vec![
            "9999-12-31",
            "9999-12-01",
            "9999-01-01",
            "0000-01-01",
            "0001-01-01",
            "-9999-01-01",
            "+10000-01-01",
            "10000-01-01",
            "2026-02-29",
            "2028-02-29",
            "1970-01-01",
        ])
        .prop_map(str::to_owned),
    ]
}

fn term_days() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        (0u32..=40_000).prop_map(|d| json!(d)),
        prop::sample::select(vec![
            json!(1),
            json!(36_600),
            json!(36_601),
            json!(u32::MAX),
            json!(-1),
            json!(1e12)
        ]),
    ]
}

fn answered_sensibly(what: &str, reply: &crate::support::Reply) -> Result<(), TestCaseError> {
    prop_assert!(
        reply.status.is_success() || reply.status.is_client_error(),
        "{what}: {} {}",
        reply.status,
        reply.text
    );
    if reply.status.is_client_error() && !reply.text.trim_start().starts_with('<') {
        prop_assert!(
            !reply.code().is_empty(),
            "{what}: a problem with a code: {}",
            reply.text
        );
    }
    Ok(())
}

#[test]
fn extreme_dates_answer_field_errors_never_panics_sqlite() {
    extreme_dates(Backend::Sqlite);
}

#[test]
fn extreme_dates_answer_field_errors_never_panics_postgres() {
    extreme_dates(Backend::Postgres);
}

fn extreme_dates(backend: Backend) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (app, operator, org) = runtime.block_on(async {
        let app = TestApp::with(backend, Settings::default()).await;
        let operator = app.operator().await;
        let org = app.organization("Edges", Some("5519999"), false).await;
        (app, operator, org)
    });
    let mut runner = TestRunner::new(Config {
        cases: 96,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (date(), date(), date(), term_days(), any::<u16>());
    runner
        .run(&strategy, |(first, second, third, term, n)| {
            runtime.block_on(check(
                &app, &operator, org, &first, &second, &third, term, n,
            ))
        })
        .expect("every date input answers a success or a field error");
}

#[allow(clippy::too_many_arguments)]
async fn check(
    app: &TestApp,
    operator: &Caller,
    org: sportello::domain::OrganizationId,
    first: &str,
    second: &str,
    third: &str,
    term: serde_json::Value,
    n: u16,
) -> Result<(), TestCaseError> {
    let membership = app
        .post(
            operator,
            &format!("/api/v1/organizations/{org}/memberships"),
            json!({"offer": "gold", "competency": "data_center", "start": first, "end": second}),
        )
        .await;
    answered_sensibly("membership", &membership)?;
    let benefits = app
        .get(operator, &format!("/api/v1/organizations/{org}/benefits"))
        .await;
    answered_sensibly("benefits", &benefits)?;
    let order = app
        .post(
            operator,
            &format!("/api/v1/organizations/{org}/orders"),
            json!({"plan": "premier", "allotment": 5, "start": first, "term_days": term}),
        )
        .await;
    answered_sensibly("order", &order)?;
    let product = app
        .post(
            operator,
            "/api/v1/products",
            json!({"code": format!("edge-{n}-{}", first.len()), "name": "Edge", "scope": "on_premises", "workload": "windows",
                   "versions": [{"name": "1", "released": first, "mainstream_end": second, "extended_end": third}]}),
        )
        .await;
    answered_sensibly("product", &product)?;
    if product.status == StatusCode::CREATED {
        let code = product.json()["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        for as_of in [first, second, third] {
            let plans = app
                .get(
                    operator,
                    &format!("/api/v1/me/support-plans?product={code}&version=1&as_of={as_of}"),
                )
                .await;
            answered_sensibly("support plans", &plans)?;
        }
    }
    let audit = app
        .get(
            operator,
            &format!("/operator/audit?since={first}&until={second}"),
        )
        .await;
    answered_sensibly("audit filter", &audit)?;
    Ok(())
}
