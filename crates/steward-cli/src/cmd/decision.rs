//! `steward decision`: the signed, hash-chained decision log.

use crate::args::DecisionCmd;
use crate::{Failure, Out, Outcome, output, write_or_stdout};
use serde_json::json;
use steward_core::Steward;
use steward_core::decisions::{LogVerification, NewDecision};

/// `decision verify --file` needs no store: it runs before one is opened, and checks the
/// authors against the store's keys only when `store` names an existing one (none is created).
pub(crate) fn verify_log_file(path: &std::path::Path, store: Option<&Steward>, out: Out) -> Outcome {
    let data = crate::read_bytes(path, steward_core::files::MAX_TEXT)?;
    let v = match store {
        Some(s) => s.verify_exported_decisions(&data)?,
        None => steward_core::decisions::verify_exported_log(&data, None)?,
    };
    print_verification(&v, out)
}

pub(crate) fn print_verification(v: &LogVerification, out: Out) -> Outcome {
    if out.json {
        output::json(v)?;
    } else {
        let mut t = match &v.first_break {
            None => format!("The decision log is intact: {} entries, every hash and signature verified.\n", v.entries),
            Some(b) => format!(
                "The decision log is BROKEN at entry {} (position {}): {}: {}.\n",
                b.entry,
                b.position,
                b.kind.as_str(),
                b.detail
            ),
        };
        for a in &v.authors {
            t.push_str(&format!("  author: {a}\n"));
        }
        if let Some(c) = &v.checkpoint {
            t.push_str(&format!(
                "  checkpoint: {} entries, last {}, signed {} by {}\n",
                c.entries,
                c.last_hash.get(..16).unwrap_or(""),
                c.signed_at,
                c.signer_fingerprint
            ));
        }
        if !v.checked.is_empty() {
            t.push_str(&format!("  checked: {}\n", v.checked));
        }
        output::text(&t)?;
    }
    if let Some(b) = &v.first_break {
        return Err(Failure::Core(steward_core::Error::Signature(format!(
            "decision log broken at entry {}: {}",
            b.entry,
            b.kind.as_str()
        ))));
    }
    Ok(())
}

pub(crate) fn decision(s: &mut Steward, cmd: DecisionCmd, out: Out) -> Outcome {
    match cmd {
        DecisionCmd::Add { collab, title, decision, rationale, participants, date, links, supersedes, identity } => {
            let new = NewDecision { title, decision, rationale, participants, date, links, supersedes };
            let d = s.add_decision(collab, &new, identity)?;
            if out.json {
                return Ok(output::json(&d)?);
            }
            Ok(output::text(&d.entry.seq.to_string())?)
        }
        DecisionCmd::Checkpoint { collab, identity } => {
            let v = s.sign_decision_checkpoint(collab, identity)?;
            print_verification(&v, out)
        }
        DecisionCmd::List { collab } => {
            let log = s.decisions(collab)?;
            if out.json {
                return Ok(output::json(&log)?);
            }
            let rows: Vec<Vec<String>> = log
                .iter()
                .map(|d| {
                    let mut note = String::new();
                    if let Some(old) = d.entry.supersedes {
                        note.push_str(&format!("supersedes {old}"));
                    }
                    if !d.superseded_by.is_empty() {
                        let by: Vec<String> = d.superseded_by.iter().map(u64::to_string).collect();
                        note.push_str(&format!("superseded by {}", by.join(", ")));
                    }
                    vec![
                        d.entry.seq.to_string(),
                        d.entry.date.clone(),
                        d.entry.title.clone(),
                        d.entry.author.clone(),
                        d.hash.get(..12).unwrap_or(&d.hash).to_string(),
                        note,
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["N", "DATE", "TITLE", "AUTHOR", "HASH", "NOTE"], &rows))?)
        }
        DecisionCmd::Verify { collab, file } => match (collab, file) {
            (_, Some(path)) => verify_log_file(&path, Some(s), out),
            (Some(c), None) => {
                let v = s.verify_decisions(c)?;
                print_verification(&v, out)
            }
            (None, None) => {
                Err(Failure::Core(steward_core::Error::invalid("collab", "give --collab ID or --file LOG.json")))
            }
        },
        DecisionCmd::Export { collab, out: path } => {
            let export = s.export_decisions(collab)?;
            let mut bytes = serde_json::to_vec_pretty(&export)
                .map_err(|e| steward_core::Error::Conflict(format!("encoding the log: {e}")))?;
            bytes.push(b'\n');
            write_or_stdout(path.as_deref(), &bytes)?;
            if let (Some(p), true) = (&path, out.json) {
                output::json(&json!({ "out": p, "entries": export.entries.len() }))?;
            }
            Ok(())
        }
    }
}
