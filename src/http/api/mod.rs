//! The JSON API under `/api/v1`: thin adapters from HTTP to `actions`.

pub mod accounts;
pub mod activations;
pub mod benefits;
pub mod contracts;
pub mod customers;
pub mod memberships;
pub mod openapi;
pub mod orders;
pub mod organizations;
pub mod products;
pub mod requests;
pub mod session;
pub mod tokens;

use super::Routes;
use serde::Deserialize;

pub fn routes(routes: Routes) -> Routes {
    routes
        .get("/api/v1/openapi.json", openapi::document)
        .post("/api/v1/session", session::create)
        .delete("/api/v1/session", session::delete)
        .get("/api/v1/me", session::me)
        .put("/api/v1/me/language", session::set_language)
        .put("/api/v1/me/time-zone", session::set_time_zone)
        .post("/api/v1/tokens", tokens::create)
        .get("/api/v1/tokens", tokens::list)
        .delete("/api/v1/tokens/{token_id}", tokens::revoke)
        .post("/api/v1/organizations", organizations::create)
        .get("/api/v1/organizations", organizations::list)
        .get("/api/v1/organizations/{org_id}", organizations::show)
        .post("/api/v1/accounts", accounts::create)
        .get("/api/v1/accounts", accounts::list)
        .get("/api/v1/accounts/{account_id}", accounts::show)
        .put("/api/v1/accounts/{account_id}/roles", accounts::set_roles)
        .delete(
            "/api/v1/organizations/{org_id}/accounts/{account_id}",
            accounts::remove_from_organization,
        )
        .get("/api/v1/competencies", memberships::competencies)
        .post(
            "/api/v1/organizations/{org_id}/memberships",
            memberships::create,
        )
        .get(
            "/api/v1/organizations/{org_id}/memberships",
            memberships::list,
        )
        .post(
            "/api/v1/organizations/{org_id}/memberships/{membership_id}/end",
            memberships::end,
        )
        .delete(
            "/api/v1/organizations/{org_id}/memberships/{membership_id}",
            memberships::remove,
        )
        .post("/api/v1/memberships/import", memberships::import)
        .get("/api/v1/organizations/{org_id}/benefits", benefits::list)
        .post(
            "/api/v1/organizations/{org_id}/benefits/{benefit_code}/activation",
            benefits::activate,
        )
        .get("/api/v1/activations", activations::queue)
        .post(
            "/api/v1/activations/{activation_id}/approve",
            activations::approve,
        )
        .post(
            "/api/v1/activations/{activation_id}/reject",
            activations::reject,
        )
        .post("/api/v1/me/contracts", contracts::link)
        .get("/api/v1/me/contracts", contracts::mine)
        .delete("/api/v1/me/contracts/{contract_id}", contracts::unlink)
        .get("/api/v1/contracts/{contract_id}", contracts::show)
        .get("/api/v1/contracts/{contract_id}/ledger", contracts::ledger)
        .get(
            "/api/v1/organizations/{org_id}/contracts",
            contracts::of_organization,
        )
        .delete(
            "/api/v1/contracts/{contract_id}/links/{account_id}",
            contracts::revoke,
        )
        .post(
            "/api/v1/contracts/{contract_id}/access-id",
            contracts::rotate,
        )
        .post("/api/v1/products", products::create)
        .get("/api/v1/products", products::list)
        .post(
            "/api/v1/organizations/{org_id}/customers",
            customers::create,
        )
        .get("/api/v1/organizations/{org_id}/customers", customers::list)
        .post("/api/v1/organizations/{org_id}/orders", orders::create)
        .get("/api/v1/me/support-plans", requests::plans)
        .post("/api/v1/support-requests", requests::create)
        .get("/api/v1/support-requests", requests::list)
        .get("/api/v1/support-requests/{number}", requests::show)
        .post("/api/v1/support-requests/{number}/status", requests::status)
        .post(
            "/api/v1/support-requests/{number}/comments",
            requests::comment,
        )
        .post("/api/v1/support-requests/{number}/refund", requests::refund)
        .post("/api/v1/products/{code}/versions", products::add_version)
}

/// `?limit=&after=` on every list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Where the page starts: the `next` of the page before (absent for the first page).
    #[param(max_length = 400, pattern = "^[A-Za-z0-9_-]*$")]
    pub after: Option<String>,
}

impl PageParams {
    pub fn page(&self) -> crate::error::Result<crate::store::Page> {
        page(self.limit, self.after.as_deref())
    }
}

/// The page a list asks for: `limit` 1–200 and `after` a cursor the list gave, as the
/// document states; anything else is `malformed_query` (pages of the web console clamp the
/// limit, and refuse a cursor alike).
pub fn page(limit: Option<i64>, after: Option<&str>) -> crate::error::Result<crate::store::Page> {
    use crate::error::Error;
    if limit.is_some_and(|limit| !(1..=crate::store::Page::MAX_LIMIT).contains(&limit)) {
        return Err(Error::MalformedQuery(format!(
            "limit: from 1 to {}",
            crate::store::Page::MAX_LIMIT
        )));
    }
    let after = after.map(crate::store::Cursor::parse).transpose()?;
    Ok(crate::store::Page::new(limit, after))
}

/// An id given in a query string: 1 to 2^53 − 1, as the document states, else `malformed_query`.
pub fn id_in_query(name: &str, id: i64) -> crate::error::Result<i64> {
    if (1..=crate::domain::MAX_ID).contains(&id) {
        Ok(id)
    } else {
        Err(crate::error::Error::MalformedQuery(format!(
            "{name}: from 1 to {}",
            crate::domain::MAX_ID
        )))
    }
}

/// One page of a list: the items, the limit asked for, and where the next page starts.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub limit: i64,
    /// The `after` of the next page; `null` on the last page.
    #[schema(max_length = 400, pattern = "^[A-Za-z0-9_-]+$")]
    pub next: Option<String>,
}

impl<T> Paged<T> {
    pub fn new(listing: crate::store::Listing<T>, limit: i64) -> axum::Json<Self> {
        axum::Json(Self {
            items: listing.items,
            limit,
            next: listing.next.map(|cursor| cursor.encode()),
        })
    }
}
