//! A test public-key infrastructure: certificate authorities (root, intermediate), signers
//! issued by them, and a time-stamping authority served over HTTP on 127.0.0.1 that answers
//! RFC 3161 requests with tokens signed by a test key, so no test needs the network.

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use const_oid::db::rfc5912;
use der::asn1::{GeneralizedTime, Int};
use der::{Any, Decode, Encode, Tag};
use p256::pkcs8::DecodePrivateKey;
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use spki::AlgorithmIdentifierOwned;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use steward_sign::SecretKey;
use x509_cert::Certificate;
use x509_tsp::{TimeStampReq, TspVersion, TstInfo};

/// A certificate authority: its certificate and key.
pub struct Ca {
    pub name: String,
    /// Where this CA publishes its CRL: named in the certificates it issues from now on.
    pub crl_url: Option<String>,
    pub params: CertificateParams,
    pub key: KeyPair,
    pub der: Vec<u8>,
}

fn ymd(d: chrono::NaiveDate) -> time::OffsetDateTime {
    use chrono::Datelike;
    rcgen::date_time_ymd(d.year(), u8::try_from(d.month()).unwrap_or(1), u8::try_from(d.day()).unwrap_or(1))
}

fn dn(name: &str, org: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    dn.push(DnType::OrganizationName, org);
    dn
}

impl Ca {
    /// A root CA (self-signed) valid over `from..to`.
    pub fn root(name: &str, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Self {
        Self::make(name, None, from, to, None)
    }

    /// An intermediate CA issued by `self`.
    pub fn intermediate(&self, name: &str, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Self {
        Self::make(name, Some(self), from, to, Some(0))
    }

    fn make(
        name: &str,
        parent: Option<&Ca>,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        path_len: Option<u8>,
    ) -> Self {
        let key = KeyPair::generate().expect("key");
        let mut p = CertificateParams::default();
        p.distinguished_name = dn(name, "Steward Test Trust Services");
        p.is_ca = IsCa::Ca(path_len.map_or(BasicConstraints::Unconstrained, BasicConstraints::Constrained));
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        p.not_before = ymd(from);
        p.not_after = ymd(to);
        p.use_authority_key_identifier_extension = parent.is_some();
        p.crl_distribution_points = crl_points(parent);
        let cert = match parent {
            Some(ca) => p.signed_by(&key, &Issuer::from_params(&ca.params, &ca.key)).expect("issue"),
            None => p.self_signed(&key).expect("self-sign"),
        };
        Ca { name: name.to_string(), crl_url: None, der: cert.der().to_vec(), params: p, key }
    }

    /// This CA's CRL (nothing revoked), issued `from` and valid for a year.
    pub fn crl(&self, from: chrono::NaiveDate) -> Vec<u8> {
        let p = rcgen::CertificateRevocationListParams {
            this_update: ymd(from),
            next_update: ymd(from + chrono::Days::new(365)),
            crl_number: rcgen::SerialNumber::from(1u64),
            issuing_distribution_point: None,
            revoked_certs: Vec::new(),
            key_identifier_method: rcgen::KeyIdMethod::Sha256,
        };
        p.signed_by(&Issuer::from_params(&self.params, &self.key)).expect("crl").der().to_vec()
    }

    /// A signer's key and certificate issued by this CA (digitalSignature, nonRepudiation).
    pub fn signer(
        &self,
        name: &str,
        org: &str,
        email: &str,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> (SecretKey, Vec<u8>) {
        let key = KeyPair::generate().expect("key");
        let mut p = CertificateParams::default();
        p.distinguished_name = dn(name, org);
        if let Ok(e) = rcgen::string::Ia5String::try_from(email) {
            p.subject_alt_names = vec![rcgen::SanType::Rfc822Name(e)];
        }
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
        p.not_before = ymd(from);
        p.not_after = ymd(to);
        p.use_authority_key_identifier_extension = true;
        p.crl_distribution_points = crl_points(Some(self));
        let cert = p.signed_by(&key, &Issuer::from_params(&self.params, &self.key)).expect("issue");
        (SecretKey::from_pkcs8(key.serialize_der()), cert.der().to_vec())
    }

    /// A time-stamping certificate issued by this CA: extended key usage time stamping alone,
    /// critical (or, with `eku: false`, without it).
    pub fn tsa(&self, name: &str, from: chrono::NaiveDate, to: chrono::NaiveDate, eku: bool) -> (KeyPair, Vec<u8>) {
        let key = KeyPair::generate().expect("key");
        let mut p = CertificateParams::default();
        p.distinguished_name = dn(name, "Steward Test Trust Services");
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        if eku {
            // SEQUENCE { OID 1.3.6.1.5.5.7.3.8 }
            let value = vec![0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08];
            let mut ext = CustomExtension::from_oid_content(&[2, 5, 29, 37], value);
            ext.set_criticality(true);
            p.custom_extensions = vec![ext];
        }
        p.not_before = ymd(from);
        p.not_after = ymd(to);
        p.use_authority_key_identifier_extension = true;
        let cert = p.signed_by(&key, &Issuer::from_params(&self.params, &self.key)).expect("issue");
        (key, cert.der().to_vec())
    }
}

fn crl_points(issuer: Option<&Ca>) -> Vec<rcgen::CrlDistributionPoint> {
    issuer
        .and_then(|ca| ca.crl_url.clone())
        .map(|u| vec![rcgen::CrlDistributionPoint { uris: vec![u] }])
        .unwrap_or_default()
}

/// Files served over HTTP GET on 127.0.0.1 (CRLs for tests); `put` adds one at any time.
pub struct FileServer {
    pub url: String,
    files: Arc<Mutex<std::collections::HashMap<String, Vec<u8>>>>,
}

impl FileServer {
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let files: Arc<Mutex<std::collections::HashMap<String, Vec<u8>>>> = Arc::default();
        let served = files.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 << 10 {
                    match conn.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let body = served.lock().expect("files").get(&path).cloned();
                let reply = match body {
                    Some(b) => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            b.len()
                        )
                        .into_bytes();
                        r.extend_from_slice(&b);
                        r
                    }
                    None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                };
                let _ = conn.write_all(&reply);
            }
        });
        FileServer { url, files }
    }

    /// Serves `bytes` at `path` (starting with `/`).
    pub fn put(&self, path: &str, bytes: Vec<u8>) {
        self.files.lock().expect("files").insert(path.to_string(), bytes);
    }
}

/// How the test authority answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsaMode {
    Good,
    /// A token for other data than asked.
    OtherImprint,
    /// Answers HTTP 500.
    ServerError,
    /// A "rejection" status.
    Refuses,
}

/// An RFC 3161 time-stamping authority on 127.0.0.1, for tests.
pub struct TestTsa {
    pub url: String,
    pub root: Vec<u8>,
    pub certificate: Vec<u8>,
    served: Arc<AtomicUsize>,
    mode: Arc<Mutex<TsaMode>>,
}

struct TsaKeys {
    key: p256::ecdsa::SigningKey,
    cert: Certificate,
    chain: Vec<Certificate>,
}

impl TestTsa {
    /// A good authority stamping the real time, issued by its own test root.
    pub fn start() -> Self {
        Self::start_at(None)
    }

    /// As [`TestTsa::start`], stamping `time` (or the real time) instead.
    pub fn start_at(time: Option<chrono::DateTime<chrono::Utc>>) -> Self {
        let today = chrono::Utc::now().date_naive();
        let from = today - chrono::Days::new(3650);
        let to = today + chrono::Days::new(3650);
        let root = Ca::root("Steward Test Time-Stamping Root", from, to);
        let (key, cert) = root.tsa("Steward Test TSA", from, to, true);
        Self::serve(&root, key, cert, time)
    }

    /// An authority with the given certificate and key, issued by `root`.
    pub fn serve(root: &Ca, key: KeyPair, cert: Vec<u8>, time: Option<chrono::DateTime<chrono::Utc>>) -> Self {
        let keys = Arc::new(TsaKeys {
            key: p256::ecdsa::SigningKey::from_pkcs8_der(&key.serialize_der()).expect("p256"),
            cert: Certificate::from_der(&cert).expect("cert"),
            chain: vec![Certificate::from_der(&root.der).expect("root")],
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/tsa", listener.local_addr().expect("addr"));
        let served = Arc::new(AtomicUsize::new(0));
        let mode = Arc::new(Mutex::new(TsaMode::Good));
        let (s, m) = (served.clone(), mode.clone());
        std::thread::spawn(move || {
            let serial = AtomicUsize::new(1);
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let Some(body) = read_request(&mut conn) else { continue };
                let mode = *m.lock().expect("mode");
                let when = time.unwrap_or_else(chrono::Utc::now);
                let reply = match mode {
                    TsaMode::ServerError => None,
                    _ => answer(&keys, &body, mode, when, serial.fetch_add(1, Ordering::SeqCst))
                        .map_err(|e| eprintln!("test TSA: {e}"))
                        .ok(),
                };
                let head = match &reply {
                    Some(r) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        r.len()
                    ),
                    None => {
                        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
                    }
                };
                // Counted before the answer goes out: a client that has its answer sees the count.
                s.fetch_add(1, Ordering::SeqCst);
                let _ = conn.write_all(head.as_bytes());
                if let Some(r) = reply {
                    let _ = conn.write_all(&r);
                }
            }
        });
        TestTsa { url, root: root.der.clone(), certificate: cert, served, mode }
    }

    /// How many requests it has answered.
    pub fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }

    pub fn set_mode(&self, mode: TsaMode) {
        *self.mode.lock().expect("mode") = mode;
    }
}

fn read_request(conn: &mut std::net::TcpStream) -> Option<Vec<u8>> {
    conn.set_read_timeout(Some(std::time::Duration::from_secs(10))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 << 10 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
    let len: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    while buf.len() < head_end + len {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(buf[head_end..].to_vec())
}

/// A TimeStampResp (DER) for the request `body`.
fn answer(
    keys: &TsaKeys,
    body: &[u8],
    mode: TsaMode,
    when: chrono::DateTime<chrono::Utc>,
    serial: usize,
) -> Result<Vec<u8>, String> {
    let req = TimeStampReq::from_der(body).map_err(|e| format!("line {}: {e:?}", line!()))?;
    if mode == TsaMode::Refuses {
        // status rejection (2), failInfo badRequest: SEQUENCE { SEQUENCE { INTEGER 2 } }
        return Ok(vec![0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02]);
    }
    let mut imprint = req.message_imprint.clone();
    if mode == TsaMode::OtherImprint {
        let mut other = imprint.hashed_message.as_bytes().to_vec();
        other[0] ^= 0xff;
        imprint.hashed_message = der::asn1::OctetString::new(other).map_err(|e| format!("line {}: {e:?}", line!()))?;
    }
    let tst = TstInfo {
        version: TspVersion::V1,
        policy: der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.99999.1.1"),
        message_imprint: imprint,
        serial_number: Int::new(&[u8::try_from(serial % 120).unwrap_or(1) + 1])
            .map_err(|e| format!("line {}: {e:?}", line!()))?,
        gen_time: GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(
            u64::try_from(when.timestamp()).map_err(|e| format!("line {}: {e:?}", line!()))?,
        ))
        .map_err(|e| format!("line {}: {e:?}", line!()))?,
        accuracy: None,
        ordering: false,
        nonce: req.nonce.clone(),
        tsa: None,
        extensions: None,
    };
    let tst_der = tst.to_der().map_err(|e| format!("line {}: {e:?}", line!()))?;
    let eci = EncapsulatedContentInfo {
        econtent_type: steward_sign::timestamp::ID_CT_TST_INFO,
        econtent: Some(Any::new(Tag::OctetString, tst_der).map_err(|e| format!("line {}: {e:?}", line!()))?),
    };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: keys.cert.tbs_certificate.issuer.clone(),
        serial_number: keys.cert.tbs_certificate.serial_number.clone(),
    });
    let sha256 = AlgorithmIdentifierOwned { oid: rfc5912::ID_SHA_256, parameters: None };
    let mut sd = SignedDataBuilder::new(&eci);
    sd.add_digest_algorithm(sha256.clone()).map_err(|e| format!("line {}: {e:?}", line!()))?;
    if req.cert_req {
        sd.add_certificate(CertificateChoices::Certificate(keys.cert.clone()))
            .map_err(|e| format!("line {}: {e:?}", line!()))?;
        for c in &keys.chain {
            sd.add_certificate(CertificateChoices::Certificate(c.clone()))
                .map_err(|e| format!("line {}: {e:?}", line!()))?;
        }
    }
    let mut si =
        SignerInfoBuilder::new(&keys.key, sid, sha256, &eci, None).map_err(|e| format!("line {}: {e:?}", line!()))?;
    let cert_der = keys.cert.to_der().map_err(|e| format!("line {}: {e:?}", line!()))?;
    si.add_signed_attribute(
        steward_sign::cms_sig::signing_certificate_attribute(&cert_der)
            .map_err(|e| format!("line {}: {e:?}", line!()))?,
    )
    .map_err(|e| format!("line {}: {e:?}", line!()))?;
    sd.add_signer_info::<_, p256::ecdsa::DerSignature>(si).map_err(|e| format!("line {}: {e:?}", line!()))?;
    let token = sd
        .build()
        .map_err(|e| format!("line {}: {e:?}", line!()))?
        .to_der()
        .map_err(|e| format!("line {}: {e:?}", line!()))?;
    // TimeStampResp ::= SEQUENCE { status PKIStatusInfo (SEQUENCE { INTEGER 0 }), token }
    let status = [0x30u8, 0x03, 0x02, 0x01, 0x00];
    let inner_len = status.len() + token.len();
    let mut out = vec![0x30];
    der::Length::try_from(inner_len)
        .map_err(|e| format!("line {}: {e:?}", line!()))?
        .encode_to_vec(&mut out)
        .map_err(|e| format!("line {}: {e:?}", line!()))?;
    out.extend_from_slice(&status);
    out.extend_from_slice(&token);
    Ok(out)
}
