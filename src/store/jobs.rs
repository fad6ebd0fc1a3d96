//! The durable job queue. A job is claimed by setting a lease (`locked_until`); on PostgreSQL
//! the claim skips rows another instance holds (`FOR UPDATE SKIP LOCKED`), on SQLite the
//! single writer makes the claim atomic. A job whose worker died is claimed again when its
//! lease runs out.

use super::{Pool, Store, to_millis};
use crate::error::Result;
use crate::in_tx;
use time::{Duration, OffsetDateTime};

/// A claimed job.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// Including this one.
    pub attempts: i32,
}

impl Store {
    /// Claims the oldest due job, leasing it for `lease`.
    pub async fn claim_job(&self, now: OffsetDateTime, lease: Duration) -> Result<Option<Job>> {
        let now_ms = to_millis(now);
        let until = to_millis(now + lease);
        let row: Option<(i64, String, String, i32)> = match &self.pool {
            Pool::Postgres(pool) => {
                sqlx::query_as(
                    "UPDATE jobs SET locked_until = $1, attempts = attempts + 1 WHERE id = ( \
                         SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $2 \
                         AND (locked_until IS NULL OR locked_until < $2) \
                         ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                     RETURNING id, kind, payload, attempts",
                )
                .bind(until)
                .bind(now_ms)
                .fetch_optional(pool)
                .await?
            }
            Pool::Sqlite(_) => in_tx!(self, tx => {
                sqlx::query_as(
                    "UPDATE jobs SET locked_until = $1, attempts = attempts + 1 WHERE id = ( \
                         SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $2 \
                         AND (locked_until IS NULL OR locked_until < $2) \
                         ORDER BY run_at, id LIMIT 1) \
                     RETURNING id, kind, payload, attempts",
                )
                .bind(until)
                .bind(now_ms)
                .fetch_optional(&mut *tx)
                .await?
            }),
        };
        Ok(row.map(|(id, kind, payload, attempts)| Job {
            id,
            kind,
            payload,
            attempts,
        }))
    }

    pub async fn finish_job(&self, id: i64, now: OffsetDateTime) -> Result<()> {
        crate::on_write_pool!(self, pool => sqlx::query("UPDATE jobs SET done_at = $1, locked_until = NULL WHERE id = $2")
            .bind(to_millis(now))
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Releases a failed job to run again at `retry_at`, remembering why it failed.
    pub async fn retry_job(&self, id: i64, error: &str, retry_at: OffsetDateTime) -> Result<()> {
        crate::on_write_pool!(self, pool => sqlx::query(
            "UPDATE jobs SET locked_until = NULL, run_at = $1, last_error = $2 WHERE id = $3",
        )
        .bind(to_millis(retry_at))
        .bind(error)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Jobs not yet done.
    pub async fn pending_jobs(&self) -> Result<i64> {
        let count = crate::on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL")
            .fetch_one(pool)
            .await)?;
        Ok(count)
    }
}

impl Store {
    /// Whether an activation has a job still to run (auto mode); without one it waits for an
    /// operator.
    pub async fn activation_has_job(&self, activation: i64) -> Result<bool> {
        let count: i64 = crate::on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'activation' AND payload = $1 AND done_at IS NULL",
        )
        .bind(activation.to_string())
        .fetch_one(pool)
        .await)?;
        Ok(count > 0)
    }
}
