//! One-time messages after a form post ("post, redirect, get"): the handler answers with a
//! redirect and a short-lived cookie naming a `flash-…` message and its arguments; the page it
//! leads to shows the message once, in the viewer's language, and the cookie is cleared with
//! that page. Nothing of the message is taken from the URL, so a link cannot make a page say
//! something the service did not.

use super::see_other;
use crate::domain::Language;
use crate::http::context::build_cookie;
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

pub const FLASH_COOKIE: &str = "sportello_flash";

/// The longest cookie value read back; anything longer is ignored.
const MAX_ENCODED: usize = 2048;

/// A message to show once on the next page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    key: String,
    #[serde(default)]
    args: Vec<(String, String)>,
}

impl Flash {
    /// A message by its key, which starts with `flash-`.
    pub fn new(key: &'static str) -> Self {
        debug_assert!(key.starts_with("flash-"), "flash keys start with flash-");
        Self {
            key: key.to_owned(),
            args: Vec::new(),
        }
    }

    /// An argument of the message.
    pub fn arg(mut self, name: &str, value: impl std::fmt::Display) -> Self {
        self.args.push((name.to_owned(), value.to_string()));
        self
    }

    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Reads a cookie's value; only messages of this service's `flash-` set are shown.
    pub fn decode(value: &str) -> Option<Self> {
        if value.len() > MAX_ENCODED {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
        let flash: Self = serde_json::from_slice(&bytes).ok()?;
        (flash.key.starts_with("flash-") && crate::i18n::has_message(Language::En, &flash.key))
            .then_some(flash)
    }

    /// The message in `language`.
    pub fn message(&self, language: Language) -> String {
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        crate::i18n::t_args(language, &self.key, &args)
    }
}

/// A 303 redirect that shows `flash` on the page it leads to.
pub fn see_other_with(location: &str, flash: &Flash, secure_cookies: bool) -> Response {
    let mut response = see_other(location);
    response.headers_mut().append(
        SET_COOKIE,
        build_cookie(FLASH_COOKIE, flash.encode(), true, secure_cookies),
    );
    response
}

/// Whether a response shows the flash it was sent with (a page, not another redirect), so
/// the cookie is to be cleared with it.
pub fn shown_by(response: &Response) -> bool {
    !response.status().is_redirection()
        && response
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use super::Flash;

    #[test]
    fn a_flash_reads_back_and_nothing_else_does() {
        let flash = Flash::new("flash-token-revoked").arg("name", "ci; deploy=\"x\"");
        assert_eq!(Flash::decode(&flash.encode()), Some(flash));
        // Not a flash message of the service, not base64, not JSON: nothing is shown.
        let foreign = Flash {
            key: "request-filed".to_owned(),
            args: Vec::new(),
        };
        assert_eq!(Flash::decode(&foreign.encode()), None);
        assert_eq!(Flash::decode("%%%"), None);
        assert_eq!(Flash::decode("bm90IGpzb24"), None);
        assert_eq!(Flash::decode(&"A".repeat(5000)), None);
    }
}
