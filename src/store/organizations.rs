//! Organizations and their enrollments.

use super::{Page, Store, from_millis, to_millis};
use crate::domain::OrganizationId;
use crate::domain::organization::Organization;
use crate::error::{Error, Result, is_unique_violation};
use crate::on_pool;
use time::OffsetDateTime;

#[derive(sqlx::FromRow)]
struct OrganizationRow {
    id: i64,
    name: String,
    partner_id: Option<String>,
    csp: bool,
    created_at: i64,
}

impl From<OrganizationRow> for Organization {
    fn from(row: OrganizationRow) -> Self {
        Self {
            id: OrganizationId(row.id),
            name: row.name,
            partner_id: row.partner_id,
            csp: row.csp,
            created_at: from_millis(row.created_at),
        }
    }
}

/// A validated new organization.
pub struct NewOrganization {
    pub name: String,
    pub partner_id: Option<String>,
    pub csp: bool,
}

const COLUMNS: &str = "id, name, partner_id, csp, created_at";

impl Store {
    pub async fn insert_organization(
        &self,
        new: &NewOrganization,
        now: OffsetDateTime,
    ) -> Result<Organization> {
        let sql = format!(
            "INSERT INTO organizations (name, partner_id, csp, created_at) VALUES ($1, $2, $3, $4) RETURNING {COLUMNS}"
        );
        let row: OrganizationRow = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(&new.name)
            .bind(&new.partner_id)
            .bind(new.csp)
            .bind(to_millis(now))
            .fetch_one(pool)
            .await)
        .map_err(|error| {
            if is_unique_violation(&error) {
                Error::PartnerIdTaken
            } else {
                error.into()
            }
        })?;
        Ok(row.into())
    }

    pub async fn organization(&self, id: OrganizationId) -> Result<Option<Organization>> {
        let sql = format!("SELECT {COLUMNS} FROM organizations WHERE id = $1");
        let row: Option<OrganizationRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id.0).fetch_optional(pool).await)?;
        Ok(row.map(Into::into))
    }

    /// Organizations by name, a page at a time, with the total count.
    pub async fn organizations(&self, page: Page) -> Result<(Vec<Organization>, i64)> {
        let sql = format!(
            "SELECT {COLUMNS} FROM organizations ORDER BY lower(name), id LIMIT $1 OFFSET $2"
        );
        let (rows, total): (Vec<OrganizationRow>, i64) = on_pool!(self, pool => {
            let rows = sqlx::query_as(&sql).bind(page.limit).bind(page.offset).fetch_all(pool).await?;
            let total = sqlx::query_scalar("SELECT COUNT(*) FROM organizations").fetch_one(pool).await?;
            (rows, total)
        });
        Ok((rows.into_iter().map(Into::into).collect(), total))
    }
}
