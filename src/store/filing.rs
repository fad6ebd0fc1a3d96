//! Filing in groups. The writer hands every filing of a batch to [`file_group`] at once: the
//! idempotency keys are looked up in one statement, so are the accounts' links to the
//! contracts they file on (a filing may have been decided on what this instance remembered of
//! the contract; the link decides here, before anything is charged), the consumes of each contract are summed
//! and applied as one guarded update (one at a time only for a contract that cannot take them
//! all, so each filing still gets an exact yes or no), and the requests, their history, ledger
//! entries, keys, audit entries and messages go in as multi-row inserts. The audit chain's head
//! is read once and extended in Rust. A batch of N filings costs about a dozen statements
//! instead of a dozen per filing: on PostgreSQL that is the difference between one round trip
//! and N, on SQLite between one statement execution and N.
//!
//! If the group fails as a whole (a constraint nobody checked, a full disk), the writer rolls it
//! back and runs each filing alone ([`file_one`]), so one bad filing fails alone.

use super::audit::{AuditEntry, entry_hash, genesis};
use super::ledger::EntryKind;
use super::outbox::NewMessage;
use super::requests::{Filed, NewRequest};
use super::writer::{Arg, Column, Tx};
use crate::error::{Error, Result};
use std::collections::HashMap;

/// Where a request's number goes in its pre-rendered creation notice. Titles refuse control
/// characters, so the slot cannot come from anything a person typed.
pub const NUMBER_SLOT: char = '\u{1}';

/// A validated request with everything its filing writes, rendered before the write.
pub struct Filing {
    pub new: NewRequest,
    /// The creation notice, with [`NUMBER_SLOT`] where the number goes (and
    /// `{NUMBER_SLOT}` in its dedupe key where the request's id goes).
    pub created: NewMessage,
    /// The low-balance notice for the incidents left after this filing, if that is one of
    /// the policy's thresholds (rendered only then: once per contract and threshold).
    pub low_balance: Box<dyn Fn(i64) -> Option<NewMessage> + Send + Sync>,
    /// The audit entry's details (JSON).
    pub audit_details: String,
    /// The request's year, for its number.
    pub year: i32,
    /// When it is filed (Unix milliseconds), read once at the edge.
    pub now: i64,
}

impl Filing {
    /// A filing with this creation notice, no low-balance notice and empty audit details
    /// (fixtures and tools; the filing action renders all three).
    pub fn new(new: NewRequest, created: NewMessage, now: time::OffsetDateTime) -> Self {
        Self {
            new,
            created,
            low_balance: Box::new(|_| None),
            audit_details: "{}".into(),
            year: now.year(),
            now: super::to_millis(now),
        }
    }

    /// The creation notice of request `id`.
    fn created_notice(&self, id: i64) -> NewMessage {
        let number = crate::domain::request::format_number(self.year, id);
        let fill = |text: &str| text.replace(NUMBER_SLOT, &number);
        NewMessage {
            kind: self.created.kind.clone(),
            account_id: self.created.account_id,
            recipient: self.created.recipient.clone(),
            subject: fill(&self.created.subject),
            body: fill(&self.created.body),
            dedupe_key: self
                .created
                .dedupe_key
                .as_deref()
                .map(|key| key.replace(NUMBER_SLOT, &id.to_string())),
        }
    }

    fn audit_entry(&self, id: i64) -> AuditEntry {
        AuditEntry {
            actor_id: Some(self.new.created_by.0),
            action: "request.filed",
            subject: format!("request:{id}"),
            details: serde_json::Value::Null,
        }
    }
}

/// Files one request in the unit's own savepoint: the steps [`file_group`] runs for many, one
/// statement at a time. A key seen before is a unique violation (a concurrent retry won).
pub async fn file_one(tx: &mut Tx<'_>, filing: &Filing) -> Result<Filed> {
    let (new, now) = (&filing.new, filing.now);
    if let Some(contract) = new.contract_id {
        let linked = tx
            .first_i64(
                "SELECT contract_id FROM contract_links WHERE contract_id = $1 AND account_id = $2 AND revoked_at IS NULL",
                &[contract.into(), new.created_by.0.into()],
            )
            .await?;
        if linked.is_none() {
            return Ok(Filed::NotLinked);
        }
    }
    let mut remaining = None;
    if let Some(contract) = new.charge_contract {
        match tx.consume(contract).await? {
            None => return Ok(Filed::Exhausted),
            Some(left) => remaining = left,
        }
    }
    let id = tx.insert_request(new, now).await?;
    if let Some(contract) = new.charge_contract {
        tx.record_entry(
            contract,
            EntryKind::Consume,
            Some(id),
            Some(new.created_by.0),
            None,
            now,
        )
        .await?;
    }
    if let Some((key, digest)) = &new.idempotency {
        tx.remember_key(new.created_by, key, digest, id, now)
            .await?;
    }
    let mut entry = filing.audit_entry(id);
    entry.details = serde_json::from_str(&filing.audit_details)
        .map_err(|error| Error::Other(anyhow::anyhow!("audit details: {error}")))?;
    tx.append_audit(&entry, now).await?;
    tx.queue(&filing.created_notice(id), now).await?;
    if let Some(message) = remaining.and_then(|left| (filing.low_balance)(left)) {
        tx.queue(&message, now).await?;
    }
    Ok(Filed::Created(id))
}

/// What [`file_group`] decided for each filing, in order; `None` for one it left to
/// [`file_one`] (a retry whose key a filing of the same group uses with another body, when
/// that filing found no incident left: the key is then still free).
pub type Outcomes = Vec<Option<Filed>>;

/// Files every filing of a writer batch together (see the module's comment).
pub async fn file_group(tx: &mut Tx<'_>, filings: &[&Filing]) -> Result<Outcomes> {
    let mut outcomes: Outcomes = vec![None; filings.len()];
    // 1. Keys seen before (by an earlier batch, or another instance) answer as replays.
    let keyed: Vec<usize> = (0..filings.len())
        .filter(|&i| filings[i].new.idempotency.is_some())
        .collect();
    let key_rows: Vec<Arg<'_>> = keyed
        .iter()
        .flat_map(|&i| {
            let new = &filings[i].new;
            let (key, digest) = new.idempotency.as_ref().map_or(("", ""), |(k, d)| (k, d));
            [
                Arg::from(i as i64),
                new.created_by.0.into(),
                key.into(),
                digest.into(),
            ]
        })
        .collect();
    // And every filing on a contract needs a live link to it (the filing was decided on what
    // this instance remembered; the link decides here, before any consume).
    let on_contracts: Vec<usize> = (0..filings.len())
        .filter(|&i| filings[i].new.contract_id.is_some())
        .collect();
    let link_rows: Vec<Arg<'_>> = on_contracts
        .iter()
        .flat_map(|&i| {
            let new = &filings[i].new;
            [
                Arg::from(i as i64),
                new.contract_id.into(),
                new.created_by.0.into(),
            ]
        })
        .collect();
    const KEY_COLUMNS: &[Column] = &[Column::Int, Column::Int, Column::Text, Column::Text];
    const LINK_COLUMNS: &[Column] = &[Column::Int, Column::Int, Column::Int];
    let (seen, unlinked) = if tx.is_postgres() {
        // Both in one round trip: 0 rows are keys seen before, 1 rows are missing links.
        let sql = super::writer::unnest_sql(
            "SELECT CAST(0 AS BIGINT), {as1}.column1, k.request_id, \
             CAST(CASE WHEN k.body_digest = {as1}.column4 THEN 1 ELSE 0 END AS BIGINT) \
             FROM {rows1} JOIN idempotency_keys k ON k.account_id = {as1}.column2 AND k.idempotency_key = {as1}.column3 \
             UNION ALL SELECT CAST(1 AS BIGINT), {as2}.column1, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) FROM {rows2} \
             WHERE NOT EXISTS (SELECT 1 FROM contract_links l WHERE l.contract_id = {as2}.column2 \
             AND l.account_id = {as2}.column3 AND l.revoked_at IS NULL)",
            &[KEY_COLUMNS, LINK_COLUMNS],
        );
        let rows = tx
            .unnest(sql, &[(KEY_COLUMNS, &key_rows), (LINK_COLUMNS, &link_rows)])
            .await?;
        let (keys, links): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .partition(|row| row.first().copied().flatten() == Some(0));
        (
            keys.into_iter().map(|row| row[1..].to_vec()).collect(),
            links.into_iter().map(|row| row[1..2].to_vec()).collect(),
        )
    } else {
        let keys = tx
            .rows_of(
                "SELECT v.column1, k.request_id, CAST(CASE WHEN k.body_digest = v.column4 THEN 1 ELSE 0 END AS BIGINT) \
                 FROM {rows} JOIN idempotency_keys k ON k.account_id = v.column2 AND k.idempotency_key = v.column3",
                KEY_COLUMNS,
                &key_rows,
            )
            .await?;
        let links = tx
            .rows_of(
                "SELECT v.column1 FROM {rows} WHERE NOT EXISTS (SELECT 1 FROM contract_links l \
                 WHERE l.contract_id = v.column2 AND l.account_id = v.column3 AND l.revoked_at IS NULL)",
                LINK_COLUMNS,
                &link_rows,
            )
            .await?;
        (keys, links)
    };
    let seen: Vec<Vec<Option<i64>>> = seen;
    for row in seen {
        if let [Some(i), Some(request), Some(same)] = row[..]
            && let Some(outcome) = outcomes.get_mut(i as usize)
        {
            *outcome = Some(if same == 1 {
                Filed::Replayed(request)
            } else {
                Filed::KeyReused
            });
        }
    }
    // A key used twice in the group: the first filing goes ahead, the others follow it.
    let mut leaders: HashMap<(i64, &str), usize> = HashMap::new();
    let mut follows: Vec<Option<usize>> = vec![None; filings.len()];
    for &i in &keyed {
        if outcomes[i].is_some() {
            continue;
        }
        let new = &filings[i].new;
        let key = new.idempotency.as_ref().map_or("", |(k, _)| k.as_str());
        match leaders.entry((new.created_by.0, key)) {
            std::collections::hash_map::Entry::Occupied(leader) => follows[i] = Some(*leader.get()),
            std::collections::hash_map::Entry::Vacant(free) => {
                free.insert(i);
            }
        }
    }
    let going = |i: usize, outcomes: &Outcomes| outcomes[i].is_none() && follows[i].is_none();
    // 2. Missing links refuse what is still going (a replay answers whatever the link).
    for row in unlinked {
        if let [Some(i)] = row[..]
            && going(i as usize, &outcomes)
        {
            outcomes[i as usize] = Some(Filed::NotLinked);
        }
    }

    // 3. Consumes, summed per contract, in the order the filings came.
    let mut per_contract: Vec<(i64, Vec<usize>)> = Vec::new();
    let mut slot: HashMap<i64, usize> = HashMap::new();
    for (i, filing) in filings.iter().enumerate() {
        if let Some(contract) = filing.new.charge_contract
            && going(i, &outcomes)
        {
            let at = *slot.entry(contract).or_insert_with(|| {
                per_contract.push((contract, Vec::new()));
                per_contract.len() - 1
            });
            per_contract[at].1.push(i);
        }
    }
    let wanted: Vec<(i64, i64)> = per_contract
        .iter()
        .map(|(contract, takers)| (*contract, takers.len() as i64))
        .collect();
    let mut taken: HashMap<i64, super::ledger::Taken> = tx
        .consume_many(&wanted)
        .await?
        .into_iter()
        .map(|t| (t.contract, t))
        .collect();
    let mut remaining: Vec<Option<i64>> = vec![None; filings.len()];
    for (contract, takers) in &per_contract {
        let granted = match taken.remove(contract) {
            Some(all) => Some((takers.len(), all)),
            // Not enough left for all: one at a time, so exactly the incidents left are used.
            None => {
                let mut last = None;
                let mut count = 0;
                for _ in takers {
                    match tx.consume_many(&[(*contract, 1)]).await?.pop() {
                        Some(one) => {
                            last = Some(one);
                            count += 1;
                        }
                        None => break,
                    }
                }
                last.map(|last| (count, last))
            }
        };
        for (place, &i) in takers.iter().enumerate() {
            match granted {
                Some((count, last)) if place < count => {
                    // The counter after this filing's incident.
                    let used = last.used - (count - 1 - place) as i64;
                    remaining[i] = last.allotted.map(|allotted| allotted - used);
                }
                _ => outcomes[i] = Some(Filed::Exhausted),
            }
        }
    }

    // 4. Ids for the new requests and their audit entries.
    let filed: Vec<usize> = (0..filings.len())
        .filter(|&i| going(i, &outcomes))
        .collect();
    // The chain the audit entries go to, extended here: SQLite's (its one writer holds the
    // write lock) or the one this PostgreSQL writer's connection holds.
    let chain = match (tx.is_postgres(), tx.own_chain()) {
        (false, _) => 0,
        (true, Some(chain)) => chain,
        (true, None) => {
            return Err(Error::Other(anyhow::anyhow!(
                "filings are written in groups only by a writer holding an audit chain"
            )));
        }
    };
    let (ids, audit_ids, head) = allocate(tx, filed.len(), chain).await?;

    // 5. Everything they write, many rows to a statement.
    let mut head = head.unwrap_or_else(|| genesis(chain));
    let mut audit_rows = Vec::with_capacity(filed.len());
    let mut messages = Vec::with_capacity(filed.len());
    for (n, &i) in filed.iter().enumerate() {
        let filing = filings[i];
        let entry = filing.audit_entry(ids[n]);
        let hash = entry_hash(
            &head,
            filing.now,
            entry.actor_id,
            entry.action,
            &entry.subject,
            &filing.audit_details,
        );
        let prev = std::mem::replace(&mut head, hash.clone());
        audit_rows.push((audit_ids[n], entry, prev, hash, i));
        messages.push((filing.created_notice(ids[n]), filing.now));
        if let Some(message) = remaining[i].and_then(|left| (filing.low_balance)(left)) {
            messages.push((message, filing.now));
        }
        outcomes[i] = Some(Filed::Created(ids[n]));
    }
    let audit_args: Vec<Arg<'_>> = audit_rows
        .iter()
        .flat_map(|(id, entry, prev, hash, i)| {
            [
                Arg::from(*id),
                filings[*i].now.into(),
                entry.actor_id.into(),
                entry.action.into(),
                entry.subject.as_str().into(),
                filings[*i].audit_details.as_str().into(),
                prev.as_str().into(),
                hash.as_str().into(),
                chain.into(),
            ]
        })
        .collect();
    let message_args: Vec<Arg<'_>> = messages
        .iter()
        .flat_map(|(message, at)| {
            [
                Arg::from(message.kind.as_str()),
                message.account_id.into(),
                message.recipient.as_str().into(),
                message.subject.as_str().into(),
                message.body.as_str().into(),
                message.dedupe_key.as_deref().into(),
                (*at).into(),
            ]
        })
        .collect();
    let (requests, entries, keys) = request_cells(filings, &filed, &ids);
    write_all(tx, [requests, entries, keys, audit_args, message_args]).await?;

    // 6. Retries of a key the group used: the first filing's answer, or their own turn.
    for i in 0..filings.len() {
        let Some(leader) = follows[i] else { continue };
        let same_body = filings[i].new.idempotency.as_ref().map(|(_, d)| d)
            == filings[leader].new.idempotency.as_ref().map(|(_, d)| d);
        outcomes[i] = match (outcomes[leader], same_body) {
            (Some(Filed::Created(id)), true) => Some(Filed::Replayed(id)),
            (Some(Filed::Created(_)), false) => Some(Filed::KeyReused),
            (Some(Filed::Exhausted), true) => Some(Filed::Exhausted),
            (Some(Filed::NotLinked), true) => Some(Filed::NotLinked),
            // The key is still free: this one files on its own after the group.
            _ => None,
        };
    }
    Ok(outcomes)
}

/// `count` new ids for requests and as many for their audit entries, each in increasing
/// order, and the head of audit chain `chain` (when `count` is not 0). PostgreSQL draws the
/// ids from the columns' sequences, in one statement; on SQLite, where the one writer holds
/// the write lock, they follow the highest id ever given (`AUTOINCREMENT` never reuses one).
async fn allocate(
    tx: &mut Tx<'_>,
    count: usize,
    chain: i64,
) -> Result<(Vec<i64>, Vec<i64>, Option<String>)> {
    if count == 0 {
        return Ok((Vec::new(), Vec::new(), None));
    }
    if let Some(connection) = tx.postgres() {
        // The head's subquery does not depend on the row: it is read once.
        let rows: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT nextval(pg_get_serial_sequence('support_requests', 'id')), \
             nextval(pg_get_serial_sequence('audit_log', 'id')), \
             (SELECT hash FROM audit_log WHERE chain = $2 ORDER BY id DESC LIMIT 1) \
             FROM generate_series(1, $1)",
        )
        .bind(count as i64)
        .bind(chain)
        .fetch_all(&mut *connection)
        .await?;
        if rows.len() != count {
            return Err(Error::Other(anyhow::anyhow!(
                "the sequences gave {} ids of {count}",
                rows.len()
            )));
        }
        let mut requests: Vec<i64> = rows.iter().map(|row| row.0).collect();
        let mut audit: Vec<i64> = rows.iter().map(|row| row.1).collect();
        requests.sort_unstable();
        audit.sort_unstable();
        let head = rows.into_iter().find_map(|row| row.2);
        return Ok((requests, audit, head));
    }
    let mut next = Vec::with_capacity(2);
    for sql in [
        "SELECT MAX(x) FROM (SELECT MAX(id) AS x FROM support_requests \
         UNION ALL SELECT seq FROM sqlite_sequence WHERE name = 'support_requests')",
        "SELECT MAX(x) FROM (SELECT MAX(id) AS x FROM audit_log \
         UNION ALL SELECT seq FROM sqlite_sequence WHERE name = 'audit_log')",
    ] {
        let last = tx.first_i64(sql, &[]).await?.flatten().unwrap_or(0);
        next.push((1..=count as i64).map(|n| last + n).collect::<Vec<_>>());
    }
    let head = tx
        .first_text(
            "SELECT hash FROM audit_log WHERE chain = $1 ORDER BY id DESC LIMIT 1",
            &[chain.into()],
        )
        .await?
        .flatten();
    let audit = next.pop().unwrap_or_default();
    let requests = next.pop().unwrap_or_default();
    Ok((requests, audit, head))
}

/// The cells of the requests, their consumes' ledger entries
/// and their idempotency keys, in the columns of [`WRITES`].
fn request_cells<'a>(
    filings: &[&'a Filing],
    filed: &[usize],
    ids: &[i64],
) -> (Vec<Arg<'a>>, Vec<Arg<'a>>, Vec<Arg<'a>>) {
    let rows: Vec<(i64, &'a NewRequest, i64)> = filed
        .iter()
        .zip(ids)
        .map(|(&i, &id)| (id, &filings[i].new, filings[i].now))
        .collect();
    let requests: Vec<Arg<'a>> = rows
        .iter()
        .flat_map(|(id, new, now)| {
            [
                Arg::from(*id),
                new.title.as_str().into(),
                new.description.as_str().into(),
                new.product_code.as_str().into(),
                new.version.as_deref().into(),
                new.severity.as_str().into(),
                new.plan.as_str().into(),
                new.contract_id.into(),
                new.charge_contract.is_some().into(),
                new.created_by.0.into(),
                new.organization_id.map(|o| o.0).into(),
                new.customer_id.into(),
                new.contact.as_str().into(),
                "open".into(),
                super::to_millis(new.first_response_due).into(),
                (*now).into(),
                (*now).into(),
            ]
        })
        .collect();
    let entries: Vec<Arg<'a>> = rows
        .iter()
        .filter_map(|(id, new, now)| {
            new.charge_contract.map(|contract| {
                [
                    Arg::from(contract),
                    "consume".into(),
                    1i64.into(),
                    (*id).into(),
                    new.created_by.0.into(),
                    (*now).into(),
                ]
            })
        })
        .flatten()
        .collect();
    let keys: Vec<Arg<'a>> = rows
        .iter()
        .filter_map(|(id, new, now)| {
            new.idempotency.as_ref().map(|(key, digest)| {
                [
                    Arg::from(new.created_by.0),
                    key.as_str().into(),
                    digest.as_str().into(),
                    (*id).into(),
                    (*now).into(),
                ]
            })
        })
        .flatten()
        .collect();
    (requests, entries, keys)
}

/// What a group writes, table by table: the SQLite statement of each (`{rows}`) and its
/// columns. On PostgreSQL all five go in one statement ([`WRITES_POSTGRES`]). A request's
/// `created` history entry is its own row's `created_at` and `created_by`
/// ([`Store::request_events`](super::Store::request_events)), not a row of its own.
const WRITES: [(&str, &[Column]); 5] = {
    use Column::{Bool, Int, Text};
    [
        (
            "INSERT INTO support_requests (id, title, description, product_code, version, severity, plan, contract_id, \
             charged, created_by, organization_id, customer_id, contact, status, first_response_due, created_at, updated_at) \
             SELECT * FROM {rows}",
            &[
                Int, Text, Text, Text, Text, Text, Text, Int, Bool, Int, Int, Int, Text, Text, Int,
                Int, Int,
            ],
        ),
        (
            "INSERT INTO ledger_entries (contract_id, kind, amount, request_id, actor_id, at) SELECT * FROM {rows}",
            &[Int, Text, Int, Int, Int, Int],
        ),
        (
            "INSERT INTO idempotency_keys (account_id, idempotency_key, body_digest, request_id, created_at) \
             SELECT * FROM {rows}",
            &[Int, Text, Text, Int, Int],
        ),
        (
            "INSERT INTO audit_log (id, at, actor_id, action, subject, details, prev_hash, hash, chain) SELECT * FROM {rows}",
            &[Int, Int, Int, Text, Text, Text, Text, Text, Int],
        ),
        (
            // `WHERE TRUE` keeps SQLite from reading `ON CONFLICT` as part of the SELECT.
            "INSERT INTO outbox (kind, account_id, recipient, subject, body, dedupe_key, created_at) \
             SELECT * FROM {rows} WHERE TRUE ON CONFLICT (dedupe_key) DO NOTHING",
            &[Text, Int, Text, Text, Text, Text, Int],
        ),
    ]
};

/// The five writes of [`WRITES`] as one PostgreSQL statement: sibling inserts in one `WITH`,
/// whose foreign keys are checked at the statement's end, when every row is in.
const WRITES_POSTGRES: &str = "WITH r AS (INSERT INTO support_requests (id, title, description, product_code, version, severity, \
     plan, contract_id, charged, created_by, organization_id, customer_id, contact, status, first_response_due, created_at, \
     updated_at) SELECT * FROM {rows1}), \
     l AS (INSERT INTO ledger_entries (contract_id, kind, amount, request_id, actor_id, at) SELECT * FROM {rows2}), \
     k AS (INSERT INTO idempotency_keys (account_id, idempotency_key, body_digest, request_id, created_at) SELECT * FROM {rows3}), \
     a AS (INSERT INTO audit_log (id, at, actor_id, action, subject, details, prev_hash, hash, chain) SELECT * FROM {rows4}), \
     o AS (INSERT INTO outbox (kind, account_id, recipient, subject, body, dedupe_key, created_at) SELECT * FROM {rows5} \
     ON CONFLICT (dedupe_key) DO NOTHING) \
     SELECT CAST(1 AS BIGINT)";

/// Writes the cells of each of [`WRITES`]: one statement on PostgreSQL, five (in runs of rows)
/// on SQLite.
async fn write_all(tx: &mut Tx<'_>, cells: [Vec<Arg<'_>>; 5]) -> Result<()> {
    if tx.is_postgres() {
        let columns: Vec<&[Column]> = WRITES.iter().map(|(_, columns)| *columns).collect();
        let sql = super::writer::unnest_sql(WRITES_POSTGRES, &columns);
        let parts: Vec<(&[Column], &[Arg<'_>])> = WRITES
            .iter()
            .zip(&cells)
            .map(|((_, columns), cells)| (*columns, cells.as_slice()))
            .collect();
        tx.unnest(sql, &parts).await?;
        return Ok(());
    }
    for ((template, columns), cells) in WRITES.iter().zip(&cells) {
        tx.rows_of(template, columns, cells).await?;
    }
    Ok(())
}
