//! Organizations and their program enrollments.

use super::FieldError;

/// The longest partner ID taken as sent, blanks around the digits included.
pub const MAX_PARTNER_ID_CHARS: usize = 32;

/// A partner ID in the partner network: 4 to 12 digits.
pub fn parse_partner_id(field: &'static str, raw: &str) -> Result<String, FieldError> {
    super::at_most(field, raw, MAX_PARTNER_ID_CHARS)?;
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if (4..=12).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_owned())
    } else {
        Err(FieldError::new(field, "invalid_partner_id"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_ids_are_digits() {
        assert_eq!(parse_partner_id("p", " 4412345 "), Ok("4412345".into()));
        assert!(parse_partner_id("p", "12").is_err());
        assert!(parse_partner_id("p", "12ab56").is_err());
        assert!(parse_partner_id("p", "").is_err());
    }
}

/// An organization as stored, with its program enrollments.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Organization {
    pub id: super::OrganizationId,
    pub name: String,
    /// Present when the organization is enrolled in the partner network.
    pub partner_id: Option<String>,
    /// Enrolled in the Cloud Solution Provider program.
    pub csp: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
}

impl Organization {
    pub fn in_partner_network(&self) -> bool {
        self.partner_id.is_some()
    }
}
