//! The model check (`scripts/bench --model N`): N randomized operations per backend, sent by
//! many concurrent clients, each answer compared with what a model of the rules says it must
//! be.
//!
//! Every client is a member of the same organization with contracts of its own (small
//! allotments, so they run out all the time), and it keeps the model of those contracts: what
//! is linked, what is left, which requests were charged and refunded, which idempotency keys
//! were answered. Each operation's answer is predicted exactly from that model — a filing is
//! 201 (and charges one) while the contract is linked and has incidents left, 409
//! `contract_exhausted` when it has none, 422 `plan_not_eligible` when it is not linked; a
//! retried key answers 200 with its first request and charges nothing; a refund is 200 once and
//! 409 `not_refundable` after; unlink is 204, or 404 when not linked; link is 201, or 409
//! `contract_exhausted` when none is left, 409 `contract_expired` for a contract whose term ended
//! before the run (each client has one); a balance
//! read shows exactly the model's remaining incidents; a contract that has run out is replaced
//! by a new order. The clients run together, so the writer's batches mix every kind of
//! operation on many contracts, and every refusal must still be the right one. At the end every
//! contract's balance must equal the model's, and the invariants must hold: ledger verify,
//! audit verify, stored requests, charges, refunds and keys = the answered ones.

use super::driver::{Call, Connection, Reply};
use super::invariants::Invariants;
use super::scenarios::Tally;
use super::server::{self, Backend, Database, Server};
use super::setup::{self, Fixture, Member, PASSWORD, PRODUCT, expect, text};
use anyhow::Context;
use rand::Rng;
use serde_json::json;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// One contract of a client's model.
struct Held {
    code: String,
    access: String,
    linked: bool,
    remaining: i64,
    /// Its term ended before the run: it can never be linked.
    expired: bool,
}

/// A charged request of the model.
struct Charged {
    number: String,
    contract: usize,
    refunded: bool,
}

struct Client {
    token: String,
    organization: i64,
    held: Vec<Held>,
    charged: Vec<Charged>,
    /// Answered keys: the key's call and the number it was answered with.
    keys: Vec<(Call, String)>,
}

/// What the clients did, for the report and the invariants.
#[derive(Default)]
struct Counts {
    operations: AtomicU64,
    filed: AtomicU64,
    exhausted: AtomicU64,
    not_linked: AtomicU64,
    expired: AtomicU64,
    retries: AtomicU64,
    refunds: AtomicU64,
    refused_refunds: AtomicU64,
    link_changes: AtomicU64,
    orders: AtomicU64,
    balances: AtomicU64,
}

struct Run {
    address: SocketAddr,
    operator: String,
    counts: Counts,
    /// Keys handed out, unique per run.
    keys: AtomicU64,
}

impl Run {
    /// A new order of a few incidents for the client's organization, linked by the client.
    async fn order(
        &self,
        connection: &mut Connection,
        client: &mut Client,
    ) -> anyhow::Result<usize> {
        let allotment = rand::rng().random_range(1..=6);
        let reply = connection
            .send(
                &Call::post(
                    format!("/api/v1/organizations/{}/orders", client.organization),
                    &json!({"plan": "premier", "allotment": allotment}),
                )
                .bearer(&self.operator),
            )
            .await;
        let contract = expect(&reply, &[201], "order")?;
        let (code, access) = (
            text(&contract, "contract_id")?,
            text(&contract, "access_id")?,
        );
        let reply = connection
            .send(
                &Call::post(
                    "/api/v1/me/contracts",
                    &json!({"contract_id": code, "access_id": access}),
                )
                .bearer(&client.token),
            )
            .await;
        expect(&reply, &[201], "link a new order")?;
        self.counts.orders.fetch_add(1, Ordering::Relaxed);
        client.held.push(Held {
            code,
            access,
            linked: true,
            remaining: allotment,
            expired: false,
        });
        Ok(client.held.len() - 1)
    }

    /// An order whose term ended ten days ago (ordered now, for a start in the past).
    async fn order_expired(
        &self,
        connection: &mut Connection,
        client: &mut Client,
    ) -> anyhow::Result<()> {
        let start = time::OffsetDateTime::now_utc().date() - time::Duration::days(40);
        let start = format!(
            "{:04}-{:02}-{:02}",
            start.year(),
            u8::from(start.month()),
            start.day()
        );
        let reply = connection
            .send(
                &Call::post(
                    format!("/api/v1/organizations/{}/orders", client.organization),
                    &json!({"plan": "premier", "allotment": 5, "start": start, "term_days": 30}),
                )
                .bearer(&self.operator),
            )
            .await;
        let contract = expect(&reply, &[201], "an order that has ended")?;
        client.held.push(Held {
            code: text(&contract, "contract_id")?,
            access: text(&contract, "access_id")?,
            linked: false,
            remaining: 5,
            expired: true,
        });
        Ok(())
    }

    /// One random operation, its answer checked against the model; `Err` names the first
    /// answer that broke a rule.
    async fn operate(
        &self,
        connection: &mut Connection,
        client: &mut Client,
    ) -> anyhow::Result<()> {
        let counts = &self.counts;
        let roll = rand::rng().random_range(0..100);
        let wrong = |what: String, reply: &Reply| -> anyhow::Error {
            anyhow::anyhow!(
                "{what}: answered {} {}",
                reply.status,
                String::from_utf8_lossy(&reply.body)
            )
        };
        if roll < 15 && !client.keys.is_empty() {
            let (call, number) = &client.keys[rand::rng().random_range(0..client.keys.len())];
            let reply = connection.send(call).await;
            if reply.status != 200 || reply.json()["number"].as_str() != Some(number) {
                return Err(wrong(
                    format!("a retry of the key answered {number}"),
                    &reply,
                ));
            }
            counts.retries.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if roll < 30 && !client.charged.is_empty() {
            let i = rand::rng().random_range(0..client.charged.len());
            let number = client.charged[i].number.clone();
            let reply = connection
                .send(
                    &Call::post(
                        format!("/api/v1/support-requests/{number}/refund"),
                        &json!({"reason": "goodwill"}),
                    )
                    .bearer(&self.operator),
                )
                .await;
            let charged = &mut client.charged[i];
            if charged.refunded {
                if reply.status != 409 || reply.json()["code"] != "not_refundable" {
                    return Err(wrong(format!("refunding {number} again"), &reply));
                }
                counts.refused_refunds.fetch_add(1, Ordering::Relaxed);
            } else {
                if reply.status != 200 {
                    return Err(wrong(format!("refunding {number}"), &reply));
                }
                charged.refunded = true;
                client.held[charged.contract].remaining += 1;
                counts.refunds.fetch_add(1, Ordering::Relaxed);
            }
            // A request refunded twice is kept only for the refused refund it can still test.
            if client.charged.len() > 64 {
                client.charged.retain(|c| !c.refunded);
            }
            return Ok(());
        }
        let i = rand::rng().random_range(0..client.held.len());
        if roll < 38 {
            let held = &mut client.held[i];
            let reply = connection
                .send(
                    &Call {
                        method: hyper::Method::DELETE,
                        path: format!("/api/v1/me/contracts/{}", held.code),
                        headers: Vec::new(),
                        body: Default::default(),
                    }
                    .bearer(&client.token),
                )
                .await;
            let expected = if held.linked { 204 } else { 404 };
            if reply.status != expected {
                return Err(wrong(
                    format!("unlinking {} (linked: {})", held.code, held.linked),
                    &reply,
                ));
            }
            held.linked = false;
            counts.link_changes.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if roll < 46 && !client.held[i].linked {
            let held = &mut client.held[i];
            let reply = connection
                .send(
                    &Call::post(
                        "/api/v1/me/contracts",
                        &json!({"contract_id": held.code, "access_id": held.access}),
                    )
                    .bearer(&client.token),
                )
                .await;
            if held.expired {
                if reply.status != 409 || reply.json()["code"] != "contract_expired" {
                    return Err(wrong(format!("linking expired {}", held.code), &reply));
                }
                counts.expired.fetch_add(1, Ordering::Relaxed);
            } else if held.remaining == 0 {
                // An exhausted contract cannot be linked.
                if reply.status != 409 || reply.json()["code"] != "contract_exhausted" {
                    return Err(wrong(format!("linking exhausted {}", held.code), &reply));
                }
            } else if reply.status != 201 {
                return Err(wrong(format!("linking {} again", held.code), &reply));
            } else {
                held.linked = true;
            }
            counts.link_changes.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if roll < 52 {
            let held = &client.held[i];
            let reply = connection
                .send(&Call::get(format!("/api/v1/contracts/{}", held.code)).bearer(&self.operator))
                .await;
            if reply.status != 200 || reply.json()["remaining"].as_i64() != Some(held.remaining) {
                return Err(wrong(
                    format!(
                        "the balance of {} (model: {} left)",
                        held.code, held.remaining
                    ),
                    &reply,
                ));
            }
            counts.balances.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        // A filing, with a key of its own.
        let n = self.keys.fetch_add(1, Ordering::Relaxed);
        let key = format!("model-{}-{n}", std::process::id());
        let held = &client.held[i];
        let call = Call::post(
            "/api/v1/support-requests",
            &json!({"title": format!("Model request {n}"), "description": "Checked against the model.",
                    "product": PRODUCT, "severity": "C", "plan": held.code}),
        )
        .header("idempotency-key", key)
        .bearer(&client.token);
        let reply = connection.send(&call).await;
        let code = reply.json()["code"].as_str().unwrap_or_default().to_owned();
        if !held.linked {
            if reply.status != 422 || code != "plan_not_eligible" {
                return Err(wrong(format!("filing on unlinked {}", held.code), &reply));
            }
            counts.not_linked.fetch_add(1, Ordering::Relaxed);
        } else if held.remaining == 0 {
            if reply.status != 409 || code != "contract_exhausted" {
                return Err(wrong(format!("filing on exhausted {}", held.code), &reply));
            }
            counts.exhausted.fetch_add(1, Ordering::Relaxed);
            // Run out: the organization orders another (the exhausted one stays, refusing).
            if client.held.iter().all(|h| !h.linked || h.remaining == 0) || client.held.len() < 8 {
                self.order(connection, client).await?;
            }
        } else {
            let number = match (reply.status, reply.json()["number"].as_str()) {
                (201, Some(number)) if reply.json()["charged"] == true => number.to_owned(),
                _ => {
                    return Err(wrong(
                        format!("filing on {} ({} left)", held.code, held.remaining),
                        &reply,
                    ));
                }
            };
            client.held[i].remaining -= 1;
            client.charged.push(Charged {
                number: number.clone(),
                contract: i,
                refunded: false,
            });
            client.keys.push((call, number));
            if client.keys.len() > 256 {
                client.keys.swap_remove(0);
            }
            counts.filed.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// The model check on one backend: `Ok(false)` when an answer or an invariant broke.
pub async fn run(
    backend: Backend,
    operations: u64,
    clients: usize,
    admin_url: &str,
    logs: &Path,
) -> anyhow::Result<bool> {
    let database = Database::create(backend, admin_url).await?;
    let outcome = run_on(backend, operations, clients, &database, logs).await;
    database.drop_database().await;
    outcome
}

async fn run_on(
    backend: Backend,
    operations: u64,
    clients: usize,
    database: &Database,
    logs: &Path,
) -> anyhow::Result<bool> {
    let url = &database.url;
    let name = format!("{backend:?}").to_lowercase();
    setup::prepare_database(url)?;
    let address = server::free_address()?;
    let args: Vec<String> = [
        "serve",
        "--listen",
        &address.to_string(),
        "--database-url",
        url,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut server = Server::start(
        "sportello",
        Path::new(server::SPORTELLO),
        &args,
        address,
        "/readyz",
        logs.join(format!("model-{name}.log")),
    )
    .await?;
    // The product, one organization, the members (each a client).
    let mut connection = Connection::new(address);
    let (operator_cookie, operator) =
        setup::sign_in(&mut connection, setup::OPERATOR_EMAIL).await?;
    let reply = connection
        .send(
            &Call::post(
                "/api/v1/products",
                &json!({"code": PRODUCT, "name": "Bench Cloud", "scope": "cloud", "workload": "azure", "versions": []}),
            )
            .bearer(&operator),
        )
        .await;
    expect(&reply, &[201], "product")?;
    let reply = connection
        .send(
            &Call::post(
                "/api/v1/organizations",
                &json!({"name": "Model Partners", "partner_network": {"partner_id": "55500012"}, "csp": false}),
            )
            .bearer(&operator),
        )
        .await;
    let organization = expect(&reply, &[201], "organization")?["id"]
        .as_i64()
        .context("organization id")?;
    let run = Arc::new(Run {
        address,
        operator: operator.clone(),
        counts: Counts::default(),
        keys: AtomicU64::new(0),
    });
    let mut models = Vec::new();
    let mut members = Vec::new();
    for c in 0..clients {
        let email = format!("model-{c}@example.com");
        let reply = connection
            .send(
                &Call::post(
                    "/api/v1/accounts",
                    &json!({"email": email, "display_name": "Model member", "kind": "work",
                            "password": PASSWORD, "organization_id": organization, "roles": ["member"]}),
                )
                .bearer(&operator),
            )
            .await;
        expect(&reply, &[201], "account")?;
        let (cookie, token) = setup::sign_in(&mut connection, &email).await?;
        let mut client = Client {
            token: token.clone(),
            organization,
            held: Vec::new(),
            charged: Vec::new(),
            keys: Vec::new(),
        };
        for _ in 0..3 {
            run.order(&mut connection, &mut client).await?;
        }
        run.order_expired(&mut connection, &mut client).await?;
        members.push(Member {
            email,
            token,
            cookie,
            contracts: Vec::new(),
            unlimited: String::new(),
        });
        models.push(client);
    }
    let fixture = Fixture {
        operator_token: operator,
        operator_cookie,
        members,
        hot: String::new(),
        race: String::new(),
    };
    let invariants = Invariants::read(url).await?;
    let started = Instant::now();
    let per_client = operations.div_ceil(clients as u64);
    let tasks: Vec<_> = models
        .into_iter()
        .map(|mut client| {
            let run = run.clone();
            tokio::spawn(async move {
                let mut connection = Connection::new(run.address);
                for _ in 0..per_client {
                    run.operate(&mut connection, &mut client).await?;
                    run.counts.operations.fetch_add(1, Ordering::Relaxed);
                }
                anyhow::Ok(client)
            })
        })
        .collect();
    let mut broken = Vec::new();
    let mut finished = Vec::new();
    for task in tasks {
        match task.await {
            Ok(Ok(client)) => finished.push(client),
            Ok(Err(error)) => broken.push(format!("{error:#}")),
            Err(error) => broken.push(format!("a client failed: {error}")),
        }
    }
    let elapsed = started.elapsed();
    // Every contract's balance as the model has it.
    let mut contracts = 0;
    for client in &finished {
        for held in &client.held {
            contracts += 1;
            let reply = connection
                .send(&Call::get(format!("/api/v1/contracts/{}", held.code)).bearer(&run.operator))
                .await;
            if reply.json()["remaining"].as_i64() != Some(held.remaining) {
                broken.push(format!(
                    "at the end, {} has {} left, the model {}",
                    held.code,
                    reply.json()["remaining"],
                    held.remaining
                ));
            }
        }
    }
    server.stop();
    let counts = &run.counts;
    let tally = Tally::default();
    let filed = counts.filed.load(Ordering::Relaxed);
    tally.created.store(filed, Ordering::Relaxed);
    tally.keys.store(filed, Ordering::Relaxed);
    tally
        .refunded
        .store(counts.refunds.load(Ordering::Relaxed), Ordering::Relaxed);
    let failures = invariants.check(url, &tally, &fixture, false).await?;
    let done = counts.operations.load(Ordering::Relaxed);
    println!(
        "model check ({name}): {done} operations in {:.0} s ({:.0}/s) by {clients} concurrent \
         clients, every answer as the model predicted: {filed} filings charged, {} refused as \
         exhausted, {} refused as not linked, {} links refused as expired, {} retries answered their first request, {} \
         refunds, {} refunds refused as done, {} link changes, {} orders, {} balances read; \
         {contracts} contracts' balances equal the model's at the end",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64().max(1e-9),
        counts.exhausted.load(Ordering::Relaxed),
        counts.not_linked.load(Ordering::Relaxed),
        counts.expired.load(Ordering::Relaxed),
        counts.retries.load(Ordering::Relaxed),
        counts.refunds.load(Ordering::Relaxed),
        counts.refused_refunds.load(Ordering::Relaxed),
        counts.link_changes.load(Ordering::Relaxed),
        counts.orders.load(Ordering::Relaxed),
        counts.balances.load(Ordering::Relaxed),
    );
    for rule in broken.iter().take(20) {
        println!("MODEL CHECK RULE BROKEN ({name}): {rule}");
    }
    for failure in &failures {
        println!("INVARIANT BROKEN ({name}, model check): {failure}");
    }
    if broken.is_empty() && failures.is_empty() {
        println!(
            "model check ({name}): 0 overspends, 0 double charges, 0 lost acknowledgements, every refusal the right one, stored counts = answered counts"
        );
        Ok(true)
    } else {
        Ok(false)
    }
}
