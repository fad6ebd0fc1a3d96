//! Keyset pagination: every list, walked a page at a time by its cursors, shows each row once
//! and in its order; a cursor the list did not give is 400 `malformed_query`; and each list's
//! statement reads along an index without sorting (SQLite's and PostgreSQL's plans).

use crate::on_both_backends;
use crate::support::{Backend, Caller, TestApp, fixture_audit};
use axum::http::StatusCode;
use serde_json::{Value, json};
use sportello::domain::activation::ActivationStatus;
use sportello::domain::{AccountId, AccountKind, Email, OrganizationId, Role};
use sportello::store::accounts::NewAccount;
use sportello::store::activations::NewActivation;
use sportello::store::audit::AuditFilter;
use sportello::store::page::{Key, ListQuery};
use sportello::store::requests::RequestFilter;
use sportello::store::{Cursor, Page, Pool};
use std::collections::HashSet;
use time::OffsetDateTime;

/// Every item of an API list, `limit` at a time from the first page, following `next`: each
/// page but the last is full, the last is not empty, and there is more than one page.
async fn walk(app: &TestApp, caller: &Caller, list: &str, limit: usize) -> Vec<Value> {
    let join = if list.contains('?') { '&' } else { '?' };
    let mut after: Option<String> = None;
    let mut items = Vec::new();
    let mut pages = 0;
    loop {
        let uri = match &after {
            None => format!("{list}{join}limit={limit}"),
            Some(cursor) => format!("{list}{join}limit={limit}&after={cursor}"),
        };
        let reply = app.get(caller, &uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
        let body = reply.json();
        assert_eq!(body["limit"], limit, "{uri}");
        assert!(body.get("total").is_none() && body.get("offset").is_none());
        let page = body["items"].as_array().expect("items").clone();
        assert!(page.len() <= limit, "{uri}");
        assert!(
            !page.is_empty(),
            "{uri}: a page that follows a cursor has rows"
        );
        items.extend(page.iter().cloned());
        pages += 1;
        match &body["next"] {
            Value::Null => break,
            Value::String(cursor) => {
                assert_eq!(page.len(), limit, "{uri}: only the last page is short");
                assert!(cursor.len() <= Cursor::MAX_CHARS, "{uri}: {cursor}");
                after = Some(cursor.clone());
            }
            other => panic!("{uri}: next is {other}"),
        }
        assert!(pages < 1_000, "{list} never ends");
    }
    assert!(pages > 1, "{list}: more rows than one page of {limit}");
    items
}

/// The values of `field` in `items`, as text.
fn keys(items: &[Value], field: &str) -> Vec<String> {
    items
        .iter()
        .map(|item| match &item[field] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// Walks `list` and checks each row came once, in the order of one page holding them all,
/// and that there are `expected` of them; the keys walked.
async fn walk_checked(
    app: &TestApp,
    caller: &Caller,
    list: &str,
    field: &str,
    limit: usize,
    expected: usize,
) -> Vec<String> {
    let walked = keys(&walk(app, caller, list, limit).await, field);
    let unique: HashSet<&String> = walked.iter().collect();
    assert_eq!(unique.len(), walked.len(), "{list}: a row came twice");
    assert_eq!(walked.len(), expected, "{list}: every row, once");
    let join = if list.contains('?') { '&' } else { '?' };
    let whole = app
        .get(caller, &format!("{list}{join}limit=200"))
        .await
        .json();
    assert_eq!(whole["next"], Value::Null, "{list}: fits one page of 200");
    assert_eq!(
        keys(whole["items"].as_array().expect("items"), field),
        walked,
        "{list}: in the list's order"
    );
    walked
}

fn new_account(email: &str, organization: Option<OrganizationId>) -> NewAccount {
    NewAccount {
        email: Email::parse("email", email).expect("email"),
        display_name: email.to_owned(),
        kind: AccountKind::Work,
        password_hash: "not a hash: never signs in".to_owned(),
        language: None,
        organization_id: organization,
        roles: vec![Role::Member],
    }
}

/// Runs one statement on the test database (to shape rows no API call makes).
async fn execute(app: &TestApp, sql: &str) {
    match &app.store().pool {
        Pool::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        Pool::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
    .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

async fn organizations_accounts_and_catalogue_walk_every_row_once(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let now = OffsetDateTime::now_utc();
    // Names that tie without regard to case, so the id decides among them.
    let mut organizations = Vec::new();
    for (n, name) in [
        "beta", "Alpha", "alpha", "ALPHA", "Gamma", "delta", "Beta", "epsilon",
    ]
    .iter()
    .enumerate()
    {
        let csp = n == 0;
        organizations.push(
            app.organization(name, Some(&format!("30000{n:02}")), csp)
                .await,
        );
    }
    walk_checked(&app, &operator, "/api/v1/organizations", "id", 3, 8).await;
    let ordered = app.get(&operator, "/api/v1/organizations").await.json();
    assert_eq!(
        keys(ordered["items"].as_array().expect("items"), "name")[..3],
        ["Alpha", "alpha", "ALPHA"],
        "equal names by id"
    );

    // Accounts: everyone's (the operator too), one organization's, and an admin's own.
    let (home, away) = (organizations[1], organizations[2]);
    for n in 0..7 {
        for (organization, domain) in [(home, "home"), (away, "away")] {
            app.store()
                .insert_account(
                    &new_account(&format!("user{n:02}@{domain}.example"), Some(organization)),
                    now,
                )
                .await
                .expect("account");
        }
    }
    let admin = app
        .caller("admin@home.example", Some(home), &[Role::GlobalAdmin])
        .await;
    let everyone = walk_checked(&app, &operator, "/api/v1/accounts", "email", 4, 16).await;
    let mut sorted = everyone.clone();
    sorted.sort();
    assert_eq!(everyone, sorted, "by email");
    let at_home = format!("/api/v1/accounts?organization_id={}", home.0);
    walk_checked(&app, &operator, &at_home, "email", 3, 8).await;
    let own = walk_checked(&app, &admin, "/api/v1/accounts", "email", 3, 8).await;
    assert!(own.iter().all(|email| email.ends_with("@home.example")));
    // A cursor naming an account the admin may not see answers like one naming no account.
    let foreign = app
        .store()
        .credentials(&Email::parse("email", "user03@away.example").expect("email"))
        .await
        .expect("credentials")
        .expect("account")
        .account_id;
    for id in [foreign.0, 999_999] {
        let cursor = Cursor::id(id).encode();
        let page = app
            .get(&admin, &format!("/api/v1/accounts?after={cursor}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert_eq!(
            (&page.json()["items"], &page.json()["next"]),
            (&json!([]), &Value::Null)
        );
    }

    // Products: names tying without regard to case.
    for (n, name) in [
        "Widget",
        "widget",
        "Gadget",
        "WIDGET",
        "Doohickey",
        "gizmo",
        "Gizmo",
    ]
    .iter()
    .enumerate()
    {
        let product =
            json!({"code": format!("p-{n}"), "name": name, "scope": "cloud", "workload": "azure"});
        let reply = app.post(&operator, "/api/v1/products", product).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    }
    let products = walk_checked(&app, &admin, "/api/v1/products", "code", 2, 7).await;
    assert_eq!(products, ["p-4", "p-2", "p-5", "p-6", "p-0", "p-1", "p-3"]);

    // A CSP organization's customers.
    let csp = organizations[0];
    let agent = app
        .caller("agent@beta.example", Some(csp), &[Role::AdminAgent])
        .await;
    for n in 0..9 {
        let name = if n % 3 == 0 { "Same name" } else { "Customer" };
        let customer =
            json!({"name": format!("{name} {}", n % 4), "domain": format!("c{n}.example")});
        let reply = app
            .post(
                &agent,
                &format!("/api/v1/organizations/{}/customers", csp.0),
                customer,
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    }
    let customers = format!("/api/v1/organizations/{}/customers", csp.0);
    walk_checked(&app, &agent, &customers, "id", 4, 9).await;
}

async fn memberships_and_activations_walk_every_row_once(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let org = app.organization("Members", Some("3100001"), false).await;
    let memberships = format!("/api/v1/organizations/{}/memberships", org.0);
    let mut ids = Vec::new();
    for n in 0..9 {
        // Three memberships start on each day: the id orders them.
        let year = 2030 - n % 3;
        let membership = json!({"offer": "action_pack", "start": format!("{year}-01-01"), "end": format!("{year}-12-31")});
        let reply = app.post(&operator, &memberships, membership).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        ids.push(reply.json()["id"].as_i64().expect("id"));
    }
    let walked = walk_checked(&app, &operator, &memberships, "id", 2, 9).await;
    let starts = keys(
        app.get(&operator, &format!("{memberships}?limit=200"))
            .await
            .json()["items"]
            .as_array()
            .expect("items"),
        "start",
    );
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "by start day");
    assert_eq!(walked.len(), ids.len());

    // The row a cursor names is removed before the next page is asked for: the walk goes on
    // from where it was (the cursor carries the day and id, nothing is read back).
    let first = app
        .get(&operator, &format!("{memberships}?limit=4"))
        .await
        .json();
    let last_shown = first["items"][3]["id"].as_i64().expect("id");
    let removed = app
        .send(
            &operator,
            axum::http::Method::DELETE,
            &format!("{memberships}/{last_shown}"),
            None,
        )
        .await;
    assert!(removed.status.is_success(), "{}", removed.text);
    let cursor = first["next"].as_str().expect("next");
    let rest = app
        .get(
            &operator,
            &format!("{memberships}?limit=200&after={cursor}"),
        )
        .await
        .json();
    assert_eq!(
        keys(rest["items"].as_array().expect("items"), "id"),
        walked[4..],
        "the rest of the list, unchanged"
    );

    // The organization's contracts (paid-plan orders), oldest first.
    for n in 0..5 {
        let order = json!({"plan": "advanced", "allotment": n + 1});
        let reply = app
            .post(
                &operator,
                &format!("/api/v1/organizations/{}/orders", org.0),
                order,
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    }
    let contracts = format!("/api/v1/organizations/{}/contracts", org.0);
    walk_checked(&app, &operator, &contracts, "contract_id", 2, 5).await;

    // The activation queue, oldest first, one status at a time.
    let requester = app
        .caller("member@members.example", Some(org), &[Role::GlobalAdmin])
        .await;
    let now = OffsetDateTime::now_utc();
    let remaining: Vec<i64> = ids.into_iter().filter(|id| *id != last_shown).collect();
    for (n, membership) in remaining.iter().enumerate() {
        let (activation, _) = app
            .store()
            .request_activation(
                &NewActivation {
                    organization_id: org,
                    benefit_code: if n % 2 == 0 { "first" } else { "second" },
                    membership_id: *membership,
                    requested_by: requester.account_id.expect("id"),
                },
                None,
                &fixture_audit(),
                now,
            )
            .await
            .expect("activation");
        if n % 4 == 3 {
            execute(
                &app,
                &format!(
                    "UPDATE activations SET status = 'rejected', reason = 'no' WHERE id = {}",
                    activation.id
                ),
            )
            .await;
        }
    }
    let queue = walk_checked(&app, &operator, "/api/v1/activations", "id", 2, 6).await;
    let numbers: Vec<i64> = queue.iter().map(|id| id.parse().expect("id")).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "oldest first");
    let rejected = app
        .get(&operator, "/api/v1/activations?status=rejected&limit=1")
        .await
        .json();
    assert_eq!(rejected["items"].as_array().expect("items").len(), 1);
    assert_eq!(
        rejected["items"][0]["status"],
        json!(ActivationStatus::Rejected.as_str())
    );
    let rejected_cursor = rejected["next"].as_str().expect("two rejected");
    let second = app
        .get(
            &operator,
            &format!("/api/v1/activations?status=rejected&after={rejected_cursor}"),
        )
        .await
        .json();
    assert_eq!(second["items"].as_array().expect("items").len(), 1);
    assert_eq!(second["next"], Value::Null);
}

async fn requests_audit_and_outbox_walk_every_row_once(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let now = OffsetDateTime::now_utc();
    let loaded = sportello::demo::scale::load(app.store(), 30, now, &|_| {})
        .await
        .expect("load");
    // Shape the loaded requests so that each filter keeps some and drops others.
    execute(
        &app,
        "UPDATE support_requests SET status = 'closed' WHERE id % 3 = 0",
    )
    .await;
    execute(
        &app,
        "UPDATE support_requests SET severity = 'A' WHERE id % 4 = 0",
    )
    .await;
    execute(
        &app,
        "UPDATE support_requests SET first_response_at = created_at WHERE id % 5 = 0",
    )
    .await;

    let all = walk_checked(&app, &operator, "/api/v1/support-requests", "number", 4, 30).await;
    for (filter, expected) in [
        ("status=closed", 10),
        ("status=open", 20),
        ("severity=A", 7),
        ("status=open&severity=A", 5),
        // Open or answered-late requests with no first response yet, due in the past.
        ("overdue=true", 16),
    ] {
        let list = format!("/api/v1/support-requests?{filter}");
        let walked = walk_checked(&app, &operator, &list, "number", 3, expected).await;
        let positions: Vec<usize> = walked
            .iter()
            .map(|n| all.iter().position(|m| m == n).expect("in the whole list"))
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{filter}: in order"
        );
    }

    // Rows filed while a client walks come before its cursor: the rest of the walk is as it was.
    let first = app
        .get(&operator, "/api/v1/support-requests?limit=10")
        .await
        .json();
    sportello::demo::scale::load(app.store(), 30, now, &|_| {})
        .await
        .expect("more");
    let cursor = first["next"].as_str().expect("next");
    let rest = app
        .get(
            &operator,
            &format!("/api/v1/support-requests?limit=200&after={cursor}"),
        )
        .await
        .json();
    assert_eq!(
        keys(rest["items"].as_array().expect("items"), "number"),
        all[10..]
    );

    // The member's own requests (the loader's account).
    let member = app
        .store()
        .credentials(&Email::parse("email", &loaded.email).expect("email"))
        .await
        .expect("credentials")
        .expect("account")
        .account_id;
    let filter = RequestFilter {
        created_by: Some(member),
        ..Default::default()
    };
    let own = walk_store(
        |page| app.store().support_requests(&filter, page),
        7,
        |r| r.id,
    )
    .await;
    assert_eq!(
        own.len(),
        30,
        "the member's requests, not the second load's"
    );
    assert!(own.windows(2).all(|w| w[0] > w[1]), "newest first");

    // The audit log: entries at the same instant order by id; filters and ranges keep the order.
    for n in 0..12 {
        let entry = sportello::store::audit::AuditEntry::new(
            Some(member.0),
            if n % 2 == 0 { "test.even" } else { "test.odd" },
            format!("thing:{}", n % 3),
            json!({}),
        );
        app.store().audit(&entry, now).await.expect("audit");
    }
    let unfiltered = AuditFilter::default();
    let every = walk_store(
        |page| app.store().audit_entries(&unfiltered, page),
        7,
        |e| (e.at, e.id),
    )
    .await;
    assert!(every.len() >= 72, "{} entries", every.len());
    assert!(every.windows(2).all(|w| w[0] > w[1]), "newest first");
    for (filter, expected) in [
        (
            AuditFilter {
                action: Some("test.even".into()),
                ..Default::default()
            },
            6,
        ),
        (
            AuditFilter {
                subject: Some("thing:1".into()),
                ..Default::default()
            },
            4,
        ),
        (
            AuditFilter {
                actor_id: Some(member.0),
                since: Some(now),
                until: Some(now),
                ..Default::default()
            },
            12,
        ),
    ] {
        let walked = walk_store(
            |page| app.store().audit_entries(&filter, page),
            5,
            |e| (e.at, e.id),
        )
        .await;
        assert_eq!(walked.len(), expected, "{filter:?}");
        assert!(walked.windows(2).all(|w| w[0] > w[1]), "{filter:?}");
    }

    // The console's audit page: 50 a page, the filters carried in the links.
    let mut seen = Vec::new();
    let mut uri = "/operator/audit?action=request.filed".to_owned();
    loop {
        let page = app.get(&operator, &uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}: {}", page.text);
        seen.extend(entry_numbers(&page.text));
        match page.pager_link("next") {
            Some(next) => {
                assert!(next.ends_with("&action=request.filed"), "{next}");
                assert_eq!(
                    page.pager_link("first").is_some(),
                    uri.contains("after="),
                    "{uri}"
                );
                uri = format!("/operator/audit{next}");
            }
            None => {
                assert_eq!(
                    page.pager_link("first").as_deref(),
                    Some("/operator/audit?action=request.filed")
                );
                break;
            }
        }
    }
    let unique: HashSet<&i64> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (60, 60), "every filing, once");

    // The outbox, newest first, in the store and in the console.
    let messages: Vec<_> = (0..57)
        .map(|n| sportello::store::outbox::NewMessage {
            kind: "test".into(),
            account_id: None,
            recipient: format!("keyset-{n:03}@example.com"),
            subject: "Subject".into(),
            body: "Body".into(),
            dedupe_key: None,
        })
        .collect();
    app.store()
        .queue_messages(&messages, now)
        .await
        .expect("queue");
    let outbox = walk_store(|page| app.store().outbox(page), 10, |m| m.id).await;
    assert!(outbox.len() >= 57);
    assert!(outbox.windows(2).all(|w| w[0] > w[1]), "newest first");
    let first = app.get(&operator, "/operator/outbox").await;
    let next = first.pager_link("next").expect("a second page");
    let second = app.get(&operator, &format!("/operator/outbox{next}")).await;
    assert_eq!(second.status, StatusCode::OK);
    let shown: Vec<String> = [&first.text, &second.text]
        .iter()
        .flat_map(|html| recipients(html))
        .collect();
    let unique: HashSet<&String> = shown.iter().collect();
    assert_eq!((shown.len(), unique.len()), (57, 57));
}

/// Walks a store list `limit` at a time; the key of each row, in the order walked.
async fn walk_store<T, K, F, Fut>(read: F, limit: i64, key: impl Fn(&T) -> K) -> Vec<K>
where
    F: Fn(Page) -> Fut,
    Fut: std::future::Future<Output = sportello::error::Result<sportello::store::Listing<T>>>,
{
    let mut keys = Vec::new();
    let mut after = None;
    loop {
        let listing = read(Page::new(Some(limit), after)).await.expect("list");
        keys.extend(listing.items.iter().map(&key));
        match listing.next {
            Some(next) => {
                assert_eq!(listing.items.len() as i64, limit, "only the last is short");
                after = Some(next);
            }
            None => break,
        }
    }
    keys
}

/// The entry numbers (`#123`) an audit page shows.
fn entry_numbers(html: &str) -> Vec<i64> {
    html.split(r#"<span class="muted">#"#)
        .skip(1)
        .map(|rest| {
            rest.split('<')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("an entry number")
        })
        .collect()
}

/// The `keyset-NNN@example.com` recipients an outbox page shows.
fn recipients(html: &str) -> Vec<String> {
    html.split("<span class=\"email\">keyset-")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap_or_default().to_owned())
        .collect()
}

async fn cursors_the_list_did_not_give_are_malformed_queries(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let org = app.organization("Cursors", Some("3200001"), true).await;
    let agent = app
        .caller("agent@cursors.example", Some(org), &[Role::AdminAgent])
        .await;
    let too_long = "A".repeat(Cursor::MAX_CHARS + 1);
    let id_cursor = Cursor::id(1).encode();
    let day_cursor = Cursor::pair(Key::Text("2026-01-01".into()), 1).encode();
    let not_a_day = Cursor::pair(Key::Text("2026-02-30".into()), 1).encode();
    let lists = [
        "/api/v1/organizations".to_owned(),
        "/api/v1/accounts".to_owned(),
        "/api/v1/products".to_owned(),
        "/api/v1/activations".to_owned(),
        "/api/v1/support-requests".to_owned(),
        format!("/api/v1/organizations/{}/memberships", org.0),
        format!("/api/v1/organizations/{}/customers", org.0),
        format!("/api/v1/organizations/{}/contracts", org.0),
    ];
    for list in &lists {
        let caller = if list.ends_with("customers") {
            &agent
        } else {
            &operator
        };
        let wrong_shape = if list.ends_with("memberships") {
            id_cursor.clone()
        } else {
            day_cursor.clone()
        };
        for after in [
            "garbage!",
            "WzFd=",
            "e30",
            "W10",
            too_long.as_str(),
            wrong_shape.as_str(),
            not_a_day.as_str(),
        ] {
            let reply = app.get(caller, &format!("{list}?after={after}")).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{list}?after={after}: {}",
                reply.text
            );
            assert_eq!(reply.code(), "malformed_query", "{list}");
        }
        // An empty value is absent, as everywhere.
        let reply = app.get(caller, &format!("{list}?after=")).await;
        assert_eq!(reply.status, StatusCode::OK, "{list}: {}", reply.text);
    }
    let request = axum::http::Request::builder()
        .uri("/api/v1/products?after=garbage!")
        .header(
            axum::http::header::COOKIE,
            format!(
                "sportello_session={}",
                operator.session.as_deref().expect("session")
            ),
        )
        .header(axum::http::header::ACCEPT_LANGUAGE, "it")
        .body(axum::body::Body::empty())
        .expect("request");
    let italian = app.raw(request).await;
    assert_eq!(italian.status, StatusCode::BAD_REQUEST);
    assert!(
        italian.json()["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("Un parametro della query non è valido")),
        "{}",
        italian.text
    );
    for page in [
        "/operator/audit",
        "/operator/outbox",
        "/operator/organizations",
        "/operator/accounts",
        "/operator/products",
        "/operator/requests",
        "/operator/activations",
    ] {
        let reply = app.get(&operator, &format!("{page}?after=garbage!")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{page}");
        assert!(reply.text.contains("<html"), "{page}: a page");
    }
}

/// The plan's steps that read `table` (known as `alias` in the statement), checked: SQLite
/// never builds a temporary B-tree (a sort) and reads the table along an index, searching it
/// when the list is filtered or continues from a cursor; PostgreSQL never sorts nor scans the
/// table sequentially, and gives a filtered or continued read an index condition.
fn check_plan(
    backend: Backend,
    name: &str,
    plan: &[String],
    table: &str,
    alias: &str,
    narrowed: bool,
) {
    let text = plan.join("\n");
    match backend {
        Backend::Sqlite => {
            assert!(!text.contains("TEMP B-TREE"), "{name} sorts:\n{text}");
            let step = plan
                .iter()
                .find(|line| {
                    line.starts_with(&format!("SEARCH {alias} "))
                        || line.starts_with(&format!("SCAN {alias} "))
                        || *line == &format!("SCAN {alias}")
                })
                .unwrap_or_else(|| panic!("{name}: no step reads {table}:\n{text}"));
            if narrowed {
                // The partial index of unanswered requests holds only what the filter keeps.
                assert!(
                    step.starts_with("SEARCH") || step.contains("support_requests_awaiting_id"),
                    "{name} scans {table}:\n{text}"
                );
            } else {
                assert!(
                    step.starts_with("SEARCH")
                        || step.contains("INDEX")
                        || step == &format!("SCAN {alias}"),
                    "{name}:\n{text}"
                );
            }
        }
        Backend::Postgres => {
            assert!(!text.contains("Sort"), "{name} sorts:\n{text}");
            assert!(!text.contains("Seq Scan"), "{name} scans:\n{text}");
            let marker = if alias == table {
                format!(" on {table}  ")
            } else {
                format!(" on {table} {alias} ")
            };
            let at = plan
                .iter()
                .position(|line| line.contains(&marker))
                .unwrap_or_else(|| panic!("{name}: no step reads {table}:\n{text}"));
            // The partial index of unanswered requests holds only what the filter keeps.
            if narrowed && !plan[at].contains("support_requests_awaiting_id") {
                let details = plan[at + 1..]
                    .iter()
                    .take_while(|line| !line.contains("->"))
                    .any(|line| line.contains("Index Cond"));
                assert!(
                    details,
                    "{name} reads {table} without an index condition:\n{text}"
                );
            }
        }
    }
}

async fn every_list_reads_along_an_index_without_sorting(backend: Backend) {
    let app = TestApp::on(backend).await;
    let store = app.store();
    let first = Page::new(None, None);
    let after_id = Page::new(None, Some(Cursor::id(10)));
    let after_day = Page::new(None, Some(Cursor::pair(Key::Text("2026-01-01".into()), 10)));
    let after_time = Page::new(None, Some(Cursor::pair(Key::Int(1_767_225_600_000), 10)));
    let org = OrganizationId(1);
    let moment = OffsetDateTime::now_utc();
    let request_filters = [
        RequestFilter::default(),
        RequestFilter {
            created_by: Some(AccountId(1)),
            ..Default::default()
        },
        RequestFilter {
            organization: Some(org),
            ..Default::default()
        },
        RequestFilter {
            status: Some("open".into()),
            ..Default::default()
        },
        RequestFilter {
            severity: Some("A".into()),
            ..Default::default()
        },
        RequestFilter {
            status: Some("open".into()),
            severity: Some("A".into()),
            ..Default::default()
        },
        RequestFilter {
            overdue_at: Some(moment),
            ..Default::default()
        },
    ];
    let audit_filters = [
        AuditFilter::default(),
        AuditFilter {
            actor_id: Some(1),
            ..Default::default()
        },
        AuditFilter {
            action: Some("request.filed".into()),
            ..Default::default()
        },
        AuditFilter {
            subject: Some("request:1".into()),
            ..Default::default()
        },
        AuditFilter {
            since: Some(moment),
            until: Some(moment),
            ..Default::default()
        },
        AuditFilter {
            action: Some("request.filed".into()),
            since: Some(moment),
            ..Default::default()
        },
    ];
    type Case<'a> = (String, ListQuery<'a>, &'static str, &'static str, bool);
    let mut cases: Vec<Case> = Vec::new();
    for (page, continued) in [(&first, false), (&after_id, true)] {
        let build =
            |name: &str| format!("{name}{}", if continued { " after a cursor" } else { "" });
        cases.push((
            build("organizations"),
            sportello::store::organizations::list_query(page).expect("query"),
            "organizations",
            "o",
            continued,
        ));
        for organization in [None, Some(org)] {
            cases.push((
                build(&format!("accounts of {organization:?}")),
                sportello::store::accounts::list_query(store.backend(), organization, page)
                    .expect("query"),
                "accounts",
                "a",
                continued || organization.is_some(),
            ));
        }
        cases.push((
            build("products"),
            sportello::store::products::list_query(page).expect("query"),
            "products",
            "p",
            continued,
        ));
        cases.push((
            build("customers"),
            sportello::store::customers::list_query(org, page).expect("query"),
            "customers",
            "c",
            true,
        ));
        cases.push((
            build("activations"),
            sportello::store::activations::queue_query(ActivationStatus::Requested, page)
                .expect("query"),
            "activations",
            "a",
            true,
        ));
        cases.push((
            build("an organization's contracts"),
            sportello::store::contracts::list_query(org, page).expect("query"),
            "contracts",
            "contracts",
            true,
        ));
        cases.push((
            build("outbox"),
            sportello::store::outbox::list_query(page).expect("query"),
            "outbox",
            "outbox",
            continued,
        ));
        for filter in &request_filters {
            let filtered = filter.created_by.is_some()
                || filter.organization.is_some()
                || filter.status.is_some()
                || filter.severity.is_some()
                || filter.overdue_at.is_some();
            cases.push((
                build(&format!("requests {filter:?}")),
                sportello::store::requests::list_query(filter, page).expect("query"),
                "support_requests",
                "r",
                continued || filtered,
            ));
        }
    }
    for (page, continued) in [(&first, false), (&after_day, true)] {
        cases.push((
            format!("memberships, continued: {continued}"),
            sportello::store::memberships::list_query(org, page).expect("query"),
            "memberships",
            "memberships",
            true,
        ));
    }
    for (page, continued) in [(&first, false), (&after_time, true)] {
        for filter in &audit_filters {
            let filtered = filter.actor_id.is_some()
                || filter.action.is_some()
                || filter.subject.is_some()
                || filter.since.is_some();
            cases.push((
                format!("audit {filter:?}, continued: {continued}"),
                sportello::store::audit::list_query(filter, page).expect("query"),
                "audit_log",
                "l",
                continued || filtered,
            ));
        }
    }
    // An account's linked contracts, in the order they were linked.
    for sql in [
        sportello::store::links::LINKS_OF_ACCOUNT_SQL,
        sportello::store::links::LINKED_CONTRACTS_SQL,
    ] {
        cases.push((
            format!("linked contracts: {sql}"),
            ListQuery {
                sql: sql.to_owned(),
                args: vec![1_i64.into()],
            },
            "contract_links",
            "l",
            true,
        ));
    }
    for (name, query, table, alias, narrowed) in &cases {
        let plan = store.explain(query).await.expect("explain");
        check_plan(backend, name, &plan, table, alias, *narrowed);
    }
    assert!(cases.len() > 40);
}

on_both_backends!(
    organizations_accounts_and_catalogue_walk_every_row_once,
    memberships_and_activations_walk_every_row_once,
    requests_audit_and_outbox_walk_every_row_once,
    cursors_the_list_did_not_give_are_malformed_queries,
    every_list_reads_along_an_index_without_sorting,
);
