//! The notification outbox: messages are written in the same transaction as the change they
//! report, and sent (or kept for operators) afterwards.

use super::page::{ListQuery, Order, Select, fetch_list};
use super::{Cursor, Listing, Page, Store, from_millis};
use crate::error::Result;
use crate::on_write_pool;
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

/// Inserts a message on an open `in_tx!` transaction, with the same step a write unit uses
/// ([`super::writer::Tx::queue`]); a duplicate `dedupe_key` is silently skipped.
macro_rules! insert_message {
    ($tx:expr, $message:expr, $now:expr) => {{
        $crate::store::writer::AsTx::as_tx(&mut $tx)
            .queue($message, $now)
            .await?;
    }};
}
pub(crate) use insert_message;

impl Store {
    /// Messages, newest first, a page at a time.
    pub async fn outbox(&self, page: Page) -> Result<Listing<Message>> {
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
        let query = list_query(&page)?;
        let rows = fetch_list!(self, query, Row)?;
        Ok(
            Listing::from_rows(rows, &page, |row| Cursor::id(row.0)).map(
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
                )| {
                    Message {
                        id,
                        kind,
                        recipient,
                        subject,
                        body,
                        created_at: from_millis(created_at),
                        sent_at: sent_at.map(from_millis),
                        attempts,
                        last_error,
                    }
                },
            ),
        )
    }
}

/// The outbox's statement: newest first, on the primary key.
pub fn list_query(page: &Page) -> Result<ListQuery<'static>> {
    let mut select = Select::new(
        "SELECT id, kind, recipient, subject, body, created_at, sent_at, attempts, last_error FROM outbox",
    );
    if let Some(after) = &page.after {
        select.after_id("id", Order::Descending, after.as_id()?);
    }
    Ok(select.finish(&["id"], Order::Descending, page))
}

/// A message claimed for sending.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Including this one.
    pub attempts: i32,
}

impl Store {
    /// Claims up to `limit` unsent messages that are due, holding each for `lease` so another
    /// instance does not send it too.
    pub async fn claim_outgoing(
        &self,
        now: OffsetDateTime,
        lease: time::Duration,
        limit: i64,
    ) -> Result<Vec<Outgoing>> {
        let now_ms = super::to_millis(now);
        let until = super::to_millis(now + lease);
        let rows: Vec<(i64, String, String, String, i32)> = match &self.pool {
            super::Pool::Postgres(pool) => {
                sqlx::query_as(
                    "UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1 WHERE id IN ( \
                         SELECT id FROM outbox WHERE sent_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= $2) \
                         ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
                     RETURNING id, recipient, subject, body, attempts",
                )
                .bind(until)
                .bind(now_ms)
                .bind(limit)
                .fetch_all(pool)
                .await?
            }
            super::Pool::Sqlite(_) => crate::in_tx!(self, tx => {
                sqlx::query_as(
                    "UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1 WHERE id IN ( \
                         SELECT id FROM outbox WHERE sent_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= $2) \
                         ORDER BY id LIMIT $3) \
                     RETURNING id, recipient, subject, body, attempts",
                )
                .bind(until)
                .bind(now_ms)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?
            }),
        };
        Ok(rows
            .into_iter()
            .map(|(id, recipient, subject, body, attempts)| Outgoing {
                id,
                recipient,
                subject,
                body,
                attempts,
            })
            .collect())
    }

    pub async fn mark_sent(&self, id: i64, now: OffsetDateTime) -> Result<()> {
        on_write_pool!(self, pool => sqlx::query("UPDATE outbox SET sent_at = $1, last_error = NULL WHERE id = $2")
            .bind(super::to_millis(now))
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Keeps a message that could not be sent, to try again at `retry_at`.
    pub async fn mark_failed(&self, id: i64, error: &str, retry_at: OffsetDateTime) -> Result<()> {
        on_write_pool!(self, pool => sqlx::query("UPDATE outbox SET last_error = $1, next_attempt_at = $2 WHERE id = $3")
            .bind(error)
            .bind(super::to_millis(retry_at))
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Queues messages outside any other change (the daily expiry notices); duplicates by
    /// `dedupe_key` are skipped.
    pub async fn queue_messages(&self, messages: &[NewMessage], now: OffsetDateTime) -> Result<()> {
        let now = super::to_millis(now);
        crate::in_tx!(self, tx => {
            for message in messages {
                insert_message!(tx, message, now);
            }
        });
        Ok(())
    }
}

impl super::writer::Tx<'_> {
    /// Queues a message in this write unit; a message whose dedupe key was used is dropped.
    pub async fn queue(&mut self, message: &NewMessage, now: i64) -> sqlx::Result<()> {
        self.run(
            "INSERT INTO outbox (kind, account_id, recipient, subject, body, dedupe_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING",
            &[
                message.kind.as_str().into(),
                message.account_id.into(),
                message.recipient.as_str().into(),
                message.subject.as_str().into(),
                message.body.as_str().into(),
                message.dedupe_key.as_deref().into(),
                now.into(),
            ],
        )
        .await?;
        Ok(())
    }
}
