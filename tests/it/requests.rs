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

fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

/// SQL Server with an old (2017), a previous (2019, in mainstream) and a current (2022) version,
/// and a cloud product.
async fn products(app: &TestApp, operator: &Caller) {
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

async fn linked_contract(
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

fn request_body(plan: &str, product: &str, version: Option<&str>) -> Value {
    json!({"title": "Cluster failover fails", "description": "After patching, the availability group does not fail over.",
           "product": product, "version": version, "severity": "B", "plan": plan})
}

#[tokio::test]
async fn eligibility_lists_every_linked_plan_with_its_reason() {
    let app = TestApp::new().await;
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

#[tokio::test]
async fn filing_consumes_one_incident_and_bad_input_charges_nothing() {
    let app = TestApp::new().await;
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
    let (_, total) = app
        .store()
        .support_requests(&Default::default(), sportello::store::Page::new(None, None))
        .await
        .expect("list");
    assert_eq!(total, 20, "exactly 20 requests stored");
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
    let send = |body: Value, key: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/support-requests")
            .header(header::CONTENT_TYPE, "application/json")
            .header(
                header::COOKIE,
                format!(
                    "sportello_session={}",
                    engineer.session.clone().unwrap_or_default()
                ),
            )
            .header("x-csrf-token", &engineer.csrf)
            .header("idempotency-key", key)
            .body(Body::from(body.to_string()))
            .expect("request")
    };
    let first = app.raw(send(body.clone(), "key-1")).await;
    assert_eq!(first.status, StatusCode::CREATED);
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

on_both_backends!(
    concurrent_creates_never_overspend,
    idempotent_retries_charge_once
);

#[tokio::test]
async fn the_lifecycle_and_refunds_follow_the_rules() {
    let app = TestApp::new().await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Contoso", Some("5510005"), false).await;
    let engineer = app
        .caller("engineer@contoso.com", Some(org), &[Role::Member])
        .await;
    let contract = linked_contract(&app, &engineer, org, Some(3)).await;
    let filed = app
        .post(
            &engineer,
            "/api/v1/support-requests",
            request_body(
                &contract.contract_id.to_string(),
                "sql-server",
                Some("2022"),
            ),
        )
        .await
        .json();
    let number = filed["number"].as_str().expect("number").to_owned();
    let status = |to: &str| json!({"status": to});
    let uri = format!("/api/v1/support-requests/{number}/status");

    let refused = app.post(&engineer, &uri, status("in_progress")).await;
    assert_eq!(refused.code(), "transition_not_allowed");
    assert_eq!(
        app.post(&operator, &uri, status("in_progress"))
            .await
            .json()["status"],
        "in_progress"
    );
    let answered = app
        .get(&engineer, &format!("/api/v1/support-requests/{number}"))
        .await
        .json();
    assert!(
        answered["first_response_at"].is_string(),
        "the operator's move is the first response"
    );
    assert_eq!(answered["response_missed"], false);
    assert_eq!(
        app.post(&operator, &uri, status("waiting_on_customer"))
            .await
            .json()["status"],
        "waiting_on_customer"
    );
    assert_eq!(
        app.post(
            &engineer,
            &format!("/api/v1/support-requests/{number}/comments"),
            json!({"body": "Logs attached"})
        )
        .await
        .json()["status"],
        "in_progress",
        "the customer's answer hands the request back to support"
    );
    assert_eq!(
        app.post(&operator, &uri, status("resolved")).await.json()["status"],
        "resolved"
    );
    assert_eq!(
        app.post(&engineer, &uri, status("in_progress"))
            .await
            .json()["status"],
        "in_progress",
        "reopened"
    );
    assert_eq!(
        app.post(&operator, &uri, status("resolved")).await.json()["status"],
        "resolved"
    );
    assert_eq!(
        app.post(&engineer, &uri, status("closed")).await.json()["status"],
        "closed"
    );
    assert_eq!(
        app.post(&engineer, &uri, status("in_progress"))
            .await
            .code(),
        "transition_not_allowed",
        "nothing leaves closed"
    );
    let history = app
        .get(&engineer, &format!("/api/v1/support-requests/{number}"))
        .await
        .json();
    let kinds: Vec<&str> = history["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds.first(), Some(&"created"));
    assert!(
        history["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["body"] == "Logs attached"),
        "the customer's comment is in the history"
    );

    let refund_uri = format!("/api/v1/support-requests/{number}/refund");
    assert_eq!(
        app.post(&engineer, &refund_uri, json!({"reason": "product_defect"}))
            .await
            .code(),
        "forbidden_role"
    );
    assert_eq!(
        app.post(&operator, &refund_uri, json!({"reason": "lunch"}))
            .await
            .json()["errors"][0]["code"],
        "unknown_refund_reason"
    );
    let refunded = app
        .post(&operator, &refund_uri, json!({"reason": "product_defect"}))
        .await;
    assert_eq!(refunded.status, StatusCode::OK, "{}", refunded.text);
    assert_eq!(refunded.json()["refunded"], true);
    let twice = app
        .post(&operator, &refund_uri, json!({"reason": "product_defect"}))
        .await;
    assert_eq!(twice.code(), "not_refundable");
    let balance = app
        .get(
            &engineer,
            &format!("/api/v1/contracts/{}", contract.contract_id),
        )
        .await
        .json();
    assert_eq!(
        balance["remaining"], 3,
        "the incident came back exactly once"
    );
    let refund = balance["ledger"]
        .as_array()
        .expect("ledger")
        .iter()
        .find(|e| e["kind"] == "refund")
        .cloned()
        .expect("refund entry");
    assert_eq!(refund["reason"], "product_defect");
    assert_eq!(refund["request_id"], balance["ledger"][1]["request_id"]);

    let stranger = app.caller("someone@else.com", None, &[]).await;
    assert_eq!(
        app.get(&stranger, &format!("/api/v1/support-requests/{number}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn admin_agents_file_for_csp_customers_under_the_csp_plan() {
    let app = TestApp::new().await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let reseller = app.organization("Adatum Reseller", None, true).await;
    let agent = app
        .caller("agent@adatum.com", Some(reseller), &[Role::AdminAgent])
        .await;
    let member = app
        .caller("member@adatum.com", Some(reseller), &[Role::Member])
        .await;
    let created = app
        .post(
            &agent,
            &format!("/api/v1/organizations/{}/customers", reseller.0),
            json!({"name": "Fabrikam", "domain": "Fabrikam.com"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let customer = created.json()["id"].as_i64().expect("id");
    assert_eq!(created.json()["domain"], "fabrikam.com");
    let bad = app
        .post(
            &agent,
            &format!("/api/v1/organizations/{}/customers", reseller.0),
            json!({"name": "", "domain": "nodot"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let plans = app
        .get(
            &agent,
            &format!("/api/v1/me/support-plans?product=azure-vm&customer={customer}"),
        )
        .await
        .json();
    assert_eq!(
        plans["eligible"],
        json!([{"plan": "csp", "plan_name": "CSP (Cloud Solution Provider)", "contract_id": null, "remaining": null}])
    );
    let mut body = request_body("csp", "azure-vm", None);
    body["customer_id"] = json!(customer);
    body["contact"] = json!("it@fabrikam.com");
    let filed = app
        .post(&agent, "/api/v1/support-requests", body.clone())
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let request = filed.json();
    assert_eq!(
        (request["charged"].clone(), request["plan"].clone()),
        (json!(false), json!("csp"))
    );
    assert_eq!(request["customer_name"], "Fabrikam");
    assert_eq!(request["contact"], "it@fabrikam.com");
    assert_eq!(request["organization_id"], reseller.0);
    assert_eq!(request["created_by_email"], "agent@adatum.com");

    let refused = app.post(&member, "/api/v1/support-requests", body).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "only Admin agents file for customers"
    );
    assert_eq!(refused.code(), "forbidden_role");
    let on_premises = app
        .post(
            &agent,
            "/api/v1/support-requests",
            request_body("csp", "sql-server", Some("2022")),
        )
        .await;
    assert_eq!(
        on_premises.json()["reason"],
        "not_csp",
        "the csp plan covers cloud products only"
    );
}

#[tokio::test]
async fn paid_plans_are_contracts_with_their_own_ids() {
    let app = TestApp::new().await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Paying", Some("5510006"), false).await;
    let ordered = app
        .post(
            &operator,
            &format!("/api/v1/organizations/{}/orders", org.0),
            json!({"plan": "advanced", "allotment": "unlimited", "term_days": 365}),
        )
        .await;
    assert_eq!(ordered.status, StatusCode::CREATED, "{}", ordered.text);
    let contract = ordered.json();
    assert_eq!(contract["plan"], "advanced");
    assert_eq!(contract["scopes"], json!(["cloud"]));
    assert_eq!(contract["allotment"], "unlimited");
    assert!(contract["access_id"].is_string());
    let bad = app
        .post(
            &operator,
            &format!("/api/v1/organizations/{}/orders", org.0),
            json!({"plan": "platinum", "allotment": 3}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let engineer = app
        .caller("engineer@paying.com", Some(org), &[Role::Member])
        .await;
    let linked = app
        .post(
            &engineer,
            "/api/v1/me/contracts",
            json!({"contract_id": contract["contract_id"], "access_id": contract["access_id"]}),
        )
        .await;
    assert_eq!(linked.status, StatusCode::CREATED);
    let plan = contract["contract_id"].as_str().expect("id");
    let filed = app
        .post(
            &engineer,
            "/api/v1/support-requests",
            request_body(plan, "azure-vm", None),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    assert_eq!(
        filed.json()["charged"],
        false,
        "unlimited plans charge nothing"
    );
}

#[tokio::test]
async fn low_balance_is_told_once_per_threshold() {
    let app = TestApp::new().await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let org = app.organization("Low", Some("5510007"), false).await;
    let engineer = app
        .caller("engineer@low.com", Some(org), &[Role::Member])
        .await;
    let contract = linked_contract(&app, &engineer, org, Some(4)).await;
    let plan = contract.contract_id.to_string();
    let first = app
        .post(
            &engineer,
            "/api/v1/support-requests",
            request_body(&plan, "sql-server", Some("2022")),
        )
        .await
        .json();
    let number = first["number"].as_str().expect("number").to_owned();
    // A refund and a new charge cross 3 again: still one message for that threshold.
    app.post(
        &operator,
        &format!("/api/v1/support-requests/{number}/refund"),
        json!({"reason": "goodwill"}),
    )
    .await;
    for _ in 0..3 {
        app.post(
            &engineer,
            "/api/v1/support-requests",
            request_body(&plan, "sql-server", Some("2022")),
        )
        .await;
    }
    let (messages, _) = app
        .store()
        .outbox(sportello::store::Page::new(None, None))
        .await
        .expect("outbox");
    let low: Vec<_> = messages
        .iter()
        .filter(|m| m.kind == "contract_low_balance")
        .collect();
    assert_eq!(
        low.len(),
        2,
        "one for 3 left, one for 1 left: {:?}",
        low.iter().map(|m| &m.body).collect::<Vec<_>>()
    );
    assert!(messages.iter().any(|m| m.kind == "request_created"));
}

#[tokio::test]
async fn contracts_ending_within_30_days_are_announced_once() {
    let app = TestApp::new().await;
    let org = app.organization("Ending", Some("5510008"), false).await;
    app.caller("admin@ending.com", Some(org), &[Role::GlobalAdmin])
        .await;
    app.caller("partner@ending.com", Some(org), &[Role::PartnerAdmin])
        .await;
    app.caller("member@ending.com", Some(org), &[Role::Member])
        .await;
    issue(
        app.store(),
        org,
        Some(5),
        today() - Duration::days(300),
        today() + Duration::days(10),
    )
    .await;
    issue(
        app.store(),
        org,
        Some(5),
        today() - Duration::days(10),
        today() + Duration::days(200),
    )
    .await;
    for _ in 0..2 {
        sportello::jobs::expiry::notify_expiring(app.store(), OffsetDateTime::now_utc())
            .await
            .expect("notify");
    }
    let (messages, _) = app
        .store()
        .outbox(sportello::store::Page::new(None, None))
        .await
        .expect("outbox");
    let mut recipients: Vec<&str> = messages
        .iter()
        .filter(|m| m.kind == "contract_expiring")
        .map(|m| m.recipient.as_str())
        .collect();
    recipients.sort_unstable();
    assert_eq!(
        recipients,
        vec!["admin@ending.com", "partner@ending.com"],
        "each admin once, only for the ending contract"
    );
}
