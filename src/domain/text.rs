//! The JSON Schemas of free text in request bodies, stated once: what [`super::required_text`]
//! accepts (one line) and what [`super::request::validate_description`] accepts (several
//! lines). The API's OpenAPI document refers to these by name, so the document and the checks
//! cannot drift apart.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// Something besides blanks, no control characters and no bidirectional embedding, override or
/// isolate characters (as sent: leading and trailing included).
pub const LINE_PATTERN: &str = r"^[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*[^\s\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069][^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$";

/// Like [`LINE_PATTERN`], with tabs and line breaks (`\n`, `\r\n`) allowed.
pub const TEXT_PATTERN: &str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*[^\s\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$";

fn text_schema(max_chars: usize, pattern: &str, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max_chars))
        .pattern(Some(pattern))
        .description(Some(description))
        .into()
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $max:expr, $pattern:expr, $description:literal) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                text_schema($max, $pattern, $description)
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

/// A calendar day as the API takes it: exactly `YYYY-MM-DD` ([`super::membership::parse_date`]).
pub struct Day;

impl utoipa::PartialSchema for Day {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Date,
            )))
            .min_length(Some(10))
            .max_length(Some(10))
            .pattern(Some(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
            .description(Some(
                "A calendar day, `YYYY-MM-DD`, from 0000-01-01 to 9999-12-31.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Day {}

/// A code or name looked up by its value (a competency, a plan, a severity, a product, a
/// version), of at most [`super::MAX_CODE_CHARS`] characters as sent.
pub struct Code;

impl utoipa::PartialSchema for Code {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(super::MAX_CODE_CHARS))
            .description(Some(
                "A code or name looked up as sent, at most 100 characters.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Code {}

/// A stored row's id, 1 to [`super::MAX_ID`].
pub struct Id;

impl utoipa::PartialSchema for Id {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Int64,
            )))
            .minimum(Some(1))
            .maximum(Some(super::MAX_ID))
            .description(Some("An id, 1 to 2^53 − 1."))
            .into()
    }
}

impl utoipa::ToSchema for Id {}

text_type!(
    /// A name or label of up to 100 characters.
    Line100,
    100,
    LINE_PATTERN,
    "One line of 1 to 100 characters: not only blanks, no control or bidirectional control characters."
);
text_type!(
    /// A name, title or contact of up to 200 characters.
    Line200,
    200,
    LINE_PATTERN,
    "One line of 1 to 200 characters: not only blanks, no control or bidirectional control characters."
);
text_type!(
    /// A reason of up to 500 characters.
    Line500,
    500,
    LINE_PATTERN,
    "One line of 1 to 500 characters: not only blanks, no control or bidirectional control characters."
);
text_type!(
    /// A description or comment.
    Text10000,
    super::request::MAX_DESCRIPTION_CHARS,
    TEXT_PATTERN,
    "Text of 1 to 10000 characters: not only blanks; tabs and line breaks allowed, no other control characters and no bidirectional control characters."
);
