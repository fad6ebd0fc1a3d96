//! WAL checkpoints off the writer's thread, and the WAL kept to a bounded size.
//!
//! SQLite's default is to checkpoint on the committing connection once the WAL holds 1,000
//! pages: the writer would stop taking batches while it copies pages from the WAL into the
//! database file and syncs it (a seventh of a filing's time in a profile of `file-spread`). The
//! writer's connection turns that off (`wal_autocheckpoint = 0`) and signals this thread after
//! every commit; the thread runs a `PASSIVE` checkpoint on its own connection, at most one per
//! [`INTERVAL`]. A passive checkpoint waits for no reader or writer: the writer goes on
//! committing into the WAL while it runs, and the pages a batch commits are durable in the WAL
//! when the batch is answered (the checkpoint only moves them).
//!
//! A passive checkpoint beside a writer that never pauses never finishes, though: frames are
//! appended while it copies, and SQLite starts the WAL over from its beginning only when a
//! write begins after a checkpoint that copied every frame. Left alone the WAL grows for as long
//! as the load lasts (2 GB in eight seconds of `file-spread`), fills the disk and makes every
//! sync an append. So once the WAL holds [`RESTART_FRAMES`] frames this thread catches up and
//! asks the writer, which then checkpoints itself between two batches ([`restart`]): it copies
//! the few frames committed since, and the next batch writes the WAL from its start again. If a
//! read that began before kept it from that, the writer is asked again and this time waits a
//! moment for such readers. `journal_size_limit` then cuts the file back to [`WAL_LIMIT_BYTES`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::{Duration, Instant};

/// The shortest time between two checkpoints: a page committed many times in that time is
/// copied once.
pub const INTERVAL: Duration = Duration::from_millis(100);

/// The WAL's length (in frames, one page each) at which the writer starts it over: 64 MiB of
/// 4 KiB pages.
const RESTART_FRAMES: i64 = 16_384;

/// The checkpointer asks the writer to start the WAL over once a pass copied at most this
/// many frames (a few batches' worth).
const CATCH_UP_FRAMES: i64 = 256;

/// Passes back to back at most, when the writer commits faster than a pass copies.
const MAX_PASSES: usize = 8;

/// What `journal_size_limit` leaves of the WAL file after it was started over.
pub const WAL_LIMIT_BYTES: i64 = 64 << 20;

/// After a restart failed (a full disk, say), the writer does not try again before this.
const RESTART_BACKOFF: Duration = Duration::from_secs(1);

/// How long the writer waits for the readers of older snapshots when a restart that did not
/// wait was kept from starting the WAL over (by a read that began before it and ran past it).
const READERS_WAIT: Duration = Duration::from_millis(50);

/// What the checkpointer asks of the writer: nothing, a restart that waits for nobody, or (the
/// last one did not start the WAL over) one that waits up to [`READERS_WAIT`] for readers.
const NOTHING: u8 = 0;
const RESTART: u8 = 1;
const RESTART_WAITING: u8 = 2;

/// The writer's side: tells the checkpointer that the WAL has grown, and learns from it when
/// the WAL is to be started over.
pub struct Signal {
    signal: SyncSender<()>,
    restart: Arc<AtomicU8>,
    not_before: Option<Instant>,
}

impl Signal {
    /// After a commit. Never waits: a signal already pending covers this one.
    pub fn committed(&self) {
        match self.signal.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
        }
    }

    /// Between two batches, on the writer's connection: starts the WAL over when the
    /// checkpointer found it long.
    pub fn restart_if_due(&mut self, connection: &rusqlite::Connection) {
        if self.restart.load(Ordering::Relaxed) == NOTHING
            || self.not_before.is_some_and(|at| Instant::now() < at)
        {
            return;
        }
        let asked = self.restart.swap(NOTHING, Ordering::Relaxed);
        if let Err(error) = restart(connection, asked == RESTART_WAITING) {
            // A full disk, say: the WAL keeps its pages; tried again a while later.
            tracing::warn!(%error, "WAL restart failed");
            self.not_before = Some(Instant::now() + RESTART_BACKOFF);
        }
    }
}

/// Starts the checkpointer on a connection of its own to `path`; it stops when the
/// [`Signal`] is dropped (the writer stopped).
pub fn start(path: PathBuf) -> std::io::Result<Signal> {
    let (signal, signals) = sync_channel(1);
    let restart = Arc::new(AtomicU8::new(NOTHING));
    let asks = Arc::clone(&restart);
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || run(path, signals, &asks))?;
    Ok(Signal {
        signal,
        restart,
        not_before: None,
    })
}

fn run(path: PathBuf, signals: Receiver<()>, restart: &AtomicU8) {
    let mut connection = None;
    let mut wal = Generation::default();
    while signals.recv().is_ok() {
        let started = Instant::now();
        if connection.is_none() {
            match open(&path) {
                Ok(opened) => connection = Some(opened),
                Err(error) => tracing::warn!(%error, "the checkpointer cannot open the database"),
            }
        }
        if let Some(open) = &connection
            && let Err(error) = catch_up(open, restart, &mut wal)
        {
            // A full disk, say: the WAL keeps the pages and the next signal tries again.
            tracing::warn!(%error, "WAL checkpoint failed");
            connection = None;
        }
        std::thread::sleep(INTERVAL.saturating_sub(started.elapsed()));
    }
}

/// What the checkpointer knows of the WAL since it last started over.
#[derive(Default)]
struct Generation {
    /// Its length at the last pass: a shorter one at the next pass means it started over.
    frames: i64,
    /// Whether the writer was asked to start it over already.
    asked: bool,
}

impl Generation {
    fn passed(&mut self, frames: i64) {
        if frames < self.frames {
            self.asked = false;
        }
        self.frames = frames;
    }
}

/// One passive checkpoint; when the WAL has grown long, more of them back to back until one
/// finds next to nothing left to copy ([`CATCH_UP_FRAMES`]), and then the writer is asked to
/// start the WAL over: what it copies itself is what it committed in the last short pass. Asked
/// again without the WAL having started over, the writer waits for readers this time.
fn catch_up(
    connection: &rusqlite::Connection,
    restart: &AtomicU8,
    wal: &mut Generation,
) -> rusqlite::Result<()> {
    let (mut frames, mut copied) = checkpoint(connection)?;
    wal.passed(frames);
    let mut passes = 1;
    while frames >= RESTART_FRAMES && restart.load(Ordering::Relaxed) == NOTHING {
        let before = copied;
        (frames, copied) = checkpoint(connection)?;
        wal.passed(frames);
        passes += 1;
        // A pass that copied little (or found the WAL started over, copied < before), or the
        // last one allowed: the writer's turn.
        if copied - before <= CATCH_UP_FRAMES || passes >= MAX_PASSES {
            if frames >= RESTART_FRAMES {
                let ask = if wal.asked { RESTART_WAITING } else { RESTART };
                restart.store(ask, Ordering::Relaxed);
                wal.asked = true;
            }
            break;
        }
    }
    Ok(())
}

fn open(path: &PathBuf) -> rusqlite::Result<rusqlite::Connection> {
    let connection = rusqlite::Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(10))?;
    Ok(connection)
}

/// One passive checkpoint: copies what no reader still needs from the WAL into the file.
/// Answers the WAL's length in frames and how many of them are in the database file.
fn checkpoint(connection: &rusqlite::Connection) -> rusqlite::Result<(i64, i64)> {
    let (_, wal_frames, copied) = run_checkpoint(connection, "PASSIVE")?;
    Ok((wal_frames, copied))
}

/// A checkpoint on the writer's connection, between two batches, just after one of the
/// checkpointer's: it copies the few frames committed since, and the next batch starts the WAL
/// over unless a read that began before the copy is still running. `PASSIVE` (`wait` false)
/// waits for no reader: a read still running leaves the WAL growing, and the checkpointer asks
/// again after its next pass, then with `wait`: `RESTART`, which waits up to [`READERS_WAIT`]
/// for the readers of older snapshots (readers that begin after the copy do not hold it up).
fn restart(connection: &rusqlite::Connection, wait: bool) -> rusqlite::Result<()> {
    if !wait {
        return run_checkpoint(connection, "PASSIVE").map(drop);
    }
    connection.busy_timeout(READERS_WAIT)?;
    let done = run_checkpoint(connection, "RESTART");
    connection.busy_timeout(Duration::from_secs(10))?;
    done.map(drop)
}

/// `PRAGMA wal_checkpoint(mode)`: whether it was kept from finishing, the WAL's length in
/// frames, and how many of them are in the database file.
fn run_checkpoint(
    connection: &rusqlite::Connection,
    mode: &'static str,
) -> rusqlite::Result<(i64, i64, i64)> {
    let started = Instant::now();
    let (busy, wal_frames, copied): (i64, i64, i64) =
        connection.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
    tracing::trace!(
        mode,
        busy,
        wal_frames,
        copied,
        micros = started.elapsed().as_micros() as u64,
        "WAL checkpoint"
    );
    Ok((busy, wal_frames, copied))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    /// A writer that never pauses, with readers beside it: the WAL is started over again and
    /// again and its file stays near [`WAL_LIMIT_BYTES`], where without the restarts it would
    /// hold every frame ever committed (about three times that here).
    #[test]
    fn the_wal_stays_bounded_under_a_writer_that_never_pauses() -> rusqlite::Result<()> {
        let dir =
            tempfile::tempdir().map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
        let path = dir.path().join("bounded.db");
        let writer = rusqlite::Connection::open(&path)?;
        writer.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA wal_autocheckpoint = 0; \
             PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}; \
             CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB NOT NULL);"
        ))?;
        let mut signal =
            start(path.clone()).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
        let stop = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (path, stop) = (path.clone(), Arc::clone(&stop));
                std::thread::spawn(move || -> rusqlite::Result<()> {
                    let reader = rusqlite::Connection::open(path)?;
                    while !stop.load(Ordering::Relaxed) {
                        // Short reads, as the service's are, one after the other.
                        let id = rand::random_range(0..20_000);
                        let _: Option<i64> = reader
                            .query_row(
                                "SELECT length(body) FROM pages WHERE id = ?1",
                                [id],
                                |row| row.get(0),
                            )
                            .ok();
                    }
                    Ok(())
                })
            })
            .collect();
        let body = vec![7u8; 3_000];
        let wal = path.with_file_name("bounded.db-wal");
        let mut largest = 0;
        // 3 × 16,384 frames of one page each, in batches of 64 rows.
        for batch in 0..(3 * RESTART_FRAMES / 64) {
            writer.execute_batch("BEGIN IMMEDIATE")?;
            for row in 0..64 {
                writer.execute(
                    "INSERT OR REPLACE INTO pages (id, body) VALUES (?1, ?2)",
                    rusqlite::params![(batch * 64 + row) % 20_000, body],
                )?;
            }
            writer.execute_batch("COMMIT")?;
            signal.committed();
            signal.restart_if_due(&writer);
            largest = largest.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
        }
        stop.store(true, Ordering::Relaxed);
        for reader in readers {
            reader.join().expect("a reader panicked")?;
        }
        let limit = 2 * WAL_LIMIT_BYTES as u64;
        assert!(
            largest < limit,
            "the WAL file reached {largest} bytes (bound {limit})"
        );
        Ok(())
    }
}
