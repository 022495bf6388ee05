//! Assembly: a draft (kind + pinned clause versions + values + parties) becomes a numbered
//! [`Document`]. `prepare` validates and completes a draft, reporting every problem at once;
//! `render` turns a prepared draft into the document model, the same way every time.

use crate::canonical;
use crate::cond::Cond;
use crate::document::{Block, CrossRef, DocParty, Document, Recital, Section, SignatureBlock};
use crate::helpers::{REF_CLOSE, REF_OPEN};
use crate::library::{Library, body_name, part_name};
use crate::meta::{KindTemplate, PartyMode};
use crate::values::{self, PartyInfo, VarDecl, VarType};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};

/// Everything a revision of an agreement is: stored canonically, rendered identically forever.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DraftSpec {
    pub kind: String,
    pub kind_version: String,
    pub title: String,
    /// Clause id → the pinned version's hash.
    pub clauses: BTreeMap<String, String>,
    /// Every declared variable with a value, in normal form.
    pub values: BTreeMap<String, Json>,
    /// Clause id → chosen fallback wording.
    pub fallbacks: BTreeMap<String, String>,
    /// The collaboration's parties as they were when the revision was made.
    pub parties: Vec<PartyInfo>,
    /// Trusted Research flags in force.
    pub flags: BTreeSet<String>,
    /// Clauses of the kind this draft leaves out (a partner deleted them in negotiation). A
    /// clause the due diligence requires is in whatever this says.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub omitted: BTreeSet<String>,
    /// Clauses the kind does not list (added in negotiation), each after the clause it follows
    /// (empty: before the first).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub placed: BTreeMap<String, String>,
}

impl DraftSpec {
    pub fn canonical(&self) -> String {
        canonical::encode(&serde_json::to_value(self).unwrap_or(Json::Null))
    }
}

/// One problem with one variable of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Problem {
    pub variable: String,
    /// The clause (or `kind:<id>`) that declares the variable.
    pub clause: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (in {}): {}", self.variable, self.clause, self.message)
    }
}

/// The recommendation a kind's rules made, shown to the drafter, who may overrule it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Recommended {
    pub variable: String,
    pub value: String,
    pub because: String,
    /// Whether the draft uses the recommended value.
    pub followed: bool,
}

/// What a drafter supplies for a new revision.
#[derive(Debug, Clone, Default)]
pub struct DraftInput {
    pub kind_version: String,
    pub title: Option<String>,
    pub pins: BTreeMap<String, String>,
    /// Values of the revision this one follows (already normal), if any.
    pub previous: BTreeMap<String, Json>,
    /// New values as typed (text or JSON).
    pub set: BTreeMap<String, Json>,
    pub fallbacks: BTreeMap<String, String>,
    pub parties: Vec<PartyInfo>,
    pub flags: BTreeSet<String>,
    /// Carried from the revision this one follows (see [`DraftSpec::omitted`], [`DraftSpec::placed`]).
    pub omitted: BTreeSet<String>,
    pub placed: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{clause}: {message}")]
pub struct AssemblyError {
    pub clause: String,
    pub message: String,
}

fn err(clause: &str, message: impl Into<String>) -> AssemblyError {
    AssemblyError { clause: clause.to_string(), message: message.into() }
}

/// Names templates cannot use for variables: the context has them already.
pub const RESERVED: &[&str] = &["parties", "_party", "this", "root"];

/// A declared variable and where it is declared.
#[derive(Debug, Clone)]
pub struct Declared {
    pub decl: VarDecl,
    pub clause: String,
    /// Clauses whose inclusion makes the value needed (empty: the kind needs it always).
    pub used_by: Vec<String>,
}

fn slot_decl(name: &str, label: &str, default: Option<&str>) -> VarDecl {
    VarDecl {
        help: "A party of the collaboration.".into(),
        default: default.map(|d| Json::String(d.to_string())),
        ..VarDecl::new(name, VarType::Party, label)
    }
}

/// Every variable a kind and its pinned clauses declare, in the order a form shows them.
pub fn declarations(
    lib: &Library,
    kind: &KindTemplate,
    pins: &BTreeMap<String, String>,
) -> Result<Vec<Declared>, AssemblyError> {
    let kind_tag = format!("kind:{}", kind.id);
    let mut out: Vec<Declared> = Vec::new();
    let mut push = |d: VarDecl, clause: &str, used_by: Option<&str>| {
        if let Some(existing) = out.iter_mut().find(|x| x.decl.name == d.name) {
            if let Some(u) = used_by {
                if !existing.used_by.is_empty() && !existing.used_by.iter().any(|x| x == u) {
                    existing.used_by.push(u.to_string());
                }
            }
        } else {
            out.push(Declared {
                decl: d,
                clause: clause.to_string(),
                used_by: used_by.map(|u| vec![u.to_string()]).unwrap_or_default(),
            });
        }
    };
    for s in &kind.party_slots {
        push(slot_decl(&s.name, &s.label, s.default.as_deref()), &kind_tag, None);
    }
    for q in kind.questions.iter().chain(&kind.variables) {
        push(q.clone(), &kind_tag, None);
    }
    for id in kind.sections.iter().chain(&kind.schedules) {
        let hash = pins.get(id).ok_or_else(|| err(id, "no version of this clause is pinned"))?;
        let clause = lib.clause(hash).ok_or_else(|| err(id, format!("version {hash} is not in the library")))?;
        for v in &clause.meta.variables {
            push(v.clone(), id, Some(id));
        }
    }
    Ok(out)
}

/// Which of the kind's sections and schedules a set of values includes.
pub fn included(
    lib: &Library,
    kind: &KindTemplate,
    pins: &BTreeMap<String, String>,
    values: &BTreeMap<String, Json>,
    flags: &BTreeSet<String>,
    layout: Layout<'_>,
) -> Vec<String> {
    let keep = |id: &&String| {
        if layout.omitted.contains(*id) && !flags.contains(&format!("require:{id}")) {
            return false;
        }
        let when = pins.get(*id).and_then(|h| lib.clause(h)).and_then(|c| c.meta.include_when.as_deref());
        let parsed = when.map(|w| Cond::parse(w).ok());
        pins.contains_key(*id) && is_included(id, parsed.as_ref().map(Option::as_ref), values, flags)
    };
    let mut out: Vec<String> = kind.sections.iter().filter(keep).cloned().collect();
    // Clauses added in negotiation, each after the one it follows (a chain of them in order);
    // one whose clause is not in the draft goes at the end of the clauses.
    let mut pending: Vec<(&String, &String)> = layout
        .placed
        .iter()
        .filter(|(id, _)| pins.contains_key(*id) && !kind.sections.contains(id) && !kind.schedules.contains(id))
        .collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|(id, after)| {
            let at = if after.is_empty() { Some(0) } else { out.iter().position(|x| x == *after).map(|p| p + 1) };
            match at {
                Some(p) => {
                    out.insert(p, (*id).clone());
                    false
                }
                None => true,
            }
        });
        if pending.len() == before {
            out.extend(pending.drain(..).map(|(id, _)| id.clone()));
        }
    }
    out.extend(kind.schedules.iter().filter(keep).cloned());
    out
}

/// What a draft says about its clauses beyond the kind's list.
#[derive(Debug, Clone, Copy)]
pub struct Layout<'a> {
    pub omitted: &'a BTreeSet<String>,
    pub placed: &'a BTreeMap<String, String>,
}

impl<'a> Layout<'a> {
    pub fn of(spec: &'a DraftSpec) -> Self {
        Layout { omitted: &spec.omitted, placed: &spec.placed }
    }
}

/// Whether one clause is in. A clause the collaboration's due diligence requires is, whatever the
/// values say; otherwise its condition decides (`None`: it has none; `Some(None)`: its condition
/// does not parse, so it is out).
pub fn is_included(
    id: &str,
    when: Option<Option<&Cond>>,
    values: &BTreeMap<String, Json>,
    flags: &BTreeSet<String>,
) -> bool {
    if flags.contains(&format!("require:{id}")) {
        return true;
    }
    match when {
        None => true,
        Some(None) => false,
        Some(Some(c)) => c.eval(values, flags),
    }
}

fn resolve_party_default(spec: &str, parties: &[PartyInfo]) -> Option<i64> {
    let (what, want) = spec.split_once(':')?;
    let found = parties.iter().find(|p| match what {
        "role" => p.role == want,
        "kind" => p.kind == want,
        _ => false,
    });
    found.map(|p| p.id)
}

/// `parties:kind:university` → the short names of those parties (universities include research institutes).
fn resolve_list_default(spec: &str, parties: &[PartyInfo]) -> Option<Vec<String>> {
    let rest = spec.strip_prefix("parties:")?;
    let (what, want) = rest.split_once(':')?;
    let names: Vec<String> = parties
        .iter()
        .filter(|p| match what {
            "kind" if want == "university" => p.kind == "university" || p.kind == "research_institute",
            "kind" => p.kind == want,
            "role" => p.role == want,
            _ => false,
        })
        .map(|p| p.short().to_string())
        .collect();
    Some(names)
}

/// Validates and completes a draft: every problem is reported, nothing is half-done.
pub fn prepare(lib: &Library, input: &DraftInput) -> Result<(DraftSpec, Option<Recommended>), Vec<Problem>> {
    let one =
        |clause: &str, message: String| vec![Problem { variable: String::new(), clause: clause.to_string(), message }];
    let kind = lib
        .kind(&input.kind_version)
        .ok_or_else(|| one("kind", format!("version {} is not in the library", input.kind_version)))?;
    let decls = declarations(lib, kind, &input.pins).map_err(|e| one(&e.clause, e.message))?;
    let mut problems = Vec::new();
    let mut values: BTreeMap<String, Json> = input.previous.clone();
    values.retain(|k, _| decls.iter().any(|d| &d.decl.name == k));

    for (name, raw) in &input.set {
        let Some(d) = decls.iter().find(|d| &d.decl.name == name) else {
            let mut near: Vec<&str> = decls
                .iter()
                .map(|d| d.decl.name.as_str())
                .filter(|n| n.contains(name.as_str()) || name.contains(n))
                .collect();
            near.truncate(3);
            let hint = if near.is_empty() { String::new() } else { format!("; did you mean {}?", near.join(", ")) };
            problems.push(Problem {
                variable: name.clone(),
                clause: format!("kind:{}", kind.id),
                message: format!("no variable of this name in a {} agreement{hint}", kind.id),
            });
            continue;
        };
        if raw.is_null() || raw.as_str().is_some_and(|s| s.trim().is_empty()) {
            values.remove(name);
            continue;
        }
        match values::normalize(&d.decl, raw, &input.parties) {
            Ok(v) => {
                values.insert(name.clone(), v);
            }
            Err(m) => problems.push(Problem { variable: name.clone(), clause: d.clause.clone(), message: m }),
        }
    }

    // Defaults for what is still unset.
    for d in &decls {
        if values.contains_key(&d.decl.name) {
            continue;
        }
        let Some(def) = &d.decl.default else { continue };
        let resolved = match (d.decl.ty, def) {
            (VarType::Party, Json::String(s)) if s.contains(':') => {
                resolve_party_default(s, &input.parties).map(|id| json!(id))
            }
            (VarType::List, Json::String(s)) if s.starts_with("parties:") => {
                resolve_list_default(s, &input.parties).map(|l| json!(l))
            }
            _ => values::normalize(&d.decl, def, &input.parties).ok(),
        };
        if let Some(v) = resolved {
            values.insert(d.decl.name.clone(), v);
        }
    }

    // The kind's recommendation, unless the drafter chose.
    let mut recommended = None;
    if let Some(rec) = &kind.recommendation {
        if let Some(rule) = kind.recommendation.as_ref().and_then(|r| {
            r.rules.iter().find(|r| Cond::parse(&r.when).map(|c| c.eval(&values, &input.flags)).unwrap_or(false))
        }) {
            if !values.contains_key(&rec.variable) {
                values.insert(rec.variable.clone(), Json::String(rule.value.clone()));
            }
            let followed = values.get(&rec.variable).and_then(Json::as_str) == Some(rule.value.as_str());
            recommended = Some(Recommended {
                variable: rec.variable.clone(),
                value: rule.value.clone(),
                because: rule.because.clone(),
                followed,
            });
        }
    }

    let inc = included(
        lib,
        kind,
        &input.pins,
        &values,
        &input.flags,
        Layout { omitted: &input.omitted, placed: &input.placed },
    );
    for d in &decls {
        let needed = d.used_by.is_empty() || d.used_by.iter().any(|c| inc.contains(c));
        if needed
            && d.decl.required
            && !values.contains_key(&d.decl.name)
            && !problems.iter().any(|p| p.variable == d.decl.name)
        {
            let help = if d.decl.help.is_empty() {
                String::new()
            } else {
                format!(" ({})", d.decl.help.trim_end_matches('.'))
            };
            let message = if d.decl.ty == VarType::Party && d.decl.default.is_some() {
                format!(
                    "{} is needed: no party of the collaboration fits {}; choose one",
                    d.decl.label,
                    d.decl.default.as_ref().and_then(Json::as_str).unwrap_or("")
                )
            } else {
                format!("{} is needed{help}", d.decl.label)
            };
            problems.push(Problem {
                variable: d.decl.name.clone(),
                clause: d.used_by.first().cloned().unwrap_or_else(|| d.clause.clone()),
                message,
            });
        }
    }

    // Party slots must name different parties.
    if kind.parties == PartyMode::Slots {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for s in &kind.party_slots {
            if let Some(v) = values.get(&s.name) {
                if let Some(other) = seen.insert(v.to_string(), &s.label) {
                    problems.push(Problem {
                        variable: s.name.clone(),
                        clause: format!("kind:{}", kind.id),
                        message: format!("is the same party as the {}: choose another", other.to_lowercase()),
                    });
                }
            }
        }
    }

    for (clause, fb) in &input.fallbacks {
        let ok =
            input.pins.get(clause).and_then(|h| lib.clause(h)).map(|c| c.meta.fallbacks.iter().any(|f| &f.id == fb));
        match ok {
            Some(true) => {}
            Some(false) => problems.push(Problem {
                variable: format!("fallback {clause}"),
                clause: clause.clone(),
                message: format!("this clause has no fallback '{fb}'"),
            }),
            None => problems.push(Problem {
                variable: format!("fallback {clause}"),
                clause: clause.clone(),
                message: "not a clause of this agreement".into(),
            }),
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    let spec = DraftSpec {
        kind: kind.id.clone(),
        kind_version: input.kind_version.clone(),
        title: input.title.clone().unwrap_or_else(|| kind.title.clone()),
        clauses: input.pins.clone(),
        values,
        fallbacks: input.fallbacks.clone(),
        parties: input.parties.clone(),
        flags: input.flags.clone(),
        omitted: input.omitted.clone(),
        placed: input.placed.clone(),
    };
    Ok((spec, recommended))
}

#[derive(Debug)]
enum Raw {
    Block { level: u8, anchor: Option<String>, text: String },
    Definitions,
}

fn parse_blocks(text: &str) -> Vec<Raw> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let flush = |para: &mut Vec<&str>, out: &mut Vec<Raw>| {
        if para.is_empty() {
            return;
        }
        let first = para[0];
        let indented = first.starts_with([' ', '\t']);
        let t = first.trim_start();
        if para.len() == 1 && t.trim_end() == "[[definitions]]" {
            out.push(Raw::Definitions);
            para.clear();
            return;
        }
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        let (level, rest) = if digits > 0 && t[digits..].starts_with(". ") {
            (if indented { 3 } else { 2 }, &t[digits + 2..])
        } else if digits > 0 && t[digits..].trim_end() == "." {
            (if indented { 3 } else { 2 }, "")
        } else {
            (1, t)
        };
        let mut rest = rest.trim_start();
        let mut anchor = None;
        if let Some(r) = rest.strip_prefix("{#") {
            if let Some(end) = r.find('}') {
                anchor = Some(r[..end].trim().to_string());
                rest = r[end + 1..].trim_start();
            }
        }
        let mut words: Vec<&str> = rest.split_whitespace().collect();
        for line in &para[1..] {
            words.extend(line.split_whitespace());
        }
        let text = words.join(" ");
        if !text.is_empty() {
            out.push(Raw::Block { level, anchor, text });
        }
        para.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut para, &mut out);
        } else {
            para.push(line);
        }
    }
    flush(&mut para, &mut out);
    out
}

fn render_part(lib: &Library, name: &str, ctx: &Json, clause: &str) -> Result<String, AssemblyError> {
    lib.hb.render(name, ctx).map_err(|e| {
        let at = e.line_no.map(|l| format!(" (template line {l})")).unwrap_or_default();
        err(clause, format!("{}{at}", e.reason()))
    })
}

fn party_json(p: &PartyInfo, slot: Option<&str>) -> Json {
    json!({
        "id": p.id,
        "slot": slot,
        "legal_name": p.legal_name,
        "short_name": p.short(),
        "address": p.address,
        "registration_number": p.registration_number,
        "country": p.country,
        "country_name": p.country_name,
        "kind": p.kind,
        "role": p.role,
    })
}

/// `the United Kingdom`, `Germany`: country names that take the article in running text.
fn country_in_text(name: &str) -> String {
    const WITH_THE: &[&str] = &[
        "United",
        "Netherlands",
        "Czech",
        "Philippines",
        "Republic",
        "Russian",
        "Bahamas",
        "Gambia",
        "Democratic",
        "Dominican",
        "Central African",
        "Holy See",
        "Maldives",
        "Marshall",
        "Solomon",
        "Comoros",
        "Seychelles",
    ];
    if WITH_THE.iter().any(|w| name.starts_with(w)) { format!("the {name}") } else { name.to_string() }
}

fn describe(p: &PartyInfo) -> String {
    let country = country_in_text(&p.country_name);
    let mut s = match &p.registration_number {
        Some(r) => format!("established in {country} (registration number {r})"),
        None => format!("established in {country}"),
    };
    if let Some(a) = &p.address {
        s.push_str(&format!(", whose address is {a}"));
    }
    s
}

/// The parties the document names, in order, with the slot each fills.
fn document_parties<'a>(
    kind: &KindTemplate,
    spec: &'a DraftSpec,
) -> Result<Vec<(&'a PartyInfo, Option<String>)>, AssemblyError> {
    match kind.parties {
        PartyMode::All => Ok(spec.parties.iter().map(|p| (p, None)).collect()),
        PartyMode::Slots => {
            kind.party_slots
                .iter()
                .map(|s| {
                    let id = spec
                        .values
                        .get(&s.name)
                        .and_then(Json::as_i64)
                        .ok_or_else(|| err(&format!("kind:{}", kind.id), format!("no party for {}", s.name)))?;
                    let p =
                        spec.parties.iter().find(|p| p.id == id).ok_or_else(|| {
                            err(&format!("kind:{}", kind.id), format!("party {id} is not in the draft"))
                        })?;
                    Ok((p, Some(s.name.clone())))
                })
                .collect()
        }
    }
}

/// Names this renderer's output: a stored rendering is reused only by the renderer that made it.
/// Change the suffix whenever a change here, in `document` or in the helpers makes a draft render
/// differently (debug builds check every reused rendering against a fresh one).
pub const RENDERER: &str = concat!(env!("CARGO_PKG_VERSION"), "+2");

/// What a cross-reference to a clause the draft leaves out reads.
pub const OMITTED_REF: &str = "[omitted]";

/// Renders a prepared draft to its document model.
pub fn render(lib: &Library, spec: &DraftSpec) -> Result<Document, AssemblyError> {
    let kind = lib
        .kind(&spec.kind_version)
        .ok_or_else(|| err("kind", format!("version {} is not in the library", spec.kind_version)))?;
    let decls = declarations(lib, kind, &spec.clauses)?;
    let doc_parties = document_parties(kind, spec)?;

    // The context every template part sees.
    let mut ctx = Map::new();
    for d in &decls {
        ctx.insert(d.decl.name.clone(), spec.values.get(&d.decl.name).cloned().unwrap_or(Json::Null));
    }
    ctx.insert("parties".into(), Json::Array(doc_parties.iter().map(|(p, s)| party_json(p, s.as_deref())).collect()));
    let by_id: Map<String, Json> = spec.parties.iter().map(|p| (p.id.to_string(), party_json(p, None))).collect();
    ctx.insert("_party".into(), Json::Object(by_id));
    let ctx = Json::Object(ctx);

    let inc = included(lib, kind, &spec.clauses, &spec.values, &spec.flags, Layout::of(spec));
    let mut numbers: BTreeMap<String, String> = BTreeMap::new();
    let mut sections = Vec::new();
    let mut schedules = Vec::new();
    let mut definitions: Vec<(String, String)> = Vec::new();
    for (i, d) in kind.defines.iter().enumerate() {
        definitions.push((
            d.term.clone(),
            render_part(lib, &part_name(&spec.kind_version, "def", i), &ctx, &format!("kind:{}", kind.id))?,
        ));
    }

    let mut raw_sections = Vec::new();
    for id in &inc {
        let hash = &spec.clauses[id];
        let clause = lib.clause(hash).ok_or_else(|| err(id, "pinned version missing"))?;
        for (i, d) in clause.meta.defines.iter().enumerate() {
            definitions.push((d.term.clone(), render_part(lib, &part_name(hash, "def", i), &ctx, id)?));
        }
        let fallback = spec.fallbacks.get(id).cloned();
        let text = render_part(lib, &body_name(hash, fallback.as_deref()), &ctx, id)?;
        raw_sections.push((id.clone(), hash.clone(), clause.clone(), fallback, parse_blocks(&text)));
    }
    definitions.sort_by_key(|(t, _)| t.to_lowercase());
    definitions.dedup_by(|a, b| a.0 == b.0);

    let mut clause_no = 0;
    let mut schedule_no = 0;
    for (id, hash, clause, fallback, raws) in raw_sections {
        let is_schedule = kind.schedules.contains(&id);
        let number = if is_schedule {
            schedule_no += 1;
            format!("Schedule {schedule_no}")
        } else {
            clause_no += 1;
            clause_no.to_string()
        };
        numbers.insert(id.clone(), number.clone());
        let prefix = if is_schedule { String::new() } else { format!("{number}.") };
        let (mut l2, mut l3) = (0, 0);
        let mut blocks = Vec::new();
        let mut push_numbered = |level: u8,
                                 anchor: Option<String>,
                                 text: String,
                                 blocks: &mut Vec<Block>,
                                 numbers: &mut BTreeMap<String, String>| {
            let (n, lvl) = if level == 3 && l2 > 0 {
                l3 += 1;
                (format!("{prefix}{l2}.{l3}"), 3)
            } else {
                l2 += 1;
                l3 = 0;
                (format!("{prefix}{l2}"), 2)
            };
            if let Some(a) = &anchor {
                numbers.insert(format!("{id}#{a}"), n.clone());
            }
            blocks.push(Block { number: Some(n), level: lvl, anchor, text, refs: Vec::new() });
        };
        for raw in raws {
            match raw {
                Raw::Block { level: 1, anchor, text } => {
                    blocks.push(Block { number: None, level: 1, anchor, text, refs: Vec::new() })
                }
                Raw::Block { level, anchor, text } => push_numbered(level, anchor, text, &mut blocks, &mut numbers),
                Raw::Definitions => {
                    for (term, meaning) in &definitions {
                        push_numbered(
                            3,
                            None,
                            format!("\u{201c}{term}\u{201d} means {meaning}."),
                            &mut blocks,
                            &mut numbers,
                        );
                    }
                }
            }
        }
        let section = Section {
            clause_id: id,
            number,
            title: clause.meta.title.clone(),
            version: hash,
            fallback,
            guidance: clause.meta.guidance.trim().to_string(),
            blocks,
        };
        if is_schedule { schedules.push(section) } else { sections.push(section) }
    }

    // Cross-references, now that every number is known.
    let resolve_refs = |text: &str, clause: &str| -> Result<(String, Vec<CrossRef>), AssemblyError> {
        let mut refs = Vec::new();
        if !text.contains(REF_OPEN) {
            return Ok((text.to_string(), refs));
        }
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find(REF_OPEN) {
            out.push_str(&rest[..start]);
            let after = &rest[start + REF_OPEN.len_utf8()..];
            let end = after.find(REF_CLOSE).ok_or_else(|| err(clause, "broken cross-reference"))?;
            let target = &after[..end];
            let left_out = spec.omitted.contains(target.split('#').next().unwrap_or(target));
            match numbers.get(target) {
                Some(n) => {
                    refs.push(CrossRef { start: out.len(), len: n.len(), target: target.to_string() });
                    out.push_str(n);
                }
                // A reference to a clause the draft leaves out says so, for the parties to mend.
                None if left_out => out.push_str(OMITTED_REF),
                None => return Err(err(clause, format!("refers to {target}, which is not part of this agreement"))),
            }
            rest = &after[end + REF_CLOSE.len_utf8()..];
        }
        out.push_str(rest);
        Ok((out, refs))
    };
    let resolve = |text: &str, clause: &str| resolve_refs(text, clause).map(|(t, _)| t);
    for s in sections.iter_mut().chain(schedules.iter_mut()) {
        for b in &mut s.blocks {
            (b.text, b.refs) = resolve_refs(&b.text, &s.clause_id)?;
        }
    }
    let mut recitals = Vec::new();
    for i in 0..kind.recitals.len() {
        let text = render_part(lib, &part_name(&spec.kind_version, "recital", i), &ctx, &format!("kind:{}", kind.id))?;
        let letter = char::from(b'A' + (i % 26) as u8).to_string();
        recitals.push(Recital { letter, text: resolve(text.trim(), "recitals")? });
    }

    let parties: Vec<DocParty> = doc_parties
        .iter()
        .enumerate()
        .map(|(i, (p, _))| DocParty {
            number: i + 1,
            legal_name: p.legal_name.clone(),
            short_name: p.short().to_string(),
            description: describe(p),
        })
        .collect();
    let signatures = doc_parties
        .iter()
        .map(|(p, _)| SignatureBlock {
            party_legal_name: p.legal_name.clone(),
            party_short_name: p.short().to_string(),
            lines: vec!["Signature".into(), "Name".into(), "Title".into(), "Date".into()],
        })
        .collect();
    let date = spec
        .values
        .get("effective_date")
        .and_then(Json::as_str)
        .and_then(|d| values::parse_date(d).ok())
        .map(values::format_date);
    Ok(Document {
        kind: spec.kind.clone(),
        title: spec.title.clone(),
        date,
        parties,
        recitals,
        sections,
        schedules,
        signatures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_levels_anchors_and_joins() {
        let raws = parse_blocks(
            "Intro line\ncontinues.\n\n1. {#first} First\n   item.\n\n   2. Nested.\n\n\n7.\n\n[[definitions]]\n",
        );
        let shown: Vec<String> = raws
            .iter()
            .map(|r| match r {
                Raw::Block { level, anchor, text } => format!("{level}|{}|{text}", anchor.clone().unwrap_or_default()),
                Raw::Definitions => "defs".into(),
            })
            .collect();
        assert_eq!(shown, ["1||Intro line continues.", "2|first|First item.", "3||Nested.", "defs"]);
    }
}
