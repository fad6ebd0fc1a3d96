//! The real binary: exit codes, bootstrap from stdin, a real port, graceful shutdown.

use crate::on_both_backends;
use crate::support::{Backend, Database};
use sportello::store::Pool;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_sportello");

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

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub(crate) fn http_get(port: u16, path: &str) -> Option<String> {
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

async fn serves_on_a_real_port_and_stops_on_sigterm(backend: Backend) {
    let database = Database::create(backend).await;
    let url = &database.url;
    let mut create = Command::new(BIN)
        .args([
            "admin",
            "create-operator",
            "--email",
            "boot@example.com",
            "--database-url",
            url,
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
            url,
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

pub(crate) fn sqlite_url(dir: &tempfile::TempDir, name: &str) -> String {
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

async fn the_cli_imports_memberships_all_or_nothing(backend: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    let database = Database::create(backend).await;
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .args(["--database-url", &database.url])
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

async fn a_pending_activation_survives_a_killed_server(backend: Backend) {
    let database = Database::create(backend).await;
    let url = &database.url;
    let demo = Command::new(BIN)
        .args(["demo", "--database-url", url])
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
                url,
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

/// Runs one statement with text parameters on whichever pool `store` has.
pub(crate) async fn execute(store: &sportello::store::Store, sql: &str, binds: &[&str]) {
    match &store.pool {
        Pool::Sqlite(pool) => {
            let mut query = sqlx::query(sql);
            for bind in binds {
                query = query.bind(*bind);
            }
            query.execute(pool).await.map(|_| ())
        }
        Pool::Postgres(pool) => {
            let mut query = sqlx::query(sql);
            for bind in binds {
                query = query.bind(*bind);
            }
            query.execute(pool).await.map(|_| ())
        }
    }
    .expect("tamper");
}

async fn the_verify_commands_catch_tampering(backend: Backend) {
    let database = Database::create(backend).await;
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .args(["--database-url", &database.url])
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

    let store = sportello::store::Store::connect(&database.url)
        .await
        .expect("open");
    // One counted contract with room left gets a use the ledger does not know about.
    let find = "SELECT contract_code, used, allotted FROM contracts WHERE allotted IS NOT NULL AND used < allotted ORDER BY id LIMIT 1";
    let (code, used, allotted): (String, i64, i64) = match &store.pool {
        Pool::Sqlite(pool) => sqlx::query_as(find).fetch_one(pool).await,
        Pool::Postgres(pool) => sqlx::query_as(find).fetch_one(pool).await,
    }
    .expect("a counted contract");
    execute(
        &store,
        "UPDATE contracts SET used = used + 1 WHERE contract_code = $1",
        &[&code],
    )
    .await;
    execute(
        &store,
        "UPDATE audit_log SET details = '{}' WHERE id = 2",
        &[],
    )
    .await;
    store.close().await;
    let code = format!(
        "contract {code}: counters say allotted {allotted}, used {}, the ledger sums to allotted {allotted}, used {used}",
        used + 1
    );
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

on_both_backends!(
    serves_on_a_real_port_and_stops_on_sigterm,
    the_cli_imports_memberships_all_or_nothing,
    a_pending_activation_survives_a_killed_server,
    the_verify_commands_catch_tampering,
);
