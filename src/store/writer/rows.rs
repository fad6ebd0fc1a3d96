//! Statements over many rows at once: on SQLite multi-row `VALUES` in runs of fixed sizes, on
//! PostgreSQL one array per column and `UNNEST`.

use super::{Arg, Tx};

/// The type of a column of rows sent to a multi-row statement ([`Tx::rows_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Int,
    Text,
    Bool,
}

impl Column {
    fn array(self) -> &'static str {
        match self {
            Column::Int => "bigint[]",
            Column::Text => "text[]",
            Column::Bool => "boolean[]",
        }
    }
}

/// The row counts SQLite's multi-row statements are written for: a set of rows goes in as
/// the fewest statements of these sizes, so each text is prepared once and kept.
pub const ROW_CHUNKS: [usize; 7] = [64, 32, 16, 8, 4, 2, 1];

/// Splits `count` rows into runs of [`ROW_CHUNKS`] sizes: `(first row, rows)`.
pub fn row_chunks(count: usize) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut at = 0;
    for size in ROW_CHUNKS {
        while count - at >= size {
            runs.push((at, size));
            at += size;
        }
    }
    runs
}

/// The text of a multi-row statement: `template` with `{rows}` replaced by the rows as a
/// table named `v` with columns `column1`, `column2` …: on SQLite `(VALUES ($1, $2), ($3,
/// $4)) AS v` for `rows` rows, on PostgreSQL `UNNEST($1::bigint[], $2::text[]) AS v(column1,
/// column2)` for any number (one parameter an array per column). Each text is made once.
fn rows_sql(template: &'static str, columns: &[Column], rows: Option<usize>) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Key = (usize, Option<usize>);
    static MADE: OnceLock<Mutex<HashMap<Key, &'static str>>> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    let mut made = made.lock().unwrap_or_else(|e| e.into_inner());
    // Templates are `&'static str` literals: their address names them.
    made.entry((template.as_ptr() as usize, rows))
        .or_insert_with(|| {
            let mut source = String::new();
            match rows {
                Some(rows) => {
                    source.push_str("(VALUES");
                    for row in 0..rows {
                        source.push_str(if row == 0 { " (" } else { ", (" });
                        for column in 0..columns.len() {
                            if column > 0 {
                                source.push_str(", ");
                            }
                            source.push('$');
                            source.push_str(&(row * columns.len() + column + 1).to_string());
                        }
                        source.push(')');
                    }
                    source.push_str(") AS v");
                }
                None => {
                    source.push_str("UNNEST(");
                    for (at, column) in columns.iter().enumerate() {
                        if at > 0 {
                            source.push_str(", ");
                        }
                        source.push_str(&format!("${}::{}", at + 1, column.array()));
                    }
                    source.push_str(") AS v(");
                    for at in 0..columns.len() {
                        if at > 0 {
                            source.push_str(", ");
                        }
                        source.push_str(&format!("column{}", at + 1));
                    }
                    source.push(')');
                }
            }
            // A few statements, one text per size: made once, kept for the process.
            Box::leak(template.replacen("{rows}", &source, 1).into_boxed_str())
        })
}

impl Tx<'_> {
    /// Runs a statement over many rows at once (`template` names them `{rows}`, see
    /// [`rows_sql`]): on PostgreSQL one statement with one array per column, on SQLite the
    /// fewest statements of [`ROW_CHUNKS`] sizes. Every row each returns, read as integers.
    pub async fn rows_of<'a>(
        &mut self,
        template: &'static str,
        columns: &[Column],
        cells: &[Arg<'a>],
    ) -> sqlx::Result<Vec<Vec<Option<i64>>>> {
        let width = columns.len().max(1);
        if cells.is_empty() {
            return Ok(Vec::new());
        }
        if self.is_postgres() {
            let sql = rows_sql(template, columns, None);
            return self.unnest(sql, &[(columns, cells)]).await;
        }
        let mut all = Vec::new();
        for (first, count) in row_chunks(cells.len() / width) {
            let sql = rows_sql(template, columns, Some(count));
            let args = &cells[first * width..(first + count) * width];
            all.extend(self.rows(sql, args).await?);
        }
        Ok(all)
    }
}

impl Tx<'_> {
    /// PostgreSQL only: runs `sql`, whose parameters are the arrays of `parts` in order (each
    /// part's columns, one array per column), in one round trip. Every row it returns, read as
    /// integers. See [`unnest_sql`] for writing such a text.
    pub async fn unnest<'a>(
        &mut self,
        sql: &'static str,
        parts: &[(&[Column], &[Arg<'a>])],
    ) -> sqlx::Result<Vec<Vec<Option<i64>>>> {
        let Tx::Postgres(c, _) = self else {
            return Err(sqlx::Error::Protocol(
                "arrays of rows are for PostgreSQL".into(),
            ));
        };
        let mut query = sqlx::query(sql);
        for (columns, cells) in parts {
            let width = columns.len().max(1);
            let rows: Vec<&[Arg<'a>]> = cells.chunks(width).collect();
            for (at, column) in columns.iter().enumerate() {
                let cell = |row: &&[Arg<'a>]| -> Option<Arg<'a>> { row.get(at).copied() };
                query = match column {
                    Column::Int => query.bind(
                        rows.iter()
                            .map(|row| match cell(row) {
                                Some(Arg::Int(value)) => value,
                                _ => None,
                            })
                            .collect::<Vec<Option<i64>>>(),
                    ),
                    Column::Text => query.bind(
                        rows.iter()
                            .map(|row| match cell(row) {
                                Some(Arg::Text(value)) => value.map(str::to_owned),
                                _ => None,
                            })
                            .collect::<Vec<Option<String>>>(),
                    ),
                    Column::Bool => query.bind(
                        rows.iter()
                            .map(|row| matches!(cell(row), Some(Arg::Bool(true))))
                            .collect::<Vec<bool>>(),
                    ),
                };
            }
        }
        use sqlx::Row;
        query
            .fetch_all(&mut **c)
            .await?
            .iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| row.try_get::<Option<i64>, _>(i))
                    .collect()
            })
            .collect()
    }
}

/// A PostgreSQL text over several sets of rows: `template` with `{rows1}`, `{rows2}` … each
/// replaced by `UNNEST(…) AS v(column1, …)` of that part's columns (parameters numbered across
/// the parts in order; name the table of each part apart with `{as1}` … when a statement uses
/// several: it becomes that part's alias, `v1`, `v2` …). Made once per template.
pub fn unnest_sql(template: &'static str, parts: &[&[Column]]) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static MADE: OnceLock<Mutex<HashMap<usize, &'static str>>> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    let mut made = made.lock().unwrap_or_else(|e| e.into_inner());
    made.entry(template.as_ptr() as usize).or_insert_with(|| {
        let mut sql = template.to_owned();
        let mut parameter = 0;
        for (number, columns) in parts.iter().enumerate() {
            let alias = format!("v{}", number + 1);
            let arrays: Vec<String> = columns
                .iter()
                .map(|column| {
                    parameter += 1;
                    format!("${parameter}::{}", column.array())
                })
                .collect();
            let names: Vec<String> = (1..=columns.len()).map(|n| format!("column{n}")).collect();
            let source = format!(
                "UNNEST({}) AS {alias}({})",
                arrays.join(", "),
                names.join(", ")
            );
            sql = sql
                .replacen(&format!("{{rows{}}}", number + 1), &source, 1)
                .replace(&format!("{{as{}}}", number + 1), &alias);
        }
        Box::leak(sql.into_boxed_str())
    })
}
