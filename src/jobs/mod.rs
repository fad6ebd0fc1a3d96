//! The durable job runner: claims due jobs from the database and runs them; a failed job is
//! retried with exponential backoff, a crashed worker's job is claimed again when its lease ends.

pub mod expiry;
pub mod mail;

use crate::actions;
use crate::domain::policy::Policy;
use crate::store::Store;
use crate::store::jobs::Job;
use std::sync::Arc;
use std::time::Duration as StdDuration;
use time::{Duration, OffsetDateTime};
use tokio::sync::watch;

/// How long a claimed job is held before another worker may take it over.
const LEASE: Duration = Duration::minutes(5);

/// Runs one due job, if any; returns whether there was one.
pub async fn run_once(
    store: &Store,
    policy: &Policy,
    now: OffsetDateTime,
) -> crate::error::Result<bool> {
    let Some(job) = store.claim_job(now, LEASE).await? else {
        return Ok(false);
    };
    match execute(store, policy, &job, now).await {
        Ok(()) => {
            settle(job.id, now, || {
                store.finish_job(job.id, OffsetDateTime::now_utc())
            })
            .await?
        }
        Err(error) => {
            let backoff = Duration::seconds(2i64.saturating_pow(job.attempts.clamp(1, 12) as u32));
            tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %error, "job failed; will retry");
            let error = error.to_string();
            settle(job.id, now, || {
                store.retry_job(job.id, &error, now + backoff)
            })
            .await?;
        }
    }
    Ok(true)
}

/// Records how a claimed job ended. While the database cannot take it (an outage: very likely
/// what made the job fail), tries again every half second until the job's lease would end:
/// otherwise the job would stay leased, untouched, for the whole lease after the database came
/// back. A job that is never settled is claimed again when its lease ends; running it again is
/// harmless (an activation already processed counts as done).
async fn settle<F, Fut>(
    job: i64,
    claimed: OffsetDateTime,
    mut record: F,
) -> crate::error::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = crate::error::Result<()>>,
{
    loop {
        match record().await {
            Ok(()) => return Ok(()),
            Err(error)
                if error.status() == axum::http::StatusCode::SERVICE_UNAVAILABLE
                    && OffsetDateTime::now_utc() < claimed + LEASE =>
            {
                tracing::warn!(job, %error, "cannot record the end of a job yet; trying again");
                tokio::time::sleep(StdDuration::from_millis(500)).await;
            }
            Err(error) => return Err(error),
        }
    }
}

async fn execute(
    store: &Store,
    policy: &Policy,
    job: &Job,
    now: OffsetDateTime,
) -> crate::error::Result<()> {
    match job.kind.as_str() {
        "activation" => {
            let id: i64 = job.payload.parse().map_err(|_| {
                anyhow::anyhow!("activation job {} has payload {:?}", job.id, job.payload)
            })?;
            // Already processed (by an operator or another worker) is success too.
            actions::activations::complete(store, policy, id, None, now)
                .await
                .map(|_| ())
        }
        other => Err(anyhow::anyhow!("unknown job kind {other:?}").into()),
    }
}

/// Polls for jobs until `shutdown` turns true; sends due notifications when a mailer is
/// configured; hourly, queues expiry notices, forgets idempotency keys and failed attempts
/// older than a day, and removes expired sessions.
pub async fn run(
    store: Store,
    policy: Arc<Policy>,
    mailer: Option<mail::Mailer>,
    mut shutdown: watch::Receiver<bool>,
) {
    tokio::spawn(watch_audit(store.clone(), shutdown.clone()));
    let mut last_hourly: Option<OffsetDateTime> = None;
    loop {
        let now = OffsetDateTime::now_utc();
        let ran = match run_once(&store, &policy, now).await {
            Ok(ran) => ran,
            Err(error) => {
                tracing::error!(error = %error, "job runner failed to claim a job");
                false
            }
        };
        if let Some(mailer) = &mailer
            && let Err(error) = mail::send_due(&store, mailer, now).await
        {
            tracing::error!(error = %error, "sending notifications failed");
        }
        if last_hourly.is_none_or(|at| now - at >= Duration::hours(1)) {
            last_hourly = Some(now);
            if let Err(error) = expiry::notify_expiring(&store, now).await {
                tracing::error!(error = %error, "queueing expiry notices failed");
            }
            if let Err(error) = store
                .prune_idempotency_keys(now - Duration::hours(24))
                .await
            {
                tracing::error!(error = %error, "pruning idempotency keys failed");
            }
            if let Err(error) = store.delete_expired_sessions(now).await {
                tracing::error!(error = %error, "pruning expired sessions failed");
            }
            // Failed attempts only count inside the throttle window, well under a day.
            if let Err(error) = store.prune_failures(now - Duration::hours(24)).await {
                tracing::error!(error = %error, "pruning failed attempts failed");
            }
        }
        if *shutdown.borrow() {
            break;
        }
        if !ran {
            tokio::select! {
                _ = tokio::time::sleep(StdDuration::from_millis(500)) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

/// Walks the whole audit chain at start and then hourly, apart from the job runner (a long
/// chain takes seconds), so the console's chain state covers entries changed after they were
/// first checked. A break is logged as an error.
async fn watch_audit(store: Store, mut shutdown: watch::Receiver<bool>) {
    loop {
        match store.recheck_audit().await {
            Ok(state) => match state.broken {
                Some(broken) => tracing::error!(
                    entry = broken.id,
                    reason = broken.reason,
                    "the audit log's hash chain is broken"
                ),
                None => tracing::info!(entries = state.count, "audit chain walked: intact"),
            },
            Err(error) => tracing::error!(error = %error, "walking the audit chain failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(StdDuration::from_secs(3600)) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            break;
        }
    }
}
