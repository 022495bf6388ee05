//! The clause library in the store, and agreements drafted from it. Template versions are
//! immutable and named by their hash; a draft pins the versions it used, so it renders the same
//! text however the library moves on, until it is explicitly upgraded.

use crate::error::{Error, FieldError, Invalid, Result};
use crate::{Id, Steward};
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use steward_clauses::check::{self, SourceFile};
use steward_clauses::diff::{self, Redline};
use steward_clauses::document::Document;
use steward_clauses::values::PartyInfo;
use steward_clauses::{DraftInput, DraftSpec, Library, Recommended, Template, TemplateError, assemble, shipped};

pub use crate::store::TemplateRow;
pub use crate::store::library::{AgreementRow, ReviewRow};

/// Variable values as typed, by name.
pub type Values = BTreeMap<String, Json>;
/// Clause id → chosen fallback wording.
pub type Fallbacks = BTreeMap<String, String>;

/// Who imports shipped versions.
pub const SHIPPED_BY: &str = "Steward shipped library";

/// Review status of a template version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Approved,
    Rejected,
    Deprecated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Deprecated => "deprecated",
        }
    }
    /// The statuses a version may move to this one from.
    fn allowed_from(self) -> &'static [&'static str] {
        match self {
            Status::Approved => &["draft"],
            Status::Rejected => &["draft"],
            Status::Deprecated => &["approved"],
            Status::Draft => &[],
        }
    }
}

/// What an import did with each template.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub added: Vec<ImportedVersion>,
    pub unchanged: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportedVersion {
    pub template_type: String,
    pub id: String,
    pub version: i64,
    pub hash: String,
    pub status: String,
}

impl TemplateSummary {
    /// Version `v` of this template.
    pub fn version(&self, v: i64) -> Result<&TemplateRow> {
        self.versions
            .iter()
            .find(|r| r.version == v)
            .ok_or_else(|| Error::not_found("version", format!("{v} of {}", self.id)))
    }
}

/// A template with all its versions, newest last.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateSummary {
    pub template_type: String,
    pub id: String,
    pub title: String,
    pub versions: Vec<TemplateRow>,
    /// The version new drafts use (the newest approved), if any.
    pub current: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateDetail {
    #[serde(flatten)]
    pub summary: TemplateSummary,
    /// The shown version's content.
    pub version: i64,
    pub content: Json,
    pub reviews: Vec<ReviewRow>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AgreementDetail {
    #[serde(flatten)]
    pub agreement: AgreementRow,
    pub revisions: Vec<crate::store::RevisionRow>,
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

fn template_errors(errors: Vec<TemplateError>) -> Error {
    Error::Invalid(Invalid(
        errors
            .into_iter()
            .map(|e| {
                FieldError::new(format!("{}{}", e.file, e.line.map(|l| format!(":{l}")).unwrap_or_default()), e.message)
            })
            .collect(),
    ))
}

fn problems(p: Vec<steward_clauses::Problem>) -> Error {
    Error::Invalid(Invalid(
        p.into_iter()
            .map(|p| {
                let field = if p.variable.is_empty() { p.clause.clone() } else { p.variable.clone() };
                FieldError::new(field, format!("{} (clause {})", p.message, p.clause))
            })
            .collect(),
    ))
}

/// Values for a draft as a variables file gives them: a JSON object of name → value, with an
/// optional `"@fallbacks": {"clause.id": "fallback-id"}`. Errors name the file, line and column.
pub fn parse_vars_file(file: &str, text: &str) -> Result<(Values, Fallbacks)> {
    if text.len() > 1 << 20 {
        return Err(Error::invalid(file, "is larger than 1 MiB; a variables file holds a few dozen values"));
    }
    let v: Json = serde_json::from_str(text)
        .map_err(|e| Error::invalid(format!("{file}:{}:{}", e.line(), e.column()), format!("not valid JSON: {e}")))?;
    let Json::Object(map) = v else {
        return Err(Error::invalid(
            file,
            "must hold a JSON object of variable names and values, like {\"purpose\": \"...\"}",
        ));
    };
    let mut values = BTreeMap::new();
    let mut fallbacks = BTreeMap::new();
    let mut bad = Vec::new();
    for (k, v) in map {
        if k == "@fallbacks" {
            match v {
                Json::Object(f) => {
                    for (clause, id) in f {
                        match id {
                            Json::String(id) => {
                                fallbacks.insert(clause, id);
                            }
                            other => bad.push(FieldError::new(
                                format!("{file}: @fallbacks.{clause}"),
                                format!("must be a fallback id (text), not {other}"),
                            )),
                        }
                    }
                }
                _ => bad.push(FieldError::new(
                    format!("{file}: @fallbacks"),
                    "must be an object of clause id → fallback id",
                )),
            }
        } else if k.is_empty()
            || k.len() > 64
            || !k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            bad.push(FieldError::new(
                format!("{file}: {k:?}"),
                "is not a variable name (lower case letters, digits and _)",
            ));
        } else {
            values.insert(k, v);
        }
    }
    if !bad.is_empty() {
        return Err(Error::Invalid(Invalid(bad)));
    }
    Ok((values, fallbacks))
}

/// `NAME=VALUE` pairs from the command line; values are text (typed parsing happens per variable).
pub fn parse_assignments(args: &[String], flag: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut bad = Vec::new();
    for a in args {
        match a.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.insert(k.trim().to_string(), v.to_string());
            }
            _ => bad.push(FieldError::new(format!("{flag} {a}"), "must be NAME=VALUE")),
        }
    }
    if bad.is_empty() { Ok(out) } else { Err(Error::Invalid(Invalid(bad))) }
}

/// Reads the template files in a folder (recursively) or one file.
pub fn read_template_files(path: &std::path::Path) -> Result<Vec<SourceFile>> {
    let mut out = Vec::new();
    let io = |e: std::io::Error, p: &std::path::Path| Error::Io {
        context: format!("cannot read {}", p.display()),
        source: e,
    };
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out)?;
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("hbs" | "toml")) {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut paths = Vec::new();
    if path.is_dir() {
        walk(path, &mut paths).map_err(|e| io(e, path))?;
    } else {
        paths.push(path.to_path_buf());
    }
    for p in paths {
        let bytes = std::fs::read(&p).map_err(|e| io(e, &p))?;
        if bytes.len() > 1 << 20 {
            return Err(Error::invalid(
                p.display().to_string(),
                "is larger than 1 MiB; a template is a page or two of text",
            ));
        }
        let text =
            String::from_utf8(bytes).map_err(|_| Error::invalid(p.display().to_string(), "is not UTF-8 text"))?;
        out.push(SourceFile { name: p.display().to_string(), text });
    }
    if out.is_empty() {
        return Err(Error::invalid(
            path.display().to_string(),
            "holds no template files (*.hbs clauses, *.toml kinds)",
        ));
    }
    Ok(out)
}

impl Steward {
    /// Every stored template version, newest of each id last.
    fn stored_templates(&self) -> Result<Vec<(TemplateRow, Template)>> {
        self.store()
            .template_versions()?
            .into_iter()
            .map(|row| {
                let t = Template::from_canonical(&row.canonical).map_err(|e| {
                    Error::Conflict(format!("stored template {} v{} is damaged: {e}", row.template_id, row.version))
                })?;
                Ok((row, t))
            })
            .collect()
    }

    /// The compiled library holding at least the versions `hashes` names (compiled once each, on
    /// first use: a render compiles the three dozen versions its draft pins, not the whole store).
    pub(crate) fn library_with<'a>(
        &self,
        hashes: impl IntoIterator<Item = &'a str>,
    ) -> Result<std::cell::Ref<'_, Library>> {
        let missing: Vec<&str> = {
            let lib = self.library.borrow();
            hashes.into_iter().filter(|h| !lib.contains(h)).collect()
        };
        if !missing.is_empty() {
            let mut items = Vec::with_capacity(missing.len());
            for hash in missing {
                let row =
                    self.store().template_version(hash)?.ok_or_else(|| Error::not_found("template version", hash))?;
                let t = Template::from_canonical(&row.canonical).map_err(|e| {
                    Error::Conflict(format!("stored template {} v{} is damaged: {e}", row.template_id, row.version))
                })?;
                items.push((format!("{} v{}", row.template_id, row.version), t));
            }
            self.library.borrow_mut().add_all(items).map_err(|e| Error::Conflict(format!("stored template: {e}")))?;
        }
        Ok(self.library.borrow())
    }

    /// The newest version of each template id, of any status (the base a folder is checked against).
    fn latest_templates(&self) -> Result<Vec<Template>> {
        let mut latest: BTreeMap<(String, String), Template> = BTreeMap::new();
        for (row, t) in self.stored_templates()? {
            latest.insert((row.template_type, row.template_id), t);
        }
        Ok(latest.into_values().collect())
    }

    /// Checks template files in the context of the stored library; every problem is returned.
    pub fn check_templates(&self, files: &[SourceFile]) -> Result<Vec<TemplateError>> {
        Ok(check::check(files, &self.latest_templates()?).errors)
    }

    /// Imports the library built into Steward: new versions only; idempotent.
    pub fn import_shipped_library(&mut self) -> Result<ImportReport> {
        self.import(&shipped::template_files(), "shipped", SHIPPED_BY)
    }

    /// Imports a legal team's template files as new draft versions, after checking them.
    pub fn import_templates(&mut self, files: &[SourceFile]) -> Result<ImportReport> {
        let by = self.actor().to_string();
        self.import(files, "file", &by)
    }

    fn import(&mut self, files: &[SourceFile], origin: &str, by: &str) -> Result<ImportReport> {
        let checked = check::check(files, &self.latest_templates()?);
        if !checked.errors.is_empty() {
            return Err(template_errors(checked.errors));
        }
        let now = self.now();
        let shipped = origin == "shipped";
        // Ids that already have an approved version (each id appears once in a checked set).
        let approved = self.approved()?;
        let report = self.atomically(|s| {
            let mut report = ImportReport::default();
            for (file, t) in &checked.templates {
                let hash = t.hash();
                if s.store().template_version(&hash)?.is_some() {
                    report.unchanged += 1;
                    continue;
                }
                let (ty, id) = (t.type_name(), t.id());
                let version = s.store().next_template_version(ty, id)?;
                if let Some(declared) = t.declared_version() {
                    if declared != version {
                        return Err(Error::invalid(
                            file.clone(),
                            format!("declares version {declared} of {id}, but its content is new and would be version {version}: change `version` to {version} (or leave it out)"),
                        ));
                    }
                }
                let has_approved = approved.contains_key(&(ty.to_string(), id.to_string()));
                // The shipped library is pre-approved where the user has not approved a version of
                // their own; anything else waits for a reviewer.
                let status = if shipped && !has_approved { "approved" } else { "draft" };
                let title = match t {
                    Template::Clause(c) => c.meta.title.clone(),
                    Template::Kind(k) => k.title.clone(),
                };
                let origin_label = if shipped { "shipped".to_string() } else { file.clone() };
                s.store().insert_template_version(
                    &hash,
                    ty,
                    id,
                    version,
                    &title,
                    &t.canonical(),
                    &origin_label,
                    status,
                    by,
                    now,
                )?;
                report.added.push(ImportedVersion {
                    template_type: ty.into(),
                    id: id.into(),
                    version,
                    hash,
                    status: status.into(),
                });
            }
            Ok(report)
        })?;
        Ok(report)
    }

    /// Every template with its versions.
    pub fn templates(&self) -> Result<Vec<TemplateSummary>> {
        let mut out: Vec<TemplateSummary> = Vec::new();
        for row in self.store().template_versions()? {
            match out.last_mut() {
                Some(s) if s.id == row.template_id && s.template_type == row.template_type => s.versions.push(row),
                _ => out.push(TemplateSummary {
                    template_type: row.template_type.clone(),
                    id: row.template_id.clone(),
                    title: row.title.clone(),
                    versions: vec![row],
                    current: None,
                }),
            }
        }
        for s in &mut out {
            s.current = s.versions.iter().filter(|v| v.status == "approved").map(|v| v.version).max();
            if let Some(v) = s.versions.last() {
                s.title = v.title.clone();
            }
        }
        Ok(out)
    }

    fn template_summary(&self, id: &str) -> Result<TemplateSummary> {
        self.templates()?.into_iter().find(|t| t.id == id).ok_or_else(|| Error::not_found("template", id))
    }

    /// One template: all versions, and the content and review history of one (default: newest).
    pub fn template(&self, id: &str, version: Option<i64>) -> Result<TemplateDetail> {
        let summary = self.template_summary(id)?;
        let row = match version {
            Some(v) => summary.version(v)?,
            None => summary.versions.last().ok_or_else(|| Error::not_found("template", id))?,
        }
        .clone();
        let content: Json = serde_json::from_str(&row.canonical)
            .map_err(|e| Error::Conflict(format!("stored template is damaged: {e}")))?;
        let reviews = self.store().template_reviews(&row.hash)?;
        Ok(TemplateDetail { version: row.version, content, reviews, summary })
    }

    /// Approves, rejects or deprecates a version (default: the newest one that can move).
    pub fn review_template(
        &mut self,
        id: &str,
        version: Option<i64>,
        to: Status,
        note: Option<&str>,
    ) -> Result<TemplateRow> {
        let summary = self.template_summary(id)?;
        let allowed = to.allowed_from();
        let row = match version {
            Some(v) => summary.version(v)?,
            None => summary.versions.iter().rev().find(|r| allowed.contains(&r.status.as_str())).ok_or_else(|| {
                Error::Conflict(format!("{id} has no {} version to mark {}", allowed.join(" or "), to.as_str()))
            })?,
        }
        .clone();
        if !allowed.contains(&row.status.as_str()) {
            return Err(Error::Conflict(format!(
                "{id} version {} is {}; only a {} version can become {}",
                row.version,
                row.status,
                allowed.join(" or "),
                to.as_str()
            )));
        }
        let by = self.actor().to_string();
        let now = self.now();
        self.store().set_template_status(&row.hash, &row.status, to.as_str(), &by, note, now)?;
        self.store().template_version(&row.hash)?.ok_or_else(|| Error::not_found("version", &row.hash))
    }

    /// The newest approved version of each template id.
    pub(crate) fn approved(&self) -> Result<BTreeMap<(String, String), TemplateRow>> {
        let mut out = BTreeMap::new();
        for row in self.store().template_versions()? {
            if row.status == "approved" {
                out.insert((row.template_type.clone(), row.template_id.clone()), row);
            }
        }
        Ok(out)
    }

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
                    missing.push(FieldError::new(id.clone(), "has no approved version; approve one before drafting"))
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
        self.store().insert_revision(agreement, &spec.kind_version, &canonical, &spec_hash, &pins, note, &by, now)
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

    pub(crate) fn spec_of(
        &self,
        agreement: Id,
        revision: Option<i64>,
    ) -> Result<(crate::store::RevisionRow, DraftSpec)> {
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
        let flags = self.flags(&parties);
        Ok(DraftInput { kind_version, title, pins, previous: BTreeMap::new(), set, fallbacks, parties, flags })
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
        let flags = self.flags(&parties);
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
        };
        Ok(input)
    }

    /// Moves a draft to the newest approved versions of its kind and clauses, as a new revision.
    pub fn upgrade_agreement(&mut self, id: Id) -> Result<Upgrade> {
        let a = self.store().agreement_row_by_id(id)?;
        let (_, prev) = self.spec_of(id, None)?;
        let (kind_version, pins) = self.current_pins(&a.kind)?;
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
        let flags = self.flags(&parties);
        let fallbacks =
            prev.fallbacks.iter().filter(|(k, _)| pins.contains_key(*k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        let input = DraftInput {
            kind_version,
            title: Some(prev.title.clone()),
            pins,
            previous: prev.values.clone(),
            set: BTreeMap::new(),
            fallbacks,
            parties,
            flags,
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
        self.store().agreement_rows(collab)
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
            agreement,
            revisions,
            values: spec.values,
            fallbacks: spec.fallbacks,
            clauses: spec.clauses,
            recommendation,
        })
    }

    /// Renders a revision (default: the latest) to the document model.
    pub fn render_agreement(&self, id: Id, revision: Option<i64>) -> Result<Document> {
        self.store().agreement_row_by_id(id)?;
        let (_, spec) = self.spec_of(id, revision)?;
        let lib = self.library_with(
            std::iter::once(spec.kind_version.as_str()).chain(spec.clauses.values().map(String::as_str)),
        )?;
        assemble::render(&lib, &spec).map_err(|e| Error::Conflict(format!("revision cannot be rendered: {e}")))
    }

    /// The redline between two revisions of an agreement.
    pub fn diff_agreement(&self, id: Id, from: i64, to: i64) -> Result<Redline> {
        let old = self.render_agreement(id, Some(from))?;
        let new = self.render_agreement(id, Some(to))?;
        Ok(diff::redline(&old, &new))
    }

    /// Drafts one complete agreement of every kind for a collaboration, from the shipped demo values.
    pub fn demo_agreements(&mut self, collab: Id) -> Result<Vec<Id>> {
        let mut ids = Vec::new();
        for kind in ["nda-mutual", "nda-one-way", "publication", "collaboration"] {
            let values: BTreeMap<String, Json> = match shipped::demo_values(kind) {
                Some(text) => {
                    serde_json::from_str(text).map_err(|e| Error::Conflict(format!("demo values for {kind}: {e}")))?
                }
                None => BTreeMap::new(),
            };
            let set = values.into_iter().filter(|(k, _)| !k.starts_with('@')).collect();
            ids.push(self.create_agreement(collab, kind, set, BTreeMap::new(), None)?.agreement_id);
        }
        Ok(ids)
    }
}

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

/// A template version found by a full-text search of the library.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    pub template_type: String,
    pub id: String,
    pub version: i64,
    pub title: String,
    pub status: String,
    /// Matching words in context, the matches between `[` and `]`.
    pub snippet: String,
}

/// Turns what a user typed into an FTS5 query: each word a quoted prefix term, all required, so no
/// input is a syntax error.
fn fts_query(typed: &str) -> Option<String> {
    let terms: Vec<String> = typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
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

    /// Full-text search of the library (titles, bodies, reviewer guidance, fallback wordings; word
    /// prefixes, every word required), newest matching version of each template, best first.
    pub fn search_templates(&self, query: &str) -> Result<Vec<SearchHit>> {
        let Some(q) = fts_query(query) else { return Ok(Vec::new()) };
        let mut stmt = self.store().conn.prepare_cached(
            "SELECT v.template_type, v.template_id, v.version, v.title, v.status,
                    snippet(template_search, -1, '[', ']', '…', 14)
             FROM template_search JOIN template_version AS v ON v.rowid = template_search.rowid
             WHERE template_search MATCH ?1
             ORDER BY rank LIMIT 200",
        )?;
        let rows = stmt.query_map([q], |r| {
            Ok(SearchHit {
                template_type: r.get(0)?,
                id: r.get(1)?,
                version: r.get(2)?,
                title: r.get(3)?,
                status: r.get(4)?,
                snippet: r.get(5)?,
            })
        })?;
        let mut out: Vec<SearchHit> = Vec::new();
        for hit in rows {
            let hit = hit?;
            match out.iter_mut().find(|h| h.id == hit.id && h.template_type == hit.template_type) {
                Some(h) if h.version < hit.version => *h = hit,
                Some(_) => {}
                None => out.push(hit),
            }
        }
        Ok(out)
    }

    /// Word-by-word differences between two versions of a template (its canonical text: wording,
    /// guidance, variables, fallbacks).
    pub fn template_diff(&self, id: &str, from: i64, to: i64) -> Result<Vec<steward_clauses::diff::WordRun>> {
        let summary = self.template_summary(id)?;
        let text = |v: i64| -> Result<String> {
            let row = summary.version(v)?;
            let t = Template::from_canonical(&row.canonical)
                .map_err(|e| Error::Conflict(format!("stored template {id} v{v} is damaged: {e}")))?;
            Ok(match t {
                Template::Clause(c) => {
                    let mut s = format!("{}\n\n{}", c.meta.title, c.body.trim());
                    if !c.meta.guidance.trim().is_empty() {
                        s.push_str(&format!("\n\nGuidance: {}", c.meta.guidance.trim()));
                    }
                    for f in &c.meta.fallbacks {
                        s.push_str(&format!("\n\nFallback {}: {}", f.label, f.body.trim()));
                    }
                    s
                }
                Template::Kind(k) => serde_json::to_string_pretty(&k).unwrap_or_default(),
            })
        };
        Ok(steward_clauses::diff::words(&text(from)?, &text(to)?))
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
    fn versions_and_revisions_cannot_be_changed_or_deleted_even_in_sql() {
        let (s, d) = demo();
        let conn = &s.store().conn;
        for sql in [
            "UPDATE template_version SET canonical = 'x' WHERE template_id = 'nda.purpose'",
            "UPDATE template_version SET title = 'x'",
            "DELETE FROM template_version",
            "UPDATE agreement_revision SET spec = '{}'",
            "DELETE FROM agreement_revision",
        ] {
            let e = conn.execute(sql, []).expect_err(sql);
            assert!(e.to_string().contains("immutable") || e.to_string().contains("never deleted"), "{sql}: {e}");
        }
        assert_eq!(s.agreements(Some(d.collaboration_id)).expect("list").len(), 4);
        let a = s.agreement(d.agreement_ids[0]).expect("agreement");
        assert!(
            a.agreement.uid.starts_with("00000000-0000-4000-8000-00000000000"),
            "uids come from the injected source"
        );
    }

    #[test]
    fn the_shipped_library_is_imported_once_and_approved() {
        let (mut s, _) = demo();
        let list = s.templates().expect("templates");
        assert!(list.len() >= 50);
        assert!(list.iter().all(|t| t.current == Some(1)), "shipped versions are approved");
        let again = s.import_shipped_library().expect("import");
        assert!(again.added.is_empty());
        assert_eq!(again.unchanged, list.len());
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

    #[test]
    fn vars_files_are_parsed_with_clear_errors() {
        let (v, f) =
            parse_vars_file("v.json", r#"{"a_b": 1, "@fallbacks": {"nda.obligations": "strict-care"}}"#).expect("ok");
        assert_eq!(v["a_b"], Json::from(1));
        assert_eq!(f["nda.obligations"], "strict-care");
        for (text, want) in [
            ("", "v.json:1:0: not valid JSON"),
            ("{\"a\": }", "v.json:1:7"),
            ("\"just text\"", "must hold a JSON object"),
            ("{\"Bad Name\": 1}", "is not a variable name"),
            ("{\"@fallbacks\": [1]}", "@fallbacks"),
            ("{\"@fallbacks\": {\"x\": 3}}", "must be a fallback id"),
        ] {
            let e = parse_vars_file("v.json", text).expect_err(text).to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
        let big = format!("{{\"a\": \"{}\"}}", "x".repeat(2 << 20));
        assert!(parse_vars_file("v.json", &big).expect_err("big").to_string().contains("larger than 1 MiB"));
        assert!(parse_assignments(&["a=b=c".into()], "--set").expect("ok")["a"] == "b=c");
    }

    proptest::proptest! {
        #[test]
        fn vars_file_parsing_never_panics(text in "\\PC{0,200}") {
            let _ = parse_vars_file("v.json", &text);
        }
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
        assert!(collab.recommendation.is_some_and(|r| !r.rules.is_empty()));
        let e = s.agreement_form("no-such-kind").expect_err("unknown kind");
        assert_eq!(e.kind(), crate::ErrorKind::Invalid);
    }

    #[test]
    fn a_preview_renders_without_saving_and_names_bad_values() {
        let (s, d) = demo();
        let before = s.agreements(Some(d.collaboration_id)).expect("list").len();
        let values: Values =
            serde_json::from_str(shipped::demo_values("nda-mutual").expect("demo values")).expect("json");
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

    #[test]
    fn the_library_is_searched_by_full_text_and_versions_are_compared() {
        let (mut s, _) = demo();
        let hits = s.search_templates("confidential informat").expect("search");
        assert!(hits.iter().any(|h| h.id == "nda.confidential-information"), "{hits:?}");
        assert!(hits.iter().all(|h| h.snippet.contains('[')), "matches are marked");
        // Any input is a valid query: FTS5 syntax is never passed through.
        for q in ["\"unbalanced", "AND OR NOT", "*", "a:b", "(", ""] {
            s.search_templates(q).expect(q);
        }
        assert!(s.search_templates("zzzzqqq").expect("none").is_empty());
        // A new version is found too, and compared word by word with the old one.
        let text = format!(
            "{}\nThe parties may agree this Purpose as amended in writing.\n",
            include_str!("../../../templates/clauses/nda/purpose.hbs").trim_end()
        );
        let file = check::SourceFile { name: "nda/purpose.hbs".into(), text };
        s.import_templates(&[file]).expect("import");
        let diff = s.template_diff("nda.purpose", 1, 2).expect("diff");
        assert!(diff.iter().any(|r| r.op == "insert" && r.text.contains("amended")), "{diff:?}");
        assert!(s.search_templates("amended").expect("search").iter().any(|h| h.id == "nda.purpose" && h.version == 2));
        assert!(s.template_diff("nda.purpose", 1, 9).is_err());
    }
}
