//! The failed-attempt log behind sign-in and link throttling. Kept in the database so every
//! instance behind a load balancer sees the same counts.
//!
//! An attempt is *reserved* before it is checked: one transaction counts the subjects'
//! failures and, when the caller's rule allows, records the attempt as a failure up front. A
//! success then releases it. So N concurrent attempts can never run more checks than the
//! limits allow: each one sees the others in flight.
//!
//! A reservation is *pending* until its check ends: a failure confirms it
//! ([`Store::confirm_failures`]), a success releases it. A pending row counts only for
//! [`PENDING_BOUND`] (longer than any request may run), so one left by a crash or an outage in
//! the middle of a check stops counting instead of standing as a failure for the whole window.

use super::{Store, to_millis};
use crate::error::Result;
use crate::{in_tx, on_write_pool};
use time::OffsetDateTime;

/// How long a pending reservation counts: longer than the server's request timeout (30 s), so
/// every attempt still in flight is counted.
pub const PENDING_BOUND: time::Duration = time::Duration::seconds(60);

/// What reserving an attempt answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt may be checked. `counts` are the failures (including attempts in flight)
    /// each subject had before this one; `ids` are the rows recorded for it, to release on
    /// success.
    Granted { counts: Vec<i64>, ids: Vec<i64> },
    /// The subject at `index` is over its limit; its oldest failure in the window was at
    /// `oldest` (Unix milliseconds), so room opens a window after that.
    Refused { index: usize, oldest: i64 },
}

impl Store {
    /// Atomically counts the failures of every `(scope, subject)` since `since` and asks
    /// `refuse` (given those counts) whether the attempt is over a limit; if not, records one
    /// attempt under each subject before answering. Concurrent reservations of a subject are
    /// serialized: SQLite's write lock, and on PostgreSQL a transaction-level advisory lock per
    /// subject (never a global one).
    pub async fn reserve_attempt(
        &self,
        subjects: &[(&str, &str)],
        since: OffsetDateTime,
        now: OffsetDateTime,
        refuse: impl Fn(&[i64]) -> Option<usize>,
    ) -> Result<Reservation> {
        let since = to_millis(since);
        let live = to_millis(now - PENDING_BOUND);
        let now = to_millis(now);
        let mut keys: Vec<String> = subjects
            .iter()
            .map(|(scope, subject)| format!("throttle:{scope}:{subject}"))
            .collect();
        keys.sort();
        keys.dedup();
        let reservation = in_tx!(self, tx => {
            if self.backend() == super::Backend::Postgres {
                for key in &keys {
                    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let mut counts = Vec::with_capacity(subjects.len());
            let mut oldest = Vec::with_capacity(subjects.len());
            for (scope, subject) in subjects {
                let (count, first): (i64, Option<i64>) = sqlx::query_as(
                    "SELECT COUNT(*), MIN(at) FROM failed_attempts WHERE scope = $1 AND subject = $2 AND at >= $3 AND (NOT pending OR at >= $4)",
                )
                .bind(scope)
                .bind(subject)
                .bind(since)
                .bind(live)
                .fetch_one(&mut *tx)
                .await?;
                counts.push(count);
                oldest.push(first.unwrap_or(now));
            }
            match refuse(&counts) {
                Some(index) => Reservation::Refused {
                    index,
                    oldest: oldest.get(index).copied().unwrap_or(now),
                },
                None => {
                    let mut ids = Vec::with_capacity(subjects.len());
                    for (scope, subject) in subjects {
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO failed_attempts (scope, subject, at, pending) VALUES ($1, $2, $3, TRUE) RETURNING id",
                        )
                        .bind(scope)
                        .bind(subject)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                        ids.push(id);
                    }
                    Reservation::Granted { counts, ids }
                }
            }
        });
        Ok(reservation)
    }

    /// Confirms reserved attempts as failures: they count for the whole window.
    pub async fn confirm_failures(&self, ids: &[i64]) -> Result<()> {
        self.each_attempt(
            "UPDATE failed_attempts SET pending = FALSE WHERE id = $1",
            ids,
        )
        .await
    }

    /// Releases reserved attempts that turned out not to be failures.
    pub async fn release_attempts(&self, ids: &[i64]) -> Result<()> {
        self.each_attempt("DELETE FROM failed_attempts WHERE id = $1", ids)
            .await
    }

    /// Runs `sql` (one `$1`, the row's id) for each reserved attempt.
    async fn each_attempt(&self, sql: &'static str, ids: &[i64]) -> Result<()> {
        for id in ids {
            on_write_pool!(self, pool => sqlx::query(sql)
                .bind(id)
                .execute(pool)
                .await
                .map(|_| ()))?;
        }
        Ok(())
    }

    pub async fn clear_failures(&self, scope: &str, subject: &str) -> Result<()> {
        on_write_pool!(self, pool => sqlx::query("DELETE FROM failed_attempts WHERE scope = $1 AND subject = $2")
            .bind(scope)
            .bind(subject)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Forgets failures older than `before`.
    pub async fn prune_failures(&self, before: OffsetDateTime) -> Result<u64> {
        let done = on_write_pool!(self, pool => sqlx::query("DELETE FROM failed_attempts WHERE at < $1")
            .bind(to_millis(before))
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done)
    }
}
