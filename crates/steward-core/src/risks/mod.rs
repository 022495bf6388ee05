//! The joint risk register of a collaboration. Every change is a new version (nothing is edited
//! away); a new risk, a change of score, a closure and the acceptance of a high risk are entries
//! of the decision log; a risk's next review is a due item. Trusted Research answers that raise a
//! factor's band create or update the risk linked to that factor.

mod report;
pub use report::REGISTER_FILE_NAME;

use crate::decisions::NewDecision;
use crate::error::{Error, FieldError, Invalid, Result};
use crate::store::obligations::ItemSpec;
use crate::{Id, Steward};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
pub use steward_register::risk::{
    Band, HeatMap, Rating, RegisterRow, RiskAction, RiskCategory, RiskFields, RiskStatus, Treatment, Visibility,
};

/// A risk as the register shows it: its current version and its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Risk {
    pub id: Id,
    pub collaboration_id: Id,
    /// `R1`, `R2`, ... within the collaboration.
    pub label: String,
    pub number: i64,
    pub version: i64,
    /// `diligence:FACTOR` for a risk raised by Trusted Research answers.
    pub source: Option<String>,
    pub fields: RiskFields,
    pub inherent_score: u8,
    pub current_score: u8,
    pub band: Band,
    pub raised_by_name: String,
    pub owner_party_name: String,
    pub review_overdue: bool,
    pub updated_at: String,
    pub updated_by: String,
}

/// One kept version of a risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RiskVersion {
    pub version: i64,
    pub fields: RiskFields,
    /// What changed from the version before, in words.
    pub changes: Vec<String>,
    /// The decision-log entry that records it, for significant changes.
    pub decision_seq: Option<i64>,
    pub created_at: String,
    pub created_by: String,
}

/// A collaboration's register and its heat map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RiskRegister {
    pub collaboration_id: Id,
    pub risks: Vec<Risk>,
    pub heat_map: HeatMap,
}

/// Which view of the register: everything, or only what is shared with the partners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RegisterView {
    All,
    Shared,
}

impl Steward {
    /// The register (closed risks included), with its heat map of the risks still open.
    pub fn risk_register(&self, collab: Id, view: RegisterView) -> Result<RiskRegister> {
        let detail = self.collaboration(collab)?;
        let names: std::collections::HashMap<Id, String> =
            detail.members.iter().map(|m| (m.party.id, m.party.display_name().to_string())).collect();
        let today = self.clock_today();
        let mut risks = Vec::new();
        for (row, v) in self.store().risks(collab)? {
            if view == RegisterView::Shared && v.fields.visibility != Visibility::Shared {
                continue;
            }
            risks.push(self.risk_of(&row, v, &names, today));
        }
        let heat_map = steward_register::risk::heat_map(risks.iter().map(|r| (r.label.clone(), &r.fields)));
        Ok(RiskRegister { collaboration_id: collab, risks, heat_map })
    }

    fn risk_of(
        &self,
        row: &crate::store::risks::RiskRow,
        v: crate::store::risks::RiskVersionRow,
        names: &std::collections::HashMap<Id, String>,
        today: NaiveDate,
    ) -> Risk {
        let name = |p: Id| names.get(&p).cloned().unwrap_or_else(|| format!("party {p}"));
        Risk {
            id: row.id,
            collaboration_id: row.collaboration_id,
            label: format!("R{}", row.number),
            number: row.number,
            version: v.version,
            source: row.source.clone(),
            inherent_score: v.fields.inherent.score(),
            current_score: v.fields.current().score(),
            band: v.fields.current().band(),
            raised_by_name: name(v.fields.raised_by),
            owner_party_name: name(v.fields.owner_party),
            review_overdue: v.fields.status != RiskStatus::Closed && v.fields.next_review.is_some_and(|d| d < today),
            updated_at: v.created_at,
            updated_by: v.created_by,
            fields: v.fields,
        }
    }

    /// A risk: by its id, or `R3` / `3` within a collaboration.
    pub fn risk(&self, collab: Option<Id>, which: &str) -> Result<Risk> {
        let w = which.trim();
        let row = match (collab, w.strip_prefix(['R', 'r']).unwrap_or(w).parse::<i64>()) {
            (Some(c), Ok(n)) => self
                .store()
                .risk_by_number(c, n)?
                .ok_or_else(|| Error::not_found("risk", format!("R{n} of collaboration {c}")))?,
            (None, Ok(n)) if !w.starts_with(['R', 'r']) => self.store().risk_by_id(n)?,
            (None, Ok(_)) => {
                return Err(Error::invalid(
                    "risk",
                    format!("'{w}' names a risk within a collaboration: give --collab"),
                ));
            }
            (_, Err(_)) => return Err(Error::invalid("risk", format!("'{w}' is not a risk (R3, or its id)"))),
        };
        self.register_entry(row.collaboration_id, row.id)
    }

    fn register_entry(&self, collab: Id, id: Id) -> Result<Risk> {
        self.risk_register(collab, RegisterView::All)?
            .risks
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| Error::not_found("risk", id))
    }

    /// Every version of a risk, oldest first.
    pub fn risk_history(&self, risk: Id) -> Result<Vec<RiskVersion>> {
        self.store().risk_by_id(risk)?;
        Ok(self
            .store()
            .risk_versions(risk)?
            .into_iter()
            .map(|v| RiskVersion {
                version: v.version,
                fields: v.fields,
                changes: v.changes,
                decision_seq: v.decision_seq,
                created_at: v.created_at,
                created_by: v.created_by,
            })
            .collect())
    }

    fn check_risk(&self, collab: Id, fields: &RiskFields) -> Result<()> {
        let detail = self.collaboration(collab)?;
        let parties: Vec<Id> = detail.members.iter().map(|m| m.party.id).collect();
        let mut problems: Vec<FieldError> =
            fields.check(&parties).into_iter().map(|(f, m)| FieldError::new(f, m)).collect();
        for l in &fields.links {
            if let Err(m) = self.check_risk_link(collab, l) {
                problems.push(FieldError::new("links", m));
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(Error::Invalid(Invalid(problems))) }
    }

    fn check_risk_link(&self, collab: Id, link: &str) -> std::result::Result<(), String> {
        let (kind, id) = link
            .split_once(':')
            .ok_or_else(|| format!("'{link}' is not KIND:ID (clause, obligation, question, agreement)"))?;
        match kind {
            "clause" => {
                if !self.templates().map_err(|e| e.to_string())?.iter().any(|t| t.id == id) {
                    return Err(format!("clause '{id}' is not in the library"));
                }
            }
            "obligation" => {
                let o = id.parse::<Id>().ok().and_then(|n| self.store().obligation(n).ok().flatten());
                if o.is_none_or(|o| o.collaboration_id != collab) {
                    return Err(format!("obligation {id} is not one of this collaboration's"));
                }
            }
            "agreement" => {
                let a = id.parse::<Id>().ok().and_then(|n| self.store().agreement_row_by_id(n).ok());
                if a.is_none_or(|a| a.collaboration_id != collab) {
                    return Err(format!("agreement {id} is not one of this collaboration's"));
                }
            }
            "question" => {
                if id.is_empty() || id.len() > 200 {
                    return Err(format!("'{link}' does not name a question (question:SUBJECT/QUESTION)"));
                }
            }
            other => return Err(format!("'{other}' is not a link kind (clause, obligation, question, agreement)")),
        }
        Ok(())
    }

    /// Adds a risk (its first version, and a decision-log entry signed by `identity`).
    pub fn add_risk(&mut self, collab: Id, fields: &RiskFields, identity: Option<Id>) -> Result<Risk> {
        self.check_risk(collab, fields)?;
        let id = self.save_risk(collab, None, None, None, fields, identity, None)?;
        self.register_entry(collab, id)
    }

    /// Records a new version of a risk. Only a real change makes one.
    pub fn update_risk(
        &mut self,
        risk: Id,
        fields: &RiskFields,
        note: Option<&str>,
        identity: Option<Id>,
    ) -> Result<Risk> {
        let row = self.store().risk_by_id(risk)?;
        let current = self.store().risk_versions(risk)?.pop().ok_or_else(|| Error::not_found("risk version", risk))?;
        if current.fields == *fields {
            return Err(Error::Conflict(format!("R{} already says this: nothing to record", row.number)));
        }
        self.check_risk(row.collaboration_id, fields)?;
        self.save_risk(row.collaboration_id, Some(risk), None, Some(&current.fields), fields, identity, note)?;
        self.register_entry(row.collaboration_id, risk)
    }

    /// Keeps a version, logs it when significant (signed by `identity`, or the only identity of
    /// ours), and keeps its review date as a due item.
    #[allow(clippy::too_many_arguments)]
    fn save_risk(
        &mut self,
        collab: Id,
        existing: Option<Id>,
        source: Option<&str>,
        before: Option<&RiskFields>,
        fields: &RiskFields,
        identity: Option<Id>,
        note: Option<&str>,
    ) -> Result<Id> {
        let significant = RiskFields::significant_changes(before, fields);
        let mut changes: Vec<String> = significant.clone();
        if let Some(b) = before {
            let named = RiskFields::changed_fields(b, fields);
            if !named.is_empty() {
                changes.push(format!("changed: {}", named.join(", ")));
            }
        }
        if let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) {
            changes.push(format!("note: {n}"));
        }
        let now = self.now();
        let by = self.actor().to_string();
        self.atomically(|s| {
            let (id, number) = match existing {
                Some(id) => (id, s.store().risk_by_id(id)?.number),
                None => s.store().insert_risk(collab, source, fields, now)?,
            };
            let version = s.store().next_risk_version(id)?;
            let seq = if significant.is_empty() {
                None
            } else {
                let identity = s.acting_identity(identity)?;
                let d = s.add_decision(
                    collab,
                    &NewDecision {
                        title: format!(
                            "Risk R{number} {}: {}",
                            if before.is_none() { "raised" } else { "updated" },
                            fields.title
                        ),
                        decision: Some(format!("Version {version}: {}", significant.join("; "))),
                        rationale: Some(note.map(str::to_string).unwrap_or_else(|| {
                            format!(
                                "{} ({}), owner {}",
                                fields.status,
                                fields.treatment.map_or("untreated".into(), |t| t.to_string()),
                                fields.owner_person
                            )
                        })),
                        links: vec![format!("risk:{id}")],
                        ..NewDecision::default()
                    },
                    identity,
                )?;
                Some(d.entry.seq as i64)
            };
            s.store().record_risk_version(id, version, fields, &changes, seq, &by, now)?;
            let key = format!("risk:{id}/review");
            match (fields.status, fields.next_review) {
                (RiskStatus::Closed, _) | (_, None) => {
                    s.store().withdraw_key(collab, &key, "the risk is closed", now)?
                }
                (_, Some(d)) => {
                    s.store().upsert_item(
                        collab,
                        &ItemSpec {
                            key,
                            origin: "risk",
                            agreement_id: None,
                            revision: None,
                            clause_id: fields.links.iter().find_map(|l| l.strip_prefix("clause:").map(str::to_string)),
                            kind: "risk_review".into(),
                            title: format!("Review risk R{number}: {}", fields.title),
                            party_ids: vec![fields.owner_party],
                            party_label: fields.owner_person.clone(),
                            due_date: d.to_string(),
                            rule: format!("next review of R{number} (version {version})"),
                            remind_days: 7,
                        },
                        now,
                    )?;
                }
            }
            Ok(id)
        })
    }

    /// Creates or raises the risk linked to each Trusted Research factor rated medium or high
    /// (called when answers are saved). Returns the risks touched.
    pub fn sync_diligence_risks(&mut self, collab: Id, identity: Option<Id>) -> Result<Vec<Id>> {
        let a = self.diligence(collab)?;
        let Some(rev) = &a.revision else { return Ok(Vec::new()) };
        let detail = self.collaboration(collab)?;
        let Some(lead) = detail.members.iter().find(|m| m.role == crate::Role::Lead).or(detail.members.first()) else {
            return Ok(Vec::new());
        };
        let lead_id = lead.party.id;
        let identity = match self.acting_identity(identity) {
            Ok(i) => i,
            // Without a signing identity the log cannot record the risk: it waits for the next answers.
            Err(Error::Invalid(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut touched = Vec::new();
        for (factor, fband) in &a.rating.factors {
            let band = fband.as_str();
            let inherent = match band {
                "high" => Rating { likelihood: 4, impact: 5 },
                "medium" => Rating { likelihood: 3, impact: 4 },
                _ => continue,
            };
            let label = match factor.as_str() {
                "research" => "Research area",
                "country" => "Country",
                "partner" => "Partner",
                other => other,
            };
            let source = format!("diligence:{}", factor.as_str());
            let fired: Vec<_> = a.rating.fired.iter().filter(|r| r.factor == *factor).collect();
            let reasons: Vec<String> = fired.iter().map(|r| r.reason.clone()).collect();
            let links: Vec<String> = fired
                .iter()
                .map(|r| format!("question:{}/{}", r.subject_key, r.question))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .take(20)
                .collect();
            let existing = self.store().risk_by_source(collab, &source)?;
            match existing {
                None => {
                    let fields = RiskFields {
                        title: format!("Trusted Research: {label} rated {band}"),
                        category: steward_register::risk::RiskCategory::ResearchSecurity,
                        cause: reasons.join("; "),
                        event: format!("The {} concern behind this rating materialises during the collaboration", label.to_lowercase()),
                        consequence: "Breach of sanctions, export control or security obligations; suspension of the project; harm to the institution's reputation".into(),
                        raised_by: lead_id,
                        owner_party: lead_id,
                        owner_person: "Research security lead".into(),
                        inherent,
                        residual: None,
                        controls: format!("Trusted Research assessment revision {} ({})", rev.number, &rev.hash[..12]),
                        treatment: None,
                        actions: Vec::new(),
                        status: RiskStatus::Open,
                        next_review: Some(self.clock_today() + chrono::Days::new(30)),
                        visibility: Visibility::Internal,
                        links,
                    };
                    touched.push(self.save_risk(
                        collab,
                        None,
                        Some(&source),
                        None,
                        &fields,
                        Some(identity),
                        Some("raised by the Trusted Research answers"),
                    )?);
                }
                Some(row) => {
                    let current = self
                        .store()
                        .risk_versions(row.id)?
                        .pop()
                        .ok_or_else(|| Error::not_found("risk version", row.id))?;
                    if current.fields.inherent.score() >= inherent.score()
                        && current.fields.status != RiskStatus::Closed
                    {
                        continue;
                    }
                    let mut fields = current.fields.clone();
                    fields.inherent = inherent;
                    if fields.residual.is_some_and(|r| r.score() > inherent.score()) {
                        fields.residual = Some(inherent);
                    }
                    if fields.status == RiskStatus::Closed {
                        fields.status = RiskStatus::Open;
                        fields.next_review = Some(self.clock_today() + chrono::Days::new(30));
                    }
                    fields.cause = reasons.join("; ");
                    touched.push(self.save_risk(
                        collab,
                        Some(row.id),
                        Some(&source),
                        Some(&current.fields),
                        &fields,
                        Some(identity),
                        Some(&format!("the Trusted Research answers now rate {label} {band}")),
                    )?);
                }
            }
        }
        Ok(touched)
    }

    /// The register as CSV or JSON rows.
    pub fn risk_rows(&self, collab: Id, view: RegisterView) -> Result<Vec<RegisterRow>> {
        Ok(self
            .risk_register(collab, view)?
            .risks
            .into_iter()
            .map(|r| RegisterRow {
                id: r.label,
                version: u32::try_from(r.version).unwrap_or(0),
                fields: r.fields,
                raised_by_name: r.raised_by_name,
                owner_party_name: r.owner_party_name,
            })
            .collect())
    }

    pub fn risk_csv(&self, collab: Id, view: RegisterView) -> Result<String> {
        steward_register::risk::to_csv(&self.risk_rows(collab, view)?).map_err(Error::Conflict)
    }
}
