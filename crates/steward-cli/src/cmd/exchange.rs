//! `steward exchange`: partners' signed drafts imported, compared, decided and countersigned.

use crate::args::{ExchangeCmd, Format};
use crate::{Out, Outcome, output, write_or_stdout};
use serde_json::json;
use steward_core::Steward;
use steward_core::exchange::FileFormat;

pub(crate) fn show_json(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

pub(crate) fn exchange(s: &mut Steward, cmd: ExchangeCmd, out: Out) -> Outcome {
    match cmd {
        ExchangeCmd::Import { file, collab, unsigned, accept_new_key, identity } => {
            let pdf = crate::read_bytes(&file, steward_core::files::MAX_PDF)?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let opts = steward_core::exchange::ImportOptions {
                collab,
                allow_unsigned: unsigned,
                accept_new_key: if accept_new_key { identity } else { None },
            };
            let r = s.import_partner_file(&pdf, &name, &opts)?;
            if out.json {
                return Ok(output::json(&r)?);
            }
            let mut t = format!("{}\n", r.received.id);
            let signed = if r.received.signed {
                format!("signed by {}", r.received.signers.join("; "))
            } else if r.received.format == FileFormat::Docx {
                "a Word file: an UNSIGNED draft".into()
            } else {
                "UNSIGNED draft (imported with --unsigned)".into()
            };
            t.push_str(&format!(
                "{}: {} (their revision {}), {signed}\n",
                r.received.file_name, r.received.agreement_title, r.received.their_revision
            ));
            if r.created_agreement {
                t.push_str(&format!(
                    "new here: agreement {} in collaboration {}{}\n",
                    r.received.agreement_id,
                    r.received.collaboration_id,
                    if r.created_collaboration { " (created, with the parties the draft names)" } else { "" }
                ));
            }
            for p in &r.pinned {
                t.push_str(&format!("key: {p}\n"));
            }
            for v in &r.new_versions {
                t.push_str(&format!("kept as received, non-standard: {v}\n"));
            }
            for c in &r.changes {
                t.push_str(&format!("change {}{}\n", c.id, if c.non_standard { " (non-standard text)" } else { "" }));
            }
            if r.received.format == FileFormat::Docx && r.changes.is_empty() {
                t.push_str("no changes: the partner left every clause as we sent it\n");
            }
            for c in &r.comments {
                t.push_str(&format!(
                    "comment by {} on {}: {}\n",
                    c.author,
                    c.clause.as_deref().unwrap_or("the document"),
                    c.text
                ));
            }
            for n in &r.notes {
                t.push_str(&format!("note: {n}\n"));
            }
            eprint!("{t}");
            Ok(())
        }
        ExchangeCmd::List { agreement } => {
            let list = s.received_drafts(agreement)?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.agreement_title.clone(),
                        r.file_name.clone(),
                        if r.signed { r.signers.join("; ") } else { "UNSIGNED".into() },
                        r.received_at.clone(),
                        r.state_label.clone(),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["ID", "AGREEMENT", "FILE", "SIGNED BY", "RECEIVED", "STATE"], &rows))?)
        }
        ExchangeCmd::Show { id, format, out: path } => {
            let r = s.exchange_redline(id)?;
            let bytes = match (out.json, format) {
                (true, _) | (_, Format::Json) => {
                    let mut b = serde_json::to_vec_pretty(&r)
                        .map_err(|e| steward_core::Error::Conflict(format!("encoding: {e}")))?;
                    b.push(b'\n');
                    b
                }
                (_, Format::Html) => r.redline.to_html().into_bytes(),
                (_, Format::Text) => {
                    let mut t = format!(
                        "Received draft {} ({}, {}) against our revision {}\n\n",
                        r.received.id,
                        r.received.file_name,
                        match (r.received.signed, r.received.format) {
                            (true, _) => "signed",
                            (false, FileFormat::Docx) => "Word file, UNSIGNED",
                            _ => "UNSIGNED",
                        },
                        r.ours
                    );
                    if r.changes.is_empty() {
                        t.push_str("No changes.\n");
                    }
                    for c in &r.comments {
                        t.push_str(&format!(
                            "comment by {}{} on {}: {}\n",
                            c.author,
                            c.date.as_deref().map(|d| format!(" ({d})")).unwrap_or_default(),
                            c.clause.as_deref().unwrap_or("the document"),
                            c.text
                        ));
                    }
                    for n in &r.notes {
                        t.push_str(&format!("note: {n}\n"));
                    }
                    for c in &r.changes {
                        t.push_str(&format!(
                            "{}{}\n  ours:   {}\n  theirs: {}\n",
                            c.id,
                            if c.non_standard { "  [NON-STANDARD: not approved in our library]" } else { "" },
                            show_json(&c.ours),
                            show_json(&c.theirs)
                        ));
                    }
                    t.push('\n');
                    t.push_str(&r.redline.to_text());
                    t.into_bytes()
                }
            };
            write_or_stdout(path.as_deref(), &bytes)?;
            Ok(())
        }
        ExchangeCmd::Decide { id, accept, reject, identity } => {
            let d = s.decide_exchange(id, &accept, &reject, identity)?;
            if out.json {
                return Ok(output::json(&d)?);
            }
            let rev = d.revision.map(|n| format!("revision {n}")).unwrap_or_else(|| "no new revision".into());
            Ok(output::text(&format!(
                "accepted {}, rejected {}: {rev}; decision log entry {}",
                d.accepted.len(),
                d.rejected.len(),
                d.decision_seq
            ))?)
        }
        ExchangeCmd::Countersign { id, identity, out: path } => {
            let pdf = s.countersign_received(id, identity)?;
            crate::write_bytes(&path, &pdf)?;
            if out.json {
                return Ok(output::json(&json!({ "out": path, "bytes": pdf.len() }))?);
            }
            Ok(())
        }
    }
}
