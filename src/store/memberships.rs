//! Competencies and memberships.

use super::{Store, to_millis};
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
        now: OffsetDateTime,
    ) -> Result<Membership> {
        let sql = format!(
            "INSERT INTO memberships (organization_id, offer, competency_code, starts_on, ends_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
        );
        let row: MembershipRow = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(organization.0)
            .bind(membership.offer.as_str())
            .bind(&membership.competency)
            .bind(membership.start)
            .bind(membership.end)
            .bind(to_millis(now))
            .fetch_one(pool)
            .await)?;
        row.into_membership()
    }

    /// Inserts many memberships in one transaction: all or none.
    pub async fn insert_memberships(
        &self,
        rows: &[(OrganizationId, ValidMembership)],
        now: OffsetDateTime,
    ) -> Result<usize> {
        in_tx!(self, tx => {
            for (organization, membership) in rows {
                sqlx::query(
                    "INSERT INTO memberships (organization_id, offer, competency_code, starts_on, ends_on, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(organization.0)
                .bind(membership.offer.as_str())
                .bind(&membership.competency)
                .bind(membership.start)
                .bind(membership.end)
                .bind(to_millis(now))
                .execute(&mut *tx)
                .await?;
            }
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
    ) -> Result<()> {
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE memberships SET ends_on = $1 WHERE organization_id = $2 AND id = $3",
        )
        .bind(end)
        .bind(organization.0)
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        if done == 1 {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    /// Removes a membership that no activation refers to; false if one does.
    pub async fn delete_membership(&self, organization: OrganizationId, id: i64) -> Result<bool> {
        let referenced: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM activations WHERE membership_id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await)?;
        if referenced > 0 {
            return Ok(false);
        }
        let done = on_pool!(self, pool => sqlx::query("DELETE FROM memberships WHERE organization_id = $1 AND id = $2")
            .bind(organization.0)
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        if done == 1 {
            Ok(true)
        } else {
            Err(Error::NotFound)
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
