//! Write units and group commit. A use case hands the store one *write unit*: an async
//! function of a [`Tx`] that runs its steps (consume, insert the request, remember the key,
//! append the audit entry, queue a message) and awaits nothing but the database.
//!
//! One writer per instance owns a write connection and commits units in batches: it takes
//! every unit waiting, opens one transaction, runs each unit inside its own savepoint (a unit
//! that fails is rolled back alone, the others stay), commits once, and only then answers each
//! caller. A caller is therefore answered only once its batch is durable, and a burst of N
//! writers costs one commit (one fsync) instead of N, with no lock contention between them.
//!
//! On SQLite the writer is a thread of its own holding a `rusqlite` connection: a unit's
//! statements run on that thread one after another with no hand-off between threads (the
//! pooled `sqlx` connections, used for reads, pass every statement to a worker thread and
//! back). On PostgreSQL the writer is a task on one connection of its own; a batch's audit
//! entries go into the chain together just before its `COMMIT`, under the chain's lock
//! ([`super::audit::flush_audit`]), so batches of several instances overlap in everything else.
//! A unit or filing that PostgreSQL aborts as a deadlock runs again in the next batch.
//!
//! The steps a unit runs are written once: portable SQL with `$n` parameters and [`Arg`]s,
//! run by [`Tx::run`] and [`Tx::first_i64`] / [`Tx::first_text`] on whichever connection the
//! transaction holds.

use super::Store;
use super::audit::{AuditBuffer, PendingAudit};
use crate::error::{Error, Result};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection as _, PgConnection, SqliteConnection};
use std::future::Future;
use std::pin::Pin;
use tokio::sync::{mpsc, oneshot};

/// A future a write unit returns, borrowing its transaction.
pub type UnitFuture<'t, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 't>>;

/// The transaction a write unit runs its steps on.
pub enum Tx<'c> {
    /// The SQLite writer's own connection, on the writer's thread.
    Direct(&'c mut rusqlite::Connection),
    /// A pooled SQLite connection (an `in_tx!` transaction).
    Sqlite(&'c mut SqliteConnection),
    /// A PostgreSQL transaction (a writer batch, or an `in_tx!` one): its audit entries wait
    /// in the second field and are chained just before `COMMIT`, on the chain it names.
    Postgres(&'c mut PgConnection, &'c mut AuditBuffer),
}

/// One argument of a step's statement, bound to `$n` (the n-th of the slice).
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
    Bool(bool),
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Self::Int(Some(value))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(value: Option<i64>) -> Self {
        Self::Int(value)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Self::Text(Some(value))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Self::Text(value)
    }
}

impl From<bool> for Arg<'_> {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

/// Binds [`Arg`]s to a `sqlx` query, in order.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match *arg {
                $crate::store::writer::Arg::Int(value) => query.bind(value),
                $crate::store::writer::Arg::Text(value) => query.bind(value),
                $crate::store::writer::Arg::Bool(value) => query.bind(value),
            };
        }
        query
    }};
}
pub(crate) use bind_args;

impl Tx<'_> {
    /// Runs one statement; the number of rows it changed.
    pub async fn run(&mut self, sql: &'static str, args: &[Arg<'_>]) -> sqlx::Result<u64> {
        match self {
            Tx::Direct(c) => direct::run(c, sql, args),
            Tx::Sqlite(c) => bind_args!(sqlx::query(sql), args)
                .execute(&mut **c)
                .await
                .map(|done| done.rows_affected()),
            Tx::Postgres(c, _) => bind_args!(sqlx::query(sql), args)
                .execute(&mut **c)
                .await
                .map(|done| done.rows_affected()),
        }
    }

    /// The first column of the first row a statement returns as an integer; `None` when it
    /// returns no row, `Some(None)` for a NULL.
    pub async fn first_i64(
        &mut self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> sqlx::Result<Option<Option<i64>>> {
        match self {
            Tx::Direct(c) => direct::first(c, sql, args),
            Tx::Sqlite(c) => {
                bind_args!(sqlx::query_scalar(sql), args)
                    .fetch_optional(&mut **c)
                    .await
            }
            Tx::Postgres(c, _) => {
                bind_args!(sqlx::query_scalar(sql), args)
                    .fetch_optional(&mut **c)
                    .await
            }
        }
    }

    /// Like [`Tx::first_i64`], for a text column.
    pub async fn first_text(
        &mut self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> sqlx::Result<Option<Option<String>>> {
        match self {
            Tx::Direct(c) => direct::first(c, sql, args),
            Tx::Sqlite(c) => {
                bind_args!(sqlx::query_scalar(sql), args)
                    .fetch_optional(&mut **c)
                    .await
            }
            Tx::Postgres(c, _) => {
                bind_args!(sqlx::query_scalar(sql), args)
                    .fetch_optional(&mut **c)
                    .await
            }
        }
    }

    /// Every row a statement returns, each column read as an integer (`None` for NULL).
    pub async fn rows(
        &mut self,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> sqlx::Result<Vec<Vec<Option<i64>>>> {
        use sqlx::Row;
        fn read<R: Row>(row: &R) -> sqlx::Result<Vec<Option<i64>>>
        where
            for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            usize: sqlx::ColumnIndex<R>,
        {
            (0..row.len())
                .map(|i| row.try_get::<Option<i64>, _>(i))
                .collect()
        }
        match self {
            Tx::Direct(c) => direct::rows(c, sql, args),
            Tx::Sqlite(c) => bind_args!(sqlx::query(sql), args)
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(read)
                .collect(),
            Tx::Postgres(c, _) => bind_args!(sqlx::query(sql), args)
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(read)
                .collect(),
        }
    }

    /// The audit entries waiting for this transaction's commit (PostgreSQL); `None` where an
    /// entry goes into the chain at once (SQLite, whose write lock serializes appenders).
    pub(crate) fn pending_audit(&mut self) -> Option<&mut Vec<PendingAudit>> {
        match self {
            Tx::Postgres(_, buffer) => Some(&mut buffer.pending),
            _ => None,
        }
    }

    /// The audit chain a PostgreSQL writer's connection holds (`None` elsewhere: chain 0,
    /// whose appenders take its lock on PostgreSQL). Its sole appender may extend it at once.
    pub(crate) fn own_chain(&self) -> Option<i64> {
        match self {
            Tx::Postgres(_, buffer) => buffer.own,
            _ => None,
        }
    }

    /// How many audit entries wait (0 on SQLite): a savepoint rolled back drops those made
    /// after it ([`Tx::forget_audit_after`]).
    fn audit_mark(&mut self) -> usize {
        self.pending_audit().map_or(0, |pending| pending.len())
    }

    /// Drops the waiting audit entries made after `mark` (their savepoint was rolled back).
    fn forget_audit_after(&mut self, mark: usize) {
        if let Some(pending) = self.pending_audit() {
            pending.truncate(mark);
        }
    }

    /// The PostgreSQL connection, for the few statements written for it alone.
    pub(crate) fn postgres(&mut self) -> Option<&mut PgConnection> {
        match self {
            Tx::Postgres(c, _) => Some(c),
            _ => None,
        }
    }

    /// Whether this transaction is on PostgreSQL (for the few statements written twice).
    pub fn is_postgres(&self) -> bool {
        matches!(self, Tx::Postgres(..))
    }
}

mod batch;
pub mod checkpoint;
mod rows;
use batch::commit_batch;
pub use rows::{Column, ROW_CHUNKS, row_chunks, unnest_sql};

/// The SQLite writer's statements, through `rusqlite` (`writer/direct.rs`).
pub(crate) mod direct;
pub use direct::DirectError;

/// An open `in_tx!` transaction seen as a [`Tx`], so its steps use the same code as write
/// units.
pub trait AsTx {
    fn as_tx(&mut self) -> Tx<'_>;
}

impl AsTx for sqlx::Transaction<'_, sqlx::Sqlite> {
    fn as_tx(&mut self) -> Tx<'_> {
        Tx::Sqlite(self)
    }
}

/// A PostgreSQL `in_tx!` transaction: the transaction and the audit entries it made, which
/// [`PgTx::commit`] chains just before committing. It reads as the connection, so a block
/// runs its statements on `&mut *tx` as on any transaction.
pub struct PgTx<'c> {
    tx: sqlx::Transaction<'c, sqlx::Postgres>,
    audit: AuditBuffer,
}

/// The lock every PostgreSQL `in_tx!` transaction takes at its start: they run one at a time,
/// as their checks (the last Global admin, a throttle's count, an activation's state) expect,
/// while the writer's batches, which do not take it, go on beside them.
pub const TRANSACTIONS_LOCK: i64 = 7242002;

impl PgTx<'static> {
    /// Begins an `in_tx!` transaction on the pool, holding [`TRANSACTIONS_LOCK`].
    pub async fn begin(pool: &sqlx::PgPool) -> sqlx::Result<Self> {
        use sqlx::Executor as _;
        let mut tx = pool.begin().await?;
        tx.execute(sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(TRANSACTIONS_LOCK))
            .await?;
        Ok(Self {
            tx,
            audit: AuditBuffer::default(),
        })
    }
}

impl PgTx<'_> {
    /// Chains the audit entries (under the chain's lock, held only from here to the commit)
    /// and commits.
    pub async fn commit(mut self) -> sqlx::Result<()> {
        super::audit::flush_audit(&mut self.tx, &mut self.audit, "").await?;
        self.tx.commit().await
    }
}

impl std::ops::Deref for PgTx<'_> {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for PgTx<'_> {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}

impl AsTx for PgTx<'_> {
    fn as_tx(&mut self) -> Tx<'_> {
        Tx::Postgres(&mut self.tx, &mut self.audit)
    }
}

/// The most units one SQLite batch carries; more waiting go in the next one.
const MAX_BATCH: usize = 256;

/// How many batches a unit or filing is tried in when PostgreSQL keeps aborting it as a
/// deadlock; the last try answers the error (503 `database_unavailable`, to be retried).
const MAX_TRIES: u32 = 5;

type Delivery = Box<dyn FnOnce(Option<String>) + Send>;

/// What running a unit came to: done (whether it succeeded, and how to answer its caller once
/// the batch is committed or not), or aborted by a conflict and to run again in the next batch.
enum Ran {
    Done(bool, Delivery),
    Again,
}

/// A write unit as the writer holds it: run with the transaction and whether this is its last
/// try; it can run again after a conflict, so it is `FnMut`.
type Job = Box<
    dyn for<'t> FnMut(&'t mut Tx<'t>, bool) -> Pin<Box<dyn Future<Output = Ran> + Send + 't>>
        + Send,
>;

/// A unit waiting for its batch, with the batches it was tried in already.
struct UnitJob {
    job: Job,
    tries: u32,
}

/// A filing waiting for its batch: filings are written together ([`super::filing`]).
struct FileJob {
    filing: super::filing::Filing,
    answer: oneshot::Sender<Result<super::requests::Filed>>,
    tries: u32,
}

/// What the writer is handed: a write unit, a filing (which it writes with the batch's other
/// filings), or a request for its turn ([`Store::write_turn`]).
enum Work {
    Unit(UnitJob),
    File(Box<FileJob>),
    Turn(oneshot::Sender<oneshot::Sender<()>>),
}

/// Whether an error is a conflict PostgreSQL resolved by aborting the statement (a deadlock
/// between transactions that lock rows in different orders, or a serialization failure): the
/// work was sound and can run again once the other transaction is done.
pub(crate) fn is_conflict(error: &Error) -> bool {
    match error {
        Error::Database(sqlx::Error::Database(db)) => {
            matches!(db.code().as_deref(), Some("40P01" | "40001"))
        }
        _ => false,
    }
}

/// What a caller is answered once its batch ended: its own result, unless the batch could not
/// be committed (`failure`), which turns a success into `Unavailable`. A conflict on the last
/// try stays a database error, which answers 503 `database_unavailable` like an outage.
fn after_commit<T>(failure: Option<String>, result: Result<T>) -> Result<T> {
    match failure {
        Some(error) if result.is_ok() => Err(Error::Unavailable(error)),
        _ => result,
    }
}

/// The SQLite writer's turn, held by a transaction on a pooled connection
/// ([`Store::write_turn`]): while it is held the writer starts no batch, so that transaction
/// takes SQLite's write lock at once instead of polling for it behind the writer's batches.
/// Dropping it (the transaction ended, or its request was cancelled) hands the lock back.
#[derive(Debug)]
pub struct Turn {
    _release: oneshot::Sender<()>,
}

/// The handle to the writer task.
#[derive(Clone, Debug)]
pub struct Writer {
    jobs: mpsc::Sender<Work>,
}

/// The writer's own connection. A PostgreSQL connection that broke (the server restarted,
/// the connection was terminated) is opened again for the next batch.
pub enum Connection {
    /// SQLite, through `rusqlite` on a thread of its own.
    Sqlite(rusqlite::Connection),
    Postgres {
        options: Box<PgConnectOptions>,
        /// The open connection and the audit chain it holds.
        connection: Option<(PgConnection, i64)>,
    },
}

impl Writer {
    /// Starts the writer on its own connection.
    pub fn start(connection: Connection) -> std::io::Result<Self> {
        let (jobs, receiver) = mpsc::channel::<Work>(4 * MAX_BATCH);
        match connection {
            Connection::Sqlite(ref sqlite) => {
                // The writer's thread runs the units' futures itself: their SQLite steps
                // complete without waiting, so a batch never leaves the thread.
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                let checkpoints = match sqlite.path() {
                    Some(path) if !path.is_empty() => Some(checkpoint::start(path.into())?),
                    _ => None,
                };
                std::thread::Builder::new()
                    .name("sqlite-writer".into())
                    .spawn(move || runtime.block_on(run(connection, receiver, checkpoints)))?;
            }
            Connection::Postgres { .. } => {
                tokio::spawn(run(connection, receiver, None));
            }
        }
        Ok(Self { jobs })
    }
}

async fn run(
    mut connection: Connection,
    mut jobs: mpsc::Receiver<Work>,
    mut checkpoints: Option<checkpoint::Signal>,
) {
    let mut batch: Vec<Work> = Vec::with_capacity(MAX_BATCH);
    let mut turns = Vec::new();
    // Work a conflict aborted in the last batch: it goes first in the next one.
    let mut again: Vec<Work> = Vec::new();
    loop {
        if again.is_empty() {
            if jobs.recv_many(&mut batch, MAX_BATCH).await == 0 {
                break;
            }
        } else {
            batch.append(&mut again);
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(work) => batch.push(work),
                    Err(_) => break,
                }
            }
        }
        let started = std::time::Instant::now();
        // Turns are granted after the batch, in the order they were asked for.
        let mut index = 0;
        while index < batch.len() {
            if matches!(batch[index], Work::Turn(_)) {
                if let Work::Turn(turn) = batch.remove(index) {
                    turns.push(turn);
                }
            } else {
                index += 1;
            }
        }
        grant_turns(&mut turns, batch.is_empty()).await;
        if batch.is_empty() {
            continue;
        }
        let size = batch.len();
        let outcome = match &mut connection {
            Connection::Sqlite(connection) => {
                let mut tx = Tx::Direct(connection);
                let outcome = commit_batch(&mut tx, batch.drain(..)).await;
                if let Some(checkpoints) = &checkpoints {
                    checkpoints.committed();
                }
                outcome
            }
            Connection::Postgres {
                options,
                connection,
            } => {
                if connection.is_none() {
                    match open_postgres(options).await {
                        Ok(opened) => *connection = Some(opened),
                        Err(error) => tracing::warn!(%error, "the writer cannot reach PostgreSQL"),
                    }
                }
                match connection {
                    Some((open, chain)) => {
                        let mut audit = AuditBuffer {
                            own: Some(*chain),
                            pending: Vec::new(),
                        };
                        let mut tx = Tx::Postgres(open, &mut audit);
                        let outcome = commit_batch(&mut tx, batch.drain(..)).await;
                        if outcome.committed.is_err() {
                            // Whatever broke, start the next batch on a fresh connection.
                            *connection = None;
                        }
                        outcome
                    }
                    None => {
                        // Dropping the units answers their callers: not committed.
                        batch.clear();
                        continue;
                    }
                }
            }
        };
        tracing::debug!(
            size,
            again = outcome.again.len(),
            micros = started.elapsed().as_micros() as u64,
            "write batch"
        );
        let failure = outcome.committed.err();
        for deliver in outcome.deliveries {
            deliver(failure.clone());
        }
        again = outcome.again;
        // After the batch is answered: its callers never wait for a restart of the WAL.
        if let (Connection::Sqlite(connection), Some(checkpoints)) = (&connection, &mut checkpoints)
        {
            checkpoints.restart_if_due(connection);
        }
        grant_turns(&mut turns, true).await;
    }
}

/// Opens the PostgreSQL writer's connection and claims an audit chain of its own for it.
async fn open_postgres(options: &PgConnectOptions) -> sqlx::Result<(PgConnection, i64)> {
    let mut connection = PgConnection::connect_with(options).await?;
    let chain = super::audit::claim_chain(&mut connection).await?;
    tracing::debug!(chain, "the writer holds its audit chain");
    Ok((connection, chain))
}

/// Grants each waiting turn in order and waits until its holder hands it back. With `now`
/// false (a batch is waiting) nothing is granted yet: the batch goes first.
async fn grant_turns(turns: &mut Vec<oneshot::Sender<oneshot::Sender<()>>>, now: bool) {
    if !now {
        return;
    }
    for turn in turns.drain(..) {
        let (release, released) = oneshot::channel();
        if turn.send(release).is_ok() {
            // Answered (with an error: nothing is ever sent) when the holder drops its turn.
            let _ = released.await;
        }
    }
}

impl Store {
    /// Runs a write unit and answers once it is committed: the writer batches it with the
    /// units waiting beside it, in a savepoint of its own. A unit that fails changes nothing.
    /// A unit may run more than once (PostgreSQL aborting it as a deadlock rolls it back and
    /// the writer runs it again in the next batch), so it is a `Fn` whose future owns what it
    /// uses.
    pub async fn write<T, F>(&self, unit: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'t> Fn(&'t mut Tx<'t>) -> UnitFuture<'t, T> + Send + Sync + 'static,
    {
        use std::sync::{Arc, Mutex};
        let (answer, answered) = oneshot::channel::<Result<T>>();
        let answer = Arc::new(Mutex::new(Some(answer)));
        let unit = Arc::new(unit);
        let job: Job = Box::new(move |tx, last| {
            let unit = Arc::clone(&unit);
            let answer = Arc::clone(&answer);
            Box::pin(async move {
                let result = unit(tx).await;
                if !last && matches!(&result, Err(error) if is_conflict(error)) {
                    return Ran::Again;
                }
                let succeeded = result.is_ok();
                let deliver: Delivery = Box::new(move |failure: Option<String>| {
                    let result = after_commit(failure, result);
                    let taken = answer.lock().unwrap_or_else(|e| e.into_inner()).take();
                    if let Some(answer) = taken {
                        let _ = answer.send(result);
                    }
                });
                Ran::Done(succeeded, deliver)
            })
        });
        self.writer
            .jobs
            .send(Work::Unit(UnitJob { job, tries: 0 }))
            .await
            .map_err(|_| Error::Other(anyhow::anyhow!("the writer has stopped")))?;
        answered
            .await
            .map_err(|_| Error::Unavailable("the write batch could not be committed".into()))?
    }
}

impl Store {
    /// On SQLite, waits for the writer's turn: the writer finishes the batch it is committing,
    /// then pauses until the returned [`Turn`] is dropped. Every write that runs outside the
    /// writer (an `in_tx!` transaction, a single statement on the pool) holds it, so it takes
    /// SQLite's write lock in its turn instead of racing the writer for it. `None` on
    /// PostgreSQL, where writers do not share one lock. A stopped writer answers as a closed
    /// pool does (the database is unavailable), so the error fits every caller.
    pub async fn write_turn(&self) -> sqlx::Result<Option<Turn>> {
        if self.backend() != super::Backend::Sqlite {
            return Ok(None);
        }
        let (asked, granted) = oneshot::channel();
        self.writer
            .jobs
            .send(Work::Turn(asked))
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let release = granted.await.map_err(|_| sqlx::Error::PoolClosed)?;
        Ok(Some(Turn { _release: release }))
    }

    /// Files a request with the other filings of its batch ([`super::filing`]); answers once
    /// the batch is committed.
    pub(crate) async fn write_filing(
        &self,
        filing: super::filing::Filing,
    ) -> Result<super::requests::Filed> {
        let (answer, answered) = oneshot::channel();
        self.writer
            .jobs
            .send(Work::File(Box::new(FileJob {
                filing,
                answer,
                tries: 0,
            })))
            .await
            .map_err(|_| Error::Other(anyhow::anyhow!("the writer has stopped")))?;
        answered
            .await
            .map_err(|_| Error::Unavailable("the write batch could not be committed".into()))?
    }
}

/// Opens the SQLite writer's own connection to the file the pool opened (which created it and
/// set WAL mode), with the same settings.
pub fn connect(
    options: &sqlx::sqlite::SqliteConnectOptions,
    synchronous: &str,
) -> rusqlite::Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open(options.get_filename())?;
    // A unit's savepoint keeps the pages it changes in a statement journal: in memory, not in
    // a temporary file opened, written and closed for every unit. The writer's page cache is
    // 32 MiB (SQLite's default is 2 MiB): the index pages every filing touches stay in it at a
    // million stored requests instead of being read back from the file. Its commits never
    // checkpoint the WAL: a thread of its own does ([`checkpoint`]), and the writer starts the
    // WAL over when it has grown long, after which the file is cut back to a bounded size.
    connection.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON; \
         PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 0; \
         PRAGMA journal_size_limit = {};",
        checkpoint::WAL_LIMIT_BYTES
    ))?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    connection.set_prepared_statement_cache_capacity(160);
    Ok(connection)
}
