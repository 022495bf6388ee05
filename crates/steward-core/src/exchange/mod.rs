//! Partner exchange: a partner's PDF is verified, its embedded draft read and matched to our
//! agreement (by the agreement's uid, which travels in every export), compared with our latest
//! revision change by change, and each change accepted or rejected into a new revision that the
//! decision log records. Clause versions our library lacks are kept as received, non-standard
//! text under their hashes.

use crate::decisions::NewDecision;
use crate::error::{Error, FieldError, Invalid, Result};
use crate::{Id, NewCollaboration, NewParty, Role, Steward};
use serde::Serialize;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use steward_clauses::diff::{self, Redline};
use steward_clauses::{DraftSpec, Template};

mod word;

pub use steward_clauses::changes::{Change, ChangeOf};
pub use steward_clauses::draft_file::{DRAFT_FORMAT, READABLE_VERSIONS, ReceivedDraft, parse as parse_draft};
pub use word::{ExportedDocx, PartnerComment};

/// A received draft as stored, with its changes against our latest revision.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceivedSummary {
    pub id: Id,
    pub agreement_id: Id,
    pub collaboration_id: Id,
    pub agreement_title: String,
    pub file_name: String,
    pub file_sha256: String,
    /// False: imported explicitly as an unsigned draft (a Word file is always unsigned).
    pub signed: bool,
    /// The kind of file it came in.
    pub format: FileFormat,
    pub signers: Vec<String>,
    pub their_revision: i64,
    /// Our latest revision when it arrived (none when the file created the agreement).
    pub base_revision: Option<i64>,
    pub received_at: String,
    pub decided: bool,
    pub result_revision: Option<i64>,
    /// How many of its changes were rejected.
    pub rejected: i64,
    /// Where it stands, and the same in words (both hosts show `state_label`).
    pub state: ReceivedState,
    pub state_label: String,
}

/// The kind of file a partner's draft came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    Pdf,
    /// A Word file: never signed.
    Docx,
}

impl FileFormat {
    /// As stored (and as JSON has it).
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Pdf => "pdf",
            FileFormat::Docx => "docx",
        }
    }
}

/// Where a received draft stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReceivedState {
    /// Its changes wait for a decision.
    ToDecide,
    /// It created the agreement here: its draft is our revision `revision`.
    CreatedAgreement { revision: i64 },
    /// Decided: the accepted changes made our revision `revision`.
    Decided { revision: i64 },
    /// Decided: every change was rejected.
    AllRejected,
    /// Decided: it had no changes against our revision (nothing to accept or reject).
    NoChanges,
}

impl ReceivedState {
    /// `rejected`: how many of its changes were rejected (none rejected and no new revision: it
    /// had no changes).
    pub fn of(decided: bool, base_revision: Option<i64>, result_revision: Option<i64>, rejected: usize) -> Self {
        match (decided, base_revision, result_revision) {
            (false, _, _) => ReceivedState::ToDecide,
            (true, None, Some(n)) => ReceivedState::CreatedAgreement { revision: n },
            (true, _, Some(n)) => ReceivedState::Decided { revision: n },
            (true, _, None) if rejected == 0 => ReceivedState::NoChanges,
            (true, _, None) => ReceivedState::AllRejected,
        }
    }

    pub fn label(self) -> String {
        match self {
            ReceivedState::ToDecide => "to decide".into(),
            ReceivedState::CreatedAgreement { revision } => format!("created the agreement: revision {revision}"),
            ReceivedState::Decided { revision } => format!("decided: revision {revision}"),
            ReceivedState::AllRejected => "decided: all rejected".into(),
            ReceivedState::NoChanges => "decided: no changes against our revision".into(),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportedDraft {
    #[serde(flatten)]
    pub received: ReceivedSummary,
    /// The file created the agreement here (and the collaboration, when none was chosen).
    pub created_agreement: bool,
    pub created_collaboration: bool,
    /// Clause versions our library did not have, now kept as received text (non-standard).
    pub new_versions: Vec<String>,
    pub changes: Vec<Change>,
    /// Partners' keys pinned by this import (their first), or accepted as new.
    pub pinned: Vec<String>,
    /// Signatures in the file made by our own identities (a partner's answer normally carries
    /// theirs): the signer lines.
    pub our_signatures: Vec<String>,
    /// Every signature in the file is one of ours: it is not a partner's signed answer.
    pub only_ours: bool,
    /// A Word file's comments, by clause.
    pub comments: Vec<PartnerComment>,
    /// What the import did not take from a Word file (edits outside the clauses), in words.
    pub notes: Vec<String>,
}

/// How a partner's file is imported.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportOptions {
    /// For an agreement new to this store: the collaboration to put it in (default: a new one).
    pub collab: Option<Id>,
    /// Accept a file without signatures, kept as an unsigned draft.
    pub allow_unsigned: bool,
    /// The identity that signs the decision to accept a party's new signing key.
    pub accept_new_key: Option<Id>,
}

/// The comparison of a received draft with our latest revision.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExchangeRedline {
    pub received: ReceivedSummary,
    /// Our revision it is compared with.
    pub ours: i64,
    pub changes: Vec<Change>,
    /// Clause by clause and word by word, ours → theirs.
    pub redline: Redline,
    /// Clause ids whose partner text is not approved in our library.
    pub non_standard: Vec<String>,
    /// A Word file's comments, by clause (none for a PDF).
    pub comments: Vec<PartnerComment>,
    /// What the import did not take from a Word file, in words.
    pub notes: Vec<String>,
}

/// The outcome of deciding a received draft's changes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExchangeDecision {
    pub received_id: Id,
    pub accepted: Vec<String>,
    pub rejected: Vec<String>,
    /// The new revision, when anything was accepted.
    pub revision: Option<i64>,
    /// The decision log entry that records it.
    pub decision_seq: u64,
}

fn refuse(message: impl Into<String>) -> Error {
    Error::invalid("file", message.into())
}

impl Steward {
    /// Imports a partner's PDF: verifies every signature first, reads the embedded draft and
    /// checks that a signature covers it, then matches it to our agreement by uid (or creates the
    /// agreement: in `collab`, else in a new collaboration named after it, with the parties it
    /// names). A file that fails any check is refused with the reason and the store is untouched.
    /// A file without signatures is refused unless `allow_unsigned`, and is then kept as unsigned.
    pub fn import_partner_pdf(
        &mut self,
        pdf: &[u8],
        file_name: &str,
        collab: Option<Id>,
        allow_unsigned: bool,
    ) -> Result<ImportedDraft> {
        self.import_partner_pdf_with(pdf, file_name, &ImportOptions { collab, allow_unsigned, accept_new_key: None })
    }

    /// [`Steward::import_partner_pdf`] with every option: `accept_new_key` names the identity
    /// that signs the decision to accept a party's new signing key (otherwise a key other than
    /// the one pinned for the party stops the import with [`Error::NewKey`]).
    pub fn import_partner_pdf_with(
        &mut self,
        pdf: &[u8],
        file_name: &str,
        opts: &ImportOptions,
    ) -> Result<ImportedDraft> {
        let (collab, allow_unsigned) = (opts.collab, opts.allow_unsigned);
        if let Some(id) = opts.accept_new_key {
            self.identity(id)?;
        }
        let mut report = steward_sign::verify(pdf).map_err(|e| match e {
            steward_sign::SignError::Damaged(m) => {
                Error::Damaged(format!("the file was refused: the PDF is damaged {m}"))
            }
            other => refuse(other.to_string()),
        })?;
        self.annotate_known(&mut report)?;
        let signed = !report.signatures.is_empty();
        if let Some(bad) = report.signatures.iter().find(|s| s.integrity != steward_sign::Integrity::Valid) {
            let why = match bad.integrity {
                steward_sign::Integrity::DigestMismatch => "the signed bytes were changed (tampered)".to_string(),
                steward_sign::Integrity::InvalidSignature => "the signature does not match its certificate".to_string(),
                _ => bad.problem.clone().unwrap_or_else(|| "the signature cannot be read".into()),
            };
            return Err(refuse(format!("signature {} ({}) is not valid: {why}", bad.field, bad.signer)));
        }
        if let Some(bad) = report.signatures.iter().find(|s| !s.modified_after_signing.is_empty()) {
            return Err(refuse(format!(
                "the file was modified after {} signed it: {}",
                bad.signer,
                bad.modified_after_signing.join("; ")
            )));
        }
        if signed && !report.ok {
            return Err(refuse("the file's signatures do not verify"));
        }
        let Some(draft_bytes) = report.draft.as_deref() else {
            return Err(refuse(
                "the file carries no Steward draft (steward-draft.json): it was not exported by Steward",
            ));
        };
        if !signed && !allow_unsigned {
            return Err(refuse(
                "the file carries no signature: import it explicitly as an unsigned draft (--unsigned) if you expect that",
            ));
        }
        if signed && !report.signatures.iter().any(|s| s.draft_matches == Some(true)) {
            return Err(refuse("the embedded draft is not covered by any signature"));
        }
        if report.signatures.iter().any(|s| s.draft_matches == Some(false)) {
            return Err(refuse("the embedded draft was replaced after signing"));
        }
        let draft = parse_draft(draft_bytes).map_err(refuse)?;
        let sha = hex::encode(Sha256::digest(pdf));
        let signers: Vec<String> = report.signatures.iter().map(crate::trust::signer_line).collect();
        let mut our_signatures = Vec::new();
        for sig in &report.signatures {
            if self.identity_by_fingerprint(&sig.fingerprint)?.is_some() {
                our_signatures.push(crate::trust::signer_line(sig));
            }
        }
        let only_ours = signed && our_signatures.len() == report.signatures.len();
        // Versions our store lacks, and those it has.
        let mut unknown = Vec::new();
        for (hash, t) in &draft.templates {
            if self.store().template_version(hash)?.is_none() {
                unknown.push((hash.clone(), t.clone()));
            }
        }
        for hash in std::iter::once(&draft.spec.kind_version).chain(draft.spec.clauses.values()) {
            if !draft.templates.contains_key(hash) && self.store().template_version(hash)?.is_none() {
                return Err(refuse(format!(
                    "the draft (format version {}) pins template version {hash}, which this library does not have and the file does not carry",
                    draft.version
                )));
            }
        }
        let existing = self.store().agreement_by_uid(&draft.uid)?.map(|a| (a.id, a.collaboration_id));
        if let Some((a, _)) = existing {
            let ours = self.store().agreement_row_by_id(a)?;
            if ours.kind != draft.kind {
                return Err(refuse(format!(
                    "the draft is a {} but our agreement with that id is a {}",
                    draft.kind, ours.kind
                )));
            }
        }
        if let (Some((_, c)), Some(want)) = (existing, collab) {
            if c != want {
                return Err(Error::Conflict(format!(
                    "this agreement is already in collaboration {c}; it was not moved to {want}"
                )));
            }
        }
        if let Some((a, _)) = existing {
            if let Some(d) = self.store().received_by_file(a, &sha)? {
                return Err(Error::Conflict(format!("this file was imported before (received draft {d})")));
            }
        }
        let by = self.actor().to_string();
        let now = self.now();
        let origin = format!("received in {file_name} (SHA-256 {})", &sha[..16]);
        let (received_id, created_agreement, created_collaboration, new_versions, pinned) = self.atomically(|s| {
            let mut new_versions = Vec::new();
            for (_, t) in &unknown {
                new_versions.push(s.keep_received_version(t, &origin)?);
            }
            let (agreement, created_agreement, created_collaboration) = match existing {
                Some((a, _)) => (a, false, false),
                None => {
                    let (c, created_c) = match collab {
                        Some(c) => {
                            s.collaboration(c)?;
                            (c, false)
                        }
                        None => {
                            let c = s.create_collaboration(&NewCollaboration {
                                title: draft.title.clone(),
                                summary: Some(format!("Created from a partner's draft ({file_name}).")),
                                ..Default::default()
                            })?;
                            (c, true)
                        }
                    };
                    s.add_draft_parties(c, &draft.spec)?;
                    let a = s.store().insert_agreement(&draft.uid, c, &draft.kind, &draft.title, now)?;
                    (a, true, created_c)
                }
            };
            let mut spec = draft.spec.clone();
            s.translate_parties(&mut spec)?;
            let collab_of = s.store().agreement_row_by_id(agreement)?.collaboration_id;
            let pinned =
                s.pin_signers(&report, draft_bytes, &spec.parties, collab_of, file_name, &sha, opts.accept_new_key)?;
            let canonical_spec = spec.canonical();
            let base: Option<i64> =
                if created_agreement { None } else { s.store().revisions(agreement)?.last().map(|r| r.number) };
            let id = s.store().insert_received(
                &crate::store::exchange::NewReceived {
                    agreement,
                    file_name,
                    file_sha256: &sha,
                    file: pdf,
                    signed,
                    signers: &signers,
                    their_revision: draft.revision,
                    spec: &canonical_spec,
                    base_revision: base,
                    received_by: &by,
                    format: FileFormat::Pdf,
                    comments: "[]",
                    notes: "[]",
                },
                now,
            )?;
            if created_agreement {
                // The partner's draft is where our copy starts: it renders as received.
                let note = format!("received from a partner in {file_name} (their revision {})", draft.revision);
                let n = s.save_revision(agreement, &spec, Some(&note))?;
                s.store().set_received_decision(id, now, &by, r#"{"accepted":["all"],"rejected":[]}"#, Some(n))?;
            }
            // The draft must render with the versions it pins, or it is not a draft we can show.
            s.render_spec(&spec)?;
            Ok((id, created_agreement, created_collaboration, new_versions, pinned))
        })?;
        let changes = if created_agreement { Vec::new() } else { self.received_changes(received_id)?.1 };
        Ok(ImportedDraft {
            received: self.received(received_id)?,
            created_agreement,
            created_collaboration,
            new_versions,
            changes,
            pinned,
            our_signatures,
            only_ours,
            comments: Vec::new(),
            notes: Vec::new(),
        })
    }

    /// Imports a partner's file of either kind, told apart by its content: a Word file (a zip)
    /// goes to [`Steward::import_partner_docx`] (the options are for PDFs: a Word file is always
    /// an unsigned draft of one of our agreements), anything else to
    /// [`Steward::import_partner_pdf_with`].
    pub fn import_partner_file(
        &mut self,
        bytes: &[u8],
        file_name: &str,
        opts: &ImportOptions,
    ) -> Result<ImportedDraft> {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            self.import_partner_docx(bytes, file_name)
        } else {
            self.import_partner_pdf_with(bytes, file_name, opts)
        }
    }

    /// Keeps a template version that arrived in a partner's file as a draft version of our
    /// library (non-standard text), `origin` saying where it came from; its `id vN`.
    fn keep_received_version(&self, t: &Template, origin: &str) -> Result<String> {
        let (ty, title) = match t {
            Template::Clause(c) => ("clause", c.meta.title.clone()),
            Template::Kind(k) => ("kind", k.title.clone()),
        };
        let version = self.store().next_template_version(ty, t.id())?;
        self.store().insert_template_version(
            &t.hash(),
            ty,
            t.id(),
            version,
            &title,
            &t.canonical(),
            origin,
            "draft",
            self.actor(),
            None,
            self.now(),
        )?;
        Ok(format!("{} v{version}", t.id()))
    }

    /// Adds the parties a draft names to a collaboration (matched by legal name and country, or
    /// created), with their roles.
    fn add_draft_parties(&mut self, collab: Id, spec: &DraftSpec) -> Result<()> {
        let members: BTreeSet<Id> = self.collaboration(collab)?.members.iter().map(|m| m.party.id).collect();
        // The parties the agreement itself names (its snapshot holds every member of the
        // partner's collaboration, not all of whom are party to this agreement).
        let named: BTreeSet<String> = self.render_spec(spec)?.parties.into_iter().map(|p| p.legal_name).collect();
        for p in spec.parties.iter().filter(|p| named.contains(&p.legal_name)) {
            let known =
                self.parties(true)?.into_iter().find(|q| q.legal_name == p.legal_name && q.country == p.country);
            let id = match known {
                Some(q) => q.id,
                None => self.add_party(&NewParty {
                    legal_name: p.legal_name.clone(),
                    short_name: p.short_name.clone(),
                    kind: Some(p.kind.clone()),
                    registration_number: p.registration_number.clone(),
                    address: p.address.clone(),
                    country: p.country.clone(),
                })?,
            };
            if !members.contains(&id) {
                let role = Role::parse("role", &p.role).unwrap_or(Role::Partner);
                self.add_member(collab, id, role)?;
            }
        }
        Ok(())
    }

    /// Rewrites the party references of a partner's spec (their store's party ids, in the parties
    /// snapshot and in party-typed values) to this store's ids, matching parties by legal name and
    /// country, so that an unchanged party compares equal and renders the same.
    fn translate_parties(&self, spec: &mut DraftSpec) -> Result<()> {
        let ours = self.parties(true)?;
        let named: BTreeSet<String> = self.render_spec(spec)?.parties.into_iter().map(|p| p.legal_name).collect();
        let mut map: BTreeMap<i64, i64> = BTreeMap::new();
        let mut kept = Vec::new();
        for mut p in std::mem::take(&mut spec.parties) {
            match ours.iter().find(|q| q.legal_name == p.legal_name && q.country == p.country) {
                Some(local) => {
                    map.insert(p.id, local.id);
                    p.id = local.id;
                    kept.push(p);
                }
                // A member of the partner's collaboration that this agreement does not name.
                None if !named.contains(&p.legal_name) => {}
                None => {
                    return Err(refuse(format!(
                        "the draft names {} ({}), which is not a party here",
                        p.legal_name, p.country
                    )));
                }
            }
        }
        spec.parties = kept;
        let lib = self.library_with(
            std::iter::once(spec.kind_version.as_str()).chain(spec.clauses.values().map(String::as_str)),
        )?;
        let kind = lib.kind(&spec.kind_version).ok_or_else(|| refuse("the draft's kind version is not a kind"))?;
        let decls = steward_clauses::assemble::declarations(&lib, kind, &spec.clauses)
            .map_err(|e| refuse(format!("the partner's draft does not fit its templates: {e}")))?;
        let mut unknown: Option<String> = None;
        let mut swap = |name: &str, v: &mut Json| {
            if let Some(n) = v.as_i64() {
                match map.get(&n) {
                    Some(local) => *v = Json::from(*local),
                    None => unknown = Some(format!("`{name}` names party {n}, which the draft does not describe")),
                }
            }
        };
        use steward_clauses::values::VarType;
        for d in decls.iter().map(|d| &d.decl) {
            let Some(v) = spec.values.get_mut(&d.name) else { continue };
            match (d.ty, d.item) {
                (VarType::Party, _) => swap(&d.name, v),
                (VarType::List, Some(VarType::Party)) => {
                    if let Some(items) = v.as_array_mut() {
                        for item in items {
                            swap(&d.name, item);
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(problem) = unknown {
            return Err(refuse(problem));
        }
        Ok(())
    }

    fn render_spec(&self, spec: &DraftSpec) -> Result<steward_clauses::Document> {
        let lib = self.library_with(
            std::iter::once(spec.kind_version.as_str()).chain(spec.clauses.values().map(String::as_str)),
        )?;
        steward_clauses::assemble::render(&lib, spec)
            .map_err(|e| refuse(format!("the partner's draft cannot be rendered: {e}")))
    }

    /// One received draft.
    pub fn received(&self, id: Id) -> Result<ReceivedSummary> {
        self.store().received(id)?.ok_or_else(|| Error::not_found("received draft", id))
    }

    /// Received drafts, newest first (of one agreement, or all).
    pub fn received_drafts(&self, agreement: Option<Id>) -> Result<Vec<ReceivedSummary>> {
        self.store().received_drafts(agreement)
    }

    /// The received file as it arrived (for countersigning).
    pub fn received_file(&self, id: Id) -> Result<Vec<u8>> {
        self.store().received_file(id)?.ok_or_else(|| Error::not_found("received draft", id))
    }

    fn received_spec(&self, id: Id) -> Result<DraftSpec> {
        let text = self.store().received_spec(id)?.ok_or_else(|| Error::not_found("received draft", id))?;
        serde_json::from_str(&text).map_err(|e| Error::Conflict(format!("stored received draft is damaged: {e}")))
    }

    /// Our latest spec and the changes from it to the received draft.
    fn received_changes(&self, id: Id) -> Result<((i64, DraftSpec), Vec<Change>, DraftSpec)> {
        let r = self.received(id)?;
        let theirs = self.received_spec(id)?;
        let (row, ours) = self.spec_of(r.agreement_id, None)?;
        // Standard text: any version our library holds as approved (not only the newest).
        let approved: BTreeSet<String> = self
            .store()
            .template_versions()?
            .into_iter()
            .filter(|row| row.status == "approved")
            .map(|row| row.hash)
            .collect();
        let title_of = |hash: &str| -> String {
            self.store()
                .template_version(hash)
                .ok()
                .flatten()
                .map(|r| r.title)
                .unwrap_or_else(|| hash.get(..12).unwrap_or(hash).to_string())
        };
        let changes = steward_clauses::changes::between(&ours, &theirs, &title_of, &|h| approved.contains(h));
        Ok(((row.number, ours), changes, theirs))
    }

    /// The received draft against our latest revision: each change, and the redline.
    pub fn exchange_redline(&self, id: Id) -> Result<ExchangeRedline> {
        let received = self.received(id)?;
        let ((number, ours), changes, theirs) = self.received_changes(id)?;
        let old = self.render_spec(&ours)?;
        let new = self.render_spec(&theirs)?;
        let non_standard = changes.iter().filter(|c| c.non_standard).map(|c| c.target.clone()).collect();
        let (comments, notes) = self.store().received_word(id)?;
        Ok(ExchangeRedline {
            received,
            ours: number,
            changes,
            redline: diff::redline(&old, &new),
            non_standard,
            comments,
            notes,
        })
    }

    /// Accepts the changes named in `accept` and rejects the rest (every change must be named
    /// in one list or the other, so nothing is decided by omission; `all` names every change).
    /// Accepted changes make a new revision; the decision, with the file's SHA-256, is signed into
    /// the decision log by `identity`.
    pub fn decide_exchange(
        &mut self,
        id: Id,
        accept: &[String],
        reject: &[String],
        identity: Id,
    ) -> Result<ExchangeDecision> {
        let received = self.received(id)?;
        if received.decided {
            return Err(Error::Conflict(format!("the changes of received draft {id} were already decided")));
        }
        // Compared with our latest revision as it is now: if ours moved on since the file came,
        // the changes are those against the new one (and a list decided on the old ones fails).
        let ((_, ours), changes, theirs) = self.received_changes(id)?;
        // `all` stands for every change of the draft.
        let every = |names: &[String]| -> Vec<String> {
            if names.iter().any(|n| n == "all") {
                changes.iter().map(|c| c.id.clone()).collect()
            } else {
                names.to_vec()
            }
        };
        let (accept, reject) = (every(accept), every(reject));
        let (accept, reject) = (accept.as_slice(), reject.as_slice());
        let known: BTreeSet<&str> = changes.iter().map(|c| c.id.as_str()).collect();
        let mut problems = Vec::new();
        for name in accept.iter().chain(reject) {
            if !known.contains(name.as_str()) {
                problems.push(FieldError::new(
                    name.clone(),
                    format!(
                        "is not a change of this draft (changes: {})",
                        known.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        for c in &changes {
            let a = accept.contains(&c.id);
            let r = reject.contains(&c.id);
            if a && r {
                problems.push(FieldError::new(c.id.clone(), "is both accepted and rejected"));
            } else if !a && !r {
                problems.push(FieldError::new(c.id.clone(), "is neither accepted nor rejected"));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(Invalid(problems)));
        }
        let accepted: Vec<&Change> = changes.iter().filter(|c| accept.contains(&c.id)).collect();
        let merged = steward_clauses::changes::apply(&ours, &theirs, &accepted);
        let merged = if accepted.is_empty() {
            merged
        } else {
            // The merged draft is checked like a local edit: every value valid for its type,
            // fallbacks that exist, and it renders.
            let parties = self.party_infos(received.collaboration_id)?;
            let flags = self.flags(&parties);
            let input = steward_clauses::DraftInput {
                kind_version: merged.kind_version.clone(),
                title: Some(merged.title.clone()),
                pins: merged.clauses.clone(),
                previous: merged.values.clone(),
                set: BTreeMap::new(),
                fallbacks: merged.fallbacks.clone(),
                parties,
                flags,
                omitted: merged.omitted.clone(),
                placed: merged.placed.clone(),
            };
            self.prepare_draft(&input)
                .map_err(|e| {
                    Error::invalid("accept", format!("these changes together do not make a valid draft: {e}"))
                })?
                .0
        };
        let accepted_ids: Vec<String> = accepted.iter().map(|c| c.id.clone()).collect();
        let rejected_ids: Vec<String> =
            changes.iter().filter(|c| reject.contains(&c.id)).map(|c| c.id.clone()).collect();
        // People read the changes by their labels (a clause's title, a variable's label), not their ids.
        let label_of =
            |id: &String| changes.iter().find(|c| &c.id == id).map_or_else(|| id.clone(), |c| c.label.clone());
        let describe = |ids: &[String]| {
            if ids.is_empty() { "none".to_string() } else { ids.iter().map(label_of).collect::<Vec<_>>().join(", ") }
        };
        let signed_by = if received.signed {
            received.signers.join("; ")
        } else if received.format == FileFormat::Docx {
            "nobody (a Word file: an unsigned draft)".into()
        } else {
            "nobody (an unsigned draft)".into()
        };
        let decision = NewDecision {
            title: format!(
                "Partner changes to {}: {} accepted, {} rejected",
                received.agreement_title,
                accepted_ids.len(),
                rejected_ids.len()
            ),
            decision: Some(format!("Accepted: {}. Rejected: {}.", describe(&accepted_ids), describe(&rejected_ids))),
            rationale: Some(format!(
                "From the partner's file {} (SHA-256 {}), their revision {}, signed by {}.",
                received.file_name, received.file_sha256, received.their_revision, signed_by
            )),
            participants: Vec::new(),
            date: None,
            links: vec![format!("agreement:{}", received.agreement_id)],
            supersedes: None,
        };
        let by = self.actor().to_string();
        let now = self.now();
        let note = format!("partner changes from {} accepted: {}", received.file_name, describe(&accepted_ids));
        let (revision, seq) = self.atomically(|s| {
            let revision = if accepted.is_empty() {
                None
            } else {
                Some(s.save_revision(received.agreement_id, &merged, Some(&note))?)
            };
            let entry = s.add_decision(received.collaboration_id, &decision, identity)?;
            let decided = serde_json::json!({ "accepted": accepted_ids, "rejected": rejected_ids }).to_string();
            s.store().set_received_decision(id, now, &by, &decided, revision)?;
            Ok((revision, entry.entry.seq))
        })?;
        Ok(ExchangeDecision {
            received_id: id,
            accepted: accepted_ids,
            rejected: rejected_ids,
            revision,
            decision_seq: seq,
        })
    }

    /// Countersigns the partner's file exactly as received (an incremental signature: theirs stay).
    /// Only once its changes are decided and all were accepted: otherwise the file holds text we
    /// did not agree to, and what we send back is our revised draft, signed (`export_agreement`).
    pub fn countersign_received(&self, id: Id, identity: Id) -> Result<Vec<u8>> {
        let r = self.received(id)?;
        let rejected = r.rejected;
        if r.format == FileFormat::Docx {
            return Err(Error::Conflict(format!(
                "{} is a Word file, which carries no signature and is not countersigned: send our revised draft as a signed PDF (agreement export {} --sign ID)",
                r.file_name, r.agreement_id
            )));
        }
        if !r.decided {
            return Err(Error::Conflict(format!(
                "decide the partner's changes in {} ({}) first: countersigning agrees to all of them",
                r.file_name, r.agreement_title
            )));
        }
        if rejected > 0 {
            return Err(Error::Conflict(format!(
                "{rejected} of the partner's changes were rejected, so their file is not what we agree to: send our revised draft, signed, instead (agreement export {} --sign ID)",
                r.agreement_id
            )));
        }
        let file = self.received_file(id)?;
        self.sign_pdf(&file, identity, Some("Countersigned as received"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FixedClock, SequentialIds};
    use std::sync::Arc;
    use steward_clauses::canonical;

    #[test]
    fn a_decided_draft_without_changes_is_not_called_all_rejected() {
        assert_eq!(ReceivedState::of(true, Some(1), None, 0), ReceivedState::NoChanges);
        assert_eq!(ReceivedState::of(true, Some(1), None, 0).label(), "decided: no changes against our revision");
        assert_eq!(ReceivedState::of(true, Some(1), None, 2), ReceivedState::AllRejected);
        assert_eq!(ReceivedState::of(true, Some(1), Some(2), 1), ReceivedState::Decided { revision: 2 });
        assert_eq!(ReceivedState::of(false, Some(1), None, 0), ReceivedState::ToDecide);
    }

    fn demo() -> (Steward, crate::demo::Demo) {
        let clock = Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH));
        let mut s = Steward::open_in_memory(clock).expect("store").with_ids(Arc::new(SequentialIds::default()));
        let d = s.install_demo().expect("demo");
        (s, d)
    }

    fn draft_of(s: &Steward, agreement: Id) -> Json {
        let text = s.draft_document(agreement, None, &[]).expect("draft");
        serde_json::from_str(&text).expect("json")
    }

    #[test]
    fn a_real_draft_is_read_back() {
        let (s, d) = demo();
        let v = draft_of(&s, d.agreement_ids[0]);
        let r = parse_draft(canonical::encode(&v).as_bytes()).expect("readable");
        assert_eq!(r.version, 2);
        assert_eq!(r.revision, 1);
        assert_eq!(r.templates.len(), r.spec.clauses.len() + 1);
        assert!(r.templates.contains_key(&r.spec.kind_version));
    }

    #[test]
    fn bad_drafts_are_refused_with_the_reason() {
        let (s, d) = demo();
        let good = draft_of(&s, d.agreement_ids[0]);
        let edit = |f: &dyn Fn(&mut Json)| {
            let mut v = good.clone();
            f(&mut v);
            parse_draft(canonical::encode(&v).as_bytes()).expect_err("refused")
        };
        assert!(parse_draft(b"").expect_err("empty").contains("not JSON"));
        assert!(parse_draft(b"[1,2]").expect_err("array").contains("not a Steward draft"));
        assert!(edit(&|v| v["format"] = Json::from("other")).contains("not a Steward draft"));
        assert!(edit(&|v| v["version"] = Json::from(3)).contains("format version 3"));
        assert!(edit(&|v| v["version"] = Json::from("2")).contains("whole number"));
        assert!(
            edit(&|v| v["spec"]["values"]["disclosure_period"] = Json::from("99 years"))
                .contains("not the hash of its spec")
        );
        assert!(
            edit(&|v| {
                let map = v["templates"].as_object_mut().expect("templates");
                let key = map.keys().next().expect("a template").clone();
                map.remove(&key);
            })
            .contains("does not carry it")
        );
        assert!(
            edit(&|v| {
                let map = v["templates"].as_object_mut().expect("templates");
                let t = map.values_mut().find(|t| t["type"] == "clause").expect("a clause");
                t["body"] = Json::from("1. Something else entirely.");
            })
            .contains("its content was changed")
        );
        assert!(edit(&|v| v["revision"] = Json::from(0)).contains("positive"));
        assert!(edit(&|v| v["agreement"] = Json::from("x")).contains("agreement.uid"));
        assert!(edit(&|v| v["spec"] = Json::from(1)).contains("not a draft"));
        assert!(
            parse_draft(format!(" {}", canonical::encode(&good)).as_bytes()).expect_err("spaces").contains("canonical")
        );
        assert!(edit(&|v| v["agreement"]["uid"] = Json::from("x")).contains("not a UUID"));
        assert!(edit(&|v| v["agreement"]["kind"] = Json::from("publication")).contains("spec is a nda-mutual"));
        // A clause version pinned under another clause's id is refused, whatever its hash.
        assert!(
            edit(&|v| {
                let clauses = v["spec"]["clauses"].as_object_mut().expect("pins");
                let purpose = clauses["nda.purpose"].clone();
                clauses.insert("nda.remedies".into(), purpose);
                let spec: DraftSpec = serde_json::from_value(v["spec"].clone()).expect("spec");
                v["spec_hash"] = Json::from(canonical::sha256_hex(spec.canonical().as_bytes()));
            })
            .contains("not a version of that clause")
        );
    }

    #[test]
    fn a_foreign_or_damaged_file_leaves_the_store_unchanged() {
        let (mut s, _) = demo();
        let agreements = s.agreements(None).expect("list").len();
        let received = s.received_drafts(None).expect("list").len();
        let e = s.import_partner_pdf(b"not a pdf", "x.pdf", None, true).expect_err("refused");
        assert_eq!(e.kind(), crate::ErrorKind::Invalid, "{e}");
        for bytes in [&b"%PDF-1.4\n%%EOF\n"[..], b"%PDF-"] {
            let e = s.import_partner_pdf(bytes, "x.pdf", None, true).expect_err("refused");
            assert_eq!(e.kind(), crate::ErrorKind::Damaged, "{e}");
        }
        assert_eq!(s.received_drafts(None).expect("list").len(), received);
        assert_eq!(s.agreements(None).expect("list").len(), agreements);
    }

    #[test]
    fn an_unsigned_export_round_trips_only_when_asked_for() {
        let (mut s, d) = demo();
        let pdf = s.export_agreement(d.agreement_ids[0], None, None).expect("export").pdf;
        let e = s.import_partner_pdf(&pdf, "draft.pdf", None, false).expect_err("unsigned");
        assert!(e.to_string().contains("no signature"), "{e}");
        let r = s.import_partner_pdf(&pdf, "draft.pdf", None, true).expect("imported");
        assert!(!r.received.signed && !r.created_agreement && r.changes.is_empty(), "{r:?}");
        let again = s.import_partner_pdf(&pdf, "draft.pdf", None, true).expect_err("twice");
        assert_eq!(again.kind(), crate::ErrorKind::Conflict);
        // Nothing to decide but the record that nothing changed.
        let red = s.exchange_redline(r.received.id).expect("redline");
        assert!(red.changes.is_empty() && red.redline.changed().count() == 0);
    }

    proptest::proptest! {
        #[test]
        fn reading_any_bytes_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let _ = parse_draft(&bytes);
        }
    }
}
