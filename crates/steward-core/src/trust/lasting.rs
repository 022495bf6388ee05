//! Signatures that last: the time-stamping authority signing asks (the `tsa.url` setting, or
//! this command's choice), trust anchors and the certificate paths verification builds to them,
//! document time stamps and validation data (a DSS) added to a signed file.

use crate::error::{Error, Invalid, Result};
use crate::{Id, Steward};
use serde::Serialize;
use steward_sign::chain::{self, Anchor, PathResult, Purpose};
use steward_sign::pdf::ChainReport;
use steward_sign::{HttpTsa, VerifyReport};

/// The setting that names the time-stamping authority.
pub const TSA_SETTING: &str = "tsa.url";
/// Identities whose certificate expires within this many days are flagged.
pub const EXPIRY_WARNING_DAYS: i64 = 60;
/// The largest CRL Steward fetches for a DSS.
const MAX_CRL: u64 = 8 << 20;

/// Whether signing asks a time-stamping authority.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TimeStamping {
    /// As the `tsa.url` setting says (none set: no time stamp).
    #[default]
    Setting,
    /// This authority, whatever the setting.
    Url(String),
    /// No time stamp, on purpose (PAdES B-B).
    Off,
}

/// A certificate the user trusts as the root of certificate paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrustAnchor {
    pub id: Id,
    pub name: String,
    pub subject: String,
    pub fingerprint: String,
    pub not_before: String,
    pub not_after: String,
    pub added_at: String,
    pub added_by: String,
    #[serde(skip)]
    pub certificate: Vec<u8>,
}

/// What adding validation data put in the file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValidationDataAdded {
    #[serde(skip)]
    pub pdf: Vec<u8>,
    pub certificates: usize,
    pub crls: usize,
    /// Revocation addresses that could not be reached (their data is not in the file).
    pub unreachable: Vec<String>,
}

/// A certificate in PEM or DER, as DER.
fn certificate_der(bytes: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let text = std::str::from_utf8(bytes).ok().filter(|t| t.contains("-----BEGIN"));
    let der = match text {
        Some(t) => {
            let start = t.find("-----BEGIN CERTIFICATE-----").ok_or("the PEM file holds no CERTIFICATE block")?;
            let (_, der) = der::pem::decode_vec(&t.as_bytes()[start..])
                .map_err(|e| format!("the PEM certificate cannot be read ({e})"))?;
            der
        }
        None => bytes.to_vec(),
    };
    use der::Decode;
    x509_cert::Certificate::from_der(&der).map_err(|e| format!("not an X.509 certificate in PEM or DER ({e})"))?;
    Ok(der)
}

fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

impl Steward {
    // ---- the time-stamping authority ----

    /// The authority the `tsa.url` setting names.
    pub fn tsa_url(&self) -> Result<Option<String>> {
        Ok(self.store().setting(TSA_SETTING)?.filter(|u| !u.is_empty()))
    }

    /// Sets (or, with `None`, clears) the time-stamping authority signing asks.
    pub fn set_tsa_url(&mut self, url: Option<&str>) -> Result<()> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => {
                HttpTsa::new(u).map_err(|e| Error::invalid(TSA_SETTING, e.to_string()))?;
                self.store().set_setting(TSA_SETTING, u)
            }
            None => self.store().set_setting(TSA_SETTING, ""),
        }
    }

    /// This command's choice of time stamping, over the setting.
    pub fn set_time_stamping(&mut self, choice: TimeStamping) {
        self.time_stamping = choice;
    }

    /// The authority to ask, if any.
    pub(crate) fn stamper(&self) -> Result<Option<HttpTsa>> {
        let url = match &self.time_stamping {
            TimeStamping::Off => None,
            TimeStamping::Url(u) => Some(u.clone()),
            TimeStamping::Setting => self.tsa_url()?,
        };
        url.map(|u| HttpTsa::new(&u).map_err(|e| Error::invalid("tsa", e.to_string()))).transpose()
    }

    /// Adds a document time stamp to a PDF (for archiving, or over its validation data).
    pub fn timestamp_pdf(&self, pdf: &[u8]) -> Result<Vec<u8>> {
        let tsa = self.stamper()?.ok_or_else(|| {
            Error::invalid(
                "tsa",
                "no time-stamping authority is set: give one with --tsa URL or `steward settings set tsa.url URL`",
            )
        })?;
        let report = steward_sign::verify(pdf).map_err(crate::documents::verify_error)?;
        if report.signatures.iter().any(|s| s.integrity != steward_sign::Integrity::Valid) {
            return Err(Error::Signature(
                "the file's existing signatures do not verify; Steward will not time-stamp it".into(),
            ));
        }
        steward_sign::timestamp_document(pdf, &tsa).map_err(sign_error)
    }

    // ---- trust anchors ----

    /// Trusts a certificate authority's certificate (PEM or DER) as the root of paths.
    pub fn add_trust_anchor(&mut self, bytes: &[u8], name: Option<&str>) -> Result<TrustAnchor> {
        let der = certificate_der(bytes).map_err(|e| Error::invalid("certificate", e))?;
        if !chain::is_ca(&der) {
            return Err(Error::invalid(
                "certificate",
                "this is not a certificate authority's certificate (no basic constraints with cA, or no certificate signing): trust the authority that issued it instead",
            ));
        }
        let (from, to) =
            chain::validity(&der).ok_or_else(|| Error::invalid("certificate", "its validity cannot be read"))?;
        if to < self.now() {
            return Err(Error::invalid("certificate", format!("the certificate expired on {}", day(to))));
        }
        let subject = steward_sign::keys::describe_certificate(&der)
            .map(|s| match s.organisation {
                Some(o) if o != s.name => format!("{} ({o})", s.name),
                _ => s.name,
            })
            .unwrap_or_default();
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => {
                crate::domain::validate::required_text("name", n, 200).map_err(|e| Error::Invalid(Invalid(vec![e])))?
            }
            None if !subject.is_empty() => subject.clone(),
            None => return Err(Error::invalid("name", "the certificate names nobody: give the anchor a --name")),
        };
        let fp = steward_sign::keys::fingerprint(&der);
        if let Some(a) = self.trust_anchors()?.into_iter().find(|a| a.fingerprint == fp || a.name == name) {
            return Err(Error::Conflict(if a.fingerprint == fp {
                format!("this certificate is trusted already, as {:?}", a.name)
            } else {
                format!("a trust anchor is named {name:?} already: give this one another --name")
            }));
        }
        let id = self.store().insert_trust_anchor(&crate::store::trust::NewAnchor {
            name: &name,
            subject: &subject,
            certificate: &der,
            fingerprint: &fp,
            not_before: &day(from),
            not_after: &day(to),
            added_at: &self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            added_by: self.actor(),
        })?;
        self.trust_anchor(id)
    }

    pub fn trust_anchors(&self) -> Result<Vec<TrustAnchor>> {
        self.store().trust_anchors()
    }

    pub fn trust_anchor(&self, id: Id) -> Result<TrustAnchor> {
        self.trust_anchors()?.into_iter().find(|a| a.id == id).ok_or_else(|| Error::not_found("trust anchor", id))
    }

    /// Stops trusting an anchor: paths to it are no longer trusted.
    pub fn remove_trust_anchor(&mut self, id: Id) -> Result<TrustAnchor> {
        let a = self.trust_anchor(id)?;
        self.store().delete_trust_anchor(id)?;
        Ok(a)
    }

    fn anchors(&self) -> Result<Vec<Anchor>> {
        Ok(self.trust_anchors()?.into_iter().map(|a| Anchor { name: a.name, der: a.certificate }).collect())
    }

    /// Checks each signature's path (and its time stamp's) to the trust anchors, at the
    /// time-stamped time when a valid stamp gives one, else now.
    pub(crate) fn annotate_chains(&self, report: &mut VerifyReport) -> Result<()> {
        let anchors = self.anchors()?;
        let mut pool_extra = report.dss_certificates.clone();
        for i in self.store().identities()? {
            pool_extra.extend(i.chain.iter().cloned());
        }
        for s in &mut report.signatures {
            if s.certificate.is_empty() {
                continue;
            }
            let mut pool = s.carried.clone();
            pool.extend(pool_extra.iter().cloned());
            let stamped = s.timestamp.as_ref().filter(|t| t.valid).and_then(|t| t.time_utc);
            let at = stamped.unwrap_or_else(|| self.now());
            let purpose = if s.document_timestamp { Purpose::TimeStamping } else { Purpose::Signing };
            s.chain = Some(chain_report(chain::validate(&s.certificate, &pool, &anchors, at, purpose), at));
            if let Some(t) = s.timestamp.as_mut().filter(|t| !t.certificate.is_empty()) {
                let at = t.time_utc.unwrap_or_else(|| self.now());
                t.chain =
                    Some(chain_report(chain::validate(&t.certificate, &pool, &anchors, at, Purpose::TimeStamping), at));
            }
        }
        Ok(())
    }

    // ---- validation data ----

    /// Adds validation data to a signed PDF (PAdES B-LT): every certificate of each signature's
    /// path (and its time stamp's) and the CRLs their distribution points give, where reachable.
    pub fn add_validation_data(&self, pdf: &[u8]) -> Result<ValidationDataAdded> {
        let report = steward_sign::verify(pdf).map_err(crate::documents::verify_error)?;
        if report.signatures.is_empty() {
            return Err(Error::invalid("PDF", "the file has no signatures to keep validation data for"));
        }
        if report.signatures.iter().any(|s| s.integrity != steward_sign::Integrity::Valid) {
            return Err(Error::Signature(
                "the file's existing signatures do not verify; Steward will not add validation data to it".into(),
            ));
        }
        let anchors = self.anchors()?;
        let mut certs: Vec<Vec<u8>> = Vec::new();
        let push = |c: &Vec<u8>, certs: &mut Vec<Vec<u8>>| {
            if !certs.contains(c) {
                certs.push(c.clone());
            }
        };
        for s in &report.signatures {
            let mut pool = s.carried.clone();
            pool.extend(report.dss_certificates.iter().cloned());
            pool.extend(anchors.iter().map(|a| a.der.clone()));
            for end in std::iter::once(&s.certificate).chain(s.timestamp.as_ref().map(|t| &t.certificate)) {
                if end.is_empty() {
                    continue;
                }
                push(end, &mut certs);
                for c in chain::issuers(end, &pool) {
                    push(&c, &mut certs);
                }
            }
        }
        let (mut crls, mut unreachable) = (Vec::new(), Vec::new());
        for c in &certs {
            for url in chain::revocation_urls(c).0 {
                match steward_sign::timestamp::http_get(&url, MAX_CRL) {
                    Ok(crl) if is_crl(&crl) => {
                        if !crls.contains(&crl) {
                            crls.push(crl);
                        }
                    }
                    _ => unreachable.push(url),
                }
            }
        }
        let out = steward_sign::add_dss(pdf, &certs, &crls, &[]).map_err(sign_error)?;
        Ok(ValidationDataAdded { pdf: out, certificates: certs.len(), crls: crls.len(), unreachable })
    }

    /// Whether an identity's certificate may sign now: refused when expired or not yet valid.
    pub(crate) fn check_signing_certificate(&self, who: &crate::identities::Identity) -> Result<()> {
        let Some((from, to)) = chain::validity(&who.certificate) else { return Ok(()) };
        let now = self.now();
        if now > to {
            return Err(Error::invalid(
                "identity",
                format!(
                    "the certificate of {} expired on {}: import a renewed certificate (`steward identity import`) or create a new identity",
                    who.name,
                    day(to)
                ),
            ));
        }
        if now < from {
            return Err(Error::invalid(
                "identity",
                format!("the certificate of {} is not valid until {}", who.name, day(from)),
            ));
        }
        Ok(())
    }
}

fn is_crl(der_bytes: &[u8]) -> bool {
    use der::Decode;
    x509_cert::crl::CertificateList::from_der(der_bytes).is_ok()
}

fn chain_report(r: PathResult, at: chrono::DateTime<chrono::Utc>) -> ChainReport {
    let checked_at = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match r {
        PathResult::Trusted { anchor, path } => {
            ChainReport { state: "trusted".into(), anchor: Some(anchor), path, problem: None, checked_at }
        }
        PathResult::Broken { problem } => {
            ChainReport { state: "broken".into(), anchor: None, path: Vec::new(), problem: Some(problem), checked_at }
        }
        PathResult::NoAnchors => ChainReport {
            state: "no_anchors".into(),
            anchor: None,
            path: Vec::new(),
            problem: Some("no trust anchors are set (`steward trust add CA.pem`)".into()),
            checked_at,
        },
    }
}

pub(crate) fn sign_error(e: steward_sign::SignError) -> Error {
    match e {
        steward_sign::SignError::Input(m) => Error::invalid("PDF", m),
        other => Error::Signature(other.to_string()),
    }
}
