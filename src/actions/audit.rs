//! What operators read about the program's history: the hash-chained audit log, whether the
//! chain still holds, and the notification outbox.

use super::authorize;
use crate::domain::{Actor, Email, Permission};
use crate::error::{Error, Result};
use crate::store::audit::{
    AuditFilter, AuditNames, AuditRecord, ChainBreak, ChainState, check_shown,
};
use crate::store::outbox::Message;
use crate::store::{Listing, Page, Store};

/// The actions the code records, offered as suggestions when filtering (any text is accepted).
pub const KNOWN_ACTIONS: &[&str] = &[
    "account.removed_from_organization",
    "account.roles_changed",
    "benefit.activated",
    "benefit.activation_rejected",
    "benefit.activation_requested",
    "contract.access_id_rotated",
    "contract.link_revoked",
    "contract.linked",
    "contract.ordered",
    "contract.unlinked",
    "membership.added",
    "membership.ended",
    "membership.imported",
    "membership.removed",
    "policy.loaded",
    "product.version_added",
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

/// The accounts, organizations and requests an entry refers to: its actor, its subject
/// (`account:7`, `organization:3`, `request:12`) and the `account` and `organization` of its
/// details.
pub fn references(entry: &AuditRecord) -> (Vec<i64>, Vec<i64>, Vec<i64>) {
    let (mut accounts, mut organizations, mut requests) = (Vec::new(), Vec::new(), Vec::new());
    accounts.extend(entry.actor_id);
    if let Some((kind, id)) = entry.subject.split_once(':')
        && let Ok(id) = id.parse::<i64>()
    {
        match kind {
            "account" => accounts.push(id),
            "organization" => organizations.push(id),
            "request" => requests.push(id),
            _ => {}
        }
    }
    if let Ok(serde_json::Value::Object(details)) = serde_json::from_str(&entry.details) {
        accounts.extend(details.get("account").and_then(serde_json::Value::as_i64));
        organizations.extend(
            details
                .get("organization")
                .and_then(serde_json::Value::as_i64),
        );
    }
    (accounts, organizations, requests)
}

/// The names of everything `entries` refer to ([`references`]), read in one query per kind.
pub async fn names(store: &Store, actor: &Actor, entries: &[AuditRecord]) -> Result<AuditNames> {
    authorize(actor, Permission::OperateProgram, None)?;
    let (mut accounts, mut organizations, mut requests) = (Vec::new(), Vec::new(), Vec::new());
    for entry in entries {
        let (a, o, r) = references(entry);
        accounts.extend(a);
        organizations.extend(o);
        requests.extend(r);
    }
    for ids in [&mut accounts, &mut organizations, &mut requests] {
        ids.sort_unstable();
        ids.dedup();
    }
    let mut names = store
        .audit_names(&accounts, &organizations, &requests)
        .await?;
    let mut products: Vec<&str> = entries
        .iter()
        .filter_map(|entry| entry.subject.strip_prefix("product:"))
        .collect();
    products.sort_unstable();
    products.dedup();
    // Products are few and cached: one look-up each.
    for code in products {
        if let Some(product) = store.product(code).await? {
            names.products.insert(code.to_owned(), product.name);
        }
    }
    Ok(names)
}

/// Notifications, newest first, a page at a time.
pub async fn outbox(store: &Store, actor: &Actor, page: Page) -> Result<Listing<Message>> {
    authorize(actor, Permission::OperateProgram, None)?;
    store.outbox(page).await
}
