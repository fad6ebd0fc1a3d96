//! Accounts: email addresses, kinds, display names, passwords and preferred languages.

use super::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An email address, trimmed and lowercased so uniqueness is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` with no spaces, at most 254 characters.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        // Counted as sent, as the API's schema states it.
        super::at_most(field, raw, MAX_EMAIL_CHARS)?;
        let valid = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && !value.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if valid {
            Ok(Self(value))
        } else {
            Err(FieldError::new(field, "invalid_email"))
        }
    }

    /// Wraps an address already stored (and so already normalized).
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the account lives in an organizational directory or is a personal one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Work,
    Personal,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Work => "work",
            Self::Personal => "personal",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "work" => Some(Self::Work),
            "personal" => Some(Self::Personal),
            _ => None,
        }
    }
}

/// The languages the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    It,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::It];

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::It => "it",
        }
    }

    /// Parses `en`, `it`, and regional tags such as `it-CH`.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "it" => Some(Self::It),
            _ => None,
        }
    }

    /// Picks the supported language with the highest quality in an `Accept-Language` header.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut best: Option<(f32, Self)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Self::parse(tag)
                && quality > 0.0
                && best.is_none_or(|(q, _)| quality > q)
            {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }
}

/// The longest email address, in characters as sent (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// The shortest password an account may have, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The longest password an account may have, in characters (hashing cost stays bounded).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Checks a new password: long enough, not absurdly long.
pub fn validate_password(field: &'static str, password: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars == 0 {
        Err(FieldError::new(field, "required"))
    } else if chars < MIN_PASSWORD_CHARS {
        Err(FieldError::new(field, "password_too_short"))
    } else if chars > MAX_PASSWORD_CHARS {
        Err(FieldError::new(field, "too_long"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        let email = Email::parse("email", "  Ada@Example.COM ").expect("valid");
        assert_eq!(email.as_str(), "ada@example.com");
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.it",
            "a@.com",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn accept_language_prefers_highest_quality() {
        assert_eq!(
            Language::negotiate("it-IT,it;q=0.9,en;q=0.8"),
            Some(Language::It)
        );
        assert_eq!(
            Language::negotiate("de-DE, en;q=0.5, it;q=0.7"),
            Some(Language::It)
        );
        assert_eq!(Language::negotiate("fr, de"), None);
        assert_eq!(Language::negotiate("it;q=0, en"), Some(Language::En));
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert!(validate_password("password", "short").is_err());
        assert!(validate_password("password", "long enough!").is_ok());
    }
}

/// The IANA time zone called `name` (at most 64 characters, any letter case), with its
/// canonical name, if the time zone database knows it.
pub fn time_zone(name: &str) -> Option<(String, jiff::tz::TimeZone)> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    let zone = jiff::tz::TimeZone::get(name).ok()?;
    let canonical = zone.iana_name().unwrap_or(name).to_owned();
    Some((canonical, zone))
}

/// An account as shown to operators and to the account itself (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Account {
    pub id: super::AccountId,
    #[schema(value_type = String, format = Email)]
    pub email: Email,
    pub display_name: String,
    pub kind: AccountKind,
    /// The preferred interface language, if the account chose one.
    pub language: Option<Language>,
    /// The time zone the web pages show times in (an IANA name), if the account chose one.
    /// The API always speaks UTC.
    pub time_zone: Option<String>,
    pub organization_id: Option<super::OrganizationId>,
    pub roles: Vec<super::Role>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
}
