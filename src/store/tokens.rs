//! Personal access tokens, stored as SHA-256 digests and looked up by digest.

use super::{Store, from_millis, to_millis};
use crate::domain::AccountId;
use crate::domain::ids::TokenId;
use crate::error::Result;
use crate::{on_pool, on_write_pool};
use time::OffsetDateTime;

/// A token as its owner sees it in a list (never the secret).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: TokenId,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<OffsetDateTime>,
}

impl Store {
    pub async fn insert_token(
        &self,
        account: AccountId,
        name: &str,
        token_digest: &str,
        now: OffsetDateTime,
    ) -> Result<TokenInfo> {
        let id: i64 = on_write_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO api_tokens (account_id, name, token_digest, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(account.0)
        .bind(name)
        .bind(token_digest)
        .bind(to_millis(now))
        .fetch_one(pool)
        .await)?;
        Ok(TokenInfo {
            id: TokenId(id),
            name: name.to_owned(),
            created_at: from_millis(to_millis(now)),
            last_used_at: None,
        })
    }

    /// The account owning a live (unrevoked) token with this digest. Its use is recorded
    /// coarsely: `last_used_at` is written at most once a minute per token, so a read with a
    /// token is a read, not a write queued behind every other.
    pub async fn token_owner(
        &self,
        token_digest: &str,
        now: OffsetDateTime,
    ) -> Result<Option<AccountId>> {
        const RECORD_EVERY_MS: i64 = 60_000;
        let now = to_millis(now);
        let row: Option<(i64, i64, Option<i64>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, account_id, last_used_at FROM api_tokens WHERE token_digest = $1 AND revoked_at IS NULL",
        )
        .bind(token_digest)
        .fetch_optional(pool)
        .await)?;
        let Some((id, account, last_used_at)) = row else {
            return Ok(None);
        };
        if last_used_at.is_none_or(|at| now - at >= RECORD_EVERY_MS) {
            on_write_pool!(self, pool => sqlx::query(
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)",
            )
            .bind(now)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        }
        Ok(Some(AccountId(account)))
    }

    pub async fn tokens(&self, account: AccountId) -> Result<Vec<TokenInfo>> {
        let rows: Vec<(i64, String, i64, Option<i64>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, name, created_at, last_used_at FROM api_tokens \
             WHERE account_id = $1 AND revoked_at IS NULL ORDER BY id",
        )
        .bind(account.0)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at, last_used_at)| TokenInfo {
                id: TokenId(id),
                name,
                created_at: from_millis(created_at),
                last_used_at: last_used_at.map(from_millis),
            })
            .collect())
    }

    /// Revokes the account's token; false if it has no such live token.
    pub async fn revoke_token(
        &self,
        account: AccountId,
        token: TokenId,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let done = on_write_pool!(self, pool => sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
        )
        .bind(to_millis(now))
        .bind(token.0)
        .bind(account.0)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        self.caches.forget_callers();
        Ok(done == 1)
    }
}
