//! Competencies and memberships.

use super::audit::{AuditEntry, append_audit};
use super::page::{Key, ListQuery, Order, Select, fetch_list};
use super::{Cursor, Listing, Page, Store, to_millis};
use crate::domain::OrganizationId;
use crate::domain::membership::{Competency, Membership, Offer, ValidMembership};
use crate::error::{Error, Result};
use crate::{in_tx, on_pool};
use time::{Date, OffsetDateTime};

#[derive(sqlx::FromRow)]
struct MembershipRow {
    id: i64,
    organization_id: i64,
    offer: String,
    competency_code: Option<String>,
    starts_on: Date,
    ends_on: Date,
}

impl MembershipRow {
    fn into_membership(self) -> Result<Membership> {
        let offer = Offer::parse(&self.offer).ok_or_else(|| {
            anyhow::anyhow!("membership {} has unknown offer {:?}", self.id, self.offer)
        })?;
        Ok(Membership {
            id: self.id,
            organization_id: OrganizationId(self.organization_id),
            offer,
            competency: self.competency_code,
            start: self.starts_on,
            end: self.ends_on,
        })
    }
}

const COLUMNS: &str = "id, organization_id, offer, competency_code, starts_on, ends_on";

/// Memberships per INSERT statement in an import: six bound values a row keep a statement far
/// below the limits on bound values (32,766 on SQLite, 65,535 on PostgreSQL).
const INSERT_BATCH: usize = 1000;

impl Store {
    pub async fn competencies(&self) -> Result<Vec<Competency>> {
        let rows: Vec<(String, String, bool)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT code, name, cloud FROM competencies ORDER BY cloud DESC, name",
        )
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(code, name, cloud)| Competency { code, name, cloud })
            .collect())
    }

    pub async fn insert_membership(
        &self,
        organization: OrganizationId,
        membership: &ValidMembership,
        actor: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<Membership> {
        let sql = format!(
            "INSERT INTO memberships (organization_id, offer, competency_code, starts_on, ends_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
        );
        let now = to_millis(now);
        let row: MembershipRow = in_tx!(self, tx => {
            let row: MembershipRow = sqlx::query_as(&sql)
                .bind(organization.0)
                .bind(membership.offer.as_str())
                .bind(&membership.competency)
                .bind(membership.start)
                .bind(membership.end)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            let entry = AuditEntry::new(
                actor,
                "membership.added",
                format!("organization:{}", organization.0),
                serde_json::json!({"membership": row.id, "offer": row.offer, "competency": row.competency_code,
                                   "start": row.starts_on.to_string(), "end": row.ends_on.to_string()}),
            );
            append_audit!(tx, &entry, now);
            row
        });
        row.into_membership()
    }

    /// Inserts many memberships in one transaction: all or none. Rows go in
    /// [`INSERT_BATCH`] per statement, so a large import costs few round trips.
    pub async fn insert_memberships(
        &self,
        rows: &[(OrganizationId, ValidMembership)],
        actor: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<usize> {
        let now = to_millis(now);
        in_tx!(self, tx => {
            for batch in rows.chunks(INSERT_BATCH) {
                // The builder writes `?` placeholders on SQLite, `$n` on PostgreSQL: SQLite finds
                // a numbered parameter's name by a linear search, which made binding thousands
                // of `$n` per statement quadratic (80% of a 100,000-row import).
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO memberships (organization_id, offer, competency_code, starts_on, ends_on, created_at) ",
                );
                insert.push_values(batch, |mut row, (organization, membership)| {
                    row.push_bind(organization.0)
                        .push_bind(membership.offer.as_str())
                        .push_bind(membership.competency.as_deref())
                        .push_bind(membership.start)
                        .push_bind(membership.end)
                        .push_bind(now);
                });
                insert.build().execute(&mut *tx).await?;
            }
            let entry = AuditEntry::new(actor, "membership.imported", "memberships", serde_json::json!({"rows": rows.len()}));
            append_audit!(tx, &entry, now);
        });
        Ok(rows.len())
    }

    pub async fn memberships(&self, organization: OrganizationId) -> Result<Vec<Membership>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM memberships WHERE organization_id = $1 ORDER BY starts_on, id"
        );
        let rows: Vec<MembershipRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(organization.0).fetch_all(pool).await)?;
        rows.into_iter()
            .map(MembershipRow::into_membership)
            .collect()
    }

    /// One page of an organization's memberships, oldest start first.
    pub async fn memberships_page(
        &self,
        organization: OrganizationId,
        page: Page,
    ) -> Result<Listing<Membership>> {
        let query = list_query(organization, &page)?;
        let rows = fetch_list!(self, query, MembershipRow)?;
        Listing::from_rows(rows, &page, |row| {
            Cursor::pair(Key::Text(row.starts_on.to_string()), row.id)
        })
        .try_map(MembershipRow::into_membership)
    }

    pub async fn membership(
        &self,
        organization: OrganizationId,
        id: i64,
    ) -> Result<Option<Membership>> {
        let sql =
            format!("SELECT {COLUMNS} FROM memberships WHERE organization_id = $1 AND id = $2");
        let row: Option<MembershipRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(organization.0).bind(id).fetch_optional(pool).await)?;
        row.map(MembershipRow::into_membership).transpose()
    }

    /// Moves a membership's last day.
    pub async fn end_membership(
        &self,
        organization: OrganizationId,
        id: i64,
        end: Date,
        actor: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<()> {
        let now = to_millis(now);
        let done = in_tx!(self, tx => {
            let done = sqlx::query("UPDATE memberships SET ends_on = $1 WHERE organization_id = $2 AND id = $3")
                .bind(end)
                .bind(organization.0)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if done == 1 {
                let entry = AuditEntry::new(
                    actor,
                    "membership.ended",
                    format!("organization:{}", organization.0),
                    serde_json::json!({"membership": id, "end": end.to_string()}),
                );
                append_audit!(tx, &entry, now);
            }
            done
        });
        if done == 1 {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    /// Removes a membership that no activation refers to; false if one does.
    pub async fn delete_membership(
        &self,
        organization: OrganizationId,
        id: i64,
        actor: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let now = to_millis(now);
        let outcome = in_tx!(self, tx => {
            let referenced: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activations WHERE membership_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if referenced > 0 {
                None
            } else {
                let done = sqlx::query("DELETE FROM memberships WHERE organization_id = $1 AND id = $2")
                    .bind(organization.0)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if done == 1 {
                    let entry = AuditEntry::new(
                        actor,
                        "membership.removed",
                        format!("organization:{}", organization.0),
                        serde_json::json!({"membership": id}),
                    );
                    append_audit!(tx, &entry, now);
                }
                Some(done)
            }
        });
        match outcome {
            None => Ok(false),
            Some(1) => Ok(true),
            Some(_) => Err(Error::NotFound),
        }
    }

    /// Organizations by partner ID, for the CSV import.
    pub async fn organization_ids_by_partner_id(&self) -> Result<Vec<(String, OrganizationId)>> {
        let rows: Vec<(String, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT partner_id, id FROM organizations WHERE partner_id IS NOT NULL",
        )
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(p, id)| (p, OrganizationId(id)))
            .collect())
    }
}

/// An organization's membership list: by start day, then id, on `memberships_by_start`. The
/// cursor carries the last row's day and id (a membership can be removed, so nothing is read
/// back); `date(…)` reads the day as a date on either backend.
pub fn list_query(organization: OrganizationId, page: &Page) -> Result<ListQuery<'_>> {
    let mut select = Select::new(format!("SELECT {COLUMNS} FROM memberships"));
    let org = select.arg(organization.0);
    select.when(format!("organization_id = {org}"));
    if let Some(after) = &page.after {
        let (day, id) = after.as_day_pair()?;
        let day = format!("date({})", select.arg(day));
        let id = select.arg(id);
        select.after_pair("starts_on", "id", Order::Ascending, &day, &id);
    }
    Ok(select.finish(&["starts_on", "id"], Order::Ascending, page))
}
