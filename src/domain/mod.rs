//! Pure rules of the product: identifiers, accounts, organizations, roles and permissions.
//! Nothing here touches a database, the network or the clock.

pub mod account;
pub mod activation;
pub mod benefit;
pub mod contract;
pub mod csv_import;
pub mod eligibility;
pub mod forecast;
pub mod identifiers;
pub mod ids;
pub mod membership;
pub mod organization;
pub mod policy;
pub mod product;
pub mod request;
pub mod role;
pub mod text;

pub use account::{AccountKind, Email, Language};
pub use ids::{AccountId, OrganizationId};
pub use role::{Actor, Permission, Role};

/// One invalid field of an input: which field, and a stable snake_case reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The input field, as named in the request body or form.
    pub field: &'static str,
    /// Why it was refused: `required`, `too_long`, `invalid_email`, …
    pub code: &'static str,
}

impl FieldError {
    pub fn new(field: &'static str, code: &'static str) -> Self {
        Self { field, code }
    }
}

/// The longest code or name looked up by its value (competencies, paid plans, severities,
/// plans, products, versions, benefits), in characters as sent.
pub const MAX_CODE_CHARS: usize = 100;

/// The largest id of a stored row the API takes: 2^53 − 1, the largest whole number every
/// client language reads exactly from JSON (JavaScript's `Number.MAX_SAFE_INTEGER`).
pub const MAX_ID: i64 = (1 << 53) - 1;

/// Refuses a value of more than `max_chars` characters as sent (`too_long`), so that what the
/// API document states as `maxLength` is what the server takes.
pub fn at_most(field: &'static str, value: &str, max_chars: usize) -> Result<(), FieldError> {
    if value.chars().count() > max_chars {
        Err(FieldError::new(field, "too_long"))
    } else {
        Ok(())
    }
}

/// Checks a required one-line text field and trims it: something besides blanks, at most
/// `max_chars` characters and no control characters (line breaks included) as sent.
pub fn required_text(
    field: &'static str,
    value: &str,
    max_chars: usize,
) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    // Length and characters are checked on the value as sent, as the API's schema states them.
    if value.chars().count() > max_chars {
        return Err(FieldError::new(field, "too_long"));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(field, "control_characters"));
    }
    if value.chars().any(is_direction_control) {
        return Err(FieldError::new(field, "direction_characters"));
    }
    Ok(trimmed.to_owned())
}

/// The invisible bidirectional embedding, override and isolate characters (U+202A–U+202E,
/// U+2066–U+2069): they make text show in another order than it was typed ("exe.gnp" shown as
/// "png.exe"), so no text field accepts them.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_limits() {
        assert_eq!(
            required_text("name", "  Contoso ", 10),
            Ok("Contoso".into())
        );
        assert_eq!(
            required_text("name", "   ", 10),
            Err(FieldError::new("name", "required"))
        );
        assert_eq!(
            required_text("name", "abcdefghijk", 10),
            Err(FieldError::new("name", "too_long"))
        );
        assert_eq!(
            required_text("name", "a\u{7}b", 10),
            Err(FieldError::new("name", "control_characters"))
        );
        // Checked as sent, as the API's schema states it: blanks count, edges included.
        assert_eq!(
            required_text("name", " abcdefghij", 10),
            Err(FieldError::new("name", "too_long"))
        );
        assert_eq!(
            required_text("name", "\nabc", 10),
            Err(FieldError::new("name", "control_characters"))
        );
        for hidden in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            assert_eq!(
                required_text("name", &format!("photo{hidden}gnp.exe"), 20),
                Err(FieldError::new("name", "direction_characters"))
            );
        }
        assert_eq!(required_text("name", "שלום abc", 20), Ok("שלום abc".into()));
    }
}
