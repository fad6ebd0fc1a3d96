//! Pages and operational endpoints: CSRF on forms, inline errors, sign-in redirects, health,
//! metrics, security headers, and the OpenAPI document.

use crate::on_both_backends;
use crate::support::{Backend, Caller, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

async fn web_forms_need_their_csrf_token(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/operator/organizations")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(
            header::COOKIE,
            format!(
                "sportello_session={}",
                operator.session.as_deref().unwrap_or_default()
            ),
        )
        .body(Body::from("name=Evil&csp=on&csrf_token=forged"))
        .expect("request");
    let reply = app.raw(request).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.text.contains("The form has expired"));
    request = Request::builder()
        .method(Method::POST)
        .uri("/operator/organizations")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(
            header::COOKIE,
            format!(
                "sportello_session={}",
                operator.session.as_deref().unwrap_or_default()
            ),
        )
        .body(Body::from(format!(
            "name=Good&csp=on&csrf_token={}",
            operator.csrf
        )))
        .expect("request");
    let reply = app.raw(request).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
    let orgs = app
        .store()
        .organizations(sportello::store::Page::new(None, None))
        .await
        .expect("list")
        .items;
    assert_eq!(
        orgs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
        vec!["Good"]
    );
}

async fn console_pages_show_errors_inline_and_keep_input(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let reply = app
        .post(&operator, "/operator/accounts", json!({"email": "nope", "display_name": "Someone", "kind": "work", "password": "long enough password", "organization_id": ""}))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text.contains(r#"role="alert""#));
    assert!(
        reply
            .text
            .contains("Enter an email address like name@example.com.")
    );
    assert!(
        reply.text.contains(r#"value="Someone""#),
        "the form keeps what was typed"
    );
    assert!(
        !reply.text.contains("long enough password"),
        "but never the password"
    );
    let accounts = app
        .store()
        .accounts(None, sportello::store::Page::new(None, None))
        .await
        .expect("list");
    assert_eq!(accounts.items.len(), 1, "only the operator exists");

    let created = app
        .post(
            &operator,
            "/operator/organizations",
            json!({"name": "Contoso", "partner_id": "5551234"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let page = app.get(&operator, created.location()).await;
    assert!(page.text.contains("Organization “Contoso” created."));
}

#[tokio::test]
async fn anonymous_pages_redirect_to_sign_in() {
    // Never reaches the database (it passes with the store closed): one backend is enough.
    let app = TestApp::on(Backend::Sqlite).await;
    let reply = app
        .get(&Caller::anonymous(), "/operator/organizations")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/sign-in?next=/operator/organizations");
    let missing = app.get(&Caller::anonymous(), "/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text.contains("<h1>Not found</h1>"));
    let api_missing = app.get(&Caller::anonymous(), "/api/v1/nothing").await;
    assert_eq!(api_missing.code(), "not_found");
}

async fn operations_endpoints_answer(backend: Backend) {
    let app = TestApp::on(backend).await;
    let anonymous = Caller::anonymous();
    assert_eq!(app.get(&anonymous, "/healthz").await.text, "ok");
    assert_eq!(app.get(&anonymous, "/readyz").await.status, StatusCode::OK);
    app.get(&anonymous, "/api/v1/organizations/42").await;
    let metrics = app.get(&anonymous, "/metrics").await.text;
    assert!(
        metrics.contains(r#"sportello_http_requests_total{method="GET",route="/api/v1/organizations/{org_id}",status="401"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains("sportello_http_request_duration_seconds_bucket"));
    let page = app.get(&anonymous, "/sign-in").await;
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii");
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(
        app.get(&anonymous, "/static/app.css").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    // Never reaches the database (it passes with the store closed): one backend is enough.
    let app = TestApp::on(Backend::Sqlite).await;
    let document = app
        .get(&Caller::anonymous(), "/api/v1/openapi.json")
        .await
        .json();
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    for (method, path) in sportello::http::route_table() {
        if !path.starts_with("/api/v1") {
            continue;
        }
        let operation = &document["paths"][path][method.as_str().to_lowercase()];
        assert!(
            operation.is_object(),
            "{method} {path} is missing from the OpenAPI document"
        );
    }
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    assert_eq!(
        sportello::http::api::openapi::broken_links(),
        Vec::<String>::new(),
        "every link joins a documented response to an existing operation"
    );
    let links = &document["paths"]["/api/v1/organizations"]["post"]["responses"]["201"]["links"];
    assert_eq!(
        links["get /api/v1/organizations/{org_id}"]["parameters"]["org_id"],
        "$response.body#/id"
    );
}

/// `next` after sign-in only ever leads to a path of this site: a tab, a line break, a second
/// slash or a backslash (which browsers drop or read as `/`) falls back to the home page.
async fn sign_in_never_redirects_off_site(backend: Backend) {
    let app = TestApp::on(backend).await;
    app.operator().await;
    let form = app
        .get(&Caller::anonymous(), "/sign-in?next=%2F%09%2Fevil.example")
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        !form.text.contains("evil.example"),
        "not carried in the form"
    );
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "//evil.example",
        "/ /evil.example",
        "https://evil.example",
    ] {
        let reply = app
            .post(
                &Caller::anonymous(),
                "/sign-in",
                json!({"email": "operator@sportello.test", "password": crate::support::PASSWORD, "next": next}),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{next:?}: {}",
            reply.text
        );
        assert!(
            !reply.location().contains("evil") && !reply.location().starts_with("//"),
            "{next:?} led to {:?}",
            reply.location()
        );
        assert!(reply.location().starts_with('/'), "{:?}", reply.location());
    }
    let kept = app
        .post(
            &Caller::anonymous(),
            "/sign-in",
            json!({"email": "operator@sportello.test", "password": crate::support::PASSWORD, "next": "/operator/audit?x=1"}),
        )
        .await;
    assert_eq!(kept.location(), "/operator/audit?x=1");
}

/// With the database gone, requests answer 503 `database_unavailable` with `Retry-After`
/// (a page for browsers), never a 500, and `/readyz` says not ready.
async fn an_unreachable_database_answers_503(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    app.store().close().await;
    let api = app.get(&operator, "/api/v1/organizations").await;
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE, "{}", api.text);
    assert_eq!(api.code(), "database_unavailable");
    assert!(api.headers.contains_key(header::RETRY_AFTER));
    let page = app.get(&operator, "/operator/organizations").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.text.contains("The database is unavailable"),
        "{}",
        page.text
    );
    let ready = app.get(&Caller::anonymous(), "/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
}

/// A page fetched again by static/app.js (header `Sportello-Refresh`) neither shows nor clears
/// the one-time message meant for the page it refreshes; the page itself does both.
async fn live_refreshes_leave_the_flash_to_its_page(backend: Backend) {
    use base64::Engine;
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let flash = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(br#"{"key":"flash-token-revoked","args":[["name","ci deploy"]]}"#);
    let message = "ci deploy";
    let get = |refresh: bool| {
        let mut request = Request::builder()
            .method(Method::GET)
            .uri("/operator/organizations")
            .header(
                header::COOKIE,
                format!(
                    "sportello_session={}; sportello_flash={flash}",
                    operator.session.as_deref().unwrap_or_default()
                ),
            );
        if refresh {
            request = request.header("Sportello-Refresh", "1");
        }
        request.body(Body::empty()).expect("request")
    };
    let clears = |reply: &crate::support::Reply| {
        reply.headers.get_all(header::SET_COOKIE).iter().any(|v| {
            v.to_str()
                .unwrap_or_default()
                .starts_with("sportello_flash=")
        })
    };
    let refreshed = app.raw(get(true)).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.text);
    assert!(!refreshed.text.contains(message), "{}", refreshed.text);
    assert!(!clears(&refreshed), "{:?}", refreshed.headers);
    let page = app.raw(get(false)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains(message), "{}", page.text);
    assert!(clears(&page), "{:?}", page.headers);
}

on_both_backends!(
    live_refreshes_leave_the_flash_to_its_page,
    an_unreachable_database_answers_503,
    web_forms_need_their_csrf_token,
    console_pages_show_errors_inline_and_keep_input,
    operations_endpoints_answer,
    sign_in_never_redirects_off_site,
);
