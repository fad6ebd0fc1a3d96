//! `ContractId::parse` on arbitrary text: never panics, and whatever it accepts is canonical
//! (parsing the canonical text again gives the same ID).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sportello::domain::identifiers::ContractId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ContractId::parse(text) {
        Ok(id) => {
            let canonical = id.as_str();
            assert_eq!(canonical.len(), 11, "canonical length");
            assert_eq!(ContractId::parse(canonical).as_ref(), Ok(&id), "round trip");
        }
        Err(error) => {
            assert_eq!(error.field(), "contract_id");
            assert!(matches!(
                error.reason(),
                "wrong_length" | "bad_character" | "bad_check_character"
            ));
        }
    }
});
