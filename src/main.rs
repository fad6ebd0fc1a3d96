use clap::Parser;
use sportello::cli::{Cli, init_tracing, run};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let _logs = init_tracing(cli.log_format);
    run(cli).await
}
