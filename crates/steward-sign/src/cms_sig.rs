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

fn b(e: impl std::fmt::Display) -> SignError {
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
    let sig = si.signature.as_bytes();
    let signature_valid = {
        use p256::ecdsa::signature::Verifier;
        use p256::pkcs8::DecodePublicKey;
        if let Ok(vk) = p256::ecdsa::VerifyingKey::from_public_key_der(&spki) {
            p256::ecdsa::DerSignature::from_bytes(sig).ok().is_some_and(|s| vk.verify(&signed, &s).is_ok())
        } else if let Ok(pk) = rsa::RsaPublicKey::from_public_key_der(&spki) {
            let vk = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(pk);
            rsa::pkcs1v15::Signature::try_from(sig).ok().is_some_and(|s| vk.verify(&signed, &s).is_ok())
        } else {
            false
        }
    };
    Ok(CmsCheck {
        certificate: cert_der,
        digest_matches: md.as_bytes() == digest,
        signature_valid,
        signing_certificate_bound: bound,
    })
}
