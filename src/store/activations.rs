//! Activation requests, their queue, and completion into a contract.

use super::audit::{AuditEntry, append_audit};
use super::contracts::{NewContract, issue_contract};
use super::outbox::{NewMessage, insert_message};
use super::page::{ListQuery, Order, Select, fetch_list};
use super::{Cursor, Listing, Page, Store, from_millis, to_millis};
use crate::domain::activation::{Activation, ActivationStatus};
use crate::domain::{AccountId, OrganizationId};
use crate::error::{Result, is_unique_violation};
use crate::{in_tx, on_pool};
use time::OffsetDateTime;

#[derive(sqlx::FromRow)]
struct ActivationRow {
    id: i64,
    organization_id: i64,
    benefit_code: String,
    membership_id: i64,
    status: String,
    requested_by: i64,
    requested_by_email: String,
    requested_at: i64,
    processed_by: Option<i64>,
    processed_by_email: Option<String>,
    processed_at: Option<i64>,
    reason: Option<String>,
    contract_id: Option<i64>,
}

impl ActivationRow {
    fn into_activation(self) -> Result<Activation> {
        let status = ActivationStatus::parse(&self.status).ok_or_else(|| {
            anyhow::anyhow!(
                "activation {} has unknown status {:?}",
                self.id,
                self.status
            )
        })?;
        Ok(Activation {
            id: self.id,
            organization_id: OrganizationId(self.organization_id),
            benefit_code: self.benefit_code,
            membership_id: self.membership_id,
            status,
            requested_by: AccountId(self.requested_by),
            requested_by_email: self.requested_by_email,
            requested_at: from_millis(self.requested_at),
            processed_by: self.processed_by.map(AccountId),
            processed_by_email: self.processed_by_email,
            processed_at: self.processed_at.map(from_millis),
            reason: self.reason,
            contract_id: self.contract_id,
        })
    }
}

const SELECT: &str = "SELECT a.id, a.organization_id, a.benefit_code, a.membership_id, a.status, a.requested_by, \
     r.email AS requested_by_email, a.requested_at, a.processed_by, p.email AS processed_by_email, a.processed_at, \
     a.reason, a.contract_id \
     FROM activations a JOIN accounts r ON r.id = a.requested_by LEFT JOIN accounts p ON p.id = a.processed_by";

/// A new activation request.
pub struct NewActivation<'a> {
    pub organization_id: OrganizationId,
    pub benefit_code: &'a str,
    pub membership_id: i64,
    pub requested_by: AccountId,
}

impl Store {
    /// Records an activation request (and, when `job_at` is given, the job that will process it)
    /// unless a live one exists for the same benefit and membership; returns it and whether it
    /// is new.
    pub async fn request_activation(
        &self,
        new: &NewActivation<'_>,
        job_at: Option<OffsetDateTime>,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<(Activation, bool)> {
        if let Some(existing) = self.live_activation(new).await? {
            return Ok((existing, false));
        }
        let inserted: std::result::Result<i64, sqlx::Error> = async {
            Ok(in_tx!(self, tx => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO activations (organization_id, benefit_code, membership_id, status, requested_by, requested_at) \
                     VALUES ($1, $2, $3, 'requested', $4, $5) RETURNING id",
                )
                .bind(new.organization_id.0)
                .bind(new.benefit_code)
                .bind(new.membership_id)
                .bind(new.requested_by.0)
                .bind(to_millis(now))
                .fetch_one(&mut *tx)
                .await?;
                let mut entry = audit.clone();
                entry.subject = format!("activation:{id}");
                append_audit!(tx, &entry, to_millis(now));
                if let Some(run_at) = job_at {
                    sqlx::query("INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ('activation', $1, $2, $3)")
                        .bind(id.to_string())
                        .bind(to_millis(run_at))
                        .bind(to_millis(now))
                        .execute(&mut *tx)
                        .await?;
                }
                id
            }))
        }
        .await;
        match inserted {
            Ok(id) => Ok((
                self.activation(id)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("activation {id} vanished"))?,
                true,
            )),
            // Two admins clicked at once: the other request won; answer with it.
            Err(error) if is_unique_violation(&error) => Ok((
                self.live_activation(new)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("live activation vanished"))?,
                false,
            )),
            Err(error) => Err(error.into()),
        }
    }

    async fn live_activation(&self, new: &NewActivation<'_>) -> Result<Option<Activation>> {
        let sql = format!(
            "{SELECT} WHERE a.organization_id = $1 AND a.benefit_code = $2 AND a.membership_id = $3 AND a.status <> 'rejected'"
        );
        let row: Option<ActivationRow> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(new.organization_id.0)
            .bind(new.benefit_code)
            .bind(new.membership_id)
            .fetch_optional(pool)
            .await)?;
        row.map(ActivationRow::into_activation).transpose()
    }

    pub async fn activation(&self, id: i64) -> Result<Option<Activation>> {
        let sql = format!("{SELECT} WHERE a.id = $1");
        let row: Option<ActivationRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
        row.map(ActivationRow::into_activation).transpose()
    }

    /// Every activation of an organization, newest first.
    pub async fn activations_of(&self, organization: OrganizationId) -> Result<Vec<Activation>> {
        let sql = format!("{SELECT} WHERE a.organization_id = $1 ORDER BY a.id DESC");
        let rows: Vec<ActivationRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(organization.0).fetch_all(pool).await)?;
        rows.into_iter()
            .map(ActivationRow::into_activation)
            .collect()
    }

    /// Activations in a status, oldest first, a page at a time.
    pub async fn activation_queue(
        &self,
        status: ActivationStatus,
        page: Page,
    ) -> Result<Listing<Activation>> {
        let query = queue_query(status, &page)?;
        let rows = fetch_list!(self, query, ActivationRow)?;
        Listing::from_rows(rows, &page, |row| Cursor::id(row.id))
            .try_map(ActivationRow::into_activation)
    }

    /// Completes a requested activation in one transaction: the guarded status change, the
    /// contract, its grant entry and the notification. `None` if it was no longer requested
    /// (another worker or operator got there first), so a contract is never issued twice.
    pub async fn complete_activation(
        &self,
        id: i64,
        processed_by: Option<AccountId>,
        contract: &NewContract,
        message: &NewMessage,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<Option<i64>> {
        let now = to_millis(now);
        let issued = in_tx!(self, tx => {
            let claimed = sqlx::query(
                "UPDATE activations SET status = 'completed', processed_by = $1, processed_at = $2 \
                 WHERE id = $3 AND status = 'requested'",
            )
            .bind(processed_by.map(|a| a.0))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 1 {
                let contract_id = issue_contract!(tx, contract, processed_by, now);
                sqlx::query("UPDATE activations SET contract_id = $1 WHERE id = $2")
                    .bind(contract_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                insert_message!(tx, message, now);
                append_audit!(tx, audit, now);
                Some(contract_id)
            } else {
                None
            }
        });
        Ok(issued)
    }

    /// Rejects a requested activation with a reason; false if it was no longer requested.
    pub async fn reject_activation(
        &self,
        id: i64,
        processed_by: AccountId,
        reason: &str,
        message: &NewMessage,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let now = to_millis(now);
        let rejected = in_tx!(self, tx => {
            let done = sqlx::query(
                "UPDATE activations SET status = 'rejected', processed_by = $1, processed_at = $2, reason = $3 \
                 WHERE id = $4 AND status = 'requested'",
            )
            .bind(processed_by.0)
            .bind(now)
            .bind(reason)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 1 {
                insert_message!(tx, message, now);
                append_audit!(tx, audit, now);
            }
            done == 1
        });
        Ok(rejected)
    }
}

/// The activation queue's statement: one status, oldest first, on `activations_by_status`.
pub fn queue_query(status: ActivationStatus, page: &Page) -> Result<ListQuery<'static>> {
    let mut select = Select::new(SELECT);
    let status = select.arg(status.as_str());
    select.when(format!("a.status = {status}"));
    if let Some(after) = &page.after {
        select.after_id("a.id", Order::Ascending, after.as_id()?);
    }
    Ok(select.finish(&["a.id"], Order::Ascending, page))
}
