//! Support contracts and their ledger.

use super::page::{ListQuery, Order, Select, fetch_list};
use super::{Cursor, Listing, Page, Store, from_millis};
use crate::domain::contract::{Contract, LedgerEntry, LedgerKind, RequestOwner};
use crate::domain::identifiers::{AccessId, ContractId};
use crate::domain::policy::Scope;
use crate::domain::{AccountId, OrganizationId};
use crate::error::Result;
use crate::on_pool;
use time::Date;

/// A contract about to be issued.
pub struct NewContract {
    pub contract_id: ContractId,
    pub access_id: AccessId,
    pub organization_id: OrganizationId,
    pub plan_code: String,
    pub scopes: Vec<Scope>,
    /// `None`: unlimited.
    pub allotted: Option<i64>,
    pub start: Date,
    pub end: Date,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ContractRow {
    id: i64,
    contract_code: String,
    access_id: String,
    organization_id: i64,
    plan_code: String,
    scopes: String,
    allotted: Option<i64>,
    used: i64,
    starts_on: Date,
    ends_on: Date,
    created_at: i64,
}

impl crate::store::direct::DirectRow for ContractRow {
    /// The columns of [`CONTRACT_COLUMNS`], in order, from `start`.
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Self::from_direct_at(row, 0)
    }
}

impl ContractRow {
    /// The columns of [`CONTRACT_COLUMNS`], in order, from column `start` of a direct read.
    pub(crate) fn from_direct_at(row: &rusqlite::Row<'_>, start: usize) -> rusqlite::Result<Self> {
        use crate::store::direct::date;
        Ok(Self {
            id: row.get(start)?,
            contract_code: row.get(start + 1)?,
            access_id: row.get(start + 2)?,
            organization_id: row.get(start + 3)?,
            plan_code: row.get(start + 4)?,
            scopes: row.get(start + 5)?,
            allotted: row.get(start + 6)?,
            used: row.get(start + 7)?,
            starts_on: date(row, start + 8)?,
            ends_on: date(row, start + 9)?,
            created_at: row.get(start + 10)?,
        })
    }

    pub(crate) fn into_contract(self) -> Result<Contract> {
        let contract_id = ContractId::parse(&self.contract_code)
            .map_err(|_| anyhow::anyhow!("contract {} has a malformed contract code", self.id))?;
        let access_id = AccessId::parse(&self.access_id)
            .map_err(|_| anyhow::anyhow!("contract {} has a malformed access id", self.id))?;
        Ok(Contract {
            id: self.id,
            contract_id,
            access_id,
            organization_id: OrganizationId(self.organization_id),
            plan_code: self.plan_code,
            scopes: decode_scopes(&self.scopes),
            allotted: self.allotted,
            used: self.used,
            start: self.starts_on,
            end: self.ends_on,
            created_at: from_millis(self.created_at),
        })
    }
}

pub(crate) fn encode_scopes(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn decode_scopes(text: &str) -> Vec<Scope> {
    text.split(',')
        .filter_map(|s| match s {
            "on_premises" => Some(Scope::OnPremises),
            "cloud" => Some(Scope::Cloud),
            _ => None,
        })
        .collect()
}

pub(crate) const CONTRACT_COLUMNS: &str = "id, contract_code, access_id, organization_id, plan_code, scopes, allotted, used, starts_on, ends_on, created_at";

/// See [`Store::usage_by_day`].
const USAGE_BY_DAY_SQL: &str = "SELECT at / 86400000, CAST(SUM(CASE WHEN kind = 'consume' THEN amount ELSE -amount END) AS BIGINT) \
     FROM ledger_entries WHERE contract_id = $1 AND kind IN ('consume', 'refund') \
     GROUP BY at / 86400000 ORDER BY at / 86400000";

/// See [`Store::unlinked_contracts`].
const UNLINKED_SQL: &str = "SELECT c.id, c.contract_code, c.access_id, c.organization_id, c.plan_code, c.scopes, \
     c.allotted, c.used, c.starts_on, c.ends_on, c.created_at FROM contracts c \
     WHERE c.organization_id = $1 AND c.id > $2 AND (c.allotted IS NULL OR c.used < c.allotted) \
     AND NOT EXISTS (SELECT 1 FROM contract_links l WHERE l.contract_id = c.id AND l.account_id = $3 \
     AND l.revoked_at IS NULL) ORDER BY c.id LIMIT $4";

/// A contract as its balance answer shows it.
#[derive(Debug, Clone)]
pub struct ContractView {
    pub contract: Contract,
    pub organization_name: String,
    /// When the viewer linked it, if they hold a live link.
    pub linked_at: Option<time::OffsetDateTime>,
}

/// A page of a contract's ledger, oldest first.
#[derive(Debug, Clone, Default)]
pub struct LedgerPage {
    pub entries: Vec<LedgerEntry>,
    /// The cursor of the older entries (`before`), when there are any.
    pub older: Option<i64>,
}

/// How many ledger entries a balance answer or a page of the ledger shows by default.
pub const LEDGER_PAGE: i64 = 20;

const VIEW_SQL: &str = "SELECT c.id, c.contract_code, c.access_id, c.organization_id, c.plan_code, c.scopes, c.allotted, \
     c.used, c.starts_on, c.ends_on, c.created_at, o.name AS organization_name, \
     (SELECT l.linked_at FROM contract_links l WHERE l.contract_id = c.id AND l.account_id = $2 AND l.revoked_at IS NULL) AS linked_at \
     FROM contracts c JOIN organizations o ON o.id = c.organization_id WHERE c.contract_code = $1";

/// A ledger query: the columns of [`LedgerRow`] from `ledger_entries l` and the request each
/// entry names, then `$rest` (the conditions and order).
macro_rules! ledger_query {
    ($rest:literal) => {
        concat!(
            "SELECT l.id, l.kind, l.amount, l.request_id, l.actor_id, l.reason, l.at, \
             r.created_at AS request_created, r.created_by AS request_by, r.organization_id AS request_organization \
             FROM ledger_entries l LEFT JOIN support_requests r ON r.id = l.request_id ",
            $rest
        )
    };
}

const LEDGER_PAGE_SQL: &str = ledger_query!(
    "WHERE l.contract_id = $1 AND ($2 IS NULL OR l.id < $2) ORDER BY l.id DESC LIMIT $3"
);

#[derive(sqlx::FromRow)]
struct ViewRow {
    #[sqlx(flatten)]
    contract: ContractRow,
    organization_name: String,
    linked_at: Option<i64>,
}

impl crate::store::direct::DirectRow for ViewRow {
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            contract: ContractRow::from_direct_at(row, 0)?,
            organization_name: row.get(11)?,
            linked_at: row.get(12)?,
        })
    }
}

/// A ledger entry as read, with the request it names.
#[derive(sqlx::FromRow)]
struct LedgerRow {
    id: i64,
    kind: String,
    amount: Option<i64>,
    request_id: Option<i64>,
    actor_id: Option<i64>,
    reason: Option<String>,
    at: i64,
    request_created: Option<i64>,
    request_by: Option<i64>,
    request_organization: Option<i64>,
}

impl crate::store::direct::DirectRow for LedgerRow {
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            kind: row.get(1)?,
            amount: row.get(2)?,
            request_id: row.get(3)?,
            actor_id: row.get(4)?,
            reason: row.get(5)?,
            at: row.get(6)?,
            request_created: row.get(7)?,
            request_by: row.get(8)?,
            request_organization: row.get(9)?,
        })
    }
}

impl LedgerRow {
    fn into_entry(self) -> Result<LedgerEntry> {
        let kind = LedgerKind::parse(&self.kind).ok_or_else(|| {
            anyhow::anyhow!("ledger entry {} has unknown kind {:?}", self.id, self.kind)
        })?;
        let request_number = self
            .request_id
            .zip(self.request_created)
            .map(|(request, created)| {
                crate::domain::request::format_number(from_millis(created).year(), request)
            });
        Ok(LedgerEntry {
            id: self.id,
            kind,
            amount: self.amount,
            request_id: self.request_id,
            request_number,
            actor_id: self.actor_id.map(AccountId),
            reason: self.reason,
            at: from_millis(self.at),
            request_owner: self.request_by.map(|created_by| RequestOwner {
                created_by: AccountId(created_by),
                organization: self.request_organization.map(OrganizationId),
            }),
        })
    }
}

impl Store {
    /// Issues a contract with its grant entry (paid-plan orders; activations use
    /// `complete_activation`, which issues inside their own transaction).
    pub async fn issue_contract(
        &self,
        new: &NewContract,
        actor: Option<AccountId>,
        now: time::OffsetDateTime,
    ) -> Result<i64> {
        let now = crate::store::to_millis(now);
        let id = crate::in_tx!(self, tx => issue_contract!(tx, new, actor, now));
        Ok(id)
    }

    pub async fn contract(&self, id: i64) -> Result<Option<Contract>> {
        let sql = format!("SELECT {CONTRACT_COLUMNS} FROM contracts WHERE id = $1");
        let row: Option<ContractRow> = self.fetch_optional(&sql, &[id.into()]).await?;
        row.map(ContractRow::into_contract).transpose()
    }

    /// One page of the contracts an organization owns, oldest first.
    pub async fn contracts_page(
        &self,
        organization: OrganizationId,
        page: Page,
    ) -> Result<Listing<Contract>> {
        let query = list_query(organization, &page)?;
        let rows = fetch_list!(self, query, ContractRow)?;
        Listing::from_rows(rows, &page, |row| Cursor::id(row.id))
            .try_map(ContractRow::into_contract)
    }

    /// The organization's contracts that `account` holds no live link to and that have
    /// incidents left (or are unlimited), oldest first, after the contract `after`: one
    /// page of at most `limit` along the organization's index, however many it owns.
    pub async fn unlinked_contracts(
        &self,
        organization: OrganizationId,
        account: AccountId,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Contract>> {
        let rows: Vec<ContractRow> = self
            .fetch_all(
                UNLINKED_SQL,
                &[
                    organization.0.into(),
                    after.into(),
                    account.0.into(),
                    limit.into(),
                ],
            )
            .await?;
        rows.into_iter().map(ContractRow::into_contract).collect()
    }

    /// Every contract an organization owns, oldest first (the demo loader).
    pub async fn contracts_of(&self, organization: OrganizationId) -> Result<Vec<Contract>> {
        let sql = format!(
            "SELECT {CONTRACT_COLUMNS} FROM contracts WHERE organization_id = $1 ORDER BY id"
        );
        let rows: Vec<ContractRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(organization.0).fetch_all(pool).await)?;
        rows.into_iter().map(ContractRow::into_contract).collect()
    }

    /// A contract by its Contract ID with its owner's name and, if `account` holds a live link
    /// to it, when that link was made: one indexed read (the balance answer's first).
    pub async fn contract_view(
        &self,
        code: &ContractId,
        account: AccountId,
    ) -> Result<Option<ContractView>> {
        let row: Option<ViewRow> = self
            .fetch_optional(VIEW_SQL, &[code.as_str().into(), account.0.into()])
            .await?;
        row.map(|row| {
            Ok(ContractView {
                contract: row.contract.into_contract()?,
                organization_name: row.organization_name,
                linked_at: row.linked_at.map(from_millis),
            })
        })
        .transpose()
    }

    /// One page of a contract's ledger, oldest first: the `limit` latest entries before the
    /// entry `before` (the latest of all without it), and the cursor of the page before it
    /// (the oldest entry shown) when there are older entries. An index walk of `limit + 1`
    /// rows however long the ledger is.
    pub async fn ledger_page(
        &self,
        contract: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<LedgerPage> {
        let rows: Vec<LedgerRow> = self
            .fetch_all(
                LEDGER_PAGE_SQL,
                &[contract.into(), before.into(), (limit + 1).into()],
            )
            .await?;
        let more = rows.len() as i64 > limit;
        let mut entries = rows
            .into_iter()
            .take(limit as usize)
            .map(LedgerRow::into_entry)
            .collect::<Result<Vec<_>>>()?;
        entries.reverse();
        let older = more.then(|| entries.first().map(|e| e.id)).flatten();
        Ok(LedgerPage { entries, older })
    }

    /// The net incidents used on each day of the contract's ledger (consumes less refunds),
    /// day by day: what the usage chart draws, one row per day however many entries.
    pub async fn usage_by_day(&self, contract: i64) -> Result<Vec<(Date, i64)>> {
        let rows: Vec<(i64, i64)> = self.fetch_all(USAGE_BY_DAY_SQL, &[contract.into()]).await?;
        Ok(rows
            .into_iter()
            .map(|(day, delta)| (from_millis(day * 86_400_000).date(), delta))
            .collect())
    }

    /// Every entry of a contract's ledger, oldest first (for checks and tests; answers show
    /// pages, [`Store::ledger_page`]).
    pub async fn ledger(&self, contract: i64) -> Result<Vec<LedgerEntry>> {
        let rows: Vec<LedgerRow> = self
            .fetch_all(
                ledger_query!("WHERE l.contract_id = $1 ORDER BY l.id"),
                &[contract.into()],
            )
            .await?;
        rows.into_iter().map(LedgerRow::into_entry).collect()
    }
}

/// Binds and runs the two inserts that issue a contract (the contract, then its grant).
macro_rules! issue_contract {
    ($tx:expr, $new:expr, $actor:expr, $now:expr) => {{
        let new: &$crate::store::contracts::NewContract = $new;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO contracts (contract_code, access_id, organization_id, plan_code, scopes, allotted, used, starts_on, ends_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9) RETURNING id",
        )
        .bind(new.contract_id.as_str())
        .bind(new.access_id.as_str())
        .bind(new.organization_id.0)
        .bind(&new.plan_code)
        .bind($crate::store::contracts::encode_scopes(&new.scopes))
        .bind(new.allotted)
        .bind(new.start)
        .bind(new.end)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await?;
        sqlx::query("INSERT INTO ledger_entries (contract_id, kind, amount, actor_id, at) VALUES ($1, 'grant', $2, $3, $4)")
            .bind(id)
            .bind(new.allotted)
            .bind($actor.map(|a: $crate::domain::AccountId| a.0))
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        id
    }};
}
pub(crate) use issue_contract;

impl Store {
    /// Records a paid-plan order and issues its contract, in one transaction.
    pub async fn insert_order(
        &self,
        new: &NewContract,
        actor: AccountId,
        now: time::OffsetDateTime,
    ) -> Result<i64> {
        let now = crate::store::to_millis(now);
        let id = crate::in_tx!(self, tx => {
            let contract = issue_contract!(tx, new, Some(actor), now);
            sqlx::query("INSERT INTO orders (organization_id, plan_code, contract_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(new.organization_id.0)
                .bind(&new.plan_code)
                .bind(contract)
                .bind(actor.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let entry = crate::store::audit::AuditEntry::new(
                Some(actor.0),
                "contract.ordered",
                format!("contract:{}", new.contract_id),
                serde_json::json!({"organization": new.organization_id.0, "plan": new.plan_code, "allotted": new.allotted,
                                   "start": new.start.to_string(), "end": new.end.to_string()}),
            );
            crate::store::audit::append_audit!(tx, &entry, now);
            contract
        });
        Ok(id)
    }
}

impl Store {
    /// Contracts whose last day falls in `[from, to]`, with the emails of their organization's
    /// Global admins and Partner admins.
    pub async fn contracts_ending_between(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<(Contract, Vec<Recipient>)>> {
        let sql = format!(
            "SELECT {CONTRACT_COLUMNS} FROM contracts WHERE ends_on >= $1 AND ends_on <= $2 ORDER BY id"
        );
        let rows: Vec<ContractRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(from).bind(to).fetch_all(pool).await)?;
        let mut result = Vec::new();
        for row in rows {
            let contract = row.into_contract()?;
            let admins: Vec<(i64, String, Option<String>)> = on_pool!(self, pool => sqlx::query_as(
                "SELECT DISTINCT a.id, a.email, a.language FROM accounts a JOIN account_roles r ON r.account_id = a.id \
                 WHERE a.organization_id = $1 AND r.role IN ('global_admin', 'partner_admin') ORDER BY a.email",
            )
            .bind(contract.organization_id.0)
            .fetch_all(pool)
            .await)?;
            let admins = admins
                .into_iter()
                .map(|(id, email, language)| Recipient {
                    account_id: AccountId(id),
                    email,
                    language: language.as_deref().and_then(crate::domain::Language::parse),
                })
                .collect();
            result.push((contract, admins));
        }
        Ok(result)
    }
}

/// Someone a notice goes to, with the language they read it in (`None`: the default).
#[derive(Debug, Clone)]
pub struct Recipient {
    pub account_id: AccountId,
    pub email: String,
    pub language: Option<crate::domain::Language>,
}

/// An organization's contract list: oldest first, on `contracts_organization_id`.
pub fn list_query(organization: OrganizationId, page: &Page) -> Result<ListQuery<'static>> {
    let mut select = Select::new(format!("SELECT {CONTRACT_COLUMNS} FROM contracts"));
    let org = select.arg(organization.0);
    select.when(format!("organization_id = {org}"));
    if let Some(after) = &page.after {
        select.after_id("id", Order::Ascending, after.as_id()?);
    }
    Ok(select.finish(&["id"], Order::Ascending, page))
}
