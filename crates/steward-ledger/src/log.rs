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
    // serde_json's escaping of a str cannot fail when writing to a Vec.
    let _ = serde_json::to_writer(&mut *out, s);
}

impl Entry {
    /// The canonical bytes: a JSON object with keys in this fixed (sorted) order.
    pub fn canonical_into(&self, out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(b"{\"author\":");
        push_str(out, &self.author);
        out.extend_from_slice(b",\"author_fingerprint\":");
        push_str(out, &self.author_fingerprint);
        out.extend_from_slice(b",\"date\":");
        push_str(out, &self.date);
        out.extend_from_slice(b",\"decision\":");
        push_str(out, &self.decision);
        out.extend_from_slice(b",\"format\":");
        push_str(out, FORMAT);
        out.extend_from_slice(b",\"links\":[");
        for (i, l) in self.links.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_str(out, l);
        }
        out.extend_from_slice(b"],\"log\":");
        push_str(out, &self.log);
        out.extend_from_slice(b",\"participants\":[");
        for (i, p) in self.participants.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_str(out, p);
        }
        out.extend_from_slice(b"],\"prev\":");
        push_str(out, &self.prev);
        out.extend_from_slice(b",\"rationale\":");
        push_str(out, &self.rationale);
        out.extend_from_slice(b",\"recorded_at\":");
        push_str(out, &self.recorded_at);
        out.extend_from_slice(format!(",\"seq\":{},\"supersedes\":", self.seq).as_bytes());
        match self.supersedes {
            Some(s) => out.extend_from_slice(s.to_string().as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"title\":");
        push_str(out, &self.title);
        out.push(b'}');
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

/// How an entry is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
        }
    }
}

/// The first thing wrong with a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
pub struct Head {
    pub entries: u64,
    pub last_hash: String,
}

/// Checks the hashes and the chain of `entries` (in stored order) against `log` and `head`:
/// everything but signatures. Hashes are recomputed on `threads` threads.
pub fn verify_chain(entries: &[Sealed], log: &str, head: Option<&Head>, threads: usize) -> Option<Break> {
    verify_links(entries, log, threads).or_else(|| head.and_then(|h| check_head(entries, h)))
}

/// Hashes and links of the entries themselves (not the head).
fn verify_links(entries: &[Sealed], log: &str, threads: usize) -> Option<Break> {
    let hashes = parallel_map(entries, threads, |e, buf| {
        e.entry.canonical_into(buf);
        Sha256::digest(&buf[..]).into()
    });
    let mut seqs: HashSet<u64> = HashSet::with_capacity(entries.len());
    for e in entries {
        seqs.insert(e.entry.seq);
    }
    let mut seen: HashSet<u64> = HashSet::with_capacity(entries.len());
    let mut prev = GENESIS;
    for (i, (e, h)) in entries.iter().zip(&hashes).enumerate() {
        let expected = i as u64 + 1;
        let at = |kind, detail: String| Some(Break { position: expected, entry: e.entry.seq, kind, detail });
        if e.entry.seq != expected {
            if seen.contains(&e.entry.seq) {
                return at(
                    BreakKind::EntryInserted,
                    format!("a second entry {} stands where entry {expected} should be", e.entry.seq),
                );
            }
            if !seqs.contains(&expected) {
                return Some(Break {
                    position: expected,
                    entry: expected,
                    kind: BreakKind::EntryMissing,
                    detail: format!(
                        "entry {expected} is missing (entry {} follows entry {})",
                        e.entry.seq,
                        expected - 1
                    ),
                });
            }
            return at(
                BreakKind::OrderChanged,
                format!("entry {} stands where entry {expected} should be", e.entry.seq),
            );
        }
        seen.insert(e.entry.seq);
        if !hex_eq(&e.hash, h) {
            return at(BreakKind::ContentChanged, format!("entry {expected}: its content no longer matches its hash"));
        }
        if e.entry.log != log {
            return at(BreakKind::ContentChanged, format!("entry {expected} belongs to another log ({})", e.entry.log));
        }
        if e.entry.prev != prev {
            return at(
                BreakKind::ChainBroken,
                format!("entry {expected} does not carry the hash of entry {}", expected - 1),
            );
        }
        prev = &e.hash;
    }
    None
}

/// The end of the log against what its keeper recorded: entries missing from the end, entries
/// appended outside Steward.
fn check_head(entries: &[Sealed], head: &Head) -> Option<Break> {
    let n = entries.len() as u64;
    let prev = entries.last().map_or(GENESIS, |e| e.hash.as_str());
    {
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
        if head.last_hash != prev {
            return Some(Break {
                position: n,
                entry: n,
                kind: BreakKind::ContentChanged,
                detail: format!("entry {n} is not the last entry the log recorded"),
            });
        }
    }
    None
}

fn hex_eq(text: &str, bytes: &[u8; 32]) -> bool {
    let mut buf = [0u8; 32];
    hex::decode_to_slice(text, &mut buf).is_ok() && &buf == bytes
}

/// What a signature check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    Invalid,
    UnknownAuthor,
}

/// Checks every entry's signature with `check(fingerprint, canonical, signature)` on `threads`
/// threads; returns the first (by position) that fails.
pub fn verify_signatures(
    entries: &[Sealed],
    threads: usize,
    check: impl Fn(&str, &[u8], &[u8]) -> SignatureCheck + Sync,
) -> Option<Break> {
    let results = parallel_map(entries, threads, |e, buf| {
        e.entry.canonical_into(buf);
        check(&e.entry.author_fingerprint, buf, &e.signature)
    });
    results.iter().zip(entries).enumerate().find(|(_, (r, _))| **r != SignatureCheck::Valid).map(|(i, (r, e))| {
        let (kind, detail) = match r {
            SignatureCheck::UnknownAuthor => (
                BreakKind::UnknownAuthor,
                format!("no certificate is known for the author {} ({})", e.entry.author, e.entry.author_fingerprint),
            ),
            _ => (BreakKind::SignatureInvalid, format!("{}'s signature does not verify", e.entry.author)),
        };
        Break { position: i as u64 + 1, entry: e.entry.seq, kind, detail }
    })
}

/// The first break of chain and signatures together (the earlier position; the chain's on a
/// tie), then the head.
pub fn verify(
    entries: &[Sealed],
    log: &str,
    head: Option<&Head>,
    threads: usize,
    check: impl Fn(&str, &[u8], &[u8]) -> SignatureCheck + Sync,
) -> Option<Break> {
    let chain = verify_links(entries, log, threads);
    let sigs = verify_signatures(entries, threads, check);
    let first = match (chain, sigs) {
        (Some(c), Some(s)) => Some(if s.position < c.position { s } else { c }),
        (c, s) => c.or(s),
    };
    // The head is checked last: an entry that was rewritten shows as such, not as a changed end.
    first.or_else(|| head.and_then(|h| check_head(entries, h)))
}

/// Maps `f` over `items` on up to `threads` scoped threads (each with its own scratch buffer),
/// keeping the order.
fn parallel_map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T, &mut Vec<u8>) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, 64);
    if threads == 1 || items.len() < 256 {
        let mut buf = Vec::with_capacity(1024);
        return items.iter().map(|t| f(t, &mut buf)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                s.spawn(move || {
                    let mut buf = Vec::with_capacity(1024);
                    part.iter().map(|t| f(t, &mut buf)).collect::<Vec<R>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    })
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
