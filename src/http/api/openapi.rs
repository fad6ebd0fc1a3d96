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

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
