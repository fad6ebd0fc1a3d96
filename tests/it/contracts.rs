//! Linking contracts, balances, link management, isolation, and the ledger.

use crate::support::{Backend, Caller, TestApp, TestDb};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sportello::config::Settings;
use sportello::domain::contract::Contract;
use sportello::domain::identifiers::{AccessId, ContractId};
use sportello::domain::policy::Scope;
use sportello::domain::{AccountId, OrganizationId, Role};
use sportello::store::Store;
use sportello::store::contracts::NewContract;
use time::{Date, Duration, OffsetDateTime};

pub async fn issue(
    store: &Store,
    org: OrganizationId,
    allotted: Option<i64>,
    start: Date,
    end: Date,
) -> Contract {
    let mut rng = rand::rng();
    let new = NewContract {
        contract_id: ContractId::generate(&mut rng),
        access_id: AccessId::generate(&mut rng),
        organization_id: org,
        plan_code: "product_support".into(),
        scopes: vec![Scope::OnPremises],
        allotted,
        start,
        end,
    };
    let id = store
        .issue_contract(&new, None, OffsetDateTime::now_utc())
        .await
        .expect("issue");
    store.contract(id).await.expect("read").expect("exists")
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

pub async fn current(app: &TestApp, org: OrganizationId, allotted: Option<i64>) -> Contract {
    issue(
        app.store(),
        org,
        allotted,
        today() - Duration::days(10),
        today() + Duration::days(300),
    )
    .await
}

fn link_body(contract: &Contract) -> Value {
    json!({"contract_id": contract.contract_id.to_string(), "access_id": contract.access_id.to_string()})
}

async fn every_linking_outcome_says_what_is_true(backend: Backend) {
    let app = TestApp::on(backend).await;
    let org = app.organization("Contoso", Some("4410001"), false).await;
    let contract = current(&app, org, Some(20)).await;
    let outsider = app.caller("consultant@personal.example", None, &[]).await;

    // Lower case, spaces instead of dashes, O for 0: still the same IDs.
    let typed = json!({
        "contract_id": contract.contract_id.to_string().replace('-', " "),
        "access_id": contract.access_id.to_string().to_lowercase(),
    });
    let first = app
        .post(&outsider, "/api/v1/me/contracts", typed.clone())
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!(first.json()["remaining"], 20);
    assert!(
        first.json().get("access_id").is_none(),
        "not an admin of the owner"
    );
    let again = app.post(&outsider, "/api/v1/me/contracts", typed).await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "linking again is a success, not an error"
    );
    assert_eq!(
        again.json()["contract_id"],
        contract.contract_id.to_string()
    );

    let mut mistyped = contract.access_id.to_string();
    let last = mistyped.pop().expect("check character");
    mistyped.push(if last == '0' { '1' } else { '0' });
    let malformed = app
        .post(
            &outsider,
            "/api/v1/me/contracts",
            json!({"contract_id": contract.contract_id.to_string(), "access_id": mistyped}),
        )
        .await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(malformed.code(), "malformed_id");
    assert_eq!(malformed.json()["errors"][0]["field"], "access_id");
    assert!(
        malformed.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("Access ID")
    );

    let other = current(&app, org, Some(5)).await;
    let wrong_access = app.post(&outsider, "/api/v1/me/contracts", json!({"contract_id": contract.contract_id.to_string(), "access_id": other.access_id.to_string()})).await;
    let wrong_contract = app.post(&outsider, "/api/v1/me/contracts", json!({"contract_id": other.contract_id.to_string(), "access_id": contract.access_id.to_string()})).await;
    assert_eq!(wrong_access.status, StatusCode::NOT_FOUND);
    assert_eq!(wrong_access.code(), "contract_not_found");
    assert_eq!(
        wrong_access.text, wrong_contract.text,
        "one generic answer whichever half is wrong"
    );

    let expired = issue(
        app.store(),
        org,
        Some(10),
        today() - Duration::days(400),
        today() - Duration::days(2),
    )
    .await;
    let reply = app
        .post(&outsider, "/api/v1/me/contracts", link_body(&expired))
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.code(), "contract_expired");
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains(&expired.end.to_string())
    );
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("paid plan")
    );

    let exhausted = current(&app, org, Some(2)).await;
    for _ in 0..2 {
        assert!(
            app.store()
                .consume(exhausted.id, None, None, OffsetDateTime::now_utc())
                .await
                .expect("consume")
        );
    }
    let reply = app
        .post(&outsider, "/api/v1/me/contracts", link_body(&exhausted))
        .await;
    assert_eq!(reply.code(), "contract_exhausted");
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("2 of 2")
    );

    let linked = app.get(&outsider, "/api/v1/me/contracts").await.json();
    assert_eq!(
        linked.as_array().expect("list").len(),
        1,
        "only the successful link counts"
    );
}

async fn the_link_limit_names_who_can_unlink(backend: Backend) {
    let app = TestApp::on(backend).await;
    let org = app
        .organization("Crowded Ltd", Some("4410002"), false)
        .await;
    let contract = current(&app, org, Some(20)).await;
    let limit = app.state.policy.max_linked_accounts;
    for n in 0..limit {
        let caller = app.caller(&format!("user{n}@example.com"), None, &[]).await;
        assert_eq!(
            app.post(&caller, "/api/v1/me/contracts", link_body(&contract))
                .await
                .status,
            StatusCode::CREATED
        );
    }
    let late = app.caller("late@example.com", None, &[]).await;
    let reply = app
        .post(&late, "/api/v1/me/contracts", link_body(&contract))
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.code(), "link_limit_reached");
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("Crowded Ltd")
    );
}

async fn failed_links_are_throttled_and_the_access_id_is_never_logged(backend: Backend) {
    let logs_before = crate::support::captured_logs().len();
    let settings = Settings {
        link_failures_per_account: 3,
        ..Settings::default()
    };
    let app = TestApp::with(backend, settings).await;
    let org = app.organization("Secretive", Some("4410003"), false).await;
    let contract = current(&app, org, Some(20)).await;
    let caller = app.caller("curious@example.com", None, &[]).await;
    let secret = contract.access_id.to_string();
    let linked = app
        .post(&caller, "/api/v1/me/contracts", link_body(&contract))
        .await;
    assert_eq!(linked.status, StatusCode::CREATED);
    for _ in 0..3 {
        let guess = AccessId::generate(&mut rand::rng()).to_string();
        let reply = app
            .post(
                &caller,
                "/api/v1/me/contracts",
                json!({"contract_id": contract.contract_id.to_string(), "access_id": guess}),
            )
            .await;
        assert_eq!(reply.code(), "contract_not_found");
        assert!(!reply.text.contains(&secret));
    }
    let blocked = app
        .post(&caller, "/api/v1/me/contracts", link_body(&contract))
        .await;
    assert_eq!(
        blocked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right pair waits"
    );
    assert!(blocked.headers.contains_key("retry-after"));
    let metrics = app.get(&Caller::anonymous(), "/metrics").await.text;

    let logs = crate::support::captured_logs();
    let ours = &logs[logs_before.min(logs.len())..];
    assert!(
        logs.contains(&format!("contract={} ", contract.contract_id))
            || logs.contains(&format!("contract={}\n", contract.contract_id)),
        "the link is logged with its Contract ID"
    );
    assert!(
        ours.contains("failed contract link"),
        "the failed attempts are logged"
    );
    let compact: String = secret.chars().filter(|c| *c != '-').collect();
    for needle in [&secret, &secret.to_lowercase(), &compact] {
        assert!(
            !logs.contains(needle.as_str()),
            "the Access ID leaked into the logs"
        );
        assert!(
            !metrics.contains(needle.as_str()),
            "the Access ID leaked into the metrics"
        );
    }
}

async fn balances_ledgers_and_isolation(backend: Backend) {
    let app = TestApp::on(backend).await;
    let contoso = app.organization("Contoso", Some("4410004"), false).await;
    let fabrikam = app.organization("Fabrikam", Some("4410005"), false).await;
    let contract = current(&app, contoso, Some(20)).await;
    assert!(
        app.store()
            .consume(contract.id, Some(7), None, OffsetDateTime::now_utc())
            .await
            .expect("consume")
    );
    let admin = app
        .caller("admin@contoso.com", Some(contoso), &[Role::GlobalAdmin])
        .await;
    let member = app
        .caller("member@contoso.com", Some(contoso), &[Role::Member])
        .await;
    let stranger = app
        .caller("admin@fabrikam.com", Some(fabrikam), &[Role::GlobalAdmin])
        .await;
    let holder = app.caller("holder@personal.example", None, &[]).await;
    app.post(&holder, "/api/v1/me/contracts", link_body(&contract))
        .await;
    let uri = format!("/api/v1/contracts/{}", contract.contract_id);

    let seen = app.get(&holder, &uri).await.json();
    assert_eq!(
        (
            seen["used"].clone(),
            seen["remaining"].clone(),
            seen["status"].clone()
        ),
        (json!(1), json!(19), json!("active"))
    );
    let kinds: Vec<&str> = seen["ledger"]
        .as_array()
        .expect("ledger")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["grant", "consume"]);
    assert_eq!(
        seen["ledger"][1]["request_id"],
        Value::Null,
        "request 7 is not the holder's to open"
    );
    assert!(seen.get("access_id").is_none() && seen.get("links").is_none());

    let by_admin = app.get(&admin, &uri).await.json();
    assert_eq!(by_admin["access_id"], contract.access_id.to_string());
    assert_eq!(by_admin["links"][0]["email"], "holder@personal.example");
    assert_eq!(
        app.get(&member, &uri).await.status,
        StatusCode::NOT_FOUND,
        "members see balances on the benefits page, not the contract"
    );
    assert_eq!(app.get(&stranger, &uri).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(
            &stranger,
            &format!("/api/v1/organizations/{}/contracts", contoso.0)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(
            &member,
            &format!("/api/v1/organizations/{}/contracts", contoso.0)
        )
        .await
        .code(),
        "forbidden_role"
    );
    let owned = app
        .get(
            &admin,
            &format!("/api/v1/organizations/{}/contracts", contoso.0),
        )
        .await
        .json();
    assert_eq!(
        owned["items"][0]["contract_id"],
        contract.contract_id.to_string()
    );

    let page = app
        .get(&holder, &format!("/contracts/{}", contract.contract_id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("<svg class=\"chart chart-wide\"")
            && page.text.contains("<svg class=\"chart chart-narrow\""),
        "the usage chart"
    );
    assert!(page.text.contains("19</span>"), "remaining incidents");
    assert!(!page.text.contains(&contract.access_id.to_string()));
    let support = app.get(&holder, "/support").await;
    assert!(support.text.contains(&contract.contract_id.to_string()));
}

async fn admins_revoke_links_and_rotate_the_access_id(backend: Backend) {
    let app = TestApp::on(backend).await;
    let org = app.organization("Contoso", Some("4410006"), false).await;
    let contract = current(&app, org, Some(20)).await;
    let admin = app
        .caller("admin@contoso.com", Some(org), &[Role::PartnerAdmin])
        .await;
    let member = app
        .caller("member@contoso.com", Some(org), &[Role::Member])
        .await;
    let holder = app.caller("holder@personal.example", None, &[]).await;
    let other = app.caller("other@personal.example", None, &[]).await;
    for caller in [&holder, &other] {
        assert_eq!(
            app.post(caller, "/api/v1/me/contracts", link_body(&contract))
                .await
                .status,
            StatusCode::CREATED
        );
    }
    let holder_id = holder.account_id.expect("id").0;
    let revoke_uri = format!(
        "/api/v1/contracts/{}/links/{holder_id}",
        contract.contract_id
    );
    assert_eq!(
        app.send(&member, Method::DELETE, &revoke_uri, None)
            .await
            .code(),
        "forbidden_role"
    );
    assert_eq!(
        app.send(&admin, Method::DELETE, &revoke_uri, None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&holder, "/api/v1/me/contracts").await.json(),
        json!([])
    );

    let rotated = app
        .post(
            &admin,
            &format!("/api/v1/contracts/{}/access-id", contract.contract_id),
            json!({}),
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK);
    let new_access = rotated.json()["access_id"]
        .as_str()
        .expect("new")
        .to_owned();
    assert_ne!(new_access, contract.access_id.to_string());
    let old = app
        .post(&holder, "/api/v1/me/contracts", link_body(&contract))
        .await;
    assert_eq!(
        old.code(),
        "contract_not_found",
        "the old Access ID stops working"
    );
    assert_eq!(
        app.get(&other, "/api/v1/me/contracts")
            .await
            .json()
            .as_array()
            .expect("list")
            .len(),
        1,
        "links stay"
    );
    let fresh = app
        .post(
            &holder,
            "/api/v1/me/contracts",
            json!({"contract_id": contract.contract_id.to_string(), "access_id": new_access}),
        )
        .await;
    assert_eq!(fresh.status, StatusCode::CREATED);

    assert_eq!(
        app.send(
            &other,
            Method::DELETE,
            &format!("/api/v1/me/contracts/{}", contract.contract_id),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.send(
            &other,
            Method::DELETE,
            &format!("/api/v1/me/contracts/{}", contract.contract_id),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

async fn the_link_form_answers_in_the_page(backend: Backend) {
    let app = TestApp::on(backend).await;
    let org = app.organization("Contoso", Some("4410007"), false).await;
    let contract = current(&app, org, Some(20)).await;
    let caller = app.caller("web@personal.example", None, &[]).await;
    let reply = app.post(&caller, "/support/link", json!({"contract_id": contract.contract_id.to_string(), "access_id": contract.access_id.to_string().to_lowercase()})).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = app.get(&caller, reply.location()).await;
    assert!(page.text.contains("is now linked to your account"));
    let again = app
        .post(&caller, "/support/link", link_body(&contract))
        .await;
    let page = app.get(&caller, again.location()).await;
    assert!(
        page.text
            .contains("is already linked to your account: there is nothing more to do.")
    );
    let bad = app
        .post(
            &caller,
            "/support/link",
            json!({"contract_id": contract.contract_id.to_string(), "access_id": "ABCDE-FGHJK"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text.contains(r#"role="alert""#) && bad.text.contains("The Access ID is not valid")
    );
    assert!(
        bad.text
            .contains(&format!(r#"value="{}""#, contract.contract_id)),
        "the Contract ID is kept"
    );
}

/// Random sequences of balance changes keep the counters equal to the ledger, never negative,
/// never above the allotment.
async fn ledger_property(backend: Backend) {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let db = TestDb::new(backend).await;
    let org = {
        let new = sportello::store::organizations::NewOrganization {
            name: "Ledger".into(),
            partner_id: Some("4410999".into()),
            csp: false,
        };
        db.store
            .insert_organization(&new, OffsetDateTime::now_utc())
            .await
            .expect("org")
            .id
    };
    #[derive(Debug, Clone)]
    enum Op {
        Consume,
        Refund,
        Adjust(i64),
    }
    let op = prop_oneof![3 => Just(Op::Consume), 2 => Just(Op::Refund), 1 => (-5i64..6).prop_map(Op::Adjust)];
    let strategy = (
        proptest::option::weighted(0.8, 0i64..8),
        proptest::collection::vec(op, 0..25),
    );
    let mut runner = TestRunner::new(Config {
        cases: 24,
        ..Config::default()
    });
    let handle = tokio::runtime::Handle::current();
    let store = db.store.clone();
    let result = tokio::task::spawn_blocking(move || {
        runner.run(&strategy, |(allotted, ops)| {
            handle.block_on(async {
                let contract =
                    issue(&store, org, allotted, today(), today() + Duration::days(30)).await;
                let now = OffsetDateTime::now_utc();
                let actor: Option<AccountId> = None;
                for op in &ops {
                    match op {
                        Op::Consume => {
                            store
                                .consume(contract.id, None, actor, now)
                                .await
                                .expect("consume");
                        }
                        Op::Refund => {
                            store
                                .refund(contract.id, None, actor, "goodwill", now)
                                .await
                                .expect("refund");
                        }
                        Op::Adjust(delta) => {
                            store
                                .adjust(contract.id, *delta, actor, "correction", now)
                                .await
                                .expect("adjust");
                        }
                    }
                    let current = store
                        .contract(contract.id)
                        .await
                        .expect("read")
                        .expect("exists");
                    let ledger = store.ledger(contract.id).await.expect("ledger");
                    let totals = sportello::domain::contract::ledger_totals(&ledger);
                    prop_assert_eq!(totals, (current.allotted, current.used));
                    prop_assert!(current.used >= 0);
                    if let Some(allotted) = current.allotted {
                        prop_assert!(current.used <= allotted);
                    }
                }
                Ok(())
            })
        })
    })
    .await
    .expect("join");
    result.expect("ledger property");
    assert!(
        db.store
            .ledger_mismatches()
            .await
            .expect("verify")
            .is_empty()
    );
}

crate::on_both_backends!(ledger_property);

/// Two instances on one database run write units that consume two contracts in opposite
/// orders, hundreds at once: their batches overlap (on PostgreSQL nothing global is held until
/// the audit entries are chained at commit), so their row locks cross and the database aborts
/// one side as a deadlock now and then. Every unit still commits exactly once (an aborted unit
/// runs again in a later batch), the counters equal the ledger and the audit chain verifies.
async fn crossing_units_on_two_instances_all_commit(backend: Backend) {
    use sportello::store::audit::AuditEntry;
    use sportello::store::ledger::EntryKind;
    let db = TestDb::new(backend).await;
    let other = Store::connect(&db.url).await.expect("second instance");
    let org = db
        .store
        .insert_organization(
            &sportello::store::organizations::NewOrganization {
                name: "Crossing".into(),
                partner_id: Some("4410998".into()),
                csp: false,
            },
            OffsetDateTime::now_utc(),
        )
        .await
        .expect("org")
        .id;
    let mut contracts = Vec::new();
    for _ in 0..2 {
        contracts.push(
            issue(
                &db.store,
                org,
                Some(1000),
                today(),
                today() + Duration::days(30),
            )
            .await,
        );
    }
    let (first, second) = (&contracts[0], &contracts[1]);
    const UNITS: i64 = 300;
    let mut tasks = Vec::new();
    for n in 0..UNITS {
        let store = if n % 2 == 0 {
            db.store.clone()
        } else {
            other.clone()
        };
        let order = if n % 2 == 0 {
            [first.id, second.id]
        } else {
            [second.id, first.id]
        };
        tasks.push(tokio::spawn(async move {
            store
                .write(move |tx| {
                    Box::pin(async move {
                        for contract in order {
                            if tx.consume(contract).await?.is_none() {
                                return Ok(false);
                            }
                            tx.record_entry(contract, EntryKind::Consume, None, None, None, n)
                                .await?;
                        }
                        let entry = AuditEntry::new(
                            None,
                            "contract.adjusted",
                            format!("unit:{n}"),
                            json!({}),
                        );
                        tx.append_audit(&entry, n).await?;
                        Ok(true)
                    })
                })
                .await
        }));
    }
    for task in tasks {
        assert!(task.await.expect("task").expect("every unit commits"));
    }
    for contract in [first.id, second.id] {
        let current = db
            .store
            .contract(contract)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            current.used, UNITS,
            "each unit used one incident of each contract"
        );
    }
    assert!(
        db.store
            .ledger_mismatches()
            .await
            .expect("ledger")
            .is_empty()
    );
    let (entries, broken) = db.store.verify_audit().await.expect("audit");
    assert_eq!(broken, None, "the chain holds");
    assert!(entries >= UNITS as usize);
}

crate::on_both_backends!(crossing_units_on_two_instances_all_commit);

/// A Contoso contract used by Contoso's engineer, by a Fabrikam member and by an outsider (a
/// personal account) who linked it, the engineer's incident given back by an operator.
struct SharedLedger {
    app: TestApp,
    contract: Contract,
    operator: Caller,
    admin: Caller,
    engineer: Caller,
    fabrikam: Caller,
    outsider: Caller,
    /// The requests filed by the engineer, the Fabrikam member and the outsider.
    numbers: [String; 3],
}

async fn shared_ledger(backend: Backend) -> SharedLedger {
    use crate::requests::{products, request_body};
    let app = TestApp::with(backend, Settings::default()).await;
    let operator = app.operator().await;
    products(&app, &operator).await;
    let contoso = app.organization("Contoso", Some("4410021"), false).await;
    let fabrikam_org = app.organization("Fabrikam", Some("4410022"), false).await;
    let admin = app
        .caller("admin@contoso.com", Some(contoso), &[Role::GlobalAdmin])
        .await;
    let engineer = app
        .caller("engineer@contoso.com", Some(contoso), &[Role::Member])
        .await;
    let fabrikam = app
        .caller("member@fabrikam.com", Some(fabrikam_org), &[Role::Member])
        .await;
    let outsider = app.caller("consultant@personal.example", None, &[]).await;
    let contract = current(&app, contoso, Some(20)).await;
    let plan = contract.contract_id.to_string();
    let mut numbers = Vec::new();
    for who in [&engineer, &fabrikam, &outsider] {
        let linked = app
            .post(who, "/api/v1/me/contracts", link_body(&contract))
            .await;
        assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);
        let filed = app
            .post(
                who,
                "/api/v1/support-requests",
                request_body(&plan, "sql-server", Some("2022")),
            )
            .await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
        numbers.push(filed.json()["number"].as_str().expect("number").to_owned());
    }
    let refund = app
        .post(
            &operator,
            &format!("/api/v1/support-requests/{}/refund", numbers[0]),
            json!({"reason": "product_defect"}),
        )
        .await;
    assert!(refund.status.is_success(), "{}", refund.text);
    let numbers: [String; 3] = numbers.try_into().expect("three requests");
    SharedLedger {
        app,
        contract,
        operator,
        admin,
        engineer,
        fabrikam,
        outsider,
        numbers,
    }
}

fn ledger_field(ledger: &Value, field: &str) -> Vec<Value> {
    ledger["ledger"]
        .as_array()
        .expect("ledger")
        .iter()
        .map(|entry| entry[field].clone())
        .filter(|value| !value.is_null())
        .collect()
}

/// Everyone who may see the contract sees every entry's date, kind and amount; request numbers
/// and people only where the viewer may open the request.
async fn the_ledger_shows_each_viewer_only_requests_they_can_open(backend: Backend) {
    let shared = shared_ledger(backend).await;
    let SharedLedger { app, numbers, .. } = &shared;
    let uri = format!("/api/v1/contracts/{}", shared.contract.contract_id);
    let id = |caller: &Caller| json!(caller.account_id.expect("id").0);
    let full = app.get(&shared.operator, &uri).await.json();
    assert_eq!(
        ledger_field(&full, "request_number"),
        vec![
            json!(numbers[0]),
            json!(numbers[1]),
            json!(numbers[2]),
            json!(numbers[0])
        ],
        "operators see every request: {full}"
    );
    assert_eq!(
        ledger_field(&full, "actor_id"),
        vec![
            id(&shared.engineer),
            id(&shared.fabrikam),
            id(&shared.outsider),
            id(&shared.operator)
        ]
    );

    let outsider = app.get(&shared.outsider, &uri).await;
    assert_eq!(outsider.status, StatusCode::OK);
    let outsider = outsider.json();
    assert_eq!(
        ledger_field(&outsider, "request_number"),
        vec![json!(numbers[2])],
        "only the outsider's own request: {outsider}"
    );
    assert_eq!(
        ledger_field(&outsider, "actor_id"),
        vec![id(&shared.outsider)]
    );
    assert_eq!(ledger_field(&outsider, "request_id").len(), 1);
    let text = outsider.to_string();
    for foreign in [&numbers[0], &numbers[1]] {
        assert!(!text.contains(foreign.as_str()), "{foreign} in {text}");
    }
    for field in ["kind", "amount", "at", "reason"] {
        assert_eq!(
            ledger_field(&outsider, field),
            ledger_field(&full, field),
            "every entry's {field} is shown"
        );
    }

    let admin = app.get(&shared.admin, &uri).await.json();
    assert_eq!(
        ledger_field(&admin, "request_number"),
        vec![json!(numbers[0]), json!(numbers[0])],
        "Contoso's admins open Contoso's requests, not Fabrikam's or the outsider's"
    );
    assert_eq!(
        ledger_field(&admin, "actor_id"),
        vec![id(&shared.engineer), id(&shared.operator)]
    );
    assert_eq!(
        ledger_field(&admin, "kind").len(),
        5,
        "grant, 3 consumes, refund"
    );

    // Every number shown opens for its viewer; every number hidden does not.
    for viewer in [
        &shared.operator,
        &shared.admin,
        &shared.engineer,
        &shared.fabrikam,
        &shared.outsider,
    ] {
        let shown = ledger_field(&app.get(viewer, &uri).await.json(), "request_number");
        for number in numbers {
            let opens = app
                .get(viewer, &format!("/api/v1/support-requests/{number}"))
                .await
                .status
                == StatusCode::OK;
            assert_eq!(
                shown.contains(&json!(number)),
                opens,
                "{number} shown to {:?} exactly when it opens",
                viewer.account_id
            );
        }
    }
}

crate::on_both_backends!(the_ledger_shows_each_viewer_only_requests_they_can_open);

/// The contract page shows the outsider no one else's request and links nowhere they cannot go.
async fn the_contract_page_links_the_outsider_only_to_pages_they_can_open(backend: Backend) {
    let shared = shared_ledger(backend).await;
    let SharedLedger { app, numbers, .. } = &shared;
    let page = app
        .get(
            &shared.outsider,
            &format!("/contracts/{}", shared.contract.contract_id),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&numbers[2]), "their own request");
    for foreign in [&numbers[0], &numbers[1]] {
        assert!(!page.text.contains(foreign.as_str()), "{foreign} shown");
    }
    assert_eq!(
        page.text.matches("<tbody>").count(),
        1,
        "one table: the ledger"
    );
    assert_eq!(
        page.text.matches("<tr>").count(),
        6,
        "every entry is listed (and the header row)"
    );
    let mut hrefs: Vec<&str> = page
        .text
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/'))
        .collect();
    hrefs.sort_unstable();
    hrefs.dedup();
    assert!(hrefs.contains(&format!("/support/requests/{}", numbers[2]).as_str()));
    for href in hrefs {
        let reply = app.get(&shared.outsider, &href.replace("&amp;", "&")).await;
        assert!(
            reply.status.is_success() || reply.status.is_redirection(),
            "{href} answers {} to the outsider",
            reply.status
        );
    }
}

crate::on_both_backends!(
    every_linking_outcome_says_what_is_true,
    the_link_limit_names_who_can_unlink,
    failed_links_are_throttled_and_the_access_id_is_never_logged,
    balances_ledgers_and_isolation,
    admins_revoke_links_and_rotate_the_access_id,
    the_link_form_answers_in_the_page,
    the_contract_page_links_the_outsider_only_to_pages_they_can_open,
);
