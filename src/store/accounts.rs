//! Accounts, their organization roles and the operator role.

use super::audit::{AuditEntry, append_audit};
use super::page::{ListQuery, Order, Select, fetch_list};
use super::{Backend, Cursor, Listing, Page, Store, from_millis, to_millis};
use crate::domain::account::Account;
use crate::domain::{AccountId, AccountKind, Email, Language, OrganizationId, Role};
use crate::error::{Error, Result, is_unique_violation};
use crate::{in_tx, on_pool, on_write_pool};
use time::OffsetDateTime;

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    email: String,
    display_name: String,
    kind: String,
    language: Option<String>,
    time_zone: Option<String>,
    organization_id: Option<i64>,
    roles: Option<String>,
    created_at: i64,
}

impl AccountRow {
    fn into_account(self) -> Result<Account> {
        let kind = AccountKind::parse(&self.kind).ok_or_else(|| {
            anyhow::anyhow!("account {} has unknown kind {:?}", self.id, self.kind)
        })?;
        let mut roles: Vec<Role> = self
            .roles
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter_map(Role::parse)
            .collect();
        roles.sort();
        Ok(Account {
            id: AccountId(self.id),
            email: Email::from_stored(self.email),
            display_name: self.display_name,
            kind,
            language: self.language.as_deref().and_then(Language::parse),
            time_zone: self.time_zone,
            organization_id: self.organization_id.map(OrganizationId),
            roles,
            created_at: from_millis(self.created_at),
        })
    }
}

/// A validated new account; `password_hash` is already an argon2id PHC string.
pub struct NewAccount {
    pub email: Email,
    pub display_name: String,
    pub kind: AccountKind,
    pub password_hash: String,
    pub language: Option<Language>,
    pub organization_id: Option<OrganizationId>,
    pub roles: Vec<Role>,
}

/// What removing an account from its organization took from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// The organization roles it held.
    pub roles: Vec<Role>,
    /// The Contract IDs of the organization's contracts whose links were revoked.
    pub revoked_contracts: Vec<String>,
}

/// The account's organization and whether it holds the Global admin role.
const HELD_GLOBAL_ADMIN: &str = "SELECT a.organization_id, \
     (SELECT COUNT(*) FROM account_roles r WHERE r.account_id = a.id AND r.role = 'global_admin') \
     FROM accounts a WHERE a.id = $1";

/// How many other accounts of the organization hold the Global admin role.
const OTHER_GLOBAL_ADMINS: &str = "SELECT COUNT(*) FROM account_roles r JOIN accounts a ON a.id = r.account_id \
     WHERE a.organization_id = $1 AND r.role = 'global_admin' AND a.id <> $2";

/// What sign-in needs: the account and its password hash.
pub struct Credentials {
    pub account_id: AccountId,
    pub password_hash: String,
}

fn select(backend: Backend, filter: &str) -> String {
    let aggregate = match backend {
        Backend::Sqlite => "group_concat(role, ',')",
        Backend::Postgres => "string_agg(role, ',')",
    };
    format!(
        "SELECT a.id, a.email, a.display_name, a.kind, a.language, a.time_zone, a.organization_id, \
         (SELECT {aggregate} FROM account_roles r WHERE r.account_id = a.id) AS roles, a.created_at \
         FROM accounts a {filter}"
    )
}

impl Store {
    /// Inserts the account and its roles in one transaction.
    pub async fn insert_account(&self, new: &NewAccount, now: OffsetDateTime) -> Result<AccountId> {
        let inserted: std::result::Result<i64, sqlx::Error> = async {
            Ok(in_tx!(self, tx => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO accounts (email, display_name, kind, password_hash, language, organization_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(new.email.as_str())
                .bind(&new.display_name)
                .bind(new.kind.as_str())
                .bind(&new.password_hash)
                .bind(new.language.map(Language::code))
                .bind(new.organization_id.map(|id| id.0))
                .bind(to_millis(now))
                .fetch_one(&mut *tx)
                .await?;
                for role in &new.roles {
                    sqlx::query("INSERT INTO account_roles (account_id, role) VALUES ($1, $2)")
                        .bind(id)
                        .bind(role.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                id
            }))
        }
        .await;
        match inserted {
            Ok(id) => Ok(AccountId(id)),
            Err(error) if is_unique_violation(&error) => Err(Error::EmailTaken),
            Err(error) => Err(error.into()),
        }
    }

    pub async fn account(&self, id: AccountId) -> Result<Option<Account>> {
        let sql = select(self.backend(), "WHERE a.id = $1");
        let row: Option<AccountRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(id.0).fetch_optional(pool).await)?;
        row.map(AccountRow::into_account).transpose()
    }

    pub async fn credentials(&self, email: &Email) -> Result<Option<Credentials>> {
        let row: Option<(i64, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, password_hash FROM accounts WHERE email = $1",
        )
        .bind(email.as_str())
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|(id, password_hash)| Credentials {
            account_id: AccountId(id),
            password_hash,
        }))
    }

    /// Accounts ordered by email, optionally only one organization's, a page at a time.
    pub async fn accounts(
        &self,
        organization: Option<OrganizationId>,
        page: Page,
    ) -> Result<Listing<Account>> {
        let query = list_query(self.backend(), organization, &page)?;
        let rows = fetch_list!(self, query, AccountRow)?;
        Listing::from_rows(rows, &page, |row| Cursor::id(row.id)).try_map(AccountRow::into_account)
    }

    /// The display names of `organization`'s accounts that hold one of `roles`, other than
    /// `except`, by email: the first `limit`, however many accounts the organization has.
    pub async fn names_with_roles(
        &self,
        organization: OrganizationId,
        except: AccountId,
        roles: &[Role],
        limit: i64,
    ) -> Result<Vec<String>> {
        if roles.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = (0..roles.len())
            .map(|i| format!("${}", i + 4))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT a.display_name, a.email FROM accounts a WHERE a.organization_id = $1 AND a.id <> $2 \
             AND EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = a.id AND r.role IN ({placeholders})) \
             ORDER BY a.email LIMIT $3"
        );
        let mut args: Vec<super::writer::Arg<'_>> =
            vec![organization.0.into(), except.0.into(), limit.into()];
        args.extend(
            roles
                .iter()
                .map(|role| super::writer::Arg::from(role.as_str())),
        );
        let rows: Vec<(String, String)> = self.fetch_all(&sql, &args).await?;
        Ok(rows.into_iter().map(|(name, _)| name).collect())
    }

    /// Replaces the account's roles with `roles`; refused with `last_global_admin` when it would
    /// take the Global admin role from the last account of its organization that holds it.
    /// The check and the change are one transaction, serialized with every other account
    /// change (SQLite's write lock, PostgreSQL's write lock of `in_tx!`).
    pub async fn set_roles(
        &self,
        account: AccountId,
        roles: &[Role],
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<()> {
        let now = to_millis(now);
        in_tx!(self, tx => {
            if !roles.contains(&Role::GlobalAdmin) {
                let held: Option<(Option<i64>, i64)> = sqlx::query_as(HELD_GLOBAL_ADMIN)
                    .bind(account.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some((Some(organization), 1..)) = held {
                    let others: i64 = sqlx::query_scalar(OTHER_GLOBAL_ADMINS)
                        .bind(organization)
                        .bind(account.0)
                        .fetch_one(&mut *tx)
                        .await?;
                    if others == 0 {
                        return Err(Error::LastGlobalAdmin);
                    }
                }
            }
            sqlx::query("DELETE FROM account_roles WHERE account_id = $1")
                .bind(account.0)
                .execute(&mut *tx)
                .await?;
            for role in roles {
                sqlx::query("INSERT INTO account_roles (account_id, role) VALUES ($1, $2)")
                    .bind(account.0)
                    .bind(role.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            append_audit!(tx, audit, now);
        });
        self.caches.forget_callers();
        Ok(())
    }

    /// How many accounts of the organization hold the Global admin role.
    pub async fn global_admins(&self, organization: OrganizationId) -> Result<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar(OTHER_GLOBAL_ADMINS)
            .bind(organization.0)
            .bind(0_i64)
            .fetch_one(pool)
            .await)?,
        )
    }

    /// Takes the account out of `organization`: its organization is cleared, its organization
    /// roles go (the operator role stays) and its live links to the organization's contracts
    /// are revoked by `by`, each audited as `contract.link_revoked`; `audit` is appended with
    /// the roles and contracts taken added to its details. `not_found` when the account is not
    /// (or no longer) in the organization; `last_global_admin` when it is the organization's
    /// last Global admin. One transaction, serialized like [`Self::set_roles`].
    pub async fn remove_from_organization(
        &self,
        account: AccountId,
        organization: OrganizationId,
        by: AccountId,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<Removal> {
        let at = to_millis(now);
        let removal = in_tx!(self, tx => {
            let held: Option<(Option<i64>, i64)> = sqlx::query_as(HELD_GLOBAL_ADMIN)
                .bind(account.0)
                .fetch_optional(&mut *tx)
                .await?;
            match held {
                Some((Some(org), global_admin)) if org == organization.0 => {
                    if global_admin > 0 {
                        let others: i64 = sqlx::query_scalar(OTHER_GLOBAL_ADMINS)
                            .bind(organization.0)
                            .bind(account.0)
                            .fetch_one(&mut *tx)
                            .await?;
                        if others == 0 {
                            return Err(Error::LastGlobalAdmin);
                        }
                    }
                }
                _ => return Err(Error::NotFound),
            }
            let roles: Vec<String> = sqlx::query_scalar(
                "SELECT role FROM account_roles WHERE account_id = $1 AND role <> 'operator' ORDER BY role",
            )
            .bind(account.0)
            .fetch_all(&mut *tx)
            .await?;
            let contracts: Vec<String> = sqlx::query_scalar(
                "SELECT c.contract_code FROM contract_links l JOIN contracts c ON c.id = l.contract_id \
                 WHERE l.account_id = $1 AND l.revoked_at IS NULL AND c.organization_id = $2 \
                 ORDER BY l.linked_at, l.id",
            )
            .bind(account.0)
            .bind(organization.0)
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query("UPDATE accounts SET organization_id = NULL WHERE id = $1 AND organization_id = $2")
                .bind(account.0)
                .bind(organization.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM account_roles WHERE account_id = $1 AND role <> 'operator'")
                .bind(account.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE contract_links SET revoked_at = $1, revoked_by = $2 \
                 WHERE account_id = $3 AND revoked_at IS NULL \
                 AND contract_id IN (SELECT id FROM contracts WHERE organization_id = $4)",
            )
            .bind(at)
            .bind(by.0)
            .bind(account.0)
            .bind(organization.0)
            .execute(&mut *tx)
            .await?;
            for contract in &contracts {
                let revoked = AuditEntry::new(
                    audit.actor_id,
                    "contract.link_revoked",
                    format!("contract:{contract}"),
                    serde_json::json!({"account": account.0, "reason": "removed_from_organization"}),
                );
                append_audit!(tx, &revoked, at);
            }
            let mut entry = audit.clone();
            if let Some(details) = entry.details.as_object_mut() {
                details.insert("roles".to_owned(), serde_json::json!(roles));
                details.insert("revoked_links".to_owned(), serde_json::json!(contracts));
            }
            append_audit!(tx, &entry, at);
            Removal {
                roles: roles.iter().filter_map(|role| Role::parse(role)).collect(),
                revoked_contracts: contracts,
            }
        });
        self.caches.forget_callers();
        Ok(removal)
    }

    pub async fn set_language(&self, account: AccountId, language: Language) -> Result<()> {
        on_write_pool!(self, pool => sqlx::query("UPDATE accounts SET language = $1 WHERE id = $2")
            .bind(language.code())
            .bind(account.0)
            .execute(pool)
            .await
            .map(|_| ()))?;
        self.caches.forget_callers();
        Ok(())
    }

    /// The time zone the account reads times in (None: the browser's).
    pub async fn set_time_zone(&self, account: AccountId, time_zone: Option<&str>) -> Result<()> {
        on_write_pool!(self, pool => sqlx::query("UPDATE accounts SET time_zone = $1 WHERE id = $2")
            .bind(time_zone)
            .bind(account.0)
            .execute(pool)
            .await
            .map(|_| ()))?;
        self.caches.forget_callers();
        Ok(())
    }

    pub async fn set_password_hash(&self, account: AccountId, password_hash: &str) -> Result<()> {
        on_write_pool!(self, pool => sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(account.0)
            .execute(pool)
            .await
            .map(|_| ()))?;
        self.caches.forget_callers();
        Ok(())
    }
}

/// The account list's statement: by email (unique), on its unique index or, for one
/// organization, on `accounts_organization_email`; the cursor is the last row's id, its email
/// read back within the same organization.
pub fn list_query(
    backend: Backend,
    organization: Option<OrganizationId>,
    page: &Page,
) -> Result<ListQuery<'static>> {
    let mut select = Select::new(select(backend, ""));
    let mut scope = String::new();
    if let Some(organization) = organization {
        let org = select.arg(organization.0);
        select.when(format!("a.organization_id = {org}"));
        scope = format!(" AND organization_id = {org}");
    }
    if let Some(after) = &page.after {
        let id = select.arg(after.as_id()?);
        select.when(format!(
            "a.email > (SELECT email FROM accounts WHERE id = {id}{scope})"
        ));
    }
    Ok(select.finish(&["a.email"], Order::Ascending, page))
}
