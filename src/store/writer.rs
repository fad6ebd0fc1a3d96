//! Write units and group commit. A use case hands the store one *write unit*: an async
//! function of a [`Tx`] that runs its steps (consume, insert the request, remember the key,
//! append the audit entry, queue a message) and awaits nothing but the database.
//!
//! On SQLite one writer task owns the write connection and commits units in batches: it takes
//! every unit waiting, opens one `BEGIN IMMEDIATE` transaction, runs each unit inside its own
//! savepoint (a unit that fails is rolled back alone, the others stay), commits once, and only
//! then answers each caller. A caller is therefore answered only once its batch is durable, and
//! a burst of N writers costs one commit (one fsync with `synchronous=FULL`) instead of N, with
//! no lock contention between them. On PostgreSQL each unit runs in a transaction of its own
//! from the pool: the server already commits concurrent transactions in groups.

use super::Store;
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
    Sqlite(&'c mut SqliteConnection),
    /// A PostgreSQL transaction of its own: an audit append takes the chain's lock.
    Postgres(&'c mut PgConnection),
    /// A PostgreSQL batch of the writer, which holds the audit chain's lock already.
    PostgresBatch(&'c mut PgConnection),
}

/// Runs the same portable SQL on whichever connection a [`Tx`] holds.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::store::writer::Tx::Sqlite($c) => $body,
            $crate::store::writer::Tx::Postgres($c) => $body,
            $crate::store::writer::Tx::PostgresBatch($c) => $body,
        }
    };
}

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

impl AsTx for sqlx::Transaction<'_, sqlx::Postgres> {
    fn as_tx(&mut self) -> Tx<'_> {
        Tx::Postgres(self)
    }
}

/// The most units one SQLite batch carries; more waiting go in the next one.
const MAX_BATCH: usize = 256;

type Delivery = Box<dyn FnOnce(Option<String>) + Send>;
type Job = Box<
    dyn for<'t> FnOnce(
            &'t mut Tx<'t>,
        ) -> Pin<Box<dyn Future<Output = (bool, Delivery)> + Send + 't>>
        + Send,
>;

/// The handle to the writer task.
#[derive(Clone, Debug)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

/// The writer's own connection. A PostgreSQL connection that broke (the server restarted,
/// the connection was terminated) is opened again for the next batch.
pub enum Connection {
    Sqlite(SqliteConnection),
    Postgres {
        options: Box<PgConnectOptions>,
        connection: Option<PgConnection>,
    },
}

impl Writer {
    /// Starts the writer on its own connection.
    pub fn start(connection: Connection) -> Self {
        let (jobs, receiver) = mpsc::channel::<Job>(4 * MAX_BATCH);
        tokio::spawn(run(connection, receiver));
        Self { jobs }
    }
}

async fn run(mut connection: Connection, mut jobs: mpsc::Receiver<Job>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let outcome = match &mut connection {
            Connection::Sqlite(connection) => {
                let mut tx = Tx::Sqlite(connection);
                commit_batch(&mut tx, batch.drain(..)).await
            }
            Connection::Postgres {
                options,
                connection,
            } => {
                if connection.is_none() {
                    match PgConnection::connect_with(options).await {
                        Ok(opened) => *connection = Some(opened),
                        Err(error) => tracing::warn!(%error, "the writer cannot reach PostgreSQL"),
                    }
                }
                match connection {
                    Some(open) => {
                        let mut tx = Tx::PostgresBatch(open);
                        let outcome = commit_batch(&mut tx, batch.drain(..)).await;
                        if outcome.is_err() {
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
        let (deliveries, failure) = match outcome {
            Ok(deliveries) => (deliveries, None),
            Err((deliveries, error)) => (deliveries, Some(error)),
        };
        for deliver in deliveries {
            deliver(failure.clone());
        }
    }
}

/// One statement on the writer's connection (a boxed, `Send` future: spawning the writer
/// needs the compiler to see that).
fn execute<'c>(
    tx: &'c mut Tx<'_>,
    sql: &'static str,
) -> Pin<Box<dyn Future<Output = sqlx::Result<()>> + Send + 'c>> {
    Box::pin(async move {
        use sqlx::Executor;
        crate::on_tx!(tx, c => c.execute(sql).await.map(|_| ()))
    })
}

/// Runs one batch in one transaction; every unit in a savepoint of its own.
async fn commit_batch(
    tx: &mut Tx<'_>,
    batch: impl Iterator<Item = Job>,
) -> std::result::Result<Vec<Delivery>, (Vec<Delivery>, String)> {
    let mut deliveries = Vec::new();
    let begun = match tx {
        Tx::Sqlite(_) => execute(tx, "BEGIN IMMEDIATE").await,
        _ => match execute(tx, "BEGIN").await {
            // The audit chain's head is taken once per batch, not once per request.
            Ok(()) => execute(tx, "SELECT pg_advisory_xact_lock(7242001)").await,
            Err(error) => Err(error),
        },
    };
    if let Err(error) = begun {
        let error = format!("cannot begin a write batch: {error}");
        tracing::error!(%error);
        let _ = execute(tx, "ROLLBACK").await;
        // Nothing ran. A unit that never runs is answered by dropping it, which closes its
        // answer channel: its caller reports that the batch could not be committed.
        drop(batch.collect::<Vec<_>>());
        return Err((deliveries, error));
    }
    let mut broken = None;
    for job in batch {
        if broken.is_some() {
            drop(job);
            continue;
        }
        if let Err(error) = execute(tx, "SAVEPOINT unit").await {
            broken = Some(format!("cannot open a savepoint: {error}"));
            drop(job);
            continue;
        }
        let (succeeded, deliver) = {
            let mut unit_tx = match tx {
                Tx::Sqlite(c) => Tx::Sqlite(c),
                Tx::Postgres(c) => Tx::Postgres(c),
                Tx::PostgresBatch(c) => Tx::PostgresBatch(c),
            };
            job(&mut unit_tx).await
        };
        deliveries.push(deliver);
        let mut ended = Ok(());
        if !succeeded {
            ended = execute(tx, "ROLLBACK TO SAVEPOINT unit").await;
        }
        if ended.is_ok() {
            ended = execute(tx, "RELEASE SAVEPOINT unit").await;
        }
        if let Err(error) = ended {
            broken = Some(format!("cannot end a savepoint: {error}"));
        }
    }
    let outcome = match broken {
        Some(error) => Err(error),
        None => execute(tx, "COMMIT")
            .await
            .map_err(|error| format!("cannot commit a write batch: {error}")),
    };
    match outcome {
        Ok(()) => Ok(deliveries),
        Err(error) => {
            tracing::error!(%error, "write batch rolled back");
            let _ = execute(tx, "ROLLBACK").await;
            Err((deliveries, error))
        }
    }
}

impl Store {
    /// Runs a write unit and answers once it is committed: the writer batches it with the
    /// units waiting beside it, in a savepoint of its own. A unit that fails changes nothing.
    pub async fn write<T, F>(&self, unit: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx<'t>) -> UnitFuture<'t, T> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel::<Result<T>>();
        let job: Job = Box::new(move |tx| {
            Box::pin(async move {
                let result = unit(tx).await;
                let succeeded = result.is_ok();
                let deliver: Delivery = Box::new(move |failure: Option<String>| {
                    let result = match failure {
                        Some(error) if succeeded => Err(Error::Unavailable(error)),
                        _ => result,
                    };
                    let _ = answer.send(result);
                });
                (succeeded, deliver)
            })
        });
        self.writer
            .jobs
            .send(job)
            .await
            .map_err(|_| Error::Other(anyhow::anyhow!("the writer has stopped")))?;
        answered
            .await
            .map_err(|_| Error::Other(anyhow::anyhow!("the write batch could not be committed")))?
    }
}

/// Opens the SQLite writer's own connection with the pool's options.
pub async fn connect(
    options: &sqlx::sqlite::SqliteConnectOptions,
) -> sqlx::Result<SqliteConnection> {
    SqliteConnection::connect_with(options).await
}
