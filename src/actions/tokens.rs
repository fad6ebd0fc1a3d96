//! Personal access tokens: create (shown once), list, revoke.

use crate::domain::ids::TokenId;
use crate::domain::{Actor, required_text};
use crate::error::{Error, Result};
use crate::secrets;
use crate::store::Store;
use crate::store::tokens::TokenInfo;
use time::OffsetDateTime;

/// Creates a token for the actor; returns the secret (never stored) and its record.
pub async fn create(
    store: &Store,
    actor: &Actor,
    name: &str,
    now: OffsetDateTime,
) -> Result<(String, TokenInfo)> {
    let name = required_text("name", name, 100)?;
    let token = secrets::new_token("spt_");
    let info = store
        .insert_token(actor.account_id, &name, &secrets::digest(&token), now)
        .await?;
    tracing::info!(account = %actor.account_id, token = %info.id, "token created");
    Ok((token, info))
}

pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<TokenInfo>> {
    store.tokens(actor.account_id).await
}

/// Revokes one of the actor's own tokens; another account's token is `not_found`.
pub async fn revoke(
    store: &Store,
    actor: &Actor,
    token: TokenId,
    now: OffsetDateTime,
) -> Result<()> {
    if store.revoke_token(actor.account_id, token, now).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}
