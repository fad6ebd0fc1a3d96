//! Products: operators add them; everyone signed in reads them (to file requests).

use super::authorize;
use crate::domain::product::{Product, ProductInput, validate_product};
use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::store::{Listing, Page, Store};
use time::OffsetDateTime;

pub async fn create(
    store: &Store,
    actor: &Actor,
    input: &ProductInput,
    now: OffsetDateTime,
) -> Result<Product> {
    authorize(actor, Permission::OperateProgram, None)?;
    let product = validate_product(input).map_err(Error::InvalidInput)?;
    store.insert_product(&product, now).await?;
    tracing::info!(actor = %actor.account_id, product = %product.code, "product added");
    store.product(&product.code).await?.ok_or(Error::NotFound)
}

/// Every product (the New support request form offers them all).
pub async fn list(store: &Store) -> Result<Vec<Product>> {
    store.products().await
}

/// One page of the catalogue, by name.
pub async fn page(store: &Store, page: Page) -> Result<Listing<Product>> {
    store.products_page(page).await
}

/// Adds a new release to an on-premises product (operators), checked against its other
/// versions: dates in order, name not taken.
pub async fn add_version(
    store: &Store,
    actor: &Actor,
    code: &str,
    version: crate::domain::product::VersionInput,
    now: OffsetDateTime,
) -> Result<Product> {
    use crate::domain::product::VersionInput;
    authorize(actor, Permission::OperateProgram, None)?;
    let product = store.product(code).await?.ok_or(Error::NotFound)?;
    let day = |date: time::Date| date.to_string();
    let mut versions: Vec<VersionInput> = product
        .versions
        .iter()
        .map(|v| VersionInput {
            name: v.name.clone(),
            released: day(v.released),
            mainstream_end: day(v.mainstream_end),
            extended_end: day(v.extended_end),
        })
        .collect();
    let name = version.name.trim().to_owned();
    versions.push(version);
    let input = ProductInput {
        code: product.code.clone(),
        name: product.name.clone(),
        scope: product.scope.as_str().to_owned(),
        workload: product.workload.clone(),
        versions,
    };
    let checked = validate_product(&input).map_err(Error::InvalidInput)?;
    let added = checked
        .versions
        .iter()
        .find(|v| v.name.eq_ignore_ascii_case(&name))
        .ok_or_else(|| Error::field("versions", "required"))?;
    let entry = crate::store::audit::AuditEntry::new(
        Some(actor.account_id.0),
        "product.version_added",
        format!("product:{}", product.code),
        serde_json::json!({"version": added.name}),
    );
    store
        .insert_version(&product.code, added, &entry, now)
        .await?;
    store.product(&product.code).await?.ok_or(Error::NotFound)
}
