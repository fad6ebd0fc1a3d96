//! Background jobs under faults and across instances: organizations with a Gold membership ask
//! for their Partner product support benefit (`--activation-mode auto`), and the job runner
//! (of whichever instance claims the job) completes each activation. Checked: every activation
//! asked for ends active with exactly one contract, however many instances ran the jobs and
//! whatever failed meanwhile.

use super::driver::{Call, Connection, Reply};
use super::setup::{self, PASSWORD, expect};
use anyhow::Context;
use serde_json::json;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The benefit a Gold membership (with a competency) grants and that activates into a contract.
const BENEFIT: &str = "product_support";

/// Organizations ready to ask for an activation, each with its admin's token.
pub struct Activations {
    organizations: Vec<(i64, String)>,
    /// How many have asked so far (they ask in order).
    asked: usize,
}

impl Activations {
    /// Creates `count` organizations with an active Gold membership and a partner admin each.
    pub async fn prepare(
        address: SocketAddr,
        operator_token: &str,
        count: usize,
    ) -> anyhow::Result<Self> {
        let mut connection = Connection::new(address);
        let today = time::OffsetDateTime::now_utc().date();
        let day = |date: time::Date| {
            format!(
                "{:04}-{:02}-{:02}",
                date.year(),
                u8::from(date.month()),
                date.day()
            )
        };
        let (start, end) = (
            day(today - time::Duration::days(30)),
            day(today + time::Duration::days(365)),
        );
        let mut organizations = Vec::with_capacity(count);
        for i in 0..count {
            let reply = connection
                .send(
                    &Call::post(
                        "/api/v1/organizations",
                        &json!({"name": format!("Activating partner {i}"),
                                "partner_network": {"partner_id": format!("7{i:07}")}, "csp": false}),
                    )
                    .bearer(operator_token),
                )
                .await;
            let organization = expect(&reply, &[201], "organization")?["id"]
                .as_i64()
                .context("organization id")?;
            let reply = connection
                .send(
                    &Call::post(
                        format!("/api/v1/organizations/{organization}/memberships"),
                        &json!({"offer": "gold", "competency": "cloud_platform",
                                "start": start, "end": end}),
                    )
                    .bearer(operator_token),
                )
                .await;
            expect(&reply, &[201], "membership")?;
            let email = format!("activation-admin-{i}@example.com");
            let reply = connection
                .send(
                    &Call::post(
                        "/api/v1/accounts",
                        &json!({"email": email, "display_name": "Activating admin", "kind": "work",
                                "password": PASSWORD, "organization_id": organization,
                                "roles": ["partner_admin"]}),
                    )
                    .bearer(operator_token),
                )
                .await;
            expect(&reply, &[201], "admin account")?;
            let (_, token) = setup::sign_in(&mut connection, &email).await?;
            organizations.push((organization, token));
        }
        Ok(Self {
            organizations,
            asked: 0,
        })
    }

    /// The next `count` organizations ask for their activation, on the instances in turn. An
    /// answer that is not 202 is returned as a broken rule, except 503 `database_unavailable`
    /// (asked during an outage): that organization asks again later, in [`Self::check`].
    pub async fn ask(&mut self, addresses: &[SocketAddr], count: usize) -> Vec<String> {
        let mut broken = Vec::new();
        let end = (self.asked + count).min(self.organizations.len());
        for i in self.asked..end {
            let reply = self.ask_one(addresses[i % addresses.len()], i).await;
            if reply.status != 202 && !super::crash::database_unavailable(&reply) {
                broken.push(format!(
                    "activation of organization {i}: {} {}",
                    reply.status,
                    String::from_utf8_lossy(&reply.body)
                ));
            }
        }
        self.asked = end;
        broken
    }

    async fn ask_one(&self, address: SocketAddr, i: usize) -> Reply {
        let (organization, token) = &self.organizations[i];
        Connection::new(address)
            .send(
                &Call::post(
                    format!("/api/v1/organizations/{organization}/benefits/{BENEFIT}/activation"),
                    &json!({}),
                )
                .bearer(token),
            )
            .await
    }

    /// Every organization that asked: asked again (harmless: the same activation answers), then
    /// its benefit must be active within `within`, with exactly one contract. The broken rules.
    pub async fn check(&self, address: SocketAddr, within: Duration) -> Vec<String> {
        let mut broken = Vec::new();
        for i in 0..self.asked {
            let reply = self.ask_one(address, i).await;
            // Asked again once processed, the benefit answers that it is active already.
            if ![200, 202, 409].contains(&reply.status) {
                broken.push(format!(
                    "activation of organization {i} asked again: {} {}",
                    reply.status,
                    String::from_utf8_lossy(&reply.body)
                ));
            }
        }
        let started = Instant::now();
        for i in 0..self.asked {
            let (organization, token) = &self.organizations[i];
            let mut connection = Connection::new(address);
            let state = loop {
                let reply = connection
                    .send(
                        &Call::get(format!("/api/v1/organizations/{organization}/benefits"))
                            .bearer(token),
                    )
                    .await;
                let benefits = reply.json();
                let state = benefits["benefits"]
                    .as_array()
                    .and_then(|all| all.iter().find(|b| b["code"] == BENEFIT))
                    .map(|b| b["state"].as_str().unwrap_or_default().to_owned())
                    .unwrap_or_else(|| format!("{} {}", reply.status, benefits));
                if state == "active" || started.elapsed() > within {
                    break state;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            if state != "active" {
                broken.push(format!(
                    "organization {i}'s activation not active {} s after it was asked: {state}",
                    within.as_secs()
                ));
                continue;
            }
            let reply = connection
                .send(
                    &Call::get(format!("/api/v1/organizations/{organization}/contracts"))
                        .bearer(token),
                )
                .await;
            let contracts = reply.json()["items"].as_array().map_or(0, Vec::len);
            if reply.status != 200 || contracts != 1 {
                broken.push(format!(
                    "organization {i} has {contracts} contracts after one activation ({} {})",
                    reply.status,
                    String::from_utf8_lossy(&reply.body)
                ));
            }
        }
        broken
    }

    pub fn asked(&self) -> usize {
        self.asked
    }
}
