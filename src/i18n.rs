//! Fluent message lookup for English and Italian.

use crate::domain::Language;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static IT: LanguageIdentifier = langid!("it");

fn langid(language: Language) -> &'static LanguageIdentifier {
    match language {
        Language::En => &EN,
        Language::It => &IT,
    }
}

/// The message `key` in `language`; the key itself if no message exists (a test forbids that).
pub fn t(language: Language, key: &str) -> String {
    LOCALES
        .try_lookup(langid(language), key)
        .unwrap_or_else(|| key.to_owned())
}

/// The message `key` with named arguments.
pub fn t_args(language: Language, key: &str, args: &[(&str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(name, value)| {
            // Whole numbers go in as numbers so plural rules apply.
            let value = match value.parse::<i64>() {
                Ok(number) => FluentValue::from(number),
                Err(_) => FluentValue::from(value.clone()),
            };
            (Cow::Owned((*name).to_owned()), value)
        })
        .collect();
    LOCALES
        .try_lookup_with_args(langid(language), key, &args)
        .unwrap_or_else(|| key.to_owned())
}

/// Whether `key` exists in `language` itself, without falling back.
pub fn has_message(language: Language, key: &str) -> bool {
    // A message that needs arguments fails to format without them (a `FluentError`), but it
    // exists; the loader's error type is private, so its variant is read from `Debug`.
    match LOCALES.lookup_single_language::<&str>(langid(language), key, None) {
        Ok(_) => true,
        Err(error) => format!("{error:?}").starts_with("FluentError"),
    }
}
