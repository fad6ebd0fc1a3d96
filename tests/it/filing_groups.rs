//! Filings that reach the writer together are written as one group: consumes summed per
//! contract (one at a time only where not all fit), keys looked up once, everything inserted
//! many rows to a statement, the audit chain extended in order. These tests send hundreds at
//! once straight to the store so that groups form, and check every answer against what a
//! filing alone would have done.

use crate::contracts::issue;
use crate::support::{Backend, TestApp};
use sportello::config::Settings;
use sportello::domain::contract::Contract;
use sportello::domain::{AccountId, Role};
use sportello::store::Store;
use sportello::store::filing::Filing;
use sportello::store::outbox::NewMessage;
use sportello::store::requests::{Filed, NewRequest};
use time::{Duration, OffsetDateTime};

fn filing(account: AccountId, contract: i64, key: Option<(&str, &str)>) -> Filing {
    let now = OffsetDateTime::now_utc();
    let new = NewRequest {
        title: "Grouped".into(),
        description: "Filed with others".into(),
        product_code: "sql-server".into(),
        version: Some("2022".into()),
        severity: "C".into(),
        plan: "plan".into(),
        charge_contract: Some(contract),
        contract_id: Some(contract),
        created_by: account,
        organization_id: None,
        customer_id: None,
        contact: "someone@example.com".into(),
        first_response_due: now,
        idempotency: key.map(|(k, d)| (k.to_owned(), d.to_owned())),
    };
    let created = NewMessage {
        kind: "request_created".into(),
        account_id: Some(account.0),
        recipient: "someone@example.com".into(),
        subject: format!("Request {} filed", sportello::store::filing::NUMBER_SLOT),
        body: "Filed.".into(),
        dedupe_key: Some(format!(
            "request-{}-created",
            sportello::store::filing::NUMBER_SLOT
        )),
    };
    let mut filing = Filing::new(new, created, now);
    filing.low_balance = Box::new(move |left| {
        [1, 3].contains(&left).then(|| NewMessage {
            kind: "contract_low_balance".into(),
            account_id: Some(account.0),
            recipient: "someone@example.com".into(),
            subject: format!("{left} left"),
            body: format!("{left} left"),
            dedupe_key: Some(format!("contract-{contract}-low-{left}")),
        })
    });
    filing
}

async fn link(store: &Store, contract: i64, account: AccountId) {
    store
        .link(
            contract,
            account,
            10,
            &crate::support::fixture_audit(),
            OffsetDateTime::now_utc(),
        )
        .await
        .expect("link");
}

async fn all_at_once(store: &Store, filings: Vec<Filing>) -> Vec<sportello::error::Result<Filed>> {
    let tasks: Vec<_> = filings
        .into_iter()
        .map(|filing| {
            let store = store.clone();
            tokio::spawn(async move { store.file_request(filing).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("task"));
    }
    answers
}

async fn count(store: &Store, sql: &'static str) -> i64 {
    match &store.pool {
        sportello::store::Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        sportello::store::Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    }
    .expect("count")
}

/// A member of a new organization `name` with one linked contract of `allotted` incidents,
/// running from yesterday for 300 days.
async fn member_with_contract(
    app: &TestApp,
    name: &str,
    partner_id: &str,
    allotted: i64,
) -> (AccountId, Contract) {
    let org = app.organization(name, Some(partner_id), false).await;
    let email = format!("member@{}.example", name.to_lowercase());
    let member = app.caller(&email, Some(org), &[Role::Member]).await;
    let account = member.account_id.expect("account");
    let today = OffsetDateTime::now_utc().date();
    let contract = issue(
        app.store(),
        org,
        Some(allotted),
        today - Duration::days(1),
        today + Duration::days(300),
    )
    .await;
    link(app.store(), contract.id, account).await;
    (account, contract)
}

async fn groups_consume_exactly_and_write_everything(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let store = app.store();
    let org = app.organization("Groups", Some("6610001"), false).await;
    let member = app
        .caller("member@groups.example", Some(org), &[Role::Member])
        .await;
    let account = member.account_id.expect("account");
    let today = OffsetDateTime::now_utc().date();
    let span = (today - Duration::days(1), today + Duration::days(300));
    let scarce = issue(store, org, Some(37), span.0, span.1).await;
    let plenty = issue(store, org, Some(1_000), span.0, span.1).await;
    link(store, scarce.id, account).await;
    link(store, plenty.id, account).await;
    // 150 filings on a contract with 37 left and 150 on one with plenty, interleaved.
    let filings = (0..300)
        .map(|n| {
            filing(
                account,
                if n % 2 == 0 { scarce.id } else { plenty.id },
                None,
            )
        })
        .collect();
    let answers = all_at_once(store, filings).await;
    let mut created = [0, 0];
    let mut exhausted = [0, 0];
    let mut ids = Vec::new();
    for (n, answer) in answers.iter().enumerate() {
        match answer {
            Ok(Filed::Created(id)) => {
                created[n % 2] += 1;
                ids.push(*id);
            }
            Ok(Filed::Exhausted) => exhausted[n % 2] += 1,
            other => panic!("filing {n}: {other:?}"),
        }
    }
    assert_eq!((created, exhausted), ([37, 150], [113, 0]));
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 187, "every request its own id");
    let scarce_now = store
        .contract(scarce.id)
        .await
        .expect("read")
        .expect("exists");
    let plenty_now = store
        .contract(plenty.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!((scarce_now.used, plenty_now.used), (37, 150));
    assert!(store.ledger_mismatches().await.expect("ledger").is_empty());
    assert_eq!(
        store.verify_audit().await.expect("audit").1,
        None,
        "the chain holds"
    );
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM support_requests").await,
        187
    );
    // The history's `created` entry is the request's own row, not a row of its own.
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM request_events WHERE kind = 'created'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'consume'"
        )
        .await,
        187
    );
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'request.filed'"
        )
        .await,
        187
    );
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM outbox WHERE kind = 'request_created'"
        )
        .await,
        187
    );
    // The scarce contract passed 3 and 1 left once each.
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM outbox WHERE kind = 'contract_low_balance'"
        )
        .await,
        2
    );
    // Each creation notice names its own request.
    let numbered = count(
        store,
        "SELECT COUNT(*) FROM outbox WHERE kind = 'request_created' AND subject LIKE 'Request SR-%' AND dedupe_key LIKE 'request-%-created'",
    )
    .await;
    assert_eq!(numbered, 187);
}

async fn keys_in_a_group_charge_once(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let store = app.store();
    let (account, contract) = member_with_contract(&app, "Keys", "6610002", 500).await;
    // 40 keys, each sent four times at once; the fourth copy of every key has another body.
    let keys: Vec<String> = (0..40).map(|k| format!("key-{k}")).collect();
    let mut filings = Vec::new();
    for copy in 0..4 {
        for key in &keys {
            let digest = if copy == 3 { "other" } else { "same" };
            filings.push(filing(account, contract.id, Some((key, digest))));
        }
    }
    let answers = all_at_once(store, filings).await;
    let mut per_key: std::collections::HashMap<usize, Vec<Filed>> = Default::default();
    for (n, answer) in answers.into_iter().enumerate() {
        per_key
            .entry(n % 40)
            .or_default()
            .push(answer.expect("answer"));
    }
    for (key, answers) in &per_key {
        let mut requests: Vec<i64> = answers
            .iter()
            .take(3)
            .map(|answer| match answer {
                Filed::Created(id) | Filed::Replayed(id) => *id,
                other => panic!("key {key}: {other:?}"),
            })
            .collect();
        requests.dedup();
        assert_eq!(
            requests.len(),
            1,
            "key {key}: one request for the same body: {answers:?}"
        );
        // The other body is refused, unless it came first and the same-body copies were
        // the ones refused.
        let created = answers
            .iter()
            .filter(|a| matches!(a, Filed::Created(_)))
            .count();
        assert_eq!(created, 1, "key {key}: created once: {answers:?}");
    }
    let stored = store
        .contract(contract.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(stored.used, 40, "one charge per key");
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM idempotency_keys").await,
        40
    );
    assert!(store.ledger_mismatches().await.expect("ledger").is_empty());
}

async fn one_bad_filing_fails_alone(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let store = app.store();
    let (account, contract) = member_with_contract(&app, "Alone", "6610003", 100).await;
    // One filing names a customer that does not exist: its group fails, each files alone.
    let mut filings: Vec<Filing> = (0..49)
        .map(|_| filing(account, contract.id, None))
        .collect();
    let mut bad = filing(account, contract.id, None);
    bad.new.customer_id = Some(987_654_321);
    filings.insert(20, bad);
    let answers = all_at_once(store, filings).await;
    for (n, answer) in answers.iter().enumerate() {
        if n == 20 {
            assert!(answer.is_err(), "the bad filing is refused: {answer:?}");
        } else {
            assert!(
                matches!(answer, Ok(Filed::Created(_))),
                "filing {n}: {answer:?}"
            );
        }
    }
    let stored = store
        .contract(contract.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(stored.used, 49, "the bad filing charged nothing");
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM support_requests").await,
        49
    );
    assert!(store.ledger_mismatches().await.expect("ledger").is_empty());
    assert_eq!(store.verify_audit().await.expect("audit").1, None);
}

/// The writer checks the link as it writes: a filing decided on what an instance remembered
/// is refused when the link is gone, charges nothing, and says nothing about the contract.
async fn the_link_decides_as_the_filing_is_written(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let store = app.store();
    let other = Store::connect(&app.db.url).await.expect("second instance");
    let operator = app.operator().await;
    app.post(
        &operator,
        "/api/v1/products",
        serde_json::json!({"code": "sql-server", "name": "SQL Server", "scope": "on_premises", "workload": "sql-server",
               "versions": [{"name": "2022", "released": "2022-11-16", "mainstream_end": "2028-01-11", "extended_end": "2033-01-11"}]}),
    )
    .await;
    let org = app.organization("Links", Some("6610004"), false).await;
    let holder = app
        .caller("holder@links.example", Some(org), &[Role::Member])
        .await;
    let stranger = app.caller("stranger@elsewhere.example", None, &[]).await;
    let account = holder.account_id.expect("account");
    let today = OffsetDateTime::now_utc().date();
    let contract = issue(
        store,
        org,
        Some(5),
        today - Duration::days(1),
        today + Duration::days(300),
    )
    .await;
    link(store, contract.id, account).await;
    let body = serde_json::json!({"title": "Links", "description": "Checked as written", "product": "sql-server",
        "version": "2022", "severity": "C", "plan": contract.contract_id.to_string()});
    let filed = app
        .post(&holder, "/api/v1/support-requests", body.clone())
        .await;
    assert_eq!(
        filed.status,
        axum::http::StatusCode::CREATED,
        "{}",
        filed.text
    );
    // This instance now remembers the contract. Someone who never linked it is refused the
    // same way as for any contract they do not hold, and nothing is charged.
    let refused = app
        .post(&stranger, "/api/v1/support-requests", body.clone())
        .await;
    assert_eq!(refused.code(), "plan_not_eligible", "{}", refused.text);
    assert!(
        refused.text.contains("not_linked") || refused.json()["reason"] == "not_linked",
        "{}",
        refused.text
    );
    // The other instance revokes the holder's link: the next filing here is refused too.
    assert!(
        other
            .revoke_link(
                contract.id,
                account,
                account,
                &crate::support::fixture_audit(),
                OffsetDateTime::now_utc()
            )
            .await
            .expect("revoke")
    );
    let after = app.post(&holder, "/api/v1/support-requests", body).await;
    assert_eq!(after.code(), "plan_not_eligible", "{}", after.text);
    let stored = store
        .contract(contract.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(stored.used, 1, "only the first filing charged");
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM support_requests").await,
        1
    );
}

/// Two instances filing at once: on PostgreSQL each writer extends an audit chain of its own
/// (no lock shared between their commits), on SQLite they share chain 0 under the write lock.
/// Every chain verifies, and an entry taken out of a writer's chain is found.
async fn two_instances_file_on_chains_of_their_own(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let store = app.store();
    let other = Store::connect(&app.db.url).await.expect("second instance");
    let (account, contract) = member_with_contract(&app, "Chains", "6610005", 1000).await;
    let (here, there) = tokio::join!(
        all_at_once(
            store,
            (0..150)
                .map(|_| filing(account, contract.id, None))
                .collect()
        ),
        all_at_once(
            &other,
            (0..150)
                .map(|_| filing(account, contract.id, None))
                .collect()
        ),
    );
    for answer in here.iter().chain(&there) {
        assert!(matches!(answer, Ok(Filed::Created(_))), "{answer:?}");
    }
    let chains = count(
        store,
        "SELECT COUNT(DISTINCT chain) FROM audit_log WHERE action = 'request.filed'",
    )
    .await;
    let expected = if backend == Backend::Postgres { 2 } else { 1 };
    assert_eq!(chains, expected, "the filings' audit chains");
    let entries = count(store, "SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(
        store.verify_audit().await.expect("audit"),
        (entries as usize, None),
        "every chain holds"
    );
    // The console's bounded look sees every entry too.
    assert_eq!(
        other.audit_chain(usize::MAX).await.expect("look").count,
        entries as usize
    );
    assert_eq!(
        store
            .contract(contract.id)
            .await
            .expect("read")
            .expect("exists")
            .used,
        300
    );
    assert!(store.ledger_mismatches().await.expect("ledger").is_empty());

    // Take out an entry in the middle of the newest chain: the next entry of that chain breaks.
    const MIDDLE: &str = "SELECT id FROM audit_log WHERE chain = (SELECT MAX(chain) FROM audit_log) \
         ORDER BY id LIMIT 2 OFFSET (SELECT COUNT(*) / 2 FROM audit_log WHERE chain = (SELECT MAX(chain) FROM audit_log))";
    let ids: Vec<i64> = match &store.pool {
        sportello::store::Pool::Sqlite(pool) => sqlx::query_scalar(MIDDLE).fetch_all(pool).await,
        sportello::store::Pool::Postgres(pool) => sqlx::query_scalar(MIDDLE).fetch_all(pool).await,
    }
    .expect("ids");
    let [gone, next] = ids[..] else {
        panic!("two entries in the middle of the chain: {ids:?}")
    };
    crate::server::execute(
        store,
        &format!("DELETE FROM audit_log WHERE id = {gone}"),
        &[],
    )
    .await;
    let (_, broken) = store.verify_audit().await.expect("audit");
    assert_eq!(
        broken.map(|b| b.id),
        Some(next),
        "the entry after the removed one"
    );
}

crate::on_both_backends!(
    two_instances_file_on_chains_of_their_own,
    the_link_decides_as_the_filing_is_written,
    groups_consume_exactly_and_write_everything,
    keys_in_a_group_charge_once,
    one_bad_filing_fails_alone
);
