//! What the agreement builder shows: the form of a kind (questions, variables by clause, guidance,
//! fallbacks, conditions) and a live preview rendered without saving.

use crate::error::{Error, Result};
use crate::{Id, Steward};
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use steward_clauses::Recommended;
use steward_clauses::document::Document;

/// What the agreement builder asks for a kind: its questions, then every variable grouped by the
/// clause that declares it, with the clause's reviewer guidance and fallback wordings.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DraftForm {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub kind_version: i64,
    pub party_slots: Vec<steward_clauses::meta::PartySlot>,
    pub questions: Vec<steward_clauses::values::VarDecl>,
    /// Variables the kind itself declares.
    pub variables: Vec<steward_clauses::values::VarDecl>,
    pub clauses: Vec<FormClause>,
    /// The rules behind the recommendation, each with its reason.
    pub recommendation: Option<steward_clauses::meta::Recommendation>,
    /// Each recommendation rule's condition in plain words, in the rules' order.
    pub recommendation_when: Vec<String>,
}

/// A clause as the builder shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FormClause {
    pub id: String,
    pub title: String,
    pub version: i64,
    pub guidance: String,
    /// The condition under which the clause is part of the agreement (always, when absent).
    pub include_when: Option<String>,
    /// The same in plain words, with the form's labels.
    pub include_when_words: Option<String>,
    /// Variables first declared by this clause (a variable shared by clauses is asked once).
    pub variables: Vec<steward_clauses::values::VarDecl>,
    pub fallbacks: Vec<FormFallback>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FormFallback {
    pub id: String,
    pub label: String,
    pub guidance: String,
}

/// A draft rendered without being saved (the builder's live preview).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Preview {
    pub document: Document,
    pub recommendation: Option<Recommended>,
}

impl Steward {
    /// The form the builder shows for a new draft of `kind` (the newest approved versions).
    pub fn agreement_form(&self, kind: &str) -> Result<DraftForm> {
        let (kind_hash, pins) = self.current_pins(kind)?;
        let lib = self.library_with(std::iter::once(kind_hash.as_str()).chain(pins.values().map(String::as_str)))?;
        let k = lib.kind(&kind_hash).ok_or_else(|| Error::not_found("kind version", &kind_hash))?;
        let version_of =
            |hash: &str| self.store().template_version(hash).ok().flatten().map(|r| r.version).unwrap_or(0);
        let mut seen: BTreeSet<String> = k.questions.iter().chain(&k.variables).map(|v| v.name.clone()).collect();
        // Every variable of the form, for the wording of conditions.
        let decls: Vec<&steward_clauses::values::VarDecl> = k
            .questions
            .iter()
            .chain(&k.variables)
            .chain(pins.values().filter_map(|h| lib.clause(h)).flat_map(|c| c.meta.variables.iter()))
            .collect();
        let naming = |n: &str| {
            let d = decls.iter().find(|d| d.name == n)?;
            let values = d.values.clone().unwrap_or_default();
            let labels = d.labels.clone().unwrap_or_default();
            Some(steward_clauses::cond::Naming {
                label: d.label.clone(),
                yes_no: d.ty == steward_clauses::values::VarType::Bool,
                choices: values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (v.clone(), labels.get(i).cloned().unwrap_or_else(|| v.clone())))
                    .collect(),
            })
        };
        let words = |expr: &str| {
            steward_clauses::cond::Cond::parse(expr).map_or_else(|_| expr.to_string(), |c| c.describe(&naming))
        };
        let mut clauses = Vec::new();
        for id in k.sections.iter().chain(&k.schedules) {
            let Some(hash) = pins.get(id) else { continue };
            let Some(c) = lib.clause(hash) else { continue };
            clauses.push(FormClause {
                id: id.clone(),
                title: c.meta.title.clone(),
                version: version_of(hash),
                guidance: c.meta.guidance.trim().to_string(),
                include_when: c.meta.include_when.clone(),
                include_when_words: c.meta.include_when.as_deref().map(words),
                variables: c.meta.variables.iter().filter(|v| seen.insert(v.name.clone())).cloned().collect(),
                fallbacks: c
                    .meta
                    .fallbacks
                    .iter()
                    .map(|f| FormFallback { id: f.id.clone(), label: f.label.clone(), guidance: f.guidance.clone() })
                    .collect(),
            });
        }
        Ok(DraftForm {
            kind: k.id.clone(),
            title: k.title.clone(),
            description: k.description.trim().to_string(),
            kind_version: version_of(&kind_hash),
            party_slots: k.party_slots.clone(),
            questions: k.questions.clone(),
            variables: k.variables.clone(),
            clauses,
            recommendation_when: k
                .recommendation
                .iter()
                .flat_map(|r| r.rules.iter().map(|rule| words(&rule.when)))
                .collect(),
            recommendation: k.recommendation.clone(),
        })
    }

    /// Renders a draft without saving it: a new one of `kind` for `collab`, or, with `agreement`,
    /// that agreement's latest revision with these changes. Invalid values fail as they would on
    /// save, each naming its variable.
    pub fn preview_agreement(
        &self,
        collab: Id,
        kind: &str,
        set: BTreeMap<String, Json>,
        fallbacks: BTreeMap<String, String>,
        agreement: Option<Id>,
    ) -> Result<Preview> {
        let input = match agreement {
            Some(id) => self.update_input(id, set, fallbacks)?,
            None => self.new_draft_input(collab, kind, set, fallbacks, None)?,
        };
        let (_, recommendation, document) = self.prepare_and_render(&input)?;
        Ok(Preview { document, recommendation })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FixedClock, SequentialIds};
    use std::sync::Arc;

    fn demo() -> (Steward, crate::demo::Demo) {
        let clock = Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH));
        let mut s = Steward::open_in_memory(clock).expect("store").with_ids(Arc::new(SequentialIds::default()));
        let d = s.install_demo().expect("demo");
        (s, d)
    }

    #[test]
    fn the_builder_form_groups_variables_by_clause_with_guidance() {
        let (s, _) = demo();
        let form = s.agreement_form("nda-mutual").expect("form");
        assert_eq!(form.kind, "nda-mutual");
        assert_eq!(form.party_slots.len(), 2);
        assert!(form.questions.iter().any(|q| q.name == "marking_required"));
        assert!(form.clauses.iter().any(|c| !c.guidance.is_empty()), "reviewer guidance travels with the clauses");
        let mut names: Vec<&str> =
            form.clauses.iter().flat_map(|c| c.variables.iter().map(|v| v.name.as_str())).collect();
        let total = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), total, "a variable is asked once");
        let collab = s.agreement_form("collaboration").expect("form");
        assert!(collab.recommendation.as_ref().is_some_and(|r| r.rules.len() == collab.recommendation_when.len()));
        // Conditions come worded with the form's labels, never as raw expressions.
        assert!(!collab.recommendation_when.is_empty());
        for w in
            collab.recommendation_when.iter().chain(collab.clauses.iter().filter_map(|c| c.include_when_words.as_ref()))
        {
            assert!(!w.contains("&&") && !w.contains("||") && !w.contains("flag."), "{w}");
            assert!(w.contains('\u{201c}') || w.contains("countr") || w.contains("Trusted"), "{w}");
        }
        let e = s.agreement_form("no-such-kind").expect_err("unknown kind");
        assert_eq!(e.kind(), crate::ErrorKind::Invalid);
    }

    #[test]
    fn a_preview_renders_without_saving_and_names_bad_values() {
        let (s, d) = demo();
        let before = s.agreements(Some(d.collaboration_id)).expect("list").len();
        let values: super::super::Values =
            serde_json::from_str(steward_clauses::shipped::demo_values("nda-mutual").expect("demo values"))
                .expect("json");
        let p = s
            .preview_agreement(d.collaboration_id, "nda-mutual", values.clone(), BTreeMap::new(), None)
            .expect("preview");
        assert!(!p.document.sections.is_empty());
        assert_eq!(s.agreements(Some(d.collaboration_id)).expect("list").len(), before, "nothing saved");
        let mut bad = values;
        bad.insert("effective_date".into(), Json::from("31 February"));
        let e = s.preview_agreement(d.collaboration_id, "nda-mutual", bad, BTreeMap::new(), None).expect_err("bad");
        assert!(e.field_errors().iter().any(|f| f.field == "effective_date"), "{e}");
        // An existing agreement previews with its own pins and values.
        let p = s
            .preview_agreement(d.collaboration_id, "", BTreeMap::new(), BTreeMap::new(), Some(d.agreement_ids[0]))
            .expect("existing");
        assert_eq!(p.document.to_text(), s.render_agreement(d.agreement_ids[0], None).expect("render").to_text());
    }
}
