//! Bulk loading for data at size (`sportello demo --scale N`): many charged support requests
//! with their ledger entries, history and audit entries, written by multi-row inserts inside
//! one transaction per call. The audit entries continue the hash chain, so `audit verify`
//! still passes; the contracts' counters move with their ledger, so `ledger verify` does too.

use super::audit::{GENESIS, entry_hash};
use super::{Pool, Store, to_millis};
use crate::domain::{AccountId, OrganizationId};
use crate::error::Result;
use crate::in_tx;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// Rows per INSERT statement: far below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const ROWS_PER_STATEMENT: usize = 1000;

/// One request to load: the contract it is charged to and when it was filed.
#[derive(Debug, Clone)]
pub struct BulkRequest {
    /// The contract's row id.
    pub contract: i64,
    /// The contract's public ID, the request's `plan`.
    pub contract_code: String,
    pub created_at: OffsetDateTime,
}

/// What every request of a load shares.
#[derive(Debug, Clone)]
pub struct BulkFiler {
    pub created_by: AccountId,
    pub organization: OrganizationId,
    pub product_code: String,
    pub contact: String,
}

/// `($first, …), (…)`: `rows` groups of `columns` numbered placeholders, after `shared` ones.
fn placeholders(rows: usize, columns: usize, shared: usize, literals: &[&str]) -> String {
    let mut sql = String::with_capacity(rows * columns * 7);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", shared + row * columns + column + 1));
        }
        for literal in literals {
            sql.push_str(", ");
            sql.push_str(literal);
        }
        sql.push(')');
    }
    sql
}

impl Store {
    /// Files `requests` as charged support requests in one transaction: the requests, a consume
    /// ledger entry and a `created` history event each, their `request.filed` audit entries
    /// continuing the chain, and the contracts' counters. Severity C, status open. The caller
    /// keeps each contract within its allotment.
    pub async fn bulk_file(
        &self,
        filer: &BulkFiler,
        requests: &[BulkRequest],
        title: &dyn Fn(i64) -> String,
    ) -> Result<()> {
        if requests.is_empty() {
            return Ok(());
        }
        let is_postgres = matches!(self.pool, Pool::Postgres(_));
        let mut per_contract: BTreeMap<i64, i64> = BTreeMap::new();
        for request in requests {
            *per_contract.entry(request.contract).or_default() += 1;
        }
        let description = "Loaded by `sportello demo --scale` to try the service at size.";
        in_tx!(self, tx => {
            if is_postgres {
                // The same lock as every audit append: the chain never forks.
                sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(super::audit::CHAIN_LOCK).execute(&mut *tx).await?;
            }
            let last_id: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM support_requests")
                .fetch_one(&mut *tx)
                .await?;
            let mut prev: String = sqlx::query_scalar::<_, String>("SELECT hash FROM audit_log WHERE chain = 0 ORDER BY id DESC LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?
                .unwrap_or_else(|| GENESIS.to_owned());
            let mut next_id = last_id + 1;
            for chunk in requests.chunks(ROWS_PER_STATEMENT) {
                let first = next_id;
                next_id += chunk.len() as i64;
                let ids = first..next_id;
                // Requests: shared $1 description, $2 product, $3 creator, $4 organization, $5 contact.
                let sql = format!(
                    "INSERT INTO support_requests (id, title, plan, contract_id, first_response_due, created_at, updated_at, \
                     description, product_code, created_by, organization_id, contact, severity, charged, status) VALUES {}",
                    placeholders(chunk.len(), 7, 5, &["$1", "$2", "$3", "$4", "$5", "'C'", "TRUE", "'open'"])
                );
                let mut query = sqlx::query(&sql)
                    .bind(description)
                    .bind(&filer.product_code)
                    .bind(filer.created_by.0)
                    .bind(filer.organization.0)
                    .bind(&filer.contact);
                for (id, request) in ids.clone().zip(chunk) {
                    let at = to_millis(request.created_at);
                    query = query
                        .bind(id)
                        .bind(title(id))
                        .bind(&request.contract_code)
                        .bind(request.contract)
                        .bind(to_millis(request.created_at + Duration::hours(8)))
                        .bind(at)
                        .bind(at);
                }
                query.execute(&mut *tx).await?;
                // Ledger: shared $1 actor.
                let sql = format!(
                    "INSERT INTO ledger_entries (contract_id, request_id, at, actor_id, kind, amount) VALUES {}",
                    placeholders(chunk.len(), 3, 1, &["$1", "'consume'", "1"])
                );
                let mut query = sqlx::query(&sql).bind(filer.created_by.0);
                for (id, request) in ids.clone().zip(chunk) {
                    query = query.bind(request.contract).bind(id).bind(to_millis(request.created_at));
                }
                query.execute(&mut *tx).await?;
                // Audit: shared $1 actor; the hashes chain in insertion (id) order.
                let sql = format!(
                    "INSERT INTO audit_log (at, subject, details, prev_hash, hash, actor_id, action) VALUES {}",
                    placeholders(chunk.len(), 5, 1, &["$1", "'request.filed'"])
                );
                let mut query = sqlx::query(&sql).bind(filer.created_by.0);
                for (id, request) in ids.zip(chunk) {
                    let at = to_millis(request.created_at);
                    let subject = format!("request:{id}");
                    let details = serde_json::json!({"plan": request.contract_code, "charged": true,
                        "contract": request.contract, "customer": null, "severity": "C"})
                    .to_string();
                    let hash = entry_hash(&prev, at, Some(filer.created_by.0), "request.filed", &subject, &details);
                    query = query.bind(at).bind(subject).bind(details).bind(prev).bind(hash.clone());
                    prev = hash;
                }
                query.execute(&mut *tx).await?;
            }
            for (contract, count) in &per_contract {
                sqlx::query("UPDATE contracts SET used = used + $1 WHERE id = $2")
                    .bind(count)
                    .bind(contract)
                    .execute(&mut *tx)
                    .await?;
            }
            if is_postgres {
                // Explicit ids leave the identity sequence behind; SQLite's AUTOINCREMENT follows.
                sqlx::query("SELECT setval(pg_get_serial_sequence('support_requests', 'id'), $1)")
                    .bind(next_id - 1)
                    .execute(&mut *tx)
                    .await?;
            }
        });
        Ok(())
    }
}
