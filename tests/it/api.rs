//! The JSON API and the pages, driven in process.

use crate::on_both_backends;
use crate::support::{Backend, Caller, PASSWORD, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use sportello::config::Settings;
use sportello::domain::Role;

pub(crate) fn sign_in_request(
    email: &str,
    password: &str,
    extra: &[(&str, &str)],
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json");
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Body::from(
            json!({"email": email, "password": password}).to_string(),
        ))
        .expect("request")
}

async fn sign_in_answers_with_a_session_cookie_and_csrf_token(backend: Backend) {
    let app = TestApp::on(backend).await;
    app.caller("ada@example.com", None, &[]).await;
    let reply = app
        .raw(sign_in_request("ADA@example.com", PASSWORD, &[]))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("cookie");
    assert!(cookie.starts_with("sportello_session="));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP without a https public URL"
    );
    let body = reply.json();
    assert!(body["csrf_token"].as_str().is_some_and(|t| t.len() >= 40));
    assert_eq!(body["account"]["email"], "ada@example.com");
    assert!(body["account"].get("password_hash").is_none());
}

async fn cookies_are_secure_behind_tls(backend: Backend) {
    let settings = Settings {
        public_url: Some("https://support.example.com".into()),
        ..Settings::default()
    };
    let app = TestApp::with(backend, settings).await;
    app.caller("ada@example.com", None, &[]).await;
    let reply = app
        .raw(sign_in_request("ada@example.com", PASSWORD, &[]))
        .await;
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("cookie");
    assert!(cookie.contains("Secure"));
}

async fn wrong_password_is_a_localized_problem(backend: Backend) {
    let app = TestApp::on(backend).await;
    app.caller("ada@example.com", None, &[]).await;
    let reply = app
        .raw(sign_in_request("ada@example.com", "not the password", &[]))
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let problem = reply.json();
    assert_eq!(problem["code"], "invalid_credentials");
    assert_eq!(problem["type"], "urn:sportello:problem:invalid_credentials");
    assert_eq!(problem["title"], "Wrong email or password");
    let italian = app
        .raw(sign_in_request(
            "ada@example.com",
            "not the password",
            &[("accept-language", "it-IT,it;q=0.9")],
        ))
        .await;
    assert_eq!(italian.json()["title"], "Email o password errate");
    let unknown = app
        .raw(sign_in_request("nobody@example.com", PASSWORD, &[]))
        .await;
    assert_eq!(
        unknown.code(),
        "invalid_credentials",
        "an unknown email answers the same"
    );
}

async fn malformed_bodies_are_problems_not_panics(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    for body in [
        "{not json",
        "[]",
        r#"{"name": 5}"#,
        r#"{"name": "X", "csp": true, "extra": 1}"#,
    ] {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/organizations")
            .header(header::CONTENT_TYPE, "application/json")
            .header(
                header::COOKIE,
                format!(
                    "sportello_session={}",
                    operator.session.as_deref().unwrap_or_default()
                ),
            )
            .header("x-csrf-token", &operator.csrf)
            .body(Body::from(body))
            .expect("request");
        let reply = app.raw(request).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            reply.text
        );
        assert_eq!(reply.code(), "malformed_body");
    }
    let organizations = app
        .store()
        .organizations(sportello::store::Page::new(None, None))
        .await
        .expect("list");
    assert!(organizations.items.is_empty(), "nothing was created");
    let reply = app.get(&operator, "/api/v1/organizations?limit=lots").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "malformed_query");
}

async fn tokens_are_shown_once_stored_hashed_and_revocable(backend: Backend) {
    let app = TestApp::on(backend).await;
    let ada = app.caller("ada@example.com", None, &[]).await;
    let mut no_csrf = ada.clone();
    no_csrf.csrf = "wrong-token-wrong-token-wrong-token-wrong".into();
    let refused = app
        .post(&no_csrf, "/api/v1/tokens", json!({"name": "sync"}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "csrf_failed");

    let created = app
        .post(&ada, "/api/v1/tokens", json!({"name": "sync"}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let token = created.json()["token"].as_str().expect("token").to_owned();
    assert!(token.starts_with("spt_") && token.len() >= 47);
    let id = created.json()["id"].as_i64().expect("id");

    let bearer = Caller {
        session: None,
        bearer: Some(token.clone()),
        csrf: String::new(),
        ..ada.clone()
    };
    let me = app.get(&bearer, "/api/v1/me").await;
    assert_eq!(me.json()["email"], "ada@example.com");
    let listed = app.get(&bearer, "/api/v1/tokens").await;
    assert!(!listed.text.contains(&token), "the secret is never listed");
    assert_eq!(listed.json()[0]["name"], "sync");

    let digests: Vec<String> = match &app.store().pool {
        sportello::store::Pool::Sqlite(pool) => {
            sqlx::query_scalar("SELECT token_digest FROM api_tokens")
                .fetch_all(pool)
                .await
        }
        sportello::store::Pool::Postgres(pool) => {
            sqlx::query_scalar("SELECT token_digest FROM api_tokens")
                .fetch_all(pool)
                .await
        }
    }
    .expect("digests");
    assert_eq!(digests, vec![sportello::secrets::digest(&token)]);

    let revoked = app
        .send(
            &bearer,
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let after = app.get(&bearer, "/api/v1/me").await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.code(), "unauthenticated");
}

async fn operators_create_organizations_with_clear_errors(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let created = app
        .post(
            &operator,
            "/api/v1/organizations",
            json!({"name": "Contoso", "partner_network": {"partner_id": "4412345"}, "csp": false}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let org = created.json();
    assert_eq!(org["partner_id"], "4412345");
    let id = org["id"].as_i64().expect("id");
    assert_eq!(
        app.get(&operator, &format!("/api/v1/organizations/{id}"))
            .await
            .json()["name"],
        "Contoso"
    );

    let invalid = app
        .post(
            &operator,
            "/api/v1/organizations",
            json!({"name": "  ", "partner_network": {"partner_id": "12"}}),
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<(String, String)> = invalid.json()["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        fields.contains(&("name".into(), "required".into())),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("partner_id".into(), "invalid_partner_id".into())),
        "{fields:?}"
    );
    let no_program = app
        .post(
            &operator,
            "/api/v1/organizations",
            json!({"name": "Nowhere"}),
        )
        .await;
    assert_eq!(
        no_program.json()["errors"][0]["code"],
        "enrollment_required"
    );
    let taken = app
        .post(
            &operator,
            "/api/v1/organizations",
            json!({"name": "Again", "partner_network": {"partner_id": "4412345"}}),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(taken.code(), "partner_id_taken");
    let listed = app.get(&operator, "/api/v1/organizations").await.json();
    assert_eq!(
        listed["items"].as_array().expect("items").len(),
        1,
        "refused inputs created nothing"
    );

    let member = app
        .caller(
            "m@example.com",
            Some(sportello::domain::OrganizationId(id)),
            &[Role::Member],
        )
        .await;
    let forbidden = app
        .post(
            &member,
            "/api/v1/organizations",
            json!({"name": "Mine", "csp": true}),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(forbidden.code(), "forbidden_role");
    assert_eq!(forbidden.json()["needed_roles"], json!(["operator"]));
    assert!(
        forbidden.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("Operator")
    );
}

async fn accounts_are_created_inside_the_right_organization(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let contoso = app.organization("Contoso", Some("1111111"), false).await;
    let fabrikam = app.organization("Fabrikam", Some("2222222"), false).await;
    let body = |email: &str, org: Option<i64>, roles: serde_json::Value| {
        json!({"email": email, "display_name": "New person", "kind": "work", "password": "long enough password",
               "organization_id": org, "roles": roles})
    };
    let created = app
        .post(
            &operator,
            "/api/v1/accounts",
            body("New@Contoso.com", Some(contoso.0), json!(["partner_admin"])),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.json()["email"], "new@contoso.com");
    assert_eq!(created.json()["roles"], json!(["partner_admin"]));

    let duplicate = app
        .post(
            &operator,
            "/api/v1/accounts",
            body("NEW@contoso.com", None, json!([])),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert_eq!(duplicate.code(), "email_taken");

    let bad = app
        .post(&operator, "/api/v1/accounts", json!({"email": "not-an-email", "display_name": "", "kind": "work", "password": "short", "roles": ["member"]}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let codes: Vec<String> = bad.json()["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["code"].as_str().map(str::to_owned))
        .collect();
    for expected in [
        "invalid_email",
        "required",
        "password_too_short",
        "role_requires_organization",
    ] {
        assert!(
            codes.iter().any(|code| code == expected),
            "{expected} missing from {codes:?}"
        );
    }
    let bad_kind = app.post(&operator, "/api/v1/accounts", json!({"email": "k@example.com", "display_name": "K", "kind": "robot", "password": "long enough password"})).await;
    assert_eq!(bad_kind.code(), "malformed_body");

    let admin = app
        .caller("admin@contoso.com", Some(contoso), &[Role::GlobalAdmin])
        .await;
    let own = app
        .post(
            &admin,
            "/api/v1/accounts",
            body("eng@contoso.com", Some(contoso.0), json!(["member"])),
        )
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.text);
    let other = app
        .post(
            &admin,
            "/api/v1/accounts",
            body("eng@fabrikam.com", Some(fabrikam.0), json!(["member"])),
        )
        .await;
    assert_eq!(
        other.status,
        StatusCode::NOT_FOUND,
        "another organization does not exist for them"
    );
    let operator_role = app
        .post(
            &admin,
            "/api/v1/accounts",
            body("op2@contoso.com", Some(contoso.0), json!(["operator"])),
        )
        .await;
    assert_eq!(
        operator_role.json()["errors"][0]["code"],
        "operator_role_reserved"
    );

    let member = app
        .caller("member@contoso.com", Some(contoso), &[Role::Member])
        .await;
    let refused = app
        .post(
            &member,
            "/api/v1/accounts",
            body("x@contoso.com", Some(contoso.0), json!([])),
        )
        .await;
    assert_eq!(refused.code(), "forbidden_role");
    assert_eq!(
        refused.json()["needed_roles"],
        json!(["operator", "global_admin", "partner_admin"])
    );

    let listed = app.get(&admin, "/api/v1/accounts").await.json();
    assert!(
        listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|a| a["organization_id"] == contoso.0)
    );
    let eng_id = own.json()["id"].as_i64().expect("id");
    let promoted = app
        .send(
            &admin,
            Method::PUT,
            &format!("/api/v1/accounts/{eng_id}/roles"),
            Some(json!({"roles": ["partner_admin", "member"]})),
        )
        .await;
    assert_eq!(promoted.json()["roles"], json!(["partner_admin", "member"]));
    let fabrikam_admin = app
        .caller("admin@fabrikam.com", Some(fabrikam), &[Role::GlobalAdmin])
        .await;
    let hidden = app
        .get(&fabrikam_admin, &format!("/api/v1/accounts/{eng_id}"))
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let hidden_org = app
        .get(
            &fabrikam_admin,
            &format!("/api/v1/organizations/{}", contoso.0),
        )
        .await;
    assert_eq!(hidden_org.status, StatusCode::NOT_FOUND);
}

async fn signing_in_again_replaces_the_session_and_signing_out_ends_it(backend: Backend) {
    let app = TestApp::on(backend).await;
    let ada = app.caller("ada@example.com", None, &[]).await;
    let old_cookie = format!(
        "sportello_session={}",
        ada.session.as_deref().unwrap_or_default()
    );
    let mut request = sign_in_request("ada@example.com", PASSWORD, &[]);
    request
        .headers_mut()
        .insert(header::COOKIE, old_cookie.parse().expect("header"));
    let reply = app.raw(request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        app.get(&ada, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED,
        "the old session ended"
    );

    let fresh = app.caller("bob@example.com", None, &[]).await;
    let out = app
        .send(&fresh, Method::DELETE, "/api/v1/session", None)
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&fresh, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// The web pages show times in the account's time zone, else the browser's (the cookie
/// static/app.js writes), else UTC; the API answers in UTC whatever the setting.
async fn pages_show_times_in_the_viewers_time_zone(backend: Backend) {
    let app = TestApp::on(backend).await;
    let ada = app.caller("ada@example.com", None, &[]).await;
    let page = |cookie: Option<&str>| {
        let mut cookies = format!(
            "sportello_session={}",
            ada.session.as_deref().unwrap_or_default()
        );
        if let Some(cookie) = cookie {
            cookies.push_str("; ");
            cookies.push_str(cookie);
        }
        Request::builder()
            .uri("/account")
            .header(header::COOKIE, cookies)
            .body(Body::empty())
            .expect("request")
    };
    let shown = |text: &str| {
        let start = text.find("(now: ").expect("the time zone hint") + 6;
        text[start..start + 30].to_owned()
    };
    let utc = app.raw(page(None)).await;
    assert!(shown(&utc.text).contains(" UTC)"), "{}", shown(&utc.text));
    assert!(utc.text.contains("Pages show times in UTC"));
    let browser = app.raw(page(Some("sportello_tz=Asia/Tokyo"))).await;
    assert!(
        browser.text.contains("Pages show times in Asia/Tokyo"),
        "{}",
        browser.text
    );
    assert!(
        shown(&browser.text).contains(" JST)"),
        "{}",
        shown(&browser.text)
    );
    // A name the database does not know is ignored, never an error.
    let junk = app.raw(page(Some("sportello_tz=Mars/Olympus"))).await;
    assert_eq!(junk.status, StatusCode::OK);
    assert!(junk.text.contains("Pages show times in UTC"));

    for (refused, code) in [
        (json!({"time_zone": "Mars/Olympus"}), "unknown_time_zone"),
        (json!({"time_zone": "x".repeat(65)}), "too_long"),
    ] {
        let reply = app
            .send(&ada, Method::PUT, "/api/v1/me/time-zone", Some(refused))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.text
        );
        assert!(reply.text.contains(code), "{}", reply.text);
    }
    assert_eq!(
        app.get(&ada, "/api/v1/me").await.json()["time_zone"],
        json!(null)
    );
    let set = app
        .send(
            &ada,
            Method::PUT,
            "/api/v1/me/time-zone",
            Some(json!({"time_zone": "america/new_york"})),
        )
        .await;
    assert_eq!(set.status, StatusCode::NO_CONTENT, "{}", set.text);
    let me = app.get(&ada, "/api/v1/me").await.json();
    assert_eq!(
        me["time_zone"],
        json!("America/New_York"),
        "stored by its canonical name"
    );
    assert!(
        me["created_at"].as_str().unwrap_or_default().ends_with('Z'),
        "{me}"
    );
    // The account's choice wins over the browser's.
    let chosen = app.raw(page(Some("sportello_tz=Asia/Tokyo"))).await;
    assert!(
        chosen.text.contains("Pages show times in America/New_York"),
        "{}",
        chosen.text
    );
    let label = shown(&chosen.text);
    assert!(
        label.contains(" EST)") || label.contains(" EDT)"),
        "{label}"
    );
    let reset = app
        .send(
            &ada,
            Method::PUT,
            "/api/v1/me/time-zone",
            Some(json!({"time_zone": null})),
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&ada, "/api/v1/me").await.json()["time_zone"],
        json!(null)
    );
}

async fn the_account_language_wins_over_the_browser(backend: Backend) {
    let app = TestApp::on(backend).await;
    let ada = app.caller("ada@example.com", None, &[]).await;
    let set = app
        .send(
            &ada,
            Method::PUT,
            "/api/v1/me/language",
            Some(json!({"language": "it"})),
        )
        .await;
    assert_eq!(set.status, StatusCode::NO_CONTENT);
    let mut request = Request::builder()
        .uri("/account")
        .header(
            header::COOKIE,
            format!(
                "sportello_session={}",
                ada.session.as_deref().unwrap_or_default()
            ),
        )
        .header(header::ACCEPT_LANGUAGE, "en-US")
        .body(Body::empty())
        .expect("request");
    let page = app.raw(request).await;
    assert!(
        page.text.contains(r#"<html lang="it">"#),
        "{}",
        &page.text[..200.min(page.text.len())]
    );
    assert!(page.text.contains("Il mio account"));
    request = Request::builder()
        .uri("/sign-in")
        .header(header::ACCEPT_LANGUAGE, "it")
        .body(Body::empty())
        .expect("request");
    assert!(app.raw(request).await.text.contains("Accedi"));
}

async fn json_bodies_need_a_json_media_type(backend: Backend) {
    let app = TestApp::on(backend).await;
    app.caller("ada@example.com", None, &[]).await;
    let operator = app.operator().await;
    let anonymous = Caller::anonymous();
    let sign_in = json!({"email": "ada@example.com", "password": PASSWORD}).to_string();
    let organization = json!({"name": "Media Type Srl", "csp": true}).to_string();
    // A cross-site form can send `text/plain` with any parameters; `+json` must be the
    // subtype's suffix, not anywhere in the header.
    for content_type in [
        "text/plain; charset=+json",
        "application/jsonx",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json+x",
        "json",
        "",
    ] {
        for (caller, path, body) in [
            (&anonymous, "/api/v1/session", &sign_in),
            (&operator, "/api/v1/organizations", &organization),
        ] {
            let reply = app
                .send_raw(caller, Method::POST, path, content_type, body)
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{path} with {content_type:?}: {}",
                reply.text
            );
            assert_eq!(reply.code(), "unsupported_media_type", "{path}");
            assert_eq!(
                reply
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok()),
                Some("application/problem+json")
            );
            assert!(
                reply.headers.get(header::SET_COOKIE).is_none(),
                "{path} with {content_type:?} signed no one in"
            );
        }
    }
    let organizations = app
        .store()
        .organizations(sportello::store::Page::new(None, None))
        .await
        .expect("list");
    assert!(organizations.items.is_empty(), "nothing was created");

    // JSON, however its media type is spelled, is still taken.
    for content_type in [
        "application/json",
        "Application/JSON; charset=UTF-8",
        "application/vnd.sportello+json",
    ] {
        let reply = app
            .send_raw(
                &anonymous,
                Method::POST,
                "/api/v1/session",
                content_type,
                &sign_in,
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{content_type}: {}",
            reply.text
        );
    }
    let italian = app
        .raw(
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/session")
                .header(header::CONTENT_TYPE, "text/plain")
                .header(header::ACCEPT_LANGUAGE, "it")
                .body(Body::from(sign_in.clone()))
                .expect("request"),
        )
        .await;
    assert_eq!(italian.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        italian.json()["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("application/json") && detail.contains("corpo")),
        "{}",
        italian.text
    );
}

/// What the API document states as bounds is what the server takes: one character more is
/// refused with a field code (or `malformed_query` for a page out of range), never accepted.
async fn the_documented_bounds_are_the_server_bounds(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let too_long = |n: usize| "x".repeat(n + 1);
    let field_codes = |reply: &crate::support::Reply| -> Vec<(String, String)> {
        reply.json()["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["field"].as_str().unwrap_or_default().to_owned(),
                    e["code"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };

    // Signing in: a password no account can have is refused before it counts as an attempt.
    let reply = app
        .raw(sign_in_request(
            "operator@sportello.test",
            &too_long(1024),
            &[],
        ))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert_eq!(
        field_codes(&reply),
        [("password".into(), "too_long".into())]
    );
    let padded = format!("{}operator@sportello.test", " ".repeat(240));
    let reply = app.raw(sign_in_request(&padded, PASSWORD, &[])).await;
    assert_eq!(field_codes(&reply), [("email".into(), "too_long".into())]);

    // Roles: each at most once.
    let org = app.organization("Bounded", Some("4444444"), true).await;
    let reply = app
        .post(
            &operator,
            "/api/v1/accounts",
            json!({"email": "roles@example.com", "display_name": "Roles", "kind": "work",
                   "password": "long enough password", "organization_id": org.0,
                   "roles": ["member", "member", "member", "member", "member", "member"]}),
        )
        .await;
    assert_eq!(
        field_codes(&reply),
        [("roles".into(), "too_many_roles".into())]
    );

    // Codes looked up by value, days, domains and IDs.
    let reply = app
        .post(
            &operator,
            &format!("/api/v1/organizations/{}/memberships", org.0),
            json!({"offer": "gold", "competency": too_long(100), "start": " 2026-01-01", "end": "2026-12-31"}),
        )
        .await;
    assert_eq!(
        field_codes(&reply),
        [
            ("competency".into(), "too_long".into()),
            ("start".into(), "invalid_date".into())
        ]
    );
    let admin = app
        .caller("bounds-admin@example.com", Some(org), &[Role::GlobalAdmin])
        .await;
    let reply = app
        .post(
            &admin,
            &format!("/api/v1/organizations/{}/customers", org.0),
            json!({"name": "Fabrikam", "domain": format!("{}fabrikam.com", " ".repeat(250))}),
        )
        .await;
    assert_eq!(field_codes(&reply), [("domain".into(), "too_long".into())]);
    let reply = app
        .post(
            &admin,
            "/api/v1/me/contracts",
            json!({"contract_id": format!("{}1234-5678-9", " ".repeat(30)), "access_id": "ABCDE"}),
        )
        .await;
    assert_eq!(reply.code(), "malformed_id", "{}", reply.text);
    assert_eq!(
        field_codes(&reply),
        [("contract_id".into(), "wrong_length".into())]
    );
    let reply = app
        .post(
            &admin,
            "/api/v1/support-requests",
            json!({"title": "Bounded", "description": "Bounded", "product": too_long(100),
                   "severity": too_long(100), "plan": too_long(100)}),
        )
        .await;
    let mut codes = field_codes(&reply);
    codes.sort();
    assert_eq!(
        codes,
        [
            ("plan".into(), "too_long".into()),
            ("product".into(), "too_long".into()),
            ("severity".into(), "too_long".into())
        ]
    );
    let versions: Vec<_> = (0..101)
        .map(|n| json!({"name": format!("v{n}"), "released": "2020-01-01", "mainstream_end": "2021-01-01", "extended_end": "2022-01-01"}))
        .collect();
    let reply = app
        .post(
            &operator,
            "/api/v1/products",
            json!({"code": "many", "name": "Many", "scope": "on_premises", "workload": "many", "versions": versions}),
        )
        .await;
    assert_eq!(
        field_codes(&reply),
        [("versions".into(), "too_many_versions".into())]
    );

    // Pages and ids in query strings.
    let too_long = format!("after={}", "A".repeat(401));
    for query in [
        "limit=0",
        "limit=201",
        "after=not%20a%20cursor",
        "after=e30",
        too_long.as_str(),
        "organization_id=0",
    ] {
        let reply = app
            .get(&operator, &format!("/api/v1/accounts?{query}"))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            reply.text
        );
        assert_eq!(reply.code(), "malformed_query", "{query}");
    }
    let reply = app
        .get(&operator, "/api/v1/accounts?limit=200&after=")
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

on_both_backends!(
    sign_in_answers_with_a_session_cookie_and_csrf_token,
    cookies_are_secure_behind_tls,
    wrong_password_is_a_localized_problem,
    malformed_bodies_are_problems_not_panics,
    tokens_are_shown_once_stored_hashed_and_revocable,
    operators_create_organizations_with_clear_errors,
    accounts_are_created_inside_the_right_organization,
    signing_in_again_replaces_the_session_and_signing_out_ends_it,
    the_account_language_wins_over_the_browser,
    pages_show_times_in_the_viewers_time_zone,
    json_bodies_need_a_json_media_type,
    the_documented_bounds_are_the_server_bounds,
);
