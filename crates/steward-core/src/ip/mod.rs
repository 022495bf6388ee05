//! The IP register of a collaboration: each party's background (which feeds the collaboration
//! agreement's background schedule), results and invention disclosures with the owner the
//! agreement's ownership model gives them, patent filings and their deadlines, licences and
//! options on results, and the datasets an exit must return or destroy. Every change is a new
//! version of the record; overruling a computed owner is a signed decision. Deadlines are due
//! items (`origin = ip`).

use crate::decisions::NewDecision;
use crate::error::{Error, Problems, Result};
use crate::store::ip::IpRow;
use crate::store::obligations::ItemSpec;
use crate::{CollaborationDetail, Id, Steward};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::BTreeMap;
pub use steward_register::ip::{Model, Ownership, PatentDeadlines, Share};

/// One piece of a party's background: what it brings to the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackgroundFields {
    /// The party that brings it.
    pub party_id: Id,
    pub item: String,
    pub description: String,
    /// Its legal owner when that is not the party (a subsidiary, a third party that licensed it).
    #[serde(default)]
    pub owner: Option<String>,
    /// Third-party rights and other limits on its use.
    #[serde(default)]
    pub restrictions: String,
    /// Its export control list entry, if any (e.g. `UK 3A001.b`).
    #[serde(default)]
    pub export_control: Option<String>,
    /// On what terms the others may use it.
    #[serde(default)]
    pub access_terms: String,
    /// Expressly kept out of the project (listed among the exclusions).
    #[serde(default)]
    pub excluded: bool,
    /// No longer part of the register (kept, but left out of the schedule).
    #[serde(default)]
    pub withdrawn: bool,
}

/// An inventor of a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Inventor {
    pub name: String,
    pub party_id: Id,
}

/// A disclosure document, by its SHA-256 (the file stays where it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentHash {
    pub name: String,
    pub sha256: String,
}

/// Owners set by hand over the computed ones, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OwnerOverride {
    pub owners: Vec<Share>,
    pub reason: String,
    /// The decision-log entry that records it.
    pub decision_seq: Option<i64>,
}

/// A result or invention disclosure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ResultFields {
    pub title: String,
    pub disclosed_on: NaiveDate,
    pub description: String,
    pub inventors: Vec<Inventor>,
    /// The parties whose personnel generated it (the inventors' parties are always among them).
    #[serde(default)]
    pub contributors: Vec<Id>,
    #[serde(default)]
    pub documents: Vec<DocumentHash>,
    #[serde(default)]
    pub owner_override: Option<OwnerOverride>,
}

/// A patent application for a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FilingFields {
    pub result_id: Id,
    pub application_number: String,
    /// `GB`, `EP`, `JP`, `US`, `PCT`, ...
    pub office: String,
    pub filing_date: NaiveDate,
    /// The earliest application's filing date, when this one claims its priority (default: this
    /// one is the first).
    #[serde(default)]
    pub priority_date: Option<NaiveDate>,
    /// The publication review whose patent delay protects this filing.
    #[serde(default)]
    pub publication_id: Option<Id>,
}

/// What is granted on a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    Licence,
    Option,
}

/// A licence or option granted on a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LicenceFields {
    pub result_id: Id,
    pub licensee_id: Id,
    pub grant: Grant,
    pub exclusive: bool,
    pub field: String,
    pub territory: String,
    #[serde(default)]
    pub starts: Option<NaiveDate>,
    /// The option window's last day, or the licence's end.
    #[serde(default)]
    pub ends: Option<NaiveDate>,
}

/// How sensitive a dataset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Public,
    Internal,
    Confidential,
    Restricted,
}

impl Tier {
    pub fn parse(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "public" => Ok(Tier::Public),
            "internal" => Ok(Tier::Internal),
            "confidential" => Ok(Tier::Confidential),
            "restricted" => Ok(Tier::Restricted),
            _ => Err(format!("'{s}' is not a sensitivity tier (public, internal, confidential or restricted)")),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::Internal => "internal",
            Tier::Confidential => "confidential",
            Tier::Restricted => "restricted",
        }
    }
}

/// A dataset held for the collaboration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DatasetFields {
    pub name: String,
    /// The party that holds it.
    pub holder_id: Id,
    pub tier: Tier,
    /// Where it is kept (system, drive, building).
    pub location: String,
    #[serde(default)]
    pub description: String,
    /// The party that supplied it, when not the holder (it goes back to them).
    #[serde(default)]
    pub supplied_by: Option<Id>,
}

/// A background item as the register shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackgroundItem {
    pub id: Id,
    /// `B1`, `B2`, ...
    pub label: String,
    pub version: i64,
    pub fields: BackgroundFields,
    pub party_name: String,
    /// The line it makes in the background schedule.
    pub schedule_line: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// How the register compares with the collaboration agreement's background schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScheduleState {
    pub agreement_id: Id,
    pub agreement_title: String,
    /// The revision compared: the newest one we signed, else the newest.
    pub revision: i64,
    pub signed: bool,
    pub signed_at: Option<String>,
    pub matches: bool,
    /// Lines in the register that the schedule lacks.
    pub missing: Vec<String>,
    /// Lines in the schedule that the register no longer has.
    pub extra: Vec<String>,
}

/// A collaboration's background, the schedule it makes, and how that compares with the agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackgroundRegister {
    pub collaboration_id: Id,
    pub items: Vec<BackgroundItem>,
    pub schedule: Vec<String>,
    pub exclusions: Vec<String>,
    pub agreement: Option<ScheduleState>,
}

/// A patent filing with its deadlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Filing {
    pub id: Id,
    /// `F1`, ...
    pub label: String,
    pub fields: FilingFields,
    pub deadlines: PatentDeadlines,
}

/// A licence or option with its licensee's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Licence {
    pub id: Id,
    /// `L1`, ...
    pub label: String,
    pub fields: LicenceFields,
    pub licensee: String,
}

/// A result with the owner the agreement gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IpResult {
    pub id: Id,
    pub collaboration_id: Id,
    /// `IP1`, `IP2`, ...
    pub label: String,
    pub version: i64,
    pub fields: ResultFields,
    /// Who owns it under the agreement (before any override), with the clause and the rule.
    pub computed: Option<Ownership>,
    /// Why the owner could not be computed (no collaboration agreement, no ownership model, ...).
    pub owner_problem: Option<String>,
    /// The owners that count: the override if there is one, else the computed ones.
    pub owners: Vec<Share>,
    /// The agreement and revision whose ownership model decided it.
    pub decided_by: Option<String>,
    pub filings: Vec<Filing>,
    pub licences: Vec<Licence>,
    pub updated_at: String,
    pub updated_by: String,
}

/// A dataset with its holder's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dataset {
    pub id: Id,
    /// `D1`, ...
    pub label: String,
    pub fields: DatasetFields,
    pub holder: String,
    pub supplied_by: Option<String>,
}

/// The whole register of a collaboration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IpRegister {
    pub collaboration_id: Id,
    pub background: BackgroundRegister,
    pub results: Vec<IpResult>,
    pub datasets: Vec<Dataset>,
}

/// One kept version of a record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IpVersion {
    pub version: i64,
    pub fields: Json,
    pub note: Option<String>,
    pub decision_seq: Option<i64>,
    pub created_at: String,
    pub created_by: String,
}

const MAX_TEXT: usize = 2000;

fn prefix(kind: &str) -> &'static str {
    match kind {
        "background" => "B",
        "result" => "IP",
        "filing" => "F",
        "licence" => "L",
        _ => "D",
    }
}

fn label(row: &IpRow) -> String {
    format!("{}{}", prefix(&row.kind), row.number)
}

fn parse<T: serde::de::DeserializeOwned>(row: &IpRow) -> Result<T> {
    serde_json::from_str(&row.fields)
        .map_err(|e| Error::Conflict(format!("IP record {} version {} is damaged: {e}", label(row), row.version)))
}

fn text(p: &mut Problems, field: &str, value: &str, required: bool) {
    if required && value.trim().is_empty() {
        p.push(field, "is required");
    } else if value.chars().count() > MAX_TEXT {
        p.push(field, format!("is longer than {MAX_TEXT} characters"));
    }
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Steward {
    fn member_name(detail: &CollaborationDetail, id: Id) -> Option<String> {
        detail.members.iter().find(|m| m.party.id == id).map(|m| m.party.display_name().to_string())
    }

    fn check_party(p: &mut Problems, detail: &CollaborationDetail, field: &str, id: Id) {
        if Self::member_name(detail, id).is_none() {
            p.push(field, format!("party {id} is not a party of collaboration {}", detail.collaboration.id));
        }
    }

    /// Keeps a new record or a new version of one; returns its id.
    #[allow(clippy::too_many_arguments)]
    fn save_ip(
        &mut self,
        collab: Id,
        kind: &str,
        existing: Option<Id>,
        parent: Option<Id>,
        fields: &impl Serialize,
        note: Option<&str>,
        decision_seq: Option<i64>,
    ) -> Result<Id> {
        let json = serde_json::to_string(fields).map_err(|e| Error::Conflict(e.to_string()))?;
        let now = self.now();
        let by = self.actor().to_string();
        let id = match existing {
            Some(id) => {
                let row = self.store().ip_record(id)?;
                if row.fields == json {
                    return Err(Error::Conflict(format!("{} already says this: nothing to record", label(&row))));
                }
                id
            }
            None => self.store().insert_ip_record(collab, kind, parent, now)?.0,
        };
        let version = self.store().next_ip_version(id)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        self.store().record_ip_version(id, version, &json, note, decision_seq, &by, now)?;
        Ok(id)
    }

    /// Finds a record of `kind` by its label (`IP2`) or id.
    pub fn ip_record_id(&self, collab: Option<Id>, kind: &str, which: &str) -> Result<Id> {
        let w = which.trim();
        let p = prefix(kind);
        if let Some(n) =
            w.strip_prefix(p).or_else(|| w.strip_prefix(&p.to_ascii_lowercase())).and_then(|n| n.parse().ok())
        {
            let collab = collab
                .ok_or_else(|| Error::invalid("collab", format!("{w} is a label: name the collaboration too")))?;
            return self
                .store()
                .ip_record_by_number(collab, kind, n)?
                .map(|r| r.id)
                .ok_or_else(|| Error::not_found("IP record", w));
        }
        let id: Id = w.parse().map_err(|_| Error::invalid(kind, format!("'{w}' is neither {p}N nor an id")))?;
        let row = self.store().ip_record(id)?;
        if row.kind != kind || collab.is_some_and(|c| c != row.collaboration_id) {
            return Err(Error::not_found("IP record", w));
        }
        Ok(id)
    }

    // ---- background ----

    fn check_background(&self, collab: Id, f: &BackgroundFields) -> Result<()> {
        let detail = self.collaboration(collab)?;
        let mut p = Problems::new();
        Self::check_party(&mut p, &detail, "party", f.party_id);
        text(&mut p, "item", &f.item, true);
        text(&mut p, "description", &f.description, false);
        text(&mut p, "restrictions", &f.restrictions, false);
        text(&mut p, "access_terms", &f.access_terms, false);
        let line = background_line(f, "");
        if line.chars().count() > 600 {
            p.push(
                "description",
                "makes a schedule line longer than 600 characters: shorten the description or the terms",
            );
        }
        p.finish()
    }

    /// Adds a piece of background.
    pub fn add_background(&mut self, collab: Id, f: &BackgroundFields) -> Result<BackgroundItem> {
        self.check_background(collab, f)?;
        let id = self.atomically(|s| s.save_ip(collab, "background", None, None, f, None, None))?;
        self.background_item(id)
    }

    /// Records a new version of a piece of background.
    pub fn update_background(&mut self, id: Id, f: &BackgroundFields, note: Option<&str>) -> Result<BackgroundItem> {
        let row = self.store().ip_record(id)?;
        if row.kind != "background" {
            return Err(Error::not_found("background item", id));
        }
        self.check_background(row.collaboration_id, f)?;
        self.atomically(|s| s.save_ip(row.collaboration_id, "background", Some(id), None, f, note, None))?;
        self.background_item(id)
    }

    fn background_item(&self, id: Id) -> Result<BackgroundItem> {
        let row = self.store().ip_record(id)?;
        let detail = self.collaboration(row.collaboration_id)?;
        Self::background_of(&detail, &row)
    }

    fn background_of(detail: &CollaborationDetail, row: &IpRow) -> Result<BackgroundItem> {
        let fields: BackgroundFields = parse(row)?;
        let party_name =
            Self::member_name(detail, fields.party_id).unwrap_or_else(|| format!("party {}", fields.party_id));
        Ok(BackgroundItem {
            id: row.id,
            label: label(row),
            version: row.version,
            schedule_line: background_line(&fields, &party_name),
            fields,
            party_name,
            updated_at: row.updated_at.clone(),
            updated_by: row.updated_by.clone(),
        })
    }

    /// The collaboration's background by party, the schedule it makes, and how that compares
    /// with the collaboration agreement's schedule (the newest revision we signed, else the newest).
    pub fn ip_background(&self, collab: Id) -> Result<BackgroundRegister> {
        let detail = self.collaboration(collab)?;
        let mut items = self
            .store()
            .ip_records(collab, Some("background"))?
            .iter()
            .map(|r| Self::background_of(&detail, r))
            .collect::<Result<Vec<_>>>()?;
        let order = |id: Id| detail.members.iter().position(|m| m.party.id == id).unwrap_or(usize::MAX);
        items.sort_by_key(|i| (order(i.fields.party_id), i.id));
        let live = || items.iter().filter(|i| !i.fields.withdrawn);
        let schedule: Vec<String> = live().filter(|i| !i.fields.excluded).map(|i| i.schedule_line.clone()).collect();
        let exclusions: Vec<String> = live().filter(|i| i.fields.excluded).map(|i| i.schedule_line.clone()).collect();
        let agreement = match self.collaboration_agreement(collab)? {
            None => None,
            Some((id, title)) => {
                let signed = self.store().latest_signed_revision(id)?;
                let (row, spec) = self.spec_of(id, signed.as_ref().map(|s| s.0))?;
                let rev = row.number;
                let listed = |name: &str| -> Vec<String> {
                    spec.values
                        .get(name)
                        .and_then(Json::as_array)
                        .map(|a| a.iter().filter_map(Json::as_str).map(str::to_string).collect())
                        .unwrap_or_default()
                };
                let have = [listed("background_items"), listed("background_exclusions")].concat();
                let want = [schedule.clone(), exclusions.clone()].concat();
                let missing: Vec<String> = want.iter().filter(|l| !have.contains(l)).cloned().collect();
                let extra: Vec<String> = have.iter().filter(|l| !want.contains(l)).cloned().collect();
                Some(ScheduleState {
                    agreement_id: id,
                    agreement_title: title,
                    revision: rev,
                    signed: signed.is_some(),
                    signed_at: signed.map(|s| s.1),
                    matches: missing.is_empty() && extra.is_empty(),
                    missing,
                    extra,
                })
            }
        };
        Ok(BackgroundRegister { collaboration_id: collab, items, schedule, exclusions, agreement })
    }

    /// The collaboration's agreement of kind `collaboration` (the newest, if there are several).
    fn collaboration_agreement(&self, collab: Id) -> Result<Option<(Id, String)>> {
        Ok(self
            .agreements(Some(collab))?
            .into_iter()
            .filter(|a| a.kind == "collaboration")
            .max_by_key(|a| a.id)
            .map(|a| (a.id, a.title.clone())))
    }

    /// Copies the background register into a collaboration agreement's background schedule, as a
    /// new revision.
    pub fn bind_background(&mut self, agreement: Id) -> Result<crate::agreements::Saved> {
        let a = self.store().agreement_row_by_id(agreement)?;
        if a.kind != "collaboration" {
            return Err(Error::invalid(
                "agreement",
                format!(
                    "agreement {agreement} is a {} agreement: the background schedule is in a collaboration agreement",
                    a.kind
                ),
            ));
        }
        let reg = self.ip_background(a.collaboration_id)?;
        if reg.schedule.is_empty() {
            return Err(Error::invalid("background", "the register lists no background to bind: add some first"));
        }
        let mut set = BTreeMap::new();
        set.insert("background_items".to_string(), Json::Array(reg.schedule.into_iter().map(Json::String).collect()));
        set.insert(
            "background_exclusions".to_string(),
            Json::Array(reg.exclusions.into_iter().map(Json::String).collect()),
        );
        self.update_agreement(agreement, set, BTreeMap::new(), Some("Background schedule copied from the IP register"))
    }

    // ---- results ----

    fn check_result(&self, collab: Id, f: &ResultFields) -> Result<()> {
        let detail = self.collaboration(collab)?;
        let mut p = Problems::new();
        text(&mut p, "title", &f.title, true);
        text(&mut p, "description", &f.description, false);
        if f.inventors.is_empty() {
            p.push("inventors", "name at least one inventor, with the party they work for");
        }
        for (i, inv) in f.inventors.iter().enumerate() {
            if inv.name.trim().is_empty() {
                p.push(format!("inventors.{i}"), "an inventor needs a name");
            }
            if Self::member_name(&detail, inv.party_id).is_none() {
                p.push(
                    format!("inventors.{i}"),
                    format!("{} is from party {}, which is not a party of this collaboration", inv.name, inv.party_id),
                );
            }
        }
        for c in &f.contributors {
            Self::check_party(&mut p, &detail, "contributors", *c);
        }
        for (i, d) in f.documents.iter().enumerate() {
            if !is_sha256(&d.sha256) {
                p.push(
                    format!("documents.{i}"),
                    format!("{}: '{}' is not a SHA-256 (64 hex digits)", d.name, d.sha256),
                );
            }
        }
        if f.disclosed_on > self.clock_today() {
            p.push("disclosed_on", format!("{} is in the future", f.disclosed_on));
        }
        p.finish()
    }

    fn normalise_result(mut f: ResultFields) -> ResultFields {
        for inv in &f.inventors {
            if !f.contributors.contains(&inv.party_id) {
                f.contributors.push(inv.party_id);
            }
        }
        f.contributors.sort_unstable();
        f.contributors.dedup();
        f
    }

    /// Records a result or invention disclosure.
    pub fn add_result(&mut self, collab: Id, f: &ResultFields) -> Result<IpResult> {
        let f = Self::normalise_result(ResultFields { owner_override: None, ..f.clone() });
        self.check_result(collab, &f)?;
        let id = self.atomically(|s| s.save_ip(collab, "result", None, None, &f, None, None))?;
        self.ip_result(id)
    }

    /// Records a new version of a result (an override stays until overruled again).
    pub fn update_result(&mut self, id: Id, f: &ResultFields, note: Option<&str>) -> Result<IpResult> {
        let row = self.store().ip_record(id)?;
        let before: ResultFields = parse(&row)?;
        let f = Self::normalise_result(ResultFields { owner_override: before.owner_override, ..f.clone() });
        self.check_result(row.collaboration_id, &f)?;
        self.atomically(|s| s.save_ip(row.collaboration_id, "result", Some(id), None, &f, note, None))?;
        self.ip_result(id)
    }

    /// Who owns what the collaboration makes: the ownership model and share basis of its
    /// collaboration agreement (the newest revision we signed, else the newest), and the ledger's
    /// shares.
    fn ownership_terms(
        &self,
        collab: Id,
    ) -> std::result::Result<(Model, steward_register::ip::JointBasis, String), String> {
        let (id, title) = self
            .collaboration_agreement(collab)
            .map_err(|e| e.to_string())?
            .ok_or("no collaboration agreement says which ownership model applies")?;
        let signed = self.store().latest_signed_revision(id).map_err(|e| e.to_string())?;
        let (row, spec) = self.spec_of(id, signed.as_ref().map(|s| s.0)).map_err(|e| e.to_string())?;
        let model = spec
            .values
            .get("ownership_model")
            .and_then(Json::as_str)
            .ok_or_else(|| format!("{title} (revision {}) names no ownership model", row.number))?;
        let model = Model::parse(model)?;
        let detail = self.collaboration(collab).map_err(|e| e.to_string())?;
        let basis = match spec.values.get("joint_share_basis").and_then(Json::as_str) {
            Some("contribution") => {
                let report = self.ledger_report(collab, None, None).map_err(|e| e.to_string())?;
                steward_register::ip::JointBasis::Contribution(
                    report.parties.iter().map(|p| (p.party_id, p.share_basis_points)).collect(),
                )
            }
            Some("listed") => {
                let listed = spec
                    .values
                    .get("joint_ownership_shares")
                    .and_then(Json::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Json::as_str)
                            .filter_map(steward_register::ip::listed_share)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                steward_register::ip::JointBasis::Listed(
                    listed
                        .iter()
                        .filter_map(|(name, bp)| detail.member(name).ok().map(|m| (m.party.id, *bp)))
                        .collect(),
                )
            }
            _ => steward_register::ip::JointBasis::Equal,
        };
        let how = format!(
            "{title}, revision {}{}",
            row.number,
            if signed.is_some() { " (signed)" } else { " (not yet signed)" }
        );
        Ok((model, basis, how))
    }

    fn result_of(&self, detail: &CollaborationDetail, row: &IpRow, all: &[IpRow]) -> Result<IpResult> {
        let fields: ResultFields = parse(row)?;
        let parties: Vec<steward_register::ip::Party> = detail
            .members
            .iter()
            .map(|m| steward_register::ip::Party {
                id: m.party.id,
                name: m.party.display_name().to_string(),
                academic: matches!(m.party.kind, crate::PartyKind::University | crate::PartyKind::ResearchInstitute),
                company: m.party.kind == crate::PartyKind::Company,
            })
            .collect();
        let (computed, owner_problem, decided_by) = match self.ownership_terms(row.collaboration_id) {
            Ok((model, basis, how)) => {
                match steward_register::ip::decide(model, &parties, &fields.contributors, &basis) {
                    Ok(o) => (Some(o), None, Some(how)),
                    Err(e) => (None, Some(e), Some(how)),
                }
            }
            Err(e) => (None, Some(e), None),
        };
        let owners = match (&fields.owner_override, &computed) {
            (Some(o), _) => o.owners.clone(),
            (None, Some(c)) => c.owners.clone(),
            (None, None) => Vec::new(),
        };
        let mut filings = Vec::new();
        let mut licences = Vec::new();
        for child in all.iter().filter(|r| r.parent_id == Some(row.id)) {
            match child.kind.as_str() {
                "filing" => {
                    let f: FilingFields = parse(child)?;
                    if let Some(deadlines) =
                        steward_register::ip::patent_deadlines(f.priority_date.unwrap_or(f.filing_date))
                    {
                        filings.push(Filing { id: child.id, label: label(child), fields: f, deadlines });
                    }
                }
                "licence" => {
                    let f: LicenceFields = parse(child)?;
                    let licensee =
                        Self::member_name(detail, f.licensee_id).unwrap_or_else(|| format!("party {}", f.licensee_id));
                    licences.push(Licence { id: child.id, label: label(child), fields: f, licensee });
                }
                _ => {}
            }
        }
        Ok(IpResult {
            id: row.id,
            collaboration_id: row.collaboration_id,
            label: label(row),
            version: row.version,
            fields,
            computed,
            owner_problem,
            owners,
            decided_by,
            filings,
            licences,
            updated_at: row.updated_at.clone(),
            updated_by: row.updated_by.clone(),
        })
    }

    /// One result with its owner, filings and licences.
    pub fn ip_result(&self, id: Id) -> Result<IpResult> {
        let row = self.store().ip_record(id)?;
        if row.kind != "result" {
            return Err(Error::not_found("result", id));
        }
        let detail = self.collaboration(row.collaboration_id)?;
        let all = self.store().ip_records(row.collaboration_id, None)?;
        self.result_of(&detail, &row, &all)
    }

    /// Sets a result's owners by hand over the computed ones, with a reason, as a signed
    /// decision. `owners` are party names or ids with their percentage (`Ferrant: 100`).
    pub fn overrule_owner(
        &mut self,
        result: Id,
        owners: &[(String, f64)],
        reason: &str,
        identity: Option<Id>,
    ) -> Result<IpResult> {
        let current = self.ip_result(result)?;
        let detail = self.collaboration(current.collaboration_id)?;
        let mut p = Problems::new();
        if reason.trim().is_empty() {
            p.push("reason", "say why the owner differs from what the agreement gives");
        }
        let mut shares = Vec::new();
        for (who, pct) in owners {
            match detail.member(who) {
                Ok(m) if (0.0..=100.0).contains(pct) => shares.push(Share {
                    party_id: m.party.id,
                    party: m.party.display_name().to_string(),
                    basis_points: (pct * 100.0).round() as u32,
                }),
                Ok(_) => p.push("owners", format!("{who}: {pct} is not a percentage between 0 and 100")),
                Err(e) => p.push("owners", e),
            }
        }
        if shares.is_empty() {
            p.push("owners", "name at least one owner, e.g. Ferrant:100");
        } else if shares.iter().map(|s| s.basis_points).sum::<u32>() != 10_000 {
            p.push("owners", "the shares must add up to 100");
        }
        p.finish()?;
        let collab = current.collaboration_id;
        self.atomically(|s| {
            let identity = s.acting_identity(identity)?;
            let names: Vec<String> = shares
                .iter()
                .map(|x| format!("{} {}.{:02}%", x.party, x.basis_points / 100, x.basis_points % 100))
                .collect();
            let d = s.add_decision(
                collab,
                &NewDecision {
                    title: format!("Owner of {} overruled: {}", current.label, current.fields.title),
                    decision: Some(format!("Owned by {}", names.join(", "))),
                    rationale: Some(format!(
                        "{} (the agreement gave: {})",
                        reason.trim(),
                        current.computed.as_ref().map_or("no owner".into(), |c| {
                            c.owners.iter().map(|o| o.party.clone()).collect::<Vec<_>>().join(", ")
                        })
                    )),
                    links: vec![format!("ip:{result}")],
                    ..NewDecision::default()
                },
                identity,
            )?;
            let fields = ResultFields {
                owner_override: Some(OwnerOverride {
                    owners: shares.clone(),
                    reason: reason.trim().to_string(),
                    decision_seq: Some(d.entry.seq as i64),
                }),
                ..current.fields.clone()
            };
            s.save_ip(collab, "result", Some(result), None, &fields, Some(reason), Some(d.entry.seq as i64))
        })?;
        self.ip_result(result)
    }

    // ---- filings and licences ----

    /// Records a patent application for a result; its priority year and PCT national phase
    /// deadlines become due items.
    pub fn add_filing(&mut self, f: &FilingFields) -> Result<Filing> {
        let result = self.ip_result(f.result_id)?;
        let collab = result.collaboration_id;
        let mut p = Problems::new();
        text(&mut p, "application_number", &f.application_number, true);
        text(&mut p, "office", &f.office, true);
        if f.filing_date < result.fields.disclosed_on {
            p.push(
                "filing_date",
                format!("{} is before {} was disclosed ({})", f.filing_date, result.label, result.fields.disclosed_on),
            );
        }
        if f.priority_date.is_some_and(|d| d > f.filing_date) {
            p.push("priority_date", "a priority date comes on or before the filing date");
        }
        if let Some(pub_id) = f.publication_id {
            match self.store().publication(pub_id) {
                Ok(x) if x.collaboration_id == collab => {}
                _ => p.push("publication", format!("publication {pub_id} is not one of this collaboration's")),
            }
        }
        p.finish()?;
        let deadlines = steward_register::ip::patent_deadlines(f.priority_date.unwrap_or(f.filing_date))
            .ok_or_else(|| Error::invalid("filing_date", "is too far in the future"))?;
        let owners: Vec<Id> = result.owners.iter().map(|o| o.party_id).collect();
        let owner_names = result.owners.iter().map(|o| o.party.clone()).collect::<Vec<_>>().join(", ");
        let now = self.now();
        let id = self.atomically(|s| {
            let id = s.save_ip(collab, "filing", None, Some(f.result_id), f, None, None)?;
            let n = s.store().ip_record(id)?.number;
            let items = [
                ("priority", deadlines.priority, "Priority year ends", "priority date + 12 months (Paris Convention)"),
                ("national-30", deadlines.national_30, "PCT national phase (30 months)", "priority date + 30 months"),
                (
                    "national-31",
                    deadlines.national_31,
                    "PCT national or regional phase (31 months)",
                    "priority date + 31 months",
                ),
            ];
            for (key, due, what, rule) in items {
                s.store().upsert_item(
                    collab,
                    &ItemSpec {
                        key: format!("ip:{id}/{key}"),
                        origin: "ip",
                        agreement_id: None,
                        revision: None,
                        clause_id: Some("collab.exploitation".into()),
                        kind: "patent_deadline".into(),
                        title: format!("{what}: {} {} ({}, F{n})", f.office, f.application_number, result.label),
                        party_ids: owners.clone(),
                        party_label: owner_names.clone(),
                        due_date: due.to_string(),
                        rule: rule.into(),
                        remind_days: 60,
                    },
                    now,
                )?;
            }
            Ok(id)
        })?;
        let r = self.ip_result(f.result_id)?;
        r.filings.into_iter().find(|x| x.id == id).ok_or_else(|| Error::not_found("filing", id))
    }

    /// Records a licence or option on a result; its end (an option window's last day) becomes a
    /// due item.
    pub fn add_licence(&mut self, f: &LicenceFields) -> Result<Licence> {
        let result = self.ip_result(f.result_id)?;
        let collab = result.collaboration_id;
        let detail = self.collaboration(collab)?;
        let mut p = Problems::new();
        Self::check_party(&mut p, &detail, "licensee", f.licensee_id);
        text(&mut p, "field", &f.field, true);
        text(&mut p, "territory", &f.territory, true);
        if let (Some(a), Some(b)) = (f.starts, f.ends) {
            if b < a {
                p.push("ends", format!("{b} is before the start ({a})"));
            }
        }
        if f.grant == Grant::Option && f.ends.is_none() {
            p.push("ends", "an option needs the last day of its window");
        }
        if result.owners.iter().any(|o| o.party_id == f.licensee_id) && result.owners.len() == 1 {
            p.push("licensee", format!("{} owns {}: it needs no licence", result.owners[0].party, result.label));
        }
        p.finish()?;
        let licensee = Self::member_name(&detail, f.licensee_id).unwrap_or_default();
        let now = self.now();
        let id = self.atomically(|s| {
            let id = s.save_ip(collab, "licence", None, Some(f.result_id), f, None, None)?;
            let n = s.store().ip_record(id)?.number;
            if let Some(end) = f.ends {
                let (kind, what) = match f.grant {
                    Grant::Option => ("option_window", "Option window ends"),
                    Grant::Licence => ("licence_window", "Licence ends"),
                };
                s.store().upsert_item(
                    collab,
                    &ItemSpec {
                        key: format!("ip:{id}/ends"),
                        origin: "ip",
                        agreement_id: None,
                        revision: None,
                        clause_id: Some("collab.licences".into()),
                        kind: kind.into(),
                        title: format!("{what}: {licensee} on {} {} (L{n})", result.label, result.fields.title),
                        party_ids: vec![f.licensee_id],
                        party_label: licensee.clone(),
                        due_date: end.to_string(),
                        rule: format!(
                            "the {} granted on {}",
                            if f.grant == Grant::Option { "option" } else { "licence" },
                            result.label
                        ),
                        remind_days: 30,
                    },
                    now,
                )?;
            }
            Ok(id)
        })?;
        let r = self.ip_result(f.result_id)?;
        r.licences.into_iter().find(|x| x.id == id).ok_or_else(|| Error::not_found("licence", id))
    }

    // ---- datasets ----

    /// Records a dataset held for the collaboration.
    pub fn add_dataset(&mut self, collab: Id, f: &DatasetFields) -> Result<Dataset> {
        let detail = self.collaboration(collab)?;
        let mut p = Problems::new();
        text(&mut p, "name", &f.name, true);
        text(&mut p, "location", &f.location, true);
        text(&mut p, "description", &f.description, false);
        Self::check_party(&mut p, &detail, "holder", f.holder_id);
        if let Some(s) = f.supplied_by {
            Self::check_party(&mut p, &detail, "supplied_by", s);
        }
        p.finish()?;
        let id = self.atomically(|s| s.save_ip(collab, "dataset", None, None, f, None, None))?;
        let row = self.store().ip_record(id)?;
        Self::dataset_of(&detail, &row)
    }

    fn dataset_of(detail: &CollaborationDetail, row: &IpRow) -> Result<Dataset> {
        let fields: DatasetFields = parse(row)?;
        Ok(Dataset {
            id: row.id,
            label: label(row),
            holder: Self::member_name(detail, fields.holder_id)
                .unwrap_or_else(|| format!("party {}", fields.holder_id)),
            supplied_by: fields.supplied_by.and_then(|s| Self::member_name(detail, s)),
            fields,
        })
    }

    /// The datasets of a collaboration.
    pub fn datasets(&self, collab: Id) -> Result<Vec<Dataset>> {
        let detail = self.collaboration(collab)?;
        self.store().ip_records(collab, Some("dataset"))?.iter().map(|r| Self::dataset_of(&detail, r)).collect()
    }

    /// The whole IP register of a collaboration.
    pub fn ip_register(&self, collab: Id) -> Result<IpRegister> {
        let detail = self.collaboration(collab)?;
        let all = self.store().ip_records(collab, None)?;
        let results = all
            .iter()
            .filter(|r| r.kind == "result")
            .map(|r| self.result_of(&detail, r, &all))
            .collect::<Result<Vec<_>>>()?;
        let datasets = all
            .iter()
            .filter(|r| r.kind == "dataset")
            .map(|r| Self::dataset_of(&detail, r))
            .collect::<Result<Vec<_>>>()?;
        Ok(IpRegister { collaboration_id: collab, background: self.ip_background(collab)?, results, datasets })
    }

    /// Every kept version of a record, oldest first.
    pub fn ip_history(&self, id: Id) -> Result<Vec<IpVersion>> {
        self.store().ip_record(id)?;
        Ok(self
            .store()
            .ip_versions(id)?
            .into_iter()
            .map(|v| IpVersion {
                version: v.version,
                fields: serde_json::from_str(&v.fields).unwrap_or(Json::Null),
                note: v.note,
                decision_seq: v.decision,
                created_at: v.at,
                created_by: v.by,
            })
            .collect())
    }
}

/// The schedule line of a background item: `Northmoor: item: description (restrictions; export
/// control entry; access: terms)`.
pub fn background_line(f: &BackgroundFields, party: &str) -> String {
    let mut line = format!("{party}: {}", f.item.trim());
    if !f.description.trim().is_empty() {
        line.push_str(&format!(", {}", f.description.trim()));
    }
    let mut notes = Vec::new();
    if let Some(o) = f.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        notes.push(format!("owned by {o}"));
    }
    if !f.restrictions.trim().is_empty() {
        notes.push(f.restrictions.trim().to_string());
    }
    if let Some(e) = f.export_control.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        notes.push(format!("export control entry {e}"));
    }
    if !f.access_terms.trim().is_empty() {
        notes.push(format!("access: {}", f.access_terms.trim()));
    }
    if !notes.is_empty() {
        line.push_str(&format!(" ({})", notes.join("; ")));
    }
    line
}
