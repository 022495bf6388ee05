//! Certificate paths: from a signer's (or time-stamping authority's) certificate up to one of the
//! trust anchors the user added, checking at a given time each certificate's signature, validity
//! period, basic constraints and key usage (RFC 5280, 6.1, without policies or name constraints,
//! which Steward refuses rather than ignores when they are critical).

use crate::cms_sig;
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectKeyIdentifier};

/// The longest path Steward builds (signer, intermediates, anchor).
const MAX_DEPTH: usize = 8;

/// What a certificate at the end of a path is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Signing documents: key usage digitalSignature or nonRepudiation.
    Signing,
    /// Stamping time: the extended key usage time stamping, alone and critical.
    TimeStamping,
}

/// A certificate the user trusts as the root of paths, with the name they gave it.
#[derive(Debug, Clone)]
pub struct Anchor {
    pub name: String,
    pub der: Vec<u8>,
}

/// How a certificate's path ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathResult {
    /// A path to the anchor named; `path` names each certificate from the signer up.
    Trusted { anchor: String, path: Vec<String> },
    /// A path was found but one of its certificates fails a check, or none leads to an anchor.
    Broken { problem: String },
    /// There are no anchors to build to.
    NoAnchors,
}

const OID_BASIC_CONSTRAINTS: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_KEY_USAGE: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_EXT_KEY_USAGE: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_SUBJECT_KEY_ID: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.5.29.14");
const OID_AUTHORITY_KEY_ID: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.5.29.35");
const OID_SUBJECT_ALT_NAME: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_CRL_DP: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.5.29.31");
const OID_AIA: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
const OID_CERT_POLICIES: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.5.29.32");

/// Critical extensions Steward understands (a path with any other critical extension is refused).
const UNDERSTOOD: &[der::oid::ObjectIdentifier] = &[
    OID_BASIC_CONSTRAINTS,
    OID_KEY_USAGE,
    OID_EXT_KEY_USAGE,
    OID_SUBJECT_KEY_ID,
    OID_AUTHORITY_KEY_ID,
    OID_SUBJECT_ALT_NAME,
    OID_CRL_DP,
    OID_AIA,
    OID_CERT_POLICIES,
];

fn extension<'a>(c: &'a Certificate, oid: &der::oid::ObjectIdentifier) -> Option<&'a x509_cert::ext::Extension> {
    c.tbs_certificate.extensions.as_ref()?.iter().find(|e| e.extn_id == *oid)
}

fn basic_constraints(c: &Certificate) -> Option<BasicConstraints> {
    BasicConstraints::from_der(extension(c, &OID_BASIC_CONSTRAINTS)?.extn_value.as_bytes()).ok()
}

fn key_usage(c: &Certificate) -> Option<KeyUsage> {
    KeyUsage::from_der(extension(c, &OID_KEY_USAGE)?.extn_value.as_bytes()).ok()
}

pub(crate) fn subject_key_id(c: &Certificate) -> Option<Vec<u8>> {
    SubjectKeyIdentifier::from_der(extension(c, &OID_SUBJECT_KEY_ID)?.extn_value.as_bytes())
        .ok()
        .map(|k| k.0.as_bytes().to_vec())
}

/// A critical extended key usage of time stamping and nothing else (RFC 3161, 2.3).
pub(crate) fn only_time_stamping(c: &Certificate) -> bool {
    extension(c, &OID_EXT_KEY_USAGE).is_some_and(|e| {
        e.critical
            && ExtendedKeyUsage::from_der(e.extn_value.as_bytes())
                .is_ok_and(|u| u.0.len() == 1 && u.0[0] == crate::timestamp::ID_KP_TIME_STAMPING)
    })
}

fn unix(t: &x509_cert::time::Time) -> i64 {
    i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// When the certificate's validity period does not hold `at`: "expired on D" or "was not yet
/// valid (from D)".
pub(crate) fn outside_validity(c: &Certificate, at: chrono::DateTime<chrono::Utc>) -> Option<String> {
    let v = &c.tbs_certificate.validity;
    let (from, to) = (unix(&v.not_before), unix(&v.not_after));
    let day = |s: i64| {
        chrono::DateTime::<chrono::Utc>::from_timestamp(s, 0)
            .map(|d| d.format("%-d %B %Y").to_string())
            .unwrap_or_default()
    };
    if at.timestamp() > to {
        Some(format!("expired on {}", day(to)))
    } else if at.timestamp() < from {
        Some(format!("was not yet valid (valid from {})", day(from)))
    } else {
        None
    }
}

/// A certificate's validity period as UTC times.
pub fn validity(der_bytes: &[u8]) -> Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    let c = Certificate::from_der(der_bytes).ok()?;
    let v = &c.tbs_certificate.validity;
    Some((
        chrono::DateTime::from_timestamp(unix(&v.not_before), 0)?,
        chrono::DateTime::from_timestamp(unix(&v.not_after), 0)?,
    ))
}

/// Whether a certificate can be a trust anchor or an intermediate: basic constraints with cA, and
/// (when present) a key usage allowing certificate signing.
pub fn is_ca(der_bytes: &[u8]) -> bool {
    Certificate::from_der(der_bytes).is_ok_and(|c| {
        basic_constraints(&c).is_some_and(|b| b.ca)
            && key_usage(&c).is_none_or(|k| k.0.contains(KeyUsages::KeyCertSign))
    })
}

fn label(c: &Certificate) -> String {
    c.to_der()
        .ok()
        .and_then(|d| crate::keys::describe_certificate(&d).ok())
        .map(|s| if s.name.is_empty() { c.tbs_certificate.subject.to_string() } else { s.name })
        .unwrap_or_else(|| c.tbs_certificate.subject.to_string())
}

fn unknown_critical(c: &Certificate) -> Option<String> {
    c.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.critical && !UNDERSTOOD.contains(&e.extn_id))
        .map(|e| format!("{} has a critical extension Steward does not understand ({})", label(c), e.extn_id))
}

/// Checks the end certificate for `purpose` and builds its path through `pool` to one of
/// `anchors`, with every certificate valid at `at`.
pub fn validate(
    leaf_der: &[u8],
    pool: &[Vec<u8>],
    anchors: &[Anchor],
    at: chrono::DateTime<chrono::Utc>,
    purpose: Purpose,
) -> PathResult {
    if anchors.is_empty() {
        return PathResult::NoAnchors;
    }
    let broken = |p: String| PathResult::Broken { problem: p };
    let Ok(leaf) = Certificate::from_der(leaf_der) else { return broken("the certificate cannot be read".into()) };
    let anchors: Vec<(String, Certificate)> =
        anchors.iter().filter_map(|a| Certificate::from_der(&a.der).ok().map(|c| (a.name.clone(), c))).collect();
    // The end certificate itself trusted: a pinned anchor.
    if let Some((name, _)) = anchors.iter().find(|(_, c)| c.to_der().ok().as_deref() == Some(leaf_der)) {
        if let Some(p) = outside_validity(&leaf, at) {
            return broken(format!("{} {p}", label(&leaf)));
        }
        return PathResult::Trusted { anchor: name.clone(), path: vec![label(&leaf)] };
    }
    match purpose {
        Purpose::Signing => {
            if let Some(k) = key_usage(&leaf) {
                if !(k.0.contains(KeyUsages::DigitalSignature) || k.0.contains(KeyUsages::NonRepudiation)) {
                    return broken(format!(
                        "{}'s key usage allows neither digital signatures nor non-repudiation",
                        label(&leaf)
                    ));
                }
            }
        }
        Purpose::TimeStamping => {
            if !only_time_stamping(&leaf) {
                return broken(format!("{} is not a time-stamping certificate", label(&leaf)));
            }
        }
    }
    let pool: Vec<Certificate> = pool.iter().filter_map(|d| Certificate::from_der(d).ok()).collect();
    let mut path = vec![leaf.clone()];
    let mut current = leaf;
    loop {
        if let Some(p) = outside_validity(&current, at) {
            return broken(format!("{} {p}", label(&current)));
        }
        if let Some(p) = unknown_critical(&current) {
            return broken(p);
        }
        if path.len() > MAX_DEPTH {
            return broken(format!("the path is longer than {MAX_DEPTH} certificates"));
        }
        // Issued by an anchor: done, once the anchor itself holds.
        if let Some((name, a)) = anchors.iter().find(|(_, a)| cms_sig::issued_by(&current, a)) {
            if let Some(p) = outside_validity(a, at) {
                return broken(format!("the trust anchor {name} {p}"));
            }
            if let Some(p) = ca_problem(a, path.len() - 1) {
                return broken(format!("the trust anchor {name} {p}"));
            }
            let mut names: Vec<String> = path.iter().map(label).collect();
            names.push(label(a));
            return PathResult::Trusted { anchor: name.clone(), path: names };
        }
        let issuer = pool
            .iter()
            .filter(|c| !path.iter().any(|p| p == *c))
            .find(|c| c.tbs_certificate.subject == current.tbs_certificate.issuer && cms_sig::issued_by(&current, c));
        let Some(issuer) = issuer else {
            let why = if current.tbs_certificate.issuer == current.tbs_certificate.subject {
                format!("{} is self-signed and not a trust anchor", label(&current))
            } else {
                format!(
                    "no trust anchor or certificate in the file issued {} (issuer {})",
                    label(&current),
                    current.tbs_certificate.issuer
                )
            };
            return broken(why);
        };
        if let Some(p) = ca_problem(issuer, path.len() - 1) {
            return broken(format!("{} {p}", label(issuer)));
        }
        path.push(issuer.clone());
        current = issuer.clone();
    }
}

/// Why `c` cannot issue a certificate `below` intermediates above the end certificate.
fn ca_problem(c: &Certificate, below: usize) -> Option<String> {
    let Some(bc) = basic_constraints(c) else {
        return Some("is not a certificate authority (no basic constraints)".into());
    };
    if !bc.ca {
        return Some("is not a certificate authority (basic constraints cA is false)".into());
    }
    if let Some(n) = bc.path_len_constraint {
        if usize::from(n) < below {
            return Some(format!("allows {n} intermediate certificates below it, but the path has {below}"));
        }
    }
    if key_usage(c).is_some_and(|k| !k.0.contains(KeyUsages::KeyCertSign)) {
        return Some("has a key usage that does not allow signing certificates".into());
    }
    None
}

/// The CRL distribution point and OCSP addresses (http) a certificate names.
pub fn revocation_urls(der_bytes: &[u8]) -> (Vec<String>, Vec<String>) {
    use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
    use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints};
    let Ok(c) = Certificate::from_der(der_bytes) else { return (Vec::new(), Vec::new()) };
    let uri = |g: &GeneralName| match g {
        GeneralName::UniformResourceIdentifier(u) if u.as_str().starts_with("http") => Some(u.as_str().to_string()),
        _ => None,
    };
    let crls = extension(&c, &OID_CRL_DP)
        .and_then(|e| CrlDistributionPoints::from_der(e.extn_value.as_bytes()).ok())
        .map(|d| {
            d.0.iter()
                .filter_map(|p| match &p.distribution_point {
                    Some(DistributionPointName::FullName(names)) => {
                        Some(names.iter().filter_map(uri).collect::<Vec<_>>())
                    }
                    _ => None,
                })
                .flatten()
                .collect()
        })
        .unwrap_or_default();
    const OCSP: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
    let ocsp = extension(&c, &OID_AIA)
        .and_then(|e| AuthorityInfoAccessSyntax::from_der(e.extn_value.as_bytes()).ok())
        .map(|a| a.0.iter().filter(|d| d.access_method == OCSP).filter_map(|d| uri(&d.access_location)).collect())
        .unwrap_or_default();
    (crls, ocsp)
}

/// The certificates of `leaf`'s path through `pool` (issuer first, the leaf left out), as far as
/// issuers are found: what a signature or a DSS carries of a chain.
pub fn issuers(leaf_der: &[u8], pool: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let Ok(mut current) = Certificate::from_der(leaf_der) else { return Vec::new() };
    let pool: Vec<(Vec<u8>, Certificate)> =
        pool.iter().filter_map(|d| Certificate::from_der(d).ok().map(|c| (d.clone(), c))).collect();
    let mut out: Vec<Vec<u8>> = Vec::new();
    while out.len() < MAX_DEPTH && current.tbs_certificate.issuer != current.tbs_certificate.subject {
        let Some((d, c)) = pool.iter().find(|(d, c)| !out.contains(d) && cms_sig::issued_by(&current, c)) else {
            break;
        };
        out.push(d.clone());
        current = c.clone();
    }
    out
}
