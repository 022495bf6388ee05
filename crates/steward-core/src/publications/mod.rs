//! Publication reviews under a collaboration's publication terms: notice to the other parties,
//! objections (confidential information and background to remove; patentable results to delay
//! for, up to the agreement's cap), consents, and release. The window and the cap come from the
//! agreement that holds the terms, never typed again; each step is a decision-log entry, and the
//! review deadline and any delay are due items.

use crate::decisions::NewDecision;
use crate::error::{Error, FieldError, Invalid, Result};
use crate::store::obligations::ItemSpec;
use crate::store::publications::{NewEvent, NewPublicationRow};
pub use crate::store::publications::{PublicationEvent, PublicationRow};
use crate::{Id, Steward};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_clauses::values::Duration;
use steward_register::publication::{self as review, Ground, OpenObjection, Terms};

/// A manuscript to send for review.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct NewPublication {
    pub title: String,
    pub venue: Option<String>,
    pub file_name: String,
    #[serde(skip)]
    pub file: Vec<u8>,
    /// The day it is intended to be submitted; at least the notice period after the notice.
    pub submit_by: Option<String>,
    /// The publishing party (id or name); default: the lead party.
    pub party: Option<String>,
    /// The day notice is given; default: today.
    pub notice_date: Option<String>,
}

/// An objection as a review shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Objection {
    pub event_id: Id,
    pub party_id: Id,
    pub party_name: String,
    pub ground: String,
    pub note: Option<String>,
    pub on_date: String,
    pub delay_until: Option<String>,
    pub resolved: bool,
    pub resolution: Option<String>,
}

/// A publication with its review as it stands today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Publication {
    #[serde(flatten)]
    pub row: PublicationRow,
    pub publishing_party_name: String,
    pub recipient_names: Vec<String>,
    pub terms_agreement_title: String,
    pub events: Vec<PublicationEvent>,
    pub objections: Vec<Objection>,
    pub consented: Vec<String>,
    /// Days left in the review window (negative once it has passed).
    pub days_left: i64,
    /// The latest day an open patent objection holds it back.
    pub delay_until: Option<String>,
    /// Why it may not be released today (empty: it may).
    pub release_blocked_by: Vec<String>,
}

fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    crate::domain::validate::date(field, s).map_err(|e| Error::Invalid(Invalid(vec![e])))
}

impl Steward {
    /// The agreement whose publication terms a collaboration's reviews run on: a publication
    /// agreement if there is one, else a collaboration agreement holding the publication clauses.
    fn publication_terms(&self, collab: Id) -> Result<(Id, String, i64, Terms)> {
        let mut best: Option<(u8, Id, String, i64, Terms)> = None;
        for a in self.agreements(Some(collab))? {
            if a.archived {
                continue;
            }
            let Ok((row, spec)) = self.spec_of(a.id, None) else { continue };
            let get = |n: &str| spec.values.get(n).and_then(|v| v.as_str()).and_then(|s| Duration::parse(s).ok());
            let (Some(notice_period), Some(patent_delay)) =
                (get("publication_notice_period"), get("patent_delay_period"))
            else {
                continue;
            };
            let rank = if a.kind == "publication" { 0 } else { 1 };
            if best.as_ref().is_none_or(|b| rank < b.0) {
                best = Some((rank, a.id, a.title.clone(), row.number, Terms { notice_period, patent_delay }));
            }
        }
        best.map(|(_, id, title, rev, t)| (id, title, rev, t)).ok_or_else(|| {
            Error::Conflict(format!(
                "collaboration {collab} has no agreement with publication terms (a notice period and a patent delay): draft a publication agreement first"
            ))
        })
    }

    fn party_in(&self, collab: Id, field: &str, p: &str) -> Result<(Id, String)> {
        let detail = self.collaboration(collab)?;
        let m = detail.member(p).map_err(|m| Error::invalid(field.to_string(), m))?;
        Ok((m.party.id, m.party.display_name().to_string()))
    }

    /// Gives notice of a proposed publication to the other parties.
    pub fn notify_publication(
        &mut self,
        collab: Id,
        new: &NewPublication,
        identity: Option<Id>,
    ) -> Result<Publication> {
        use crate::domain::validate;
        let detail = self.collaboration(collab)?;
        let (terms_id, terms_title, terms_rev, terms) = self.publication_terms(collab)?;
        let mut problems = Vec::new();
        let title = validate::required_text("title", &new.title, 500).map_err(|e| problems.push(e)).ok();
        let venue = validate::optional_text("venue", new.venue.as_deref(), 300).map_err(|e| problems.push(e)).ok();
        if new.file.is_empty() {
            problems.push(FieldError::new("file", format!("{} is empty: send the manuscript itself", new.file_name)));
        }
        let today = self.clock_today();
        let notice = match new.notice_date.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(d) => parse_date("notice_date", d).map_err(|e| problems.extend(e.field_errors().to_vec())).ok(),
            None => Some(today),
        };
        if let Some(n) = notice {
            if n > today {
                problems.push(FieldError::new(
                    "notice_date",
                    format!("{n} is in the future: notice is given when it is sent"),
                ));
            }
        }
        let lead = detail.members.iter().find(|m| m.role == crate::Role::Lead).or(detail.members.first());
        let publisher = match new.party.as_deref().filter(|p| !p.trim().is_empty()) {
            Some(p) => self.party_in(collab, "party", p).map_err(|e| problems.extend(e.field_errors().to_vec())).ok(),
            None => lead.map(|m| (m.party.id, m.party.display_name().to_string())),
        };
        let deadline = notice.and_then(|n| review::review_deadline(n, &terms));
        let submit_by = match new.submit_by.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(d) => match parse_date("submit_by", d) {
                Ok(s) => {
                    if let Some(dl) = deadline {
                        if s <= dl {
                            problems.push(FieldError::new(
                                "submit_by",
                                format!(
                                    "{s} falls within the {} notice period of agreement {terms_id}: the earliest submission is {}",
                                    terms.notice_period,
                                    dl.succ_opt().unwrap_or(dl)
                                ),
                            ));
                        }
                    }
                    Some(s)
                }
                Err(e) => {
                    problems.extend(e.field_errors().to_vec());
                    None
                }
            },
            None => None,
        };
        let (Some(title), Some(venue), Some(notice), Some((publisher, publisher_name)), Some(deadline), true) =
            (title, venue, notice, publisher, deadline, problems.is_empty())
        else {
            return Err(Error::Invalid(Invalid(problems)));
        };
        let recipients: Vec<Id> = detail.members.iter().map(|m| m.party.id).filter(|p| *p != publisher).collect();
        if recipients.is_empty() {
            return Err(Error::Conflict("there is no other party to review it".into()));
        }
        let names: Vec<String> = detail
            .members
            .iter()
            .filter(|m| recipients.contains(&m.party.id))
            .map(|m| m.party.display_name().to_string())
            .collect();
        let identity = self.acting_identity(identity)?;
        let sha = steward_clauses::canonical::sha256_hex(&new.file);
        let now = self.now();
        let by = self.actor().to_string();
        let file_name = std::path::Path::new(&new.file_name)
            .file_name()
            .map_or_else(|| new.file_name.clone(), |f| f.to_string_lossy().into_owned());
        let id = self.atomically(|s| {
            let id = s.store().insert_publication(
                collab,
                &NewPublicationRow {
                    title: &title,
                    venue: venue.as_deref(),
                    file_name: &file_name,
                    file_sha256: &sha,
                    file_size: new.file.len() as i64,
                    publishing_party: publisher,
                    recipients: &recipients,
                    terms_agreement_id: terms_id,
                    terms_revision: terms_rev,
                    notice_period: &terms.notice_period.to_string(),
                    patent_delay: &terms.patent_delay.to_string(),
                    notice_date: &notice.to_string(),
                    submit_by: submit_by.map(|d| d.to_string()).as_deref(),
                    review_deadline: &deadline.to_string(),
                },
                &by,
                now,
            )?;
            let d = s.add_decision(
                collab,
                &NewDecision {
                    title: format!("Publication notice: {title}"),
                    decision: Some(format!(
                        "{publisher_name} sent {file_name} (SHA-256 {}) to {} for review until {deadline}",
                        &sha[..16],
                        names.join(", ")
                    )),
                    rationale: Some(format!(
                        "{} notice under {terms_title} (agreement {terms_id}, revision {terms_rev}){}",
                        terms.notice_period,
                        venue.as_deref().map(|v| format!("; venue {v}")).unwrap_or_default()
                    )),
                    date: Some(notice.to_string()),
                    links: vec![format!("publication:{id}"), format!("agreement:{terms_id}")],
                    ..NewDecision::default()
                },
                identity,
            )?;
            s.store().insert_publication_event(
                id,
                &NewEvent {
                    kind: "notice",
                    party_id: Some(publisher),
                    note: venue.as_deref(),
                    file_sha256: Some(&sha),
                    on_date: &notice.to_string(),
                    decision_seq: Some(d.entry.seq as i64),
                    ..NewEvent::default()
                },
                &by,
                now,
            )?;
            s.store().upsert_item(
                collab,
                &ItemSpec {
                    key: format!("publication:{id}/review"),
                    origin: "publication",
                    agreement_id: Some(terms_id),
                    revision: Some(terms_rev),
                    clause_id: Some("pub.notice".into()),
                    kind: "publication_review".into(),
                    title: format!("Review of \"{title}\" closes"),
                    party_ids: recipients.clone(),
                    party_label: names.join(", "),
                    due_date: deadline.to_string(),
                    rule: format!("notice {notice} + {}", terms.notice_period),
                    remind_days: 7,
                },
                now,
            )?;
            Ok(id)
        })?;
        self.publication(id)
    }

    /// Records another party's objection, within the review window.
    pub fn object_to_publication(
        &mut self,
        id: Id,
        party: &str,
        ground: &str,
        note: &str,
        identity: Option<Id>,
    ) -> Result<Publication> {
        let p = self.store().publication(id)?;
        let ground = Ground::parse(ground).map_err(|m| Error::invalid("ground", m))?;
        let (party_id, party_name) = self.party_in(p.collaboration_id, "party", party)?;
        if !p.recipients.contains(&party_id) {
            return Err(Error::invalid(
                "party",
                format!("{party_name} is publishing it: only the other parties object"),
            ));
        }
        if note.trim().is_empty() {
            return Err(Error::invalid("note", "say what the objection concerns (the passages, the results)"));
        }
        if p.status == "released" || p.status == "withdrawn" {
            return Err(Error::Conflict(format!("publication {id} is already {}", p.status)));
        }
        let today = self.clock_today();
        let deadline = parse_date("review_deadline", &p.review_deadline)?;
        if today > deadline {
            return Err(Error::Conflict(format!(
                "the review window of publication {id} closed on {deadline}: silence was consent"
            )));
        }
        let terms = self.stored_terms(&p)?;
        let notice = parse_date("notice_date", &p.notice_date)?;
        let delay = (ground == Ground::Patent).then(|| review::delay_until(notice, &terms)).flatten();
        let identity = self.acting_identity(identity)?;
        let now = self.now();
        let by = self.actor().to_string();
        self.atomically(|s| {
            let d = s.add_decision(
                p.collaboration_id,
                &NewDecision {
                    title: format!("Publication objection: {}", p.title),
                    decision: Some(format!(
                        "{party_name} objects ({}){}",
                        ground.as_str(),
                        delay
                            .map(|d| format!("; publication delayed until {d} at the latest ({} cap)", p.patent_delay))
                            .unwrap_or_default()
                    )),
                    rationale: Some(note.trim().to_string()),
                    links: vec![format!("publication:{id}"), format!("party:{party_id}")],
                    ..NewDecision::default()
                },
                identity,
            )?;
            s.store().insert_publication_event(
                id,
                &NewEvent {
                    kind: "objection",
                    party_id: Some(party_id),
                    ground: Some(ground.as_str()),
                    note: Some(note.trim()),
                    delay_until: delay.map(|d| d.to_string()).as_deref(),
                    on_date: &today.to_string(),
                    decision_seq: Some(d.entry.seq as i64),
                    ..NewEvent::default()
                },
                &by,
                now,
            )?;
            s.store().set_publication_status(id, "objected", None, None)?;
            if let Some(until) = delay {
                s.store().upsert_item(
                    p.collaboration_id,
                    &ItemSpec {
                        key: format!("publication:{id}/delay"),
                        origin: "publication",
                        agreement_id: Some(p.terms_agreement_id),
                        revision: Some(p.terms_revision),
                        clause_id: Some("pub.patent-delay".into()),
                        kind: "publication_delay".into(),
                        title: format!("Patent delay of \"{}\" ends", p.title),
                        party_ids: vec![party_id],
                        party_label: party_name.clone(),
                        due_date: until.to_string(),
                        rule: format!("notice {notice} + {} (cap)", p.patent_delay),
                        remind_days: 14,
                    },
                    now,
                )?;
            }
            Ok(())
        })?;
        self.publication(id)
    }

    /// Records a party's consent (before the window ends, consent from every party allows release).
    pub fn consent_to_publication(
        &mut self,
        id: Id,
        party: &str,
        note: &str,
        identity: Option<Id>,
    ) -> Result<Publication> {
        let p = self.store().publication(id)?;
        let (party_id, party_name) = self.party_in(p.collaboration_id, "party", party)?;
        if !p.recipients.contains(&party_id) {
            return Err(Error::invalid(
                "party",
                format!("{party_name} is publishing it: only the other parties consent"),
            ));
        }
        self.publication_step(
            &p,
            "consent",
            Some(party_id),
            note,
            None,
            None,
            identity,
            &format!("{party_name} consents"),
        )
    }

    /// Resolves an objection (a version without the material, or the patent application filed).
    pub fn resolve_objection(
        &mut self,
        id: Id,
        objection: Id,
        note: &str,
        redacted: Option<&[u8]>,
        identity: Option<Id>,
    ) -> Result<Publication> {
        let p = self.store().publication(id)?;
        let events = self.store().publication_events(id)?;
        if !events.iter().any(|e| e.id == objection && e.kind == "objection") {
            return Err(Error::invalid("objection", format!("{objection} is not an objection to publication {id}")));
        }
        if events.iter().any(|e| e.kind == "resolution" && e.objection_id == Some(objection)) {
            return Err(Error::Conflict(format!("objection {objection} is already resolved")));
        }
        if note.trim().is_empty() {
            return Err(Error::invalid("note", "say how it was resolved (the redacted version, the filing)"));
        }
        let sha = redacted.map(steward_clauses::canonical::sha256_hex);
        let what = match &sha {
            Some(h) => format!("objection {objection} resolved with a revised version (SHA-256 {})", &h[..16]),
            None => format!("objection {objection} resolved"),
        };
        let patent = events.iter().any(|e| e.id == objection && e.ground.as_deref() == Some("patent"));
        let pub_ =
            self.publication_step(&p, "resolution", None, note, sha.as_deref(), Some(objection), identity, &what)?;
        if patent {
            let now = self.now();
            let by = self.actor().to_string();
            self.store().close_key(p.collaboration_id, &format!("publication:{id}/delay"), note, None, &by, now)?;
        }
        Ok(pub_)
    }

    #[allow(clippy::too_many_arguments)]
    fn publication_step(
        &mut self,
        p: &PublicationRow,
        kind: &'static str,
        party: Option<Id>,
        note: &str,
        sha: Option<&str>,
        objection: Option<Id>,
        identity: Option<Id>,
        what: &str,
    ) -> Result<Publication> {
        if p.status == "released" || p.status == "withdrawn" {
            return Err(Error::Conflict(format!("publication {} is already {}", p.id, p.status)));
        }
        let identity = self.acting_identity(identity)?;
        let now = self.now();
        let by = self.actor().to_string();
        let today = self.clock_today().to_string();
        self.atomically(|s| {
            let mut links = vec![format!("publication:{}", p.id)];
            if let Some(party) = party {
                links.push(format!("party:{party}"));
            }
            let d = s.add_decision(
                p.collaboration_id,
                &NewDecision {
                    title: format!("Publication {kind}: {}", p.title),
                    decision: Some(what.to_string()),
                    rationale: Some(note.trim().to_string()),
                    links,
                    ..NewDecision::default()
                },
                identity,
            )?;
            s.store().insert_publication_event(
                p.id,
                &NewEvent {
                    kind,
                    party_id: party,
                    note: Some(note.trim()),
                    file_sha256: sha,
                    objection_id: objection,
                    on_date: &today,
                    decision_seq: Some(d.entry.seq as i64),
                    ..NewEvent::default()
                },
                &by,
                now,
            )?;
            Ok(())
        })?;
        self.publication(p.id)
    }

    /// Releases a publication: refused while the window is open (unless every other party has
    /// consented) or an objection is open.
    pub fn release_publication(
        &mut self,
        id: Id,
        doi: Option<&str>,
        note: &str,
        identity: Option<Id>,
    ) -> Result<Publication> {
        let view = self.publication(id)?;
        if view.row.status == "released" || view.row.status == "withdrawn" {
            return Err(Error::Conflict(format!("publication {id} is already {}", view.row.status)));
        }
        if !view.release_blocked_by.is_empty() {
            return Err(Error::Conflict(format!(
                "publication {id} may not be released yet: {}",
                view.release_blocked_by.join("; ")
            )));
        }
        let doi = doi.map(str::trim).filter(|d| !d.is_empty());
        if let Some(d) = doi {
            if !d.starts_with("10.") || !d.contains('/') || d.len() > 200 {
                return Err(Error::invalid("doi", format!("'{d}' is not a DOI (10.NNNN/...)")));
            }
        }
        let p = view.row.clone();
        let identity = self.acting_identity(identity)?;
        let now = self.now();
        let by = self.actor().to_string();
        let today = self.clock_today().to_string();
        self.atomically(|s| {
            let d = s.add_decision(
                p.collaboration_id,
                &NewDecision {
                    title: format!("Publication released: {}", p.title),
                    decision: Some(format!(
                        "Released on {today}{}",
                        doi.map(|d| format!(" (DOI {d})")).unwrap_or_default()
                    )),
                    rationale: Some(if note.trim().is_empty() {
                        format!("review window closed {}; no objection open", p.review_deadline)
                    } else {
                        note.trim().to_string()
                    }),
                    links: vec![format!("publication:{id}")],
                    ..NewDecision::default()
                },
                identity,
            )?;
            let seq = Some(d.entry.seq as i64);
            s.store().insert_publication_event(
                id,
                &NewEvent { kind: "release", note: doi, on_date: &today, decision_seq: seq, ..NewEvent::default() },
                &by,
                now,
            )?;
            s.store().set_publication_status(id, "released", Some(&today), doi)?;
            s.store().close_key(p.collaboration_id, &format!("publication:{id}/review"), "released", seq, &by, now)?;
            s.store().close_key(p.collaboration_id, &format!("publication:{id}/delay"), "released", seq, &by, now)?;
            Ok(())
        })?;
        self.publication(id)
    }

    fn stored_terms(&self, p: &PublicationRow) -> Result<Terms> {
        let d = |s: &str| Duration::parse(s).map_err(|e| Error::Conflict(format!("publication {}: {e}", p.id)));
        Ok(Terms { notice_period: d(&p.notice_period)?, patent_delay: d(&p.patent_delay)? })
    }

    /// A publication and its review as it stands today.
    pub fn publication(&self, id: Id) -> Result<Publication> {
        let row = self.store().publication(id)?;
        let detail = self.collaboration(row.collaboration_id)?;
        let name = |p: Id| {
            detail
                .members
                .iter()
                .find(|m| m.party.id == p)
                .map_or_else(|| format!("party {p}"), |m| m.party.display_name().to_string())
        };
        let events = self.store().publication_events(id)?;
        let today = self.clock_today();
        let deadline = parse_date("review_deadline", &row.review_deadline)?;
        let objections: Vec<Objection> = events
            .iter()
            .filter(|e| e.kind == "objection")
            .map(|e| {
                let res = events.iter().find(|r| r.kind == "resolution" && r.objection_id == Some(e.id));
                Objection {
                    event_id: e.id,
                    party_id: e.party_id.unwrap_or_default(),
                    party_name: name(e.party_id.unwrap_or_default()),
                    ground: e.ground.clone().unwrap_or_default(),
                    note: e.note.clone(),
                    on_date: e.on_date.clone(),
                    delay_until: e.delay_until.clone(),
                    resolved: res.is_some(),
                    resolution: res.and_then(|r| r.note.clone()),
                }
            })
            .collect();
        let consented: Vec<String> = events
            .iter()
            .filter(|e| e.kind == "consent")
            .filter_map(|e| e.party_id)
            .map(name)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let recipient_names: Vec<String> = row.recipients.iter().map(|p| name(*p)).collect();
        let open: Vec<OpenObjection> = objections
            .iter()
            .map(|o| OpenObjection {
                party: o.party_name.clone(),
                ground: Ground::parse(&o.ground).unwrap_or(Ground::Confidential),
                delay_until: o.delay_until.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                resolved: o.resolved,
            })
            .collect();
        let release_blocked_by = if row.status == "released" || row.status == "withdrawn" {
            Vec::new()
        } else {
            review::may_release(today, deadline, &open, &recipient_names, &consented).err().unwrap_or_default()
        };
        let delay_until = objections.iter().filter(|o| !o.resolved).filter_map(|o| o.delay_until.clone()).max();
        let terms_agreement_title =
            self.store().agreement_row_by_id(row.terms_agreement_id).map(|a| a.title.clone()).unwrap_or_default();
        Ok(Publication {
            publishing_party_name: name(row.publishing_party),
            recipient_names,
            terms_agreement_title,
            days_left: (deadline - today).num_days(),
            delay_until,
            release_blocked_by,
            objections,
            consented,
            events,
            row,
        })
    }

    /// A collaboration's publications (or every one), with their reviews.
    pub fn publications(&self, collab: Option<Id>) -> Result<Vec<Publication>> {
        if let Some(c) = collab {
            self.store().collaboration(c)?;
        }
        self.store().publications(collab)?.into_iter().map(|p| self.publication(p.id)).collect()
    }
}
