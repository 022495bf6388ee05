//! The changes between two drafts of one agreement (ours and a partner's), change by change,
//! and a draft with some of them accepted.

use crate::DraftSpec;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeSet;

/// What kind of thing a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChangeOf {
    /// A variable's value.
    Value,
    /// The wording chosen for a clause (standard or a fallback).
    Fallback,
    /// The clause's text: another version of it, added or removed.
    Clause,
    /// The agreement's title.
    Title,
}

/// One difference between the partner's draft and our latest revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Change {
    /// `value:NAME`, `fallback:CLAUSE`, `clause:CLAUSE` or `title`: what accept / reject name.
    pub id: String,
    pub of: ChangeOf,
    /// The variable or clause it is about.
    pub target: String,
    /// A label for people (the clause's title, the variable's name).
    pub label: String,
    pub ours: Option<Json>,
    pub theirs: Option<Json>,
    /// The partner's clause text is not an approved version of our library.
    pub non_standard: bool,
}

/// Every change from `ours` to `theirs`: title, clause versions, fallback wordings, values.
/// `title_of` names a template version (by hash); `standard` says whether one is an approved
/// version of our library.
pub fn between(
    ours: &DraftSpec,
    theirs: &DraftSpec,
    title_of: &dyn Fn(&str) -> String,
    standard: &dyn Fn(&str) -> bool,
) -> Vec<Change> {
    let mut changes = Vec::new();
    if ours.title != theirs.title {
        changes.push(Change {
            id: "title".into(),
            of: ChangeOf::Title,
            target: "title".into(),
            label: "Title".into(),
            ours: Some(Json::from(ours.title.clone())),
            theirs: Some(Json::from(theirs.title.clone())),
            non_standard: false,
        });
    }
    let clause_ids: BTreeSet<&String> = ours.clauses.keys().chain(theirs.clauses.keys()).collect();
    // A clause the draft leaves out counts as absent.
    let pin = |s: &'_ DraftSpec, cid: &str| if s.omitted.contains(cid) { None } else { s.clauses.get(cid).cloned() };
    for cid in clause_ids {
        let (o, t) = (pin(ours, cid), pin(theirs, cid));
        let (o, t) = (o.as_ref(), t.as_ref());
        if o != t {
            let label = t.or(o).map(|h| title_of(h)).unwrap_or_else(|| cid.clone());
            changes.push(Change {
                id: format!("clause:{cid}"),
                of: ChangeOf::Clause,
                target: cid.clone(),
                label,
                ours: o.map(|h| Json::from(h.clone())),
                theirs: t.map(|h| Json::from(h.clone())),
                non_standard: t.is_some_and(|h| !standard(h)),
            });
        }
    }
    let fb_ids: BTreeSet<&String> = ours.fallbacks.keys().chain(theirs.fallbacks.keys()).collect();
    for cid in fb_ids {
        let (o, t) = (ours.fallbacks.get(cid), theirs.fallbacks.get(cid));
        if o != t {
            changes.push(Change {
                id: format!("fallback:{cid}"),
                of: ChangeOf::Fallback,
                target: cid.clone(),
                label: format!("Wording of {cid}"),
                ours: o.map(|v| Json::from(v.clone())),
                theirs: t.map(|v| Json::from(v.clone())),
                non_standard: false,
            });
        }
    }
    let names: BTreeSet<&String> = ours.values.keys().chain(theirs.values.keys()).collect();
    for name in names {
        let (o, t) = (ours.values.get(name), theirs.values.get(name));
        if o != t {
            changes.push(Change {
                id: format!("value:{name}"),
                of: ChangeOf::Value,
                target: name.clone(),
                label: name.replace('_', " "),
                ours: o.cloned(),
                theirs: t.cloned(),
                non_standard: false,
            });
        }
    }
    changes
}

/// `ours` with the `accepted` changes taken from `theirs`.
pub fn apply(ours: &DraftSpec, theirs: &DraftSpec, accepted: &[&Change]) -> DraftSpec {
    fn take<V: Clone>(
        map: &mut std::collections::BTreeMap<String, V>,
        from: &std::collections::BTreeMap<String, V>,
        key: &str,
    ) {
        match from.get(key) {
            Some(v) => {
                map.insert(key.to_string(), v.clone());
            }
            None => {
                map.remove(key);
            }
        }
    }
    let mut merged = ours.clone();
    for c in accepted {
        match c.of {
            ChangeOf::Title => merged.title = theirs.title.clone(),
            ChangeOf::Clause if theirs.omitted.contains(&c.target) => {
                // Left out, its version still pinned (the kind lists it).
                merged.omitted.insert(c.target.clone());
            }
            ChangeOf::Clause => {
                merged.omitted.remove(&c.target);
                take(&mut merged.clauses, &theirs.clauses, &c.target);
                take(&mut merged.placed, &theirs.placed, &c.target);
            }
            ChangeOf::Fallback => take(&mut merged.fallbacks, &theirs.fallbacks, &c.target),
            ChangeOf::Value => take(&mut merged.values, &theirs.values, &c.target),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(title: &str, clause: &str, value: i64, fallback: Option<&str>) -> DraftSpec {
        DraftSpec {
            kind: "nda-mutual".into(),
            kind_version: "k".into(),
            title: title.into(),
            clauses: [("nda.term".to_string(), clause.to_string())].into(),
            values: [("term_years".to_string(), Json::from(value))].into(),
            fallbacks: fallback.map(|f| ("nda.term".to_string(), f.to_string())).into_iter().collect(),
            parties: Vec::new(),
            flags: BTreeSet::new(),
            omitted: BTreeSet::new(),
            placed: Default::default(),
        }
    }

    #[test]
    fn every_change_is_listed_and_accepting_all_gives_theirs() {
        let ours = spec("Mutual NDA", "aaaa", 2, None);
        let theirs = spec("Mutual Confidentiality Agreement", "bbbb", 3, Some("short"));
        let changes = between(&ours, &theirs, &|h| format!("Term {h}"), &|h| h == "aaaa");
        let ids: Vec<&str> = changes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["title", "clause:nda.term", "fallback:nda.term", "value:term_years"]);
        assert!(changes[1].non_standard && changes[1].label == "Term bbbb");
        let all: Vec<&Change> = changes.iter().collect();
        assert_eq!(apply(&ours, &theirs, &all), theirs);
        assert_eq!(apply(&ours, &theirs, &[]), ours);
        let only_value: Vec<&Change> = changes.iter().filter(|c| c.of == ChangeOf::Value).collect();
        let merged = apply(&ours, &theirs, &only_value);
        assert_eq!((merged.values["term_years"].clone(), merged.title.as_str()), (Json::from(3), "Mutual NDA"));
        assert!(between(&ours, &ours, &|h| h.into(), &|_| true).is_empty());
    }

    #[test]
    fn a_clause_left_out_or_added_is_one_change() {
        let ours = spec("NDA", "aaaa", 2, None);
        let mut theirs = ours.clone();
        theirs.omitted.insert("nda.term".into());
        theirs.clauses.insert("partner.export".into(), "cccc".into());
        theirs.placed.insert("partner.export".into(), "nda.term".into());
        let changes = between(&ours, &theirs, &|h| h.into(), &|h| h == "aaaa");
        let ids: Vec<&str> = changes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["clause:nda.term", "clause:partner.export"]);
        assert!(changes[0].theirs.is_none() && changes[1].ours.is_none() && changes[1].non_standard);
        let all: Vec<&Change> = changes.iter().collect();
        let merged = apply(&ours, &theirs, &all);
        assert_eq!(merged, theirs);
        // Rejecting the removal keeps the clause; accepting only the addition places it.
        let merged = apply(&ours, &theirs, &all[1..]);
        assert!(merged.omitted.is_empty() && merged.placed["partner.export"] == "nda.term");
    }
}
