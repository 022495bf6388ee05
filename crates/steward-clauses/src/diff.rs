//! Redlines between two renderings of an agreement: clause by clause (added, removed, changed,
//! moved), then word by word inside each changed clause.

use crate::document::{Document, Section, escape};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
    Moved,
    Unchanged,
}

/// A run of words: kept, deleted or inserted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WordRun {
    pub op: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClauseDiff {
    pub clause_id: String,
    pub title: String,
    pub change: ChangeKind,
    /// Also moved, when a changed clause changed place too.
    pub moved: bool,
    pub old_number: Option<String>,
    pub new_number: Option<String>,
    pub old_version: Option<String>,
    pub new_version: Option<String>,
    pub words: Vec<WordRun>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Redline {
    pub clauses: Vec<ClauseDiff>,
}

impl Redline {
    pub fn changed(&self) -> impl Iterator<Item = &ClauseDiff> {
        self.clauses.iter().filter(|c| c.change != ChangeKind::Unchanged)
    }
}

fn all_sections(d: &Document) -> Vec<&Section> {
    let mut v: Vec<&Section> = Vec::new();
    v.extend(&d.sections);
    v.extend(&d.schedules);
    v
}

/// The front matter (title, parties, recitals) compared as a pseudo-clause.
fn front(d: &Document) -> String {
    let mut s = d.title.clone();
    if let Some(date) = &d.date {
        s.push_str(&format!("\nDated {date}"));
    }
    for p in &d.parties {
        s.push_str(&format!("\n({}) {}, {} ({})", p.number, p.legal_name, p.description, p.short_name));
    }
    for r in &d.recitals {
        s.push_str(&format!("\n({}) {}", r.letter, r.text));
    }
    s
}

/// Word runs as text: `[-deleted-]{+inserted+}`, kept words as they are.
pub fn words_to_text(runs: &[WordRun]) -> String {
    let mut t = String::new();
    for r in runs {
        match r.op {
            "delete" => t.push_str(&format!("[-{}-]", r.text)),
            "insert" => t.push_str(&format!("{{+{}+}}", r.text)),
            _ => t.push_str(&r.text),
        }
    }
    t
}

/// Word-by-word runs from `old` to `new` (kept, deleted, inserted).
pub fn words(old: &str, new: &str) -> Vec<WordRun> {
    let diff = TextDiff::from_words(old, new);
    let mut runs: Vec<WordRun> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Delete => "delete",
            ChangeTag::Insert => "insert",
        };
        match runs.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => runs.push(WordRun { op, text: change.value().to_string() }),
        }
    }
    runs
}

/// Compares two renderings of an agreement.
pub fn redline(old: &Document, new: &Document) -> Redline {
    let olds = all_sections(old);
    let news = all_sections(new);
    let mut clauses = Vec::new();

    let (fo, fnew) = (front(old), front(new));
    clauses.push(ClauseDiff {
        clause_id: "front".into(),
        title: "Title, parties and background".into(),
        change: if fo == fnew { ChangeKind::Unchanged } else { ChangeKind::Changed },
        moved: false,
        old_number: None,
        new_number: None,
        old_version: None,
        new_version: None,
        words: if fo == fnew { vec![] } else { words(&fo, &fnew) },
    });

    // Clauses present in both, in each order; those off the longest common order have moved.
    let old_ids: Vec<&str> =
        olds.iter().map(|s| s.clause_id.as_str()).filter(|id| news.iter().any(|n| n.clause_id == *id)).collect();
    let new_ids: Vec<&str> =
        news.iter().map(|s| s.clause_id.as_str()).filter(|id| olds.iter().any(|o| o.clause_id == *id)).collect();
    let mut in_order = std::collections::HashSet::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old_ids, &new_ids) {
        if let similar::DiffOp::Equal { old_index, len, .. } = op {
            for id in &old_ids[old_index..old_index + len] {
                in_order.insert(*id);
            }
        }
    }

    for n in &news {
        match olds.iter().find(|o| o.clause_id == n.clause_id) {
            None => clauses.push(ClauseDiff {
                clause_id: n.clause_id.clone(),
                title: n.title.clone(),
                change: ChangeKind::Added,
                moved: false,
                old_number: None,
                new_number: Some(n.number.clone()),
                old_version: None,
                new_version: Some(n.version.clone()),
                words: vec![WordRun { op: "insert", text: n.plain() }],
            }),
            Some(o) => {
                let moved = !in_order.contains(n.clause_id.as_str());
                let (po, pn) = (o.content(), n.content());
                let change = if po != pn {
                    ChangeKind::Changed
                } else if moved {
                    ChangeKind::Moved
                } else {
                    ChangeKind::Unchanged
                };
                clauses.push(ClauseDiff {
                    clause_id: n.clause_id.clone(),
                    title: n.title.clone(),
                    change,
                    moved,
                    old_number: Some(o.number.clone()),
                    new_number: Some(n.number.clone()),
                    old_version: Some(o.version.clone()),
                    new_version: Some(n.version.clone()),
                    words: if po == pn { vec![] } else { words(&po, &pn) },
                });
            }
        }
    }
    for o in olds.iter().filter(|o| !news.iter().any(|n| n.clause_id == o.clause_id)) {
        clauses.push(ClauseDiff {
            clause_id: o.clause_id.clone(),
            title: o.title.clone(),
            change: ChangeKind::Removed,
            moved: false,
            old_number: Some(o.number.clone()),
            new_number: None,
            old_version: Some(o.version.clone()),
            new_version: None,
            words: vec![WordRun { op: "delete", text: o.plain() }],
        });
    }
    Redline { clauses }
}

impl Redline {
    /// Text: one heading per changed clause, deletions as `[-…-]`, insertions as `{+…+}`.
    pub fn to_text(&self) -> String {
        let mut t = String::new();
        let changed: Vec<&ClauseDiff> = self.changed().collect();
        if changed.is_empty() {
            return "No differences.\n".into();
        }
        for c in changed {
            let num = match (&c.old_number, &c.new_number) {
                (Some(o), Some(n)) if o != n => format!("{o} \u{2192} {n}"),
                (_, Some(n)) => n.clone(),
                (Some(o), None) => o.clone(),
                (None, None) => String::new(),
            };
            let what = match (c.change, c.moved) {
                (ChangeKind::Changed, true) => "changed and moved".to_string(),
                (k, _) => format!("{k:?}").to_lowercase(),
            };
            t.push_str(&format!("== {num} {} ({}) [{what}]\n", c.title, c.clause_id).replace("==  ", "== "));
            if c.change == ChangeKind::Changed {
                t.push_str(&words_to_text(&c.words));
                t.push('\n');
            }
            t.push('\n');
        }
        t
    }

    /// HTML fragment with `<del>` and `<ins>`.
    pub fn to_html(&self) -> String {
        let mut h = String::from("<div class=\"redline\">\n");
        for c in self.changed() {
            h.push_str(&format!(
                "<section class=\"change {:?}\" data-clause=\"{}\"><h3>{} <small>{}</small></h3>\n<p>",
                c.change,
                escape(&c.clause_id),
                escape(&c.title),
                escape(&format!("{:?}", c.change).to_lowercase())
            ));
            for r in &c.words {
                match r.op {
                    "delete" => h.push_str(&format!("<del>{}</del>", escape(&r.text))),
                    "insert" => h.push_str(&format!("<ins>{}</ins>", escape(&r.text))),
                    _ => h.push_str(&escape(&r.text)),
                }
            }
            h.push_str("</p></section>\n");
        }
        h.push_str("</div>\n");
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, Section};

    fn doc(sections: &[(&str, &str)]) -> Document {
        Document {
            kind: "k".into(),
            title: "T".into(),
            date: None,
            parties: vec![],
            recitals: vec![],
            sections: sections
                .iter()
                .enumerate()
                .map(|(i, (id, text))| Section {
                    clause_id: id.to_string(),
                    number: (i + 1).to_string(),
                    title: id.to_uppercase(),
                    version: "v".into(),
                    fallback: None,
                    guidance: String::new(),
                    blocks: vec![Block {
                        number: Some(format!("{}.1", i + 1)),
                        level: 2,
                        anchor: None,
                        text: text.to_string(),
                        refs: Vec::new(),
                    }],
                })
                .collect(),
            schedules: vec![],
            signatures: vec![],
        }
    }

    #[test]
    fn added_removed_changed_and_moved() {
        let old = doc(&[("a", "alpha"), ("b", "bravo"), ("c", "charlie"), ("d", "delta")]);
        let new = doc(&[("a", "alpha"), ("c", "charlie"), ("b", "bravo"), ("d", "delta two"), ("e", "echo")]);
        let r = redline(&old, &new);
        let kinds: Vec<(String, ChangeKind)> = r.changed().map(|c| (c.clause_id.clone(), c.change)).collect();
        // b and c swapped: one of them is off the longest common order and counts as moved.
        let moved: Vec<&str> =
            kinds.iter().filter(|(_, k)| *k == ChangeKind::Moved).map(|(id, _)| id.as_str()).collect();
        assert!(moved == ["b"] || moved == ["c"], "{kinds:?}");
        assert!(kinds.contains(&("d".into(), ChangeKind::Changed)), "{kinds:?}");
        assert!(kinds.contains(&("e".into(), ChangeKind::Added)), "{kinds:?}");
        assert_eq!(kinds.len(), 3, "a renumbered clause is not a changed one: {kinds:?}");
        let r2 = redline(&new, &old);
        assert!(r2.changed().any(|c| c.clause_id == "e" && c.change == ChangeKind::Removed));
        let text = r.to_text();
        assert!(text.contains("delta{+ two+}") || text.contains("delta {+two+}"), "{text}");
        assert!(r.to_html().contains("<ins>"));
        assert_eq!(redline(&old, &old).to_text(), "No differences.\n");
    }
}
