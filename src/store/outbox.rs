//! The notification outbox: messages are written in the same transaction as the change they
//! report, and sent (or kept for operators) afterwards.

use super::{Page, Store, from_millis};
use crate::error::Result;
use crate::on_pool;
use time::OffsetDateTime;

/// A message to queue.
pub struct NewMessage {
    pub kind: String,
    pub account_id: Option<i64>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// At most one message per key (e.g. one per contract and threshold).
    pub dedupe_key: Option<String>,
}

/// A queued or sent message.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Message {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<OffsetDateTime>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// Inserts a message on an open transaction; a duplicate `dedupe_key` is silently skipped.
macro_rules! insert_message {
    ($tx:expr, $message:expr, $now:expr) => {{
        let message: &$crate::store::outbox::NewMessage = $message;
        sqlx::query(
            "INSERT INTO outbox (kind, account_id, recipient, subject, body, dedupe_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(&message.kind)
        .bind(message.account_id)
        .bind(&message.recipient)
        .bind(&message.subject)
        .bind(&message.body)
        .bind(&message.dedupe_key)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_message;

impl Store {
    /// Messages, newest first, with the total count.
    pub async fn outbox(&self, page: Page) -> Result<(Vec<Message>, i64)> {
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            i64,
            Option<i64>,
            i32,
            Option<String>,
        );
        let (rows, total): (Vec<Row>, i64) = on_pool!(self, pool => {
            let rows = sqlx::query_as(
                "SELECT id, kind, recipient, subject, body, created_at, sent_at, attempts, last_error \
                 FROM outbox ORDER BY id DESC LIMIT $1 OFFSET $2",
            )
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(pool)
            .await?;
            let total = sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(pool).await?;
            (rows, total)
        });
        let messages = rows
            .into_iter()
            .map(
                |(
                    id,
                    kind,
                    recipient,
                    subject,
                    body,
                    created_at,
                    sent_at,
                    attempts,
                    last_error,
                )| Message {
                    id,
                    kind,
                    recipient,
                    subject,
                    body,
                    created_at: from_millis(created_at),
                    sent_at: sent_at.map(from_millis),
                    attempts,
                    last_error,
                },
            )
            .collect();
        Ok((messages, total))
    }
}
