//! Reading a partner's .docx: the package is checked before anything in it is believed (a zip
//! within limits, no macros, no external relationships, no entity definitions), then the draft
//! part is taken out and the body read clause by clause as the partner leaves it.

use crate::write::ids;
use crate::{DocxError, TAG_CLAUSE, TAG_FRONT, TAG_SIGNATURES, W_NS, W_NS_STRICT, draft_namespace, normalize};
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Read as _;
use steward_clauses::helpers::{REF_CLOSE, REF_OPEN};

/// The largest .docx read.
pub const MAX_DOCX: u64 = 32 << 20;
/// The largest part read out of it, uncompressed, and all parts together.
const MAX_PART: u64 = 64 << 20;
const MAX_TOTAL: u64 = 256 << 20;
/// How much a part may grow when inflated before the file counts as a zip bomb.
const MAX_RATIO: u64 = 200;
const MAX_ENTRIES: usize = 4000;
const MAX_DEPTH: usize = 512;

/// A partner's Word file, read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WordFile {
    /// The machine-readable draft from the custom XML part.
    pub draft: String,
    /// The paragraphs of the front content control (title, parties, background), as text; none
    /// when the partner removed the control.
    pub front: Option<Vec<String>>,
    /// The clauses in document order: those in our content controls and those added in Word.
    pub clauses: Vec<WordClause>,
    pub comments: Vec<WordComment>,
    /// Tracked insertions, deletions and moves in the whole body.
    pub tracked_changes: usize,
    /// Text found outside every clause and after the signatures (not taken).
    pub unplaced: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WordClause {
    /// The clause id and pinned version from the content control; none for a clause added in
    /// Word.
    pub id: Option<String>,
    pub version: Option<String>,
    /// A schedule (by its heading style) rather than a clause.
    pub schedule: bool,
    pub title: String,
    pub blocks: Vec<WordBlock>,
    pub tracked_changes: usize,
    /// For a clause outside our content controls (an editor that drops them, as LibreOffice
    /// does on saving): the cross-reference bookmark its heading carries, which names the clause.
    pub bookmark: Option<String>,
}

impl WordClause {
    /// Nothing left of it: every word deleted.
    pub fn is_empty(&self) -> bool {
        self.title.is_empty() && self.blocks.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WordBlock {
    /// 1: plain paragraph, 2: sub-clause, 3: item of a sub-clause.
    pub level: u8,
    pub text: String,
    /// Bookmarks that start in it (cross-reference targets keep theirs).
    pub bookmarks: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WordComment {
    pub id: String,
    pub author: String,
    pub date: Option<String>,
    pub text: String,
    /// The clause it is attached to (an index into [`WordFile::clauses`]), if any.
    pub clause: Option<usize>,
}

fn refuse(msg: impl Into<String>) -> DocxError {
    DocxError::Refused(msg.into())
}

/// Reads a partner's .docx. Nothing here trusts the file: every limit is checked while reading.
pub fn read(bytes: &[u8]) -> Result<WordFile, DocxError> {
    if bytes.len() as u64 > MAX_DOCX {
        return Err(refuse(format!(
            "the Word file is {} bytes; Steward reads Word files of up to {} MiB",
            bytes.len(),
            MAX_DOCX >> 20
        )));
    }
    let parts = Package::open(bytes)?;
    let types = parts
        .text("[Content_Types].xml")?
        .ok_or_else(|| refuse("it is not a Word document: the zip has no [Content_Types].xml"))?;
    if types.contains("macroEnabled") || parts.names.iter().any(|n| n.to_ascii_lowercase().ends_with("vbaproject.bin"))
    {
        return Err(refuse(
            "the Word file contains macros (a .docm): Steward does not open documents with macros; ask for a .docx",
        ));
    }
    // Every relationship part: nothing may point outside the file but a hyperlink.
    let mut main = None;
    for name in parts.names.iter().filter(|n| n.ends_with(".rels")) {
        let Some(text) = parts.text(name)? else { continue };
        for rel in relationships(&text, name)? {
            if rel.external && !rel.kind.ends_with("/hyperlink") {
                let kind = rel.kind.rsplit('/').next().unwrap_or(&rel.kind).to_string();
                return Err(refuse(format!(
                    "{name} links to content outside the file ({kind}: {}): Steward does not open documents that fetch remote templates, images or objects",
                    crate::read::shorten(&rel.target)
                )));
            }
            if name == "_rels/.rels" && rel.kind.ends_with("/officeDocument") {
                main = Some(rel.target.trim_start_matches('/').to_string());
            }
        }
    }
    let main = main.ok_or_else(|| refuse("it is not a Word document: the package names no main document"))?;
    if !types.contains("wordprocessingml.document.main+xml") && !types.contains("wordprocessingml.template.main+xml") {
        return Err(refuse("it is not a Word document: its main part is not a WordprocessingML document"));
    }
    let body = parts
        .text(&main)?
        .ok_or_else(|| refuse(format!("the Word file names {main} as its document, which is missing")))?;

    let mut draft = None;
    for name in parts.names.iter().filter(|n| is_custom_item(n)) {
        let Some(text) = parts.text(name)? else { continue };
        if let Some(d) = draft_part(&text, name)? {
            draft = Some(d);
            break;
        }
    }
    let draft = draft.ok_or_else(|| {
        refuse("the Word file carries no Steward draft (its custom XML part is missing): it was not exported by Steward, or the part was removed")
    })?;

    let mut file = body_of(&body, &main)?;
    file.draft = draft;
    let dir = main.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
    let rels_name = format!("{dir}_rels/{}.rels", main.rsplit('/').next().unwrap_or(&main));
    if let Some(rels) = parts.text(&rels_name)? {
        for rel in relationships(&rels, &rels_name)? {
            if rel.kind.ends_with("/comments") && !rel.external {
                let target = resolve(&dir, &rel.target);
                if let Some(text) = parts.text(&target)? {
                    fill_comments(&mut file.comments, &text, &target)?;
                }
            }
        }
    }
    Ok(file)
}

fn is_custom_item(name: &str) -> bool {
    name.starts_with("customXml/") && name.ends_with(".xml") && !name.contains("itemProps") && !name.contains("/_rels/")
}

fn resolve(dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

pub(crate) fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(120).collect();
    if s.chars().count() > 120 {
        out.push('…');
    }
    out
}

/// The zip, its entries checked against the limits as they are read.
struct Package<'a> {
    zip: std::cell::RefCell<zip::ZipArchive<std::io::Cursor<&'a [u8]>>>,
    names: Vec<String>,
    total: std::cell::Cell<u64>,
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, DocxError> {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| refuse(format!("it is not a Word document: the zip is damaged ({e})")))?;
        if zip.len() > MAX_ENTRIES {
            return Err(refuse(format!(
                "the Word file holds {} parts; Steward reads at most {MAX_ENTRIES}",
                zip.len()
            )));
        }
        let names = zip.file_names().map(str::to_string).collect();
        Ok(Package { zip: std::cell::RefCell::new(zip), names, total: std::cell::Cell::new(0) })
    }

    /// A part's bytes, or none when it is absent.
    fn bytes(&self, name: &str) -> Result<Option<Vec<u8>>, DocxError> {
        let mut zip = self.zip.borrow_mut();
        let mut f = match zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(refuse(format!("the Word file's part {name} cannot be read ({e})"))),
        };
        let (declared, packed) = (f.size(), f.compressed_size().max(1));
        if declared > MAX_PART {
            return Err(refuse(format!(
                "the Word file's part {name} is {declared} bytes inflated; the limit is {} MiB",
                MAX_PART >> 20
            )));
        }
        if declared > (1 << 20) && declared / packed > MAX_RATIO {
            return Err(refuse(format!(
                "the Word file's part {name} inflates {}-fold ({packed} to {declared} bytes): refused as a zip bomb",
                declared / packed
            )));
        }
        let mut out = Vec::with_capacity(declared.min(MAX_PART) as usize);
        // The declared size is the zip's word only: read no more than the limits allow.
        let cap = MAX_PART.min(MAX_TOTAL.saturating_sub(self.total.get()));
        (&mut f)
            .take(cap + 1)
            .read_to_end(&mut out)
            .map_err(|e| refuse(format!("the Word file's part {name} is damaged ({e})")))?;
        let got = out.len() as u64;
        if got > cap {
            return Err(refuse(format!(
                "the Word file's parts inflate beyond {} MiB: refused as a zip bomb",
                MAX_TOTAL >> 20
            )));
        }
        if got > (1 << 20) && got / packed > MAX_RATIO {
            return Err(refuse(format!(
                "the Word file's part {name} inflates {}-fold: refused as a zip bomb",
                got / packed
            )));
        }
        self.total.set(self.total.get() + got);
        Ok(Some(out))
    }

    fn text(&self, name: &str) -> Result<Option<String>, DocxError> {
        match self.bytes(name)? {
            None => Ok(None),
            Some(b) => {
                let b = b.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec).unwrap_or(b);
                String::from_utf8(b)
                    .map(Some)
                    .map_err(|_| refuse(format!("the Word file's part {name} is not UTF-8 text")))
            }
        }
    }
}

/// One XML event, reduced to what the reader needs.
enum Ev {
    Start { name: String, ours: bool, attrs: Vec<(String, String)> },
    End { name: String, ours: bool },
    Text(String),
}

/// Walks a part's XML: entity definitions (a DOCTYPE) are refused, references to entities other
/// than XML's own are errors, and nesting is bounded.
fn walk(xml: &str, part: &str, mut f: impl FnMut(Ev) -> Result<(), DocxError>) -> Result<(), DocxError> {
    let mut r = NsReader::from_str(xml);
    r.config_mut().expand_empty_elements = true;
    r.config_mut().trim_text(false);
    let bad = |r: &NsReader<&[u8]>, e: &dyn std::fmt::Display| {
        refuse(format!("the Word file's part {part} is not well-formed XML (at byte {}): {e}", r.buffer_position()))
    };
    let mut depth = 0usize;
    loop {
        let (ns, ev) = match r.read_resolved_event() {
            Ok(x) => x,
            Err(e) => return Err(bad(&r, &e)),
        };
        let ours = matches!(ns, ResolveResult::Bound(n) if n.as_ref() == W_NS.as_bytes() || n.as_ref() == W_NS_STRICT.as_bytes());
        match ev {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(refuse(format!(
                        "the Word file's part {part} nests elements more than {MAX_DEPTH} deep"
                    )));
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| bad(&r, &e))?;
                    let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                    let value = a.unescape_value().map_err(|e| bad(&r, &e))?.into_owned();
                    attrs.push((key, value));
                }
                f(Ev::Start { name, ours, attrs })?;
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                f(Ev::End { name, ours })?;
            }
            Event::Text(t) => {
                let t = t.xml_content().map_err(|e| bad(&r, &e))?;
                f(Ev::Text(t.into_owned()))?;
            }
            Event::CData(t) => {
                let t = t.decode().map_err(|e| bad(&r, &e))?;
                f(Ev::Text(t.into_owned()))?;
            }
            Event::GeneralRef(g) => {
                let c = match g.resolve_char_ref().map_err(|e| bad(&r, &e))? {
                    Some(c) => c.to_string(),
                    None => match &*g as &[u8] {
                        b"amp" => "&".into(),
                        b"lt" => "<".into(),
                        b"gt" => ">".into(),
                        b"quot" => "\"".into(),
                        b"apos" => "'".into(),
                        other => {
                            return Err(refuse(format!(
                                "the Word file's part {part} uses the undefined entity &{};",
                                shorten(&String::from_utf8_lossy(other))
                            )));
                        }
                    },
                };
                f(Ev::Text(c))?;
            }
            Event::DocType(_) => {
                return Err(refuse(format!(
                    "the Word file's part {part} declares a document type (entity definitions are refused)"
                )));
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

struct Rel {
    kind: String,
    target: String,
    external: bool,
}

fn relationships(xml: &str, part: &str) -> Result<Vec<Rel>, DocxError> {
    let mut out = Vec::new();
    walk(xml, part, |ev| {
        if let Ev::Start { name, attrs, .. } = ev {
            if name == "Relationship" {
                out.push(Rel {
                    kind: attr(&attrs, "Type").unwrap_or_default().to_string(),
                    target: attr(&attrs, "Target").unwrap_or_default().to_string(),
                    external: attr(&attrs, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("external")),
                });
            }
        }
        Ok(())
    })?;
    Ok(out)
}

/// The draft, when this custom XML item is ours.
fn draft_part(xml: &str, part: &str) -> Result<Option<String>, DocxError> {
    let mut r = NsReader::from_str(xml);
    // Only the root's namespace is looked at first: another add-in's part is not read whole.
    loop {
        let (ns, ev) = r
            .read_resolved_event()
            .map_err(|e| refuse(format!("the Word file's part {part} is not well-formed XML: {e}")))?;
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let is_ours = matches!(ns, ResolveResult::Bound(n) if n.as_ref() == draft_namespace().as_bytes())
                    && e.local_name().as_ref() == b"draft";
                if !is_ours {
                    return Ok(None);
                }
                break;
            }
            Event::DocType(_) => {
                return Err(refuse(format!(
                    "the Word file's part {part} declares a document type (entity definitions are refused)"
                )));
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
    let mut text = String::new();
    let mut depth = 0usize;
    walk(xml, part, |ev| {
        match ev {
            Ev::Start { .. } => depth += 1,
            Ev::End { .. } => depth = depth.saturating_sub(1),
            Ev::Text(t) if depth == 1 => text.push_str(&t),
            Ev::Text(_) => {}
        }
        Ok(())
    })?;
    Ok(Some(text))
}

/// Where the reader is in the body.
#[derive(Debug, Clone, PartialEq)]
enum Region {
    Outside,
    Front,
    Signatures,
    Clause(usize),
}

#[derive(Default)]
struct Para {
    style: Option<String>,
    ilvl: Option<u8>,
    num: Option<String>,
    text: String,
    bookmarks: Vec<String>,
}

/// Reads the body: paragraphs as the partner leaves them, in their regions.
fn body_of(xml: &str, part: &str) -> Result<WordFile, DocxError> {
    let mut file = WordFile::default();
    // Open elements (our namespace only), and for each block-level content control the region
    // it opened (with the region it replaced).
    let mut stack: Vec<String> = Vec::new();
    let mut sdts: Vec<(usize, Option<Region>)> = Vec::new();
    let mut region = Region::Outside;
    let mut signatures_seen = false;
    let mut paras: Vec<Para> = Vec::new();
    let mut pending_bookmarks: Vec<String> = Vec::new();
    let mut comment_clause: BTreeMap<String, Option<usize>> = BTreeMap::new();
    let mut front: Vec<String> = Vec::new();
    let mut front_seen = false;
    let mut tag: Option<String> = None;
    let mut in_text = false;
    let mut in_instr = false;
    let mut deleted = 0usize;
    let mut fallback = 0usize;
    // Open complex fields, and simple fields: a REF to one of our bookmarks is kept as a marker
    // naming it (its shown number is Word's to compute), other fields as the text they show.
    let mut fields: Vec<Field> = Vec::new();
    let mut simple: Vec<bool> = Vec::new();
    let hidden =
        |fields: &[Field], simple: &[bool]| fields.iter().any(|f| f.marker && f.result) || simple.iter().any(|s| *s);

    walk(xml, part, |ev| {
        match ev {
            Ev::Start { name, ours: true, attrs } => {
                let parent = stack.last().map(String::as_str);
                match name.as_str() {
                    "sdt" => {
                        // A tag is its own control's: an inline control's never names the next one.
                        tag = None;
                        if paras.is_empty() {
                            sdts.push((stack.len(), None));
                        }
                    }
                    "tag" if parent == Some("sdtPr") => tag = attr(&attrs, "val").map(str::to_string),
                    "sdtContent" if paras.is_empty() && parent == Some("sdt") => {
                        let t = tag.take();
                        let next = match t.as_deref() {
                            Some(TAG_FRONT) => {
                                front_seen = true;
                                Some(Region::Front)
                            }
                            Some(TAG_SIGNATURES) => {
                                signatures_seen = true;
                                Some(Region::Signatures)
                            }
                            Some(t) if t.starts_with(TAG_CLAUSE) => {
                                let rest = &t[TAG_CLAUSE.len()..];
                                let (id, version) = match rest.rsplit_once(':') {
                                    Some((id, v)) => (id.to_string(), Some(v.to_string())),
                                    None => (rest.to_string(), None),
                                };
                                file.clauses.push(WordClause { id: Some(id), version, ..Default::default() });
                                Some(Region::Clause(file.clauses.len() - 1))
                            }
                            _ => None,
                        };
                        if let (Some(next), Some(top)) = (next, sdts.last_mut()) {
                            top.1 = Some(std::mem::replace(&mut region, next));
                        }
                    }
                    "p" => paras.push(Para::default()),
                    "pStyle" if parent == Some("pPr") && stack.len() >= 2 && stack[stack.len() - 2] == "p" => {
                        if let Some(p) = paras.last_mut() {
                            p.style = attr(&attrs, "val").map(str::to_string);
                        }
                    }
                    "ilvl" if parent == Some("numPr") => {
                        if let Some(p) = paras.last_mut() {
                            p.ilvl = attr(&attrs, "val").and_then(|v| v.parse().ok());
                        }
                    }
                    "numId" if parent == Some("numPr") => {
                        if let Some(p) = paras.last_mut() {
                            p.num = attr(&attrs, "val").map(str::to_string);
                        }
                    }
                    "t" if parent != Some("rPr") => in_text = true,
                    "instrText" => in_instr = true,
                    "fldChar" => match attr(&attrs, "fldCharType") {
                        Some("begin") => fields.push(Field::default()),
                        Some("separate") => {
                            let outer_hidden = hidden(&fields, &simple);
                            if let Some(f) = fields.last_mut() {
                                f.result = true;
                                if let (Some(name), false) = (ref_target(&f.instr), outer_hidden) {
                                    f.marker = true;
                                    if let (Some(p), 0) = (paras.last_mut(), deleted) {
                                        push_marker(&mut p.text, &name);
                                    }
                                }
                            }
                        }
                        Some("end") => {
                            fields.pop();
                        }
                        _ => {}
                    },
                    "fldSimple" => {
                        let name = attr(&attrs, "instr").and_then(ref_target).filter(|_| !hidden(&fields, &simple));
                        if let (Some(name), Some(p), 0) = (&name, paras.last_mut(), deleted) {
                            push_marker(&mut p.text, name);
                        }
                        simple.push(name.is_some());
                    }
                    "tab" | "br" | "cr" if parent == Some("r") && deleted == 0 && !hidden(&fields, &simple) => {
                        if let Some(p) = paras.last_mut() {
                            p.text.push(' ');
                        }
                    }
                    "noBreakHyphen" if deleted == 0 => {
                        if let Some(p) = paras.last_mut() {
                            p.text.push('-');
                        }
                    }
                    "del" | "moveFrom" => {
                        // A paragraph mark's own deletion (inside rPr) deletes no text.
                        if parent != Some("rPr") {
                            deleted += 1;
                        }
                        count_tracked(&mut file, &region);
                    }
                    "ins" | "moveTo" => count_tracked(&mut file, &region),
                    "bookmarkStart" => {
                        if let Some(n) = attr(&attrs, "name") {
                            match paras.last_mut() {
                                Some(p) => p.bookmarks.push(n.to_string()),
                                None => pending_bookmarks.push(n.to_string()),
                            }
                        }
                    }
                    "commentRangeStart" | "commentReference" => {
                        if let Some(id) = attr(&attrs, "id") {
                            let at = match region {
                                Region::Clause(i) => Some(i),
                                _ => None,
                            };
                            comment_clause.entry(id.to_string()).or_insert(at);
                        }
                    }
                    _ => {}
                }
                stack.push(name);
            }
            Ev::Start { name, ours: false, .. } => {
                // Markup compatibility: what an older reader would show instead of the Choice
                // before it (a text box drawn twice): its words are not read twice.
                if name == "Fallback" {
                    fallback += 1;
                }
                stack.push(format!("~{name}"));
            }
            Ev::End { name, ours } => {
                stack.pop();
                if !ours {
                    if name == "Fallback" {
                        fallback = fallback.saturating_sub(1);
                    }
                    return Ok(());
                }
                match name.as_str() {
                    "t" => in_text = false,
                    "instrText" => in_instr = false,
                    "fldSimple" => {
                        simple.pop();
                    }
                    "del" | "moveFrom" if stack.last().map(String::as_str) != Some("rPr") => {
                        deleted = deleted.saturating_sub(1)
                    }
                    "sdt" if sdts.last().is_some_and(|(d, _)| *d == stack.len()) => {
                        if let Some((_, Some(prev))) = sdts.pop() {
                            region = prev;
                        }
                    }
                    "p" => {
                        let Some(mut p) = paras.pop() else { return Ok(()) };
                        if let Some(outer) = paras.last_mut() {
                            // A paragraph inside a text box: its words belong to the outer one.
                            outer.text.push(' ');
                            outer.text.push_str(&p.text);
                            outer.bookmarks.append(&mut p.bookmarks);
                            return Ok(());
                        }
                        let mut bookmarks = std::mem::take(&mut pending_bookmarks);
                        bookmarks.append(&mut p.bookmarks);
                        let text = normalize(&p.text);
                        let mut at = Placing {
                            file: &mut file,
                            front: &mut front,
                            front_seen: &mut front_seen,
                            signatures_seen: &mut signatures_seen,
                        };
                        at.place(&region, p.style.as_deref(), p.num.as_deref(), p.ilvl, text, bookmarks);
                    }
                    _ => {}
                }
            }
            Ev::Text(t) => {
                if in_instr {
                    if let Some(f) = fields.last_mut() {
                        if f.instr.len() < 1024 {
                            f.instr.push_str(&t);
                        }
                    }
                } else if in_text && deleted == 0 && fallback == 0 && !hidden(&fields, &simple) {
                    if let Some(p) = paras.last_mut() {
                        // The private-use markers are the reader's own: never taken from the file.
                        p.text.extend(t.chars().filter(|c| !matches!(*c, REF_OPEN | REF_CLOSE)));
                    }
                }
            }
        }
        Ok(())
    })?;
    if front_seen {
        file.front = Some(front);
    }
    file.comments =
        comment_clause.into_iter().map(|(id, clause)| WordComment { id, clause, ..Default::default() }).collect();
    Ok(file)
}

#[derive(Default)]
struct Field {
    instr: String,
    result: bool,
    marker: bool,
}

/// The bookmark a field's instruction refers to, when it is a REF to one of ours.
fn ref_target(instr: &str) -> Option<String> {
    let mut words = instr.split_whitespace();
    let verb = words.next()?;
    let name = words.next()?;
    (verb.eq_ignore_ascii_case("REF") && name.starts_with(crate::BOOKMARK_PREFIX)).then(|| name.to_string())
}

fn push_marker(text: &mut String, name: &str) {
    text.push(REF_OPEN);
    text.push_str(name);
    text.push(REF_CLOSE);
}

fn count_tracked(file: &mut WordFile, region: &Region) {
    file.tracked_changes += 1;
    if let Region::Clause(i) = region {
        if let Some(c) = file.clauses.get_mut(*i) {
            c.tracked_changes += 1;
        }
    }
}

/// The level a paragraph's style (or its own numbering) gives it; 0 for a heading.
fn level_of(style: Option<&str>, num: Option<&str>, ilvl: Option<u8>) -> (u8, bool) {
    match style {
        Some(ids::HEADING) => return (0, false),
        Some(ids::SCHEDULE) => return (0, true),
        Some(ids::LEVEL2 | ids::DEFINITION) => return (2, false),
        Some(ids::SCHEDULE2) => return (2, true),
        Some(ids::LEVEL3) => return (3, false),
        Some(ids::SCHEDULE3) => return (3, true),
        _ => {}
    }
    match (num, ilvl) {
        (Some("1"), Some(0)) => (0, false),
        (Some("2"), Some(0)) => (0, true),
        (Some("1" | "2"), Some(1)) => (2, num == Some("2")),
        (Some("1" | "2"), Some(l)) if l >= 2 => (3, num == Some("2")),
        _ => (1, false),
    }
}

/// Where a finished paragraph goes.
struct Placing<'a> {
    file: &'a mut WordFile,
    front: &'a mut Vec<String>,
    front_seen: &'a mut bool,
    signatures_seen: &'a mut bool,
}

impl Placing<'_> {
    fn place(
        &mut self,
        region: &Region,
        style: Option<&str>,
        num: Option<&str>,
        ilvl: Option<u8>,
        text: String,
        bookmarks: Vec<String>,
    ) {
        let (level, schedule) = level_of(style, num, ilvl);
        let file = &mut *self.file;
        match region {
            Region::Front => {
                if !text.is_empty() {
                    self.front.push(text);
                }
            }
            Region::Signatures => {}
            Region::Clause(i) => {
                let Some(c) = file.clauses.get_mut(*i) else { return };
                add_to(c, level, schedule, text, bookmarks);
            }
            Region::Outside if text.is_empty() => {}
            // Outside our controls (a file saved again by an editor that drops them): the
            // paragraphs' styles say which part of the agreement they are.
            Region::Outside if style == Some(ids::PART) && text == "Signatures" => *self.signatures_seen = true,
            Region::Outside if matches!(style, Some(ids::SIGNED_FOR | ids::SIGNATURE_LINE)) => {
                *self.signatures_seen = true
            }
            Region::Outside
                if file.clauses.is_empty()
                    && !*self.signatures_seen
                    && matches!(style, Some(ids::TITLE | ids::DATED | ids::PART | ids::PARTY | ids::RECITAL)) =>
            {
                *self.front_seen = true;
                self.front.push(text);
            }
            Region::Outside if *self.signatures_seen => file.unplaced.push(text),
            Region::Outside => {
                // A heading outside every clause starts a clause (named by its bookmark, if it
                // kept ours; else added in Word); other text joins the clause before it (or
                // starts one, before the first).
                if level == 0 || file.clauses.is_empty() {
                    let bookmark = if level == 0 {
                        bookmarks.iter().find(|b| b.starts_with(crate::BOOKMARK_PREFIX)).cloned()
                    } else {
                        None
                    };
                    file.clauses.push(WordClause { schedule, bookmark, ..Default::default() });
                }
                if let Some(c) = file.clauses.last_mut() {
                    add_to(c, level, schedule, text, bookmarks);
                }
            }
        }
    }
}

fn add_to(c: &mut WordClause, level: u8, schedule: bool, text: String, bookmarks: Vec<String>) {
    if text.is_empty() {
        return;
    }
    if level == 0 && c.title.is_empty() && c.blocks.is_empty() {
        c.title = text;
        c.schedule |= schedule;
        return;
    }
    let level = if level == 0 { 2 } else { level };
    c.blocks.push(WordBlock { level, text, bookmarks });
}

/// Fills in the comments' authors, dates and words from the comments part.
fn fill_comments(comments: &mut Vec<WordComment>, xml: &str, part: &str) -> Result<(), DocxError> {
    let mut found: BTreeMap<String, WordComment> = BTreeMap::new();
    let mut current: Option<WordComment> = None;
    let mut in_text = false;
    let mut deleted = 0usize;
    walk(xml, part, |ev| {
        match ev {
            Ev::Start { name, ours: true, attrs } => match name.as_str() {
                "comment" => {
                    current = Some(WordComment {
                        id: attr(&attrs, "id").unwrap_or_default().to_string(),
                        author: attr(&attrs, "author").unwrap_or_default().to_string(),
                        date: attr(&attrs, "date").map(str::to_string),
                        ..Default::default()
                    });
                }
                "t" => in_text = true,
                "del" => deleted += 1,
                "p" => {
                    if let Some(c) = current.as_mut() {
                        if !c.text.is_empty() {
                            c.text.push('\n');
                        }
                    }
                }
                _ => {}
            },
            Ev::End { name, ours: true } => match name.as_str() {
                "comment" => {
                    if let Some(mut c) = current.take() {
                        c.text = c.text.lines().map(normalize).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
                        found.insert(c.id.clone(), c);
                    }
                }
                "t" => in_text = false,
                "del" => deleted = deleted.saturating_sub(1),
                _ => {}
            },
            Ev::Text(t) if in_text && deleted == 0 => {
                if let Some(c) = current.as_mut() {
                    c.text.push_str(&t);
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    for c in comments.iter_mut() {
        if let Some(f) = found.remove(&c.id) {
            c.author = f.author;
            c.date = f.date;
            c.text = f.text;
        }
    }
    // Comments the body does not anchor (Word keeps them): shown without a clause.
    comments.extend(found.into_values());
    comments.retain(|c| !c.text.is_empty() || !c.author.is_empty());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_targets_resolve_from_the_part() {
        assert_eq!(resolve("word/", "comments.xml"), "word/comments.xml");
        assert_eq!(resolve("word/", "../customXml/item1.xml"), "customXml/item1.xml");
        assert_eq!(resolve("word/", "/word/x.xml"), "word/x.xml");
    }

    #[test]
    fn levels_come_from_styles_or_numbering() {
        assert_eq!(level_of(Some(ids::HEADING), None, None), (0, false));
        assert_eq!(level_of(Some(ids::LEVEL3), None, None), (3, false));
        assert_eq!(level_of(Some("ListParagraph"), Some("1"), Some(1)), (2, false));
        assert_eq!(level_of(Some("Normal"), None, None), (1, false));
    }
}
