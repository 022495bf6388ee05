//! Trusted Research due diligence of a collaboration: the questionnaire (versioned, shipped and
//! importable), answers kept as assessment revisions, the rating and what it requires (clauses in
//! every agreement that can hold them, approvals by reviewer roles, screening no older than the
//! re-screening interval), offline sanctions screening against imported lists with each possible
//! match cleared or confirmed by a person, and the gate that refuses drafting (on a block) and
//! signing (until everything required is there). Pure logic is in `steward-diligence`.

mod report;

pub use report::RECORD_FILE_NAME;

use crate::decisions::NewDecision;
use crate::error::{Error, FieldError, Invalid, Result};
use crate::{Id, Steward};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use steward_diligence::questionnaire::{Answer, Answers, Band, Scope};
use steward_diligence::rating::{Rating, Subject, rate};
use steward_diligence::screening::{self, Index, THRESHOLD, lists};
use steward_diligence::{Questionnaire, shipped};

pub use crate::store::diligence::{ApprovalRow, AssessmentRow, ListRow, MatchRow, QuestionnaireRow};
pub use steward_diligence::questionnaire::Band as RatingBand;

/// The questionnaire in force: the newest version imported.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuestionnaireInfo {
    pub version: QuestionnaireRow,
    pub questionnaire: Questionnaire,
}

/// Whom answers are about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubjectInfo {
    /// `work`, or `party:ID`.
    pub key: String,
    pub label: String,
    pub party_id: Option<Id>,
}

/// A reviewer role the rating requires, and whether it has approved what is current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequiredApproval {
    pub role: String,
    pub label: String,
    pub required_by: Vec<String>,
    /// The newest approval by this role, current or not.
    pub approval: Option<ApprovalRow>,
    /// The approval is for other answers than the current ones.
    pub stale: bool,
}

/// The screening of a collaboration's parties.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScreeningInfo {
    pub id: Id,
    pub created_at: String,
    pub created_by: String,
    pub names_checked: i64,
    /// The list versions used: name, publication date, SHA-256.
    pub lists: Vec<ScreenedList>,
    pub matches: Vec<MatchRow>,
    /// Older than the re-screening interval (or lists were imported since).
    pub due: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScreenedList {
    pub id: Id,
    pub name: String,
    pub published: Option<String>,
    pub sha256: String,
}

/// A collaboration's due diligence as it stands.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Assessment {
    pub collaboration_id: Id,
    pub questionnaire: QuestionnaireRow,
    /// The current revision of the answers (none yet: nothing answered).
    pub revision: Option<AssessmentRow>,
    pub subjects: Vec<SubjectInfo>,
    /// Subject key to its answers.
    pub answers: BTreeMap<String, Answers>,
    pub rating: Rating,
    pub approvals: Vec<RequiredApproval>,
    pub screening: Option<ScreeningInfo>,
    /// Why the collaboration's agreements cannot be signed now (empty: they can).
    pub signing_blocked_by: Vec<String>,
    /// Why no agreement may be drafted now (a block finding).
    pub drafting_blocked_by: Vec<String>,
}

impl Assessment {
    /// Whether the assessment applies at all (someone answered).
    pub fn started(&self) -> bool {
        self.revision.is_some()
    }
}

const ORIGIN_SHIPPED: &str = "shipped";

fn canonical_json<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).map(|v| v.to_string()).unwrap_or_default()
}

fn sha256_hex(s: &str) -> String {
    steward_clauses::canonical::sha256_hex(s.as_bytes())
}

impl Steward {
    /// The questionnaire in force: the newest imported, or the shipped one (stored on first use,
    /// and again when a newer Steward ships a changed one, unless the legal team imported their
    /// own since).
    pub fn questionnaire(&self) -> Result<QuestionnaireInfo> {
        let latest = self.store().latest_questionnaire()?;
        let row = match latest {
            Some(r) if r.origin != ORIGIN_SHIPPED => r,
            latest => {
                let q = shipped::questionnaire()
                    .map_err(|p| Error::Conflict(format!("the shipped questionnaire: {}", join(&p))))?;
                let hash = q.hash();
                match latest {
                    Some(r) if r.hash == hash => r,
                    _ => {
                        if self.store().questionnaire_by_hash(&hash)?.is_none() {
                            self.store().insert_questionnaire(
                                &q.id,
                                &hash,
                                &q.canonical(),
                                ORIGIN_SHIPPED,
                                "Steward",
                                self.now(),
                            )?;
                        }
                        self.store()
                            .questionnaire_by_hash(&hash)?
                            .ok_or_else(|| Error::not_found("questionnaire", "shipped"))?
                    }
                }
            }
        };
        let questionnaire = parse_stored(&row)?;
        Ok(QuestionnaireInfo { version: row, questionnaire })
    }

    /// Imports a changed questionnaire file as a new version (none when it is the current one).
    pub fn import_questionnaire(&mut self, file: &str, text: &str) -> Result<QuestionnaireInfo> {
        let q = Questionnaire::parse(file, text)
            .map_err(|p| Error::Invalid(Invalid(p.into_iter().map(|p| FieldError::new(p.at, p.message)).collect())))?;
        let current = self.questionnaire()?;
        if current.version.hash != q.hash() && self.store().questionnaire_by_hash(&q.hash())?.is_none() {
            let by = self.actor().to_string();
            self.store().insert_questionnaire(&q.id, &q.hash(), &q.canonical(), "file", &by, self.now())?;
        }
        self.questionnaire()
    }

    /// Who a collaboration's answers are about: the work, and each partner (every party but the
    /// lead; every party when none leads).
    pub fn diligence_subjects(&self, collab: Id) -> Result<Vec<SubjectInfo>> {
        let c = self.collaboration(collab)?;
        let has_lead = c.members.iter().any(|m| m.role == crate::Role::Lead);
        let mut out = vec![SubjectInfo { key: "work".into(), label: "the work".into(), party_id: None }];
        for m in &c.members {
            if !has_lead || m.role != crate::Role::Lead {
                out.push(SubjectInfo {
                    key: format!("party:{}", m.party.id),
                    label: m.party.legal_name.clone(),
                    party_id: Some(m.party.id),
                });
            }
        }
        Ok(out)
    }

    /// Records answers as a new assessment revision: `set` as typed (`QUESTION` → text) for the
    /// work, or for `party` (its partner questions); every bad answer is reported at once.
    pub fn answer_diligence(
        &mut self,
        collab: Id,
        party: Option<Id>,
        set: &BTreeMap<String, String>,
        note: Option<&str>,
    ) -> Result<Assessment> {
        let info = self.questionnaire()?;
        let q = &info.questionnaire;
        let subjects = self.diligence_subjects(collab)?;
        let key = match party {
            None => "work".to_string(),
            Some(p) => {
                let k = format!("party:{p}");
                if !subjects.iter().any(|s| s.key == k) {
                    return Err(Error::invalid(
                        "party",
                        format!("party {p} is not a partner of collaboration {collab}"),
                    ));
                }
                k
            }
        };
        let want = if party.is_some() { Scope::Partner } else { Scope::Work };
        let mut answers = self.current_answers(collab)?;
        let mut problems = Vec::new();
        let mine = answers.entry(key).or_default();
        for (id, text) in set {
            let Some(question) = q.question(id) else {
                problems.push(FieldError::new(
                    id.clone(),
                    "is not a question of the questionnaire (see: steward diligence questions)",
                ));
                continue;
            };
            if question.scope != want {
                let m = match question.scope {
                    Scope::Partner => "is asked per partner: give --party",
                    Scope::Work => "is asked about the work, not a partner: leave out --party",
                };
                problems.push(FieldError::new(id.clone(), m));
                continue;
            }
            match question.parse_answer(text) {
                Ok(a) => {
                    mine.insert(id.clone(), a);
                }
                Err(m) => problems.push(FieldError::new(id.clone(), m)),
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(Invalid(problems)));
        }
        self.save_answers(collab, &info, &answers, note)
    }

    /// Records a whole set of answers (subject key → question → answer, as `diligence show --json`
    /// gives them), checked against the questionnaire.
    pub fn answer_diligence_all(
        &mut self,
        collab: Id,
        all: &BTreeMap<String, Answers>,
        note: Option<&str>,
    ) -> Result<Assessment> {
        let info = self.questionnaire()?;
        let subjects = self.diligence_subjects(collab)?;
        let mut answers = self.current_answers(collab)?;
        let mut problems = Vec::new();
        for (key, given) in all {
            let Some(subject) = subjects.iter().find(|s| s.key == *key) else {
                problems.push(FieldError::new(key.clone(), "is not the work or a partner of this collaboration"));
                continue;
            };
            let want = if subject.party_id.is_some() { Scope::Partner } else { Scope::Work };
            let mine = answers.entry(key.clone()).or_default();
            for (id, a) in given {
                let field = format!("{key}.{id}");
                match info.questionnaire.question(id) {
                    None => problems.push(FieldError::new(field, "is not a question of the questionnaire")),
                    Some(question) if question.scope != want => {
                        problems.push(FieldError::new(field, "is asked of another subject"))
                    }
                    Some(question) => match question.check_answer(a) {
                        Ok(a) => {
                            mine.insert(id.clone(), a);
                        }
                        Err(m) => problems.push(FieldError::new(field, m)),
                    },
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(Invalid(problems)));
        }
        self.save_answers(collab, &info, &answers, note)
    }

    fn save_answers(
        &mut self,
        collab: Id,
        info: &QuestionnaireInfo,
        answers: &BTreeMap<String, Answers>,
        note: Option<&str>,
    ) -> Result<Assessment> {
        let canonical = canonical_json(answers);
        let hash = sha256_hex(&format!("{}\n{canonical}", info.version.hash));
        let current = self.store().latest_assessment(collab)?;
        if current.as_ref().is_none_or(|c| c.hash != hash) {
            let by = self.actor().to_string();
            self.store().insert_assessment(collab, &info.version.hash, &canonical, &hash, note, &by, self.now())?;
            // A factor the answers rate medium or high becomes (or raises) a linked risk.
            self.sync_diligence_risks(collab, None)?;
        }
        self.diligence(collab)
    }

    fn current_answers(&self, collab: Id) -> Result<BTreeMap<String, Answers>> {
        match self.store().latest_assessment(collab)? {
            Some(row) => serde_json::from_str(&row.answers)
                .map_err(|e| Error::Conflict(format!("stored assessment revision {} is damaged: {e}", row.number))),
            None => Ok(BTreeMap::new()),
        }
    }

    /// The collaboration's due diligence as it stands: the rating, what it requires, and what
    /// blocks drafting and signing.
    pub fn diligence(&self, collab: Id) -> Result<Assessment> {
        let revision = self.store().latest_assessment(collab)?;
        let info = match &revision {
            // An assessment is rated on the questionnaire version it was answered on.
            Some(r) => {
                let row = self
                    .store()
                    .questionnaire_by_hash(&r.questionnaire_hash)?
                    .ok_or_else(|| Error::not_found("questionnaire version", &r.questionnaire_hash))?;
                QuestionnaireInfo { questionnaire: parse_stored(&row)?, version: row }
            }
            None => self.questionnaire()?,
        };
        let q = &info.questionnaire;
        let subjects = self.diligence_subjects(collab)?;
        let answers = self.current_answers(collab)?;
        let empty = Answers::new();
        let rated: Vec<Subject<'_>> = subjects
            .iter()
            .map(|s| Subject {
                key: s.key.clone(),
                label: s.label.clone(),
                scope: if s.party_id.is_some() { Scope::Partner } else { Scope::Work },
                answers: answers.get(&s.key).unwrap_or(&empty),
            })
            .collect();
        let mut rating = rate(q, &rated);

        // Screening: the newest, its matches; a confirmed match blocks.
        let screening = self.screening_info(collab, rating.rescreen_days)?;
        if let Some(s) = &screening {
            for m in s.matches.iter().filter(|m| m.decision.as_deref() == Some("confirmed")) {
                let cause = format!("{} is listed as {} (confirmed)", m.party_name, m.listed_name);
                rating.fired.push(steward_diligence::Fired {
                    subject_key: format!("party:{}", m.party_id),
                    subject: m.party_name.clone(),
                    question: "screening".into(),
                    answer: format!("match {}", m.id),
                    factor: steward_diligence::Factor::Partner,
                    band: Band::Block,
                    reason: "A sanctions list names the party (confirmed by a person).".into(),
                });
                rating.roles.entry("sanctions".into()).or_default().push(cause);
                let f = rating.factors.entry(steward_diligence::Factor::Partner).or_default();
                *f = Band::Block;
                rating.band = Band::Block;
            }
        }

        let all = self.store().approvals(collab)?;
        let current_hash = revision.as_ref().map(|r| r.hash.clone());
        let approvals: Vec<RequiredApproval> = rating
            .roles
            .iter()
            .map(|(role, by)| {
                let newest = all.iter().rev().find(|a| a.role == *role).cloned();
                // An approval is of the answers: a later answer change makes it stale. A later
                // screening does not (its own matches must be cleared, and it must be current).
                let stale = newest.as_ref().is_some_and(|a| Some(&a.assessment_hash) != current_hash.as_ref());
                RequiredApproval {
                    role: role.clone(),
                    label: q.role_label(role).to_string(),
                    required_by: by.clone(),
                    approval: newest,
                    stale,
                }
            })
            .collect();

        let mut drafting = Vec::new();
        for f in rating.blocks() {
            drafting.push(format!("{}: {}", f.cause(), f.reason));
        }
        let mut signing = drafting.clone();
        if revision.is_some() {
            for m in &rating.missing {
                signing.push(format!("unanswered: {} ({})", m.question, m.subject));
            }
            match &screening {
                None => signing.push("the parties have not been screened (steward screening check)".into()),
                Some(s) if s.due => signing.push(format!(
                    "screening {} is older than the re-screening interval of {} days, or lists were imported since",
                    s.id, rating.rescreen_days
                )),
                Some(_) => {}
            }
            if let Some(s) = &screening {
                for m in s.matches.iter().filter(|m| m.decision.is_none()) {
                    signing.push(format!(
                        "possible match {} to clear or confirm: {} ~ {} ({:.2})",
                        m.id, m.party_name, m.listed_name, m.score
                    ));
                }
            }
            for a in &approvals {
                match (&a.approval, a.stale) {
                    (None, _) => {
                        signing.push(format!("approval by {} (required by {})", a.label, a.required_by.join("; ")))
                    }
                    (Some(_), true) => {
                        signing.push(format!("approval by {}: the answers changed since it was given", a.label))
                    }
                    _ => {}
                }
            }
        }
        Ok(Assessment {
            collaboration_id: collab,
            questionnaire: info.version.clone(),
            revision,
            subjects,
            answers,
            rating,
            approvals,
            screening,
            signing_blocked_by: signing,
            drafting_blocked_by: drafting,
        })
    }

    /// Approves the current answers and screening for a reviewer role, as an entry of the decision
    /// log signed by `identity`.
    pub fn approve_diligence(&mut self, collab: Id, role: &str, identity: Id, note: &str) -> Result<ApprovalRow> {
        let a = self.diligence(collab)?;
        let Some(rev) = &a.revision else {
            return Err(Error::Conflict(format!("collaboration {collab} has no due-diligence answers to approve")));
        };
        // The roles of the questionnaire version these answers were given on.
        let q = parse_stored(&a.questionnaire)?;
        if !q.roles.iter().any(|r| r.id == role) {
            let ids: Vec<&str> = q.roles.iter().map(|r| r.id.as_str()).collect();
            return Err(Error::invalid("role", format!("'{role}' is not one of: {}", ids.join(", "))));
        }
        if note.trim().is_empty() {
            return Err(Error::invalid("note", "say what was checked"));
        }
        if !a.rating.missing.is_empty() {
            return Err(Error::Conflict(format!(
                "{} required question(s) are unanswered: {}",
                a.rating.missing.len(),
                a.rating
                    .missing
                    .iter()
                    .map(|m| format!("{} ({})", m.question, m.subject))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let screening = a.screening.as_ref().map(|s| s.id);
        let label = q.role_label(role).to_string();
        let mut links = Vec::new();
        links.push(format!("assessment:{}", rev.hash));
        if let Some(s) = screening {
            links.push(format!("screening:{s}"));
        }
        let decision = self.add_decision(
            collab,
            &NewDecision {
                title: format!("Trusted Research approval: {label}"),
                decision: Some(format!(
                    "Approved assessment revision {} ({}), rated {}{}",
                    rev.number,
                    &rev.hash[..12],
                    a.rating.band.as_str(),
                    screening.map(|s| format!(", with screening {s}")).unwrap_or_default()
                )),
                rationale: Some(note.to_string()),
                participants: Vec::new(),
                date: None,
                links,
                supersedes: None,
            },
            identity,
        )?;
        let who = self.identity(identity)?;
        let id = self.store().insert_approval(
            collab,
            role,
            &rev.hash,
            screening,
            decision.entry.seq as i64,
            identity,
            &who.name,
            note,
            self.now(),
        )?;
        self.store().approvals(collab)?.into_iter().find(|r| r.id == id).ok_or_else(|| Error::not_found("approval", id))
    }

    /// Imports list files (an OFAC release, or other lists one file each): all or nothing.
    pub fn import_screening_lists(&mut self, files: &[(String, Vec<u8>)]) -> Result<Vec<ListRow>> {
        let sources: Vec<lists::SourceFile<'_>> =
            files.iter().map(|(n, b)| lists::SourceFile { name: n, bytes: b }).collect();
        let parsed = lists::parse(&sources)
            .map_err(|p| Error::Invalid(Invalid(p.into_iter().map(|p| FieldError::new(p.at, p.message)).collect())))?;
        let by = self.actor().to_string();
        let now = self.now();
        self.atomically(|s| {
            let mut out = Vec::new();
            for l in parsed {
                if let Some(existing) = s.store().list_by_sha(&l.sha256)? {
                    out.push(existing);
                    continue;
                }
                let entries = serde_json::to_string(&l.entries).map_err(|e| Error::Conflict(e.to_string()))?;
                let files = serde_json::to_string(&l.files).map_err(|e| Error::Conflict(e.to_string()))?;
                let id = s.store().insert_list(
                    l.format.as_str(),
                    &l.name,
                    l.published.as_deref(),
                    &l.sha256,
                    &files,
                    &entries,
                    l.entries.len() as i64,
                    &by,
                    now,
                )?;
                out.extend(s.store().lists()?.into_iter().filter(|r| r.id == id));
            }
            Ok(out)
        })
    }

    pub fn screening_lists(&self) -> Result<Vec<ListRow>> {
        self.store().lists()
    }

    /// Screens every party's legal name, short name and former names against every imported list,
    /// and records the screening with its possible matches.
    pub fn screen_collaboration(&mut self, collab: Id) -> Result<ScreeningInfo> {
        let c = self.collaboration(collab)?;
        let stored = self.store().lists_with_entries()?;
        if stored.is_empty() {
            return Err(Error::Conflict(
                "no sanctions list is imported: import the lists your office screens against first (steward screening import PATH)"
                    .into(),
            ));
        }
        let mut entries = Vec::new();
        let mut owner = Vec::new();
        let mut used = Vec::new();
        for (row, json) in &stored {
            let list: Vec<screening::Entry> = serde_json::from_str(json)
                .map_err(|e| Error::Conflict(format!("stored list {} is damaged: {e}", row.id)))?;
            owner.extend(std::iter::repeat_n(row.id, list.len()));
            entries.extend(list);
            used.push(ScreenedList {
                id: row.id,
                name: row.name.clone(),
                published: row.published.clone(),
                sha256: row.sha256.clone(),
            });
        }
        let index = Index::new(&entries);
        let mut searcher = index.searcher();
        let mut found = Vec::new();
        let mut names = 0;
        // Beside each party's own names, the other names its answers give (former names, parent,
        // owners).
        let answers = self.current_answers(collab)?;
        for m in &c.members {
            let mut own: Vec<String> = vec![m.party.legal_name.clone()];
            own.extend(m.party.short_name.clone());
            if let Some(Answer::Text(t)) =
                answers.get(&format!("party:{}", m.party.id)).and_then(|a| a.get("partner.names"))
            {
                own.extend(t.split([';', '\n']).map(str::trim).filter(|n| !n.is_empty()).map(str::to_string));
            }
            for name in own.iter().filter(|n| !n.trim().is_empty()) {
                names += 1;
                for hit in searcher.search(name, THRESHOLD) {
                    let e = &entries[hit.entry];
                    found.push((
                        m.party.id,
                        name.clone(),
                        owner[hit.entry],
                        e.reference.clone(),
                        e.names[hit.name].clone(),
                        hit.score,
                    ));
                }
            }
        }
        let by = self.actor().to_string();
        let now = self.now();
        let lists_json = serde_json::to_string(&used).map_err(|e| Error::Conflict(e.to_string()))?;
        // A match decided in an earlier screening (same party name, same entry of the same list
        // version) keeps its decision; a changed list or name is decided afresh.
        let earlier: Vec<MatchRow> = match self.store().latest_screening(collab)? {
            Some(prev) => self.store().matches(prev.id)?,
            None => Vec::new(),
        };
        let id = self.atomically(|s| {
            let id = s.store().insert_screening(collab, &lists_json, names, &by, now)?;
            for (party, name, list, reference, listed, score) in &found {
                let m = s.store().insert_match(id, *party, name, *list, reference, listed, f64::from(*score))?;
                let before = earlier.iter().find(|e| {
                    e.party_id == *party && e.party_name == *name && e.list_id == *list && e.reference == *reference
                });
                if let Some(e) = before {
                    if let (Some(d), Some(reason)) = (&e.decision, &e.reason) {
                        let why = format!(
                            "as decided for match {} on {}: {reason}",
                            e.id,
                            e.decided_at.as_deref().unwrap_or("")
                        );
                        s.store().decide_match(m, d, &why, e.decided_by.as_deref().unwrap_or(&by), now)?;
                    }
                }
            }
            Ok(id)
        })?;
        let info = self.screening_info(collab, self.diligence_rescreen_days(collab)?)?;
        info.filter(|s| s.id == id).ok_or_else(|| Error::not_found("screening", id))
    }

    fn diligence_rescreen_days(&self, collab: Id) -> Result<u32> {
        Ok(self.diligence(collab).map(|a| a.rating.rescreen_days).unwrap_or(365))
    }

    fn screening_info(&self, collab: Id, rescreen_days: u32) -> Result<Option<ScreeningInfo>> {
        let Some(row) = self.store().latest_screening(collab)? else { return Ok(None) };
        let lists: Vec<ScreenedList> = serde_json::from_str(&row.lists_json).unwrap_or_default();
        let matches = self.store().matches(row.id)?;
        let at = chrono::DateTime::parse_from_rfc3339(&row.created_at).map(|t| t.with_timezone(&chrono::Utc)).ok();
        let old = at.is_none_or(|t| self.now() - t > chrono::Duration::days(i64::from(rescreen_days)));
        let used: BTreeSet<&str> = lists.iter().map(|l| l.sha256.as_str()).collect();
        let newer_lists = self.store().lists()?.iter().any(|l| !used.contains(l.sha256.as_str()));
        Ok(Some(ScreeningInfo {
            id: row.id,
            created_at: row.created_at,
            created_by: row.created_by,
            names_checked: row.names_checked,
            lists,
            matches,
            due: old || newer_lists,
        }))
    }

    /// Clears (not the listed one) or confirms (it is) a possible match, with the reason.
    pub fn decide_screening_match(&mut self, id: Id, confirm: bool, reason: &str) -> Result<MatchRow> {
        let m = self.store().screening_match(id)?.ok_or_else(|| Error::not_found("screening match", id))?;
        if m.decision.is_some() {
            return Err(Error::Conflict(format!("match {id} was already {}", m.decision.unwrap_or_default())));
        }
        if reason.trim().is_empty() {
            return Err(Error::invalid(
                "reason",
                "say why (what was compared: dates, addresses, registration numbers)",
            ));
        }
        let by = self.actor().to_string();
        self.store().decide_match(id, if confirm { "confirmed" } else { "cleared" }, reason.trim(), &by, self.now())?;
        self.store().screening_match(id)?.ok_or_else(|| Error::not_found("screening match", id))
    }

    /// Flags for clause conditions from the collaboration's assessment, and `require:CLAUSE` for
    /// every clause it requires.
    pub(crate) fn diligence_flags(&self, collab: Id) -> Result<BTreeSet<String>> {
        if self.store().latest_assessment(collab)?.is_none() {
            return Ok(BTreeSet::new());
        }
        let a = self.diligence(collab)?;
        let mut flags = a.rating.flags.clone();
        flags.extend(a.rating.clauses.keys().map(|c| format!("require:{c}")));
        Ok(flags)
    }

    /// Refuses drafting while a finding blocks the collaboration.
    pub(crate) fn drafting_gate(&self, collab: Id) -> Result<()> {
        if self.store().latest_assessment(collab)?.is_none() {
            return Ok(());
        }
        let a = self.diligence(collab)?;
        if a.drafting_blocked_by.is_empty() {
            return Ok(());
        }
        Err(Error::Diligence {
            message: format!(
                "collaboration {collab} is blocked by its due diligence: {}",
                a.drafting_blocked_by.join("; ")
            ),
            missing: a.drafting_blocked_by.into_iter().map(|m| FieldError::new("diligence", m)).collect(),
        })
    }

    /// Refuses signing an agreement of the collaboration until its due diligence allows it, and
    /// a revision that lacks a clause the assessment requires.
    pub(crate) fn signing_gate(&self, collab: Id, agreement: Option<(Id, Option<i64>)>) -> Result<()> {
        if self.store().latest_assessment(collab)?.is_none() {
            return Ok(());
        }
        let a = self.diligence(collab)?;
        let mut missing = a.signing_blocked_by.clone();
        if let Some((id, revision)) = agreement {
            missing.extend(self.missing_required_clauses(id, revision, &a.rating)?);
        }
        if missing.is_empty() {
            return Ok(());
        }
        Err(Error::Diligence {
            message: format!(
                "not signed: the due diligence of collaboration {collab} is not complete: {}",
                missing.join("; ")
            ),
            missing: missing.into_iter().map(|m| FieldError::new("diligence", m)).collect(),
        })
    }

    /// Required clauses that the revision's kind can hold but the revision does not include.
    fn missing_required_clauses(&self, id: Id, revision: Option<i64>, rating: &Rating) -> Result<Vec<String>> {
        if rating.clauses.is_empty() {
            return Ok(Vec::new());
        }
        // A partner's file may carry a revision number we do not have: then only the gate applies.
        let (row, spec) = match self.spec_of(id, revision) {
            Ok(found) => found,
            Err(Error::NotFound { .. }) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        // The kind's clauses are all pinned; the revision's kept rendering says which are in.
        let doc = self.render_revision(&row, &spec)?;
        let included: BTreeSet<&str> =
            doc.sections.iter().chain(&doc.schedules).map(|s| s.clause_id.as_str()).collect();
        let mut out = Vec::new();
        for (clause, causes) in &rating.clauses {
            if spec.clauses.contains_key(clause) && !included.contains(clause.as_str()) {
                out.push(format!(
                    "revision {} lacks clause {clause}, required by {} (save a new revision: steward agreement set {id})",
                    row.number,
                    causes.join("; ")
                ));
            }
        }
        Ok(out)
    }
}

fn parse_stored(row: &QuestionnaireRow) -> Result<Questionnaire> {
    serde_json::from_str(&row.canonical)
        .map_err(|e| Error::Conflict(format!("stored questionnaire version {} is damaged: {e}", row.version)))
}

fn join(p: &[steward_diligence::Problem]) -> String {
    p.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// Reads an answers file (`diligence answer --file`): subject key → question → answer.
pub fn parse_answers_file(file: &str, text: &str) -> Result<BTreeMap<String, Answers>> {
    let v: BTreeMap<String, BTreeMap<String, serde_json::Value>> = serde_json::from_str(text).map_err(|e| {
        Error::invalid(file, format!("line {}: {e} (expected {{\"work\": {{...}}, \"party:ID\": {{...}}}})", e.line()))
    })?;
    let mut out = BTreeMap::new();
    for (subject, answers) in v {
        let mut a = Answers::new();
        for (q, value) in answers {
            let answer = match value {
                serde_json::Value::Bool(b) => Answer::Yes(b),
                serde_json::Value::Number(n) => Answer::Number(n.as_f64().unwrap_or(f64::NAN)),
                serde_json::Value::String(s) => Answer::Text(s),
                serde_json::Value::Array(items) => Answer::Items(
                    items
                        .into_iter()
                        .map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string()))
                        .collect(),
                ),
                other => return Err(Error::invalid(format!("{subject}.{q}"), format!("{other} is not an answer"))),
            };
            a.insert(q, answer);
        }
        out.insert(subject, a);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, FixedClock, SequentialIds};
    use std::sync::Arc;

    fn steward() -> Steward {
        let clock = Arc::new(FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("t")));
        Steward::open_in_memory(clock).expect("store").with_ids(Arc::new(SequentialIds::default()))
    }

    fn set(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn missing(e: &Error) -> Vec<String> {
        e.field_errors().iter().map(|f| f.message.clone()).collect()
    }

    #[test]
    fn the_demo_signs_after_its_approvals_and_the_blocked_one_names_the_missing_approval() {
        let mut s = steward();
        let d = s.install_demo().expect("demo");
        let who = s.identities().expect("ids")[0].id;
        let a = s.diligence(d.collaboration_id).expect("assessment");
        assert_eq!(a.rating.band, Band::High);
        for c in ["collab.export-control", "collab.tr-audit"] {
            assert!(a.rating.clauses.contains_key(c), "{c} required");
        }
        assert!(a.signing_blocked_by.is_empty(), "{:?}", a.signing_blocked_by);
        let collab_agreement = *d.agreement_ids.last().expect("collaboration agreement");
        let text = s.render_agreement(collab_agreement, None).expect("renders").to_text();
        assert!(text.contains("SECURITY AND DUE DILIGENCE") && text.contains("EXPORT CONTROL"), "clauses carried");
        s.export_agreement(collab_agreement, None, Some(who)).expect("signs");

        let second = s.collaborations(false).expect("list").into_iter().find(|c| {
            c.collaboration.id != d.collaboration_id && c.collaboration.title != crate::demo::DEMO_EXIT_TITLE
        });
        let second = second.expect("second demo collaboration").collaboration.id;
        let nda = s.agreements(Some(second)).expect("agreements")[0].id;
        let e = s.export_agreement(nda, None, Some(who)).expect_err("blocked");
        assert_eq!(e.kind(), ErrorKind::Diligence);
        assert!(e.to_string().contains("approval by Export control"), "{e}");
        // The missing approval, then it signs.
        s.approve_diligence(second, "export_control", who, "6A005 sensors: licence not needed below the thresholds.")
            .expect("approve");
        s.export_agreement(nda, None, Some(who)).expect("signs after the approval");
        // A changed answer makes every approval stale.
        s.answer_diligence(second, None, &set(&[("work.us_origin", "yes")]), None).expect("answer");
        let e = s.export_agreement(nda, None, Some(who)).expect_err("stale");
        assert!(missing(&e).iter().any(|m| m.contains("changed since it was given")), "{e}");
        // Unsigned export is never gated.
        s.export_agreement(nda, None, None).expect("an unsigned draft is fine");
    }

    #[test]
    fn a_blocking_answer_stops_drafting_and_a_required_clause_cannot_be_switched_off() {
        let mut s = steward();
        let d = s.install_demo().expect("demo");
        let collab = d.collaboration_id;
        let collab_agreement = *d.agreement_ids.last().expect("collaboration agreement");
        // tr-audit is required by the answers: turning off the value that would include it does not drop it.
        s.update_agreement(
            collab_agreement,
            [("sensitive_research".to_string(), serde_json::json!(false))].into(),
            BTreeMap::new(),
            Some("not sensitive?"),
        )
        .expect("saved");
        let text = s.render_agreement(collab_agreement, None).expect("renders").to_text();
        assert!(text.contains("SECURITY AND DUE DILIGENCE"), "the required clause stays in");

        let kaminokawa = d.party_ids[1];
        s.answer_diligence(collab, Some(kaminokawa), &set(&[("partner.wmd_link", "yes")]), None).expect("answer");
        let e = s.create_agreement(collab, "nda-mutual", BTreeMap::new(), BTreeMap::new(), None).expect_err("blocked");
        assert_eq!(e.kind(), ErrorKind::Diligence);
        assert!(e.to_string().contains("partner.wmd_link = yes"), "{e}");
        let e = s.update_agreement(collab_agreement, BTreeMap::new(), BTreeMap::new(), None).expect_err("blocked");
        assert_eq!(e.kind(), ErrorKind::Diligence);
    }

    #[test]
    fn a_revision_that_lacks_a_required_clause_is_not_signed() {
        let mut s = steward();
        let d = s.install_demo().expect("demo");
        let who = s.identities().expect("ids")[0].id;
        let (collab, collab_agreement) = (d.collaboration_id, *d.agreement_ids.last().expect("agreement"));
        // A new finding requires the sanctions clause, which the current revision lacks.
        s.answer_diligence(collab, Some(d.party_ids[2]), &set(&[("partner.country", "DE, RU")]), None).expect("answer");
        for role in ["export_control", "nsi", "research_office", "sanctions"] {
            s.approve_diligence(collab, role, who, "checked").expect("approve");
        }
        let e = s.export_agreement(collab_agreement, None, Some(who)).expect_err("lacks the clause");
        assert!(e.to_string().contains("lacks clause collab.tr-sanctions"), "{e}");
        // A new revision takes it in.
        s.update_agreement(collab_agreement, BTreeMap::new(), BTreeMap::new(), Some("sanctions clause"))
            .expect("saved");
        assert!(s.render_agreement(collab_agreement, None).expect("renders").to_text().contains("SANCTIONS"));
        s.export_agreement(collab_agreement, None, Some(who)).expect("signs");
    }

    #[test]
    fn state_access_and_academic_freedom_findings_bring_their_clauses() {
        let mut s = steward();
        let d = s.install_demo().expect("demo");
        let (collab, agreement) = (d.collaboration_id, *d.agreement_ids.last().expect("agreement"));
        s.answer_diligence(collab, Some(d.party_ids[1]), &set(&[("data.state_access", "yes")]), None).expect("answer");
        s.answer_diligence(collab, None, &set(&[("work.academic_freedom", "yes")]), None).expect("answer");
        s.update_agreement(agreement, BTreeMap::new(), BTreeMap::new(), Some("new findings")).expect("saved");
        let text = s.render_agreement(agreement, None).expect("renders").to_text();
        for heading in ["WHERE PROJECT DATA IS KEPT", "ACADEMIC FREEDOM"] {
            assert!(text.contains(heading), "{heading} in the revision");
        }
    }

    #[test]
    fn screening_records_matches_and_a_confirmed_match_blocks() {
        let mut s = steward();
        let d = s.install_demo().expect("demo");
        let collab = d.collaboration_id;
        let list =
            "name,aliases,country,list,reference\nKaminokawa Institute of Science and Technology,,JP,Test list,T-1\n";
        s.import_screening_lists(&[("t.csv".into(), list.as_bytes().to_vec())]).expect("import");
        // The new list makes the old screening due.
        assert!(
            s.diligence(collab).expect("a").signing_blocked_by.iter().any(|b| b.contains("lists were imported since"))
        );
        let sc = s.screen_collaboration(collab).expect("screen");
        let m = sc.matches.iter().find(|m| m.listed_name.starts_with("Kaminokawa")).expect("match");
        let blocked = s.diligence(collab).expect("a").signing_blocked_by;
        assert!(blocked.iter().any(|b| b.contains(&format!("possible match {}", m.id))), "{blocked:?}");
        assert!(s.decide_screening_match(m.id, true, " ").is_err(), "a reason is required");
        s.decide_screening_match(m.id, true, "Same registration number").expect("confirm");
        assert!(s.decide_screening_match(m.id, false, "changed my mind").is_err(), "decided once");
        let a = s.diligence(collab).expect("a");
        assert_eq!(a.rating.band, Band::Block);
        assert!(!a.drafting_blocked_by.is_empty());
        // Importing the same list again changes nothing.
        let again = s.import_screening_lists(&[("t.csv".into(), list.as_bytes().to_vec())]).expect("import");
        assert_eq!(again.len(), 1);
        assert_eq!(s.screening_lists().expect("lists").len(), 2);
    }

    #[test]
    fn bad_answers_are_named_and_nothing_is_stored() {
        let mut s = steward();
        let d = s.install_demo().expect("demo");
        let before = s.store().assessments(d.collaboration_id).expect("revisions").len();
        let e = s
            .answer_diligence(
                d.collaboration_id,
                None,
                &set(&[
                    ("work.annex_i", "3X001"),
                    ("partner.country", "JP"),
                    ("nope", "1"),
                    ("work.military_list", "maybe"),
                ]),
                None,
            )
            .expect_err("invalid");
        let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["nope", "partner.country", "work.annex_i", "work.military_list"]);
        assert_eq!(s.store().assessments(d.collaboration_id).expect("revisions").len(), before);
        let e = s.answer_diligence(d.collaboration_id, Some(999), &set(&[]), None).expect_err("not a partner");
        assert_eq!(e.kind(), ErrorKind::Invalid);
        // The same answers again make no new revision.
        s.answer_diligence(d.collaboration_id, None, &set(&[("work.annex_i", "3A001")]), None).expect("same");
        assert_eq!(s.store().assessments(d.collaboration_id).expect("revisions").len(), before);
    }
}
