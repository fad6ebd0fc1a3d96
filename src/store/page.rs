//! Keyset pagination: a page is the rows that follow a cursor in a list's stable order, read
//! along an index, so page 20,000 costs what page 1 costs and no list counts its rows.
//!
//! A cursor is the sort key of the last row shown, a JSON array (`[42]`, `["2025-01-01",42]`,
//! `[1767225600000,42]`) in unpadded base64url, at most [`Cursor::MAX_CHARS`] characters.
//! Lists ordered by a text that may be long (a name, an email) carry only the row's id and
//! read the text back by that id, inside the list's own scope, so the cursor stays short and
//! one naming a row the caller may not see answers like one naming no row: an empty page.

use super::writer::Arg;
use crate::error::{Error, Result};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// One value of a sort key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Key {
    Int(i64),
    Text(String),
}

/// Where a page starts: the sort key of the row before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(Vec<Key>);

impl Cursor {
    /// The longest cursor accepted, in characters.
    pub const MAX_CHARS: usize = 400;

    /// A cursor after the row with this id (lists ordered by id, or by a text read back by id).
    pub fn id(id: i64) -> Self {
        Self(vec![Key::Int(id)])
    }

    /// A cursor after the row with this key and id.
    pub fn pair(key: Key, id: i64) -> Self {
        Self(vec![key, Key::Int(id)])
    }

    /// Reads a cursor as a client sends it back (`after`); anything this module did not write
    /// is `malformed_query`.
    pub fn parse(text: &str) -> Result<Self> {
        if text.len() > Self::MAX_CHARS {
            return Err(Error::MalformedQuery(format!(
                "after: at most {} characters",
                Self::MAX_CHARS
            )));
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| Self::refused())?;
        let keys: Vec<Key> = serde_json::from_slice(&bytes).map_err(|_| Self::refused())?;
        if keys.is_empty() || keys.len() > 2 {
            return Err(Self::refused());
        }
        Ok(Self(keys))
    }

    /// The text a client sends back as `after`.
    pub fn encode(&self) -> String {
        // A vector of integers and strings always serializes.
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&self.0).unwrap_or_default())
    }

    /// Not a cursor, or not one of the list it is sent to.
    fn refused() -> Error {
        Error::MalformedQuery("after: not a cursor of this list".into())
    }

    /// The id of a cursor written by [`Cursor::id`].
    pub fn as_id(&self) -> Result<i64> {
        match self.0.as_slice() {
            [Key::Int(id)] => Ok(*id),
            _ => Err(Self::refused()),
        }
    }

    /// The integer key and id of a cursor written by [`Cursor::pair`].
    pub fn as_int_pair(&self) -> Result<(i64, i64)> {
        match self.0.as_slice() {
            [Key::Int(key), Key::Int(id)] => Ok((*key, *id)),
            _ => Err(Self::refused()),
        }
    }

    /// The day (`YYYY-MM-DD`, checked) and id of a cursor written by [`Cursor::pair`].
    pub fn as_day_pair(&self) -> Result<(&str, i64)> {
        match self.0.as_slice() {
            [Key::Text(day), Key::Int(id)]
                if crate::domain::membership::parse_date(day).is_some() =>
            {
                Ok((day.as_str(), *id))
            }
            _ => Err(Self::refused()),
        }
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.encode())
    }
}

/// A page of a list: at most `limit` rows after the cursor (from the start without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub after: Option<Cursor>,
}

impl Page {
    pub const MAX_LIMIT: i64 = 200;
    pub const DEFAULT_LIMIT: i64 = 50;

    /// The page asked for, the limit clamped to 1–200 (50 when absent).
    pub fn new(limit: Option<i64>, after: Option<Cursor>) -> Self {
        Self {
            limit: limit
                .unwrap_or(Self::DEFAULT_LIMIT)
                .clamp(1, Self::MAX_LIMIT),
            after,
        }
    }

    /// The first `limit` rows.
    pub fn first(limit: i64) -> Self {
        Self::new(Some(limit), None)
    }
}

/// The rows of one page and the cursor of the next, if another page follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

impl<T> Listing<T> {
    /// A page from the rows a [`ListQuery`] fetched (one more than the page, to learn whether
    /// another follows): the extra row is dropped and `key` gives the last row's cursor.
    pub fn from_rows(mut rows: Vec<T>, page: &Page, key: impl Fn(&T) -> Cursor) -> Self {
        let limit = usize::try_from(page.limit).unwrap_or(0);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more { rows.last().map(key) } else { None };
        Self { items: rows, next }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Listing<U> {
        Listing {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }

    /// Like [`Listing::map`] with a conversion that may fail.
    pub fn try_map<U>(self, f: impl FnMut(T) -> Result<U>) -> Result<Listing<U>> {
        Ok(Listing {
            items: self.items.into_iter().map(f).collect::<Result<_>>()?,
            next: self.next,
        })
    }
}

/// Which way a list runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Ascending,
    Descending,
}

impl Order {
    fn keyword(self) -> &'static str {
        match self {
            Self::Ascending => "",
            Self::Descending => " DESC",
        }
    }

    fn beyond(self) -> &'static str {
        match self {
            Self::Ascending => ">",
            Self::Descending => "<",
        }
    }
}

/// A list's statement and its arguments, as the store runs it and as tests explain it.
#[derive(Debug, Clone)]
pub struct ListQuery<'a> {
    pub sql: String,
    pub args: Vec<Arg<'a>>,
}

/// Builds a list's statement: the SELECT, its conditions, the keyset condition, the order and
/// one row more than the page.
pub struct Select<'a> {
    head: String,
    conditions: Vec<String>,
    args: Vec<Arg<'a>>,
}

impl<'a> Select<'a> {
    /// `head` is the statement up to its WHERE: `SELECT … FROM … JOIN …`.
    pub fn new(head: impl Into<String>) -> Self {
        Self {
            head: head.into(),
            conditions: Vec::new(),
            args: Vec::new(),
        }
    }

    /// Adds an argument; its placeholder (`$n`).
    pub fn arg(&mut self, arg: impl Into<Arg<'a>>) -> String {
        self.args.push(arg.into());
        format!("${}", self.args.len())
    }

    /// Adds a condition (joined with AND).
    pub fn when(&mut self, condition: impl Into<String>) {
        self.conditions.push(condition.into());
    }

    /// Rows beyond `id` in the order of `column`: `column > id` (ascending) or `<`.
    pub fn after_id(&mut self, column: &str, order: Order, id: i64) {
        let id = self.arg(id);
        self.when(format!("{column} {} {id}", order.beyond()));
    }

    /// Rows beyond (`value`, `id`) in the order of (`key`, `id_column`); `value` is SQL (a
    /// placeholder or a scalar subquery). The leading comparison on `key` alone lets SQLite
    /// search an index on an expression (`lower(name)`) instead of scanning it.
    pub fn after_pair(&mut self, key: &str, id_column: &str, order: Order, value: &str, id: &str) {
        let beyond = order.beyond();
        self.when(format!(
            "{key} {beyond}= {value} AND ({key}, {id_column}) {beyond} ({value}, {id})"
        ));
    }

    /// The statement: ordered by `order_by` (each `ORDER BY` term in `order`) and limited to
    /// one row more than the page.
    pub fn finish(mut self, order_by: &[&str], order: Order, page: &Page) -> ListQuery<'a> {
        let limit = self.arg(page.limit + 1);
        let mut sql = self.head;
        if !self.conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&self.conditions.join(" AND "));
        }
        let terms: Vec<String> = order_by
            .iter()
            .map(|term| format!("{term}{}", order.keyword()))
            .collect();
        sql.push_str(" ORDER BY ");
        sql.push_str(&terms.join(", "));
        sql.push_str(" LIMIT ");
        sql.push_str(&limit);
        ListQuery {
            sql,
            args: self.args,
        }
    }
}

/// Runs a list's statement on the store's pool, reading rows of type `R`.
macro_rules! fetch_list {
    ($store:expr, $query:expr, $row:ty) => {{
        let query = &$query;
        $crate::on_pool!($store, pool => $crate::store::writer::bind_args!(
            sqlx::query_as::<_, $row>(&query.sql),
            &query.args
        )
        .fetch_all(pool)
        .await)
    }};
}
pub(crate) use fetch_list;

impl super::Store {
    /// The query plan of a list's statement, one line per step: SQLite's `EXPLAIN QUERY PLAN`
    /// details, PostgreSQL's `EXPLAIN` lines (planned with sorts and sequential scans turned
    /// off). Used by the tests that keep lists on indexes.
    pub async fn explain(&self, query: &ListQuery<'_>) -> Result<Vec<String>> {
        use super::writer::bind_args;
        let lines = match &self.pool {
            super::Pool::Sqlite(pool) => {
                let sql = format!("EXPLAIN QUERY PLAN {}", query.sql);
                let rows: Vec<(i64, i64, i64, String)> =
                    bind_args!(sqlx::query_as(&sql), &query.args)
                        .fetch_all(pool)
                        .await?;
                rows.into_iter().map(|(_, _, _, detail)| detail).collect()
            }
            super::Pool::Postgres(pool) => {
                // A small table is read whole and sorted whatever its indexes; with sorts and
                // sequential scans priced out, the plan shows whether an index gives the order.
                let sql = format!("EXPLAIN {}", query.sql);
                let mut tx = pool.begin().await?;
                for setting in [
                    "SET LOCAL enable_sort = off",
                    "SET LOCAL enable_seqscan = off",
                ] {
                    sqlx::query(setting).execute(&mut *tx).await?;
                }
                let lines = bind_args!(sqlx::query_scalar(&sql), &query.args)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.rollback().await?;
                lines
            }
        };
        Ok(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_what_they_wrote() {
        for cursor in [
            Cursor::id(42),
            Cursor::pair(Key::Int(1_767_225_600_000), 7),
            Cursor::pair(Key::Text("2025-01-31".into()), 3),
        ] {
            let text = cursor.encode();
            assert!(text.len() <= Cursor::MAX_CHARS);
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
            assert_eq!(Cursor::parse(&text).ok(), Some(cursor));
        }
        assert_eq!(Cursor::id(42).as_id().ok(), Some(42));
        assert_eq!(
            Cursor::pair(Key::Text("2025-01-31".into()), 3)
                .as_day_pair()
                .ok(),
            Some(("2025-01-31", 3))
        );
    }

    #[test]
    fn anything_else_is_a_malformed_query() {
        let long = "A".repeat(Cursor::MAX_CHARS + 1);
        let not_json = URL_SAFE_NO_PAD.encode("{");
        let empty = URL_SAFE_NO_PAD.encode("[]");
        let three = URL_SAFE_NO_PAD.encode("[1,2,3]");
        let float = URL_SAFE_NO_PAD.encode("[1.5]");
        let object = URL_SAFE_NO_PAD.encode(r#"{"id":1}"#);
        for text in [
            "",
            "!!!",
            "WzFd=",
            long.as_str(),
            &not_json,
            &empty,
            &three,
            &float,
            &object,
        ] {
            assert!(
                matches!(Cursor::parse(text), Err(Error::MalformedQuery(_))),
                "{text:?}"
            );
        }
        let wrong_shape = Cursor::pair(Key::Text("not a day".into()), 1);
        assert!(matches!(wrong_shape.as_id(), Err(Error::MalformedQuery(_))));
        assert!(matches!(
            wrong_shape.as_day_pair(),
            Err(Error::MalformedQuery(_))
        ));
        assert!(matches!(
            Cursor::id(1).as_int_pair(),
            Err(Error::MalformedQuery(_))
        ));
    }

    #[test]
    fn a_listing_keeps_the_page_and_points_past_it() {
        let page = Page::first(2);
        let full = Listing::from_rows(vec![1, 2, 3], &page, |id| Cursor::id(*id));
        assert_eq!(full.items, vec![1, 2]);
        assert_eq!(full.next, Some(Cursor::id(2)));
        let last = Listing::from_rows(vec![1, 2], &page, |id| Cursor::id(*id));
        assert_eq!(last.next, None);
    }
}
