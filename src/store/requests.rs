//! Support requests: filing with exact incident consumption, history, refunds.

use super::audit::{AuditEntry, append_audit};
use super::ledger::EntryKind;
use super::outbox::{NewMessage, insert_message};
use super::page::{ListQuery, Order, Select, fetch_list};
use super::{Cursor, Listing, Page, Store, from_millis, to_millis};
use crate::domain::{AccountId, OrganizationId};
use crate::error::{Error, Result, is_unique_violation};
use crate::{in_tx, on_pool, on_write_pool};
use time::OffsetDateTime;

/// A request as stored, with the names a reader needs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SupportRequest {
    #[serde(skip)]
    pub id: i64,
    /// Readable number, like `SR-2026-000042`.
    pub number: String,
    pub title: String,
    pub description: String,
    pub product: String,
    pub version: Option<String>,
    /// `A` (critical), `B` or `C`.
    pub severity: String,
    /// The Contract ID, or `csp`.
    pub plan: String,
    #[serde(skip)]
    pub contract_id: Option<i64>,
    /// Whether an incident was consumed.
    pub charged: bool,
    /// Whether that incident was given back.
    pub refunded: bool,
    pub refund_reason: Option<String>,
    #[schema(value_type = i64)]
    pub created_by: AccountId,
    pub created_by_email: String,
    /// The acting partner organization.
    #[schema(value_type = Option<i64>)]
    pub organization_id: Option<OrganizationId>,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub contact: String,
    /// `open`, `in_progress`, `waiting_on_customer`, `resolved`, `closed`.
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub first_response_due: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub first_response_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    title: String,
    description: String,
    product_code: String,
    version: Option<String>,
    severity: String,
    plan: String,
    contract_id: Option<i64>,
    charged: bool,
    refunded: bool,
    refund_reason: Option<String>,
    created_by: i64,
    created_by_email: String,
    organization_id: Option<i64>,
    customer_id: Option<i64>,
    customer_name: Option<String>,
    contact: String,
    status: String,
    first_response_due: i64,
    first_response_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl From<RequestRow> for SupportRequest {
    fn from(row: RequestRow) -> Self {
        let created_at = from_millis(row.created_at);
        Self {
            id: row.id,
            number: crate::domain::request::format_number(created_at.year(), row.id),
            title: row.title,
            description: row.description,
            product: row.product_code,
            version: row.version,
            severity: row.severity,
            plan: row.plan,
            contract_id: row.contract_id,
            charged: row.charged,
            refunded: row.refunded,
            refund_reason: row.refund_reason,
            created_by: AccountId(row.created_by),
            created_by_email: row.created_by_email,
            organization_id: row.organization_id.map(OrganizationId),
            customer_id: row.customer_id,
            customer_name: row.customer_name,
            contact: row.contact,
            status: row.status,
            first_response_due: from_millis(row.first_response_due),
            first_response_at: row.first_response_at.map(from_millis),
            created_at,
            updated_at: from_millis(row.updated_at),
        }
    }
}

const SELECT: &str = "SELECT r.id, r.title, r.description, r.product_code, r.version, r.severity, r.plan, r.contract_id, \
     r.charged, r.refunded, r.refund_reason, r.created_by, a.email AS created_by_email, r.organization_id, r.customer_id, \
     c.name AS customer_name, r.contact, r.status, r.first_response_due, r.first_response_at, r.created_at, r.updated_at \
     FROM support_requests r JOIN accounts a ON a.id = r.created_by LEFT JOIN customers c ON c.id = r.customer_id";

/// One entry of a request's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RequestEvent {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    pub actor_email: Option<String>,
    /// `created`, `status`, `comment` or `refund`.
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub body: Option<String>,
}

/// A validated request ready to be stored.
pub struct NewRequest {
    pub title: String,
    pub description: String,
    pub product_code: String,
    pub version: Option<String>,
    pub severity: String,
    pub plan: String,
    /// The contract whose incident it uses, when counted; `None` for unlimited contracts
    /// and the csp plan (nothing is consumed).
    pub charge_contract: Option<i64>,
    /// The contract it is filed under, counted or not.
    pub contract_id: Option<i64>,
    pub created_by: AccountId,
    pub organization_id: Option<OrganizationId>,
    pub customer_id: Option<i64>,
    pub contact: String,
    pub first_response_due: OffsetDateTime,
    /// `(key, digest of the body)` when the client sent an `Idempotency-Key`.
    pub idempotency: Option<(String, String)>,
}

/// What filing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    /// A new request with this id.
    Created(i64),
    /// The contract had no incident left: nothing was written.
    Exhausted,
    /// The same key and body were seen before: the first request's id.
    Replayed(i64),
    /// The same key came with a different body.
    KeyReused,
    /// The account holds no live link to the contract (checked as the filing is written).
    NotLinked,
}

impl NewRequest {
    /// The request as [`Store::file_request`] stores it under `id`, without reading it back:
    /// `created_by_email` and `customer_name` are what the joins of a read would show.
    pub fn stored_as(
        &self,
        id: i64,
        created_by_email: &str,
        customer_name: Option<&str>,
        now: OffsetDateTime,
    ) -> SupportRequest {
        // Stored in milliseconds: the answer shows what a read would.
        let created_at = from_millis(to_millis(now));
        SupportRequest {
            id,
            number: crate::domain::request::format_number(created_at.year(), id),
            title: self.title.clone(),
            description: self.description.clone(),
            product: self.product_code.clone(),
            version: self.version.clone(),
            severity: self.severity.clone(),
            plan: self.plan.clone(),
            contract_id: self.contract_id,
            charged: self.charge_contract.is_some(),
            refunded: false,
            refund_reason: None,
            created_by: self.created_by,
            created_by_email: created_by_email.to_owned(),
            organization_id: self.organization_id,
            customer_id: self.customer_id,
            customer_name: customer_name.map(str::to_owned),
            contact: self.contact.clone(),
            status: "open".to_owned(),
            first_response_due: from_millis(to_millis(self.first_response_due)),
            first_response_at: None,
            created_at,
            updated_at: created_at,
        }
    }
}

/// The request steps of a write unit.
impl super::writer::Tx<'_> {
    /// Inserts a new request (status `open`) and its `created` history entry; its id.
    pub async fn insert_request(&mut self, new: &NewRequest, now: i64) -> Result<i64> {
        let id = self
            .first_i64(
                "INSERT INTO support_requests (title, description, product_code, version, severity, plan, contract_id, \
                 charged, created_by, organization_id, customer_id, contact, status, first_response_due, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open', $13, $14, $14) RETURNING id",
                &[
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
                    to_millis(new.first_response_due).into(),
                    now.into(),
                ],
            )
            .await?
            .flatten()
            .ok_or_else(|| Error::Other(anyhow::anyhow!("an inserted request has no id")))?;
        Ok(id)
    }

    /// Remembers the `Idempotency-Key` a request was filed with; a key seen before is a
    /// unique violation (a concurrent retry won).
    pub async fn remember_key(
        &mut self,
        account: AccountId,
        key: &str,
        digest: &str,
        request: i64,
        now: i64,
    ) -> Result<()> {
        self.run(
            "INSERT INTO idempotency_keys (account_id, idempotency_key, body_digest, request_id, created_at) VALUES ($1, $2, $3, $4, $5)",
            &[account.0.into(), key.into(), digest.into(), request.into(), now.into()],
        )
        .await?;
        Ok(())
    }
}

/// Filters for request lists.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub created_by: Option<AccountId>,
    pub organization: Option<OrganizationId>,
    pub status: Option<String>,
    pub severity: Option<String>,
    /// Only requests still unanswered whose first response was due before this instant.
    pub overdue_at: Option<OffsetDateTime>,
}

impl Store {
    /// Files a request with the other filings of its writer batch ([`super::filing`]): on a
    /// counted contract the guarded consume comes first; the request, its ledger entry, its
    /// history, the idempotency key, the audit entry and the notifications follow in the same
    /// transaction, and the answer comes once it is durable.
    pub async fn file_request(&self, filing: super::filing::Filing) -> Result<Filed> {
        // The caller looked the key up first (a replay answers before any check); a retry
        // that raced it here finds the key in the group or, filed alone, fails on the key's
        // unique index, rolling its filing back whole, and is answered as a replay below.
        let idempotency = filing.new.idempotency.clone();
        let created_by = filing.new.created_by;
        let outcome = self.write_filing(filing).await;
        match (outcome, idempotency) {
            (Err(Error::Database(error)), Some((key, digest))) if is_unique_violation(&error) => {
                Ok(self
                    .replay(created_by, &key, &digest)
                    .await?
                    .unwrap_or(Filed::KeyReused))
            }
            (outcome, _) => outcome,
        }
    }

    /// The request an account filed earlier with this `Idempotency-Key`: `Replayed` when the
    /// body's digest is the same, `KeyReused` when it differs, `None` for a new key.
    pub async fn replay(
        &self,
        account: AccountId,
        key: &str,
        digest: &str,
    ) -> Result<Option<Filed>> {
        let seen: Option<(String, i64)> = self
            .fetch_optional(
                "SELECT body_digest, request_id FROM idempotency_keys WHERE account_id = $1 AND idempotency_key = $2",
                &[account.0.into(), key.into()],
            )
            .await?;
        Ok(seen.map(|(seen_digest, id)| {
            if seen_digest == digest {
                Filed::Replayed(id)
            } else {
                Filed::KeyReused
            }
        }))
    }

    /// Forgets idempotency keys older than `before` (kept at least 24 hours).
    pub async fn prune_idempotency_keys(&self, before: OffsetDateTime) -> Result<u64> {
        let done = on_write_pool!(self, pool => sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(to_millis(before))
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done)
    }

    pub async fn support_request(&self, id: i64) -> Result<Option<SupportRequest>> {
        let sql = format!("{SELECT} WHERE r.id = $1");
        let row: Option<RequestRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
        Ok(row.map(Into::into))
    }

    /// Requests matching the filter, newest first, a page at a time.
    pub async fn support_requests(
        &self,
        filter: &RequestFilter,
        page: Page,
    ) -> Result<Listing<SupportRequest>> {
        let query = list_query(filter, &page)?;
        let rows = fetch_list!(self, query, RequestRow)?;
        Ok(Listing::from_rows(rows, &page, |row| Cursor::id(row.id)).map(Into::into))
    }

    /// A request's history, oldest first. Its first entry, `created`, is read from the request's
    /// own row (who filed it and when, in status `open`): filing writes no history row of its own.
    pub async fn request_events(&self, request: i64) -> Result<Vec<RequestEvent>> {
        type EventRow = (
            i64,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<EventRow> = on_pool!(self, pool => sqlx::query_as(
                "SELECT e.at, a.email, e.kind, e.from_status, e.to_status, e.body FROM \
                 (SELECT 0 AS n, r.created_at AS at, r.created_by AS actor_id, 'created' AS kind, \
                 CAST(NULL AS TEXT) AS from_status, 'open' AS to_status, CAST(NULL AS TEXT) AS body \
                 FROM support_requests r WHERE r.id = $1 \
                 UNION ALL SELECT id, at, actor_id, kind, from_status, to_status, body \
                 FROM request_events WHERE request_id = $1) e \
                 LEFT JOIN accounts a ON a.id = e.actor_id ORDER BY e.n",
            )
            .bind(request)
            .fetch_all(pool)
            .await)?;
        Ok(rows
            .into_iter()
            .map(
                |(at, actor_email, kind, from_status, to_status, body)| RequestEvent {
                    at: from_millis(at),
                    actor_email,
                    kind,
                    from_status,
                    to_status,
                    body,
                },
            )
            .collect())
    }

    /// Moves a request from `from` to `to` (guarded on `from`), with an optional comment;
    /// `first_response` marks the first answer from the support side. False if the request
    /// was no longer in `from`.
    #[allow(clippy::too_many_arguments)]
    pub async fn change_request_status(
        &self,
        request: i64,
        from: &str,
        to: &str,
        actor: AccountId,
        comment: Option<&str>,
        first_response: bool,
        message: &NewMessage,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let now = to_millis(now);
        Ok(in_tx!(self, tx => {
            let moved = sqlx::query(
                "UPDATE support_requests SET status = $1, updated_at = $2, \
                 first_response_at = CASE WHEN $3 AND first_response_at IS NULL THEN $2 ELSE first_response_at END \
                 WHERE id = $4 AND status = $5",
            )
            .bind(to)
            .bind(now)
            .bind(first_response)
            .bind(request)
            .bind(from)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved == 1 {
                sqlx::query(
                    "INSERT INTO request_events (request_id, at, actor_id, kind, from_status, to_status, body) \
                     VALUES ($1, $2, $3, 'status', $4, $5, $6)",
                )
                .bind(request)
                .bind(now)
                .bind(actor.0)
                .bind(from)
                .bind(to)
                .bind(comment)
                .execute(&mut *tx)
                .await?;
                insert_message!(tx, message, now);
                let entry = AuditEntry::new(
                    Some(actor.0),
                    "request.status_changed",
                    format!("request:{request}"),
                    serde_json::json!({"from": from, "to": to}),
                );
                append_audit!(tx, &entry, now);
            }
            moved == 1
        }))
    }

    /// Adds a comment; `first_response` marks the first answer from the support side.
    pub async fn comment_request(
        &self,
        request: i64,
        actor: AccountId,
        body: &str,
        first_response: bool,
        now: OffsetDateTime,
    ) -> Result<()> {
        let now = to_millis(now);
        in_tx!(self, tx => {
            sqlx::query(
                "UPDATE support_requests SET updated_at = $1, \
                 first_response_at = CASE WHEN $2 AND first_response_at IS NULL THEN $1 ELSE first_response_at END WHERE id = $3",
            )
            .bind(now)
            .bind(first_response)
            .bind(request)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO request_events (request_id, at, actor_id, kind, body) VALUES ($1, $2, $3, 'comment', $4)")
                .bind(request)
                .bind(now)
                .bind(actor.0)
                .bind(body)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// Marks a charged request not chargeable and gives its incident back, exactly once:
    /// the guarded flag comes first, then the contract's counter and the refund entry naming
    /// the request and the reason. False if it was not charged or already refunded.
    pub async fn refund_request(
        &self,
        request: i64,
        reason: &str,
        actor: AccountId,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let now = to_millis(now);
        let reason = reason.to_owned();
        self.write(move |tx| {
            // A unit may run again (after a deadlock): each run owns its copy.
            let reason = reason.clone();
            Box::pin(async move {
                let contract = tx
                    .first_i64(
                        "UPDATE support_requests SET refunded = TRUE, refund_reason = $1, updated_at = $2 \
                         WHERE id = $3 AND charged AND NOT refunded RETURNING contract_id",
                        &[reason.as_str().into(), now.into(), request.into()],
                    )
                    .await?;
                let Some(contract) = contract.flatten() else {
                    return Ok(false);
                };
                if tx.give_back(contract).await? {
                    tx.record_entry(
                        contract,
                        EntryKind::Refund,
                        Some(request),
                        Some(actor.0),
                        Some(&reason),
                        now,
                    )
                    .await?;
                }
                let entry = AuditEntry::new(
                    Some(actor.0),
                    "request.refunded",
                    format!("request:{request}"),
                    serde_json::json!({"contract": contract, "reason": reason}),
                );
                tx.append_audit(&entry, now).await?;
                tx.run(
                    "INSERT INTO request_events (request_id, at, actor_id, kind, body) VALUES ($1, $2, $3, 'refund', $4)",
                    &[request.into(), now.into(), actor.0.into(), reason.as_str().into()],
                )
                .await?;
                Ok(true)
            })
        })
        .await
    }
}

/// The request list's statement: newest first (ids grow with time), each filter on an index
/// that keeps that order (`support_requests_creator_id`, `…_organization_id`,
/// `…_status_id`, `…_severity_id`, `…_awaiting_id`), so a page never sorts.
pub fn list_query<'f>(filter: &'f RequestFilter, page: &Page) -> Result<ListQuery<'f>> {
    let mut select = Select::new(SELECT);
    if let Some(account) = filter.created_by {
        let account = select.arg(account.0);
        select.when(format!("r.created_by = {account}"));
    }
    if let Some(organization) = filter.organization {
        let organization = select.arg(organization.0);
        select.when(format!("r.organization_id = {organization}"));
    }
    if let Some(status) = &filter.status {
        let status = select.arg(status.as_str());
        select.when(format!("r.status = {status}"));
    }
    if let Some(severity) = &filter.severity {
        let severity = select.arg(severity.as_str());
        select.when(format!("r.severity = {severity}"));
    }
    if let Some(at) = filter.overdue_at {
        // Written as the partial index `support_requests_awaiting_id` states it.
        let at = select.arg(to_millis(at));
        select.when(format!(
            "r.first_response_at IS NULL AND r.status <> 'closed' AND r.first_response_due < {at}"
        ));
    }
    if let Some(after) = &page.after {
        select.after_id("r.id", Order::Descending, after.as_id()?);
    }
    Ok(select.finish(&["r.id"], Order::Descending, page))
}
