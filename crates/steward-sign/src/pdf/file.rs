//! The structure of a PDF file read strictly: every revision (an incremental update is one), its
//! cross-reference section (table or stream) and trailer, and every object it defines, checked
//! against the bytes. A file that a lenient reader would have to repair is refused with what is
//! wrong and where, because readers repair differently and then show different content:
//!
//! - the file ends with `%%EOF` (white space after it only); each revision ends with
//!   `startxref N %%EOF` right after its cross-reference section, and `N` is that section's offset;
//! - revisions are chained by `/Prev`, in file order, with no bytes between them that no revision
//!   accounts for; each revision's objects lie inside it;
//! - every in-use entry points at `N G obj` with the same N and G, each object is defined once
//!   per revision, and between objects there is only white space;
//! - every object in an object stream is listed by the cross-reference stream that uses it.

use super::syntax::{self, Dict, Indirect, Lexer, Obj, SyntaxError, is_white};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Revisions beyond this many are refused (a file is not a log).
pub const MAX_REVISIONS: usize = 1000;
/// Objects beyond this many (in one file) are refused.
pub const MAX_OBJECTS: usize = 1_000_000;
/// A decoded stream (object stream, cross-reference stream) larger than this is refused.
pub const MAX_DECODED: usize = 64 << 20;
/// White space allowed after the final `%%EOF`.
pub const MAX_TRAILING_WHITE: usize = 32;
/// White space allowed between the tokens of `startxref N %%EOF` and before `startxref`.
const TAIL_WHITE: usize = 4;

/// Why a file is refused as damaged: what, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// Byte offset in the file.
    pub offset: usize,
    /// 1-based revision, when known.
    pub revision: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.revision {
            Some(r) => write!(f, "at byte {} (revision {r}): {}", self.offset, self.message),
            None => write!(f, "at byte {}: {}", self.offset, self.message),
        }
    }
}

fn damage(offset: usize, revision: Option<usize>, message: impl Into<String>) -> Damage {
    Damage { offset, revision, message: message.into() }
}

fn from_syntax(e: SyntaxError, revision: Option<usize>) -> Damage {
    damage(e.offset, revision, e.message)
}

/// A cross-reference entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Free {
        generation: u16,
    },
    InUse {
        offset: usize,
        generation: u16,
    },
    /// In object stream `stream`, at `index`.
    Compressed {
        stream: u32,
        index: usize,
    },
}

/// One revision: the original file, or one incremental update.
#[derive(Debug, Clone)]
pub struct Revision {
    /// Its bytes: from the end of the revision before to the end of line after its `%%EOF`.
    pub span: Range<usize>,
    /// Just after its `%%EOF`.
    pub eof: usize,
    /// Where its cross-reference section starts.
    pub xref_offset: usize,
    /// The object number of its cross-reference stream, if it has one rather than a table.
    pub xref_stream: Option<u32>,
    pub trailer: Dict,
    /// The entries of its own section.
    pub entries: BTreeMap<u32, Entry>,
    /// The objects it defines (in use), by number: generation and value.
    pub objects: HashMap<u32, (u16, Obj)>,
    /// Its object streams (object numbers).
    pub object_streams: Vec<u32>,
}

impl Revision {
    /// The ends a signature's byte range may have to cover exactly this revision.
    pub fn ends(&self) -> [usize; 2] {
        [self.eof, self.span.end]
    }
}

/// A PDF file read strictly (see the module's documentation).
#[derive(Debug, Clone)]
pub struct PdfFile {
    pub len: usize,
    pub revisions: Vec<Revision>,
}

impl PdfFile {
    /// Reads the structure of `bytes`, or says why it is damaged.
    pub fn parse(bytes: &[u8]) -> Result<Self, Damage> {
        if !bytes.starts_with(b"%PDF-") {
            return Err(damage(0, None, "not a PDF: the file does not start with %PDF-"));
        }
        // Nothing after the final %%EOF but a little white space: readers look for it near the end
        // (some only in the last kilobyte) and rebuild the file, differently, when it is not there.
        let mut end = bytes.len();
        while end > 0 && is_white(bytes[end - 1]) {
            end -= 1;
        }
        if !bytes[..end].ends_with(b"%%EOF") {
            let last = bytes[..end].windows(5).rposition(|w| w == b"%%EOF");
            return Err(match last {
                Some(i) => damage(
                    i + 5,
                    None,
                    "the file does not end with %%EOF: it is truncated, or bytes were appended after its last revision",
                ),
                None => damage(end, None, "the file does not end with %%EOF (truncated or not a PDF)"),
            });
        }
        if bytes.len() - end > MAX_TRAILING_WHITE {
            return Err(damage(
                end,
                None,
                format!("more than {MAX_TRAILING_WHITE} bytes of white space follow the final %%EOF"),
            ));
        }
        // Follow /Prev from the final section to the first (each read once, with a budget of
        // entries), then take them in file order.
        let mut sections: Vec<Section> = Vec::new();
        let mut budget = MAX_OBJECTS;
        let mut offset = startxref_before(bytes, end - 5)?;
        loop {
            if sections.len() >= MAX_REVISIONS {
                return Err(damage(offset, None, format!("more than {MAX_REVISIONS} revisions")));
            }
            if sections.iter().any(|s| s.offset == offset) {
                return Err(damage(offset, None, "the /Prev chain of cross-reference sections loops"));
            }
            let s = read_section(bytes, offset, &mut budget)?;
            match sections.last() {
                None if s.eof != end => {
                    return Err(damage(
                        s.eof,
                        None,
                        "the final cross-reference section is not followed by the file's last %%EOF",
                    ));
                }
                Some(later) if s.eof > later.offset => {
                    return Err(damage(offset, None, "a cross-reference section lies inside a later revision"));
                }
                _ => {}
            }
            let prev = s.prev;
            sections.push(s);
            match prev {
                None => break,
                Some(p) if p >= offset => {
                    return Err(damage(
                        offset,
                        None,
                        format!("/Prev {p} does not point at an earlier cross-reference section"),
                    ));
                }
                Some(p) => offset = p,
            }
        }
        sections.reverse();
        let mut revisions: Vec<Revision> = Vec::with_capacity(sections.len());
        let mut start = 0;
        for (i, s) in sections.into_iter().enumerate() {
            let r = i + 1;
            let mut span_end = s.eof;
            match (bytes.get(s.eof), bytes.get(s.eof + 1)) {
                (Some(b'\r'), Some(b'\n')) => span_end += 2,
                (Some(b'\r' | b'\n'), _) => span_end += 1,
                _ => {}
            }
            if s.offset < start {
                return Err(damage(s.offset, Some(r), "a cross-reference section inside an earlier revision"));
            }
            let rev = read_revision(bytes, start..span_end, s, r, &revisions)?;
            start = rev.span.end;
            revisions.push(rev);
        }
        // White space after the last revision only (checked above); it belongs to no revision.
        let file = PdfFile { len: bytes.len(), revisions };
        file.check_trailers()?;
        file.check_references()?;
        Ok(file)
    }

    /// Every reference resolves, in the revision that makes it, to an object of the same number
    /// and generation. A reference to nothing is null to some readers and a reason to rebuild the
    /// whole file (differently) to others; and a reference to nothing that a later revision fills
    /// would change a signed revision's content without touching it.
    fn check_references(&self) -> Result<(), Damage> {
        let mut refs = Vec::new();
        for (ri, rev) in self.revisions.iter().enumerate() {
            let here = |num: u32| match rev.entries.get(&num) {
                Some(Entry::InUse { offset, .. }) => *offset,
                _ => rev.xref_offset,
            };
            let mut check = |from: String, at: usize, o: &Obj| -> Result<(), Damage> {
                refs.clear();
                o.refs(&mut refs);
                for &(n, g) in &refs {
                    if self.get(ri, n).is_none_or(|(found, _)| found != g) {
                        return Err(damage(
                            at,
                            Some(ri + 1),
                            format!(
                                "{from} refers to object {n} {g}, which this revision does not define (readers would rebuild the file)"
                            ),
                        ));
                    }
                }
                Ok(())
            };
            for (&num, (_, o)) in &rev.objects {
                check(format!("object {num}"), here(num), o)?;
            }
            for k in [&b"Root"[..], b"Info"] {
                if let Some(o) = rev.trailer.get(k) {
                    check(format!("the trailer's /{}", String::from_utf8_lossy(k)), rev.xref_offset, o)?;
                }
            }
        }
        Ok(())
    }

    /// The page tree of revision `rev` is one a reader walks the same way: every node a
    /// `/Pages` with `/Kids` or a `/Page`, no node twice.
    pub fn check_page_tree(&self, rev: usize) -> Result<(), Damage> {
        let at = self.revisions[rev].xref_offset;
        let bad = |m: String| damage(at, Some(rev + 1), m);
        let (_, cat) = self.catalog(rev).ok_or_else(|| bad("the catalog is not a dictionary".into()))?;
        let Some(Obj::Ref(root, _)) = cat.get(b"Pages") else {
            return Err(bad("the catalog has no /Pages reference".into()));
        };
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![(*root, 0usize)];
        while let Some((n, depth)) = stack.pop() {
            if depth > syntax::MAX_DEPTH {
                return Err(bad("the page tree is nested too deep".into()));
            }
            if !seen.insert(n) {
                return Err(bad(format!("object {n} appears twice in the page tree")));
            }
            let d = self
                .get(rev, n)
                .and_then(|(_, o)| o.as_dict())
                .ok_or_else(|| bad(format!("page tree node {n} is not a dictionary")))?;
            match d.name(b"Type") {
                Some(b"Page") if d.get(b"Kids").is_none() => {}
                Some(b"Pages") => {
                    let kids = self
                        .lookup(rev, d, b"Kids")
                        .and_then(Obj::as_array)
                        .ok_or_else(|| bad(format!("page tree node {n} has no /Kids")))?;
                    for k in kids.iter().rev() {
                        let Obj::Ref(k, _) = k else {
                            return Err(bad(format!("page tree node {n} has a kid that is not a reference")));
                        };
                        stack.push((*k, depth + 1));
                    }
                }
                _ => return Err(bad(format!("page tree node {n} is neither /Pages nor /Page"))),
            }
        }
        Ok(())
    }

    fn check_trailers(&self) -> Result<(), Damage> {
        for (i, rev) in self.revisions.iter().enumerate() {
            let r = Some(i + 1);
            let at = rev.xref_offset;
            if rev.trailer.get(b"Encrypt").is_some() {
                return Err(damage(at, r, "the file is encrypted; Steward verifies only unencrypted files"));
            }
            if rev.trailer.get(b"XRefStm").is_some() {
                return Err(damage(
                    at,
                    r,
                    "a hybrid cross-reference (/XRefStm) lets readers see different objects; it is not accepted",
                ));
            }
            if !matches!(rev.trailer.get(b"Root"), Some(Obj::Ref(..))) {
                return Err(damage(at, r, "the trailer has no /Root reference"));
            }
            let size = rev.trailer.get(b"Size").and_then(Obj::as_int).unwrap_or(-1);
            if let Some((&max, _)) = rev.entries.last_key_value() {
                if i64::from(max) >= size {
                    return Err(damage(at, r, format!("object {max} is listed beyond the trailer's /Size {size}")));
                }
            }
        }
        // A linearized file keeps a first-page cross-reference at its start that most readers
        // use and some ignore: refused rather than guessed.
        if let Some(first) = self.revisions.first() {
            if first.objects.values().any(|(_, o)| o.as_dict().is_some_and(|d| d.get(b"Linearized").is_some())) {
                return Err(damage(
                    0,
                    Some(1),
                    "linearized files are not accepted (save the file without fast web view)",
                ));
            }
        }
        Ok(())
    }

    /// Which revision (0-based) defines object `num` as seen from revision `rev`, if any is
    /// in use there.
    pub fn defined_in(&self, rev: usize, num: u32) -> Option<usize> {
        for k in (0..=rev.min(self.revisions.len().saturating_sub(1))).rev() {
            match self.revisions[k].entries.get(&num) {
                Some(Entry::Free { .. }) => return None,
                Some(_) => return Some(k),
                None => {}
            }
        }
        None
    }

    /// Object `num` as of revision `rev` (0-based), with its generation.
    pub fn get(&self, rev: usize, num: u32) -> Option<(u16, &Obj)> {
        let k = self.defined_in(rev, num)?;
        self.revisions[k].objects.get(&num).map(|(g, o)| (*g, o))
    }

    /// Follows a reference (as of `rev`); other values are returned as they are. A reference with
    /// the wrong generation, or to nothing, is `None`.
    pub fn resolve<'a>(&'a self, rev: usize, o: &'a Obj) -> Option<&'a Obj> {
        match o {
            Obj::Ref(n, g) => self.get(rev, *n).filter(|(generation, _)| generation == g).map(|(_, o)| o),
            o => Some(o),
        }
    }

    /// The value of `key` in `dict`, references followed.
    pub fn lookup<'a>(&'a self, rev: usize, dict: &'a Dict, key: &[u8]) -> Option<&'a Obj> {
        dict.get(key).and_then(|o| self.resolve(rev, o))
    }

    /// The catalog of revision `rev`.
    pub fn catalog(&self, rev: usize) -> Option<(u32, &Dict)> {
        let (n, _) = self.revisions.get(rev)?.trailer.get(b"Root")?.as_ref()?;
        self.resolve(rev, self.revisions[rev].trailer.get(b"Root")?)?.as_dict().map(|d| (n, d))
    }

    /// The leaf pages of revision `rev` in order: (object number, page dictionary).
    pub fn pages(&self, rev: usize) -> Vec<(u32, &Dict)> {
        let mut out = Vec::new();
        let Some((_, cat)) = self.catalog(rev) else { return out };
        let Some(Obj::Ref(root, _)) = cat.get(b"Pages") else { return out };
        let mut seen = std::collections::HashSet::new();
        self.walk_pages(rev, *root, 0, &mut seen, &mut out);
        out
    }

    fn walk_pages<'a>(
        &'a self,
        rev: usize,
        node: u32,
        depth: usize,
        seen: &mut std::collections::HashSet<u32>,
        out: &mut Vec<(u32, &'a Dict)>,
    ) {
        if depth > syntax::MAX_DEPTH || !seen.insert(node) {
            return;
        }
        let Some(d) = self.get(rev, node).and_then(|(_, o)| o.as_dict()) else { return };
        match d.name(b"Type") {
            Some(b"Page") => out.push((node, d)),
            _ => {
                for kid in self.lookup(rev, d, b"Kids").and_then(Obj::as_array).unwrap_or(&[]) {
                    if let Obj::Ref(k, _) = kid {
                        self.walk_pages(rev, *k, depth + 1, seen, out);
                    }
                }
            }
        }
    }

    /// The index of the revision whose bytes contain `offset`.
    pub fn revision_at(&self, offset: usize) -> Option<usize> {
        self.revisions.iter().position(|r| r.span.contains(&offset))
    }
}

/// A cross-reference section as read, before its revision's objects are.
struct Section {
    offset: usize,
    /// Just after the `%%EOF` that closes it.
    eof: usize,
    /// Where the section itself ends (after the trailer, or after the stream's `endobj`).
    end: usize,
    entries: BTreeMap<u32, Entry>,
    trailer: Dict,
    prev: Option<usize>,
    xref_stream: Option<u32>,
}

/// The offset in `startxref N` that ends right before `eof_at` (the `%%EOF`).
fn startxref_before(bytes: &[u8], eof_at: usize) -> Result<usize, Damage> {
    let mut i = eof_at;
    let white_back = |i: &mut usize| {
        let from = *i;
        while *i > 0 && is_white(bytes[*i - 1]) && from - *i < TAIL_WHITE + 1 {
            *i -= 1;
        }
        from - *i
    };
    let w1 = white_back(&mut i);
    let digits_end = i;
    while i > 0 && bytes[i - 1].is_ascii_digit() && digits_end - i < 20 {
        i -= 1;
    }
    let digits = &bytes[i..digits_end];
    let w2 = white_back(&mut i);
    if digits.is_empty()
        || w1 == 0
        || w2 == 0
        || w1 > TAIL_WHITE
        || w2 > TAIL_WHITE
        || !bytes[..i].ends_with(b"startxref")
    {
        return Err(damage(eof_at, None, "%%EOF is not preceded by 'startxref' and an offset"));
    }
    std::str::from_utf8(digits)
        .ok()
        .and_then(|d| d.parse::<usize>().ok())
        .filter(|&o| o < bytes.len())
        .ok_or_else(|| damage(i, None, "the startxref offset is beyond the end of the file"))
}

/// Skips white space at `pos`: at least `min` and at most `TAIL_WHITE` bytes.
fn tail_white(bytes: &[u8], pos: &mut usize, min: usize) -> Result<(), Damage> {
    let from = *pos;
    while *pos < bytes.len() && is_white(bytes[*pos]) {
        *pos += 1;
    }
    let n = *pos - from;
    if n < min || n > TAIL_WHITE {
        return Err(damage(from, None, "unexpected white space around startxref (readers may not find it)"));
    }
    Ok(())
}

/// Reads the section at `offset` and the `startxref N %%EOF` right after it (`N` must be
/// `offset`); `budget` is what is left of [`MAX_OBJECTS`] entries.
fn read_section(bytes: &[u8], offset: usize, budget: &mut usize) -> Result<Section, Damage> {
    let mut s = if bytes[offset..].starts_with(b"xref") {
        parse_table(bytes, offset, budget)?
    } else {
        parse_xref_stream(bytes, offset, budget)?
    };
    let mut pos = s.end;
    tail_white(bytes, &mut pos, 1)?;
    if !bytes[pos..].starts_with(b"startxref") {
        return Err(damage(pos, None, "the cross-reference section is not followed by 'startxref'"));
    }
    pos += 9;
    tail_white(bytes, &mut pos, 1)?;
    let mut lx = Lexer::new(bytes, pos);
    let n = lx.unsigned().map_err(|e| from_syntax(e, None))?;
    if n as usize != offset {
        return Err(damage(pos, None, format!("startxref says {n}, but the section is at {offset}")));
    }
    pos = lx.pos;
    tail_white(bytes, &mut pos, 1)?;
    if !bytes[pos..].starts_with(b"%%EOF") {
        return Err(damage(pos, None, "the cross-reference section is not followed by its %%EOF"));
    }
    s.eof = pos + 5;
    Ok(s)
}

fn prev_of(trailer: &Dict, at: usize) -> Result<Option<usize>, Damage> {
    match trailer.get(b"Prev") {
        None => Ok(None),
        Some(Obj::Int(p)) if *p >= 0 => Ok(Some(*p as usize)),
        Some(_) => Err(damage(at, None, "/Prev is not an offset")),
    }
}

fn parse_table(bytes: &[u8], offset: usize, budget: &mut usize) -> Result<Section, Damage> {
    let mut lx = Lexer::new(bytes, offset + 4);
    let mut entries = BTreeMap::new();
    loop {
        lx.skip_white();
        if lx.keyword(b"trailer") {
            break;
        }
        let at = lx.pos;
        let first = lx.unsigned().map_err(|_| damage(at, None, "a cross-reference subsection header was expected"))?;
        if !matches!(lx.peek(), Some(b' ')) {
            return Err(damage(lx.pos, None, "a malformed cross-reference subsection header"));
        }
        lx.pos += 1;
        let count =
            lx.unsigned().map_err(|_| damage(lx.pos, None, "a cross-reference subsection count was expected"))?;
        if first.saturating_add(count) > u64::from(u32::MAX) || count > *budget as u64 {
            return Err(damage(
                at,
                None,
                format!("a cross-reference subsection out of range (more than {MAX_OBJECTS} objects in all)"),
            ));
        }
        *budget -= count as usize;
        // The header line ends with an end of line; then entries of exactly 20 bytes each.
        match (lx.peek(), bytes.get(lx.pos + 1)) {
            (Some(b'\r'), Some(b'\n')) => lx.pos += 2,
            (Some(b'\n' | b'\r'), _) => lx.pos += 1,
            (Some(b' '), Some(b'\r' | b'\n')) => {
                lx.pos += 1;
                if bytes.get(lx.pos) == Some(&b'\r') && bytes.get(lx.pos + 1) == Some(&b'\n') {
                    lx.pos += 1;
                }
                lx.pos += 1;
            }
            _ => return Err(damage(lx.pos, None, "a cross-reference subsection header must end its line")),
        }
        for k in 0..count {
            let here = lx.pos;
            let e = bytes
                .get(here..here + 20)
                .ok_or_else(|| damage(here, None, "the cross-reference table is truncated"))?;
            let ok = e[..10].iter().all(u8::is_ascii_digit)
                && e[10] == b' '
                && e[11..16].iter().all(u8::is_ascii_digit)
                && e[16] == b' '
                && matches!(e[17], b'n' | b'f')
                && matches!(&e[18..20], b" \r" | b" \n" | b"\r\n");
            if !ok {
                return Err(damage(
                    here,
                    None,
                    "a malformed cross-reference entry (not exactly 20 bytes: 'oooooooooo ggggg n|f' and an end of line)",
                ));
            }
            let off: usize = std::str::from_utf8(&e[..10]).ok().and_then(|s| s.parse().ok()).unwrap_or(usize::MAX);
            let generation: u32 = std::str::from_utf8(&e[11..16]).ok().and_then(|s| s.parse().ok()).unwrap_or(u32::MAX);
            let generation =
                u16::try_from(generation).map_err(|_| damage(here, None, "a generation number out of range"))?;
            let num = (first + k) as u32;
            // Some readers take a subsection starting at 1 whose first entry is the free head of
            // the list (0000000000 65535 f) as one starting at 0, and renumber it.
            if k == 0 && num != 0 && e[17] == b'f' && generation == 65535 && off == 0 {
                return Err(damage(
                    here,
                    None,
                    format!(
                        "the subsection for object {num} starts with the entry of object 0 (readers renumber such tables)"
                    ),
                ));
            }
            let entry =
                if e[17] == b'n' { Entry::InUse { offset: off, generation } } else { Entry::Free { generation } };
            if entries.insert(num, entry).is_some() {
                return Err(damage(here, None, format!("object {num} is listed twice in one cross-reference section")));
            }
            lx.pos = here + 20;
        }
    }
    lx.skip_white();
    let at = lx.pos;
    let trailer = match lx.object(0).map_err(|e| from_syntax(e, None))? {
        Obj::Dict(d) => d,
        _ => return Err(damage(at, None, "the trailer is not a dictionary")),
    };
    let prev = prev_of(&trailer, at)?;
    Ok(Section { offset, eof: 0, end: lx.pos, entries, trailer, prev, xref_stream: None })
}

fn parse_xref_stream(bytes: &[u8], offset: usize, budget: &mut usize) -> Result<Section, Damage> {
    let obj = syntax::indirect_at(bytes, offset, &mut |_, _| None).map_err(|e| {
        damage(e.offset, None, format!("no cross-reference table or stream at startxref: {}", e.message))
    })?;
    let Obj::Stream(st) = &obj.obj else {
        return Err(damage(offset, None, "startxref points at an object that is not a cross-reference stream"));
    };
    if st.dict.name(b"Type") != Some(b"XRef") {
        return Err(damage(offset, None, "startxref points at a stream that is not a cross-reference stream"));
    }
    let data = decode(&st.dict, &st.raw).map_err(|m| damage(offset, None, format!("cross-reference stream: {m}")))?;
    let w: Vec<usize> = st
        .dict
        .get(b"W")
        .and_then(Obj::as_array)
        .map(|a| a.iter().filter_map(|o| o.as_int().and_then(|i| usize::try_from(i).ok())).collect())
        .unwrap_or_default();
    if w.len() != 3 || w.iter().any(|&x| x > 8) || w[1] == 0 {
        return Err(damage(offset, None, "cross-reference stream: /W is not three field widths"));
    }
    let size = st.dict.get(b"Size").and_then(Obj::as_int).unwrap_or(0).max(0);
    let index: Vec<i64> = match st.dict.get(b"Index") {
        None => vec![0, size],
        Some(Obj::Array(a)) => a.iter().map(|o| o.as_int().unwrap_or(-1)).collect(),
        Some(_) => return Err(damage(offset, None, "cross-reference stream: /Index is not an array")),
    };
    if index.len() % 2 != 0 || index.iter().any(|&v| !(0..=i64::from(u32::MAX)).contains(&v)) {
        return Err(damage(offset, None, "cross-reference stream: a malformed /Index"));
    }
    let row = w.iter().sum::<usize>();
    let rows: usize = index.chunks(2).map(|c| c[1] as usize).sum();
    if rows > *budget {
        return Err(damage(offset, None, format!("a cross-reference stream lists more than {MAX_OBJECTS} objects")));
    }
    *budget -= rows;
    if rows.checked_mul(row) != Some(data.len()) {
        return Err(damage(offset, None, "cross-reference stream: its data does not match /W and /Index"));
    }
    let field = |r: &[u8]| r.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
    let mut entries = BTreeMap::new();
    let mut at = 0;
    for c in index.chunks(2) {
        for k in 0..c[1] {
            let r = &data[at..at + row];
            at += row;
            let t = if w[0] == 0 { 1 } else { field(&r[..w[0]]) };
            let f2 = field(&r[w[0]..w[0] + w[1]]);
            let f3 = field(&r[w[0] + w[1]..]);
            let num = u32::try_from(c[0] + k).map_err(|_| damage(offset, None, "an object number out of range"))?;
            let entry = match t {
                0 => Entry::Free { generation: u16::try_from(f3).unwrap_or(u16::MAX) },
                1 => Entry::InUse {
                    offset: usize::try_from(f2).unwrap_or(usize::MAX),
                    generation: u16::try_from(f3)
                        .map_err(|_| damage(offset, None, "a generation number out of range"))?,
                },
                2 => Entry::Compressed {
                    stream: u32::try_from(f2)
                        .map_err(|_| damage(offset, None, "an object stream number out of range"))?,
                    index: usize::try_from(f3).unwrap_or(usize::MAX),
                },
                other => {
                    return Err(damage(
                        offset,
                        None,
                        format!("cross-reference stream: entry type {other} is not defined"),
                    ));
                }
            };
            if entries.insert(num, entry).is_some() {
                return Err(damage(
                    offset,
                    None,
                    format!("object {num} is listed twice in one cross-reference section"),
                ));
            }
        }
    }
    let prev = prev_of(&st.dict, offset)?;
    Ok(Section {
        offset,
        eof: 0,
        end: obj.span.end,
        entries,
        trailer: st.dict.clone(),
        prev,
        xref_stream: Some(obj.num),
    })
}

/// Decodes a stream's data: no filter, or FlateDecode (with a PNG predictor, as cross-reference
/// streams use), at most [`MAX_DECODED`] bytes.
pub fn decode(dict: &Dict, raw: &[u8]) -> Result<Vec<u8>, String> {
    decode_within(dict, raw, MAX_DECODED)
}

pub fn decode_within(dict: &Dict, raw: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    let filters: Vec<&[u8]> = match dict.get(b"Filter") {
        None => vec![],
        Some(Obj::Name(n)) => vec![n.as_slice()],
        Some(Obj::Array(a)) => a.iter().map(|o| o.as_name().unwrap_or(b"?")).collect(),
        Some(_) => return Err("a malformed /Filter".into()),
    };
    match filters.as_slice() {
        [] => {
            if raw.len() > limit {
                return Err(format!("larger than {limit} bytes"));
            }
            Ok(raw.to_vec())
        }
        [b"FlateDecode"] => {
            use std::io::Read;
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(raw)
                .take(limit as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| format!("the compressed data is damaged: {e}"))?;
            if out.len() > limit {
                return Err(format!("unpacks to more than {limit} bytes"));
            }
            let parms = match dict.get(b"DecodeParms") {
                Some(Obj::Dict(p)) => Some(p),
                Some(Obj::Array(a)) => a.first().and_then(Obj::as_dict),
                _ => None,
            };
            match parms.and_then(|p| p.get(b"Predictor")).and_then(Obj::as_int).unwrap_or(1) {
                1 => Ok(out),
                10..=15 => {
                    let cols = parms.and_then(|p| p.get(b"Columns")).and_then(Obj::as_int).unwrap_or(1);
                    let colors = parms.and_then(|p| p.get(b"Colors")).and_then(Obj::as_int).unwrap_or(1);
                    let bpc = parms.and_then(|p| p.get(b"BitsPerComponent")).and_then(Obj::as_int).unwrap_or(8);
                    if colors != 1 || bpc != 8 || !(1..=1 << 16).contains(&cols) {
                        return Err("an unsupported predictor setting".into());
                    }
                    unpredict_png(&out, cols as usize)
                }
                p => Err(format!("predictor {p} is not supported")),
            }
        }
        other => Err(format!(
            "filter {} is not supported here",
            other.iter().map(|f| format!("/{}", String::from_utf8_lossy(f))).collect::<Vec<_>>().join(" ")
        )),
    }
}

fn unpredict_png(data: &[u8], cols: usize) -> Result<Vec<u8>, String> {
    let stride = cols + 1;
    if data.len() % stride != 0 {
        return Err("predicted rows do not fill the data".into());
    }
    let mut out = Vec::with_capacity(data.len() / stride * cols);
    let mut prev = vec![0u8; cols];
    for row in data.chunks(stride) {
        let (kind, src) = (row[0], &row[1..]);
        let mut cur = vec![0u8; cols];
        for i in 0..cols {
            let left = if i > 0 { cur[i - 1] } else { 0 };
            let up = prev[i];
            let upleft = if i > 0 { prev[i - 1] } else { 0 };
            cur[i] = match kind {
                0 => src[i],
                1 => src[i].wrapping_add(left),
                2 => src[i].wrapping_add(up),
                3 => src[i].wrapping_add(((u16::from(left) + u16::from(up)) / 2) as u8),
                4 => {
                    let p = i16::from(left) + i16::from(up) - i16::from(upleft);
                    let (pa, pb, pc) =
                        ((p - i16::from(left)).abs(), (p - i16::from(up)).abs(), (p - i16::from(upleft)).abs());
                    let pred = if pa <= pb && pa <= pc {
                        left
                    } else if pb <= pc {
                        up
                    } else {
                        upleft
                    };
                    src[i].wrapping_add(pred)
                }
                k => return Err(format!("PNG predictor type {k} is not defined")),
            };
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Ok(out)
}

/// Reads the objects of revision `r` (1-based) over `span`, checking each against its entry and
/// the bytes between them.
fn read_revision(
    bytes: &[u8],
    span: Range<usize>,
    s: Section,
    r: usize,
    earlier: &[Revision],
) -> Result<Revision, Damage> {
    let rev = Some(r);
    let mut parsed: HashMap<u32, Indirect> = HashMap::new();
    let in_use: Vec<(u32, usize, u16)> = s
        .entries
        .iter()
        .filter_map(|(&n, e)| match e {
            Entry::InUse { offset, generation } => Some((n, *offset, *generation)),
            _ => None,
        })
        .collect();
    if matches!(s.entries.get(&0), Some(Entry::InUse { .. } | Entry::Compressed { .. })) {
        return Err(damage(s.offset, rev, "object 0 is listed as in use"));
    }
    for &(num, off, generation) in &in_use {
        let inside = off >= span.start && (off < s.offset || (Some(num) == s.xref_stream && off == s.offset));
        if !inside {
            return Err(damage(
                off.min(bytes.len()),
                rev,
                format!("the entry of object {num} {generation} points outside its revision (at byte {off})"),
            ));
        }
    }
    // A stream's /Length may be a reference to an integer object of this or an earlier revision.
    let length_of = |n: u32, g: u16| -> Option<i64> {
        let off = match s.entries.get(&n) {
            Some(Entry::InUse { offset, generation }) if *generation == g => Some(*offset),
            Some(_) => None,
            None => {
                return earlier
                    .iter()
                    .rev()
                    .find_map(|e| e.entries.get(&n).map(|_| e))
                    .and_then(|e| e.objects.get(&n))
                    .filter(|(generation, _)| *generation == g)
                    .and_then(|(_, o)| o.as_int());
            }
        }?;
        let o = syntax::indirect_at(bytes, off, &mut |_, _| None).ok()?;
        (o.num == n && o.generation == g).then_some(o)?.obj.as_int()
    };
    let mut length = length_of;
    for &(num, off, generation) in &in_use {
        let o = syntax::indirect_at(bytes, off, &mut length).map_err(|e| from_syntax(e, rev))?;
        if (o.num, o.generation) != (num, generation) {
            return Err(damage(
                off,
                rev,
                format!("the entry of object {num} {generation} points at object {} {} instead", o.num, o.generation),
            ));
        }
        parsed.insert(num, o);
    }
    // Between the objects (and before the section) only white space; the first revision starts
    // with the header line and may carry the usual binary comment line after it.
    let mut spans: Vec<(Range<usize>, u32)> = parsed.values().map(|o| (o.span.clone(), o.num)).collect();
    spans.sort_by_key(|(sp, _)| sp.start);
    let mut at = span.start;
    if r == 1 {
        at = header_end(bytes);
    }
    let section_start = s.offset;
    for (sp, num) in &spans {
        if sp.start < at {
            return Err(damage(sp.start, rev, format!("object {num} overlaps the object before it")));
        }
        gap(bytes, at, sp.start, rev)?;
        at = sp.end;
    }
    if s.xref_stream.is_none() || !spans.iter().any(|(sp, _)| sp.start == s.offset) {
        if at > section_start {
            return Err(damage(section_start, rev, "an object overlaps the cross-reference section"));
        }
        gap(bytes, at, section_start, rev)?;
    }
    // Object streams: each must be in this revision, and each object in it listed here.
    let mut objects: HashMap<u32, (u16, Obj)> = parsed.into_iter().map(|(n, o)| (n, (o.generation, o.obj))).collect();
    let mut by_stream: BTreeMap<u32, Vec<(u32, usize)>> = BTreeMap::new();
    for (&num, e) in &s.entries {
        if let Entry::Compressed { stream, index } = e {
            by_stream.entry(*stream).or_default().push((num, *index));
        }
    }
    let mut object_streams = Vec::new();
    for (stream, members) in by_stream {
        let Some((0, Obj::Stream(st))) = objects.get(&stream) else {
            return Err(damage(
                s.offset,
                rev,
                format!("objects are listed in object stream {stream}, which this revision does not define"),
            ));
        };
        let inner = read_object_stream(st, stream).map_err(|m| damage(s.offset, rev, m))?;
        if inner.len() != members.len() {
            return Err(damage(
                s.offset,
                rev,
                format!("object stream {stream} holds {} objects but {} are listed for it", inner.len(), members.len()),
            ));
        }
        for (num, index) in members {
            match inner.get(index) {
                Some((n, o)) if *n == num => {
                    if objects.insert(num, (0, o.clone())).is_some() {
                        return Err(damage(s.offset, rev, format!("object {num} is defined twice in one revision")));
                    }
                }
                _ => {
                    return Err(damage(
                        s.offset,
                        rev,
                        format!("object {num} is not at index {index} of object stream {stream}"),
                    ));
                }
            }
        }
        object_streams.push(stream);
    }
    Ok(Revision {
        span,
        eof: s.eof,
        xref_offset: s.offset,
        xref_stream: s.xref_stream,
        trailer: s.trailer,
        entries: s.entries,
        objects,
        object_streams,
    })
}

/// Where the header (`%PDF-x.y` and an optional comment line) ends.
fn header_end(bytes: &[u8]) -> usize {
    let line_end = |from: usize| {
        let mut i = from;
        while i < bytes.len() && bytes[i] != b'\r' && bytes[i] != b'\n' {
            i += 1;
        }
        i
    };
    let mut at = line_end(0);
    let mut lx = Lexer::new(bytes, at);
    lx.skip_white();
    if lx.peek() == Some(b'%') {
        at = line_end(lx.pos);
    }
    at
}

fn gap(bytes: &[u8], from: usize, to: usize, rev: Option<usize>) -> Result<(), Damage> {
    if let Some(i) = bytes[from..to].iter().position(|&b| !is_white(b)) {
        return Err(damage(
            from + i,
            rev,
            "bytes that belong to no object of the cross-reference section (hidden or unlisted content)",
        ));
    }
    Ok(())
}

/// The objects of an object stream, in order: (number, value).
fn read_object_stream(st: &syntax::Stream, num: u32) -> Result<Vec<(u32, Obj)>, String> {
    if st.dict.name(b"Type") != Some(b"ObjStm") {
        return Err(format!("object {num} is used as an object stream but is not one"));
    }
    if st.dict.get(b"Extends").is_some() {
        return Err(format!("object stream {num} extends another: not accepted"));
    }
    let n = st.dict.get(b"N").and_then(Obj::as_int).filter(|&n| (0..=1_000_000).contains(&n));
    let first = st.dict.get(b"First").and_then(Obj::as_int).filter(|&f| f >= 0);
    let (Some(n), Some(first)) = (n, first) else {
        return Err(format!("object stream {num} lacks a usable /N or /First"));
    };
    let data = decode(&st.dict, &st.raw).map_err(|m| format!("object stream {num}: {m}"))?;
    let first = first as usize;
    if first > data.len() {
        return Err(format!("object stream {num}: /First is beyond its data"));
    }
    let mut lx = Lexer::new(&data[..first], 0);
    let mut header = Vec::new();
    for _ in 0..n {
        lx.skip_white();
        let a = lx.unsigned().map_err(|_| format!("object stream {num}: a malformed header"))?;
        lx.skip_white();
        let b = lx.unsigned().map_err(|_| format!("object stream {num}: a malformed header"))?;
        header.push((u32::try_from(a).map_err(|_| format!("object stream {num}: a number out of range"))?, b as usize));
    }
    lx.skip_white();
    if !lx.at_end() {
        return Err(format!("object stream {num}: its header has more than /N entries"));
    }
    // The first object starts at /First, and each after the one before: no bytes between /First
    // and the first object that a reader could take for it.
    if header.first().is_some_and(|h| h.1 != 0) || header.windows(2).any(|w| w[1].1 <= w[0].1) {
        return Err(format!("object stream {num}: its objects do not start at /First, one after another"));
    }
    let mut out = Vec::with_capacity(header.len());
    for (i, &(obj, off)) in header.iter().enumerate() {
        let start = first
            .checked_add(off)
            .filter(|&s| s <= data.len())
            .ok_or_else(|| format!("object stream {num}: an offset beyond its data"))?;
        let end = header.get(i + 1).map_or(data.len(), |&(_, o)| first.saturating_add(o));
        if end < start || end > data.len() {
            return Err(format!("object stream {num}: offsets out of order"));
        }
        let mut lx = Lexer::new(&data[..end], start);
        let o = lx.object_or_ref(0).map_err(|e| format!("object stream {num}, object {obj}: {}", e.message))?;
        lx.skip_white();
        if !lx.at_end() {
            return Err(format!("object stream {num}, object {obj}: more than one object"));
        }
        if matches!(o, Obj::Stream(_)) {
            return Err(format!("object stream {num} holds a stream"));
        }
        out.push((obj, o));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How [`build`] writes a small file: catalog, page tree, one page and `extra` objects.
    struct Shape<'a> {
        page: &'a str,
        extra: &'a [(u32, &'a str)],
        /// An in-use entry for an offset.
        entry: fn(usize) -> String,
        /// Bytes between the last object and the cross-reference table.
        before_xref: &'a str,
        trailer: &'a str,
    }

    const PAGE: &str = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>";

    fn entry20(o: usize) -> String {
        format!("{o:010} 00000 n \n")
    }

    fn shape() -> Shape<'static> {
        Shape { page: PAGE, extra: &[], entry: entry20, before_xref: "", trailer: "" }
    }

    fn build(s: &Shape<'_>) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut objs: Vec<(u32, String)> = vec![
            (1, "<< /Type /Catalog /Pages 2 0 R >>".into()),
            (2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into()),
            (3, s.page.into()),
        ];
        objs.extend(s.extra.iter().map(|(n, b)| (*n, b.to_string())));
        let mut offsets = Vec::new();
        for (n, body) in &objs {
            offsets.push((*n, out.len()));
            out.extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
        }
        out.extend_from_slice(s.before_xref.as_bytes());
        let size = objs.iter().map(|(n, _)| n + 1).max().unwrap_or(1);
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
        for n in 1..size {
            match offsets.iter().find(|(m, _)| *m == n) {
                Some((_, o)) => out.extend_from_slice((s.entry)(*o).as_bytes()),
                None => out.extend_from_slice(b"0000000000 00000 f \n"),
            }
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size {size} /Root 1 0 R{} >>\nstartxref\n{xref}\n%%EOF\n", s.trailer).as_bytes(),
        );
        out
    }

    fn refused(bytes: &[u8]) -> String {
        PdfFile::parse(bytes).expect_err("refused").to_string()
    }

    #[test]
    fn a_well_formed_file_is_read() {
        let f = PdfFile::parse(&build(&shape())).expect("reads");
        assert_eq!(f.revisions.len(), 1);
        assert_eq!(f.pages(0).len(), 1);
        f.check_page_tree(0).expect("a sound page tree");
    }

    #[test]
    fn what_readers_repair_differently_is_refused_with_where() {
        let good = build(&shape());
        let mut trailing = good.clone();
        trailing.extend(std::iter::repeat_n(b' ', 100));
        assert!(refused(&trailing).contains("white space follow the final %%EOF"));
        let mut appended = good.clone();
        appended.extend_from_slice(b"4 0 obj\n<< >>\nendobj\n");
        assert!(refused(&appended).contains("does not end with %%EOF"));
        let dangling = build(&Shape { extra: &[(4, "<< /X 9 0 R >>")], ..shape() });
        assert!(refused(&dangling).contains("refers to object 9 0"));
        let wrong_gen = build(&Shape { extra: &[(4, "<< /X 3 2 R >>")], ..shape() });
        assert!(refused(&wrong_gen).contains("refers to object 3 2"));
        let nineteen = build(&Shape { entry: |o| format!("{o:010} 00000 n\n"), ..shape() });
        assert!(refused(&nineteen).contains("20 bytes"), "{}", refused(&nineteen));
        let hidden = build(&Shape { before_xref: "9 0 obj\n(hidden)\nendobj\n", ..shape() });
        assert!(refused(&hidden).contains("belong to no object"), "{}", refused(&hidden));
        let elsewhere = build(&Shape { entry: |o| format!("{:010} 00000 n \n", o + 1), ..shape() });
        assert!(refused(&elsewhere).contains("at byte"), "{}", refused(&elsewhere));
        let linearized = build(&Shape { extra: &[(4, "<< /Linearized 1 >>")], ..shape() });
        assert!(refused(&linearized).contains("linearized"));
        let encrypted = build(&Shape { trailer: " /Encrypt << /Filter /Standard >>", ..shape() });
        assert!(refused(&encrypted).contains("encrypted"));
        let hybrid = build(&Shape { trailer: " /XRefStm 0", ..shape() });
        assert!(refused(&hybrid).contains("hybrid"));
        let twice_key = build(&Shape { extra: &[(4, "<< /A 1 /A 2 >>")], ..shape() });
        assert!(refused(&twice_key).contains("twice"));
    }

    #[test]
    fn a_broken_page_tree_is_named() {
        let untyped = build(&Shape { page: "<< /Parent 2 0 R /MediaBox [0 0 612 792] >>", ..shape() });
        let f = PdfFile::parse(&untyped).expect("the structure reads");
        assert!(f.check_page_tree(0).expect_err("untyped node").to_string().contains("neither /Pages nor /Page"));
    }
    #[test]
    fn a_huge_cross_reference_stream_is_refused_before_it_is_built() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![1u8; 2_000_000]).expect("deflate");
        let data = z.finish().expect("deflate");
        let mut out = b"%PDF-1.7\n".to_vec();
        let at = out.len();
        out.extend_from_slice(
            format!(
                "1 0 obj\n<< /Type /XRef /Size 2000000 /W [0 1 0] /Root 1 0 R /Filter /FlateDecode /Length {} >>\nstream\n",
                data.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&data);
        out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n").as_bytes());
        assert!(refused(&out).contains("more than 1000000 objects"), "{}", refused(&out));
    }

    #[test]
    fn an_object_stream_with_bytes_before_its_first_object_is_refused() {
        let st = ObjStream { n: 1, first: 5, data: b"4 10 << /Type /Catalog >> << /A 1 >>".to_vec() };
        let d = syntax::Dict(vec![
            (b"Type".to_vec(), Obj::name("ObjStm")),
            (b"N".to_vec(), Obj::Int(st.n)),
            (b"First".to_vec(), Obj::Int(st.first)),
        ]);
        let e = read_object_stream(&syntax::Stream { dict: d, raw: st.data }, 7).expect_err("refused");
        assert!(e.contains("do not start at /First"), "{e}");
    }

    struct ObjStream {
        n: i64,
        first: i64,
        data: Vec<u8>,
    }
}
