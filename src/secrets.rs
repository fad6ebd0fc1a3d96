//! Passwords, session and API tokens: generation, hashing and constant-time comparison.
//!
//! Passwords are argon2id with the OWASP baseline (19 MiB, 2 passes, 1 lane): about 20 ms on
//! one core of a 2-core server, so a burst of sign-ins cannot starve the machine.
//! Tokens are 256 random bits; only their SHA-256 digest is stored and looked up.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Mutex;
use subtle::ConstantTimeEq;

fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).unwrap_or_default()
}

/// argon2's working memory (19 MiB a hash), kept for the next hash instead of being freed: the
/// allocator would keep each freed block in the arena of the thread that used it, so hashes on
/// many blocking threads would leave hundreds of MiB behind. At most one block per core is
/// kept, as many as hashes run at once (`actions::blocking`).
static MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

fn with_memory<T>(params: &Params, work: impl FnOnce(&mut [Block]) -> T) -> T {
    let blocks = params.block_count();
    let reused = MEMORY
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .pop()
        .filter(|memory| memory.len() == blocks);
    let mut memory = reused.unwrap_or_else(|| vec![Block::default(); blocks]);
    let result = work(&mut memory);
    if blocks == params_blocks() {
        let mut kept = MEMORY.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() < std::thread::available_parallelism().map_or(2, |n| n.get()) {
            kept.push(memory);
        }
    }
    result
}

/// The block count of the parameters new hashes use (hashes with others are not pooled).
fn params_blocks() -> usize {
    params().block_count()
}

/// The raw argon2 output of `password` with `salt` under `algorithm`, `version`, `params`.
fn argon2_output(
    password: &[u8],
    salt: &[u8],
    algorithm: Algorithm,
    version: Version,
    params: Params,
    length: usize,
) -> anyhow::Result<Output> {
    let hasher = Argon2::new(algorithm, version, params.clone());
    Output::init_with(length, |out| {
        with_memory(&params, |memory| {
            hasher.hash_password_into_with_memory(password, salt, out, memory)
        })
        .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .map_err(|error| anyhow::anyhow!("cannot hash password: {error}"))
}

/// An argon2id PHC string for `password`. CPU-heavy: call from a blocking task.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(|error| anyhow::anyhow!("cannot hash password: {error}"))?;
    let params = params();
    let hash = argon2_output(
        password.as_bytes(),
        salt_bytes,
        Algorithm::Argon2id,
        Version::V0x13,
        params.clone(),
        Params::DEFAULT_OUTPUT_LEN,
    )?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)
            .map_err(|error| anyhow::anyhow!("cannot hash password: {error}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(hash),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the stored PHC string (whatever argon2 parameters it names).
/// CPU-heavy: call from a blocking task.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let matches = || -> Option<bool> {
        let stored = PasswordHash::new(phc).ok()?;
        let expected = stored.hash?;
        let algorithm = Algorithm::try_from(stored.algorithm).ok()?;
        let version = stored
            .version
            .map(Version::try_from)
            .transpose()
            .ok()?
            .unwrap_or_default();
        let params = Params::try_from(&stored).ok()?;
        let mut salt_bytes = [0u8; 64];
        let salt = stored.salt?.decode_b64(&mut salt_bytes).ok()?;
        let computed = argon2_output(
            password.as_bytes(),
            salt,
            algorithm,
            version,
            params,
            expected.len(),
        )
        .ok()?;
        // `Output` compares in constant time.
        Some(computed == expected)
    };
    matches().unwrap_or(false)
}

/// A hash of a password nobody has, verified when an email is unknown so that the answer
/// takes as long as for a known one.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password never issued").unwrap_or_default())
}

/// A new random token: 256 bits, URL-safe base64, with a readable prefix.
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The lowercase hex SHA-256 digest under which a token is stored.
pub fn digest(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// Compares two secrets without revealing where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn hashes_are_standard_phc_strings_either_way() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        // Ours verify with the reference implementation, and its hashes (also with other
        // parameters, as older stored hashes may have) verify with ours.
        let ours = hash_password("correct horse battery").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        let salt = SaltString::generate(&mut OsRng);
        let other = Params::new(8 * 1024, 3, 1, None).expect("params");
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, other)
            .hash_password(b"correct horse battery", &salt)
            .expect("hash")
            .to_string();
        assert!(verify_password("correct horse battery", &theirs));
        assert!(!verify_password("correct horse batterx", &theirs));
    }

    #[test]
    fn tokens_are_long_random_and_digested() {
        let a = new_token("spt_");
        let b = new_token("spt_");
        assert_ne!(a, b);
        assert!(a.len() >= 4 + 43);
        assert_eq!(digest(&a).len(), 64);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
    }
}
