//! The invariants every run must keep, whatever its speed: counts read before the scenarios
//! and compared with what the answers said, and the product's own `ledger verify` and
//! `audit verify`.

use super::scenarios::Tally;
use super::server::sportello;
use super::setup;

/// Counts read before the scenarios, compared after them.
pub struct Invariants {
    requests: i64,
    charged: i64,
    consumed: i64,
    refunds: i64,
    keys: i64,
}

/// A pool on the SQLite file a `sqlite://PATH` URL names, opened by its path (a path that does
/// not parse as a URL, such as one under `/proc/PID/root`, still opens).
async fn sqlite_pool(url: &str) -> anyhow::Result<sqlx::SqlitePool> {
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
    Ok(sqlx::SqlitePool::connect_with(options).await?)
}

async fn count(url: &str, sql: &str, bind: Option<&str>) -> anyhow::Result<i64> {
    Ok(if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await?;
        let mut query = sqlx::query_scalar::<_, i64>(sql);
        if let Some(bind) = bind {
            query = query.bind(bind);
        }
        let value = query.fetch_one(&pool).await?;
        pool.close().await;
        value
    } else {
        let pool = sqlite_pool(url).await?;
        let mut query = sqlx::query_scalar::<_, i64>(sql);
        if let Some(bind) = bind {
            query = query.bind(bind);
        }
        let value = query.fetch_one(&pool).await?;
        pool.close().await;
        value
    })
}

/// The cursors a client holds after walking `rows` rows of the request list and of the audit
/// log, newest first: the `after` of the next page of each. Where fewer rows are stored, a
/// cursor past the end (the page at depth is empty, as an offset past the end was).
pub async fn cursors_at_depth(url: &str, rows: i64) -> anyhow::Result<(String, String)> {
    use ::sportello::store::Cursor;
    use ::sportello::store::page::Key;
    const REQUEST: &str = "SELECT id FROM support_requests ORDER BY id DESC LIMIT 1 OFFSET $1";
    const ENTRY: &str = "SELECT at, id FROM audit_log ORDER BY at DESC, id DESC LIMIT 1 OFFSET $1";
    let skip = rows - 1;
    let (request, entry): (Option<i64>, Option<(i64, i64)>) = if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await?;
        let request = sqlx::query_scalar(REQUEST)
            .bind(skip)
            .fetch_optional(&pool)
            .await?;
        let entry = sqlx::query_as(ENTRY)
            .bind(skip)
            .fetch_optional(&pool)
            .await?;
        pool.close().await;
        (request, entry)
    } else {
        let pool = sqlite_pool(url).await?;
        let request = sqlx::query_scalar(REQUEST)
            .bind(skip)
            .fetch_optional(&pool)
            .await?;
        let entry = sqlx::query_as(ENTRY)
            .bind(skip)
            .fetch_optional(&pool)
            .await?;
        pool.close().await;
        (request, entry)
    };
    let (at, id) = entry.unwrap_or((0, 0));
    Ok((
        Cursor::id(request.unwrap_or(0)).encode(),
        Cursor::pair(Key::Int(at), id).encode(),
    ))
}

const REQUESTS: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM support_requests";
const REFUNDS: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM ledger_entries WHERE kind = 'refund'";
const CHARGED: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM support_requests WHERE charged";
const CONSUMED: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM ledger_entries WHERE kind = 'consume'";
const KEYS: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM idempotency_keys";

impl Invariants {
    pub async fn read(url: &str) -> anyhow::Result<Self> {
        Ok(Self {
            requests: count(url, REQUESTS, None).await?,
            charged: count(url, CHARGED, None).await?,
            consumed: count(url, CONSUMED, None).await?,
            refunds: count(url, REFUNDS, None).await?,
            keys: count(url, KEYS, None).await?,
        })
    }

    /// What broke, if anything.
    pub async fn check(
        &self,
        url: &str,
        tally: &Tally,
        fixture: &setup::Fixture,
        raced: bool,
    ) -> anyhow::Result<Vec<String>> {
        use std::sync::atomic::Ordering::Relaxed;
        let mut broken = Vec::new();
        for command in [["ledger", "verify"], ["audit", "verify"]] {
            if let Err(error) = sportello(&command, url, &[]) {
                broken.push(format!("{error:#}"));
            }
        }
        let created = count(url, REQUESTS, None).await? - self.requests;
        if created != tally.created.load(Relaxed) as i64 {
            broken.push(format!(
                "{created} requests stored, {} answered as created",
                tally.created.load(Relaxed)
            ));
        }
        let charged = count(url, CHARGED, None).await? - self.charged;
        let consumed = count(url, CONSUMED, None).await? - self.consumed;
        if charged != consumed {
            broken.push(format!(
                "{charged} charged requests filed, {consumed} incidents consumed"
            ));
        }
        let refunded = count(
            url,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM support_requests WHERE refunded",
            None,
        )
        .await?;
        let refunds = count(url, REFUNDS, None).await?;
        if refunded != refunds || refunds - self.refunds != tally.refunded.load(Relaxed) as i64 {
            broken.push(format!(
                "{refunded} refunded requests, {refunds} refund entries, {} refunds answered",
                tally.refunded.load(Relaxed)
            ));
        }
        let keys = count(url, KEYS, None).await? - self.keys;
        if keys != tally.keys.load(Relaxed) as i64 || tally.split_keys.load(Relaxed) > 0 {
            broken.push(format!(
                "{keys} idempotency keys stored, {} answered consistently, {} answered with different requests",
                tally.keys.load(Relaxed),
                tally.split_keys.load(Relaxed)
            ));
        }
        let race_won = tally.race_won.load(Relaxed);
        // Consumes, not `used`: the mix may have refunded some winners since.
        let race_used = count(
            url,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM ledger_entries l JOIN contracts c ON c.id = l.contract_id \
             WHERE c.contract_code = $1 AND l.kind = 'consume'",
            Some(&fixture.race),
        )
        .await?;
        if raced && (race_won != setup::RACE_INCIDENTS as u64 || race_used != setup::RACE_INCIDENTS)
        {
            broken.push(format!(
                "exhaustion race: {race_won} successes and {race_used} used, expected exactly {}",
                setup::RACE_INCIDENTS
            ));
        }
        Ok(broken)
    }
}
