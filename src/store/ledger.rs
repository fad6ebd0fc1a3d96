//! Balance changes. Each is one transaction whose first statement is the guarded write on the
//! contract's counters; the ledger entry follows only if that write took. So counters and
//! ledger always agree, and no concurrency can overspend, double-refund or go below zero.

use super::{Store, to_millis};
use crate::domain::AccountId;
use crate::error::Result;
use crate::{in_tx, on_pool};
use time::OffsetDateTime;

/// One contract whose counters disagree with its ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerMismatch {
    pub contract_code: String,
    /// Counters as stored: (allotted, used); `None` allotted is unlimited.
    pub stored: (Option<i64>, i64),
    /// The same, summed from the ledger.
    pub from_ledger: (Option<i64>, i64),
}

/// A ledger entry's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Consume,
    Refund,
}

impl EntryKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Consume => "consume",
            Self::Refund => "refund",
        }
    }
}

/// What a guarded consume took: the contract's counters after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub contract: i64,
    /// `None`: unlimited.
    pub allotted: Option<i64>,
    pub used: i64,
}

/// The balance steps of a write unit: one copy of the guarded SQL, run by filing, refunds and
/// the ledger's property test alike.
impl super::writer::Tx<'_> {
    /// Uses one incident: the guarded update. `None` when none is left; otherwise the
    /// incidents remaining after it (`None` inside for an unlimited contract).
    pub async fn consume(&mut self, contract: i64) -> Result<Option<Option<i64>>> {
        Ok(self
            .consume_many(&[(contract, 1)])
            .await?
            .first()
            .map(|taken| taken.allotted.map(|allotted| allotted - taken.used)))
    }

    /// Uses `count` incidents of each contract in one guarded update per run of rows: a
    /// contract takes all its `count` or none (then it is absent from the answer, and its
    /// counter is unchanged). The one statement every consume runs, single or grouped (on
    /// PostgreSQL with the rows locked in the order of their ids first).
    pub async fn consume_many(&mut self, wanted: &[(i64, i64)]) -> Result<Vec<Taken>> {
        use super::writer::Column;
        let rows: Vec<super::writer::Arg<'_>> = wanted
            .iter()
            .flat_map(|&(contract, count)| [contract.into(), count.into()])
            .collect();
        const COLUMNS: &[Column] = &[Column::Int, Column::Int];
        let taken = if self.is_postgres() {
            // On PostgreSQL the contracts' rows are locked in the order of their ids before any is
            // changed (and even those that cannot take their count), so two transactions
            // consuming from the same contracts never hold one each and wait for the other.
            let sql = super::writer::unnest_sql(
                "WITH v AS MATERIALIZED (SELECT * FROM {rows1}), \
                 locked AS MATERIALIZED (SELECT c.id FROM contracts c JOIN v ON c.id = v.column1 \
                 ORDER BY c.id FOR NO KEY UPDATE OF c) \
                 UPDATE contracts SET used = contracts.used + v.column2 FROM v JOIN locked ON locked.id = v.column1 \
                 WHERE contracts.id = v.column1 \
                 AND (contracts.allotted IS NULL OR contracts.used + v.column2 <= contracts.allotted) \
                 RETURNING contracts.id, contracts.allotted, contracts.used",
                &[COLUMNS],
            );
            self.unnest(sql, &[(COLUMNS, &rows)]).await?
        } else {
            self.rows_of(
                "UPDATE contracts SET used = contracts.used + v.column2 FROM {rows} \
                 WHERE contracts.id = v.column1 \
                 AND (contracts.allotted IS NULL OR contracts.used + v.column2 <= contracts.allotted) \
                 RETURNING contracts.id, contracts.allotted, contracts.used",
                COLUMNS,
                &rows,
            )
            .await?
        };
        let taken = taken
            .into_iter()
            .filter_map(|row| match row[..] {
                [Some(contract), allotted, Some(used)] => Some(Taken {
                    contract,
                    allotted,
                    used,
                }),
                _ => None,
            })
            .collect();
        Ok(taken)
    }

    /// Gives one incident back: the guarded update. False when nothing is used.
    pub async fn give_back(&mut self, contract: i64) -> Result<bool> {
        let given = self
            .run(
                "UPDATE contracts SET used = used - 1 WHERE id = $1 AND used > 0",
                &[contract.into()],
            )
            .await?;
        Ok(given == 1)
    }

    /// The ledger entry of a consume or refund that took.
    pub async fn record_entry(
        &mut self,
        contract: i64,
        kind: EntryKind,
        request: Option<i64>,
        actor: Option<i64>,
        reason: Option<&str>,
        now: i64,
    ) -> Result<()> {
        self.run(
            "INSERT INTO ledger_entries (contract_id, kind, amount, request_id, actor_id, reason, at) \
             VALUES ($1, $2, 1, $3, $4, $5, $6)",
            &[
                contract.into(),
                kind.as_str().into(),
                request.into(),
                actor.into(),
                reason.into(),
                now.into(),
            ],
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// Uses one incident; false when none is left.
    pub async fn consume(
        &self,
        contract: i64,
        request: Option<i64>,
        actor: Option<AccountId>,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let now = to_millis(now);
        let actor = actor.map(|a| a.0);
        self.write(move |tx| {
            Box::pin(async move {
                if tx.consume(contract).await?.is_none() {
                    return Ok(false);
                }
                tx.record_entry(contract, EntryKind::Consume, request, actor, None, now)
                    .await?;
                Ok(true)
            })
        })
        .await
    }

    /// Gives one incident back; false when nothing is used.
    pub async fn refund(
        &self,
        contract: i64,
        request: Option<i64>,
        actor: Option<AccountId>,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let now = to_millis(now);
        let actor = actor.map(|a| a.0);
        let reason = reason.to_owned();
        self.write(move |tx| {
            // A unit may run again (after a deadlock): each run owns its copy.
            let reason = reason.clone();
            Box::pin(async move {
                if !tx.give_back(contract).await? {
                    return Ok(false);
                }
                tx.record_entry(
                    contract,
                    EntryKind::Refund,
                    request,
                    actor,
                    Some(&reason),
                    now,
                )
                .await?;
                Ok(true)
            })
        })
        .await
    }

    /// Changes a counted contract's allotment by `delta`; false if it is unlimited or the new
    /// allotment would be below what is already used.
    pub async fn adjust(
        &self,
        contract: i64,
        delta: i64,
        actor: Option<AccountId>,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let now = to_millis(now);
        Ok(in_tx!(self, tx => {
            let changed = sqlx::query(
                "UPDATE contracts SET allotted = allotted + $1 WHERE id = $2 AND allotted IS NOT NULL AND allotted + $1 >= used",
            )
            .bind(delta)
            .bind(contract)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                sqlx::query(
                    "INSERT INTO ledger_entries (contract_id, kind, amount, actor_id, reason, at) VALUES ($1, 'adjustment', $2, $3, $4, $5)",
                )
                .bind(contract)
                .bind(delta)
                .bind(actor.map(|a| a.0))
                .bind(reason)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            changed == 1
        }))
    }

    /// Every contract whose counters differ from the sum of its ledger.
    pub async fn ledger_mismatches(&self) -> Result<Vec<LedgerMismatch>> {
        type Row = (String, Option<i64>, i64, i64, i64, i64);
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT c.contract_code, c.allotted, c.used, \
                CAST(COALESCE(SUM(CASE WHEN l.kind IN ('grant', 'adjustment') THEN l.amount ELSE 0 END), 0) AS BIGINT), \
                CAST(COUNT(CASE WHEN l.kind = 'grant' AND l.amount IS NULL THEN 1 END) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN l.kind = 'consume' THEN l.amount WHEN l.kind = 'refund' THEN -l.amount ELSE 0 END), 0) AS BIGINT) \
             FROM contracts c LEFT JOIN ledger_entries l ON l.contract_id = c.id \
             GROUP BY c.id, c.contract_code, c.allotted, c.used ORDER BY c.id",
        )
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .filter_map(
                |(contract_code, allotted, used, granted, unlimited_grants, consumed)| {
                    let from_ledger = (
                        if unlimited_grants > 0 {
                            None
                        } else {
                            Some(granted)
                        },
                        consumed,
                    );
                    let stored = (allotted, used);
                    (stored != from_ledger).then_some(LedgerMismatch {
                        contract_code,
                        stored,
                        from_ledger,
                    })
                },
            )
            .collect())
    }
}
