//! Secrets at rest. What the product must keep for a while but nobody may read there — a new
//! tenant's one-time admin password until "View Password" or its mail, a sign-in link until its
//! mail is delivered — is sealed with ChaCha20-Poly1305 under the server's key
//! (`CLOUDMARKET_SECRET_KEY`). A sealed value is bound to the row it belongs to (the associated
//! data), so it cannot be copied into another row, say a mail to someone else, and opened there.
//!
//! Single-use tokens (the set-password link) are not sealed but stored as their SHA-256: the
//! server only ever has to recognise one, never to show it again.

use std::sync::Arc;

use chacha20poly1305::{
    ChaCha20Poly1305, Key, Nonce,
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload, rand_core::RngCore},
};
use sha2::{Digest, Sha256};

/// Length of the random nonce that starts every sealed value.
const NONCE_LEN: usize = 12;

/// The key secrets are sealed with. Its `Debug` never shows it.
#[derive(Clone)]
pub struct SecretKey(Arc<ChaCha20Poly1305>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    /// A key from 64 hexadecimal digits (32 bytes), as `openssl rand -hex 32` prints them.
    pub fn from_hex(hex: &str) -> Result<Self, &'static str> {
        let bytes =
            decode_hex(hex.trim()).filter(|b| b.len() == 32).ok_or("expected 64 hexadecimal digits (32 bytes)")?;
        Ok(Self(Arc::new(ChaCha20Poly1305::new(Key::from_slice(&bytes)))))
    }

    /// A key nobody knows, for a process whose sealed values need not outlive it (unit tests).
    pub fn random() -> Self {
        Self(Arc::new(ChaCha20Poly1305::new(&ChaCha20Poly1305::generate_key(&mut OsRng))))
    }

    /// `secret` sealed for the row `bound_to` names: a fresh nonce, then the ciphertext and tag.
    pub fn seal(&self, secret: &str, bound_to: &[u8]) -> Vec<u8> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        // Encryption in memory only fails for plaintexts of more than 256 GiB.
        let sealed = self.0.encrypt(&nonce, Payload { msg: secret.as_bytes(), aad: bound_to }).unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// The secret, or `None` when `sealed` was not sealed with this key for this row (another
    /// key, another row, or tampered with).
    pub fn open(&self, sealed: &[u8], bound_to: &[u8]) -> Option<String> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let plain = self.0.decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: bound_to }).ok()?;
        String::from_utf8(plain).ok()
    }
}

/// A new single-use token (64 hexadecimal digits, 256 random bits) and the hash it is stored as.
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = token_hash(&token);
    (token, hash)
}

/// What a token is stored as: its SHA-256.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || !hex.is_ascii() {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "8d5e0c3b1f2a4e6d9c7b5a3f1e2d4c6b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d";

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_for_its_row() {
        let key = SecretKey::from_hex(KEY).unwrap();
        let sealed = key.seal("Xk-29-secret", b"row-1");
        assert!(!String::from_utf8_lossy(&sealed).contains("Xk-29-secret"), "not readable at rest");
        assert_eq!(key.open(&sealed, b"row-1").as_deref(), Some("Xk-29-secret"));
        assert_eq!(key.open(&sealed, b"row-2"), None, "bound to its row");
        assert_eq!(SecretKey::random().open(&sealed, b"row-1"), None, "another key opens nothing");
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(key.open(&tampered, b"row-1"), None);
        assert_eq!(key.open(b"short", b"row-1"), None);
        assert_ne!(key.seal("same", b"r"), key.seal("same", b"r"), "a fresh nonce each time");
    }

    #[test]
    fn keys_are_64_hex_digits_and_never_printed() {
        assert!(SecretKey::from_hex(&KEY[..62]).is_err());
        assert!(SecretKey::from_hex(&KEY.replace('8', "g")).is_err());
        assert!(SecretKey::from_hex(&format!(" {KEY}\n")).is_ok());
        assert_eq!(format!("{:?}", SecretKey::from_hex(KEY).unwrap()), "SecretKey(..)");
    }

    #[test]
    fn tokens_are_random_and_stored_as_their_hash() {
        let (a, hash) = new_token();
        let (b, _) = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash, token_hash(&a));
        assert_eq!(hash.len(), 32);
    }
}

/// A credential from the configuration (an integrator's password): usable by the code that needs
/// it, never shown by `Debug` or `Display`, so logging a settings struct cannot leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct Concealed(String);

impl Concealed {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Concealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Concealed(..)")
    }
}

impl std::str::FromStr for Concealed {
    type Err = std::convert::Infallible;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Ok(Self(raw.to_owned()))
    }
}

#[cfg(test)]
mod concealed_tests {
    use super::Concealed;

    #[test]
    fn a_concealed_credential_never_shows_in_debug() {
        let password = Concealed::new("hunter2");
        assert_eq!(format!("{password:?}"), "Concealed(..)");
        assert_eq!(format!("{:?}", Some(password.clone())), "Some(Concealed(..))");
        assert_eq!(password.expose(), "hunter2");
    }
}
