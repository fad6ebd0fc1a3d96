//! Products and their versions, managed by operators.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use axum::http::StatusCode;
use serde_json::{Value, json};
use sportello::domain::Role;

async fn operators_add_new_releases_to_products(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let product = json!({"code": "exchange", "name": "Exchange Server", "scope": "on_premises", "workload": "microsoft-365",
                         "versions": [{"name": "2016", "released": "2015-10-01", "mainstream_end": "2020-10-13", "extended_end": "2025-10-14"}]});
    assert_eq!(
        app.post(&operator, "/api/v1/products", product)
            .await
            .status,
        StatusCode::CREATED
    );
    let release = json!({"name": "2019", "released": "2018-10-22", "mainstream_end": "2024-01-09", "extended_end": "2025-10-14"});
    let added = app
        .post(
            &operator,
            "/api/v1/products/exchange/versions",
            release.clone(),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(added.json()["versions"][0]["name"], "2019", "newest first");
    let again = app
        .post(&operator, "/api/v1/products/exchange/versions", release)
        .await;
    assert_eq!(again.json()["errors"][0]["code"], "duplicate_version");
    let backwards = app
        .post(&operator, "/api/v1/products/exchange/versions", json!({"name": "SE", "released": "2025-07-01", "mainstream_end": "2025-01-01", "extended_end": "2030-01-01"}))
        .await;
    assert_eq!(backwards.json()["errors"][0]["code"], "dates_out_of_order");
    let cloud =
        json!({"code": "teams", "name": "Teams", "scope": "cloud", "workload": "microsoft-365"});
    assert_eq!(
        app.post(&operator, "/api/v1/products", cloud).await.status,
        StatusCode::CREATED
    );
    let versioned = app
        .post(&operator, "/api/v1/products/teams/versions", json!({"name": "1", "released": "2020-01-01", "mainstream_end": "2021-01-01", "extended_end": "2022-01-01"}))
        .await;
    assert_eq!(
        versioned.json()["errors"][0]["code"],
        "cloud_has_no_versions"
    );
    let missing = app
        .post(&operator, "/api/v1/products/nothing/versions", json!({"name": "1", "released": "2020-01-01", "mainstream_end": "2021-01-01", "extended_end": "2022-01-01"}))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let org = app.organization("Contoso", Some("7710001"), false).await;
    let admin = app
        .caller("admin@contoso.com", Some(org), &[Role::GlobalAdmin])
        .await;
    let refused = app
        .post(&admin, "/api/v1/products/exchange/versions", json!({"name": "X", "released": "2020-01-01", "mainstream_end": "2021-01-01", "extended_end": "2022-01-01"}))
        .await;
    assert_eq!(refused.code(), "forbidden_role");
    let listed = app.get(&admin, "/api/v1/products").await.json();
    assert_eq!(
        listed["items"].as_array().expect("list").len(),
        2,
        "the refused and invalid releases changed nothing"
    );
    assert_eq!(listed["next"], Value::Null);
    assert_eq!(
        listed["items"][0]["versions"]
            .as_array()
            .expect("versions")
            .len(),
        2
    );
}

on_both_backends!(operators_add_new_releases_to_products);
