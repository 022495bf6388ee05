//! PDF objects (ISO 32000-1, 7.2 and 7.3) read strictly from bytes, with the offset of every
//! problem. Nothing is repaired: a dictionary with a key twice, a string that does not end, a number
//! out of range or nesting beyond [`MAX_DEPTH`] is an error, because readers that repair such input
//! do it differently, and a verifier must see exactly what every other reader sees.

use std::ops::Range;

/// Arrays and dictionaries nested deeper than this are refused.
pub const MAX_DEPTH: usize = 64;
/// Dictionaries with more keys than this are refused (no real one comes close).
pub const MAX_KEYS: usize = 10_000;

/// A problem at a byte offset of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

impl SyntaxError {
    pub fn new(offset: usize, message: impl Into<String>) -> Self {
        Self { offset, message: message.into() }
    }
}

pub type Parsed<T> = Result<T, SyntaxError>;

/// A PDF object. Strings and names hold their decoded bytes; a stream holds its dictionary and
/// where its (still encoded) data lies in the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Obj {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Str(Vec<u8>),
    /// A hexadecimal string, and where it stands in the file (with its angle brackets).
    HexStr(Vec<u8>, Range<usize>),
    Name(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32, u16),
    Stream(Box<Stream>),
}

impl Obj {
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Obj::Dict(d) => Some(d),
            Obj::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Obj]> {
        match self {
            Obj::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Obj::Name(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Obj::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Obj::Int(i) => Some(*i as f64),
            Obj::Real(r) => Some(*r),
            _ => None,
        }
    }
    /// The bytes of a literal or hexadecimal string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Obj::Str(s) | Obj::HexStr(s, _) => Some(s),
            _ => None,
        }
    }
    pub fn as_ref(&self) -> Option<(u32, u16)> {
        match self {
            Obj::Ref(n, g) => Some((*n, *g)),
            _ => None,
        }
    }
    pub fn as_stream(&self) -> Option<&Stream> {
        match self {
            Obj::Stream(s) => Some(s),
            _ => None,
        }
    }

    /// Equal as PDF values: strings compare by content whatever their notation, references by
    /// object number and generation (what they point at is compared where it is defined).
    pub fn same(&self, other: &Obj) -> bool {
        match (self, other) {
            (Obj::Str(a) | Obj::HexStr(a, _), Obj::Str(b) | Obj::HexStr(b, _)) => a == b,
            (Obj::Int(a), Obj::Int(b)) => a == b,
            (Obj::Real(a), Obj::Real(b)) => a.to_bits() == b.to_bits(),
            (Obj::Array(a), Obj::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y)),
            (Obj::Dict(a), Obj::Dict(b)) => a.same(b),
            (Obj::Stream(a), Obj::Stream(b)) => a.dict.same(&b.dict) && a.raw == b.raw,
            (a, b) => a == b,
        }
    }

    /// Every reference inside this value (not following them).
    pub fn refs(&self, out: &mut Vec<(u32, u16)>) {
        match self {
            Obj::Ref(n, g) => out.push((*n, *g)),
            Obj::Array(a) => a.iter().for_each(|o| o.refs(out)),
            Obj::Dict(d) => d.values().for_each(|o| o.refs(out)),
            Obj::Stream(s) => s.dict.values().for_each(|o| o.refs(out)),
            _ => {}
        }
    }
}

/// A dictionary, in file order. Keys are unique (a key given twice is a syntax error).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dict(pub Vec<(Vec<u8>, Obj)>);

impl Dict {
    pub fn get(&self, key: &[u8]) -> Option<&Obj> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    pub fn name(&self, key: &[u8]) -> Option<&[u8]> {
        self.get(key).and_then(Obj::as_name)
    }
    pub fn keys(&self) -> impl Iterator<Item = &[u8]> {
        self.0.iter().map(|(k, _)| k.as_slice())
    }
    pub fn values(&self) -> impl Iterator<Item = &Obj> {
        self.0.iter().map(|(_, v)| v)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Same keys with the same values, in any order.
    pub fn same(&self, other: &Dict) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|(k, v)| other.get(k).is_some_and(|w| v.same(w)))
    }
    /// The keys whose values differ between `self` and `other` (present in either).
    pub fn changed_keys<'a>(&'a self, other: &'a Dict) -> Vec<&'a [u8]> {
        let mut out: Vec<&[u8]> = Vec::new();
        for (k, v) in &self.0 {
            if !other.get(k).is_some_and(|w| v.same(w)) {
                out.push(k);
            }
        }
        for (k, _) in &other.0 {
            if self.get(k).is_none() {
                out.push(k);
            }
        }
        out.sort_unstable();
        out
    }
}

/// A stream: its dictionary and where its encoded data is.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub dict: Dict,
    /// The encoded data, as it is in the file.
    pub raw: Vec<u8>,
}

impl Dict {
    /// Sets `key` (replacing its value, or adding it at the end).
    pub fn set(&mut self, key: &[u8], value: Obj) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key.to_vec(), value)),
        }
    }
    pub fn remove(&mut self, key: &[u8]) -> Option<Obj> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }
}

impl Obj {
    pub fn name(n: &str) -> Obj {
        Obj::Name(n.as_bytes().to_vec())
    }

    /// The object in PDF syntax (a stream with its `/Length` set to its data).
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Obj::Null => out.extend_from_slice(b"null"),
            Obj::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Obj::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Obj::Real(r) => {
                let mut t = format!("{r:.6}");
                while t.ends_with('0') {
                    t.pop();
                }
                if t.ends_with('.') {
                    t.push('0');
                }
                out.extend_from_slice(t.as_bytes());
            }
            Obj::Str(s) => {
                out.push(b'(');
                for &b in s {
                    match b {
                        b'(' | b')' | b'\\' => {
                            out.push(b'\\');
                            out.push(b);
                        }
                        b'\r' => out.extend_from_slice(b"\\r"),
                        _ => out.push(b),
                    }
                }
                out.push(b')');
            }
            Obj::HexStr(s, _) => {
                out.push(b'<');
                out.extend_from_slice(hex_upper(s).as_bytes());
                out.push(b'>');
            }
            Obj::Name(n) => {
                out.push(b'/');
                for &b in n {
                    if is_regular(b) && b != b'#' && (b'!'..=b'~').contains(&b) {
                        out.push(b);
                    } else {
                        out.extend_from_slice(format!("#{b:02X}").as_bytes());
                    }
                }
            }
            Obj::Array(a) => {
                out.push(b'[');
                for (i, o) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    o.write(out);
                }
                out.push(b']');
            }
            Obj::Dict(d) => d.write(out),
            Obj::Ref(n, g) => out.extend_from_slice(format!("{n} {g} R").as_bytes()),
            Obj::Stream(s) => {
                let mut d = s.dict.clone();
                d.set(b"Length", Obj::Int(s.raw.len() as i64));
                d.write(out);
                out.extend_from_slice(b"\nstream\n");
                out.extend_from_slice(&s.raw);
                out.extend_from_slice(b"\nendstream");
            }
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.write(&mut v);
        v
    }
}

impl Dict {
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"<<");
        for (k, v) in &self.0 {
            Obj::Name(k.clone()).write(out);
            out.push(b' ');
            v.write(out);
        }
        out.extend_from_slice(b">>");
    }
}

fn hex_upper(s: &[u8]) -> String {
    s.iter().map(|b| format!("{b:02X}")).collect()
}

pub fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

pub fn is_delim(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delim(b)
}

/// A reader over the bytes of a file (or of a decoded object stream), with positions relative to
/// the start of `bytes` plus `base` (so errors name offsets in the file).
pub struct Lexer<'a> {
    pub bytes: &'a [u8],
    pub pos: usize,
    pub base: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(bytes: &'a [u8], pos: usize) -> Self {
        Self { bytes, pos, base: 0 }
    }

    pub fn err(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError::new(self.base + self.pos, message)
    }

    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// Skips white space and comments.
    pub fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Skips white space only: no comments.
    pub fn skip_white(&mut self) {
        while self.peek().is_some_and(is_white) {
            self.pos += 1;
        }
    }

    /// The keyword at the current position (regular characters), without moving.
    pub fn peek_keyword(&self) -> &'a [u8] {
        let end = self.bytes[self.pos.min(self.bytes.len())..]
            .iter()
            .position(|&b| !is_regular(b))
            .map_or(self.bytes.len(), |i| self.pos + i);
        &self.bytes[self.pos.min(end)..end]
    }

    /// Consumes `word` if it stands here as a whole keyword.
    pub fn keyword(&mut self, word: &[u8]) -> bool {
        if self.peek_keyword() == word {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    pub fn expect_keyword(&mut self, word: &[u8]) -> Parsed<()> {
        if self.keyword(word) {
            Ok(())
        } else {
            let found = self.peek_keyword();
            Err(self.err(format!(
                "expected '{}', found '{}'",
                String::from_utf8_lossy(word),
                String::from_utf8_lossy(&found[..found.len().min(20)])
            )))
        }
    }

    /// An unsigned integer made of digits only (no sign), as in object headers and xref tables.
    pub fn unsigned(&mut self) -> Parsed<u64> {
        let start = self.pos;
        let mut v: u64 = 0;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
                .ok_or_else(|| self.err("number too large"))?;
            self.pos += 1;
        }
        if self.pos == start || self.peek().is_some_and(is_regular) {
            self.pos = start;
            return Err(self.err("expected an unsigned integer"));
        }
        Ok(v)
    }

    /// One object; `depth` counts the arrays and dictionaries around it.
    pub fn object(&mut self, depth: usize) -> Parsed<Obj> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("objects nested more than {MAX_DEPTH} deep")));
        }
        self.skip_ws();
        let Some(b) = self.peek() else { return Err(self.err("unexpected end of data: an object was expected")) };
        match b {
            b'/' => Ok(Obj::Name(self.name()?)),
            b'(' => Ok(Obj::Str(self.literal_string()?)),
            b'<' if self.bytes.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Ok(Obj::Dict(self.dict_body(depth)?))
            }
            b'<' => {
                let start = self.base + self.pos;
                let s = self.hex_string()?;
                Ok(Obj::HexStr(s, start..self.base + self.pos))
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Obj::Array(items));
                        }
                        None => return Err(self.err("an array is not closed")),
                        _ => items.push(self.object_or_ref(depth + 1)?),
                    }
                }
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.number(),
            _ if is_regular(b) => {
                let word = self.peek_keyword();
                let o = match word {
                    b"true" => Obj::Bool(true),
                    b"false" => Obj::Bool(false),
                    b"null" => Obj::Null,
                    _ => {
                        return Err(
                            self.err(format!("unexpected '{}'", String::from_utf8_lossy(&word[..word.len().min(20)])))
                        );
                    }
                };
                self.pos += word.len();
                Ok(o)
            }
            _ => Err(self.err(format!("unexpected character '{}'", char::from(b)))),
        }
    }

    /// An object, or a reference `N G R` (which is two integers and a keyword).
    pub fn object_or_ref(&mut self, depth: usize) -> Parsed<Obj> {
        let o = self.object(depth)?;
        if let Obj::Int(n) = o {
            let save = self.pos;
            self.skip_ws();
            if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                if let Ok(Obj::Int(g)) = self.number() {
                    self.skip_ws();
                    if self.keyword(b"R") {
                        let n = u32::try_from(n).map_err(|_| self.err("object number out of range"))?;
                        let g = u16::try_from(g).map_err(|_| self.err("generation number out of range"))?;
                        return Ok(Obj::Ref(n, g));
                    }
                }
            }
            self.pos = save;
        }
        Ok(o)
    }

    fn dict_body(&mut self, depth: usize) -> Parsed<Dict> {
        let mut d: Vec<(Vec<u8>, Obj)> = Vec::new();
        let mut seen: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'>') if self.bytes.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    return Ok(Dict(d));
                }
                Some(b'/') => {
                    let at = self.pos;
                    let k = self.name()?;
                    let v = self.object_or_ref(depth + 1)?;
                    if seen.len() >= MAX_KEYS {
                        return Err(SyntaxError::new(
                            self.base + at,
                            format!("a dictionary with more than {MAX_KEYS} keys"),
                        ));
                    }
                    if seen.contains(&k) {
                        return Err(SyntaxError::new(
                            self.base + at,
                            format!("a dictionary has the key /{} twice", String::from_utf8_lossy(&k)),
                        ));
                    }
                    // A null value is the same as an absent key (7.3.7).
                    if v != Obj::Null {
                        d.push((k.clone(), v));
                    }
                    seen.insert(k);
                }
                None => return Err(self.err("a dictionary is not closed")),
                Some(_) => return Err(self.err("a dictionary key must be a name")),
            }
        }
    }

    /// A name, with `#xx` escapes decoded.
    fn name(&mut self) -> Parsed<Vec<u8>> {
        self.pos += 1; // '/'
        let mut out = Vec::new();
        while let Some(b) = self.peek().filter(|&b| is_regular(b)) {
            if b == b'#' {
                let h = self.bytes.get(self.pos + 1..self.pos + 3).and_then(|h| hex_pair(h[0], h[1]));
                let Some(v) = h.filter(|&v| v != 0) else { return Err(self.err("a bad #-escape in a name")) };
                out.push(v);
                self.pos += 3;
            } else {
                out.push(b);
                self.pos += 1;
            }
        }
        Ok(out)
    }

    fn literal_string(&mut self) -> Parsed<Vec<u8>> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        loop {
            let Some(b) = self.peek() else {
                self.pos = start;
                return Err(self.err("a string is not closed"));
            };
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(out);
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else { continue };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'(' | b')' | b'\\' => out.push(e),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        other => out.push(other),
                    }
                }
                b'\r' => {
                    // An end of line in a string is one line feed (7.3.4.2).
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                _ => out.push(b),
            }
        }
    }

    fn hex_string(&mut self) -> Parsed<Vec<u8>> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let Some(b) = self.peek() else {
                self.pos = start;
                return Err(self.err("a hexadecimal string is not closed"));
            };
            self.pos += 1;
            if b == b'>' {
                if let Some(h) = high {
                    out.push(h << 4);
                }
                return Ok(out);
            }
            if is_white(b) {
                continue;
            }
            let Some(v) = hex_digit(b) else {
                self.pos -= 1;
                return Err(self.err(format!("'{}' in a hexadecimal string", char::from(b))));
            };
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
    }

    fn number(&mut self) -> Parsed<Obj> {
        let start = self.pos;
        let end = self.bytes[start..].iter().position(|&b| !is_regular(b)).map_or(self.bytes.len(), |i| start + i);
        let text = &self.bytes[start..end];
        let body = text.strip_prefix(b"+").or_else(|| text.strip_prefix(b"-")).unwrap_or(text);
        let dots = body.iter().filter(|&&b| b == b'.').count();
        let digits = body.iter().filter(|b| b.is_ascii_digit()).count();
        if digits == 0 || dots > 1 || digits + dots != body.len() {
            return Err(self.err(format!("'{}' is not a number", String::from_utf8_lossy(&text[..text.len().min(20)]))));
        }
        let s = std::str::from_utf8(text).map_err(|_| self.err("not a number"))?;
        self.pos = end;
        if dots == 0 {
            s.parse::<i64>().map(Obj::Int).map_err(|_| SyntaxError::new(self.base + start, "an integer out of range"))
        } else {
            let v: f64 = s.parse().map_err(|_| SyntaxError::new(self.base + start, "not a number"))?;
            if v.is_finite() {
                Ok(Obj::Real(v))
            } else {
                Err(SyntaxError::new(self.base + start, "a number out of range"))
            }
        }
    }
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn hex_pair(a: u8, b: u8) -> Option<u8> {
    Some(hex_digit(a)? << 4 | hex_digit(b)?)
}

/// Where a top-level indirect object lies, and what it is.
#[derive(Debug, Clone)]
pub struct Indirect {
    pub num: u32,
    pub generation: u16,
    pub obj: Obj,
    /// From the first digit of `N G obj` to just after `endobj`.
    pub span: Range<usize>,
}

/// Reads the indirect object `N G obj ... endobj` at `at`. A stream's `/Length` must be a direct
/// integer or a reference that `length` resolves; its data must be followed by `endstream`.
pub fn indirect_at(bytes: &[u8], at: usize, length: &mut dyn FnMut(u32, u16) -> Option<i64>) -> Parsed<Indirect> {
    let mut lx = Lexer::new(bytes, at);
    if at >= bytes.len() {
        return Err(lx.err("an object offset beyond the end of the file"));
    }
    let num = lx.unsigned().map_err(|_| lx.err("no object ('N G obj') at this offset"))?;
    lx.skip_white();
    let generation = lx.unsigned().map_err(|_| lx.err("no object ('N G obj') at this offset"))?;
    lx.skip_white();
    lx.expect_keyword(b"obj").map_err(|_| lx.err("no object ('N G obj') at this offset"))?;
    let num = u32::try_from(num).map_err(|_| SyntaxError::new(at, "object number out of range"))?;
    let generation = u16::try_from(generation).map_err(|_| SyntaxError::new(at, "generation number out of range"))?;
    let obj = lx.object_or_ref(0)?;
    lx.skip_ws();
    let obj = if lx.keyword(b"stream") {
        let Obj::Dict(dict) = obj else { return Err(lx.err("'stream' after an object that is not a dictionary")) };
        // The keyword is followed by CRLF or LF (7.3.8.1), then the data.
        match (lx.peek(), bytes.get(lx.pos + 1)) {
            (Some(b'\r'), Some(b'\n')) => lx.pos += 2,
            (Some(b'\n'), _) => lx.pos += 1,
            _ => return Err(lx.err("'stream' must be followed by an end of line")),
        }
        let len = match dict.get(b"Length") {
            Some(Obj::Int(n)) => Some(*n),
            Some(Obj::Ref(n, g)) => length(*n, *g),
            _ => None,
        };
        let Some(len) = len.and_then(|l| usize::try_from(l).ok()) else {
            return Err(lx.err("a stream without a usable /Length"));
        };
        let start = lx.pos;
        let end = start
            .checked_add(len)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| lx.err("a stream runs past the end of the file"))?;
        lx.pos = end;
        lx.skip_white();
        if !lx.keyword(b"endstream") {
            return Err(SyntaxError::new(
                end,
                "a stream's data does not end where its /Length says ('endstream' expected)",
            ));
        }
        Obj::Stream(Box::new(Stream { dict, raw: bytes[start..end].to_vec() }))
    } else {
        obj
    };
    lx.skip_ws();
    lx.expect_keyword(b"endobj")
        .map_err(|e| SyntaxError::new(e.offset, format!("object {num} {generation}: {}", e.message)))?;
    Ok(Indirect { num, generation, obj, span: at..lx.pos })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &[u8]) -> Parsed<Obj> {
        Lexer::new(s, 0).object_or_ref(0)
    }

    #[test]
    fn reads_every_kind_of_object() {
        let o = parse(b"<< /Type /Sig /N#61me (a\\(b\\)\\101) /H <48 6 5> /A [1 -2 3.5 .5 +7 true false null 4 0 R] /D << /X 1 >> >>")
            .expect("parses");
        let d = o.as_dict().expect("dict");
        assert_eq!(d.name(b"Type"), Some(&b"Sig"[..]));
        assert_eq!(d.get(b"Name").and_then(Obj::as_bytes), Some(&b"a(b)A"[..]));
        assert_eq!(d.get(b"H").and_then(Obj::as_bytes), Some(&b"He"[..]));
        let a = d.get(b"A").and_then(Obj::as_array).expect("array");
        assert_eq!(a.len(), 9, "{a:?}");
        assert_eq!(a[8], Obj::Ref(4, 0));
        assert_eq!(a[3], Obj::Real(0.5));
    }

    #[test]
    fn bad_input_is_named_with_its_offset() {
        let cases: &[(&[u8], &str)] = &[
            (b"<< /A 1 /A 2 >>", "twice"),
            (b"(never closed", "not closed"),
            (b"<41 4G>", "hexadecimal"),
            (b"[1 2", "not closed"),
            (b"<< 1 2 >>", "must be a name"),
            (b"99999999999999999999", "out of range"),
            (b"1.2.3", "not a number"),
            (b"/A#zz", "#-escape"),
            (b"bogus", "unexpected"),
        ];
        for (input, want) in cases {
            let e = parse(input).expect_err("refused");
            assert!(e.message.contains(want), "{}: {e:?}", String::from_utf8_lossy(input));
        }
        let deep = [b'['; 100];
        assert!(parse(&deep).expect_err("deep").message.contains("nested"));
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let src = b"<< /Type /Sig /N#20a (a\\(b\\) \\\\ c\\r) /H <00FF> /A [1 -2 3.5 true false 4 0 R [/X]] /D << /X 1.25 >> >>";
        let o = parse(src).expect("parses");
        let again = parse(&o.to_bytes()).expect("reads back");
        assert!(o.same(&again), "{o:?} vs {again:?}");
    }

    #[test]
    fn indirect_objects_and_streams() {
        let f = b"%PDF-1.7\n3 0 obj\n<< /Length 5 >>\nstream\nhello\nendstream\nendobj\n";
        let o = indirect_at(f, 9, &mut |_, _| None).expect("object");
        assert_eq!((o.num, o.generation), (3, 0));
        assert_eq!(o.obj.as_stream().map(|s| s.raw.as_slice()), Some(&b"hello"[..]));
        assert_eq!(&f[o.span.clone()], &f[9..f.len() - 1]);
        let short = b"3 0 obj\n<< /Length 9 >>\nstream\nhello\nendstream\nendobj\n";
        assert!(indirect_at(short, 0, &mut |_, _| None).expect_err("length").message.contains("Length"));
        assert!(indirect_at(b"4 0 obj 1 0 obj", 0, &mut |_, _| None).is_err());
    }
}
