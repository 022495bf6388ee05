//! `steward`: the command-line host. Each verb parses its flags, makes one call into
//! steward-core, and prints the result; no domain logic lives here.

mod args;
mod output;

use args::{Cli, CollabCmd, CollabFields, Command, PartyCmd, PersonCmd};
use clap::Parser;
use serde_json::json;
use std::process::ExitCode;
use std::sync::Arc;
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
    let path = cli.db.clone().unwrap_or_else(steward_core::default_db_path);
    let mut s = Steward::open(&path, clock()?)?;
    let out = Out { json: cli.json };
    match cli.command {
        Command::Init => {
            let version = s.store().schema_version()?;
            if out.json {
                output::json(&json!({ "path": path, "schema_version": version }))?;
            } else {
                output::text(&format!("store ready at {} (schema version {version})", path.display()))?;
            }
        }
        Command::Demo => {
            let demo = s.install_demo()?;
            if out.json {
                output::json(&demo)?;
            } else {
                let what = if demo.created { "created" } else { "already present" };
                output::text(&format!("demo collaboration {} {what}", demo.collaboration_id))?;
            }
        }
        Command::Collab(cmd) => collab(&mut s, cmd, out)?,
        Command::Party(cmd) => party(&mut s, cmd, out)?,
        Command::Person(cmd) => person(&mut s, cmd, out)?,
    }
    Ok(())
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
            if out.json {
                return Ok(output::json(&p)?);
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
