//! Writes incremental updates by hand, so that tests can make exactly the file an attacker would:
//! well-formed ones (objects, a cross-reference table or stream, a trailer) and deliberately
//! broken ones.

use steward_sign::pdf::file::{Entry, PdfFile};
use steward_sign::pdf::syntax::{Dict, Obj, Stream};

/// A signed file as an attacker reads it.
pub struct Base {
    pub bytes: Vec<u8>,
    pub file: PdfFile,
}

impl Base {
    pub fn new(bytes: &[u8]) -> Self {
        let file = PdfFile::parse(bytes).expect("a well-formed base file");
        Self { bytes: bytes.to_vec(), file }
    }

    pub fn last(&self) -> usize {
        self.file.revisions.len() - 1
    }

    pub fn trailer(&self) -> &Dict {
        &self.file.revisions[self.last()].trailer
    }

    /// The next free object number.
    pub fn next_num(&self) -> u32 {
        let size = self.trailer().get(b"Size").and_then(Obj::as_int).unwrap_or(1);
        u32::try_from(size).unwrap_or(1)
    }

    pub fn get(&self, num: u32) -> Obj {
        self.file.get(self.last(), num).map(|(_, o)| o.clone()).unwrap_or_else(|| panic!("object {num}"))
    }

    pub fn dict(&self, num: u32) -> Dict {
        self.get(num).as_dict().cloned().unwrap_or_else(|| panic!("object {num} is not a dictionary"))
    }

    pub fn catalog(&self) -> u32 {
        self.trailer().get(b"Root").and_then(Obj::as_ref).expect("root").0
    }

    pub fn info(&self) -> Option<u32> {
        self.trailer().get(b"Info").and_then(Obj::as_ref).map(|r| r.0)
    }

    /// Object number of page `n` (1-based).
    pub fn page(&self, n: usize) -> u32 {
        self.file.pages(self.last())[n - 1].0
    }

    pub fn page_count(&self) -> usize {
        self.file.pages(self.last()).len()
    }

    /// The first content stream of page `n`.
    pub fn page_content(&self, n: usize) -> u32 {
        match self.dict(self.page(n)).get(b"Contents") {
            Some(Obj::Ref(c, _)) => *c,
            Some(Obj::Array(a)) => a[0].as_ref().expect("ref").0,
            _ => panic!("page {n} has no contents"),
        }
    }

    /// The resource dictionary of page `n` (resolved), and where it lives.
    pub fn page_resources(&self, n: usize) -> (Option<u32>, Dict) {
        let page = self.dict(self.page(n));
        match page.get(b"Resources") {
            Some(Obj::Ref(r, _)) => (Some(*r), self.dict(*r)),
            Some(Obj::Dict(d)) => (None, d.clone()),
            _ => (None, Dict::default()),
        }
    }

    /// The first font of page `n`: (resource name, object number).
    pub fn page_font(&self, n: usize) -> (Vec<u8>, u32) {
        let (_, res) = self.page_resources(n);
        let fonts = match res.get(b"Font") {
            Some(Obj::Ref(r, _)) => self.dict(*r),
            Some(Obj::Dict(d)) => d.clone(),
            _ => panic!("no fonts"),
        };
        let (k, v) = fonts.0.first().expect("a font");
        (k.clone(), v.as_ref().expect("font ref").0)
    }

    /// The signature dictionaries of the form, in order: (field, value object number).
    pub fn signatures(&self) -> Vec<(u32, u32)> {
        steward_sign::pdf::changes::signature_fields(&self.file, self.last())
            .into_iter()
            .filter_map(|(f, d)| d.get(b"V").and_then(Obj::as_ref).map(|v| (f, v.0)))
            .collect()
    }

    /// Where an object's `N G obj` starts.
    pub fn offset_of(&self, num: u32) -> usize {
        for r in self.file.revisions.iter().rev() {
            if let Some(Entry::InUse { offset, .. }) = r.entries.get(&num) {
                return *offset;
            }
        }
        panic!("object {num} is not stored uncompressed")
    }
}

pub fn stream(dict: Dict, data: &[u8]) -> Obj {
    Obj::Stream(Box::new(Stream { dict, raw: data.to_vec() }))
}

pub fn dict(pairs: &[(&str, Obj)]) -> Dict {
    Dict(pairs.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.clone())).collect())
}

pub fn name(n: &str) -> Obj {
    Obj::name(n)
}

pub fn r(n: u32) -> Obj {
    Obj::Ref(n, 0)
}

pub fn text(s: &str) -> Obj {
    Obj::Str(s.as_bytes().to_vec())
}

/// How the cross-reference section of an update is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Xref {
    Table,
    /// A cross-reference stream, with the objects packed in an object stream.
    StreamWithObjectStream,
}

/// An incremental update being written.
pub struct Update {
    objects: Vec<(u32, u16, Obj)>,
    free: Vec<(u32, u16)>,
    trailer: Vec<(Vec<u8>, Option<Obj>)>,
    xref: Xref,
    /// Bytes put between the previous revision and the first object (hidden content).
    pub preamble: Vec<u8>,
    /// Overrides where entries point: the entry of the first object points at the second's body.
    pub point: Vec<(u32, u32)>,
    /// `/Prev` points at this update's own cross-reference section.
    pub prev_self: bool,
    /// Extra entries for numbers that the update does not write (pointing anywhere).
    pub extra_entries: Vec<(u32, usize, u16)>,
    /// Overrides `/Prev`.
    pub prev: Option<i64>,
    /// Bytes written after an object's `endobj` (a second, unlisted definition).
    pub after_objects: Vec<u8>,
    /// Bytes put in an object stream between `/First` and its first object.
    pub object_stream_prefix: Vec<u8>,
    /// An entry `0000000000 65535 f` put first in the subsection of this object (as some
    /// writers did, and some readers renumber).
    pub free_head_before: Option<u32>,
}

impl Update {
    pub fn new() -> Self {
        Self {
            objects: Vec::new(),
            free: Vec::new(),
            trailer: Vec::new(),
            xref: Xref::Table,
            preamble: Vec::new(),
            point: Vec::new(),
            prev_self: false,
            extra_entries: Vec::new(),
            prev: None,
            after_objects: Vec::new(),
            object_stream_prefix: Vec::new(),
            free_head_before: None,
        }
    }

    pub fn with_xref(mut self, x: Xref) -> Self {
        self.xref = x;
        self
    }

    pub fn put(&mut self, num: u32, o: Obj) -> &mut Self {
        self.put_gen(num, 0, o)
    }

    pub fn put_gen(&mut self, num: u32, generation: u16, o: Obj) -> &mut Self {
        self.objects.retain(|(n, _, _)| *n != num);
        self.objects.push((num, generation, o));
        self
    }

    pub fn free(&mut self, num: u32, generation: u16) -> &mut Self {
        self.free.push((num, generation));
        self
    }

    /// Sets (or with `None` removes) a trailer key.
    pub fn trailer(&mut self, key: &str, v: Option<Obj>) -> &mut Self {
        self.trailer.push((key.as_bytes().to_vec(), v));
        self
    }

    /// Appends the update to `base`.
    pub fn apply(&self, base: &Base) -> Vec<u8> {
        let mut out = base.bytes.clone();
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        out.extend_from_slice(&self.preamble);
        let prev = base.file.revisions[base.last()].xref_offset as i64;
        let mut size = base.next_num();
        for (n, _, _) in &self.objects {
            size = size.max(n + 1);
        }
        for (n, _) in &self.free {
            size = size.max(n + 1);
        }
        for (n, _, _) in &self.extra_entries {
            size = size.max(n + 1);
        }
        let mut trailer = Dict::default();
        for k in [&b"Root"[..], b"Info", b"ID"] {
            if let Some(v) = base.trailer().get(k) {
                trailer.set(k, v.clone());
            }
        }
        trailer.set(b"Prev", Obj::Int(self.prev.unwrap_or(prev)));
        for (k, v) in &self.trailer {
            match v {
                Some(v) => trailer.set(k, v.clone()),
                None => {
                    trailer.remove(k);
                }
            }
        }
        let mut entries: Vec<(u32, String)> = Vec::new();
        match self.xref {
            Xref::Table => {
                let mut written: Vec<(u32, u16, usize)> = Vec::new();
                for (num, generation, o) in &self.objects {
                    written.push((*num, *generation, out.len()));
                    out.extend_from_slice(format!("{num} {generation} obj\n").as_bytes());
                    o.write(&mut out);
                    out.extend_from_slice(b"\nendobj\n");
                }
                for &(num, generation, at) in &written {
                    let at = match self.point.iter().find(|(n, _)| *n == num) {
                        Some((_, to)) => written.iter().find(|(n, _, _)| n == to).map_or(at, |w| w.2),
                        None => at,
                    };
                    entries.push((num, format!("{at:010} {generation:05} n \n")));
                }
                out.extend_from_slice(&self.after_objects);
                for (num, generation) in &self.free {
                    entries.push((*num, format!("{:010} {:05} f \n", 0, generation)));
                }
                for (num, at, generation) in &self.extra_entries {
                    entries.push((*num, format!("{at:010} {generation:05} n \n")));
                }
                entries.sort_by_key(|(n, _)| *n);
                if let Some(n) = self.free_head_before {
                    // The subsection starts one number earlier, with the head of the free list.
                    if let Some(i) = entries.iter().position(|(m, _)| *m == n) {
                        entries.insert(i, (n - 1, "0000000000 65535 f \n".into()));
                    }
                }
                let xref_at = out.len();
                if self.prev_self {
                    trailer.set(b"Prev", Obj::Int(xref_at as i64));
                }
                out.extend_from_slice(b"xref\n");
                let mut i = 0;
                while i < entries.len() {
                    let mut j = i;
                    while j + 1 < entries.len() && entries[j + 1].0 == entries[j].0 + 1 {
                        j += 1;
                    }
                    out.extend_from_slice(format!("{} {}\n", entries[i].0, j - i + 1).as_bytes());
                    for (_, e) in &entries[i..=j] {
                        out.extend_from_slice(e.as_bytes());
                    }
                    i = j + 1;
                }
                trailer.set(b"Size", Obj::Int(i64::from(size)));
                out.extend_from_slice(b"trailer\n");
                trailer.write(&mut out);
                out.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
            }
            Xref::StreamWithObjectStream => {
                // Every object in one object stream, then the cross-reference stream.
                let objstm = size;
                let xref_num = size + 1;
                size += 2;
                let mut header = String::new();
                let mut body = Vec::new();
                let mut plain: Vec<(u32, usize)> = Vec::new();
                for (num, generation, o) in self.objects.iter().filter(|(_, _, o)| matches!(o, Obj::Stream(_))) {
                    plain.push((*num, out.len()));
                    out.extend_from_slice(format!("{num} {generation} obj\n").as_bytes());
                    o.write(&mut out);
                    out.extend_from_slice(b"\nendobj\n");
                }
                let packed_objects: Vec<&(u32, u16, Obj)> =
                    self.objects.iter().filter(|(_, _, o)| !matches!(o, Obj::Stream(_))).collect();
                for (num, _, o) in &packed_objects {
                    header.push_str(&format!("{num} {} ", body.len()));
                    o.write(&mut body);
                    body.push(b'\n');
                }
                // Objects are placed after the prefix; the header names offsets from /First.
                let shift = self.object_stream_prefix.len();
                let header: String = header
                    .split(' ')
                    .collect::<Vec<_>>()
                    .chunks(2)
                    .filter(|c| c.len() == 2 && !c[0].is_empty())
                    .map(|c| format!("{} {} ", c[0], c[1].parse::<usize>().unwrap_or(0) + shift))
                    .collect();
                let first = header.len();
                let mut data = header.into_bytes();
                data.extend_from_slice(&self.object_stream_prefix);
                data.extend_from_slice(&body);
                let packed = deflate(&data);
                let st = stream(
                    dict(&[
                        ("Type", name("ObjStm")),
                        ("N", Obj::Int(packed_objects.len() as i64)),
                        ("First", Obj::Int(first as i64)),
                        ("Filter", name("FlateDecode")),
                    ]),
                    &packed,
                );
                let objstm_at = out.len();
                out.extend_from_slice(format!("{objstm} 0 obj\n").as_bytes());
                st.write(&mut out);
                out.extend_from_slice(b"\nendobj\n");
                let xref_at = out.len();
                let mut rows: Vec<(u32, [u8; 7])> = Vec::new();
                let row = |t: u8, f2: u32, f3: u16| {
                    let mut r = [0u8; 7];
                    r[0] = t;
                    r[1..5].copy_from_slice(&f2.to_be_bytes());
                    r[5..7].copy_from_slice(&f3.to_be_bytes());
                    r
                };
                for (i, (num, _, _)) in packed_objects.iter().enumerate() {
                    rows.push((*num, row(2, objstm, i as u16)));
                }
                for (num, at) in &plain {
                    rows.push((*num, row(1, *at as u32, 0)));
                }
                rows.push((objstm, row(1, objstm_at as u32, 0)));
                rows.push((xref_num, row(1, xref_at as u32, 0)));
                rows.sort_by_key(|(n, _)| *n);
                let mut index = Vec::new();
                let mut data = Vec::new();
                let mut i = 0;
                while i < rows.len() {
                    let mut j = i;
                    while j + 1 < rows.len() && rows[j + 1].0 == rows[j].0 + 1 {
                        j += 1;
                    }
                    index.push(Obj::Int(i64::from(rows[i].0)));
                    index.push(Obj::Int((j - i + 1) as i64));
                    for (_, r) in &rows[i..=j] {
                        data.extend_from_slice(r);
                    }
                    i = j + 1;
                }
                let mut d = trailer.clone();
                d.set(b"Type", name("XRef"));
                d.set(b"Size", Obj::Int(i64::from(size)));
                d.set(b"W", Obj::Array(vec![Obj::Int(1), Obj::Int(4), Obj::Int(2)]));
                d.set(b"Index", Obj::Array(index));
                d.set(b"Filter", name("FlateDecode"));
                let xs = stream(d, &deflate(&data));
                out.extend_from_slice(format!("{xref_num} 0 obj\n").as_bytes());
                xs.write(&mut out);
                out.extend_from_slice(format!("\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
            }
        }
        out
    }
}

impl Default for Update {
    fn default() -> Self {
        Self::new()
    }
}

pub fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(data).expect("deflate");
    z.finish().expect("deflate")
}

/// A signature dictionary with room for its byte range and CMS, for [`sign_update`].
pub fn signature_placeholder() -> Obj {
    Obj::Dict(dict(&[
        ("Type", name("Sig")),
        ("Filter", name("Adobe.PPKLite")),
        ("SubFilter", name("ETSI.CAdES.detached")),
        (
            "ByteRange",
            Obj::Array(vec![Obj::Int(0), Obj::Int(PLACEHOLDER), Obj::Int(PLACEHOLDER), Obj::Int(PLACEHOLDER)]),
        ),
        ("Contents", Obj::HexStr(vec![0u8; 8192], 0..0)),
        ("M", text("D:20270201000000+00'00'")),
    ]))
}

const PLACEHOLDER: i64 = 9_999_999_999;

/// Applies `u` (which holds one [`signature_placeholder`]) to `base` and signs the result as a
/// real signer would: the byte range is the new revision less the placeholder's `/Contents`.
/// With it a test makes signature fields of any shape that carry a valid signature.
pub fn sign_update(base: &Base, u: &Update, key: &steward_sign::SecretKey, cert: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut out = u.apply(base);
    let tail = base.bytes.len();
    let zeros = vec![b'0'; 8192 * 2];
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let hole = find(&out[tail..], &zeros).map(|i| i + tail).expect("the placeholder is in the update");
    let (lt, gt) = (hole - 1, hole + zeros.len());
    let range = [0, lt, gt + 1, out.len() - gt - 1];
    let ph = PLACEHOLDER.to_string();
    let br = find(&out[tail..], ph.as_bytes()).map(|i| i + tail).expect("byte range");
    let open = out[..br].iter().rposition(|&c| c == b'[').expect("[");
    let close = out[br..].iter().position(|&c| c == b']').map(|i| i + br).expect("]");
    let text = format!("{} {} {} {}", range[0], range[1], range[2], range[3]);
    let slot = close - open - 1;
    out[open + 1..close].copy_from_slice(format!("{text:<slot$}").as_bytes());
    let mut h = Sha256::new();
    h.update(&out[..lt]);
    h.update(&out[gt + 1..]);
    let blob = steward_sign::cms_sig::sign_detached(key, cert, &h.finalize()).expect("CMS");
    let hex: String = blob.iter().map(|b| format!("{b:02X}")).collect();
    out[hole..hole + hex.len()].copy_from_slice(hex.as_bytes());
    out
}
