//! The audit log: one entry per state change, appended in the same transaction as the change,
//! each entry's hash covering its content and the previous entry's hash.

use super::{Page, Store, from_millis};
use crate::error::Result;
use crate::on_pool;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "genesis";

/// What happened, to what, by whom.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor_id: Option<i64>,
    /// Dotted verb, like `contract.access_id_rotated`.
    pub action: &'static str,
    /// What it happened to, like `contract:1234-5678-9`.
    pub subject: String,
    /// A JSON object with the particulars (never a secret).
    pub details: serde_json::Value,
}

impl AuditEntry {
    pub fn new(
        actor_id: Option<i64>,
        action: &'static str,
        subject: impl Into<String>,
        details: serde_json::Value,
    ) -> Self {
        Self {
            actor_id,
            action,
            subject: subject.into(),
            details,
        }
    }
}

/// An entry as stored.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    pub actor_id: Option<i64>,
    pub actor_email: Option<String>,
    pub action: String,
    pub subject: String,
    pub details: String,
    pub hash: String,
}

/// The hash of an entry: SHA-256 over the previous hash and every field, length-prefixed so no
/// two different entries share an encoding.
pub fn entry_hash(
    prev_hash: &str,
    at: i64,
    actor_id: Option<i64>,
    action: &str,
    subject: &str,
    details: &str,
) -> String {
    let mut hasher = Sha256::new();
    let actor = actor_id.map(|a| a.to_string()).unwrap_or_default();
    for part in [prev_hash, &at.to_string(), &actor, action, subject, details] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Appends an entry on an open `in_tx!` transaction, with the same step a write unit uses
/// ([`super::writer::Tx::append_audit`]).
macro_rules! append_audit {
    ($tx:expr, $entry:expr, $now:expr) => {{
        $crate::store::writer::AsTx::as_tx(&mut $tx)
            .append_audit($entry, $now)
            .await?;
    }};
}
pub(crate) use append_audit;

/// The first place the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub id: i64,
    pub reason: &'static str,
}

/// Audit log filters.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<i64>,
    pub action: Option<String>,
    pub subject: Option<String>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
}

impl Store {
    /// Appends one entry in its own transaction (for changes that are a single statement).
    pub async fn audit(&self, entry: &AuditEntry, now: OffsetDateTime) -> Result<()> {
        let now = super::to_millis(now);
        crate::in_tx!(self, tx => append_audit!(tx, entry, now));
        Ok(())
    }

    /// Walks the chain from the start; `None` when every entry holds. Reads the log in
    /// batches by id, so memory stays flat however long the chain is.
    pub async fn verify_audit(&self) -> Result<(usize, Option<ChainBreak>)> {
        type Row = (
            i64,
            i64,
            Option<i64>,
            String,
            String,
            String,
            String,
            String,
        );
        const BATCH: i64 = 5_000;
        let mut previous = GENESIS.to_owned();
        let mut after = i64::MIN;
        let mut count = 0usize;
        let mut first_break = None;
        loop {
            let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
                "SELECT id, at, actor_id, action, subject, details, prev_hash, hash FROM audit_log \
                 WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(after)
            .bind(BATCH)
            .fetch_all(pool)
            .await)?;
            let fetched = rows.len();
            for (id, at, actor_id, action, subject, details, prev_hash, hash) in rows {
                count += 1;
                after = id;
                if first_break.is_some() {
                    continue;
                }
                if prev_hash != previous {
                    first_break = Some(ChainBreak {
                        id,
                        reason: "an entry before this one was removed, inserted or changed",
                    });
                } else if entry_hash(&prev_hash, at, actor_id, &action, &subject, &details) != hash
                {
                    first_break = Some(ChainBreak {
                        id,
                        reason: "this entry was changed",
                    });
                }
                previous = hash;
            }
            if fetched < BATCH as usize {
                return Ok((count, first_break));
            }
        }
    }

    /// Entries matching the filter, newest first, with the total count.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        page: Page,
    ) -> Result<(Vec<AuditRecord>, i64)> {
        let conditions = "($1 IS NULL OR l.actor_id = $1) AND ($2 IS NULL OR l.action = $2) \
             AND ($3 IS NULL OR l.subject = $3) AND ($4 IS NULL OR l.at >= $4) AND ($5 IS NULL OR l.at <= $5)";
        let sql = format!(
            "SELECT l.id, l.at, l.actor_id, a.email, l.action, l.subject, l.details, l.hash FROM audit_log l \
             LEFT JOIN accounts a ON a.id = l.actor_id WHERE {conditions} ORDER BY l.id DESC LIMIT $6 OFFSET $7"
        );
        let count_sql = format!("SELECT COUNT(*) FROM audit_log l WHERE {conditions}");
        let since = filter.since.map(super::to_millis);
        let until = filter.until.map(super::to_millis);
        type Row = (
            i64,
            i64,
            Option<i64>,
            Option<String>,
            String,
            String,
            String,
            String,
        );
        let (rows, total): (Vec<Row>, i64) = on_pool!(self, pool => {
            let rows = sqlx::query_as(&sql)
                .bind(filter.actor_id)
                .bind(&filter.action)
                .bind(&filter.subject)
                .bind(since)
                .bind(until)
                .bind(page.limit)
                .bind(page.offset)
                .fetch_all(pool)
                .await?;
            let total = sqlx::query_scalar(&count_sql)
                .bind(filter.actor_id)
                .bind(&filter.action)
                .bind(&filter.subject)
                .bind(since)
                .bind(until)
                .fetch_one(pool)
                .await?;
            (rows, total)
        });
        Ok((
            rows.into_iter()
                .map(
                    |(id, at, actor_id, actor_email, action, subject, details, hash)| AuditRecord {
                        id,
                        at: from_millis(at),
                        actor_id,
                        actor_email,
                        action,
                        subject,
                        details,
                        hash,
                    },
                )
                .collect(),
            total,
        ))
    }
}

impl super::writer::Tx<'_> {
    /// Appends an audit entry to the chain, in this write unit. On PostgreSQL an advisory
    /// transaction lock serializes appenders so the chain never forks (a writer batch holds it
    /// already); on SQLite the write lock does.
    pub async fn append_audit(&mut self, entry: &AuditEntry, now: i64) -> sqlx::Result<()> {
        if self.needs_audit_lock() {
            self.run("SELECT pg_advisory_xact_lock(7242001)", &[])
                .await?;
        }
        let prev = self
            .first_text("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", &[])
            .await?
            .flatten()
            .unwrap_or_else(|| GENESIS.to_owned());
        let details = entry.details.to_string();
        let hash = entry_hash(
            &prev,
            now,
            entry.actor_id,
            entry.action,
            &entry.subject,
            &details,
        );
        self.run(
            "INSERT INTO audit_log (at, actor_id, action, subject, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                now.into(),
                entry.actor_id.into(),
                entry.action.into(),
                entry.subject.as_str().into(),
                details.as_str().into(),
                prev.as_str().into(),
                hash.as_str().into(),
            ],
        )
        .await?;
        Ok(())
    }
}
