//! Plain signatures over bytes (the decision log signs each entry's canonical encoding): ECDSA
//! P-256 (DER) or RSA PKCS#1 v1.5, both with SHA-256, made with a credential-store key and
//! checked against the public key of a certificate.

use crate::SignError;
use crate::keys::SecretKey;
use der::{Decode, Encode};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey};
use sha2::Sha256;

/// A private key ready to sign many messages (parsed once).
pub enum Signer {
    P256(p256::ecdsa::SigningKey),
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>),
}

impl Signer {
    pub fn new(key: &SecretKey) -> Result<Self, SignError> {
        if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_der(key.expose_pkcs8()) {
            Ok(Signer::P256(k))
        } else if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(key.expose_pkcs8()) {
            Ok(Signer::Rsa(Box::new(rsa::pkcs1v15::SigningKey::<Sha256>::new(k))))
        } else {
            Err(SignError::Key("unsupported private key".into()))
        }
    }

    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        match self {
            Signer::P256(k) => {
                let s: p256::ecdsa::Signature =
                    k.try_sign(msg).map_err(|e| SignError::Key(format!("signing failed: {e}")))?;
                Ok(s.to_der().as_bytes().to_vec())
            }
            Signer::Rsa(k) => {
                use p256::ecdsa::signature::SignatureEncoding;
                let s: rsa::pkcs1v15::Signature =
                    k.try_sign(msg).map_err(|e| SignError::Key(format!("signing failed: {e}")))?;
                Ok(s.to_vec())
            }
        }
    }
}

/// The public key of a certificate, ready to check many signatures. P-256 signatures are checked
/// with ring (several times faster than the pure-Rust verifier: a log of 100,000 entries is
/// checked in seconds).
#[derive(Clone)]
pub enum PublicKey {
    P256(ring::signature::UnparsedPublicKey<Vec<u8>>),
    Rsa(rsa::pkcs1v15::VerifyingKey<Sha256>),
}

impl PublicKey {
    pub fn from_certificate(cert_der: &[u8]) -> Result<Self, SignError> {
        let cert = x509_cert::Certificate::from_der(cert_der)
            .map_err(|e| SignError::Input(format!("not an X.509 certificate: {e}")))?;
        let spki = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| SignError::Input(format!("certificate key: {e}")))?;
        if p256::ecdsa::VerifyingKey::from_public_key_der(&spki).is_ok() {
            // The uncompressed SEC1 point, as ring takes it.
            let point = cert.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes().to_vec();
            Ok(PublicKey::P256(ring::signature::UnparsedPublicKey::new(
                &ring::signature::ECDSA_P256_SHA256_ASN1,
                point,
            )))
        } else if let Ok(pk) = rsa::RsaPublicKey::from_public_key_der(&spki) {
            Ok(PublicKey::Rsa(rsa::pkcs1v15::VerifyingKey::<Sha256>::new(pk)))
        } else {
            Err(SignError::Input("the certificate's key is neither P-256 nor RSA".into()))
        }
    }

    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            PublicKey::P256(k) => k.verify(msg, sig).is_ok(),
            PublicKey::Rsa(vk) => {
                rsa::pkcs1v15::Signature::try_from(sig).ok().is_some_and(|s| vk.verify(msg, &s).is_ok())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyKind, Subject, self_signed_certificate};

    #[test]
    fn signatures_verify_with_the_certificate_and_fail_when_anything_changes() {
        for kind in [KeyKind::P256, KeyKind::Rsa3072] {
            let key = SecretKey::generate(kind).expect("key");
            let who = Subject { name: "A".into(), email: "a@example.org".into(), organisation: None };
            let today = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).expect("date");
            let cert = self_signed_certificate(&key, &who, today, 1).expect("certificate");
            let sig = Signer::new(&key).expect("signer").sign(b"entry 1").expect("signs");
            let pk = PublicKey::from_certificate(&cert).expect("public key");
            assert!(pk.verify(b"entry 1", &sig));
            assert!(!pk.verify(b"entry 2", &sig));
            let mut bad = sig.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            assert!(!pk.verify(b"entry 1", &bad));
            assert!(!pk.verify(b"entry 1", b"garbage"));
        }
        assert!(PublicKey::from_certificate(b"not a certificate").is_err());
    }
}
