//! The hash-chained audit log: appended with each change, and tampering is caught.

use crate::on_both_backends;
use crate::support::{Backend, TestApp, TestDb};
use serde_json::json;
use sportello::store::Pool;
use sportello::store::audit::AuditEntry;
use time::OffsetDateTime;

async fn seeded(backend: Backend) -> TestDb {
    let db = TestDb::new(backend).await;
    for n in 1..=5 {
        let entry = AuditEntry::new(Some(n), "test.step", format!("thing:{n}"), json!({"n": n}));
        db.store
            .audit(&entry, OffsetDateTime::now_utc())
            .await
            .expect("append");
    }
    assert_eq!(db.store.verify_audit().await.expect("verify"), (5, None));
    db
}

async fn execute(db: &TestDb, sql: &str) {
    match &db.store.pool {
        Pool::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        Pool::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
    .expect("tamper");
}

async fn tampering_is_caught(backend: Backend) {
    let changed = seeded(backend).await;
    execute(
        &changed,
        "UPDATE audit_log SET details = '{\"n\": 99}' WHERE id = 3",
    )
    .await;
    let (_, broken) = changed.store.verify_audit().await.expect("verify");
    assert_eq!(
        broken.map(|b| (b.id, b.reason)),
        Some((3, "this entry was changed"))
    );

    let removed = seeded(backend).await;
    execute(&removed, "DELETE FROM audit_log WHERE id = 2").await;
    let (_, broken) = removed.store.verify_audit().await.expect("verify");
    assert_eq!(
        broken.map(|b| b.id),
        Some(3),
        "the entry after the removed one breaks"
    );

    let inserted = seeded(backend).await;
    execute(
        &inserted,
        "INSERT INTO audit_log (at, actor_id, action, subject, details, prev_hash, hash) \
         VALUES (0, 1, 'test.forged', 'x', '{}', 'made-up', 'made-up-hash')",
    )
    .await;
    let (_, broken) = inserted.store.verify_audit().await.expect("verify");
    assert_eq!(broken.map(|b| b.id), Some(6));
}

on_both_backends!(tampering_is_caught);

async fn changes_are_audited_without_secrets(backend: Backend) {
    let app = TestApp::on(backend).await;
    let org = app.organization("Audited", Some("6610001"), false).await;
    let contract = crate::contracts::issue(
        app.store(),
        org,
        Some(5),
        OffsetDateTime::now_utc().date(),
        OffsetDateTime::now_utc().date() + time::Duration::days(30),
    )
    .await;
    let admin = app
        .caller(
            "admin@audited.com",
            Some(org),
            &[sportello::domain::Role::GlobalAdmin],
        )
        .await;
    let holder = app.caller("holder@example.com", None, &[]).await;
    let link = json!({"contract_id": contract.contract_id.to_string(), "access_id": contract.access_id.to_string()});
    assert_eq!(
        app.post(&holder, "/api/v1/me/contracts", link).await.status,
        axum::http::StatusCode::CREATED
    );
    let rotated = app
        .post(
            &admin,
            &format!("/api/v1/contracts/{}/access-id", contract.contract_id),
            json!({}),
        )
        .await
        .json();
    let wrong = app
        .raw(
            axum::http::Request::builder()
                .method("POST")
                .uri("/api/v1/session")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    r#"{"email":"admin@audited.com","password":"not the password"}"#,
                ))
                .expect("request"),
        )
        .await;
    assert_eq!(wrong.status, axum::http::StatusCode::UNAUTHORIZED);

    let entries = app
        .store()
        .audit_entries(&Default::default(), sportello::store::Page::new(None, None))
        .await
        .expect("entries")
        .items;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "contract.linked",
        "contract.access_id_rotated",
        "session.sign_in_failed",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let rotation = entries
        .iter()
        .find(|e| e.action == "contract.access_id_rotated")
        .expect("rotation");
    assert_eq!(
        rotation.subject,
        format!("contract:{}", contract.contract_id)
    );
    assert_eq!(rotation.actor_email.as_deref(), Some("admin@audited.com"));
    for entry in &entries {
        assert!(
            !entry.details.contains(contract.access_id.as_str()),
            "an Access ID reached the audit log"
        );
        assert!(
            !entry
                .details
                .contains(rotated["access_id"].as_str().unwrap_or("-"))
        );
    }
    assert_eq!(app.store().verify_audit().await.expect("verify").1, None);
}

on_both_backends!(changes_are_audited_without_secrets);
