//! PAdES baseline B-B signatures as incremental updates, and their verification, including what
//! changed in the file after each signature.

use crate::SignError;
use crate::cms_sig;
use crate::keys::{self, SecretKey};
use crate::timestamp::TimeStamper;
use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, Stream, StringFormat, dictionary};
use sha2::{Digest, Sha256};

/// Room for the CMS blob (hex doubles it): enough for RSA-3072 chains and a later time stamp.
const CONTENTS_BYTES: usize = 16 * 1024;
const PLACEHOLDER: i64 = 9_999_999_999;
const APPEARANCE_FONT: &[u8] = include_bytes!("../../../steward-pdf/fonts/LiberationSerif-Regular.ttf");
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

/// What else goes into a signature: the signer's chain, and a time stamp (PAdES B-T).
#[derive(Default)]
pub struct SignOptions<'a> {
    /// Certificates of the signer's chain (issuer first), carried in the signature.
    pub chain: Vec<Vec<u8>>,
    /// The time-stamping authority asked for a token over the signature value.
    pub stamper: Option<&'a dyn TimeStamper>,
}

/// Signs `pdf` as an incremental update; earlier signatures stay valid.
pub fn sign(pdf: &[u8], key: &SecretKey, cert_der: &[u8], req: &SignRequest) -> Result<Vec<u8>, SignError> {
    sign_with_options(pdf, key, cert_der, req, &SignOptions::default())
}

/// Signs `pdf` as an incremental update with the signer's chain and, when a time-stamping
/// authority is given, its time stamp over the signature value (PAdES B-T).
pub fn sign_with_options(
    pdf: &[u8],
    key: &SecretKey,
    cert_der: &[u8],
    req: &SignRequest,
    opts: &SignOptions<'_>,
) -> Result<Vec<u8>, SignError> {
    let Prepared { prev, root, pages, existing_sigs } = prepare(pdf)?;
    let (page_no, rect) = req.place.unwrap_or((pages.len(), [72.0, 60.0, 340.0, 130.0]));
    let page_id =
        *pages.get(&(page_no as u32)).ok_or_else(|| SignError::Input(format!("the PDF has no page {page_no}")))?;
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

    finish(pdf, inc, root, page_id, field_id, &|digest: &[u8]| {
        let blob = cms_sig::sign_detached_with(key, cert_der, &opts.chain, digest)?;
        match opts.stamper {
            Some(tsa) => with_signature_timestamp(&blob, tsa),
            None => Ok(blob),
        }
    })
}

/// Makes the `/Contents` blob from the digest of the byte ranges.
type BlobMaker<'a> = dyn Fn(&[u8]) -> Result<Vec<u8>, SignError> + 'a;

/// The page's /Annots and the catalog's /AcroForm gain the field; the update is saved with the
/// placeholders filled in: the byte range, then `/Contents` with `make_blob` of the digest.
fn finish(
    pdf: &[u8],
    mut inc: IncrementalDocument,
    root: ObjectId,
    page_id: ObjectId,
    field_id: ObjectId,
    make_blob: &BlobMaker<'_>,
) -> Result<Vec<u8>, SignError> {
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
    let blob = make_blob(&digest)?;
    let hex = hex::encode_upper(&blob);
    if hex.len() > hex_zeros.len() {
        return Err(SignError::Pdf("the signature is larger than its placeholder".into()));
    }
    out[hole..hole + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

struct Prepared {
    prev: Document,
    root: ObjectId,
    pages: std::collections::BTreeMap<u32, ObjectId>,
    existing_sigs: usize,
}

/// The file read strictly and by lopdf, refused when damaged, repaired or encrypted.
fn prepare(pdf: &[u8]) -> Result<Prepared, SignError> {
    // Steward signs only what its own strict reader accepts, so the result verifies everywhere.
    super::file::PdfFile::parse(pdf).map_err(|d| SignError::Damaged(d.to_string()))?;
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
    let existing_sigs = prev
        .objects
        .values()
        .filter(|o| o.as_dict().is_ok_and(|d| d.get(b"FT").and_then(Object::as_name).is_ok_and(|n| n == b"Sig")))
        .count();
    Ok(Prepared { prev, root, pages, existing_sigs })
}

/// `blob` (a CMS SignedData) with a time-stamp token over its signature value added as the
/// signer's unsigned attribute id-aa-timeStampToken.
fn with_signature_timestamp(blob: &[u8], tsa: &dyn TimeStamper) -> Result<Vec<u8>, SignError> {
    use der::{Decode, Encode};
    let b = |e: der::Error| SignError::Cms(e.to_string());
    let ci = cms::content_info::ContentInfo::from_der(blob).map_err(b)?;
    let mut sd: cms::signed_data::SignedData = ci.content.decode_as().map_err(b)?;
    let mut infos = sd.signer_infos.0.into_vec();
    let si = infos.first_mut().ok_or_else(|| SignError::Cms("no signer".into()))?;
    let token = tsa.token(&Sha256::digest(si.signature.as_bytes()))?;
    let attr = x509_cert::attr::Attribute {
        oid: cms_sig::ID_AA_TIME_STAMP_TOKEN,
        values: der::asn1::SetOfVec::try_from(vec![der::Any::from_der(&token).map_err(b)?]).map_err(b)?,
    };
    si.unsigned_attrs = Some(der::asn1::SetOfVec::try_from(vec![attr]).map_err(b)?);
    sd.signer_infos = cms::signed_data::SignerInfos(der::asn1::SetOfVec::try_from(infos).map_err(b)?);
    let ci = cms::content_info::ContentInfo {
        content_type: ci.content_type,
        content: der::Any::encode_from(&sd).map_err(b)?,
    };
    ci.to_der().map_err(b)
}

/// Adds a document time stamp (`/DocTimeStamp`, `ETSI.RFC3161`): an invisible signature field on
/// the first page whose value is the authority's token over the file's signed byte ranges. Used
/// to archive a file, and over a DSS to keep its validation data (PAdES B-LTA).
pub fn timestamp_document(pdf: &[u8], tsa: &dyn TimeStamper) -> Result<Vec<u8>, SignError> {
    let Prepared { prev, root, pages, existing_sigs } = prepare(pdf)?;
    let page_id = *pages.get(&1).ok_or_else(|| SignError::Input("the PDF has no pages".into()))?;
    let mut inc = IncrementalDocument::create_from(pdf.to_vec(), prev);
    let sig_id = inc.new_document.add_object(dictionary! {
        "Type" => "DocTimeStamp", "Filter" => "Adobe.PPKLite", "SubFilter" => "ETSI.RFC3161",
        "ByteRange" => vec![Object::Integer(0), Object::Integer(PLACEHOLDER), Object::Integer(PLACEHOLDER), Object::Integer(PLACEHOLDER)],
        "Contents" => Object::String(vec![0u8; CONTENTS_BYTES], StringFormat::Hexadecimal),
    });
    let field_id = inc.new_document.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "FT" => "Sig", "F" => 132,
        "T" => lopdf::text_string(&format!("Timestamp{}", existing_sigs + 1)),
        "V" => sig_id, "P" => page_id,
        "Rect" => vec![Object::Real(0.0), Object::Real(0.0), Object::Real(0.0), Object::Real(0.0)],
    });
    finish(pdf, inc, root, page_id, field_id, &|digest: &[u8]| tsa.token(digest))
}

/// Adds a document security store (`/DSS`, ETSI EN 319 142-1, 5.4) as an incremental update:
/// the certificates, CRLs and OCSP responses that let the signatures be checked later (PAdES
/// B-LT). What an earlier DSS held is kept; nothing is added twice.
pub fn add_dss(pdf: &[u8], certs: &[Vec<u8>], crls: &[Vec<u8>], ocsps: &[Vec<u8>]) -> Result<Vec<u8>, SignError> {
    let Prepared { prev, root, .. } = prepare(pdf)?;
    let mut inc = IncrementalDocument::create_from(pdf.to_vec(), prev);
    // What an earlier DSS holds, by content.
    // (key, references in the new DSS, the contents held)
    type List<'k> = (&'k [u8], Vec<Object>, Vec<Vec<u8>>);
    let mut lists: [List<'_>; 3] =
        [(b"Certs", Vec::new(), Vec::new()), (b"CRLs", Vec::new(), Vec::new()), (b"OCSPs", Vec::new(), Vec::new())];
    let old = inc.get_prev_documents();
    let old_dss = old
        .get_object(root)
        .and_then(Object::as_dict)
        .and_then(|c| c.get(b"DSS"))
        .ok()
        .and_then(|o| match o {
            Object::Reference(r) => old.get_object(*r).and_then(Object::as_dict).ok(),
            Object::Dictionary(d) => Some(d),
            _ => None,
        })
        .cloned();
    if let Some(dss) = &old_dss {
        for (k, refs, held) in lists.iter_mut() {
            if let Ok(arr) = dss.get(k).and_then(|o| match o {
                Object::Reference(r) => old.get_object(*r).and_then(Object::as_array),
                o => o.as_array(),
            }) {
                for item in arr {
                    if let Ok(r) = item.as_reference() {
                        refs.push(Object::Reference(r));
                        if let Ok(s) = old.get_object(r).and_then(Object::as_stream) {
                            held.push(s.decompressed_content().unwrap_or_else(|_| s.content.clone()));
                        }
                    }
                }
            }
        }
    }
    for ((_, refs, held), new) in lists.iter_mut().zip([certs, crls, ocsps]) {
        for item in new {
            if held.contains(item) {
                continue;
            }
            held.push(item.clone());
            let mut st = Stream::new(Dictionary::new(), item.clone());
            st.allows_compression = false;
            refs.push(Object::Reference(inc.new_document.add_object(st)));
        }
    }
    let mut dss = dictionary! { "Type" => "DSS" };
    for (k, refs, _) in lists {
        if !refs.is_empty() {
            dss.set(k, refs);
        }
    }
    let dss_id = inc.new_document.add_object(dss);
    inc.opt_clone_object_to_new_document(root).map_err(lp)?;
    inc.new_document.get_object_mut(root).and_then(Object::as_dict_mut).map_err(lp)?.set("DSS", dss_id);
    let mut out = Vec::with_capacity(pdf.len() + 16_384);
    inc.save_to(&mut out).map_err(|e| SignError::Pdf(e.to_string()))?;
    Ok(out)
}
