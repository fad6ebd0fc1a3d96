//! Memberships, the benefit policy, the Technical benefits API and activation into contracts.

use crate::on_both_backends;
use crate::support::{Backend, Caller, Reply, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use sportello::config::{ActivationMode, Settings};
use sportello::domain::{OrganizationId, Role};
use time::OffsetDateTime;

fn this_year() -> (String, String) {
    let today = OffsetDateTime::now_utc().date();
    (
        (today - time::Duration::days(30)).to_string(),
        (today + time::Duration::days(300)).to_string(),
    )
}

async fn membership(
    app: &TestApp,
    operator: &Caller,
    org: OrganizationId,
    offer: &str,
    competency: Option<&str>,
) -> Value {
    let (start, end) = this_year();
    let reply = app
        .post(
            operator,
            &format!("/api/v1/organizations/{}/memberships", org.0),
            json!({"offer": offer, "competency": competency, "start": start, "end": end}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json()
}

fn allotments(benefits: &Value) -> Vec<(String, Value)> {
    benefits["benefits"]
        .as_array()
        .expect("benefits")
        .iter()
        .map(|b| {
            (
                b["code"].as_str().unwrap_or_default().to_owned(),
                b["allotment"].clone(),
            )
        })
        .collect()
}

async fn benefits_follow_the_article_table(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let cases: [(&str, Option<&str>, Value); 5] = [
        ("action_pack", None, json!([["product_support", 10]])),
        (
            "silver",
            Some("cloud_platform"),
            json!([["product_support", 15], ["signature_cloud", "unlimited"]]),
        ),
        (
            "silver",
            Some("data_center"),
            json!([["product_support", 15], ["signature_cloud", 5]]),
        ),
        (
            "gold",
            Some("security"),
            json!([["product_support", 20], ["signature_cloud", "unlimited"]]),
        ),
        (
            "gold",
            Some("data_platform"),
            json!([["product_support", 20], ["signature_cloud", 10]]),
        ),
    ];
    for (index, (offer, competency, expected)) in cases.into_iter().enumerate() {
        let org = app
            .organization(
                &format!("Org {index}"),
                Some(&format!("900000{index}")),
                false,
            )
            .await;
        membership(&app, &operator, org, offer, competency).await;
        let member = app
            .caller(&format!("m{index}@example.com"), Some(org), &[Role::Member])
            .await;
        let benefits = app
            .get(
                &member,
                &format!("/api/v1/organizations/{}/benefits", org.0),
            )
            .await;
        assert_eq!(benefits.status, StatusCode::OK, "{}", benefits.text);
        let got: Vec<Value> = allotments(&benefits.json())
            .into_iter()
            .map(|(c, a)| json!([c, a]))
            .collect();
        assert_eq!(Value::Array(got), expected, "{offer} {competency:?}");
        assert!(
            benefits.json()["benefits"]
                .as_array()
                .expect("list")
                .iter()
                .all(|b| b["state"] == "available")
        );
    }
}

async fn the_largest_allotment_wins_and_no_membership_means_no_benefits(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let org = app.organization("Both", Some("1234321"), false).await;
    let admin = app
        .caller("admin@both.com", Some(org), &[Role::GlobalAdmin])
        .await;
    let empty = app
        .get(&admin, &format!("/api/v1/organizations/{}/benefits", org.0))
        .await
        .json();
    assert_eq!(empty["benefits"], json!([]));
    membership(&app, &operator, org, "silver", Some("data_center")).await;
    let gold = membership(&app, &operator, org, "gold", Some("cloud_productivity")).await;
    let benefits = app
        .get(&admin, &format!("/api/v1/organizations/{}/benefits", org.0))
        .await
        .json();
    assert_eq!(benefits["benefits"][0]["allotment"], 20);
    assert_eq!(benefits["benefits"][0]["source_membership_id"], gold["id"]);
    assert_eq!(benefits["benefits"][1]["allotment"], "unlimited");
    assert_eq!(benefits["benefits"][0]["activate_by"], gold["end"]);
}

async fn csp_only_accounts_are_not_in_the_partner_network(backend: Backend) {
    let app = TestApp::on(backend).await;
    let org = app.organization("Reseller", None, true).await;
    let agent = app
        .caller("agent@reseller.com", Some(org), &[Role::AdminAgent])
        .await;
    let reply = app
        .get(&agent, &format!("/api/v1/organizations/{}/benefits", org.0))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "not_partner_network");
    assert_eq!(
        reply.json()["title"],
        "You are not authorized for this action"
    );
    let page = app.get(&agent, "/benefits").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.text
            .contains("must be associated with the partner network")
    );
}

async fn membership_input_is_checked_and_nothing_is_saved_on_error(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let org = app.organization("Checked", Some("5550001"), false).await;
    let uri = format!("/api/v1/organizations/{}/memberships", org.0);
    let cases = [
        (
            json!({"offer": "gold", "start": "2026-01-01", "end": "2026-12-31"}),
            "competency_required",
        ),
        (
            json!({"offer": "gold", "competency": "knitting", "start": "2026-01-01", "end": "2026-12-31"}),
            "unknown_competency",
        ),
        (
            json!({"offer": "action_pack", "competency": "security", "start": "2026-01-01", "end": "2026-12-31"}),
            "competency_not_allowed",
        ),
        (
            json!({"offer": "platinum", "start": "2026-01-01", "end": "2026-12-31"}),
            "unknown_offer",
        ),
        (
            json!({"offer": "action_pack", "start": "2026-02-30", "end": "2026-12-31"}),
            "invalid_date",
        ),
        (
            json!({"offer": "action_pack", "start": "2026-06-01", "end": "2026-05-31"}),
            "end_before_start",
        ),
    ];
    for (body, code) in cases {
        let reply = app.post(&operator, &uri, body.clone()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply.code(), "invalid_input");
        let codes: Vec<String> = reply.json()["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["code"].as_str().map(str::to_owned))
            .collect();
        assert!(
            codes.iter().any(|c| c == code),
            "{body} should give {code}: {codes:?}"
        );
    }
    assert_eq!(
        app.get(&operator, &uri).await.json()["items"],
        json!([]),
        "nothing was saved"
    );
    let missing = app
        .post(
            &operator,
            "/api/v1/organizations/99999/memberships",
            json!({"offer": "action_pack", "start": "2026-01-01", "end": "2026-12-31"}),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn csv_imports_are_all_or_nothing_with_a_report(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    app.organization("Imported", Some("7000001"), false).await;
    let bad = "partner_id,offer,competency,start,end\n7000001,gold,cloud_platform,2026-01-01,2026-12-31\n7000001,silver,,2026-01-01,2026-12-31\n";
    let reply = app
        .send_raw(
            &operator,
            Method::POST,
            "/api/v1/memberships/import",
            "text/csv",
            bad,
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert_eq!(reply.code(), "import_rejected");
    let problems = &reply.json()["problems"];
    assert_eq!(problems[0]["line"], 3);
    assert_eq!(problems[0]["column"], "competency");
    assert_eq!(problems[0]["code"], "competency_required");
    let org_memberships = app
        .get(&operator, "/api/v1/organizations/1/memberships")
        .await
        .json();
    assert_eq!(
        org_memberships["items"],
        json!([]),
        "the good row was not imported either"
    );
    let unknown =
        "partner_id,offer,competency,start,end\n7999999,action_pack,,2026-01-01,2026-12-31\n";
    let reply = app
        .send_raw(
            &operator,
            Method::POST,
            "/api/v1/memberships/import",
            "text/csv",
            unknown,
        )
        .await;
    assert_eq!(reply.json()["problems"][0]["code"], "unknown_partner_id");
    let fixed = bad.replace("silver,,", "silver,data_center,");
    let reply = app
        .send_raw(
            &operator,
            Method::POST,
            "/api/v1/memberships/import",
            "text/csv",
            &fixed,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json()["imported"], 2);
}

/// Sends a CSV file to the import API, asking for answers in `language`.
async fn import_csv(app: &TestApp, operator: &Caller, csv: &str, language: &str) -> Reply {
    let session = operator.session.as_deref().expect("signed in");
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/memberships/import")
        .header(header::CONTENT_TYPE, "text/csv")
        .header(header::ACCEPT_LANGUAGE, language)
        .header(header::COOKIE, format!("sportello_session={session}"))
        .header("x-csrf-token", &operator.csrf)
        .body(Body::from(csv.to_owned()))
        .expect("request");
    app.raw(request).await
}

/// Each problem of an `import_rejected` answer as (line, column, code).
fn import_problems(reply: &Reply) -> Vec<(u64, String, String)> {
    reply.json()["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().expect("line"),
                p["column"].as_str().expect("column").to_owned(),
                p["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect()
}

/// How many memberships the organization has, as stored (the API's list pages count nothing).
async fn membership_total(app: &TestApp, operator: &Caller, org: OrganizationId) -> usize {
    let listed = app
        .get(
            operator,
            &format!("/api/v1/organizations/{}/memberships", org.0),
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    app.store()
        .memberships(org)
        .await
        .expect("memberships")
        .len()
}

async fn import_report_counts_rows_and_problems_apart(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let operator = app.operator().await;
    let org = app.organization("Counted", Some("7000001"), false).await;
    // Five problems on three rows: two on line 3, two on line 4, one on line 5.
    let csv = "partner_id,offer,competency,start,end\n\
               7000001,gold,cloud_platform,2026-01-01,2026-12-31\n\
               7000001,silver,,2026-01-01,2026-13-01\n\
               7000001,platinum,cloud_platform,2026-05-01,2026-04-30\n\
               ,action_pack,,2026-01-01,2026-12-31\n";
    let reply = import_csv(&app, &operator, csv, "en").await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    let body = reply.json();
    assert_eq!(
        body["detail"],
        "3 rows have 5 problems; nothing was imported. Correct them and import the whole file again."
    );
    assert_eq!(body["problems"].as_array().map(Vec::len), Some(5));
    assert_eq!(body["rows_with_problems"], 3, "{body}");
    assert_eq!(body["problem_count"], 5, "{body}");
    let italian = import_csv(&app, &operator, csv, "it").await.json();
    assert_eq!(
        italian["detail"],
        "3 righe hanno 5 problemi; non è stato importato nulla. Correggile e importa di nuovo l'intero file."
    );
    assert_eq!(
        (&italian["rows_with_problems"], &italian["problem_count"]),
        (&json!(3), &json!(5))
    );

    // One row with two problems is still one row.
    let one_row = "partner_id,offer,competency,start,end\n\
                   7000001,silver,,2026-01-01,2026-13-01\n";
    let body = import_csv(&app, &operator, one_row, "en").await.json();
    assert_eq!(
        body["detail"],
        "One row has 2 problems; nothing was imported. Correct it and import the whole file again."
    );
    let body = import_csv(&app, &operator, one_row, "it").await.json();
    assert_eq!(
        body["detail"],
        "Una riga ha 2 problemi; non è stato importato nulla. Correggila e importa di nuovo l'intero file."
    );
    assert_eq!(
        (&body["rows_with_problems"], &body["problem_count"]),
        (&json!(1), &json!(2))
    );
    assert_eq!(membership_total(&app, &operator, org).await, 0);
}

async fn unknown_partner_ids_are_reported_with_the_other_problems(backend: Backend) {
    let app = TestApp::with(backend, Settings::default()).await;
    let operator = app.operator().await;
    let org = app.organization("Known", Some("7000001"), false).await;
    let csv = "partner_id,offer,competency,start,end\n\
               7999999,action_pack,,2026-01-01,2026-12-31\n\
               7000001,silver,,2026-01-01,2026-12-31\n\
               7999998,gold,,2026-01-01,2026-12-31\n\
               7000001,gold,cloud_platform,2026-01-01,2026-12-31\n";
    let reply = import_csv(&app, &operator, csv, "en").await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    let problem = |line: u64, column: &str, code: &str| (line, column.to_owned(), code.to_owned());
    assert_eq!(
        import_problems(&reply),
        [
            problem(2, "partner_id", "unknown_partner_id"),
            problem(3, "competency", "competency_required"),
            problem(4, "partner_id", "unknown_partner_id"),
            problem(4, "competency", "competency_required"),
        ],
        "the first upload names every problem, unknown partner IDs included"
    );
    assert_eq!(membership_total(&app, &operator, org).await, 0);
}

async fn large_imports_complete(backend: Backend) {
    const ROWS: usize = 20_000;
    let app = TestApp::with(backend, Settings::default()).await;
    let operator = app.operator().await;
    let first = app.organization("Large one", Some("7100001"), false).await;
    let second = app.organization("Large two", Some("7100002"), false).await;
    let mut csv = String::from("partner_id,offer,competency,start,end\n");
    for n in 0..ROWS {
        csv.push_str(if n % 2 == 0 {
            "7100001,gold,cloud_platform,2026-01-01,2026-12-31\n"
        } else {
            "7100002,action_pack,,2026-02-01,2027-01-31\n"
        });
    }
    let reply = import_csv(&app, &operator, &csv, "en").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json()["imported"], ROWS);
    assert_eq!(membership_total(&app, &operator, first).await, ROWS / 2);
    assert_eq!(membership_total(&app, &operator, second).await, ROWS / 2);

    // The same file with a wrong date on every row: each one is reported, nothing more is written.
    let bad = csv.replace("-12-31", "-12-32");
    let reply = import_csv(&app, &operator, &bad, "en").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = import_problems(&reply);
    assert_eq!(problems.len(), ROWS / 2);
    assert_eq!(
        problems.last(),
        Some(&(ROWS as u64, "end".to_owned(), "invalid_date".to_owned()))
    );
    assert_eq!(membership_total(&app, &operator, first).await, ROWS / 2);
}

on_both_backends!(
    benefits_follow_the_article_table,
    the_largest_allotment_wins_and_no_membership_means_no_benefits,
    csp_only_accounts_are_not_in_the_partner_network,
    membership_input_is_checked_and_nothing_is_saved_on_error,
    csv_imports_are_all_or_nothing_with_a_report,
    import_report_counts_rows_and_problems_apart,
    unknown_partner_ids_are_reported_with_the_other_problems,
    large_imports_complete,
);

async fn activation_issues_one_contract(backend: Backend) {
    let settings = Settings {
        activation_delay: std::time::Duration::from_secs(3),
        ..Settings::default()
    };
    let app = TestApp::with(backend, settings).await;
    let operator = app.operator().await;
    let org = app.organization("Contoso", Some("4400001"), false).await;
    membership(&app, &operator, org, "gold", Some("cloud_platform")).await;
    let admin = app
        .caller("admin@contoso.com", Some(org), &[Role::PartnerAdmin])
        .await;
    let member = app
        .caller("member@contoso.com", Some(org), &[Role::Member])
        .await;
    let uri = format!(
        "/api/v1/organizations/{}/benefits/product_support/activation",
        org.0
    );

    let refused = app.post(&member, &uri, json!({})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "forbidden_role");
    assert_eq!(
        refused.json()["needed_roles"],
        json!(["global_admin", "partner_admin"])
    );

    let first = app.post(&admin, &uri, json!({})).await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.text);
    let again = app.post(&admin, &uri, json!({})).await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
    assert_eq!(
        first.json()["id"],
        again.json()["id"],
        "activating twice is harmless"
    );
    let benefits_uri = format!("/api/v1/organizations/{}/benefits", org.0);
    assert_eq!(
        app.get(&admin, &benefits_uri).await.json()["benefits"][0]["state"],
        "activating"
    );

    let store = app.store().clone();
    let policy = app.state.policy.clone();
    let now = OffsetDateTime::now_utc();
    assert!(
        !sportello::jobs::run_once(&store, &policy, now)
            .await
            .expect("run"),
        "not due before the delay"
    );
    // Two workers race for the due job: exactly one contract.
    let later = now + time::Duration::seconds(4);
    let (a, b) = tokio::join!(
        sportello::jobs::run_once(&store, &policy, later),
        sportello::jobs::run_once(&store, &policy, later)
    );
    assert!(
        a.expect("worker a") ^ b.expect("worker b"),
        "exactly one worker ran the job"
    );
    assert_eq!(store.pending_jobs().await.expect("jobs"), 0);
    let contracts = store.contracts_of(org).await.expect("contracts");
    assert_eq!(contracts.len(), 1, "one activation, one contract");
    let contract = &contracts[0];
    assert_eq!(contract.allotted, Some(20));
    assert_eq!(contract.start, later.date());
    let ledger = store.ledger(contract.id).await.expect("ledger");
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        ledger[0].kind,
        sportello::domain::contract::LedgerKind::Grant
    );
    assert_eq!(ledger[0].amount, Some(20));

    let seen_by_admin = app.get(&admin, &benefits_uri).await.json();
    let product = &seen_by_admin["benefits"][0];
    assert_eq!(product["state"], "active");
    assert_eq!(
        product["contract"]["contract_id"],
        contract.contract_id.to_string()
    );
    assert_eq!(
        product["contract"]["access_id"],
        contract.access_id.to_string()
    );
    assert_eq!(product["contract"]["remaining"], 20);
    assert_eq!(
        product["activation"]["processed_by"],
        Value::Null,
        "processed automatically"
    );
    let seen_by_member = app.get(&member, &benefits_uri).await.json();
    assert_eq!(
        seen_by_member["benefits"][0]["contract"]["access_id"],
        Value::Null,
        "members never see the IDs"
    );
    assert_eq!(
        seen_by_member["benefits"][0]["contract"]["remaining"], 20,
        "but they see the balance"
    );

    let messages = store
        .outbox(sportello::store::Page::new(None, None))
        .await
        .expect("outbox")
        .items;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].recipient, "admin@contoso.com");
    assert!(messages[0].body.contains(&contract.contract_id.to_string()));
    assert!(
        !messages[0].body.contains(&contract.access_id.to_string()),
        "the Access ID is not mailed"
    );
}

async fn manual_mode_waits_for_an_operator(backend: Backend) {
    let settings = Settings {
        activation_mode: ActivationMode::Manual,
        ..Settings::default()
    };
    let app = TestApp::with(backend, settings).await;
    let operator = app.operator().await;
    let org = app.organization("Fabrikam", Some("4400002"), false).await;
    membership(&app, &operator, org, "silver", Some("data_center")).await;
    let admin = app
        .caller("admin@fabrikam.com", Some(org), &[Role::GlobalAdmin])
        .await;
    let base = format!("/api/v1/organizations/{}/benefits", org.0);
    let cloud = app
        .post(
            &admin,
            &format!("{base}/signature_cloud/activation"),
            json!({}),
        )
        .await
        .json();
    let product = app
        .post(
            &admin,
            &format!("{base}/product_support/activation"),
            json!({}),
        )
        .await
        .json();
    assert!(
        !sportello::jobs::run_once(
            app.store(),
            &app.state.policy,
            OffsetDateTime::now_utc() + time::Duration::days(9)
        )
        .await
        .expect("run")
    );
    let queue = app.get(&operator, "/api/v1/activations").await.json();
    assert_eq!(queue["items"].as_array().expect("items").len(), 2);

    let empty_reason = app
        .post(
            &operator,
            &format!("/api/v1/activations/{}/reject", cloud["id"]),
            json!({"reason": " "}),
        )
        .await;
    assert_eq!(empty_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rejected = app
        .post(
            &operator,
            &format!("/api/v1/activations/{}/reject", cloud["id"]),
            json!({"reason": "Competency under review"}),
        )
        .await;
    assert_eq!(rejected.json()["status"], "rejected");
    let approved = app
        .post(
            &operator,
            &format!("/api/v1/activations/{}/approve", product["id"]),
            json!({}),
        )
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(
        approved.json()["processed_by_email"],
        "operator@sportello.test"
    );
    let twice = app
        .post(
            &operator,
            &format!("/api/v1/activations/{}/approve", product["id"]),
            json!({}),
        )
        .await;
    assert_eq!(twice.code(), "activation_processed");
    assert_eq!(
        app.store()
            .contracts_of(org)
            .await
            .expect("contracts")
            .len(),
        1
    );

    let benefits = app.get(&admin, &base).await.json();
    assert_eq!(benefits["benefits"][0]["state"], "active");
    assert_eq!(benefits["benefits"][0]["contract"]["allotment"], 15);
    assert_eq!(benefits["benefits"][1]["state"], "rejected");
    assert_eq!(
        benefits["benefits"][1]["activation"]["reason"],
        "Competency under review"
    );
    let retry = app
        .post(
            &admin,
            &format!("{base}/signature_cloud/activation"),
            json!({}),
        )
        .await;
    assert_eq!(retry.status, StatusCode::ACCEPTED);
    assert_ne!(
        retry.json()["id"],
        cloud["id"],
        "a rejected benefit can be asked for again"
    );
}

on_both_backends!(
    activation_issues_one_contract,
    manual_mode_waits_for_an_operator
);

async fn expired_and_unknown_benefits_cannot_be_activated(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let org = app.organization("Lapsed", Some("4400003"), false).await;
    let reply = app
        .post(
            &operator,
            &format!("/api/v1/organizations/{}/memberships", org.0),
            json!({"offer": "action_pack", "start": "2020-01-01", "end": "2020-12-31"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let admin = app
        .caller("admin@lapsed.com", Some(org), &[Role::GlobalAdmin])
        .await;
    let base = format!("/api/v1/organizations/{}/benefits", org.0);
    let expired = app
        .post(
            &admin,
            &format!("{base}/product_support/activation"),
            json!({}),
        )
        .await;
    assert_eq!(expired.status, StatusCode::CONFLICT);
    assert_eq!(expired.code(), "benefit_not_available");
    let unknown = app
        .post(&admin, &format!("{base}/free_lunch/activation"), json!({}))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "unknown_benefit");
    let messages = app
        .store()
        .outbox(sportello::store::Page::new(None, None))
        .await
        .expect("outbox")
        .items;
    assert!(messages.is_empty());
}

async fn the_benefits_page_disables_activation_for_members_and_explains_why(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let org = app.organization("Paged", Some("4400004"), false).await;
    membership(&app, &operator, org, "gold", Some("data_platform")).await;
    let member = app
        .caller("member@paged.com", Some(org), &[Role::Member])
        .await;
    let page = app.get(&member, "/benefits").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Partner product support"));
    assert!(page.text.contains("20 incidents"));
    assert!(page.text.contains("disabled"));
    assert!(
        page.text
            .contains("Only Global admins and Partner admins can activate benefits.")
    );
    let admin = app
        .caller("admin@paged.com", Some(org), &[Role::GlobalAdmin])
        .await;
    let reply = app
        .post(&admin, "/benefits/product_support/activate", json!({}))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = app.get(&admin, reply.location()).await;
    assert!(
        page.text
            .contains("Activation of Partner product support requested.")
    );
    assert!(page.text.contains("Requested by admin@paged.com"));
    let nobody = app.caller("loner@example.com", None, &[]).await;
    let page = app.get(&nobody, "/benefits").await;
    assert!(page.text.contains("No technical benefits yet"));
    assert!(page.text.contains("You are signed in as loner@example.com"));
}

async fn a_failing_job_is_retried_with_backoff(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let org = app.organization("Retry", Some("4400005"), false).await;
    membership(&app, &operator, org, "action_pack", None).await;
    let admin = app
        .caller("admin@retry.com", Some(org), &[Role::GlobalAdmin])
        .await;
    let reply = app
        .post(
            &admin,
            &format!(
                "/api/v1/organizations/{}/benefits/product_support/activation",
                org.0
            ),
            json!({}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    // A policy that lost the benefit makes the job fail.
    let broken = sportello::domain::policy::parse(
        &sportello::domain::policy::DEFAULT_TOML
            .replace("\"product_support\"", "\"renamed_support\""),
    )
    .expect("policy");
    let due = OffsetDateTime::now_utc() + time::Duration::seconds(10);
    assert!(
        sportello::jobs::run_once(app.store(), &broken, due)
            .await
            .expect("run")
    );
    assert_eq!(
        app.store().pending_jobs().await.expect("jobs"),
        1,
        "kept for a retry"
    );
    assert!(
        !sportello::jobs::run_once(app.store(), &app.state.policy, due)
            .await
            .expect("run"),
        "backing off"
    );
    assert!(
        sportello::jobs::run_once(
            app.store(),
            &app.state.policy,
            due + time::Duration::seconds(3)
        )
        .await
        .expect("run")
    );
    assert_eq!(app.store().pending_jobs().await.expect("jobs"), 0);
    assert_eq!(
        app.store()
            .contracts_of(org)
            .await
            .expect("contracts")
            .len(),
        1
    );
}

on_both_backends!(
    expired_and_unknown_benefits_cannot_be_activated,
    the_benefits_page_disables_activation_for_members_and_explains_why,
    a_failing_job_is_retried_with_backoff,
);
