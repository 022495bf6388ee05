//! The due-diligence record a research office files: the assessment typeset as a PDF (answers,
//! rating and reasons, required clauses, screening with list versions, approvals, what blocks),
//! with the assessment itself embedded as JSON, signed like an agreement when asked.

use super::Assessment;
use crate::documents::ExportedPdf;
use crate::error::{Error, Result};
use crate::{Id, Steward};
use steward_clauses::document::{Block, Document, Section, SignatureBlock};

/// The name of the embedded assessment.
pub const RECORD_FILE_NAME: &str = "steward-diligence.json";

/// A numbered paragraph of the record (`3.2`), or a plain one.
fn block(number: Option<String>, text: impl Into<String>) -> Block {
    Block { level: if number.is_some() { 2 } else { 1 }, number, anchor: None, text: text.into(), refs: Vec::new() }
}

fn section(n: usize, title: &str, lines: Vec<String>) -> Section {
    let blocks = if lines.is_empty() {
        vec![block(None, "None.")]
    } else {
        lines.into_iter().enumerate().map(|(i, l)| block(Some(format!("{n}.{}", i + 1)), l)).collect()
    };
    Section {
        clause_id: format!("record.{n}"),
        number: n.to_string(),
        title: title.to_string(),
        version: String::new(),
        fallback: None,
        guidance: String::new(),
        blocks,
    }
}

impl Steward {
    /// The collaboration's due-diligence record as a PDF, signed by `sign` if given.
    pub fn diligence_report(&self, collab: Id, sign: Option<Id>) -> Result<ExportedPdf> {
        let a = self.diligence(collab)?;
        let Some(rev) = a.revision.clone() else {
            return Err(Error::Conflict(format!("collaboration {collab} has no due-diligence answers to report")));
        };
        let c = self.collaboration(collab)?;
        let q = self
            .store()
            .questionnaire_by_hash(&rev.questionnaire_hash)?
            .ok_or_else(|| Error::not_found("questionnaire version", &rev.questionnaire_hash))?;
        let questionnaire = super::parse_stored(&q)?;
        let doc = record_document(&a, &c, &questionnaire, &rev, &q, &self.clock_today().to_string());
        let signer = sign.map(|id| self.identity(id)).transpose()?;
        let opts = steward_pdf::ExportOptions {
            status: format!("Assessment revision {}", rev.number),
            doc_id: rev.hash[..12].to_string(),
            draft_mark: false,
            author: self.actor().to_string(),
            subject: format!("Due diligence: {}", c.collaboration.title),
            created: self.now().timestamp(),
            terms_heading: Some("RECORD".into()),
            grids: Vec::new(),
        };
        let out = steward_pdf::lay_out(&doc, &opts).map_err(|e| Error::Typesetting(e.to_string()))?;
        let json = serde_json::to_string_pretty(&a).map_err(|e| Error::Conflict(e.to_string()))?;
        let date = self.now().format("D:%Y%m%d%H%M%S+00'00'").to_string();
        let attachment = steward_pdf::Attachment {
            name: RECORD_FILE_NAME,
            mime: "application/json",
            data: json.as_bytes(),
            created: &date,
        };
        let (pages, boxes) = (out.pages, out.signature_boxes.clone());
        let pdf = out.finish(Some(&attachment)).map_err(|e| Error::Typesetting(e.to_string()))?;
        let (pdf, signed_by) = match signer {
            Some(who) => {
                let key = self.signing_key(&who)?;
                let pdf = self.sign_with(&pdf, &boxes, 0, &who, &key, Some("Due-diligence record"))?;
                (pdf, Some(who.name))
            }
            None => (pdf, None),
        };
        Ok(ExportedPdf { pages, bytes: pdf.len(), pdf, signed_by })
    }
}

fn record_document(
    a: &Assessment,
    c: &crate::CollaborationDetail,
    q: &steward_diligence::Questionnaire,
    rev: &super::AssessmentRow,
    qrow: &super::QuestionnaireRow,
    today: &str,
) -> Document {
    let parties = c.doc_parties();
    let factors: Vec<String> = a.rating.factors.iter().map(|(f, b)| format!("{} {}", f.as_str(), b.as_str())).collect();
    let mut sections = vec![section(
        1,
        "Assessment",
        vec![
            format!("Collaboration: {}. Record made on {today}.", c.collaboration.title),
            format!("Questionnaire: {}, version {}, whose SHA-256 is", q.title, qrow.version),
            qrow.hash.clone(),
            format!(
                "Answers: revision {}, recorded by {} at {}, whose SHA-256 is",
                rev.number, rev.created_by, rev.created_at
            ),
            rev.hash.clone(),
            format!("Rating: {} ({}).", a.rating.band.as_str().to_uppercase(), factors.join(", ")),
        ],
    )];
    sections.push(section(
        2,
        "Findings",
        a.rating
            .fired
            .iter()
            .map(|f| {
                format!(
                    "{} {}: {} = {} ({}). {}",
                    f.factor.as_str(),
                    f.band.as_str(),
                    f.question,
                    f.answer,
                    f.subject,
                    f.reason
                )
            })
            .collect(),
    ));
    let mut answers = Vec::new();
    for s in &a.subjects {
        let Some(given) = a.answers.get(&s.key) else { continue };
        for question in &q.questions {
            if let Some(ans) = given.get(&question.id) {
                answers.push(format!("{} Answer: {}. ({}, {})", question.label, ans.display(), question.id, s.label));
            }
        }
    }
    for m in &a.rating.missing {
        answers.push(format!("{} ({}): {} NOT ANSWERED", m.question, m.subject, m.label));
    }
    sections.push(section(3, "Answers", answers));
    sections.push(section(
        4,
        "Clauses every agreement must contain",
        a.rating.clauses.iter().map(|(cl, by)| format!("{cl}, required by {}.", by.join("; "))).collect(),
    ));
    let mut screening = Vec::new();
    match &a.screening {
        None => screening.push("The parties have not been screened.".to_string()),
        Some(s) => {
            screening.push(format!(
                "Screening {} of {} names by {} at {}{}.",
                s.id,
                s.names_checked,
                s.created_by,
                s.created_at,
                if s.due { " (due again)" } else { "" }
            ));
            for l in &s.lists {
                screening.push(format!(
                    "List: {}, {}, SHA-256 {}.",
                    l.name,
                    l.published.as_deref().unwrap_or("undated"),
                    l.sha256
                ));
            }
            for m in &s.matches {
                let state = match m.decision.as_deref() {
                    Some(d) => format!(
                        "{d} by {}: {}",
                        m.decided_by.as_deref().unwrap_or(""),
                        m.reason.as_deref().unwrap_or("")
                    ),
                    None => "not yet cleared or confirmed".into(),
                };
                screening.push(format!(
                    "Possible match {}: {} and {} (entry {}, score {:.2}): {state}.",
                    m.id, m.party_name, m.listed_name, m.reference, m.score
                ));
            }
        }
    }
    sections.push(section(5, "Sanctions screening", screening));
    sections.push(section(
        6,
        "Approvals",
        a.approvals
            .iter()
            .map(|r| match (&r.approval, r.stale) {
                (None, _) => format!("{}: missing (required by {}).", r.label, r.required_by.join("; ")),
                (Some(x), stale) => {
                    format!(
                        "{}: approved by {} at {} (decision {}{}): {}",
                        r.label,
                        x.approved_by,
                        x.approved_at,
                        x.decision_seq,
                        if stale { "; STALE, the answers changed since" } else { "" },
                        x.note.trim_end_matches('.')
                    ) + "."
                }
            })
            .collect(),
    ));
    sections.push(section(
        7,
        "Status",
        if a.signing_blocked_by.is_empty() {
            vec!["The collaboration's agreements may be signed.".into()]
        } else {
            a.signing_blocked_by.iter().map(|b| format!("Signing is blocked: {b}.")).collect()
        },
    ));
    let lead = c.members.iter().find(|m| m.role == crate::Role::Lead).or(c.members.first());
    Document {
        kind: "diligence-record".into(),
        title: format!("Due-diligence record: {}", c.collaboration.title),
        // The date is in the record's first section: the layout's date line speaks of agreements.
        date: None,
        parties,
        recitals: Vec::new(),
        sections,
        schedules: Vec::new(),
        signatures: lead
            .map(|m| SignatureBlock {
                party_legal_name: m.party.legal_name.clone(),
                party_short_name: m.party.short_name.clone().unwrap_or_default(),
                lines: vec!["For the research office".into()],
            })
            .into_iter()
            .collect(),
    }
}
