//! PAdES baseline B-B signatures as incremental updates, and their verification, including what
//! changed in the file after each signature.

use crate::SignError;
use crate::cms_sig;
use crate::keys::{self, SecretKey};
use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, Stream, StringFormat, dictionary};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Room for the CMS blob (hex doubles it): enough for RSA-3072 chains and a later time stamp.
const CONTENTS_BYTES: usize = 16 * 1024;
const PLACEHOLDER: i64 = 9_999_999_999;
const APPEARANCE_FONT: &[u8] = include_bytes!("../../steward-pdf/fonts/LiberationSerif-Regular.ttf");
/// The same font, deflated at build time (see build.rs), as it is written into the PDF.
const APPEARANCE_FONT_DEFLATED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/appearance-font.deflate"));

/// Who signs, and where the visible signature goes.
#[derive(Debug, Clone)]
pub struct SignRequest {
    pub name: String,
    pub organisation: Option<String>,
    pub email: Option<String>,
    /// UTC signing time, written as the signature dictionary's /M.
    pub time: chrono::DateTime<chrono::Utc>,
    /// 1-based page and rectangle; default: a strip at the foot of the last page.
    pub place: Option<(usize, [f32; 4])>,
    pub reason: Option<String>,
}

fn pdf_date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("D:%Y%m%d%H%M%S+00'00'").to_string()
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

fn lp(e: lopdf::Error) -> SignError {
    SignError::Pdf(e.to_string())
}

/// WinAnsi-safe text for the appearance (Latin-1; other characters become '?').
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| if (' '..='~').contains(&c) || ('\u{a0}'..='\u{ff}').contains(&c) { c as u32 as u8 } else { b'?' })
        .collect()
}

fn pdf_literal(bytes: &[u8]) -> Vec<u8> {
    let mut o = vec![b'('];
    for &b in bytes {
        if matches!(b, b'(' | b')' | b'\\') {
            o.push(b'\\');
        }
        o.push(b);
    }
    o.push(b')');
    o
}

/// The appearance font (Liberation Serif, embedded whole, WinAnsi): reused if an earlier
/// signature added it.
fn appearance_font(inc: &mut IncrementalDocument) -> Result<ObjectId, SignError> {
    let existing = inc
        .get_prev_documents()
        .objects
        .iter()
        .find_map(|(id, o)| o.as_dict().ok().filter(|d| d.get(b"StewardAppearanceFont").is_ok()).map(|_| *id));
    if let Some(id) = existing {
        return Ok(id);
    }
    let face =
        ttf_parser::Face::parse(APPEARANCE_FONT, 0).map_err(|e| SignError::Pdf(format!("appearance font: {e}")))?;
    let upm = f32::from(face.units_per_em());
    let widths: Vec<Object> = (32u8..=255)
        .map(|b| {
            let c = char::from(b);
            let w = face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).unwrap_or(0);
            Object::Integer((f32::from(w) * 1000.0 / upm).round() as i64)
        })
        .collect();
    let mut file = Stream::new(
        dictionary! { "Length1" => APPEARANCE_FONT.len() as i64, "Filter" => "FlateDecode" },
        APPEARANCE_FONT_DEFLATED.to_vec(),
    );
    file.allows_compression = false;
    let file_id = inc.new_document.add_object(file);
    let desc = inc.new_document.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "LiberationSerif", "Flags" => 34,
        "FontBBox" => vec![(-543).into(), (-303).into(), 1278.into(), 1007.into()],
        "ItalicAngle" => 0, "Ascent" => 891, "Descent" => (-216), "CapHeight" => 662, "StemV" => 80,
        "FontFile2" => file_id,
    });
    Ok(inc.new_document.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "LiberationSerif",
        "FirstChar" => 32, "LastChar" => 255, "Widths" => widths,
        "Encoding" => "WinAnsiEncoding", "FontDescriptor" => desc, "StewardAppearanceFont" => true,
    }))
}

/// Signs `pdf` as an incremental update; earlier signatures stay valid.
pub fn sign(pdf: &[u8], key: &SecretKey, cert_der: &[u8], req: &SignRequest) -> Result<Vec<u8>, SignError> {
    let prev = Document::load_mem(pdf).map_err(|e| SignError::Input(format!("not a readable PDF: {e}")))?;
    if prev.xref_recovery.is_some() {
        return Err(SignError::Input(
            "the PDF's cross-reference table is damaged; Steward will not sign a repaired file".into(),
        ));
    }
    if prev.trailer.get(b"Encrypt").is_ok() {
        return Err(SignError::Input("the PDF is encrypted".into()));
    }
    let root = prev.trailer.get(b"Root").and_then(Object::as_reference).map_err(lp)?;
    let pages = prev.get_pages();
    let (page_no, rect) = req.place.unwrap_or((pages.len(), [72.0, 60.0, 340.0, 130.0]));
    let page_id =
        *pages.get(&(page_no as u32)).ok_or_else(|| SignError::Input(format!("the PDF has no page {page_no}")))?;
    let existing_sigs = prev
        .objects
        .values()
        .filter(|o| o.as_dict().is_ok_and(|d| d.get(b"FT").and_then(Object::as_name).is_ok_and(|n| n == b"Sig")))
        .count();
    let mut inc = IncrementalDocument::create_from(pdf.to_vec(), prev);

    // Appearance: a light panel with who, for whom, when, and the certificate fingerprint.
    let font = appearance_font(&mut inc)?;
    let (w, h) = (rect[2] - rect[0], rect[3] - rect[1]);
    let fp = keys::fingerprint(cert_der);
    let lines = [
        (11.0, format!("Digitally signed by {}", req.name)),
        (9.0, req.organisation.clone().unwrap_or_default()),
        (9.0, format!("Date: {}", req.time.format("%-d %B %Y, %H:%M UTC"))),
        (6.5, format!("Certificate SHA-256 {}", &fp[..47])),
        (6.5, fp[48..].to_string()),
    ];
    let mut content = format!("q 0.94 0.96 0.99 rg 0 0 {w:.2} {h:.2} re f Q q 0.2 0.3 0.5 RG 1 w 0.5 0.5 {:.2} {:.2} re S Q BT 0.1 0.15 0.3 rg\n", w - 1.0, h - 1.0).into_bytes();
    let mut y = h - 16.0;
    for (size, text) in lines.iter().filter(|(_, t)| !t.is_empty()) {
        content.extend(format!("/F1 {size} Tf 1 0 0 1 8 {y:.2} Tm ").as_bytes());
        content.extend(pdf_literal(&latin1(text)));
        content.extend(b" Tj\n");
        y -= size * 1.35;
    }
    content.extend(b"ET");
    let ap = inc.new_document.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), w.into(), h.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } } },
        content,
    ));

    let mut sig = dictionary! {
        "Type" => "Sig", "Filter" => "Adobe.PPKLite", "SubFilter" => "ETSI.CAdES.detached",
        "ByteRange" => vec![Object::Integer(0), Object::Integer(PLACEHOLDER), Object::Integer(PLACEHOLDER), Object::Integer(PLACEHOLDER)],
        "Contents" => Object::String(vec![0u8; CONTENTS_BYTES], StringFormat::Hexadecimal),
        "M" => Object::string_literal(pdf_date(req.time)),
        "Name" => lopdf::text_string(&req.name),
    };
    if let Some(r) = &req.reason {
        sig.set("Reason", lopdf::text_string(r));
    }
    if let Some(e) = &req.email {
        sig.set("ContactInfo", lopdf::text_string(e));
    }
    let sig_id = inc.new_document.add_object(sig);
    let field_id = inc.new_document.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "FT" => "Sig", "F" => 132,
        "T" => lopdf::text_string(&format!("Signature{}", existing_sigs + 1)),
        "TU" => lopdf::text_string(&format!("Signature of {}", req.name)),
        "V" => sig_id, "P" => page_id,
        "Rect" => rect.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>(),
        "AP" => dictionary! { "N" => ap },
    });

    // The page's /Annots gains the widget.
    inc.opt_clone_object_to_new_document(page_id).map_err(lp)?;
    let annots_ref = inc
        .new_document
        .get_object(page_id)
        .and_then(Object::as_dict)
        .and_then(|d| d.get(b"Annots"))
        .and_then(Object::as_reference)
        .ok();
    match annots_ref {
        Some(aid) => {
            inc.opt_clone_object_to_new_document(aid).map_err(lp)?;
            inc.new_document.get_object_mut(aid).and_then(Object::as_array_mut).map_err(lp)?.push(field_id.into());
        }
        None => {
            let page = inc.new_document.get_object_mut(page_id).and_then(Object::as_dict_mut).map_err(lp)?;
            match page.get_mut(b"Annots") {
                Ok(Object::Array(a)) => a.push(field_id.into()),
                _ => page.set("Annots", vec![Object::from(field_id)]),
            }
        }
    }
    // The catalog's /AcroForm lists the field.
    inc.opt_clone_object_to_new_document(root).map_err(lp)?;
    let form_ref = inc
        .new_document
        .get_object(root)
        .and_then(Object::as_dict)
        .and_then(|d| d.get(b"AcroForm"))
        .and_then(Object::as_reference)
        .ok();
    let add_field = |form: &mut Dictionary| {
        match form.get_mut(b"Fields") {
            Ok(Object::Array(a)) => a.push(field_id.into()),
            _ => form.set("Fields", vec![Object::from(field_id)]),
        }
        form.set("SigFlags", 3);
    };
    match form_ref {
        Some(fid) => {
            inc.opt_clone_object_to_new_document(fid).map_err(lp)?;
            add_field(inc.new_document.get_object_mut(fid).and_then(Object::as_dict_mut).map_err(lp)?);
        }
        None => {
            let cat = inc.new_document.get_object_mut(root).and_then(Object::as_dict_mut).map_err(lp)?;
            match cat.get_mut(b"AcroForm") {
                Ok(Object::Dictionary(form)) => add_field(form),
                _ => {
                    let mut form = Dictionary::new();
                    add_field(&mut form);
                    cat.set("AcroForm", form);
                }
            }
        }
    }

    let mut out = Vec::with_capacity(pdf.len() + CONTENTS_BYTES * 2 + 600_000);
    inc.save_to(&mut out).map_err(|e| SignError::Pdf(e.to_string()))?;

    // Find the placeholders in the new part, fix the byte range, hash, sign, fill in.
    let tail_start = pdf.len();
    let hex_zeros = vec![b'0'; CONTENTS_BYTES * 2];
    let hole = find(&out[tail_start..], &hex_zeros)
        .map(|i| i + tail_start)
        .ok_or_else(|| SignError::Pdf("signature placeholder not found".into()))?;
    let (lt, gt) = (hole - 1, hole + hex_zeros.len());
    if out.get(lt) != Some(&b'<') || out.get(gt) != Some(&b'>') {
        return Err(SignError::Pdf("unexpected signature placeholder layout".into()));
    }
    let after = gt + 1;
    let range = [0, lt, after, out.len() - after];
    let ph = PLACEHOLDER.to_string();
    let br_start = find(&out[tail_start..], ph.as_bytes())
        .map(|i| i + tail_start)
        .ok_or_else(|| SignError::Pdf("byte range placeholder not found".into()))?;
    let open = out[..br_start]
        .iter()
        .rposition(|&c| c == b'[')
        .ok_or_else(|| SignError::Pdf("byte range array not found".into()))?;
    let close = out[br_start..]
        .iter()
        .position(|&c| c == b']')
        .map(|i| i + br_start)
        .ok_or_else(|| SignError::Pdf("byte range array not closed".into()))?;
    let text = format!("{} {} {} {}", range[0], range[1], range[2], range[3]);
    let slot = close - open - 1;
    if text.len() > slot {
        return Err(SignError::Pdf("byte range does not fit its placeholder".into()));
    }
    out[open + 1..close].copy_from_slice(format!("{text:<slot$}").as_bytes());
    let mut h = Sha256::new();
    h.update(&out[..lt]);
    h.update(&out[after..]);
    let digest = h.finalize();
    let blob = cms_sig::sign_detached(key, cert_der, &digest)?;
    let hex = hex::encode_upper(&blob);
    if hex.len() > hex_zeros.len() {
        return Err(SignError::Pdf("the signature is larger than its placeholder".into()));
    }
    out[hole..hole + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

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
    /// What revisions after this signature changed, other than adding signatures.
    pub modified_after_signing: Vec<String>,
    /// The embedded draft is the one this signature covers.
    pub draft_matches: Option<bool>,
    #[serde(skip)]
    pub certificate: Vec<u8>,
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
}

fn revision_ends(pdf: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut at = 0;
    while let Some(i) = find(&pdf[at..], b"%%EOF") {
        // A revision ends right after %%EOF, or after the line break that follows it.
        let mut end = at + i + 5;
        ends.push(end);
        while end < pdf.len() && matches!(pdf[end], b'\r' | b'\n') {
            end += 1;
            ends.push(end);
        }
        at = at + i + 5;
    }
    ends
}

/// The embedded file `name` of a document, if any.
/// The largest embedded draft Steward unpacks: a partner's file cannot make it inflate more.
pub const MAX_EMBEDDED_FILE: usize = 64 << 20;

/// The content of the embedded file `name`, unpacked (at most [`MAX_EMBEDDED_FILE`] bytes).
pub fn embedded_file(doc: &Document, name: &str) -> Option<Vec<u8>> {
    embedded_file_within(doc, name, MAX_EMBEDDED_FILE)
}

fn embedded_file_within(doc: &Document, name: &str, limit: usize) -> Option<Vec<u8>> {
    let cat = doc.catalog().ok()?;
    let names = deref(doc, cat.get(b"Names").ok()?)?.as_dict().ok()?.clone();
    let ef = deref(doc, names.get(b"EmbeddedFiles").ok()?)?.as_dict().ok()?.clone();
    let arr = deref(doc, ef.get(b"Names").ok()?)?.as_array().ok()?.clone();
    for pair in arr.chunks(2) {
        let [k, v] = pair else { continue };
        if k.as_str().ok()? == name.as_bytes() {
            let fs = deref(doc, v)?.as_dict().ok()?.clone();
            let efd = deref(doc, fs.get(b"EF").ok()?)?.as_dict().ok()?.clone();
            let stream = deref(doc, efd.get(b"F").ok()?)?.as_stream().ok()?.clone();
            // A filtered stream that cannot be unpacked within the limit has no usable content.
            return if stream.dict.get(b"Filter").is_ok() {
                stream.decompressed_content_with_limit(limit).ok()
            } else {
                Some(stream.content)
            };
        }
    }
    None
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        o => Some(o),
    }
}

fn is_sig_related(o: &Object) -> bool {
    let Ok(d) = o.as_dict().or_else(|_| o.as_stream().map(|s| &s.dict)) else { return false };
    let name = |k: &[u8]| d.get(k).and_then(Object::as_name).ok().map(<[u8]>::to_vec);
    name(b"Type").as_deref() == Some(b"Sig")
        || name(b"FT").as_deref() == Some(b"Sig")
        || (name(b"Subtype").as_deref() == Some(b"Form") && name(b"Type").as_deref() == Some(b"XObject"))
        || d.get(b"StewardAppearanceFont").is_ok()
        || name(b"Type").as_deref() == Some(b"FontDescriptor")
        || d.get(b"Length1").is_ok()
}

/// Describes what changed between the signed revision and the final file, ignoring the
/// additions a further signature makes.
fn changes_after(signed: &Document, last: &Document) -> Vec<String> {
    let mut out = Vec::new();
    let page_no: std::collections::BTreeMap<ObjectId, u32> =
        last.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let root = last.trailer.get(b"Root").and_then(Object::as_reference).ok();
    let info = last.trailer.get(b"Info").and_then(Object::as_reference).ok();
    for (id, obj) in &last.objects {
        let before = signed.objects.get(id);
        if before.is_some_and(|b| format!("{b:?}") == format!("{obj:?}")) {
            continue;
        }
        if before.is_none() && is_sig_related(obj) {
            continue;
        }
        let (Some(before), Ok(now)) = (before, obj.as_dict()) else {
            // A new object that is not a signature part, or a changed stream or array.
            match (before, obj) {
                (Some(Object::Array(a)), Object::Array(b))
                    if b.len() > a.len() && b.starts_with(a) && b[a.len()..].iter().all(|x| is_sig_ref(last, x)) =>
                {
                    continue;
                }
                (_, Object::Stream(_)) => out.push(describe_stream(last, *id, &page_no)),
                (None, _) if is_embedded_file(obj) => out.push("embedded draft".into()),
                (None, _) => out.push(format!("object {} {} added", id.0, id.1)),
                (Some(_), _) => out.push(format!("object {} {} changed", id.0, id.1)),
            }
            continue;
        };
        let Ok(was) = before.as_dict() else {
            out.push(format!("object {} {} changed", id.0, id.1));
            continue;
        };
        // Dictionaries: which keys changed, and whether only by adding signatures.
        let mut keys: Vec<Vec<u8>> =
            now.iter().map(|(k, _)| k.clone()).chain(was.iter().map(|(k, _)| k.clone())).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let (a, b) = (was.get(&k).ok(), now.get(&k).ok());
            if format!("{a:?}") == format!("{b:?}") {
                continue;
            }
            let allowed = match (k.as_slice(), a, b) {
                (b"Annots", a, Some(Object::Array(bb))) => {
                    let aa: &[Object] = match a {
                        Some(Object::Array(aa)) => aa,
                        None => &[],
                        _ => &[Object::Null],
                    };
                    bb.len() >= aa.len() && bb.starts_with(aa) && bb[aa.len()..].iter().all(|x| is_sig_ref(last, x))
                }
                (b"Fields", a, Some(Object::Array(bb))) => {
                    let aa: &[Object] = match a {
                        Some(Object::Array(aa)) => aa,
                        None => &[],
                        _ => &[Object::Null],
                    };
                    bb.starts_with(aa) && bb[aa.len()..].iter().all(|x| is_sig_ref(last, x))
                }
                (b"SigFlags", _, _) => true,
                (b"AcroForm", _, _) if Some(*id) == root => true,
                _ => false,
            };
            if !allowed {
                let what = if Some(*id) == root {
                    format!("catalog /{}", String::from_utf8_lossy(&k))
                } else if Some(*id) == info {
                    "document information".to_string()
                } else if let Some(n) = page_no.get(id) {
                    format!("page {n} /{}", String::from_utf8_lossy(&k))
                } else {
                    format!("object {} {} /{}", id.0, id.1, String::from_utf8_lossy(&k))
                };
                out.push(what);
            }
        }
    }
    if embedded_file(signed, crate::DRAFT_FILE_NAME) != embedded_file(last, crate::DRAFT_FILE_NAME)
        && !out.iter().any(|o| o == "embedded draft")
    {
        out.push("embedded draft".into());
    }
    out.sort();
    out.dedup();
    out
}

fn is_embedded_file(o: &Object) -> bool {
    o.as_stream().is_ok_and(|s| s.dict.get(b"Type").and_then(Object::as_name).is_ok_and(|n| n == b"EmbeddedFile"))
}

fn is_sig_ref(doc: &Document, o: &Object) -> bool {
    deref(doc, o)
        .is_some_and(|o| o.as_dict().is_ok_and(|d| d.get(b"FT").and_then(Object::as_name).is_ok_and(|n| n == b"Sig")))
}

fn describe_stream(doc: &Document, id: ObjectId, pages: &std::collections::BTreeMap<ObjectId, u32>) -> String {
    for (pid, n) in pages {
        if let Ok(page) = doc.get_dictionary(*pid) {
            let refs: Vec<ObjectId> = match page.get(b"Contents") {
                Ok(Object::Reference(r)) => vec![*r],
                Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
                _ => vec![],
            };
            if refs.contains(&id) {
                return format!("page {n} content");
            }
        }
    }
    if doc.get_object(id).is_ok_and(is_embedded_file) {
        return "embedded draft".into();
    }
    format!("object {} {} (stream) changed", id.0, id.1)
}

/// Verifies every signature of a PDF.
pub fn verify(pdf: &[u8]) -> Result<VerifyReport, SignError> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(SignError::Input("not a PDF: the file does not start with %PDF-".into()));
    }
    let last = Document::load_mem(pdf)
        .map_err(|e| SignError::Input(format!("the PDF cannot be read (damaged or truncated): {e}")))?;
    if last.xref_recovery.is_some()
        && !pdf.ends_with(b"%%EOF")
        && !pdf.ends_with(b"%%EOF\n")
        && !pdf.ends_with(b"%%EOF\r\n")
    {
        return Err(SignError::Input("the PDF is truncated: it does not end with %%EOF".into()));
    }
    let ends = revision_ends(pdf);
    let mut sigs: Vec<(String, Dictionary)> = Vec::new();
    for obj in last.objects.values() {
        let Ok(d) = obj.as_dict() else { continue };
        if d.get(b"FT").and_then(Object::as_name).is_ok_and(|n| n == b"Sig") {
            if let Some(v) = d.get(b"V").ok().and_then(|v| deref(&last, v)).and_then(|v| v.as_dict().ok()) {
                let name = d
                    .get(b"T")
                    .and_then(Object::as_str)
                    .map(|t| String::from_utf8_lossy(t).into_owned())
                    .unwrap_or_default();
                sigs.push((name, v.clone()));
            }
        }
    }
    let draft_now = embedded_file(&last, crate::DRAFT_FILE_NAME);
    let mut reports = Vec::new();
    for (field, sig) in sigs {
        let malformed = |problem: String| SignatureReport {
            field: field.clone(),
            signer: String::new(),
            organisation: None,
            email: None,
            fingerprint: String::new(),
            signing_time: None,
            integrity: Integrity::Malformed,
            problem: Some(problem),
            signed_length: 0,
            covers_whole_file: false,
            modified_after_signing: vec![],
            draft_matches: None,
            certificate: vec![],
        };
        let br: Vec<i64> = sig
            .get(b"ByteRange")
            .and_then(Object::as_array)
            .map(|a| a.iter().filter_map(|o| o.as_i64().ok()).collect())
            .unwrap_or_default();
        let contents = sig.get(b"Contents").and_then(Object::as_str).map(<[u8]>::to_vec).unwrap_or_default();
        let [a, b, c, d] = br.as_slice() else {
            reports.push(malformed("the byte range is missing or not four numbers".into()));
            continue;
        };
        let (a, b, c, d) = (*a as usize, *b as usize, *c as usize, *d as usize);
        if a != 0
            || b >= c
            || c.checked_add(d).is_none_or(|e| e > pdf.len())
            || pdf.get(b) != Some(&b'<')
            || pdf.get(c - 1) != Some(&b'>')
        {
            reports.push(malformed(format!("the byte range [{a} {b} {c} {d}] does not fit the file")));
            continue;
        }
        let mut h = Sha256::new();
        h.update(&pdf[a..b]);
        h.update(&pdf[c..c + d]);
        let digest = h.finalize();
        let check = match cms_sig::check_detached(&contents, &digest) {
            Ok(c) => c,
            Err(e) => {
                reports.push(malformed(e.to_string()));
                continue;
            }
        };
        let who = keys::describe_certificate(&check.certificate).ok();
        let integrity = if !check.digest_matches {
            Integrity::DigestMismatch
        } else if !check.signature_valid {
            Integrity::InvalidSignature
        } else {
            Integrity::Valid
        };
        let signed_len = c + d;
        let covers_whole = signed_len == pdf.len();
        let (modified, draft_matches) = if ends.contains(&signed_len) || covers_whole {
            match Document::load_mem(&pdf[..signed_len]) {
                Ok(signed_doc) => {
                    let changes = if covers_whole { vec![] } else { changes_after(&signed_doc, &last) };
                    let signed_draft = embedded_file(&signed_doc, crate::DRAFT_FILE_NAME);
                    let m = match (&signed_draft, &draft_now) {
                        (Some(x), Some(y)) => Some(x == y),
                        (None, None) => None,
                        _ => Some(false),
                    };
                    (changes, m)
                }
                Err(e) => (vec![format!("the signed revision cannot be read: {e}")], None),
            }
        } else {
            (vec!["the signature does not end at a revision boundary".into()], None)
        };
        reports.push(SignatureReport {
            field: field.clone(),
            signer: who.as_ref().map(|w| w.name.clone()).unwrap_or_default(),
            organisation: who.as_ref().and_then(|w| w.organisation.clone()),
            email: who.as_ref().map(|w| w.email.clone()).filter(|e| !e.is_empty()),
            fingerprint: keys::fingerprint(&check.certificate),
            signing_time: sig
                .get(b"M")
                .and_then(Object::as_str)
                .ok()
                .map(|m| pdf_date_to_rfc3339(&String::from_utf8_lossy(m))),
            integrity,
            problem: (!check.signing_certificate_bound)
                .then(|| "no ESS signing-certificate-v2 attribute binds the certificate".into()),
            signed_length: signed_len,
            covers_whole_file: covers_whole,
            modified_after_signing: modified,
            draft_matches,
            certificate: check.certificate,
        });
    }
    reports.sort_by_key(|r| r.signed_length);
    let ok = !reports.is_empty()
        && reports.iter().all(|r| {
            r.integrity == Integrity::Valid && r.modified_after_signing.is_empty() && r.draft_matches != Some(false)
        });
    let revisions = pdf.windows(5).filter(|w| w == b"%%EOF").count().max(1);
    Ok(VerifyReport { file_length: pdf.len(), revisions, signatures: reports, ok, draft: draft_now })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    /// A small file whose embedded file inflates far beyond the limit is not unpacked.
    #[test]
    fn an_embedded_file_that_inflates_too_far_is_refused() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(&vec![0u8; 2 << 20]).expect("deflate");
        let packed = z.finish().expect("deflate");
        let mut doc = Document::with_version("1.7");
        let ef =
            doc.add_object(Stream::new(dictionary! { "Type" => "EmbeddedFile", "Filter" => "FlateDecode" }, packed));
        let fs = doc.add_object(dictionary! { "Type" => "Filespec", "EF" => dictionary! { "F" => ef } });
        let names = dictionary! { "EmbeddedFiles" => dictionary! { "Names" => vec![Object::string_literal("d.json"), fs.into()] } };
        let cat = doc.add_object(dictionary! { "Type" => "Catalog", "Names" => names });
        doc.trailer.set("Root", cat);
        assert_eq!(embedded_file_within(&doc, "d.json", 1 << 20), None);
        assert_eq!(embedded_file_within(&doc, "d.json", 4 << 20).map(|d| d.len()), Some(2 << 20));
    }
}
