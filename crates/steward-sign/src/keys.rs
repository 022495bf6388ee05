//! Signing keys and certificates. Private keys exist here only as [`SecretKey`], which cannot be
//! printed or serialized and is wiped from memory when dropped.

use crate::SignError;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The kinds of key Steward makes. (Ed25519 is avoided: common PDF verifiers reject it.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    P256,
    Rsa3072,
}

impl KeyKind {
    pub fn parse(s: &str) -> Result<Self, SignError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "p256" | "p-256" | "ecdsa" => Ok(KeyKind::P256),
            "rsa3072" | "rsa" | "rsa-3072" => Ok(KeyKind::Rsa3072),
            other => Err(SignError::Input(format!("'{other}' is not a key type: use p256 or rsa3072"))),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::P256 => "p256",
            KeyKind::Rsa3072 => "rsa3072",
        }
    }
}

/// A private key as PKCS#8 DER. Not `Clone`, not `Serialize`; `Debug` shows nothing of it.
pub struct SecretKey(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    pub fn from_pkcs8(der: Vec<u8>) -> Self {
        SecretKey(Zeroizing::new(der))
    }
    /// The raw PKCS#8 bytes, for handing to the credential store only.
    pub fn expose_pkcs8(&self) -> &[u8] {
        &self.0
    }
    pub fn generate(kind: KeyKind) -> Result<Self, SignError> {
        let der = match kind {
            KeyKind::P256 => p256::ecdsa::SigningKey::random(&mut rand_core::OsRng)
                .to_pkcs8_der()
                .map_err(|e| SignError::Key(e.to_string()))?
                .as_bytes()
                .to_vec(),
            KeyKind::Rsa3072 => rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 3072)
                .map_err(|e| SignError::Key(e.to_string()))?
                .to_pkcs8_der()
                .map_err(|e| SignError::Key(e.to_string()))?
                .as_bytes()
                .to_vec(),
        };
        Ok(SecretKey::from_pkcs8(der))
    }
    pub fn kind(&self) -> Result<KeyKind, SignError> {
        if p256::ecdsa::SigningKey::from_pkcs8_der(&self.0).is_ok() {
            Ok(KeyKind::P256)
        } else if rsa::RsaPrivateKey::from_pkcs8_der(&self.0).is_ok() {
            Ok(KeyKind::Rsa3072)
        } else {
            Err(SignError::Key("the private key is neither ECDSA P-256 nor RSA".into()))
        }
    }
}

/// Who a certificate names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
}

/// Makes a self-signed certificate for the key: digitalSignature and nonRepudiation, valid from
/// `not_before` for `years`.
pub fn self_signed_certificate(
    key: &SecretKey,
    who: &Subject,
    not_before: chrono::NaiveDate,
    years: i32,
) -> Result<Vec<u8>, SignError> {
    use chrono::Datelike;
    use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyPair, KeyUsagePurpose, SanType};
    let err = |e: rcgen::Error| SignError::Key(e.to_string());
    let kp = KeyPair::try_from(key.expose_pkcs8()).map_err(err)?;
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, who.name.as_str());
    if let Some(o) = &who.organisation {
        dn.push(DnType::OrganizationName, o.as_str());
    }
    if let Ok(email) = rcgen::string::Ia5String::try_from(who.email.as_str()) {
        dn.push(DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]), DnValue::Ia5String(email.clone()));
        p.subject_alt_names = vec![SanType::Rfc822Name(email)];
    }
    p.distinguished_name = dn;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
    let month = u8::try_from(not_before.month()).unwrap_or(1);
    let day = u8::try_from(not_before.day()).unwrap_or(1).min(28);
    p.not_before = rcgen::date_time_ymd(not_before.year(), month, day);
    p.not_after = rcgen::date_time_ymd(not_before.year() + years, month, day);
    let cert = p.self_signed(&kp).map_err(err)?;
    Ok(cert.der().to_vec())
}

/// A certificate for `key` issued by a new certificate authority `ca_name` of `who`'s
/// organisation (the CA's key is discarded): how the demo shows an institution's chain.
/// Returns the certificate and the authority's.
pub fn issued_by_new_authority(
    key: &SecretKey,
    who: &Subject,
    ca_name: &str,
    not_before: chrono::NaiveDate,
    years: i32,
) -> Result<(Vec<u8>, Vec<u8>), SignError> {
    use chrono::Datelike;
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    let err = |e: rcgen::Error| SignError::Key(e.to_string());
    let (y, m, d) = (
        not_before.year(),
        u8::try_from(not_before.month()).unwrap_or(1),
        u8::try_from(not_before.day()).unwrap_or(1).min(28),
    );
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, ca_name);
    if let Some(o) = &who.organisation {
        dn.push(DnType::OrganizationName, o.as_str());
    }
    ca.distinguished_name = dn;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    // From the same day as the certificate: DER UTCTime (and x509-cert) start at 1970.
    ca.not_before = rcgen::date_time_ymd(y, m, d);
    ca.not_after = rcgen::date_time_ymd(y + years + 5, m, d);
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let kp = KeyPair::try_from(key.expose_pkcs8()).map_err(err)?;
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, who.name.as_str());
    if let Some(o) = &who.organisation {
        dn.push(DnType::OrganizationName, o.as_str());
    }
    if let Ok(email) = rcgen::string::Ia5String::try_from(who.email.as_str()) {
        dn.push(DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]), rcgen::DnValue::Ia5String(email.clone()));
        p.subject_alt_names = vec![rcgen::SanType::Rfc822Name(email)];
    }
    p.distinguished_name = dn;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
    p.not_before = rcgen::date_time_ymd(y, m, d);
    p.not_after = rcgen::date_time_ymd(y + years, m, d);
    p.use_authority_key_identifier_extension = true;
    let leaf = p.signed_by(&kp, &Issuer::from_params(&ca, &ca_key)).map_err(err)?;
    Ok((leaf.der().to_vec(), ca_cert.der().to_vec()))
}

/// Reads a PKCS#12 file: the private key and the certificate chain (leaf first).
pub fn read_pkcs12(data: &[u8], password: &str) -> Result<(SecretKey, Vec<Vec<u8>>), SignError> {
    use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
    let ks = KeyStore::from_pkcs12(data, password, Pkcs12ImportPolicy::Relaxed).map_err(|e| {
        let msg = e.to_string();
        if msg.to_ascii_lowercase().contains("mac") {
            SignError::Input("the password does not open this PKCS#12 file".into())
        } else {
            SignError::Input(format!("not a readable PKCS#12 file: {msg}"))
        }
    })?;
    let (_, chain) = ks
        .private_key_chain()
        .ok_or_else(|| SignError::Input("the PKCS#12 file holds no private key with a certificate".into()))?;
    let key = SecretKey::from_pkcs8(chain.key().as_der().to_vec());
    key.kind()?;
    let certs: Vec<Vec<u8>> = chain.certs().iter().map(|c| c.as_der().to_vec()).collect();
    if certs.is_empty() {
        return Err(SignError::Input("the PKCS#12 file holds no certificate for its key".into()));
    }
    Ok((key, certs))
}

/// Writes a PKCS#12 file (for tests and for exporting a demo identity).
pub fn write_pkcs12(key: &SecretKey, cert_der: &[u8], password: &str) -> Result<Vec<u8>, SignError> {
    write_pkcs12_with_chain(key, cert_der, &[], password)
}

/// Writes a PKCS#12 file carrying the certificate's issuers too (issuer first), as an
/// institution's certificate authority hands one out.
pub fn write_pkcs12_with_chain(
    key: &SecretKey,
    cert_der: &[u8],
    issuers: &[Vec<u8>],
    password: &str,
) -> Result<Vec<u8>, SignError> {
    use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
    let e = |e: p12_keystore::error::Error| SignError::Key(e.to_string());
    let mut ks = KeyStore::new();
    let mut certs = vec![Certificate::from_der(cert_der).map_err(e)?];
    for c in issuers {
        certs.push(Certificate::from_der(c).map_err(e)?);
    }
    let chain = PrivateKeyChain::new("steward-key", PrivateKey::from_der(key.expose_pkcs8()).map_err(e)?, certs);
    ks.add_entry("steward", KeyStoreEntry::PrivateKeyChain(chain));
    ks.writer(password).write().map_err(e)
}

/// Colon-separated upper-case SHA-256 of the certificate's DER.
pub fn fingerprint(cert_der: &[u8]) -> String {
    Sha256::digest(cert_der).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// A certificate's DER as PEM (`-----BEGIN CERTIFICATE-----`), as other tools import it.
pub fn certificate_pem(cert_der: &[u8]) -> Result<String, SignError> {
    der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, cert_der)
        .map_err(|e| SignError::Input(format!("cannot write the certificate as PEM: {e}")))
}

/// The certificate's subject common name, organisation and e-mail.
pub fn describe_certificate(cert_der: &[u8]) -> Result<Subject, SignError> {
    use der::Decode;
    let cert = x509_cert::Certificate::from_der(cert_der)
        .map_err(|e| SignError::Input(format!("not an X.509 certificate: {e}")))?;
    let mut who = Subject { name: String::new(), email: String::new(), organisation: None };
    for rdn in cert.tbs_certificate.subject.0.iter() {
        for atv in rdn.0.iter() {
            let value = atv_text(&atv.value);
            if atv.oid == const_oid::db::rfc4519::CN {
                who.name = value;
            } else if atv.oid == const_oid::db::rfc4519::O {
                who.organisation = Some(value);
            } else if atv.oid == const_oid::db::rfc3280::EMAIL_ADDRESS {
                who.email = value;
            }
        }
    }
    Ok(who)
}

fn atv_text(v: &der::Any) -> String {
    use der::asn1::{Ia5StringRef, PrintableStringRef, Utf8StringRef};
    if let Ok(s) = v.decode_as::<Utf8StringRef<'_>>() {
        return s.as_str().to_string();
    }
    if let Ok(s) = v.decode_as::<PrintableStringRef<'_>>() {
        return s.as_str().to_string();
    }
    if let Ok(s) = v.decode_as::<Ia5StringRef<'_>>() {
        return s.as_str().to_string();
    }
    String::from_utf8_lossy(v.value()).into_owned()
}
