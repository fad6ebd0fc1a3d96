//! Server-rendered HTML pages (askama), in English and Italian, working without JavaScript.

pub mod accounts;
pub mod activations;
pub mod api_docs;
pub mod assets;
pub mod audit;
pub mod benefits;
pub mod chart;
pub mod confirm;
pub mod contracts;
pub mod customers;
pub mod flash;
pub mod memberships;
pub mod orders;
pub mod organizations;
pub mod outbox;
pub mod products;
pub mod profile;
pub mod requests;
pub mod sessions;

use super::Routes;
use super::context::RequestContext;
use super::error::{field_message, problem, role_name};
use crate::domain::{Actor, FieldError, Language, Role};
use crate::error::{Error, Result};
use crate::i18n::{t, t_args};
use askama::Template;
use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

pub fn routes(routes: Routes) -> Routes {
    routes
        .get("/", sessions::home)
        .get("/api/docs", api_docs::page)
        .get("/sign-in", sessions::form)
        .post("/sign-in", sessions::sign_in)
        .post("/sign-out", sessions::sign_out)
        .post("/language", sessions::language)
        .get("/account", profile::show)
        .post("/account/tokens", profile::create_token)
        .get(
            "/account/tokens/{token_id}/revoke",
            profile::confirm_revoke_token,
        )
        .post("/account/tokens/{token_id}/revoke", profile::revoke_token)
        .get("/operator/organizations", organizations::list)
        .post("/operator/organizations", organizations::create)
        .get("/operator/organizations/{org_id}", organizations::show)
        .get("/operator/accounts", accounts::list)
        .post("/operator/accounts", accounts::create)
        .post("/operator/accounts/{account_id}/roles", accounts::set_roles)
        .get("/benefits", benefits::list)
        .post("/benefits/{benefit_code}/activate", benefits::activate)
        .post(
            "/operator/organizations/{org_id}/memberships",
            memberships::create,
        )
        .post(
            "/operator/organizations/{org_id}/memberships/{membership_id}/end",
            memberships::end,
        )
        .get(
            "/operator/organizations/{org_id}/memberships/{membership_id}/remove",
            memberships::confirm_remove,
        )
        .post(
            "/operator/organizations/{org_id}/memberships/{membership_id}/remove",
            memberships::remove,
        )
        .get("/operator/memberships/import", memberships::import_form)
        .post("/operator/memberships/import", memberships::import)
        .get("/operator/activations", activations::list)
        .post(
            "/operator/activations/{activation_id}/approve",
            activations::approve,
        )
        .post(
            "/operator/activations/{activation_id}/reject",
            activations::reject,
        )
        .get("/support", contracts::list)
        .post("/support/link", contracts::link)
        .get("/contracts/{contract_id}", contracts::show)
        .post("/contracts/{contract_id}/unlink", contracts::unlink)
        .post("/contracts/{contract_id}/use", contracts::use_myself)
        .get(
            "/contracts/{contract_id}/links/{account_id}/revoke",
            contracts::confirm_revoke,
        )
        .post(
            "/contracts/{contract_id}/links/{account_id}/revoke",
            contracts::revoke,
        )
        .get("/contracts/{contract_id}/rotate", contracts::confirm_rotate)
        .post("/contracts/{contract_id}/rotate", contracts::rotate)
        .get("/support/new", requests::compose)
        .post("/support/requests", requests::file)
        .get("/support/requests", requests::list)
        .get("/support/requests/{number}", requests::show)
        .post("/support/requests/{number}/comments", requests::comment)
        .post("/support/requests/{number}/status", requests::status)
        .post("/support/requests/{number}/refund", requests::refund)
        .get("/customers", customers::list)
        .post("/customers", customers::create)
        .get("/customers/{customer_id}", customers::show)
        .get("/operator/requests", requests::queue)
        .get("/operator/products", products::list)
        .post("/operator/products", products::create)
        .get("/operator/orders", orders::form)
        .post("/operator/orders", orders::create)
        .get("/operator/audit", audit::list)
        .get("/operator/outbox", outbox::list)
        .post("/operator/products/{code}/versions", products::add_version)
}

/// One entry of the left navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// Where a paginated list stands: the cursor of the page after this one, if another follows,
/// and whether this is the first page. `templates/pager.html` renders it as "Next page" and
/// "First page" links, with `pager_query` (the list's other parameters, each as `&name=value`)
/// kept in them. Lists page by cursor and count nothing, so there is no "of N".
#[derive(Clone, Debug)]
pub struct Pager {
    pub next: Option<crate::store::Cursor>,
    pub first: bool,
}

impl Pager {
    pub fn new<T>(page: &crate::store::Page, listing: &crate::store::Listing<T>) -> Self {
        Self {
            next: listing.next.clone(),
            first: page.after.is_none(),
        }
    }

    /// A list that fits one page (or shows nothing): no links.
    pub fn single() -> Self {
        Self {
            next: None,
            first: true,
        }
    }

    /// More than one page: the pager is worth showing.
    pub fn is_needed(&self) -> bool {
        self.next.is_some() || !self.first
    }

    /// The link to the next page, keeping the list's other parameters.
    pub fn next_href(&self, query: &str) -> Option<String> {
        self.next
            .as_ref()
            .map(|cursor| format!("?after={cursor}{query}"))
    }

    /// The link back to the first page, keeping the list's other parameters.
    pub fn first_href(&self, path: &str, query: &str) -> Option<String> {
        (!self.first).then(|| match query.strip_prefix('&') {
            Some(rest) => format!("{path}?{rest}"),
            None => path.to_owned(),
        })
    }
}

/// The page a console list shows: 50 rows after the `after` cursor of its link (an empty
/// value is the first page); a cursor the list did not give is `malformed_query`.
pub fn console_page(after: Option<&str>) -> Result<crate::store::Page> {
    let after = after
        .filter(|after| !after.is_empty())
        .map(crate::store::Cursor::parse)
        .transpose()?;
    Ok(crate::store::Page::new(
        Some(crate::store::Page::DEFAULT_LIMIT),
        after,
    ))
}

/// Sent by `static/app.js` when it fetches a page again to update its live parts.
pub const REFRESH_HEADER: &str = "sportello-refresh";

/// What every page's frame needs: language, who is signed in, the CSRF token, navigation.
pub struct Layout {
    pub language: Language,
    pub actor: Option<Actor>,
    pub csrf_token: String,
    pub path: String,
    pub title: String,
    /// The one-time message after a form post, in the page's language.
    pub flash: Option<String>,
    /// Seconds after which the page's live parts are fetched again (`static/app.js`), while
    /// something on it is still changing by itself.
    pub refresh: Option<u32>,
}

impl Layout {
    pub fn new(context: &RequestContext, title_key: &str) -> Self {
        Self {
            language: context.language,
            actor: context.actor.clone(),
            csrf_token: context.csrf_token.clone(),
            path: context.path.clone(),
            title: t(context.language, title_key),
            flash: context
                .flash
                .as_ref()
                .map(|flash| flash.message(context.language)),
            refresh: None,
        }
    }

    /// Keeps the page's `data-live` parts current every `seconds` (None: the page is settled).
    pub fn refreshing(mut self, seconds: Option<u32>) -> Self {
        self.refresh = seconds;
        self
    }

    /// A message in the page's language.
    pub fn t(&self, key: &str) -> String {
        t(self.language, key)
    }

    /// A message with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        t_args(self.language, key, &[(name, value.to_string())])
    }

    /// A message with two arguments.
    pub fn t2(
        &self,
        key: &str,
        first: &str,
        first_value: impl std::fmt::Display,
        second: &str,
        second_value: impl std::fmt::Display,
    ) -> String {
        t_args(
            self.language,
            key,
            &[
                (first, first_value.to_string()),
                (second, second_value.to_string()),
            ],
        )
    }

    pub fn lang(&self) -> &'static str {
        self.language.code()
    }

    pub fn kind_name(&self, kind: &crate::domain::AccountKind) -> String {
        self.t(&format!("kind-{}", kind.as_str()))
    }

    pub fn role_name(&self, role: &Role) -> String {
        role_name(self.language, *role)
    }

    /// The left navigation's main entries.
    pub fn nav_main(&self) -> Vec<NavItem> {
        let partner = self.actor.as_ref().is_some_and(|a| a.partner_network);
        let mut items = if partner {
            self.nav_items(&[
                ("/benefits", "nav-benefits"),
                ("/support", "nav-support"),
                ("/support/requests", "nav-requests"),
                ("/account", "nav-account"),
            ])
        } else if self.is_operator() {
            self.nav_items(&[("/support", "nav-support"), ("/account", "nav-account")])
        } else {
            self.nav_items(&[
                ("/support", "nav-support"),
                ("/support/requests", "nav-requests"),
                ("/account", "nav-account"),
            ])
        };
        // Customers belong to CSP organizations, managed by their admins and Admin agents.
        let manages_customers = self.actor.as_ref().is_some_and(|a| {
            a.csp
                && a.roles
                    .iter()
                    .any(|r| matches!(r, Role::AdminAgent | Role::GlobalAdmin | Role::PartnerAdmin))
        });
        if manages_customers {
            let customers = self.nav_items(&[("/customers", "nav-customers")]);
            let at = items.len().saturating_sub(1);
            items.splice(at..at, customers);
        }
        // Filing a request belongs with the requests; operators open requests from their queue.
        for item in &mut items {
            if item.href == "/support/requests" && self.path.starts_with("/support/new") {
                item.current = true;
            }
            if item.href == "/support"
                && self.is_operator()
                && self.path.starts_with("/support/requests")
            {
                item.current = false;
            }
        }
        // `/support/requests` also lies under `/support`: only the closest entry is current.
        let closest = items
            .iter()
            .filter(|item| item.current)
            .map(|item| item.href.len())
            .max();
        for item in &mut items {
            item.current = item.current && Some(item.href.len()) == closest;
        }
        items
    }

    /// The operator console's entries (empty for everyone else).
    pub fn nav_operator(&self) -> Vec<NavItem> {
        if !self.is_operator() {
            return Vec::new();
        }
        self.nav_items(&[
            ("/operator/organizations", "nav-organizations"),
            ("/operator/accounts", "nav-accounts"),
            ("/operator/activations", "nav-activations"),
            ("/operator/requests", "nav-queue"),
            ("/operator/products", "nav-products"),
            ("/operator/orders", "nav-orders"),
            ("/operator/memberships/import", "nav-import"),
            ("/operator/audit", "nav-audit"),
            ("/operator/outbox", "nav-outbox"),
        ])
        .into_iter()
        .map(|mut item| {
            if item.href == "/operator/requests" && self.path.starts_with("/support/requests/") {
                item.current = true;
            }
            item
        })
        .collect()
    }

    fn nav_items(&self, items: &[(&'static str, &str)]) -> Vec<NavItem> {
        items
            .iter()
            .copied()
            .map(|(href, key)| NavItem {
                href,
                label: self.t(key),
                current: self.path == href || self.path.starts_with(&format!("{href}/")),
            })
            .collect()
    }

    pub fn is_operator(&self) -> bool {
        self.actor.as_ref().is_some_and(Actor::is_operator)
    }
}

/// The name of a form field for an error summary (`field-label-…`); a field without a label of
/// its own is named by its message instead.
pub fn field_label(language: Language, field: &str, code: &str) -> String {
    let key = format!(
        "field-label-{}",
        field.trim_end_matches("_id").replace('_', "-")
    );
    let key = match field {
        "partner_id" => "field-label-partner-id".to_owned(),
        "display_name" => "field-label-display-name".to_owned(),
        _ => key,
    };
    if crate::i18n::has_message(language, &key) {
        crate::i18n::t(language, &key)
    } else {
        field_message(language, code)
    }
}

/// Messages for refused form fields, keyed by field name.
#[derive(Default)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    /// The message for `field`, if it was refused.
    pub fn get(&self, language: &Language, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|error| error.field == field)
            .map(|error| field_message(*language, error.code))
    }

    /// Every refused field as (field, its label), for the summary above a form: the summary
    /// names the fields and links to them; each message is said once, beside its field.
    pub fn messages(&self, language: &Language) -> Vec<(&'static str, String)> {
        self.0
            .iter()
            .map(|error| (error.field, field_label(*language, error.field, error.code)))
            .collect()
    }

    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

/// Renders a page template with a status.
pub fn render(status: StatusCode, page: &impl Template) -> Result<Response> {
    let html = page
        .render()
        .map_err(|error| Error::Other(anyhow::anyhow!("template failed: {error}")))?;
    Ok((status, Html(html)).into_response())
}

/// A 303 redirect after a successful form post.
pub fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

/// Only same-origin paths are followed after sign-in or a language switch: one leading `/`,
/// not followed by another `/` or `\`, no `\` anywhere, and no control character or
/// whitespace anywhere (browsers drop tabs and line breaks from URLs and read `\` as `/`, so
/// `/\t/evil.example` would otherwise lead to `//evil.example`). Anything else is refused, and
/// callers fall back to the home page.
pub fn local_path(candidate: Option<&str>) -> Option<String> {
    let path = candidate?;
    let rest = path.strip_prefix('/')?;
    let safe = !rest.starts_with('/')
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace());
    safe.then(|| path.to_owned())
}

/// Percent-encodes a query parameter value.
pub fn encode_component(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    detail: String,
    fields: Vec<String>,
}

/// The page shown for an error on a web route.
pub fn error_page(context: &RequestContext, error: &Error) -> Response {
    let problem = problem(context.language, error);
    let mut layout = Layout::new(context, "app-name");
    layout.title = problem.title;
    let page = ErrorPage {
        layout,
        status: problem.status,
        detail: problem.detail,
        fields: problem.errors.into_iter().map(|f| f.message).collect(),
    };
    render(error.status(), &page).unwrap_or_else(|_| (error.status(), problem.code).into_response())
}

/// Security headers on every response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A timestamp as pages show it: `2026-11-23 14:05 UTC`.
pub fn date_time(at: impl AsTime) -> String {
    let at = at.as_time();
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// Lets templates pass a timestamp however many references deep askama holds it.
pub trait AsTime {
    fn as_time(&self) -> time::OffsetDateTime;
}

impl AsTime for time::OffsetDateTime {
    fn as_time(&self) -> time::OffsetDateTime {
        *self
    }
}

impl<T: AsTime + ?Sized> AsTime for &T {
    fn as_time(&self) -> time::OffsetDateTime {
        (**self).as_time()
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;
    use proptest::prelude::*;

    #[test]
    fn local_paths_stay_on_this_site() {
        for accepted in [
            "/",
            "/support",
            "/support/requests?status=open&x=%2F",
            "/a/b#c",
        ] {
            assert_eq!(local_path(Some(accepted)).as_deref(), Some(accepted));
        }
        for refused in [
            "",
            "support",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/\u{0}/evil.example",
            "/x\\y",
            "https://evil.example/",
            "/\u{a0}/evil.example",
        ] {
            assert_eq!(local_path(Some(refused)), None, "{refused:?}");
        }
    }

    proptest! {
        /// Whatever is accepted, a browser (the WHATWG URL parser) resolves on this origin.
        #[test]
        fn accepted_paths_resolve_to_this_origin(path in "/[ -~\t\n\r\\\\/\u{a0}\u{2028}]{0,12}") {
            let base = url::Url::parse("https://sportello.example/sign-in").expect("base");
            if let Some(accepted) = local_path(Some(&path)) {
                let resolved = base.join(&accepted).expect("a path joins");
                prop_assert_eq!(resolved.origin(), base.origin());
            }
        }
    }
}
