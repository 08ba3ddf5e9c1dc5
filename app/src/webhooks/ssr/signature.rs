//! Standard Webhooks signatures (<https://www.standardwebhooks.com>), server only.
//!
//! A secret is `whsec_` followed by the base64 of 32 random bytes; those bytes are the HMAC-SHA256
//! key. Each delivery carries `webhook-id` (the message's id, the same on every attempt),
//! `webhook-timestamp` (seconds since the epoch, of this attempt) and `webhook-signature`: one
//! `v1,<base64 HMAC of "id.timestamp.body">` per valid secret, separated by spaces. During a
//! rotation both the new and the old secret sign, so a receiver verifies with whichever it has.

use base64::{Engine, engine::general_purpose::STANDARD};
use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What every secret starts with, so a receiver (and a secret scanner) knows it for what it is.
pub const SECRET_PREFIX: &str = "whsec_";

/// A signing secret. Its `Debug` never shows it, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// A new secret: 256 random bits.
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        Self(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)))
    }

    /// A secret as the partner was shown it (`whsec_…`), e.g. opened from its sealed copy;
    /// `None` unless it is one this module could have made (prefix, base64 of 24 to 64 bytes).
    pub fn parse(text: &str) -> Option<Self> {
        let key = STANDARD.decode(text.strip_prefix(SECRET_PREFIX)?).ok()?;
        (24..=64).contains(&key.len()).then(|| Self(text.to_owned()))
    }

    /// The text the partner copies into its receiver.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn key(&self) -> Vec<u8> {
        // Checked in `parse`/`generate`.
        self.0.strip_prefix(SECRET_PREFIX).and_then(|b64| STANDARD.decode(b64).ok()).unwrap_or_default()
    }

    /// `v1,<signature>` of one delivery attempt.
    pub fn sign(&self, message_id: &str, timestamp: i64, body: &str) -> String {
        // HMAC takes a key of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key()).unwrap_or_else(|_| unreachable!("any key length"));
        mac.update(message_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// The `webhook-signature` header: each secret's signature, the newest first.
pub fn signature_header(secrets: &[Secret], message_id: &str, timestamp: i64, body: &str) -> String {
    secrets.iter().map(|s| s.sign(message_id, timestamp, body)).collect::<Vec<_>>().join(" ")
}

/// The `webhook-id` of a message: `msg_` and its id's 32 hexadecimal digits.
pub fn message_header(message_id: uuid::Uuid) -> String {
    format!("msg_{}", message_id.simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The specification's published test vector: a receiver using any Standard Webhooks
    /// library verifies what this module signs.
    #[test]
    fn signs_the_standard_webhooks_test_vector() {
        let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("the spec's secret");
        assert_eq!(
            secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, r#"{"test": 2432232314}"#),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        // Any other id, time or byte of the body is another signature.
        assert_ne!(
            secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_331, r#"{"test": 2432232314}"#),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn both_secrets_sign_during_a_rotation_newest_first() {
        let old = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let new = Secret::generate();
        let header = signature_header(&[new.clone(), old.clone()], "msg_1", 1, "{}");
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts, [new.sign("msg_1", 1, "{}"), old.sign("msg_1", 1, "{}")]);
    }

    #[test]
    fn secrets_are_random_whsec_and_never_printed() {
        let (a, b) = (Secret::generate(), Secret::generate());
        assert_ne!(a, b);
        assert!(a.expose().starts_with("whsec_"));
        assert_eq!(Secret::parse(a.expose()), Some(a.clone()));
        assert_eq!(STANDARD.decode(&a.expose()[6..]).unwrap().len(), 32);
        assert_eq!(format!("{a:?}"), "Secret(..)");
        assert_eq!(Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), None, "the prefix is part of it");
        assert_eq!(Secret::parse("whsec_not base64!"), None);
        assert_eq!(Secret::parse("whsec_c2hvcnQ="), None, "too short to be a key");
    }

    #[test]
    fn message_ids_are_prefixed_hex() {
        let id = uuid::Uuid::from_u128(0xabc);
        assert_eq!(message_header(id), "msg_00000000000000000000000000000abc");
    }
}
