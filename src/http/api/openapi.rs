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
    info(title = "Sportello API", description = "Technical support benefits, contracts and support requests."),
    paths(
        session::create, session::delete, session::me, session::set_language,
        tokens::create, tokens::list, tokens::revoke,
        organizations::create, organizations::list, organizations::show,
        accounts::create, accounts::list, accounts::show, accounts::set_roles,
        memberships::competencies, memberships::create, memberships::list, memberships::end, memberships::remove,
        memberships::import,
        benefits::list, benefits::activate,
        activations::queue, activations::approve, activations::reject,
        contracts::link, contracts::mine, contracts::unlink, contracts::show, contracts::of_organization,
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

/// The document as served: utoipa's, with [`LINKS`] added to the responses they start from.
pub fn document_json() -> serde_json::Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    for source in LINKS {
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
        for (path, method) in source.targets {
            links[format!("{method} {path}")] = serde_json::json!({
                "operationRef": format!("#{}", operation_pointer(path, method)),
                "parameters": parameters,
            });
        }
    }
    // An optional query parameter sent empty (`?status=`) counts as absent, as a form sends it.
    if let Some(paths) = document
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    {
        for operation in paths
            .values_mut()
            .filter_map(serde_json::Value::as_object_mut)
            .flat_map(|item| item.values_mut())
        {
            let parameters = operation
                .get_mut("parameters")
                .and_then(serde_json::Value::as_array_mut);
            for parameter in parameters.into_iter().flatten() {
                if parameter["in"] == "query" && parameter["required"] != true {
                    parameter["allowEmptyValue"] = serde_json::Value::Bool(true);
                }
            }
            if operation.get("requestBody").is_some() {
                document_problem(
                    operation,
                    "413",
                    "`body_too_large`: the body is over 2 MiB; the connection is closed after the answer",
                );
            }
            // Every JSON body goes through one extractor, which refuses other media types.
            if operation
                .pointer("/requestBody/content/application~1json")
                .is_some()
            {
                document_problem(
                    operation,
                    "415",
                    "`unsupported_media_type`: the body is not JSON",
                );
            }
        }
    }
    document
}

/// Adds a problem response that every operation of a kind can give to `operation`.
fn document_problem(operation: &mut serde_json::Value, status: &str, description: &str) {
    operation["responses"][status] = serde_json::json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    });
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

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn document() -> Json<serde_json::Value> {
    static DOCUMENT: std::sync::LazyLock<serde_json::Value> =
        std::sync::LazyLock::new(document_json);
    Json(DOCUMENT.clone())
}
