//! Database outages (`scripts/bench --outage N`): the crash loop's clients (filing with
//! idempotency keys, retries, refunds, link changes) keep running while the database fails
//! under them, N times per backend, with the server left running throughout.
//!
//! - PostgreSQL runs as a cluster of its own (`initdb` in a temporary folder, on a free port),
//!   so it can really go down: odd cycles stop it with `pg_ctl stop -m immediate` (a crash),
//!   hold it down, then start it again; even cycles cut every connection of the service with
//!   `pg_terminate_backend`.
//! - SQLite lives on a small `tmpfs` of its own (`unshare --mount --map-root-user`, so no root
//!   is needed and nothing is left mounted): each cycle fills the filesystem to the last byte,
//!   then frees the space.
//!
//! While the database is down: `/readyz` must answer 503 (PostgreSQL), every answer the
//! clients get is either right or 503 `database_unavailable` with `Retry-After` (any other 503,
//! any 500, is a broken rule), and on a full disk reads keep answering 200. After the database
//! is back the service must take a filing again within [`RECOVERY`] by itself, without a
//! restart. Then, as after a kill: every acknowledged request exists and its key answers it,
//! every key left unanswered resolves to exactly one request, refunds happened once or not at
//! all, `ledger verify` and `audit verify` pass, and stored counts = answered counts.

use super::activations::Activations;
use super::crash::{CLIENTS, Loop, database_unavailable};
use super::driver::{Call, Connection};
use super::invariants::Invariants;
use super::server::{self, Backend, Server, sportello};
use super::setup;
use anyhow::{Context, bail};
use rand::Rng;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Activations asked for just before each fault, to be completed by the job runner across it.
const ACTIVATIONS_PER_CYCLE: usize = 2;

/// How soon an activation asked for before a fault must be active after the recovery (its
/// job's retries back off from 2 s).
const JOBS_WITHIN: Duration = Duration::from_secs(30);

/// How soon after the database is back the service must take writes again.
const RECOVERY: Duration = Duration::from_secs(15);

/// A PostgreSQL cluster of the harness's own.
struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

/// Runs a PostgreSQL program as the `postgres` user when the harness runs as root (PostgreSQL
/// refuses to run as root), else as the harness's own user.
fn postgres_command(program: &Path) -> Command {
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn run_checked(mut command: Command, what: &str) -> anyhow::Result<()> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

impl Cluster {
    /// `initdb` (trust authentication, superuser `root`) and start.
    fn create() -> anyhow::Result<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .context("PostgreSQL's programs are not in /usr/lib/postgresql")?
            .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists())
            .max()
            .context("no initdb under /usr/lib/postgresql")?;
        let dir = tempfile::tempdir()?;
        if let Ok(output) = Command::new("id").args(["-u", "postgres"]).output()
            && output.status.success()
            && running_as_root()
        {
            let uid: u32 = String::from_utf8_lossy(&output.stdout).trim().parse()?;
            std::os::unix::fs::chown(dir.path(), Some(uid), None)?;
        }
        let port = server::free_address()?.port();
        let mut initdb = postgres_command(&bin.join("initdb"));
        initdb
            .args(["--auth=trust", "--username=root", "--no-sync", "-D"])
            .arg(dir.path().join("data"));
        run_checked(initdb, "initdb")?;
        let cluster = Self { bin, dir, port };
        cluster.start()?;
        Ok(cluster)
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://root@127.0.0.1:{}/{database}", self.port)
    }

    fn start(&self) -> anyhow::Result<()> {
        let mut command = postgres_command(&self.bin.join("pg_ctl"));
        command
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .arg("-l")
            .arg(self.dir.path().join("postgres.log"))
            .arg("-o")
            .arg(format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1",
                self.port,
                self.dir.path().display()
            ))
            .args(["-w", "start"]);
        run_checked(command, "pg_ctl start")
    }

    /// A crash: no checkpoint, every backend killed; recovery replays the WAL on start.
    fn crash(&self) -> anyhow::Result<()> {
        let mut command = postgres_command(&self.bin.join("pg_ctl"));
        command
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"]);
        run_checked(command, "pg_ctl stop -m immediate")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let mut command = postgres_command(&self.bin.join("pg_ctl"));
        command
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"]);
        let _ = command.output();
    }
}

/// The outage loop on one backend: `Ok(false)` when a rule broke.
pub async fn run(
    backend: Backend,
    cycles: usize,
    members: usize,
    contracts_per_member: usize,
    logs: &Path,
) -> anyhow::Result<bool> {
    match backend {
        Backend::Postgres => postgres(cycles, members, contracts_per_member, logs).await,
        Backend::Sqlite => sqlite(cycles, members, contracts_per_member, logs).await,
    }
}

/// What an outage run starts from: the server, the loop's state, the invariants' starting
/// counts and the organizations that ask for activations.
struct Prepared {
    server: Server,
    address: SocketAddr,
    state: Arc<Loop>,
    invariants: Invariants,
    activations: Activations,
}

/// Prepares the database at `url`, starts the server on it (its log in `log`) and creates the
/// data through the API.
async fn prepare(
    url: &str,
    log: PathBuf,
    members: usize,
    contracts_per_member: usize,
    cycles: usize,
) -> anyhow::Result<Prepared> {
    setup::prepare_database(url)?;
    let address = server::free_address()?;
    let server = Server::start(
        "sportello",
        Path::new(server::SPORTELLO),
        &serve_args(address, url),
        address,
        "/readyz",
        log,
    )
    .await?;
    let (fixture, access) = setup::create_with_access(address, members, contracts_per_member)
        .await
        .context("creating the data through the API")?;
    let activations = Activations::prepare(
        address,
        &fixture.operator_token,
        ACTIVATIONS_PER_CYCLE * cycles,
    )
    .await
    .context("creating the organizations that activate")?;
    let invariants = Invariants::read(url)
        .await
        .with_context(|| format!("reading the counts of {url}"))?;
    Ok(Prepared {
        server,
        address,
        state: Loop::new(fixture, access, vec![address]),
        invariants,
        activations,
    })
}

fn serve_args(address: SocketAddr, url: &str) -> Vec<String> {
    vec![
        "serve".into(),
        "--listen".into(),
        address.to_string(),
        "--database-url".into(),
        url.to_owned(),
        "--activation-mode".into(),
        "auto".into(),
        "--activation-delay".into(),
        "1s".into(),
    ]
}

/// Starts the clients; stop them with the flag and await the handles.
fn clients(state: &Arc<Loop>) -> (Arc<AtomicBool>, Vec<tokio::task::JoinHandle<()>>) {
    let stop = Arc::new(AtomicBool::new(false));
    let handles = (0..CLIENTS)
        .map(|worker| tokio::spawn(state.clone().client(worker, stop.clone())))
        .collect();
    (stop, handles)
}

async fn stop_clients(stop: Arc<AtomicBool>, handles: Vec<tokio::task::JoinHandle<()>>) {
    stop.store(true, Ordering::Relaxed);
    for handle in handles {
        let _ = handle.await;
    }
}

/// A filing of the loop's first member, with a key of its own.
fn probe_filing(state: &Loop) -> (String, Call) {
    let plan = state.fixture().members[0].contracts[0].clone();
    state.filing(0, &plan)
}

/// While the database is out: a filing must answer 503 `database_unavailable` with
/// `Retry-After` (its key is resolved after the recovery, like any unanswered one).
async fn expect_write_refused(state: &Loop, address: SocketAddr, when: &str) {
    let (key, call) = probe_filing(state);
    let reply = Connection::new(address).send(&call).await;
    if !database_unavailable(&reply) {
        state.violation(format!(
            "{when}: a filing answered {} {} (Retry-After {:?}), not 503 database_unavailable",
            reply.status,
            String::from_utf8_lossy(&reply.body),
            reply.retry_after
        ));
    }
    state.unanswered_key(key, call);
}

/// After the database is back: the time until a filing is taken again (its key is recorded as
/// acknowledged); a broken rule when that takes longer than [`RECOVERY`].
async fn await_recovery(state: &Loop, address: SocketAddr, when: &str) -> Duration {
    let started = Instant::now();
    loop {
        let (key, call) = probe_filing(state);
        let reply = Connection::new(address).send(&call).await;
        match (reply.status, reply.json()["number"].as_str()) {
            (201, Some(number)) => {
                state.acknowledged(key, number.to_owned(), call);
                return started.elapsed();
            }
            _ => state.unanswered_key(key, call),
        }
        if started.elapsed() > RECOVERY {
            state.violation(format!(
                "{when}: no filing taken {} s after the database came back (last answer {} {})",
                RECOVERY.as_secs(),
                reply.status,
                String::from_utf8_lossy(&reply.body)
            ));
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn readyz(address: SocketAddr) -> u16 {
    Connection::new(address)
        .send(&Call::get("/readyz"))
        .await
        .status
}

/// Both verifications on the database as it is.
fn verify(state: &Loop, url: &str, when: &str) {
    for command in [["ledger", "verify"], ["audit", "verify"]] {
        if let Err(error) = sportello(&command, url, &[]) {
            state.violation(format!("{when}: {error:#}"));
        }
    }
}

async fn postgres(
    cycles: usize,
    members: usize,
    contracts_per_member: usize,
    logs: &Path,
) -> anyhow::Result<bool> {
    let cluster = Cluster::create().context("starting a PostgreSQL cluster for the outages")?;
    let admin = cluster.url("postgres");
    let mut connection = sqlx::PgPool::connect(&admin).await?;
    sqlx::query("CREATE DATABASE sportello")
        .execute(&connection)
        .await?;
    let url = cluster.url("sportello");
    let Prepared {
        server,
        address,
        state,
        invariants,
        mut activations,
    } = prepare(
        &url,
        logs.join("outage-postgres.log"),
        members,
        contracts_per_member,
        cycles,
    )
    .await?;
    let started = Instant::now();
    let (mut restarts, mut cuts) = (0, 0);
    let mut recoveries = Vec::new();
    for cycle in 1..=cycles {
        let (stop, handles) = clients(&state);
        for broken in activations.ask(&[address], ACTIVATIONS_PER_CYCLE).await {
            state.violation(broken);
        }
        tokio::time::sleep(Duration::from_millis(rand::rng().random_range(300..1000))).await;
        if cycle % 2 == 1 {
            // Down: PostgreSQL crashes and stays down for a while under load.
            connection.close().await;
            cluster.crash()?;
            restarts += 1;
            let when = format!("outage {cycle} (PostgreSQL down)");
            tokio::time::sleep(Duration::from_millis(300)).await;
            if readyz(address).await != 503 {
                state.violation(format!("{when}: /readyz did not answer 503"));
            }
            expect_write_refused(&state, address, &when).await;
            let read = Connection::new(address)
                .send(
                    &Call::get("/api/v1/support-requests?limit=1")
                        .bearer(&state.fixture().operator_token),
                )
                .await;
            if read.status != 503 || read.json()["code"] != "database_unavailable" {
                state.violation(format!(
                    "{when}: a read answered {} {}",
                    read.status,
                    String::from_utf8_lossy(&read.body)
                ));
            }
            tokio::time::sleep(Duration::from_millis(rand::rng().random_range(500..1500))).await;
            cluster.start()?;
            connection = sqlx::PgPool::connect(&admin).await?;
            recoveries.push(await_recovery(&state, address, &when).await);
        } else {
            // Every connection of the service cut at once (the database stays up).
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = 'sportello' AND pid <> pg_backend_pid()",
            )
            .execute(&connection)
            .await?;
            cuts += 1;
            recoveries.push(
                await_recovery(
                    &state,
                    address,
                    &format!("outage {cycle} (connections cut)"),
                )
                .await,
            );
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop_clients(stop, handles).await;
        if readyz(address).await != 200 {
            state.violation(format!("after outage {cycle}: /readyz did not answer 200"));
        }
        state.check(address).await?;
        for broken in activations.check(address, JOBS_WITHIN).await {
            state.violation(format!("after outage {cycle}: {broken}"));
        }
        verify(&state, &url, &format!("after outage {cycle}"));
    }
    let mut server = server;
    server.stop();
    connection.close().await;
    let slowest = recoveries.iter().max().copied().unwrap_or_default();
    let summary = format!(
        "{restarts} crashes and restarts of PostgreSQL and {cuts} cuts of every connection in \
         {:.0} s under {CLIENTS} clients, the server never restarted; writes taken again at most \
         {} ms after the database was back; {} activations asked for before a fault each \
         active with one contract; ledger verify and audit verify after each",
        started.elapsed().as_secs_f64(),
        slowest.as_millis(),
        activations.asked()
    );
    state
        .finish("outage loop", "postgres", &url, &invariants, &summary)
        .await
}

/// Fills the filesystem holding `dir` to the last byte with `dir/filler`.
fn fill(dir: &Path) -> anyhow::Result<u64> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("filler"))?;
    let mut written = 0;
    for size in [1 << 20, 64 << 10, 4 << 10, 512] {
        let chunk = vec![0u8; size];
        while file.write_all(&chunk).is_ok() {
            written += size as u64;
        }
    }
    let _ = file.flush();
    Ok(written)
}

/// Set in the harness that runs the SQLite outages inside a mount namespace of its own.
const OWN_MOUNTS: &str = "SPORTELLO_BENCH_OWN_MOUNTS";

/// The SQLite outages run in a copy of the harness inside a mount namespace of its own
/// (`unshare --mount --map-root-user`): there it may mount a small tmpfs without being root,
/// and the harness, the server and the `sportello` commands all see the same files (a path
/// through `/proc/PID/root` would not do: SQLite resolves it to the harness's own `/`).
async fn sqlite(
    cycles: usize,
    members: usize,
    contracts_per_member: usize,
    logs: &Path,
) -> anyhow::Result<bool> {
    if std::env::var_os(OWN_MOUNTS).is_none() {
        let status = Command::new("unshare")
            .args(["--mount", "--map-root-user", "--propagation", "private"])
            .arg(std::env::current_exe()?)
            .args(["--bench", "--backend", "sqlite", "--outage"])
            .arg(cycles.to_string())
            .arg("--members")
            .arg(members.to_string())
            .arg("--contracts-per-member")
            .arg(contracts_per_member.to_string())
            .arg("--logs")
            .arg(logs)
            .env(OWN_MOUNTS, "1")
            .status()
            .context("cannot run unshare (util-linux) for a mount namespace of its own")?;
        return match status.code() {
            Some(0) => Ok(true),
            Some(1) => Ok(false),
            _ => bail!("the SQLite outage loop failed to run ({status})"),
        };
    }
    let dir = tempfile::tempdir()?;
    // Room for the database and its WAL, which the writer keeps to about 64 MiB under load
    // (`store/writer/checkpoint.rs`): a smaller filesystem would be full again as soon as the
    // space is freed.
    let mut mount = Command::new("mount");
    mount
        .args(["-t", "tmpfs", "-o", "size=256m", "tmpfs"])
        .arg(dir.path());
    run_checked(mount, "mount -t tmpfs")?;
    let dir = dir.path().to_owned();
    let url = format!("sqlite://{}", dir.join("sportello.db").display());
    let Prepared {
        server,
        address,
        state,
        invariants,
        mut activations,
    } = prepare(
        &url,
        logs.join("outage-sqlite.log"),
        members,
        contracts_per_member,
        cycles,
    )
    .await?;
    let started = Instant::now();
    let mut recoveries = Vec::new();
    let mut refused_reads = 0;
    for cycle in 1..=cycles {
        let when = format!("disk full {cycle}");
        let (stop, handles) = clients(&state);
        for broken in activations.ask(&[address], ACTIVATIONS_PER_CYCLE).await {
            state.violation(broken);
        }
        tokio::time::sleep(Duration::from_millis(rand::rng().random_range(300..1000))).await;
        fill(&dir).context("filling the server's filesystem")?;
        // Writes fail once the free pages and the WAL's room are used up: the clients keep
        // writing until a filing is refused.
        let full = Instant::now();
        loop {
            let (key, call) = probe_filing(&state);
            let reply = Connection::new(address).send(&call).await;
            match (reply.status, reply.json()["number"].as_str()) {
                (201, Some(number)) => state.acknowledged(key, number.to_owned(), call),
                _ => {
                    if !database_unavailable(&reply) {
                        state.violation(format!(
                            "{when}: a filing answered {} {}",
                            reply.status,
                            String::from_utf8_lossy(&reply.body)
                        ));
                    }
                    state.unanswered_key(key, call);
                    break;
                }
            }
            if full.elapsed() > Duration::from_secs(30) {
                state.violation(format!(
                    "{when}: writes still taken 30 s after the disk filled"
                ));
                break;
            }
            fill(&dir)?;
        }
        // Reads keep working on a full disk.
        for path in [
            "/api/v1/support-requests?limit=5".to_owned(),
            format!("/api/v1/contracts/{}", state.fixture().hot),
        ] {
            let read = Connection::new(address)
                .send(&Call::get(&path).bearer(&state.fixture().operator_token))
                .await;
            if read.status != 200 {
                refused_reads += 1;
                state.violation(format!(
                    "{when}: GET {path} answered {} {}",
                    read.status,
                    String::from_utf8_lossy(&read.body)
                ));
            }
        }
        tokio::time::sleep(Duration::from_millis(rand::rng().random_range(300..1000))).await;
        std::fs::remove_file(dir.join("filler")).context("freeing the space")?;
        recoveries.push(await_recovery(&state, address, &when).await);
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop_clients(stop, handles).await;
        state.check(address).await?;
        for broken in activations.check(address, JOBS_WITHIN).await {
            state.violation(format!("after {when}: {broken}"));
        }
        verify(&state, &url, &format!("after {when}"));
    }
    let slowest = recoveries.iter().max().copied().unwrap_or_default();
    let summary = format!(
        "{cycles} full disks in {:.0} s under {CLIENTS} clients, the server never restarted; \
         reads answered 200 on every full disk ({refused_reads} refused); writes taken again at \
         most {} ms after the space was freed; {} activations asked for before a full disk \
         each active with one contract; ledger verify and audit verify after each",
        started.elapsed().as_secs_f64(),
        slowest.as_millis(),
        activations.asked()
    );
    let outcome = state
        .finish("outage loop", "sqlite", &url, &invariants, &summary)
        .await;
    let mut server = server;
    server.stop();
    let _ = Command::new("umount").arg(&dir).status();
    outcome
}
