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
/// `(from path, from method, status, to path, to method, parameters)`; parameter values are
/// runtime expressions such as `$response.body#/id`.
type LinkRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const ORG: &[(&str, &str)] = &[("org_id", "$response.body#/id")];
const LINKS: &[LinkRow] = &[
    (
        "/api/v1/organizations",
        "post",
        "201",
        "/api/v1/organizations/{org_id}",
        "get",
        ORG,
    ),
    (
        "/api/v1/organizations",
        "post",
        "201",
        "/api/v1/organizations/{org_id}/memberships",
        "post",
        ORG,
    ),
    (
        "/api/v1/organizations",
        "post",
        "201",
        "/api/v1/organizations/{org_id}/memberships",
        "get",
        ORG,
    ),
    (
        "/api/v1/organizations",
        "post",
        "201",
        "/api/v1/organizations/{org_id}/benefits",
        "get",
        ORG,
    ),
    (
        "/api/v1/organizations",
        "post",
        "201",
        "/api/v1/organizations/{org_id}/orders",
        "post",
        ORG,
    ),
    (
        "/api/v1/organizations",
        "post",
        "201",
        "/api/v1/organizations/{org_id}/contracts",
        "get",
        ORG,
    ),
    (
        "/api/v1/organizations",
        "post",
        "201",
        "/api/v1/organizations/{org_id}/customers",
        "post",
        ORG,
    ),
    (
        "/api/v1/organizations",
        "post",
        "201",
        "/api/v1/organizations/{org_id}/customers",
        "get",
        ORG,
    ),
    (
        "/api/v1/organizations/{org_id}/memberships",
        "post",
        "201",
        "/api/v1/organizations/{org_id}/memberships/{membership_id}/end",
        "post",
        &[
            ("org_id", "$request.path.org_id"),
            ("membership_id", "$response.body#/id"),
        ],
    ),
    (
        "/api/v1/organizations/{org_id}/memberships",
        "post",
        "201",
        "/api/v1/organizations/{org_id}/memberships/{membership_id}",
        "delete",
        &[
            ("org_id", "$request.path.org_id"),
            ("membership_id", "$response.body#/id"),
        ],
    ),
    (
        "/api/v1/organizations/{org_id}/orders",
        "post",
        "201",
        "/api/v1/contracts/{contract_id}",
        "get",
        &[("contract_id", "$response.body#/contract_id")],
    ),
    (
        "/api/v1/organizations/{org_id}/orders",
        "post",
        "201",
        "/api/v1/contracts/{contract_id}/access-id",
        "post",
        &[("contract_id", "$response.body#/contract_id")],
    ),
    (
        "/api/v1/me/contracts",
        "post",
        "201",
        "/api/v1/contracts/{contract_id}",
        "get",
        &[("contract_id", "$response.body#/contract_id")],
    ),
    (
        "/api/v1/me/contracts",
        "post",
        "201",
        "/api/v1/me/contracts/{contract_id}",
        "delete",
        &[("contract_id", "$response.body#/contract_id")],
    ),
    (
        "/api/v1/accounts",
        "post",
        "201",
        "/api/v1/accounts/{account_id}",
        "get",
        &[("account_id", "$response.body#/id")],
    ),
    (
        "/api/v1/accounts",
        "post",
        "201",
        "/api/v1/accounts/{account_id}/roles",
        "put",
        &[("account_id", "$response.body#/id")],
    ),
    (
        "/api/v1/tokens",
        "post",
        "201",
        "/api/v1/tokens/{token_id}",
        "delete",
        &[("token_id", "$response.body#/id")],
    ),
    (
        "/api/v1/products",
        "post",
        "201",
        "/api/v1/products/{code}/versions",
        "post",
        &[("code", "$response.body#/code")],
    ),
    (
        "/api/v1/support-requests",
        "post",
        "201",
        "/api/v1/support-requests/{number}",
        "get",
        &[("number", "$response.body#/number")],
    ),
    (
        "/api/v1/support-requests",
        "post",
        "201",
        "/api/v1/support-requests/{number}/status",
        "post",
        &[("number", "$response.body#/number")],
    ),
    (
        "/api/v1/support-requests",
        "post",
        "201",
        "/api/v1/support-requests/{number}/comments",
        "post",
        &[("number", "$response.body#/number")],
    ),
    (
        "/api/v1/support-requests",
        "post",
        "201",
        "/api/v1/support-requests/{number}/refund",
        "post",
        &[("number", "$response.body#/number")],
    ),
    (
        "/api/v1/organizations/{org_id}/benefits/{benefit_code}/activation",
        "post",
        "202",
        "/api/v1/activations/{activation_id}/approve",
        "post",
        &[("activation_id", "$response.body#/id")],
    ),
    (
        "/api/v1/organizations/{org_id}/benefits/{benefit_code}/activation",
        "post",
        "202",
        "/api/v1/activations/{activation_id}/reject",
        "post",
        &[("activation_id", "$response.body#/id")],
    ),
];

/// The document as served: utoipa's, with [`LINKS`] added to the responses they start from.
pub fn document_json() -> serde_json::Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    for (from, method, status, to, to_method, parameters) in LINKS {
        let target = format!(
            "#/paths/{}/{to_method}",
            to.replace('~', "~0").replace('/', "~1")
        );
        let link = serde_json::json!({
            "operationRef": target,
            "parameters": parameters.iter().map(|(name, value)| (name.to_string(), serde_json::json!(value))).collect::<serde_json::Map<_, _>>(),
        });
        if let Some(response) = document
            .pointer_mut(&format!(
                "/paths/{}/{method}/responses/{status}",
                from.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(serde_json::Value::as_object_mut)
        {
            let links = response
                .entry("links")
                .or_insert_with(|| serde_json::json!({}));
            links[format!("{to_method} {to}")] = link;
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
        }
    }
    document
}

/// The rows of [`LINKS`] that do not join a documented response to an existing operation.
pub fn broken_links() -> Vec<String> {
    let document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let at = |path: &str, method: &str| {
        format!(
            "/paths/{}/{method}",
            path.replace('~', "~0").replace('/', "~1")
        )
    };
    LINKS
        .iter()
        .filter(|(from, method, status, to, to_method, _)| {
            document.pointer(&at(to, to_method)).is_none()
                || document
                    .pointer(&format!("{}/responses/{status}", at(from, method)))
                    .is_none()
        })
        .map(|(from, method, status, to, to_method, _)| {
            format!("{method} {from} {status} -> {to_method} {to}")
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
