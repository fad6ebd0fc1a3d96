//! `/api/docs`: the API reference page and the vendored Swagger UI it loads, all served by
//! Sportello itself with the right content types and under the usual Content-Security-Policy.

use crate::support::{Caller, TestApp};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};

fn header(reply: &crate::support::Reply, name: axum::http::HeaderName) -> &str {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_reference_page_and_its_assets_are_served_locally() {
    let app = TestApp::new().await;
    let anonymous = Caller::anonymous();

    let page = app.get(&anonymous, "/api/docs").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(header(&page, CONTENT_TYPE), "text/html; charset=utf-8");
    let csp = header(&page, CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("script-src 'self';") && csp.contains("style-src 'self';"),
        "the page keeps the strict policy: {csp}"
    );
    // Everything the page loads is ours: no inline code, no other origin.
    for asset in [
        r#"<link rel="stylesheet" href="/static/api-docs/swagger-ui.css">"#,
        r#"<script src="/static/api-docs/swagger-ui-bundle.js" defer></script>"#,
        r#"<script src="/static/api-docs.js" defer></script>"#,
    ] {
        assert!(page.text.contains(asset), "{asset} missing:\n{}", page.text);
    }
    assert!(!page.text.contains("<script>"), "no inline script");
    assert!(!page.text.contains("<style"), "no inline style");
    assert!(!page.text.contains("style="), "no style attribute");
    assert!(!page.text.contains("://"), "no absolute address");

    for (path, content_type, marker) in [
        (
            "/static/api-docs.js",
            "text/javascript; charset=utf-8",
            "/api/v1/openapi.json",
        ),
        (
            "/static/api-docs/swagger-ui-bundle.js",
            "text/javascript; charset=utf-8",
            "SwaggerUIBundle",
        ),
        (
            "/static/api-docs/swagger-ui.css",
            "text/css; charset=utf-8",
            ".swagger-ui",
        ),
        (
            "/static/api-docs/swagger-ui-bundle.js.LICENSE.txt",
            "text/plain; charset=utf-8",
            "@license",
        ),
    ] {
        let reply = app.get(&anonymous, path).await;
        assert_eq!(reply.status, StatusCode::OK, "GET {path}");
        assert_eq!(header(&reply, CONTENT_TYPE), content_type, "GET {path}");
        assert!(reply.text.contains(marker), "GET {path} lacks {marker}");
    }

    // The start-up script turns off the validator badge (a request to validator.swagger.io).
    let init = app.get(&anonymous, "/static/api-docs.js").await;
    assert!(init.text.contains("validatorUrl: null"), "{}", init.text);

    // And the document it draws is there for anyone.
    let document = app.get(&anonymous, "/api/v1/openapi.json").await;
    assert_eq!(document.status, StatusCode::OK);
    assert!(document.json()["paths"]["/api/v1/support-requests"].is_object());
}
