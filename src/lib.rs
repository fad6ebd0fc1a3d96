//! Sportello: a partner program's technical support benefits, end to end.

/// Actions: one function per use case, shared by the API, the pages and the CLI.
pub mod actions;
/// The `sportello` command line.
pub mod cli;
/// Settings from flags and `SPORTELLO_*` environment variables.
pub mod config;
/// Demo data for a newcomer to click through.
pub mod demo;
/// Pure rules: identifiers, accounts, organizations, roles.
pub mod domain;
/// The crate-wide error and its stable codes.
pub mod error;
/// The HTTP server: JSON API, web pages, operational endpoints.
pub mod http;
/// English and Italian messages.
pub mod i18n;
/// The durable job runner.
pub mod jobs;
/// Passwords and tokens.
pub mod secrets;
/// SQL on SQLite and PostgreSQL.
pub mod store;
