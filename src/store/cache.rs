//! What the hot paths read on every request, kept in memory for a short, stated time: who a
//! bearer token or session cookie belongs to, and the product catalogue.
//!
//! A change made through this instance forgets what it touches at once (revoking a token,
//! ending a session, changing an account's roles, language or password, adding a product or a
//! version). A change made through another instance is seen here within [`FRESH_FOR`]: the
//! bound docs/decisions.md states for revocations, role changes and catalogue changes across
//! instances.

use crate::domain::Actor;
use crate::domain::product::Product;
use std::collections::HashMap;
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

/// The store's in-memory answers.
#[derive(Debug)]
pub struct Caches {
    callers: Fresh<Caller>,
    products: Fresh<Option<Product>>,
}

impl Default for Caches {
    fn default() -> Self {
        Self {
            callers: Fresh::new(),
            products: Fresh::new(),
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
