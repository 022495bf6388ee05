//! The machine-readable draft that travels inside every exported PDF (`steward-draft.json`):
//! the agreement's stable uid, title and kind, the revision, its canonical spec and the spec's
//! hash, the signature boxes, and (from version 2) the canonical text of every template version
//! the spec pins, under its hash. One canonical encoding, written and read here only.

use crate::{DraftSpec, Template, canonical};
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// The format's name.
pub const DRAFT_FORMAT: &str = "steward-draft";
/// The version this build writes: 2 carries the content of every template version the draft
/// pins, so that a partner whose library lacks one can still read (and compare) the text.
pub const DRAFT_VERSION: u32 = 2;
/// The versions this build reads.
pub const READABLE_VERSIONS: [u64; 2] = [1, 2];
/// The largest draft read.
pub const MAX_DRAFT: usize = 64 << 20;

/// What a draft says about its agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftMeta<'a> {
    pub uid: &'a str,
    pub title: &'a str,
    pub kind: &'a str,
    pub revision: i64,
    pub spec_hash: &'a str,
    /// Where pinned versions came from, by hash (`from the University of Northmoor's library,
    /// release 12`): only those that arrived from a followed library. Written only when any did.
    pub sources: &'a BTreeMap<String, String>,
}

/// Writes a draft: `spec` is the stored canonical spec, `templates` the stored canonical text
/// of each pinned version by hash (spliced in as it is: it already is the canonical encoding, so
/// the draft stays canonical without parsing and re-encoding every template), `boxes` the
/// signature boxes as JSON.
pub fn write(meta: &DraftMeta<'_>, spec: &Json, templates: &BTreeMap<String, String>, boxes: &Json) -> String {
    let mut v = serde_json::json!({
        "format": DRAFT_FORMAT,
        "agreement": { "uid": meta.uid, "title": meta.title, "kind": meta.kind },
        "revision": meta.revision,
        "spec_hash": meta.spec_hash,
        "spec": spec,
        "signature_boxes": boxes,
    });
    if !meta.sources.is_empty() {
        v["sources"] = serde_json::to_value(meta.sources).unwrap_or_default();
    }
    let mut t = String::from("{");
    for (i, (hash, canonical)) in templates.iter().enumerate() {
        if i > 0 {
            t.push(',');
        }
        t.push_str(&Json::from(hash.as_str()).to_string());
        t.push(':');
        t.push_str(canonical);
    }
    t.push('}');
    // Keys sort as agreement, format, revision, signature_boxes, spec, spec_hash, templates,
    // version: the last two go on the end.
    let mut out = canonical::encode(&v);
    out.pop(); // the closing brace
    out.push_str(",\"templates\":");
    out.push_str(&t);
    out.push_str(&format!(",\"version\":{DRAFT_VERSION}}}"));
    out
}

/// The template versions a spec pins (its kind version and every clause's), by hash.
pub fn pinned(spec: &Json) -> BTreeSet<&str> {
    std::iter::once(&spec["kind_version"])
        .chain(spec["clauses"].as_object().into_iter().flat_map(|m| m.values()))
        .filter_map(Json::as_str)
        .collect()
}

/// A partner's draft as read from the file, checked but not stored.
#[derive(Debug, Clone)]
pub struct ReceivedDraft {
    pub version: u64,
    pub uid: String,
    pub title: String,
    pub kind: String,
    pub revision: i64,
    pub spec: DraftSpec,
    /// Template versions the draft carries, by hash (checked: each hash is its content's).
    pub templates: BTreeMap<String, Template>,
    /// Where the sender's pinned versions came from, by hash, as the sender's store says.
    pub sources: BTreeMap<String, String>,
}

fn field<'a>(v: &'a Json, path: &str) -> std::result::Result<&'a Json, String> {
    let mut at = v;
    for key in path.split('.') {
        at = at.get(key).ok_or_else(|| format!("the draft has no `{path}`"))?;
    }
    Ok(at)
}

fn text(v: &Json, path: &str) -> std::result::Result<String, String> {
    field(v, path)?.as_str().map(str::to_string).ok_or_else(|| format!("`{path}` must be text"))
}

/// Reads an embedded draft (the bytes of `steward-draft.json`). Every problem is named; nothing
/// here panics, whatever the bytes.
pub fn parse(bytes: &[u8]) -> std::result::Result<ReceivedDraft, String> {
    if bytes.len() > MAX_DRAFT {
        return Err(format!("the embedded draft is larger than {} MiB", MAX_DRAFT >> 20));
    }
    let v: Json = serde_json::from_slice(bytes).map_err(|e| format!("the embedded draft is not JSON: {e}"))?;
    if canonical::encode(&v).as_bytes() != bytes {
        return Err("the embedded draft is not in canonical form (Steward writes nothing else)".into());
    }
    if v.get("format").and_then(Json::as_str) != Some(DRAFT_FORMAT) {
        return Err(format!("the embedded file is not a Steward draft (format is not `{DRAFT_FORMAT}`)"));
    }
    let version = field(&v, "version")?.as_u64().ok_or("`version` must be a whole number")?;
    if !READABLE_VERSIONS.contains(&version) {
        return Err(format!(
            "the draft is format version {version}; this Steward reads versions {}: a newer Steward made it",
            READABLE_VERSIONS.map(|n| n.to_string()).join(" and ")
        ));
    }
    let spec_json = field(&v, "spec")?;
    let spec: DraftSpec =
        serde_json::from_value(spec_json.clone()).map_err(|e| format!("the draft's `spec` is not a draft: {e}"))?;
    let spec_hash = text(&v, "spec_hash")?;
    let actual = canonical::sha256_hex(spec.canonical().as_bytes());
    if spec_hash != actual {
        return Err(format!("the draft's spec_hash {spec_hash} is not the hash of its spec ({actual})"));
    }
    let mut templates = BTreeMap::new();
    if let Some(map) = v.get("templates") {
        let map = map.as_object().ok_or("`templates` must be an object of hash → template")?;
        for (hash, content) in map {
            let t = Template::from_canonical(&canonical::encode(content))
                .map_err(|e| format!("template {hash} in the draft: {e}"))?;
            if t.hash() != *hash {
                return Err(format!("template {hash} in the draft does not have that hash: its content was changed"));
            }
            templates.insert(hash.clone(), t);
        }
    }
    let pins: BTreeSet<&String> = std::iter::once(&spec.kind_version).chain(spec.clauses.values()).collect();
    if version >= 2 {
        if let Some(missing) = pins.iter().find(|h| !templates.contains_key(h.as_str())) {
            return Err(format!("the draft pins template version {missing} but does not carry it"));
        }
    }
    // Only what the draft pins is kept, and each pin must be what it claims to be.
    templates.retain(|hash, _| pins.contains(hash));
    match templates.get(&spec.kind_version) {
        Some(Template::Kind(k)) if k.id == spec.kind => {}
        Some(_) => return Err(format!("the draft's kind version is not a version of kind {}", spec.kind)),
        None => {}
    }
    for (cid, hash) in &spec.clauses {
        match templates.get(hash) {
            Some(Template::Clause(c)) if &c.meta.id == cid => {}
            Some(_) => return Err(format!("the version pinned for clause {cid} is not a version of that clause")),
            None => {}
        }
    }
    let revision = field(&v, "revision")?.as_i64().filter(|n| *n > 0).ok_or("`revision` must be a positive number")?;
    let uid = text(&v, "agreement.uid")?;
    if uid.len() != 36 || !uid.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(format!("the agreement id {uid:?} is not a UUID"));
    }
    let kind = text(&v, "agreement.kind")?;
    if kind != spec.kind {
        return Err(format!("the draft says it is a {kind} but its spec is a {}", spec.kind));
    }
    let mut sources = BTreeMap::new();
    if let Some(map) = v.get("sources") {
        let map = map.as_object().ok_or("`sources` must be an object of hash → where it came from")?;
        for (hash, said) in map {
            let said = said.as_str().ok_or_else(|| format!("`sources.{hash}` must be text"))?;
            if pins.contains(hash) {
                sources.insert(hash.clone(), said.chars().take(200).collect());
            }
        }
    }
    Ok(ReceivedDraft { version, uid, title: text(&v, "agreement.title")?, kind, revision, spec, templates, sources })
}
