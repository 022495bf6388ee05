//! Agreements drafted from the library: a draft answers a kind's questions and fills its clauses'
//! typed variables; each save is a revision that pins the clause versions it used (by hash), so it
//! renders the same text however the library moves on, until it is explicitly upgraded.

mod form;
mod vars;

pub use form::{DraftForm, FormClause, FormFallback, Preview};
pub use vars::parse_vars_file;

use crate::error::{Error, FieldError, Invalid, Result};
use crate::{Id, Steward};
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use steward_clauses::diff::{self, Redline};
use steward_clauses::document::Document;
use steward_clauses::values::PartyInfo;
use steward_clauses::{DraftInput, DraftSpec, Recommended, assemble};

pub use crate::store::{AgreementInfo, AgreementRow, RevisionRow, RevisionSignature};

/// Variable values as typed, by name.
pub type Values = BTreeMap<String, Json>;
/// Clause id → chosen fallback wording.
pub type Fallbacks = BTreeMap<String, String>;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AgreementDetail {
    /// The agreement's record (its revisions are listed below, not counted).
    #[serde(flatten)]
    pub agreement: AgreementInfo,
    pub revisions: Vec<RevisionRow>,
    /// Every signature on its revisions (ours and partners'), by revision.
    pub signatures: Vec<RevisionSignature>,
    /// The latest revision's values.
    pub values: BTreeMap<String, Json>,
    pub fallbacks: BTreeMap<String, String>,
    pub clauses: BTreeMap<String, String>,
    pub recommendation: Option<Recommended>,
}

/// What a new or updated draft came to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Saved {
    pub agreement_id: Id,
    pub revision: i64,
    pub recommendation: Option<Recommended>,
}

/// A draft moved to newer clause versions.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Upgrade {
    pub agreement_id: Id,
    pub revision: Option<i64>,
    /// Clause id → (old version, new version).
    pub moved: BTreeMap<String, (i64, i64)>,
}

fn problems(p: Vec<steward_clauses::Problem>) -> Error {
    Error::Invalid(Invalid(
        p.into_iter()
            .map(|p| {
                let field = if p.variable.is_empty() { p.clause.clone() } else { p.variable.clone() };
                FieldError::in_clause(field, p.message, p.clause)
            })
            .collect(),
    ))
}

impl Steward {
    /// Kind version and clause pins that a new draft (or an upgrade) of `kind` uses.
    fn current_pins(&self, kind: &str) -> Result<(String, BTreeMap<String, String>)> {
        let approved = self.approved()?;
        let kinds: Vec<&str> = approved.keys().filter(|(t, _)| t == "kind").map(|(_, id)| id.as_str()).collect();
        let krow = approved.get(&("kind".to_string(), kind.to_string())).ok_or_else(|| {
            Error::invalid(
                "kind",
                format!("'{kind}' is not an agreement kind with an approved version (kinds: {})", kinds.join(", ")),
            )
        })?;
        let lib = self.library_with([krow.hash.as_str()])?;
        let k = lib.kind(&krow.hash).ok_or_else(|| Error::not_found("kind version", &krow.hash))?;
        let mut pins = BTreeMap::new();
        let mut missing = Vec::new();
        for id in k.sections.iter().chain(&k.schedules) {
            match approved.get(&("clause".to_string(), id.clone())) {
                Some(r) => {
                    pins.insert(id.clone(), r.hash.clone());
                }
                None => {
                    // Named by its title (the newest version's) so the message reads as the library shows it.
                    let title = self.store().template_title(id)?.unwrap_or_else(|| id.clone());
                    missing.push(FieldError::in_clause(
                        id.clone(),
                        format!("the clause “{title}” has no approved version: approve one in the clause library before drafting"),
                        id.clone(),
                    ))
                }
            }
        }
        if !missing.is_empty() {
            return Err(Error::Invalid(Invalid(missing)));
        }
        Ok((krow.hash.clone(), pins))
    }

    /// The parties of a collaboration as a draft sees them (lead first).
    pub(crate) fn party_infos(&self, collab: Id) -> Result<Vec<PartyInfo>> {
        Ok(self
            .collaboration(collab)?
            .members
            .into_iter()
            .map(|m| PartyInfo {
                id: m.party.id,
                country_name: crate::domain::validate::country_name(&m.party.country)
                    .unwrap_or(&m.party.country)
                    .to_string(),
                legal_name: m.party.legal_name,
                short_name: m.party.short_name,
                kind: m.party.kind.as_str().to_string(),
                role: m.role.as_str().to_string(),
                registration_number: m.party.registration_number,
                address: m.party.address,
                country: m.party.country,
            })
            .collect())
    }

    /// Trusted Research flags of a collaboration that clause conditions can read.
    pub(crate) fn flags(&self, parties: &[PartyInfo]) -> BTreeSet<String> {
        let mut flags = BTreeSet::new();
        let countries: BTreeSet<&str> = parties.iter().map(|p| p.country.as_str()).collect();
        if countries.len() > 1 {
            flags.insert("international".to_string());
        }
        flags
    }

    /// Validates and completes a draft, and renders it once: nothing is stored that cannot render.
    pub(crate) fn prepare_draft(&self, input: &DraftInput) -> Result<(DraftSpec, Option<Recommended>)> {
        self.prepare_and_render(input).map(|(spec, recommendation, _)| (spec, recommendation))
    }

    fn prepare_and_render(&self, input: &DraftInput) -> Result<(DraftSpec, Option<Recommended>, Document)> {
        let lib = self.library_with(
            std::iter::once(input.kind_version.as_str()).chain(input.pins.values().map(String::as_str)),
        )?;
        let (spec, recommendation) = assemble::prepare(&lib, input).map_err(problems)?;
        let doc = assemble::render(&lib, &spec).map_err(|e| Error::invalid(e.clause.clone(), e.message))?;
        Ok((spec, recommendation, doc))
    }

    pub(crate) fn save_revision(&mut self, agreement: Id, spec: &DraftSpec, note: Option<&str>) -> Result<i64> {
        let canonical = spec.canonical();
        let spec_hash = steward_clauses::canonical::sha256_hex(canonical.as_bytes());
        let pins: Vec<(&str, &str)> = spec.clauses.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let by = self.actor().to_string();
        let now = self.now();
        let n = self.store().insert_revision(
            agreement,
            &spec.kind_version,
            &canonical,
            &spec_hash,
            &pins,
            note,
            &by,
            now,
        )?;
        // The versions are compiled already (the draft was prepared on them): keep its rendering.
        if let Ok(doc) = self.render_spec_document(spec) {
            self.keep_rendering(&spec_hash, &doc);
        }
        Ok(n)
    }

    /// Drafts a new agreement of `kind` for a collaboration, from values as typed. Every missing
    /// or invalid value is reported at once; nothing is stored unless the draft is complete.
    pub fn create_agreement(
        &mut self,
        collab: Id,
        kind: &str,
        set: BTreeMap<String, Json>,
        fallbacks: BTreeMap<String, String>,
        title: Option<String>,
    ) -> Result<Saved> {
        let c = self.collaboration(collab)?;
        if c.collaboration.archived {
            return Err(Error::Conflict(format!("collaboration {collab} is archived")));
        }
        self.drafting_gate(collab)?;
        let input = self.new_draft_input(collab, kind, set, fallbacks, title)?;
        let (spec, recommendation) = self.prepare_draft(&input)?;
        let uid = self.new_uid();
        let now = self.now();
        let (id, revision) = self.atomically(|s| {
            let id = s.store().insert_agreement(&uid, collab, &spec.kind, &spec.title, now)?;
            let n = s.save_revision(id, &spec, Some("created"))?;
            Ok((id, n))
        })?;
        Ok(Saved { agreement_id: id, revision, recommendation })
    }

    pub(crate) fn spec_of(&self, agreement: Id, revision: Option<i64>) -> Result<(RevisionRow, DraftSpec)> {
        let revs = self.store().revisions(agreement)?;
        let row = match revision {
            Some(n) => revs
                .into_iter()
                .find(|r| r.number == n)
                .ok_or_else(|| Error::not_found("revision", format!("{n} of agreement {agreement}")))?,
            None => revs.into_iter().last().ok_or_else(|| Error::not_found("agreement", agreement))?,
        };
        let spec: DraftSpec =
            serde_json::from_str(&row.spec).map_err(|e| Error::Conflict(format!("stored revision is damaged: {e}")))?;
        Ok((row, spec))
    }

    /// Saves a new revision with changed values (and fallback choices), on the same pinned versions.
    pub fn update_agreement(
        &mut self,
        id: Id,
        set: BTreeMap<String, Json>,
        fallbacks: BTreeMap<String, String>,
        note: Option<&str>,
    ) -> Result<Saved> {
        self.drafting_gate(self.store().agreement_row_by_id(id)?.collaboration_id)?;
        let input = self.update_input(id, set, fallbacks)?;
        let (spec, recommendation) = self.prepare_draft(&input)?;
        let revision = self.atomically(|s| s.save_revision(id, &spec, note))?;
        Ok(Saved { agreement_id: id, revision, recommendation })
    }

    fn new_draft_input(
        &self,
        collab: Id,
        kind: &str,
        set: BTreeMap<String, Json>,
        fallbacks: BTreeMap<String, String>,
        title: Option<String>,
    ) -> Result<DraftInput> {
        let (kind_version, pins) = self.current_pins(kind)?;
        let parties = self.party_infos(collab)?;
        let mut flags = self.flags(&parties);
        flags.extend(self.diligence_flags(collab)?);
        Ok(DraftInput {
            kind_version,
            title,
            pins,
            previous: BTreeMap::new(),
            set,
            fallbacks,
            parties,
            flags,
            ..DraftInput::default()
        })
    }

    fn update_input(
        &self,
        id: Id,
        set: BTreeMap<String, Json>,
        fallbacks: BTreeMap<String, String>,
    ) -> Result<DraftInput> {
        let a = self.store().agreement_row_by_id(id)?;
        let (_, prev) = self.spec_of(id, None)?;
        let parties = self.party_infos(a.collaboration_id)?;
        let mut flags = self.flags(&parties);
        flags.extend(self.diligence_flags(a.collaboration_id)?);
        let mut fb = prev.fallbacks.clone();
        for (k, v) in fallbacks {
            if v.is_empty() {
                fb.remove(&k);
            } else {
                fb.insert(k, v);
            }
        }
        let input = DraftInput {
            kind_version: prev.kind_version.clone(),
            title: Some(prev.title.clone()),
            pins: prev.clauses.clone(),
            previous: prev.values.clone(),
            set,
            fallbacks: fb,
            parties,
            flags,
            omitted: prev.omitted.clone(),
            placed: prev.placed.clone(),
        };
        Ok(input)
    }

    /// Moves a draft to the newest approved versions of its kind and clauses, as a new revision.
    pub fn upgrade_agreement(&mut self, id: Id) -> Result<Upgrade> {
        let a = self.store().agreement_row_by_id(id)?;
        let (_, prev) = self.spec_of(id, None)?;
        let (kind_version, mut pins) = self.current_pins(&a.kind)?;
        let version_of =
            |hash: &str| self.store().template_version(hash).ok().flatten().map(|r| r.version).unwrap_or(0);
        let mut moved = BTreeMap::new();
        for (cid, hash) in &pins {
            if let Some(old) = prev.clauses.get(cid) {
                if old != hash {
                    moved.insert(cid.clone(), (version_of(old), version_of(hash)));
                }
            }
        }
        if moved.is_empty() && kind_version == prev.kind_version {
            return Ok(Upgrade { agreement_id: id, revision: None, moved });
        }
        let parties = self.party_infos(a.collaboration_id)?;
        let mut flags = self.flags(&parties);
        flags.extend(self.diligence_flags(a.collaboration_id)?);
        let fallbacks =
            prev.fallbacks.iter().filter(|(k, _)| pins.contains_key(*k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        // Clauses added in negotiation are not the library's to move: they stay as they are.
        for id in prev.placed.keys() {
            if let Some(h) = prev.clauses.get(id) {
                pins.entry(id.clone()).or_insert_with(|| h.clone());
            }
        }
        let input = DraftInput {
            kind_version,
            title: Some(prev.title.clone()),
            pins,
            previous: prev.values.clone(),
            set: BTreeMap::new(),
            fallbacks,
            parties,
            flags,
            omitted: prev.omitted.clone(),
            placed: prev.placed.clone(),
        };
        let (spec, _) = self.prepare_draft(&input)?;
        let note = format!("moved to newer versions of {}", moved.keys().cloned().collect::<Vec<_>>().join(", "));
        let revision = self.atomically(|s| s.save_revision(id, &spec, Some(&note)))?;
        Ok(Upgrade { agreement_id: id, revision: Some(revision), moved })
    }

    pub fn agreements(&self, collab: Option<Id>) -> Result<Vec<AgreementRow>> {
        if let Some(c) = collab {
            self.store().collaboration(c)?;
        }
        let mut rows = self.store().agreement_rows(collab)?;
        for row in &mut rows {
            row.signatures = self.store().revision_signatures(row.info.id)?;
        }
        Ok(rows)
    }

    /// Every signature on an agreement's revisions that Steward knows of.
    pub fn agreement_signatures(&self, id: Id) -> Result<Vec<RevisionSignature>> {
        self.store().agreement_row_by_id(id)?;
        self.store().revision_signatures(id)
    }

    pub fn agreement(&self, id: Id) -> Result<AgreementDetail> {
        let agreement = self.store().agreement_row_by_id(id)?;
        let revisions = self.store().revisions(id)?;
        let (_, spec) = self.spec_of(id, None)?;
        // The recommendation as it stands for the latest values.
        let recommendation = self
            .library_with([spec.kind_version.as_str()])?
            .kind(&spec.kind_version)
            .and_then(|k| k.recommendation.as_ref())
            .and_then(|r| {
                let rule = r.rules.iter().find(|rule| {
                    steward_clauses::cond::Cond::parse(&rule.when)
                        .map(|c| c.eval(&spec.values, &spec.flags))
                        .unwrap_or(false)
                })?;
                Some(Recommended {
                    variable: r.variable.clone(),
                    value: rule.value.clone(),
                    because: rule.because.clone(),
                    followed: spec.values.get(&r.variable).and_then(Json::as_str) == Some(rule.value.as_str()),
                })
            });
        Ok(AgreementDetail {
            agreement: agreement.info,
            revisions,
            signatures: self.store().revision_signatures(id)?,
            values: spec.values,
            fallbacks: spec.fallbacks,
            clauses: spec.clauses,
            recommendation,
        })
    }

    /// Renders a revision (default: the latest) to the document model.
    pub fn render_agreement(&self, id: Id, revision: Option<i64>) -> Result<Document> {
        self.store().agreement_row_by_id(id)?;
        let (row, spec) = self.spec_of(id, revision)?;
        self.render_revision(&row, &spec)
    }

    /// A stored revision's document: as rendered before (a revision pins every version it is made
    /// from, so the same renderer makes the same document), else rendered now and kept.
    pub(crate) fn render_revision(&self, row: &RevisionRow, spec: &DraftSpec) -> Result<Document> {
        let kept = self.store().rendering(&row.spec_hash, assemble::RENDERER)?;
        if let Some(doc) = kept.and_then(|json| serde_json::from_str::<Document>(&json).ok()) {
            #[cfg(debug_assertions)]
            {
                let fresh = self.render_spec_document(spec)?;
                debug_assert!(
                    fresh == doc,
                    "the kept rendering of revision {} of agreement {} differs from a fresh one: change \
                     steward_clauses::assemble::RENDERER",
                    row.number,
                    row.agreement_id
                );
            }
            return Ok(doc);
        }
        let doc = self.render_spec_document(spec)?;
        self.keep_rendering(&row.spec_hash, &doc);
        Ok(doc)
    }

    /// Keeps a revision's rendering for the next export or preview. A cache: a store that cannot
    /// take the row now (read-only, busy) renders again next time, so a failure is not an error.
    fn keep_rendering(&self, spec_hash: &str, doc: &Document) {
        if let Ok(json) = serde_json::to_string(doc) {
            let _ = self.store().save_rendering(spec_hash, assemble::RENDERER, &json);
        }
    }

    /// Renders a stored revision's spec with the versions it pins.
    pub(crate) fn render_spec_document(&self, spec: &DraftSpec) -> Result<Document> {
        let lib = self.library_with(
            std::iter::once(spec.kind_version.as_str()).chain(spec.clauses.values().map(String::as_str)),
        )?;
        assemble::render(&lib, spec).map_err(|e| Error::Conflict(format!("revision cannot be rendered: {e}")))
    }

    /// The redline between two revisions of an agreement.
    pub fn diff_agreement(&self, id: Id, from: i64, to: i64) -> Result<Redline> {
        let old = self.render_agreement(id, Some(from))?;
        let new = self.render_agreement(id, Some(to))?;
        Ok(diff::redline(&old, &new))
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
    fn a_revision_keeps_its_rendering_and_a_bad_or_foreign_one_is_rendered_again() {
        let (s, d) = demo();
        let id = d.agreement_ids[0];
        let (row, spec) = s.spec_of(id, None).expect("revision");
        let kept = s.store().rendering(&row.spec_hash, assemble::RENDERER).expect("read").expect("kept when saved");
        let fresh = s.render_spec_document(&spec).expect("renders");
        assert_eq!(serde_json::from_str::<Document>(&kept).expect("a document"), fresh);
        // A damaged row is not trusted: the revision renders again, and the row is mended.
        s.store()
            .conn
            .execute(
                "UPDATE rendering SET document = '{\"not\": \"a document\"}' WHERE spec_hash = ?1",
                [&row.spec_hash],
            )
            .expect("damage");
        assert_eq!(s.render_agreement(id, None).expect("renders"), fresh);
        assert_eq!(s.store().rendering(&row.spec_hash, assemble::RENDERER).expect("read"), Some(kept));
        // Another renderer's rows are not used; rendering keeps this renderer's own.
        s.store().conn.execute("DELETE FROM rendering", []).expect("clear");
        s.store().save_rendering(&row.spec_hash, "0.0.0+other", "{}").expect("foreign row");
        assert_eq!(s.render_agreement(id, None).expect("renders"), fresh);
        assert!(s.store().rendering(&row.spec_hash, assemble::RENDERER).expect("read").is_some(), "kept again");
    }

    #[test]
    fn a_stored_revision_is_what_renders() {
        let (mut s, d) = demo();
        let id = d.agreement_ids[0];
        let before = s.render_agreement(id, None).expect("render").to_text();
        // Renaming a party later does not change the signed-off text of existing revisions.
        s.store().conn.execute("UPDATE party SET legal_name = 'Renamed' WHERE id = 1", []).expect("rename");
        assert_eq!(s.render_agreement(id, None).expect("render").to_text(), before);
        let saved = s.update_agreement(id, BTreeMap::new(), BTreeMap::new(), Some("refresh")).expect("new revision");
        assert_eq!(saved.revision, 2);
        assert!(
            s.render_agreement(id, None).expect("render").to_text().contains("RENAMED"),
            "a new revision takes the party as it is now"
        );
    }
}
