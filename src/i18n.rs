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

/// `items` as a sentence's list: "A", "A and B", "A, B and C" ("e" in Italian). Past `most`
/// items, the rest are counted ("A, B, C and 4 others").
pub fn list(language: Language, items: &[String], most: usize) -> String {
    let most = most.max(1);
    let mut shown: Vec<String> = items.iter().take(most).cloned().collect();
    if items.len() > most {
        shown.push(t_args(
            language,
            "list-others",
            &[("count", (items.len() - most).to_string())],
        ));
    }
    match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), t(language, "list-and")),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        ["Ada", "Bruno", "Carla", "Dario", "Elsa"][..n]
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    }

    #[test]
    fn lists_read_as_sentences_in_each_language() {
        assert_eq!(list(Language::En, &names(0), 3), "");
        assert_eq!(list(Language::En, &names(1), 3), "Ada");
        assert_eq!(list(Language::En, &names(2), 3), "Ada and Bruno");
        assert_eq!(list(Language::It, &names(3), 3), "Ada, Bruno e Carla");
        assert_eq!(
            list(Language::En, &names(4), 3),
            "Ada, Bruno, Carla and 1 other"
        );
        assert_eq!(
            list(Language::It, &names(5), 3),
            "Ada, Bruno, Carla e altri 2"
        );
    }
}
