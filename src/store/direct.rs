//! Reads on SQLite without a hand-off between threads. The pooled `sqlx` connections pass every
//! statement to a worker thread of their own and the rows back; for the reads on the hot paths
//! (the contract a filing names, an idempotency key, a balance) that hand-off costs more than
//! the read. These reads run on a `rusqlite` connection taken from a small set kept per store,
//! on the calling thread: an indexed read of a few rows takes microseconds, and in WAL mode a
//! reader never waits for the writer.
//!
//! The SQL text is the one PostgreSQL runs through its pool ([`Store::fetch_optional`],
//! [`Store::fetch_all`]); a row type says how to read itself from either ([`DirectRow`] and
//! `sqlx::FromRow`).

use super::writer::{Arg, DirectError, bind_args, direct};
use super::{Pool, Store};
use crate::error::Result;
use std::path::PathBuf;
use std::sync::Mutex;

/// The most idle read connections kept; more are opened under load and closed after use.
const KEEP_IDLE: usize = 8;

/// Read connections to one SQLite file.
#[derive(Debug)]
pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl Readers {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        let connection = rusqlite::Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        connection.set_prepared_statement_cache_capacity(32);
        Ok(connection)
    }

    /// Runs `read` on an idle connection (or a new one).
    fn with<T>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> sqlx::Result<T> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let connection = match idle {
            Some(connection) => connection,
            None => self.open().map_err(DirectError::wrap)?,
        };
        let result = read(&connection).map_err(DirectError::wrap);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < KEEP_IDLE {
            idle.push(connection);
        }
        result
    }
}

/// A row type read from a `rusqlite` row, its columns in the order of the query's SELECT.
pub trait DirectRow: Sized {
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

impl<A: rusqlite::types::FromSql, B: rusqlite::types::FromSql> DirectRow for (A, B) {
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok((row.get(0)?, row.get(1)?))
    }
}

impl<A, B, C, D> DirectRow for (A, B, C, D)
where
    A: rusqlite::types::FromSql,
    B: rusqlite::types::FromSql,
    C: rusqlite::types::FromSql,
    D: rusqlite::types::FromSql,
{
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
    }
}

/// A `time::Date` column as both backends store it (SQLite: `YYYY-MM-DD` text).
pub fn date(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<time::Date> {
    let text: String = row.get(index)?;
    time::Date::parse(
        &text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            Box::new(error),
        )
    })
}

impl Store {
    /// The first row a query returns, if any, read without a hand-off on SQLite.
    pub(crate) async fn fetch_optional<R>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<R>>
    where
        R: DirectRow
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + Send
            + Unpin,
    {
        let row = match (&self.pool, &self.readers) {
            (Pool::Sqlite(_), Some(readers)) => readers.with(|connection| {
                let mut statement = direct::prepare(connection, sql, args)?;
                let mut rows = statement.raw_query();
                rows.next()?.map(R::from_direct).transpose()
            }),
            (Pool::Sqlite(pool), None) => {
                bind_args!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_optional(pool)
                    .await
            }
            (Pool::Postgres(pool), _) => {
                bind_args!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_optional(pool)
                    .await
            }
        }?;
        Ok(row)
    }

    /// Every row a query returns, read without a hand-off on SQLite.
    pub(crate) async fn fetch_all<R>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<R>>
    where
        R: DirectRow
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + Send
            + Unpin,
    {
        let rows = match (&self.pool, &self.readers) {
            (Pool::Sqlite(_), Some(readers)) => readers.with(|connection| {
                let mut statement = direct::prepare(connection, sql, args)?;
                let mut rows = statement.raw_query();
                let mut all = Vec::new();
                while let Some(row) = rows.next()? {
                    all.push(R::from_direct(row)?);
                }
                Ok(all)
            }),
            (Pool::Sqlite(pool), None) => {
                bind_args!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_all(pool)
                    .await
            }
            (Pool::Postgres(pool), _) => {
                bind_args!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_all(pool)
                    .await
            }
        }?;
        Ok(rows)
    }
}
