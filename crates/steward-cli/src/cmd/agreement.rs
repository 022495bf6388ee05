//! `steward agreement`: drafting, revising, upgrading, rendering, comparing and exporting agreements.

use crate::args::{AgreementCmd, ExportFormat, Format, ValueArgs};
use crate::{Failure, Out, Outcome, output, read_file, write_or_print};
use serde_json::json;
use steward_core::Steward;
use steward_core::agreements;

/// Values from `--vars FILE` first, then each `--set`, which wins.
pub(crate) fn values(v: ValueArgs) -> Result<(agreements::Values, agreements::Fallbacks), Failure> {
    let (mut set, mut fallbacks) = match &v.vars {
        Some(path) => agreements::parse_vars_file(&path.display().to_string(), &read_file(path)?)?,
        None => Default::default(),
    };
    for (k, val) in parse_assignments(&v.set, "--set")? {
        set.insert(k, serde_json::Value::String(val));
    }
    fallbacks.extend(parse_assignments(&v.fallback, "--fallback")?);
    Ok((set, fallbacks))
}

pub(crate) fn agreement(s: &mut Steward, cmd: AgreementCmd, out: Out) -> Outcome {
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
            let text = match (out.json, format) {
                (true, _) | (_, Format::Json) => serde_json::to_string_pretty(&doc).unwrap_or_default(),
                (_, Format::Text) => doc.to_text(),
                (_, Format::Html) => doc.to_html(),
            };
            write_or_print(file.as_deref(), &text)
        }
        AgreementCmd::Export { id, out: path, format: ExportFormat::Docx, sign, revision, ltv } => {
            if sign.is_some() || ltv {
                return Err(steward_core::Error::invalid(
                    "--sign",
                    "a Word file carries no signature: export a PDF to sign (--format pdf)",
                )
                .into());
            }
            let e = s.export_agreement_docx(id, revision)?;
            crate::write_bytes(&path, &e.docx)?;
            if out.json {
                return Ok(output::json(&json!({
                    "out": path, "format": "docx", "bytes": e.bytes, "revision": e.revision, "clauses": e.clauses
                }))?);
            }
            Ok(output::text(&format!(
                "wrote {} (Word, revision {}, {} clauses, {} bytes; unsigned: what goes back for signature is a signed PDF)",
                path.display(),
                e.revision,
                e.clauses,
                e.bytes
            ))?)
        }
        AgreementCmd::Export { id, out: path, format: ExportFormat::Pdf, sign, revision, ltv } => {
            let e = s.export_agreement(id, revision, sign)?;
            if ltv {
                return crate::cmd::lasting::add_ltv(s, &e.pdf, &path, out);
            }
            crate::write_bytes(&path, &e.pdf)?;
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
            match (out.json, format) {
                (true, _) | (_, Format::Json) => Ok(output::json(&r)?),
                (_, Format::Text) => Ok(output::text(&r.to_text())?),
                (_, Format::Html) => Ok(output::text(&r.to_html())?),
            }
        }
    }
}

/// `NAME=VALUE` pairs from the command line; values are text (typed parsing happens per variable).
pub(crate) fn parse_assignments(
    args: &[String],
    flag: &str,
) -> Result<std::collections::BTreeMap<String, String>, Failure> {
    let mut out = std::collections::BTreeMap::new();
    let mut bad = Vec::new();
    for a in args {
        match a.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.insert(k.trim().to_string(), v.to_string());
            }
            _ => bad.push(steward_core::FieldError::new(format!("{flag} {a}"), "must be NAME=VALUE")),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(Failure::Core(steward_core::Error::Invalid(steward_core::error::Invalid(bad))))
    }
}
