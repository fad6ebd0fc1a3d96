//! An account's linked contracts come from memory but for the links and the counters, which
//! are read afresh every time: what another instance changes (a consume, a revoked link, a new
//! link) shows at once, and the eligibility answer follows the same read.

use crate::contracts::issue;
use crate::support::{Backend, TestApp};
use axum::http::StatusCode;
use serde_json::json;
use sportello::config::Settings;
use sportello::store::Store;
use sportello::store::audit::AuditEntry;
use time::{Duration, OffsetDateTime};

fn audit() -> AuditEntry {
    crate::support::fixture_audit()
}

async fn linked_contracts_follow_every_instance(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let here = app.store();
    let other = Store::connect(&app.db.url).await.expect("second instance");
    let contoso = app.organization("Contoso", Some("4410004"), false).await;
    let holder = app.caller("holder@personal.example", None, &[]).await;
    let account = holder.account_id.expect("account");
    let today = OffsetDateTime::now_utc().date();
    let mut contracts = Vec::new();
    for allotted in [Some(5), Some(3), None] {
        let contract = issue(
            here,
            contoso,
            allotted,
            today - Duration::days(1),
            today + Duration::days(300),
        )
        .await;
        here.link(
            contract.id,
            account,
            10,
            &audit(),
            OffsetDateTime::now_utc(),
        )
        .await
        .expect("link");
        contracts.push(contract);
    }
    let listed = |store: &Store| {
        let store = store.clone();
        async move {
            store
                .linked_contracts(account)
                .await
                .expect("linked")
                .into_iter()
                .map(|l| {
                    (
                        l.contract.contract_id.to_string(),
                        l.contract.used,
                        l.contract.allotted,
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let first = listed(here).await;
    assert_eq!(first.len(), 3);
    assert_eq!(first[0], (contracts[0].contract_id.to_string(), 0, Some(5)));

    // The other instance consumes: the counters here follow at once.
    assert!(
        other
            .consume(contracts[0].id, None, None, OffsetDateTime::now_utc())
            .await
            .expect("consume")
    );
    assert_eq!(listed(here).await[0].1, 1);
    // It revokes a link and the holder links a fourth contract there: both show here at once.
    assert!(
        other
            .revoke_link(
                contracts[1].id,
                account,
                account,
                &audit(),
                OffsetDateTime::now_utc()
            )
            .await
            .expect("revoke")
    );
    let fourth = issue(
        &other,
        contoso,
        Some(2),
        today - Duration::days(1),
        today + Duration::days(300),
    )
    .await;
    other
        .link(fourth.id, account, 10, &audit(), OffsetDateTime::now_utc())
        .await
        .expect("link");
    let now = listed(here).await;
    let codes: Vec<&str> = now.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        codes,
        vec![
            contracts[0].contract_id.as_str(),
            contracts[2].contract_id.as_str(),
            fourth.contract_id.as_str()
        ]
    );

    // The eligibility answer reads the same way: the exhausted contract is unavailable as soon
    // as the other instance uses its last incident.
    app.post(
        &app.operator().await,
        "/api/v1/products",
        json!({"code": "sql-server", "name": "SQL Server", "scope": "on_premises", "workload": "sql-server",
               "versions": [{"name": "2022", "released": "2022-11-16", "mainstream_end": "2028-01-11", "extended_end": "2033-01-11"}]}),
    )
    .await;
    let plans = || async {
        let answer = app
            .get(
                &holder,
                "/api/v1/me/support-plans?product=sql-server&version=2022",
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        answer.json()
    };
    assert_eq!(
        plans().await["eligible"]
            .as_array()
            .expect("eligible")
            .len(),
        3
    );
    for _ in 0..2 {
        assert!(
            other
                .consume(fourth.id, None, None, OffsetDateTime::now_utc())
                .await
                .expect("consume")
        );
    }
    let answer = plans().await;
    assert_eq!(answer["eligible"].as_array().expect("eligible").len(), 2);
    assert_eq!(
        answer["unavailable"][0]["contract_id"],
        fourth.contract_id.to_string()
    );
    assert_eq!(answer["unavailable"][0]["reason"], "exhausted");
}

crate::on_both_backends!(linked_contracts_follow_every_instance);
