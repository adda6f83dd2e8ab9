//! Hex SHA-256 of bytes: the fingerprint of every file, key and slug.
//!
//! Its own module, at the ground floor: `text` (long slugs), `output` (the
//! manifest), `world` and `rerun` all hash, and none of them should have to
//! depend on another to do so.

use sha2::{Digest, Sha256};

/// Hex SHA-256 (64 lowercase hex digits).
pub fn hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
