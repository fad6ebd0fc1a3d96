//! Products, plan eligibility, filing with exact consumption, idempotency, lifecycle, refunds,
//! CSP customers and paid plans.

use crate::contracts::issue;
use crate::on_both_backends;
use crate::support::{Backend, Caller, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use sportello::config::Settings;
use sportello::domain::contract::Contract;
use sportello::domain::{OrganizationId, Role};
use time::{Duration, OffsetDateTime};

pub(crate) fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

/// SQL Server with an old (2017), a previous (2019, in mainstream) and a current (2022) version,
/// and a cloud product.
pub(crate) async fn products(app: &TestApp, operator: &Caller) {
    let year = today().year();
    let on_premises = json!({"code": "sql-server", "name": "SQL Server", "scope": "on_premises", "workload": "sql-server", "versions": [
        {"name": "2017", "released": "2017-09-29", "mainstream_end": "2022-10-11", "extended_end": "2027-10-12"},
        {"name": "2019", "released": "2019-11-04", "mainstream_end": format!("{}-12-31", year + 1), "extended_end": format!("{}-01-08", year + 4)},
        {"name": "2022", "released": "2022-11-16", "mainstream_end": format!("{}-01-11", year + 2), "extended_end": format!("{}-01-11", year + 5)},
    ]});
    let reply = app.post(operator, "/api/v1/products", on_premises).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json()["versions"][0]["name"], "2022", "newest first");
    let cloud = json!({"code": "azure-vm", "name": "Azure Virtual Machines", "scope": "cloud", "workload": "azure"});
    assert_eq!(
        app.post(operator, "/api/v1/products", cloud).await.status,
        StatusCode::CREATED
    );
}

fn link_body(contract: &Contract) -> Value {
    json!({"contract_id": contract.contract_id.to_string(), "access_id": contract.access_id.to_string()})
}

pub(crate) async fn linked_contract(
    app: &TestApp,
    caller: &Caller,
    org: OrganizationId,
    allotted: Option<i64>,
) -> Contract {
    let contract = issue(
        app.store(),
        org,
        allotted,
        today() - Duration::days(5),
        today() + Duration::days(300),
    )
    .await;
    assert_eq!(
        app.post(caller, "/api/v1/me/contracts", link_body(&contract))
            .await
            .status,
        StatusCode::CREATED
    );
    contract
}

pub(crate) fn request_body(plan: &str, product: &str, version: Option<&str>) -> Value {
    json!({"title": "Cluster failover fails", "description": "After patching, the availability group does not fail over.",
           "product": product, "version": version, "severity": "B", "plan": plan})
}

async fn eligibility_lists_every_linked_plan_with_its_reason(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Contoso", Some("5510001"), false).await;
    let engineer = app
        .caller("engineer@contoso.com", Some(org), &[Role::Member])
        .await;
    let current = linked_contract(&app, &engineer, org, Some(20)).await;
    let expired = issue(
        app.store(),
        org,
        Some(10),
        today() - Duration::days(400),
        today() - Duration::days(1),
    )
    .await;
    let later = issue(
        app.store(),
        org,
        Some(10),
        today() + Duration::days(10),
        today() + Duration::days(400),
    )
    .await;
    for contract in [&expired, &later] {
        // Linking refuses expired contracts, so these links are made directly.
        app.store()
            .link(
                contract.id,
                engineer.account_id.expect("id"),
                10,
                &crate::support::fixture_audit(),
                OffsetDateTime::now_utc(),
            )
            .await
            .expect("link");
    }

    let old = app
        .get(
            &engineer,
            "/api/v1/me/support-plans?product=sql-server&version=2017",
        )
        .await
        .json();
    assert_eq!(old["eligible"], json!([]));
    let reasons: Vec<(String, String)> = old["unavailable"]
        .as_array()
        .expect("list")
        .iter()
        .map(|u| {
            (
                u["contract_id"].as_str().unwrap_or_default().to_owned(),
                u["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        reasons.contains(&(current.contract_id.to_string(), "older_version".into())),
        "{reasons:?}"
    );
    assert!(reasons.contains(&(expired.contract_id.to_string(), "expired".into())));
    assert!(reasons.contains(&(later.contract_id.to_string(), "not_started".into())));
    assert!(
        old["unavailable"][0]["detail"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );

    let previous = app
        .get(
            &engineer,
            "/api/v1/me/support-plans?product=sql-server&version=2019",
        )
        .await
        .json();
    assert_eq!(
        previous["eligible"][0]["contract_id"],
        current.contract_id.to_string(),
        "N-1 in mainstream is covered"
    );
    assert_eq!(previous["eligible"][0]["remaining"], 20);
    let cloud = app
        .get(&engineer, "/api/v1/me/support-plans?product=azure-vm")
        .await
        .json();
    assert!(
        cloud["unavailable"]
            .as_array()
            .expect("list")
            .iter()
            .any(|u| u["reason"] == "wrong_scope")
    );
    let back_then = app
        .get(
            &engineer,
            "/api/v1/me/support-plans?product=sql-server&version=2017&as_of=2021-06-01",
        )
        .await
        .json();
    assert!(
        back_then["unavailable"]
            .as_array()
            .expect("list")
            .iter()
            .all(|u| u["reason"] != "older_version"
                || u["contract_id"] != current.contract_id.to_string())
            || back_then["eligible"].as_array().is_some()
    );

    for (query, code) in [
        ("product=nope", "unknown_product"),
        ("product=sql-server&version=1999", "unknown_version"),
        ("product=sql-server", "version_required"),
        ("product=azure-vm&version=1", "version_not_applicable"),
    ] {
        let reply = app
            .get(&engineer, &format!("/api/v1/me/support-plans?{query}"))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(reply.json()["errors"][0]["code"], code, "{query}");
    }
}

async fn filing_consumes_one_incident_and_bad_input_charges_nothing(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Contoso", Some("5510002"), false).await;
    let engineer = app
        .caller("engineer@contoso.com", Some(org), &[Role::Member])
        .await;
    let contract = linked_contract(&app, &engineer, org, Some(20)).await;
    let plan = contract.contract_id.to_string();

    let older = app
        .post(
            &engineer,
            "/api/v1/support-requests",
            request_body(&plan, "sql-server", Some("2017")),
        )
        .await;
    assert_eq!(older.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(older.code(), "plan_not_eligible");
    assert_eq!(older.json()["reason"], "older_version");
    for (body, code) in [
        (
            json!({"title": "", "description": "x", "product": "sql-server", "version": "2022", "severity": "B", "plan": plan}),
            "required",
        ),
        (
            json!({"title": "T", "description": "x", "product": "sql-server", "version": "2022", "severity": "Z", "plan": plan}),
            "unknown_severity",
        ),
        (
            json!({"title": "T", "description": "x", "product": "nope", "severity": "B", "plan": plan}),
            "unknown_product",
        ),
        (
            json!({"title": "T", "description": "x", "product": "azure-vm", "version": "1", "severity": "B", "plan": plan}),
            "version_not_applicable",
        ),
        (
            json!({"title": "T", "description": "x", "product": "sql-server", "version": "2022", "severity": "B", "plan": "bogus"}),
            "unknown_plan",
        ),
    ] {
        let reply = app
            .post(&engineer, "/api/v1/support-requests", body.clone())
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            reply.json()["errors"]
                .as_array()
                .expect("errors")
                .iter()
                .any(|e| e["code"] == code),
            "{body}: {}",
            reply.text
        );
    }
    assert_eq!(
        app.store()
            .contract(contract.id)
            .await
            .expect("read")
            .expect("exists")
            .used,
        0,
        "nothing charged"
    );

    let filed = app
        .post(
            &engineer,
            "/api/v1/support-requests",
            request_body(&plan, "sql-server", Some("2022")),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let request = filed.json();
    assert!(
        request["number"]
            .as_str()
            .is_some_and(|n| n.starts_with("SR-"))
    );
    assert_eq!(request["charged"], true);
    assert_eq!(request["status"], "open");
    assert_eq!(request["contact"], "engineer@contoso.com");
    let due = OffsetDateTime::parse(
        request["first_response_due"].as_str().expect("due"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("date");
    let created = OffsetDateTime::parse(
        request["created_at"].as_str().expect("created"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("date");
    assert_eq!(due - created, Duration::hours(4), "severity B: 4 hours");
    let balance = app
        .get(&engineer, &format!("/api/v1/contracts/{plan}"))
        .await
        .json();
    assert_eq!(balance["remaining"], 19);
    assert_eq!(balance["ledger"][1]["kind"], "consume");
    assert!(balance["ledger"][1]["request_id"].as_i64().is_some());
}

async fn concurrent_creates_never_overspend(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Busy", Some("5510003"), false).await;
    let engineer = app
        .caller("engineer@busy.com", Some(org), &[Role::Member])
        .await;
    let contract = linked_contract(&app, &engineer, org, Some(20)).await;
    let body = request_body(
        &contract.contract_id.to_string(),
        "sql-server",
        Some("2022"),
    )
    .to_string();
    let session = engineer.session.clone().unwrap_or_default();
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let router = app.router.clone();
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/support-requests")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, format!("sportello_session={session}"))
            .header("x-csrf-token", &engineer.csrf)
            .body(Body::from(body.clone()))
            .expect("request");
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let response = router.oneshot(request).await.expect("infallible");
            let status = response.status();
            let bytes = http_body_util::BodyExt::collect(response.into_body())
                .await
                .expect("body")
                .to_bytes();
            (status, String::from_utf8_lossy(&bytes).into_owned())
        }));
    }
    let (mut created, mut exhausted) = (0, 0);
    for task in tasks {
        let (status, text) = task.await.expect("task");
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT if text.contains("contract_exhausted") => exhausted += 1,
            other => panic!("unexpected {other}: {text}"),
        }
    }
    assert_eq!((created, exhausted), (20, 180));
    let after = app
        .store()
        .contract(contract.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!((after.used, after.allotted), (20, Some(20)));
    assert!(
        app.store()
            .ledger_mismatches()
            .await
            .expect("verify")
            .is_empty(),
        "the ledger verifies"
    );
    let stored = app
        .store()
        .support_requests(&Default::default(), sportello::store::Page::new(None, None))
        .await
        .expect("list");
    assert_eq!(
        (stored.items.len(), stored.next),
        (20, None),
        "exactly 20 requests stored"
    );
}

/// `POST /api/v1/support-requests` with this body as `caller`, with an `Idempotency-Key`.
fn keyed_filing(caller: &Caller, body: &Value, key: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/api/v1/support-requests")
        .header(header::CONTENT_TYPE, "application/json")
        .header(
            header::COOKIE,
            format!(
                "sportello_session={}",
                caller.session.clone().unwrap_or_default()
            ),
        )
        .header("x-csrf-token", &caller.csrf)
        .header("idempotency-key", key)
        .body(Body::from(body.to_string()))
        .expect("request")
}

async fn idempotent_retries_charge_once(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Retry", Some("5510004"), false).await;
    let engineer = app
        .caller("engineer@retry.com", Some(org), &[Role::Member])
        .await;
    let contract = linked_contract(&app, &engineer, org, Some(5)).await;
    let body = request_body(
        &contract.contract_id.to_string(),
        "sql-server",
        Some("2022"),
    );
    let send = |body: Value, key: &str| keyed_filing(&engineer, &body, key);
    let first = app.raw(send(body.clone(), "key-1")).await;
    assert_eq!(first.status, StatusCode::CREATED);
    // The answer is built from what was stored, not read back: it must be what a read shows.
    let number = first.json()["number"].as_str().expect("number").to_owned();
    let read = app
        .get(&engineer, &format!("/api/v1/support-requests/{number}"))
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let mut shown = read.json();
    shown
        .as_object_mut()
        .expect("an object")
        .remove("events")
        .expect("a read shows the history");
    assert_eq!(
        shown,
        first.json(),
        "the filing answer is what a read shows"
    );
    let (a, b) = tokio::join!(
        app.raw(send(body.clone(), "key-1")),
        app.raw(send(body.clone(), "key-1"))
    );
    for retry in [a, b] {
        assert_eq!(retry.status, StatusCode::OK, "{}", retry.text);
        assert_eq!(retry.json()["number"], first.json()["number"]);
    }
    let mut changed = body.clone();
    changed["title"] = json!("Another problem");
    let reused = app.raw(send(changed, "key-1")).await;
    assert_eq!(reused.status, StatusCode::CONFLICT);
    assert_eq!(reused.code(), "idempotency_key_reused");
    assert_eq!(
        app.store()
            .contract(contract.id)
            .await
            .expect("read")
            .expect("exists")
            .used,
        1,
        "charged once"
    );
}

/// A retry answers with the first result whatever happened to the contract since: exhausted by
/// the first request itself, then unlinked. Hundreds of concurrent retries charge nothing.
async fn retry_replays_after_exhaustion_and_unlink(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Replay", Some("5510014"), false).await;
    let engineer = app
        .caller("engineer@replay.com", Some(org), &[Role::Member])
        .await;
    let contract = linked_contract(&app, &engineer, org, Some(1)).await;
    let plan = contract.contract_id.to_string();
    let body = request_body(&plan, "sql-server", Some("2022"));
    let request = |key: &str| keyed_filing(&engineer, &body, key);
    let send = |key: &'static str| app.raw(request(key));
    let first = send("k1").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let number = first.json()["number"].clone();
    // The contract is now exhausted: a retry still answers with the first request.
    let retries = app
        .concurrently((0..200).map(|_| request("k1")).collect())
        .await;
    for retry in &retries {
        assert_eq!(retry.status, StatusCode::OK, "{}", retry.text);
        assert_eq!(retry.json()["number"], number);
    }
    // A new key is refused: nothing left.
    let fresh = send("k2").await;
    assert_eq!(fresh.status, StatusCode::CONFLICT, "{}", fresh.text);
    assert_eq!(fresh.code(), "contract_exhausted");
    // After unlinking, the plan is not the account's any more; the retry still replays.
    let unlinked = app
        .send(
            &engineer,
            Method::DELETE,
            &format!("/api/v1/me/contracts/{plan}"),
            None,
        )
        .await;
    assert!(unlinked.status.is_success(), "{}", unlinked.text);
    let after_unlink = send("k1").await;
    assert_eq!(after_unlink.status, StatusCode::OK, "{}", after_unlink.text);
    assert_eq!(after_unlink.json()["number"], number);
    let stored = app
        .store()
        .contract(contract.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(stored.used, 1, "charged once");
    let requests = app
        .store()
        .support_requests(
            &sportello::store::requests::RequestFilter::default(),
            sportello::store::Page::new(Some(10), None),
        )
        .await
        .expect("list");
    assert_eq!(
        (requests.items.len(), requests.next),
        (1, None),
        "one request stored"
    );
}

/// The web form's idempotency key replays the same way: the form sent twice files once, even
/// though the first submission used the last incident.
async fn web_form_resubmission_replays_after_exhaustion(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Resend", Some("5510015"), false).await;
    let engineer = app
        .caller("engineer@resend.com", Some(org), &[Role::Member])
        .await;
    let contract = linked_contract(&app, &engineer, org, Some(1)).await;
    let form = json!({"title": "Cluster failover fails", "description": "The availability group does not fail over.",
        "product": "sql-server", "version": "2022", "plans_product": "sql-server", "plans_version": "2022",
        "severity": "B", "plan": contract.contract_id.to_string(),
        "customer": "", "contact": "", "idempotency_key": "form-key-1"});
    let first = app.post(&engineer, "/support/requests", form.clone()).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text);
    let again = app.post(&engineer, "/support/requests", form).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text);
    assert_eq!(again.location(), first.location(), "the same request");
    let stored = app
        .store()
        .contract(contract.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(stored.used, 1, "charged once");
}

/// Text that would show in another order than typed is refused with a field error, like
/// control characters, and nothing is stored or charged.
async fn direction_controls_are_refused_in_text(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Bidi", Some("5510016"), false).await;
    let engineer = app
        .caller("engineer@bidi.com", Some(org), &[Role::Member])
        .await;
    let contract = linked_contract(&app, &engineer, org, Some(5)).await;
    let plan = contract.contract_id.to_string();
    for hidden in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}',
    ] {
        let mut body = request_body(&plan, "sql-server", Some("2022"));
        body["title"] = json!(format!("invoice{hidden}gnp.exe"));
        let reply = app.post(&engineer, "/api/v1/support-requests", body).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.text
        );
        assert_eq!(reply.json()["errors"][0]["field"], "title");
        assert_eq!(reply.json()["errors"][0]["code"], "direction_characters");
        let mut body = request_body(&plan, "sql-server", Some("2022"));
        body["description"] = json!(format!("line one\nline{hidden} two"));
        let reply = app.post(&engineer, "/api/v1/support-requests", body).await;
        assert_eq!(
            reply.json()["errors"][0]["code"],
            "direction_characters",
            "{}",
            reply.text
        );
    }
    let stored = app
        .store()
        .contract(contract.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(stored.used, 0, "nothing charged");
    let filed = app
        .post(
            &engineer,
            "/api/v1/support-requests",
            request_body(&plan, "sql-server", Some("2022")),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let number = filed.json()["number"].as_str().expect("number").to_owned();
    let comment = app
        .post(
            &engineer,
            &format!("/api/v1/support-requests/{number}/comments"),
            json!({"body": "see \u{202E}fdp.exe"}),
        )
        .await;
    assert_eq!(
        comment.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        comment.text
    );
    let renamed = app
        .post(
            &operator,
            "/api/v1/organizations",
            json!({"name": "Evil\u{202E}corp", "csp": true}),
        )
        .await;
    assert_eq!(
        renamed.json()["errors"][0]["code"],
        "direction_characters",
        "{}",
        renamed.text
    );
    // Right-to-left scripts themselves are text like any other.
    let hebrew = app
        .post(
            &operator,
            "/api/v1/organizations",
            json!({"name": "שלום Ltd", "csp": true}),
        )
        .await;
    assert_eq!(hebrew.status, StatusCode::CREATED, "{}", hebrew.text);
}

/// An organization's contract the account has not linked is listed, when it would serve, as
/// `not_linked` with the way out: an admin links it in one step (`POST /contracts/{id}/use`,
/// audited `via: admin`), a member is told whom to ask for the Access ID. Contracts that would
/// not serve (another scope) are not listed; Access IDs never appear.
async fn unlinked_contracts_say_who_can_link_them(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Fabrikam", Some("5510077"), false).await;
    let admin = app
        .caller("admin@fabrikam.com", Some(org), &[Role::GlobalAdmin])
        .await;
    let member = app
        .caller("engineer@fabrikam.com", Some(org), &[Role::Member])
        .await;
    let held = issue(
        app.store(),
        org,
        Some(20),
        today() - Duration::days(5),
        today() + Duration::days(300),
    )
    .await;

    let asked = app
        .get(
            &admin,
            "/api/v1/me/support-plans?product=sql-server&version=2022",
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
    assert!(
        !asked.text.contains(held.access_id.as_str()),
        "{}",
        asked.text
    );
    let asked = asked.json();
    assert_eq!(asked["eligible"], json!([]));
    let item = &asked["unavailable"][0];
    assert_eq!(item["contract_id"], held.contract_id.to_string());
    assert_eq!(item["reason"], "not_linked");
    assert_eq!(item["fix"]["action"], "link_contract");
    assert_eq!(item["fix"]["by_you"], true);
    assert!(item["fix"].get("who").is_none(), "{item}");

    let told = app
        .get(
            &member,
            "/api/v1/me/support-plans?product=sql-server&version=2022",
        )
        .await
        .json();
    let fix = &told["unavailable"][0]["fix"];
    assert_eq!(fix["action"], "link_contract");
    assert_eq!(fix["by_you"], false);
    assert_eq!(fix["who"], json!(["admin"]));
    assert!(
        fix["detail"].as_str().is_some_and(|d| d.contains("admin")),
        "{fix}"
    );
    let italian = app
        .raw(
            Request::builder()
                .uri("/api/v1/me/support-plans?product=sql-server&version=2022")
                .header(
                    header::COOKIE,
                    format!(
                        "sportello_session={}",
                        member.session.as_deref().unwrap_or_default()
                    ),
                )
                .header("accept-language", "it")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .json();
    assert!(
        italian["unavailable"][0]["fix"]["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("Chiedi a admin")),
        "{italian}"
    );
    // A contract that would not serve this product is not offered.
    let cloud = app
        .get(&member, "/api/v1/me/support-plans?product=azure-vm")
        .await
        .json();
    assert_eq!(cloud["unavailable"], json!([]), "{cloud}");

    // The member may not take the admin's one-step link; an outsider does not see it.
    let refused = app
        .post(
            &member,
            &format!("/contracts/{}/use", held.contract_id),
            json!({}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    let elsewhere = app.organization("Northwind", Some("5510078"), false).await;
    let outsider = app
        .caller("admin@northwind.com", Some(elsewhere), &[Role::GlobalAdmin])
        .await;
    let hidden = app
        .post(
            &outsider,
            &format!("/contracts/{}/use", held.contract_id),
            json!({}),
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);

    let used = app
        .post(
            &admin,
            &format!("/contracts/{}/use", held.contract_id),
            json!({"product": "sql-server", "version": "2022"}),
        )
        .await;
    assert_eq!(used.status, StatusCode::SEE_OTHER, "{}", used.text);
    assert_eq!(
        used.location(),
        format!(
            "/support/new?product=sql-server&versions_of=sql-server&version=2022&linked={}#step-plan",
            held.contract_id
        )
    );
    let page = app
        .get(
            &admin,
            used.location().split('#').next().unwrap_or_default(),
        )
        .await;
    assert!(page.text.contains("contract-linked"), "{}", page.text);
    let now = app
        .get(
            &admin,
            "/api/v1/me/support-plans?product=sql-server&version=2022",
        )
        .await
        .json();
    assert_eq!(
        now["eligible"][0]["contract_id"],
        held.contract_id.to_string()
    );
    assert_eq!(now["unavailable"], json!([]));
    // Using it again changes nothing and lands on the contract.
    let again = app
        .post(
            &admin,
            &format!("/contracts/{}/use", held.contract_id),
            json!({}),
        )
        .await;
    assert_eq!(
        again.location(),
        format!("/contracts/{}?linked_myself=1", held.contract_id)
    );
    let entries = app
        .store()
        .audit_entries(&Default::default(), sportello::store::Page::new(None, None))
        .await
        .expect("entries")
        .items;
    let links: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "contract.linked")
        .collect();
    assert_eq!(links.len(), 1, "linked once");
    assert!(
        links[0].details.contains(r#""via":"admin""#),
        "{}",
        links[0].details
    );
    assert_eq!(links[0].actor_email.as_deref(), Some("admin@fabrikam.com"));
}

/// However many contracts the organization owns, the plans list at most
/// `NOT_LINKED_SHOWN` of the unlinked ones that would serve, the oldest first, found past
/// pages of contracts that would not (expired, exhausted, linked already); and however many
/// accounts it has, the admins who can link them are named.
async fn not_linked_plans_are_bounded(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Fabrikam", Some("5510079"), false).await;
    let member = app
        .caller("engineer@fabrikam.com", Some(org), &[Role::Member])
        .await;
    // More members than a page of accounts, all before the organization's admin by email.
    for n in 0..120 {
        app.account(&format!("a{n:03}@fabrikam.com"), Some(org), &[Role::Member])
            .await;
    }
    app.account("zz-admin@fabrikam.com", Some(org), &[Role::PartnerAdmin])
        .await;
    let store = app.store();
    // More than one page of contracts that would not serve: expired, or nothing left.
    for n in 0..110 {
        let (allotted, end) = if n % 2 == 0 {
            (Some(5), today() - Duration::days(1))
        } else {
            (Some(0), today() + Duration::days(300))
        };
        issue(store, org, allotted, today() - Duration::days(400), end).await;
    }
    let linked = linked_contract(&app, &member, org, Some(20)).await;
    let mut serving = Vec::new();
    for _ in 0..(sportello::actions::requests::NOT_LINKED_SHOWN + 5) {
        let contract = issue(
            store,
            org,
            Some(20),
            today() - Duration::days(5),
            today() + Duration::days(300),
        )
        .await;
        serving.push(contract.contract_id.to_string());
    }

    let plans = app
        .get(
            &member,
            "/api/v1/me/support-plans?product=sql-server&version=2022",
        )
        .await;
    assert_eq!(plans.status, StatusCode::OK, "{}", plans.text);
    let plans = plans.json();
    assert_eq!(
        plans["eligible"][0]["contract_id"],
        linked.contract_id.to_string()
    );
    let listed: Vec<String> = plans["unavailable"]
        .as_array()
        .expect("unavailable")
        .iter()
        .filter(|item| item["reason"] == "not_linked")
        .map(|item| item["contract_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        listed,
        serving[..sportello::actions::requests::NOT_LINKED_SHOWN].to_vec(),
        "{plans}"
    );
    assert_eq!(
        plans["unavailable"][0]["fix"]["who"],
        json!(["zz-admin"]),
        "{plans}"
    );
}

/// Two plans of the same name held by different organizations are told apart by their
/// holder, in the API and in the plan picker.
async fn plans_name_the_organization_that_holds_them(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let contoso = app.organization("Contoso", Some("5510101"), false).await;
    let fabrikam = app.organization("Fabrikam", Some("5510102"), false).await;
    let consultant = app.caller("consultant@example.com", None, &[]).await;
    let first = linked_contract(&app, &consultant, contoso, Some(20)).await;
    let second = linked_contract(&app, &consultant, fabrikam, Some(20)).await;

    let plans = app
        .get(
            &consultant,
            "/api/v1/me/support-plans?product=sql-server&version=2022",
        )
        .await;
    assert_eq!(plans.status, StatusCode::OK, "{}", plans.text);
    let eligible = plans.json()["eligible"].clone();
    let holder = |contract: &Contract| {
        eligible
            .as_array()
            .and_then(|items| {
                items
                    .iter()
                    .find(|item| item["contract_id"] == contract.contract_id.to_string())
            })
            .map(|item| (item["plan_name"].clone(), item["organization"].clone()))
    };
    let (first_name, first_holder) = holder(&first).expect("the first plan");
    let (second_name, second_holder) = holder(&second).expect("the second plan");
    assert_eq!(first_name, second_name, "the same plan twice");
    assert_eq!(first_holder, "Contoso");
    assert_eq!(second_holder, "Fabrikam");

    let picker = app
        .get(&consultant, "/support/new?product=sql-server&version=2022")
        .await;
    assert_eq!(picker.status, StatusCode::OK);
    for organization in ["Contoso", "Fabrikam"] {
        assert!(
            picker.text.contains(&format!("held by {organization}")),
            "the picker names {organization}: {}",
            picker.text
        );
    }
}

on_both_backends!(
    not_linked_plans_are_bounded,
    plans_name_the_organization_that_holds_them,
    unlinked_contracts_say_who_can_link_them,
    direction_controls_are_refused_in_text,
    concurrent_creates_never_overspend,
    idempotent_retries_charge_once,
    retry_replays_after_exhaustion_and_unlink,
    web_form_resubmission_replays_after_exhaustion,
    eligibility_lists_every_linked_plan_with_its_reason,
    filing_consumes_one_incident_and_bad_input_charges_nothing,
);
