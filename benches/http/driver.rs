//! The load driver: keep-alive HTTP/1.1 connections on hyper, closed-loop (each connection sends
//! its next request when the last one answered) or fixed-rate (request i is due at t0 + i/R and
//! its latency counts from that instant, late or not: no coordinated omission).

use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long one answer may take before it counts as an error.
const TIMEOUT: Duration = Duration::from_secs(60);

/// One HTTP request to send.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: Method,
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

impl Call {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            path: path.into(),
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub fn post(path: impl Into<String>, json: &serde_json::Value) -> Self {
        Self {
            method: Method::POST,
            path: path.into(),
            headers: vec![("content-type", "application/json".into())],
            body: Bytes::from(json.to_string()),
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", format!("Bearer {token}"))
    }
}

/// An answer: status (0 when the connection failed), the `set-cookie` headers and the body.
#[derive(Clone, Debug, Default)]
pub struct Reply {
    pub status: u16,
    pub cookies: Vec<String>,
    pub body: Bytes,
    /// The `Retry-After` header, when the answer had one.
    pub retry_after: Option<String>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// One keep-alive connection, reopened after a failure.
pub struct Connection {
    address: SocketAddr,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Connection {
    pub fn new(address: SocketAddr) -> Self {
        Self {
            address,
            sender: None,
        }
    }

    async fn open(&mut self) -> anyhow::Result<&mut SendRequest<Full<Bytes>>> {
        if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
            let stream = tokio::net::TcpStream::connect(self.address).await?;
            stream.set_nodelay(true)?;
            let (sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            self.sender = Some(sender);
        }
        self.sender
            .as_mut()
            .ok_or_else(|| anyhow::anyhow!("no connection"))
    }

    /// Sends one request; a transport failure answers status 0.
    pub async fn send(&mut self, call: &Call) -> Reply {
        match tokio::time::timeout(TIMEOUT, self.try_send(call)).await {
            Ok(Ok(reply)) => reply,
            Ok(Err(error)) => {
                self.sender = None;
                Reply {
                    status: 0,
                    body: Bytes::from(error.to_string()),
                    ..Reply::default()
                }
            }
            Err(_) => {
                self.sender = None;
                Reply::default()
            }
        }
    }

    async fn try_send(&mut self, call: &Call) -> anyhow::Result<Reply> {
        let host = self.address.to_string();
        let sender = self.open().await?;
        sender.ready().await?;
        let mut request = Request::builder()
            .method(call.method.clone())
            .uri(&call.path)
            .header("host", host);
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        let response = sender
            .send_request(request.body(Full::new(call.body.clone()))?)
            .await?;
        let status = response.status().as_u16();
        let cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Reply {
            retry_after,
            status,
            cookies,
            body,
        })
    }
}

/// What a scenario sends and how it judges the answers: `calls` gives a group of requests sent
/// at once on as many connections (one for most scenarios), `judge` says whether the group's
/// answers were right.
pub trait Load: Send + Sync {
    fn calls(&self, worker: usize, n: u64) -> Vec<Call>;
    fn judge(&self, calls: &[Call], replies: &[Reply]) -> bool;
    /// Connections per worker: the size of a group.
    fn group(&self) -> usize {
        1
    }
}

/// The measurements of one run.
pub struct Measured {
    pub requests: u64,
    pub errors: u64,
    pub elapsed: Duration,
    pub latency: Histogram<u64>,
    /// A few wrong answers, `status body`, for the report.
    pub wrong: Vec<String>,
}

impl Measured {
    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// A quantile in milliseconds.
    pub fn ms(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }
}

fn histogram() -> Histogram<u64> {
    // Microseconds, up to the timeout, three significant digits.
    Histogram::new_with_bounds(1, TIMEOUT.as_micros() as u64 * 2, 3)
        .unwrap_or_else(|_| Histogram::new(3).unwrap_or_else(|_| unreachable!()))
}

/// How requests are paced.
#[derive(Clone, Copy, Debug)]
pub enum Pace {
    /// Each worker sends as fast as answers come back, for this long.
    Closed(Duration),
    /// `rate` requests (groups) per second in total for this long; latency from the due time.
    Fixed { rate: f64, duration: Duration },
    /// Exactly this many groups, all at once (one per worker).
    Burst,
}

/// Runs `load` on `workers` concurrent workers against `address`.
pub async fn run(address: SocketAddr, load: Arc<dyn Load>, workers: usize, pace: Pace) -> Measured {
    run_on(&[address], load, workers, pace).await
}

/// [`run`] against several instances: worker `w` sends to `addresses[w % len]`.
pub async fn run_on(
    addresses: &[SocketAddr],
    load: Arc<dyn Load>,
    workers: usize,
    pace: Pace,
) -> Measured {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let barrier = Arc::new(tokio::sync::Barrier::new(workers));
    let mut tasks = Vec::with_capacity(workers);
    for worker in 0..workers {
        let (load, next, barrier) = (load.clone(), next.clone(), barrier.clone());
        let address = addresses[worker % addresses.len()];
        tasks.push(tokio::spawn(async move {
            let mut connections: Vec<Connection> = (0..load.group())
                .map(|_| Connection::new(address))
                .collect();
            let mut latency = histogram();
            let (mut requests, mut errors) = (0u64, 0u64);
            let mut wrong = Vec::new();
            if matches!(pace, Pace::Burst) {
                // Open the connections first so the burst arrives together.
                for connection in &mut connections {
                    let _ = connection.open().await;
                }
                barrier.wait().await;
            }
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let due = match pace {
                    Pace::Closed(duration) => {
                        if started.elapsed() >= duration {
                            break;
                        }
                        Instant::now()
                    }
                    Pace::Fixed { rate, duration } => {
                        let due = started + Duration::from_secs_f64(n as f64 / rate);
                        if due >= started + duration {
                            break;
                        }
                        tokio::time::sleep_until(due.into()).await;
                        due
                    }
                    Pace::Burst => {
                        if n >= workers as u64 {
                            break;
                        }
                        Instant::now()
                    }
                };
                let calls = load.calls(worker, n);
                let replies = send_group(&mut connections, &calls).await;
                let took = due.elapsed().as_micros() as u64;
                for _ in &calls {
                    let _ = latency.record(took.max(1));
                }
                requests += calls.len() as u64;
                if !load.judge(&calls, &replies) {
                    errors += calls.len() as u64;
                    if wrong.len() < 3 {
                        wrong.extend(replies.iter().map(|r| {
                            let body = String::from_utf8_lossy(&r.body);
                            format!(
                                "{} {} {}",
                                calls[0].path,
                                r.status,
                                body.chars().take(300).collect::<String>()
                            )
                        }));
                    }
                }
            }
            (requests, errors, latency, wrong)
        }));
    }
    let mut measured = Measured {
        requests: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latency: histogram(),
        wrong: Vec::new(),
    };
    for task in tasks {
        if let Ok((requests, errors, latency, wrong)) = task.await {
            measured.requests += requests;
            measured.errors += errors;
            measured.wrong.extend(wrong);
            let _ = measured.latency.add(latency);
        }
    }
    measured.elapsed = started.elapsed();
    measured
}

/// Sends `calls[i]` on `connections[i]`, all at once.
async fn send_group(connections: &mut [Connection], calls: &[Call]) -> Vec<Reply> {
    let mut pending = Vec::with_capacity(calls.len());
    for (connection, call) in connections.iter_mut().zip(calls) {
        pending.push(connection.send(call));
    }
    let mut replies = Vec::with_capacity(pending.len());
    // Poll them together: a group's requests must overlap in time.
    let joined = join_all(pending).await;
    replies.extend(joined);
    replies
}

/// A small join_all over boxed futures (no futures crate in the dependencies).
async fn join_all<F: std::future::Future<Output = Reply>>(futures: Vec<F>) -> Vec<Reply> {
    let mut set = Vec::with_capacity(futures.len());
    for future in futures {
        set.push(Box::pin(future));
    }
    let mut results: Vec<Option<Reply>> = vec![None; set.len()];
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (slot, future) in results.iter_mut().zip(set.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(reply) => *slot = Some(reply),
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    results.into_iter().map(Option::unwrap_or_default).collect()
}
