//! Consistent copies of a running SQLite database.

use super::{Pool, Store};
use crate::error::{Error, Result};
use std::path::Path;

impl Store {
    /// Writes a consistent copy of the live SQLite database to `target` (`VACUUM INTO`: one
    /// read transaction, so writers carry on and the copy is a single point in time). The
    /// target must not exist yet. PostgreSQL is backed up with its own tools (`pg_dump`).
    pub async fn backup_sqlite(&self, target: &Path) -> Result<()> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Err(Error::Other(anyhow::anyhow!(
                "this is a PostgreSQL database: back it up with pg_dump --format=custom (restore with pg_restore)"
            )));
        };
        if target.exists() {
            return Err(Error::Other(anyhow::anyhow!(
                "{} already exists: choose a new file",
                target.display()
            )));
        }
        let target = target
            .to_str()
            .ok_or_else(|| Error::Other(anyhow::anyhow!("the backup path is not valid UTF-8")))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await?;
        Ok(())
    }
}
