//! The policy TOML loader on arbitrary text: never panics; a refusal names a line and column
//! inside the text; an accepted policy has at least one benefit and computes contract ends.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sportello::domain::policy;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match policy::parse(text) {
        Ok(policy) => {
            assert!(!policy.benefits.is_empty(), "at least one benefit");
            for day in [
                time::Date::MIN,
                time::macros::date!(2028 - 02 - 29),
                time::Date::MAX,
            ] {
                let end = policy.contract_end(day);
                assert!(end >= day, "contract ends before it starts");
            }
        }
        Err(error) => {
            let lines = text.matches('\n').count() + 1;
            assert!((1..=lines).contains(&error.line), "line {}", error.line);
            assert!(error.column >= 1, "column {}", error.column);
            assert!(!error.message.contains('\n'), "one-line message");
        }
    }
});
