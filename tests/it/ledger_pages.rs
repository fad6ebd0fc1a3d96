//! A contract's ledger a page at a time: the balance answer carries the latest entries and
//! the way to older ones, the ledger endpoint walks back with a cursor, the contract page
//! links to older entries, and the usage chart still adds every entry up.

use crate::contracts::issue;
use crate::support::{Backend, TestApp};
use axum::http::StatusCode;
use serde_json::{Value, json};
use sportello::config::Settings;
use sportello::domain::Role;
use time::{Duration, OffsetDateTime};

async fn ledger_pages_walk_back_to_the_grant(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let contoso = app.organization("Contoso", Some("4410004"), false).await;
    let fabrikam = app.organization("Fabrikam", Some("4410005"), false).await;
    let today = OffsetDateTime::now_utc().date();
    let contract = issue(
        app.store(),
        contoso,
        Some(100),
        today - Duration::days(10),
        today + Duration::days(300),
    )
    .await;
    // A grant and 44 consumes: 45 entries, three pages of 20.
    for _ in 0..44 {
        assert!(
            app.store()
                .consume(contract.id, None, None, OffsetDateTime::now_utc())
                .await
                .expect("consume")
        );
    }
    let holder = app.caller("holder@personal.example", None, &[]).await;
    let stranger = app
        .caller("admin@fabrikam.com", Some(fabrikam), &[Role::GlobalAdmin])
        .await;
    let linked = app
        .post(
            &holder,
            "/api/v1/me/contracts",
            json!({"contract_id": contract.contract_id.to_string(), "access_id": contract.access_id.to_string()}),
        )
        .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);

    let balance = app
        .get(
            &holder,
            &format!("/api/v1/contracts/{}", contract.contract_id),
        )
        .await
        .json();
    assert_eq!(
        (balance["used"].clone(), balance["remaining"].clone()),
        (json!(44), json!(56))
    );
    let latest = balance["ledger"].as_array().expect("ledger").clone();
    assert_eq!(
        latest.len(),
        20,
        "the balance carries the latest 20 entries"
    );
    let ids = |entries: &[Value]| {
        entries
            .iter()
            .map(|e| e["id"].as_i64().expect("id"))
            .collect::<Vec<_>>()
    };
    let latest_ids = ids(&latest);
    assert!(
        latest_ids.windows(2).all(|w| w[0] < w[1]),
        "oldest first: {latest_ids:?}"
    );

    // Walk back with the cursor until the grant.
    let mut pages = vec![latest];
    let mut older = balance["ledger_older"].as_str().map(str::to_owned);
    while let Some(path) = older {
        let page = app.get(&holder, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
        let page = page.json();
        pages.push(page["items"].as_array().expect("items").clone());
        older = page["older"].as_str().map(str::to_owned);
        assert!(pages.len() <= 3, "45 entries take three pages of 20");
    }
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![20, 20, 5]
    );
    let walked: Vec<Value> = pages.into_iter().rev().flatten().collect();
    let kinds: Vec<&str> = walked.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds[0], "grant");
    assert_eq!(kinds.iter().filter(|k| **k == "consume").count(), 44);
    let all: Vec<i64> = app
        .store()
        .ledger(contract.id)
        .await
        .expect("ledger")
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(
        ids(&walked),
        all,
        "the pages together are the whole ledger, once, in order"
    );

    // A page of another size, and bad cursors and sizes.
    let base = format!("/api/v1/contracts/{}/ledger", contract.contract_id);
    let five = app.get(&holder, &format!("{base}?limit=5")).await.json();
    assert_eq!(
        ids(five["items"].as_array().expect("items")),
        all[40..].to_vec()
    );
    for bad in ["limit=0", "limit=201", "before=0", "before=abc"] {
        let refused = app.get(&holder, &format!("{base}?{bad}")).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{bad}: {}",
            refused.text
        );
        assert_eq!(refused.code(), "malformed_query", "{bad}");
    }
    assert_eq!(
        app.get(&stranger, &base).await.status,
        StatusCode::NOT_FOUND
    );

    // The contract page: the latest entries, a link to older ones, and a chart of all 44.
    let page = app
        .get(&holder, &format!("/contracts/{}", contract.contract_id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.text.matches("<tr>").count() - 1,
        20,
        "a header row and 20 entries"
    );
    let cursor = all[25];
    let older_link = format!("/contracts/{}?before={cursor}", contract.contract_id);
    assert!(
        page.text.contains(&older_link),
        "links to the older entries"
    );
    assert!(
        page.text.contains("<svg class=\"chart chart-wide\"")
            && page.text.contains("<svg class=\"chart chart-narrow\"")
    );
    let older_page = app.get(&holder, &older_link).await;
    assert_eq!(older_page.status, StatusCode::OK);
    assert!(
        older_page.text.contains("Latest entries"),
        "and back to the latest"
    );
}

crate::on_both_backends!(ledger_pages_walk_back_to_the_grant);
