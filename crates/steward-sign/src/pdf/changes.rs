//! What an incremental update changed, judged by an allow-list. An update after a signature may
//! do only what a further signature (or, for long-term validation, a `/DSS`) does:
//!
//! - add a signature field that is its own widget, whose `/V` is a signature dictionary that
//!   verifies and covers exactly this revision; the widget is appended to one page's `/Annots`
//!   and the field to `/AcroForm /Fields`, `/SigFlags` may be set, and the widget's appearance
//!   streams (and the fonts they use) are new objects referenced from that widget only; the
//!   widget lies inside a signature box the signed draft names (or, in a file without such
//!   boxes, is small), so a signature's appearance cannot paint over the agreement;
//! - add or extend the catalog's `/DSS` (certificates, OCSP responses, CRLs);
//! - rewrite an object without changing it.
//!
//! Everything else is named as a change: page contents, resources, fonts, the page tree, other
//! catalog keys, `/Info`, the trailer, other annotations, unsigned fields, XFA, actions, the
//! embedded draft, freed or renumbered objects, objects that earlier references now reach, and
//! objects referenced from nowhere.

use super::file::{Entry, PdfFile};
use super::syntax::{Dict, Obj};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A signature box the signed draft names: 1-based page and `[x0, y0, x1, y1]` in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub page: usize,
    pub rect: [f64; 4],
}

/// The keys a signature field (merged with its widget) may have.
const FIELD_KEYS: &[&[u8]] = &[
    b"Type", b"Subtype", b"FT", b"F", b"T", b"TU", b"TM", b"V", b"P", b"Rect", b"AP", b"MK", b"Lock", b"SV", b"Border",
    b"DA", b"Ff", b"NM", b"M", b"BS",
];
const ACROFORM_KEYS_CHANGEABLE: &[&[u8]] = &[b"Fields", b"SigFlags"];
const DSS_KEYS: &[&[u8]] = &[b"Type", b"Certs", b"OCSPs", b"CRLs", b"VRI"];
const VRI_KEYS: &[&[u8]] = &[b"Type", b"Cert", b"OCSP", b"CRL", b"TU", b"TS"];
/// Trailer keys that say how the revision is stored, not what the document is.
const TRAILER_STRUCTURE: &[&[u8]] =
    &[b"Size", b"Prev", b"Type", b"W", b"Index", b"Filter", b"DecodeParms", b"Length", b"ID"];

fn key(k: &[u8]) -> String {
    String::from_utf8_lossy(k).into_owned()
}

/// What objects of the revision before an update are, for naming what an update changed.
struct Roles {
    catalog: u32,
    acroform: Option<u32>,
    fields: Option<u32>,
    dss: Option<u32>,
    /// Leaf pages: object number -> 1-based page number.
    pages: HashMap<u32, usize>,
    /// Indirect `/Annots` arrays -> page number and page object.
    annots: HashMap<u32, (usize, u32)>,
    names: HashMap<u32, String>,
    /// How many of the roles above each object plays: a change to one that plays two is judged
    /// as a change to both, and refused.
    roles: HashMap<u32, usize>,
    /// The names (/T) of the form's fields.
    field_names: HashSet<Vec<u8>>,
}

impl Roles {
    fn of(file: &PdfFile, rev: usize) -> Option<Self> {
        let (catalog, cat) = file.catalog(rev)?;
        let mut names: HashMap<u32, String> = HashMap::new();
        let mut name = |o: Option<&Obj>, what: String| {
            if let Some((n, _)) = o.and_then(Obj::as_ref) {
                names.entry(n).or_insert(what);
            }
        };
        let acroform = cat.get(b"AcroForm").and_then(Obj::as_ref).map(|r| r.0);
        let form = file.lookup(rev, cat, b"AcroForm").and_then(Obj::as_dict);
        let fields = form.and_then(|f| f.get(b"Fields")).and_then(Obj::as_ref).map(|r| r.0);
        let dss = cat.get(b"DSS").and_then(Obj::as_ref).map(|r| r.0);
        let mut pages = HashMap::new();
        let mut annots = HashMap::new();
        let mut role_count: HashMap<u32, usize> = HashMap::new();
        for n in [Some(catalog), acroform, fields, dss].into_iter().flatten() {
            *role_count.entry(n).or_default() += 1;
        }
        for (i, (num, page)) in file.pages(rev).into_iter().enumerate() {
            let n = i + 1;
            pages.insert(num, n);
            *role_count.entry(num).or_default() += 1;
            if let Some((a, _)) = page.get(b"Annots").and_then(Obj::as_ref) {
                annots.insert(a, (n, num));
                *role_count.entry(a).or_default() += 1;
            }
            match page.get(b"Contents") {
                Some(Obj::Array(a)) => a.iter().for_each(|c| name(Some(c), format!("page {n} content"))),
                c => name(c, format!("page {n} content")),
            }
            name(page.get(b"Resources"), format!("page {n} resources"));
            if let Some(res) = file.lookup(rev, page, b"Resources").and_then(Obj::as_dict) {
                for (kind, label) in
                    [(&b"Font"[..], "font"), (b"XObject", "image or form"), (b"ExtGState", "graphics state")]
                {
                    name(res.get(kind), format!("page {n} resources /{}", key(kind)));
                    if let Some(d) = file.lookup(rev, res, kind).and_then(Obj::as_dict) {
                        for (k, v) in &d.0 {
                            name(Some(v), format!("page {n} {label} /{}", key(k)));
                            if let Some(font) = file.resolve(rev, v).and_then(Obj::as_dict) {
                                for sub in [&b"FontDescriptor"[..], b"DescendantFonts", b"ToUnicode", b"Widths"] {
                                    name(font.get(sub), format!("page {n} font /{} ({})", key(k), key(sub)));
                                }
                            }
                        }
                    }
                }
            }
        }
        name(file.revisions[rev].trailer.get(b"Info"), "document information (/Info)".into());
        name(cat.get(b"Pages"), "the page tree".into());
        name(cat.get(b"Names"), "catalog /Names".into());
        name(cat.get(b"Outlines"), "the bookmarks".into());
        if let Some(ef) = file.lookup(rev, cat, b"Names").and_then(Obj::as_dict).and_then(|n| n.get(b"EmbeddedFiles")) {
            name(Some(ef), "the embedded files".into());
            if let Some(arr) = file
                .resolve(rev, ef)
                .and_then(Obj::as_dict)
                .and_then(|d| file.lookup(rev, d, b"Names"))
                .and_then(Obj::as_array)
            {
                for fs in arr.iter().skip(1).step_by(2) {
                    name(Some(fs), "embedded draft (file specification)".into());
                    if let Some(efd) = file
                        .resolve(rev, fs)
                        .and_then(Obj::as_dict)
                        .and_then(|d| file.lookup(rev, d, b"EF"))
                        .and_then(Obj::as_dict)
                    {
                        for v in efd.values() {
                            name(Some(v), "embedded draft".into());
                        }
                    }
                }
            }
        }
        for (fnum, fd) in signature_fields(file, rev) {
            let t = fd
                .get(b"T")
                .and_then(Obj::as_bytes)
                .map(|t| String::from_utf8_lossy(t).into_owned())
                .unwrap_or_default();
            names.entry(fnum).or_insert(format!("signature field {t}"));
            if let Some((v, _)) = fd.get(b"V").and_then(Obj::as_ref) {
                names.entry(v).or_insert(format!("signature dictionary of {t}"));
            }
        }
        let mut field_names = HashSet::new();
        if let Some(list) = form.and_then(|f| file.lookup(rev, f, b"Fields")).and_then(Obj::as_array) {
            for f in list {
                if let Some(t) =
                    file.resolve(rev, f).and_then(Obj::as_dict).and_then(|d| d.get(b"T")).and_then(Obj::as_bytes)
                {
                    field_names.insert(t.to_vec());
                }
            }
        }
        Some(Roles { catalog, acroform, fields, dss, pages, annots, names, roles: role_count, field_names })
    }

    fn describe(&self, num: u32, generation: u16) -> String {
        if num == self.catalog {
            return "the catalog".into();
        }
        if let Some(n) = self.pages.get(&num) {
            return format!("page {n}");
        }
        if let Some((n, _)) = self.annots.get(&num) {
            return format!("page {n} annotations");
        }
        if Some(num) == self.acroform {
            return "the form (/AcroForm)".into();
        }
        self.names.get(&num).cloned().unwrap_or_else(|| format!("object {num} {generation}"))
    }
}

/// The signature fields (merged field/widget or parent) reachable from `/AcroForm /Fields`.
pub fn signature_fields(file: &PdfFile, rev: usize) -> Vec<(u32, &Dict)> {
    let mut out = Vec::new();
    let Some((_, cat)) = file.catalog(rev) else { return out };
    let Some(form) = file.lookup(rev, cat, b"AcroForm").and_then(Obj::as_dict) else { return out };
    let Some(fields) = file.lookup(rev, form, b"Fields").and_then(Obj::as_array) else { return out };
    let mut seen = HashSet::new();
    let mut stack: Vec<(&Obj, usize, bool)> = fields.iter().rev().map(|f| (f, 0, false)).collect();
    while let Some((f, depth, parent_sig)) = stack.pop() {
        let Some((n, _)) = f.as_ref() else { continue };
        if depth > 32 || !seen.insert(n) {
            continue;
        }
        let Some(d) = file.resolve(rev, f).and_then(Obj::as_dict) else { continue };
        let is_sig = d.name(b"FT").map_or(parent_sig, |t| t == b"Sig");
        if let Some(kids) = file.lookup(rev, d, b"Kids").and_then(Obj::as_array) {
            stack.extend(kids.iter().rev().map(|k| (k, depth + 1, is_sig)));
            if d.get(b"V").is_none() {
                continue;
            }
        }
        if is_sig {
            out.push((n, d));
        }
    }
    out
}

/// The update that made revision `k` (0-based, `k >= 1`), against the revision before it.
/// `signed` holds the signature dictionaries (object numbers) that verified and cover exactly
/// revision `k`; `areas` the signature boxes of the signed draft.
pub fn update_changes(file: &PdfFile, k: usize, signed: &BTreeSet<u32>, areas: &[Area]) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    let a = k - 1;
    let (ta, tb) = (&file.revisions[a].trailer, &file.revisions[k].trailer);
    let Some(roles) = Roles::of(file, a) else {
        return vec!["the signed revision has no catalog".into()];
    };
    // The trailer: same catalog, same /Info, same first /ID, nothing else that means anything.
    if ta.get(b"Root").map(|o| o.as_ref()) != tb.get(b"Root").map(|o| o.as_ref()) {
        out.insert("trailer /Root (the document's catalog was replaced)".into());
    }
    if !opt_same(ta.get(b"Info"), tb.get(b"Info")) {
        out.insert("document information (trailer /Info)".into());
    }
    let first_id = |t: &Dict| t.get(b"ID").and_then(Obj::as_array).and_then(|a| a.first()).cloned();
    if let (Some(x), y) = (first_id(ta), first_id(tb)) {
        if !y.is_some_and(|y| y.same(&x)) {
            out.insert("trailer /ID (the document's identifier)".into());
        }
    }
    for kname in tb.keys().chain(ta.keys()) {
        if !TRAILER_STRUCTURE.contains(&kname)
            && kname != b"Root"
            && kname != b"Info"
            && !opt_same(ta.get(kname), tb.get(kname))
        {
            out.insert(format!("trailer /{}", key(kname)));
        }
    }

    let rev = &file.revisions[k];
    let structural: HashSet<u32> = rev.xref_stream.iter().chain(rev.object_streams.iter()).copied().collect();
    let mut new_objects: BTreeSet<u32> = BTreeSet::new();
    let mut modified: Vec<(u32, &Obj, &Obj)> = Vec::new();
    for (&num, entry) in &rev.entries {
        if num == 0 {
            continue;
        }
        let before = file.get(a, num);
        match (entry, before) {
            (Entry::Free { .. }, Some((g, _))) => {
                out.insert(format!("{} was removed (object {num} {g} freed)", roles.describe(num, g)));
            }
            (Entry::Free { .. }, None) => {}
            (_, None) => {
                if !structural.contains(&num) {
                    new_objects.insert(num);
                }
            }
            (_, Some((ga, old))) => {
                let Some((gb, now)) = rev.objects.get(&num).map(|(g, o)| (*g, o)) else { continue };
                if ga != gb {
                    out.insert(format!(
                        "{} was renumbered (object {num}: generation {ga} to {gb})",
                        roles.describe(num, ga)
                    ));
                } else if structural.contains(&num) {
                    out.insert(format!(
                        "{} was replaced by a cross-reference or object stream",
                        roles.describe(num, ga)
                    ));
                } else if !old.same(now) {
                    modified.push((num, old, now));
                }
            }
        }
    }

    // What may change: the catalog's /AcroForm and /DSS, the form's /Fields and /SigFlags, the
    // /Fields array, a page's /Annots and the /Annots arrays; each only by appending.
    let mut fields_added: Vec<u32> = Vec::new();
    let mut annots_added: Vec<(usize, u32, u32)> = Vec::new(); // (page, page object, widget)
    let mut accounted: HashSet<u32> = HashSet::new();
    let mut dss_roots: Vec<&Obj> = Vec::new();
    for (num, old, now) in modified {
        let what = roles.describe(num, 0);
        if roles.roles.get(&num).copied().unwrap_or(0) > 1 {
            out.insert(format!("{what} (an object that is more than one part of the document) was changed"));
            continue;
        }
        if num == roles.catalog {
            let (Some(was), Some(is)) = (old.as_dict(), now.as_dict()) else {
                out.insert("the catalog".into());
                continue;
            };
            for kname in was.changed_keys(is) {
                match kname {
                    b"AcroForm" => match (was.get(b"AcroForm"), is.get(b"AcroForm")) {
                        (_, Some(Obj::Dict(f))) => {
                            let old_form = was.get(b"AcroForm").and_then(|o| file.resolve(a, o)).and_then(Obj::as_dict);
                            acroform_change(file, a, k, old_form, f, &mut fields_added, &mut accounted, &mut out);
                        }
                        (None, Some(Obj::Ref(n, _))) if new_objects.contains(n) => {
                            accounted.insert(*n);
                            match rev.objects.get(n).and_then(|(_, o)| o.as_dict()) {
                                Some(f) => {
                                    acroform_change(file, a, k, None, f, &mut fields_added, &mut accounted, &mut out)
                                }
                                None => {
                                    out.insert("catalog /AcroForm".into());
                                }
                            }
                        }
                        _ => {
                            out.insert("catalog /AcroForm (replaced)".into());
                        }
                    },
                    b"DSS" => match is.get(b"DSS") {
                        Some(o @ (Obj::Dict(_) | Obj::Ref(..))) => dss_roots.push(o),
                        _ => {
                            out.insert("catalog /DSS".into());
                        }
                    },
                    other => {
                        out.insert(format!("catalog /{}", key(other)));
                    }
                }
            }
        } else if Some(num) == roles.acroform {
            match (old.as_dict(), now.as_dict()) {
                (Some(was), Some(is)) => {
                    acroform_change(file, a, k, Some(was), is, &mut fields_added, &mut accounted, &mut out)
                }
                _ => {
                    out.insert(what);
                }
            }
        } else if Some(num) == roles.fields {
            match appended(old.as_array(), now.as_array()) {
                Some(extra) => fields_added.extend(extra),
                None => {
                    out.insert("form fields (/AcroForm /Fields) changed other than by adding one".into());
                }
            }
        } else if Some(num) == roles.dss {
            // Only what already is a DSS may be extended as one.
            match old {
                Obj::Dict(d) if d.keys().all(|k| DSS_KEYS.contains(&k)) => dss_roots.push(now),
                _ => {
                    out.insert(format!("{what}: an object that was not a DSS was rewritten as one"));
                }
            }
        } else if let Some(&page) = roles.pages.get(&num) {
            let (Some(was), Some(is)) = (old.as_dict(), now.as_dict()) else {
                out.insert(what);
                continue;
            };
            for kname in was.changed_keys(is) {
                if kname != b"Annots" {
                    out.insert(format!("page {page} /{}", key(kname)));
                    continue;
                }
                match (was.get(b"Annots"), is.get(b"Annots")) {
                    (_, Some(Obj::Array(now_list))) => {
                        let old_list = was.get(b"Annots").and_then(|o| file.resolve(a, o)).and_then(Obj::as_array);
                        match appended(Some(old_list.unwrap_or(&[])), Some(now_list)) {
                            Some(extra) => annots_added.extend(extra.into_iter().map(|w| (page, num, w))),
                            None => {
                                out.insert(format!("page {page} annotations changed other than by adding a signature"));
                            }
                        }
                    }
                    (None, Some(Obj::Ref(n, _))) if new_objects.contains(n) => {
                        accounted.insert(*n);
                        match rev.objects.get(n).and_then(|(_, o)| o.as_array()) {
                            Some(list) => {
                                annots_added.extend(list.iter().filter_map(Obj::as_ref).map(|(w, _)| (page, num, w)))
                            }
                            None => {
                                out.insert(format!("page {page} annotations"));
                            }
                        }
                    }
                    _ => {
                        out.insert(format!("page {page} annotations changed other than by adding a signature"));
                    }
                }
            }
        } else if let Some(&(page, page_obj)) = roles.annots.get(&num) {
            match appended(old.as_array(), now.as_array()) {
                Some(extra) => annots_added.extend(extra.into_iter().map(|w| (page, page_obj, w))),
                None => {
                    out.insert(format!("page {page} annotations changed other than by adding a signature"));
                }
            }
        } else {
            out.insert(what);
        }
    }

    // Each added widget must be an added signature field, and the other way round.
    let pages = file.pages(k);
    let mut ap_roots: Vec<(u32, Vec<u32>)> = Vec::new();
    for &f in &fields_added {
        if !new_objects.contains(&f) {
            out.insert(format!("{} was added to the form again", roles.describe(f, 0)));
            continue;
        }
        let on_pages: Vec<&(usize, u32, u32)> = annots_added.iter().filter(|(_, _, w)| *w == f).collect();
        let Some(field) = rev.objects.get(&f).and_then(|(_, o)| o.as_dict()) else {
            out.insert(format!("form field {f} added"));
            continue;
        };
        let label = field
            .get(b"T")
            .and_then(Obj::as_bytes)
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .unwrap_or_else(|| format!("object {f}"));
        let [(page, page_obj, _)] = on_pages.as_slice() else {
            out.insert(format!("form field {label} added without exactly one widget on a page"));
            continue;
        };
        accounted.insert(f);
        if field.get(b"T").and_then(Obj::as_bytes).is_some_and(|t| roles.field_names.contains(t)) {
            out.insert(format!(
                "signature field {label}: its name is that of an existing field (readers merge such fields)"
            ));
        }
        let mut roots = Vec::new();
        if let Some(problem) = check_signature_field(
            file,
            k,
            field,
            *page,
            *page_obj,
            signed,
            areas,
            &pages,
            &new_objects,
            &mut roots,
            &mut accounted,
        ) {
            out.insert(format!("signature field {label}: {problem}"));
        }
        ap_roots.push((f, roots));
    }
    for (page, _, w) in &annots_added {
        if !fields_added.contains(w) {
            let what = if new_objects.contains(w) {
                let sub = rev.objects.get(w).and_then(|(_, o)| o.as_dict()).and_then(|d| d.name(b"Subtype")).map(key);
                format!("an annotation ({}) added on page {page}", sub.unwrap_or_else(|| "unknown kind".into()))
            } else {
                format!("{} shown again on page {page}", roles.describe(*w, 0))
            };
            out.insert(what);
        }
    }
    // Appearance streams and what they use: new objects reachable from the widget's /AP.
    let mut ap_members: HashMap<u32, u32> = HashMap::new();
    for (field, roots) in &ap_roots {
        for n in closure(file, k, roots, &new_objects) {
            ap_members.insert(n, *field);
            accounted.insert(n);
        }
    }
    // The DSS and its streams.
    for root in dss_roots {
        match check_dss(file, k, root, &new_objects) {
            Ok(members) => accounted.extend(members),
            Err(problem) => {
                out.insert(format!("catalog /DSS: {problem}"));
            }
        }
    }
    // No new object may be reached from anything but its own widget (or the DSS).
    for &n in &new_objects {
        let Some((_, o)) = rev.objects.get(&n) else { continue };
        let mut refs = Vec::new();
        o.refs(&mut refs);
        for (r, _) in refs {
            if let Some(owner) = ap_members.get(&r) {
                if ap_members.get(&n) != Some(owner) && n != *owner {
                    out.insert(format!("the appearance of a signature (object {r}) is also used by object {n}"));
                }
            }
        }
    }
    // References that pointed at nothing before the update now reach its new objects.
    let dangling = dangling_refs(file, a);
    for &n in &new_objects {
        if dangling.contains(&n) {
            out.insert(format!("object {n} was referenced before it existed and was defined after signing"));
        }
    }
    // A stream that holds lines like `12 0 obj` or `trailer` is what a reader that rebuilds the
    // file would take for objects: no update after a signature may bring one.
    for &n in &new_objects {
        if let Some((_, Obj::Stream(st))) = rev.objects.get(&n) {
            if looks_like_structure(&st.raw) {
                out.insert(format!(
                    "a stream added (object {n}) holds what looks like PDF objects or a trailer, which readers that rebuild the file would take for real ones"
                ));
            }
        }
    }
    for &n in &new_objects {
        if !accounted.contains(&n) {
            let what = match rev.objects.get(&n).map(|(_, o)| o) {
                Some(Obj::Stream(s)) if s.dict.name(b"Type") == Some(b"EmbeddedFile") => {
                    "an embedded file added".to_string()
                }
                Some(Obj::Stream(_)) => format!("a stream added (object {n})"),
                Some(Obj::Dict(d)) if d.name(b"Type") == Some(b"Annot") || d.get(b"Subtype").is_some() => {
                    format!("an annotation or form object added (object {n})")
                }
                _ => format!("object {n} added"),
            };
            out.insert(what);
        }
    }
    out.into_iter().collect()
}

/// Whether `raw` has a line that starts with `N G obj`, `trailer`, `xref` or `startxref`.
fn looks_like_structure(raw: &[u8]) -> bool {
    raw.split(|&b| b == b'\n' || b == b'\r').any(|line| {
        let t: &[u8] = {
            let i = line.iter().position(|b| !super::syntax::is_white(*b)).unwrap_or(line.len());
            &line[i..]
        };
        if t.starts_with(b"trailer") || t.starts_with(b"xref") || t.starts_with(b"startxref") {
            return true;
        }
        let mut words = t.split(|b| super::syntax::is_white(*b)).filter(|w| !w.is_empty());
        let (Some(a), Some(b), Some(c)) = (words.next(), words.next(), words.next()) else { return false };
        a.iter().all(u8::is_ascii_digit) && b.iter().all(u8::is_ascii_digit) && c.starts_with(b"obj")
    })
}

fn opt_same(a: Option<&Obj>, b: Option<&Obj>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x.same(y),
        _ => false,
    }
}

/// The references appended to `old` to make `now`, if `now` is `old` plus references only.
fn appended(old: Option<&[Obj]>, now: Option<&[Obj]>) -> Option<Vec<u32>> {
    let (old, now) = (old.unwrap_or(&[]), now?);
    if now.len() < old.len() || !old.iter().zip(now).all(|(x, y)| x.same(y)) {
        return None;
    }
    now[old.len()..].iter().map(|o| o.as_ref().map(|(n, _)| n)).collect()
}

#[allow(clippy::too_many_arguments)]
fn acroform_change(
    file: &PdfFile,
    a: usize,
    k: usize,
    was: Option<&Dict>,
    is: &Dict,
    fields_added: &mut Vec<u32>,
    accounted: &mut HashSet<u32>,
    out: &mut BTreeSet<String>,
) {
    let empty = Dict::default();
    let was = was.unwrap_or(&empty);
    for kname in was.changed_keys(is) {
        if !ACROFORM_KEYS_CHANGEABLE.contains(&kname) {
            let what = match kname {
                b"XFA" => "the form's XFA (a second, hidden form) was added or changed".to_string(),
                b"NeedAppearances" => "the form asks readers to redraw its fields (/NeedAppearances)".to_string(),
                other => format!("the form /{}", key(other)),
            };
            out.insert(what);
        }
    }
    match is.get(b"SigFlags") {
        None | Some(Obj::Int(1 | 3)) => {}
        Some(_) => {
            out.insert("the form /SigFlags".into());
        }
    }
    if !opt_same(was.get(b"Fields"), is.get(b"Fields")) {
        match (was.get(b"Fields"), is.get(b"Fields")) {
            (_, Some(Obj::Array(now))) => {
                let old = was.get(b"Fields").and_then(|o| file.resolve(a, o)).and_then(Obj::as_array);
                match appended(Some(old.unwrap_or(&[])), Some(now)) {
                    Some(extra) => fields_added.extend(extra),
                    None => {
                        out.insert("form fields (/AcroForm /Fields) changed other than by adding one".into());
                    }
                }
            }
            (None, Some(Obj::Ref(n, _))) if file.get(a, *n).is_none() => {
                accounted.insert(*n);
                match file.get(k, *n).and_then(|(_, o)| o.as_array()) {
                    Some(list) => fields_added.extend(list.iter().filter_map(Obj::as_ref).map(|(n, _)| n)),
                    None => {
                        out.insert("form fields (/AcroForm /Fields)".into());
                    }
                }
            }
            _ => {
                out.insert("form fields (/AcroForm /Fields) replaced".into());
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_signature_field(
    file: &PdfFile,
    k: usize,
    field: &Dict,
    page: usize,
    page_obj: u32,
    signed: &BTreeSet<u32>,
    areas: &[Area],
    pages: &[(u32, &Dict)],
    new_objects: &BTreeSet<u32>,
    roots: &mut Vec<u32>,
    accounted: &mut HashSet<u32>,
) -> Option<String> {
    if field.name(b"FT") != Some(b"Sig") {
        return Some("a form field that is not a signature field was added".into());
    }
    if field.name(b"Subtype") != Some(b"Widget") {
        return Some("it is not its own widget".into());
    }
    if let Some(bad) = field.keys().find(|kname| !FIELD_KEYS.contains(kname)) {
        return Some(format!("/{} is not allowed on a signature field (actions, kids and parents are not)", key(bad)));
    }
    let Some(Obj::Ref(v, _)) = field.get(b"V") else {
        return Some("it is not signed (an empty signature field was added after signing)".into());
    };
    if !new_objects.contains(v) || !signed.contains(v) {
        return Some("its signature does not verify or does not cover exactly its own revision".into());
    }
    accounted.insert(*v);
    if let Some((_, sig)) = file.get(k, *v) {
        let mut refs = Vec::new();
        sig.refs(&mut refs);
        if !refs.is_empty() {
            return Some("its signature dictionary refers to other objects".into());
        }
    }
    if field.get(b"P").and_then(Obj::as_ref).map(|r| r.0) != Some(page_obj) {
        return Some(format!("its /P does not name page {page}, where its widget is"));
    }
    // Only flags that keep the widget to its rectangle: Hidden, Print, NoView, ReadOnly, Locked,
    // LockedContents (NoZoom and NoRotate let a reader draw it elsewhere).
    if let Some(f) = field.get(b"F") {
        match f.as_int() {
            Some(v) if v >= 0 && v & !(2 | 4 | 32 | 64 | 128 | 512) == 0 => {}
            _ => return Some("its /F flags let readers draw it outside its rectangle".into()),
        }
    }
    if let Some(mk) = field.get(b"MK") {
        let mut refs = Vec::new();
        mk.refs(&mut refs);
        if !refs.is_empty() {
            return Some("its /MK refers to other objects".into());
        }
    }
    // The appearance: /N (and /D, /R) streams.
    if let Some(ap) = field.get(b"AP") {
        let Some(ap) = ap.as_dict().filter(|_| matches!(ap, Obj::Dict(_))) else {
            return Some("its /AP is not a direct dictionary".into());
        };
        for (kname, v) in &ap.0 {
            if !matches!(kname.as_slice(), b"N" | b"D" | b"R") {
                return Some(format!("its /AP has /{}", key(kname)));
            }
            match v {
                Obj::Ref(n, _) if file.get(k, *n).is_some_and(|(_, o)| matches!(o, Obj::Stream(_))) => roots.push(*n),
                _ => return Some("its appearance is not a stream".into()),
            }
        }
    }
    // Where it is drawn: on its page, inside a signature box of the signed draft.
    let rect: Vec<f64> = field
        .get(b"Rect")
        .and_then(Obj::as_array)
        .map(|a| a.iter().filter_map(Obj::as_number).collect())
        .unwrap_or_default();
    let [x0, y0, x1, y1] = rect.as_slice() else { return Some("it has no /Rect".into()) };
    let r = [x0.min(*x1), y0.min(*y1), x0.max(*x1), y0.max(*y1)];
    let area = (r[2] - r[0]) * (r[3] - r[1]);
    if area > 0.0 {
        if roots.is_empty() {
            return Some(
                "a visible signature without an appearance of its own (readers would draw one over the page)".into(),
            );
        }
        let Some(visible) = pages.iter().find(|(n, _)| *n == page_obj).and_then(|(_, d)| visible_box(file, k, d))
        else {
            return Some(format!("page {page} has no usable /MediaBox"));
        };
        let on_page = areas.iter().filter(|b| b.page == page).collect::<Vec<_>>();
        let inside =
            |b: &[f64; 4]| r[0] >= b[0] - 2.0 && r[1] >= b[1] - 2.0 && r[2] <= b[2] + 2.0 && r[3] <= b[3] + 2.0;
        if !areas.is_empty() {
            if !on_page.iter().any(|b| inside(&b.rect)) {
                return Some(format!(
                    "its appearance on page {page} lies outside the signature boxes of the signed agreement (it could cover the text)"
                ));
            }
        } else {
            let page_area = (visible[2] - visible[0]) * (visible[3] - visible[1]);
            if !inside(&visible) || area > page_area / 8.0 {
                return Some(format!("its appearance covers too much of page {page} (it could cover the text)"));
            }
        }
    }
    None
}

/// What a reader shows of a page: its CropBox within its MediaBox (both inherited).
fn visible_box(file: &PdfFile, rev: usize, page: &Dict) -> Option<[f64; 4]> {
    let media = inherited_box(file, rev, page, b"MediaBox")?;
    Some(match inherited_box(file, rev, page, b"CropBox") {
        Some(c) => [c[0].max(media[0]), c[1].max(media[1]), c[2].min(media[2]), c[3].min(media[3])],
        None => media,
    })
    .filter(|b| b[2] > b[0] && b[3] > b[1])
}

fn inherited_box(file: &PdfFile, rev: usize, page: &Dict, key: &[u8]) -> Option<[f64; 4]> {
    let mut d = page;
    for _ in 0..32 {
        if let Some(mb) = file.lookup(rev, d, key).and_then(Obj::as_array) {
            let v: Vec<f64> = mb.iter().filter_map(|o| file.resolve(rev, o).and_then(Obj::as_number)).collect();
            if let [a, b, c, e] = v.as_slice() {
                return Some([a.min(*c), b.min(*e), a.max(*c), b.max(*e)]);
            }
            return None;
        }
        d = file.lookup(rev, d, b"Parent").and_then(Obj::as_dict)?;
    }
    None
}

/// The new objects reachable from `roots` through new objects only.
fn closure(file: &PdfFile, k: usize, roots: &[u32], new_objects: &BTreeSet<u32>) -> BTreeSet<u32> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<u32> = roots.iter().copied().filter(|n| new_objects.contains(n)).collect();
    while let Some(n) = stack.pop() {
        if !seen.insert(n) {
            continue;
        }
        if let Some((_, o)) = file.get(k, n) {
            let mut refs = Vec::new();
            o.refs(&mut refs);
            stack.extend(refs.into_iter().map(|(r, _)| r).filter(|r| new_objects.contains(r) && !seen.contains(r)));
        }
    }
    seen
}

/// A `/DSS` (ETSI EN 319 142-1, 5.4): only the keys it defines, arrays of streams; returns the new
/// objects it accounts for.
fn check_dss(file: &PdfFile, k: usize, root: &Obj, new_objects: &BTreeSet<u32>) -> Result<BTreeSet<u32>, String> {
    let mut members = BTreeSet::new();
    if let Obj::Ref(n, _) = root {
        members.insert(*n);
    }
    let dss = file.resolve(k, root).and_then(|o| match o {
        Obj::Dict(d) => Some(d),
        _ => None,
    });
    let Some(dss) = dss else { return Err("not a dictionary".into()) };
    if let Some(bad) = dss.keys().find(|kname| !DSS_KEYS.contains(kname)) {
        return Err(format!("/{} is not a key of a DSS", key(bad)));
    }
    let streams = |o: &Obj, members: &mut BTreeSet<u32>| -> Result<(), String> {
        let list = file.resolve(k, o).and_then(Obj::as_array).ok_or("a list that is not an array")?;
        if let Obj::Ref(n, _) = o {
            members.insert(*n);
        }
        for item in list {
            match item {
                Obj::Ref(n, _) if file.get(k, *n).is_some_and(|(_, s)| matches!(s, Obj::Stream(_))) => {
                    members.insert(*n);
                }
                _ => return Err("an entry that is not a stream".into()),
            }
        }
        Ok(())
    };
    for kname in [&b"Certs"[..], b"OCSPs", b"CRLs"] {
        if let Some(o) = dss.get(kname) {
            streams(o, &mut members)?;
        }
    }
    if let Some(vri) = dss.get(b"VRI") {
        if let Obj::Ref(n, _) = vri {
            members.insert(*n);
        }
        let vri = file.resolve(k, vri).and_then(Obj::as_dict).ok_or("/VRI is not a dictionary")?;
        for entry in vri.values() {
            if let Obj::Ref(n, _) = entry {
                members.insert(*n);
            }
            let e = file.resolve(k, entry).and_then(Obj::as_dict).ok_or("a /VRI entry is not a dictionary")?;
            if let Some(bad) = e.keys().find(|kname| !VRI_KEYS.contains(kname)) {
                return Err(format!("/{} is not a key of a VRI entry", key(bad)));
            }
            for kname in [&b"Cert"[..], b"OCSP", b"CRL"] {
                if let Some(o) = e.get(kname) {
                    streams(o, &mut members)?;
                }
            }
        }
    }
    // Streams of the DSS must not refer on to other new objects.
    for &m in &members {
        if let Some((_, Obj::Stream(s))) = file.get(k, m) {
            let mut refs = Vec::new();
            Obj::Dict(s.dict.clone()).refs(&mut refs);
            if refs.iter().any(|(r, _)| new_objects.contains(r) && !members.contains(r)) {
                return Err("a stream refers to other new objects".into());
            }
        }
    }
    Ok(members.into_iter().filter(|m| new_objects.contains(m)).collect())
}

/// Object numbers referenced in revision `rev` that no object there defines.
fn dangling_refs(file: &PdfFile, rev: usize) -> HashSet<u32> {
    let mut defined: BTreeMap<u32, ()> = BTreeMap::new();
    let mut refs = Vec::new();
    for r in &file.revisions[..=rev] {
        for (n, e) in &r.entries {
            match e {
                Entry::Free { .. } => {
                    defined.remove(n);
                }
                _ => {
                    defined.insert(*n, ());
                }
            }
        }
    }
    for n in defined.keys() {
        if let Some((_, o)) = file.get(rev, *n) {
            o.refs(&mut refs);
        }
    }
    refs.push((0, 0));
    file.revisions[rev].trailer.refs_into(&mut refs);
    refs.into_iter().map(|(n, _)| n).filter(|n| !defined.contains_key(n)).collect()
}

trait RefsInto {
    fn refs_into(&self, out: &mut Vec<(u32, u16)>);
}

impl RefsInto for Dict {
    fn refs_into(&self, out: &mut Vec<(u32, u16)>) {
        self.values().for_each(|v| v.refs(out));
    }
}
