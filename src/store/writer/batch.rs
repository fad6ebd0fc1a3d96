//! A batch in one transaction: its filings as one group in a savepoint (each alone if the
//! group fails), then every unit in a savepoint of its own, and the commit; each caller is
//! answered once the batch is committed or not.

use super::{Delivery, FileJob, MAX_TRIES, Ran, Tx, Work, after_commit, is_conflict};
use crate::error::{Error, Result};
use std::future::Future;
use std::pin::Pin;

/// One statement on the writer's connection (a boxed, `Send` future: spawning the writer
/// needs the compiler to see that).
pub(super) fn execute<'c>(
    tx: &'c mut Tx<'_>,
    sql: &'static str,
) -> Pin<Box<dyn Future<Output = sqlx::Result<()>> + Send + 'c>> {
    Box::pin(async move {
        use sqlx::Executor;
        match tx {
            Tx::Direct(c) => super::direct::execute(c, sql),
            Tx::Sqlite(c) => c.execute(sql).await.map(|_| ()),
            Tx::Postgres(c, _) => c.execute(sql).await.map(|_| ()),
        }
    })
}

/// What a batch came to: how to answer each caller, whether it was committed (else why
/// not), and the work a conflict aborted, for the next batch.
pub(super) struct Committed {
    pub(super) deliveries: Vec<Delivery>,
    pub(super) committed: std::result::Result<(), String>,
    pub(super) again: Vec<Work>,
}

/// Ends a batch's transaction: on PostgreSQL its waiting audit entries go into the writer's
/// own chain first ([`crate::store::audit::claim_chain`]), in the round trip before `COMMIT`; with
/// none waiting, the savepoint's release and the commit go in one.
fn finish<'c>(
    tx: &'c mut Tx<'_>,
    release_savepoint: bool,
) -> Pin<Box<dyn Future<Output = sqlx::Result<()>> + Send + 'c>> {
    Box::pin(async move {
        if let Tx::Postgres(connection, buffer) = tx {
            if buffer.pending.is_empty() && release_savepoint {
                return execute(tx, "RELEASE SAVEPOINT unit; COMMIT").await;
            }
            let before = if release_savepoint {
                "RELEASE SAVEPOINT unit; "
            } else {
                ""
            };
            crate::store::audit::flush_audit(connection, buffer, before).await?;
            return execute(tx, "COMMIT").await;
        }
        if release_savepoint {
            execute(tx, "RELEASE SAVEPOINT unit").await?;
        }
        execute(tx, "COMMIT").await
    })
}

/// Runs one batch in one transaction: its filings together in a savepoint (each alone in a
/// savepoint of its own if the group fails), then every unit in a savepoint of its own.
pub(super) async fn commit_batch(tx: &mut Tx<'_>, batch: impl Iterator<Item = Work>) -> Committed {
    let mut deliveries = Vec::new();
    let mut again = Vec::new();
    let (mut files, mut units) = (Vec::new(), Vec::new());
    for work in batch {
        match work {
            Work::File(file) => files.push(*file),
            Work::Unit(unit) => units.push(unit),
            // Taken out of the batch before it is committed.
            Work::Turn(_) => {}
        }
    }
    // On PostgreSQL the filings' savepoint goes with BEGIN in one round trip (statements
    // without arguments go as one simple query). No lock is taken here: the audit chain's is
    // taken at the end ([`finish`]).
    let opens_savepoint = tx.is_postgres() && !files.is_empty();
    let begun = match tx {
        Tx::Direct(_) | Tx::Sqlite(_) => execute(tx, "BEGIN IMMEDIATE").await,
        _ if opens_savepoint => execute(tx, "BEGIN; SAVEPOINT unit").await,
        _ => execute(tx, "BEGIN").await,
    };
    if let Err(error) = begun {
        let error = format!("cannot begin a write batch: {error}");
        tracing::error!(%error);
        let _ = execute(tx, "ROLLBACK").await;
        // Nothing ran. Work that never runs is answered by dropping it, which closes its
        // answer channel: its caller reports that the batch could not be committed.
        drop(files);
        drop(units);
        return Committed {
            deliveries,
            committed: Err(error),
            again,
        };
    }
    let mut broken = None;
    // Whether the filings' savepoint is still to be released (with the commit, on PostgreSQL).
    let mut release_pending = false;
    if !files.is_empty() {
        let last = units.is_empty() && tx.is_postgres();
        match file_batch(tx, files, opens_savepoint, last).await {
            Ok(filed) => {
                deliveries.extend(filed.deliveries);
                again.extend(
                    filed
                        .again
                        .into_iter()
                        .map(|file| Work::File(Box::new(file))),
                );
                release_pending = filed.release_pending;
            }
            Err(error) => broken = Some(error),
        }
    }
    for mut unit in units {
        if broken.is_some() {
            drop(unit);
            continue;
        }
        if let Err(error) = execute(tx, "SAVEPOINT unit").await {
            broken = Some(format!("cannot open a savepoint: {error}"));
            drop(unit);
            continue;
        }
        let mark = tx.audit_mark();
        unit.tries += 1;
        let ran = {
            let mut unit_tx = match tx {
                Tx::Direct(c) => Tx::Direct(c),
                Tx::Sqlite(c) => Tx::Sqlite(c),
                Tx::Postgres(c, a) => Tx::Postgres(c, a),
            };
            (unit.job)(&mut unit_tx, unit.tries >= MAX_TRIES).await
        };
        let succeeded = match ran {
            Ran::Done(succeeded, deliver) => {
                deliveries.push(deliver);
                succeeded
            }
            Ran::Again => {
                again.push(Work::Unit(unit));
                false
            }
        };
        if !succeeded {
            tx.forget_audit_after(mark);
        }
        if let Err(error) = end_savepoint(tx, succeeded).await {
            broken = Some(error);
        }
    }
    let committed = match broken {
        Some(error) => Err(error),
        None => finish(tx, release_pending)
            .await
            .map_err(|error| format!("cannot commit a write batch: {error}")),
    };
    if let Err(error) = &committed {
        tracing::error!(%error, "write batch rolled back");
        let _ = execute(tx, "ROLLBACK").await;
    }
    Committed {
        deliveries,
        committed,
        again,
    }
}

/// Releases the savepoint `unit`, rolling back to it first when what ran in it failed.
async fn end_savepoint(tx: &mut Tx<'_>, succeeded: bool) -> std::result::Result<(), String> {
    let mut ended = Ok(());
    if !succeeded {
        ended = execute(tx, "ROLLBACK TO SAVEPOINT unit").await;
    }
    if ended.is_ok() {
        ended = execute(tx, "RELEASE SAVEPOINT unit").await;
    }
    ended.map_err(|error| format!("cannot end a savepoint: {error}"))
}

/// What [`file_batch`] came to: the answers for the filings it wrote or refused, the filings
/// a conflict aborted (for the next batch), and whether the group's savepoint is left to be
/// released with the commit.
struct FiledBatch {
    deliveries: Vec<Delivery>,
    again: Vec<FileJob>,
    release_pending: bool,
}

/// Writes a batch's filings as one group in a savepoint; if the group fails, rolls it back
/// and writes each filing alone in a savepoint of its own. The deliveries answer each caller
/// once the batch is committed; an `Err` is a savepoint that could not be handled (the batch
/// cannot go on).
///
/// `savepoint_open`: the batch's BEGIN opened the group's savepoint already. `last`: nothing
/// follows in the batch, so a group that needs no filing alone leaves its savepoint to be
/// released with the commit.
async fn file_batch(
    tx: &mut Tx<'_>,
    files: Vec<FileJob>,
    savepoint_open: bool,
    last: bool,
) -> std::result::Result<FiledBatch, String> {
    use crate::store::filing::{file_group, file_one};
    if !savepoint_open {
        execute(tx, "SAVEPOINT unit")
            .await
            .map_err(|error| format!("cannot open a savepoint: {error}"))?;
    }
    let mark = tx.audit_mark();
    let grouped = {
        let filings: Vec<&crate::store::filing::Filing> = files.iter().map(|f| &f.filing).collect();
        file_group(tx, &filings).await
    };
    let mut release_pending = false;
    let mut outcomes: Vec<Option<Result<crate::store::requests::Filed>>> = match grouped {
        Ok(outcomes) => {
            if last && outcomes.iter().all(Option::is_some) {
                release_pending = true;
            } else {
                end_savepoint(tx, true).await?;
            }
            outcomes.into_iter().map(|o| o.map(Ok)).collect()
        }
        Err(error) => {
            tracing::warn!(%error, filings = files.len(), "a group of filings failed; filing each alone");
            tx.forget_audit_after(mark);
            end_savepoint(tx, false).await?;
            files.iter().map(|_| None).collect()
        }
    };
    for (file, outcome) in files.iter().zip(outcomes.iter_mut()) {
        if outcome.is_some() {
            continue;
        }
        execute(tx, "SAVEPOINT unit")
            .await
            .map_err(|error| format!("cannot open a savepoint: {error}"))?;
        let mark = tx.audit_mark();
        let alone = file_one(tx, &file.filing).await;
        if alone.is_err() {
            tx.forget_audit_after(mark);
        }
        end_savepoint(tx, alone.is_ok()).await?;
        *outcome = Some(alone);
    }
    let mut deliveries = Vec::new();
    let mut again = Vec::new();
    for (mut file, outcome) in files.into_iter().zip(outcomes) {
        let result = outcome
            .unwrap_or_else(|| Err(Error::Other(anyhow::anyhow!("a filing was left unwritten"))));
        if let Err(error) = &result
            && is_conflict(error)
        {
            file.tries += 1;
            if file.tries < MAX_TRIES {
                again.push(file);
                continue;
            }
        }
        let answer = file.answer;
        let deliver: Delivery = Box::new(move |failure: Option<String>| {
            let _ = answer.send(after_commit(failure, result));
        });
        deliveries.push(deliver);
    }
    Ok(FiledBatch {
        deliveries,
        again,
        release_pending,
    })
}
