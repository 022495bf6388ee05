//! Checks a set of template files the way a legal team needs before importing them: each file on
//! its own, then the set as a whole (every kind's clauses exist, types agree, conditions and
//! cross-references resolve), then a trial rendering of every clause of every kind.

use crate::assemble::{self, RESERVED};
use crate::cond::Cond;
use crate::helpers::{REF_CLOSE, REF_OPEN};
use crate::library::{Library, body_name, part_name};
use crate::meta::{self, ClauseTemplate, KindTemplate, Template, TemplateError};
use crate::values::{self, PartyInfo, VarDecl, VarType};
use serde_json::{Map, Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};

/// A template file to check: its name (for messages) and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// The outcome: templates that parsed, and every problem found.
#[derive(Debug, Default)]
pub struct Checked {
    pub templates: Vec<(String, Template)>,
    pub errors: Vec<TemplateError>,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
}

fn valid_var(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Sample parties for trial renderings.
pub fn sample_parties() -> Vec<PartyInfo> {
    let p = |id, name: &str, short: &str, kind: &str, role: &str, country: &str, cname: &str| PartyInfo {
        id,
        legal_name: name.into(),
        short_name: Some(short.into()),
        kind: kind.into(),
        role: role.into(),
        registration_number: Some("RC000001".into()),
        address: Some("1 Sample Street, Sampletown".into()),
        country: country.into(),
        country_name: cname.into(),
    };
    vec![
        p(1, "The University of Sampletown", "Sampletown", "university", "lead", "GB", "United Kingdom"),
        p(2, "Sample Institute of Technology", "Sample Tech", "university", "partner", "JP", "Japan"),
        p(3, "Sample Industries GmbH", "Sample Industries", "company", "partner", "DE", "Germany"),
    ]
}

fn sample_value(d: &VarDecl, truthy: bool) -> Json {
    match d.ty {
        VarType::Text => json!("sample text"),
        VarType::Date => json!("2027-01-01"),
        VarType::Duration => d.min.clone().unwrap_or(json!("30 days")),
        VarType::Money => d.min.clone().unwrap_or(json!("GBP 1,000.00")),
        VarType::Percentage => json!("50"),
        VarType::Integer => d.min.clone().unwrap_or(json!(1)),
        VarType::Bool => json!(truthy),
        VarType::Enum => json!(d.values.as_ref().and_then(|v| v.first()).cloned().unwrap_or_default()),
        VarType::Party => json!(1),
        VarType::List => json!(["first item", "second item"]),
    }
}

fn check_decl(file: &str, d: &VarDecl, errors: &mut Vec<TemplateError>) {
    let e = |m: String| TemplateError::new(file, None, format!("variable {}: {m}", d.name));
    if !valid_var(&d.name) {
        errors.push(e("names are lower case letters, digits and '_', starting with a letter".into()));
    }
    if RESERVED.contains(&d.name.as_str()) {
        errors.push(e("this name is reserved".into()));
    }
    if d.label.trim().is_empty() {
        errors.push(e("needs a label".into()));
    }
    if d.ty == VarType::Enum {
        match &d.values {
            None => errors.push(e("an enum needs `values`".into())),
            Some(v) if v.is_empty() => errors.push(e("an enum needs at least one value".into())),
            Some(v) => {
                if let Some(l) = &d.labels {
                    if l.len() != v.len() {
                        errors.push(e(format!("has {} labels for {} values", l.len(), v.len())));
                    }
                }
            }
        }
    } else if d.values.is_some() || d.labels.is_some() {
        errors.push(e("only enums take `values` and `labels`".into()));
    }
    if let Some(def) = &d.default {
        let special = matches!((d.ty, def.as_str()), (VarType::Party, Some(s)) if s.starts_with("role:") || s.starts_with("kind:"))
            || matches!((d.ty, def.as_str()), (VarType::List, Some(s)) if s.starts_with("parties:"));
        if !special {
            if let Err(m) = values::normalize(d, def, &sample_parties()) {
                errors.push(e(format!("default {def}: {m}")));
            }
        }
    }
    for (what, b) in [("min", &d.min), ("max", &d.max)] {
        let Some(b) = b else { continue };
        let ok = match d.ty {
            VarType::Date => b.as_str().is_some_and(|s| values::parse_date(s).is_ok()),
            VarType::Duration => b.as_str().is_some_and(|s| values::Duration::parse(s).is_ok()),
            VarType::Money => b.as_str().is_some_and(|s| values::Money::parse(s).is_ok()),
            VarType::Integer => b.is_i64(),
            VarType::Percentage => b.is_number() || b.as_str().is_some_and(|s| values::parse_percent(s).is_ok()),
            _ => false,
        };
        if !ok {
            errors.push(e(format!("{what} {b} does not fit a {} variable", d.ty.as_str())));
        }
    }
}

/// Finds `{{name}}` printed bare (no helper) in a body.
fn bare_uses(src: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else { break };
            let inner = after[..end].trim().trim_start_matches('~').trim_end_matches('~').trim();
            if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.push((i, inner.to_string()));
            }
            rest = &after[end + 2..];
        }
    }
    out
}

fn check_clause(file: &str, c: &ClauseTemplate, errors: &mut Vec<TemplateError>) {
    let m = &c.meta;
    let e = |msg: String| TemplateError::new(file, None, msg);
    if !valid_id(&m.id) {
        errors.push(e(format!("id '{}': ids are lower case letters, digits, '.' and '-'", m.id)));
    }
    if m.title.trim().is_empty() {
        errors.push(e("the clause needs a title".into()));
    }
    if m.kinds.is_empty() {
        errors.push(e("`kinds` must name at least one agreement kind".into()));
    }
    let mut seen = BTreeSet::new();
    for d in &m.variables {
        check_decl(file, d, errors);
        if !seen.insert(d.name.as_str()) {
            errors.push(e(format!("variable {} is declared twice", d.name)));
        }
    }
    if let Some(w) = &m.include_when {
        if let Err(msg) = Cond::parse(w) {
            errors.push(e(format!("include_when: {msg}")));
        }
    }
    // Its own formatted variables must go through their helpers (kind-level names are checked per kind).
    for (i, name) in bare_uses(&c.body) {
        if let Some(d) = m.variables.iter().find(|d| d.name == name) {
            let (needs, helper) = d.ty.needs_helper();
            if needs {
                errors.push(TemplateError::new(
                    file,
                    Some(c.body_line + i),
                    format!("{{{{{name}}}}} prints a {} raw: write {{{{{helper} {name}}}}}", d.ty.as_str()),
                ));
            }
        }
    }
    let mut ob = BTreeSet::new();
    for r in &m.obligations {
        if let Err(problems) = crate::obligations::compile(r) {
            errors.extend(problems.into_iter().map(&e));
        }
        if !ob.insert(r.id.as_str()) {
            errors.push(e(format!("obligation {} is declared twice", r.id)));
        }
    }
    let mut fb = BTreeSet::new();
    for f in &m.fallbacks {
        if !valid_id(&f.id) {
            errors.push(e(format!("fallback id '{}' must be lower case letters, digits and '-'", f.id)));
        }
        if !fb.insert(f.id.as_str()) {
            errors.push(e(format!("fallback {} is declared twice", f.id)));
        }
    }
}

fn check_kind(file: &str, k: &KindTemplate, errors: &mut Vec<TemplateError>) {
    let e = |msg: String| TemplateError::new(file, None, msg);
    if !valid_id(&k.id) {
        errors.push(e(format!("id '{}': ids are lower case letters, digits, '.' and '-'", k.id)));
    }
    if k.sections.is_empty() {
        errors.push(e("a kind needs at least one section".into()));
    }
    let mut seen = BTreeSet::new();
    for s in k.sections.iter().chain(&k.schedules) {
        if !seen.insert(s.as_str()) {
            errors.push(e(format!("clause {s} is listed twice")));
        }
    }
    if let Some(d) = &k.definitions {
        if !k.sections.contains(d) {
            errors.push(e(format!("the definitions clause {d} is not among the sections")));
        }
    }
    for s in &k.party_slots {
        if !valid_var(&s.name) {
            errors.push(e(format!("party slot '{}': names are lower case letters, digits and '_'", s.name)));
        }
        if let Some(d) = &s.default {
            if !(d.starts_with("role:") || d.starts_with("kind:")) {
                errors.push(e(format!("party slot {}: default '{d}' must be role:ROLE or kind:KIND", s.name)));
            }
        }
    }
    for d in k.questions.iter().chain(&k.variables) {
        check_decl(file, d, errors);
    }
    if let Some(r) = &k.recommendation {
        match k.questions.iter().chain(&k.variables).find(|d| d.name == r.variable) {
            None => {
                errors.push(e(format!("recommendation: {} is not a question or variable of this kind", r.variable)))
            }
            Some(d) => {
                for rule in &r.rules {
                    if d.values.as_ref().is_some_and(|v| !v.contains(&rule.value)) {
                        errors.push(e(format!("recommendation: '{}' is not a value of {}", rule.value, r.variable)));
                    }
                    if let Err(m) = Cond::parse(&rule.when) {
                        errors.push(e(format!("recommendation rule '{}': {m}", rule.when)));
                    }
                }
            }
        }
    }
}

/// Checks `files`, in the context of `base` (a library's current templates, which files of the
/// same id replace). Every problem is reported.
pub fn check(files: &[SourceFile], base: &[Template]) -> Checked {
    let mut out = Checked::default();
    for f in files {
        match meta::parse_file(&f.name, &f.text) {
            Ok(t) => {
                match &t {
                    Template::Clause(c) => check_clause(&f.name, c, &mut out.errors),
                    Template::Kind(k) => check_kind(&f.name, k, &mut out.errors),
                }
                out.templates.push((f.name.clone(), t));
            }
            Err(e) => out.errors.push(e),
        }
    }
    // Ids must be unique among the files.
    let mut ids: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for (file, t) in &out.templates {
        if let Some(first) = ids.insert((t.type_name(), t.id()), file) {
            out.errors.push(TemplateError::new(
                file,
                None,
                format!("{} {} is also defined in {first}", t.type_name(), t.id()),
            ));
        }
    }
    // The whole set: files over base.
    let mut all: BTreeMap<(String, String), (String, Template)> = BTreeMap::new();
    for t in base {
        all.insert((t.type_name().into(), t.id().into()), (format!("(library) {}", t.id()), t.clone()));
    }
    for (file, t) in &out.templates {
        all.insert((t.type_name().into(), t.id().into()), (file.clone(), t.clone()));
    }
    let mut lib = Library::new();
    let mut pins: BTreeMap<String, String> = BTreeMap::new();
    let mut files_of: BTreeMap<String, String> = BTreeMap::new();
    for ((ty, id), (file, t)) in &all {
        match lib.add(file, t.clone()) {
            Ok(hash) => {
                if ty == "clause" {
                    pins.insert(id.clone(), hash);
                    files_of.insert(id.clone(), file.clone());
                }
            }
            Err(e) => out.errors.push(e),
        }
    }
    let touched: BTreeSet<&str> = out.templates.iter().map(|(_, t)| t.id()).collect();
    // A clause that names a kind must be one of that kind's sections or schedules.
    for (file, t) in &out.templates {
        let Template::Clause(c) = t else { continue };
        for k in &c.meta.kinds {
            if let Some((_, Template::Kind(kind))) = all.get(&("kind".to_string(), k.clone())) {
                if !kind.sections.contains(&c.meta.id) && !kind.schedules.contains(&c.meta.id) {
                    out.errors.push(TemplateError::new(
                        file,
                        None,
                        format!("{} lists the kind {k}, whose sections do not include it", c.meta.id),
                    ));
                }
            } else {
                out.errors.push(TemplateError::new(
                    file,
                    None,
                    format!("{} lists the kind {k}, which the library does not have", c.meta.id),
                ));
            }
        }
    }
    for ((ty, _), (kfile, t)) in &all {
        let Template::Kind(kind) = t else { continue };
        if ty != "kind" {
            continue;
        }
        check_kind_set(kfile, kind, &lib, &pins, &files_of, &all, &touched, &mut out.errors);
    }
    let mut seen = BTreeSet::new();
    out.errors.retain(|e| seen.insert(e.to_string()));
    out
}

#[allow(clippy::too_many_arguments)]
fn check_kind_set(
    kfile: &str,
    kind: &KindTemplate,
    lib: &Library,
    pins: &BTreeMap<String, String>,
    files_of: &BTreeMap<String, String>,
    all: &BTreeMap<(String, String), (String, Template)>,
    touched: &BTreeSet<&str>,
    errors: &mut Vec<TemplateError>,
) {
    let relevant = touched.contains(kind.id.as_str())
        || kind.sections.iter().chain(&kind.schedules).any(|s| touched.contains(s.as_str()));
    if !relevant {
        return;
    }
    // Sections exist and serve this kind.
    let mut missing = false;
    for id in kind.sections.iter().chain(&kind.schedules) {
        match all.get(&("clause".to_string(), id.clone())) {
            None => {
                errors.push(TemplateError::new(kfile, None, format!("section {id}: no clause with this id")));
                missing = true;
            }
            Some((file, Template::Clause(c))) if !c.meta.kinds.contains(&kind.id) => {
                errors.push(TemplateError::new(
                    file,
                    None,
                    format!("{id} is a section of {} but does not list it in `kinds`", kind.id),
                ));
            }
            _ => {}
        }
    }
    if missing {
        return;
    }
    let Ok(decls) = assemble::declarations(lib, kind, pins) else { return };
    // Types agree wherever a name is declared.
    let mut types: BTreeMap<&str, (VarType, String)> = BTreeMap::new();
    let kind_decls = kind.questions.iter().chain(&kind.variables).map(|d| (d, kfile.to_string()));
    let clause_decls = kind.sections.iter().chain(&kind.schedules).filter_map(|id| {
        let c = lib.clause(pins.get(id)?)?;
        Some(c.meta.variables.iter().map(move |d| (d, files_of.get(id).cloned().unwrap_or_default())))
    });
    for (d, file) in kind_decls.chain(clause_decls.flatten()) {
        if let Some((ty, first)) = types.get(d.name.as_str()) {
            if *ty != d.ty {
                errors.push(TemplateError::new(
                    &file,
                    None,
                    format!("variable {} is a {} here but a {} in {first}", d.name, d.ty.as_str(), ty.as_str()),
                ));
            }
        } else {
            types.insert(&d.name, (d.ty, file));
        }
    }
    for s in &kind.party_slots {
        types.entry(&s.name).or_insert((VarType::Party, kfile.to_string()));
    }
    let declared: BTreeSet<&str> = decls.iter().map(|d| d.decl.name.as_str()).collect();
    // Conditions read declared names.
    for id in kind.sections.iter().chain(&kind.schedules) {
        let Some(c) = pins.get(id).and_then(|h| lib.clause(h)) else { continue };
        let file = files_of.get(id).cloned().unwrap_or_default();
        if let Some(cond) = c.meta.include_when.as_deref().and_then(|w| Cond::parse(w).ok()) {
            for n in cond.names() {
                if !declared.contains(n) {
                    errors.push(TemplateError::new(
                        &file,
                        None,
                        format!("include_when reads {n}, which {} does not declare", kind.id),
                    ));
                }
            }
        }
        // Obligations read declared names of the right type.
        for r in &c.meta.obligations {
            let Ok(compiled) = crate::obligations::compile(r) else { continue };
            for (n, want) in compiled.names() {
                match (types.get(n.as_str()), want) {
                    (None, _) => errors.push(TemplateError::new(
                        &file,
                        None,
                        format!("obligation {} reads {n}, which {} does not declare", r.id, kind.id),
                    )),
                    (Some((ty, _)), Some(want)) if *ty != want => errors.push(TemplateError::new(
                        &file,
                        None,
                        format!("obligation {} reads {n} as a {}, but it is a {}", r.id, want.as_str(), ty.as_str()),
                    )),
                    _ => {}
                }
            }
            if let Some((n, mapped)) = compiled.mapped_every() {
                if let Some(d) = decls.iter().find(|d| d.decl.name == n) {
                    for v in d.decl.values.iter().flatten() {
                        if !mapped.contains(&v.as_str()) {
                            errors.push(TemplateError::new(
                                &file,
                                None,
                                format!("obligation {}: every_values has no entry for {n} = '{v}'", r.id),
                            ));
                        }
                    }
                }
            }
        }
        // Formatted types must go through their helper.
        for (i, name) in bare_uses(&c.body) {
            if let Some((ty, _)) = types.get(name.as_str()) {
                let (needs, helper) = ty.needs_helper();
                if needs {
                    errors.push(TemplateError::new(
                        &file,
                        Some(c.body_line + i),
                        format!("{{{{{name}}}}} prints a {} raw: write {{{{{helper} {name}}}}}", ty.as_str()),
                    ));
                }
            }
        }
    }
    // Trial renderings: every part of every clause, with values on and off.
    let numbers: BTreeSet<String> = kind.sections.iter().chain(&kind.schedules).cloned().collect();
    for truthy in [true, false] {
        let mut ctx = Map::new();
        for d in &decls {
            let v = if !truthy && !d.decl.required { Json::Null } else { sample_value(&d.decl, truthy) };
            ctx.insert(d.decl.name.clone(), v);
        }
        let parties = sample_parties();
        ctx.insert("parties".into(), Json::Array(parties.iter().map(|p| json!({"legal_name": p.legal_name, "short_name": p.short(), "address": p.address, "registration_number": p.registration_number, "country": p.country, "country_name": p.country_name, "slot": null})).collect()));
        ctx.insert("_party".into(), Json::Object(parties.iter().map(|p| (p.id.to_string(), json!({"legal_name": p.legal_name, "short_name": p.short(), "address": p.address, "country_name": p.country_name}))).collect()));
        let ctx = Json::Object(ctx);
        let mut parts: Vec<(String, String, usize)> = Vec::new();
        for id in kind.sections.iter().chain(&kind.schedules) {
            let Some(hash) = pins.get(id) else { continue };
            let Some(c) = lib.clause(hash) else { continue };
            let file = files_of.get(id).cloned().unwrap_or_default();
            parts.push((body_name(hash, None), file.clone(), c.body_line));
            for f in &c.meta.fallbacks {
                parts.push((body_name(hash, Some(&f.id)), file.clone(), 0));
            }
            for i in 0..c.meta.defines.len() {
                parts.push((part_name(hash, "def", i), file.clone(), 0));
            }
        }
        let khash = Template::Kind(kind.clone()).hash();
        for i in 0..kind.defines.len() {
            parts.push((part_name(&khash, "def", i), kfile.to_string(), 0));
        }
        for i in 0..kind.recitals.len() {
            parts.push((part_name(&khash, "recital", i), kfile.to_string(), 0));
        }
        for (name, file, first) in parts {
            match lib.hb.render(&name, &ctx) {
                Ok(text) => {
                    let mut rest = text.as_str();
                    while let Some(s) = rest.find(REF_OPEN) {
                        let after = &rest[s + REF_OPEN.len_utf8()..];
                        let Some(end) = after.find(REF_CLOSE) else { break };
                        let target = after[..end].split('#').next().unwrap_or_default();
                        if !numbers.contains(target) {
                            errors.push(TemplateError::new(
                                &file,
                                None,
                                format!("refers to {target}, which is not a section of {}", kind.id),
                            ));
                        }
                        rest = &after[end..];
                    }
                }
                Err(e) => {
                    let line = match (first, e.line_no) {
                        (f, Some(l)) if f > 0 => Some(f + l - 1),
                        _ => None,
                    };
                    let reason = e.reason().to_string();
                    let reason =
                        if reason.contains("strict mode") || reason.contains("not found") || reason.contains("Missing")
                        {
                            format!("{reason}: a name used here is not declared by the clause or by {}", kind.id)
                        } else {
                            reason
                        };
                    errors.push(TemplateError::new(&file, line, format!("in {} (trial rendering): {reason}", kind.id)));
                }
            }
        }
    }
}
