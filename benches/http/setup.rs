//! The data every scenario needs, created through the API as a user would: an operator (made
//! with `sportello admin create-operator`) signs in, takes a token, creates a product, a
//! partner organization and its member accounts, and records paid-plan orders whose contracts
//! each member links with its own token.

use super::driver::{Call, Connection, Reply};
use anyhow::{Context, bail};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const OPERATOR_EMAIL: &str = "bench-operator@example.com";
pub const PASSWORD: &str = "bench password 1234";
pub const PRODUCT: &str = "bench-cloud";
/// The contract of the exhaustion race has this many incidents.
pub const RACE_INCIDENTS: i64 = 20;
/// A plan's linked-account limit (the shipped policy's `max_linked_accounts`).
const LINKS_PER_CONTRACT: usize = 10;

/// A member account with what it holds.
#[derive(Clone, Debug)]
pub struct Member {
    pub email: String,
    pub token: String,
    /// `sportello_session=…`, for the web page.
    pub cookie: String,
    /// Counted contracts it linked.
    pub contracts: Vec<String>,
    /// Its unlimited contract.
    pub unlimited: String,
}

/// Everything the scenarios use.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub operator_token: String,
    pub operator_cookie: String,
    pub members: Vec<Member>,
    /// One counted contract linked by the first members (up to the link limit).
    pub hot: String,
    /// The contract with [`RACE_INCIDENTS`] incidents, linked like `hot`.
    pub race: String,
}

impl Fixture {
    /// How many members share `hot` and `race`.
    pub fn sharers(&self) -> usize {
        self.members.len().min(LINKS_PER_CONTRACT)
    }
}

/// Sends each call once over `connections` parallel connections; the answers in call order.
pub async fn parallel(address: SocketAddr, calls: Vec<Call>, connections: usize) -> Vec<Reply> {
    let calls = Arc::new(calls);
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (calls, next) = (calls.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::new(address);
            let mut replies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(call) = calls.get(i) else { break };
                replies.push((i, connection.send(call).await));
            }
            replies
        }));
    }
    let mut all = vec![Reply::default(); calls.len()];
    for task in tasks {
        if let Ok(replies) = task.await {
            for (i, reply) in replies {
                all[i] = reply;
            }
        }
    }
    all
}

pub fn expect(reply: &Reply, statuses: &[u16], what: &str) -> anyhow::Result<serde_json::Value> {
    if !statuses.contains(&reply.status) {
        bail!(
            "{what}: HTTP {} {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
    }
    Ok(reply.json())
}

pub fn text(value: &serde_json::Value, field: &str) -> anyhow::Result<String> {
    value[field]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no {field} in {value}"))
}

/// Migrates a fresh database and creates the harness's operator on it.
pub fn prepare_database(url: &str) -> anyhow::Result<()> {
    super::server::sportello(&["migrate"], url, &[])?;
    super::server::sportello(
        &["admin", "create-operator", "--email", OPERATOR_EMAIL],
        url,
        &[("SPORTELLO_ADMIN_PASSWORD", PASSWORD)],
    )?;
    Ok(())
}

/// Signs in through the API: `(session cookie, token)`.
pub async fn sign_in(connection: &mut Connection, email: &str) -> anyhow::Result<(String, String)> {
    let reply = connection
        .send(&Call::post(
            "/api/v1/session",
            &json!({"email": email, "password": PASSWORD}),
        ))
        .await;
    let csrf = text(&expect(&reply, &[200, 201], "sign in")?, "csrf_token")?;
    let cookie = reply
        .cookies
        .iter()
        .filter_map(|c| c.split(';').next())
        .find(|c| c.starts_with("sportello_session="))
        .context("no session cookie")?
        .to_owned();
    let reply = connection
        .send(
            &Call::post("/api/v1/tokens", &json!({"name": "bench"}))
                .header("cookie", cookie.clone())
                .header("x-csrf-token", csrf),
        )
        .await;
    let token = text(&expect(&reply, &[200, 201], "token")?, "token")?;
    Ok((cookie, token))
}

/// Creates `members` accounts, each linking `per_member` counted contracts and one unlimited.
pub async fn create(
    address: SocketAddr,
    members: usize,
    per_member: usize,
) -> anyhow::Result<Fixture> {
    Ok(create_with_access(address, members, per_member).await?.0)
}

/// [`create`], and each member's unlimited contract's Access ID (to link it again).
pub async fn create_with_access(
    address: SocketAddr,
    members: usize,
    per_member: usize,
) -> anyhow::Result<(Fixture, Vec<String>)> {
    let mut connection = Connection::new(address);
    let (operator_cookie, operator_token) = sign_in(&mut connection, OPERATOR_EMAIL).await?;
    let op = |call: Call| call.bearer(&operator_token);
    let reply = connection
        .send(&op(Call::post(
            "/api/v1/products",
            &json!({"code": PRODUCT, "name": "Bench Cloud", "scope": "cloud", "workload": "azure", "versions": []}),
        )))
        .await;
    expect(&reply, &[201], "product")?;
    let reply = connection
        .send(&op(Call::post(
            "/api/v1/organizations",
            &json!({"name": "Bench Partners", "partner_network": {"partner_id": "55500011"}, "csp": false}),
        )))
        .await;
    let organization = expect(&reply, &[201], "organization")?["id"]
        .as_i64()
        .context("organization id")?;
    let emails: Vec<String> = (0..members)
        .map(|i| format!("bench-{i}@example.com"))
        .collect();
    let calls = emails
        .iter()
        .map(|email| {
            op(Call::post(
                "/api/v1/accounts",
                &json!({"email": email, "display_name": "Bench member", "kind": "work",
                        "password": PASSWORD, "organization_id": organization, "roles": ["member"]}),
            ))
        })
        .collect();
    for reply in parallel(address, calls, 2).await {
        expect(&reply, &[201], "account")?;
    }
    let mut signed_in = Vec::new();
    for email in &emails {
        signed_in.push(sign_in(&mut connection, email).await?);
    }
    // Orders: per member `per_member` counted and one unlimited; then `hot` and `race`.
    let order = |allotment: serde_json::Value| {
        op(Call::post(
            format!("/api/v1/organizations/{organization}/orders"),
            &json!({"plan": "premier", "allotment": allotment}),
        ))
    };
    let mut calls = Vec::new();
    for _ in 0..members {
        for _ in 0..per_member {
            calls.push(order(json!(100_000)));
        }
        calls.push(order(json!("unlimited")));
    }
    calls.push(order(json!(100_000_000)));
    calls.push(order(json!(RACE_INCIDENTS)));
    let mut issued = Vec::new();
    for reply in parallel(address, calls, 8).await {
        let contract = expect(&reply, &[201], "order")?;
        issued.push((
            text(&contract, "contract_id")?,
            text(&contract, "access_id")?,
        ));
    }
    let link = |member: usize, (code, access): &(String, String)| {
        Call::post(
            "/api/v1/me/contracts",
            &json!({"contract_id": code, "access_id": access}),
        )
        .bearer(&signed_in[member].1)
    };
    let mut calls = Vec::new();
    let mut fixture_members = Vec::new();
    let mut access = Vec::new();
    let mut issued_iter = issued.iter();
    for (member, email) in emails.iter().enumerate() {
        let mut contracts = Vec::new();
        for _ in 0..per_member {
            let pair = issued_iter.next().context("orders")?;
            calls.push(link(member, pair));
            contracts.push(pair.0.clone());
        }
        let pair = issued_iter.next().context("orders")?;
        calls.push(link(member, pair));
        access.push(pair.1.clone());
        fixture_members.push(Member {
            email: email.clone(),
            token: signed_in[member].1.clone(),
            cookie: signed_in[member].0.clone(),
            contracts,
            unlimited: pair.0.clone(),
        });
    }
    let hot = issued_iter.next().context("orders")?.clone();
    let race = issued_iter.next().context("orders")?.clone();
    for member in 0..members.min(LINKS_PER_CONTRACT) {
        calls.push(link(member, &hot));
        calls.push(link(member, &race));
    }
    for reply in parallel(address, calls, 8).await {
        expect(&reply, &[201], "link")?;
    }
    Ok((
        Fixture {
            operator_token,
            operator_cookie,
            members: fixture_members,
            hot: hot.0,
            race: race.0,
        },
        access,
    ))
}
