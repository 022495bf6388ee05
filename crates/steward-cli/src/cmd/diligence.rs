//! `steward diligence` and `steward screening`: Trusted Research due diligence.

use crate::args::{DiligenceCmd, ScreeningCmd};
use crate::{Failure, Out, Outcome, output};
use steward_core::Steward;
use steward_core::diligence::{Assessment, ScreeningInfo};

pub(crate) fn diligence(s: &mut Steward, cmd: DiligenceCmd, out: Out) -> Outcome {
    match cmd {
        DiligenceCmd::Questions => {
            let q = s.questionnaire()?;
            if out.json {
                return Ok(output::json(&q)?);
            }
            let mut t = format!(
                "{} (version {}, {})\nRe-screening at least every {} days. Roles: {}\n\n",
                q.questionnaire.title,
                q.version.version,
                &q.version.hash[..12],
                q.questionnaire.rescreen_days,
                q.questionnaire.roles.iter().map(|r| format!("{} ({})", r.id, r.label)).collect::<Vec<_>>().join(", ")
            );
            for question in &q.questionnaire.questions {
                let scope = match question.scope {
                    steward_diligence::Scope::Partner => "per partner",
                    steward_diligence::Scope::Work => "the work",
                };
                t.push_str(&format!(
                    "{}{} [{scope}, {:?}]\n  {}\n  {}\n  Source: {}\n",
                    question.id,
                    if question.required { " (required)" } else { "" },
                    question.kind,
                    question.label,
                    question.help,
                    question.source
                ));
                if !question.options.is_empty() {
                    let ids: Vec<&str> = question.options.iter().map(|o| o.id.as_str()).collect();
                    t.push_str(&format!("  Options: {}\n", ids.join(", ")));
                }
                for r in &question.rules {
                    t.push_str(&format!("  -> {} {}: {}\n", r.factor.as_str(), r.band.as_str(), r.reason));
                }
                t.push('\n');
            }
            Ok(output::text(&t)?)
        }
        DiligenceCmd::Import { file } => {
            let bytes = crate::read_bytes(&file, steward_diligence::questionnaire::MAX_FILE as u64)?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Failure::Core(steward_core::Error::invalid(file.display().to_string(), "is not UTF-8 text"))
            })?;
            let q = s.import_questionnaire(&file.display().to_string(), &text)?;
            if out.json {
                return Ok(output::json(&q.version)?);
            }
            Ok(output::text(&format!(
                "questionnaire {} version {} ({}) is in force\n",
                q.version.questionnaire_id,
                q.version.version,
                &q.version.hash[..12]
            ))?)
        }
        DiligenceCmd::Answer { collab, party, set, file, note } => {
            let a = match file {
                Some(path) => {
                    let bytes = crate::read_bytes(&path, steward_core::files::MAX_TEXT)?;
                    let text = String::from_utf8_lossy(&bytes);
                    let all = steward_core::diligence::parse_answers_file(&path.display().to_string(), &text)?;
                    s.answer_diligence_all(collab, &all, note.as_deref())?
                }
                None => {
                    let set = crate::cmd::agreement::parse_assignments(&set, "--set")?;
                    s.answer_diligence(collab, party, &set, note.as_deref())?
                }
            };
            show(&a, out)
        }
        DiligenceCmd::Show { collab } => show(&s.diligence(collab)?, out),
        DiligenceCmd::Report { collab, out: path, sign } => {
            let pdf = s.diligence_report(collab, sign)?;
            crate::write_bytes(&path, &pdf.pdf)?;
            if out.json {
                return Ok(output::json(&pdf)?);
            }
            let by = pdf.signed_by.map(|w| format!(", signed by {w}")).unwrap_or_default();
            Ok(output::text(&format!("wrote {} ({} pages, {} bytes{by})\n", path.display(), pdf.pages, pdf.bytes))?)
        }
        DiligenceCmd::Approve { collab, role, identity, note } => {
            let a = s.approve_diligence(collab, &role, identity, &note)?;
            if out.json {
                return Ok(output::json(&a)?);
            }
            Ok(output::text(&format!(
                "approved for {} by {} (decision {}, assessment {})\n",
                a.role,
                a.approved_by,
                a.decision_seq,
                &a.assessment_hash[..12]
            ))?)
        }
    }
}

fn show(a: &Assessment, out: Out) -> Outcome {
    if out.json {
        return Ok(output::json(a)?);
    }
    let mut t = String::new();
    match &a.revision {
        None => t.push_str(&format!(
            "Collaboration {}: no due-diligence answers yet (steward diligence answer --collab {} ...)\n",
            a.collaboration_id, a.collaboration_id
        )),
        Some(r) => t.push_str(&format!(
            "Collaboration {}: assessment revision {} ({}), by {} at {}, on questionnaire v{}\n",
            a.collaboration_id,
            r.number,
            &r.hash[..12],
            r.created_by,
            r.created_at,
            a.questionnaire.version
        )),
    }
    let factors: Vec<String> = a.rating.factors.iter().map(|(f, b)| format!("{} {}", f.as_str(), b.as_str())).collect();
    t.push_str(&format!("Rating: {} ({})\n", a.rating.band.as_str().to_uppercase(), factors.join(", ")));
    for f in &a.rating.fired {
        t.push_str(&format!(
            "  {} {}: {} = {} ({}): {}\n",
            f.factor.as_str(),
            f.band.as_str(),
            f.question,
            f.answer,
            f.subject,
            f.reason
        ));
    }
    if !a.rating.missing.is_empty() {
        t.push_str("Unanswered (required):\n");
        for m in &a.rating.missing {
            t.push_str(&format!("  {} ({}): {}\n", m.question, m.subject, m.label));
        }
    }
    if !a.rating.clauses.is_empty() {
        t.push_str("Required clauses:\n");
        for (c, by) in &a.rating.clauses {
            t.push_str(&format!("  {c}: {}\n", by.join("; ")));
        }
    }
    if !a.approvals.is_empty() {
        t.push_str("Required approvals:\n");
        for r in &a.approvals {
            let state = match (&r.approval, r.stale) {
                (None, _) => "MISSING".to_string(),
                (Some(x), true) => {
                    format!("STALE (given by {} at {}, for other answers)", x.approved_by, x.approved_at)
                }
                (Some(x), false) => {
                    format!("approved by {} at {} (decision {})", x.approved_by, x.approved_at, x.decision_seq)
                }
            };
            t.push_str(&format!("  {} ({}): {state}\n", r.role, r.label));
        }
    }
    match &a.screening {
        None => t.push_str("Screening: none yet\n"),
        Some(sc) => t.push_str(&screening_text(sc)),
    }
    if a.signing_blocked_by.is_empty() {
        t.push_str(if a.started() { "Signing: allowed\n" } else { "Signing: not gated (no assessment)\n" });
    } else {
        t.push_str("Signing is blocked by:\n");
        for b in &a.signing_blocked_by {
            t.push_str(&format!("  - {b}\n"));
        }
    }
    Ok(output::text(&t)?)
}

fn screening_text(s: &ScreeningInfo) -> String {
    let mut t = format!(
        "Screening {}: {} names at {} by {}{}\n",
        s.id,
        s.names_checked,
        s.created_at,
        s.created_by,
        if s.due { " (DUE again)" } else { "" }
    );
    for l in &s.lists {
        t.push_str(&format!(
            "  list: {} ({}, SHA-256 {})\n",
            l.name,
            l.published.as_deref().unwrap_or("undated"),
            &l.sha256[..16]
        ));
    }
    if s.matches.is_empty() {
        t.push_str("  no possible matches\n");
    }
    for m in &s.matches {
        let state = match m.decision.as_deref() {
            None => "TO CLEAR OR CONFIRM".to_string(),
            Some(d) => {
                format!("{d} by {}: {}", m.decided_by.as_deref().unwrap_or(""), m.reason.as_deref().unwrap_or(""))
            }
        };
        t.push_str(&format!(
            "  match {}: {} ~ {} (list {}, entry {}, score {:.2}): {state}\n",
            m.id, m.party_name, m.listed_name, m.list_id, m.reference, m.score
        ));
    }
    t
}

pub(crate) fn screening(s: &mut Steward, cmd: ScreeningCmd, out: Out) -> Outcome {
    match cmd {
        ScreeningCmd::Import { paths } => {
            let mut files = Vec::new();
            for p in paths {
                if p.is_dir() {
                    let mut inside: Vec<std::path::PathBuf> = std::fs::read_dir(&p)
                        .map_err(|e| {
                            Failure::Core(steward_core::Error::Io {
                                context: format!("reading {}", p.display()),
                                source: e,
                            })
                        })?
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.is_file())
                        .collect();
                    inside.sort();
                    for f in inside {
                        files.push((
                            f.display().to_string(),
                            crate::read_bytes(&f, steward_diligence::screening::lists::MAX_FILE as u64)?,
                        ));
                    }
                } else {
                    files.push((
                        p.display().to_string(),
                        crate::read_bytes(&p, steward_diligence::screening::lists::MAX_FILE as u64)?,
                    ));
                }
            }
            let lists = s.import_screening_lists(&files)?;
            if out.json {
                return Ok(output::json(&lists)?);
            }
            let mut t = String::new();
            for l in &lists {
                t.push_str(&format!(
                    "list {}: {} ({}), {} entries, SHA-256 {}\n",
                    l.id,
                    l.name,
                    l.published.as_deref().unwrap_or("undated"),
                    l.entry_count,
                    &l.sha256[..16]
                ));
            }
            Ok(output::text(&t)?)
        }
        ScreeningCmd::Lists => {
            let lists = s.screening_lists()?;
            if out.json {
                return Ok(output::json(&lists)?);
            }
            let rows: Vec<Vec<String>> = lists
                .iter()
                .map(|l| {
                    vec![
                        l.id.to_string(),
                        l.name.clone(),
                        l.format.clone(),
                        l.published.clone().unwrap_or_default(),
                        l.entry_count.to_string(),
                        l.sha256[..16].to_string(),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["ID", "LIST", "FORMAT", "PUBLISHED", "ENTRIES", "SHA-256"], &rows))?)
        }
        ScreeningCmd::Check { collab } => {
            let sc = s.screen_collaboration(collab)?;
            if out.json {
                return Ok(output::json(&sc)?);
            }
            Ok(output::text(&screening_text(&sc))?)
        }
        ScreeningCmd::Clear { match_id, reason } => decided(s.decide_screening_match(match_id, false, &reason)?, out),
        ScreeningCmd::Confirm { match_id, reason } => decided(s.decide_screening_match(match_id, true, &reason)?, out),
    }
}

fn decided(m: steward_core::diligence::MatchRow, out: Out) -> Outcome {
    if out.json {
        return Ok(output::json(&m)?);
    }
    Ok(output::text(&format!(
        "match {} {}: {} ~ {}\n",
        m.id,
        m.decision.as_deref().unwrap_or(""),
        m.party_name,
        m.listed_name
    ))?)
}
