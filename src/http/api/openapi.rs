//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use super::{
    accounts, activations, benefits, contracts, customers, memberships, orders, organizations,
    products, requests, session, tokens,
};
use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Sportello API", description = "Technical support benefits, contracts and support requests.\n\n\
        Sign in with `signIn` (a session cookie; cookie-authenticated writes send the CSRF token as \
        `X-CSRF-Token`) or send a personal access token from `createToken` as `Authorization: Bearer`. \
        Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code` and a \
        `title` and `detail` in the caller's language (English or Italian). Lists are paginated with \
        `limit` and `after`: each page's `next` is the `after` of the page that follows, `null` on \
        the last page."),
    tags(
        (name = "session", description = "Signing in and out, the signed-in account and its language."),
        (name = "tokens", description = "Personal access tokens for `Authorization: Bearer`."),
        (name = "organizations", description = "Partner organizations and their program enrollments (partner network, CSP)."),
        (name = "accounts", description = "Accounts and their roles: operators everywhere, organization admins inside their organization."),
        (name = "memberships", description = "Competencies and an organization's memberships (offers with dates), from which its benefits follow."),
        (name = "benefits", description = "An organization's technical benefits and their activation into support contracts."),
        (name = "activations", description = "The operators' queue of benefit activations."),
        (name = "contracts", description = "Support contracts: linking with Contract ID and Access ID, balances and ledgers, links, Access ID rotation, paid-plan orders."),
        (name = "products", description = "The product catalogue, with versions for on-premises products."),
        (name = "customers", description = "A CSP organization's customers, for whom its Admin agents file requests."),
        (name = "requests", description = "Support requests: the plans a request can use, filing (with `Idempotency-Key`), the lifecycle, comments, refunds."),
        (name = "meta", description = "This document."),
    ),
    paths(
        session::create, session::delete, session::me, session::set_language, session::set_time_zone,
        tokens::create, tokens::list, tokens::revoke,
        organizations::create, organizations::list, organizations::show,
        accounts::create, accounts::list, accounts::show, accounts::set_roles, accounts::remove_from_organization,
        memberships::competencies, memberships::create, memberships::list, memberships::end, memberships::remove,
        memberships::import,
        benefits::list, benefits::activate,
        activations::queue, activations::approve, activations::reject,
        contracts::link, contracts::mine, contracts::unlink, contracts::show, contracts::ledger, contracts::of_organization,
        contracts::revoke, contracts::rotate,
        products::create, products::list, products::add_version, customers::create, customers::list, orders::create,
        requests::plans, requests::create, requests::list, requests::show, requests::status, requests::comment,
        requests::refund,
        document,
    ),
    modifiers(&SecuritySchemes),
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("spt_…")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "sportello_session",
                "Session cookie from POST /api/v1/session; writes also send X-CSRF-Token",
            ))),
        );
    }
}

/// OpenAPI links: how what one operation returns feeds the next, so a client (or a
/// schema-driven test) can follow a created resource through the operations on it. Written
/// into the JSON document directly (utoipa 5 spells the link fields in snake case).
struct LinkSource {
    /// The operation and the response status that created something.
    path: &'static str,
    method: &'static str,
    status: &'static str,
    /// Each target's path parameters, as runtime expressions such as `$response.body#/id`.
    parameters: &'static [(&'static str, &'static str)],
    /// The operations on what was created: `(path, method)`.
    targets: &'static [(&'static str, &'static str)],
}

impl LinkSource {
    /// The JSON Pointer to the response the links start from.
    fn response_pointer(&self) -> String {
        format!(
            "{}/responses/{}",
            operation_pointer(self.path, self.method),
            self.status
        )
    }
}

const LINKS: &[LinkSource] = &[
    LinkSource {
        path: "/api/v1/organizations",
        method: "post",
        status: "201",
        parameters: &[("org_id", "$response.body#/id")],
        targets: &[
            ("/api/v1/organizations/{org_id}", "get"),
            ("/api/v1/organizations/{org_id}/memberships", "post"),
            ("/api/v1/organizations/{org_id}/memberships", "get"),
            ("/api/v1/organizations/{org_id}/benefits", "get"),
            ("/api/v1/organizations/{org_id}/orders", "post"),
            ("/api/v1/organizations/{org_id}/contracts", "get"),
            ("/api/v1/organizations/{org_id}/customers", "post"),
            ("/api/v1/organizations/{org_id}/customers", "get"),
        ],
    },
    LinkSource {
        path: "/api/v1/organizations/{org_id}/memberships",
        method: "post",
        status: "201",
        parameters: &[
            ("org_id", "$request.path.org_id"),
            ("membership_id", "$response.body#/id"),
        ],
        targets: &[
            (
                "/api/v1/organizations/{org_id}/memberships/{membership_id}/end",
                "post",
            ),
            (
                "/api/v1/organizations/{org_id}/memberships/{membership_id}",
                "delete",
            ),
        ],
    },
    LinkSource {
        path: "/api/v1/organizations/{org_id}/orders",
        method: "post",
        status: "201",
        parameters: &[("contract_id", "$response.body#/contract_id")],
        targets: &[
            ("/api/v1/contracts/{contract_id}", "get"),
            ("/api/v1/contracts/{contract_id}/access-id", "post"),
        ],
    },
    LinkSource {
        path: "/api/v1/me/contracts",
        method: "post",
        status: "201",
        parameters: &[("contract_id", "$response.body#/contract_id")],
        targets: &[
            ("/api/v1/contracts/{contract_id}", "get"),
            ("/api/v1/me/contracts/{contract_id}", "delete"),
        ],
    },
    LinkSource {
        path: "/api/v1/accounts",
        method: "post",
        status: "201",
        parameters: &[("account_id", "$response.body#/id")],
        targets: &[
            ("/api/v1/accounts/{account_id}", "get"),
            ("/api/v1/accounts/{account_id}/roles", "put"),
        ],
    },
    LinkSource {
        path: "/api/v1/tokens",
        method: "post",
        status: "201",
        parameters: &[("token_id", "$response.body#/id")],
        targets: &[("/api/v1/tokens/{token_id}", "delete")],
    },
    LinkSource {
        path: "/api/v1/products",
        method: "post",
        status: "201",
        parameters: &[("code", "$response.body#/code")],
        targets: &[("/api/v1/products/{code}/versions", "post")],
    },
    LinkSource {
        path: "/api/v1/support-requests",
        method: "post",
        status: "201",
        parameters: &[("number", "$response.body#/number")],
        targets: &[
            ("/api/v1/support-requests/{number}", "get"),
            ("/api/v1/support-requests/{number}/status", "post"),
            ("/api/v1/support-requests/{number}/comments", "post"),
            ("/api/v1/support-requests/{number}/refund", "post"),
        ],
    },
    LinkSource {
        path: "/api/v1/organizations/{org_id}/benefits/{benefit_code}/activation",
        method: "post",
        status: "202",
        parameters: &[("activation_id", "$response.body#/id")],
        targets: &[
            ("/api/v1/activations/{activation_id}/approve", "post"),
            ("/api/v1/activations/{activation_id}/reject", "post"),
        ],
    },
];

/// The JSON Pointer to an operation of the document, from `/paths` on.
fn operation_pointer(path: &str, method: &str) -> String {
    format!(
        "/paths/{}/{method}",
        path.replace('~', "~0").replace('/', "~1")
    )
}

/// The document as served: utoipa's, with [`LINKS`] added to the responses they start from and
/// the answers every operation of a kind can give ([`document_common_answers`]).
pub fn document_json() -> serde_json::Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    // This instance, wherever it runs: clients pass their own base URL.
    document["servers"] = serde_json::json!([{
        "url": "/",
        "description": "The Sportello instance serving this document (production, staging or local alike)",
        "x-internal": false,
    }]);
    for source in LINKS {
        let targets: Vec<(String, String)> = source
            .targets
            .iter()
            .filter_map(|(path, method)| {
                let operation_id = document
                    .pointer(&format!("{}/operationId", operation_pointer(path, method)))?
                    .as_str()?;
                Some((format!("{method} {path}"), operation_id.to_owned()))
            })
            .collect();
        let Some(response) = document
            .pointer_mut(&source.response_pointer())
            .and_then(serde_json::Value::as_object_mut)
        else {
            continue;
        };
        let parameters: serde_json::Map<_, _> = source
            .parameters
            .iter()
            .map(|(name, value)| (name.to_string(), serde_json::json!(value)))
            .collect();
        let links = response
            .entry("links")
            .or_insert_with(|| serde_json::json!({}));
        for (name, operation_id) in targets {
            links[name] = serde_json::json!({
                "operationId": operation_id,
                "parameters": parameters,
            });
        }
    }
    if let Some(paths) = document
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, operation) in item.iter_mut() {
                document_common_answers(path, method, operation);
            }
        }
    }
    document
}

/// What every operation of a kind can answer, stated once rather than on each handler:
/// - 401 `unauthenticated`: every route resolves the caller first, and a bearer token that is
///   not valid is refused even where no sign-in is needed;
/// - 403 `csrf_failed`: writes authenticated by the session cookie without `X-CSRF-Token`
///   (signing in aside);
/// - 413 on every operation (the body reader runs before every route) and 415 where a JSON
///   body is taken: what the body reader and the JSON extractor refuse;
/// - 500 `internal` and 503 `database_unavailable`: every route reads the database to resolve
///   the caller;
/// - `Retry-After` on 429 (the throttled operations document their 429) and 503.
///
/// An optional query parameter sent empty (`?status=`) counts as absent, as a form sends it.
fn document_common_answers(path: &str, method: &str, operation: &mut serde_json::Value) {
    let parameters = operation
        .get_mut("parameters")
        .and_then(serde_json::Value::as_array_mut);
    for parameter in parameters.into_iter().flatten() {
        if parameter["in"] == "query" && parameter["required"] != true {
            parameter["allowEmptyValue"] = serde_json::Value::Bool(true);
        }
    }
    let secured = operation.get("security").is_some();
    add_problem(
        operation,
        "401",
        if secured {
            "`unauthenticated`: no valid session cookie or bearer token"
        } else {
            "`unauthenticated`: the request carries a bearer token that is not valid (unknown or revoked)"
        },
    );
    let signing_in = path == "/api/v1/session" && method == "post";
    if method != "get" && !signing_in {
        add_problem(
            operation,
            "403",
            "`csrf_failed`: a write authenticated by the session cookie without the session's `X-CSRF-Token`",
        );
    }
    // The body reader runs before every route: a body over the limit is refused even where
    // the operation takes none.
    add_problem(
        operation,
        "413",
        if operation.get("requestBody").is_some() {
            "`body_too_large`: the body is over 2 MiB; the connection is closed after the answer"
        } else {
            "`body_too_large`: a body (this operation takes none) over 2 MiB; the connection is closed after the answer"
        },
    );
    // Every JSON body goes through one extractor, which refuses other media types.
    if operation
        .pointer("/requestBody/content/application~1json")
        .is_some()
    {
        add_problem(
            operation,
            "415",
            "`unsupported_media_type`: the body is not JSON",
        );
    }
    add_problem(
        operation,
        "500",
        "`internal`: a fault of the server, logged with its cause; the detail is generic",
    );
    add_problem(
        operation,
        "503",
        "`database_unavailable`: the database cannot be reached now; nothing of the request was written. Retry after `Retry-After` seconds",
    );
    for status in ["429", "503"] {
        if let Some(response) = operation["responses"].get_mut(status) {
            response["headers"] = serde_json::json!({ "Retry-After": retry_after_header() });
        }
    }
}

/// The `Retry-After` header of 429 and 503 answers.
pub fn retry_after_header() -> serde_json::Value {
    serde_json::json!({
        "description": "Seconds to wait before trying again",
        "required": true,
        "schema": {"type": "integer", "format": "int64", "minimum": 1},
    })
}

/// Documents a problem answer of `operation`: added when the status is not documented yet,
/// else the code is appended to the documented answer's description if it does not name it.
fn add_problem(operation: &mut serde_json::Value, status: &str, description: &str) {
    let response = &mut operation["responses"][status];
    let code = description.split('`').nth(1).unwrap_or_default();
    match response
        .get("description")
        .and_then(serde_json::Value::as_str)
    {
        Some(documented) if documented.contains(&format!("`{code}`")) => {}
        Some(documented) => {
            response["description"] = serde_json::json!(format!("{documented}; {description}"));
        }
        None => {
            *response = serde_json::json!({
                "description": description,
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
            });
        }
    }
}

/// The links of [`LINKS`] that do not join a documented response to an existing operation.
pub fn broken_links() -> Vec<String> {
    let document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    LINKS
        .iter()
        .flat_map(|source| source.targets.iter().map(move |target| (source, target)))
        .filter(|(source, (path, method))| {
            document.pointer(&source.response_pointer()).is_none()
                || document.pointer(&operation_pointer(path, method)).is_none()
        })
        .map(|(source, (path, method))| {
            format!(
                "{} {} {} -> {method} {path}",
                source.method, source.path, source.status
            )
        })
        .collect()
}

/// This document
///
/// The OpenAPI 3.1 document of the API, generated from the code; the reference at `/api/docs`
/// draws it, and client generators read it.
#[utoipa::path(get, operation_id = "getOpenApiDocument", path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn document() -> Json<serde_json::Value> {
    static DOCUMENT: std::sync::LazyLock<serde_json::Value> =
        std::sync::LazyLock::new(document_json);
    Json(DOCUMENT.clone())
}
