//! Settings: every one a command-line flag with an `SPORTELLO_*` environment variable,
//! with defaults that work out of the box on SQLite.

use std::net::SocketAddr;
use std::time::Duration;

/// Where the data lives.
#[derive(clap::Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://FILE` (created if missing) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "SPORTELLO_DATABASE_URL",
        default_value = "sqlite://sportello.db"
    )]
    pub database_url: String,
    /// SQLite only: `full` (the default) makes every committed batch survive a power loss;
    /// `normal` may lose the last batches on a power loss (never on a crash of the process)
    /// and saves an fsync per batch.
    #[arg(long, env = "SPORTELLO_SQLITE_SYNCHRONOUS", default_value = "full")]
    pub sqlite_synchronous: SqliteDurability,
}

/// SQLite's `synchronous` setting, as offered.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SqliteDurability {
    #[default]
    Full,
    Normal,
}

/// How the server behaves; shared by `serve` and the tests.
#[derive(clap::Args, Debug, Clone)]
pub struct Settings {
    /// The public base URL; when it starts with https:// cookies are marked Secure.
    #[arg(long, env = "SPORTELLO_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// How long a web session lasts without use (sliding).
    #[arg(long, env = "SPORTELLO_SESSION_TTL", default_value = "12h", value_parser = humantime::parse_duration)]
    pub session_ttl: Duration,
    /// Failed sign-ins allowed per account from one client address within the throttle
    /// window; past this many failures in all, the account's password checks are also slowed
    /// (a delay from 250 ms doubling up to `--sign-in-max-delay`).
    #[arg(
        long,
        env = "SPORTELLO_SIGN_IN_FAILURES_PER_ACCOUNT",
        default_value_t = 5
    )]
    pub sign_in_failures_per_account: i64,
    /// Failed sign-ins allowed per account from all addresses within the window; past it, only
    /// addresses that have not failed on the account may still try.
    #[arg(
        long,
        env = "SPORTELLO_SIGN_IN_FAILURES_PER_ACCOUNT_TOTAL",
        default_value_t = 30
    )]
    pub sign_in_failures_per_account_total: i64,
    /// The longest an account's password check is slowed after many failures (the delay
    /// starts at 250 ms and doubles with each failure past `--sign-in-failures-per-account`).
    #[arg(long, env = "SPORTELLO_SIGN_IN_MAX_DELAY", default_value = "8s", value_parser = humantime::parse_duration)]
    pub sign_in_max_delay: Duration,
    /// Failed sign-ins allowed per client address within the throttle window.
    #[arg(
        long,
        env = "SPORTELLO_SIGN_IN_FAILURES_PER_ADDRESS",
        default_value_t = 20
    )]
    pub sign_in_failures_per_address: i64,
    /// Failed contract links (unknown or malformed IDs) allowed per account within the window.
    #[arg(
        long,
        env = "SPORTELLO_LINK_FAILURES_PER_ACCOUNT",
        default_value_t = 10
    )]
    pub link_failures_per_account: i64,
    /// Failed contract links allowed per client address within the window.
    #[arg(
        long,
        env = "SPORTELLO_LINK_FAILURES_PER_ADDRESS",
        default_value_t = 30
    )]
    pub link_failures_per_address: i64,
    /// The window over which failed attempts are counted.
    #[arg(long, env = "SPORTELLO_THROTTLE_WINDOW", default_value = "15m", value_parser = humantime::parse_duration)]
    pub throttle_window: Duration,
    /// Take the client address from the first `X-Forwarded-For` entry (only behind a trusted proxy).
    #[arg(long, env = "SPORTELLO_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// An SMTP relay for notifications, like `smtp://127.0.0.1:25` (plain SMTP; use a local
    /// relay for TLS). Without it, messages stay in the outbox for operators to read.
    #[arg(long, env = "SPORTELLO_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender address of notifications.
    #[arg(
        long,
        env = "SPORTELLO_MAIL_FROM",
        default_value = "Sportello <sportello@localhost>"
    )]
    pub mail_from: String,
    /// How long a client may take to send a request's headers before the connection is closed.
    #[arg(long, env = "SPORTELLO_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_read_timeout: Duration,
    /// How many client connections may be open at once (at least 1). Without it: the
    /// open-files limit, raised to the hard limit at start, less 128 kept for the database and
    /// files (between 16 and 65,536).
    #[arg(long, env = "SPORTELLO_MAX_CONNECTIONS", value_parser = at_least_one)]
    pub max_connections: Option<usize>,
    /// `auto`: activations complete after `--activation-delay`; `manual`: an operator approves
    /// or rejects each one.
    #[arg(long, env = "SPORTELLO_ACTIVATION_MODE", default_value = "auto")]
    pub activation_mode: ActivationMode,
    /// How long an automatic activation takes (the real program takes days).
    #[arg(long, env = "SPORTELLO_ACTIVATION_DELAY", default_value = "5s", value_parser = humantime::parse_duration)]
    pub activation_delay: Duration,
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(number) => Ok(number),
        Err(error) => Err(error.to_string()),
    }
}

/// How activations are processed.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationMode {
    Auto,
    Manual,
}

impl Settings {
    /// Whether cookies must carry the `Secure` attribute.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }
}

impl Default for Settings {
    /// The defaults of the flags above (environment variables still apply).
    fn default() -> Self {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            settings: Settings,
        }
        <Defaults as clap::Parser>::parse_from(["sportello"]).settings
    }
}

/// `sportello serve`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "SPORTELLO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the demo data (idempotent) before serving.
    #[arg(long, env = "SPORTELLO_DEMO")]
    pub demo: bool,
    /// A benefit policy TOML file replacing the shipped `policy/default.toml`.
    #[arg(long, env = "SPORTELLO_POLICY")]
    pub policy: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub settings: Settings,
}
