//! Forged files, one per published attack class and variant, made from a file Steward signed:
//!
//! - incremental saving attacks (ISA) and universal signature forgery (USF) and signature
//!   wrapping (SWA): Mladenov et al., "1 Trillion Dollar Refund", CCS 2019;
//! - shadow attacks (hide, replace, hide-and-replace): Mainka et al., NDSS 2021;
//! - Evil Annotation (EAA) and Sneaky Signature (SSA) attacks: Rohlmann et al., S&P 2021;
//! - structural damage that lenient readers repair differently.
//!
//! Each [`Attack`] names what a verifier must refuse it for (`expect`, a part of the reason).

use crate::update::{Base, Update, Xref, dict, name, r, sign_update, signature_placeholder, stream, text};
use steward_sign::SecretKey;
use steward_sign::pdf::syntax::{Dict, Obj};

/// One forged file.
pub struct Attack {
    /// `class/variant`, for example `isa/page-content`.
    pub name: &'static str,
    pub description: &'static str,
    pub file: Vec<u8>,
    /// A part of the reason a verifier must give (case-insensitive).
    pub expect: &'static str,
}

/// The reason a verification gives for refusing (empty when it accepts).
pub fn reason(r: &Result<steward_sign::VerifyReport, steward_sign::SignError>) -> String {
    match r {
        Err(e) => e.to_string(),
        Ok(rep) if rep.ok => String::new(),
        Ok(rep) => {
            let mut parts: Vec<String> = Vec::new();
            if rep.signatures.is_empty() {
                parts.push("the file has no signatures".into());
            }
            for s in &rep.signatures {
                if let Some(p) = &s.problem {
                    parts.push(format!("{}: {p}", s.field));
                }
                if s.integrity != steward_sign::Integrity::Valid {
                    parts.push(format!("{}: {:?}", s.field, s.integrity));
                }
                parts.extend(s.modified_after_signing.iter().cloned());
                if s.draft_matches == Some(false) {
                    parts.push("the embedded draft changed".into());
                }
            }
            parts.join("; ")
        }
    }
}

const FORGED: &[u8] = b"q 1 1 1 rg 0 0 612 792 re f Q BT /F1 24 Tf 72 700 Td (This agreement is void.) Tj ET";

fn overlay_ap(w: f64, h: f64) -> Obj {
    stream(
        dict(&[
            ("Type", name("XObject")),
            ("Subtype", name("Form")),
            ("BBox", Obj::Array(vec![Obj::Int(0), Obj::Int(0), Obj::Real(w), Obj::Real(h)])),
        ]),
        format!("q 1 1 1 rg 0 0 {w} {h} re f Q BT 0 0 0 rg 72 {} Td (Nothing was agreed.) Tj ET", h / 2.0).as_bytes(),
    )
}

fn rect(a: f64, b: f64, c: f64, d: f64) -> Obj {
    Obj::Array(vec![Obj::Real(a), Obj::Real(b), Obj::Real(c), Obj::Real(d)])
}

/// The catalog's `/AcroForm` as a dictionary, and where it lives (`None`: in the catalog).
fn acroform(b: &Base) -> (Option<u32>, Dict) {
    let cat = b.dict(b.catalog());
    match cat.get(b"AcroForm") {
        Some(Obj::Ref(n, _)) => (Some(*n), b.dict(*n)),
        Some(Obj::Dict(d)) => (None, d.clone()),
        _ => (None, Dict::default()),
    }
}

/// Writes a changed `/AcroForm` (in place or in the catalog) into `u`.
fn put_acroform(b: &Base, u: &mut Update, form: Dict) {
    match acroform(b).0 {
        Some(n) => {
            u.put(n, Obj::Dict(form));
        }
        None => {
            let mut cat = b.dict(b.catalog());
            cat.set(b"AcroForm", Obj::Dict(form));
            u.put(b.catalog(), Obj::Dict(cat));
        }
    }
}

/// Adds `field` (a new object number) to `/AcroForm /Fields` and to page `page`'s `/Annots`.
fn add_field(b: &Base, u: &mut Update, field: u32, page: usize, also_fields: bool) {
    let pnum = b.page(page);
    let mut p = b.dict(pnum);
    let mut annots = match p.get(b"Annots") {
        Some(Obj::Array(a)) => a.clone(),
        Some(Obj::Ref(n, _)) => b.get(*n).as_array().map(<[Obj]>::to_vec).unwrap_or_default(),
        _ => Vec::new(),
    };
    annots.push(r(field));
    p.set(b"Annots", Obj::Array(annots));
    u.put(pnum, Obj::Dict(p));
    if also_fields {
        let (_, mut form) = acroform(b);
        let mut fields = match form.get(b"Fields") {
            Some(Obj::Array(a)) => a.clone(),
            Some(Obj::Ref(n, _)) => b.get(*n).as_array().map(<[Obj]>::to_vec).unwrap_or_default(),
            _ => Vec::new(),
        };
        fields.push(r(field));
        form.set(b"Fields", Obj::Array(fields));
        form.set(b"SigFlags", Obj::Int(3));
        put_acroform(b, u, form);
    }
}

/// Replaces page 1's content with `FORGED` in a new stream `n`.
fn replace_page_one(b: &Base, u: &mut Update, n: u32, tags: &[(&str, Obj)]) {
    let mut d = dict(tags);
    d.set(b"Filter", name("FlateDecode"));
    u.put(n, stream(d, &crate::update::deflate(FORGED)));
    let mut p = b.dict(b.page(1));
    p.set(b"Contents", r(n));
    u.put(b.page(1), Obj::Dict(p));
}

/// A forged signature dictionary (for the USF variants): `pairs` on top of a plausible base.
fn forged_sig(pairs: &[(&str, Option<Obj>)]) -> Obj {
    let mut d = dict(&[
        ("Type", name("Sig")),
        ("Filter", name("Adobe.PPKLite")),
        ("SubFilter", name("ETSI.CAdES.detached")),
        ("ByteRange", Obj::Array(vec![Obj::Int(0), Obj::Int(100), Obj::Int(200), Obj::Int(300)])),
        ("Contents", Obj::HexStr(vec![0x30, 0x80], 0..0)),
        ("M", text("D:20270201000000+00'00'")),
    ]);
    for (k, v) in pairs {
        match v {
            Some(v) => d.set(k.as_bytes(), v.clone()),
            None => {
                d.remove(k.as_bytes());
            }
        }
    }
    Obj::Dict(d)
}

fn usf(b: &Base, pairs: &[(&str, Option<Obj>)]) -> Vec<u8> {
    let n = b.next_num();
    let mut u = Update::new();
    replace_page_one(b, &mut u, n, &[]);
    u.put(n + 1, forged_sig(pairs));
    u.put(
        n + 2,
        Obj::Dict(dict(&[
            ("Type", name("Annot")),
            ("Subtype", name("Widget")),
            ("FT", name("Sig")),
            ("T", text("Signature9")),
            ("V", r(n + 1)),
            ("P", r(b.page(1))),
            ("Rect", rect(0.0, 0.0, 0.0, 0.0)),
            ("F", Obj::Int(132)),
        ])),
    );
    // Page 1 is written twice (content and annotations): merge.
    let mut p = b.dict(b.page(1));
    p.set(b"Contents", r(n));
    let mut annots = p.get(b"Annots").and_then(Obj::as_array).map(<[Obj]>::to_vec).unwrap_or_default();
    annots.push(r(n + 2));
    p.set(b"Annots", Obj::Array(annots));
    u.put(b.page(1), Obj::Dict(p));
    let (_, mut form) = acroform(b);
    let mut fields = form.get(b"Fields").and_then(Obj::as_array).map(<[Obj]>::to_vec).unwrap_or_default();
    fields.push(r(n + 2));
    form.set(b"Fields", Obj::Array(fields));
    put_acroform(b, &mut u, form);
    u.apply(b)
}

/// The signature boxes the embedded draft names: (page, rect).
pub fn boxes(b: &Base) -> Vec<(usize, [f64; 4])> {
    let draft = steward_sign::pdf::embedded_file(&b.file, b.last(), steward_sign::DRAFT_FILE_NAME, 1 << 26);
    let v: serde_json::Value = draft.and_then(|d| serde_json::from_slice(&d).ok()).unwrap_or_default();
    v["signature_boxes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| {
                    let r: Vec<f64> = x["rect"].as_array()?.iter().filter_map(serde_json::Value::as_f64).collect();
                    Some((x["page"].as_u64()? as usize, <[f64; 4]>::try_from(r.as_slice()).ok()?))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A signature made by hand (a valid CMS over its own revision) whose field `shape` adjusts.
/// Without `shape` it is an ordinary signature inside the last signature box.
pub fn hand_signed(b: &Base, attacker: (&SecretKey, &[u8]), shape: &dyn Fn(&mut Dict, &mut Update, u32)) -> Vec<u8> {
    let n = b.next_num();
    let (page, rc) = boxes(b).last().copied().unwrap_or((1, [72.0, 60.0, 300.0, 120.0]));
    let mut u = Update::new();
    u.put(n, signature_placeholder());
    let (w, h) = (rc[2] - rc[0], rc[3] - rc[1]);
    u.put(
        n + 2,
        stream(
            dict(&[("Type", name("XObject")), ("Subtype", name("Form")), ("BBox", rect(0.0, 0.0, w, h))]),
            b"q 0.9 0.9 0.9 rg 0 0 10 10 re f Q",
        ),
    );
    let mut field = dict(&[
        ("Type", name("Annot")),
        ("Subtype", name("Widget")),
        ("FT", name("Sig")),
        ("F", Obj::Int(132)),
        ("T", text("Signature by hand")),
        ("V", r(n)),
        ("P", r(b.page(page))),
        ("Rect", rect(rc[0], rc[1], rc[2], rc[3])),
        ("AP", Obj::Dict(dict(&[("N", r(n + 2))]))),
    ]);
    shape(&mut field, &mut u, n + 3);
    u.put(n + 1, Obj::Dict(field));
    let mut p = b.dict(b.page(page));
    let mut annots = p.get(b"Annots").and_then(Obj::as_array).map(<[Obj]>::to_vec).unwrap_or_default();
    annots.push(r(n + 1));
    p.set(b"Annots", Obj::Array(annots));
    u.put(b.page(page), Obj::Dict(p));
    let (_, mut form) = acroform(b);
    let mut fields = form.get(b"Fields").and_then(Obj::as_array).map(<[Obj]>::to_vec).unwrap_or_default();
    fields.push(r(n + 1));
    form.set(b"Fields", Obj::Array(fields));
    form.set(b"SigFlags", Obj::Int(3));
    put_acroform(b, &mut u, form);
    sign_update(b, &u, attacker.0, attacker.1)
}

/// The forged files made from `signed` (a file Steward signed, with its draft's signature boxes
/// embedded). `unsigned` is the same agreement before signing and `victim` signs it as the
/// victim would (for the shadow attacks, whose content is prepared before signing); `attacker`
/// is a key of the attacker's own.
pub fn corpus(
    signed: &[u8],
    unsigned: &[u8],
    victim: &dyn Fn(&[u8]) -> Vec<u8>,
    attacker: (&SecretKey, &[u8]),
) -> Vec<Attack> {
    let b = Base::new(signed);
    let n = b.next_num();
    let mut out: Vec<Attack> = Vec::new();
    let mut add = |name, description, file, expect| out.push(Attack { name, description, file, expect });

    // ---- incremental saving attacks ----
    let mut u = Update::new();
    replace_page_one(&b, &mut u, n, &[]);
    add("isa/page-content", "page 1 shows new content from an appended revision", u.apply(&b), "page 1 /Contents");

    let mut u = Update::new();
    let c = b.page_content(1);
    u.put(c, stream(dict(&[]), FORGED));
    add("isa/content-stream-rewritten", "page 1's content stream is redefined in place", u.apply(&b), "page 1 content");

    let mut u = Update::new();
    replace_page_one(&b, &mut u, n, &[("Type", name("Sig")), ("FT", name("Sig")), ("Length1", Obj::Int(5))]);
    add(
        "isa/content-tagged-as-signature",
        "the new content stream carries /Type /Sig, /FT /Sig and /Length1, which looser checks exempt",
        u.apply(&b),
        "page 1 /Contents",
    );

    let mut u = Update::new();
    let mut page = b.dict(b.page(1));
    page.set(b"Parent", r(n + 1));
    page.set(b"Contents", r(n + 2));
    u.put(n, Obj::Dict(page));
    u.put(
        n + 1,
        Obj::Dict(dict(&[
            ("Type", name("Pages")),
            ("FT", name("Sig")),
            ("Kids", Obj::Array(vec![r(n)])),
            ("Count", Obj::Int(1)),
        ])),
    );
    u.put(n + 2, stream(dict(&[("Type", name("XObject")), ("Subtype", name("Form"))]), FORGED));
    let mut cat = b.dict(b.catalog());
    cat.set(b"Pages", r(n + 1));
    u.put(b.catalog(), Obj::Dict(cat));
    add(
        "isa/new-page-tree",
        "the catalog points at a new one-page tree tagged /FT /Sig",
        u.apply(&b),
        "catalog /Pages",
    );

    let mut u = Update::new();
    let mut cat = b.dict(b.catalog());
    cat.set(b"OpenAction", Obj::Dict(dict(&[("S", name("JavaScript")), ("JS", text("app.alert('signed')"))])));
    u.put(n, Obj::Dict(cat));
    u.trailer("Root", Some(r(n)));
    add("isa/new-catalog", "the trailer's /Root names a new catalog", u.apply(&b), "trailer /Root");

    let mut u = Update::new();
    let mut cat = b.dict(b.catalog());
    cat.set(b"OpenAction", Obj::Dict(dict(&[("S", name("JavaScript")), ("JS", text("this.print()"))])));
    u.put(b.catalog(), Obj::Dict(cat));
    add("isa/open-action", "the catalog gains a JavaScript /OpenAction", u.apply(&b), "catalog /OpenAction");

    let mut u = Update::new();
    u.put(n, Obj::Dict(dict(&[("Title", text("Void")), ("Author", text("Someone else"))])));
    u.trailer("Info", Some(r(n)));
    add("isa/info-replaced", "the trailer's /Info names a new dictionary", u.apply(&b), "document information");

    if let Some(info) = b.info() {
        let mut u = Update::new();
        let mut d = b.dict(info);
        d.set(b"Title", text("Amended terms"));
        u.put(info, Obj::Dict(d));
        add(
            "isa/info-rewritten",
            "the document information dictionary is redefined",
            u.apply(&b),
            "document information",
        );
    }

    let mut u = Update::new();
    let (_, mut form) = acroform(&b);
    form.set(b"NeedAppearances", Obj::Bool(true));
    put_acroform(&b, &mut u, form);
    add("isa/need-appearances", "the form asks readers to redraw its fields", u.apply(&b), "NeedAppearances");

    let mut u = Update::new();
    let (_, mut form) = acroform(&b);
    u.put(n, stream(dict(&[]), b"<xdp:xdp xmlns:xdp=\"http://ns.adobe.com/xdp/\"><template/></xdp:xdp>"));
    form.set(b"XFA", r(n));
    put_acroform(&b, &mut u, form);
    add("isa/xfa", "the form gains an XFA form, which some readers show instead of the pages", u.apply(&b), "XFA");

    let mut u = Update::new();
    let cat = b.dict(b.catalog());
    if let Some(fs) = cat.get(b"AF").and_then(Obj::as_array).and_then(|a| a.first()).and_then(Obj::as_ref) {
        let mut spec = b.dict(fs.0);
        u.put(
            n,
            stream(dict(&[("Type", name("EmbeddedFile"))]), br#"{"format":"steward-draft","version":2,"spec":{}}"#),
        );
        spec.set(b"EF", Obj::Dict(dict(&[("F", r(n)), ("UF", r(n))])));
        u.put(fs.0, Obj::Dict(spec));
        add("isa/embedded-draft", "the embedded machine-readable draft is replaced", u.apply(&b), "embedded draft");
    }

    let mut u = Update::new();
    u.free(b.page_content(1), 1);
    add("isa/free-object", "page 1's content stream is freed", u.apply(&b), "removed");

    let mut u = Update::new();
    let c = b.page_content(1);
    u.put_gen(c, 1, stream(dict(&[]), FORGED));
    let mut p = b.dict(b.page(1));
    p.set(b"Contents", Obj::Ref(c, 1));
    u.put(b.page(1), Obj::Dict(p));
    add("isa/generation-changed", "page 1's content is redefined under a new generation", u.apply(&b), "renumbered");

    let mut u = Update::new();
    u.put(n, stream(dict(&[]), FORGED));
    add("isa/unreferenced-object", "a new object that nothing refers to", u.apply(&b), "added");

    let mut file = b.bytes.clone();
    file.extend_from_slice(format!("\n{} 0 obj\n<< /Type /Catalog /Pages 1 0 R >>\nendobj\n", n).as_bytes());
    add("isa/no-xref", "an object appended after %%EOF without a cross-reference section", file, "%%EOF");

    let mut file = b.bytes.clone();
    file.extend_from_slice(b"\n% trailing data that no revision accounts for\n");
    add("isa/trailing-bytes", "bytes after the final %%EOF", file, "%%EOF");

    let mut u = Update::new();
    replace_page_one(&b, &mut u, n, &[]);
    u.point.push((b.page(1), n));
    add(
        "isa/xref-points-elsewhere",
        "an xref entry points at another object than it names",
        u.apply(&b),
        "points at object",
    );

    let mut u = Update::new();
    let c = b.page_content(1);
    u.put(c, b.get(c));
    u.after_objects = {
        let mut v = format!("{c} 0 obj\n").into_bytes();
        stream(dict(&[]), FORGED).write(&mut v);
        v.extend_from_slice(b"\nendobj\n");
        v
    };
    add(
        "isa/duplicate-definition",
        "an update defines page 1's content twice: the xref names the first, repairing readers take the last",
        u.apply(&b),
        "belong to no object",
    );

    let mut u = Update::new();
    u.preamble = {
        let mut v = format!("{n} 0 obj\n").into_bytes();
        stream(dict(&[]), FORGED).write(&mut v);
        v.extend_from_slice(b"\nendobj\n");
        v
    };
    u.put(n + 1, Obj::Dict(dict(&[("Note", text("harmless"))])));
    add(
        "isa/hidden-between-revisions",
        "an object between two revisions that no xref lists",
        u.apply(&b),
        "belong to no object",
    );

    let mut u = Update::new();
    replace_page_one(&b, &mut u, n, &[]);
    u.prev_self = true;
    add("isa/prev-loop", "an update whose /Prev points at itself", u.apply(&b), "prev");

    let mut u = Update::new().with_xref(Xref::StreamWithObjectStream);
    replace_page_one(&b, &mut u, n, &[]);
    add(
        "isa/object-stream",
        "page 1 is replaced through an object stream and a cross-reference stream",
        u.apply(&b),
        "page 1 /Contents",
    );

    let mut u = Update::new();
    replace_page_one(&b, &mut u, n, &[]);
    u.trailer("XRefStm", Some(Obj::Int(0)));
    add("isa/hybrid-xref", "a hybrid trailer (/XRefStm) that table-only readers ignore", u.apply(&b), "hybrid");

    let mut u = Update::new();
    u.put(n, Obj::Dict(dict(&[("Note", text("x"))])));
    u.extra_entries.push((b.page_content(1), b.offset_of(b.page_content(1)), 0));
    add(
        "isa/entry-into-earlier-revision",
        "an update's xref lists an object whose body is in an earlier revision",
        u.apply(&b),
        "outside its revision",
    );

    let mut u = Update::new();
    let (fnt_name, fnt) = b.page_font(1);
    let _ = fnt_name;
    let mut f = b.dict(fnt);
    f.set(b"BaseFont", name("Helvetica"));
    f.remove(b"FontDescriptor");
    u.put(fnt, Obj::Dict(f));
    add("shadow/replace-font", "page 1's font is replaced after signing (replace variant)", u.apply(&b), "font");

    let (res_num, mut res) = b.page_resources(1);
    let mut u = Update::new();
    let xobjects = dict(&[("Sh", r(n))]);
    res.set(b"XObject", Obj::Dict(xobjects));
    u.put(n, overlay_ap(612.0, 792.0));
    match res_num {
        Some(rn) => {
            u.put(rn, Obj::Dict(res));
        }
        None => {
            let mut p = b.dict(b.page(1));
            p.set(b"Resources", Obj::Dict(res));
            u.put(b.page(1), Obj::Dict(p));
        }
    }
    add("isa/page-resources", "page 1's resources gain an overlay", u.apply(&b), "page 1");

    // ---- evil annotations ----
    let mut u = Update::new();
    u.put(
        n,
        Obj::Dict(dict(&[
            ("Type", name("Annot")),
            ("Subtype", name("FreeText")),
            ("Rect", rect(60.0, 600.0, 550.0, 760.0)),
            ("Contents", text("The parties agree to nothing.")),
            ("DA", text("/Helv 14 Tf 0 g")),
            ("AP", Obj::Dict(dict(&[("N", r(n + 1))]))),
        ])),
    );
    u.put(n + 1, overlay_ap(490.0, 160.0));
    add_field(&b, &mut u, n, 1, false);
    add("eaa/free-text", "a FreeText annotation paints over page 1", u.apply(&b), "annotation (FreeText) added");

    let mut u = Update::new();
    u.put(
        n,
        Obj::Dict(dict(&[
            ("Type", name("Annot")),
            ("Subtype", name("Stamp")),
            ("FT", name("Sig")),
            ("Rect", rect(60.0, 600.0, 550.0, 760.0)),
            ("AP", Obj::Dict(dict(&[("N", r(n + 1))]))),
        ])),
    );
    u.put(n + 1, overlay_ap(490.0, 160.0));
    add_field(&b, &mut u, n, 1, true);
    add(
        "eaa/stamp-tagged-as-signature",
        "a Stamp annotation tagged /FT /Sig, in the form and on the page",
        u.apply(&b),
        "not its own widget",
    );

    let mut u = Update::new();
    u.put(
        n,
        Obj::Dict(dict(&[
            ("Type", name("Annot")),
            ("Subtype", name("Link")),
            ("Rect", rect(0.0, 0.0, 612.0, 792.0)),
            ("A", Obj::Dict(dict(&[("S", name("JavaScript")), ("JS", text("app.alert(1)"))]))),
        ])),
    );
    add_field(&b, &mut u, n, 1, false);
    add(
        "eaa/link-action",
        "a page-sized link annotation with a JavaScript action",
        u.apply(&b),
        "annotation (Link) added",
    );

    // ---- sneaky signatures ----
    let mut u = Update::new();
    u.put(
        n,
        Obj::Dict(dict(&[
            ("Type", name("Annot")),
            ("Subtype", name("Widget")),
            ("FT", name("Sig")),
            ("T", text("Signature9")),
            ("P", r(b.page(1))),
            ("Rect", rect(60.0, 600.0, 550.0, 760.0)),
            ("F", Obj::Int(4)),
            ("AP", Obj::Dict(dict(&[("N", r(n + 1))]))),
        ])),
    );
    u.put(n + 1, overlay_ap(490.0, 160.0));
    add_field(&b, &mut u, n, 1, true);
    add(
        "ssa/unsigned-field",
        "an empty signature field whose appearance covers page 1's text",
        u.apply(&b),
        "not signed",
    );

    let req = steward_sign::SignRequest {
        name: "Mallory".into(),
        organisation: Some("Another Party".into()),
        email: None,
        time: chrono::DateTime::from_timestamp(1_800_100_000, 0).expect("time"),
        place: Some((1, [50.0, 90.0, 560.0, 760.0])),
        reason: None,
    };
    let file = steward_sign::sign(signed, attacker.0, attacker.1, &req).expect("the attacker signs");
    add(
        "ssa/signed-overlay",
        "a valid signature whose appearance covers page 1's text",
        file,
        "outside the signature boxes",
    );

    add(
        "ssa/no-appearance",
        "a valid signature whose widget covers page 1 and has no appearance, so readers draw its background",
        hand_signed(&b, attacker, &|f, _, _| {
            f.remove(b"AP");
            f.set(b"Rect", rect(0.0, 0.0, 612.0, 792.0));
            f.set(b"MK", Obj::Dict(dict(&[("BG", Obj::Array(vec![Obj::Int(1), Obj::Int(1), Obj::Int(1)]))])));
        }),
        "without an appearance",
    );
    add(
        "ssa/no-zoom-flag",
        "a valid signature whose widget is flagged NoZoom, which some readers draw outside its rectangle",
        hand_signed(&b, attacker, &|f, _, _| f.set(b"F", Obj::Int(4 | 8))),
        "/F flags",
    );
    let existing =
        b.signatures().first().and_then(|(f, _)| b.dict(*f).get(b"T").cloned()).unwrap_or_else(|| text("Signature1"));
    add(
        "ssa/duplicate-field-name",
        "a valid signature in a field named like the existing one, which readers merge",
        hand_signed(&b, attacker, &|f, _, _| f.set(b"T", existing.clone())),
        "name is that of an existing field",
    );
    add(
        "ssa/objects-hidden-in-appearance",
        "a valid signature whose appearance stream holds lines that read as objects to a reader that rebuilds the file",
        hand_signed(&b, attacker, &|f, u, next| {
            u.put(
                next,
                stream(
                    dict(&[("Type", name("XObject")), ("Subtype", name("Form")), ("BBox", rect(0.0, 0.0, 10.0, 10.0))]),
                    b"q Q\n1 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n",
                ),
            );
            f.set(b"AP", Obj::Dict(dict(&[("N", r(next))])));
        }),
        "looks like PDF objects",
    );
    add(
        "isa/dangling-reference",
        "a valid signature whose widget refers to an object that does not exist (readers rebuild the file)",
        hand_signed(&b, attacker, &|f, _, _| f.set(b"BS", Obj::Ref(99_999, 0))),
        "does not define",
    );
    add(
        "isa/wrong-generation",
        "a valid signature whose widget names its page with the wrong generation",
        hand_signed(&b, attacker, &|f, _, _| f.set(b"P", Obj::Ref(b.page(1), 7))),
        "does not define",
    );
    let mut u = Update::new();
    replace_page_one(&b, &mut u, n, &[]);
    u.free_head_before = Some(b.page(1));
    add(
        "isa/renumbered-subsection",
        "a subsection that starts with the free-list head, which some readers renumber",
        u.apply(&b),
        "renumber",
    );
    let mut file = b.bytes.clone();
    file.extend(std::iter::repeat_n(b' ', 2000));
    add(
        "isa/trailing-white-space",
        "kilobytes of white space after %%EOF push it beyond where readers look",
        file,
        "white space",
    );
    let mut u = Update::new().with_xref(Xref::StreamWithObjectStream);
    u.put(b.catalog(), b.get(b.catalog()));
    u.object_stream_prefix = format!(
        "<< /Type /Catalog /Pages {} 0 R /OpenAction << /S /JavaScript /JS (1) >> >>\n",
        b.dict(b.catalog()).get(b"Pages").and_then(Obj::as_ref).map_or(1, |p| p.0)
    )
    .into_bytes();
    add(
        "isa/object-stream-prefix",
        "an unchanged catalog in an object stream, with another catalog between /First and it",
        u.apply(&b),
        "do not start at /First",
    );

    let mut u = Update::new();
    let sigs = b.signatures();
    if let Some(&(field, _)) = sigs.first() {
        let mut f = b.dict(field);
        f.set(b"AA", Obj::Dict(dict(&[("E", Obj::Dict(dict(&[("S", name("JavaScript")), ("JS", text("1"))])))])));
        u.put(field, Obj::Dict(f));
        add("ssa/signature-field-gains-action", "the signed field gains an action", u.apply(&b), "signature field");
    }

    // ---- universal signature forgery: a "signature" that says nothing, over a changed page ----
    add("usf/no-contents", "a signature without /Contents", usf(&b, &[("Contents", None)]), "no /Contents");
    add(
        "usf/empty-contents",
        "a signature whose /Contents is empty",
        usf(&b, &[("Contents", Some(Obj::HexStr(vec![], 0..0)))]),
        "byte range",
    );
    add("usf/no-byte-range", "a signature without /ByteRange", usf(&b, &[("ByteRange", None)]), "no byte range");
    add(
        "usf/null-byte-range",
        "a signature whose /ByteRange is null",
        usf(&b, &[("ByteRange", Some(Obj::Null))]),
        "no byte range",
    );
    add(
        "usf/zero-byte-range",
        "a signature whose /ByteRange is [0 0 0 0]",
        usf(&b, &[("ByteRange", Some(Obj::Array(vec![Obj::Int(0); 4])))]),
        "byte range",
    );
    add(
        "usf/overflowing-byte-range",
        "a signature whose /ByteRange runs past the file",
        usf(
            &b,
            &[(
                "ByteRange",
                Some(Obj::Array(vec![Obj::Int(0), Obj::Int(10), Obj::Int(20), Obj::Int(i64::from(u32::MAX))])),
            )],
        ),
        "byte range",
    );
    add(
        "usf/byte-range-not-numbers",
        "a signature whose /ByteRange holds names",
        usf(&b, &[("ByteRange", Some(Obj::Array(vec![name("a"), name("b"), name("c"), name("d")])))]),
        "byte range",
    );

    // ---- signature wrapping ----
    if let Some(&(_, sig)) = b.signatures().first() {
        let d = b.dict(sig);
        if let Some(Obj::HexStr(blob, span)) = d.get(b"Contents") {
            // The CMS blob is shorter than its zero-padded placeholder: close the string after
            // the real signature and hide other data in the rest of the unsigned gap.
            let used = blob.iter().rposition(|&x| x != 0).map_or(0, |i| i + 1);
            let start = span.start + 1 + used * 2 + 2;
            let end = span.end - 1;
            if end > start + 40 {
                let mut file = b.bytes.clone();
                let mut fill = b">/Wrapped(".to_vec();
                let pad = end - start - fill.len() - 6;
                fill.extend(std::iter::repeat_n(b'x', pad));
                fill.extend_from_slice(b")/P<0");
                fill.truncate(end - start);
                while fill.len() < end - start {
                    fill.push(b'0');
                }
                file[start..end].copy_from_slice(&fill);
                add(
                    "swa/data-in-signature-gap",
                    "the /Contents string ends early and the rest of the unsigned gap holds other data",
                    file,
                    "leaves out bytes",
                );
            }
            let mut u = Update::new();
            replace_page_one(&b, &mut u, n, &[]);
            u.put(sig, Obj::Dict(d.clone()));
            add(
                "swa/signature-moved-to-new-revision",
                "the signature dictionary is copied into a new revision that also changes page 1",
                u.apply(&b),
                "signature's /Contents is bytes",
            );
            let mut u = Update::new();
            let mut lit = d.clone();
            lit.set(b"Contents", Obj::Str(blob.clone()));
            u.put(sig, Obj::Dict(lit));
            add(
                "swa/contents-as-literal",
                "the signature's /Contents rewritten as a literal string",
                u.apply(&b),
                "hex string",
            );
        }
    }

    // ---- shadow attacks: content prepared before the victim signs, shown after ----
    let prep = Base::new(unsigned);
    let pn = prep.next_num();
    // Hide: page 1 draws an (empty) form XObject; after signing the form paints over the text.
    let mut u = Update::new();
    let (res_num, mut res) = prep.page_resources(1);
    res.set(b"XObject", Obj::Dict(dict(&[("Sh", r(pn))])));
    u.put(
        pn,
        stream(
            dict(&[("Type", name("XObject")), ("Subtype", name("Form")), ("BBox", rect(0.0, 0.0, 612.0, 792.0))]),
            b"",
        ),
    );
    u.put(pn + 1, stream(dict(&[]), b"q /Sh Do Q"));
    let mut p = prep.dict(prep.page(1));
    let mut contents = match p.get(b"Contents") {
        Some(Obj::Array(a)) => a.clone(),
        Some(o) => vec![o.clone()],
        None => vec![],
    };
    contents.push(r(pn + 1));
    p.set(b"Contents", Obj::Array(contents));
    match res_num {
        Some(rn) => {
            u.put(rn, Obj::Dict(res));
        }
        None => p.set(b"Resources", Obj::Dict(res)),
    }
    u.put(prep.page(1), Obj::Dict(p));
    let prepared = victim(&u.apply(&prep));
    let pb = Base::new(&prepared);
    let mut u = Update::new();
    u.put(pn, overlay_ap(612.0, 792.0));
    add(
        "shadow/hide",
        "a form prepared empty before signing paints over page 1 after",
        u.apply(&pb),
        "page 1 image or form /Sh",
    );

    // Hide-and-replace: a second page tree sits unused in the signed file; afterwards the catalog
    // points at it.
    let mut u = Update::new();
    let mut page = prep.dict(prep.page(1));
    page.set(b"Parent", r(pn + 1));
    page.set(b"Contents", r(pn + 2));
    page.remove(b"Annots");
    u.put(pn, Obj::Dict(page));
    u.put(
        pn + 1,
        Obj::Dict(dict(&[("Type", name("Pages")), ("Kids", Obj::Array(vec![r(pn)])), ("Count", Obj::Int(1))])),
    );
    u.put(pn + 2, stream(dict(&[]), FORGED));
    let mut cat = prep.dict(prep.catalog());
    cat.set(b"Shadow", r(pn + 1));
    u.put(prep.catalog(), Obj::Dict(cat));
    let prepared = victim(&u.apply(&prep));
    let pb = Base::new(&prepared);
    let mut u = Update::new();
    let mut cat = pb.dict(pb.catalog());
    cat.set(b"Pages", r(pn + 1));
    u.put(pb.catalog(), Obj::Dict(cat));
    add(
        "shadow/hide-and-replace",
        "a second page tree present but unused when signed becomes the document after",
        u.apply(&pb),
        "catalog /Pages",
    );

    // Replace via optional content: a layer prepared visible is turned off after signing.
    let mut u = Update::new();
    u.put(pn, Obj::Dict(dict(&[("Type", name("OCG")), ("Name", text("Terms"))])));
    let mut cat = prep.dict(prep.catalog());
    cat.set(
        b"OCProperties",
        Obj::Dict(dict(&[
            ("OCGs", Obj::Array(vec![r(pn)])),
            ("D", Obj::Dict(dict(&[("ON", Obj::Array(vec![r(pn)]))]))),
        ])),
    );
    u.put(prep.catalog(), Obj::Dict(cat));
    let prepared = victim(&u.apply(&prep));
    let pb = Base::new(&prepared);
    let mut u = Update::new();
    let mut cat = pb.dict(pb.catalog());
    cat.set(
        b"OCProperties",
        Obj::Dict(dict(&[
            ("OCGs", Obj::Array(vec![r(pn)])),
            ("D", Obj::Dict(dict(&[("OFF", Obj::Array(vec![r(pn)]))]))),
        ])),
    );
    u.put(pb.catalog(), Obj::Dict(cat));
    add(
        "shadow/optional-content",
        "a layer visible when signed is switched off after",
        u.apply(&pb),
        "catalog /OCProperties",
    );

    // Hide via an annotation prepared before signing, taken out of the page after.
    let mut u = Update::new();
    u.put(
        pn,
        Obj::Dict(dict(&[
            ("Type", name("Annot")),
            ("Subtype", name("Square")),
            ("Rect", rect(60.0, 600.0, 550.0, 760.0)),
        ])),
    );
    let mut p = prep.dict(prep.page(1));
    p.set(b"Annots", Obj::Array(vec![r(pn)]));
    u.put(prep.page(1), Obj::Dict(p));
    let prepared = victim(&u.apply(&prep));
    let pb = Base::new(&prepared);
    let mut u = Update::new();
    let mut p = pb.dict(pb.page(1));
    p.set(b"Annots", Obj::Array(vec![]));
    u.put(pb.page(1), Obj::Dict(p));
    add(
        "shadow/annotation-removed",
        "an annotation present when signed is removed after",
        u.apply(&pb),
        "annotations changed",
    );

    // A catalog prepared with /DSS naming page 1's content; afterwards that stream is rewritten as
    // a "DSS".
    let mut u = Update::new();
    let mut cat = prep.dict(prep.catalog());
    cat.set(b"DSS", r(prep.page_content(1)));
    u.put(prep.catalog(), Obj::Dict(cat));
    let prepared = victim(&u.apply(&prep));
    let pb = Base::new(&prepared);
    let mut u = Update::new();
    u.put(pb.page_content(1), Obj::Dict(dict(&[("Type", name("DSS")), ("Certs", Obj::Array(vec![]))])));
    add(
        "shadow/dss-over-content",
        "page 1's content, named as the DSS when signed, is rewritten as one after",
        u.apply(&pb),
        "not a DSS",
    );

    // ---- damage ----
    add("damage/truncated", "the file cut short", b.bytes[..b.bytes.len() - 300].to_vec(), "damaged");
    let mut file = b.bytes.clone();
    let sx = file.windows(9).rposition(|w| w == b"startxref").expect("startxref");
    file[sx + 10] = if file[sx + 10] == b'1' { b'2' } else { b'1' };
    add("damage/startxref", "the final startxref points at the wrong place", file, "damaged");
    let mut file = b.bytes.clone();
    let xr = b.file.revisions[b.last()].xref_offset;
    let entry = file[xr..].windows(18).position(|w| {
        w[..10].iter().all(u8::is_ascii_digit)
            && w[10] == b' '
            && w[11..16].iter().all(u8::is_ascii_digit)
            && w[16] == b' '
            && w[17] == b'n'
    });
    if let Some(e) = entry {
        let at = xr + e + 9;
        file[at] = if file[at] == b'9' { b'8' } else { b'9' };
    }
    add("damage/xref-offset", "an xref entry's offset is off", file, "damaged");

    out
}
