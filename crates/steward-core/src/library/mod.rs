//! The clause library in the store: template files checked and imported as versions (immutable,
//! named by the hash of their content), reviewed (approved, rejected, deprecated), listed,
//! searched and compared. The shipped library is imported when a build brings versions the store
//! has not seen.

pub mod git;
pub mod release;
pub mod sources;

use crate::Steward;
use crate::error::{Error, FieldError, Invalid, Result};
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use steward_clauses::check::{self, SourceFile};
use steward_clauses::{Library, Template, TemplateError, shipped};

pub use crate::store::ReviewRow;
pub use crate::store::TemplateRow;

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

/// One version of a template as the file a legal user edits.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateFile {
    /// Its place in a library folder: `clauses/<id>.hbs` or `kinds/<id>.toml`.
    pub name: String,
    pub text: String,
    /// The version the text is of.
    pub version: i64,
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
        self.import(&shipped::template_files(), "shipped", SHIPPED_BY, None)
    }

    /// Imports a legal team's template files as new draft versions, after checking them.
    pub fn import_templates(&mut self, files: &[SourceFile]) -> Result<ImportReport> {
        let by = self.actor().to_string();
        self.import(files, "file", &by, None)
    }

    /// A version as the template file a legal user edits (default: the newest version); its
    /// name is the file's place in a library folder (`clauses/<id>.hbs`).
    pub fn template_file(&self, id: &str, version: Option<i64>) -> Result<TemplateFile> {
        let summary = self.template_summary(id)?;
        let row = match version {
            Some(v) => summary.version(v)?,
            None => summary.versions.last().ok_or_else(|| Error::not_found("template", id))?,
        };
        let t = Template::from_canonical(&row.canonical)
            .map_err(|e| Error::Damaged(format!("{} v{}: {e}", row.template_id, row.version)))?;
        Ok(TemplateFile { name: t.file_name(None), text: t.file_text().map_err(Error::Damaged)?, version: row.version })
    }

    /// Checks an edited version of template `id` as the library would take it: every problem,
    /// with its line (an empty list: it can be proposed).
    pub fn check_template_text(&self, id: &str, text: &str) -> Result<Vec<TemplateError>> {
        let file = self.proposed_file(id, text)?;
        if let Ok(t) = steward_clauses::meta::parse_file(&file.name, &file.text) {
            if t.id() != id {
                // Everything else the checker would say follows from the new id.
                return Ok(vec![TemplateError {
                    file: file.name.clone(),
                    line: None,
                    message: format!("the id was changed to `{}`: a new version keeps the id `{id}`", t.id()),
                }]);
            }
        }
        let errors = self.check_templates(std::slice::from_ref(&file))?;
        Ok(errors)
    }

    /// Proposes an edited file of template `id` as its next draft version, with the proposer's
    /// note as the first entry of the version's review history. The text is checked first (its
    /// problems are returned as field errors, nothing is stored); a text identical to a stored
    /// version is refused. The new version waits for a reviewer.
    pub fn propose_template_version(&mut self, id: &str, text: &str, note: &str) -> Result<ImportedVersion> {
        let note = note.trim();
        if note.is_empty() {
            return Err(Error::invalid("note", "say what the new version changes and why"));
        }
        let errors = self.check_template_text(id, text)?;
        if !errors.is_empty() {
            return Err(template_errors(errors));
        }
        let file = self.proposed_file(id, text)?;
        let by = self.actor().to_string();
        let report = self.import(std::slice::from_ref(&file), "proposed", &by, Some(&format!("proposed: {note}")))?;
        report.added.into_iter().next().ok_or_else(|| {
            Error::invalid("text", "this text is the same as a stored version: change the clause before proposing it")
        })
    }

    /// The edited text of template `id` under the file name its template type gives.
    fn proposed_file(&self, id: &str, text: &str) -> Result<SourceFile> {
        let name = self.template_file(id, None)?.name;
        Ok(SourceFile { name, text: text.to_string() })
    }

    fn import(&mut self, files: &[SourceFile], origin: &str, by: &str, note: Option<&str>) -> Result<ImportReport> {
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
                let origin_label = match origin {
                    "shipped" | "proposed" => origin.to_string(),
                    _ => file.clone(),
                };
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
                    note,
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
        if to == Status::Deprecated {
            self.check_not_needed(&summary, &row)?;
        }
        let by = self.actor().to_string();
        let now = self.now();
        self.store().set_template_status(&row.hash, &row.status, to.as_str(), &by, note, now)?;
        self.store().template_version(&row.hash)?.ok_or_else(|| Error::not_found("version", &row.hash))
    }

    /// Refuses to deprecate the only approved version of a clause that an agreement kind needs
    /// (every new agreement of that kind would fail).
    fn check_not_needed(&self, summary: &TemplateSummary, row: &TemplateRow) -> Result<()> {
        if row.template_type != "clause" {
            return Ok(());
        }
        if summary.versions.iter().any(|r| r.status == "approved" && r.hash != row.hash) {
            return Ok(());
        }
        let mut kinds = Vec::new();
        for ((ty, _), k) in self.approved()? {
            if ty != "kind" {
                continue;
            }
            if let Ok(Template::Kind(kind)) = Template::from_canonical(&k.canonical) {
                if kind.sections.iter().chain(kind.schedules.iter()).any(|c| *c == row.template_id) {
                    kinds.push(kind.title.clone());
                }
            }
        }
        if kinds.is_empty() {
            return Ok(());
        }
        Err(Error::Conflict(format!(
            "version {} is the only approved version of \u{201c}{}\u{201d}, and {} {} it: new agreements of that kind could not be drafted. Approve a new version of the clause first, then deprecate this one",
            row.version,
            row.title,
            kinds.join(", "),
            if kinds.len() == 1 { "needs" } else { "need" }
        )))
    }

    /// Puts a deprecated version back into use, as a new review entry (the deprecation stays in
    /// its history). `note` says why; default: the newest deprecated version.
    pub fn reinstate_template(&mut self, id: &str, version: Option<i64>, note: &str) -> Result<TemplateRow> {
        if note.trim().is_empty() {
            return Err(Error::invalid("note", "say why the version is back in use"));
        }
        let summary = self.template_summary(id)?;
        let row = match version {
            Some(v) => summary.version(v)?,
            None => summary
                .versions
                .iter()
                .rev()
                .find(|r| r.status == "deprecated")
                .ok_or_else(|| Error::Conflict(format!("{id} has no deprecated version to reinstate")))?,
        }
        .clone();
        if row.status != "deprecated" {
            return Err(Error::Conflict(format!(
                "{id} version {} is {}; only a deprecated version can be reinstated",
                row.version, row.status
            )));
        }
        let by = self.actor().to_string();
        let now = self.now();
        self.store().set_template_status(&row.hash, "deprecated", "approved", &by, Some(note.trim()), now)?;
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

    /// Full-text search of the library (titles, bodies, reviewer guidance, fallback wordings; word
    /// prefixes, every word required), newest matching version of each template, best first.
    pub fn search_templates(&self, query: &str) -> Result<Vec<SearchHit>> {
        let Some(q) = fts_query(query) else { return Ok(Vec::new()) };
        let mut out: Vec<(SearchHit, String)> = Vec::new();
        for (hit, canonical) in self.store().search_templates(&q)? {
            match out.iter_mut().find(|(h, _)| h.id == hit.id && h.template_type == hit.template_type) {
                Some(h) if h.0.version < hit.version => *h = (hit, canonical),
                Some(_) => {}
                None => out.push((hit, canonical)),
            }
        }
        // Snippets read as the clause does, not as its template code.
        let titles: BTreeMap<String, String> = self.templates()?.into_iter().map(|t| (t.id, t.title)).collect();
        Ok(out
            .into_iter()
            .map(|(mut hit, canonical)| {
                let labels: BTreeMap<String, String> = match Template::from_canonical(&canonical) {
                    Ok(Template::Clause(c)) => c.meta.variables.into_iter().map(|v| (v.name, v.label)).collect(),
                    _ => BTreeMap::new(),
                };
                hit.snippet = readable_snippet(&hit.snippet, &labels, &titles);
                hit
            })
            .collect())
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

/// A search snippet of a clause's template text as a reader would see it: a value as its
/// variable's label in angle quotes (‹Notice period›), a cross-reference as the clause's title,
/// conditions and list markers dropped, half expressions at the snippet's ends cut off. The
/// match markers `[` `]` are kept.
pub(crate) fn readable_snippet(
    snippet: &str,
    labels: &BTreeMap<String, String>,
    titles: &BTreeMap<String, String>,
) -> String {
    let mut text = snippet;
    // A snippet can start inside an expression (`…ration notice}} days`) or end inside one.
    if let (Some(close), open) = (text.find("}}"), text.find("{{")) {
        if open.is_none_or(|o| close < o) {
            text = &text[close + 2..];
        }
    }
    if let Some(open) = text.rfind("{{") {
        if !text[open..].contains("}}") {
            text = &text[..open];
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            rest = "";
            break;
        };
        let expr: String = after[..end].chars().filter(|c| !matches!(c, '[' | ']' | '~')).collect();
        out.push_str(&readable_expression(expr.trim(), labels, titles));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    // Numbered paragraphs are written `1.` in the template; the reader sees them numbered.
    let out = out.replace("\n1. ", " ").replace("\n", " ");
    let out = out.strip_prefix("1. ").unwrap_or(&out).replace(" 1. ", " ");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn readable_expression(expr: &str, labels: &BTreeMap<String, String>, titles: &BTreeMap<String, String>) -> String {
    if expr.starts_with(['#', '/', '!']) || expr == "else" || expr.starts_with("else ") {
        return String::new();
    }
    let mut words = expr.split_whitespace();
    let first = words.next().unwrap_or_default();
    let label = |name: &str| {
        let name = name.trim_matches(|c: char| c == '(' || c == ')');
        labels.get(name).cloned().unwrap_or_else(|| name.replace('_', " "))
    };
    match first {
        "ref" => {
            let target = words.next().unwrap_or_default().trim_matches('"');
            let clause = target.split('#').next().unwrap_or_default();
            titles.get(clause).map_or_else(|| "another clause".to_string(), |t| format!("“{t}”"))
        }
        "this" => "‹each item›".to_string(),
        _ => match words.next() {
            // A helper over a variable (`duration notice_period`): the variable's label.
            Some(arg) => format!("‹{}›", label(arg)),
            None => format!("‹{}›", label(first)),
        },
    }
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

#[cfg(test)]
mod snippet_tests {
    use super::readable_snippet;
    use std::collections::BTreeMap;

    #[test]
    fn snippets_read_as_the_clause_does() {
        let labels = BTreeMap::from([("notice_period".to_string(), "Notice period".to_string())]);
        let titles = BTreeMap::from([("pub.notice".to_string(), "Notice of publication".to_string())]);
        let cases = [
            ("1. within {{duration notice_period}} of [notice]", "within ‹Notice period› of [notice]"),
            (
                "ration notice_period}} before the [period] in clause {{ref \"pub.notice\"}} ends",
                "before the [period] in clause “Notice of publication” ends",
            ),
            ("{{#if x}}the [entries]: {{list control_list_entries}}{{/if}}", "the [entries]: ‹control list entries›"),
            ("the [Company] {{else}}or {{duration no", "the [Company] or"),
            (
                "under clause {{ref \"gone.clause#a\"}} and {{governing_law}}",
                "under clause another clause and ‹governing law›",
            ),
            ("plain [words] only", "plain [words] only"),
        ];
        for (snippet, want) in cases {
            assert_eq!(readable_snippet(snippet, &labels, &titles), want, "{snippet}");
        }
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
            include_str!("../../../../templates/clauses/nda/purpose.hbs").trim_end()
        );
        let file = check::SourceFile { name: "nda/purpose.hbs".into(), text };
        s.import_templates(&[file]).expect("import");
        let diff = s.template_diff("nda.purpose", 1, 2).expect("diff");
        assert!(diff.iter().any(|r| r.op == "insert" && r.text.contains("amended")), "{diff:?}");
        assert!(s.search_templates("amended").expect("search").iter().any(|h| h.id == "nda.purpose" && h.version == 2));
        assert!(s.template_diff("nda.purpose", 1, 9).is_err());
    }
}
