//! The processes under test: a fresh database per run, `sportello` commands on it, servers
//! started on a free loopback port and stopped by their PID, and their CPU time and peak RSS
//! read from `/proc/PID/stat` and `/proc/PID/status`.

use anyhow::{Context, bail};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The release-built (under `cargo bench`) product binary.
pub const SPORTELLO: &str = env!("CARGO_BIN_EXE_sportello");

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database created for one run and removed afterwards.
pub struct Database {
    pub url: String,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl Database {
    pub async fn create(backend: Backend, admin_url: &str) -> anyhow::Result<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                Ok(Self {
                    url: format!("sqlite://{}", dir.path().join("bench.db").display()),
                    postgres: None,
                    _dir: Some(dir),
                })
            }
            Backend::Postgres => {
                static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
                let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let name = format!("sportello_http_bench_{}_{run}", std::process::id());
                let admin = sqlx::PgPool::connect(admin_url)
                    .await
                    .context("PostgreSQL must be reachable for the PostgreSQL runs")?;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&admin)
                    .await?;
                admin.close().await;
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url, |(base, _)| base);
                Ok(Self {
                    url: format!("{base}/{name}"),
                    postgres: Some((admin_url.to_owned(), name)),
                    _dir: None,
                })
            }
        }
    }

    /// CPU seconds used so far by the PostgreSQL backends serving this database (their command
    /// lines name it); zero on SQLite, whose work is inside the server process.
    pub fn database_cpu_seconds(&self) -> f64 {
        let Some((_, name)) = &self.postgres else {
            return 0.0;
        };
        let needle = format!(" {name} ");
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return 0.0;
        };
        entries
            .flatten()
            .filter(|entry| {
                entry
                    .file_name()
                    .to_string_lossy()
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            })
            .filter(|entry| {
                std::fs::read(entry.path().join("cmdline"))
                    .map(|line| String::from_utf8_lossy(&line).contains(&needle))
                    .unwrap_or(false)
            })
            .map(|entry| cpu_seconds_of(&entry.path().join("stat")))
            .sum()
    }

    pub async fn drop_database(&self) {
        if let Some((admin_url, name)) = &self.postgres
            && let Ok(admin) = sqlx::PgPool::connect(admin_url).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin)
                .await;
            admin.close().await;
        }
    }
}

/// Runs `sportello ARGS --database-url URL`, with `input` on standard input; its output, or an
/// error carrying it when the exit code is not zero.
pub fn sportello(args: &[&str], url: &str, env: &[(&str, &str)]) -> anyhow::Result<String> {
    let output = Command::new(SPORTELLO)
        .args(args)
        .args(["--database-url", url])
        .envs(env.iter().copied())
        .env_remove("SPORTELLO_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {SPORTELLO}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if !output.status.success() {
        bail!("`sportello {}` failed: {}", args.join(" "), text.trim());
    }
    Ok(text)
}

/// A free loopback port.
pub fn free_address() -> anyhow::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}

/// A server process: stopped by its PID when dropped, whatever happened.
pub struct Server {
    child: Child,
    pub log: PathBuf,
}

impl Server {
    /// Starts `program args` and waits until `GET ready_path` answers 200.
    pub async fn start(
        name: &'static str,
        program: &std::path::Path,
        args: &[String],
        address: SocketAddr,
        ready_path: &str,
        log: PathBuf,
    ) -> anyhow::Result<Self> {
        let file = std::fs::File::create(&log)?;
        let child = Command::new(program)
            .args(args)
            .env_remove("SPORTELLO_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()
            .with_context(|| format!("cannot start {}", program.display()))?;
        let server = Self { child, log };
        let started = Instant::now();
        let mut connection = super::driver::Connection::new(address);
        loop {
            let reply = connection.send(&super::driver::Call::get(ready_path)).await;
            if reply.status == 200 {
                return Ok(server);
            }
            if started.elapsed() > Duration::from_secs(120) {
                bail!(
                    "{name} did not become ready on {address}; its log: {}",
                    server.log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU seconds (user + system) the process has used so far.
    pub fn cpu_seconds(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // The fields after the command name, which sits in parentheses and may hold spaces.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
        (ticks(11) + ticks(12)) / clock_ticks()
    }

    /// Starts a new peak for [`Self::peak_rss_mib`] (`5` into `/proc/PID/clear_refs`).
    pub fn reset_peak_rss(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5");
    }

    /// Peak resident set size in MiB (VmHWM) since the last reset.
    pub fn peak_rss_mib(&self) -> f64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    }

    /// SIGKILL at once (the crash loop), and reaped.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM by PID, then SIGKILL if it has not stopped within 10 s.
    pub fn stop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// User + system CPU seconds from a `/proc/PID/stat` file.
fn cpu_seconds_of(path: &std::path::Path) -> f64 {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // The fields after the command name, which sits in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    (ticks(11) + ticks(12)) / clock_ticks()
}

fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}
