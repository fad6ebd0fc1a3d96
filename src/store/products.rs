//! Products and their versions.

use super::{Store, to_millis};
use crate::domain::policy::Scope;
use crate::domain::product::{Product, Version};
use crate::error::{Error, Result, is_unique_violation};
use crate::{in_tx, on_pool};
use time::{Date, OffsetDateTime};

impl Store {
    /// Inserts a product with its versions in one transaction.
    pub async fn insert_product(&self, product: &Product, now: OffsetDateTime) -> Result<()> {
        let inserted: std::result::Result<(), sqlx::Error> = async {
            in_tx!(self, tx => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO products (code, name, scope, workload, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&product.code)
                .bind(&product.name)
                .bind(product.scope.as_str())
                .bind(&product.workload)
                .bind(to_millis(now))
                .fetch_one(&mut *tx)
                .await?;
                for version in &product.versions {
                    sqlx::query(
                        "INSERT INTO product_versions (product_id, name, released, mainstream_end, extended_end) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(id)
                    .bind(&version.name)
                    .bind(version.released)
                    .bind(version.mainstream_end)
                    .bind(version.extended_end)
                    .execute(&mut *tx)
                    .await?;
                }
            });
            Ok(())
        }
        .await;
        match inserted {
            Ok(()) => Ok(()),
            Err(error) if is_unique_violation(&error) => {
                Err(Error::field("code", "product_code_taken"))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Every product with its versions, by name.
    pub async fn products(&self) -> Result<Vec<Product>> {
        let rows: Vec<(i64, String, String, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, code, name, scope, workload FROM products ORDER BY lower(name), id",
        )
        .fetch_all(pool)
        .await)?;
        let versions: Vec<(i64, String, Date, Date, Date)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT product_id, name, released, mainstream_end, extended_end FROM product_versions ORDER BY released DESC, id",
        )
        .fetch_all(pool)
        .await)?;
        rows.into_iter()
            .map(|(id, code, name, scope, workload)| {
                let scope = Scope::parse(&scope)
                    .ok_or_else(|| anyhow::anyhow!("product {code} has scope {scope:?}"))?;
                let versions = versions
                    .iter()
                    .filter(|v| v.0 == id)
                    .map(
                        |(_, name, released, mainstream_end, extended_end)| Version {
                            name: name.clone(),
                            released: *released,
                            mainstream_end: *mainstream_end,
                            extended_end: *extended_end,
                        },
                    )
                    .collect();
                Ok(Product {
                    code,
                    name,
                    scope,
                    workload,
                    versions,
                })
            })
            .collect()
    }

    pub async fn product(&self, code: &str) -> Result<Option<Product>> {
        Ok(self.products().await?.into_iter().find(|p| p.code == code))
    }
}

impl Store {
    /// Adds a release to a product (the caller checked it against the others).
    pub async fn insert_version(
        &self,
        product: &str,
        version: &Version,
        audit: &crate::store::audit::AuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        let now = to_millis(now);
        let inserted: std::result::Result<(), sqlx::Error> = async {
            in_tx!(self, tx => {
                sqlx::query(
                    "INSERT INTO product_versions (product_id, name, released, mainstream_end, extended_end) \
                     SELECT id, $2, $3, $4, $5 FROM products WHERE code = $1",
                )
                .bind(product)
                .bind(&version.name)
                .bind(version.released)
                .bind(version.mainstream_end)
                .bind(version.extended_end)
                .execute(&mut *tx)
                .await?;
                crate::store::audit::append_audit!(tx, self, audit, now);
            });
            Ok(())
        }
        .await;
        match inserted {
            Ok(()) => Ok(()),
            Err(error) if is_unique_violation(&error) => {
                Err(Error::field("versions", "duplicate_version"))
            }
            Err(error) => Err(error.into()),
        }
    }
}
