//! The real binary: exit codes, bootstrap from stdin, a real port, graceful shutdown.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sportello");

#[test]
fn bad_database_urls_exit_with_code_2_and_one_line() {
    let output = Command::new(BIN)
        .args(["migrate", "--database-url", "mysql://localhost/x"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("unsupported database URL"));
    assert!(!stderr.contains("panicked"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[test]
fn serves_on_a_real_port_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("real.db").display());
    let mut create = Command::new(BIN)
        .args([
            "admin",
            "create-operator",
            "--email",
            "boot@example.com",
            "--database-url",
            &url,
        ])
        .env_remove("SPORTELLO_ADMIN_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    create
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"from stdin password\n")
        .expect("write");
    let created = create.wait_with_output().expect("wait");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stdout)
    );
    assert!(String::from_utf8_lossy(&created.stdout).contains("operator boot@example.com created"));

    let port = free_port();
    let mut server = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &url,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let started = Instant::now();
    let mut answer = None;
    while started.elapsed() < Duration::from_secs(20) {
        if let Some(response) = http_get(port, "/readyz") {
            answer = Some(response);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let answer = answer.expect("the server answers");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let page = http_get(port, "/sign-in").expect("page");
    assert!(page.contains("<form method=\"post\" action=\"/sign-in\""));

    let pid = server.id().to_string();
    Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "graceful shutdown exits 0, got {status:?}"
    );
}

fn sqlite_url(dir: &tempfile::TempDir, name: &str) -> String {
    format!("sqlite://{}", dir.path().join(name).display())
}

#[test]
fn a_policy_file_with_a_mistake_is_refused_at_start_with_its_line() {
    let dir = tempfile::tempdir().expect("dir");
    let policy = dir.path().join("policy.toml");
    let text = sportello::domain::policy::DEFAULT_TOML.replacen("gold = 20", "gold = -3", 1);
    assert_ne!(
        text,
        sportello::domain::policy::DEFAULT_TOML,
        "the shipped policy has `gold = 20`"
    );
    std::fs::write(&policy, &text).expect("write");
    let line = text
        .lines()
        .position(|l| l.contains("gold = -3"))
        .expect("line")
        + 1;
    let output = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &sqlite_url(&dir, "p.db"),
        ])
        .arg("--policy")
        .arg(&policy)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("line {line}")), "{stderr}");
    assert!(stderr.contains("policy.toml"), "{stderr}");
}

#[test]
fn the_cli_imports_memberships_all_or_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let url = sqlite_url(&dir, "import.db");
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .args(["--database-url", &url])
            .env("SPORTELLO_ADMIN_PASSWORD", "operator password")
            .output()
            .expect("run")
    };
    assert!(
        run(&["admin", "create-operator", "--email", "op@example.com"])
            .status
            .success()
    );
    let demo = run(&["demo"]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "partner_id,offer,competency,start,end\n1000101,gold,security,2026-01-01,2026-12-31\n1000101,gold,,2026-01-01,2026-12-31\n9999999,action_pack,,2026-01-01,2026-12-31\n",
    )
    .expect("write");
    let refused = run(&["import", "memberships", bad.to_str().expect("path")]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("line 3, column competency"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "partner_id,offer,competency,start,end\n1000101,gold,security,2026-01-01,2026-12-31\n1000202,silver,data_center,2026-01-01,2026-12-31\n").expect("write");
    let imported = run(&["import", "memberships", good.to_str().expect("path")]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(String::from_utf8_lossy(&imported.stdout).contains("imported 2 memberships"));
}

#[test]
fn a_pending_activation_survives_a_killed_server() {
    let dir = tempfile::tempdir().expect("dir");
    let url = sqlite_url(&dir, "restart.db");
    let demo = Command::new(BIN)
        .args(["demo", "--database-url", &url])
        .output()
        .expect("demo");
    assert!(demo.status.success());
    let start = |port: u16| {
        Command::new(BIN)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--database-url",
                &url,
            ])
            .env("SPORTELLO_ACTIVATION_DELAY", "2s")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve")
    };
    let wait_ready = |port: u16| {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if http_get(port, "/readyz").is_some_and(|r| r.starts_with("HTTP/1.1 200")) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("server did not start");
    };
    let port = free_port();
    let mut server = start(port);
    wait_ready(port);
    // Wingtip's admin asks for Partner product support, then the server dies at once.
    let token = {
        let session = http_post(
            port,
            "/api/v1/session",
            None,
            r#"{"email":"admin@wingtip.demo","password":"sportello-demo"}"#,
        );
        let csrf = json_field(&session, "csrf_token");
        let cookie = set_cookie(&session, "sportello_session");
        let created = http_post(
            port,
            "/api/v1/tokens",
            Some((&cookie, &csrf)),
            r#"{"name":"restart"}"#,
        );
        json_field(&created, "token")
    };
    let me = http_authorized(port, "GET", "/api/v1/me", &token, "");
    let org = json_number(&me, "organization_id");
    let activation = http_authorized(
        port,
        "POST",
        &format!("/api/v1/organizations/{org}/benefits/product_support/activation"),
        &token,
        "",
    );
    assert!(activation.starts_with("HTTP/1.1 202"), "{activation}");
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");

    let port = free_port();
    let mut server = start(port);
    wait_ready(port);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut state = String::new();
    while Instant::now() < deadline {
        let benefits = http_authorized(
            port,
            "GET",
            &format!("/api/v1/organizations/{org}/benefits"),
            &token,
            "",
        );
        if benefits.contains(r#""code":"product_support""#)
            && benefits.contains(r#""state":"active""#)
        {
            state = "active".into();
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(
        state, "active",
        "the activation job survived the crash and completed after the restart"
    );
}

fn http_request(port: u16, request: &str) -> String {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.write_all(request.as_bytes()).expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

fn http_post(port: u16, path: &str, session: Option<(&str, &str)>, body: &str) -> String {
    let extra = session
        .map(|(cookie, csrf)| {
            format!("Cookie: sportello_session={cookie}\r\nX-CSRF-Token: {csrf}\r\n")
        })
        .unwrap_or_default();
    http_request(
        port,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn http_authorized(port: u16, method: &str, path: &str, token: &str, body: &str) -> String {
    http_request(
        port,
        &format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn body_json(response: &str) -> serde_json::Value {
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {response}"))
}

fn json_field(response: &str, field: &str) -> String {
    body_json(response)[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} missing: {response}"))
        .to_owned()
}

fn json_number(response: &str, field: &str) -> i64 {
    body_json(response)[field]
        .as_i64()
        .unwrap_or_else(|| panic!("{field} missing: {response}"))
}

fn set_cookie(response: &str, name: &str) -> String {
    response
        .lines()
        .filter_map(|line| line.strip_prefix("set-cookie: "))
        .find_map(|cookie| cookie.strip_prefix(&format!("{name}=")))
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie: {response}"))
        .to_owned()
}

#[test]
fn the_verify_commands_catch_tampering() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("verify.db");
    let url = format!("sqlite://{}", path.display());
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .args(["--database-url", &url])
            .output()
            .expect("run")
    };
    assert!(run(&["demo"]).status.success());
    let ledger = run(&["ledger", "verify"]);
    assert!(
        ledger.status.success(),
        "{}",
        String::from_utf8_lossy(&ledger.stdout)
    );
    let audit = run(&["audit", "verify"]);
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let code: String = runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.expect("open");
        // One counted contract with room left gets a use the ledger does not know about.
        let (code, used, allotted): (String, i64, i64) = sqlx::query_as(
            "SELECT contract_code, used, allotted FROM contracts WHERE allotted IS NOT NULL AND used < allotted ORDER BY id LIMIT 1",
        )
        .fetch_one(&pool)
        .await
        .expect("a counted contract");
        sqlx::query("UPDATE contracts SET used = used + 1 WHERE contract_code = $1")
            .bind(&code)
            .execute(&pool)
            .await
            .expect("tamper");
        sqlx::query("UPDATE audit_log SET details = '{}' WHERE id = 2")
            .execute(&pool)
            .await
            .expect("tamper");
        let code = format!(
            "contract {code}: counters say allotted {allotted}, used {}, the ledger sums to allotted {allotted}, used {used}",
            used + 1
        );
        pool.close().await;
        code
    });
    let ledger = run(&["ledger", "verify"]);
    assert_eq!(ledger.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&ledger.stdout);
    assert!(stdout.contains(&code), "{stdout}");
    let audit = run(&["audit", "verify"]);
    assert_eq!(audit.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&audit.stderr)
            .contains("audit log broken at entry 2: this entry was changed")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_restores_to_a_verified_copy() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let store = sportello::store::Store::connect(&url).await.expect("open");
    store.migrate().await.expect("migrate");
    let policy =
        sportello::domain::policy::parse(sportello::domain::policy::DEFAULT_TOML).expect("policy");
    sportello::demo::load(&store, &policy, time::OffsetDateTime::now_utc())
        .await
        .expect("demo");
    // Writers keep changing balances and the audit log while the copy is taken.
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            let contracts = store
                .contracts_of(sportello::domain::OrganizationId(4))
                .await
                .expect("contracts");
            let contract = contracts.first().expect("Contoso has a contract").id;
            for n in 0..200 {
                let now = time::OffsetDateTime::now_utc();
                if n % 2 == 0 {
                    store
                        .consume(contract, None, None, now)
                        .await
                        .expect("consume");
                } else {
                    store
                        .refund(contract, None, None, "goodwill", now)
                        .await
                        .expect("refund");
                }
                let entry = sportello::store::audit::AuditEntry::new(
                    None,
                    "test.load",
                    format!("n:{n}"),
                    serde_json::json!({}),
                );
                store.audit(&entry, now).await.expect("audit");
            }
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let copy = dir.path().join("copy.db");
    // A blocking call is fine here: the writer runs on the runtime's other worker.
    let output = Command::new(BIN)
        .args([
            "backup",
            "--to",
            copy.to_str().expect("path"),
            "--database-url",
            &url,
        ])
        .output()
        .expect("backup");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    writer.await.expect("writer");
    let again = Command::new(BIN)
        .args([
            "backup",
            "--to",
            copy.to_str().expect("path"),
            "--database-url",
            &url,
        ])
        .output()
        .expect("backup");
    assert_eq!(
        again.status.code(),
        Some(1),
        "an existing file is never overwritten"
    );

    // Restore: the copy is a database file of its own.
    let restored = format!("sqlite://{}", copy.display());
    for check in [["ledger", "verify"], ["audit", "verify"]] {
        let output = Command::new(BIN)
            .args(check)
            .args(["--database-url", &restored])
            .output()
            .expect("verify");
        assert!(
            output.status.success(),
            "{check:?} on the copy: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

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
    _app: crate::support::TestApp,
}

impl InProcess {
    async fn start(settings: sportello::config::Settings) -> Self {
        let limits = sportello::http::server::Limits::from_settings(&settings);
        let app = crate::support::TestApp::with(crate::support::Backend::Sqlite, settings).await;
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

#[tokio::test]
async fn a_body_over_the_limit_is_413_body_too_large_with_or_without_its_length() {
    use axum::http::{Method, Request, StatusCode, header};
    let app = crate::support::TestApp::new().await;
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
