//! `steward`: the command-line host. Each verb parses its flags, makes one call into
//! steward-core, and prints the result; no domain logic lives here.

mod args;
mod output;
mod records;

use args::IdentityCmd;

use args::{
    AgreementCmd, ClauseCmd, Cli, CollabCmd, CollabFields, Command, PartyCmd, PersonCmd, ReviewArgs, TemplateCmd,
    ValueArgs,
};
use clap::Parser;
use serde_json::json;
use std::process::ExitCode;
use std::sync::Arc;
use steward_core::agreements;
use steward_core::{
    Clock, CollaborationDetail, CollaborationPatch, ErrorKind, FixedClock, NewCollaboration, NewParty, NewPerson,
    Party, Person, Role, Steward, SystemClock,
};

/// Why a command failed: the core said no, or stdout could not be written.
enum Failure {
    Core(steward_core::Error),
    Output(std::io::Error),
}

impl From<steward_core::Error> for Failure {
    fn from(e: steward_core::Error) -> Self {
        Failure::Core(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Output(e)
    }
}

type Outcome = Result<(), Failure>;

/// Exit codes by error kind (documented in the README; scripts rely on them).
fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Invalid => 3,
        ErrorKind::NotFound => 4,
        ErrorKind::Conflict => 5,
        ErrorKind::NewerSchema | ErrorKind::Storage => 6,
        ErrorKind::Io => 7,
        ErrorKind::Credentials => 8,
        ErrorKind::Signature | ErrorKind::Damaged | ErrorKind::NewKey => 9,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json_errors = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Output(e)) => {
            eprintln!("error: cannot write the output: {e}");
            ExitCode::from(7)
        }
        Err(Failure::Core(e)) => {
            if json_errors {
                let body =
                    json!({ "error": { "kind": e.kind(), "message": e.to_string(), "fields": e.field_errors() } });
                eprintln!("{body}");
            } else if e.field_errors().is_empty() {
                eprintln!("error: {e}");
            } else {
                eprintln!("error: invalid input");
                for f in e.field_errors() {
                    eprintln!("  {}: {}", f.field, f.message);
                }
            }
            ExitCode::from(exit_code(e.kind()))
        }
    }
}

/// The clock: the system's, or a fixed instant from `STEWARD_NOW` (RFC 3339) for reproducible runs.
fn clock() -> Result<Arc<dyn Clock>, Failure> {
    match std::env::var("STEWARD_NOW") {
        Ok(v) if !v.is_empty() => {
            let t = chrono::DateTime::parse_from_rfc3339(&v)
                .map_err(|_| steward_core::Error::invalid("STEWARD_NOW", format!("'{v}' is not an RFC 3339 time")))?;
            Ok(Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc))))
        }
        _ => Ok(Arc::new(SystemClock)),
    }
}

fn run(cli: Cli) -> Outcome {
    let out = Out { json: cli.json };
    let path = cli.db.clone().unwrap_or_else(steward_core::default_db_path);
    if let Command::Decision(args::DecisionCmd::Verify { file: Some(file), .. }) = &cli.command {
        // An existing store lends its identities and pinned keys; none is created for this.
        let store = if path.exists() { Some(Steward::open(&path, clock()?)?) } else { None };
        return records::verify_log_file(file, store.as_ref(), out);
    }
    let mut s = Steward::open(&path, clock()?)?;
    match cli.command {
        Command::Init => {
            let version = s.store().schema_version()?;
            if out.json {
                output::json(&json!({ "path": path, "schema_version": version }))?;
            } else {
                output::text(&format!("store ready at {} (schema version {version})", path.display()))?;
            }
        }
        Command::Demo { out: dir } => {
            let demo = s.install_demo()?;
            let mut files = Vec::new();
            if let Some(dir) = &dir {
                std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
                for (name, bytes) in s.demo_signed_pdfs()? {
                    let path = dir.join(name);
                    std::fs::write(&path, bytes).map_err(|e| io_error(&path, e))?;
                    files.push(path);
                }
            }
            if out.json {
                output::json(
                    &json!({ "collaboration_id": demo.collaboration_id, "party_ids": demo.party_ids, "agreement_ids": demo.agreement_ids, "created": demo.created, "decisions": demo.decisions, "decision_log_note": demo.decision_log_note, "files": files }),
                )?;
            } else {
                let what = if demo.created { "created" } else { "already present" };
                let mut t = format!("demo collaboration {} {what}", demo.collaboration_id);
                if let Some(note) = &demo.decision_log_note {
                    t.push_str(&format!("\nnote: {note}"));
                }
                for f in &files {
                    t.push_str(&format!("\nwrote {}", f.display()));
                }
                output::text(&t)?;
            }
        }
        Command::Identity(cmd) => identity(&mut s, cmd, out)?,
        Command::Sign { file, identity, out: path, reason } => {
            let pdf = std::fs::read(&file).map_err(|e| io_error(&file, e))?;
            let signed = s.sign_pdf(&pdf, identity, reason.as_deref())?;
            std::fs::write(&path, &signed).map_err(|e| io_error(&path, e))?;
            if out.json {
                output::json(&json!({ "out": path, "bytes": signed.len() }))?;
            } else {
                output::text(&format!("signed: {}", path.display()))?;
            }
        }
        Command::Verify { file } => {
            let pdf = std::fs::read(&file).map_err(|e| io_error(&file, e))?;
            let report = s.verify_pdf(&pdf)?;
            if out.json {
                output::json(&report)?;
            } else {
                output::text(&verify_text(&report))?;
            }
            if !report.ok {
                return Err(Failure::Core(steward_core::Error::Signature(if report.signatures.is_empty() {
                    "the file has no signatures".into()
                } else {
                    "not every signature is intact and unchanged since signing".into()
                })));
            }
        }
        Command::Collab(cmd) => collab(&mut s, cmd, out)?,
        Command::Party(cmd) => party(&mut s, cmd, out)?,
        Command::Person(cmd) => person(&mut s, cmd, out)?,
        Command::Template(cmd) => template(&mut s, cmd, out)?,
        Command::Clause(cmd) => clause(&mut s, cmd, out)?,
        Command::Agreement(cmd) => agreement(&mut s, cmd, out)?,
        Command::Ledger(cmd) => records::ledger(&mut s, cmd, out)?,
        Command::Rate(cmd) => records::rate(&mut s, cmd, out)?,
        Command::Credit(cmd) => records::credit(&mut s, cmd, out)?,
        Command::Decision(cmd) => records::decision(&mut s, cmd, out)?,
        Command::Exchange(cmd) => records::exchange(&mut s, cmd, out)?,
    }
    Ok(())
}

fn io_error(path: &std::path::Path, e: std::io::Error) -> Failure {
    Failure::Core(steward_core::Error::Io { context: format!("cannot use {}", path.display()), source: e })
}

fn identity(s: &mut Steward, cmd: IdentityCmd, out: Out) -> Outcome {
    match cmd {
        IdentityCmd::New { name, email, org, key } => {
            let id = s.create_identity(&name, &email, org.as_deref(), &key, false)?;
            if out.json {
                return Ok(output::json(&id)?);
            }
            out.id(id.id)
        }
        IdentityCmd::Import { file, password_stdin } => {
            let bytes = std::fs::read(&file).map_err(|e| io_error(&file, e))?;
            let password = if password_stdin || !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| io_error(std::path::Path::new("standard input"), e))?;
                line.trim_end_matches(['\r', '\n']).to_string()
            } else {
                rpassword::prompt_password(format!("Password for {}: ", file.display()))
                    .map_err(|e| io_error(&file, e))?
            };
            let id = s.import_identity(&bytes, &password)?;
            if out.json {
                return Ok(output::json(&id)?);
            }
            out.id(id.id)
        }
        IdentityCmd::List => {
            let list = s.identities()?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|i| {
                    vec![
                        i.id.to_string(),
                        i.key_kind.clone(),
                        i.origin.clone(),
                        i.fingerprint[..23].to_string() + "…",
                        format!(
                            "{} <{}>{}",
                            i.name,
                            i.email,
                            i.organisation.as_deref().map(|o| format!(", {o}")).unwrap_or_default()
                        ),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["ID", "KEY", "ORIGIN", "SHA-256", "WHO"], &rows))?)
        }
    }
}

fn verify_text(r: &steward_sign::VerifyReport) -> String {
    let mut t = String::new();
    if r.signatures.is_empty() {
        t.push_str("The file has no signatures.\n");
    }
    for (i, sig) in r.signatures.iter().enumerate() {
        t.push_str(&format!(
            "Signature {}: {}{}{}\n",
            i + 1,
            sig.signer,
            sig.organisation.as_deref().map(|o| format!(" ({o})")).unwrap_or_default(),
            sig.email.as_deref().map(|e| format!(" <{e}>")).unwrap_or_default()
        ));
        t.push_str(&format!("  certificate SHA-256  {}\n", sig.fingerprint));
        let known = match &sig.known {
            Some(steward_sign::KnownCertificate::Identity { id, name }) => format!("ours: identity {id} ({name})"),
            Some(steward_sign::KnownCertificate::Partner { party_id, party }) => {
                format!("a partner's pinned key: {party} (party {party_id})")
            }
            _ => "UNKNOWN: not one of our identities or a pinned partner key".to_string(),
        };
        if !sig.fingerprint.is_empty() {
            t.push_str(&format!("  certificate          {known}\n"));
        }
        if let Some(m) = &sig.signing_time {
            t.push_str(&format!("  signing time         {m}\n"));
        }
        let integrity = match sig.integrity {
            steward_sign::Integrity::Valid => "valid".to_string(),
            steward_sign::Integrity::DigestMismatch => "DIGEST MISMATCH: the signed bytes were changed".to_string(),
            steward_sign::Integrity::InvalidSignature => {
                "INVALID: the signature does not match the certificate".to_string()
            }
            steward_sign::Integrity::Malformed => format!("MALFORMED: {}", sig.problem.clone().unwrap_or_default()),
        };
        t.push_str(&format!("  integrity            {integrity}\n"));
        let covers = if sig.covers_whole_file {
            "the whole file".to_string()
        } else {
            format!("the first {} bytes (a later revision follows)", sig.signed_length)
        };
        t.push_str(&format!("  covers               {covers} (revision {} of {})\n", sig.revision, r.revisions));
        if sig.modified_after_signing.is_empty() {
            if !sig.covers_whole_file {
                t.push_str("  after signing        only further signatures were added\n");
            }
        } else {
            t.push_str(&format!("  MODIFIED AFTER SIGNING: {}\n", sig.modified_after_signing.join(", ")));
        }
        match sig.draft_matches {
            Some(true) => t.push_str("  embedded draft       matches what was signed\n"),
            Some(false) => t.push_str("  EMBEDDED DRAFT CHANGED after signing\n"),
            None => {}
        }
    }
    t.push_str(if r.ok {
        "Result: every signature is intact and nothing but signatures was added after signing.\n"
    } else {
        "Result: NOT VERIFIED.\n"
    });
    t
}

fn read_file(path: &std::path::Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| {
        Failure::Core(steward_core::Error::Io { context: format!("cannot read {}", path.display()), source: e })
    })
}

/// Values from `--vars FILE` first, then each `--set`, which wins.
fn values(v: ValueArgs) -> Result<(agreements::Values, agreements::Fallbacks), Failure> {
    let (mut set, mut fallbacks) = match &v.vars {
        Some(path) => agreements::parse_vars_file(&path.display().to_string(), &read_file(path)?)?,
        None => Default::default(),
    };
    for (k, val) in agreements::parse_assignments(&v.set, "--set")? {
        set.insert(k, serde_json::Value::String(val));
    }
    fallbacks.extend(agreements::parse_assignments(&v.fallback, "--fallback")?);
    Ok((set, fallbacks))
}

fn write_or_print(out_file: Option<&std::path::Path>, text: &str) -> Outcome {
    match out_file {
        Some(p) => std::fs::write(p, text).map_err(|e| {
            Failure::Core(steward_core::Error::Io { context: format!("cannot write {}", p.display()), source: e })
        }),
        None => Ok(output::text(text)?),
    }
}

fn template(s: &mut Steward, cmd: TemplateCmd, out: Out) -> Outcome {
    match cmd {
        TemplateCmd::List => {
            let list = s.templates()?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|t| {
                    let newest = t.versions.last();
                    vec![
                        t.template_type.clone(),
                        t.id.clone(),
                        t.current.map(|v| format!("v{v}")).unwrap_or_else(|| "-".into()),
                        newest.map(|v| format!("v{} {}", v.version, v.status)).unwrap_or_default(),
                        t.title.clone(),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["TYPE", "ID", "IN USE", "NEWEST", "TITLE"], &rows))?)
        }
        TemplateCmd::Show { id, version } => {
            let d = s.template(&id, version)?;
            if out.json {
                return Ok(output::json(&d)?);
            }
            Ok(output::text(&show_template(&d))?)
        }
        TemplateCmd::Check { path } => {
            let files = agreements::read_template_files(&path)?;
            let errors = s.check_templates(&files)?;
            if out.json {
                output::json(&json!({ "ok": errors.is_empty(), "files": files.len(), "errors": errors }))?;
            } else if errors.is_empty() {
                output::text(&format!("{} template file(s) checked: no problems", files.len()))?;
            } else {
                for e in &errors {
                    eprintln!("{e}");
                }
            }
            if errors.is_empty() {
                Ok(())
            } else {
                Err(Failure::Core(steward_core::Error::invalid(
                    path.display().to_string(),
                    format!("{} problem(s) found", errors.len()),
                )))
            }
        }
        TemplateCmd::Import { path } => {
            let files = agreements::read_template_files(&path)?;
            let report = s.import_templates(&files)?;
            if out.json {
                return Ok(output::json(&report)?);
            }
            let mut t = String::new();
            for v in &report.added {
                t.push_str(&format!("{} {} v{} added as {}\n", v.template_type, v.id, v.version, v.status));
            }
            t.push_str(&format!("{} new version(s), {} unchanged\n", report.added.len(), report.unchanged));
            Ok(output::text(&t)?)
        }
    }
}

fn show_template(d: &agreements::TemplateDetail) -> String {
    let mut t = format!("{} {} ({})\n", d.summary.template_type, d.summary.id, d.summary.title);
    for v in &d.summary.versions {
        let mark = if v.version == d.version { "*" } else { " " };
        t.push_str(&format!(
            " {mark} v{:<3} {:<10} {}  {} by {}\n",
            v.version,
            v.status,
            &v.hash[..12],
            v.created_at,
            v.created_by
        ));
    }
    let meta = d.content.get("meta").cloned().unwrap_or_default();
    if let Some(g) = meta.get("guidance").and_then(|g| g.as_str()).filter(|g| !g.is_empty()) {
        t.push_str(&format!("\nGuidance for reviewers:\n{}\n", g.trim()));
    }
    if let Some(vars) = meta.get("variables").and_then(|v| v.as_array()).filter(|v| !v.is_empty()) {
        t.push_str("\nVariables:\n");
        for v in vars {
            let get = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
            let default = v.get("default").map(|d| format!(" [default {d}]")).unwrap_or_default();
            t.push_str(&format!("  {} ({}){}: {}\n", get("name"), get("type"), default, get("label")));
        }
    }
    if let Some(fbs) = meta.get("fallbacks").and_then(|v| v.as_array()).filter(|v| !v.is_empty()) {
        t.push_str("\nFallbacks:\n");
        for f in fbs {
            t.push_str(&format!(
                "  {}: {}\n",
                f.get("id").and_then(|x| x.as_str()).unwrap_or_default(),
                f.get("label").and_then(|x| x.as_str()).unwrap_or_default()
            ));
        }
    }
    if let Some(body) = d.content.get("body").and_then(|b| b.as_str()) {
        t.push_str(&format!("\nBody:\n{body}\n"));
    }
    if !d.reviews.is_empty() {
        t.push_str("\nReview history:\n");
        for r in &d.reviews {
            t.push_str(&format!(
                "  {} {} -> {} by {}{}\n",
                r.at,
                r.from_status,
                r.to_status,
                r.reviewer,
                r.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default()
            ));
        }
    }
    t
}

fn clause(s: &mut Steward, cmd: ClauseCmd, out: Out) -> Outcome {
    let (args, to): (ReviewArgs, agreements::Status) = match cmd {
        ClauseCmd::Approve(a) => (a, agreements::Status::Approved),
        ClauseCmd::Reject(a) => (a, agreements::Status::Rejected),
        ClauseCmd::Deprecate(a) => (a, agreements::Status::Deprecated),
    };
    let row = s.review_template(&args.id, args.version, to, args.note.as_deref())?;
    if out.json {
        return Ok(output::json(&row)?);
    }
    Ok(output::text(&format!("{} v{} is now {}", row.template_id, row.version, row.status))?)
}

fn agreement(s: &mut Steward, cmd: AgreementCmd, out: Out) -> Outcome {
    match cmd {
        AgreementCmd::New { collab, kind, title, values: v } => {
            let (set, fallbacks) = values(v)?;
            let saved = s.create_agreement(collab, &kind, set, fallbacks, title)?;
            if out.json {
                return Ok(output::json(&saved)?);
            }
            if let Some(r) = saved.recommendation.as_ref().filter(|r| !r.followed) {
                eprintln!(
                    "note: the answers recommend {} = {} ({}); the draft uses another value",
                    r.variable, r.value, r.because
                );
            }
            out.id(saved.agreement_id)
        }
        AgreementCmd::Set { id, values: v, note } => {
            let (set, fallbacks) = values(v)?;
            let saved = s.update_agreement(id, set, fallbacks, note.as_deref())?;
            if out.json {
                return Ok(output::json(&saved)?);
            }
            Ok(output::text(&format!("agreement {id}: revision {} saved", saved.revision))?)
        }
        AgreementCmd::Upgrade { id } => {
            let u = s.upgrade_agreement(id)?;
            if out.json {
                return Ok(output::json(&u)?);
            }
            let mut t = String::new();
            for (c, (from, to)) in &u.moved {
                t.push_str(&format!("{c}: v{from} -> v{to}\n"));
            }
            match u.revision {
                Some(r) => t.push_str(&format!("agreement {id}: revision {r} uses the newest approved versions\n")),
                None => t.push_str(&format!("agreement {id} already uses the newest approved versions\n")),
            }
            Ok(output::text(&t)?)
        }
        AgreementCmd::List { collab } => {
            let list = s.agreements(collab)?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    vec![
                        a.id.to_string(),
                        a.collaboration_id.to_string(),
                        a.kind.clone(),
                        a.revisions.to_string(),
                        a.title.clone(),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["ID", "COLLAB", "KIND", "REVISIONS", "TITLE"], &rows))?)
        }
        AgreementCmd::Show { id } => {
            let d = s.agreement(id)?;
            if out.json {
                return Ok(output::json(&d)?);
            }
            let a = &d.agreement;
            let mut t = format!(
                "{}  {} ({}, collaboration {})\n  uid {}\n\nRevisions\n",
                a.id, a.title, a.kind, a.collaboration_id, a.uid
            );
            for r in &d.revisions {
                t.push_str(&format!(
                    "  {:<3} {}  {}  {}\n",
                    r.number,
                    r.created_at,
                    r.created_by,
                    r.note.clone().unwrap_or_default()
                ));
            }
            if let Some(r) = &d.recommendation {
                let state = if r.followed { "followed" } else { "overruled" };
                t.push_str(&format!("\nRecommendation ({state}): {} = {}: {}\n", r.variable, r.value, r.because));
            }
            t.push_str("\nValues\n");
            for (k, v) in &d.values {
                t.push_str(&format!("  {k} = {}\n", v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())));
            }
            for (k, v) in &d.fallbacks {
                t.push_str(&format!("  fallback {k} = {v}\n"));
            }
            Ok(output::text(&t)?)
        }
        AgreementCmd::Render { id, revision, format, out: file } => {
            let doc = s.render_agreement(id, revision)?;
            let text = match (out.json, format.as_str()) {
                (true, _) | (_, "json") => serde_json::to_string_pretty(&doc).unwrap_or_default(),
                (_, "text") => doc.to_text(),
                (_, "html") => doc.to_html(),
                (_, other) => {
                    return Err(Failure::Core(steward_core::Error::invalid(
                        "--format",
                        format!("'{other}' is not one of: text, html, json"),
                    )));
                }
            };
            write_or_print(file.as_deref(), &text)
        }
        AgreementCmd::Export { id, out: path, sign, revision } => {
            let e = s.export_agreement(id, revision, sign)?;
            std::fs::write(&path, &e.pdf).map_err(|err| io_error(&path, err))?;
            if out.json {
                return Ok(output::json(
                    &json!({ "out": path, "pages": e.pages, "bytes": e.bytes, "signed_by": e.signed_by }),
                )?);
            }
            let by = e.signed_by.map(|n| format!(", signed by {n}")).unwrap_or_default();
            Ok(output::text(&format!("wrote {} ({} pages, {} bytes{by})", path.display(), e.pages, e.bytes))?)
        }
        AgreementCmd::Diff { id, from, to, format } => {
            let r = s.diff_agreement(id, from, to)?;
            match (out.json, format.as_str()) {
                (true, _) | (_, "json") => Ok(output::json(&r)?),
                (_, "text") => Ok(output::text(&r.to_text())?),
                (_, "html") => Ok(output::text(&r.to_html())?),
                (_, other) => Err(Failure::Core(steward_core::Error::invalid(
                    "--format",
                    format!("'{other}' is not one of: text, html, json"),
                ))),
            }
        }
    }
}

#[derive(Clone, Copy)]
struct Out {
    json: bool,
}

impl Out {
    fn id(self, id: i64) -> Outcome {
        if self.json {
            output::json(&json!({ "id": id }))?
        } else {
            output::text(&id.to_string())?
        }
        Ok(())
    }
    fn done(self, message: &str) -> Outcome {
        if self.json {
            output::json(&json!({ "ok": true }))?
        } else {
            output::text(message)?
        }
        Ok(())
    }
}

fn patch(title: Option<String>, f: CollabFields) -> CollaborationPatch {
    CollaborationPatch {
        title,
        summary: f.summary,
        status: f.status,
        start_date: f.start_date,
        end_date: f.end_date,
        sunset_date: f.sunset_date,
    }
}

fn role(text: &str) -> Result<Role, Failure> {
    Role::parse("role", text).map_err(|e| Failure::Core(steward_core::Error::invalid(e.field, e.message)))
}

fn collab(s: &mut Steward, cmd: CollabCmd, out: Out) -> Outcome {
    match cmd {
        CollabCmd::New { title, fields } => {
            let p = patch(Some(title), fields);
            let new = NewCollaboration {
                title: p.title.unwrap_or_default(),
                summary: p.summary,
                status: p.status,
                start_date: p.start_date,
                end_date: p.end_date,
                sunset_date: p.sunset_date,
            };
            out.id(s.create_collaboration(&new)?)
        }
        CollabCmd::List { all } => {
            let list = s.collaborations(all)?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|c| {
                    let c0 = &c.collaboration;
                    vec![
                        c0.id.to_string(),
                        c0.status.to_string() + if c0.archived { " (archived)" } else { "" },
                        c.countries.join(","),
                        c0.start_date.map(|d| d.to_string()).unwrap_or_default(),
                        c0.end_date.map(|d| d.to_string()).unwrap_or_default(),
                        c0.title.clone(),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["ID", "STATUS", "COUNTRIES", "START", "END", "TITLE"], &rows))?)
        }
        CollabCmd::Show { id } => {
            let d = s.collaboration(id)?;
            if out.json { Ok(output::json(&d)?) } else { Ok(output::text(&show_collab(&d))?) }
        }
        CollabCmd::Edit { id, title, fields } => {
            let c = s.update_collaboration(id, &patch(title, fields))?;
            if out.json { Ok(output::json(&c)?) } else { out.done(&format!("collaboration {id} updated")) }
        }
        CollabCmd::Archive { id } => {
            s.archive_collaboration(id)?;
            out.done(&format!("collaboration {id} archived"))
        }
        CollabCmd::Restore { id } => {
            s.restore_collaboration(id)?;
            out.done(&format!("collaboration {id} restored"))
        }
        CollabCmd::AddParty { id, party, role: r } => {
            s.add_member(id, party, role(&r)?)?;
            out.done(&format!("party {party} added to collaboration {id} as {r}"))
        }
        CollabCmd::SetRole { id, party, role: r } => {
            s.set_member_role(id, party, role(&r)?)?;
            out.done(&format!("party {party} is now {r} in collaboration {id}"))
        }
        CollabCmd::RemoveParty { id, party } => {
            s.remove_member(id, party)?;
            out.done(&format!("party {party} removed from collaboration {id}"))
        }
    }
}

fn show_collab(d: &CollaborationDetail) -> String {
    let c = &d.collaboration;
    let mut t = format!("{}  {}\n", c.id, c.title);
    let field = |t: &mut String, k: &str, v: Option<String>| {
        if let Some(v) = v {
            t.push_str(&format!("  {k:<8} {v}\n"));
        }
    };
    field(&mut t, "status", Some(c.status.to_string() + if c.archived { " (archived)" } else { "" }));
    field(&mut t, "start", c.start_date.map(|d| d.to_string()));
    field(&mut t, "end", c.end_date.map(|d| d.to_string()));
    field(&mut t, "sunset", c.sunset_date.map(|d| d.to_string()));
    field(&mut t, "summary", c.summary.clone());
    t.push_str("\nParties\n");
    if d.members.is_empty() {
        t.push_str("  (none yet: steward collab add-party ID --party P --role lead)\n");
    }
    for m in &d.members {
        t.push_str(&format!("  {:<14} {} ({}, {})\n", m.role, m.party.legal_name, m.party.country, m.party.id));
        for p in d.people.iter().filter(|p| p.party_id == m.party.id) {
            t.push_str(&format!("  {:<14}   {} <{}>\n", "", p.name, p.email));
        }
    }
    t
}

fn party(s: &mut Steward, cmd: PartyCmd, out: Out) -> Outcome {
    match cmd {
        PartyCmd::Add { name, country, short_name, kind, reg_no, address } => out.id(s.add_party(&NewParty {
            legal_name: name,
            short_name,
            kind,
            registration_number: reg_no,
            address,
            country,
        })?),
        PartyCmd::List { all } => {
            let list = s.parties(all)?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            Ok(output::text(&output::table(
                &["ID", "COUNTRY", "KIND", "NAME"],
                &list.iter().map(party_row).collect::<Vec<_>>(),
            ))?)
        }
        PartyCmd::Show { id } => {
            let p = s.party(id)?;
            let keys = s.partner_keys(Some(id))?;
            if out.json {
                let mut v = serde_json::to_value(&p).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("keys".into(), serde_json::to_value(&keys).unwrap_or_default());
                }
                return Ok(output::json(&v)?);
            }
            let mut t = format!("{}  {}\n", p.id, p.legal_name);
            for (k, v) in [
                ("short", p.short_name.clone()),
                ("kind", Some(p.kind.to_string())),
                ("country", Some(p.country.clone())),
                ("reg. no", p.registration_number.clone()),
                ("address", p.address.clone()),
                ("archived", p.archived.then(|| "yes".to_string())),
            ] {
                if let Some(v) = v {
                    t.push_str(&format!("  {k:<9} {v}\n"));
                }
            }
            for k in &keys {
                let how = match k.decision_seq {
                    None => "first key".to_string(),
                    Some(d) => format!("accepted by decision {d}"),
                };
                t.push_str(&format!(
                    "  key       {}  {} (pinned {} from {}, {how})\n",
                    k.fingerprint, k.subject, k.pinned_at, k.file_name
                ));
            }
            Ok(output::text(&t)?)
        }
        PartyCmd::Archive { id } => {
            s.archive_party(id)?;
            out.done(&format!("party {id} archived"))
        }
        PartyCmd::Remove { id } => {
            s.remove_party(id)?;
            out.done(&format!("party {id} removed"))
        }
    }
}

fn party_row(p: &Party) -> Vec<String> {
    let name = if p.archived { format!("{} (archived)", p.legal_name) } else { p.legal_name.clone() };
    vec![p.id.to_string(), p.country.clone(), p.kind.to_string(), name]
}

fn person(s: &mut Steward, cmd: PersonCmd, out: Out) -> Outcome {
    match cmd {
        PersonCmd::Add { name, email, party, orcid } => {
            out.id(s.add_person(&NewPerson { name, email, orcid, party_id: party })?)
        }
        PersonCmd::List { party, collab, all } => {
            let list = s.people(party, collab, all)?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            let rows: Vec<Vec<String>> = list.iter().map(person_row).collect();
            Ok(output::text(&output::table(&["ID", "PARTY", "EMAIL", "ORCID", "NAME"], &rows))?)
        }
        PersonCmd::Archive { id } => {
            s.archive_person(id)?;
            out.done(&format!("person {id} archived"))
        }
    }
}

fn person_row(p: &Person) -> Vec<String> {
    vec![p.id.to_string(), p.party_id.to_string(), p.email.clone(), p.orcid.clone().unwrap_or_default(), p.name.clone()]
}
