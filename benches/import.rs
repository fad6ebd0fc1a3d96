//! Membership CSV import figures, printed: a file of valid rows imported, and a file whose
//! every row has problems checked and reported (the problem document the API, the console and
//! the CLI show), on SQLite and PostgreSQL.
//!
//! Run: `cargo bench --bench import` (100,000 rows per file; another count with
//! `SPORTELLO_BENCH_ROWS=20000`; PostgreSQL at SPORTELLO_TEST_POSTGRES_URL or
//! postgres://root@127.0.0.1:5432/test). Compare ratios within one run: the machine is shared.

use sportello::actions;
use sportello::domain::{AccountKind, Actor, Email, Language, Role};
use sportello::error::Error;
use sportello::store::Store;
use sportello::store::accounts::NewAccount;
use sportello::store::organizations::NewOrganization;
use std::fmt::Write;
use std::time::Instant;
use time::OffsetDateTime;

/// Organizations the rows are spread over.
const ORGANIZATIONS: usize = 200;

fn partner_id(n: usize) -> String {
    format!("{}", 8_000_000 + n % ORGANIZATIONS)
}

async fn setup(store: &Store) -> Actor {
    let now = OffsetDateTime::now_utc();
    store.migrate().await.expect("migrate");
    for n in 0..ORGANIZATIONS {
        let new = NewOrganization {
            name: format!("Bench {n}"),
            partner_id: Some(partner_id(n)),
            csp: false,
        };
        store.insert_organization(&new, now).await.expect("org");
    }
    let operator = NewAccount {
        email: Email::parse("email", "operator@example.com").expect("email"),
        display_name: "Operator".into(),
        kind: AccountKind::Work,
        // Never signed in with: the import runs as this actor directly.
        password_hash: "unused".into(),
        language: None,
        organization_id: None,
        roles: vec![Role::Operator],
    };
    let id = store.insert_account(&operator, now).await.expect("account");
    actions::sessions::actor(store, id)
        .await
        .expect("actor")
        .expect("exists")
}

const HEADER: &str = "partner_id,offer,competency,start,end\n";

fn valid_file(rows: usize) -> String {
    let mut text = String::from(HEADER);
    for n in 0..rows {
        let row = match n % 3 {
            0 => "gold,cloud_platform,2026-01-01,2026-12-31",
            1 => "silver,devops,2026-02-01,2027-01-31",
            _ => "action_pack,,2026-03-01,2027-02-28",
        };
        let _ = writeln!(text, "{},{row}", partner_id(n));
    }
    text
}

/// Every row has one or two problems, among them unknown partner IDs.
fn bad_file(rows: usize) -> String {
    let mut text = String::from(HEADER);
    for n in 0..rows {
        let _ = match n % 4 {
            0 => writeln!(text, "9{n},gold,cloud_platform,2026-01-01,2026-12-31"),
            1 => writeln!(
                text,
                "{},gold,cloud_platform,2026-01-01,2026-13-01",
                partner_id(n)
            ),
            2 => writeln!(text, "9{n},silver,knitting,2026-01-01,2026-12-31"),
            _ => writeln!(
                text,
                "{},action_pack,devops,2026-05-01,2026-04-30",
                partner_id(n)
            ),
        };
    }
    text
}

async fn import(name: &str, store: Store, rows: usize) {
    let actor = setup(&store).await;
    let now = OffsetDateTime::now_utc();

    let text = valid_file(rows);
    let started = Instant::now();
    let imported = actions::memberships::import(&store, &actor, &text, now, &|_, _| {})
        .await
        .expect("valid file");
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(imported, rows);
    println!(
        "{name:<10} import {rows} valid rows: {seconds:>7.2} s ({:>7.0} rows/s)",
        rows as f64 / seconds
    );

    let text = bad_file(rows);
    let started = Instant::now();
    let error = actions::memberships::import(&store, &actor, &text, now, &|_, _| {})
        .await
        .expect_err("bad file");
    let report = sportello::http::error::problem(Language::En, &error);
    let seconds = started.elapsed().as_secs_f64();
    assert!(matches!(error, Error::ImportRejected(_)), "{error}");
    println!(
        "{name:<10} report {rows} bad rows:  {seconds:>7.2} s ({:>7.0} rows/s, {} problems)",
        rows as f64 / seconds,
        report.problems.len()
    );
}

#[tokio::main]
async fn main() {
    let rows = std::env::var("SPORTELLO_BENCH_ROWS")
        .ok()
        .and_then(|rows| rows.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("dir");
    let sqlite = Store::connect(&format!(
        "sqlite://{}",
        dir.path().join("bench.db").display()
    ))
    .await
    .expect("sqlite");
    import("sqlite", sqlite, rows).await;

    let admin_url = std::env::var("SPORTELLO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".into());
    let admin = sqlx::PgPool::connect(&admin_url)
        .await
        .expect("PostgreSQL must be reachable for the benchmark");
    let name = format!("sportello_bench_import_{}", std::process::id());
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
    import("postgres", postgres.clone(), rows).await;
    postgres.close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .expect("drop");
}
