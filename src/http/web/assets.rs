//! Static files, compiled into the binary.

use crate::error::Error;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/app.js"),
    ),
    (
        "api-docs.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../static/api-docs.css"),
    ),
    (
        "api-docs.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/api-docs.js"),
    ),
    (
        "api-docs/swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/api-docs/swagger-ui-bundle.js"),
    ),
    (
        "api-docs/swagger-ui-bundle.js.LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../../../static/api-docs/swagger-ui-bundle.js.LICENSE.txt"),
    ),
    (
        "api-docs/swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../static/api-docs/swagger-ui.css"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../../../static/favicon.svg"),
    ),
];

/// `GET /static/{file}`
pub async fn serve(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => {
            let mut response = (*bytes).into_response();
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            response.headers_mut().insert(
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            response
        }
        None => (Error::NotFound.status(), "not found").into_response(),
    }
}
