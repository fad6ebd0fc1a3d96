//! The `sportello` command line: serve, migrate, demo, admin, and the checks to come.

use crate::actions;
use crate::config::{DatabaseArgs, ServeArgs};
use crate::http::{AppState, router};
use crate::store::Store;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Read;
use std::net::SocketAddr;
use std::process::ExitCode;
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

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the HTTP server (creates and migrates the database on first start).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Load the demo data (idempotent) and print the demo sign-ins.
    Demo(DatabaseArgs),
    /// Administration tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
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
struct Failure {
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

pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SPORTELLO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> ExitCode {
    let outcome = match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(database) => open(&database)
            .await
            .map(|_| println!("migrations applied")),
        Command::Demo(database) => demo(&database).await,
        Command::Admin(AdminCommand::CreateOperator { email, database }) => {
            create_operator(&email, &database).await
        }
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
    let store = Store::connect(&database.database_url)
        .await
        .map_err(Failure::setup)?;
    store.migrate().await.map_err(Failure::setup)?;
    Ok(store)
}

async fn serve(args: ServeArgs) -> Result<(), Failure> {
    let store = open(&args.database).await?;
    if args.demo {
        crate::demo::load(&store, OffsetDateTime::now_utc())
            .await
            .map_err(Failure::run)?;
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|error| {
            Failure::setup(anyhow::anyhow!("cannot listen on {}: {error}", args.listen))
        })?;
    tracing::info!(address = %args.listen, backend = ?store.backend(), "serving");
    let app = router(AppState::new(store.clone(), args.settings));
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(Failure::run)?;
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

async fn demo(database: &DatabaseArgs) -> Result<(), Failure> {
    let store = open(database).await?;
    crate::demo::load(&store, OffsetDateTime::now_utc())
        .await
        .map_err(Failure::run)
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
