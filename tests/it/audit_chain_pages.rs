//! The console's audit page says whether the hash chain holds without walking the whole chain
//! on every view: it checks what was appended since its last look and every entry it shows,
//! and the hourly walk from the start finds a change to an entry checked before.

use crate::support::{Backend, TestApp};
use axum::http::StatusCode;
use serde_json::json;
use sportello::config::Settings;
use sportello::store::Pool;
use sportello::store::audit::AuditEntry;
use time::OffsetDateTime;

async fn tamper(app: &TestApp, subject: &str) -> i64 {
    let sql_id = "SELECT id FROM audit_log WHERE subject = $1";
    let sql_change = "UPDATE audit_log SET details = '{\"n\": 99}' WHERE id = $1";
    match &app.store().pool {
        Pool::Sqlite(pool) => {
            let id: i64 = sqlx::query_scalar(sql_id)
                .bind(subject)
                .fetch_one(pool)
                .await
                .expect("entry");
            sqlx::query(sql_change)
                .bind(id)
                .execute(pool)
                .await
                .expect("tamper");
            id
        }
        Pool::Postgres(pool) => {
            let id: i64 = sqlx::query_scalar(sql_id)
                .bind(subject)
                .fetch_one(pool)
                .await
                .expect("entry");
            sqlx::query(sql_change)
                .bind(id)
                .execute(pool)
                .await
                .expect("tamper");
            id
        }
    }
}

async fn the_audit_page_checks_the_chain_without_walking_it_each_time(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let operator = app.operator().await;
    for n in 1..=4 {
        let entry = AuditEntry::new(None, "test.step", format!("thing:{n}"), json!({"n": n}));
        app.store()
            .audit(&entry, OffsetDateTime::now_utc())
            .await
            .expect("append");
    }
    let total = app.store().verify_audit().await.expect("verify").0;
    let page = app.get(&operator, "/operator/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text
            .contains(&format!("hash chain is intact: {total} entries checked")),
        "{}",
        page.text
    );

    // An entry the page does not show, changed after this instance checked it: the next look
    // cannot know, the walk from the start finds it, and from then on every look says so.
    let hidden = tamper(&app, "thing:1").await;
    let filtered = app.get(&operator, "/operator/audit?subject=thing:4").await;
    assert!(
        filtered.text.contains("hash chain is intact"),
        "{}",
        filtered.text
    );
    let walked = app.store().recheck_audit().await.expect("walk");
    assert_eq!(walked.broken.as_ref().map(|b| b.id), Some(hidden));
    let page = app.get(&operator, "/operator/audit").await;
    assert!(
        page.text
            .contains(&format!("hash chain is broken at entry #{hidden}")),
        "{}",
        page.text
    );
    assert!(page.text.contains("this entry was changed"));
}

async fn a_changed_entry_on_the_page_is_announced_at_once(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let operator = app.operator().await;
    for n in 1..=3 {
        let entry = AuditEntry::new(None, "test.step", format!("thing:{n}"), json!({"n": n}));
        app.store()
            .audit(&entry, OffsetDateTime::now_utc())
            .await
            .expect("append");
    }
    // This instance checks the whole chain first, then an entry changes under it.
    let first = app.get(&operator, "/operator/audit").await;
    assert!(
        first.text.contains("hash chain is intact"),
        "{}",
        first.text
    );
    let changed = tamper(&app, "thing:2").await;
    let page = app.get(&operator, "/operator/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text
            .contains(&format!("hash chain is broken at entry #{changed}")),
        "{}",
        page.text
    );
    assert!(page.text.contains("this entry was changed"));
}

crate::on_both_backends!(
    the_audit_page_checks_the_chain_without_walking_it_each_time,
    a_changed_entry_on_the_page_is_announced_at_once
);
