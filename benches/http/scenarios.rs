//! The scenarios: what each sends, which answers are right, and the tallies the invariants
//! are checked against after the run.

use super::baseline::NAIVE_CONTRACTS;
use super::driver::{Call, Load, Reply};
use super::setup::{Fixture, PASSWORD, PRODUCT};
use rand::Rng;
use serde_json::json;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Which server a scenario targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Product,
    Harness,
}

/// Every scenario, in the order a full run takes them (the ceilings and the baseline first,
/// since every line is compared with them).
pub const ALL: &[&str] = &[
    "healthz",
    "constant",
    "naive-file",
    "file-spread",
    "file-hot",
    "file-unlimited",
    "race",
    "idempotency-storm",
    "mix",
    "balance",
    "eligibility",
    "requests-page-1",
    "requests-page-20000",
    "ledger-page-1",
    "ledger-page-20000",
    "sign-in",
    "web-page",
];

/// What the answers added up to, for the invariants.
#[derive(Default)]
pub struct Tally {
    /// Requests the API answered as created (201, or one per idempotency key).
    pub created: AtomicU64,
    pub refunded: AtomicU64,
    /// Idempotency keys whose three answers named the same request.
    pub keys: AtomicU64,
    /// Idempotency keys whose answers named different requests: a broken invariant.
    pub split_keys: AtomicU64,
    /// Idempotency keys handed out (unique across the runs of one scenario).
    pub keys_sent: AtomicU64,
    /// Successes in the exhaustion race.
    pub race_won: AtomicU64,
    /// Numbers of charged requests filed in this run, for the mix's refunds.
    pub refundable: Mutex<Vec<String>>,
}

impl Tally {
    fn filed(&self, reply: &Reply) -> bool {
        if reply.status != 201 {
            return false;
        }
        self.created.fetch_add(1, Ordering::Relaxed);
        let filed = reply.json();
        // Only charged requests can be given back (unlimited plans consume nothing).
        if filed["charged"] == true
            && let Some(number) = filed["number"].as_str()
            && let Ok(mut numbers) = self.refundable.lock()
            && numbers.len() < 100_000
        {
            numbers.push(number.to_owned());
        }
        true
    }
}

/// A scenario bound to its fixture.
pub struct Scenario {
    pub name: &'static str,
    pub fixture: Fixture,
    pub tally: std::sync::Arc<Tally>,
    /// Where a request-list page and an audit page start (`after`): none for the first
    /// pages, the cursors a client holds after 19,999 pages for the pages at depth.
    pub requests_after: Option<String>,
    pub audit_after: Option<String>,
}

impl Scenario {
    pub fn target(&self) -> Target {
        match self.name {
            "constant" | "naive-file" => Target::Harness,
            _ => Target::Product,
        }
    }

    /// Fixed-rate runs make no sense for a one-off burst.
    pub fn is_burst(&self) -> bool {
        self.name == "race"
    }

    fn filing(&self, token: &str, plan: &str, n: u64) -> Call {
        Call::post(
            "/api/v1/support-requests",
            &json!({"title": format!("Bench request {n}"), "description": "The nightly export stops halfway.",
                    "product": PRODUCT, "severity": "C", "plan": plan}),
        )
        .bearer(token)
    }

    fn spread(&self, n: u64) -> Call {
        let mut rng = rand::rng();
        let member = &self.fixture.members[rng.random_range(0..self.fixture.members.len())];
        let plan = &member.contracts[rng.random_range(0..member.contracts.len())];
        self.filing(&member.token, plan, n)
    }

    fn balance(&self) -> Call {
        let mut rng = rand::rng();
        let member = &self.fixture.members[rng.random_range(0..self.fixture.members.len())];
        let plan = &member.contracts[rng.random_range(0..member.contracts.len())];
        Call::get(format!("/api/v1/contracts/{plan}")).bearer(&member.token)
    }
}

impl Load for Scenario {
    fn group(&self) -> usize {
        if self.name == "idempotency-storm" {
            3
        } else {
            1
        }
    }

    fn calls(&self, worker: usize, n: u64) -> Vec<Call> {
        let fixture = &self.fixture;
        let members = fixture.members.len();
        let one = match self.name {
            "healthz" => Call::get("/healthz"),
            "constant" => Call::get("/constant"),
            "naive-file" => Call::post(
                "/file",
                &json!({"contract": rand::rng().random_range(1..=NAIVE_CONTRACTS)}),
            ),
            "file-spread" => self.spread(n),
            "file-hot" | "race" => {
                let member = &fixture.members[worker % fixture.sharers()];
                let plan = if self.name == "race" {
                    &fixture.race
                } else {
                    &fixture.hot
                };
                self.filing(&member.token, plan, n)
            }
            "file-unlimited" => {
                let member = &fixture.members[rand::rng().random_range(0..members)];
                self.filing(&member.token, &member.unlimited, n)
            }
            "idempotency-storm" => {
                let key = self.tally.keys_sent.fetch_add(1, Ordering::Relaxed);
                let call = self
                    .spread(n)
                    .header("idempotency-key", format!("storm-{key}"));
                return vec![call.clone(), call.clone(), call];
            }
            "mix" => {
                let roll = rand::rng().random_range(0..100);
                let refund = (roll < 5)
                    .then(|| self.tally.refundable.lock().ok().and_then(|mut v| v.pop()))
                    .flatten();
                match refund {
                    Some(number) => Call::post(
                        format!("/api/v1/support-requests/{number}/refund"),
                        &json!({"reason": "goodwill"}),
                    )
                    .bearer(&fixture.operator_token),
                    None if (5..10).contains(&roll) => self.balance(),
                    None => self.spread(n),
                }
            }
            "balance" => self.balance(),
            "eligibility" => {
                let member = &fixture.members[rand::rng().random_range(0..members)];
                Call::get(format!("/api/v1/me/support-plans?product={PRODUCT}"))
                    .bearer(&member.token)
            }
            "requests-page-1" | "requests-page-20000" => Call::get(match &self.requests_after {
                Some(after) => format!("/api/v1/support-requests?limit=50&after={after}"),
                None => "/api/v1/support-requests?limit=50".to_owned(),
            })
            .bearer(&fixture.operator_token),
            "ledger-page-1" | "ledger-page-20000" => Call::get(match &self.audit_after {
                Some(after) => format!("/operator/audit?after={after}"),
                None => "/operator/audit".to_owned(),
            })
            .header("cookie", fixture.operator_cookie.clone()),
            "sign-in" => {
                // Each connection is one person at their own address, as in life: the sign-in
                // throttle reserves each attempt per account and per address, so one address
                // signing in dozens of times at once would be refused by design.
                let member = &fixture.members[worker % members];
                Call::post(
                    "/api/v1/session",
                    &json!({"email": member.email, "password": PASSWORD}),
                )
                .header(
                    "x-forwarded-for",
                    format!("10.1.{}.{}", worker / 250, worker % 250 + 1),
                )
            }
            "web-page" => {
                let member = &fixture.members[rand::rng().random_range(0..members)];
                Call::get("/support").header("cookie", member.cookie.clone())
            }
            other => unreachable!("unknown scenario {other}"),
        };
        vec![one]
    }

    fn judge(&self, calls: &[Call], replies: &[Reply]) -> bool {
        let tally = &self.tally;
        match self.name {
            "naive-file" => replies.iter().all(|r| r.status == 201),
            "file-spread" | "file-hot" | "file-unlimited" => {
                replies.iter().all(|reply| tally.filed(reply))
            }
            "race" => replies.iter().all(|reply| match reply.status {
                201 => {
                    tally.race_won.fetch_add(1, Ordering::Relaxed);
                    tally.filed(reply)
                }
                409 => reply.json()["code"] == "contract_exhausted",
                _ => false,
            }),
            "idempotency-storm" => {
                let bodies: Vec<serde_json::Value> = replies.iter().map(Reply::json).collect();
                let ok = replies.iter().all(|r| r.status == 200 || r.status == 201);
                if !ok {
                    return false;
                }
                let first = bodies[0]["number"].clone();
                if first.is_null() || bodies.iter().any(|b| b["number"] != first) {
                    tally.split_keys.fetch_add(1, Ordering::Relaxed);
                    return false;
                }
                tally.keys.fetch_add(1, Ordering::Relaxed);
                tally.created.fetch_add(1, Ordering::Relaxed);
                true
            }
            "mix" => calls.iter().zip(replies).all(|(call, reply)| {
                if call.path.ends_with("/refund") {
                    let ok = reply.status == 200;
                    if ok {
                        tally.refunded.fetch_add(1, Ordering::Relaxed);
                    }
                    ok
                } else if call.method == hyper::Method::GET {
                    reply.status == 200
                } else {
                    tally.filed(reply)
                }
            }),
            "sign-in" => replies.iter().all(|r| r.status == 200 || r.status == 201),
            _ => replies.iter().all(|r| r.status == 200),
        }
    }
}
