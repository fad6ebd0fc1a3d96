//! Integration tests: one binary (link time matters), one module per kind.

mod api;
mod api_docs;
mod audit;
mod audit_chain_pages;
mod benefits;
mod connections;
mod console_pages;
mod contracts;
mod dates;
mod filing_groups;
mod i18n;
mod ledger_pages;
mod linked_reads;
mod mail;
mod matrix;
mod migrations;
mod products;
mod request_lifecycle;
mod request_pages;
mod requests;
mod scale;
mod server;
mod store;
mod support;
mod throttle;
mod web;
