//! `GET /api/docs`: the API reference, drawn in the browser from `/api/v1/openapi.json`.
//!
//! The renderer is Swagger UI from the npm package `swagger-ui-dist` 5.35.0 (Apache-2.0),
//! its `swagger-ui-bundle.js` and `swagger-ui.css` copied unchanged into `static/api-docs/`
//! (with its LICENSE, NOTICE and the bundle's third-party notices) and compiled into the binary
//! by `assets.rs`. To upgrade: bump `swagger-ui-dist` in `e2e/package.json`, `npm install` there
//! and copy those files again. Nothing is fetched from elsewhere: the page, the renderer, its
//! stylesheet and `static/api-docs.js` (our start-up script, which turns the validator badge
//! off) are all served by Sportello, under the usual Content-Security-Policy.

use super::render;
use crate::error::Result;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template)]
#[template(path = "api_docs.html")]
pub struct ApiDocsPage;

/// `GET /api/docs`
pub async fn page() -> Result<Response> {
    render(StatusCode::OK, &ApiDocsPage)
}
