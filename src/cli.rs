//! The `sportello` command line: serve, migrate, demo, admin, and the checks to come.

use crate::actions;
use crate::config::{DatabaseArgs, ServeArgs};
use crate::domain::policy::{self, Policy};
use crate::http::{AppState, router};
use crate::store::Store;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;
use time::OffsetDateTime;

#[derive(Parser, Debug)]
#[command(
    name = "sportello",
    version,
    about = "Technical support benefits, contracts and support requests"
)]
pub struct Cli {
    /// Log line format.
    #[arg(
        long,
        env = "SPORTELLO_LOG_FORMAT",
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

// Parsed once at start-up: the size of the serve variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the HTTP server (creates and migrates the database on first start).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Load the demo data (idempotent) and print the demo sign-ins.
    Demo(DemoArgs),
    /// Administration tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Bulk imports.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Ledger checks.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Audit log checks.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a consistent copy of the SQLite database while the service runs.
    Backup {
        /// The new file to write.
        #[arg(long)]
        to: std::path::PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Also load this many support requests (with their ledger, history and audit entries)
    /// for a new organization, to try the service at size: 1,000,000 take minutes.
    #[arg(long, value_name = "N")]
    pub scale: Option<u64>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Walk the hash chain and report the first entry that was changed, removed or inserted;
    /// exit 1 if there is one.
    Verify {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum LedgerCommand {
    /// Recompute every contract's balance from its ledger and compare it with the stored
    /// counters; print each difference and exit 1 if there is any.
    Verify {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import memberships from a CSV file (`partner_id,offer,competency,start,end`): the file is
    /// checked first and imported completely, or not at all with a report of every bad row.
    Memberships {
        file: std::path::PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an operator account; the password is read from SPORTELLO_ADMIN_PASSWORD or stdin.
    CreateOperator {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// A failure the CLI reports in one line, with its exit code.
pub struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// Configuration and connection problems: exit code 2.
    fn setup(error: anyhow::Error) -> Self {
        Self {
            code: 2,
            message: format!("{error:#}"),
        }
    }

    fn run(error: impl std::fmt::Display) -> Self {
        Self {
            code: 1,
            message: error.to_string(),
        }
    }
}

///
/// Lines go to standard error through a thread of their own, so a request never waits for a
/// write to the log; none is dropped (a full buffer makes the logger wait instead). Keep the
/// guard until the process ends: dropping it writes what is still buffered.
pub fn init_tracing(format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SPORTELLO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(writer);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
    guard
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> ExitCode {
    let outcome = match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(database) => open(&database)
            .await
            .map(|_| println!("migrations applied")),
        Command::Demo(args) => demo(&args).await,
        Command::Admin(AdminCommand::CreateOperator { email, database }) => {
            create_operator(&email, &database).await
        }
        Command::Import(ImportCommand::Memberships { file, database }) => {
            import_memberships(&file, &database).await
        }
        Command::Ledger(LedgerCommand::Verify { database }) => verify_ledger(&database).await,
        Command::Audit(AuditCommand::Verify { database }) => verify_audit(&database).await,
        Command::Backup { to, database } => backup(&to, &database).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("sportello: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

async fn open(database: &DatabaseArgs) -> Result<Store, Failure> {
    let store = Store::connect_with(&database.database_url, database.sqlite_synchronous)
        .await
        .map_err(Failure::setup)?;
    store.migrate().await.map_err(Failure::setup)?;
    Ok(store)
}

/// The shipped policy, or the file given with `--policy`; a mistake names its line.
pub fn load_policy(path: Option<&std::path::Path>) -> Result<Policy, Failure> {
    match path {
        None => policy::parse(policy::DEFAULT_TOML).map_err(|error| {
            Failure::setup(anyhow::anyhow!("the shipped policy is invalid: {error}"))
        }),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|error| {
                Failure::setup(anyhow::anyhow!(
                    "cannot read policy {}: {error}",
                    path.display()
                ))
            })?;
            policy::parse(&text).map_err(|error| {
                Failure::setup(anyhow::anyhow!("policy {}: {error}", path.display()))
            })
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), Failure> {
    let policy = Arc::new(load_policy(args.policy.as_deref())?);
    let store = open(&args.database).await?;
    let source = args
        .policy
        .as_ref()
        .map_or_else(|| "default".to_owned(), |p| p.display().to_string());
    let loaded = crate::store::audit::AuditEntry::new(
        None,
        "policy.loaded",
        format!("policy:{source}"),
        serde_json::json!({"benefits": policy.benefits.iter().map(|b| b.code.clone()).collect::<Vec<_>>(),
                           "term_years": policy.term_years, "term_days": policy.term_days}),
    );
    store
        .audit(&loaded, OffsetDateTime::now_utc())
        .await
        .map_err(Failure::run)?;
    if args.demo {
        crate::demo::load(&store, &policy, OffsetDateTime::now_utc())
            .await
            .map_err(Failure::run)?;
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|error| {
            Failure::setup(anyhow::anyhow!("cannot listen on {}: {error}", args.listen))
        })?;
    tracing::info!(address = %args.listen, backend = ?store.backend(), "serving");
    let (stop_jobs, jobs_stopped) = tokio::sync::watch::channel(false);
    let mailer = match &args.settings.smtp_url {
        Some(url) => Some(
            crate::jobs::mail::Mailer::new(url, &args.settings.mail_from)
                .map_err(Failure::setup)?,
        ),
        None => None,
    };
    let runner = tokio::spawn(crate::jobs::run(
        store.clone(),
        policy.clone(),
        mailer,
        jobs_stopped,
    ));
    let open_files = crate::http::server::raise_open_files_limit();
    let limits = crate::http::server::Limits::from_settings(&args.settings);
    tracing::info!(
        open_files,
        max_connections = limits.max_connections,
        "connection limit"
    );
    let app = router(AppState::new(store.clone(), args.settings, policy));
    crate::http::server::serve(listener, app, limits, shutdown_signal())
        .await
        .map_err(Failure::run)?;
    let _ = stop_jobs.send(true);
    let _ = runner.await;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn demo(args: &DemoArgs) -> Result<(), Failure> {
    let policy = load_policy(None)?;
    let store = open(&args.database).await?;
    let now = OffsetDateTime::now_utc();
    crate::demo::load(&store, &policy, now)
        .await
        .map_err(Failure::run)?;
    let Some(requests) = args.scale else {
        return Ok(());
    };
    let started = std::time::Instant::now();
    let bar = indicatif::ProgressBar::new(requests);
    bar.set_style(
        indicatif::ProgressStyle::with_template("loading [{bar:40}] {pos}/{len} requests")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: u64| bar.set_position(done);
    let loaded = crate::demo::scale::load(&store, requests, now, &progress)
        .await
        .map_err(Failure::run)?;
    bar.finish_and_clear();
    println!(
        "loaded {} support requests on {} contracts for {} in {:.1} s",
        loaded.requests,
        loaded.contracts,
        loaded.email,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn import_memberships(
    file: &std::path::Path,
    database: &DatabaseArgs,
) -> Result<(), Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| Failure::run(format!("cannot read {}: {error}", file.display())))?;
    let store = open(database).await?;
    let operator = store
        .accounts(
            None,
            crate::store::Page::first(crate::store::Page::MAX_LIMIT),
        )
        .await
        .map_err(Failure::run)?
        .items
        .into_iter()
        .find(|a| a.roles.contains(&crate::domain::Role::Operator))
        .ok_or_else(|| {
            Failure::run(
                "no operator account exists: create one with `sportello admin create-operator`",
            )
        })?;
    let actor = actions::sessions::actor(&store, operator.id)
        .await
        .map_err(Failure::run)?
        .ok_or_else(|| Failure::run("the operator account vanished"))?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] line {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message("checking");
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let outcome =
        actions::memberships::import(&store, &actor, &text, OffsetDateTime::now_utc(), &progress)
            .await;
    bar.finish_and_clear();
    match outcome {
        Ok(count) => {
            println!("imported {count} memberships from {}", file.display());
            Ok(())
        }
        Err(error) => {
            let problem = crate::http::error::problem(crate::domain::Language::En, &error);
            let mut report = problem.detail.clone();
            for row in &problem.problems {
                report.push_str(&format!(
                    "\n  line {}, column {}: {}",
                    row.line, row.column, row.message
                ));
            }
            Err(Failure::run(report))
        }
    }
}

async fn backup(to: &std::path::Path, database: &DatabaseArgs) -> Result<(), Failure> {
    let store = open(database).await?;
    store.backup_sqlite(to).await.map_err(Failure::run)?;
    println!("backup written to {}", to.display());
    Ok(())
}

async fn verify_audit(database: &DatabaseArgs) -> Result<(), Failure> {
    let store = open(database).await?;
    match store.verify_audit().await.map_err(Failure::run)? {
        (count, None) => {
            println!("audit log verified: {count} entries, the hash chain is intact");
            Ok(())
        }
        (_, Some(broken)) => Err(Failure::run(format!(
            "audit log broken at entry {}: {}",
            broken.id, broken.reason
        ))),
    }
}

async fn verify_ledger(database: &DatabaseArgs) -> Result<(), Failure> {
    let store = open(database).await?;
    let mismatches = store.ledger_mismatches().await.map_err(Failure::run)?;
    let show = |(allotted, used): (Option<i64>, i64)| {
        format!(
            "allotted {}, used {used}",
            allotted.map_or_else(|| "unlimited".to_owned(), |a| a.to_string())
        )
    };
    for mismatch in &mismatches {
        println!(
            "contract {}: counters say {}, the ledger sums to {}",
            mismatch.contract_code,
            show(mismatch.stored),
            show(mismatch.from_ledger)
        );
    }
    if mismatches.is_empty() {
        println!("ledger verified: every contract's counters equal the sum of its ledger");
        Ok(())
    } else {
        Err(Failure::run(format!(
            "{} contracts disagree with their ledger",
            mismatches.len()
        )))
    }
}

async fn create_operator(email: &str, database: &DatabaseArgs) -> Result<(), Failure> {
    let password = match std::env::var("SPORTELLO_ADMIN_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .map_err(|error| {
                    Failure::run(format!("cannot read the password from stdin: {error}"))
                })?;
            input.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let store = open(database).await?;
    let account =
        actions::accounts::create_operator(&store, email, &password, OffsetDateTime::now_utc())
            .await
            .map_err(|error| {
                Failure::run(
                    crate::http::error::problem(crate::domain::Language::En, &error)
                        .detail_with_fields(),
                )
            })?;
    println!(
        "operator {} created (account {})",
        account.email, account.id
    );
    Ok(())
}
