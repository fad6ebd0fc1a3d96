//! `sportello demo --scale N`: bulk-loaded requests keep the ledger and the audit chain valid,
//! and ordinary filing continues after them.

use crate::on_both_backends;
use crate::support::{Backend, TestDb};
use sportello::store::Page;
use sportello::store::requests::{Filed, NewRequest, RequestFilter};
use time::OffsetDateTime;

/// The account the scale loader made with this email.
async fn account_of(store: &sportello::store::Store, email: &str) -> sportello::domain::AccountId {
    store
        .credentials(&sportello::domain::Email::parse("email", email).expect("email"))
        .await
        .expect("credentials")
        .expect("account")
        .account_id
}

/// A request on the CSP plan (nothing consumed) by `account`, with its notice.
fn csp_filing(
    account: sportello::domain::AccountId,
    email: &str,
    title: String,
    description: String,
    now: OffsetDateTime,
) -> sportello::store::filing::Filing {
    sportello::store::filing::Filing::new(
        NewRequest {
            title,
            description,
            product_code: "azure-vm".into(),
            version: None,
            severity: "C".into(),
            plan: "csp".into(),
            charge_contract: None,
            contract_id: None,
            created_by: account,
            organization_id: None,
            customer_id: None,
            contact: email.to_owned(),
            first_response_due: now,
            idempotency: None,
        },
        sportello::store::outbox::NewMessage {
            kind: "request_created".into(),
            account_id: None,
            recipient: "x@example.com".into(),
            subject: "s".into(),
            body: "b".into(),
            dedupe_key: None,
        },
        now,
    )
}

async fn scale_load_keeps_every_invariant(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = &db.store;
    let now = OffsetDateTime::now_utc();
    let heard = std::sync::Mutex::new(Vec::new());
    let progress = |done: u64| heard.lock().expect("lock").push(done);
    let first = sportello::demo::scale::load(store, 5_200, now, &progress)
        .await
        .expect("load");
    assert_eq!((first.requests, first.contracts), (5_200, 6));
    assert_eq!(heard.lock().expect("lock").last(), Some(&5_200));
    // A second load continues the ids and the chain.
    let second = sportello::demo::scale::load(store, 10, now, &|_| {})
        .await
        .expect("second load");
    assert_ne!(first.email, second.email);
    assert!(store.ledger_mismatches().await.expect("ledger").is_empty());
    let (entries, broken) = store.verify_audit().await.expect("audit");
    assert_eq!(broken, None);
    // More entries than one batch of the verifier reads: the walk carries across batches.
    assert!(entries >= 5_210, "{entries} audit entries");
    // 5,210 requests: the newest is 5,210 and the page after 2 holds only the first.
    let newest = store
        .support_requests(&RequestFilter::default(), Page::new(Some(1), None))
        .await
        .expect("list");
    assert_eq!(newest.items[0].id, 5_210);
    assert!(newest.next.is_some());
    let oldest = store
        .support_requests(
            &RequestFilter::default(),
            Page::new(Some(50), Some(sportello::store::Cursor::id(2))),
        )
        .await
        .expect("list");
    assert_eq!(oldest.items.iter().map(|r| r.id).collect::<Vec<_>>(), [1]);
    assert_eq!(oldest.next, None);
    // Ordinary filing after a bulk load takes the next id (PostgreSQL's sequence moved on).
    let account = account_of(store, &second.email).await;
    let filed = store
        .file_request(csp_filing(
            account,
            &second.email,
            "After the load".into(),
            "Filed normally".into(),
            now,
        ))
        .await
        .expect("file");
    assert_eq!(filed, Filed::Created(5_211));
    assert_eq!(store.verify_audit().await.expect("audit").1, None);
    // A change past the verifier's first batch is found, and named.
    let last: i64 = match &store.pool {
        sportello::store::Pool::Sqlite(pool) => {
            sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
                .fetch_one(pool)
                .await
        }
        sportello::store::Pool::Postgres(pool) => {
            sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
                .fetch_one(pool)
                .await
        }
    }
    .expect("last entry");
    assert!(last > 5_000);
    let tamper = "UPDATE audit_log SET details = '{\"n\": 1}' WHERE id = $1";
    match &store.pool {
        sportello::store::Pool::Sqlite(pool) => sqlx::query(tamper)
            .bind(last)
            .execute(pool)
            .await
            .map(|_| ()),
        sportello::store::Pool::Postgres(pool) => sqlx::query(tamper)
            .bind(last)
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .expect("tamper");
    let (_, broken) = store.verify_audit().await.expect("audit");
    assert_eq!(broken.map(|b| b.id), Some(last));
}

on_both_backends!(scale_load_keeps_every_invariant);

/// On SQLite the writer's commits never checkpoint the WAL themselves; the checkpointer's
/// thread does, soon after: the rows filed reach the database file while the store is open.
#[tokio::test]
async fn sqlite_wal_is_checkpointed_beside_the_writer() {
    let db = TestDb::new(Backend::Sqlite).await;
    let store = &db.store;
    let now = OffsetDateTime::now_utc();
    let loaded = sportello::demo::scale::load(store, 10, now, &|_| {})
        .await
        .expect("load");
    let file = db.url.trim_start_matches("sqlite://").to_owned();
    let size = || std::fs::metadata(&file).expect("database file").len();
    // Whatever the load left in the WAL is in the file.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let before = size();
    let account = account_of(store, &loaded.email).await;
    for n in 0..400 {
        let filed = store.file_request(csp_filing(
            account,
            &loaded.email,
            format!("Filed {n} with a long enough title to fill pages"),
            "x".repeat(2_000),
            now,
        ));
        assert!(matches!(filed.await.expect("file"), Filed::Created(_)));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while size() < before + 400 * 2_000 {
        assert!(
            std::time::Instant::now() < deadline,
            "the database file did not grow ({} bytes, {before} before): the WAL was not checkpointed",
            size()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
