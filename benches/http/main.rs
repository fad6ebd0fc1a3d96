//! The HTTP benchmark suite: every hot path of `sportello serve` over loopback, with
//! authentication, against the plain-HTTP ceiling (the binary's `/healthz` and a constant
//! endpoint of the harness) and a naive axum + sqlx baseline on the same database, at two data
//! sizes, on SQLite and PostgreSQL; the invariants are checked after every run.
//!
//! Run: `scripts/bench [SCENARIO…] [--backend sqlite|postgres] [--connections N] [--seconds S]
//! [--rate R] [--scale N,N]` (or `cargo bench --bench http -- …`); `--help` lists every option.

mod activations;
mod baseline;
mod crash;
mod driver;
mod faults;
mod instances;
mod invariants;
mod model;
mod scenarios;
mod server;
mod setup;

use anyhow::Context;
use clap::Parser;
use driver::{Load, Measured, Pace};
use invariants::Invariants;
use scenarios::{Scenario, Tally, Target};
use server::{Backend, Database, Server, sportello};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(name = "bench-http", about = "Sportello's HTTP benchmark suite")]
struct Args {
    /// Scenarios to run (default: all of them); the ceilings and the baseline always run too.
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(scenarios::ALL))]
    scenarios: Vec<String>,
    /// Backends, in order.
    #[arg(long, value_enum, value_delimiter = ',', default_values = ["sqlite", "postgres"])]
    backend: Vec<Backend>,
    /// Concurrent connections of the closed-loop and fixed-rate runs.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Length of each closed-loop (maximum throughput) run.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Length of each fixed-rate run (default: the closed-loop length).
    #[arg(long)]
    fixed_seconds: Option<f64>,
    /// One fixed rate (requests/s) instead of 25, 50 and 75 % of the measured maximum.
    #[arg(long)]
    rate: Option<f64>,
    /// Stored support requests loaded before the run (`sportello demo --scale N`), per run.
    #[arg(long, value_delimiter = ',', default_values = ["1000", "1000000"])]
    scale: Vec<u64>,
    /// Member accounts filing (each with its own token).
    #[arg(long, default_value_t = 100)]
    members: usize,
    /// Counted contracts each member links (members × this = the spread).
    #[arg(long, default_value_t = 100)]
    contracts_per_member: usize,
    /// Concurrent filers in the exhaustion race.
    #[arg(long, default_value_t = 500)]
    racers: usize,
    /// The CI form: 20 members × 10 contracts, scale 1,000, 1 s per run, the 50 % fixed rate
    /// only, and any wrong answer fails the run.
    #[arg(long)]
    short: bool,
    /// Run the crash loop instead of the scenarios: SIGKILL the server this many times per
    /// backend under concurrent filing, restart it, and check every acknowledgement.
    #[arg(long)]
    crash: Option<usize>,
    /// Run the outage loop instead: the database fails this many times per backend under
    /// concurrent filing (PostgreSQL crashed and restarted, or its connections cut; SQLite's
    /// disk full), the server running throughout; every answer and acknowledgement checked.
    #[arg(long)]
    outage: Option<usize>,
    /// Run N instances on one PostgreSQL database instead, clients alternating between them:
    /// sessions, token revocation, the catalogue, the exhaustion race and activations checked
    /// across instances, then filing throughput on one instance and on all N.
    #[arg(long)]
    instances: Option<usize>,
    /// Run the model check instead: this many randomized operations per backend (filings,
    /// retries, refunds, links, unlinks, balance reads, new orders) by concurrent clients, each
    /// answer compared with a model.
    #[arg(long)]
    model: Option<u64>,
    /// Concurrent clients of the model check.
    #[arg(long, default_value_t = 64)]
    model_clients: usize,
    /// Fail when any scenario had a wrong answer (not only on a broken invariant).
    #[arg(long)]
    fail_on_errors: bool,
    /// Administrative PostgreSQL URL (fresh databases are created beside it and dropped).
    #[arg(
        long,
        env = "SPORTELLO_TEST_POSTGRES_URL",
        default_value = "postgres://root@127.0.0.1:5432/test"
    )]
    postgres_url: String,
    /// Where server logs go (default: a temporary folder, removed).
    #[arg(long)]
    logs: Option<std::path::PathBuf>,
    /// Passed by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
    /// Internal: serve the harness's ceiling and baseline endpoints (LISTEN DATABASE_URL).
    #[arg(long, hide = true, num_args = 2)]
    harness_server: Option<Vec<String>>,
}

/// One printed line.
struct Line {
    scenario: &'static str,
    connections: usize,
    closed: Measured,
    cpu_per_1k: f64,
    /// PostgreSQL's backends for this database (zero on SQLite).
    database_cpu_per_1k: f64,
    rss_mib: f64,
    fixed: Vec<(f64, Option<Measured>)>,
}

fn main() -> std::process::ExitCode {
    // `cargo test --all-targets` runs bench targets without arguments: nothing to do there.
    if std::env::args().len() == 1 {
        println!(
            "bench http: pass a scenario or --bench (scripts/bench, cargo bench --bench http)"
        );
        return std::process::ExitCode::SUCCESS;
    }
    let mut args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("bench http: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    if let Some(serve) = args.harness_server.take() {
        let outcome = runtime.block_on(baseline::serve(&serve[0], &serve[1]));
        return match outcome {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("harness server: {error:#}");
                std::process::ExitCode::from(2)
            }
        };
    }
    if args.short {
        args.members = 20;
        args.contracts_per_member = 10;
        args.scale = vec![1000];
        args.seconds = 1.0;
        args.fail_on_errors = true;
    }
    match runtime.block_on(run(&args)) {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("bench http: FAILED (see above)");
            std::process::ExitCode::from(1)
        }
        Err(error) => {
            eprintln!("bench http: {error:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Where the server logs of a crash, outage, instances or model run go: `--logs`, or a
/// temporary folder kept only when the run failed.
struct Logs {
    temporary: tempfile::TempDir,
    dir: std::path::PathBuf,
    chosen: bool,
}

impl Logs {
    fn new(args: &Args) -> anyhow::Result<Self> {
        let temporary = tempfile::tempdir()?;
        let dir = args
            .logs
            .clone()
            .unwrap_or_else(|| temporary.path().to_owned());
        std::fs::create_dir_all(&dir)?;
        Ok(Self {
            temporary,
            dir,
            chosen: args.logs.is_some(),
        })
    }

    /// `ok`, after keeping the temporary folder of a failed run.
    fn finish(self, ok: bool) -> bool {
        if !ok && !self.chosen {
            println!("logs kept in {}", self.temporary.keep().display());
        }
        ok
    }
}

/// Every backend at every size; `Ok(false)` when an invariant broke.
async fn run(args: &Args) -> anyhow::Result<bool> {
    // The crash, outage and model runs use a small fixture: they check answers, not rates.
    let (members, contracts_per_member) = (args.members.min(20), args.contracts_per_member.min(10));
    if let Some(operations) = args.model {
        let logs = Logs::new(args)?;
        let mut all_ok = true;
        for &backend in &args.backend {
            all_ok &= model::run(
                backend,
                operations,
                args.model_clients,
                &args.postgres_url,
                &logs.dir,
            )
            .await?;
        }
        return Ok(logs.finish(all_ok));
    }
    if let Some(instances) = args.instances {
        let logs = Logs::new(args)?;
        let (members, contracts_per_member, seconds) = if args.short {
            (members, contracts_per_member, 1.0)
        } else {
            (args.members, args.contracts_per_member, args.seconds)
        };
        let ok = instances::run(&instances::Options {
            instances: instances.max(2),
            members,
            contracts_per_member,
            racers: args.racers,
            connections: args.connections,
            seconds,
            admin_url: &args.postgres_url,
            logs: &logs.dir,
        })
        .await?;
        return Ok(logs.finish(ok));
    }
    if let Some(cycles) = args.outage {
        let logs = Logs::new(args)?;
        let mut all_ok = true;
        for &backend in &args.backend {
            all_ok &=
                faults::run(backend, cycles, members, contracts_per_member, &logs.dir).await?;
        }
        return Ok(logs.finish(all_ok));
    }
    if let Some(kills) = args.crash {
        let logs = Logs::new(args)?;
        let mut all_ok = true;
        for &backend in &args.backend {
            all_ok &= crash::run(
                backend,
                kills,
                members,
                contracts_per_member,
                &args.postgres_url,
                &logs.dir,
            )
            .await?;
        }
        return Ok(logs.finish(all_ok));
    }
    let mut selected: Vec<&'static str> = scenarios::ALL
        .iter()
        .copied()
        .filter(|name| {
            args.scenarios.is_empty()
                || args.scenarios.iter().any(|s| s == name)
                || ["healthz", "constant", "naive-file"].contains(name)
        })
        .collect();
    selected.dedup();
    println!(
        "# sportello HTTP bench: {} connections, {} s closed loop, fixed rate {} for {} s; {} members x {} contracts; {} cores",
        args.connections,
        args.seconds,
        args.rate.map_or_else(
            || if args.short {
                "50 %".into()
            } else {
                "25/50/75 %".into()
            },
            |r| format!("{r}/s")
        ),
        args.fixed_seconds.unwrap_or(args.seconds),
        args.members,
        args.contracts_per_member,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let mut all_ok = true;
    for &backend in &args.backend {
        for &scale in &args.scale {
            all_ok &= run_one(args, backend, scale, &selected).await?;
        }
    }
    Ok(all_ok)
}

async fn run_one(
    args: &Args,
    backend: Backend,
    scale: u64,
    selected: &[&'static str],
) -> anyhow::Result<bool> {
    let database = Database::create(backend, &args.postgres_url).await?;
    let outcome = run_on(args, backend, scale, selected, &database).await;
    database.drop_database().await;
    outcome
}

async fn run_on(
    args: &Args,
    backend: Backend,
    scale: u64,
    selected: &[&'static str],
    database: &Database,
) -> anyhow::Result<bool> {
    let url = &database.url;
    let backend_name = format!("{backend:?}").to_lowercase();
    let started = Instant::now();
    sportello(&["migrate"], url, &[])?;
    sportello(&["demo", "--scale", &scale.to_string()], url, &[])?;
    let loaded = started.elapsed();
    sportello(
        &["admin", "create-operator", "--email", setup::OPERATOR_EMAIL],
        url,
        &[("SPORTELLO_ADMIN_PASSWORD", setup::PASSWORD)],
    )?;
    let logs = tempfile::tempdir()?;
    let log_dir = args.logs.clone().unwrap_or_else(|| logs.path().to_owned());
    std::fs::create_dir_all(&log_dir)?;
    let product_address = server::free_address()?;
    let product = Server::start(
        "sportello",
        std::path::Path::new(server::SPORTELLO),
        &[
            "serve".into(),
            "--listen".into(),
            product_address.to_string(),
            "--database-url".into(),
            url.clone(),
            "--activation-mode".into(),
            "manual".into(),
            // The sign-in scenario gives each connection its own client address.
            "--trust-forwarded-for".into(),
        ],
        product_address,
        "/readyz",
        log_dir.join(format!("sportello-{backend_name}-{scale}.log")),
    )
    .await?;
    let harness_address = server::free_address()?;
    let harness = Server::start(
        "harness",
        &std::env::current_exe()?,
        &[
            "--harness-server".into(),
            harness_address.to_string(),
            url.clone(),
        ],
        harness_address,
        "/constant",
        log_dir.join(format!("harness-{backend_name}-{scale}.log")),
    )
    .await?;
    let setup_started = Instant::now();
    let fixture = setup::create(product_address, args.members, args.contracts_per_member)
        .await
        .context("creating the data through the API")?;
    println!(
        "\n## {backend_name}, {scale} stored requests (loaded in {:.1} s; API setup {} contracts in {:.1} s; server PID {}, harness PID {})",
        loaded.as_secs_f64(),
        args.members * (args.contracts_per_member + 1) + 2,
        setup_started.elapsed().as_secs_f64(),
        product.pid(),
        harness.pid(),
    );
    println!(
        "{:<20} {:>5} {:>9} {:>7} {:>8} {:>8} {:>8} {:>8} {:>6} {:>8} {:>8} {:>7}  fixed rate: p50/p99 ms at 25 %, 50 %, 75 %",
        "scenario",
        "conns",
        "req/s",
        "%ceil",
        "x naive",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "errors",
        "cpu s/1k",
        "db s/1k",
        "rss MiB"
    );
    let invariants = Invariants::read(url).await?;
    let tally = Arc::new(Tally::default());
    let (mut ceiling, mut naive) = (0.0, 0.0);
    let mut errors = 0;
    for &name in selected {
        let (requests_after, audit_after) = if name.ends_with("20000") {
            let (requests, audit) = invariants::cursors_at_depth(url, 50 * 19_999).await?;
            (Some(requests), Some(audit))
        } else {
            (None, None)
        };
        let scenario = Arc::new(Scenario {
            name,
            fixture: fixture.clone(),
            tally: tally.clone(),
            requests_after,
            audit_after,
        });
        let (server, address) = match scenario.target() {
            Target::Product => (&product, product_address),
            Target::Harness => (&harness, harness_address),
        };
        // A page that walks the whole audit chain is run on two connections: thirty-two at
        // once would hold thirty-two copies of the chain in memory.
        let connections = if name.starts_with("ledger-page") {
            args.connections.min(2)
        } else {
            args.connections
        };
        server.reset_peak_rss();
        let cpu_before = server.cpu_seconds();
        let database_cpu_before = database.database_cpu_seconds();
        let (closed, connections) = if scenario.is_burst() {
            (
                driver::run(address, scenario.clone(), args.racers, Pace::Burst).await,
                args.racers,
            )
        } else {
            let pace = Pace::Closed(Duration::from_secs_f64(args.seconds));
            (
                driver::run(address, scenario.clone(), connections, pace).await,
                connections,
            )
        };
        let cpu = server.cpu_seconds() - cpu_before;
        let database_cpu = database.database_cpu_seconds() - database_cpu_before;
        let maximum = closed.rate() / scenario.group() as f64;
        let mut fixed = Vec::new();
        if !scenario.is_burst() {
            let fractions: &[f64] = if args.rate.is_some() || args.short {
                &[0.5]
            } else {
                &[0.25, 0.5, 0.75]
            };
            for &fraction in fractions {
                let rate = args.rate.unwrap_or(maximum * fraction);
                let duration = Duration::from_secs_f64(args.fixed_seconds.unwrap_or(args.seconds));
                let measured = if rate * duration.as_secs_f64() >= 1.0 {
                    Some(
                        driver::run(
                            address,
                            scenario.clone(),
                            connections,
                            Pace::Fixed { rate, duration },
                        )
                        .await,
                    )
                } else {
                    None
                };
                fixed.push((fraction, measured));
            }
        }
        let line = Line {
            scenario: name,
            connections,
            cpu_per_1k: cpu * 1000.0 / closed.requests.max(1) as f64,
            database_cpu_per_1k: database_cpu * 1000.0 / closed.requests.max(1) as f64,
            rss_mib: server.peak_rss_mib(),
            closed,
            fixed,
        };
        if name == "healthz" {
            ceiling = line.closed.rate();
        }
        if name == "naive-file" {
            naive = line.closed.rate();
        }
        errors += line.closed.errors
            + line
                .fixed
                .iter()
                .flat_map(|f| &f.1)
                .map(|m| m.errors)
                .sum::<u64>();
        print_line(&line, ceiling, naive);
        let wrong = line
            .closed
            .wrong
            .iter()
            .chain(line.fixed.iter().flat_map(|f| &f.1).flat_map(|m| &m.wrong));
        for answer in wrong.take(3) {
            println!("    wrong answer: {answer}");
        }
    }
    let mut product = product;
    let mut harness = harness;
    product.stop();
    harness.stop();
    let broken = invariants
        .check(url, &tally, &fixture, selected.contains(&"race"))
        .await?;
    for failure in &broken {
        println!("INVARIANT BROKEN ({backend_name}, {scale}): {failure}");
    }
    if broken.is_empty() {
        let race = if selected.contains(&"race") {
            format!(", exactly {} race winners", setup::RACE_INCIDENTS)
        } else {
            String::new()
        };
        println!(
            "invariants hold: ledger verify, audit verify, requests created = incidents consumed, refunds, one charge per idempotency key{race}"
        );
    }
    if errors > 0 && args.fail_on_errors {
        println!("{errors} wrong answers (logs: {})", log_dir.display());
        if args.logs.is_none() {
            // Keep the logs for whoever investigates.
            let kept = logs.keep();
            println!("logs kept in {}", kept.display());
        }
        return Ok(false);
    }
    Ok(broken.is_empty())
}

fn print_line(line: &Line, ceiling: f64, naive: f64) {
    let rate = line.closed.rate();
    // "-" until the reference has run (the ceilings come before the baseline).
    let ratio = |base: f64, scale: f64, digits: usize| {
        if base > 0.0 {
            format!("{:.digits$}", rate / base * scale)
        } else {
            "-".to_owned()
        }
    };
    let fixed: Vec<String> = line
        .fixed
        .iter()
        .map(|(_, measured)| match measured {
            Some(m) => format!("{:.1}/{:.1}", m.ms(0.5), m.ms(0.99)),
            None => "-".into(),
        })
        .collect();
    println!(
        "{:<20} {:>5} {:>9.1} {:>6}% {:>8} {:>8.2} {:>8.1} {:>8.1} {:>6} {:>8.3} {:>8.3} {:>7.0}  {}",
        line.scenario,
        line.connections,
        rate,
        ratio(ceiling, 100.0, 2),
        ratio(naive, 1.0, 3),
        line.closed.ms(0.5),
        line.closed.ms(0.99),
        line.closed.ms(0.999),
        line.closed.errors
            + line
                .fixed
                .iter()
                .flat_map(|f| &f.1)
                .map(|m| m.errors)
                .sum::<u64>(),
        line.cpu_per_1k,
        line.database_cpu_per_1k,
        line.rss_mib,
        fixed.join("  "),
    );
}
