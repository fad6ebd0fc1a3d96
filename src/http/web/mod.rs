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
pub mod people;
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
        .post("/account/preferences", profile::save_preferences)
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
        .get("/organization/people", people::list)
        .post("/organization/people", people::create)
        .post("/organization/people/{account_id}/roles", people::set_roles)
        .get(
            "/organization/people/{account_id}/remove",
            people::confirm_remove,
        )
        .post("/organization/people/{account_id}/remove", people::remove)
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
    /// The viewer's time zone (see [`RequestContext::time_zone`]).
    pub time_zone: jiff::tz::TimeZone,
    pub time_zone_from_browser: bool,
    /// The moment the page is drawn, for "2 hours ago".
    pub now: time::OffsetDateTime,
    /// The navigation entry the page belongs to when its path does not say (a request being
    /// filed for a customer belongs to Customers).
    pub section: Option<&'static str>,
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
            time_zone: context.time_zone.clone(),
            time_zone_from_browser: context.time_zone_from_browser,
            now: time::OffsetDateTime::now_utc(),
            section: None,
        }
    }

    /// Puts the page under the navigation entry `href`.
    pub fn in_section(mut self, href: &'static str) -> Self {
        self.section = Some(href);
        self
    }

    /// A moment as the viewer reads it, in their time zone: `2026-12-06 20:14 CET`.
    pub fn when_text(&self, at: impl AsTime) -> String {
        local_time(at.as_time(), &self.time_zone)
    }

    /// A moment as a `<time>` element that never wraps and carries the UTC instant.
    pub fn when(&self, at: impl AsTime) -> askama::filters::Safe<String> {
        askama::filters::Safe(time_element(at.as_time(), &self.time_zone))
    }

    /// [`Self::when`] followed by how long ago (or how soon) it is, where that is within a week:
    /// `2026-12-06 20:14 CET (2 hours ago)`.
    pub fn when_ago(&self, at: impl AsTime) -> askama::filters::Safe<String> {
        let at = at.as_time();
        let mut html = time_element(at, &self.time_zone);
        if let Some(relative) = relative_time(self.language, self.now, at) {
            html.push_str(&format!(
                " <span class=\"ago\">({})</span>",
                escape(&relative)
            ));
        }
        askama::filters::Safe(html)
    }

    /// A message whose argument `name` is a piece of markup (a `<time>`, an e-mail that does
    /// not break): the message is escaped, the markup goes in as it is.
    pub fn t_markup(
        &self,
        key: &str,
        name: &str,
        markup: askama::filters::Safe<String>,
    ) -> askama::filters::Safe<String> {
        self.t_rich(key, &[(name, Arg::Markup(markup.0))])
    }

    /// A message whose arguments are text (escaped, numbers choose the plural) or markup (a
    /// link, a `<time>`), each going in where the message puts it.
    pub fn t_rich(&self, key: &str, args: &[(&str, Arg)]) -> askama::filters::Safe<String> {
        // Markup waits in private-use characters while Fluent formats and the text is escaped.
        let slot = |index: usize| char::from_u32(0xE000 + index as u32).unwrap_or('\u{E000}');
        let plain: Vec<(&str, String)> = args
            .iter()
            .enumerate()
            .map(|(index, (name, arg))| match arg {
                Arg::Text(text) => (*name, text.clone()),
                Arg::Markup(_) => (*name, slot(index).to_string()),
            })
            .collect();
        let mut html = escape(&t_args(self.language, key, &plain));
        for (index, (_, arg)) in args.iter().enumerate() {
            if let Arg::Markup(markup) = arg {
                html = html.replace(slot(index), markup);
            }
        }
        askama::filters::Safe(html)
    }

    /// A message whose argument `name` is the moment `at` as a `<time>` element.
    pub fn t_when(&self, key: &str, name: &str, at: impl AsTime) -> askama::filters::Safe<String> {
        self.t_markup(key, name, self.when(at))
    }

    /// Free text (a mail subject, an audit detail) in which a word with dashes — a date, a
    /// request number, a Contract ID — never breaks at them; the text still wraps at spaces.
    pub fn unbroken(&self, text: &str) -> askama::filters::Safe<String> {
        let mut html = String::with_capacity(text.len() + 16);
        for (index, word) in text.split(' ').enumerate() {
            if index > 0 {
                html.push(' ');
            }
            if word.contains('-') && word.chars().count() <= 32 {
                html.push_str("<span class=\"nowrap\">");
                html.push_str(&escape(word));
                html.push_str("</span>");
            } else {
                html.push_str(&escape(word));
            }
        }
        askama::filters::Safe(html)
    }

    /// An e-mail address that wraps at its spaces only, never at its dashes.
    pub fn email(&self, email: &str) -> askama::filters::Safe<String> {
        askama::filters::Safe(format!("<span class=\"email\">{}</span>", escape(email)))
    }

    /// A calendar day (no time zone applies) that never wraps at its dashes.
    pub fn day(&self, day: &time::Date) -> askama::filters::Safe<String> {
        askama::filters::Safe(format!(
            "<time datetime=\"{day}\" class=\"nowrap\">{day}</time>"
        ))
    }

    /// A message whose argument `name` is the calendar day `day` (see [`Self::day`]).
    pub fn t_day(&self, key: &str, name: &str, day: &time::Date) -> askama::filters::Safe<String> {
        self.t_markup(key, name, self.day(day))
    }

    /// The time zone's name as the account page shows it.
    pub fn time_zone_name(&self) -> String {
        self.time_zone.iana_name().unwrap_or("UTC").to_owned()
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
        // An organization's Global admins and Partner admins manage its people.
        let manages_people = self.actor.as_ref().is_some_and(|a| {
            a.can(crate::domain::Permission::ManageAccounts, a.organization_id) && !a.is_operator()
        });
        if manages_people {
            let people = self.nav_items(&[("/organization/people", "nav-people")]);
            let at = items.len().saturating_sub(1);
            items.splice(at..at, people);
        }
        // A page that names its section belongs there alone.
        if let Some(section) = self.section
            && items.iter().any(|item| item.href == section)
        {
            for item in &mut items {
                item.current = item.href == section;
            }
            return items;
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

/// Text for HTML: `&`, `<`, `>`, `"` and `'` as entities.
/// An argument of [`Layout::t_rich`].
pub enum Arg {
    /// Text, escaped when the message is.
    Text(String),
    /// Markup that goes in as it is.
    Markup(String),
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `at` in `zone`: `2026-12-06 20:14 CET` (the zone's abbreviation, or its UTC offset where
/// the database has none).
pub fn local_time(at: time::OffsetDateTime, zone: &jiff::tz::TimeZone) -> String {
    let Ok(instant) = jiff::Timestamp::from_second(at.unix_timestamp()) else {
        return date_time(at);
    };
    let zoned = instant.to_zoned(zone.clone());
    let abbreviation = zoned
        .time_zone()
        .to_offset_info(instant)
        .abbreviation()
        .to_owned();
    let label = if abbreviation.is_empty() || abbreviation.starts_with(['+', '-']) {
        let offset = zoned.offset();
        if offset.seconds() == 0 {
            "UTC".to_owned()
        } else {
            format!("UTC{}", zoned.strftime("%:z"))
        }
    } else {
        abbreviation
    };
    format!("{} {label}", zoned.strftime("%Y-%m-%d %H:%M"))
}

fn time_element(at: time::OffsetDateTime, zone: &jiff::tz::TimeZone) -> String {
    let utc = at
        .to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    format!(
        "<time datetime=\"{utc}\" class=\"nowrap\">{}</time>",
        escape(&local_time(at, zone))
    )
}

/// "just now", "5 minutes ago", "in 3 hours", "2 days ago": for moments within a week of `now`.
pub fn relative_time(
    language: Language,
    now: time::OffsetDateTime,
    at: time::OffsetDateTime,
) -> Option<String> {
    let seconds = (at - now).whole_seconds();
    let future = seconds > 0;
    let span = seconds.unsigned_abs();
    if span < 60 {
        return Some(t(language, "time-just-now"));
    }
    let (unit, count) = match span {
        s if s < 3_600 => ("minutes", s / 60),
        s if s < 86_400 => ("hours", s / 3_600),
        s if s < 7 * 86_400 => ("days", s / 86_400),
        _ => return None,
    };
    let key = if future {
        format!("time-in-{unit}")
    } else {
        format!("time-{unit}-ago")
    };
    Some(t_args(language, &key, &[("n", count.to_string())]))
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
    fn moments_read_in_the_viewers_zone_and_relative_to_now() {
        use super::{local_time, relative_time};
        use crate::domain::Language;
        use time::macros::datetime;
        let at = datetime!(2026-12-06 19:14 UTC);
        let zone = |name| jiff::tz::TimeZone::get(name).expect("zone");
        assert_eq!(
            local_time(at, &jiff::tz::TimeZone::UTC),
            "2026-12-06 19:14 UTC"
        );
        assert_eq!(local_time(at, &zone("Europe/Rome")), "2026-12-06 20:14 CET");
        assert_eq!(
            local_time(datetime!(2026-07-01 12:00 UTC), &zone("Europe/Rome")),
            "2026-07-01 14:00 CEST"
        );
        assert_eq!(
            local_time(at, &zone("Asia/Kolkata")),
            "2026-12-07 00:44 IST"
        );
        // A zone the database gives no abbreviation shows its offset.
        assert_eq!(
            local_time(at, &zone("America/Sao_Paulo")),
            "2026-12-06 16:14 UTC-03:00"
        );
        let now = datetime!(2026-12-06 21:14 UTC);
        let en = |at| relative_time(Language::En, now, at);
        assert_eq!(en(now).as_deref(), Some("just now"));
        assert_eq!(
            en(datetime!(2026-12-06 21:13 UTC)).as_deref(),
            Some("a minute ago")
        );
        assert_eq!(en(at).as_deref(), Some("2 hours ago"));
        assert_eq!(
            en(datetime!(2026-12-07 00:14 UTC)).as_deref(),
            Some("in 3 hours")
        );
        assert_eq!(
            en(datetime!(2026-12-04 21:14 UTC)).as_deref(),
            Some("2 days ago")
        );
        assert_eq!(
            en(datetime!(2026-11-20 21:14 UTC)),
            None,
            "older than a week: the date says it"
        );
        assert_eq!(
            relative_time(Language::It, now, at).as_deref(),
            Some("2 ore fa")
        );
        assert_eq!(
            relative_time(Language::It, now, datetime!(2026-12-06 22:14 UTC)).as_deref(),
            Some("tra un'ora")
        );
    }

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
