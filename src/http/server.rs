//! The accept loop: like `axum::serve`, with limits that keep the server answering when clients
//! misbehave or pile up:
//! - a deadline for a client to send its request headers, counted from the moment it connects
//!   (a silent or slow client cannot hold a connection; an idle keep-alive connection neither);
//! - a cap on open connections below the open-files limit: when it is reached, the connection
//!   that has waited longest without sending a request is closed to make room, and when every
//!   connection is busy, new ones are refused until one ends;
//! - a lingering close: when the server ends a connection that has served requests, it stops
//!   writing, then reads and drops what the client still sends for a moment before closing, so a
//!   client still sending a body it was answered for gets the answer and a clean close, not a
//!   reset;
//! - graceful shutdown that lets requests in flight finish.
//!
//! Only HTTP/1.1 is spoken: guessing the version first would wait for the HTTP/2 preface with
//! no deadline.

use crate::config::Settings;
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{Response, StatusCode};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tower::{Service, ServiceExt};

/// Descriptors kept back from client connections: the database pool (a SQLite connection holds
/// three), the listener, logs, the policy file, SMTP and backups.
const RESERVED_DESCRIPTORS: u64 = 128;

/// The fewest connections the derived cap allows, however low the open-files limit.
const MIN_CONNECTIONS: u64 = 16;

/// The most connections the derived cap allows, however high the open-files limit.
const MAX_DERIVED_CONNECTIONS: u64 = 65_536;

/// How long a new connection waits for a place when every place is taken.
const ADMISSION_WAIT: Duration = Duration::from_millis(100);

/// How long a lingering close waits for more from the client, and how long it lasts at most.
const LINGER_QUIET: Duration = Duration::from_secs(1);
const LINGER_MOST: Duration = Duration::from_secs(5);

/// How the server treats client connections.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// How long a client may take to send a request's headers, from connecting or from the end
    /// of its previous request.
    pub header_read_timeout: Duration,
    /// How many client connections may be open at once.
    pub max_connections: usize,
}

impl Limits {
    /// The limits set in `settings`; without `--max-connections`, the cap derives from the
    /// open-files limit in force (see [`raise_open_files_limit`]).
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            header_read_timeout: settings.header_read_timeout,
            max_connections: settings
                .max_connections
                .unwrap_or_else(|| default_max_connections(open_files_limit())),
        }
    }
}

/// Raises the soft open-files limit to the hard one where the hard one allows more, and returns
/// the soft limit now in force (`None` where it cannot be read).
pub fn raise_open_files_limit() -> Option<u64> {
    // An unlimited hard limit cannot be the soft one: Linux then allows `fs.nr_open`, by
    // default 2^20.
    if let Err(error) =
        rlimit::increase_nofile_limit(u64::MAX).or_else(|_| rlimit::increase_nofile_limit(1 << 20))
    {
        tracing::warn!(%error, "could not raise the open-files limit");
    }
    open_files_limit()
}

/// The soft open-files limit in force.
fn open_files_limit() -> Option<u64> {
    rlimit::getrlimit(rlimit::Resource::NOFILE)
        .ok()
        .map(|(soft, _hard)| soft)
}

/// The connection cap for an open-files limit: the limit less [`RESERVED_DESCRIPTORS`], within
/// [`MIN_CONNECTIONS`] and [`MAX_DERIVED_CONNECTIONS`].
pub fn default_max_connections(open_files: Option<u64>) -> usize {
    let cap = open_files
        .unwrap_or(1024)
        .saturating_sub(RESERVED_DESCRIPTORS)
        .clamp(MIN_CONNECTIONS, MAX_DERIVED_CONNECTIONS);
    usize::try_from(cap).unwrap_or(usize::MAX)
}

/// A connection has not sent a request yet, may be closed to make room.
const WAITING: u8 = 0;
/// A connection has sent a request: it is never closed to make room.
const SERVING: u8 = 1;
/// A connection was chosen to make room and is being closed.
const EVICTED: u8 = 2;

/// What the accept loop and a connection's task share about that connection.
struct Tracked {
    state: AtomicU8,
    evicted: Notify,
}

/// The open connections that have not sent a request yet, oldest first.
#[derive(Default)]
struct Waiting(Mutex<BTreeMap<u64, Arc<Tracked>>>);

impl Waiting {
    fn add(&self, id: u64, tracked: Arc<Tracked>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, tracked);
    }

    fn remove(&self, id: u64) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
    }

    /// Tells the connection that has waited longest to close; false when none is waiting.
    fn evict_oldest(&self) -> bool {
        let mut waiting = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some((_, tracked)) = waiting.pop_first() {
            // A connection whose first request has just arrived is left alone.
            if tracked
                .state
                .compare_exchange(WAITING, EVICTED, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                tracked.evicted.notify_one();
                return true;
            }
        }
        false
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then waits for open connections to
/// finish their current requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut make_service = app.into_make_service_with_connect_info::<SocketAddr>();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let places = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let waiting = Arc::new(Waiting::default());
    let mut refusals = Refusals::default();
    let (stop_tx, stop_rx) = watch::channel(false);
    let (done_tx, done_rx) = watch::channel(());
    tokio::pin!(shutdown);
    for id in 0u64.. {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(place) = admit(&places, &waiting).await else {
            refusals.record(limits.max_connections);
            drop(stream);
            continue;
        };
        let service = match make_service.call(remote).await {
            Ok(service) => service,
            Err(infallible) => match infallible {},
        };
        let tracked = Arc::new(Tracked {
            state: AtomicU8::new(WAITING),
            evicted: Notify::new(),
        });
        waiting.add(id, tracked.clone());
        let hyper_service = {
            let tracked = tracked.clone();
            let waiting = waiting.clone();
            hyper::service::service_fn(move |request: Request<Incoming>| {
                let admitted = tracked.state.load(Ordering::Acquire) == SERVING
                    || tracked
                        .state
                        .compare_exchange(WAITING, SERVING, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok();
                if admitted {
                    waiting.remove(id);
                }
                let service = service.clone();
                // Boxed so the connection can be polled without being pinned in place.
                let answer: Pin<Box<dyn Future<Output = _> + Send>> = Box::pin(async move {
                    if admitted {
                        service.oneshot(request).await
                    } else {
                        // Chosen to make room a moment ago; the connection closes now.
                        let mut response = Response::new(Body::empty());
                        *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                        Ok::<_, Infallible>(response)
                    }
                });
                answer
            })
        };
        let connection = builder.serve_connection(TokioIo::new(stream), hyper_service);
        let waiting = waiting.clone();
        let stop = stop_rx.clone();
        let done = done_rx.clone();
        tokio::spawn(async move {
            // Dropped last: the place is free only once the socket is closed.
            let _place = place;
            let _done = done;
            run_connection(connection, &tracked, stop).await;
            waiting.remove(id);
        });
    }
    let _ = stop_tx.send(true);
    drop(done_rx);
    done_tx.closed().await;
    Ok(())
}

/// A place for one more connection: a free one, or one made by closing the connection that has
/// waited longest without sending a request. `None` when every connection is busy a while.
async fn admit(places: &Arc<Semaphore>, waiting: &Waiting) -> Option<OwnedSemaphorePermit> {
    if let Ok(place) = places.clone().try_acquire_owned() {
        return Some(place);
    }
    waiting.evict_oldest();
    tokio::time::timeout(ADMISSION_WAIT, places.clone().acquire_owned())
        .await
        .ok()?
        .ok()
}

/// Drives one connection until the client leaves, a deadline passes, it is chosen to make room,
/// or the server stops.
async fn run_connection<S>(
    mut connection: http1::Connection<TokioIo<TcpStream>, S>,
    tracked: &Tracked,
    mut stop: watch::Receiver<bool>,
) where
    S: hyper::service::HttpService<Incoming, ResBody = Body> + Unpin,
    S::Future: Unpin,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let result = tokio::select! {
        result = std::future::poll_fn(|cx| connection.poll_without_shutdown(cx)) => result,
        // It has sent no request: closing it loses nothing.
        () = tracked.evicted.notified() => return,
        _ = async { stop.wait_for(|stopping| *stopping).await.map(|_| ()) } => {
            Pin::new(&mut connection).graceful_shutdown();
            std::future::poll_fn(|cx| connection.poll_without_shutdown(cx)).await
        }
    };
    match result {
        Ok(()) if tracked.state.load(Ordering::Acquire) == SERVING => {
            linger(connection.into_parts().io.into_inner()).await;
        }
        Ok(()) => {}
        Err(error) => tracing::debug!(%error, "connection ended with an error"),
    }
}

/// Closes a connection without a reset: closing a socket with unread data sends one, and a client
/// still sending a body would lose the answer it was given.
async fn linger(mut stream: TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    if stream.shutdown().await.is_err() {
        return;
    }
    let until = tokio::time::Instant::now() + LINGER_MOST;
    let mut discard = vec![0u8; 16 * 1024];
    loop {
        let quiet_until = (tokio::time::Instant::now() + LINGER_QUIET).min(until);
        match tokio::time::timeout_at(quiet_until, stream.read(&mut discard)).await {
            Ok(Ok(read)) if read > 0 => {}
            // The client closed too, went quiet, failed, or took too long.
            _ => return,
        }
    }
}

/// Counts refused connections and says so in the log at most once a minute.
#[derive(Default)]
struct Refusals {
    count: u64,
    last_warning: Option<Instant>,
}

impl Refusals {
    fn record(&mut self, max_connections: usize) {
        self.count += 1;
        if self
            .last_warning
            .is_none_or(|last| last.elapsed() >= Duration::from_secs(60))
        {
            tracing::warn!(
                refused = self.count,
                max_connections,
                "connection limit reached: new connections are refused"
            );
            self.last_warning = Some(Instant::now());
            self.count = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::default_max_connections;

    #[test]
    fn the_connection_cap_leaves_descriptors_for_the_database_and_files() {
        assert_eq!(default_max_connections(Some(1024)), 896);
        assert_eq!(default_max_connections(Some(20_000)), 19_872);
        assert_eq!(default_max_connections(None), 896, "as if the usual 1,024");
        assert_eq!(default_max_connections(Some(100)), 16, "a floor");
        assert_eq!(default_max_connections(Some(u64::MAX)), 65_536, "a ceiling");
    }
}
