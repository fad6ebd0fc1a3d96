//! One async function per use case: authorize, validate, store (one transaction), result.
//! The JSON API, the web pages and the CLI all call these.

pub mod accounts;
pub mod activations;
pub mod audit;
pub mod benefits;
pub mod contracts;
pub mod customers;
pub mod memberships;
pub mod orders;
pub mod organizations;
pub mod products;
pub mod requests;
pub mod sessions;
pub mod tokens;

use crate::domain::{Actor, OrganizationId, Permission};
use crate::error::{Error, Result};

/// Fails with `forbidden_role` unless the actor may do `permission` on `organization`.
/// An organization the actor cannot see at all answers `not_found` instead (no leak of existence).
pub fn authorize(
    actor: &Actor,
    permission: Permission,
    organization: Option<OrganizationId>,
) -> Result<()> {
    if actor.can(permission, organization) {
        return Ok(());
    }
    match organization {
        Some(org) if !actor.sees_organization(org) => Err(Error::NotFound),
        _ => Err(Error::forbidden(permission)),
    }
}

/// Runs CPU-heavy work (password hashing) off the async workers, at most one per core at a
/// time: each password hash takes 19 MiB, so a burst of sign-ins waits its turn instead of
/// holding a hundred of them in memory at once (which the allocator keeps afterwards).
pub async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    static TURNS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let turns = TURNS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    let _turn = turns
        .acquire()
        .await
        .map_err(|error| Error::Other(anyhow::anyhow!("blocking work stopped: {error}")))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| Error::Other(anyhow::anyhow!("blocking task failed: {error}")))
}
