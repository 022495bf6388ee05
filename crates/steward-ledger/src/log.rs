//! The decision log's hash chain. Each entry's canonical encoding (fixed key order, no whitespace,
//! JSON string escaping) includes the hash of the entry before it; the entry's hash is SHA-256 over
//! that encoding, and its author signs the same bytes. Verification recomputes every hash, walks the
//! chain and checks every signature, and names the first entry that is wrong and how.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// The predecessor of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Names the encoding inside every entry, so a later version can change it.
pub const FORMAT: &str = "steward-decision/1";

/// One decision as it is hashed and signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Entry {
    /// The log's uid (one log per collaboration).
    pub log: String,
    /// 1, 2, 3, ... in the order entries were appended.
    pub seq: u64,
    pub title: String,
    pub decision: String,
    pub rationale: String,
    pub participants: Vec<String>,
    /// The day the decision was taken (YYYY-MM-DD).
    pub date: String,
    /// What it touches: `agreement:ID`, `clause:ID`, `party:ID`, `ledger:ID`, `decision:SEQ`.
    pub links: Vec<String>,
    /// The seq of the entry this one amends.
    pub supersedes: Option<u64>,
    pub author: String,
    /// SHA-256 of the author's certificate (DER), hex.
    pub author_fingerprint: String,
    /// When it was appended (RFC 3339, UTC).
    pub recorded_at: String,
    /// The hash of the entry before (or [`GENESIS`]).
    pub prev: String,
}

/// An entry with its hash and its author's signature over the canonical bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Sealed {
    #[serde(flatten)]
    pub entry: Entry,
    pub hash: String,
    /// DER ECDSA (P-256) or PKCS#1 v1.5 (RSA) signature with SHA-256, hex.
    #[serde(with = "hex_bytes")]
    pub signature: Vec<u8>,
}

mod hex_bytes {
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let t: String = serde::Deserialize::deserialize(d)?;
        hex::decode(t).map_err(serde::de::Error::custom)
    }
}

fn push_str(out: &mut Vec<u8>, s: &str) {
    // A fold without early exit, so that the check runs over whole vectors of bytes.
    let needs_escape = s.bytes().fold(false, |acc, b| acc | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if !needs_escape {
        // Nothing to escape (the usual case): the same bytes serde_json would write, faster.
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // serde_json's escaping of a str cannot fail when writing to a Vec.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

/// The fields of an entry as they are encoded; the two lists already as JSON arrays of strings
/// (as `serde_json` writes a `Vec<String>`: the store keeps them in that form).
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    pub log: &'a str,
    pub seq: u64,
    pub title: &'a str,
    pub decision: &'a str,
    pub rationale: &'a str,
    pub participants_json: &'a str,
    pub date: &'a str,
    pub links_json: &'a str,
    pub supersedes: Option<u64>,
    pub author: &'a str,
    pub author_fingerprint: &'a str,
    pub recorded_at: &'a str,
    pub prev: &'a str,
}

impl Parts<'_> {
    /// Appends the canonical bytes: a JSON object with keys in this fixed (sorted) order.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"author\":");
        push_str(out, self.author);
        out.extend_from_slice(b",\"author_fingerprint\":");
        push_str(out, self.author_fingerprint);
        out.extend_from_slice(b",\"date\":");
        push_str(out, self.date);
        out.extend_from_slice(b",\"decision\":");
        push_str(out, self.decision);
        out.extend_from_slice(b",\"format\":");
        push_str(out, FORMAT);
        out.extend_from_slice(b",\"links\":");
        out.extend_from_slice(self.links_json.as_bytes());
        out.extend_from_slice(b",\"log\":");
        push_str(out, self.log);
        out.extend_from_slice(b",\"participants\":");
        out.extend_from_slice(self.participants_json.as_bytes());
        out.extend_from_slice(b",\"prev\":");
        push_str(out, self.prev);
        out.extend_from_slice(b",\"rationale\":");
        push_str(out, self.rationale);
        out.extend_from_slice(b",\"recorded_at\":");
        push_str(out, self.recorded_at);
        out.extend_from_slice(b",\"seq\":");
        out.extend_from_slice(self.seq.to_string().as_bytes());
        out.extend_from_slice(b",\"supersedes\":");
        match self.supersedes {
            Some(s) => out.extend_from_slice(s.to_string().as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"title\":");
        push_str(out, self.title);
        out.push(b'}');
    }
}

/// A list of strings as the canonical encoding (and the store) writes it.
pub fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

impl Entry {
    /// The entry as it is encoded, given its two lists already as JSON ([`json_list`]).
    pub fn parts<'a>(&'a self, participants_json: &'a str, links_json: &'a str) -> Parts<'a> {
        Parts {
            log: &self.log,
            seq: self.seq,
            title: &self.title,
            decision: &self.decision,
            rationale: &self.rationale,
            participants_json,
            date: &self.date,
            links_json,
            supersedes: self.supersedes,
            author: &self.author,
            author_fingerprint: &self.author_fingerprint,
            recorded_at: &self.recorded_at,
            prev: &self.prev,
        }
    }

    /// The canonical bytes (replacing `out`'s content).
    pub fn canonical_into(&self, out: &mut Vec<u8>) {
        out.clear();
        let (participants, links) = (json_list(&self.participants), json_list(&self.links));
        self.parts(&participants, &links).write(out);
    }

    pub fn canonical(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        self.canonical_into(&mut out);
        out
    }

    /// SHA-256 of the canonical bytes, hex.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical()))
    }
}

/// One entry of a [`Packed`] log: where its canonical bytes are, and what it claims.
#[derive(Debug, Clone)]
pub struct Item {
    pub seq: u64,
    pub start: usize,
    pub end: usize,
    /// The stored `prev` and `hash` as they are written (lowercase hex); `None` if not 64
    /// characters long.
    pub prev: Option<[u8; 64]>,
    pub hash: Option<[u8; 64]>,
    /// The entry names a different log than the one verified.
    pub foreign_log: bool,
    /// Index into [`Packed::authors`].
    pub author: u32,
    pub signature: Vec<u8>,
}

/// A log as one buffer of canonical encodings plus what each entry claims: what verification
/// reads, built straight from stored rows (no entry objects) or from [`Sealed`] entries.
#[derive(Debug, Default)]
pub struct Packed {
    pub bytes: Vec<u8>,
    pub items: Vec<Item>,
    /// Each distinct (author, fingerprint), in order of appearance.
    pub authors: Vec<(String, String)>,
}

/// A hash as written: 64 characters (compared as they are, never decoded).
pub fn hash_text(text: &str) -> Option<[u8; 64]> {
    text.as_bytes().try_into().ok()
}

/// SHA-256 of `bytes` as 64 lowercase hex characters.
fn sha256_hex(bytes: &[u8]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = [0u8; 64];
    for (i, b) in digest.iter().enumerate() {
        out[2 * i] = DIGITS[(b >> 4) as usize];
        out[2 * i + 1] = DIGITS[(b & 15) as usize];
    }
    out
}

impl Packed {
    /// Appends an entry from its parts, with what it claims.
    /// Room for about `entries` entries.
    pub fn with_capacity(entries: usize) -> Self {
        Packed {
            bytes: Vec::with_capacity(entries.saturating_mul(640).min(1 << 31)),
            items: Vec::with_capacity(entries.min(1 << 26)),
            authors: Vec::new(),
        }
    }

    pub fn push(&mut self, parts: &Parts<'_>, log: &str, hash: &str, signature: Vec<u8>) {
        let start = self.bytes.len();
        parts.write(&mut self.bytes);
        let author = match self.authors.iter().rposition(|(a, f)| a == parts.author && f == parts.author_fingerprint) {
            Some(i) => i,
            None => {
                self.authors.push((parts.author.to_string(), parts.author_fingerprint.to_string()));
                self.authors.len() - 1
            }
        };
        self.items.push(Item {
            seq: parts.seq,
            start,
            end: self.bytes.len(),
            prev: hash_text(parts.prev),
            hash: hash_text(hash),
            foreign_log: parts.log != log,
            author: author as u32,
            signature,
        });
    }

    /// The author and fingerprint of an item.
    pub fn author(&self, i: &Item) -> (&str, &str) {
        self.authors.get(i.author as usize).map_or(("", ""), |(a, f)| (a.as_str(), f.as_str()))
    }

    pub fn from_sealed(entries: &[Sealed], log: &str) -> Self {
        let mut p = Packed::with_capacity(entries.len());
        for e in entries {
            let (participants, links) = (json_list(&e.entry.participants), json_list(&e.entry.links));
            let parts = e.entry.parts(&participants, &links);
            p.push(&parts, log, &e.hash, e.signature.clone());
        }
        p
    }

    fn canonical(&self, i: &Item) -> &[u8] {
        &self.bytes[i.start..i.end]
    }
}

/// How an entry is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The entry's content no longer matches its hash, or it belongs to another log.
    ContentChanged,
    /// An entry that should be here is not.
    EntryMissing,
    /// Entries are not in the order they were appended.
    OrderChanged,
    /// An entry that was never appended through Steward (a copy, or beyond the recorded head).
    EntryInserted,
    /// The entry does not carry the hash of the one before it.
    ChainBroken,
    /// The author's signature does not verify.
    SignatureInvalid,
    /// No certificate is known for the author's fingerprint.
    UnknownAuthor,
    /// The log's head carries no signed checkpoint.
    CheckpointMissing,
    /// The signed checkpoint names another log, collaboration, length or last entry.
    CheckpointMismatch,
    /// The checkpoint's signature does not verify, or its key is not known.
    CheckpointSignature,
}

impl BreakKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BreakKind::ContentChanged => "content changed",
            BreakKind::EntryMissing => "entry missing",
            BreakKind::OrderChanged => "order changed",
            BreakKind::EntryInserted => "entry inserted",
            BreakKind::ChainBroken => "chain broken",
            BreakKind::SignatureInvalid => "signature invalid",
            BreakKind::UnknownAuthor => "unknown author",
            BreakKind::CheckpointMissing => "checkpoint missing",
            BreakKind::CheckpointMismatch => "checkpoint mismatch",
            BreakKind::CheckpointSignature => "checkpoint signature invalid",
        }
    }
}

/// The first thing wrong with a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Break {
    /// 1-based position in the log as stored.
    pub position: u64,
    /// The entry (seq) it concerns.
    pub entry: u64,
    pub kind: BreakKind,
    pub detail: String,
}

/// What a log's keeper recorded about its end: how many entries, and the last one's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Head {
    pub entries: u64,
    pub last_hash: String,
}

/// Checks the hashes and the chain of `entries` (in stored order) against `log` and `head`:
/// everything but signatures. Hashes are recomputed on `threads` threads.
pub fn verify_chain(entries: &[Sealed], log: &str, head: Option<&Head>, threads: usize) -> Option<Break> {
    Packed::from_sealed(entries, log).verify_chain(head, threads)
}

/// The first break of chain and signatures together (see [`Packed::verify`]).
pub fn verify(
    entries: &[Sealed],
    log: &str,
    head: Option<&Head>,
    threads: usize,
    check: impl Fn(&str, &[u8], &[u8]) -> SignatureCheck + Sync,
) -> Option<Break> {
    Packed::from_sealed(entries, log).verify(head, threads, check)
}

/// One entry as the chain walk sees it: its place, and what checking it against its own stored
/// hash and its predecessor's found.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub seq: u64,
    /// The content hashes to the stored hash.
    pub content_ok: bool,
    /// The stored `prev` equals the stored hash of the entry before (or the genesis value).
    pub linked: bool,
    pub foreign_log: bool,
}

/// A run of consecutive entries reduced to [`Link`]s, keeping no bytes: for passes over very
/// large logs, read in slices and joined in order.
#[derive(Debug, Default)]
pub struct Links {
    pub links: Vec<Link>,
    first_prev: Option<[u8; 64]>,
    last_hash: Option<[u8; 64]>,
}

impl Links {
    pub fn with_capacity(n: usize) -> Self {
        Links { links: Vec::with_capacity(n), first_prev: None, last_hash: None }
    }

    /// Encodes and hashes the next entry (`buf` is scratch space).
    pub fn push(&mut self, parts: &Parts<'_>, log: &str, hash: &str, buf: &mut Vec<u8>) {
        buf.clear();
        parts.write(buf);
        let (prev, hash) = (hash_text(parts.prev), hash_text(hash));
        let linked = match self.links.is_empty() {
            true => {
                self.first_prev = prev;
                // Settled when the run is joined to the one before (or starts the log).
                false
            }
            false => prev.is_some() && prev == self.last_hash,
        };
        self.links.push(Link {
            seq: parts.seq,
            content_ok: hash.is_some() && hash == Some(sha256_hex(buf)),
            linked,
            foreign_log: parts.log != log,
        });
        self.last_hash = hash;
    }

    /// Appends the run that follows this one.
    pub fn join(&mut self, mut next: Links) {
        if next.links.is_empty() {
            return;
        }
        if self.links.is_empty() {
            *self = next;
            return;
        }
        next.links[0].linked = next.first_prev.is_some() && next.first_prev == self.last_hash;
        self.links.extend(next.links);
        self.last_hash = next.last_hash;
    }

    /// The chain of the whole log (this run from its first entry), and its head.
    pub fn verify(mut self, head: Option<&Head>) -> Option<Break> {
        if let Some(first) = self.links.first_mut() {
            first.linked = self.first_prev.is_some() && self.first_prev == hash_text(GENESIS);
        }
        walk(&self.links).or_else(|| head.and_then(|h| check_head(self.links.len(), self.last_hash, h)))
    }
}

/// Walks entries 1..=n in stored order: place, content, log and link of each.
fn walk(links: &[Link]) -> Option<Break> {
    for (i, e) in links.iter().enumerate() {
        let expected = i as u64 + 1;
        let broken = |kind, detail: String| Some(Break { position: expected, entry: e.seq, kind, detail });
        // Content first: an entry whose own number was edited is a changed entry, not a move.
        if !e.content_ok {
            return broken(
                BreakKind::ContentChanged,
                format!("entry {}: its content no longer matches its hash", e.seq),
            );
        }
        if e.foreign_log {
            return broken(BreakKind::ContentChanged, format!("entry {} belongs to another log", e.seq));
        }
        if e.seq != expected {
            // Out of place: a copy of an earlier entry, a gap, or a move (only now worth sets).
            let seen: HashSet<u64> = links[..i].iter().map(|l| l.seq).collect();
            let seqs: HashSet<u64> = links.iter().map(|l| l.seq).collect();
            if seen.contains(&e.seq) {
                return broken(
                    BreakKind::EntryInserted,
                    format!("a second entry {} stands where entry {expected} should be", e.seq),
                );
            }
            if !seqs.contains(&expected) {
                return Some(Break {
                    position: expected,
                    entry: expected,
                    kind: BreakKind::EntryMissing,
                    detail: format!("entry {expected} is missing (entry {} follows entry {})", e.seq, expected - 1),
                });
            }
            // Entry `expected` is elsewhere: name it, the one out of place.
            return Some(Break {
                position: expected,
                entry: expected,
                kind: BreakKind::OrderChanged,
                detail: format!("entry {expected} is out of place (entry {} stands where it should be)", e.seq),
            });
        }
        if !e.linked {
            return broken(
                BreakKind::ChainBroken,
                format!("entry {expected} does not carry the hash of entry {}", expected - 1),
            );
        }
    }
    None
}

/// The end of the log against what its keeper recorded: entries missing from the end, entries
/// appended outside Steward. `last` is the stored hash of the last entry (if any).
fn check_head(n: usize, last: Option<[u8; 64]>, head: &Head) -> Option<Break> {
    let n = n as u64;
    if head.entries > n {
        return Some(Break {
            position: n + 1,
            entry: n + 1,
            kind: BreakKind::EntryMissing,
            detail: format!(
                "the log recorded {} entries; entries {} to {} are missing",
                head.entries,
                n + 1,
                head.entries
            ),
        });
    }
    if head.entries < n {
        let first = head.entries + 1;
        return Some(Break {
            position: first,
            entry: first,
            kind: BreakKind::EntryInserted,
            detail: format!(
                "the log recorded {} entries; entry {first} and after were not appended through Steward",
                head.entries
            ),
        });
    }
    let last = if n == 0 { hash_text(GENESIS) } else { last };
    if last.is_none() || last != hash_text(&head.last_hash) {
        return Some(Break {
            position: n,
            entry: n,
            kind: BreakKind::ContentChanged,
            detail: format!("entry {n} is not the last entry the log recorded"),
        });
    }
    None
}

/// What a signature check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    Invalid,
    UnknownAuthor,
}

impl Packed {
    /// Hashes, links and order (and the head, if given): everything but signatures.
    pub fn verify_chain(&self, head: Option<&Head>, threads: usize) -> Option<Break> {
        self.verify_links(threads).or_else(|| head.and_then(|h| self.check_head(h)))
    }

    fn verify_links(&self, threads: usize) -> Option<Break> {
        let items = &self.items;
        let hashes: Vec<[u8; 64]> = parallel_map(items, threads, |i| sha256_hex(self.canonical(i)));
        let genesis = hash_text(GENESIS);
        let links: Vec<Link> = items
            .iter()
            .enumerate()
            .map(|(i, e)| Link {
                seq: e.seq,
                content_ok: e.hash == Some(hashes[i]),
                linked: e.prev.is_some() && e.prev == if i == 0 { genesis } else { items[i - 1].hash },
                foreign_log: e.foreign_log,
            })
            .collect();
        walk(&links)
    }

    fn check_head(&self, head: &Head) -> Option<Break> {
        check_head(self.items.len(), self.items.last().and_then(|e| e.hash), head)
    }

    /// Checks every entry's signature with `check(fingerprint, canonical, signature)` on
    /// `threads` threads; returns the first (by position) that fails.
    pub fn verify_signatures(
        &self,
        threads: usize,
        check: impl Fn(&str, &[u8], &[u8]) -> SignatureCheck + Sync,
    ) -> Option<Break> {
        let results = parallel_map(&self.items, threads, |i| check(self.author(i).1, self.canonical(i), &i.signature));
        results.iter().zip(&self.items).enumerate().find(|(_, (r, _))| **r != SignatureCheck::Valid).map(
            |(i, (r, e))| {
                let (author, fingerprint) = self.author(e);
                let (kind, detail) = match r {
                    SignatureCheck::UnknownAuthor => (
                        BreakKind::UnknownAuthor,
                        format!("no certificate is known for the author {author} ({fingerprint})"),
                    ),
                    _ => (BreakKind::SignatureInvalid, format!("{author}'s signature does not verify")),
                };
                Break { position: i as u64 + 1, entry: e.seq, kind, detail }
            },
        )
    }

    /// The first break of chain and signatures together (the earlier position; the chain's on a
    /// tie), then the head: an entry that was rewritten shows as such, not as a changed end.
    pub fn verify(
        &self,
        head: Option<&Head>,
        threads: usize,
        check: impl Fn(&str, &[u8], &[u8]) -> SignatureCheck + Sync,
    ) -> Option<Break> {
        let chain = self.verify_links(threads);
        let sigs = self.verify_signatures(threads, check);
        let first = match (chain, sigs) {
            (Some(c), Some(s)) => Some(if s.position < c.position { s } else { c }),
            (c, s) => c.or(s),
        };
        first.or_else(|| head.and_then(|h| self.check_head(h)))
    }
}

/// Maps `f` over `items` on up to `threads` scoped threads, keeping the order.
fn parallel_map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, 64);
    if threads == 1 || items.len() < 256 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                s.spawn(move || part.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    })
}

/// Names the encoding of a checkpoint.
pub const CHECKPOINT_FORMAT: &str = "steward-checkpoint/1";

/// What the author of a log's latest entry signs about the whole log: which log, of which
/// collaboration, how many entries, and the last one's hash. Verification compares it with the
/// log, so removing entries from the end (and rewriting the unsigned head to match), or moving
/// the log to another collaboration, shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Checkpoint {
    pub log: String,
    /// The collaboration's uid.
    pub collaboration: String,
    pub entries: u64,
    pub last_hash: String,
    pub signer_fingerprint: String,
    /// RFC 3339, UTC.
    pub signed_at: String,
}

impl Checkpoint {
    /// The canonical bytes that are signed: a JSON object with keys in sorted order, no white
    /// space, strings escaped as JSON requires.
    pub fn canonical(&self) -> String {
        let mut out = Vec::with_capacity(300);
        out.extend_from_slice(b"{\"collaboration\":");
        push_str(&mut out, &self.collaboration);
        out.extend_from_slice(format!(",\"entries\":{},\"format\":", self.entries).as_bytes());
        push_str(&mut out, CHECKPOINT_FORMAT);
        out.extend_from_slice(b",\"last_hash\":");
        push_str(&mut out, &self.last_hash);
        out.extend_from_slice(b",\"log\":");
        push_str(&mut out, &self.log);
        out.extend_from_slice(b",\"signed_at\":");
        push_str(&mut out, &self.signed_at);
        out.extend_from_slice(b",\"signer_fingerprint\":");
        push_str(&mut out, &self.signer_fingerprint);
        out.push(b'}');
        String::from_utf8(out).unwrap_or_default()
    }

    /// Reads a checkpoint from its canonical text; any other form is refused.
    pub fn parse(text: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            collaboration: String,
            entries: u64,
            format: String,
            last_hash: String,
            log: String,
            signed_at: String,
            signer_fingerprint: String,
        }
        let r: Raw = serde_json::from_str(text).map_err(|e| format!("not a checkpoint: {e}"))?;
        if r.format != CHECKPOINT_FORMAT {
            return Err(format!("checkpoint format {} is not {CHECKPOINT_FORMAT}", r.format));
        }
        let c = Checkpoint {
            log: r.log,
            collaboration: r.collaboration,
            entries: r.entries,
            last_hash: r.last_hash,
            signer_fingerprint: r.signer_fingerprint,
            signed_at: r.signed_at,
        };
        if c.canonical() != text {
            return Err("the checkpoint is not in its canonical form".into());
        }
        Ok(c)
    }

    /// Compares the checkpoint with the log it should describe; names the first difference.
    pub fn check(&self, log: &str, collaboration: &str, entries: u64, last_hash: &str) -> Option<Break> {
        let at = |kind, detail: String| Some(Break { position: entries.max(1), entry: entries, kind, detail });
        if self.log != log {
            return at(
                BreakKind::CheckpointMismatch,
                format!("the signed checkpoint is of another log ({})", self.log),
            );
        }
        if self.collaboration != collaboration {
            return at(
                BreakKind::CheckpointMismatch,
                format!(
                    "the signed checkpoint names collaboration {}, not this one ({collaboration}): the log was moved from another collaboration",
                    self.collaboration
                ),
            );
        }
        if self.entries != entries || self.last_hash != last_hash {
            let detail = if self.entries > entries {
                format!(
                    "the signed checkpoint records {} entries, but the log holds {entries}: entries {} to {} were removed and the head rewritten",
                    self.entries,
                    entries + 1,
                    self.entries
                )
            } else if self.entries < entries {
                format!(
                    "the signed checkpoint records {} entries, but the log holds {entries}: entries {} and after were not appended through Steward",
                    self.entries,
                    self.entries + 1
                )
            } else {
                format!(
                    "the signed checkpoint records another last entry (hash {})",
                    &self.last_hash.get(..16).unwrap_or("")
                )
            };
            return at(BreakKind::CheckpointMismatch, detail);
        }
        None
    }
}

/// Seals `entry` (whose `prev` is already set): its hash, and the signature `sign` makes over the
/// canonical bytes.
pub fn seal<E>(entry: Entry, sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, E>) -> Result<Sealed, E> {
    let canonical = entry.canonical();
    let hash = hex::encode(Sha256::digest(&canonical));
    let signature = sign(&canonical)?;
    Ok(Sealed { entry, hash, signature })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(log: &str, seq: u64, prev: &str) -> Entry {
        Entry {
            log: log.into(),
            seq,
            title: format!("Decision {seq}"),
            decision: "Adopt \"model 2\" — with ü".into(),
            rationale: "Because.".into(),
            participants: vec!["A".into(), "B".into()],
            date: "2027-01-15".into(),
            links: vec!["agreement:4".into()],
            supersedes: None,
            author: "Author".into(),
            author_fingerprint: "ab".repeat(32),
            recorded_at: "2027-01-15T10:00:00.000Z".into(),
            prev: prev.into(),
        }
    }

    /// A toy "signature": the hash of the bytes with the fingerprint (enough for the chain logic).
    fn toy_sign(fp: &str, bytes: &[u8]) -> Vec<u8> {
        Sha256::digest([fp.as_bytes(), bytes].concat()).to_vec()
    }
    fn toy_check(fp: &str, bytes: &[u8], sig: &[u8]) -> SignatureCheck {
        if fp != "ab".repeat(32) {
            SignatureCheck::UnknownAuthor
        } else if toy_sign(fp, bytes) == sig {
            SignatureCheck::Valid
        } else {
            SignatureCheck::Invalid
        }
    }

    fn chain(n: u64) -> Vec<Sealed> {
        let mut out: Vec<Sealed> = Vec::new();
        for seq in 1..=n {
            let prev = out.last().map_or(GENESIS.to_string(), |e| e.hash.clone());
            let e = entry("L", seq, &prev);
            let fp = e.author_fingerprint.clone();
            out.push(seal(e, |b| Ok::<_, ()>(toy_sign(&fp, b))).expect("seals"));
        }
        out
    }

    fn head(c: &[Sealed]) -> Head {
        Head { entries: c.len() as u64, last_hash: c.last().map_or(GENESIS.into(), |e| e.hash.clone()) }
    }

    #[test]
    fn the_canonical_encoding_is_stable() {
        let e = entry("L", 1, GENESIS);
        let text = String::from_utf8(e.canonical()).expect("utf-8");
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        // Keys sorted, no whitespace: equal to the generic canonical form of the same value.
        let mut keys: Vec<&String> = v.as_object().expect("object").keys().collect();
        let sorted = {
            let mut k = keys.clone();
            k.sort();
            k
        };
        assert_eq!(keys, sorted);
        keys.clear();
        assert!(!text.contains(": ") && !text.contains(", "));
        assert_eq!(e.hash(), hex::encode(Sha256::digest(text.as_bytes())));
    }

    #[test]
    fn an_intact_log_verifies_and_each_kind_of_damage_is_located() {
        let c = chain(6);
        assert_eq!(verify(&c, "L", Some(&head(&c)), 2, toy_check), None);

        let mut edited = c.clone();
        edited[2].entry.rationale = "Changed.".into();
        let b = verify(&edited, "L", Some(&head(&c)), 2, toy_check).expect("broken");
        assert_eq!((b.entry, b.kind), (3, BreakKind::ContentChanged));

        let mut rehashed = edited.clone();
        rehashed[2].hash = rehashed[2].entry.hash();
        let b = verify(&rehashed, "L", Some(&head(&c)), 2, toy_check).expect("broken");
        assert_eq!((b.entry, b.kind), (3, BreakKind::SignatureInvalid));

        let mut deleted = c.clone();
        deleted.remove(3);
        let b = verify(&deleted, "L", Some(&head(&c)), 2, toy_check).expect("broken");
        assert_eq!((b.entry, b.kind), (4, BreakKind::EntryMissing));

        let mut truncated = c.clone();
        truncated.pop();
        let b = verify(&truncated, "L", Some(&head(&c)), 2, toy_check).expect("broken");
        assert_eq!((b.entry, b.kind), (6, BreakKind::EntryMissing));

        let mut swapped = c.clone();
        swapped.swap(1, 4);
        let b = verify(&swapped, "L", Some(&head(&c)), 2, toy_check).expect("broken");
        assert_eq!((b.position, b.kind), (2, BreakKind::OrderChanged));

        // An entry whose own number was edited is a changed entry, not a move.
        let mut renumbered = c.clone();
        renumbered[2].entry.seq = 9;
        let b = verify(&renumbered, "L", Some(&head(&c)), 2, toy_check).expect("broken");
        assert_eq!((b.position, b.kind), (3, BreakKind::ContentChanged));

        let mut copied = c.clone();
        copied.push(c[1].clone());
        let b = verify(&copied, "L", Some(&head(&c)), 2, toy_check).expect("broken");
        assert_eq!((b.position, b.kind), (7, BreakKind::EntryInserted));

        let mut stranger = c.clone();
        stranger[5].entry.author_fingerprint = "cd".repeat(32);
        stranger[5].hash = stranger[5].entry.hash();
        let b = verify(&stranger, "L", None, 2, toy_check).expect("broken");
        assert_eq!((b.entry, b.kind), (6, BreakKind::UnknownAuthor));
    }

    #[test]
    fn parallel_and_serial_agree() {
        let c = chain(700);
        assert_eq!(verify(&c, "L", Some(&head(&c)), 1, toy_check), None);
        let mut bad = c.clone();
        bad[650].entry.title = "x".into();
        assert_eq!(verify(&bad, "L", None, 3, toy_check).map(|b| b.entry), Some(651));
    }
}
