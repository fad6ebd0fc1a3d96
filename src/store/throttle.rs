//! The failed-attempt log behind sign-in (and later link) throttling. Kept in the database
//! so every instance behind a load balancer sees the same counts.

use super::{Store, to_millis};
use crate::error::Result;
use crate::on_pool;
use time::OffsetDateTime;

impl Store {
    pub async fn record_failure(
        &self,
        scope: &str,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        on_pool!(self, pool => sqlx::query("INSERT INTO failed_attempts (scope, subject, at) VALUES ($1, $2, $3)")
            .bind(scope)
            .bind(subject)
            .bind(to_millis(now))
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// How many failures `subject` had in `scope` since `since`, and when the oldest of them was.
    pub async fn failures_since(
        &self,
        scope: &str,
        subject: &str,
        since: OffsetDateTime,
    ) -> Result<(i64, Option<i64>)> {
        let row: (i64, Option<i64>) = on_pool!(self, pool => sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM failed_attempts WHERE scope = $1 AND subject = $2 AND at >= $3",
        )
        .bind(scope)
        .bind(subject)
        .bind(to_millis(since))
        .fetch_one(pool)
        .await)?;
        Ok(row)
    }

    pub async fn clear_failures(&self, scope: &str, subject: &str) -> Result<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM failed_attempts WHERE scope = $1 AND subject = $2")
            .bind(scope)
            .bind(subject)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Forgets failures older than `before`.
    pub async fn prune_failures(&self, before: OffsetDateTime) -> Result<u64> {
        let done = on_pool!(self, pool => sqlx::query("DELETE FROM failed_attempts WHERE at < $1")
            .bind(to_millis(before))
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done)
    }
}
