//! Every message exists in English and Italian, and every key the code uses exists.

use sportello::domain::Language;
use sportello::i18n::has_message;
use std::collections::BTreeSet;

fn keys(language: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(format!(
        "{}/locales/{language}/main.ftl",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("ftl");
    text.lines()
        .filter(|line| !line.starts_with([' ', '#', '*', '[', '}']) && line.contains(" ="))
        .filter_map(|line| line.split(" =").next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn both_languages_have_the_same_messages() {
    let english = keys("en");
    let italian = keys("it");
    assert!(english.len() > 50);
    assert_eq!(
        english.difference(&italian).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "missing in Italian"
    );
    assert_eq!(
        italian.difference(&english).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "missing in English"
    );
}

/// Keys written literally in templates and sources: `t("key")`, `t1("key"`, `"error-…"`.
fn used_keys() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files = Vec::new();
    for dir in ["templates", "src"] {
        let mut stack = vec![std::path::PathBuf::from(format!("{root}/{dir}"))];
        while let Some(path) = stack.pop() {
            for entry in std::fs::read_dir(&path).expect("dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files.push(path);
                }
            }
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for marker in [
            ".t(\"",
            ".t1(\"",
            "Layout::new(&context, \"",
            "Layout::new(context, \"",
            "Layout::new(&anonymous, \"",
        ] {
            for piece in text.split(marker).skip(1) {
                if let Some(key) = piece.split('"').next()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
                    && !key.is_empty()
                {
                    found.insert(key.to_owned());
                }
            }
        }
    }
    found
}

#[test]
fn every_key_used_exists_in_both_languages() {
    let used = used_keys();
    assert!(used.len() > 40, "found only {used:?}");
    for key in used {
        for language in Language::ALL {
            assert!(has_message(language, &key), "{key} missing in {language:?}");
        }
    }
}

#[test]
fn every_error_code_and_role_has_messages() {
    use sportello::error::Error;
    let errors = [
        Error::InvalidInput(vec![]),
        Error::MalformedBody(String::new()),
        Error::MalformedQuery(String::new()),
        Error::EmailTaken,
        Error::PartnerIdTaken,
        Error::InvalidCredentials,
        Error::TooManyAttempts {
            retry_after_secs: 1,
        },
        Error::Unauthenticated,
        Error::CsrfFailed,
        Error::ForbiddenRole { needed: vec![] },
        Error::NotPartnerNetwork,
        Error::NotFound,
        Error::Other(anyhow::anyhow!("x")),
    ];
    for error in errors {
        for language in Language::ALL {
            let code = error.code();
            assert!(
                has_message(language, &format!("error-{code}")),
                "error-{code} in {language:?}"
            );
            assert!(
                has_message(language, &format!("error-{code}-detail")),
                "error-{code}-detail in {language:?}"
            );
        }
    }
    for role in [
        "global_admin",
        "partner_admin",
        "admin_agent",
        "member",
        "operator",
    ] {
        for language in Language::ALL {
            assert!(has_message(language, &format!("role-{role}")));
        }
    }
    let sources = std::fs::read_to_string(format!(
        "{}/src/domain/account.rs",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("src");
    assert!(sources.contains("password_too_short"));
    for code in [
        "required",
        "too_long",
        "control_characters",
        "direction_characters",
        "invalid_email",
        "password_too_short",
        "invalid_partner_id",
        "enrollment_required",
        "role_requires_organization",
        "operator_role_reserved",
        "unknown_organization",
        "unknown_role",
        "unknown_language",
        "email_taken",
        "partner_id_taken",
    ] {
        for language in Language::ALL {
            assert!(
                has_message(language, &format!("field-{code}")),
                "field-{code} in {language:?}"
            );
        }
    }
}
