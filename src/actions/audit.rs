//! What operators read about the program's history: the hash-chained audit log, whether the
//! chain still holds, and the notification outbox.

use super::authorize;
use crate::domain::{Actor, Email, Permission};
use crate::error::{Error, Result};
use crate::store::audit::{AuditFilter, AuditRecord, ChainBreak, ChainState, check_shown};
use crate::store::outbox::Message;
use crate::store::{Listing, Page, Store};

/// The actions the code records, offered as suggestions when filtering (any text is accepted).
pub const KNOWN_ACTIONS: &[&str] = &[
    "account.roles_changed",
    "benefit.activated",
    "benefit.activation_rejected",
    "benefit.activation_requested",
    "contract.access_id_rotated",
    "contract.link_revoked",
    "contract.linked",
    "contract.unlinked",
    "membership.added",
    "membership.ended",
    "membership.imported",
    "membership.removed",
    "policy.loaded",
    "request.filed",
    "request.refunded",
    "request.status_changed",
    "session.sign_in_failed",
];

/// Entries matching the filter, newest first, a page at a time.
pub async fn entries(
    store: &Store,
    actor: &Actor,
    filter: &AuditFilter,
    page: Page,
) -> Result<Listing<AuditRecord>> {
    authorize(actor, Permission::OperateProgram, None)?;
    store.audit_entries(filter, page).await
}

/// The most entries a look at the chain checks beyond what this instance checked before (the
/// job runner walks the whole chain at start and hourly; a page never waits for that).
pub const CHAIN_LOOK_BUDGET: usize = 5_000;

/// The hash chain as this instance has checked it, after checking what was appended since the
/// last look (up to [`CHAIN_LOOK_BUDGET`] entries); and the first break among `shown`, the
/// entries a page is about to show, each checked against its own hash whatever the walk got to.
pub async fn chain(
    store: &Store,
    actor: &Actor,
    shown: &[AuditRecord],
) -> Result<(ChainState, Option<ChainBreak>)> {
    authorize(actor, Permission::OperateProgram, None)?;
    let state = store.audit_chain(CHAIN_LOOK_BUDGET).await?;
    Ok((state, check_shown(shown)))
}

/// The account an audit filter names, by id or by email; `unknown_account` on the `actor`
/// field when no account has that email.
pub async fn account_id(store: &Store, actor: &Actor, named: &str) -> Result<i64> {
    authorize(actor, Permission::OperateProgram, None)?;
    let named = named.trim();
    if let Ok(id) = named.parse::<i64>() {
        return Ok(id);
    }
    let email =
        Email::parse("actor", named).map_err(|_| Error::field("actor", "unknown_account"))?;
    store
        .credentials(&email)
        .await?
        .map(|found| found.account_id.0)
        .ok_or_else(|| Error::field("actor", "unknown_account"))
}

/// Notifications, newest first, a page at a time.
pub async fn outbox(store: &Store, actor: &Actor, page: Page) -> Result<Listing<Message>> {
    authorize(actor, Permission::OperateProgram, None)?;
    store.outbox(page).await
}
