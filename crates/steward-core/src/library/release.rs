//! A library release as it travels in a git repository: the manifest (every version's id, content
//! hash, status and file, the release's sequence number, the previous release's manifest hash, the
//! time, the publisher), signed by the publishing identity. The layout of the repository:
//!
//! ```text
//! steward-library.json        the newest release's manifest
//! steward-library.sig         its signature (the certificate and an ES256 / RS256 signature)
//! releases/<N>.json, <N>.sig  every release's manifest and signature, kept for the hash chain
//! clauses/<id>/<version>.hbs  each clause version, in the documented template format
//! kinds/<id>/<version>.toml   each agreement kind version
//! ```

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use steward_clauses::canonical::sha256_hex;
use steward_sign::raw::{PublicKey, Signer};

pub const FORMAT: &str = "steward-library-release/1";
pub const SIG_FORMAT: &str = "steward-library-signature/1";
pub const MANIFEST: &str = "steward-library.json";
pub const SIGNATURE: &str = "steward-library.sig";
/// The largest manifest or template file read from a remote.
pub const MAX_FILE: u64 = 4 << 20;

/// The identity that signed a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub fingerprint: String,
}

/// One template version in a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// `clause` or `kind`.
    #[serde(rename = "type")]
    pub template_type: String,
    pub id: String,
    /// The version number in the publisher's store.
    pub version: i64,
    pub title: String,
    /// The SHA-256 of the version's canonical content (its name in every store).
    pub hash: String,
    /// `approved` or `deprecated`.
    pub status: String,
    pub path: String,
    /// The SHA-256 of the file's bytes.
    pub file_sha256: String,
}

/// A release's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    /// Whose library it is (the publisher's organisation, or their name).
    pub library: String,
    pub sequence: i64,
    /// The SHA-256 of the previous release's manifest file (none for the first release).
    pub previous: Option<String>,
    pub published_at: String,
    pub publisher: Publisher,
    pub note: Option<String>,
    pub entries: Vec<Entry>,
}

/// The signature file beside a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureFile {
    pub format: String,
    /// The signer's X.509 certificate, DER in hex.
    pub certificate: String,
    /// The signature over the manifest file's bytes, hex.
    pub signature: String,
}

impl Manifest {
    /// The manifest file's bytes (what is signed and hashed).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text.into_bytes()
    }

    /// Reads a manifest file; `what` names it in errors.
    pub fn parse(bytes: &[u8], what: &str) -> Result<Self> {
        let m: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| Error::Release(format!("{what} is not a release manifest: {e}")))?;
        if m.format != FORMAT {
            return Err(Error::Release(format!("{what} has format '{}'; this Steward reads '{FORMAT}'", m.format)));
        }
        if m.sequence < 1 {
            return Err(Error::Release(format!("{what}: release number {} is not positive", m.sequence)));
        }
        Ok(m)
    }

    /// The versions as (hash, status) pairs, for comparing two releases.
    pub fn content(&self) -> std::collections::BTreeSet<(String, String)> {
        self.entries.iter().map(|e| (e.hash.clone(), e.status.clone())).collect()
    }
}

/// The manifest's hash as the next release names it.
pub fn manifest_hash(bytes: &[u8]) -> String {
    sha256_hex(bytes)
}

/// Signs a manifest's bytes with a key and its certificate.
pub fn sign(signer: &Signer, certificate: &[u8], manifest: &[u8]) -> Result<Vec<u8>> {
    let sig = signer.sign(manifest).map_err(|e| Error::Signature(e.to_string()))?;
    let file =
        SignatureFile { format: SIG_FORMAT.into(), certificate: hex::encode(certificate), signature: hex::encode(sig) };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    Ok(text.into_bytes())
}

/// Checks a manifest's signature; returns the signer's certificate fingerprint. `what` names the
/// release in errors.
pub fn verify(manifest: &[u8], signature: &[u8], what: &str) -> Result<String> {
    let file: SignatureFile = serde_json::from_slice(signature)
        .map_err(|e| Error::Release(format!("the signature of {what} cannot be read: {e}")))?;
    if file.format != SIG_FORMAT {
        return Err(Error::Release(format!("the signature of {what} has format '{}'", file.format)));
    }
    let cert = hex::decode(file.certificate.trim())
        .map_err(|_| Error::Release(format!("the signature of {what}: the certificate is not hex")))?;
    let sig = hex::decode(file.signature.trim())
        .map_err(|_| Error::Release(format!("the signature of {what} is not hex")))?;
    let key =
        PublicKey::from_certificate(&cert).map_err(|e| Error::Release(format!("the signature of {what}: {e}")))?;
    if !key.verify(manifest, &sig) {
        return Err(Error::Release(format!(
            "the signature of {what} does not match its manifest: the manifest was changed after it was signed"
        )));
    }
    Ok(steward_sign::keys::fingerprint(&cert))
}

/// A fingerprint as we store and compare it: upper-case hex pairs joined by colons. Spaces,
/// colons and case in the input do not matter; anything but 64 hex digits is refused.
pub fn normalise_fingerprint(input: &str) -> std::result::Result<String, String> {
    let hex: String = input.chars().filter(|c| !matches!(c, ':' | ' ' | '-')).collect::<String>().to_ascii_uppercase();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "'{}' is not a certificate fingerprint (64 hex digits, as `steward identity list` shows them)",
            input.chars().take(80).collect::<String>()
        ));
    }
    Ok(hex.as_bytes().chunks(2).map(|p| String::from_utf8_lossy(p).into_owned()).collect::<Vec<_>>().join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_sign::keys::{KeyKind, SecretKey, Subject, self_signed_certificate};

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            library: "The University of Northmoor".into(),
            sequence: 1,
            previous: None,
            published_at: "2027-01-04T10:00:00Z".into(),
            publisher: Publisher {
                name: "Samuel Okafor".into(),
                email: "s.okafor@northmoor.ac.uk".into(),
                organisation: Some("The University of Northmoor".into()),
                fingerprint: "AB".into(),
            },
            note: None,
            entries: vec![],
        }
    }

    #[test]
    fn a_signed_manifest_verifies_and_any_change_is_named() {
        let key = SecretKey::generate(KeyKind::P256).expect("key");
        let who = Subject { name: "S".into(), email: "s@example.org".into(), organisation: None };
        let today = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).expect("date");
        let cert = self_signed_certificate(&key, &who, today, 1).expect("certificate");
        let bytes = manifest().to_bytes();
        let sig = sign(&Signer::new(&key).expect("signer"), &cert, &bytes).expect("signs");
        assert_eq!(verify(&bytes, &sig, "release 1").expect("verifies"), steward_sign::keys::fingerprint(&cert));
        let mut changed = bytes.clone();
        changed[10] ^= 1;
        let e = verify(&changed, &sig, "release 1").expect_err("changed");
        assert!(e.to_string().contains("changed after it was signed"), "{e}");
        assert!(verify(&bytes, b"{}", "release 1").is_err());
        assert!(verify(&bytes, b"not json", "release 1").is_err());
        assert_eq!(Manifest::parse(&bytes, "m").expect("parses"), manifest());
        assert!(Manifest::parse(b"{\"format\":\"other\"}", "m").is_err());
        let mut m = manifest();
        m.format = "steward-library-release/9".into();
        assert!(Manifest::parse(&m.to_bytes(), "m").expect_err("format").to_string().contains("/9"));
    }

    #[test]
    fn fingerprints_are_normalised_and_checked() {
        let hex = "ab".repeat(32);
        let want = ["AB"; 32].join(":");
        assert_eq!(normalise_fingerprint(&hex).expect("plain"), want);
        assert_eq!(normalise_fingerprint(&want.to_lowercase()).expect("colons"), want);
        assert!(normalise_fingerprint("AB:CD").is_err());
        assert!(normalise_fingerprint(&"zz".repeat(32)).is_err());
    }
}
