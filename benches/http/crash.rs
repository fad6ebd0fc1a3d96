//! The crash loop (`scripts/bench --crash N`): concurrent filing with idempotency keys, retries,
//! refunds and link changes against `sportello serve`, which is killed with SIGKILL at a random
//! moment N times (every third time stopped gracefully with SIGTERM instead: then no request it
//! took may go unanswered) and restarted on the same database. After each kill, with the server down,
//! `ledger verify` and `audit verify` must pass; after each restart every request acknowledged
//! with 201 must exist, every acknowledged key retried must answer its first request, every key
//! in flight at the kill must resolve to exactly one request when retried (it was written or it
//! was not: never two), every refund in flight must have happened once or not at all, and every
//! acknowledged link change must hold. At the end the stored counts must equal what the answers
//! said: requests = distinct requests answered, charged requests = incidents consumed, refund
//! entries = refunds answered, idempotency keys = keys answered.

use super::driver::{Call, Connection, Reply};
use super::invariants::Invariants;
use super::scenarios::Tally;
use super::server::{self, Backend, Database, Server, sportello};
use super::setup::{self, Fixture, PRODUCT};
use anyhow::Context;
use rand::Rng;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Whether a reply is the outage answer: 503 `database_unavailable` with `Retry-After`.
pub(super) fn database_unavailable(reply: &Reply) -> bool {
    reply.status == 503
        && reply.json()["code"] == "database_unavailable"
        && reply.retry_after.is_some()
}

/// Concurrent clients while the server runs.
pub(super) const CLIENTS: usize = 16;

/// A link a member changes back and forth (its unlimited contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LinkState {
    Linked,
    Unlinked,
    /// A change was in flight at the kill: read after the restart.
    Unknown,
}

/// What the clients were told, and what was in flight when the server died.
#[derive(Default)]
struct Book {
    /// Idempotency key → the request number its filing was answered with, and the call.
    acked: HashMap<String, (String, Call)>,
    /// Filings sent whose answer never came (the server died).
    in_flight: Vec<(String, Call)>,
    /// Charged requests not refunded yet.
    refundable: Vec<String>,
    refunded: HashSet<String>,
    refunds_in_flight: Vec<String>,
    /// Per member: the state of its toggled link and whether a client is changing it.
    links: Vec<LinkState>,
    link_busy: Vec<bool>,
    /// Answers that broke a rule.
    violations: Vec<String>,
    /// Counts for the report.
    retries_answered: u64,
    link_changes: u64,
    written_at_kill: u64,
    lost_at_kill: u64,
}

pub(super) struct Loop {
    fixture: Fixture,
    /// The instances serving: each client sends its requests to them in turn.
    addresses: Vec<SocketAddr>,
    /// Answers 503 `database_unavailable` with `Retry-After` (an outage): the outcome is
    /// unknown to the client, as for a connection cut by a kill, and is resolved the same way.
    pub(super) unavailable: std::sync::atomic::AtomicU64,
    /// Per member: the Access ID of its unlimited contract, to link it again.
    access: Vec<String>,
    book: Mutex<Book>,
    keys: std::sync::atomic::AtomicU64,
}

impl Loop {
    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn filing(&self, member: usize, plan: &str) -> (String, Call) {
        let n = self.keys.fetch_add(1, Ordering::Relaxed);
        let key = format!("crash-{}-{n}", std::process::id());
        let call = Call::post(
            "/api/v1/support-requests",
            &json!({"title": format!("Crash loop request {n}"),
                    "description": "The nightly export stops halfway.",
                    "product": PRODUCT, "severity": "C", "plan": plan}),
        )
        .header("idempotency-key", key.clone())
        .bearer(&self.fixture.members[member].token);
        (key, call)
    }

    fn unlink(&self, member: usize) -> Call {
        let m = &self.fixture.members[member];
        Call {
            method: hyper::Method::DELETE,
            path: format!("/api/v1/me/contracts/{}", m.unlimited),
            headers: Vec::new(),
            body: Default::default(),
        }
        .bearer(&m.token)
    }

    fn link(&self, member: usize) -> Call {
        let m = &self.fixture.members[member];
        Call::post(
            "/api/v1/me/contracts",
            &json!({"contract_id": m.unlimited, "access_id": self.access[member]}),
        )
        .bearer(&m.token)
    }

    fn refund(&self, number: &str) -> Call {
        Call::post(
            format!("/api/v1/support-requests/{number}/refund"),
            &json!({"reason": "goodwill"}),
        )
        .bearer(&self.fixture.operator_token)
    }

    /// Whether a reply left the outcome unknown: the connection failed (a kill), or the server
    /// answered 503 `database_unavailable` with `Retry-After` (an outage). Any other 503 is a
    /// wrong answer.
    fn unanswered(&self, reply: &Reply) -> bool {
        if reply.status == 0 {
            return true;
        }
        if database_unavailable(reply) {
            self.unavailable.fetch_add(1, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// One client until `stop`: mostly new filings (spread and on the shared hot contract),
    /// retries of acknowledged keys, refunds and link changes, sent to each instance in turn.
    pub(super) async fn client(self: Arc<Self>, worker: usize, stop: Arc<AtomicBool>) {
        let mut connections: Vec<Connection> =
            self.addresses.iter().map(|a| Connection::new(*a)).collect();
        let mut turn = worker;
        let members = self.fixture.members.len();
        while !stop.load(Ordering::Relaxed) {
            turn += 1;
            let connection = &mut connections[turn % self.addresses.len()];
            let roll = rand::rng().random_range(0..100);
            if roll < 10 {
                let retry = {
                    let book = self.book();
                    if book.acked.is_empty() {
                        None
                    } else {
                        let i = rand::rng().random_range(0..book.acked.len());
                        book.acked
                            .iter()
                            .nth(i)
                            .map(|(k, (n, c))| (k.clone(), n.clone(), c.clone()))
                    }
                };
                if let Some((key, number, call)) = retry {
                    let reply = connection.send(&call).await;
                    self.judge_retry(&key, &number, &reply);
                    continue;
                }
            }
            if roll < 18 {
                let number = self.book().refundable.pop();
                if let Some(number) = number {
                    let reply = connection.send(&self.refund(&number)).await;
                    let unknown = self.unanswered(&reply);
                    let mut book = self.book();
                    match reply.status {
                        200 => {
                            book.refunded.insert(number);
                        }
                        _ if unknown => book.refunds_in_flight.push(number),
                        _ => book.violations.push(format!(
                            "refund of {number}: {} {}",
                            reply.status,
                            String::from_utf8_lossy(&reply.body)
                        )),
                    }
                    continue;
                }
            }
            if roll < 22 {
                let member = rand::rng().random_range(0..members);
                let state = {
                    let mut book = self.book();
                    if book.link_busy[member] || book.links[member] == LinkState::Unknown {
                        None
                    } else {
                        book.link_busy[member] = true;
                        Some(book.links[member])
                    }
                };
                if let Some(state) = state {
                    let (call, expected, next) = match state {
                        LinkState::Linked => (self.unlink(member), 204, LinkState::Unlinked),
                        _ => (self.link(member), 201, LinkState::Linked),
                    };
                    let reply = connection.send(&call).await;
                    let unknown = self.unanswered(&reply);
                    let mut book = self.book();
                    book.link_busy[member] = false;
                    if reply.status == expected {
                        book.links[member] = next;
                        book.link_changes += 1;
                    } else if unknown {
                        book.links[member] = LinkState::Unknown;
                    } else {
                        book.violations.push(format!(
                            "link change of member {member}: {} {}",
                            reply.status,
                            String::from_utf8_lossy(&reply.body)
                        ));
                    }
                    continue;
                }
            }
            let member;
            let plan = if roll < 40 {
                member = worker % self.fixture.sharers();
                self.fixture.hot.clone()
            } else {
                member = rand::rng().random_range(0..members);
                let contracts = &self.fixture.members[member].contracts;
                contracts[rand::rng().random_range(0..contracts.len())].clone()
            };
            let (key, call) = self.filing(member, &plan);
            let reply = connection.send(&call).await;
            let unknown = self.unanswered(&reply);
            let mut book = self.book();
            match (reply.status, reply.json()["number"].as_str()) {
                (201, Some(number)) => {
                    book.refundable.push(number.to_owned());
                    book.acked.insert(key, (number.to_owned(), call));
                }
                _ if unknown => book.in_flight.push((key, call)),
                _ => book.violations.push(format!(
                    "filing {key}: {} {}",
                    reply.status,
                    String::from_utf8_lossy(&reply.body)
                )),
            }
        }
    }

    fn judge_retry(&self, key: &str, number: &str, reply: &Reply) {
        let unknown = self.unanswered(reply);
        let mut book = self.book();
        match (reply.status, reply.json()["number"].as_str()) {
            (200, Some(again)) if again == number => book.retries_answered += 1,
            // The server died (or lost its database) while answering: nothing to learn.
            _ if unknown => {}
            _ => book.violations.push(format!(
                "retry of {key} (first answered {number}): {} {}",
                reply.status,
                String::from_utf8_lossy(&reply.body)
            )),
        }
    }

    /// After a restart: every acknowledgement holds and everything in flight is resolved.
    pub(super) async fn check(&self, address: SocketAddr) -> anyhow::Result<()> {
        let (in_flight, refunds, unknown, acked) = {
            let mut book = self.book();
            let unknown: Vec<usize> = (0..book.links.len())
                .filter(|&m| book.links[m] == LinkState::Unknown)
                .collect();
            let acked: Vec<(String, String, Call)> = book
                .acked
                .iter()
                .map(|(k, (n, c))| (k.clone(), n.clone(), c.clone()))
                .collect();
            (
                std::mem::take(&mut book.in_flight),
                std::mem::take(&mut book.refunds_in_flight),
                unknown,
                acked,
            )
        };
        // Keys in flight: retried twice, both answers must name one request; 200 says the
        // first attempt had been written before the kill, 201 that it had not.
        let mut calls: Vec<Call> = in_flight.iter().map(|(_, c)| c.clone()).collect();
        calls.extend(in_flight.iter().map(|(_, c)| c.clone()));
        let replies = setup::parallel(address, calls[..in_flight.len()].to_vec(), 8).await;
        let again = setup::parallel(address, calls[in_flight.len()..].to_vec(), 8).await;
        {
            let mut book = self.book();
            for (((key, call), first), second) in in_flight.iter().zip(&replies).zip(&again) {
                let number = first.json()["number"].as_str().map(str::to_owned);
                match (first.status, second.status, &number) {
                    (200 | 201, 200, Some(n)) if second.json()["number"].as_str() == Some(n) => {
                        if first.status == 200 {
                            book.written_at_kill += 1;
                        } else {
                            book.lost_at_kill += 1;
                        }
                        book.refundable.push(n.clone());
                        book.acked.insert(key.clone(), (n.clone(), call.clone()));
                    }
                    _ => book.violations.push(format!(
                        "key {key} in flight at the kill: {} {} then {} {}",
                        first.status,
                        String::from_utf8_lossy(&first.body),
                        second.status,
                        String::from_utf8_lossy(&second.body)
                    )),
                }
            }
        }
        // Every acknowledged request exists, and its key still answers it.
        let operator = &self.fixture.operator_token;
        let reads: Vec<Call> = acked
            .iter()
            .map(|(_, n, _)| Call::get(format!("/api/v1/support-requests/{n}")).bearer(operator))
            .collect();
        let replies = setup::parallel(address, reads, 8).await;
        let retries =
            setup::parallel(address, acked.iter().map(|a| a.2.clone()).collect(), 8).await;
        for (((key, number, _), read), retry) in acked.iter().zip(&replies).zip(&retries) {
            if read.status != 200 || read.json()["number"].as_str() != Some(number) {
                self.book().violations.push(format!(
                    "acknowledged request {number} (key {key}) after the restart: {} {}",
                    read.status,
                    String::from_utf8_lossy(&read.body)
                ));
            }
            self.judge_retry(key, number, retry);
        }
        // Refunds in flight happened once or not at all: sent again, 200 means not yet, 409
        // that it had happened; the request must then say it was refunded.
        for number in refunds {
            let reply = Connection::new(address).send(&self.refund(&number)).await;
            let read = Connection::new(address)
                .send(&Call::get(format!("/api/v1/support-requests/{number}")).bearer(operator))
                .await;
            let mut book = self.book();
            if (reply.status == 200 || reply.status == 409) && read.json()["refunded"] == true {
                book.refunded.insert(number);
            } else {
                book.violations.push(format!(
                    "refund of {number} in flight at the kill: {} {}; the request reads {}",
                    reply.status,
                    String::from_utf8_lossy(&reply.body),
                    String::from_utf8_lossy(&read.body)
                ));
            }
        }
        // Links: each known state holds; unknown ones are read.
        for member in 0..self.fixture.members.len() {
            let m = &self.fixture.members[member];
            let reply = Connection::new(address)
                .send(&Call::get("/api/v1/me/contracts").bearer(&m.token))
                .await;
            if reply.status != 200 {
                anyhow::bail!("GET /api/v1/me/contracts: {}", reply.status);
            }
            let linked = String::from_utf8_lossy(&reply.body)
                .contains(&format!("\"contract_id\":\"{}\"", m.unlimited));
            let seen = if linked {
                LinkState::Linked
            } else {
                LinkState::Unlinked
            };
            let mut book = self.book();
            if unknown.contains(&member) {
                book.links[member] = seen;
            } else if book.links[member] != seen {
                let expected = book.links[member];
                book.violations.push(format!(
                    "member {member}'s link: acknowledged {expected:?}, reads {seen:?}"
                ));
            }
        }
        Ok(())
    }
}

/// The crash loop on one backend: `Ok(false)` when a rule broke.
pub async fn run(
    backend: Backend,
    kills: usize,
    members: usize,
    contracts_per_member: usize,
    admin_url: &str,
    logs: &std::path::Path,
) -> anyhow::Result<bool> {
    let database = Database::create(backend, admin_url).await?;
    let outcome = run_on(
        backend,
        kills,
        members,
        contracts_per_member,
        &database,
        logs,
    )
    .await;
    database.drop_database().await;
    outcome
}

async fn run_on(
    backend: Backend,
    kills: usize,
    members: usize,
    contracts_per_member: usize,
    database: &Database,
    logs: &std::path::Path,
) -> anyhow::Result<bool> {
    let url = &database.url;
    let name = format!("{backend:?}").to_lowercase();
    setup::prepare_database(url)?;
    let address = server::free_address()?;
    let args: Vec<String> = vec![
        "serve".into(),
        "--listen".into(),
        address.to_string(),
        "--database-url".into(),
        url.clone(),
        "--activation-mode".into(),
        "manual".into(),
    ];
    let start = |run: usize| {
        Server::start(
            "sportello",
            std::path::Path::new(server::SPORTELLO),
            &args,
            address,
            "/readyz",
            logs.join(format!("crash-{name}-{run}.log")),
        )
    };
    let mut server = start(0).await?;
    let (fixture, access) = setup::create_with_access(address, members, contracts_per_member)
        .await
        .context("creating the data through the API")?;
    let invariants = Invariants::read(url).await?;
    let state = Loop::new(fixture, access, vec![address]);
    let started = Instant::now();
    let mut verified = 0;
    let mut stops = 0;
    for run in 1..=kills {
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|worker| tokio::spawn(state.clone().client(worker, stop.clone())))
            .collect();
        let after = Duration::from_millis(rand::rng().random_range(300..1500));
        tokio::time::sleep(after).await;
        // Every third stop is graceful (SIGTERM): the server must answer every request it took
        // before it exits, so no key left unanswered may turn out to have been written.
        let graceful = run % 3 == 0;
        let written_before = state.book().written_at_kill;
        if graceful {
            server.stop();
            stops += 1;
        } else {
            server.kill();
        }
        stop.store(true, Ordering::Relaxed);
        for client in clients {
            let _ = client.await;
        }
        // The database as the crash left it, nobody running: both verifications.
        for command in [["ledger", "verify"], ["audit", "verify"]] {
            if let Err(error) = sportello(&command, url, &[]) {
                state
                    .book()
                    .violations
                    .push(format!("after kill {run}: {error:#}"));
            }
        }
        verified += 1;
        server = start(run).await?;
        state.check(address).await?;
        let written = state.book().written_at_kill - written_before;
        if graceful && written > 0 {
            state.violation(format!(
                "graceful stop {run}: {written} filings were written but their answers never sent"
            ));
        }
    }
    let elapsed = started.elapsed();
    server.stop();
    let summary = format!(
        "{} SIGKILLs and {stops} graceful stops (SIGTERM: every request taken was answered) in \
         {:.0} s, {CLIENTS} clients; ledger verify and audit verify after each of the {verified} \
         stops",
        kills - stops,
        elapsed.as_secs_f64()
    );
    state
        .finish("crash loop", &name, url, &invariants, &summary)
        .await
}

impl Loop {
    pub(super) fn new(
        fixture: Fixture,
        access: Vec<String>,
        addresses: Vec<SocketAddr>,
    ) -> Arc<Self> {
        let members = fixture.members.len();
        Arc::new(Loop {
            fixture,
            access,
            addresses,
            unavailable: Default::default(),
            book: Mutex::new(Book {
                links: vec![LinkState::Linked; members],
                link_busy: vec![false; members],
                ..Book::default()
            }),
            keys: Default::default(),
        })
    }

    pub(super) fn fixture(&self) -> &Fixture {
        &self.fixture
    }

    /// A filing whose outcome is unknown (unanswered, or refused while the database was out):
    /// resolved by the next [`Loop::check`].
    pub(super) fn unanswered_key(&self, key: String, call: Call) {
        self.book().in_flight.push((key, call));
    }

    /// A filing answered 201 outside the clients.
    pub(super) fn acknowledged(&self, key: String, number: String, call: Call) {
        let mut book = self.book();
        book.refundable.push(number.clone());
        book.acked.insert(key, (number, call));
    }

    /// Records a rule broken outside the clients (a verification, an outage probe).
    pub(super) fn violation(&self, violation: String) {
        self.book().violations.push(violation);
    }

    /// The report: what was answered, and whether every rule and invariant held (stored
    /// counts = answered counts).
    pub(super) async fn finish(
        &self,
        label: &str,
        name: &str,
        url: &str,
        invariants: &Invariants,
        summary: &str,
    ) -> anyhow::Result<bool> {
        let book = std::mem::take(&mut *self.book());
        let tally = Tally::default();
        let numbers: HashSet<&String> = book.acked.values().map(|(n, _)| n).collect();
        tally.created.store(numbers.len() as u64, Ordering::Relaxed);
        tally.keys.store(book.acked.len() as u64, Ordering::Relaxed);
        tally
            .refunded
            .store(book.refunded.len() as u64, Ordering::Relaxed);
        let broken = invariants.check(url, &tally, &self.fixture, false).await?;
        println!(
            "{label} ({name}): {summary}; {} requests acknowledged ({} keys unanswered at a fault: \
             {} had been written, {} had not; {} answers 503 database_unavailable with \
             Retry-After), {} retries answered their first request, {} refunds, {} link changes",
            book.acked.len(),
            book.written_at_kill + book.lost_at_kill,
            book.written_at_kill,
            book.lost_at_kill,
            self.unavailable.load(Ordering::Relaxed),
            book.retries_answered,
            book.refunded.len(),
            book.link_changes,
        );
        for violation in book.violations.iter().take(20) {
            println!("{} RULE BROKEN ({name}): {violation}", label.to_uppercase());
        }
        for failure in &broken {
            println!("INVARIANT BROKEN ({name}, {label}): {failure}");
        }
        if book.violations.is_empty() && broken.is_empty() {
            println!(
                "{label} ({name}): 0 acknowledged writes lost, 0 charged twice, every key unanswered at a fault resolved to one request, stored counts = answered counts"
            );
            Ok(true)
        } else {
            Ok(false)
        }
    }
}
