//! Connections to the real server: header deadlines, silent sockets, the connection cap and
//! the open-files limit, request bodies over the limit and closing without a reset.

use crate::on_both_backends;
use crate::server::{BIN, free_port, http_get, sqlite_url};
use crate::support::{Backend, TestApp};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_client_that_never_finishes_its_headers_is_disconnected() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("slow.db").display());
    let port = free_port();
    let mut server = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &url,
        ])
        .env("SPORTELLO_HEADER_READ_TIMEOUT", "1s")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let started = Instant::now();
    while http_get(port, "/healthz").is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut slow = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .expect("write");
    slow.set_read_timeout(Some(Duration::from_secs(8)))
        .expect("timeout");
    let waited = Instant::now();
    let mut buffer = Vec::new();
    let closed = slow.read_to_end(&mut buffer).is_ok();
    let elapsed = waited.elapsed();
    let _ = server.kill();
    let _ = server.wait();
    assert!(closed, "the server closed the connection");
    assert!(
        elapsed < Duration::from_secs(5),
        "closed after {elapsed:?}, well before the client's patience ran out"
    );
}

/// The application served on a loopback port by the same `serve` as `sportello serve`.
struct InProcess {
    address: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _app: TestApp,
}

impl InProcess {
    async fn start(settings: sportello::config::Settings) -> Self {
        let limits = sportello::http::server::Limits::from_settings(&settings);
        // The tests served here work at the socket level and never reach the database.
        let app = TestApp::with(Backend::Sqlite, settings).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(sportello::http::server::serve(
            listener,
            app.router.clone(),
            limits,
            async move {
                let _ = stopped.await;
            },
        ));
        Self {
            address,
            stop: Some(stop),
            server,
            _app: app,
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let stopped = tokio::time::timeout(Duration::from_secs(10), &mut self.server).await;
        assert!(
            matches!(stopped, Ok(Ok(Ok(())))),
            "the server stops: {stopped:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_sends_a_byte_is_closed_at_the_header_deadline() {
    use tokio::io::AsyncReadExt;
    let settings = sportello::config::Settings {
        header_read_timeout: Duration::from_millis(500),
        ..sportello::config::Settings::default()
    };
    let server = InProcess::start(settings).await;
    let mut silent = tokio::net::TcpStream::connect(server.address)
        .await
        .expect("connect");
    let waited = Instant::now();
    let mut buffer = [0u8; 256];
    let read = tokio::time::timeout(Duration::from_secs(5), silent.read(&mut buffer)).await;
    let elapsed = waited.elapsed();
    assert!(
        matches!(read, Ok(Ok(0) | Err(_))),
        "the server closed the silent connection (read: {read:?} after {elapsed:?})"
    );
    assert!(
        elapsed >= Duration::from_millis(400) && elapsed < Duration::from_secs(3),
        "closed at the deadline, not before or long after: {elapsed:?}"
    );
    server.stop().await;
}

/// Opens `count` TCP connections to `port` at once and keeps those that were accepted
/// by the kernel within a few seconds.
async fn open_silent_connections(port: u16, count: usize) -> Vec<tokio::net::TcpStream> {
    let mut connecting = tokio::task::JoinSet::new();
    for _ in 0..count {
        connecting.spawn(async move {
            tokio::time::timeout(
                Duration::from_secs(3),
                tokio::net::TcpStream::connect(("127.0.0.1", port)),
            )
            .await
            .ok()
            .and_then(Result::ok)
        });
    }
    let mut open = Vec::with_capacity(count);
    while let Some(joined) = connecting.join_next().await {
        if let Ok(Some(stream)) = joined {
            open.push(stream);
        }
    }
    open
}

/// `GET /healthz` on a new connection: the status line and how long the answer took.
async fn timed_healthz(port: u16) -> (String, Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(3), async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        std::io::Result::Ok(String::from_utf8_lossy(&response).into_owned())
    })
    .await;
    let elapsed = started.elapsed();
    let status = match answer {
        Ok(Ok(response)) => response.lines().next().unwrap_or_default().to_owned(),
        Ok(Err(error)) => format!("failed: {error}"),
        Err(_) => "no answer within 3 s".to_owned(),
    };
    (status, elapsed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_silent_sockets_do_not_stop_the_health_check() {
    // The client side needs 2,000 descriptors of its own.
    rlimit::increase_nofile_limit(8192).expect("raise the test's descriptor limit");
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    // The server runs with 1,024 descriptors at most (soft and hard): fewer than the sockets.
    let mut server = Command::new("sh")
        .args(["-c", "ulimit -n 1024 && exec \"$@\"", "sh", BIN])
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &sqlite_url(&dir, "silent.db"),
        ])
        .env("SPORTELLO_HEADER_READ_TIMEOUT", "60s")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let started = Instant::now();
    while !timed_healthz(port).await.0.starts_with("HTTP/1.1 200") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let silent = open_silent_connections(port, 2000).await;
    let connected = silent.len();
    // Let the server take in the whole burst before timing the health check.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut checks = Vec::new();
    for _ in 0..3 {
        checks.push(timed_healthz(port).await);
    }
    let _ = server.kill();
    let _ = server.wait();
    drop(silent);
    assert_eq!(connected, 2000, "every silent socket connected");
    for (status, elapsed) in &checks {
        assert!(
            status.starts_with("HTTP/1.1 200"),
            "/healthz answers beside 2,000 silent sockets: {checks:?}"
        );
        assert!(
            *elapsed < Duration::from_millis(100),
            "/healthz answers within 100 ms: {checks:?}"
        );
    }
}

/// Starts `sportello serve` under `ulimit` arguments, waits until it answers, stops it and
/// returns what it logged.
fn serve_logs(ulimit: &str, env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let server = Command::new("sh")
        .args(["-c", &format!("ulimit {ulimit} && exec \"$@\""), "sh", BIN])
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &sqlite_url(&dir, "limits.db"),
        ])
        .envs(env.iter().copied())
        .env("SPORTELLO_LOG_FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let started = Instant::now();
    while http_get(port, "/healthz").is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    let output = server.wait_with_output().expect("stopped");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The fields of the `connection limit` line a server logged at start.
fn connection_limit_logged(logs: &str) -> serde_json::Value {
    logs.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .map(|line| line["fields"].clone())
        .find(|fields| fields["message"] == "connection limit")
        .unwrap_or_else(|| panic!("no connection limit logged: {logs}"))
}

#[test]
fn the_open_files_limit_is_raised_at_start_and_sets_the_connection_cap() {
    let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).expect("limits");
    let raised = if hard == rlimit::INFINITY {
        1 << 20
    } else {
        hard
    };
    let logged = connection_limit_logged(&serve_logs("-S -n 512", &[]));
    assert_eq!(
        logged["open_files"], raised,
        "the soft limit of 512 was raised to the hard one"
    );
    assert_eq!(
        logged["max_connections"],
        raised.saturating_sub(128).clamp(16, 65_536)
    );

    let logged = connection_limit_logged(&serve_logs(
        "-S -n 512",
        &[("SPORTELLO_MAX_CONNECTIONS", "50")],
    ));
    assert_eq!(logged["max_connections"], 50, "the setting wins");
}

/// One HTTP/1.1 response read off a connection: status, lower-cased headers and body.
#[derive(Debug)]
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|value| value.eq_ignore_ascii_case("close"))
    }
}

/// Reads one response with a `Content-Length` (every answer of ours has one).
fn read_response(stream: &mut std::net::TcpStream) -> std::io::Result<RawResponse> {
    use std::io::Read;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "closed after {} bytes of the head",
                    String::from_utf8_lossy(&head)
                ),
            ));
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_default();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(key, _)| key == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or_default();
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok(RawResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn connect_with_timeouts(address: std::net::SocketAddr) -> std::net::TcpStream {
    let stream = std::net::TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_answered_before_the_body_is_read_keeps_the_connection_sound() {
    let server = InProcess::start(sportello::config::Settings::default()).await;
    let address = server.address;
    // A keep-alive client posting bodies of every size to an endpoint that refuses it before
    // reading them (no credentials): every answer arrives whole, no write or read fails.
    let failures = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut stream = connect_with_timeouts(address);
        let mut failures = Vec::new();
        for round in 0..400usize {
            if Instant::now() > deadline {
                failures.push(format!("round {round}: out of time"));
                break;
            }
            let size = match round % 4 {
                0 => 10,
                1 => 3_000,
                2 => 70_000,
                _ => 300_000 + round,
            };
            let body = format!(r#"{{"name":"{}"}}"#, "x".repeat(size));
            let request = format!(
                "POST /api/v1/tokens HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            let answer = stream
                .write_all(request.as_bytes())
                .and_then(|()| read_response(&mut stream));
            match answer {
                Ok(response) => {
                    if response.status != 401 || !response.body.contains("\"unauthenticated\"") {
                        failures.push(format!("round {round}: {response:?}"));
                    }
                    if response.closes() {
                        stream = connect_with_timeouts(address);
                    }
                }
                Err(error) => {
                    failures.push(format!("round {round} ({size} bytes): {error}"));
                    stream = connect_with_timeouts(address);
                }
            }
        }
        failures
    })
    .await
    .expect("client");
    server.stop().await;
    assert!(
        failures.is_empty(),
        "{} failed: {failures:#?}",
        failures.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_gets_413_and_a_clean_close_while_the_client_still_sends() {
    let server = InProcess::start(sportello::config::Settings::default()).await;
    let address = server.address;
    let results = tokio::task::spawn_blocking(move || {
        let mut results = Vec::new();
        for chunked in [false, true] {
            let mut stream = connect_with_timeouts(address);
            // Far more than the socket buffers hold: the client is still sending when answered.
            let size = 32 * 1024 * 1024;
            let head = if chunked {
                "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_owned()
            } else {
                format!(
                    "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
                )
            };
            // The client writes the whole body on one thread while reading on this one, as
            // a browser or curl does.
            let mut writer = stream.try_clone().expect("clone");
            let sender = std::thread::spawn(move || -> std::io::Result<()> {
                writer.write_all(head.as_bytes())?;
                let piece = vec![b' '; 64 * 1024];
                for _ in 0..size / piece.len() {
                    if chunked {
                        writer.write_all(format!("{:x}\r\n", piece.len()).as_bytes())?;
                        writer.write_all(&piece)?;
                        writer.write_all(b"\r\n")?;
                    } else {
                        writer.write_all(&piece)?;
                    }
                }
                if chunked {
                    writer.write_all(b"0\r\n\r\n")?;
                }
                Ok(())
            });
            let response = read_response(&mut stream);
            let sent = sender.join().expect("sender");
            results.push((chunked, response, sent));
        }
        results
    })
    .await
    .expect("client");
    server.stop().await;
    for (chunked, response, sent) in results {
        let response = response.unwrap_or_else(|error| panic!("chunked {chunked}: {error}"));
        assert_eq!(response.status, 413, "chunked {chunked}: {response:?}");
        assert_eq!(
            response.header("content-type"),
            Some("application/problem+json"),
            "chunked {chunked}: {response:?}"
        );
        assert!(
            response.body.contains(r#""code":"body_too_large""#),
            "chunked {chunked}: {response:?}"
        );
        assert!(response.closes(), "chunked {chunked}: {response:?}");
        assert!(
            sent.is_ok(),
            "chunked {chunked}: the client could send its whole body without a reset: {sent:?}"
        );
    }
}

async fn a_body_over_the_limit_is_413_body_too_large_with_or_without_its_length(backend: Backend) {
    use axum::http::{Method, Request, StatusCode, header};
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let size = sportello::http::MAX_BODY_BYTES + 1;
    for (path, content_type, signed_in) in [
        ("/api/v1/session", "application/json", false),
        ("/api/v1/organizations", "application/json", true),
        ("/api/v1/memberships/import", "text/csv", true),
        ("/sign-in", "application/x-www-form-urlencoded", false),
    ] {
        for (declared, language) in [(true, "en"), (false, "it")] {
            let mut request = Request::builder()
                .method(Method::POST)
                .uri(path)
                .header(header::CONTENT_TYPE, content_type)
                .header(header::ACCEPT_LANGUAGE, language);
            if declared {
                request = request.header(header::CONTENT_LENGTH, size);
            }
            if signed_in {
                request = request
                    .header(
                        header::COOKIE,
                        format!(
                            "sportello_session={}",
                            operator.session.as_deref().unwrap_or_default()
                        ),
                    )
                    .header("x-csrf-token", &operator.csrf);
            }
            let reply = app
                .raw(
                    request
                        .body(axum::body::Body::from(vec![b'a'; size]))
                        .expect("request"),
                )
                .await;
            let case = format!("{path}, Content-Length sent: {declared}");
            assert_eq!(
                reply.status,
                StatusCode::PAYLOAD_TOO_LARGE,
                "{case}: {}",
                reply.text
            );
            let sentence = if language == "it" {
                "2 MiB"
            } else {
                "larger than 2 MiB"
            };
            if path.starts_with("/api/") {
                assert_eq!(reply.code(), "body_too_large", "{case}");
                assert!(
                    reply.json()["detail"]
                        .as_str()
                        .unwrap_or_default()
                        .contains(sentence),
                    "{case}: {}",
                    reply.text
                );
            } else {
                assert!(
                    reply.text.contains("<html"),
                    "{case}: a page: {}",
                    reply.text
                );
                assert!(reply.text.contains(sentence), "{case}: {}", reply.text);
            }
            if language == "it" {
                assert!(
                    !reply.text.contains("larger than"),
                    "{case}: in Italian: {}",
                    reply.text
                );
            }
        }
    }
}

on_both_backends!(a_body_over_the_limit_is_413_body_too_large_with_or_without_its_length);
