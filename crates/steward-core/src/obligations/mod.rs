//! Obligations and due items: derived from each agreement's current revision (the rules live in
//! the clauses' front matter), added by hand, or made by publication reviews and risk reviews.
//! Done and waived items are logged and stay as they are when a new revision moves the rest; the
//! calendar export gives every item as an all-day event with a stable UID.

use crate::decisions::NewDecision;
use crate::error::{Error, FieldError, Invalid, Result};
use crate::store::obligations::ItemSpec;
pub use crate::store::obligations::Obligation;
use crate::{Id, Steward};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_clauses::obligations::{Deriver, ObligationKind};
use steward_register::ics;

/// Which items to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct ObligationFilter {
    pub collaboration_id: Option<Id>,
    /// Only open items due within this many days from today (overdue ones included).
    pub due_within_days: Option<u32>,
    /// Only open items whose date has passed.
    pub overdue: bool,
    /// Done, waived and withdrawn items too.
    pub include_closed: bool,
}

/// An item added by hand.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct NewObligation {
    pub title: String,
    pub due_date: String,
    /// One of the obligation kinds (`reporting`, `deliverable`, ...); default `other`.
    pub kind: Option<String>,
    /// A party of the collaboration (id, short or legal name); none: all parties.
    pub party: Option<String>,
    /// The agreement (and its clause) the item comes from, if any.
    pub agreement_id: Option<Id>,
    pub clause_id: Option<String>,
    pub note: Option<String>,
    pub remind_days: Option<u32>,
}

/// How an item was closed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct Evidence {
    pub note: String,
    /// A file that shows it was done (its SHA-256 is kept, not the file).
    pub file_name: Option<String>,
    #[serde(skip)]
    pub file: Option<Vec<u8>>,
    /// Or the SHA-256 of such a file, already computed (hex).
    pub sha256: Option<String>,
}

/// An iCalendar file and how many events it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFile {
    pub ics: String,
    pub events: usize,
}

impl Steward {
    /// Derives the items of every agreement whose current revision has not been derived yet
    /// (and withdraws the open items of archived agreements). Cheap when nothing changed.
    pub fn refresh_obligations(&mut self, collab: Option<Id>) -> Result<usize> {
        let todo = self.store().underived_agreements(collab)?;
        if todo.is_empty() {
            return Ok(0);
        }
        let mut deriver = Deriver::new();
        let now = self.now();
        self.atomically(|s| {
            for (agreement, collab, latest, archived) in &todo {
                if *archived {
                    for (id, _, status) in s.store().agreement_items(*agreement)? {
                        if status == "open" {
                            s.store().withdraw_item(id, "the agreement was archived", now)?;
                        }
                    }
                    continue;
                }
                if *latest == 0 {
                    continue;
                }
                let (row, spec) = s.spec_of(*agreement, Some(*latest))?;
                let pins: Vec<&str> = std::iter::once(spec.kind_version.as_str())
                    .chain(spec.clauses.values().map(String::as_str))
                    .collect();
                let derived = {
                    let lib = s.library_with(pins)?;
                    deriver.derive(&lib, &spec).map_err(|e| {
                        Error::Conflict(format!("revision {} of agreement {agreement}: {e}", row.number))
                    })?
                };
                let mut keys = std::collections::BTreeSet::new();
                for d in derived {
                    let key = format!("agreement:{agreement}/{}", d.key);
                    s.store().upsert_item(
                        *collab,
                        &ItemSpec {
                            key: key.clone(),
                            origin: "agreement",
                            agreement_id: Some(*agreement),
                            revision: Some(row.number),
                            clause_id: Some(d.clause),
                            kind: d.kind.as_str().to_string(),
                            title: d.title,
                            party_ids: d.party.ids,
                            party_label: d.party.label,
                            due_date: d.due.to_string(),
                            rule: d.rule,
                            remind_days: i64::from(d.remind_days),
                        },
                        now,
                    )?;
                    keys.insert(key);
                }
                for (id, key, status) in s.store().agreement_items(*agreement)? {
                    if status == "open" && !keys.contains(&key) {
                        s.store().withdraw_item(id, &format!("revision {} no longer creates it", row.number), now)?;
                    }
                }
                s.store().set_obligation_source(*agreement, *latest, now)?;
            }
            Ok(todo.len())
        })
    }

    /// Items, soonest first.
    pub fn obligations(&mut self, filter: &ObligationFilter) -> Result<Vec<Obligation>> {
        if let Some(c) = filter.collaboration_id {
            self.store().collaboration(c)?;
        }
        self.refresh_obligations(filter.collaboration_id)?;
        let today = self.clock_today().to_string();
        let limit = filter.due_within_days.map(|n| (self.clock_today() + chrono::Days::new(u64::from(n))).to_string());
        let closed = filter.include_closed && !filter.overdue && filter.due_within_days.is_none();
        Ok(self
            .store()
            .obligations(filter.collaboration_id, closed)?
            .into_iter()
            .filter(|o| !filter.overdue || o.due_date < today)
            .filter(|o| limit.as_ref().is_none_or(|l| o.due_date <= *l))
            .collect())
    }

    pub fn obligation(&self, id: Id) -> Result<Obligation> {
        self.store().obligation(id)?.ok_or_else(|| Error::not_found("obligation", id))
    }

    /// Adds an item by hand. Its date may not fall before the agreement it names.
    pub fn add_obligation(&mut self, collab: Id, new: &NewObligation) -> Result<Obligation> {
        use crate::domain::validate;
        let detail = self.collaboration(collab)?;
        let mut problems = Vec::new();
        let title = validate::required_text("title", &new.title, 300).map_err(|e| problems.push(e)).ok();
        let due = validate::date("due_date", &new.due_date).map_err(|e| problems.push(e)).ok();
        let kind = match new.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            None => Some(ObligationKind::Other),
            Some(k) => {
                let found = ObligationKind::parse(k);
                if found.is_none() {
                    problems.push(FieldError::new(
                        "kind",
                        format!(
                            "'{k}' is not one of: {}",
                            ObligationKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
                found
            }
        };
        let party = match new.party.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => Some((detail.members.iter().map(|m| m.party.id).collect::<Vec<_>>(), "all parties".to_string())),
            Some(p) => match detail.member(p) {
                Ok(m) => Some((vec![m.party.id], m.party.display_name().to_string())),
                Err(m) => {
                    problems.push(FieldError::new("party", m));
                    None
                }
            },
        };
        if let Some(a) = new.agreement_id {
            match self.store().agreement_row_by_id(a) {
                Ok(row) if row.collaboration_id == collab => {
                    let (_, spec) = self.spec_of(a, None)?;
                    let start = spec
                        .values
                        .get("effective_date")
                        .and_then(|v| v.as_str())
                        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
                    if let (Some(start), Some(d)) = (start, due) {
                        if d < start {
                            problems.push(FieldError::new(
                                "due_date",
                                format!("{d} is before agreement {a} takes effect ({start})"),
                            ));
                        }
                    }
                    if let Some(c) = new.clause_id.as_deref().filter(|c| !c.is_empty()) {
                        if !spec.clauses.contains_key(c) {
                            problems.push(FieldError::new("clause_id", format!("agreement {a} has no clause {c}")));
                        }
                    }
                }
                Ok(_) => problems
                    .push(FieldError::new("agreement_id", format!("agreement {a} belongs to another collaboration"))),
                Err(Error::NotFound { .. }) => {
                    problems.push(FieldError::new("agreement_id", format!("there is no agreement {a}")))
                }
                Err(e) => return Err(e),
            }
        } else if let Some(c) = new.clause_id.as_deref().filter(|c| !c.is_empty()) {
            if !self.templates()?.iter().any(|t| t.id == c) {
                problems.push(FieldError::new("clause_id", format!("clause '{c}' is not in the library")));
            }
        }
        let note = validate::optional_text("note", new.note.as_deref(), 4000).map_err(|e| problems.push(e)).ok();
        if new.remind_days.is_some_and(|d| d > 365) {
            problems.push(FieldError::new("remind_days", "at most 365 days"));
        }
        let (Some(title), Some(due), Some(kind), Some((party_ids, party_label)), Some(note), true) =
            (title, due, kind, party, note, problems.is_empty())
        else {
            return Err(Error::Invalid(Invalid(problems)));
        };
        let now = self.now();
        let id = self.atomically(|s| {
            let n = s.store().next_manual_number(collab)?;
            s.store().upsert_item(
                collab,
                &ItemSpec {
                    key: format!("manual:{n}"),
                    origin: "manual",
                    agreement_id: new.agreement_id,
                    revision: None,
                    clause_id: new.clause_id.clone().filter(|c| !c.is_empty()),
                    kind: kind.as_str().to_string(),
                    title,
                    party_ids,
                    party_label,
                    due_date: due.to_string(),
                    rule: note
                        .filter(|n| !n.is_empty())
                        .map_or("added by hand".into(), |n| format!("added by hand: {n}")),
                    remind_days: i64::from(new.remind_days.unwrap_or(14)),
                },
                now,
            )
        })?;
        self.obligation(id)
    }

    /// Marks an item done, with evidence (a note, and a file's hash), as a decision-log entry.
    pub fn complete_obligation(&mut self, id: Id, evidence: &Evidence, identity: Option<Id>) -> Result<Obligation> {
        let sha = match (&evidence.file, &evidence.sha256) {
            (Some(bytes), _) => Some(steward_clauses::canonical::sha256_hex(bytes)),
            (None, Some(h)) => {
                let h = h.trim().to_ascii_lowercase();
                if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::invalid("sha256", "is not a SHA-256 in hex (64 characters)"));
                }
                Some(h)
            }
            (None, None) => None,
        };
        if evidence.note.trim().is_empty() && sha.is_none() {
            return Err(Error::invalid("note", "say what was done, or give a file as evidence"));
        }
        let what = match (&evidence.file_name, &sha) {
            (Some(n), Some(h)) => format!("{} (evidence {n}, SHA-256 {})", evidence.note.trim(), &h[..16]),
            (None, Some(h)) => format!("{} (evidence SHA-256 {})", evidence.note.trim(), &h[..16]),
            _ => evidence.note.trim().to_string(),
        };
        self.close_obligation(id, "done", what.trim(), sha.as_deref(), identity)
    }

    /// Waives an item, with the reason, as a decision-log entry.
    pub fn waive_obligation(&mut self, id: Id, reason: &str, identity: Option<Id>) -> Result<Obligation> {
        if reason.trim().is_empty() {
            return Err(Error::invalid("reason", "say why the obligation is waived"));
        }
        self.close_obligation(id, "waived", reason.trim(), None, identity)
    }

    fn close_obligation(
        &mut self,
        id: Id,
        status: &str,
        note: &str,
        sha: Option<&str>,
        identity: Option<Id>,
    ) -> Result<Obligation> {
        let o = self.obligation(id)?;
        if o.status != "open" {
            return Err(Error::Conflict(format!("obligation {id} is already {}", o.status)));
        }
        let identity = self.acting_identity(identity)?;
        let now = self.now();
        let by = self.actor().to_string();
        self.atomically(|s| {
            let mut links = vec![format!("obligation:{id}")];
            if let Some(a) = o.agreement_id {
                links.push(format!("agreement:{a}"));
            }
            let d = s.add_decision(
                o.collaboration_id,
                &NewDecision {
                    title: format!("Obligation {}: {}", if status == "done" { "done" } else { "waived" }, o.title),
                    decision: Some(format!(
                        "{} (due {}{})",
                        if status == "done" { "Done" } else { "Waived" },
                        o.due_date,
                        o.clause_id.as_deref().map(|c| format!(", clause {c}")).unwrap_or_default()
                    )),
                    rationale: Some(note.to_string()),
                    links,
                    ..NewDecision::default()
                },
                identity,
            )?;
            if !s.store().close_item(id, status, note, sha, Some(d.entry.seq as i64), &by, now)? {
                return Err(Error::Conflict(format!("obligation {id} changed meanwhile")));
            }
            Ok(())
        })?;
        self.obligation(id)
    }

    /// The items as an iCalendar file: open ones with a reminder, closed and withdrawn ones
    /// cancelled, so that re-importing updates the same events.
    pub fn calendar(&mut self, collab: Option<Id>) -> Result<CalendarFile> {
        let items = self.obligations(&ObligationFilter {
            collaboration_id: collab,
            include_closed: true,
            ..ObligationFilter::default()
        })?;
        let mut titles = std::collections::HashMap::new();
        let mut uids = std::collections::HashMap::new();
        for c in self.collaborations(true)? {
            titles.insert(c.collaboration.id, c.collaboration.title.clone());
        }
        let mut events = Vec::with_capacity(items.len());
        for o in &items {
            let uid = match uids.get(&o.collaboration_id) {
                Some(u) => u,
                None => {
                    let u = self.store().collaboration_uid(o.collaboration_id)?;
                    uids.entry(o.collaboration_id).or_insert(u)
                }
            };
            let Ok(date) = NaiveDate::parse_from_str(&o.due_date, "%Y-%m-%d") else { continue };
            let stamp = chrono::DateTime::parse_from_rfc3339(&o.updated_at)
                .map(|t| t.with_timezone(&chrono::Utc))
                .unwrap_or_else(|_| self.now());
            let collab_title = titles.get(&o.collaboration_id).map(String::as_str).unwrap_or_default();
            let mut description = format!("{}\nCollaboration: {collab_title}\nParty: {}", o.title, o.party_label);
            if let Some(c) = &o.clause_id {
                description.push_str(&format!("\nClause: {c}"));
                if let Some(a) = o.agreement_id {
                    description.push_str(&format!(" of agreement {a}"));
                    if let Some(r) = o.revision {
                        description.push_str(&format!(" (revision {r})"));
                    }
                }
            }
            description.push_str(&format!("\nRule: {}", o.rule));
            if o.status != "open" {
                description.push_str(&format!(
                    "\nStatus: {}{}",
                    o.status,
                    o.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default()
                ));
            }
            let prefix = match o.status.as_str() {
                "done" => "Done: ",
                "waived" => "Waived: ",
                "withdrawn" => "Withdrawn: ",
                _ => "",
            };
            events.push(ics::Event {
                uid: format!("obligation-{}-{}@steward", o.id, uid),
                sequence: u32::try_from(o.sequence).unwrap_or(0),
                stamp,
                date,
                summary: format!("{prefix}{} ({collab_title})", o.title),
                description,
                categories: vec![o.kind.clone()],
                cancelled: o.status != "open",
                remind_days: (o.status == "open").then(|| u32::try_from(o.remind_days).unwrap_or(14)),
            });
        }
        // Signing certificates that expire within the warning period (or have): renew them.
        if collab.is_none() {
            for i in self.identities()?.into_iter().filter(|i| i.expiry != "valid" && i.origin != "partner") {
                let Some(date) = i.expires_at.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                else {
                    continue;
                };
                events.push(ics::Event {
                    uid: format!("identity-{}-{}@steward", i.id, &i.fingerprint.replace(':', "")[..16]),
                    sequence: 0,
                    stamp: self.now(),
                    date,
                    summary: format!("Renew the signing certificate of {}", i.name),
                    description: format!(
                        "The certificate of {} <{}> expires on {}; after that it cannot sign.\nCertificate SHA-256: {}",
                        i.name, i.email, date, i.fingerprint
                    ),
                    categories: vec!["certificate".into()],
                    cancelled: false,
                    remind_days: Some(u32::try_from(crate::trust::lasting::EXPIRY_WARNING_DAYS).unwrap_or(60)),
                });
            }
        }
        let name = match collab {
            Some(c) => format!("Steward: {}", titles.get(&c).map(String::as_str).unwrap_or_default()),
            None => "Steward: obligations".to_string(),
        };
        Ok(CalendarFile { ics: ics::calendar(&name, &events), events: events.len() })
    }
}
