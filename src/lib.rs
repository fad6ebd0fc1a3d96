//! Sportello: a partner program's technical support benefits, end to end.

/// Actions: one function per use case, shared by the API, the pages and the CLI.
#[cfg(feature = "server")]
pub mod actions;
/// The `sportello` command line.
#[cfg(feature = "server")]
pub mod cli;
/// Settings from flags and `SPORTELLO_*` environment variables.
#[cfg(feature = "server")]
pub mod config;
/// Demo data for a newcomer to click through.
#[cfg(feature = "server")]
pub mod demo;
/// Pure rules: identifiers, accounts, organizations, roles.
pub mod domain;
/// The crate-wide error and its stable codes.
#[cfg(feature = "server")]
pub mod error;
/// The HTTP server: JSON API, web pages, operational endpoints.
#[cfg(feature = "server")]
pub mod http;
/// English and Italian messages.
#[cfg(feature = "server")]
pub mod i18n;
/// The durable job runner.
#[cfg(feature = "server")]
pub mod jobs;
/// Passwords and tokens.
#[cfg(feature = "server")]
pub mod secrets;
/// SQL on SQLite and PostgreSQL.
#[cfg(feature = "server")]
pub mod store;
