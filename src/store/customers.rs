//! A CSP organization's customers.

use super::{Page, Store, from_millis, to_millis};
use crate::domain::OrganizationId;
use crate::error::{Error, Result, is_unique_violation};
use crate::on_pool;
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
        let row: std::result::Result<Row, sqlx::Error> = on_pool!(self, pool => sqlx::query_as(
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

    /// One page of an organization's CSP customers, by name, and how many it has.
    pub async fn customers_page(
        &self,
        organization: OrganizationId,
        page: Page,
    ) -> Result<(Vec<Customer>, i64)> {
        let (rows, total): (Vec<Row>, i64) = on_pool!(self, pool => {
            let rows = sqlx::query_as(
                "SELECT id, organization_id, name, domain, created_at FROM customers WHERE organization_id = $1 \
                 ORDER BY lower(name), id LIMIT $2 OFFSET $3",
            )
            .bind(organization.0)
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(pool)
            .await?;
            let total = sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE organization_id = $1")
                .bind(organization.0)
                .fetch_one(pool)
                .await?;
            (rows, total)
        });
        Ok((rows.into_iter().map(customer).collect(), total))
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
