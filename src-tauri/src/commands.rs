//! The commands the window may call. Each is one call into steward-core; long work (export,
//! signing, verification, imports, log verification) runs off the window's thread and reports its
//! steps over a channel.

use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use steward_clauses::diff::{Redline, WordRun};
use steward_clauses::document::Document;
use steward_core::agreements::{AgreementDetail, AgreementRow, DraftForm, Preview, Saved, Upgrade};
use steward_core::decisions::{Decision, LogVerification, NewDecision};
use steward_core::diligence::{ApprovalRow, Assessment, ListRow, MatchRow, QuestionnaireInfo, ScreeningInfo};
use steward_core::documents::ExportedPdf;
use steward_core::error::ErrorData;
use steward_core::exchange::{ExchangeDecision, ExchangeRedline, ImportOptions, ImportedDraft, ReceivedSummary};
use steward_core::exit::{Certificate, ExitPlan, NewExit};
use steward_core::identities::Identity;
use steward_core::ip::{
    BackgroundFields, BackgroundItem, BackgroundRegister, Dataset, DatasetFields, Filing, FilingFields, IpRegister,
    IpResult, IpVersion, Licence, LicenceFields, ResultFields,
};
use steward_core::ledger::{CreditEntry, ExchangeRate, LedgerEntry, LedgerImport};
use steward_core::library::sources::{Published, PublishedRelease, PullReport, Source};
use steward_core::library::{SearchHit, TemplateDetail, TemplateSummary};
use steward_core::obligations::{Evidence, NewObligation, Obligation, ObligationFilter};
use steward_core::publications::{NewPublication, Publication};
use steward_core::risks::{RegisterView, Risk, RiskFields, RiskRegister, RiskVersion};
use steward_core::trust::PartnerKey;
use steward_core::{
    Collaboration, CollaborationDetail, CollaborationPatch, CollaborationSummary, ErrorKind, FieldError, Id,
    NewCollaboration, NewParty, NewPerson, Party, Person, Role, Steward, SystemClock,
};
use steward_ledger::entry::EntryFields;
use steward_ledger::report::Report;
use steward_sign::VerifyReport;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

/// The one error type that crosses IPC: a machine-readable kind to branch on, a message for
/// people, and per-field problems for forms.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct IpcError {
    pub kind: ErrorKind,
    pub message: String,
    pub fields: Vec<FieldError>,
    /// What the error carries for the window to act on (never parsed out of the message).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(optional)]
    pub data: Option<Box<ErrorData>>,
}

impl From<steward_core::Error> for IpcError {
    fn from(e: steward_core::Error) -> Self {
        let message = without_os_codes(&e.to_string());
        Self { kind: e.kind(), message, fields: e.field_errors().to_vec(), data: e.data().map(Box::new) }
    }
}

/// A message as the window shows it: the operating system's error numbers (` (os error 2)`)
/// mean nothing to its users, the words before them say it.
fn without_os_codes(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" (os error ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + " (os error ".len()..];
        match tail.find(')') {
            Some(end) if tail[..end].chars().all(|c| c.is_ascii_digit()) => rest = &tail[end + 1..],
            _ => {
                out.push_str(" (os error ");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod message_tests {
    #[test]
    fn os_error_numbers_are_left_out() {
        assert_eq!(
            super::without_os_codes("cannot read /tmp/x.pdf: No such file or directory (os error 2)"),
            "cannot read /tmp/x.pdf: No such file or directory"
        );
        assert_eq!(super::without_os_codes("a (os error x) b"), "a (os error x) b");
        assert_eq!(super::without_os_codes("plain"), "plain");
    }
}

type Out<T> = Result<T, IpcError>;

/// A step of long work, for a progress bar: `step` of `steps`, and what is being done.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Progress {
    pub step: u32,
    pub steps: u32,
    pub label: String,
}

fn report(channel: &Channel<Progress>, step: u32, steps: u32, label: &str) {
    // A closed window is no reason to stop the work: a send that fails is ignored.
    let _ = channel.send(Progress { step, steps, label: label.to_string() });
}

/// The open store, or why it could not be opened (shown in the window instead of a crash), and
/// whether this launch installed the demo.
pub struct App(pub Result<Mutex<Steward>, IpcError>, pub bool);

impl App {
    pub fn open() -> Self {
        let open = || -> steward_core::Result<(Mutex<Steward>, bool)> {
            let path = steward_core::db_path_from_env();
            let mut steward = Steward::open(&path, Arc::new(SystemClock))?;
            let fresh = steward.first_run()?;
            Ok((Mutex::new(steward), fresh))
        };
        match open() {
            Ok((s, fresh)) => App(Ok(s), fresh),
            Err(e) => App(Err(IpcError::from(e)), false),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Steward) -> steward_core::Result<T>) -> Out<T> {
        let steward = self.0.as_ref().map_err(Clone::clone)?;
        let mut guard = steward.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard).map_err(IpcError::from)
    }
}

/// Runs long work on a blocking thread so the window stays responsive.
async fn off_thread<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&mut Steward) -> Out<T> + Send + 'static,
) -> Out<T> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<App>();
        let steward = state.0.as_ref().map_err(Clone::clone)?;
        let mut guard = steward.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    })
    .await
    .map_err(|e| IpcError::io(format!("the work stopped unexpectedly: {e}")))?
}

/// A file the user chose, read as the core reads outside input (bounded, regular files only).
fn read_file(path: &str, limit: u64) -> Out<Vec<u8>> {
    Ok(steward_core::files::read_bounded(Path::new(path), limit)?)
}

/// Written beside the target, flushed, then renamed: a failed save never leaves half a file.
fn write_file(path: &str, bytes: &[u8]) -> Out<()> {
    Ok(steward_core::files::write_atomically(Path::new(path), bytes)?)
}

impl IpcError {
    fn io(message: String) -> Self {
        Self { kind: ErrorKind::Io, message, fields: Vec::new(), data: None }
    }
}

// ---- collaborations, parties, people --------------------------------------------------------

/// What the window opens on.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Startup {
    /// This launch found an empty store and installed the shipped library and the demo.
    pub opened_demo: bool,
    /// The collaboration to show first (the demo on a fresh store).
    pub collaboration: Option<Id>,
}

/// The demo's followed library is made once, off the window's first paint: the research office's
/// releases go to a repository in the data folder without holding the store; only following and
/// pulling release 1 take the store, briefly.
fn make_demo_library(handle: AppHandle) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(move || {
        tauri::async_runtime::spawn_blocking(move || {
            let state = handle.state::<App>();
            let Ok(steward) = state.0.as_ref() else { return };
            let Some(dir) = steward_core::db_path_from_env().parent().map(Path::to_path_buf) else { return };
            let made = steward_core::demo::library::make_demo_library(&dir, Arc::new(SystemClock), |p| {
                steward.lock().unwrap_or_else(|e| e.into_inner()).follow_demo_library(p)
            });
            if let Err(e) = made {
                eprintln!("steward: {e}");
            }
        });
    });
}

#[tauri::command]
#[specta::specta]
fn startup(app: State<'_, App>, handle: AppHandle) -> Out<Startup> {
    let opened_demo = app.1;
    if opened_demo {
        make_demo_library(handle);
    }
    app.with(|s| {
        // A fresh store opens on the demo collaboration; otherwise on the first in the list.
        let demo = if opened_demo { s.demo_collaboration()? } else { None };
        let collaboration = demo.or(s.collaborations(false)?.first().map(|c| c.collaboration.id));
        Ok(Startup { opened_demo, collaboration })
    })
}

#[tauri::command]
#[specta::specta]
fn list_collaborations(app: State<'_, App>, include_archived: bool) -> Out<Vec<CollaborationSummary>> {
    let started = std::time::Instant::now();
    let out = app.with(|s| s.collaboration_overview(include_archived));
    if std::env::var_os("STEWARD_TIMINGS").is_some() {
        // The core's part of the list screen (the whole-process bench reads it).
        eprintln!("steward-timing list-collaborations {} ms", started.elapsed().as_millis());
    }
    out
}

#[tauri::command]
#[specta::specta]
fn collaboration(app: State<'_, App>, id: Id) -> Out<CollaborationDetail> {
    app.with(|s| s.collaboration(id))
}

#[tauri::command]
#[specta::specta]
fn create_collaboration(app: State<'_, App>, collaboration: NewCollaboration) -> Out<Id> {
    app.with(|s| s.create_collaboration(&collaboration))
}

#[tauri::command]
#[specta::specta]
fn update_collaboration(app: State<'_, App>, id: Id, patch: CollaborationPatch) -> Out<Collaboration> {
    app.with(|s| s.update_collaboration(id, &patch))
}

#[tauri::command]
#[specta::specta]
fn archive_collaboration(app: State<'_, App>, id: Id) -> Out<()> {
    app.with(|s| s.archive_collaboration(id))
}

#[tauri::command]
#[specta::specta]
fn restore_collaboration(app: State<'_, App>, id: Id) -> Out<()> {
    app.with(|s| s.restore_collaboration(id))
}

#[tauri::command]
#[specta::specta]
fn parties(app: State<'_, App>, include_archived: bool) -> Out<Vec<Party>> {
    app.with(|s| s.parties(include_archived))
}

/// Partners' signing keys pinned to their party (of one party, or of all).
#[tauri::command]
#[specta::specta]
fn partner_keys(app: State<'_, App>, party: Option<Id>) -> Out<Vec<PartnerKey>> {
    app.with(|s| s.partner_keys(party))
}

#[tauri::command]
#[specta::specta]
fn add_party(app: State<'_, App>, party: NewParty) -> Out<Id> {
    app.with(|s| s.add_party(&party))
}

#[tauri::command]
#[specta::specta]
fn add_member(app: State<'_, App>, collab: Id, party: Id, role: Role) -> Out<()> {
    app.with(|s| s.add_member(collab, party, role))
}

#[tauri::command]
#[specta::specta]
fn set_member_role(app: State<'_, App>, collab: Id, party: Id, role: Role) -> Out<()> {
    app.with(|s| s.set_member_role(collab, party, role))
}

#[tauri::command]
#[specta::specta]
fn remove_member(app: State<'_, App>, collab: Id, party: Id) -> Out<()> {
    app.with(|s| s.remove_member(collab, party))
}

#[tauri::command]
#[specta::specta]
fn add_person(app: State<'_, App>, person: NewPerson) -> Out<Id> {
    app.with(|s| s.add_person(&person))
}

#[tauri::command]
#[specta::specta]
fn people(app: State<'_, App>, party: Option<Id>, collab: Option<Id>) -> Out<Vec<Person>> {
    app.with(|s| s.people(party, collab, false))
}

/// Every country as (ISO 3166-1 alpha-2 code, English name), by name, for country fields.
#[tauri::command]
#[specta::specta]
fn countries() -> Vec<(String, String)> {
    steward_core::domain::validate::countries()
}

/// Corrects a person's name, e-mail address or ORCID iD.
#[tauri::command]
#[specta::specta]
fn update_person(app: State<'_, App>, id: Id, name: String, email: String, orcid: Option<String>) -> Out<Person> {
    app.with(|s| s.update_person(id, &name, &email, orcid.as_deref()))
}

/// Removes a person: deleted, or archived where a record names them.
#[tauri::command]
#[specta::specta]
fn remove_person(app: State<'_, App>, id: Id) -> Out<steward_core::collaborations::PersonRemoval> {
    app.with(|s| s.remove_person(id))
}

/// Collaborations, agreements, parties, people and clauses matching every word of `query`.
#[tauri::command]
#[specta::specta]
fn search(app: State<'_, App>, query: String) -> Out<Vec<steward_core::search::Found>> {
    app.with(|s| s.search(&query))
}

// ---- clause library ---------------------------------------------------------------------------

#[tauri::command]
#[specta::specta]
fn templates(app: State<'_, App>) -> Out<Vec<TemplateSummary>> {
    app.with(|s| s.templates())
}

#[tauri::command]
#[specta::specta]
fn template(app: State<'_, App>, id: String, version: Option<i64>) -> Out<TemplateDetail> {
    app.with(|s| s.template(&id, version))
}

#[tauri::command]
#[specta::specta]
fn search_templates(app: State<'_, App>, query: String) -> Out<Vec<SearchHit>> {
    app.with(|s| s.search_templates(&query))
}

#[tauri::command]
#[specta::specta]
fn template_diff(app: State<'_, App>, id: String, from: i64, to: i64) -> Out<Vec<WordRun>> {
    app.with(|s| s.template_diff(&id, from, to))
}

/// A version of a template as the file a legal user edits.
#[tauri::command]
#[specta::specta]
fn template_file(app: State<'_, App>, id: String, version: Option<i64>) -> Out<steward_core::library::TemplateFile> {
    app.with(|s| s.template_file(&id, version))
}

/// The checker's problems with an edited template text (none: it can be proposed).
#[tauri::command]
#[specta::specta]
fn check_template_text(app: State<'_, App>, id: String, text: String) -> Out<Vec<steward_clauses::TemplateError>> {
    app.with(|s| s.check_template_text(&id, &text))
}

/// Proposes an edited template text as a new draft version, with the proposer's note.
#[tauri::command]
#[specta::specta]
fn propose_template_version(
    app: State<'_, App>,
    id: String,
    text: String,
    note: String,
) -> Out<steward_core::library::ImportedVersion> {
    app.with(|s| s.propose_template_version(&id, &text, &note))
}

/// Moves a template version to `to` (approved, rejected, deprecated), with the reviewer's note.
#[tauri::command]
#[specta::specta]
fn review_template(
    app: State<'_, App>,
    id: String,
    version: i64,
    to: steward_core::library::Status,
    note: Option<String>,
) -> Out<steward_core::library::TemplateRow> {
    app.with(|s| s.review_template(&id, Some(version), to, note.as_deref()))
}

/// Puts a deprecated version back into use, with the reviewer's reason (a new review entry).
#[tauri::command]
#[specta::specta]
fn reinstate_template(
    app: State<'_, App>,
    id: String,
    version: i64,
    note: String,
) -> Out<steward_core::library::TemplateRow> {
    app.with(|s| s.reinstate_template(&id, Some(version), &note))
}

// ---- agreements -------------------------------------------------------------------------------

#[tauri::command]
#[specta::specta]
fn agreement_form(app: State<'_, App>, kind: String) -> Out<DraftForm> {
    app.with(|s| s.agreement_form(&kind))
}

#[tauri::command]
#[specta::specta]
fn preview_agreement(
    app: State<'_, App>,
    collab: Id,
    kind: String,
    values: BTreeMap<String, Json>,
    fallbacks: BTreeMap<String, String>,
    agreement: Option<Id>,
) -> Out<Preview> {
    app.with(|s| s.preview_agreement(collab, &kind, values, fallbacks, agreement))
}

#[tauri::command]
#[specta::specta]
fn create_agreement(
    app: State<'_, App>,
    collab: Id,
    kind: String,
    values: BTreeMap<String, Json>,
    fallbacks: BTreeMap<String, String>,
    title: Option<String>,
) -> Out<Saved> {
    app.with(|s| s.create_agreement(collab, &kind, values, fallbacks, title))
}

#[tauri::command]
#[specta::specta]
fn update_agreement(
    app: State<'_, App>,
    id: Id,
    values: BTreeMap<String, Json>,
    fallbacks: BTreeMap<String, String>,
    note: Option<String>,
) -> Out<Saved> {
    app.with(|s| s.update_agreement(id, values, fallbacks, note.as_deref()))
}

#[tauri::command]
#[specta::specta]
fn upgrade_agreement(app: State<'_, App>, id: Id) -> Out<Upgrade> {
    app.with(|s| s.upgrade_agreement(id))
}

#[tauri::command]
#[specta::specta]
fn agreements(app: State<'_, App>, collab: Option<Id>) -> Out<Vec<AgreementRow>> {
    app.with(|s| s.agreements(collab))
}

#[tauri::command]
#[specta::specta]
fn agreement(app: State<'_, App>, id: Id) -> Out<AgreementDetail> {
    app.with(|s| s.agreement(id))
}

#[tauri::command]
#[specta::specta]
fn render_agreement(app: State<'_, App>, id: Id, revision: Option<i64>) -> Out<Document> {
    app.with(|s| s.render_agreement(id, revision))
}

#[tauri::command]
#[specta::specta]
fn diff_agreement(app: State<'_, App>, id: Id, from: i64, to: i64) -> Out<Redline> {
    app.with(|s| s.diff_agreement(id, from, to))
}

// ---- identities, export, signing, verification ----------------------------------------------

#[tauri::command]
#[specta::specta]
fn identities(app: State<'_, App>) -> Out<Vec<Identity>> {
    app.with(|s| s.identities())
}

/// The identities that could sign an agreement, marked whether they are of its parties.
#[tauri::command]
#[specta::specta]
fn agreement_signers(app: State<'_, App>, agreement: Id) -> Out<Vec<steward_core::identities::Signer>> {
    app.with(|s| s.agreement_signers(agreement))
}

/// Writes an identity's certificate as PEM to `path` (for a partner to pin).
#[tauri::command]
#[specta::specta]
fn export_identity_certificate(app: State<'_, App>, id: Id, path: String) -> Out<()> {
    let pem = app.with(|s| s.identity_certificate_pem(id))?;
    write_file(&path, pem.as_bytes())
}

/// The time-stamping authority signing asks (the `tsa.url` setting), if any.
#[tauri::command]
#[specta::specta]
fn tsa_url(app: State<'_, App>) -> Out<Option<String>> {
    app.with(|s| s.tsa_url())
}

/// Sets or (with none) clears the time-stamping authority.
#[tauri::command]
#[specta::specta]
fn set_tsa_url(app: State<'_, App>, url: Option<String>) -> Out<Option<String>> {
    app.with(|s| {
        s.set_tsa_url(url.as_deref())?;
        s.tsa_url()
    })
}

/// The certificate authorities whose paths verification trusts.
#[tauri::command]
#[specta::specta]
fn trust_anchors(app: State<'_, App>) -> Out<Vec<steward_core::trust::lasting::TrustAnchor>> {
    app.with(|s| s.trust_anchors())
}

/// Trusts the certificate authority in a PEM or DER file.
#[tauri::command]
#[specta::specta]
fn add_trust_anchor(
    app: State<'_, App>,
    path: String,
    name: Option<String>,
) -> Out<steward_core::trust::lasting::TrustAnchor> {
    let bytes = read_file(&path, 1 << 20)?;
    app.with(|s| s.add_trust_anchor(&bytes, name.as_deref()))
}

#[tauri::command]
#[specta::specta]
fn remove_trust_anchor(app: State<'_, App>, id: Id) -> Out<steward_core::trust::lasting::TrustAnchor> {
    app.with(|s| s.remove_trust_anchor(id))
}

/// Adds a document time stamp to a signed PDF, written to `output`.
#[tauri::command]
#[specta::specta]
async fn timestamp_pdf(app: AppHandle, path: String, output: String) -> Out<()> {
    off_thread(app, move |s| {
        let pdf = read_file(&path, steward_core::files::MAX_PDF)?;
        let out = s.timestamp_pdf(&pdf)?;
        write_file(&output, &out)
    })
    .await
}

/// Adds long-term validation data (a DSS) to a signed PDF, written to `output`.
#[tauri::command]
#[specta::specta]
async fn add_validation_data(
    app: AppHandle,
    path: String,
    output: String,
) -> Out<steward_core::trust::lasting::ValidationDataAdded> {
    off_thread(app, move |s| {
        let pdf = read_file(&path, steward_core::files::MAX_PDF)?;
        let added = s.add_validation_data(&pdf)?;
        write_file(&output, &added.pdf)?;
        Ok(added)
    })
    .await
}

/// Removes an identity: its key leaves the credential store; its certificate is kept.
#[tauri::command]
#[specta::specta]
fn remove_identity(app: State<'_, App>, id: Id) -> Out<Identity> {
    app.with(|s| s.remove_identity(id))
}

#[tauri::command]
#[specta::specta]
fn create_identity(
    app: State<'_, App>,
    name: String,
    email: String,
    organisation: Option<String>,
    key: String,
) -> Out<Identity> {
    app.with(|s| s.create_identity(&name, &email, organisation.as_deref(), &key, false))
}

#[tauri::command]
#[specta::specta]
fn import_identity(app: State<'_, App>, path: String, password: String) -> Out<Identity> {
    let p12 = read_file(&path, 1 << 20)?;
    app.with(|s| s.import_identity(&p12, &password))
}

/// Exports an agreement revision as PDF to `path`, signed with `identity` when given.
#[tauri::command]
#[specta::specta]
async fn export_agreement(
    app: AppHandle,
    agreement: Id,
    revision: Option<i64>,
    identity: Option<Id>,
    path: String,
    progress: Channel<Progress>,
) -> Out<ExportedPdf> {
    off_thread(app, move |s| {
        let steps = 2;
        report(&progress, 0, steps, if identity.is_some() { "Typesetting and signing" } else { "Typesetting" });
        let out = s.export_agreement(agreement, revision, identity)?;
        report(&progress, 1, steps, "Saving the file");
        write_file(&path, &out.pdf)?;
        report(&progress, 2, steps, "Done");
        Ok(out)
    })
    .await
}

/// Exports an agreement revision as a Word document for a partner to edit (unsigned), to `path`.
#[tauri::command]
#[specta::specta]
async fn export_agreement_docx(
    app: AppHandle,
    agreement: Id,
    revision: Option<i64>,
    path: String,
) -> Out<steward_core::exchange::ExportedDocx> {
    off_thread(app, move |s| {
        let out = s.export_agreement_docx(agreement, revision)?;
        write_file(&path, &out.docx)?;
        Ok(out)
    })
    .await
}

/// Signs an existing PDF (a countersignature keeps the earlier ones), writing it to `output`.
#[tauri::command]
#[specta::specta]
async fn sign_pdf(app: AppHandle, path: String, identity: Id, output: String, progress: Channel<Progress>) -> Out<()> {
    off_thread(app, move |s| {
        report(&progress, 0, 3, "Reading the file");
        let pdf = read_file(&path, steward_core::files::MAX_PDF)?;
        report(&progress, 1, 3, "Signing");
        let signed = s.sign_pdf(&pdf, identity, None)?;
        report(&progress, 2, 3, "Saving the file");
        write_file(&output, &signed)?;
        report(&progress, 3, 3, "Done");
        Ok(())
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn verify_pdf(app: AppHandle, path: String, progress: Channel<Progress>) -> Out<VerifyReport> {
    off_thread(app, move |s| {
        report(&progress, 0, 2, "Reading the file");
        let pdf = read_file(&path, steward_core::files::MAX_PDF)?;
        report(&progress, 1, 2, "Checking every signature and every change after it");
        let out = s.verify_pdf(&pdf)?;
        report(&progress, 2, 2, "Done");
        Ok(out)
    })
    .await
}

/// Opens a file in the system's default application (the PDF viewer for exports).
#[tauri::command]
#[specta::specta]
fn open_path(app: AppHandle, path: String) -> Out<()> {
    use tauri_plugin_opener::OpenerExt;
    app.opener().open_path(&path, None::<&str>).map_err(|e| IpcError::io(format!("{path}: cannot be opened: {e}")))
}

// ---- ledger ---------------------------------------------------------------------------------

#[tauri::command]
#[specta::specta]
fn ledger(app: State<'_, App>, collab: Id) -> Out<Vec<LedgerEntry>> {
    app.with(|s| s.ledger(collab))
}

#[tauri::command]
#[specta::specta]
fn add_ledger_entry(app: State<'_, App>, collab: Id, fields: EntryFields, replaces: Option<Id>) -> Out<LedgerEntry> {
    app.with(|s| s.add_ledger_entry(collab, &fields, replaces))
}

#[tauri::command]
#[specta::specta]
fn reverse_ledger_entry(app: State<'_, App>, collab: Id, id: Id, reason: String) -> Out<LedgerEntry> {
    app.with(|s| s.reverse_ledger_entry(collab, id, &reason))
}

#[tauri::command]
#[specta::specta]
fn ledger_report(
    app: State<'_, App>,
    collab: Id,
    currency: Option<String>,
    as_of: Option<chrono::NaiveDate>,
) -> Out<Report> {
    app.with(|s| s.ledger_report(collab, currency.as_deref(), as_of))
}

/// Imports a ledger CSV: all rows or none; every bad row is named with its line.
#[tauri::command]
#[specta::specta]
async fn import_ledger_csv(app: AppHandle, collab: Id, path: String, progress: Channel<Progress>) -> Out<LedgerImport> {
    off_thread(app, move |s| {
        report(&progress, 0, 2, "Reading the file");
        let data = read_file(&path, steward_core::files::MAX_TEXT)?;
        report(&progress, 1, 2, "Checking and adding every row");
        let out = s.import_ledger_csv(collab, &data)?;
        report(&progress, 2, 2, "Done");
        Ok(out)
    })
    .await
}

#[tauri::command]
#[specta::specta]
fn export_ledger_csv(app: State<'_, App>, collab: Id, path: String) -> Out<()> {
    let data = app.with(|s| s.export_ledger_csv(collab))?;
    write_file(&path, &data)
}

#[tauri::command]
#[specta::specta]
fn rates(app: State<'_, App>) -> Out<Vec<ExchangeRate>> {
    app.with(|s| s.rates())
}

#[tauri::command]
#[specta::specta]
fn add_rate(
    app: State<'_, App>,
    from: String,
    to: String,
    rate: String,
    date: String,
    source: String,
) -> Out<ExchangeRate> {
    app.with(|s| s.add_rate(&from, &to, &rate, &date, &source))
}

#[tauri::command]
#[specta::specta]
fn credit_roles(app: State<'_, App>, collab: Id) -> Out<Vec<CreditEntry>> {
    app.with(|s| s.credit_roles(collab))
}

// ---- Trusted Research due diligence ----------------------------------------------------------

#[tauri::command]
#[specta::specta]
fn diligence(app: State<'_, App>, collab: Id) -> Out<Assessment> {
    app.with(|s| s.diligence(collab))
}

#[tauri::command]
#[specta::specta]
fn diligence_questions(app: State<'_, App>) -> Out<QuestionnaireInfo> {
    app.with(|s| s.questionnaire())
}

/// Answers about the work (no party) or a partner, as typed; a new assessment revision.
#[tauri::command]
#[specta::specta]
fn answer_diligence(
    app: State<'_, App>,
    collab: Id,
    party: Option<Id>,
    set: BTreeMap<String, String>,
    note: Option<String>,
) -> Out<Assessment> {
    app.with(|s| s.answer_diligence(collab, party, &set, note.as_deref()))
}

#[tauri::command]
#[specta::specta]
fn approve_diligence(app: State<'_, App>, collab: Id, role: String, identity: Id, note: String) -> Out<ApprovalRow> {
    app.with(|s| s.approve_diligence(collab, &role, identity, &note))
}

#[tauri::command]
#[specta::specta]
fn screen_collaboration(app: State<'_, App>, collab: Id) -> Out<ScreeningInfo> {
    app.with(|s| s.screen_collaboration(collab))
}

#[tauri::command]
#[specta::specta]
fn decide_screening_match(app: State<'_, App>, id: Id, confirm: bool, reason: String) -> Out<MatchRow> {
    app.with(|s| s.decide_screening_match(id, confirm, &reason))
}

#[tauri::command]
#[specta::specta]
fn screening_lists(app: State<'_, App>) -> Out<Vec<ListRow>> {
    app.with(|s| s.screening_lists())
}

/// Imports list files (an OFAC release, or one file per list), recognised by content.
#[tauri::command]
#[specta::specta]
async fn import_screening_lists(app: AppHandle, paths: Vec<String>) -> Out<Vec<ListRow>> {
    off_thread(app, move |s| {
        let mut files = Vec::new();
        for p in &paths {
            files.push((p.clone(), read_file(p, steward_diligence::screening::lists::MAX_FILE as u64)?));
        }
        Ok(s.import_screening_lists(&files)?)
    })
    .await
}

// ---- running a collaboration: risks, obligations, publications, calendar --------------------

fn view(shared: bool) -> RegisterView {
    if shared { RegisterView::Shared } else { RegisterView::All }
}

#[tauri::command]
#[specta::specta]
fn risk_register(app: State<'_, App>, collab: Id, shared: bool) -> Out<RiskRegister> {
    app.with(|s| s.risk_register(collab, view(shared)))
}

#[tauri::command]
#[specta::specta]
fn add_risk(app: State<'_, App>, collab: Id, fields: RiskFields, identity: Option<Id>) -> Out<Risk> {
    app.with(|s| s.add_risk(collab, &fields, identity))
}

#[tauri::command]
#[specta::specta]
fn update_risk(
    app: State<'_, App>,
    risk: Id,
    fields: RiskFields,
    note: Option<String>,
    identity: Option<Id>,
) -> Out<Risk> {
    app.with(|s| s.update_risk(risk, &fields, note.as_deref(), identity))
}

#[tauri::command]
#[specta::specta]
fn risk_history(app: State<'_, App>, risk: Id) -> Out<Vec<RiskVersion>> {
    app.with(|s| s.risk_history(risk))
}

/// Writes the register as a PDF with its heat maps.
#[tauri::command]
#[specta::specta]
async fn export_risk_report(app: AppHandle, collab: Id, shared: bool, path: String) -> Out<ExportedPdf> {
    off_thread(app, move |s| {
        let pdf = s.risk_report(collab, view(shared))?;
        write_file(&path, &pdf.pdf)?;
        Ok(pdf)
    })
    .await
}

/// Writes the register as CSV; returns how many risks it holds.
#[tauri::command]
#[specta::specta]
fn export_risk_csv(app: State<'_, App>, collab: Id, shared: bool, path: String) -> Out<u32> {
    app.with(|s| Ok((s.risk_csv(collab, view(shared))?, s.risk_rows(collab, view(shared))?.len())))
        .and_then(|(csv, n)| write_file(&path, csv.as_bytes()).map(|()| n as u32))
}

#[tauri::command]
#[specta::specta]
fn obligations(app: State<'_, App>, filter: ObligationFilter) -> Out<Vec<Obligation>> {
    app.with(|s| s.obligations(&filter))
}

#[tauri::command]
#[specta::specta]
fn add_obligation(app: State<'_, App>, collab: Id, obligation: NewObligation) -> Out<Obligation> {
    app.with(|s| s.add_obligation(collab, &obligation))
}

/// Marks an obligation done with a note and, if chosen, a file whose SHA-256 is kept.
#[tauri::command]
#[specta::specta]
fn complete_obligation(
    app: State<'_, App>,
    id: Id,
    note: String,
    evidence_path: Option<String>,
    identity: Option<Id>,
) -> Out<Obligation> {
    let file = evidence_path.as_deref().map(|p| read_file(p, steward_core::files::MAX_FILE)).transpose()?;
    let evidence = Evidence { note, file_name: evidence_path, file, sha256: None };
    app.with(|s| s.complete_obligation(id, &evidence, identity))
}

#[tauri::command]
#[specta::specta]
fn waive_obligation(app: State<'_, App>, id: Id, reason: String, identity: Option<Id>) -> Out<Obligation> {
    app.with(|s| s.waive_obligation(id, &reason, identity))
}

/// Writes every due item (of one collaboration, or all) as an iCalendar file; returns the count.
#[tauri::command]
#[specta::specta]
fn export_calendar(app: State<'_, App>, collab: Option<Id>, path: String) -> Out<u32> {
    let cal = app.with(|s| s.calendar(collab))?;
    write_file(&path, cal.ics.as_bytes())?;
    Ok(cal.events as u32)
}

#[tauri::command]
#[specta::specta]
fn publications(app: State<'_, App>, collab: Option<Id>) -> Out<Vec<Publication>> {
    app.with(|s| s.publications(collab))
}

/// Sends the manuscript at `path` for review (its SHA-256 is recorded, not the file).
#[tauri::command]
#[specta::specta]
fn notify_publication(
    app: State<'_, App>,
    collab: Id,
    publication: NewPublication,
    path: String,
    identity: Option<Id>,
) -> Out<Publication> {
    let file = read_file(&path, steward_core::files::MAX_FILE)?;
    let new = NewPublication { file, file_name: path, ..publication };
    app.with(|s| s.notify_publication(collab, &new, identity))
}

#[tauri::command]
#[specta::specta]
fn object_to_publication(
    app: State<'_, App>,
    id: Id,
    party: String,
    ground: String,
    note: String,
    identity: Option<Id>,
) -> Out<Publication> {
    app.with(|s| s.object_to_publication(id, &party, &ground, &note, identity))
}

#[tauri::command]
#[specta::specta]
fn consent_to_publication(
    app: State<'_, App>,
    id: Id,
    party: String,
    note: String,
    identity: Option<Id>,
) -> Out<Publication> {
    app.with(|s| s.consent_to_publication(id, &party, &note, identity))
}

#[tauri::command]
#[specta::specta]
fn resolve_objection(
    app: State<'_, App>,
    id: Id,
    objection: Id,
    note: String,
    path: Option<String>,
    identity: Option<Id>,
) -> Out<Publication> {
    let file = path.as_deref().map(|p| read_file(p, steward_core::files::MAX_FILE)).transpose()?;
    app.with(|s| s.resolve_objection(id, objection, &note, file.as_deref(), identity))
}

#[tauri::command]
#[specta::specta]
fn release_publication(
    app: State<'_, App>,
    id: Id,
    doi: Option<String>,
    note: String,
    identity: Option<Id>,
) -> Out<Publication> {
    app.with(|s| s.release_publication(id, doi.as_deref(), &note, identity))
}

// ---- IP register and exit -------------------------------------------------------------------

#[tauri::command]
#[specta::specta]
fn ip_register(app: State<'_, App>, collab: Id) -> Out<IpRegister> {
    app.with(|s| s.ip_register(collab))
}

#[tauri::command]
#[specta::specta]
fn add_background(app: State<'_, App>, collab: Id, fields: BackgroundFields) -> Out<BackgroundItem> {
    app.with(|s| s.add_background(collab, &fields))
}

#[tauri::command]
#[specta::specta]
fn update_background(
    app: State<'_, App>,
    id: Id,
    fields: BackgroundFields,
    note: Option<String>,
) -> Out<BackgroundItem> {
    app.with(|s| s.update_background(id, &fields, note.as_deref()))
}

/// Copies the background register into the collaboration agreement's schedule (a new revision).
#[tauri::command]
#[specta::specta]
fn bind_background(app: State<'_, App>, agreement: Id) -> Out<Saved> {
    app.with(|s| s.bind_background(agreement))
}

#[tauri::command]
#[specta::specta]
fn ip_background(app: State<'_, App>, collab: Id) -> Out<BackgroundRegister> {
    app.with(|s| s.ip_background(collab))
}

/// Records a result; `documents` are paths whose SHA-256 is kept (the files stay where they are).
#[tauri::command]
#[specta::specta]
fn add_result(app: State<'_, App>, collab: Id, fields: ResultFields, documents: Vec<String>) -> Out<IpResult> {
    let mut f = fields;
    for path in &documents {
        let bytes = read_file(path, steward_core::files::MAX_FILE)?;
        let name = Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        f.documents
            .push(steward_core::ip::DocumentHash { name, sha256: steward_clauses::canonical::sha256_hex(&bytes) });
    }
    app.with(|s| s.add_result(collab, &f))
}

/// Overrules a result's owners (`[party, percent]` pairs) with a reason, as a signed decision.
#[tauri::command]
#[specta::specta]
fn overrule_owner(
    app: State<'_, App>,
    result: Id,
    owners: Vec<(String, f64)>,
    reason: String,
    identity: Option<Id>,
) -> Out<IpResult> {
    app.with(|s| s.overrule_owner(result, &owners, &reason, identity))
}

#[tauri::command]
#[specta::specta]
fn add_filing(app: State<'_, App>, fields: FilingFields) -> Out<Filing> {
    app.with(|s| s.add_filing(&fields))
}

#[tauri::command]
#[specta::specta]
fn add_licence(app: State<'_, App>, fields: LicenceFields) -> Out<Licence> {
    app.with(|s| s.add_licence(&fields))
}

#[tauri::command]
#[specta::specta]
fn add_dataset(app: State<'_, App>, collab: Id, fields: DatasetFields) -> Out<Dataset> {
    app.with(|s| s.add_dataset(collab, &fields))
}

#[tauri::command]
#[specta::specta]
fn ip_history(app: State<'_, App>, id: Id) -> Out<Vec<IpVersion>> {
    app.with(|s| s.ip_history(id))
}

/// The plan of the exit under way in a collaboration (or its latest), if it has one.
#[tauri::command]
#[specta::specta]
fn exit_plan(app: State<'_, App>, collab: Id) -> Out<Option<ExitPlan>> {
    app.with(|s| match s.current_exit(collab) {
        Ok(id) => s.exit_plan(id).map(Some),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    })
}

/// Opens an exit; `evidence_path` is hashed, not kept.
#[tauri::command]
#[specta::specta]
fn start_exit(
    app: State<'_, App>,
    collab: Id,
    exit: NewExit,
    evidence_path: Option<String>,
    identity: Option<Id>,
) -> Out<ExitPlan> {
    let mut new = exit;
    if let Some(p) = evidence_path.as_deref().filter(|p| !p.trim().is_empty()) {
        new.evidence = Some(read_file(p, steward_core::files::MAX_FILE)?);
        new.evidence_name = Path::new(p).file_name().map(|n| n.to_string_lossy().into_owned());
    }
    app.with(|s| s.start_exit(collab, &new, identity))
}

#[tauri::command]
#[specta::specta]
fn decide_exit_item(
    app: State<'_, App>,
    exit: Id,
    item: String,
    disposition: String,
    note: String,
    identity: Option<Id>,
) -> Out<ExitPlan> {
    app.with(|s| s.decide_exit_item(exit, &item, &disposition, &note, identity))
}

/// A dataset's certificate, or (with `exception`) the reason it is kept.
#[tauri::command]
#[specta::specta]
fn certify_dataset(
    app: State<'_, App>,
    exit: Id,
    dataset: String,
    certificate: Option<Certificate>,
    exception: Option<String>,
    identity: Option<Id>,
) -> Out<ExitPlan> {
    app.with(|s| s.certify_dataset(exit, &dataset, certificate.as_ref(), exception.as_deref(), identity))
}

/// What completing an exit wrote.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ExitPackWritten {
    pub path: String,
    pub log_path: String,
    pub pages: u32,
    pub bytes: u32,
    pub sha256: String,
    pub signed_by: String,
}

/// Completes an exit: writes the signed exit pack to `path` and the decision-log export beside it.
#[tauri::command]
#[specta::specta]
async fn complete_exit(app: AppHandle, exit: Id, path: String, identity: Option<Id>) -> Out<ExitPackWritten> {
    off_thread(app, move |s| {
        let pack = s.complete_exit(exit, identity)?;
        write_file(&path, &pack.pdf)?;
        let log_path = Path::new(&path).with_extension("log.json").to_string_lossy().into_owned();
        let log = serde_json::to_vec_pretty(&pack.log).map_err(|e| steward_core::Error::Conflict(e.to_string()))?;
        write_file(&log_path, &log)?;
        Ok(ExitPackWritten {
            path,
            log_path,
            pages: pack.pages as u32,
            bytes: pack.pdf.len() as u32,
            sha256: pack.sha256,
            signed_by: pack.signed_by,
        })
    })
    .await
}

// ---- the library over git ----------------------------------------------------------------------

/// The library sources this store follows.
#[tauri::command]
#[specta::specta]
fn library_sources(app: State<'_, App>) -> Out<Vec<Source>> {
    app.with(|s| s.library_sources())
}

/// Follows a library published at `url`, trusting releases signed by `trust` (fingerprints).
#[tauri::command]
#[specta::specta]
fn follow_library(
    app: State<'_, App>,
    url: String,
    trust: Vec<String>,
    name: Option<String>,
    branch: Option<String>,
) -> Out<Source> {
    app.with(|s| s.follow_library(&url, &trust, name.as_deref(), branch.as_deref()))
}

/// Adds a trusted publisher key to a source.
#[tauri::command]
#[specta::specta]
fn trust_library_key(app: State<'_, App>, name: String, fingerprint: String) -> Out<Source> {
    app.with(|s| s.trust_library_key(&name, &fingerprint))
}

/// Fetches, checks and imports new releases of one source (or every source).
#[tauri::command]
#[specta::specta]
async fn pull_library(app: AppHandle, name: Option<String>) -> Out<Vec<PullReport>> {
    off_thread(app, move |s| Ok(s.pull_library(name.as_deref())?)).await
}

/// Publishes the approved library as a new signed release to a git remote.
#[tauri::command]
#[specta::specta]
async fn publish_library(
    app: AppHandle,
    remote: String,
    branch: Option<String>,
    identity: Option<Id>,
    note: Option<String>,
) -> Out<Published> {
    off_thread(app, move |s| Ok(s.publish_library(&remote, branch.as_deref(), identity, note.as_deref())?)).await
}

/// The releases this store published, newest first.
#[tauri::command]
#[specta::specta]
fn published_library_releases(app: State<'_, App>) -> Out<Vec<PublishedRelease>> {
    app.with(|s| s.published_library_releases())
}

// ---- decision log ---------------------------------------------------------------------------

#[tauri::command]
#[specta::specta]
fn decisions(app: State<'_, App>, collab: Id) -> Out<Vec<Decision>> {
    app.with(|s| s.decisions(collab))
}

#[tauri::command]
#[specta::specta]
fn add_decision(app: State<'_, App>, collab: Id, decision: NewDecision, identity: Id) -> Out<Decision> {
    app.with(|s| s.add_decision(collab, &decision, identity))
}

/// Checks every entry's hash, link and signature.
#[tauri::command]
#[specta::specta]
async fn verify_decisions(app: AppHandle, collab: Id, progress: Channel<Progress>) -> Out<LogVerification> {
    off_thread(app, move |s| {
        report(&progress, 0, 1, "Checking every entry's hash, link and signature");
        let out = s.verify_decisions(collab)?;
        report(&progress, 1, 1, "Done");
        Ok(out)
    })
    .await
}

/// Signs a checkpoint of an intact log's head (a log from a Steward that did not sign them).
#[tauri::command]
#[specta::specta]
fn sign_decision_checkpoint(app: State<'_, App>, collab: Id, identity: Id) -> Out<LogVerification> {
    app.with(|s| s.sign_decision_checkpoint(collab, identity))
}

// ---- partner exchange -------------------------------------------------------------------------

/// Verifies a partner's PDF and imports the draft it carries, or reads a partner's edited Word
/// file as proposed changes (see `steward exchange import`).
#[tauri::command]
#[specta::specta]
async fn import_partner_pdf(
    app: AppHandle,
    path: String,
    collab: Option<Id>,
    allow_unsigned: bool,
    accept_new_key: Option<Id>,
    progress: Channel<Progress>,
) -> Out<ImportedDraft> {
    off_thread(app, move |s| {
        report(&progress, 0, 2, "Reading the file");
        let pdf = read_file(&path, steward_core::files::MAX_PDF)?;
        report(
            &progress,
            1,
            2,
            "Verifying every signature (a PDF) or reading every clause (a Word file), comparing it with ours",
        );
        let name = Path::new(&path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let out = s.import_partner_file(&pdf, &name, &ImportOptions { collab, allow_unsigned, accept_new_key })?;
        report(&progress, 2, 2, "Done");
        Ok(out)
    })
    .await
}

#[tauri::command]
#[specta::specta]
fn received_drafts(app: State<'_, App>, agreement: Option<Id>) -> Out<Vec<ReceivedSummary>> {
    app.with(|s| s.received_drafts(agreement))
}

#[tauri::command]
#[specta::specta]
fn exchange_redline(app: State<'_, App>, id: Id) -> Out<ExchangeRedline> {
    app.with(|s| s.exchange_redline(id))
}

/// Accepts the named changes and rejects the others; the decision is signed into the log.
#[tauri::command]
#[specta::specta]
fn decide_exchange(
    app: State<'_, App>,
    id: Id,
    accept: Vec<String>,
    reject: Vec<String>,
    identity: Id,
) -> Out<ExchangeDecision> {
    app.with(|s| s.decide_exchange(id, &accept, &reject, identity))
}

/// Countersigns the partner's file as received and writes it to `output`.
#[tauri::command]
#[specta::specta]
async fn countersign_received(
    app: AppHandle,
    id: Id,
    identity: Id,
    output: String,
    progress: Channel<Progress>,
) -> Out<()> {
    off_thread(app, move |s| {
        report(&progress, 0, 2, "Signing the file as received");
        let signed = s.countersign_received(id, identity)?;
        report(&progress, 1, 2, "Saving the file");
        write_file(&output, &signed)?;
        report(&progress, 2, 2, "Done");
        Ok(())
    })
    .await
}

// ---- timings ----------------------------------------------------------------------------------

/// Notes that the window reached `point` (`collaborations-shown`, `collaboration-shown`). With
/// STEWARD_TIMINGS set it prints the wall-clock time, for the whole-process benchmark
/// (`scripts/bench-desktop.sh`); otherwise it does nothing.
#[tauri::command]
#[specta::specta]
fn mark(point: String) {
    if std::env::var_os("STEWARD_TIMINGS").is_some() {
        let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        eprintln!("steward-timing {point} {ms} pid {}", std::process::id());
    }
}

// ---- bindings ---------------------------------------------------------------------------------

pub fn builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .error_handling(tauri_specta::ErrorHandlingMode::Throw)
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
        .commands(tauri_specta::collect_commands![
            startup,
            list_collaborations,
            collaboration,
            create_collaboration,
            update_collaboration,
            archive_collaboration,
            restore_collaboration,
            parties,
            add_party,
            add_member,
            set_member_role,
            remove_member,
            add_person,
            update_person,
            remove_person,
            countries,
            search,
            template_file,
            check_template_text,
            propose_template_version,
            export_identity_certificate,
            agreement_signers,
            remove_identity,
            tsa_url,
            set_tsa_url,
            trust_anchors,
            add_trust_anchor,
            remove_trust_anchor,
            timestamp_pdf,
            add_validation_data,
            people,
            templates,
            template,
            search_templates,
            template_diff,
            review_template,
            reinstate_template,
            agreement_form,
            preview_agreement,
            create_agreement,
            update_agreement,
            upgrade_agreement,
            agreements,
            agreement,
            render_agreement,
            diff_agreement,
            identities,
            create_identity,
            import_identity,
            export_agreement,
            sign_pdf,
            verify_pdf,
            open_path,
            ledger,
            add_ledger_entry,
            reverse_ledger_entry,
            ledger_report,
            import_ledger_csv,
            export_ledger_csv,
            rates,
            add_rate,
            credit_roles,
            decisions,
            add_decision,
            verify_decisions,
            sign_decision_checkpoint,
            import_partner_pdf,
            export_agreement_docx,
            partner_keys,
            received_drafts,
            exchange_redline,
            decide_exchange,
            countersign_received,
            diligence,
            diligence_questions,
            answer_diligence,
            approve_diligence,
            screen_collaboration,
            decide_screening_match,
            screening_lists,
            import_screening_lists,
            risk_register,
            add_risk,
            update_risk,
            risk_history,
            export_risk_report,
            export_risk_csv,
            obligations,
            add_obligation,
            complete_obligation,
            waive_obligation,
            export_calendar,
            publications,
            notify_publication,
            object_to_publication,
            consent_to_publication,
            resolve_objection,
            release_publication,
            ip_register,
            ip_background,
            add_background,
            update_background,
            bind_background,
            add_result,
            overrule_owner,
            add_filing,
            add_licence,
            add_dataset,
            ip_history,
            exit_plan,
            start_exit,
            decide_exit_item,
            certify_dataset,
            complete_exit,
            library_sources,
            follow_library,
            trust_library_key,
            pull_library,
            publish_library,
            published_library_releases,
            mark,
        ])
        .typ::<IpcError>()
}

/// Where the generated bindings are checked in.
pub fn bindings_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts")
}

fn export_bindings(to: &Path) -> Result<(), String> {
    let ts = specta_typescript::Typescript::default()
        .header("// Generated from src-tauri/src/commands.rs by `cargo run -p steward-desktop -- --write-bindings`. Do not edit.");
    builder().export(ts, to).map_err(|e| format!("bindings could not be generated: {e}"))
}

pub fn write_bindings() -> Result<PathBuf, String> {
    let path = bindings_path();
    export_bindings(&path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    /// The checked-in bindings are what the commands generate now; run
    /// `cargo run -p steward-desktop -- --write-bindings` after changing a command or a type.
    #[test]
    fn typescript_bindings_are_current() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fresh = dir.path().join("bindings.ts");
        super::export_bindings(&fresh).expect("bindings");
        let fresh = std::fs::read_to_string(&fresh).expect("generated");
        let checked_in = std::fs::read_to_string(super::bindings_path()).unwrap_or_default();
        assert!(
            fresh == checked_in,
            "ui/src/lib/bindings.ts is stale: run `cargo run -p steward-desktop -- --write-bindings`"
        );
    }
}
