//! Several instances on one PostgreSQL database (`scripts/bench --instances N`): N
//! `sportello serve` processes, clients alternating between them (as a round-robin balancer
//! would send them). Checked, each across instances:
//!
//! - a session made on one instance works on every other;
//! - a token revoked on one stops working on every other within the documented bound
//!   ([`CALLER_BOUND`]: callers are remembered 2 s);
//! - a product added on one can be filed against on every other within that bound (the
//!   catalogue is remembered the same way);
//! - the exhaustion race, its filers spread over the instances, has exactly as many winners as
//!   the contract has incidents;
//! - every activation, asked for on the instances in turn, is processed exactly once (one
//!   contract) although every instance runs a job runner;
//! - the invariants (ledger verify, audit verify, stored counts = answered counts).
//!
//! Then the throughput of filing (spread) on one instance and on all N, in the same run.

use super::activations::Activations;
use super::driver::{self, Call, Connection, Pace};
use super::invariants::Invariants;
use super::scenarios::{Scenario, Tally};
use super::server::{self, Backend, Database, Server};
use super::setup::{self, PRODUCT};
use anyhow::Context;
use serde_json::json;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How long a revoked credential or a catalogue change may take to reach another instance
/// (docs/decisions.md: callers and the catalogue are remembered 2 s), with room for the poll.
const CALLER_BOUND: Duration = Duration::from_millis(2_500);

/// Activations asked for on the instances in turn.
const ACTIVATIONS: usize = 12;

pub struct Options<'a> {
    pub instances: usize,
    pub members: usize,
    pub contracts_per_member: usize,
    pub racers: usize,
    pub connections: usize,
    pub seconds: f64,
    pub admin_url: &'a str,
    pub logs: &'a Path,
}

/// `Ok(false)` when a rule broke.
pub async fn run(options: &Options<'_>) -> anyhow::Result<bool> {
    let database = Database::create(Backend::Postgres, options.admin_url).await?;
    let outcome = run_on(options, &database).await;
    database.drop_database().await;
    outcome
}

async fn run_on(options: &Options<'_>, database: &Database) -> anyhow::Result<bool> {
    let url = &database.url;
    setup::prepare_database(url)?;
    let mut servers = Vec::new();
    let mut addresses = Vec::new();
    for instance in 0..options.instances {
        let address = server::free_address()?;
        let args: Vec<String> = [
            "serve",
            "--listen",
            &address.to_string(),
            "--database-url",
            url,
            "--activation-mode",
            "auto",
            "--activation-delay",
            "1s",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        servers.push(
            Server::start(
                "sportello",
                Path::new(server::SPORTELLO),
                &args,
                address,
                "/readyz",
                options.logs.join(format!("instance-{instance}.log")),
            )
            .await?,
        );
        addresses.push(address);
    }
    let fixture = setup::create(addresses[0], options.members, options.contracts_per_member)
        .await
        .context("creating the data through the API")?;
    let mut activations =
        Activations::prepare(addresses[0], &fixture.operator_token, ACTIVATIONS).await?;
    let invariants = Invariants::read(url).await?;
    let tally = Arc::new(Tally::default());
    let mut broken: Vec<String> = Vec::new();
    let n = options.instances;

    // A session made on instance 0 (by the fixture's sign-in) works on every instance.
    let member = &fixture.members[0];
    for (i, address) in addresses.iter().enumerate() {
        let reply = Connection::new(*address)
            .send(&Call::get("/api/v1/me/contracts").header("cookie", member.cookie.clone()))
            .await;
        if reply.status != 200 {
            broken.push(format!(
                "a session made on instance 0, used on instance {i}: {}",
                reply.status
            ));
        }
    }

    // A token made and revoked on instance 0, in use on the others, stops working there within
    // the bound.
    let mut on_first = Connection::new(addresses[0]);
    let (_, token) = setup::sign_in(&mut on_first, &fixture.members[1].email).await?;
    // The member's other token (made by the fixture) lists and revokes the new one.
    let other = fixture.members[1].token.clone();
    let listed = on_first
        .send(&Call::get("/api/v1/tokens").bearer(&other))
        .await
        .json();
    let newest = listed
        .as_array()
        .and_then(|tokens| tokens.iter().filter_map(|t| t["id"].as_i64()).max())
        .context("the new token's id")?;
    let me = |address: SocketAddr| {
        let token = token.clone();
        async move {
            Connection::new(address)
                .send(&Call::get("/api/v1/me/contracts").bearer(&token))
                .await
                .status
        }
    };
    for address in &addresses {
        me(*address).await;
    }
    let revoked = on_first
        .send(
            &Call {
                method: hyper::Method::DELETE,
                path: format!("/api/v1/tokens/{newest}"),
                headers: Vec::new(),
                body: Default::default(),
            }
            .bearer(&other),
        )
        .await;
    let revoked_at = Instant::now();
    if revoked.status != 204 {
        broken.push(format!(
            "revoking a token: {} {}",
            revoked.status,
            String::from_utf8_lossy(&revoked.body)
        ));
    }
    if me(addresses[0]).await != 401 {
        broken.push("a token revoked on instance 0 still works there".into());
    }
    let mut slowest_revocation = Duration::ZERO;
    for (i, address) in addresses.iter().enumerate().skip(1) {
        loop {
            let status = me(*address).await;
            if status == 401 {
                slowest_revocation = slowest_revocation.max(revoked_at.elapsed());
                break;
            }
            if revoked_at.elapsed() > CALLER_BOUND {
                broken.push(format!(
                    "a token revoked on instance 0 still works on instance {i} after {} ms",
                    revoked_at.elapsed().as_millis()
                ));
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    // A product added on instance 0: every other instance files against it within the bound.
    // Each instance first files against the catalogue as it remembers it.
    let new_product = "bench-cloud-added";
    let file = |address: SocketAddr, product: &'static str| {
        let call = Call::post(
            "/api/v1/support-requests",
            &json!({"title": "Multi-instance request", "description": "Filed on another instance.",
                    "product": product, "severity": "C", "plan": member.contracts[0]}),
        )
        .bearer(&member.token);
        async move { Connection::new(address).send(&call).await }
    };
    for address in &addresses {
        let reply = file(*address, PRODUCT).await;
        if reply.status == 201 {
            tally.created.fetch_add(1, Ordering::Relaxed);
        }
        let unknown = file(*address, new_product).await;
        if unknown.status != 422 {
            broken.push(format!(
                "filing for a product that does not exist yet: {} {}",
                unknown.status,
                String::from_utf8_lossy(&unknown.body)
            ));
        }
    }
    let added = Connection::new(addresses[0])
        .send(
            &Call::post(
                "/api/v1/products",
                &json!({"code": new_product, "name": "Bench Cloud Added", "scope": "cloud",
                        "workload": "azure", "versions": []}),
            )
            .bearer(&fixture.operator_token),
        )
        .await;
    let added_at = Instant::now();
    if added.status != 201 {
        broken.push(format!("adding a product: {}", added.status));
    }
    let mut slowest_catalogue = Duration::ZERO;
    for (i, address) in addresses.iter().enumerate() {
        loop {
            let reply = file(*address, new_product).await;
            if reply.status == 201 {
                tally.created.fetch_add(1, Ordering::Relaxed);
                slowest_catalogue = slowest_catalogue.max(added_at.elapsed());
                break;
            }
            if added_at.elapsed() > CALLER_BOUND {
                broken.push(format!(
                    "instance {i} does not know a product added on instance 0 after {} ms: {} {}",
                    added_at.elapsed().as_millis(),
                    reply.status,
                    String::from_utf8_lossy(&reply.body)
                ));
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    // The exhaustion race over every instance.
    let race = Arc::new(Scenario {
        name: "race",
        fixture: fixture.clone(),
        tally: tally.clone(),
        requests_after: None,
        audit_after: None,
    });
    let raced = driver::run_on(&addresses, race, options.racers, Pace::Burst).await;
    let won = tally.race_won.load(Ordering::Relaxed);
    if won != setup::RACE_INCIDENTS as u64 || raced.errors > 0 {
        broken.push(format!(
            "the race over {n} instances: {won} winners for {} incidents, {} wrong answers {:?}",
            setup::RACE_INCIDENTS,
            raced.errors,
            raced.wrong
        ));
    }

    // Activations asked for on the instances in turn, processed by whichever runner claims them.
    broken.extend(activations.ask(&addresses, ACTIVATIONS).await);
    broken.extend(
        activations
            .check(addresses[n - 1], Duration::from_secs(30))
            .await,
    );

    // Filing throughput: one instance, then all of them, in the same run.
    let spread = Arc::new(Scenario {
        name: "file-spread",
        fixture: fixture.clone(),
        tally: tally.clone(),
        requests_after: None,
        audit_after: None,
    });
    let pace = Pace::Closed(Duration::from_secs_f64(options.seconds));
    let one = driver::run_on(&addresses[..1], spread.clone(), options.connections, pace).await;
    let all = driver::run_on(&addresses, spread, options.connections, pace).await;
    for (label, measured) in [("one instance", &one), ("every instance", &all)] {
        if measured.errors > 0 {
            broken.push(format!(
                "filing on {label}: {} wrong answers {:?}",
                measured.errors, measured.wrong
            ));
        }
    }
    for server in &mut servers {
        server.stop();
    }
    let failures = invariants.check(url, &tally, &fixture, true).await?;
    println!(
        "instances: {n} on one PostgreSQL database; a session made on one works on all; a token \
         revoked on one refused everywhere within {} ms; a product added on one filed against \
         everywhere within {} ms; race over {n} instances: {won} winners for {} incidents; {} \
         activations asked on the instances in turn, each processed once",
        slowest_revocation.as_millis(),
        slowest_catalogue.as_millis(),
        setup::RACE_INCIDENTS,
        activations.asked()
    );
    println!(
        "instances: filing spread, {} connections, {} s: one instance {:.0}/s (p99 {:.1} ms), {n} \
         instances {:.0}/s (p99 {:.1} ms) = {:.2}x one",
        options.connections,
        options.seconds,
        one.rate(),
        one.ms(0.99),
        all.rate(),
        all.ms(0.99),
        all.rate() / one.rate().max(1e-9)
    );
    for rule in &broken {
        println!("INSTANCES RULE BROKEN: {rule}");
    }
    for failure in &failures {
        println!("INVARIANT BROKEN (instances): {failure}");
    }
    Ok(broken.is_empty() && failures.is_empty())
}
