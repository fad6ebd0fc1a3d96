//! Products: operators add them; everyone signed in reads them (to file requests).

use super::authorize;
use crate::domain::product::{Product, ProductInput, validate_product};
use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::store::Store;
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

pub async fn list(store: &Store) -> Result<Vec<Product>> {
    store.products().await
}
