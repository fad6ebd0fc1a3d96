//! Request bodies are read whole, up to [`MAX_BODY_BYTES`], before anything answers. An answer
//! given before the body was read (a 401 for a request without credentials, say) would leave the
//! client still sending to a connection that must then close, and it would see a reset instead
//! of the answer. A body over the limit, announced by `Content-Length` or found while reading a
//! chunked one, is refused with `body_too_large`, and the connection closes after the answer.

use super::MAX_BODY_BYTES;
use super::context::{RequestContext, Via, header_language};
use super::error::render_error;
use crate::error::Error;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{CONNECTION, CONTENT_LENGTH};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// Why a request's body was not taken; put in the request's extensions for
/// `context::authenticate` to answer in the caller's language.
#[derive(Clone, Debug)]
pub enum BodyRefused {
    /// Over [`MAX_BODY_BYTES`].
    TooLarge,
    /// The client's body broke off or was not valid HTTP framing.
    Unreadable(String),
}

impl BodyRefused {
    pub fn error(&self) -> Error {
        match self {
            Self::TooLarge => Error::BodyTooLarge,
            Self::Unreadable(reason) => Error::MalformedBody(reason.clone()),
        }
    }
}

/// The middleware: the handlers get the body in memory; a refused body reaches them empty,
/// marked with [`BodyRefused`].
pub async fn read_whole(request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let (body, refused) = match read(&parts.headers, body).await {
        Ok(bytes) => (Body::from(bytes), None),
        Err(refused) => (Body::empty(), Some(refused)),
    };
    let Some(refused) = refused else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    parts.extensions.insert(refused.clone());
    let path = parts.uri.path().to_owned();
    let headers = parts.headers.clone();
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let error = refused.error();
    if response.status() != error.status() {
        // A route outside `context::authenticate` (health, metrics, static files).
        let context = RequestContext {
            actor: None,
            via: Via::Anonymous,
            language: header_language(&headers).unwrap_or_default(),
            client_address: String::new(),
            csrf_token: String::new(),
            path,
            flash: None,
            time_zone: jiff::tz::TimeZone::UTC,
            time_zone_from_browser: false,
        };
        response = render_error(&context, error);
    }
    // What is left of the body is never read: end the connection after this answer.
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

async fn read(headers: &HeaderMap, body: Body) -> Result<Bytes, BodyRefused> {
    let announced = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if announced.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(BodyRefused::TooLarge);
    }
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(BodyRefused::TooLarge),
        Err(error) => Err(BodyRefused::Unreadable(error.to_string())),
    }
}
