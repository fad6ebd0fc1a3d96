//! Products and their versions.

use super::page::{ListQuery, Order, Select, fetch_list};
use super::{Cursor, Listing, Page, Store, to_millis};
use crate::domain::policy::Scope;
use crate::domain::product::{Product, Version};
use crate::error::{Error, Result, is_unique_violation};
use crate::{in_tx, on_pool};
use std::collections::HashMap;
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
        self.caches.forget_products();
        match inserted {
            Ok(()) => Ok(()),
            Err(error) if is_unique_violation(&error) => {
                Err(Error::field("code", "product_code_taken"))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Every product with its versions, by name (the New support request form offers them all).
    pub async fn products(&self) -> Result<Vec<Product>> {
        let rows: Vec<ProductRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, code, name, scope, workload FROM products ORDER BY lower(name), id",
        )
        .fetch_all(pool)
        .await)?;
        self.with_versions(rows).await
    }

    /// One page of products with their versions, by name.
    pub async fn products_page(&self, page: Page) -> Result<Listing<Product>> {
        let query = list_query(&page)?;
        let rows = fetch_list!(self, query, ProductRow)?;
        let listing = Listing::from_rows(rows, &page, |row| Cursor::id(row.0));
        Ok(Listing {
            items: self.with_versions(listing.items).await?,
            next: listing.next,
        })
    }

    /// The product with this code, with its versions.
    /// A product by code, remembered for [`super::cache::FRESH_FOR`].
    pub async fn product(&self, code: &str) -> Result<Option<Product>> {
        if let Some(product) = self.caches.product(code) {
            return Ok(product);
        }
        let read_at = std::time::Instant::now();
        let rows: Vec<ProductRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, code, name, scope, workload FROM products WHERE code = $1",
        )
        .bind(code)
        .fetch_all(pool)
        .await)?;
        let product = self.with_versions(rows).await?.into_iter().next();
        self.caches.remember_product(code, read_at, product.clone());
        Ok(product)
    }

    /// Attaches their versions (newest first) to product rows, in one query.
    async fn with_versions(&self, rows: Vec<ProductRow>) -> Result<Vec<Product>> {
        let mut versions: HashMap<i64, Vec<Version>> = HashMap::new();
        if !rows.is_empty() {
            let placeholders = (1..=rows.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT product_id, name, released, mainstream_end, extended_end FROM product_versions \
                 WHERE product_id IN ({placeholders}) ORDER BY released DESC, id"
            );
            let found: Vec<(i64, String, Date, Date, Date)> = on_pool!(self, pool => {
                let mut query = sqlx::query_as(&sql);
                for row in &rows {
                    query = query.bind(row.0);
                }
                query.fetch_all(pool).await
            })?;
            for (product, name, released, mainstream_end, extended_end) in found {
                versions.entry(product).or_default().push(Version {
                    name,
                    released,
                    mainstream_end,
                    extended_end,
                });
            }
        }
        rows.into_iter()
            .map(|(id, code, name, scope, workload)| {
                let scope = Scope::parse(&scope)
                    .ok_or_else(|| anyhow::anyhow!("product {code} has scope {scope:?}"))?;
                Ok(Product {
                    code,
                    name,
                    scope,
                    workload,
                    versions: versions.remove(&id).unwrap_or_default(),
                })
            })
            .collect()
    }
}

/// `id, code, name, scope, workload` of a product.
type ProductRow = (i64, String, String, String, String);

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
                crate::store::audit::append_audit!(tx, audit, now);
            });
            Ok(())
        }
        .await;
        self.caches.forget_products();
        match inserted {
            Ok(()) => Ok(()),
            Err(error) if is_unique_violation(&error) => {
                Err(Error::field("versions", "duplicate_version"))
            }
            Err(error) => Err(error.into()),
        }
    }
}

/// The catalogue's statement: by name without regard to case, then id, on
/// `products_by_name`; the cursor is the last row's id, its name read back.
pub fn list_query(page: &Page) -> Result<ListQuery<'static>> {
    let mut select =
        Select::new("SELECT p.id, p.code, p.name, p.scope, p.workload FROM products p");
    if let Some(after) = &page.after {
        let id = select.arg(after.as_id()?);
        let name = format!("(SELECT lower(name) FROM products WHERE id = {id})");
        select.after_pair("lower(p.name)", "p.id", Order::Ascending, &name, &id);
    }
    Ok(select.finish(&["lower(p.name)", "p.id"], Order::Ascending, page))
}
