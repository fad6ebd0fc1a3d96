//! A CSP organization's customers.

use super::page::{ListQuery, Order, Select, fetch_list};
use super::{Cursor, Listing, Page, Store, from_millis, to_millis};
use crate::domain::OrganizationId;
use crate::error::{Error, Result, is_unique_violation};
use crate::{on_pool, on_write_pool};
use time::OffsetDateTime;

/// A customer of a CSP organization.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Customer {
    pub id: i64,
    #[schema(value_type = i64)]
    pub organization_id: OrganizationId,
    pub name: String,
    pub domain: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

type Row = (i64, i64, String, String, i64);

fn customer((id, organization_id, name, domain, created_at): Row) -> Customer {
    Customer {
        id,
        organization_id: OrganizationId(organization_id),
        name,
        domain,
        created_at: from_millis(created_at),
    }
}

impl Store {
    pub async fn insert_customer(
        &self,
        organization: OrganizationId,
        name: &str,
        domain: &str,
        now: OffsetDateTime,
    ) -> Result<Customer> {
        let row: std::result::Result<Row, sqlx::Error> = on_write_pool!(self, pool => sqlx::query_as(
            "INSERT INTO customers (organization_id, name, domain, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, organization_id, name, domain, created_at",
        )
        .bind(organization.0)
        .bind(name)
        .bind(domain)
        .bind(to_millis(now))
        .fetch_one(pool)
        .await);
        match row {
            Ok(row) => Ok(customer(row)),
            Err(error) if is_unique_violation(&error) => {
                Err(Error::field("domain", "customer_domain_taken"))
            }
            Err(error) => Err(error.into()),
        }
    }

    pub async fn customers(&self, organization: OrganizationId) -> Result<Vec<Customer>> {
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, organization_id, name, domain, created_at FROM customers WHERE organization_id = $1 ORDER BY lower(name), id",
        )
        .bind(organization.0)
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(customer).collect())
    }

    /// One page of an organization's CSP customers, by name.
    pub async fn customers_page(
        &self,
        organization: OrganizationId,
        page: Page,
    ) -> Result<Listing<Customer>> {
        let query = list_query(organization, &page)?;
        let rows = fetch_list!(self, query, Row)?;
        Ok(Listing::from_rows(rows, &page, |row| Cursor::id(row.0)).map(customer))
    }

    pub async fn customer(&self, id: i64) -> Result<Option<Customer>> {
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, organization_id, name, domain, created_at FROM customers WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(customer))
    }
}

/// An organization's customer list: by name without regard to case, then id, on
/// `customers_by_name`; the cursor is the last row's id, its name read back within the same
/// organization.
pub fn list_query(organization: OrganizationId, page: &Page) -> Result<ListQuery<'static>> {
    let mut select = Select::new(
        "SELECT c.id, c.organization_id, c.name, c.domain, c.created_at FROM customers c",
    );
    let org = select.arg(organization.0);
    select.when(format!("c.organization_id = {org}"));
    if let Some(after) = &page.after {
        let id = select.arg(after.as_id()?);
        let name = format!(
            "(SELECT lower(name) FROM customers WHERE id = {id} AND organization_id = {org})"
        );
        select.after_pair("lower(c.name)", "c.id", Order::Ascending, &name, &id);
    }
    Ok(select.finish(&["lower(c.name)", "c.id"], Order::Ascending, page))
}
