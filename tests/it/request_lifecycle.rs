//! The request lifecycle, refunds, CSP customers, paid plans and notifications.

use crate::contracts::issue;
use crate::on_both_backends;
use crate::requests::{linked_contract, products, request_body, today};
use crate::support::{Backend, TestApp};
use axum::http::StatusCode;
use serde_json::json;
use sportello::domain::Role;
use time::{Duration, OffsetDateTime};

async fn the_lifecycle_and_refunds_follow_the_rules(backend: Backend) {
    let app = TestApp::on(backend).await;
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
    // The `created` entry comes from the request's own row: who filed it, when, into `open`.
    let created = &history["events"][0];
    assert_eq!(created["actor_email"], "engineer@contoso.com");
    assert_eq!(created["to_status"], "open");
    assert_eq!(created["at"], filed["created_at"]);
    assert_eq!(
        kinds.iter().filter(|kind| **kind == "created").count(),
        1,
        "{kinds:?}"
    );
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

async fn admin_agents_file_for_csp_customers_under_the_csp_plan(backend: Backend) {
    let app = TestApp::on(backend).await;
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
        json!([{"plan": "csp", "plan_name": "CSP (Cloud Solution Provider)", "contract_id": null, "organization": null, "remaining": null}])
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

async fn paid_plans_are_contracts_with_their_own_ids(backend: Backend) {
    let app = TestApp::on(backend).await;
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

async fn low_balance_is_told_once_per_threshold(backend: Backend) {
    let app = TestApp::on(backend).await;
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
    let messages = app
        .store()
        .outbox(sportello::store::Page::new(None, None))
        .await
        .expect("outbox")
        .items;
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
    // Each notice says when the incidents run out at the recent pace: 1 used in the 6 days of
    // the term when 3 were left (18 days more), 3 used when 1 was left (2 days more).
    let on = |days: i64| {
        (time::OffsetDateTime::now_utc().date() + time::Duration::days(days)).to_string()
    };
    let bodies: Vec<&str> = low.iter().map(|m| m.body.as_str()).collect();
    for (left, days) in [(3, 18), (1, 2)] {
        let expected = format!(
            "has {left} incident{} left. At the pace of the last 90 days ({} per 30 days), the incidents run out on {}.",
            if left == 1 { "" } else { "s" },
            if left == 3 { "5" } else { "15" },
            on(days)
        );
        assert!(
            bodies.iter().any(|b| b.ends_with(&expected)),
            "{expected:?} in {bodies:?}"
        );
    }
    // The balance API carries the same forecast.
    let balance = app
        .get(&engineer, &format!("/api/v1/contracts/{plan}"))
        .await
        .json();
    assert_eq!(
        balance["forecast"],
        json!({"outlook": "runs_out", "on": on(2), "per_30_days": 15.0}),
        "{balance}"
    );
    assert!(messages.iter().any(|m| m.kind == "request_created"));
}

async fn contracts_ending_within_30_days_are_announced_once(backend: Backend) {
    let app = TestApp::on(backend).await;
    let org = app.organization("Ending", Some("5510008"), false).await;
    app.caller("admin@ending.com", Some(org), &[Role::GlobalAdmin])
        .await;
    let partner = app
        .caller("partner@ending.com", Some(org), &[Role::PartnerAdmin])
        .await;
    app.caller("member@ending.com", Some(org), &[Role::Member])
        .await;
    // Each admin is told in the language they read Sportello in.
    app.store()
        .set_language(
            partner.account_id.expect("id"),
            sportello::domain::Language::It,
        )
        .await
        .expect("language");
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
    let messages = app
        .store()
        .outbox(sportello::store::Page::new(None, None))
        .await
        .expect("outbox")
        .items;
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
    let subject = |recipient: &str| {
        messages
            .iter()
            .find(|m| m.kind == "contract_expiring" && m.recipient == recipient)
            .map(|m| m.subject.clone())
            .unwrap_or_default()
    };
    assert!(
        subject("admin@ending.com").starts_with("Contract "),
        "{}",
        subject("admin@ending.com")
    );
    assert!(
        subject("partner@ending.com").starts_with("Il contratto "),
        "{}",
        subject("partner@ending.com")
    );
}

on_both_backends!(
    the_lifecycle_and_refunds_follow_the_rules,
    admin_agents_file_for_csp_customers_under_the_csp_plan,
    paid_plans_are_contracts_with_their_own_ids,
    low_balance_is_told_once_per_threshold,
    contracts_ending_within_30_days_are_announced_once,
);
