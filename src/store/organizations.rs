//! Organizations and their enrollments.

use super::page::{ListQuery, Order, Select, fetch_list};
use super::{Cursor, Listing, Page, Store, from_millis, to_millis};
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

impl crate::store::direct::DirectRow for OrganizationRow {
    /// The columns of [`COLUMNS`], in order.
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            name: row.get(1)?,
            partner_id: row.get(2)?,
            csp: row.get(3)?,
            created_at: row.get(4)?,
        })
    }
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
/// One organization by id: [`COLUMNS`] spelled out, so the text is built once.
const ORGANIZATION_BY_ID_SQL: &str =
    "SELECT id, name, partner_id, csp, created_at FROM organizations WHERE id = $1";

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
        let row: Option<OrganizationRow> = self
            .fetch_optional(ORGANIZATION_BY_ID_SQL, &[id.0.into()])
            .await?;
        Ok(row.map(Into::into))
    }

    /// How many organizations there are (the scale loader numbers its own after them).
    pub async fn organization_count(&self) -> Result<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM organizations")
            .fetch_one(pool)
            .await)?,
        )
    }

    /// Organizations by name, a page at a time.
    pub async fn organizations(&self, page: Page) -> Result<Listing<Organization>> {
        let query = list_query(&page)?;
        let rows = fetch_list!(self, query, OrganizationRow)?;
        Ok(Listing::from_rows(rows, &page, |row| Cursor::id(row.id)).map(Into::into))
    }
}

/// The organization list's statement: by name without regard to case, then id, on the index
/// `organizations_by_name`; the cursor is the last row's id, its name read back.
pub fn list_query(page: &Page) -> Result<ListQuery<'static>> {
    let mut select = Select::new(format!("SELECT {COLUMNS} FROM organizations o"));
    if let Some(after) = &page.after {
        let id = select.arg(after.as_id()?);
        let name = format!("(SELECT lower(name) FROM organizations WHERE id = {id})");
        select.after_pair("lower(o.name)", "o.id", Order::Ascending, &name, &id);
    }
    Ok(select.finish(&["lower(o.name)", "o.id"], Order::Ascending, page))
}
