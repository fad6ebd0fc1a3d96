//! Server-side web sessions, stored by the digest of their cookie value.

use super::{Store, to_millis};
use crate::domain::AccountId;
use crate::error::Result;
use crate::{on_pool, on_write_pool};
use time::OffsetDateTime;

/// A live session: whose it is and its CSRF token.
pub struct SessionRecord {
    pub account_id: AccountId,
    pub csrf_token: String,
    pub expires_at: i64,
}

impl Store {
    pub async fn insert_session(
        &self,
        token_digest: &str,
        account: AccountId,
        csrf_token: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        on_write_pool!(self, pool => sqlx::query(
            "INSERT INTO sessions (token_digest, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_digest)
        .bind(account.0)
        .bind(csrf_token)
        .bind(to_millis(now))
        .bind(to_millis(expires_at))
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The session with this digest, if it has not expired at `now`.
    pub async fn session(
        &self,
        token_digest: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SessionRecord>> {
        let row: Option<(i64, String, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT account_id, csrf_token, expires_at FROM sessions WHERE token_digest = $1 AND expires_at > $2",
        )
        .bind(token_digest)
        .bind(to_millis(now))
        .fetch_optional(pool)
        .await)?;
        Ok(
            row.map(|(account_id, csrf_token, expires_at)| SessionRecord {
                account_id: AccountId(account_id),
                csrf_token,
                expires_at,
            }),
        )
    }

    /// Moves a session's expiry forward (sliding expiry).
    pub async fn extend_session(
        &self,
        token_digest: &str,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        on_write_pool!(self, pool => sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_digest = $2")
            .bind(to_millis(expires_at))
            .bind(token_digest)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_session(&self, token_digest: &str) -> Result<()> {
        on_write_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE token_digest = $1")
            .bind(token_digest)
            .execute(pool)
            .await
            .map(|_| ()))?;
        self.caches.forget_callers();
        Ok(())
    }

    /// Removes sessions that expired before `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: OffsetDateTime) -> Result<u64> {
        let done = on_write_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(to_millis(now))
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done)
    }
}
