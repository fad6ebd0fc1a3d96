//! Sign-in, sign-out and resolving a session or token into an actor.

use super::blocking;
use crate::config::Settings;
use crate::domain::account::Account;
use crate::domain::{AccountId, Actor, Email};
use crate::error::{Error, Result};
use crate::secrets;
use crate::store::Store;
use time::OffsetDateTime;

/// A fresh session: the cookie value (shown once) and its CSRF token.
pub struct SignedIn {
    pub session_token: String,
    pub csrf_token: String,
    pub account: Account,
}

const ACCOUNT_SCOPE: &str = "sign_in_account";
const ADDRESS_SCOPE: &str = "sign_in_address";

/// Checks email and password, throttling failures per account and per client address.
pub async fn sign_in(
    store: &Store,
    settings: &Settings,
    email: &str,
    password: &str,
    client_address: &str,
    now: OffsetDateTime,
) -> Result<SignedIn> {
    let email = Email::parse("email", email)?;
    let window_start = now - settings.throttle_window;
    for (scope, subject, limit) in [
        (
            ACCOUNT_SCOPE,
            email.as_str(),
            settings.sign_in_failures_per_account,
        ),
        (
            ADDRESS_SCOPE,
            client_address,
            settings.sign_in_failures_per_address,
        ),
    ] {
        check_throttle(store, scope, subject, limit, window_start, settings, now).await?;
    }
    let credentials = store.credentials(&email).await?;
    let hash = credentials
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| secrets::decoy_hash().to_owned());
    let password = password.to_owned();
    let matches = blocking(move || secrets::verify_password(&password, &hash)).await?;
    let account_id = match credentials {
        Some(credentials) if matches => credentials.account_id,
        _ => {
            let entry = crate::store::audit::AuditEntry::new(
                None,
                "session.sign_in_failed",
                format!("email:{email}"),
                serde_json::json!({"address": client_address, "known_account": credentials.is_some()}),
            );
            let attempts = [
                (ACCOUNT_SCOPE, email.as_str()),
                (ADDRESS_SCOPE, client_address),
            ];
            store.record_failures(&attempts, Some(&entry), now).await?;
            tracing::info!(client_address, "failed sign-in");
            return Err(Error::InvalidCredentials);
        }
    };
    store.clear_failures(ACCOUNT_SCOPE, email.as_str()).await?;
    let account = store
        .account(account_id)
        .await?
        .ok_or(Error::InvalidCredentials)?;
    let session_token = secrets::new_token("");
    let csrf_token = secrets::new_token("");
    store
        .insert_session(
            &secrets::digest(&session_token),
            account_id,
            &csrf_token,
            now,
            now + settings.session_ttl,
        )
        .await?;
    Ok(SignedIn {
        session_token,
        csrf_token,
        account,
    })
}

async fn check_throttle(
    store: &Store,
    scope: &str,
    subject: &str,
    limit: i64,
    window_start: OffsetDateTime,
    settings: &Settings,
    now: OffsetDateTime,
) -> Result<()> {
    let (failures, oldest) = store.failures_since(scope, subject, window_start).await?;
    if failures < limit {
        return Ok(());
    }
    let window_ms = settings.throttle_window.as_millis() as i64;
    let free_at = oldest.unwrap_or_default() + window_ms;
    let wait_ms = (free_at - crate::store::to_millis(now)).max(1000);
    Err(Error::TooManyAttempts {
        retry_after_secs: (wait_ms as u64).div_ceil(1000),
    })
}

/// Ends a session (a no-op for an unknown one).
pub async fn sign_out(store: &Store, session_token: &str) -> Result<()> {
    store.delete_session(&secrets::digest(session_token)).await
}

/// The actor and CSRF token of a live session cookie, extending it when half its time is gone.
pub async fn resolve_session(
    store: &Store,
    settings: &Settings,
    session_token: &str,
    now: OffsetDateTime,
) -> Result<Option<(Actor, String)>> {
    let digest = secrets::digest(session_token);
    let Some(session) = store.session(&digest, now).await? else {
        return Ok(None);
    };
    let ttl_ms = settings.session_ttl.as_millis() as i64;
    if session.expires_at - crate::store::to_millis(now) < ttl_ms / 2 {
        store
            .extend_session(&digest, now + settings.session_ttl)
            .await?;
    }
    Ok(actor(store, session.account_id)
        .await?
        .map(|actor| (actor, session.csrf_token)))
}

/// The actor behind a bearer token, if the token is live.
pub async fn resolve_token(
    store: &Store,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<Actor>> {
    match store.token_owner(&secrets::digest(token), now).await? {
        Some(account) => actor(store, account).await,
        None => Ok(None),
    }
}

/// Loads an account as an actor.
pub async fn actor(store: &Store, account: AccountId) -> Result<Option<Actor>> {
    let Some(account) = store.account(account).await? else {
        return Ok(None);
    };
    let organization = match account.organization_id {
        Some(organization) => store.organization(organization).await?,
        None => None,
    };
    let partner_network = organization
        .as_ref()
        .is_some_and(|o| o.in_partner_network());
    let csp = organization.as_ref().is_some_and(|o| o.csp);
    Ok(Some(Actor {
        account_id: account.id,
        email: account.email.to_string(),
        display_name: account.display_name,
        organization_id: account.organization_id,
        partner_network,
        csp,
        roles: account.roles,
        language: account.language,
    }))
}
