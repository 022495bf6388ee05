//! RFC 3161 time stamps: the request Steward sends a time-stamping authority (TSA), the checks
//! on the token it answers with, and the HTTP client that asks. A signature time stamp (PAdES
//! B-T) is over the signature value; a document time stamp over the file's signed byte ranges.

use crate::SignError;
use crate::cms_sig::{self, b};
use cms::cert::CertificateChoices;
use cms::signed_data::{SignedData, SignerIdentifier};
use const_oid::db::{rfc5911, rfc5912};
use der::asn1::{Int, OctetString};
use der::oid::ObjectIdentifier;
use der::{Decode, Encode};
use spki::AlgorithmIdentifier;
use x509_cert::Certificate;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

/// id-ct-TSTInfo: the content type of a time-stamp token's signed content.
pub const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// id-kp-timeStamping: the extended key usage a TSA's certificate must have, alone and critical.
pub const ID_KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// The largest TSA answer Steward reads.
pub const MAX_RESPONSE: u64 = 256 << 10;

/// Something that answers a SHA-256 digest with an RFC 3161 time-stamp token (DER).
pub trait TimeStamper: Send + Sync {
    fn token(&self, sha256: &[u8]) -> Result<Vec<u8>, SignError>;
}

/// A DER `TimeStampReq` for a SHA-256 digest, asking for the TSA's certificate.
pub fn request(sha256: &[u8], nonce: u64) -> Result<Vec<u8>, SignError> {
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifier { oid: rfc5912::ID_SHA_256, parameters: None },
            hashed_message: OctetString::new(sha256).map_err(b)?,
        },
        req_policy: None,
        nonce: Some(Int::new(&nonce_bytes(nonce)).map_err(b)?),
        cert_req: true,
        extensions: None,
    };
    req.to_der().map_err(b)
}

/// A positive INTEGER's minimal two's-complement bytes.
fn nonce_bytes(nonce: u64) -> Vec<u8> {
    let b = nonce.to_be_bytes();
    let first = b.iter().position(|&x| x != 0).unwrap_or(7);
    let mut v = Vec::with_capacity(9);
    if b[first] >= 0x80 {
        v.push(0);
    }
    v.extend_from_slice(&b[first..]);
    v
}

/// The token of a TSA's answer, checked to be granted, for `sha256` and with our nonce.
pub fn token_from_response(resp: &[u8], sha256: &[u8], nonce: u64) -> Result<Vec<u8>, SignError> {
    let bad = |m: &str| SignError::Input(format!("the time-stamping authority's answer {m}"));
    let r = TimeStampResp::from_der(resp).map_err(|e| bad(&format!("is not an RFC 3161 response ({e})")))?;
    let status = r.status.status as u8;
    // 0 granted, 1 granted with modifications.
    if status > 1 {
        let text = r
            .status
            .status_string
            .as_ref()
            .map(|s| s.iter().map(|t| t.to_string()).collect::<Vec<_>>().join("; "))
            .unwrap_or_default();
        return Err(bad(&format!(
            "refuses the request (status {status}{})",
            if text.is_empty() { String::new() } else { format!(": {text}") }
        )));
    }
    let token = r.time_stamp_token.ok_or_else(|| bad("holds no token"))?;
    let der = token.to_der().map_err(b)?;
    let (_, tst) = signed_content(&der).map_err(|e| bad(&format!("holds a damaged token ({e})")))?;
    if tst.message_imprint.hash_algorithm.oid != rfc5912::ID_SHA_256
        || tst.message_imprint.hashed_message.as_bytes() != sha256
    {
        return Err(bad("is a token for other data"));
    }
    let want = Int::new(&nonce_bytes(nonce)).map_err(b)?;
    if tst.nonce.as_ref().is_some_and(|n| n.as_bytes() != want.as_bytes()) {
        return Err(bad("carries another request's nonce"));
    }
    Ok(der)
}

/// The token's SignedData and its TSTInfo.
fn signed_content(token: &[u8]) -> Result<(SignedData, TstInfo), SignError> {
    let ci = cms::content_info::ContentInfo::from_der(token).map_err(b)?;
    if ci.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(SignError::Cms("the time stamp is not a CMS SignedData".into()));
    }
    let sd: SignedData = ci.content.decode_as().map_err(b)?;
    if sd.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(SignError::Cms("the time stamp does not hold a TSTInfo".into()));
    }
    let econtent =
        sd.encap_content_info.econtent.as_ref().ok_or_else(|| SignError::Cms("the time stamp is empty".into()))?;
    let bytes = econtent.decode_as::<OctetString>().map_err(b)?;
    let tst = TstInfo::from_der(bytes.as_bytes()).map_err(b)?;
    Ok((sd, tst))
}

/// What a time-stamp token says, and whether it holds.
#[derive(Debug, Clone)]
pub struct TokenCheck {
    /// The time the authority stamped (its `genTime`), UTC.
    pub time: chrono::DateTime<chrono::Utc>,
    /// Who stamped: the authority certificate's common name (and organisation).
    pub authority: String,
    /// The authority's certificate, DER.
    pub certificate: Vec<u8>,
    /// Every certificate the token carries.
    pub certificates: Vec<Vec<u8>>,
    /// The token's message imprint is the digest of the stamped data.
    pub imprint_matches: bool,
    /// The authority's signature over the token verifies with its certificate.
    pub signature_valid: bool,
    /// Why the token does not hold otherwise (certificate purpose or validity, attributes).
    pub problem: Option<String>,
}

impl TokenCheck {
    /// The token holds: right data, good signature, nothing else wrong.
    pub fn holds(&self) -> bool {
        self.imprint_matches && self.signature_valid && self.problem.is_none()
    }

    /// Every problem in a sentence, if any.
    pub fn problems(&self) -> Option<String> {
        let mut all = Vec::new();
        if !self.imprint_matches {
            all.push("the time stamp is for other data".to_string());
        }
        if !self.signature_valid {
            all.push("the time-stamping authority's signature does not verify".to_string());
        }
        all.extend(self.problem.clone());
        (!all.is_empty()).then(|| all.join("; "))
    }
}

/// Checks a time-stamp token: its message imprint against `digest_of` (the stamped data hashed
/// with the algorithm the token names), the authority's signature and ESS binding, and the
/// authority certificate's purpose and validity at the stamped time. Chains are checked by the
/// caller ([`crate::chain`]).
pub fn check_token(
    token: &[u8],
    digest_of: &dyn Fn(&ObjectIdentifier) -> Option<Vec<u8>>,
) -> Result<TokenCheck, SignError> {
    let (sd, tst) = signed_content(token)?;
    let time = chrono::DateTime::<chrono::Utc>::from_timestamp(
        i64::try_from(tst.gen_time.to_unix_duration().as_secs()).map_err(b)?,
        0,
    )
    .ok_or_else(|| SignError::Cms("the time stamp's time is out of range".into()))?;
    let certs: Vec<&Certificate> = sd
        .certificates
        .as_ref()
        .map(|cs| {
            cs.0.iter()
                .filter_map(|c| if let CertificateChoices::Certificate(c) = c { Some(c) } else { None })
                .collect()
        })
        .unwrap_or_default();
    let si = sd.signer_infos.0.iter().next().ok_or_else(|| SignError::Cms("the time stamp has no signer".into()))?;
    let cert = match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => certs
            .iter()
            .find(|c| c.tbs_certificate.issuer == ias.issuer && c.tbs_certificate.serial_number == ias.serial_number),
        SignerIdentifier::SubjectKeyIdentifier(skid) => {
            certs.iter().find(|c| crate::chain::subject_key_id(c).is_some_and(|k| k == skid.0.as_bytes()))
        }
    }
    .ok_or_else(|| SignError::Cms("the time-stamping authority's certificate is not in the time stamp".into()))?;
    let cert_der = cert.to_der().map_err(b)?;
    let authority = crate::keys::describe_certificate(&cert_der)
        .map(|s| match s.organisation {
            Some(o) if o != s.name => format!("{} ({o})", s.name),
            _ => s.name,
        })
        .unwrap_or_default();
    let mut problems: Vec<String> = Vec::new();
    let mut signature_valid = false;
    // The imprint: the stamp is over the data we were given.
    let imprint = digest_of(&tst.message_imprint.hash_algorithm.oid);
    let imprint_matches = imprint.as_deref() == Some(tst.message_imprint.hashed_message.as_bytes());
    match imprint {
        Some(_) => {}
        None => problems.push(format!(
            "the time stamp uses a digest algorithm Steward does not check ({})",
            tst.message_imprint.hash_algorithm.oid
        )),
    }
    // The signed attributes: content type, digest of the TSTInfo, the certificate bound.
    let econtent = sd.encap_content_info.econtent.as_ref().and_then(|e| e.decode_as::<OctetString>().ok());
    let tst_bytes = econtent.as_ref().map(OctetString::as_bytes).unwrap_or_default();
    match si.signed_attrs.as_ref() {
        None => problems.push("the time stamp has no signed attributes".into()),
        Some(attrs) => {
            let ct = attrs
                .iter()
                .find(|a| a.oid == rfc5911::ID_CONTENT_TYPE)
                .and_then(|a| a.values.iter().next())
                .and_then(|v| v.decode_as::<ObjectIdentifier>().ok());
            if ct != Some(ID_CT_TST_INFO) {
                problems.push("the time stamp's signed content type is not TSTInfo".into());
            }
            let md = attrs
                .iter()
                .find(|a| a.oid == rfc5911::ID_MESSAGE_DIGEST)
                .and_then(|a| a.values.iter().next())
                .and_then(|v| v.decode_as::<OctetString>().ok());
            let want = cms_sig::digest(&si.digest_alg.oid, &[tst_bytes]);
            if want.is_none() || md.as_ref().map(OctetString::as_bytes) != want.as_deref() {
                problems.push("the time stamp's signed digest does not match its content".into());
            }
            if !cms_sig::binds_certificate(attrs, &cert_der) {
                problems.push("no ESS signing-certificate attribute binds the time-stamping certificate".into());
            }
            let signed = attrs.to_der().map_err(b)?;
            let spki = cert.tbs_certificate.subject_public_key_info.to_der().map_err(b)?;
            signature_valid = cms_sig::verify_signed(&spki, &si.digest_alg.oid, &signed, si.signature.as_bytes());
        }
    }
    if !crate::chain::only_time_stamping(cert) {
        problems.push(format!(
            "the certificate of {authority} is not for time stamping (it needs a critical extended key usage of time stamping alone)"
        ));
    }
    if let Some(p) = crate::chain::outside_validity(cert, time) {
        problems.push(format!("the certificate of {authority} {p} at the stamped time"));
    }
    Ok(TokenCheck {
        time,
        authority,
        certificate: cert_der,
        certificates: certs.iter().filter_map(|c| c.to_der().ok()).collect(),
        imprint_matches,
        signature_valid,
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
    })
}

/// A time-stamping authority reached over HTTP(S) (`application/timestamp-query`).
pub struct HttpTsa {
    pub url: String,
    pub timeout: std::time::Duration,
}

impl HttpTsa {
    pub fn new(url: &str) -> Result<Self, SignError> {
        let u = url.trim();
        if !(u.starts_with("http://") || u.starts_with("https://")) || u.len() < 10 || u.contains(char::is_whitespace) {
            return Err(SignError::Input(format!(
                "the time-stamping authority's address {u:?} is not an http:// or https:// URL"
            )));
        }
        Ok(Self { url: u.to_string(), timeout: std::time::Duration::from_secs(20) })
    }
}

impl TimeStamper for HttpTsa {
    fn token(&self, sha256: &[u8]) -> Result<Vec<u8>, SignError> {
        let nonce = {
            let mut b = [0u8; 8];
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
            u64::from_be_bytes(b) >> 1
        };
        let body = request(sha256, nonce)?;
        let agent: ureq::Agent =
            ureq::Agent::config_builder().timeout_global(Some(self.timeout)).http_status_as_error(false).build().into();
        let unreachable = |e: &dyn std::fmt::Display| {
            SignError::Input(format!("the time-stamping authority at {} could not be reached: {e}", self.url))
        };
        let mut resp = agent
            .post(&self.url)
            .header("Content-Type", "application/timestamp-query")
            .header("Accept", "application/timestamp-reply")
            .send(&body[..])
            .map_err(|e| unreachable(&e))?;
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(SignError::Input(format!(
                "the time-stamping authority at {} answered HTTP {status} instead of a time stamp",
                self.url
            )));
        }
        let bytes = resp.body_mut().with_config().limit(MAX_RESPONSE).read_to_vec().map_err(|e| unreachable(&e))?;
        token_from_response(&bytes, sha256, nonce).map_err(|e| SignError::Input(format!("{} (from {})", e, self.url)))
    }
}

/// GETs `url` (http or https), reading at most `limit` bytes: for CRLs a DSS keeps.
pub fn http_get(url: &str, limit: u64) -> Result<Vec<u8>, SignError> {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(std::time::Duration::from_secs(15))).build().into();
    let mut resp = agent.get(url).call().map_err(|e| SignError::Input(format!("{url} could not be fetched: {e}")))?;
    resp.body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| SignError::Input(format!("{url} could not be read: {e}")))
}
