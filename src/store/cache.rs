//! What the hot paths read on every request, kept in memory for a short, stated time: who a
//! bearer token or session cookie belongs to, and the product catalogue.
//!
//! A change made through this instance forgets what it touches at once (revoking a token,
//! ending a session, changing an account's roles, language or password, adding a product or a
//! version). A change made through another instance is seen here within [`FRESH_FOR`]: the
//! bound docs/decisions.md states for revocations, role changes and catalogue changes across
//! instances.

use crate::domain::Actor;
use crate::domain::contract::Contract;
use crate::domain::product::Product;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a remembered answer is used before the database is asked again.
pub const FRESH_FOR: Duration = Duration::from_secs(2);

/// The most entries a map keeps; past it the stale ones go, and if none is stale, all go.
const MAX_ENTRIES: usize = 50_000;

/// Who a credential belongs to, as authentication found it.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    /// The session's CSRF token (none for a bearer token).
    pub csrf_token: Option<String>,
}

/// A map of answers, each used for [`FRESH_FOR`] after it was read.
#[derive(Debug)]
struct Fresh<V> {
    entries: Mutex<HashMap<String, (Instant, V)>>,
}

impl<V: Clone> Fresh<V> {
    fn new() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, key: &str) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(read_at, _)| read_at.elapsed() < FRESH_FOR)
            .map(|(_, value)| value.clone())
    }

    /// Remembers a value read at `read_at` (taken before the read, so that a change made
    /// while it was being read is not remembered past the bound).
    fn put(&self, key: String, read_at: Instant, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (at, _)| at.elapsed() < FRESH_FOR);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (read_at, value));
    }

    fn forget_all(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// A contract as a list of linked contracts shows it: the contract as last read (its counters
/// are replaced by fresh ones on every read, [`crate::store::Store::linked_contracts`]) and its
/// owner's name.
#[derive(Debug, Clone)]
pub struct Terms {
    pub contract: Arc<Contract>,
    pub organization_name: Arc<str>,
}

/// The store's in-memory answers.
#[derive(Debug)]
pub struct Caches {
    callers: Fresh<Caller>,
    products: Fresh<Option<Product>>,
    /// Linked contracts' terms by contract row id. What they hold never changes but for the
    /// counters, which are always read afresh, and the Access ID, which lists of linked
    /// contracts never show (rotating it forgets the entry on this instance).
    terms: Mutex<KnownTerms>,
}

/// Terms by contract row id, and the row id of each Contract ID.
#[derive(Debug, Default)]
struct KnownTerms {
    by_id: HashMap<i64, Terms>,
    by_code: HashMap<String, i64>,
}

impl Default for Caches {
    fn default() -> Self {
        Self {
            callers: Fresh::new(),
            products: Fresh::new(),
            terms: Mutex::new(KnownTerms::default()),
        }
    }
}

impl Caches {
    /// The caller behind a credential digest (`kind` tells tokens from sessions).
    pub fn caller(&self, kind: &str, digest: &str) -> Option<Caller> {
        self.callers.get(&format!("{kind}:{digest}"))
    }

    pub fn remember_caller(&self, kind: &str, digest: &str, read_at: Instant, caller: Caller) {
        self.callers
            .put(format!("{kind}:{digest}"), read_at, caller);
    }

    /// Forgets every remembered caller: a credential, an account or its roles changed.
    pub fn forget_callers(&self) {
        self.callers.forget_all();
    }

    /// A product by code (`Some(None)`: known not to exist).
    pub fn product(&self, code: &str) -> Option<Option<Product>> {
        self.products.get(code)
    }

    pub fn remember_product(&self, code: &str, read_at: Instant, product: Option<Product>) {
        self.products.put(code.to_owned(), read_at, product);
    }

    /// Forgets the catalogue: a product or a version was added.
    pub fn forget_products(&self) {
        self.products.forget_all();
    }

    /// The terms of each contract of `ids` (in order), or `None` if any is not known.
    pub fn terms(&self, ids: impl Iterator<Item = i64>) -> Option<Vec<Terms>> {
        let known = self.terms.lock().unwrap_or_else(|e| e.into_inner());
        ids.map(|id| known.by_id.get(&id).cloned()).collect()
    }

    /// The terms of the contract with this Contract ID, if known (whoever linked it: use them
    /// only to let a filing go ahead, which the writer then checks against the account's
    /// links; never to tell a caller about a contract they may not hold).
    pub fn terms_by_code(&self, code: &str) -> Option<Terms> {
        let known = self.terms.lock().unwrap_or_else(|e| e.into_inner());
        let id = known.by_code.get(code)?;
        known.by_id.get(id).cloned()
    }

    /// Remembers contracts' terms (past [`MAX_ENTRIES`] the others are forgotten first).
    pub fn remember_terms(&self, terms: impl IntoIterator<Item = Terms>) {
        let mut known = self.terms.lock().unwrap_or_else(|e| e.into_inner());
        for terms in terms {
            if known.by_id.len() >= MAX_ENTRIES {
                known.by_id.clear();
                known.by_code.clear();
            }
            known
                .by_code
                .insert(terms.contract.contract_id.to_string(), terms.contract.id);
            known.by_id.insert(terms.contract.id, terms);
        }
    }

    /// Forgets one contract's terms (its Access ID changed).
    pub fn forget_terms(&self, contract: i64) {
        let mut known = self.terms.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(terms) = known.by_id.remove(&contract) {
            known.by_code.remove(terms.contract.contract_id.as_str());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_used_only_while_fresh() {
        let fresh: Fresh<u32> = Fresh::new();
        fresh.put("a".into(), Instant::now(), 1);
        assert_eq!(fresh.get("a"), Some(1));
        let stale = Instant::now()
            .checked_sub(FRESH_FOR)
            .expect("the clock is past the bound");
        fresh.put("b".into(), stale, 2);
        assert_eq!(fresh.get("b"), None);
        fresh.forget_all();
        assert_eq!(fresh.get("a"), None);
    }
}
