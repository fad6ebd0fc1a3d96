//! Links between contracts and the accounts that use them; Access ID rotation.

use super::audit::{AuditEntry, append_audit};
use super::contracts::{CONTRACT_COLUMNS, ContractRow};
use super::{Pool, Store, from_millis, to_millis};
use crate::domain::contract::Contract;
use crate::domain::identifiers::{AccessId, ContractId};
use crate::domain::{AccountId, OrganizationId};
use crate::error::{Result, is_unique_violation};
use crate::{in_tx, on_pool};
use std::sync::Arc;
use time::OffsetDateTime;

/// What an attempt to add a link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkOutcome {
    Linked,
    AlreadyLinked,
    LimitReached,
}

/// An account holding a link, for the contract's admins.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LinkHolder {
    #[schema(value_type = i64)]
    pub account_id: AccountId,
    pub email: String,
    pub display_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub linked_at: OffsetDateTime,
}

/// A contract the account linked, with when, and whose it is.
#[derive(Debug, Clone)]
pub struct LinkedContract {
    pub contract: Arc<Contract>,
    pub linked_at: OffsetDateTime,
    pub organization_name: Arc<str>,
}

impl Store {
    pub async fn contract_by_code(&self, code: &ContractId) -> Result<Option<Contract>> {
        let sql = format!("SELECT {CONTRACT_COLUMNS} FROM contracts WHERE contract_code = $1");
        let row: Option<ContractRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(code.as_str()).fetch_optional(pool).await)?;
        row.map(ContractRow::into_contract).transpose()
    }

    /// Links the contract to the account unless it already is, or `max_links` accounts hold it.
    /// The count and the insert happen with the contract row locked (PostgreSQL) or inside the
    /// single writer (SQLite), so concurrent links never exceed the limit.
    pub async fn link(
        &self,
        contract: i64,
        account: AccountId,
        max_links: u32,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<LinkOutcome> {
        let outcome: std::result::Result<LinkOutcome, sqlx::Error> = async {
            Ok(in_tx!(self, tx => {
                if matches!(self.pool, Pool::Postgres(_)) {
                    sqlx::query("SELECT id FROM contracts WHERE id = $1 FOR UPDATE")
                        .bind(contract)
                        .execute(&mut *tx)
                        .await?;
                }
                let existing: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM contract_links WHERE contract_id = $1 AND account_id = $2 AND revoked_at IS NULL",
                )
                .bind(contract)
                .bind(account.0)
                .fetch_one(&mut *tx)
                .await?;
                let live: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM contract_links WHERE contract_id = $1 AND revoked_at IS NULL",
                )
                .bind(contract)
                .fetch_one(&mut *tx)
                .await?;
                if existing > 0 {
                    LinkOutcome::AlreadyLinked
                } else if live >= i64::from(max_links) {
                    LinkOutcome::LimitReached
                } else {
                    sqlx::query("INSERT INTO contract_links (contract_id, account_id, linked_at) VALUES ($1, $2, $3)")
                        .bind(contract)
                        .bind(account.0)
                        .bind(to_millis(now))
                        .execute(&mut *tx)
                        .await?;
                    append_audit!(tx, audit, to_millis(now));
                    LinkOutcome::Linked
                }
            }))
        }
        .await;
        match outcome {
            Ok(outcome) => Ok(outcome),
            Err(error) if is_unique_violation(&error) => Ok(LinkOutcome::AlreadyLinked),
            Err(error) => Err(error.into()),
        }
    }

    /// Whether the account holds a live link to the contract.
    pub async fn is_linked(&self, contract: i64, account: AccountId) -> Result<bool> {
        let count: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM contract_links WHERE contract_id = $1 AND account_id = $2 AND revoked_at IS NULL",
        )
        .bind(contract)
        .bind(account.0)
        .fetch_one(pool)
        .await)?;
        Ok(count > 0)
    }

    /// Ends a live link; false if there was none.
    pub async fn revoke_link(
        &self,
        contract: i64,
        account: AccountId,
        by: AccountId,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let now = to_millis(now);
        Ok(in_tx!(self, tx => {
            let done = sqlx::query(
                "UPDATE contract_links SET revoked_at = $1, revoked_by = $2 \
                 WHERE contract_id = $3 AND account_id = $4 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(by.0)
            .bind(contract)
            .bind(account.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 1 {
                append_audit!(tx, audit, now);
            }
            done == 1
        }))
    }

    /// The accounts holding live links to a contract, oldest first.
    pub async fn link_holders(&self, contract: i64) -> Result<Vec<LinkHolder>> {
        let rows: Vec<(i64, String, String, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT a.id, a.email, a.display_name, l.linked_at FROM contract_links l JOIN accounts a ON a.id = l.account_id \
             WHERE l.contract_id = $1 AND l.revoked_at IS NULL ORDER BY l.linked_at, l.id",
        )
        .bind(contract)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(id, email, display_name, linked_at)| LinkHolder {
                account_id: AccountId(id),
                email,
                display_name,
                linked_at: from_millis(linked_at),
            })
            .collect())
    }

    /// The contracts an account holds live links to, oldest link first. One indexed read of
    /// the links and the counters (always current); the rest of each contract comes from
    /// memory ([`super::cache::Terms`]), read with the links when any is not known yet.
    pub async fn linked_contracts(&self, account: AccountId) -> Result<Vec<LinkedContract>> {
        let links: Vec<(i64, Option<i64>, i64, i64)> = self
            .fetch_all(LINKS_OF_ACCOUNT_SQL, &[account.0.into()])
            .await?;
        let Some(known) = self.caches.terms(links.iter().map(|link| link.0)) else {
            return self.read_linked_contracts(account).await;
        };
        let mut changed = Vec::new();
        let linked = links
            .into_iter()
            .zip(known)
            .map(|((_, allotted, used, linked_at), mut terms)| {
                if terms.contract.allotted != allotted || terms.contract.used != used {
                    let contract = Arc::make_mut(&mut terms.contract);
                    contract.allotted = allotted;
                    contract.used = used;
                    changed.push(terms.clone());
                }
                LinkedContract {
                    contract: terms.contract,
                    linked_at: from_millis(linked_at),
                    organization_name: terms.organization_name,
                }
            })
            .collect();
        self.caches.remember_terms(changed);
        Ok(linked)
    }

    /// [`Store::linked_contracts`] read whole, remembering each contract's terms.
    async fn read_linked_contracts(&self, account: AccountId) -> Result<Vec<LinkedContract>> {
        let rows: Vec<LinkedRow> = self
            .fetch_all(LINKED_CONTRACTS_SQL, &[account.0.into()])
            .await?;
        let linked = rows
            .into_iter()
            .map(|row| {
                Ok(LinkedContract {
                    linked_at: from_millis(row.linked_at),
                    organization_name: row.organization_name.into(),
                    contract: Arc::new(row.contract.into_contract()?),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.caches
            .remember_terms(linked.iter().map(|l| super::cache::Terms {
                contract: l.contract.clone(),
                organization_name: l.organization_name.clone(),
            }));
        Ok(linked)
    }

    /// One contract by its Contract ID, if the account holds a live link to it (filing reads
    /// only the contract that can serve the chosen plan, however many the account linked).
    /// Its terms are remembered ([`super::cache::Terms`]).
    pub async fn linked_contract(
        &self,
        account: AccountId,
        code: &ContractId,
    ) -> Result<Option<Arc<Contract>>> {
        let row: Option<LinkedRow> = self
            .fetch_optional(
                LINKED_CONTRACT_SQL,
                &[code.as_str().into(), account.0.into()],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let contract = Arc::new(row.contract.into_contract()?);
        self.caches.remember_terms([super::cache::Terms {
            contract: contract.clone(),
            organization_name: row.organization_name.into(),
        }]);
        Ok(Some(contract))
    }

    /// Replaces a contract's Access ID; links stay (and this instance forgets the old one).
    pub async fn rotate_access_id(
        &self,
        contract: i64,
        access_id: &AccessId,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        let now = to_millis(now);
        in_tx!(self, tx => {
            sqlx::query("UPDATE contracts SET access_id = $1 WHERE id = $2")
                .bind(access_id.as_str())
                .bind(contract)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, audit, now);
        });
        self.caches.forget_terms(contract);
        Ok(())
    }

    /// The organization owning a contract.
    pub async fn contract_owner(&self, contract: i64) -> Result<Option<OrganizationId>> {
        let owner: Option<i64> = on_pool!(self, pool => sqlx::query_scalar("SELECT organization_id FROM contracts WHERE id = $1")
            .bind(contract)
            .fetch_optional(pool)
            .await)?;
        Ok(owner.map(OrganizationId))
    }
}

/// An account's live links with the counters, oldest link first, along the partial index
/// `contract_links_account_linked` (no sort).
pub const LINKS_OF_ACCOUNT_SQL: &str = "SELECT c.id, c.allotted, c.used, l.linked_at FROM contract_links l \
     JOIN contracts c ON c.id = l.contract_id \
     WHERE l.account_id = $1 AND l.revoked_at IS NULL ORDER BY l.linked_at, l.id";

/// An account's linked contracts whole, oldest link first (when the terms are not known yet).
pub const LINKED_CONTRACTS_SQL: &str = "SELECT c.id, c.contract_code, c.access_id, c.organization_id, c.plan_code, c.scopes, \
     c.allotted, c.used, c.starts_on, c.ends_on, c.created_at, l.linked_at AS linked_at, o.name AS organization_name \
     FROM contract_links l JOIN contracts c ON c.id = l.contract_id JOIN organizations o ON o.id = c.organization_id \
     WHERE l.account_id = $1 AND l.revoked_at IS NULL ORDER BY l.linked_at, l.id";

/// One linked contract by Contract ID: the contract by its unique code first, then the link.
const LINKED_CONTRACT_SQL: &str = "SELECT c.id, c.contract_code, c.access_id, c.organization_id, c.plan_code, c.scopes, \
     c.allotted, c.used, c.starts_on, c.ends_on, c.created_at, l.linked_at AS linked_at, o.name AS organization_name \
     FROM contracts c JOIN contract_links l ON l.contract_id = c.id AND l.account_id = $2 AND l.revoked_at IS NULL \
     JOIN organizations o ON o.id = c.organization_id WHERE c.contract_code = $1";

#[derive(sqlx::FromRow)]
struct LinkedRow {
    #[sqlx(flatten)]
    contract: ContractRow,
    linked_at: i64,
    organization_name: String,
}

impl crate::store::direct::DirectRow for LinkedRow {
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            contract: ContractRow::from_direct_at(row, 0)?,
            linked_at: row.get(11)?,
            organization_name: row.get(12)?,
        })
    }
}
