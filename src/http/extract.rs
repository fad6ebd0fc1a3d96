//! Our own body extractors, so malformed input comes back as a `malformed_body` problem
//! (or `unsupported_media_type` for a JSON endpoint sent something else) in the caller's
//! language rather than axum's plain-text rejection.

use super::context::RequestContext;
use crate::error::{Error, Result};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

/// A JSON body. Unknown fields are refused where the input type says `deny_unknown_fields`.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self> {
        // Every JSON endpoint but signing in needs a signed-in caller: say so before judging
        // the body, so an anonymous client learns the real problem first.
        if let Some(context) = request.extensions().get::<RequestContext>()
            && context.actor.is_none()
            && context.path != "/api/v1/session"
        {
            return Err(Error::Unauthenticated);
        }
        if !is_json(request.headers()) {
            return Err(Error::UnsupportedMediaType {
                expected: "application/json",
            });
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(body_error)?;
        let deserializer = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(deserializer)
            .map(Json)
            .map_err(|error| Error::MalformedBody(error.to_string()))
    }
}

/// The error for a body that could not be read: too large, or broken off.
fn body_error(rejection: BytesRejection) -> Error {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::BodyTooLarge
    } else {
        Error::MalformedBody(rejection.body_text())
    }
}

/// Whether the `Content-Type` is JSON: `application/json` or a `+json` subtype such as
/// `application/merge-patch+json`, with any parameters. Parsed as a media type, so
/// `text/plain; charset=+json` (which a cross-site form can send) and `application/jsonx` are not.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<mime::Mime>().ok())
        .is_some_and(|media_type| {
            media_type.type_() == mime::APPLICATION
                // `subtype()` is the part before any `+suffix`.
                && match media_type.suffix() {
                    None => media_type.subtype() == mime::JSON,
                    Some(suffix) => suffix == mime::JSON,
                }
        })
}

/// An HTML form body whose `csrf_token` field must match the caller's CSRF token.
pub struct WebForm<T>(pub T);

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for WebForm<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self> {
        let context = request
            .extensions()
            .get::<RequestContext>()
            .cloned()
            .ok_or_else(|| Error::Other(anyhow::anyhow!("request context missing")))?;
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(body_error)?;
        let csrf: CsrfField = serde_html_form::from_bytes(&bytes)
            .map_err(|error| Error::MalformedBody(error.to_string()))?;
        context.check_csrf(&csrf.csrf_token)?;
        serde_html_form::from_bytes(&bytes)
            .map(WebForm)
            .map_err(|error| Error::MalformedBody(error.to_string()))
    }
}

/// A path parameter; one that does not parse names nothing that exists, so it is `not_found`.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|_| Error::NotFound)
    }
}

/// A query string; one that does not parse is `malformed_query`.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self> {
        serde_html_form::from_str(parts.uri.query().unwrap_or_default())
            .map(Query)
            .map_err(|error| Error::MalformedQuery(error.to_string()))
    }
}

/// Optional whole numbers in JSON bodies. JSON has one number type and JSON Schema counts `3.0`
/// as the integer 3, so a number with no fraction is taken whatever way it was written; a
/// fraction, or a value out of the field's range, is refused like any other malformed body.
pub fn optional_integer<'de, D, T>(deserializer: D) -> std::result::Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::Deserialize;
    use serde::de::Error as _;
    let Some(number) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let whole = match (number.as_i64(), number.as_f64()) {
        (Some(value), _) => Some(value),
        // The range check is on f64, whose bounds are exact powers of two.
        (None, Some(value))
            if value.fract() == 0.0 && value >= -(2f64.powi(63)) && value < 2f64.powi(63) =>
        {
            #[allow(clippy::cast_possible_truncation)]
            Some(value as i64)
        }
        _ => None,
    };
    whole
        .and_then(|value| T::try_from(value).ok())
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("{number} is not a whole number in range")))
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "super::optional_integer")]
        n: Option<u32>,
    }

    fn n(json: &str) -> Result<Option<u32>, String> {
        serde_json::from_str::<Body>(json)
            .map(|body| body.n)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn json_is_a_media_type_not_a_substring() {
        let json = |content_type: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(
                axum::http::header::CONTENT_TYPE,
                content_type.parse().expect("header"),
            );
            super::is_json(&headers)
        };
        assert!(json("application/json"));
        assert!(json("application/json; charset=utf-8"));
        assert!(json("APPLICATION/JSON"));
        assert!(json("application/merge-patch+json"));
        assert!(!json("text/plain; charset=+json"));
        assert!(!json("application/jsonx"));
        assert!(!json("application/json+x"));
        assert!(!json("text/json"));
        assert!(!json("json"));
        assert!(!json(""));
        assert!(!super::is_json(&axum::http::HeaderMap::new()));
    }

    #[test]
    fn whole_numbers_are_taken_however_they_are_written() {
        assert_eq!(n(r#"{"n": 3}"#), Ok(Some(3)));
        assert_eq!(n(r#"{"n": 3.0}"#), Ok(Some(3)));
        assert_eq!(n(r#"{"n": 3e2}"#), Ok(Some(300)));
        assert_eq!(n(r#"{"n": null}"#), Ok(None));
        assert_eq!(n("{}"), Ok(None));
        assert!(n(r#"{"n": 3.5}"#).is_err(), "a fraction");
        assert!(n(r#"{"n": -1}"#).is_err(), "out of the field's range");
        assert!(n(r#"{"n": 1e300}"#).is_err(), "out of any range");
        assert!(n(r#"{"n": "3"}"#).is_err(), "a string is not a number");
    }
}
