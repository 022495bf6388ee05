//! CMS SignedData (detached, CAdES: content-type, message-digest and ESS signing-certificate-v2
//! as signed attributes), built and checked.

use crate::SignError;
use crate::keys::SecretKey;
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier};
use const_oid::db::{rfc5911, rfc5912};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use p256::pkcs8::DecodePrivateKey;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    // DEFAULT sha256: absent in DER when SHA-256.
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<IssuerSerial>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// id-aa-timeStampToken (RFC 3161, appendix A): the unsigned attribute of a B-T signature.
pub const ID_AA_TIME_STAMP_TOKEN: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

pub(crate) fn b(e: impl std::fmt::Display) -> SignError {
    SignError::Cms(e.to_string())
}

fn signing_certificate_v2(cert: &Certificate, cert_der: &[u8]) -> Result<Attribute, SignError> {
    let v = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(Sha256::digest(cert_der).to_vec()).map_err(b)?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(cert.tbs_certificate.issuer.clone())],
                serial_number: cert.tbs_certificate.serial_number.clone(),
            }),
        }],
    };
    Ok(Attribute {
        oid: rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2,
        values: SetOfVec::try_from(vec![Any::encode_from(&v).map_err(b)?]).map_err(b)?,
    })
}

/// A detached CMS signature over `digest` (the SHA-256 of the signed byte ranges).
pub fn sign_detached(key: &SecretKey, cert_der: &[u8], digest: &[u8]) -> Result<Vec<u8>, SignError> {
    sign_detached_with(key, cert_der, &[], digest)
}

/// As [`sign_detached`], carrying the certificates of the signer's chain (issuer first) as well.
pub fn sign_detached_with(
    key: &SecretKey,
    cert_der: &[u8],
    chain: &[Vec<u8>],
    digest: &[u8],
) -> Result<Vec<u8>, SignError> {
    let cert = Certificate::from_der(cert_der).map_err(b)?;
    let eci = EncapsulatedContentInfo { econtent_type: rfc5911::ID_DATA, econtent: None };
    let sha256 = AlgorithmIdentifierOwned { oid: rfc5912::ID_SHA_256, parameters: None };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: cert.tbs_certificate.issuer.clone(),
        serial_number: cert.tbs_certificate.serial_number.clone(),
    });
    let attr = signing_certificate_v2(&cert, cert_der)?;
    let mut sd = SignedDataBuilder::new(&eci);
    sd.add_digest_algorithm(sha256.clone()).map_err(b)?;
    sd.add_certificate(CertificateChoices::Certificate(cert.clone())).map_err(b)?;
    for c in chain {
        let c = Certificate::from_der(c).map_err(b)?;
        sd.add_certificate(CertificateChoices::Certificate(c)).map_err(b)?;
    }
    if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_der(key.expose_pkcs8()) {
        let mut si = SignerInfoBuilder::new(&k, sid, sha256, &eci, Some(digest)).map_err(b)?;
        si.add_signed_attribute(attr).map_err(b)?;
        sd.add_signer_info::<_, p256::ecdsa::DerSignature>(si).map_err(b)?;
    } else if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(key.expose_pkcs8()) {
        let k = rsa::pkcs1v15::SigningKey::<Sha256>::new(k);
        let mut si = SignerInfoBuilder::new(&k, sid, sha256, &eci, Some(digest)).map_err(b)?;
        si.add_signed_attribute(attr).map_err(b)?;
        sd.add_signer_info::<_, rsa::pkcs1v15::Signature>(si).map_err(b)?;
    } else {
        return Err(SignError::Key("unsupported private key".into()));
    }
    sd.build().map_err(b)?.to_der().map_err(b)
}

/// What a CMS signature says, checked against the digest of the signed ranges.
#[derive(Debug, Clone)]
pub struct CmsCheck {
    pub certificate: Vec<u8>,
    /// The message-digest attribute equals the digest of the signed ranges.
    pub digest_matches: bool,
    /// The signature over the signed attributes verifies with the certificate's key.
    pub signature_valid: bool,
    /// An ESS signing-certificate-v2 attribute names this certificate.
    pub signing_certificate_bound: bool,
    /// The signature value (what a signature time stamp is over).
    pub signature_value: Vec<u8>,
    /// The RFC 3161 token in the unsigned attributes (PAdES B-T), as DER.
    pub timestamp_token: Option<Vec<u8>>,
    /// Every certificate the signature carries (the signer's and any chain).
    pub certificates: Vec<Vec<u8>>,
}

/// Parses a (zero-padded) CMS blob and checks it against `digest`.
pub fn check_detached(blob: &[u8], digest: &[u8]) -> Result<CmsCheck, SignError> {
    // The /Contents placeholder is zero-padded: cut to the outer TLV's length.
    let mut reader = der::SliceReader::new(blob).map_err(b)?;
    let header = der::Header::decode(&mut reader).map_err(b)?;
    let total =
        usize::try_from(header.length).map_err(b)? + usize::try_from(header.encoded_len().map_err(b)?).map_err(b)?;
    let blob = blob.get(..total).ok_or_else(|| SignError::Cms("the signature is truncated".into()))?;
    let ci = cms::content_info::ContentInfo::from_der(blob).map_err(b)?;
    if ci.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(SignError::Cms("not a CMS SignedData".into()));
    }
    let sd: SignedData = ci.content.decode_as().map_err(b)?;
    let si = sd.signer_infos.0.iter().next().ok_or_else(|| SignError::Cms("no signer".into()))?;
    let certs: Vec<&Certificate> = sd
        .certificates
        .as_ref()
        .map(|cs| {
            cs.0.iter()
                .filter_map(|c| if let CertificateChoices::Certificate(c) = c { Some(c) } else { None })
                .collect()
        })
        .unwrap_or_default();
    let cert = match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => certs
            .iter()
            .find(|c| c.tbs_certificate.issuer == ias.issuer && c.tbs_certificate.serial_number == ias.serial_number),
        SignerIdentifier::SubjectKeyIdentifier(_) => certs.first(),
    }
    .ok_or_else(|| SignError::Cms("the signer's certificate is not in the signature".into()))?;
    let cert_der = cert.to_der().map_err(b)?;
    let attrs = si.signed_attrs.as_ref().ok_or_else(|| SignError::Cms("no signed attributes".into()))?;
    let md = attrs
        .iter()
        .find(|a| a.oid == rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or_else(|| SignError::Cms("no message-digest attribute".into()))?;
    let bound = attrs
        .iter()
        .find(|a| a.oid == rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<SigningCertificateV2>().ok())
        .is_some_and(|s| s.certs.iter().any(|c| c.cert_hash.as_bytes() == Sha256::digest(&cert_der).as_slice()));
    let signed = attrs.to_der().map_err(b)?;
    let spki = cert.tbs_certificate.subject_public_key_info.to_der().map_err(b)?;
    let signature_valid = verify_signed(&spki, &rfc5912::ID_SHA_256, &signed, si.signature.as_bytes());
    let unsigned = si.unsigned_attrs.as_ref();
    let timestamp_token = unsigned
        .and_then(|u| u.iter().find(|a| a.oid == ID_AA_TIME_STAMP_TOKEN))
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.to_der().ok());
    let certificates = certs.iter().filter_map(|c| c.to_der().ok()).collect();
    Ok(CmsCheck {
        certificate: cert_der,
        digest_matches: md.as_bytes() == digest,
        signature_valid,
        signing_certificate_bound: bound,
        signature_value: si.signature.as_bytes().to_vec(),
        timestamp_token,
        certificates,
    })
}

/// `data` hashed with the digest algorithm `alg` (SHA-256, SHA-384 or SHA-512).
pub(crate) fn digest(alg: &der::oid::ObjectIdentifier, data: &[&[u8]]) -> Option<Vec<u8>> {
    fn run<D: Digest>(data: &[&[u8]]) -> Vec<u8> {
        let mut h = D::new();
        for d in data {
            h.update(d);
        }
        h.finalize().to_vec()
    }
    match *alg {
        rfc5912::ID_SHA_256 => Some(run::<Sha256>(data)),
        rfc5912::ID_SHA_384 => Some(run::<sha2::Sha384>(data)),
        rfc5912::ID_SHA_512 => Some(run::<sha2::Sha512>(data)),
        _ => None,
    }
}

/// The digest algorithm of a signature algorithm (ECDSA or RSA PKCS #1 v1.5 with SHA-2).
pub(crate) fn digest_of_signature_algorithm(alg: &der::oid::ObjectIdentifier) -> Option<der::oid::ObjectIdentifier> {
    match *alg {
        rfc5912::ECDSA_WITH_SHA_256 | rfc5912::SHA_256_WITH_RSA_ENCRYPTION => Some(rfc5912::ID_SHA_256),
        rfc5912::ECDSA_WITH_SHA_384 | rfc5912::SHA_384_WITH_RSA_ENCRYPTION => Some(rfc5912::ID_SHA_384),
        rfc5912::ECDSA_WITH_SHA_512 | rfc5912::SHA_512_WITH_RSA_ENCRYPTION => Some(rfc5912::ID_SHA_512),
        _ => None,
    }
}

/// Whether `sig` is a signature over `msg` (hashed with `digest_alg`) by the key in `spki_der`:
/// ECDSA on P-256 or P-384, or RSA PKCS #1 v1.5.
pub(crate) fn verify_signed(spki_der: &[u8], digest_alg: &der::oid::ObjectIdentifier, msg: &[u8], sig: &[u8]) -> bool {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use p256::pkcs8::DecodePublicKey;
    let Some(hash) = digest(digest_alg, &[msg]) else { return false };
    if let Ok(vk) = p256::ecdsa::VerifyingKey::from_public_key_der(spki_der) {
        return p256::ecdsa::DerSignature::from_bytes(sig)
            .ok()
            .and_then(|s| p256::ecdsa::Signature::from_der(s.as_bytes()).ok())
            .is_some_and(|s| vk.verify_prehash(&hash, &s).is_ok());
    }
    if let Ok(vk) = p384::ecdsa::VerifyingKey::from_public_key_der(spki_der) {
        return p384::ecdsa::Signature::from_der(sig).ok().is_some_and(|s| vk.verify_prehash(&hash, &s).is_ok());
    }
    if let Ok(pk) = rsa::RsaPublicKey::from_public_key_der(spki_der) {
        let scheme = match *digest_alg {
            rfc5912::ID_SHA_256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
            rfc5912::ID_SHA_384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
            rfc5912::ID_SHA_512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
            _ => return false,
        };
        return pk.verify(scheme, &hash, sig).is_ok();
    }
    false
}

/// Whether certificate `cert` was signed by the key of `issuer`.
pub(crate) fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    let (Ok(tbs), Ok(spki)) = (cert.tbs_certificate.to_der(), issuer.tbs_certificate.subject_public_key_info.to_der())
    else {
        return false;
    };
    let Some(alg) = digest_of_signature_algorithm(&cert.signature_algorithm.oid) else { return false };
    let Some(sig) = cert.signature.as_bytes() else { return false };
    cert.tbs_certificate.issuer == issuer.tbs_certificate.subject && verify_signed(&spki, &alg, &tbs, sig)
}

/// Whether an ESS signing-certificate (v1, SHA-1) or signing-certificate-v2 attribute among
/// `attrs` names the certificate `cert_der`.
pub(crate) fn binds_certificate(attrs: &x509_cert::attr::Attributes, cert_der: &[u8]) -> bool {
    let v2 = attrs
        .iter()
        .filter(|a| a.oid == rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2)
        .filter_map(|a| a.values.iter().next())
        .filter_map(|v| v.decode_as::<SigningCertificateV2>().ok())
        .any(|s| {
            s.certs.iter().any(|c| {
                let alg = c.hash_algorithm.as_ref().map_or(rfc5912::ID_SHA_256, |a| a.oid);
                digest(&alg, &[cert_der]).is_some_and(|h| h == c.cert_hash.as_bytes())
            })
        });
    let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, cert_der);
    let v1 = attrs
        .iter()
        .filter(|a| a.oid == rfc5911::ID_AA_SIGNING_CERTIFICATE)
        .filter_map(|a| a.values.iter().next())
        .filter_map(|v| v.decode_as::<SigningCertificateV1>().ok())
        .any(|s| s.certs.iter().any(|c| c.cert_hash.as_bytes() == sha1.as_ref()));
    v2 || v1
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertId {
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<IssuerSerial>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV1 {
    certs: Vec<EssCertId>,
}

/// The ESS signing-certificate-v2 attribute for `cert_der` (also used by the test TSA).
pub fn signing_certificate_attribute(cert_der: &[u8]) -> Result<Attribute, SignError> {
    let cert = Certificate::from_der(cert_der).map_err(b)?;
    signing_certificate_v2(&cert, cert_der)
}
