//! The operator console's audit log and outbox pages, and the demo data that fills them.

use crate::on_both_backends;
use crate::support::{Backend, TestApp, TestDb};
use axum::http::StatusCode;
use serde_json::{Value, json};
use sportello::domain::Role;
use sportello::store::Pool;
use sportello::store::audit::AuditEntry;
use sportello::store::outbox::NewMessage;
use time::OffsetDateTime;

async fn the_audit_log_page_lists_entries_and_filters_them(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let org = app.organization("Audited", Some("2000001"), false).await;
    let member = app
        .caller("member@audited.com", Some(org), &[Role::Member])
        .await;
    let member_id = member.account_id.expect("id").0;
    let now = OffsetDateTime::now_utc();
    for (action, subject) in [
        ("contract.linked", "contract:ABCD-1234"),
        ("membership.added", "membership:7"),
        ("contract.linked", "contract:EFGH-5678"),
    ] {
        let entry = AuditEntry::new(Some(member_id), action, subject, json!({"note": "seen"}));
        app.store().audit(&entry, now).await.expect("append");
    }

    let all = app.get(&operator, "/operator/audit").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert!(all.text.contains("hash chain is intact"), "{}", all.text);
    for expected in [
        "contract:ABCD-1234",
        "membership:7",
        "member@audited.com",
        r#"title="member@audited.com">member</a> linked contract <a href="/contracts/ABCD-1234""#,
    ] {
        assert!(all.text.contains(expected), "{expected} missing");
    }
    assert!(all.text.contains(r#"href="/operator/audit""#), "nav entry");

    let linked = app
        .get(&operator, "/operator/audit?action=contract.linked")
        .await;
    assert_eq!(linked.status, StatusCode::OK);
    assert!(linked.text.contains("contract:ABCD-1234"));
    assert!(linked.text.contains("contract:EFGH-5678"));
    assert!(!linked.text.contains("membership:7"), "filtered out");
    assert!(
        linked.text.contains("Entries, newest first"),
        "{}",
        linked.text
    );
    let newest = linked.text.find("contract:EFGH-5678").expect("newest");
    let oldest = linked.text.find("contract:ABCD-1234").expect("oldest");
    assert!(newest < oldest, "newest first");

    let by_email = app
        .get(
            &operator,
            "/operator/audit?actor=member%40audited.com&subject=membership%3A7",
        )
        .await;
    assert_eq!(by_email.status, StatusCode::OK);
    assert!(by_email.text.contains("membership:7"), "{}", by_email.text);
    assert!(
        !by_email.text.contains("contract:ABCD-1234"),
        "both filters apply"
    );

    let today = now.date();
    let this_day = app
        .get(
            &operator,
            &format!("/operator/audit?since={today}&until={today}&action=membership.added"),
        )
        .await;
    assert!(this_day.text.contains("membership:7"), "an inclusive day");
    let tomorrow = today.next_day().expect("date");
    let later = app
        .get(&operator, &format!("/operator/audit?since={tomorrow}"))
        .await;
    assert!(later.text.contains("No entry matches these filters."));

    let bad = app
        .get(
            &operator,
            "/operator/audit?since=2026-02-30&actor=nobody%40x.com",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text.contains("Enter a date as YYYY-MM-DD"),
        "{}",
        bad.text
    );
    assert!(
        bad.text
            .contains("No account has this email address or id.")
    );
    assert!(
        bad.text.contains(r#"value="2026-02-30""#),
        "the input is kept"
    );
}

async fn a_broken_chain_is_announced(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    for n in 1..=3 {
        let entry = AuditEntry::new(None, "test.step", format!("thing:{n}"), json!({"n": n}));
        app.store()
            .audit(&entry, OffsetDateTime::now_utc())
            .await
            .expect("append");
    }
    let find = "SELECT id FROM audit_log WHERE subject = 'thing:2'";
    let id: i64 = match &app.store().pool {
        Pool::Sqlite(pool) => sqlx::query_scalar(find).fetch_one(pool).await,
        Pool::Postgres(pool) => sqlx::query_scalar(find).fetch_one(pool).await,
    }
    .expect("entry");
    let tamper = "UPDATE audit_log SET details = '{\"n\": 99}' WHERE id = $1";
    match &app.store().pool {
        Pool::Sqlite(pool) => sqlx::query(tamper).bind(id).execute(pool).await.map(|_| ()),
        Pool::Postgres(pool) => sqlx::query(tamper).bind(id).execute(pool).await.map(|_| ()),
    }
    .expect("tamper");
    let page = app.get(&operator, "/operator/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text
            .contains(&format!("hash chain is broken at entry #{id}")),
        "{}",
        page.text
    );
    assert!(page.text.contains("this entry was changed"));
}

async fn members_cannot_open_the_console_pages(backend: Backend) {
    let app = TestApp::on(backend).await;
    let org = app.organization("Members", Some("2000002"), false).await;
    let member = app
        .caller("member@members.com", Some(org), &[Role::Member])
        .await;
    for page in ["/operator/audit", "/operator/outbox"] {
        let reply = app.get(&member, page).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{page}");
    }
    let home = app.get(&member, "/support").await;
    assert!(!home.text.contains("/operator/audit"), "no nav entry");
}

async fn the_outbox_page_shows_queued_messages(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let message = NewMessage {
        kind: "activation_completed".into(),
        account_id: None,
        recipient: "admin@queued.com".into(),
        subject: "Your benefit is active".into(),
        body: "Contract ID 1234-5678-9 is ready.".into(),
        dedupe_key: None,
    };
    app.store()
        .queue_messages(&[message], OffsetDateTime::now_utc())
        .await
        .expect("queue");
    let page = app.get(&operator, "/operator/outbox").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    for expected in [
        "admin@queued.com",
        "Your benefit is active",
        "Contract ID 1234-5678-9 is ready.",
        "Activation done",
        "Kept, not sent",
        "messages are kept here and not sent",
        "Messages, newest first",
    ] {
        assert!(page.text.contains(expected), "{expected} missing");
    }
}

async fn counts(db: &TestDb) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "organizations",
        "accounts",
        "memberships",
        "activations",
        "contracts",
        "contract_links",
        "ledger_entries",
        "jobs",
        "outbox",
        "products",
        "customers",
        "support_requests",
        "request_events",
        "orders",
        "audit_log",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let count: i64 = match &db.store.pool {
            Pool::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await,
            Pool::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await,
        }
        .expect("count");
        counts.push((table, count));
    }
    counts
}

async fn the_demo_loads_once_and_verifies(backend: Backend) {
    let db = TestDb::new(backend).await;
    let policy =
        sportello::domain::policy::parse(sportello::domain::policy::DEFAULT_TOML).expect("policy");
    let now = OffsetDateTime::now_utc();
    sportello::demo::load(&db.store, &policy, now)
        .await
        .expect("first load");
    let first = counts(&db).await;
    sportello::demo::load(&db.store, &policy, now + time::Duration::minutes(5))
        .await
        .expect("second load");
    assert_eq!(counts(&db).await, first, "the second load added nothing");

    let requests = db
        .store
        .support_requests(&Default::default(), sportello::store::Page::new(None, None))
        .await
        .expect("requests")
        .items;
    let mut statuses: Vec<&str> = requests.iter().map(|r| r.status.as_str()).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [
            "closed",
            "in_progress",
            "open",
            "open",
            "resolved",
            "waiting_on_customer"
        ]
    );
    assert!(
        requests
            .iter()
            .any(|r| r.plan == "csp" && r.customer_name.is_some())
    );

    let organizations = db
        .store
        .organizations(sportello::store::Page::new(Some(200), None))
        .await
        .expect("organizations")
        .items;
    let named = |prefix: &str| {
        organizations
            .iter()
            .find(|o| o.name.starts_with(prefix))
            .expect("demo organization")
            .id
    };
    let statuses = |activations: Vec<sportello::domain::activation::Activation>| {
        activations
            .iter()
            .map(|a| (a.benefit_code.clone(), a.status.as_str()))
            .collect::<Vec<_>>()
    };
    let fabrikam = db.store.activations_of(named("Fabrikam")).await.expect("a");
    assert_eq!(
        statuses(fabrikam),
        [("signature_cloud".to_owned(), "requested")]
    );
    let tailspin = db.store.activations_of(named("Tailspin")).await.expect("a");
    assert!(tailspin[0].reason.is_some(), "a rejection says why");
    assert_eq!(
        statuses(tailspin),
        [("signature_cloud".to_owned(), "rejected")]
    );
    let wingtip = db.store.contracts_of(named("Wingtip")).await.expect("c");
    let mut contract_states: Vec<&str> = wingtip
        .iter()
        .map(|c| c.status(now.date()).as_str())
        .collect();
    contract_states.sort_unstable();
    assert_eq!(contract_states, ["exhausted", "expired"]);
    assert!(
        db.store
            .ledger_mismatches()
            .await
            .expect("ledger")
            .is_empty()
    );
    assert_eq!(db.store.verify_audit().await.expect("audit").1, None);
}

/// Products, an organization's memberships and a CSP organization's customers come a page at a
/// time, in the API (`limit`/`after`, `next`) and in the console (50 a page, with a pager).
async fn catalogue_memberships_and_customers_are_paginated(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let org = app.organization("Many", Some("2000077"), true).await;
    let agent = app
        .caller("agent@many.example", Some(org), &[Role::AdminAgent])
        .await;
    for i in 0..51 {
        let product = json!({"code": format!("cloud-{i:02}"), "name": format!("Cloud service {i:02}"), "scope": "cloud", "workload": "azure"});
        let reply = app.post(&operator, "/api/v1/products", product).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let membership = json!({"offer": "action_pack", "start": format!("{}-01-01", 1990 + i), "end": format!("{}-12-31", 1990 + i)});
        let reply = app
            .post(
                &operator,
                &format!("/api/v1/organizations/{}/memberships", org.0),
                membership,
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let customer = json!({"name": format!("Customer {i:02}"), "domain": format!("customer{i:02}.example")});
        let reply = app
            .post(
                &agent,
                &format!("/api/v1/organizations/{}/customers", org.0),
                customer,
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    }

    let lists = [
        "/api/v1/products".to_owned(),
        format!("/api/v1/organizations/{}/memberships", org.0),
        format!("/api/v1/organizations/{}/customers", org.0),
    ];
    for list in &lists {
        let caller = if list.ends_with("customers") {
            &agent
        } else {
            &operator
        };
        let first = app.get(caller, &format!("{list}?limit=20")).await.json();
        assert_eq!(first["limit"], 20);
        assert!(first.get("total").is_none() && first.get("offset").is_none());
        assert_eq!(first["items"].as_array().expect("items").len(), 20);
        let next = first["next"].as_str().expect("a next page");
        let second = app
            .get(caller, &format!("{list}?limit=20&after={next}"))
            .await
            .json();
        let next = second["next"].as_str().expect("a third page");
        let last = app
            .get(caller, &format!("{list}?limit=20&after={next}"))
            .await
            .json();
        assert_eq!(last["items"].as_array().expect("items").len(), 11, "{list}");
        assert_eq!(last["next"], Value::Null, "{list}: 51 in all");
        assert_ne!(first["items"][0], last["items"][0]);
        let bad = app.get(caller, &format!("{list}?limit=many")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{list}");
        assert_eq!(bad.code(), "malformed_query");
    }
    let products = app.get(&operator, "/api/v1/products").await.json();
    assert_eq!(products["items"][0]["code"], "cloud-00", "by name");
    assert_eq!(products["items"][49]["code"], "cloud-49");

    let pages = [
        (
            &operator,
            "/operator/products".to_owned(),
            "Cloud service 49",
            "Cloud service 50",
        ),
        (
            &operator,
            format!("/operator/organizations/{}", org.0),
            "2039-12-31",
            "2040-12-31",
        ),
        (
            &agent,
            "/customers".to_owned(),
            "Customer 49",
            "Customer 50",
        ),
    ];
    for (caller, page, on_first, on_second) in pages {
        let first = app.get(caller, &page).await;
        assert_eq!(first.status, StatusCode::OK, "{page}");
        assert!(first.text.contains(on_first), "{page}");
        assert!(!first.text.contains(on_second), "{page}: 50 a page");
        assert!(!first.text.contains("Showing"), "{page}: no count");
        assert_eq!(first.pager_link("first"), None, "{page}");
        let next = first.pager_link("next").expect("a next page");
        assert!(next.starts_with("?after="), "{page}: {next}");
        let second = app.get(caller, &format!("{page}{next}")).await;
        assert_eq!(second.status, StatusCode::OK, "{page}");
        assert!(second.text.contains(on_second), "{page}");
        assert!(!second.text.contains(on_first), "{page}");
        assert_eq!(second.pager_link("next"), None, "{page}: the last page");
        let path = page.split('?').next().unwrap_or_default();
        assert_eq!(second.pager_link("first").as_deref(), Some(path));
    }
}

/// Every action the demo and a failed sign-in write reads as a sentence, with links to what it
/// names, and a failed sign-in is nobody's doing.
async fn the_audit_log_reads_as_sentences(backend: Backend) {
    let app = TestApp::on(backend).await;
    let policy =
        sportello::domain::policy::parse(sportello::domain::policy::DEFAULT_TOML).expect("policy");
    sportello::demo::load(app.store(), &policy, OffsetDateTime::now_utc())
        .await
        .expect("demo");
    let operator = app.operator().await;
    let anonymous = crate::support::Caller::anonymous();
    let failed = app
        .post(
            &anonymous,
            "/api/v1/session",
            json!({"email": "nobody@nowhere.test", "password": "not this one"}),
        )
        .await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED, "{}", failed.text);

    let mut text = String::new();
    let mut next = Some("/operator/audit".to_owned());
    while let Some(uri) = next {
        let page = app.get(&operator, &uri).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        next = page.pager_link("next");
        text.push_str(&page.text);
    }
    assert!(!text.contains("audit-raw"), "an action without a sentence");
    for sentence in [
        "A sign-in as <span class=\"email\">nobody@nowhere.test</span> failed from",
        "no account has this address.",
        "linked contract <a href=\"/contracts/",
        "filed request <a href=\"/support/requests/SR-",
        "for <a href=\"/operator/organizations/",
    ] {
        assert!(text.contains(sentence), "{sentence} missing");
    }
    let failed_row = text
        .split("<tr>")
        .find(|row| row.contains("nobody@nowhere.test"))
        .expect("the failed sign-in");
    assert!(
        !failed_row.contains("Sportello (automatic)"),
        "a failed sign-in is not Sportello's doing: {failed_row}"
    );
}

on_both_backends!(
    the_audit_log_reads_as_sentences,
    the_audit_log_page_lists_entries_and_filters_them,
    a_broken_chain_is_announced,
    members_cannot_open_the_console_pages,
    the_outbox_page_shows_queued_messages,
    the_demo_loads_once_and_verifies,
    catalogue_memberships_and_customers_are_paginated,
);
