//! The audit log: one entry per state change, appended in the same transaction as the change,
//! each entry's hash covering its content and the previous entry's hash in its chain.
//!
//! The log is one or more chains (`audit_log.chain`). Chain 0 is appended under the chain
//! lock ([`CHAIN_LOCK`]) by every transaction outside a writer, and on SQLite by everything.
//! On PostgreSQL each instance's writer holds a chain of its own for as long as its connection
//! lives (a session advisory lock, [`claim_chain`]) and appends to it without any lock shared
//! with other instances: their commits never wait for one another. Each chain starts at its own
//! genesis value ([`genesis`]); verifying walks every chain in id order.

use super::page::{Key, ListQuery, Order, Select, fetch_list};
use super::{Cursor, Listing, Page, Store, from_millis};
use crate::error::Result;
use crate::on_pool;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The `prev_hash` of the first entry of chain 0.
pub const GENESIS: &str = "genesis";

/// The `prev_hash` of a chain's first entry: [`GENESIS`] for chain 0, `genesis:N` for chain N,
/// so that no two chains start alike and an entry moved to another chain's start breaks it.
pub fn genesis(chain: i64) -> String {
    if chain == 0 {
        GENESIS.to_owned()
    } else {
        format!("{GENESIS}:{chain}")
    }
}

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
    /// The chain the entry belongs to: 0 for changes made outside a write batch (and every
    /// change on SQLite), another number for the batches of one instance's writer.
    pub chain: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    pub actor_id: Option<i64>,
    pub actor_email: Option<String>,
    pub action: String,
    pub subject: String,
    pub details: String,
    /// The hash of the entry before it (`genesis` for the first).
    pub prev_hash: String,
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
    format!("{:x}", hasher.finalize())
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

/// How far the chains have been checked on this instance, and what was found.
#[derive(Debug, Clone, Default)]
pub struct ChainState {
    /// Entries found intact, from the first of each chain.
    pub count: usize,
    /// The highest id checked (0 before any).
    pub through: i64,
    /// Each chain's last entry checked: its id and hash.
    heads: std::collections::BTreeMap<i64, (i64, String)>,
    /// The first break, if one was found; checking stops there.
    pub broken: Option<ChainBreak>,
    /// When the whole chain was last walked from the start on this instance.
    pub full_walk_at: Option<OffsetDateTime>,
}

/// The chain's state as this instance last checked it (see [`Store::audit_chain`]).
pub type ChainWatch = tokio::sync::Mutex<ChainState>;

/// Whether shown entries hold: each one's hash covers its content and the hash it names as
/// its predecessor, and an entry right after another of its chain names that one's hash. The
/// first that does not, newest first as pages show them.
pub fn check_shown(entries: &[AuditRecord]) -> Option<ChainBreak> {
    for (index, entry) in entries.iter().enumerate() {
        let hash = entry_hash(
            &entry.prev_hash,
            super::to_millis(entry.at),
            entry.actor_id,
            &entry.action,
            &entry.subject,
            &entry.details,
        );
        if hash != entry.hash {
            return Some(ChainBreak {
                id: entry.id,
                reason: "this entry was changed",
            });
        }
        if let Some(older) = entries.get(index + 1)
            && older.id + 1 == entry.id
            && older.chain == entry.chain
            && older.hash != entry.prev_hash
        {
            return Some(ChainBreak {
                id: entry.id,
                reason: "an entry before this one was removed, inserted or changed",
            });
        }
    }
    None
}

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

    /// Walks every chain from the start; `None` when every entry holds. Reads the log in
    /// batches by id, so memory stays flat however long the chains are.
    pub async fn verify_audit(&self) -> Result<(usize, Option<ChainBreak>)> {
        let mut walk = ChainState::default();
        self.walk_audit(&mut walk, usize::MAX).await?;
        Ok((walk.count, walk.broken))
    }

    /// Continues a walk of each chain after the last entry it checked there, for at most
    /// `budget` entries in all (rounded up to a batch); stops at the first break. Chains are
    /// walked one at a time: a chain's entries commit in the order of their ids, so a walk
    /// that has passed an id in a chain has seen every entry before it there (across chains,
    /// a lower id can commit after a higher one).
    async fn walk_audit(&self, walk: &mut ChainState, budget: usize) -> Result<()> {
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
        // The chains in use, each found through the index on (chain, id).
        let chains: Vec<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "WITH RECURSIVE c (chain) AS (SELECT MIN(chain) FROM audit_log \
             UNION ALL SELECT (SELECT MIN(chain) FROM audit_log WHERE chain > c.chain) FROM c WHERE c.chain IS NOT NULL) \
             SELECT chain FROM c WHERE chain IS NOT NULL",
        )
        .fetch_all(pool)
        .await)?;
        let mut walked = 0usize;
        for chain in chains {
            loop {
                if walk.broken.is_some() || walked >= budget {
                    return Ok(());
                }
                let (after, mut last) = walk
                    .heads
                    .get(&chain)
                    .cloned()
                    .unwrap_or_else(|| (0, genesis(chain)));
                let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
                    "SELECT id, at, actor_id, action, subject, details, prev_hash, hash FROM audit_log \
                     WHERE chain = $1 AND id > $2 ORDER BY id LIMIT $3",
                )
                .bind(chain)
                .bind(after)
                .bind(BATCH)
                .fetch_all(pool)
                .await)?;
                let fetched = rows.len();
                walked += fetched;
                let mut through = after;
                for (id, at, actor_id, action, subject, details, prev_hash, hash) in rows {
                    if prev_hash != last {
                        walk.broken = Some(ChainBreak {
                            id,
                            reason: "an entry before this one was removed, inserted or changed",
                        });
                    } else if entry_hash(&prev_hash, at, actor_id, &action, &subject, &details)
                        != hash
                    {
                        walk.broken = Some(ChainBreak {
                            id,
                            reason: "this entry was changed",
                        });
                    }
                    if walk.broken.is_some() {
                        break;
                    }
                    walk.count += 1;
                    walk.through = walk.through.max(id);
                    through = id;
                    last = hash;
                }
                if through > after {
                    walk.heads.insert(chain, (through, last));
                }
                if fetched < BATCH as usize {
                    break;
                }
            }
        }
        Ok(())
    }

    /// What is known of the chain on this instance, after checking at most `budget` entries
    /// appended since the last look (so a page that shows it costs a bounded walk). The whole
    /// chain is walked again by [`Store::recheck_audit`], which the job runner calls at start
    /// and hourly.
    pub async fn audit_chain(&self, budget: usize) -> Result<ChainState> {
        let mut watch = self.audit_watch.lock().await;
        self.walk_audit(&mut watch, budget).await?;
        Ok(watch.clone())
    }

    /// Walks the whole chain from the start and makes the result what [`Store::audit_chain`]
    /// continues from: an entry changed after it was first checked is found here.
    pub async fn recheck_audit(&self) -> Result<ChainState> {
        let mut walk = ChainState::default();
        self.walk_audit(&mut walk, usize::MAX).await?;
        walk.full_walk_at = Some(OffsetDateTime::now_utc());
        let mut watch = self.audit_watch.lock().await;
        // Entries appended meanwhile are checked by the next look.
        *watch = walk.clone();
        Ok(walk)
    }

    /// Entries matching the filter, newest first, a page at a time.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        page: Page,
    ) -> Result<Listing<AuditRecord>> {
        type Row = (
            i64,
            i64,
            i64,
            Option<i64>,
            Option<String>,
            String,
            String,
            String,
            String,
            String,
        );
        let query = list_query(filter, &page)?;
        let rows = fetch_list!(self, query, Row)?;
        Ok(
            Listing::from_rows(rows, &page, |row| Cursor::pair(Key::Int(row.2), row.0)).map(
                |(
                    id,
                    chain,
                    at,
                    actor_id,
                    actor_email,
                    action,
                    subject,
                    details,
                    prev_hash,
                    hash,
                )| {
                    AuditRecord {
                        id,
                        chain,
                        at: from_millis(at),
                        actor_id,
                        actor_email,
                        action,
                        subject,
                        details,
                        prev_hash,
                        hash,
                    }
                },
            ),
        )
    }
}

/// The audit list's statement: newest first by time, then id, so a time range is a range of
/// an index: `audit_log_at` alone, or `audit_log_actor_at`, `…_action_at`, `…_subject_at`
/// under a filter. The cursor carries the last entry's time and id.
pub fn list_query<'f>(filter: &'f AuditFilter, page: &Page) -> Result<ListQuery<'f>> {
    let mut select = Select::new(
        "SELECT l.id, l.chain, l.at, l.actor_id, a.email, l.action, l.subject, l.details, l.prev_hash, l.hash \
         FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_id",
    );
    if let Some(actor) = filter.actor_id {
        let actor = select.arg(actor);
        select.when(format!("l.actor_id = {actor}"));
    }
    if let Some(action) = &filter.action {
        let action = select.arg(action.as_str());
        select.when(format!("l.action = {action}"));
    }
    if let Some(subject) = &filter.subject {
        let subject = select.arg(subject.as_str());
        select.when(format!("l.subject = {subject}"));
    }
    if let Some(since) = filter.since {
        let since = select.arg(super::to_millis(since));
        select.when(format!("l.at >= {since}"));
    }
    if let Some(until) = filter.until {
        let until = select.arg(super::to_millis(until));
        select.when(format!("l.at <= {until}"));
    }
    if let Some(after) = &page.after {
        let (at, id) = after.as_int_pair()?;
        let at = select.arg(at);
        let id = select.arg(id);
        select.after_pair("l.at", "l.id", Order::Descending, &at, &id);
    }
    Ok(select.finish(&["l.at", "l.id"], Order::Descending, page))
}

impl super::writer::Tx<'_> {
    /// Appends an audit entry to the chain, in this write unit. On SQLite the write lock keeps
    /// the chain from forking and the entry goes in at once. On PostgreSQL the entry waits in
    /// the transaction ([`PendingAudit`]) and goes into the chain just before `COMMIT`, under
    /// the chain's lock ([`flush_audit`]): the lock is held for three statements and the
    /// commit, not for the whole transaction.
    pub async fn append_audit(&mut self, entry: &AuditEntry, now: i64) -> sqlx::Result<()> {
        let details = entry.details.to_string();
        if let Some(pending) = self.pending_audit() {
            pending.push(PendingAudit {
                at: now,
                actor_id: entry.actor_id,
                action: entry.action,
                subject: entry.subject.clone(),
                details,
            });
            return Ok(());
        }
        let prev = self
            .first_text(
                "SELECT hash FROM audit_log WHERE chain = 0 ORDER BY id DESC LIMIT 1",
                &[],
            )
            .await?
            .flatten()
            .unwrap_or_else(|| GENESIS.to_owned());
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

/// An audit entry a PostgreSQL transaction has made and not yet chained: it is hashed and
/// written by [`flush_audit`] just before the transaction commits.
#[derive(Debug, Clone)]
pub struct PendingAudit {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: &'static str,
    pub subject: String,
    /// The details as the entry stores them (JSON text).
    pub details: String,
}

/// A PostgreSQL transaction's audit entries not yet chained, and the chain they go to: `own`,
/// a chain its connection holds ([`claim_chain`]: a writer's), or chain 0 (`None`).
#[derive(Debug, Default)]
pub struct AuditBuffer {
    pub own: Option<i64>,
    pub pending: Vec<PendingAudit>,
}

/// The lock every PostgreSQL appender to chain 0 takes, so the chain never forks.
pub const CHAIN_LOCK: i64 = 7242001;

/// The first key of the session advisory locks by which a writer's connection holds a chain
/// (`pg_try_advisory_lock(CHAINS_LOCK, N)` for chain N; two 32-bit keys are a space apart from
/// the single 64-bit keys above).
pub const CHAINS_LOCK: i32 = 7242003;

/// Claims a chain of its own for a PostgreSQL writer's connection: the lowest N ≥ 1 whose lock
/// no other session holds. The lock is the session's until it ends (the connection closed or
/// broken), so no two writers ever append to one chain; a writer that reconnects claims a chain
/// again, most often the one it had.
pub async fn claim_chain(connection: &mut sqlx::PgConnection) -> sqlx::Result<i64> {
    for chain in 1..=i32::MAX {
        let claimed: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
            .bind(CHAINS_LOCK)
            .bind(chain)
            .fetch_one(&mut *connection)
            .await?;
        if claimed {
            return Ok(i64::from(chain));
        }
    }
    Err(sqlx::Error::Protocol("no audit chain is free".into()))
}

/// Writes a PostgreSQL transaction's pending audit entries at the end of a chain.
///
/// On chain 0 (the buffer's `own` is `None`) it takes the chain's lock (held to `COMMIT`, which the caller
/// sends next), then, in a statement of its own so it sees every transaction that held the
/// lock before, draws the entries' ids and reads the chain's head. The holder of the lock
/// touches no row another transaction could hold, so it never waits for one: everything a
/// transaction locks, it locks before this. On a writer's own chain (claimed by
/// [`claim_chain`]) no lock is taken: no other session appends to it.
///
/// Then it hashes the entries in order and inserts them in one statement. `before` is sent
/// ahead in the same round trip (a `RELEASE SAVEPOINT …`, or nothing).
pub async fn flush_audit(
    connection: &mut sqlx::PgConnection,
    buffer: &mut AuditBuffer,
    before: &str,
) -> sqlx::Result<()> {
    let (own, pending) = (buffer.own, &mut buffer.pending);
    use sqlx::{Executor as _, Row as _};
    if pending.is_empty() {
        if !before.is_empty() {
            connection.execute(before).await?;
        }
        return Ok(());
    }
    // One simple query of several statements: in READ COMMITTED each takes its own snapshot,
    // so the head is read after the lock is held.
    let chain = own.unwrap_or(0);
    let lock = if own.is_some() {
        String::new()
    } else {
        format!("SELECT pg_advisory_xact_lock({CHAIN_LOCK}); ")
    };
    let sql = format!(
        "{before}{lock}SELECT nextval(pg_get_serial_sequence('audit_log', 'id')), \
         (SELECT hash FROM audit_log WHERE chain = {chain} ORDER BY id DESC LIMIT 1) FROM generate_series(1, {})",
        pending.len()
    );
    // A text without arguments goes as one simple query.
    let rows = connection.fetch_all(sql.as_str()).await?;
    let mut ids = Vec::with_capacity(pending.len());
    let mut head = None;
    for row in rows.iter().filter(|row| row.len() == 2) {
        ids.push(row.try_get::<i64, _>(0)?);
        if head.is_none() {
            head = row.try_get::<Option<String>, _>(1)?;
        }
    }
    if ids.len() != pending.len() {
        return Err(sqlx::Error::Protocol(format!(
            "the audit sequence gave {} ids for {} entries",
            ids.len(),
            pending.len()
        )));
    }
    ids.sort_unstable();
    let mut head = head.unwrap_or_else(|| genesis(chain));
    let (mut prevs, mut hashes) = (Vec::new(), Vec::new());
    for entry in pending.iter() {
        let hash = entry_hash(
            &head,
            entry.at,
            entry.actor_id,
            entry.action,
            &entry.subject,
            &entry.details,
        );
        prevs.push(std::mem::replace(&mut head, hash.clone()));
        hashes.push(hash);
    }
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, action, subject, details, prev_hash, hash, chain) \
         SELECT *, $9 FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])",
    )
    .bind(ids)
    .bind(pending.iter().map(|e| e.at).collect::<Vec<_>>())
    .bind(pending.iter().map(|e| e.actor_id).collect::<Vec<_>>())
    .bind(pending.iter().map(|e| e.action).collect::<Vec<_>>())
    .bind(pending.iter().map(|e| e.subject.as_str()).collect::<Vec<_>>())
    .bind(pending.iter().map(|e| e.details.as_str()).collect::<Vec<_>>())
    .bind(prevs)
    .bind(hashes)
    .bind(chain)
    .execute(&mut *connection)
    .await?;
    pending.clear();
    Ok(())
}

/// The names an audit page shows for the ids its entries carry.
#[derive(Debug, Default, Clone)]
pub struct AuditNames {
    /// Account id → (display name, email).
    pub accounts: std::collections::HashMap<i64, (String, String)>,
    /// Organization id → name.
    pub organizations: std::collections::HashMap<i64, String>,
    /// Request id → its number (`SR-2026-000123`).
    pub requests: std::collections::HashMap<i64, String>,
    /// Product code → name.
    pub products: std::collections::HashMap<String, String>,
}

/// `$1, $2, …, $n`.
fn numbered(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// The names of the accounts, organizations and requests with these ids, one query for
    /// each kind (ids that no longer exist are left out).
    pub async fn audit_names(
        &self,
        accounts: &[i64],
        organizations: &[i64],
        requests: &[i64],
    ) -> Result<AuditNames> {
        let mut names = AuditNames::default();
        if !accounts.is_empty() {
            let sql = format!(
                "SELECT id, display_name, email FROM accounts WHERE id IN ({})",
                numbered(accounts.len())
            );
            let rows: Vec<(i64, String, String)> = on_pool!(self, pool => {
                let mut query = sqlx::query_as(&sql);
                for id in accounts {
                    query = query.bind(id);
                }
                query.fetch_all(pool).await
            })?;
            names.accounts = rows
                .into_iter()
                .map(|(id, name, email)| (id, (name, email)))
                .collect();
        }
        if !organizations.is_empty() {
            let sql = format!(
                "SELECT id, name FROM organizations WHERE id IN ({})",
                numbered(organizations.len())
            );
            let rows: Vec<(i64, String)> = on_pool!(self, pool => {
                let mut query = sqlx::query_as(&sql);
                for id in organizations {
                    query = query.bind(id);
                }
                query.fetch_all(pool).await
            })?;
            names.organizations = rows.into_iter().collect();
        }
        if !requests.is_empty() {
            let sql = format!(
                "SELECT id, created_at FROM support_requests WHERE id IN ({})",
                numbered(requests.len())
            );
            let rows: Vec<(i64, i64)> = on_pool!(self, pool => {
                let mut query = sqlx::query_as(&sql);
                for id in requests {
                    query = query.bind(id);
                }
                query.fetch_all(pool).await
            })?;
            names.requests = rows
                .into_iter()
                .map(|(id, created)| {
                    let year = from_millis(created).year();
                    (id, crate::domain::request::format_number(year, id))
                })
                .collect();
        }
        Ok(names)
    }
}
