//! Sign-in, sign-out and resolving a session or token into an actor.

use super::blocking;
use crate::config::Settings;
use crate::domain::account::Account;
use crate::domain::{AccountId, Actor, Email};
use crate::error::{Error, Result};
use crate::secrets;
use crate::store::Store;
use crate::store::cache::Caller;
use crate::store::throttle::Reservation;
use std::time::Instant;
use time::OffsetDateTime;

/// A fresh session: the cookie value (shown once) and its CSRF token.
pub struct SignedIn {
    pub session_token: String,
    pub csrf_token: String,
    pub account: Account,
}

/// Failures of one account from one client address.
const PAIR_SCOPE: &str = "sign_in_pair";
/// Failures of one account from every address.
const ACCOUNT_SCOPE: &str = "sign_in_account";
/// Failures from one client address for every account.
const ADDRESS_SCOPE: &str = "sign_in_address";

/// How long the check of an account's password waits once the account has had `failures`
/// failed sign-ins (from any address) in the window: nothing for the first `free` failures,
/// then 250 ms doubling with each further failure, at most `max`.
pub fn sign_in_delay(failures: i64, free: i64, max: std::time::Duration) -> std::time::Duration {
    let over = failures.saturating_sub(free);
    if over < 0 {
        return std::time::Duration::ZERO;
    }
    let millis = 250u64.saturating_mul(1u64 << over.clamp(0, 20));
    std::time::Duration::from_millis(millis).min(max)
}

/// Which of the sign-in limits (in the order pair, account, address) refuses an attempt
/// with these failure counts, if any. The account-wide cap only holds back addresses that
/// have already failed on the account: the right password from an address that has not failed
/// is never refused because others guessed wrong.
fn sign_in_refusal(counts: &[i64], settings: &Settings) -> Option<usize> {
    let &[pair, account, address] = counts else {
        return Some(0);
    };
    if pair >= settings.sign_in_failures_per_account {
        Some(0)
    } else if pair > 0 && account >= settings.sign_in_failures_per_account_total {
        Some(1)
    } else if address >= settings.sign_in_failures_per_address {
        Some(2)
    } else {
        None
    }
}

/// Checks email and password. Brute force is held back without handing out a denial of
/// service: failures are limited per account and client address and per address, an account's
/// guesses from every address are slowed (a growing delay) and capped per window for addresses
/// that have failed on it; each attempt is reserved before its check (docs/decisions.md).
pub async fn sign_in(
    store: &Store,
    settings: &Settings,
    email: &str,
    password: &str,
    client_address: &str,
    now: OffsetDateTime,
) -> Result<SignedIn> {
    let email = Email::parse("email", email)?;
    // No account has a longer password: refused before it costs a hash or an attempt.
    crate::domain::at_most(
        "password",
        password,
        crate::domain::account::MAX_PASSWORD_CHARS,
    )?;
    let pair = format!("{email} {client_address}");
    let subjects = [
        (PAIR_SCOPE, pair.as_str()),
        (ACCOUNT_SCOPE, email.as_str()),
        (ADDRESS_SCOPE, client_address),
    ];
    let reservation = store
        .reserve_attempt(&subjects, now - settings.throttle_window, now, |counts| {
            sign_in_refusal(counts, settings)
        })
        .await?;
    let (counts, reserved) = match reservation {
        Reservation::Granted { counts, ids } => (counts, ids),
        Reservation::Refused { oldest, .. } => return Err(too_many(settings, oldest, now)),
    };
    let account_failures = counts.get(1).copied().unwrap_or_default();
    let delay = sign_in_delay(
        account_failures,
        settings.sign_in_failures_per_account,
        settings.sign_in_max_delay,
    );
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
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
            // The reserved attempt is the failure.
            store.confirm_failures(&reserved).await?;
            let entry = crate::store::audit::AuditEntry::new(
                None,
                "session.sign_in_failed",
                format!("email:{email}"),
                serde_json::json!({"address": client_address, "known_account": credentials.is_some()}),
            );
            store.audit(&entry, now).await?;
            tracing::info!(client_address, "failed sign-in");
            return Err(Error::InvalidCredentials);
        }
    };
    store.release_attempts(&reserved).await?;
    store.clear_failures(PAIR_SCOPE, &pair).await?;
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

/// The answer to a throttled attempt: room opens a window after the oldest failure counted.
pub fn too_many(settings: &Settings, oldest: i64, now: OffsetDateTime) -> Error {
    let window_ms = i64::try_from(settings.throttle_window.as_millis()).unwrap_or(i64::MAX);
    let free_at = oldest.saturating_add(window_ms);
    let wait_ms = (free_at - crate::store::to_millis(now)).max(1000);
    Error::TooManyAttempts {
        retry_after_secs: (wait_ms as u64).div_ceil(1000),
    }
}

/// Ends a session (a no-op for an unknown one).
pub async fn sign_out(store: &Store, session_token: &str) -> Result<()> {
    store.delete_session(&secrets::digest(session_token)).await
}

/// The actor and CSRF token of a live session cookie, extending it when half its time is gone.
/// The answer is remembered for [`crate::store::cache::FRESH_FOR`] (ending the session here
/// forgets it at once).
pub async fn resolve_session(
    store: &Store,
    settings: &Settings,
    session_token: &str,
    now: OffsetDateTime,
) -> Result<Option<(Actor, String)>> {
    let digest = secrets::digest(session_token);
    if let Some(caller) = store.caches.caller("session", &digest) {
        return Ok(Some((caller.actor, caller.csrf_token.unwrap_or_default())));
    }
    let read_at = Instant::now();
    let Some(session) = store.session(&digest, now).await? else {
        return Ok(None);
    };
    let ttl_ms = settings.session_ttl.as_millis() as i64;
    if session.expires_at - crate::store::to_millis(now) < ttl_ms / 2 {
        store
            .extend_session(&digest, now + settings.session_ttl)
            .await?;
    }
    let Some(actor) = actor(store, session.account_id).await? else {
        return Ok(None);
    };
    store.caches.remember_caller(
        "session",
        &digest,
        read_at,
        Caller {
            actor: actor.clone(),
            csrf_token: Some(session.csrf_token.clone()),
        },
    );
    Ok(Some((actor, session.csrf_token)))
}

/// The actor behind a bearer token, if the token is live; remembered like a session.
pub async fn resolve_token(
    store: &Store,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<Actor>> {
    let digest = secrets::digest(token);
    if let Some(caller) = store.caches.caller("token", &digest) {
        return Ok(Some(caller.actor));
    }
    let read_at = Instant::now();
    let Some(account) = store.token_owner(&digest, now).await? else {
        return Ok(None);
    };
    let Some(actor) = actor(store, account).await? else {
        return Ok(None);
    };
    store.caches.remember_caller(
        "token",
        &digest,
        read_at,
        Caller {
            actor: actor.clone(),
            csrf_token: None,
        },
    );
    Ok(Some(actor))
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
        time_zone: account.time_zone,
    }))
}

#[cfg(test)]
mod tests {
    use super::sign_in_delay;
    use std::time::Duration;

    #[test]
    fn the_delay_grows_then_stops_at_the_cap() {
        let max = Duration::from_secs(8);
        let delays: Vec<u64> = (0..14)
            .map(|n| sign_in_delay(n, 5, max).as_millis() as u64)
            .collect();
        assert_eq!(
            delays,
            [
                0, 0, 0, 0, 0, 250, 500, 1000, 2000, 4000, 8000, 8000, 8000, 8000
            ]
        );
        assert_eq!(sign_in_delay(i64::MAX, 5, max), max);
        assert_eq!(sign_in_delay(i64::MIN, 5, max), Duration::ZERO);
    }
}
