//! Throughput figures, printed: filing support requests (sequential and concurrent, SQLite and
//! PostgreSQL), resolving a bearer token versus checking a password.
//!
//! Run: `cargo bench --bench throughput` (PostgreSQL at SPORTELLO_TEST_POSTGRES_URL or
//! postgres://root@127.0.0.1:5432/test). Compare ratios within one run: the machine is shared.

use sportello::actions;
use sportello::actions::requests::FileInput;
use sportello::domain::identifiers::{AccessId, ContractId};
use sportello::domain::policy::{self, Scope};
use sportello::domain::product::Product;
use sportello::domain::{AccountKind, Email, Role};
use sportello::store::Store;
use sportello::store::accounts::NewAccount;
use sportello::store::audit::AuditEntry;
use sportello::store::contracts::NewContract;
use sportello::store::organizations::NewOrganization;
use std::time::Instant;
use time::{Duration, OffsetDateTime};

const REQUESTS: usize = 400;
const WORKERS: usize = 8;

async fn setup(store: &Store) -> (sportello::domain::Actor, String) {
    let now = OffsetDateTime::now_utc();
    store.migrate().await.expect("migrate");
    let org = store
        .insert_organization(
            &NewOrganization {
                name: "Bench".into(),
                partner_id: Some("9990001".into()),
                csp: false,
            },
            now,
        )
        .await
        .expect("org")
        .id;
    let account = store
        .insert_account(
            &NewAccount {
                email: Email::parse("email", "bench@example.com").expect("email"),
                display_name: "Bench".into(),
                kind: AccountKind::Work,
                password_hash: sportello::secrets::hash_password("bench password").expect("hash"),
                language: None,
                organization_id: Some(org),
                roles: vec![Role::Member],
            },
            now,
        )
        .await
        .expect("account");
    store
        .insert_product(
            &Product::new(
                "azure-vm".into(),
                "Azure VM".into(),
                Scope::Cloud,
                "azure".into(),
                vec![],
            ),
            now,
        )
        .await
        .expect("product");
    let mut rng = rand::rng();
    let contract = NewContract {
        contract_id: ContractId::generate(&mut rng),
        access_id: AccessId::generate(&mut rng),
        organization_id: org,
        plan_code: "signature_cloud".into(),
        scopes: vec![Scope::Cloud],
        allotted: Some((REQUESTS * 3) as i64),
        start: now.date(),
        end: now.date() + Duration::days(30),
    };
    let id = store
        .issue_contract(&contract, None, now)
        .await
        .expect("contract");
    let audit = AuditEntry::new(None, "bench.link", "bench", serde_json::json!({}));
    store
        .link(id, account, 10, &audit, now)
        .await
        .expect("link");
    let actor = actions::sessions::actor(store, account)
        .await
        .expect("actor")
        .expect("exists");
    (actor, contract.contract_id.to_string())
}

fn input(plan: &str, n: usize) -> FileInput {
    FileInput {
        title: format!("Bench request {n}"),
        description: "Measuring throughput".into(),
        product: "azure-vm".into(),
        version: None,
        severity: "C".into(),
        plan: plan.into(),
        customer_id: None,
        contact: None,
    }
}

async fn file_requests(name: &str, store: Store) {
    let policy = std::sync::Arc::new(policy::parse(policy::DEFAULT_TOML).expect("policy"));
    let (actor, plan) = setup(&store).await;
    let started = Instant::now();
    for n in 0..REQUESTS {
        actions::requests::file(
            &store,
            &policy,
            &actor,
            &input(&plan, n),
            None,
            OffsetDateTime::now_utc(),
        )
        .await
        .expect("file");
    }
    let sequential = REQUESTS as f64 / started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..WORKERS {
        let (store, policy, actor, plan) =
            (store.clone(), policy.clone(), actor.clone(), plan.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0..REQUESTS / WORKERS {
                actions::requests::file(
                    &store,
                    &policy,
                    &actor,
                    &input(&plan, worker * 1000 + n),
                    None,
                    OffsetDateTime::now_utc(),
                )
                .await
                .expect("file");
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let concurrent = REQUESTS as f64 / started.elapsed().as_secs_f64();
    assert!(store.ledger_mismatches().await.expect("verify").is_empty());
    println!(
        "{name:<10} file request: {sequential:>8.0} req/s sequential, {concurrent:>8.0} req/s with {WORKERS} concurrent clients"
    );
}

async fn authentication(store: &Store) {
    let (actor, _) = (
        actions::sessions::actor(store, sportello::domain::AccountId(1))
            .await
            .expect("actor")
            .expect("exists"),
        (),
    );
    let (token, _) = actions::tokens::create(store, &actor, "bench", OffsetDateTime::now_utc())
        .await
        .expect("token");
    let rounds = 2000;
    let started = Instant::now();
    for _ in 0..rounds {
        actions::sessions::resolve_token(store, &token, OffsetDateTime::now_utc())
            .await
            .expect("resolve")
            .expect("valid");
    }
    let token_us = started.elapsed().as_secs_f64() * 1e6 / rounds as f64;
    let hash = sportello::secrets::hash_password("bench password").expect("hash");
    let rounds = 20;
    let started = Instant::now();
    for _ in 0..rounds {
        assert!(sportello::secrets::verify_password("bench password", &hash));
    }
    let password_us = started.elapsed().as_secs_f64() * 1e6 / rounds as f64;
    println!(
        "auth       bearer token: {token_us:>8.0} µs per request (lookup by digest); password check: {password_us:>8.0} µs (argon2id); ratio {:.0}x",
        password_us / token_us
    );
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("dir");
    let sqlite = Store::connect(&format!(
        "sqlite://{}",
        dir.path().join("bench.db").display()
    ))
    .await
    .expect("sqlite");
    file_requests("sqlite", sqlite.clone()).await;
    authentication(&sqlite).await;

    let admin_url = std::env::var("SPORTELLO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".into());
    let admin = sqlx::PgPool::connect(&admin_url)
        .await
        .expect("PostgreSQL must be reachable for the benchmark");
    let name = format!("sportello_bench_{}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(base, _)| base)
        .to_owned();
    let postgres = Store::connect(&format!("{base}/{name}"))
        .await
        .expect("postgres");
    file_requests("postgres", postgres.clone()).await;
    postgres.close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .expect("drop");
}
