//! Exit: the wind-down of a collaboration, or of one party's part in it. An exit is opened with its
//! trigger and evidence (a signed decision); its plan is derived from the agreements and the
//! registers: the obligations that survive and those that end, each IP item's disposition, each
//! dataset to return or destroy (a certificate signed by its holder, or a logged retention
//! exception), the final accounts from the ledger, and the open risks and publications. Completion
//! is refused while an item is undecided; it writes the exit pack, one signed PDF with the record
//! embedded.

mod pack;
pub use pack::{EXIT_RECORD_FILE_NAME, ExitPack, read_exit_record};

use crate::decisions::NewDecision;
use crate::error::{Error, Problems, Result};
use crate::ip::{DatasetFields, Grant};
use crate::obligations::ObligationFilter;
use crate::store::ip::{ExitRow, NewExitRow};
use crate::{Id, Steward};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
pub use steward_register::ip::{Disposition, Method, Trigger};

/// What opens an exit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewExit {
    /// `sunset`, `breach`, `insolvency`, `change-of-control`, `withdrawal`, `key-personnel` or
    /// `by-agreement`.
    pub trigger: String,
    /// The party leaving (every trigger but sunset and by-agreement names one).
    #[serde(default)]
    pub party: Option<String>,
    /// The day the exit takes effect (default: today).
    #[serde(default)]
    pub exit_date: Option<NaiveDate>,
    #[serde(default)]
    pub note: Option<String>,
    /// The evidence file's name; its bytes are hashed, not kept.
    #[serde(default)]
    pub evidence_name: Option<String>,
    #[serde(skip)]
    pub evidence: Option<Vec<u8>>,
}

/// An exit as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Exit {
    pub id: Id,
    pub collaboration_id: Id,
    pub trigger: Trigger,
    /// The trigger in words.
    pub trigger_words: String,
    pub party_id: Option<Id>,
    pub party: Option<String>,
    pub exit_date: String,
    pub note: Option<String>,
    pub evidence_name: Option<String>,
    pub evidence_sha256: Option<String>,
    pub decision_seq: Option<i64>,
    pub started_at: String,
    pub started_by: String,
    pub completed_at: Option<String>,
    pub pack_sha256: Option<String>,
}

/// A certificate that a dataset was returned or its media sanitised (NIST SP 800-88 style).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Certificate {
    pub method: Method,
    /// The media: `2 x 4 TB SSD (serials ...)`, `cloud bucket nm-resonators-raw`.
    pub media: String,
    /// Who did it.
    pub performed_by: String,
    pub performed_on: NaiveDate,
    /// How it was verified (`sampled read-back of 1% of sectors`, `vendor erase report`).
    pub verification: String,
    /// Where the media went (`reused in the lab`, `shredded by the contractor`, `returned to Ferrant`).
    pub media_fate: String,
}

/// A decision taken on an item of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemDecision {
    /// `disposition`, `certificate` or `exception`.
    pub kind: String,
    /// The disposition (`stays`, ...), the certificate's method, or `retained`.
    pub value: String,
    pub fields: Json,
    pub decision_seq: Option<i64>,
    pub at: String,
    pub by: String,
}

/// One item of an exit plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlanItem {
    /// `obligation:ID`, `background:ID`, `result:ID`, `licence:ID`, `dataset:ID`.
    pub key: String,
    /// `survives`, `ends`, `background`, `result`, `licence` or `dataset`.
    pub section: String,
    /// `IP1`, `D2`, `B3` or the obligation's date.
    pub label: String,
    pub title: String,
    /// What the plan proposes, in words.
    pub proposed: String,
    /// Whether someone must decide it before the exit completes.
    pub needs_decision: bool,
    pub decided: Option<ItemDecision>,
}

/// The final accounts as of the exit date, or why they cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FinalAccounts {
    pub as_of: String,
    pub currency: Option<String>,
    pub total: Option<String>,
    /// `Northmoor: EUR 1,250,000.00 (45.00%)`.
    pub lines: Vec<String>,
    pub problem: Option<String>,
}

/// An exit and its plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExitPlan {
    pub exit: Exit,
    pub collaboration: String,
    pub items: Vec<PlanItem>,
    pub accounts: FinalAccounts,
    pub open_risks: Vec<String>,
    pub open_publications: Vec<String>,
    /// The items still to decide, named.
    pub undecided: Vec<String>,
}

/// Obligation kinds that outlive the collaboration.
const SURVIVING: [&str; 9] = [
    "confidentiality_end",
    "disclosure_end",
    "publication_review",
    "publication_delay",
    "embargo_end",
    "data_return",
    "patent_deadline",
    "option_window",
    "licence_window",
];

fn exit_of(row: &ExitRow, party: Option<String>) -> Result<Exit> {
    let trigger = Trigger::parse(&row.trigger).map_err(Error::Conflict)?;
    Ok(Exit {
        id: row.id,
        collaboration_id: row.collaboration_id,
        trigger,
        trigger_words: trigger.describe().to_string(),
        party_id: row.party_id,
        party,
        exit_date: row.exit_date.clone(),
        note: row.note.clone(),
        evidence_name: row.evidence_name.clone(),
        evidence_sha256: row.evidence_sha256.clone(),
        decision_seq: row.decision_seq,
        started_at: row.started_at.clone(),
        started_by: row.started_by.clone(),
        completed_at: row.completed_at.clone(),
        pack_sha256: row.pack_sha256.clone(),
    })
}

impl Steward {
    /// Opens an exit with its trigger, logged as a decision signed by `identity`.
    pub fn start_exit(&mut self, collab: Id, new: &NewExit, identity: Option<Id>) -> Result<ExitPlan> {
        let detail = self.collaboration(collab)?;
        let mut p = Problems::new();
        let trigger = p.take(Trigger::parse(&new.trigger).map_err(|m| crate::FieldError::new("trigger", m)));
        let party = match new.party.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(text) => match detail.member(text) {
                Ok(m) => Some((m.party.id, m.party.display_name().to_string())),
                Err(e) => {
                    p.push("party", e);
                    None
                }
            },
            None => None,
        };
        if let Some(t) = trigger {
            if t.names_a_party() && new.party.as_deref().is_none_or(|s| s.trim().is_empty()) {
                p.push("party", format!("a {} exit names the party it concerns", t.as_str()));
            }
        }
        let note = new.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if note.is_none() && new.evidence.is_none() {
            p.push("evidence", "give the evidence of the trigger: a file, or a note");
        }
        if self.store().exits(Some(collab))?.iter().any(|e| e.completed_at.is_none()) {
            p.push("collaboration", "already has an exit under way: complete it first");
        }
        p.finish()?;
        let trigger = trigger.ok_or_else(|| Error::invalid("trigger", "missing"))?;
        let date = new.exit_date.unwrap_or_else(|| self.clock_today());
        let evidence = new.evidence.as_deref().map(|b| {
            (new.evidence_name.clone().unwrap_or_else(|| "evidence".into()), steward_clauses::canonical::sha256_hex(b))
        });
        let by = self.actor().to_string();
        let now = self.now();
        let id = self.atomically(|s| {
            let identity = s.acting_identity(identity)?;
            let mut rationale = trigger.describe().to_string();
            if let Some(n) = note {
                rationale.push_str(&format!(": {n}"));
            }
            if let Some((name, sha)) = &evidence {
                rationale.push_str(&format!(" (evidence {name}, SHA-256 {sha})"));
            }
            let d = s.add_decision(
                collab,
                &NewDecision {
                    title: format!(
                        "Exit started: {}{}",
                        trigger.as_str(),
                        party.as_ref().map(|p| format!(" ({})", p.1)).unwrap_or_default()
                    ),
                    decision: Some(format!("Exit takes effect on {date}")),
                    rationale: Some(rationale),
                    links: party.iter().map(|p| format!("party:{}", p.0)).collect(),
                    ..NewDecision::default()
                },
                identity,
            )?;
            s.store().insert_exit(
                &NewExitRow {
                    collab,
                    trigger: trigger.as_str(),
                    party: party.as_ref().map(|p| p.0),
                    exit_date: &date.to_string(),
                    note,
                    evidence: evidence.as_ref().map(|(n, h)| (n.as_str(), h.as_str())),
                    decision_seq: Some(d.entry.seq as i64),
                    by: &by,
                },
                now,
            )
        })?;
        self.exit_plan(id)
    }

    /// A collaboration's exits, newest first.
    pub fn exits(&self, collab: Id) -> Result<Vec<Exit>> {
        let detail = self.collaboration(collab)?;
        self.store()
            .exits(Some(collab))?
            .iter()
            .map(|r| {
                exit_of(
                    r,
                    r.party_id
                        .and_then(|p| detail.members.iter().find(|m| m.party.id == p))
                        .map(|m| m.party.display_name().to_string()),
                )
            })
            .collect()
    }

    /// The exit under way in a collaboration, or its latest.
    pub fn current_exit(&self, collab: Id) -> Result<Id> {
        let rows = self.store().exits(Some(collab))?;
        rows.iter()
            .find(|e| e.completed_at.is_none())
            .or(rows.first())
            .map(|e| e.id)
            .ok_or_else(|| Error::not_found("exit of collaboration", collab))
    }

    /// The plan of an exit, with what has been decided.
    pub fn exit_plan(&mut self, exit: Id) -> Result<ExitPlan> {
        let row = self.store().exit(exit)?;
        let collab = row.collaboration_id;
        let detail = self.collaboration(collab)?;
        let name =
            |id: Id| detail.members.iter().find(|m| m.party.id == id).map(|m| m.party.display_name().to_string());
        let e = exit_of(&row, row.party_id.and_then(name))?;
        let leaving = row.party_id;
        let date = row.exit_date.clone();
        let decisions = self.store().exit_decisions(exit)?;
        let decided = |key: &str| {
            decisions.iter().rev().find(|d| d.item == key).map(|d| ItemDecision {
                kind: d.kind.clone(),
                value: d.value.clone(),
                fields: serde_json::from_str(&d.fields).unwrap_or(Json::Null),
                decision_seq: d.decision_seq,
                at: d.at.clone(),
                by: d.by.clone(),
            })
        };
        let mut items = Vec::new();
        // Obligations: those that outlive the exit, and those that end with it.
        let open =
            self.obligations(&ObligationFilter { collaboration_id: Some(collab), ..ObligationFilter::default() })?;
        for o in open.iter().filter(|o| o.due_date >= date) {
            let survives = SURVIVING.contains(&o.kind.as_str());
            if !survives && !e.trigger.ends_all() {
                continue;
            }
            items.push(PlanItem {
                key: format!("obligation:{}", o.id),
                section: if survives { "survives" } else { "ends" }.into(),
                label: o.due_date.clone(),
                title: o.title.clone(),
                proposed: if survives {
                    format!("survives the exit until {} ({})", o.due_date, o.party_label)
                } else {
                    "ends with the collaboration (withdrawn when the exit completes)".into()
                },
                needs_decision: false,
                decided: None,
            });
        }
        let register = self.ip_register(collab)?;
        for b in register.background.items.iter().filter(|b| !b.fields.withdrawn) {
            if leaving.is_some_and(|p| p != b.fields.party_id) {
                continue;
            }
            items.push(PlanItem {
                key: format!("background:{}", b.id),
                section: "background".into(),
                label: b.label.clone(),
                title: format!("{}: {}", b.party_name, b.fields.item),
                proposed: format!("{}; the others' access rights to it end", Disposition::Stays.describe()),
                needs_decision: false,
                decided: decided(&format!("background:{}", b.id)),
            });
        }
        for r in &register.results {
            let owners: Vec<Id> = r.owners.iter().map(|o| o.party_id).collect();
            let (d, needs) = steward_register::ip::propose_result(e.trigger, leaving, &owners);
            let key = format!("result:{}", r.id);
            items.push(PlanItem {
                decided: decided(&key),
                key,
                section: "result".into(),
                label: r.label.clone(),
                title: format!(
                    "{} (owned by {})",
                    r.fields.title,
                    if r.owners.is_empty() {
                        "no one yet".into()
                    } else {
                        r.owners.iter().map(|o| o.party.clone()).collect::<Vec<_>>().join(", ")
                    }
                ),
                proposed: d.describe().into(),
                needs_decision: needs,
            });
            for l in &r.licences {
                let (d, needs) = steward_register::ip::propose_licence(e.trigger, leaving, l.fields.licensee_id);
                let key = format!("licence:{}", l.id);
                items.push(PlanItem {
                    decided: decided(&key),
                    key,
                    section: "licence".into(),
                    label: l.label.clone(),
                    title: format!(
                        "{} {} to {} on {}",
                        if l.fields.exclusive { "exclusive" } else { "non-exclusive" },
                        if l.fields.grant == Grant::Option { "option" } else { "licence" },
                        l.licensee,
                        r.label
                    ),
                    proposed: d.describe().into(),
                    needs_decision: needs,
                });
            }
        }
        for d in &register.datasets {
            let f: &DatasetFields = &d.fields;
            if leaving.is_some_and(|p| p != f.holder_id && f.supplied_by != Some(p)) {
                continue;
            }
            let key = format!("dataset:{}", d.id);
            items.push(PlanItem {
                decided: decided(&key),
                key,
                section: "dataset".into(),
                label: d.label.clone(),
                title: format!("{} ({}, held by {} at {})", f.name, f.tier.as_str(), d.holder, f.location),
                proposed: match &d.supplied_by {
                    Some(s) if Some(f.holder_id) != f.supplied_by => {
                        format!("return to {s}, or destroy with a certificate")
                    }
                    _ => "destroy with a certificate, or keep under a logged retention exception".into(),
                },
                needs_decision: true,
            });
        }
        // The final accounts, as of the exit date.
        let as_of = NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok();
        let accounts = match self.ledger_report(collab, None, as_of) {
            Ok(r) => FinalAccounts {
                as_of: date.clone(),
                currency: Some(r.currency.clone()),
                total: Some(format!("{} {}", r.currency, r.total)),
                lines: r
                    .parties
                    .iter()
                    .map(|p| format!("{}: {} {} ({}%)", p.party, r.currency, p.total, p.share))
                    .collect(),
                problem: None,
            },
            Err(err) => FinalAccounts {
                as_of: date.clone(),
                currency: None,
                total: None,
                lines: Vec::new(),
                problem: Some(match &err {
                    Error::Invalid(inv) if inv.0.iter().any(|f| f.field == "currency") => {
                        "No contributions are recorded in the ledger: there is nothing to account for.".to_string()
                    }
                    _ => err.to_string(),
                }),
            },
        };
        let open_risks = self
            .risk_register(collab, crate::risks::RegisterView::All)?
            .risks
            .iter()
            .filter(|r| r.fields.status != crate::risks::RiskStatus::Closed)
            .map(|r| format!("{}: {} ({}, {})", r.label, r.fields.title, r.band, r.fields.status))
            .collect();
        let open_publications = self
            .publications(Some(collab))?
            .iter()
            .filter(|p| p.row.status == "under_review" || p.row.status == "objected")
            .map(|p| format!("{} ({})", p.row.title, p.row.status.replace('_', " ")))
            .collect();
        let undecided = items
            .iter()
            .filter(|i| i.needs_decision && i.decided.is_none())
            .map(|i| format!("{} {}", i.label, i.title))
            .collect();
        Ok(ExitPlan {
            exit: e,
            collaboration: detail.collaboration.title.clone(),
            items,
            accounts,
            open_risks,
            open_publications,
            undecided,
        })
    }

    fn open_exit_item(&mut self, exit: Id, which: &str) -> Result<(ExitPlan, PlanItem)> {
        let plan = self.exit_plan(exit)?;
        if plan.exit.completed_at.is_some() {
            return Err(Error::Conflict(format!("exit {exit} is complete: its decisions are final")));
        }
        let w = which.trim();
        let item =
            plan.items.iter().find(|i| i.key == w || i.label.eq_ignore_ascii_case(w)).cloned().ok_or_else(|| {
                Error::invalid(
                    "item",
                    format!(
                        "'{w}' is not an item of this exit's plan ({})",
                        plan.items
                            .iter()
                            .filter(|i| i.needs_decision)
                            .map(|i| i.label.clone())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        Ok((plan, item))
    }

    /// Decides what happens to an IP item (a result or a licence) at exit, signed by `identity`.
    pub fn decide_exit_item(
        &mut self,
        exit: Id,
        item: &str,
        disposition: &str,
        note: &str,
        identity: Option<Id>,
    ) -> Result<ExitPlan> {
        let d = Disposition::parse(disposition).map_err(|m| Error::invalid("disposition", m))?;
        let (plan, it) = self.open_exit_item(exit, item)?;
        let allowed: &[Disposition] = match it.section.as_str() {
            "result" | "background" => &[Disposition::Stays, Disposition::Assigned, Disposition::LicensedBack],
            "licence" => &[Disposition::LicenceEnded, Disposition::LicenceContinues],
            _ => {
                return Err(Error::invalid(
                    "item",
                    format!("{} is a {}: it takes a certificate or an exception (exit certify)", it.label, it.section),
                ));
            }
        };
        if !allowed.contains(&d) {
            return Err(Error::invalid(
                "disposition",
                format!("a {} is {}", it.section, allowed.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(" or ")),
            ));
        }
        if d == Disposition::Assigned && note.trim().is_empty() {
            return Err(Error::invalid("note", "say to whom it is assigned, and on what terms"));
        }
        let collab = plan.exit.collaboration_id;
        let fields = serde_json::json!({ "note": note.trim() });
        self.record_exit_decision(
            collab,
            exit,
            &it,
            "disposition",
            d.as_str(),
            &fields,
            &format!("{}: {}", it.label, d.describe()),
            note,
            identity,
        )?;
        self.exit_plan(exit)
    }

    /// Records a dataset's certificate of return or sanitisation, signed by `identity` (one of the
    /// holder's), or with `exception` a reason to keep it, logged.
    pub fn certify_dataset(
        &mut self,
        exit: Id,
        dataset: &str,
        certificate: Option<&Certificate>,
        exception: Option<&str>,
        identity: Option<Id>,
    ) -> Result<ExitPlan> {
        let (plan, it) = self.open_exit_item(exit, dataset)?;
        if it.section != "dataset" {
            return Err(Error::invalid("dataset", format!("{} is not a dataset of this exit", it.label)));
        }
        let id: Id = it.key.trim_start_matches("dataset:").parse().map_err(|_| Error::not_found("dataset", &it.key))?;
        let ds = self
            .datasets(plan.exit.collaboration_id)?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or_else(|| Error::not_found("dataset", id))?;
        let signer = self.acting_identity(identity)?;
        let who = self.identity(signer)?;
        let detail = self.collaboration(plan.exit.collaboration_id)?;
        let holder = detail.members.iter().find(|m| m.party.id == ds.fields.holder_id).map(|m| m.party.clone());
        if let (Some(org), Some(h)) = (who.organisation.as_deref(), holder.as_ref()) {
            let org = org.trim().to_lowercase();
            if org != h.legal_name.to_lowercase() && h.short_name.as_deref().is_none_or(|s| s.to_lowercase() != org) {
                return Err(Error::invalid(
                    "identity",
                    format!(
                        "{} signs for {}; {} is held by {}: its holder certifies it",
                        who.name, org, ds.label, h.legal_name
                    ),
                ));
            }
        }
        let collab = plan.exit.collaboration_id;
        match (certificate, exception.map(str::trim).filter(|e| !e.is_empty())) {
            (Some(c), None) => {
                let mut p = Problems::new();
                for (field, v) in [
                    ("media", &c.media),
                    ("performed_by", &c.performed_by),
                    ("verification", &c.verification),
                    ("media_fate", &c.media_fate),
                ] {
                    if v.trim().is_empty() {
                        p.push(field, "is required on a certificate");
                    }
                }
                if c.performed_on > self.clock_today() {
                    p.push("performed_on", format!("{} is in the future", c.performed_on));
                }
                p.finish()?;
                let fields = serde_json::to_value(c).map_err(|e| Error::Conflict(e.to_string()))?;
                let summary = format!(
                    "{} {}: {} of {} by {} on {}, verified by {}; media {}",
                    it.label,
                    ds.fields.name,
                    c.method.as_str(),
                    c.media,
                    c.performed_by,
                    c.performed_on,
                    c.verification,
                    c.media_fate
                );
                self.record_exit_decision(
                    collab,
                    exit,
                    &it,
                    "certificate",
                    c.method.as_str(),
                    &fields,
                    &summary,
                    "",
                    Some(signer),
                )?;
            }
            (None, Some(reason)) => {
                let fields = serde_json::json!({ "reason": reason });
                let summary = format!("{} {} kept: {reason}", it.label, ds.fields.name);
                self.record_exit_decision(
                    collab,
                    exit,
                    &it,
                    "exception",
                    "retained",
                    &fields,
                    &summary,
                    reason,
                    Some(signer),
                )?;
            }
            (Some(_), Some(_)) => {
                return Err(Error::invalid("exception", "give a certificate or a retention exception, not both"));
            }
            (None, None) => {
                return Err(Error::invalid(
                    "certificate",
                    "give a certificate, or a retention exception with its reason",
                ));
            }
        }
        self.exit_plan(exit)
    }

    #[allow(clippy::too_many_arguments)]
    fn record_exit_decision(
        &mut self,
        collab: Id,
        exit: Id,
        item: &PlanItem,
        kind: &str,
        value: &str,
        fields: &Json,
        summary: &str,
        note: &str,
        identity: Option<Id>,
    ) -> Result<()> {
        let by = self.actor().to_string();
        let now = self.now();
        let text = serde_json::to_string(fields).map_err(|e| Error::Conflict(e.to_string()))?;
        self.atomically(|s| {
            let identity = s.acting_identity(identity)?;
            let link = match item.key.split_once(':') {
                Some(("result" | "licence" | "dataset" | "background", id)) => format!("ip:{id}"),
                _ => format!("exit:{exit}"),
            };
            let d = s.add_decision(
                collab,
                &NewDecision {
                    title: format!(
                        "Exit {exit}: {} {}",
                        match kind {
                            "certificate" => "certificate for",
                            "exception" => "retention of",
                            _ => "disposition of",
                        },
                        item.label
                    ),
                    decision: Some(summary.to_string()),
                    rationale: (!note.trim().is_empty()).then(|| note.trim().to_string()),
                    links: vec![link, format!("exit:{exit}")],
                    ..NewDecision::default()
                },
                identity,
            )?;
            s.store().insert_exit_decision(exit, &item.key, kind, value, &text, Some(d.entry.seq as i64), &by, now)
        })
    }
}
