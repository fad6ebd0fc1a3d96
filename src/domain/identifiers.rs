//! The two public halves of a support contract's credentials: the Contract ID (short, with a
//! check digit) and the Access ID (a secret: 100 random bits in Crockford base32 with a check
//! character from the same alphabet). Both are parsed forgivingly (case, spaces, dashes, look-alike letters) and
//! checked, so a mistyped ID is refused as malformed before any lookup.

use serde::Serialize;
use std::fmt;

/// Crockford's base32 alphabet: digits and letters without I, L, O and U.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Crockford's check alphabet: the 32 symbols above plus five more, for values mod 37. Access
/// IDs issued before the check character came from [`CROCKFORD`] end in one of these; they are
/// still accepted as issued.
const CROCKFORD_CHECK: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/// Multiplies by x in GF(32), the field of 32 elements (polynomials over GF(2) modulo the
/// primitive x⁵ + x² + 1).
fn times_x(value: u8) -> u8 {
    let shifted = value << 1;
    if shifted & 0b10_0000 != 0 {
        shifted ^ 0b10_0101
    } else {
        shifted
    }
}

/// Damm's algorithm over GF(32): the quasigroup `a ∘ b = x·a + b` (addition is XOR) is totally
/// anti-symmetric because x ≠ 0 and x ≠ 1, so the check symbol catches every single wrong
/// character and every swap of two adjacent different characters (check symbol included), as
/// the mod-37 symbol did, while staying inside the 32 letters and digits of the body.
fn damm32(values: impl IntoIterator<Item = u8>) -> u8 {
    values
        .into_iter()
        .fold(0, |interim, value| times_x(interim) ^ value)
}

const ACCESS_BODY_CHARS: usize = 20;
const CONTRACT_BODY_DIGITS: usize = 8;

/// Why an identifier typed by a person was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The text cannot be an identifier of this kind. `reason` is `wrong_length`,
    /// `bad_character` or `bad_check_character`; `field` is `access_id` or `contract_id`.
    #[error("malformed {field}: {reason}")]
    Malformed {
        field: &'static str,
        reason: &'static str,
    },
}

impl IdError {
    /// The input field the identifier came from: `access_id` or `contract_id`.
    pub fn field(&self) -> &'static str {
        match self {
            IdError::Malformed { field, .. } => field,
        }
    }

    /// The stable reason code: `wrong_length`, `bad_character` or `bad_check_character`.
    pub fn reason(&self) -> &'static str {
        match self {
            IdError::Malformed { reason, .. } => reason,
        }
    }

    /// The same problem as a field error, for forms and problem+json bodies.
    pub fn to_field_error(&self) -> super::FieldError {
        super::FieldError::new(self.field(), self.reason())
    }
}

fn malformed(field: &'static str, reason: &'static str) -> IdError {
    IdError::Malformed { field, reason }
}

/// Drops spaces and dashes, upper-cases, and reads O as 0 and I or L as 1.
/// The longest Contract ID taken as typed, spaces and dashes included (`1234-5678-9` is 11).
pub const MAX_CONTRACT_ID_CHARS: usize = 32;

/// The longest Access ID taken as typed, spaces and dashes included (25 as written).
pub const MAX_ACCESS_ID_CHARS: usize = 64;

fn normalize(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// The secret half of a contract's credentials, `XXXXX-XXXXX-XXXXX-XXXXX-C`.
///
/// `Debug` hides the value: an Access ID must never reach a log.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct AccessId(String);

impl AccessId {
    /// Draws 100 random bits.
    pub fn generate(rng: &mut impl rand::Rng) -> AccessId {
        let body: Vec<u8> = (0..ACCESS_BODY_CHARS)
            .map(|_| rng.random_range(0..32u8))
            .collect();
        Self::from_values(&body)
    }

    /// Accepts lower case, spaces and dashes anywhere, and O, I, L for 0, 1, 1.
    pub fn parse(raw: &str) -> Result<AccessId, IdError> {
        const FIELD: &str = "access_id";
        if raw.chars().count() > MAX_ACCESS_ID_CHARS {
            return Err(malformed(FIELD, "wrong_length"));
        }
        let text = normalize(raw);
        if !text.bytes().all(|b| CROCKFORD_CHECK.contains(&b)) {
            return Err(malformed(FIELD, "bad_character"));
        }
        if text.len() != ACCESS_BODY_CHARS + 1 {
            return Err(malformed(FIELD, "wrong_length"));
        }
        let (body, check) = text.as_bytes().split_at(ACCESS_BODY_CHARS);
        let values = body
            .iter()
            .map(|b| CROCKFORD.iter().position(|c| c == b).map(|v| v as u8))
            .collect::<Option<Vec<u8>>>()
            .ok_or(malformed(FIELD, "bad_character"))?;
        for id in [Self::from_values(&values), Self::legacy(&values)] {
            if id.0.as_bytes().last() == check.first() {
                return Ok(id);
            }
        }
        Err(malformed(FIELD, "bad_check_character"))
    }

    /// The canonical text of 20 base32 digit values (each below 32): the groups, then the
    /// check symbol ([`damm32`]: the value that brings the interim back to 0).
    fn from_values(values: &[u8]) -> AccessId {
        let check = times_x(damm32(values.iter().copied()));
        Self::with_check(values, CROCKFORD[usize::from(check)])
    }

    /// The text an Access ID issued before had: the check symbol was the whole number modulo
    /// 37, from [`CROCKFORD_CHECK`].
    fn legacy(values: &[u8]) -> AccessId {
        let remainder = values.iter().fold(0u32, |remainder, value| {
            (remainder * 32 + u32::from(*value)) % 37
        });
        Self::with_check(values, CROCKFORD_CHECK[remainder as usize])
    }

    fn with_check(values: &[u8], check: u8) -> AccessId {
        let mut text = String::with_capacity(25);
        for (index, value) in values.iter().enumerate() {
            if index > 0 && index % 5 == 0 {
                text.push('-');
            }
            text.push(char::from(CROCKFORD[usize::from(*value)]));
        }
        text.push('-');
        text.push(char::from(check));
        AccessId(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the form issued before (its check symbol is the mod-37 one, not
    /// [`damm32`]'s). Such an ID is accepted only if a contract holds it as issued: a typed ID
    /// that passes only the old check and matches nothing is answered as a wrong check
    /// character, so mistype detection is as strong as the new check alone.
    pub fn is_legacy(&self) -> bool {
        let values: Vec<u8> = self
            .0
            .bytes()
            .filter(|b| *b != b'-')
            .take(ACCESS_BODY_CHARS)
            .filter_map(|b| CROCKFORD.iter().position(|c| *c == b).map(|v| v as u8))
            .collect();
        Self::from_values(&values).0 != self.0
    }
}

impl fmt::Display for AccessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AccessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessId(<redacted>)")
    }
}

/// The public half of a contract's credentials, `1234-5678-9`: eight random digits and a
/// check digit.
///
/// The check digit uses Damm's algorithm rather than Luhn's: both catch every single wrong
/// digit, but Luhn misses the transposition 09 ↔ 90, while Damm catches every swap of two
/// adjacent different digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ContractId(String);

/// Damm's totally anti-symmetric quasigroup of order 10.
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm_interim(digits: &[u8]) -> u8 {
    digits
        .iter()
        .fold(0, |interim, d| DAMM[usize::from(interim)][usize::from(*d)])
}

impl ContractId {
    /// Draws eight random digits and appends the check digit.
    pub fn generate(rng: &mut impl rand::Rng) -> ContractId {
        let digits: Vec<u8> = (0..CONTRACT_BODY_DIGITS)
            .map(|_| rng.random_range(0..10u8))
            .collect();
        Self::from_digits(&digits)
    }

    /// Accepts spaces and dashes anywhere, and O, I, L for 0, 1, 1.
    pub fn parse(raw: &str) -> Result<ContractId, IdError> {
        const FIELD: &str = "contract_id";
        if raw.chars().count() > MAX_CONTRACT_ID_CHARS {
            return Err(malformed(FIELD, "wrong_length"));
        }
        let text = normalize(raw);
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed(FIELD, "bad_character"));
        }
        if text.len() != CONTRACT_BODY_DIGITS + 1 {
            return Err(malformed(FIELD, "wrong_length"));
        }
        let digits: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        // A number with a correct Damm check digit folds to zero.
        if damm_interim(&digits) != 0 {
            return Err(malformed(FIELD, "bad_check_character"));
        }
        Ok(Self::from_digits(&digits[..CONTRACT_BODY_DIGITS]))
    }

    /// Builds the canonical text from eight digit values (each below 10).
    fn from_digits(digits: &[u8]) -> ContractId {
        let mut text = String::with_capacity(11);
        for (index, digit) in digits.iter().enumerate() {
            if index == 4 {
                text.push('-');
            }
            text.push(char::from(b'0' + digit));
        }
        text.push('-');
        text.push(char::from(b'0' + damm_interim(digits)));
        ContractId(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContractId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    fn rng(seed: u64) -> rand::rngs::StdRng {
        rand::rngs::StdRng::seed_from_u64(seed)
    }

    #[test]
    fn canonical_shapes() {
        let access = AccessId::generate(&mut rng(1));
        let text = access.as_str();
        assert_eq!(text.len(), 25);
        let groups: Vec<&str> = text.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [5, 5, 5, 5, 1]
        );
        let contract = ContractId::generate(&mut rng(1));
        let groups: Vec<&str> = contract.as_str().split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [4, 4, 1]
        );
    }

    #[test]
    fn known_values() {
        // All zeros: the number is 0, so the check symbol is 0.
        let zero = AccessId::parse("00000-00000-00000-00000-0").expect("valid");
        assert_eq!(zero.as_str(), "00000-00000-00000-00000-0");
        // The number 36 is "14" in base32; 36 mod 37 = 36 → "U".
        let u = AccessId::parse("000000000000000000 14 u").expect("valid");
        assert_eq!(u.as_str(), "00000-00000-00000-00014-U");
        // Damm's own worked example: 572 → check digit 4 (leading zeros change nothing).
        assert_eq!(damm_interim(&[5, 7, 2]), 4);
        assert_eq!(
            ContractId::parse("0000 o572 4").map(|c| c.to_string()),
            Ok("0000-0572-4".to_owned())
        );
        assert_eq!(
            ContractId::parse("0000-0572-5").map_err(|e| e.reason()),
            Err("bad_check_character")
        );
    }

    #[test]
    fn access_id_is_never_debug_printed() {
        let access = AccessId::generate(&mut rng(2));
        assert!(!format!("{access:?}").contains(access.as_str()));
        assert_eq!(
            serde_json::to_string(&access).expect("serializes"),
            format!("\"{access}\"")
        );
    }

    #[test]
    fn malformed_reasons() {
        let reason = |r: Result<AccessId, IdError>| r.map(|_| ()).map_err(|e| e.reason());
        assert_eq!(reason(AccessId::parse("")), Err("wrong_length"));
        assert_eq!(reason(AccessId::parse("ABCDE")), Err("wrong_length"));
        assert_eq!(
            reason(AccessId::parse("00000-00000-00000-0000!-0")),
            Err("bad_character")
        );
        // U is only valid as the check character.
        assert_eq!(
            reason(AccessId::parse("U0000-00000-00000-00000-0")),
            Err("bad_character")
        );
        assert_eq!(
            reason(AccessId::parse("00000-00000-00000-00000-1")),
            Err("bad_check_character")
        );
        let error = ContractId::parse("1234-5678").expect_err("too short");
        assert_eq!(error.field(), "contract_id");
        assert_eq!(error.reason(), "wrong_length");
        assert_eq!(
            ContractId::parse("1234-567A-0").map_err(|e| e.reason()),
            Err("bad_character")
        );
        assert_eq!(
            error.to_field_error(),
            crate::domain::FieldError::new("contract_id", "wrong_length")
        );
    }

    /// Writes a canonical ID the way a careless person might type it back.
    fn sloppy(canonical: &str) -> String {
        canonical
            .chars()
            .filter(|c| *c != '-')
            .enumerate()
            .map(|(i, c)| {
                let c = match c {
                    '0' if i % 2 == 0 => 'o',
                    '1' if i % 3 == 0 => 'l',
                    '1' => 'I',
                    other => other.to_ascii_lowercase(),
                };
                if i % 4 == 3 {
                    format!("{c} -")
                } else {
                    c.to_string()
                }
            })
            .collect()
    }

    proptest! {
        #[test]
        fn access_id_round_trips(seed in any::<u64>()) {
            let id = AccessId::generate(&mut rng(seed));
            prop_assert_eq!(AccessId::parse(id.as_str()), Ok(id.clone()));
            prop_assert_eq!(AccessId::parse(&sloppy(id.as_str())), Ok(id));
        }

        #[test]
        fn contract_id_round_trips(seed in any::<u64>()) {
            let id = ContractId::generate(&mut rng(seed));
            prop_assert_eq!(ContractId::parse(id.as_str()), Ok(id.clone()));
            prop_assert_eq!(ContractId::parse(&sloppy(id.as_str())), Ok(id));
        }

        #[test]
        fn access_id_substitution_is_detected(
            seed in any::<u64>(),
            position in 0..21usize,
            replacement in 0..37usize,
        ) {
            let id = AccessId::generate(&mut rng(seed));
            let mut chars: Vec<u8> = id.as_str().bytes().filter(|b| *b != b'-').collect();
            let new = CROCKFORD_CHECK[replacement];
            prop_assume!(chars[position] != new);
            chars[position] = new;
            let typed = String::from_utf8(chars).expect("ascii");
            // Refused, or read only as an old-form ID (refused as a wrong check character
            // unless a contract holds exactly that ID).
            prop_assert!(AccessId::parse(&typed).map_or(true, |typed| typed.is_legacy()));
        }

        #[test]
        fn access_id_adjacent_transposition_is_detected(seed in any::<u64>(), position in 0..19usize) {
            let id = AccessId::generate(&mut rng(seed));
            let mut chars: Vec<u8> = id.as_str().bytes().filter(|b| *b != b'-').collect();
            prop_assume!(chars[position] != chars[position + 1]);
            chars.swap(position, position + 1);
            let typed = String::from_utf8(chars).expect("ascii");
            prop_assert!(AccessId::parse(&typed).map_or(true, |typed| typed.is_legacy()));
        }

        #[test]
        fn access_ids_are_letters_and_digits_and_old_ones_still_parse(seed in any::<u64>()) {
            let id = AccessId::generate(&mut rng(seed));
            prop_assert!(id.as_str().bytes().all(|b| b == b'-' || CROCKFORD.contains(&b)));
            prop_assert!(!id.is_legacy());
            let values: Vec<u8> = id
                .as_str()
                .bytes()
                .filter(|b| *b != b'-')
                .take(ACCESS_BODY_CHARS)
                .map(|b| CROCKFORD.iter().position(|c| *c == b).expect("base32") as u8)
                .collect();
            let old = AccessId::legacy(&values);
            prop_assert_eq!(AccessId::parse(old.as_str()), Ok(old.clone()));
            prop_assert_eq!(old.is_legacy(), old != id);
        }
    }

    /// Exhaustive over positions, symbols and swaps of adjacent characters: the new check
    /// symbol alone catches every one.
    #[test]
    fn access_id_check_catches_every_substitution_and_adjacent_transposition() {
        let mut generator = rng(11);
        for _ in 0..300 {
            let id = AccessId::generate(&mut generator);
            let values: Vec<u8> = id
                .as_str()
                .bytes()
                .filter(|b| *b != b'-')
                .map(|b| CROCKFORD.iter().position(|c| *c == b).expect("base32") as u8)
                .collect();
            assert_eq!(damm32(values.iter().copied()), 0, "{id}");
            for position in 0..values.len() {
                for symbol in 0..32u8 {
                    if symbol == values[position] {
                        continue;
                    }
                    let mut typed = values.clone();
                    typed[position] = symbol;
                    assert_ne!(damm32(typed), 0, "{id}: {position} to {symbol}");
                }
                if position + 1 < values.len() && values[position] != values[position + 1] {
                    let mut typed = values.clone();
                    typed.swap(position, position + 1);
                    assert_ne!(damm32(typed), 0, "{id}: swap at {position}");
                }
            }
        }
    }

    /// Exhaustive over positions and digits, for many random IDs.
    #[test]
    fn contract_id_catches_every_substitution_and_adjacent_transposition() {
        let mut generator = rng(3);
        for _ in 0..500 {
            let id = ContractId::generate(&mut generator);
            let digits: Vec<u8> = id.as_str().bytes().filter(|b| *b != b'-').collect();
            for position in 0..digits.len() {
                for digit in b'0'..=b'9' {
                    if digit == digits[position] {
                        continue;
                    }
                    let mut typed = digits.clone();
                    typed[position] = digit;
                    let typed = String::from_utf8(typed).expect("ascii");
                    assert!(ContractId::parse(&typed).is_err(), "{id} vs {typed}");
                }
            }
            for position in 0..digits.len() - 1 {
                if digits[position] == digits[position + 1] {
                    continue;
                }
                let mut typed = digits.clone();
                typed.swap(position, position + 1);
                let typed = String::from_utf8(typed).expect("ascii");
                assert!(ContractId::parse(&typed).is_err(), "{id} vs {typed}");
            }
        }
    }

    /// Includes the pair Luhn cannot see.
    #[test]
    fn contract_id_catches_zero_nine_swap() {
        for a in 0..10u8 {
            for b in 0..10u8 {
                if a == b {
                    continue;
                }
                let digits = [1, 2, 3, 4, 5, 6, a, b];
                let id = ContractId::from_digits(&digits);
                let mut typed: Vec<u8> = id.as_str().bytes().filter(|c| *c != b'-').collect();
                typed.swap(6, 7);
                let typed = String::from_utf8(typed).expect("ascii");
                assert!(ContractId::parse(&typed).is_err(), "{id} vs {typed}");
            }
        }
    }
}
