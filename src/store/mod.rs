//! The only place with SQL: one `Store` over SQLite or PostgreSQL, the same queries on both.

pub mod accounts;
pub mod activations;
pub mod audit;
pub mod backup;
pub mod bulk;
pub mod cache;
pub mod contracts;
pub mod customers;
pub mod direct;
pub mod filing;
pub mod jobs;
pub mod ledger;
pub mod links;
pub mod memberships;
pub mod organizations;
pub mod outbox;
pub mod page;
pub mod products;
pub mod requests;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod writer;

pub use page::{Cursor, Listing, Page};

use anyhow::{Context, bail};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;

/// The connection pool of one of the two backends.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same portable SQL on whichever pool (or transaction) the store holds.
#[macro_export]
macro_rules! on_pool {
    ($store:expr, $p:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($p) => $body,
            $crate::store::Pool::Postgres($p) => $body,
        }
    };
}

/// Runs one write statement on the pool: like [`on_pool!`], holding the SQLite writer's turn
/// ([`Store::write_turn`]) so it never waits for the write lock behind the writer's batches.
#[macro_export]
macro_rules! on_write_pool {
    ($store:expr, $p:ident => $body:expr) => {{
        let _turn = $store.write_turn().await?;
        $crate::on_pool!($store, $p => $body)
    }};
}

/// Runs a block inside one write transaction on either backend; the block receives `&mut tx`.
/// On SQLite the transaction holds the writer's turn ([`Store::write_turn`]) and starts with
/// `BEGIN IMMEDIATE`, so it takes the write lock at once, in its turn; on PostgreSQL its audit
/// entries are chained at its commit (see below). The hot paths (filing, consume, refund) run
/// as write units instead.
#[macro_export]
macro_rules! in_tx {
    ($store:expr, $tx:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite(pool) => {
                let _turn = $store.write_turn().await?;
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let result = $body;
                $tx.commit().await?;
                result
            }
            $crate::store::Pool::Postgres(pool) => {
                // These transactions run one at a time (their own lock, taken first); the
                // audit entries a block appends wait in the transaction and go into the chain
                // at its commit, under the chain's lock, as the writer's batches' do: that lock
                // is taken after every row a transaction locks, so its holder never waits for
                // a row held by one that waits for the lock.
                let mut $tx = $crate::store::writer::PgTx::begin(pool).await?;
                let result = $body;
                $tx.commit().await?;
                result
            }
        }
    };
}

/// Which backend a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Store {
    pub pool: Pool,
    /// The group-commit writer (see [`writer`]).
    pub writer: writer::Writer,
    /// Callers and the catalogue, remembered briefly (see [`cache`]).
    pub caches: std::sync::Arc<cache::Caches>,
    /// SQLite's read connections for the hot reads (see [`direct`]); none on PostgreSQL.
    pub readers: Option<std::sync::Arc<direct::Readers>>,
    /// How far this instance has checked the audit chain (see [`Store::audit_chain`]).
    pub audit_watch: std::sync::Arc<audit::ChainWatch>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `sqlite://path`, a bare file path, or `postgres://…`.
    /// A SQLite file is created if missing, in WAL mode with foreign keys on.
    /// SQLite commits with `synchronous=FULL`.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Self::connect_with(url, crate::config::SqliteDurability::Full).await
    }

    /// Like [`Store::connect`], choosing SQLite's durability.
    pub async fn connect_with(
        url: &str,
        durability: crate::config::SqliteDurability,
    ) -> anyhow::Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).context("invalid PostgreSQL URL")?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options.clone())
                .await
                .context("cannot connect to PostgreSQL")?;
            let connection = writer::Connection::Postgres {
                options: Box::new(options),
                connection: None,
            };
            Ok(Self {
                pool: Pool::Postgres(pool),
                writer: writer::Writer::start(connection).context("cannot start the writer")?,
                caches: Default::default(),
                readers: None,
                audit_watch: Default::default(),
            })
        } else if let Some(options) = sqlite_options(url)? {
            let (synchronous, pragma) = match durability {
                crate::config::SqliteDurability::Full => (SqliteSynchronous::Full, "FULL"),
                crate::config::SqliteDurability::Normal => (SqliteSynchronous::Normal, "NORMAL"),
            };
            let options = options.synchronous(synchronous);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                // A connection whose transaction could not end (a COMMIT refused on a full
                // disk, after which SQLite has rolled back and the driver's ROLLBACK fails, so
                // the driver still counts a transaction open) would refuse every later BEGIN:
                // it is closed instead of going back to the pool. The ping first lets a
                // rollback queued by a dropped transaction run.
                .after_release(|connection, _| {
                    Box::pin(async move {
                        use sqlx::Connection;
                        Ok(connection.ping().await.is_ok() && !connection.is_in_transaction())
                    })
                })
                .connect_with(options.clone())
                .await
                .context("cannot open the SQLite database")?;
            let connection = writer::connect(&options, pragma)
                .context("cannot open the SQLite database for writing")?;
            Ok(Self {
                pool: Pool::Sqlite(pool),
                writer: writer::Writer::start(writer::Connection::Sqlite(connection))
                    .context("cannot start the writer")?,
                caches: Default::default(),
                audit_watch: Default::default(),
                readers: Some(std::sync::Arc::new(direct::Readers::new(
                    options.get_filename().to_owned(),
                ))),
            })
        } else {
            bail!("unsupported database URL scheme in {url:?}: use sqlite://FILE or postgres://…");
        }
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every migration not yet applied.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        }
        .context("cannot apply migrations")
    }

    /// A round trip to the database, for readiness checks.
    pub async fn ping(&self) -> sqlx::Result<()> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

fn sqlite_options(url: &str) -> anyhow::Result<Option<SqliteConnectOptions>> {
    let options = if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        if path.is_empty() {
            bail!("the SQLite URL {url:?} names no file");
        }
        SqliteConnectOptions::new().filename(path)
    } else if !url.contains("://") {
        SqliteConnectOptions::new().filename(url)
    } else {
        return Ok(None);
    };
    Ok(Some(
        options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10)),
    ))
}

/// Timestamps are stored as Unix milliseconds (BIGINT) on both backends.
pub fn to_millis(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// The inverse of [`to_millis`]; out-of-range values (never written by us) clamp to the epoch.
pub fn from_millis(millis: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
