//! Completing an exit: the exit pack, one signed PDF (the trigger, the plan and every decision on
//! it, the certificates, the final accounts, the decision log since the exit began) with the
//! machine-readable record embedded; and the decision-log export beside it.

use super::{ExitPlan, PlanItem};
use crate::decisions::{LogExport, NewDecision};
use crate::error::{Error, FieldError, Invalid, Result};
use crate::{CollaborationPatch, Id, Steward};
use serde::Serialize;
use steward_clauses::document::{Block, Document, Section, SignatureBlock};

/// The name of the record embedded in the exit pack.
pub const EXIT_RECORD_FILE_NAME: &str = "steward-exit-record.json";

/// What completing an exit writes.
#[derive(Debug, Clone)]
pub struct ExitPack {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub sha256: String,
    pub log: LogExport,
    pub plan: ExitPlan,
    pub signed_by: String,
}

#[derive(Serialize)]
struct Record<'a> {
    format: &'static str,
    version: u32,
    plan: &'a ExitPlan,
    completion_decision: i64,
}

fn line(number: String, text: String) -> Block {
    Block { level: 2, number: Some(number), anchor: None, text, refs: Vec::new() }
}

fn section(n: usize, id: &str, title: &str, lines: Vec<String>) -> Section {
    let lines = if lines.is_empty() { vec!["None.".to_string()] } else { lines };
    Section {
        clause_id: format!("exit.{id}"),
        number: n.to_string(),
        title: title.into(),
        version: String::new(),
        fallback: None,
        guidance: String::new(),
        blocks: lines.into_iter().enumerate().map(|(k, t)| line(format!("{n}.{}", k + 1), t)).collect(),
    }
}

fn decided(i: &PlanItem) -> String {
    match &i.decided {
        None => format!("{} {}: {}.", i.label, i.title, i.proposed),
        Some(d) => {
            let how = match d.kind.as_str() {
                "certificate" => {
                    let f = &d.fields;
                    let s = |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
                    format!(
                        "certificate: {} of {} by {} on {}, verified by {}; media {}",
                        d.value,
                        s("media"),
                        s("performed_by"),
                        s("performed_on"),
                        s("verification"),
                        s("media_fate")
                    )
                }
                "exception" => format!(
                    "kept under a retention exception: {}",
                    d.fields.get("reason").and_then(|v| v.as_str()).unwrap_or_default()
                ),
                _ => {
                    let note = d.fields.get("note").and_then(|v| v.as_str()).unwrap_or_default();
                    let words = steward_register::ip::Disposition::parse(&d.value)
                        .map_or(d.value.clone(), |x| x.describe().to_string());
                    if note.is_empty() { words } else { format!("{words} ({note})") }
                }
            };
            format!(
                "{} {}: {how}; decided {} by {}{}.",
                i.label,
                i.title,
                &d.at[..10.min(d.at.len())],
                d.by,
                d.decision_seq.map(|s| format!(", decision {s}")).unwrap_or_default()
            )
        }
    }
}

impl Steward {
    /// Completes an exit: refused, naming each, while an item is undecided. Logs the completion,
    /// withdraws the obligations that end with the collaboration (when it ends as a whole, and
    /// then closes it), and writes the exit pack signed by `identity`.
    pub fn complete_exit(&mut self, exit: Id, identity: Option<Id>) -> Result<ExitPack> {
        let plan = self.exit_plan(exit)?;
        if plan.exit.completed_at.is_some() {
            return Err(Error::Conflict(format!("exit {exit} is already complete")));
        }
        if !plan.undecided.is_empty() {
            let problems = plan
                .items
                .iter()
                .filter(|i| i.needs_decision && i.decided.is_none())
                .map(|i| {
                    FieldError::new(
                        i.label.clone(),
                        format!(
                            "{} is undecided ({}): {}",
                            i.title,
                            i.proposed,
                            if i.section == "dataset" { "exit certify" } else { "exit decide" }
                        ),
                    )
                })
                .collect();
            return Err(Error::Invalid(Invalid(problems)));
        }
        let collab = plan.exit.collaboration_id;
        let signer = self.acting_identity(identity)?;
        let who = self.identity(signer)?;
        let key = self.signing_key(&who)?;
        let now = self.now();
        let ends_all = plan.exit.trigger.ends_all();
        self.atomically(|s| {
            let decided = plan.items.iter().filter(|i| i.decided.is_some()).count();
            let d = s.add_decision(
                collab,
                &NewDecision {
                    title: format!("Exit {exit} completed: {}", plan.exit.trigger.as_str()),
                    decision: Some(format!(
                        "{} items decided; {} obligations survive; the exit pack is signed by {}",
                        decided,
                        plan.items.iter().filter(|i| i.section == "survives").count(),
                        who.name
                    )),
                    rationale: Some(plan.exit.trigger_words.clone()),
                    links: vec![format!("exit:{exit}")],
                    ..NewDecision::default()
                },
                signer,
            )?;
            let seq = d.entry.seq as i64;
            if ends_all {
                for i in plan.items.iter().filter(|i| i.section == "ends") {
                    if let Some(id) = i.key.strip_prefix("obligation:").and_then(|n| n.parse::<Id>().ok()) {
                        s.store().withdraw_item(id, &format!("the collaboration ended (exit {exit})"), now)?;
                    }
                }
                s.update_collaboration(
                    collab,
                    &CollaborationPatch { status: Some("closed".into()), ..CollaborationPatch::default() },
                )?;
            }
            let mut done = s.exit_plan(exit)?;
            done.exit.completed_at = Some(crate::store::ts(now));
            let log = s.export_decisions(collab)?;
            let (pdf, pages) = s.exit_pack_pdf(&done, seq, &who, &key)?;
            let sha256 = steward_clauses::canonical::sha256_hex(&pdf);
            s.store().complete_exit(exit, &sha256, Some(seq), now)?;
            done.exit.pack_sha256 = Some(sha256.clone());
            Ok(ExitPack { pdf, pages, sha256, log, plan: done, signed_by: who.name.clone() })
        })
    }

    fn exit_pack_pdf(
        &self,
        plan: &ExitPlan,
        completion: i64,
        who: &crate::identities::Identity,
        key: &steward_sign::SecretKey,
    ) -> Result<(Vec<u8>, usize)> {
        let e = &plan.exit;
        let c = self.collaboration(e.collaboration_id)?;
        let mut trigger = vec![
            format!("Trigger: {} ({}).", e.trigger.as_str(), e.trigger_words),
            format!(
                "{} on {}.",
                match &e.party {
                    Some(p) => format!("{p} leaves the collaboration"),
                    None => "The collaboration ends".into(),
                },
                e.exit_date
            ),
            format!(
                "Started {} by {}{}.",
                &e.started_at[..10.min(e.started_at.len())],
                e.started_by,
                e.decision_seq.map(|s| format!(" (decision {s})")).unwrap_or_default()
            ),
        ];
        if let Some(n) = &e.note {
            trigger.push(format!("Note: {n}"));
        }
        if let (Some(n), Some(h)) = (&e.evidence_name, &e.evidence_sha256) {
            trigger.push(format!("Evidence: {n}, SHA-256 {h}."));
        }
        let of = |sections: &[&str]| {
            plan.items.iter().filter(|i| sections.contains(&i.section.as_str())).map(decided).collect::<Vec<_>>()
        };
        let mut accounts = plan.accounts.lines.clone();
        match (&plan.accounts.total, &plan.accounts.problem) {
            (Some(t), _) => accounts.insert(0, format!("Ledger as of {}: {t} in all.", plan.accounts.as_of)),
            (None, Some(p)) => accounts.push(format!("The ledger could not be totalled: {p}")),
            _ => {}
        }
        let mut open = plan.open_risks.iter().map(|r| format!("Risk {r}")).collect::<Vec<_>>();
        open.extend(plan.open_publications.iter().map(|p| format!("Publication under review: {p}")));
        let since = e.decision_seq.unwrap_or(1);
        let log: Vec<String> = self
            .decisions(e.collaboration_id)?
            .iter()
            .filter(|d| d.entry.seq as i64 >= since)
            .map(|d| {
                format!(
                    "Decision {} ({}, {}): {}. {}",
                    d.entry.seq, d.entry.date, d.entry.author, d.entry.title, d.entry.decision
                )
            })
            .collect();
        let sections = vec![
            section(1, "trigger", "Trigger", trigger),
            section(2, "survives", "Obligations that survive", of(&["survives"])),
            section(3, "ends", "Obligations that end", of(&["ends"])),
            section(4, "ip", "Intellectual property", of(&["background", "result", "licence"])),
            section(5, "data", "Datasets: return, destruction and retention", of(&["dataset"])),
            section(6, "accounts", "Final accounts", accounts),
            section(7, "open", "Open risks and publications", open),
            section(8, "decisions", "Decisions of the exit", log),
        ];
        let org = who.organisation.clone().unwrap_or_else(|| who.name.clone());
        let doc = Document {
            kind: "exit-pack".into(),
            title: format!("Exit pack: {}", c.collaboration.title),
            date: None,
            parties: c.doc_parties(),
            recitals: Vec::new(),
            sections,
            schedules: Vec::new(),
            signatures: vec![SignatureBlock {
                party_legal_name: org.clone(),
                party_short_name: org,
                lines: vec![format!("Name: {}", who.name), "Signature:".into(), "Date:".into()],
            }],
        };
        let record = Record { format: "steward-exit-record", version: 1, plan, completion_decision: completion };
        let json = serde_json::to_string_pretty(&record).map_err(|e| Error::Conflict(e.to_string()))?;
        let opts = steward_pdf::ExportOptions {
            status: format!("Exit {} \u{00b7} complete", e.id),
            doc_id: steward_clauses::canonical::sha256_hex(json.as_bytes())[..12].to_string(),
            draft_mark: false,
            author: self.actor().to_string(),
            subject: format!("Exit pack: {}", c.collaboration.title),
            created: self.now().timestamp(),
            terms_heading: Some("EXIT".into()),
            grids: Vec::new(),
        };
        let out = steward_pdf::lay_out(&doc, &opts).map_err(|e| Error::Typesetting(e.to_string()))?;
        let date = self.now().format("D:%Y%m%d%H%M%S+00'00'").to_string();
        let attachment = steward_pdf::Attachment {
            name: EXIT_RECORD_FILE_NAME,
            mime: "application/json",
            data: json.as_bytes(),
            created: &date,
        };
        let (pages, boxes) = (out.pages, out.signature_boxes.clone());
        let pdf = out.finish(Some(&attachment)).map_err(|e| Error::Typesetting(e.to_string()))?;
        let signed = self.sign_with(&pdf, &boxes, 0, who, key, Some("Exit completed"))?;
        Ok((signed, pages))
    }
}

/// The exit record embedded in an exit pack, once the pack's signatures verify intact.
pub fn read_exit_record(pdf: &[u8]) -> Result<serde_json::Value> {
    let report = steward_sign::verify(pdf).map_err(|e| Error::invalid("PDF", e.to_string()))?;
    if report.signatures.is_empty()
        || report
            .signatures
            .iter()
            .any(|s| s.integrity != steward_sign::Integrity::Valid || !s.modified_after_signing.is_empty())
    {
        return Err(Error::Signature("the exit pack's signature does not verify: its record is not read".into()));
    }
    let file = steward_sign::pdf::file::PdfFile::parse(pdf).map_err(|e| Error::invalid("PDF", e.to_string()))?;
    let last = file.revisions.len().saturating_sub(1);
    let bytes =
        steward_sign::pdf::embedded_file(&file, last, EXIT_RECORD_FILE_NAME, steward_sign::pdf::MAX_EMBEDDED_FILE)
            .ok_or_else(|| {
                Error::invalid("PDF", format!("holds no {EXIT_RECORD_FILE_NAME}: it is not an exit pack"))
            })?;
    serde_json::from_slice(&bytes).map_err(|e| Error::invalid(EXIT_RECORD_FILE_NAME, e.to_string()))
}
