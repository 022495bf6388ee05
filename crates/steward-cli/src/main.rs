//! `steward`: the command-line host. Each verb parses its flags, makes one call into
//! steward-core, and prints the result; no domain logic lives here.

mod args;
mod cmd;
mod output;

use args::{Cli, Command};
use clap::Parser;
use serde_json::json;
use std::process::ExitCode;
use std::sync::Arc;
use steward_core::{Clock, ErrorKind, FixedClock, Steward, SystemClock};

// An export makes and drops some hundred thousand small objects (glyph strings, PDF operands);
// mimalloc serves them in a fraction of the system allocator's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Why a command failed: the core said no, or stdout could not be written.
pub(crate) enum Failure {
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

pub(crate) type Outcome = Result<(), Failure>;

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
        ErrorKind::Typesetting => 10,
        ErrorKind::Diligence => 11,
        ErrorKind::Remote => 12,
        ErrorKind::Release => 13,
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
                let body = json!({ "error": { "kind": e.kind(), "message": e.to_string(), "fields": e.field_errors(), "data": e.data() } });
                eprintln!("{body}");
            } else if let steward_core::Error::MissingRates { rates, .. } = &e {
                eprintln!("error: invalid input: the report needs exchange rates that are not recorded");
                for r in rates {
                    eprintln!(
                        "  rate {}→{}: none on or before {} ({} entry date(s) need one); record it with `steward rate add --from {} --to {} --rate R --date {} --source S`",
                        r.from, r.to, r.first_needed, r.entries_on_dates, r.from, r.to, r.first_needed
                    );
                }
            } else if e.kind() != ErrorKind::Invalid || e.field_errors().is_empty() {
                eprintln!("error: {e}");
            } else {
                eprintln!("error: invalid input");
                for f in e.field_errors() {
                    eprintln!("  {f}");
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
        return cmd::decision::verify_log_file(file, store.as_ref(), out);
    }
    let mut s = Steward::open(&path, clock()?)?;
    if cli.no_timestamp {
        s.set_time_stamping(steward_core::trust::lasting::TimeStamping::Off);
    } else if let Some(url) = &cli.tsa {
        s.set_time_stamping(steward_core::trust::lasting::TimeStamping::Url(url.clone()));
    }
    match cli.command {
        Command::Init => {
            let version = s.schema_version()?;
            if out.json {
                output::json(&json!({ "path": path, "schema_version": version }))?;
            } else {
                output::text(&format!("store ready at {} (schema version {version})", path.display()))?;
            }
        }
        Command::Demo { out: dir } => {
            let demo = s.install_demo()?;
            let library_note = s.install_demo_library();
            let mut files = Vec::new();
            if let Some(dir) = &dir {
                std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
                for (name, bytes) in s.demo_signed_pdfs()? {
                    let path = dir.join(name);
                    steward_core::files::write_atomically(&path, &bytes)?;
                    files.push(path);
                }
            }
            if out.json {
                output::json(
                    &json!({ "collaboration_id": demo.collaboration_id, "party_ids": demo.party_ids, "agreement_ids": demo.agreement_ids, "created": demo.created, "decisions": demo.decisions, "decision_log_note": demo.decision_log_note, "library_note": library_note, "files": files }),
                )?;
            } else {
                let what = if demo.created { "created" } else { "already present" };
                let mut t = format!("demo collaboration {} {what}", demo.collaboration_id);
                if let Some(note) = &demo.decision_log_note {
                    t.push_str(&format!("\nnote: {note}"));
                }
                if let Some(note) = &library_note {
                    t.push_str(&format!("\nnote: {note}"));
                }
                for f in &files {
                    t.push_str(&format!("\nwrote {}", f.display()));
                }
                output::text(&t)?;
            }
        }
        Command::Identity(cmd) => cmd::identity::identity(&mut s, cmd, out)?,
        Command::Sign { file, identity, out: path, reason, ltv } => {
            cmd::documents::sign(&s, &file, identity, &path, reason.as_deref(), ltv, out)?
        }
        Command::Verify { file } => cmd::documents::verify(&s, &file, out)?,
        Command::Timestamp { file, out: dest } => cmd::lasting::timestamp(&s, &file, dest.as_deref(), out)?,
        Command::Ltv(cmd) => cmd::lasting::ltv(&s, cmd, out)?,
        Command::Trust(cmd) => cmd::lasting::trust(&mut s, cmd, out)?,
        Command::Settings(cmd) => cmd::lasting::settings(&mut s, cmd, out)?,
        Command::Search { query } => cmd::library::search(&s, &query.join(" "), out)?,
        Command::Collab(cmd) => cmd::collab::collab(&mut s, cmd, out)?,
        Command::Party(cmd) => cmd::party::party(&mut s, cmd, out)?,
        Command::Person(cmd) => cmd::party::person(&mut s, cmd, out)?,
        Command::Template(cmd) => cmd::library::template(&mut s, cmd, out)?,
        Command::Clause(cmd) => cmd::library::clause(&mut s, cmd, out)?,
        Command::Agreement(cmd) => cmd::agreement::agreement(&mut s, cmd, out)?,
        Command::Ledger(cmd) => cmd::ledger::ledger(&mut s, cmd, out)?,
        Command::Rate(cmd) => cmd::ledger::rate(&mut s, cmd, out)?,
        Command::Credit(cmd) => cmd::ledger::credit(&mut s, cmd, out)?,
        Command::Decision(cmd) => cmd::decision::decision(&mut s, cmd, out)?,
        Command::Exchange(cmd) => cmd::exchange::exchange(&mut s, cmd, out)?,
        Command::Diligence(cmd) => cmd::diligence::diligence(&mut s, cmd, out)?,
        Command::Screening(cmd) => cmd::diligence::screening(&mut s, cmd, out)?,
        Command::Risk(cmd) => cmd::running::risk(&mut s, *cmd, out)?,
        Command::Obligation(cmd) => cmd::running::obligation(&mut s, cmd, out)?,
        Command::Publication(cmd) => cmd::running::publication(&mut s, cmd, out)?,
        Command::Calendar(cmd) => cmd::running::calendar(&mut s, cmd, out)?,
        Command::Ip(cmd) => cmd::ip::ip(&mut s, *cmd, out)?,
        Command::Dataset(cmd) => cmd::ip::dataset(&mut s, cmd, out)?,
        Command::Exit(cmd) => cmd::ip::exit(&mut s, *cmd, out)?,
        Command::Library(cmd) => cmd::sources::library(&mut s, cmd, out)?,
    }
    Ok(())
}

pub(crate) fn io_error(path: &std::path::Path, e: std::io::Error) -> Failure {
    Failure::Core(steward_core::Error::Io { context: format!("cannot use {}", path.display()), source: e })
}

/// A text file given on the command line (bounded, regular files only).
pub(crate) fn read_file(path: &std::path::Path) -> Result<String, Failure> {
    Ok(steward_core::files::read_text(path, steward_core::files::MAX_TEXT)?)
}

/// A file given on the command line, as bytes (bounded, regular files only).
pub(crate) fn read_bytes(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, Failure> {
    Ok(steward_core::files::read_bounded(path, limit)?)
}

/// Writes a file the user named, atomically.
pub(crate) fn write_bytes(path: &std::path::Path, bytes: &[u8]) -> Outcome {
    Ok(steward_core::files::write_atomically(path, bytes)?)
}

pub(crate) fn write_or_print(out_file: Option<&std::path::Path>, text: &str) -> Outcome {
    match out_file {
        Some(p) => write_bytes(p, text.as_bytes()),
        None => Ok(output::text(text)?),
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Out {
    pub(crate) json: bool,
}

impl Out {
    pub(crate) fn id(self, id: i64) -> Outcome {
        if self.json {
            output::json(&json!({ "id": id }))?
        } else {
            output::text(&id.to_string())?
        }
        Ok(())
    }
    pub(crate) fn done(self, message: &str) -> Outcome {
        if self.json {
            output::json(&json!({ "ok": true }))?
        } else {
            output::text(message)?
        }
        Ok(())
    }
}

pub(crate) fn write_or_stdout(path: Option<&std::path::Path>, bytes: &[u8]) -> Outcome {
    match path {
        Some(p) => write_bytes(p, bytes),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            Ok(())
        }
    }
}
