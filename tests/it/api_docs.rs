//! `/api/docs`: the API reference page and the vendored Swagger UI it loads, all served by
//! Sportello itself with the right content types and under the usual Content-Security-Policy.

use crate::support::{Backend, Caller, TestApp};
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
    // Never reaches the database (it passes with the store closed): one backend is enough.
    let app = TestApp::on(Backend::Sqlite).await;
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

/// What client generators and API linters read: a unique operationId for each operation (it
/// names the generated functions), a summary and a description for each, and every tag defined
/// with a description.
#[test]
fn every_operation_is_named_once_described_and_tagged() {
    let document = sportello::http::api::openapi::document_json();
    let tags: std::collections::BTreeMap<&str, &str> = document["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|tag| {
            (
                tag["name"].as_str().expect("name"),
                tag["description"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert!(tags.values().all(|description| !description.is_empty()));
    let mut operation_ids = std::collections::BTreeSet::new();
    let mut count = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            count += 1;
            let name = format!("{method} {path}");
            let id = operation["operationId"].as_str().unwrap_or_default();
            assert!(
                id.len() > 3 && id.chars().all(|c| c.is_ascii_alphanumeric()),
                "{name}: operationId {id:?}"
            );
            assert!(
                operation_ids.insert(id.to_owned()),
                "{name}: {id} used twice"
            );
            for field in ["summary", "description"] {
                assert!(
                    operation[field]
                        .as_str()
                        .is_some_and(|text| !text.trim().is_empty()),
                    "{name} has no {field}"
                );
            }
            for tag in operation["tags"].as_array().expect("tags") {
                let tag = tag.as_str().expect("tag");
                assert!(tags.contains_key(tag), "{name}: tag {tag} is not defined");
            }
            // Every operation can fail on the server's side, and says how; the body reader
            // refuses an oversized body before any route, so every operation can answer 413.
            for status in ["401", "413", "500", "503"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{name}: no {status}"
                );
            }
            assert!(
                operation["responses"]["503"]["headers"]["Retry-After"].is_object(),
                "{name}: 503 without Retry-After"
            );
            if let Some(throttled) = operation["responses"].get("429") {
                assert!(
                    throttled["headers"]["Retry-After"].is_object(),
                    "{name}: 429"
                );
            }
        }
    }
    assert_eq!(operation_ids.len(), count);
    assert!(operation_ids.contains("createSupportRequest"));
    assert!(operation_ids.contains("listOrganizations"));
    // Links name their target by operationId, which must exist.
    let text = document.to_string();
    assert!(!text.contains("operationRef"), "links use operationId");
    for (_, item) in document["paths"].as_object().expect("paths") {
        for (_, operation) in item.as_object().expect("path item") {
            for (_, response) in operation["responses"].as_object().expect("responses") {
                for (_, link) in response["links"].as_object().into_iter().flatten() {
                    let target = link["operationId"].as_str().expect("operationId");
                    assert!(operation_ids.contains(target), "link to {target}");
                }
            }
        }
    }
}
