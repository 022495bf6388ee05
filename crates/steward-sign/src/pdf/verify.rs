//! Verification: the file's structure read strictly ([`super::file`]), every signature's byte
//! range checked to be exactly its revision less its own `/Contents`, its CMS checked, and every
//! update after a signature judged by the allow-list ([`super::changes`]).

use super::changes::{self, Area};
use super::file::{self, Entry, PdfFile};
use super::syntax::Obj;
use crate::{SignError, cms_sig, keys};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// The largest embedded draft Steward unpacks: a partner's file cannot make it inflate more.
pub const MAX_EMBEDDED_FILE: usize = 64 << 20;

/// How one signature stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Integrity {
    Valid,
    DigestMismatch,
    InvalidSignature,
    Malformed,
}

/// Whose certificate signed: one of our identities, a partner's pinned key, or nobody we know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KnownCertificate {
    /// One of this store's signing identities.
    Identity {
        id: i64,
        name: String,
    },
    /// A partner's key, pinned when their first signed file was imported.
    Partner {
        party_id: i64,
        party: String,
    },
    /// A certificate whose path leads to one of the store's trust anchors (named).
    Trusted {
        anchor: String,
    },
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SignatureReport {
    pub field: String,
    pub signer: String,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub fingerprint: String,
    pub signing_time: Option<String>,
    pub integrity: Integrity,
    pub problem: Option<String>,
    /// Bytes of the file this signature covers (the revision it signed).
    pub signed_length: usize,
    pub covers_whole_file: bool,
    /// The revision it signed (1-based).
    pub revision: usize,
    /// Its widget's page (1-based) and rectangle, when it has a visible one.
    pub page: Option<usize>,
    pub rect: Option<[f64; 4]>,
    /// What revisions after this signature changed, other than adding signatures.
    pub modified_after_signing: Vec<String>,
    /// The embedded draft is the one this signature covers.
    pub draft_matches: Option<bool>,
    /// Whose certificate this is, as far as the store knows (filled in by the store).
    pub known: Option<KnownCertificate>,
    /// A document time stamp (`/DocTimeStamp`): the authority's token over the file, not a signer's.
    #[serde(default)]
    pub document_timestamp: bool,
    /// The signature's time stamp (PAdES B-T), or a document time stamp's own token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<TimestampReport>,
    /// The certificate path to a trust anchor, checked at the time-stamped time (else now);
    /// filled in by the store, which holds the anchors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainReport>,
    /// The file's DSS holds every certificate of this signature's chain (and its time stamp's).
    #[serde(default)]
    pub ltv: bool,
    #[serde(skip)]
    pub certificate: Vec<u8>,
    /// Every certificate the signature (and its time stamp) carries, for building paths.
    #[serde(skip)]
    pub carried: Vec<Vec<u8>>,
}

/// A time stamp as checked: when, by whom, and whether it holds.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimestampReport {
    /// The stamped time, RFC 3339 UTC.
    pub time: String,
    pub authority: String,
    pub valid: bool,
    pub problem: Option<String>,
    /// The authority's certificate path (filled in by the store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainReport>,
    #[serde(skip)]
    pub certificate: Vec<u8>,
    #[serde(skip)]
    pub time_utc: Option<chrono::DateTime<chrono::Utc>>,
}

/// How a certificate path ended: `trusted` to the anchor named, `broken` (why), or `no_anchors`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChainReport {
    pub state: String,
    pub anchor: Option<String>,
    /// From the signer up to the anchor.
    pub path: Vec<String>,
    pub problem: Option<String>,
    /// The time the path was checked at, RFC 3339 UTC.
    pub checked_at: String,
}

/// What the file's document security store holds.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DssSummary {
    pub certificates: usize,
    pub crls: usize,
    pub ocsps: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VerifyReport {
    pub file_length: usize,
    pub revisions: usize,
    pub signatures: Vec<SignatureReport>,
    /// Every signature intact and nothing but signatures added after any of them.
    pub ok: bool,
    #[serde(skip)]
    pub draft: Option<Vec<u8>>,
    /// Where the embedded draft's clause versions came from, as the sender's store says (`from The
    /// University of Northmoor's library, release 12 (3 versions)`); filled in by the core.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub library_sources: Vec<String>,
    /// The document security store (validation data for the long term), when the file has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dss: Option<DssSummary>,
    /// The certificates the DSS holds, for building paths.
    #[serde(skip)]
    pub dss_certificates: Vec<Vec<u8>>,
}

/// `D:20270115080000+00'00'` as `2027-01-15T08:00:00Z` (other forms are returned as they are).
fn pdf_date_to_rfc3339(d: &str) -> String {
    let digits: String = d.trim_start_matches("D:").chars().take(14).collect();
    if digits.len() == 14 && digits.chars().all(|c| c.is_ascii_digit()) && (d.contains("+00'00'") || d.ends_with('Z')) {
        format!(
            "{}-{}-{}T{}:{}:{}Z",
            &digits[0..4],
            &digits[4..6],
            &digits[6..8],
            &digits[8..10],
            &digits[10..12],
            &digits[12..14]
        )
    } else {
        d.to_string()
    }
}

fn text(o: Option<&Obj>) -> Option<String> {
    let b = o?.as_bytes()?;
    Some(match b.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        None => b.iter().map(|&c| char::from(c)).collect(),
    })
}

/// The embedded file `name` as of revision `rev`, unpacked (at most `limit` bytes).
pub fn embedded_file(file: &PdfFile, rev: usize, name: &str, limit: usize) -> Option<Vec<u8>> {
    let (_, cat) = file.catalog(rev)?;
    let names = file.lookup(rev, cat, b"Names")?.as_dict()?;
    let tree = file.lookup(rev, names, b"EmbeddedFiles")?.as_dict()?;
    let spec = find_in_name_tree(file, rev, tree, name.as_bytes(), 0)?;
    let fs = file.resolve(rev, spec)?.as_dict()?;
    let ef = file.lookup(rev, fs, b"EF")?.as_dict()?;
    let stream = file.lookup(rev, ef, b"F").or_else(|| file.lookup(rev, ef, b"UF"))?.as_stream()?;
    file::decode_within(&stream.dict, &stream.raw, limit).ok()
}

fn find_in_name_tree<'a>(
    file: &'a PdfFile,
    rev: usize,
    node: &'a super::syntax::Dict,
    name: &[u8],
    depth: usize,
) -> Option<&'a Obj> {
    if depth > 32 {
        return None;
    }
    if let Some(arr) = file.lookup(rev, node, b"Names").and_then(Obj::as_array) {
        for pair in arr.chunks(2) {
            if let [k, v] = pair {
                if file.resolve(rev, k).and_then(Obj::as_bytes) == Some(name) {
                    return Some(v);
                }
            }
        }
    }
    for kid in file.lookup(rev, node, b"Kids").and_then(Obj::as_array).unwrap_or(&[]) {
        if let Some(d) = file.resolve(rev, kid).and_then(Obj::as_dict) {
            if let Some(v) = find_in_name_tree(file, rev, d, name, depth + 1) {
                return Some(v);
            }
        }
    }
    None
}

/// The signature boxes the draft names: `signature_boxes: [{page, rect: [x0, y0, x1, y1]}]`.
fn areas_of(draft: Option<&[u8]>) -> Vec<Area> {
    let Some(v) = draft.and_then(|d| serde_json::from_slice::<serde_json::Value>(d).ok()) else { return Vec::new() };
    let Some(list) = v.get("signature_boxes").and_then(|b| b.as_array()) else { return Vec::new() };
    list.iter()
        .filter_map(|b| {
            let page = usize::try_from(b.get("page")?.as_u64()?).ok()?;
            let r: Vec<f64> = b.get("rect")?.as_array()?.iter().filter_map(serde_json::Value::as_f64).collect();
            let [x0, y0, x1, y1] = r.as_slice() else { return None };
            Some(Area { page, rect: [x0.min(*x1), y0.min(*y1), x0.max(*x1), y0.max(*y1)] })
        })
        .collect()
}

fn blank(field: String, page: Option<usize>, rect: Option<[f64; 4]>) -> SignatureReport {
    SignatureReport {
        field,
        signer: String::new(),
        organisation: None,
        email: None,
        fingerprint: String::new(),
        signing_time: None,
        integrity: Integrity::Malformed,
        problem: None,
        signed_length: 0,
        covers_whole_file: false,
        revision: 0,
        page,
        rect,
        modified_after_signing: Vec::new(),
        draft_matches: None,
        known: None,
        document_timestamp: false,
        timestamp: None,
        chain: None,
        ltv: false,
        certificate: Vec::new(),
        carried: Vec::new(),
    }
}

/// Verifies every signature of a PDF. A file whose structure needs repair is refused as
/// [`SignError::Damaged`], naming what and where.
pub fn verify(pdf: &[u8]) -> Result<VerifyReport, SignError> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(SignError::Input("not a PDF: the file does not start with %PDF-".into()));
    }
    let file = PdfFile::parse(pdf).map_err(|d| SignError::Damaged(d.to_string()))?;
    let last = file.revisions.len() - 1;
    file.check_page_tree(last).map_err(|d| SignError::Damaged(d.to_string()))?;
    let mut reports: Vec<SignatureReport> = Vec::new();
    // Revision index -> the signature dictionaries that verified and cover exactly it.
    let mut covering: BTreeMap<usize, BTreeSet<u32>> = BTreeMap::new();
    let pages = file.pages(last);
    let fields = changes::signature_fields(&file, last);
    for &(field_num, field) in &fields {
        let name = text(field.get(b"T")).unwrap_or_default();
        let page = field
            .get(b"P")
            .and_then(Obj::as_ref)
            .and_then(|(p, _)| pages.iter().position(|(n, _)| *n == p))
            .map(|i| i + 1)
            .or_else(|| {
                pages
                    .iter()
                    .position(|(_, d)| {
                        file.lookup(last, d, b"Annots")
                            .and_then(Obj::as_array)
                            .is_some_and(|a| a.iter().any(|w| w.as_ref().map(|r| r.0) == Some(field_num)))
                    })
                    .map(|i| i + 1)
            });
        let rect = field.get(b"Rect").and_then(Obj::as_array).and_then(|a| {
            let v: Vec<f64> = a.iter().filter_map(Obj::as_number).collect();
            <[f64; 4]>::try_from(v.as_slice()).ok()
        });
        let mut report = blank(name, page, rect);
        let Some(v) = field.get(b"V") else { continue };
        match check_one(&file, pdf, v, &mut report) {
            Ok(Some((rev, num))) => {
                covering.entry(rev).or_default().insert(num);
            }
            Ok(None) => {}
            Err(problem) => {
                report.integrity = Integrity::Malformed;
                report.problem = Some(problem);
            }
        }
        reports.push(report);
    }
    // A signature dictionary that the form no longer lists was taken out after signing.
    let values: BTreeSet<u32> =
        fields.iter().filter_map(|(_, f)| f.get(b"V").and_then(Obj::as_ref).map(|r| r.0)).collect();
    for (i, rev) in file.revisions.iter().enumerate() {
        for (num, (_, o)) in &rev.objects {
            let Obj::Dict(d) = o else { continue };
            let is_sig = matches!(d.name(b"Type"), Some(b"Sig" | b"DocTimeStamp"))
                || (d.get(b"ByteRange").is_some() && d.get(b"Contents").is_some());
            if is_sig && !values.contains(num) {
                let mut r = blank(format!("(removed, object {num})"), None, None);
                r.problem = Some(format!("a signature made in revision {} is no longer in the document's form", i + 1));
                reports.push(r);
            }
        }
    }
    // Two signatures over one revision cannot both be real: the second is refused.
    for (rev, sigs) in &covering {
        if sigs.len() > 1 {
            for r in reports.iter_mut().filter(|r| r.revision == rev + 1) {
                r.integrity = Integrity::Malformed;
                r.problem = Some(format!("{} signatures claim revision {}", sigs.len(), rev + 1));
            }
        }
    }
    // The draft as the file now carries it, and the signature boxes of the first signed draft.
    let draft_now = embedded_file(&file, last, crate::DRAFT_FILE_NAME, MAX_EMBEDDED_FILE);
    let first_signed = reports.iter().filter(|r| r.revision > 0).map(|r| r.revision - 1).min();
    let areas = first_signed
        .map(|r| areas_of(embedded_file(&file, r, crate::DRAFT_FILE_NAME, MAX_EMBEDDED_FILE).as_deref()))
        .unwrap_or_default();
    // Every update after the first signed revision, judged once.
    let mut update: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    if let Some(first) = first_signed {
        let empty = BTreeSet::new();
        for k in first + 1..=last {
            let signed = covering.get(&k).filter(|s| s.len() == 1).unwrap_or(&empty);
            let found = changes::update_changes(&file, k, signed, &areas);
            if !found.is_empty() {
                update.insert(k, found);
            }
        }
    }
    let several = file.revisions.len() > 2;
    for r in &mut reports {
        if r.revision == 0 {
            if r.integrity == Integrity::Valid {
                r.integrity = Integrity::Malformed;
            }
            continue;
        }
        let signed_rev = r.revision - 1;
        let mut modified: Vec<String> = Vec::new();
        for (k, found) in update.range(signed_rev + 1..) {
            for f in found {
                modified.push(if several { format!("{f} (revision {})", k + 1) } else { f.clone() });
            }
        }
        r.modified_after_signing = modified;
        let signed_draft = embedded_file(&file, signed_rev, crate::DRAFT_FILE_NAME, MAX_EMBEDDED_FILE);
        r.draft_matches = match (&signed_draft, &draft_now) {
            (Some(x), Some(y)) => Some(x == y),
            (None, None) => None,
            _ => Some(false),
        };
    }
    reports.sort_by_key(|r| (r.signed_length, r.field.clone()));
    // The validation data: what the DSS of the last revision holds.
    let (dss, dss_certificates) = dss_of(&file, last);
    for r in &mut reports {
        if dss.is_some() && !r.certificate.is_empty() {
            let mut pool = r.carried.clone();
            pool.extend(dss_certificates.iter().cloned());
            let mut needed = vec![r.certificate.clone()];
            needed.extend(crate::chain::issuers(&r.certificate, &pool));
            if let Some(t) = r.timestamp.as_ref().filter(|t| !t.certificate.is_empty()) {
                needed.push(t.certificate.clone());
                needed.extend(crate::chain::issuers(&t.certificate, &pool));
            }
            r.ltv = needed.iter().all(|c| dss_certificates.contains(c));
        }
    }
    let ok = !reports.is_empty()
        && reports.iter().all(|r| {
            r.integrity == Integrity::Valid
                && r.modified_after_signing.is_empty()
                && r.draft_matches != Some(false)
                && r.timestamp.as_ref().is_none_or(|t| t.valid)
        });
    Ok(VerifyReport {
        file_length: pdf.len(),
        revisions: file.revisions.len(),
        signatures: reports,
        ok,
        draft: draft_now,
        library_sources: Vec::new(),
        dss,
        dss_certificates,
    })
}

/// The DSS of revision `rev`: how many certificates, CRLs and OCSP responses, and the
/// certificates themselves.
fn dss_of(file: &PdfFile, rev: usize) -> (Option<DssSummary>, Vec<Vec<u8>>) {
    let Some((_, cat)) = file.catalog(rev) else { return (None, Vec::new()) };
    let Some(dss) = file.lookup(rev, cat, b"DSS").and_then(Obj::as_dict) else { return (None, Vec::new()) };
    let items = |k: &[u8]| -> Vec<Vec<u8>> {
        file.lookup(rev, dss, k)
            .and_then(Obj::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|o| file.resolve(rev, o))
                    .filter_map(Obj::as_stream)
                    .filter_map(|s| file::decode_within(&s.dict, &s.raw, 1 << 20).ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    let certs = items(b"Certs");
    let summary = DssSummary { certificates: certs.len(), crls: items(b"CRLs").len(), ocsps: items(b"OCSPs").len() };
    (Some(summary), certs)
}

fn timestamp_report(t: &crate::timestamp::TokenCheck) -> TimestampReport {
    TimestampReport {
        time: t.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        authority: t.authority.clone(),
        valid: t.holds(),
        problem: t.problems(),
        chain: None,
        certificate: t.certificate.clone(),
        time_utc: Some(t.time),
    }
}

/// The DER value at the start of a zero-padded `/Contents`.
fn der_prefix(blob: &[u8]) -> Option<&[u8]> {
    use der::{Decode, Encode};
    let mut reader = der::SliceReader::new(blob).ok()?;
    let header = der::Header::decode(&mut reader).ok()?;
    let total = usize::try_from(header.length).ok()? + usize::try_from(header.encoded_len().ok()?).ok()?;
    blob.get(..total)
}

/// Checks one signature value; on success returns the revision it covers and the number of its
/// signature dictionary (when it verified). Structural problems are the error.
fn check_one(
    file: &PdfFile,
    pdf: &[u8],
    v: &Obj,
    report: &mut SignatureReport,
) -> Result<Option<(usize, u32)>, String> {
    let last = file.revisions.len() - 1;
    let Obj::Ref(num, generation) = v else {
        return Err("the signature value is not an indirect object".into());
    };
    let def = file.defined_in(last, *num).ok_or("the signature value refers to no object")?;
    let entry = file.revisions[def].entries.get(num).copied();
    let Some(Entry::InUse { generation: g, .. }) = entry else {
        return Err("the signature dictionary is inside an object stream (its byte range cannot be checked)".into());
    };
    if g != *generation {
        return Err("the signature value refers to another generation of its object".into());
    }
    let sig = file.revisions[def]
        .objects
        .get(num)
        .and_then(|(_, o)| o.as_dict())
        .ok_or("the signature value is not a dictionary")?;
    report.signing_time = text(sig.get(b"M")).map(|m| pdf_date_to_rfc3339(&m));
    let br: Vec<i64> = match sig.get(b"ByteRange") {
        Some(Obj::Array(a)) if a.len() == 4 && a.iter().all(|o| matches!(o, Obj::Int(_))) => {
            a.iter().filter_map(Obj::as_int).collect()
        }
        Some(_) => return Err("the byte range is not four numbers".into()),
        None => return Err("the signature has no byte range".into()),
    };
    let Some(Obj::HexStr(contents, span)) = sig.get(b"Contents") else {
        return Err("the signature has no /Contents hex string".into());
    };
    let [a, b, c, d] = [br[0], br[1], br[2], br[3]];
    if a != 0 || b <= 0 || c < b || d < 0 {
        return Err(format!("the byte range [{a} {b} {c} {d}] is not two ranges from the start of the file"));
    }
    let (b, c, d) = (b as usize, c as usize, d as usize);
    if b != span.start || c != span.end {
        return Err(format!(
            "the byte range [0 {b} {c} {d}] leaves out bytes {b} to {c}, but the signature's /Contents is bytes {} to {}",
            span.start, span.end
        ));
    }
    let end = c.checked_add(d).filter(|&e| e <= pdf.len()).ok_or("the byte range runs past the end of the file")?;
    let revision = &file.revisions[def];
    if !revision.ends().contains(&end) {
        let other = file.revisions.iter().position(|r| r.ends().contains(&end));
        return Err(match other {
            Some(o) => format!(
                "the signature dictionary is in revision {} but its byte range ends with revision {}",
                def + 1,
                o + 1
            ),
            None => format!("the byte range ends at byte {end}, which is not the end of a revision"),
        });
    }
    report.signed_length = end;
    report.covers_whole_file = end == pdf.len();
    report.revision = def + 1;
    let mut h = Sha256::new();
    h.update(&pdf[..b]);
    h.update(&pdf[c..end]);
    let digest = h.finalize();
    if sig.name(b"SubFilter") == Some(b"ETSI.RFC3161") || sig.name(b"Type") == Some(b"DocTimeStamp") {
        report.document_timestamp = true;
        let token = der_prefix(contents).ok_or("the document time stamp is truncated")?;
        let ranges: [&[u8]; 2] = [&pdf[..b], &pdf[c..end]];
        let check = crate::timestamp::check_token(token, &|alg| cms_sig::digest(alg, &ranges))
            .map_err(|e| format!("the document time stamp cannot be read: {e}"))?;
        report.signer = check.authority.clone();
        report.fingerprint = keys::fingerprint(&check.certificate);
        report.signing_time = Some(check.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        report.integrity = if !check.imprint_matches {
            Integrity::DigestMismatch
        } else if !check.signature_valid {
            Integrity::InvalidSignature
        } else {
            Integrity::Valid
        };
        report.problem = check.problem.clone();
        report.certificate = check.certificate.clone();
        report.carried = check.certificates.clone();
        report.timestamp = Some(timestamp_report(&check));
        return Ok((report.integrity == Integrity::Valid && check.problem.is_none()).then_some((def, *num)));
    }
    if sig.name(b"SubFilter") != Some(b"ETSI.CAdES.detached") && sig.name(b"SubFilter") != Some(b"adbe.pkcs7.detached")
    {
        return Err("the signature's /SubFilter is not ETSI.CAdES.detached, adbe.pkcs7.detached or ETSI.RFC3161".into());
    }
    let check = cms_sig::check_detached(contents, &digest).map_err(|e| e.to_string())?;
    if let Some(token) = &check.timestamp_token {
        let value = check.signature_value.clone();
        report.timestamp = Some(match crate::timestamp::check_token(token, &|alg| cms_sig::digest(alg, &[&value])) {
            Ok(t) => {
                report.carried.extend(t.certificates.iter().cloned());
                timestamp_report(&t)
            }
            Err(e) => TimestampReport {
                time: String::new(),
                authority: String::new(),
                valid: false,
                problem: Some(format!("the time stamp cannot be read: {e}")),
                chain: None,
                certificate: Vec::new(),
                time_utc: None,
            },
        });
    }
    report.carried.extend(check.certificates.iter().cloned());
    if let Ok(who) = keys::describe_certificate(&check.certificate) {
        report.signer = who.name;
        report.organisation = who.organisation;
        report.email = Some(who.email).filter(|e| !e.is_empty());
    }
    report.fingerprint = keys::fingerprint(&check.certificate);
    report.integrity = if !check.digest_matches {
        Integrity::DigestMismatch
    } else if !check.signature_valid {
        Integrity::InvalidSignature
    } else {
        Integrity::Valid
    };
    report.problem = (!check.signing_certificate_bound)
        .then(|| "no ESS signing-certificate-v2 attribute binds the certificate".into());
    report.certificate = check.certificate;
    Ok((report.integrity == Integrity::Valid).then_some((def, *num)))
}
