//! Who is calling and in which language: one middleware resolves the session cookie or the
//! bearer token for every application route, checks CSRF on cookie-authenticated API writes,
//! and renders errors in the caller's language.

use super::AppState;
use super::body::BodyRefused;
use super::error::render_error;
use crate::actions::sessions;
use crate::domain::{Actor, Language};
use crate::error::{Error, Result};
use crate::secrets;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use std::net::SocketAddr;
use time::OffsetDateTime;

pub const SESSION_COOKIE: &str = "sportello_session";
pub const CSRF_COOKIE: &str = "sportello_csrf";
pub const LANGUAGE_COOKIE: &str = "sportello_lang";
/// The browser's time zone, written by static/app.js (an IANA name).
pub const TIME_ZONE_COOKIE: &str = "sportello_tz";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    Anonymous,
    /// A session cookie; the value is the cookie's token.
    Session(String),
    Bearer,
}

/// Everything a handler needs to know about the caller.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub actor: Option<Actor>,
    pub via: Via,
    pub language: Language,
    pub client_address: String,
    /// The session's CSRF token, or for anonymous pages the double-submit cookie's value.
    pub csrf_token: String,
    pub path: String,
    /// The one-time message the page shows after a form post.
    pub flash: Option<crate::http::web::flash::Flash>,
    /// The time zone pages show times in: the account's choice, else the browser's (the
    /// `sportello_tz` cookie static/app.js keeps), else UTC. The API speaks UTC.
    pub time_zone: jiff::tz::TimeZone,
    /// Whether that zone comes from the browser rather than the account's setting.
    pub time_zone_from_browser: bool,
}

impl RequestContext {
    /// The signed-in actor, or `unauthenticated`.
    pub fn actor(&self) -> Result<&Actor> {
        self.actor.as_ref().ok_or(Error::Unauthenticated)
    }

    /// Checks a CSRF token sent in a form or header, in constant time.
    pub fn check_csrf(&self, sent: &str) -> Result<()> {
        if !sent.is_empty() && secrets::same_secret(sent, &self.csrf_token) {
            Ok(())
        } else {
            Err(Error::CsrfFailed)
        }
    }

    pub fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .ok_or_else(|| Error::Other(anyhow::anyhow!("request context missing")))
    }
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(std::result::Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

fn client_address(request: &Request, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for
        && let Some(first) = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return first.trim().to_owned();
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string())
}

/// Builds a cookie with the attributes every Sportello cookie shares.
pub fn build_cookie(
    name: &'static str,
    value: String,
    http_only: bool,
    secure: bool,
) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .path("/")
        .http_only(http_only)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A cookie that deletes `name`.
pub fn removal_cookie(name: &'static str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The middleware: resolve the caller, run the handler, render any error.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let now = OffsetDateTime::now_utc();
    let path = request.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let headers = request.headers();
    let mut context = RequestContext {
        actor: None,
        via: Via::Anonymous,
        language: header_language(headers).unwrap_or_default(),
        client_address: client_address(&request, state.settings.trust_forwarded_for),
        csrf_token: String::new(),
        path,
        flash: None,
        time_zone: jiff::tz::TimeZone::UTC,
        time_zone_from_browser: false,
    };
    // A page's live parts fetched again by static/app.js leave a flash to the page it was for.
    let refreshing = headers.contains_key(crate::http::web::REFRESH_HEADER);
    let flash_cookie =
        cookie_value(headers, crate::http::web::flash::FLASH_COOKIE).filter(|_| !refreshing);
    if !is_api {
        context.flash = flash_cookie
            .as_deref()
            .and_then(crate::http::web::flash::Flash::decode);
    }
    let resolved = resolve(&state, headers, &mut context, now).await;
    // A body that was not taken is the first thing to say: nothing else was looked at.
    if let Some(refused) = request.extensions().get::<BodyRefused>() {
        return render_error(&context, refused.error());
    }
    if let Err(error) = resolved {
        return render_error(&context, error);
    }
    let mut new_csrf_cookie = None;
    if context.csrf_token.is_empty() && !is_api {
        match cookie_value(headers, CSRF_COOKIE).filter(|v| v.len() >= 32 && v.len() <= 64) {
            Some(existing) => context.csrf_token = existing,
            None => {
                context.csrf_token = secrets::new_token("");
                new_csrf_cookie = Some(context.csrf_token.clone());
            }
        }
    }
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // Signing in needs no CSRF token: the JSON content type already rules out cross-site
    // forms, and a stale cookie must not stop a client from signing in again.
    let signing_in = request.method() == Method::POST && context.path == "/api/v1/session";
    if is_api && unsafe_method && !signing_in && matches!(context.via, Via::Session(_)) {
        let sent = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if let Err(error) = context.check_csrf(sent) {
            return render_error(&context, error);
        }
    }
    request.extensions_mut().insert(context.clone());
    let mut response = next.run(request).await;
    if let Some(error) = response
        .extensions_mut()
        .remove::<super::error::ErrorSlot>()
    {
        let cookies: Vec<HeaderValue> = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .cloned()
            .collect();
        response = match error.0.lock().ok().and_then(|mut slot| slot.take()) {
            Some(error) => render_error(&context, error),
            None => response,
        };
        for cookie in cookies {
            response.headers_mut().append(SET_COOKIE, cookie);
        }
    }
    if let Some(token) = new_csrf_cookie {
        let cookie = build_cookie(CSRF_COOKIE, token, true, state.settings.secure_cookies());
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    // A flash is shown by the first page after its redirect, then gone.
    if flash_cookie.is_some() && crate::http::web::flash::shown_by(&response) {
        response.headers_mut().append(
            SET_COOKIE,
            removal_cookie(crate::http::web::flash::FLASH_COOKIE),
        );
    }
    response
}

async fn resolve(
    state: &AppState,
    headers: &HeaderMap,
    context: &mut RequestContext,
    now: OffsetDateTime,
) -> Result<()> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        });
    if let Some(token) = bearer {
        let actor = sessions::resolve_token(&state.store, token.trim(), now)
            .await?
            .ok_or(Error::Unauthenticated)?;
        context.actor = Some(actor);
        context.via = Via::Bearer;
    } else if let Some(token) = cookie_value(headers, SESSION_COOKIE)
        && let Some((actor, csrf)) =
            sessions::resolve_session(&state.store, &state.settings, &token, now).await?
    {
        context.actor = Some(actor);
        context.csrf_token = csrf;
        context.via = Via::Session(token);
    }
    if let Some(language) = context.actor.as_ref().and_then(|actor| actor.language) {
        context.language = language;
    }
    let chosen = context
        .actor
        .as_ref()
        .and_then(|actor| actor.time_zone.as_deref())
        .and_then(crate::domain::account::time_zone);
    if let Some((_, zone)) = chosen {
        context.time_zone = zone;
    } else if let Some((_, zone)) = cookie_value(headers, TIME_ZONE_COOKIE)
        .as_deref()
        .and_then(crate::domain::account::time_zone)
    {
        context.time_zone = zone;
        context.time_zone_from_browser = true;
    }
    Ok(())
}

/// The language the request asks for without an account's preference: the language cookie,
/// then `Accept-Language`.
pub fn header_language(headers: &HeaderMap) -> Option<Language> {
    cookie_value(headers, LANGUAGE_COOKIE)
        .and_then(|v| Language::parse(&v))
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::negotiate)
        })
}

/// Handlers return `Result<impl IntoResponse>`; errors become a placeholder response that
/// [`authenticate`] renders in the caller's language.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        super::error::placeholder(self)
    }
}
