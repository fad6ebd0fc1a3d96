//! The failed-attempt log behind sign-in (and later link) throttling. Kept in the database
//! so every instance behind a load balancer sees the same counts.

use super::audit::{AuditEntry, append_audit};
use super::{Store, to_millis};
use crate::error::Result;
use crate::{in_tx, on_pool};
use time::OffsetDateTime;

impl Store {
    /// Records one failed attempt under each `(scope, subject)`, and its audit entry when
    /// given, in one transaction.
    pub async fn record_failures(
        &self,
        attempts: &[(&str, &str)],
        audit: Option<&AuditEntry>,
        now: OffsetDateTime,
    ) -> Result<()> {
        let now = to_millis(now);
        in_tx!(self, tx => {
            for (scope, subject) in attempts {
                sqlx::query("INSERT INTO failed_attempts (scope, subject, at) VALUES ($1, $2, $3)")
                    .bind(scope)
                    .bind(subject)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(entry) = audit {
                append_audit!(tx, self, entry, now);
            }
        });
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
