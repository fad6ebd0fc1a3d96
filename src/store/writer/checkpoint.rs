//! WAL checkpoints off the writer's thread. SQLite's default is to checkpoint on the committing
//! connection once the WAL holds 1,000 pages: the writer would stop taking batches while it
//! copies pages from the WAL into the database file and syncs it (a seventh of a filing's
//! time in a profile of `file-spread`). The writer's connection turns that off
//! (`wal_autocheckpoint = 0`) and signals this thread after every commit; the thread runs a
//! `PASSIVE` checkpoint on its own connection, at most one per [`INTERVAL`]. A passive
//! checkpoint waits for no reader or writer: the writer goes on committing into the WAL while
//! it runs, and the pages a batch commits are durable in the WAL when the batch is answered
//! (the checkpoint only moves them).

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::{Duration, Instant};

/// The shortest time between two checkpoints: a page committed many times in that time is
/// copied once.
pub const INTERVAL: Duration = Duration::from_millis(100);

/// The writer's side: tells the checkpointer that the WAL has grown.
pub struct Signal(SyncSender<()>);

impl Signal {
    /// After a commit. Never waits: a signal already pending covers this one.
    pub fn committed(&self) {
        match self.0.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
        }
    }
}

/// Starts the checkpointer on a connection of its own to `path`; it stops when the
/// [`Signal`] is dropped (the writer stopped).
pub fn start(path: PathBuf) -> std::io::Result<Signal> {
    let (signal, signals) = sync_channel(1);
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || run(path, signals))?;
    Ok(Signal(signal))
}

fn run(path: PathBuf, signals: Receiver<()>) {
    let mut connection = None;
    while signals.recv().is_ok() {
        let started = Instant::now();
        if connection.is_none() {
            match open(&path) {
                Ok(opened) => connection = Some(opened),
                Err(error) => tracing::warn!(%error, "the checkpointer cannot open the database"),
            }
        }
        if let Some(open) = &connection
            && let Err(error) = checkpoint(open)
        {
            // A full disk, say: the WAL keeps the pages and the next signal tries again.
            tracing::warn!(%error, "WAL checkpoint failed");
            connection = None;
        }
        std::thread::sleep(INTERVAL.saturating_sub(started.elapsed()));
    }
}

fn open(path: &PathBuf) -> rusqlite::Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(10))?;
    Ok(connection)
}

/// One passive checkpoint: copies what no reader still needs from the WAL into the file.
fn checkpoint(connection: &rusqlite::Connection) -> rusqlite::Result<()> {
    let (busy, wal_pages, copied): (i64, i64, i64) =
        connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
    tracing::trace!(busy, wal_pages, copied, "WAL checkpoint");
    Ok(())
}
