//! `steward template` and `steward clause`: the clause library (check, import, list, show, review).

use crate::args::{ClauseCmd, ReviewArgs, TemplateCmd};
use crate::{Failure, Out, Outcome, output};
use serde_json::json;
use steward_core::Steward;

pub(crate) fn template(s: &mut Steward, cmd: TemplateCmd, out: Out) -> Outcome {
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
        TemplateCmd::Show { id, version, file: true } => {
            let f = s.template_file(&id, version)?;
            if out.json {
                return Ok(output::json(&f)?);
            }
            Ok(output::text(f.text.trim_end())?)
        }
        TemplateCmd::Show { id, version, file: false } => {
            let d = s.template(&id, version)?;
            if out.json {
                return Ok(output::json(&d)?);
            }
            Ok(output::text(&show_template(&d))?)
        }
        TemplateCmd::Check { path } => {
            let files = steward_core::library::read_template_files(&path)?;
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
            let files = steward_core::library::read_template_files(&path)?;
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

pub(crate) fn show_template(d: &steward_core::library::TemplateDetail) -> String {
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

pub(crate) fn clause(s: &mut Steward, cmd: ClauseCmd, out: Out) -> Outcome {
    let (args, to): (ReviewArgs, steward_core::library::Status) = match cmd {
        ClauseCmd::Approve(a) => (a, steward_core::library::Status::Approved),
        ClauseCmd::Reject(a) => (a, steward_core::library::Status::Rejected),
        ClauseCmd::Deprecate(a) => (a, steward_core::library::Status::Deprecated),
        ClauseCmd::Propose { id, file, note } => {
            let bytes = crate::read_bytes(&file, 1 << 20)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| steward_core::Error::invalid(file.display().to_string(), "is not UTF-8 text"))?;
            let v = s.propose_template_version(&id, &text, &note)?;
            if out.json {
                return Ok(output::json(&v)?);
            }
            return Ok(output::text(&format!("{} v{} proposed: it waits for review", v.id, v.version))?);
        }
        ClauseCmd::Reinstate(a) => {
            let row = s.reinstate_template(&a.id, a.version, a.note.as_deref().unwrap_or_default())?;
            if out.json {
                return Ok(output::json(&row)?);
            }
            return Ok(output::text(&format!("{} v{} is approved again", row.template_id, row.version))?);
        }
    };
    let row = s.review_template(&args.id, args.version, to, args.note.as_deref())?;
    if out.json {
        return Ok(output::json(&row)?);
    }
    Ok(output::text(&format!("{} v{} is now {}", row.template_id, row.version, row.status))?)
}

/// `steward search WORDS`: everything that matches, grouped as the window's search shows it.
pub(crate) fn search(s: &Steward, query: &str, out: Out) -> Outcome {
    let found = s.search(query)?;
    if out.json {
        return Ok(output::json(&found)?);
    }
    if found.is_empty() {
        return Ok(output::text(&format!("nothing matches \u{201c}{query}\u{201d}"))?);
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|f| {
            let kind =
                serde_json::to_value(f.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            let key = f.id.map(|i| i.to_string()).or_else(|| f.template.clone()).unwrap_or_default();
            vec![kind, key, f.title.clone(), f.detail.clone()]
        })
        .collect();
    Ok(output::text(&output::table(&["KIND", "ID", "NAME", "DETAIL"], &rows))?)
}
