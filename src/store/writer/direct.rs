//! The SQLite writer's statements, through `rusqlite` on the writer's thread. The SQL text is
//! the portable text the other backends run; `$n` parameters are bound by their number.

use super::Arg;
use rusqlite::types::FromSql;
use std::borrow::Cow;

pub fn prepare<'c>(
    connection: &'c rusqlite::Connection,
    sql: &str,
    args: &[Arg<'_>],
) -> rusqlite::Result<rusqlite::CachedStatement<'c>> {
    // `$n` becomes SQLite's `?n`, whose parameter index is `n` itself: binding needs no
    // look-up by name (SQLite finds a name's number by a linear search, which made binding
    // a multi-row statement's thousand parameters quadratic). No SQL text of ours has a
    // `$` outside a parameter.
    let text = if sql.contains('$') {
        std::borrow::Cow::Owned(sql.replace('$', "?"))
    } else {
        std::borrow::Cow::Borrowed(sql)
    };
    let mut statement = connection.prepare_cached(&text)?;
    for index in 1..=statement.parameter_count() {
        let arg = args
            .get(index - 1)
            .ok_or(rusqlite::Error::InvalidParameterCount(index, args.len()))?;
        match *arg {
            Arg::Int(value) => statement.raw_bind_parameter(index, value)?,
            Arg::Text(value) => statement.raw_bind_parameter(index, value)?,
            Arg::Bool(value) => statement.raw_bind_parameter(index, value)?,
        }
    }
    Ok(statement)
}

pub fn run(connection: &rusqlite::Connection, sql: &str, args: &[Arg<'_>]) -> sqlx::Result<u64> {
    let changed = prepare(connection, sql, args)
        .and_then(|mut statement| statement.raw_execute())
        .map_err(DirectError::wrap)?;
    Ok(changed as u64)
}

pub fn first<T: FromSql>(
    connection: &rusqlite::Connection,
    sql: &str,
    args: &[Arg<'_>],
) -> sqlx::Result<Option<Option<T>>> {
    let found = prepare(connection, sql, args).and_then(|mut statement| {
        let mut rows = statement.raw_query();
        match rows.next()? {
            Some(row) => row.get::<_, Option<T>>(0).map(Some),
            None => Ok(None),
        }
    });
    found.map_err(DirectError::wrap)
}

pub fn rows(
    connection: &rusqlite::Connection,
    sql: &str,
    args: &[Arg<'_>],
) -> sqlx::Result<Vec<Vec<Option<i64>>>> {
    let found = prepare(connection, sql, args).and_then(|mut statement| {
        let width = statement.column_count();
        let mut rows = statement.raw_query();
        let mut all = Vec::new();
        while let Some(row) = rows.next()? {
            all.push(
                (0..width)
                    .map(|i| row.get::<_, Option<i64>>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()?,
            );
        }
        Ok(all)
    });
    found.map_err(DirectError::wrap)
}

/// A statement without arguments (`BEGIN`, `SAVEPOINT unit`, `COMMIT` …), prepared once.
pub fn execute(connection: &rusqlite::Connection, sql: &str) -> sqlx::Result<()> {
    connection
        .prepare_cached(sql)
        .and_then(|mut statement| statement.raw_execute())
        .map(|_| ())
        .map_err(DirectError::wrap)
}

/// A `rusqlite` error seen as a database error, so callers tell a unique violation or a full
/// disk from other failures the same way on every connection.
#[derive(Debug)]
pub struct DirectError {
    message: String,
    /// SQLite's extended result code, as `sqlx` reports it.
    code: Option<i32>,
}

impl DirectError {
    pub(crate) fn wrap(error: rusqlite::Error) -> sqlx::Error {
        let code = match &error {
            rusqlite::Error::SqliteFailure(failure, _) => Some(failure.extended_code),
            _ => None,
        };
        sqlx::Error::Database(Box::new(Self {
            message: error.to_string(),
            code,
        }))
    }
}

impl std::fmt::Display for DirectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DirectError {}

impl sqlx::error::DatabaseError for DirectError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        self.code.map(|code| Cow::Owned(code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use sqlx::error::ErrorKind;
        match self.code {
            // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
            Some(2067 | 1555) => ErrorKind::UniqueViolation,
            Some(787) => ErrorKind::ForeignKeyViolation,
            Some(1299) => ErrorKind::NotNullViolation,
            Some(275) => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}
