//! Pure rules of the product: identifiers, accounts, organizations, roles and permissions.
//! Nothing here touches a database, the network or the clock.

pub mod account;
pub mod activation;
pub mod benefit;
pub mod contract;
pub mod csv_import;
pub mod eligibility;
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
    Ok(trimmed.to_owned())
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
    }
}
