//! `steward risk`, `obligation`, `publication` and `calendar`: running a collaboration.

use crate::args::{CalendarCmd, ObligationCmd, PublicationCmd, RegisterFormat, RiskArgs, RiskCmd};
use crate::{Failure, Out, Outcome, output};
use steward_core::obligations::{Evidence, NewObligation, Obligation, ObligationFilter};
use steward_core::publications::{NewPublication, Publication};
use steward_core::risks::{
    HeatMap, Rating, RegisterView, Risk, RiskAction, RiskCategory, RiskFields, RiskStatus, Treatment, Visibility,
};
use steward_core::{Error, FieldError, Id, Steward};

fn invalid(field: &str, message: impl Into<String>) -> Failure {
    Failure::Core(Error::invalid(field.to_string(), message))
}

fn rating(field: &str, text: &str) -> Result<Rating, Failure> {
    let parts: Vec<&str> = text.split([',', 'x', 'X', '/']).map(str::trim).collect();
    let [l, i] = parts.as_slice() else {
        return Err(invalid(field, format!("'{text}' is not LIKELIHOOD,IMPACT (e.g. 4,5)")));
    };
    let n = |s: &str, part: &str| {
        s.parse::<u8>()
            .map_err(|_| invalid(&format!("{field}.{part}"), format!("'{s}' is not a whole number from 1 to 5")))
    };
    Ok(Rating { likelihood: n(l, "likelihood")?, impact: n(i, "impact")? })
}

fn party(s: &Steward, collab: Id, field: &str, text: &str) -> Result<Id, Failure> {
    Ok(s.collaboration(collab)?.member(text).map_err(|m| invalid(field, m))?.party.id)
}

fn date(field: &str, text: &str) -> Result<chrono::NaiveDate, Failure> {
    steward_core::domain::validate::date(field, text).map_err(|e| invalid(&e.field, e.message))
}

/// The fields given as flags applied over `base`; every bad flag is reported at once.
fn apply(s: &Steward, collab: Id, base: RiskFields, a: RiskArgs) -> Result<RiskFields, Failure> {
    let mut f = base;
    let mut problems: Vec<FieldError> = Vec::new();
    let mut take = |r: Result<(), Failure>| {
        if let Err(Failure::Core(e)) = r {
            problems.extend(e.field_errors().iter().cloned());
        }
    };
    if let Some(v) = a.title {
        f.title = v;
    }
    if let Some(v) = a.cause {
        f.cause = v;
    }
    if let Some(v) = a.event {
        f.event = v;
    }
    if let Some(v) = a.consequence {
        f.consequence = v;
    }
    if let Some(v) = a.owner {
        f.owner_person = v;
    }
    if let Some(v) = a.controls {
        f.controls = v;
    }
    take(
        a.category
            .map_or(Ok(()), |v| RiskCategory::parse(&v).map(|c| f.category = c).map_err(|m| invalid("category", m))),
    );
    take(a.raised_by.map_or(Ok(()), |v| party(s, collab, "raised_by", &v).map(|p| f.raised_by = p)));
    take(a.owner_party.map_or(Ok(()), |v| party(s, collab, "owner_party", &v).map(|p| f.owner_party = p)));
    take(a.inherent.map_or(Ok(()), |v| rating("inherent", &v).map(|r| f.inherent = r)));
    take(a.residual.map_or(Ok(()), |v| {
        if v.trim().eq_ignore_ascii_case("none") {
            f.residual = None;
            Ok(())
        } else {
            rating("residual", &v).map(|r| f.residual = Some(r))
        }
    }));
    take(a.treatment.map_or(Ok(()), |v| {
        if v.trim().eq_ignore_ascii_case("none") {
            f.treatment = None;
            Ok(())
        } else {
            Treatment::parse(&v).map(|t| f.treatment = Some(t)).map_err(|m| invalid("treatment", m))
        }
    }));
    take(a.status.map_or(Ok(()), |v| RiskStatus::parse(&v).map(|t| f.status = t).map_err(|m| invalid("status", m))));
    take(
        a.visibility
            .map_or(Ok(()), |v| Visibility::parse(&v).map(|t| f.visibility = t).map_err(|m| invalid("visibility", m))),
    );
    take(a.next_review.map_or(Ok(()), |v| date("next_review", &v).map(|d| f.next_review = Some(d))));
    if !a.actions.is_empty() {
        let mut actions = Vec::new();
        for (i, text) in a.actions.iter().enumerate() {
            let parts: Vec<&str> = text.split('|').map(str::trim).collect();
            let field = format!("action[{}]", i + 1);
            match parts.as_slice() {
                [t, o] => actions.push(RiskAction { text: (*t).into(), owner: (*o).into(), due: None, done: false }),
                [t, o, d] => match date(&field, d) {
                    Ok(d) => {
                        actions.push(RiskAction { text: (*t).into(), owner: (*o).into(), due: Some(d), done: false })
                    }
                    Err(e) => take(Err(e)),
                },
                _ => take(Err(invalid(&field, format!("'{text}' is not TEXT|OWNER|DUE")))),
            }
        }
        f.actions = actions;
    }
    if !a.links.is_empty() {
        f.links = a.links;
    }
    if problems.is_empty() { Ok(f) } else { Err(Failure::Core(Error::Invalid(steward_core::error::Invalid(problems)))) }
}

fn heat_map_text(m: &HeatMap) -> String {
    let mut t = String::from(
        "Heat map: likelihood (rows 5 to 1) x impact (columns 1 to 5)\n         inherent           residual\n",
    );
    for l in (0..5).rev() {
        let row = |g: &Vec<Vec<u32>>| {
            (0..5)
                .map(|i| if g[l][i] == 0 { " .".to_string() } else { format!("{:>2}", g[l][i]) })
                .collect::<Vec<_>>()
                .join(" ")
        };
        t.push_str(&format!("  {}   {}     {}\n", l + 1, row(&m.inherent), row(&m.residual)));
    }
    let moves: Vec<String> =
        m.moves.iter().map(|mv| format!("{} {}->{}", mv.risk, mv.from.score(), mv.to.score())).collect();
    if !moves.is_empty() {
        t.push_str(&format!("Moves: {}\n", moves.join(", ")));
    }
    t
}

fn risk_text(r: &Risk) -> String {
    let f = &r.fields;
    let mut t = format!(
        "{} {} (version {}, {})\n  {} risk, status {}, {}; raised by {}, owned by {} ({})\n  Cause: {}\n  Event: {}\n  Consequence: {}\n  Inherent {} = {}; residual {}\n  Controls: {}\n  Treatment: {}\n",
        r.label,
        f.title,
        r.version,
        r.band,
        f.category,
        f.status,
        f.visibility,
        r.raised_by_name,
        f.owner_person,
        r.owner_party_name,
        f.cause,
        f.event,
        f.consequence,
        format_args!("{}x{}", f.inherent.likelihood, f.inherent.impact),
        f.inherent.score(),
        f.residual.map_or("not assessed".into(), |x| format!("{}x{} = {}", x.likelihood, x.impact, x.score())),
        if f.controls.is_empty() { "none" } else { &f.controls },
        f.treatment.map_or("none".into(), |x| x.to_string()),
    );
    for a in &f.actions {
        t.push_str(&format!(
            "  Action: {} ({}{}{})\n",
            a.text,
            a.owner,
            a.due.map(|d| format!(", due {d}")).unwrap_or_default(),
            if a.done { ", done" } else { "" }
        ));
    }
    if let Some(d) = f.next_review {
        t.push_str(&format!("  Next review: {d}{}\n", if r.review_overdue { " (overdue)" } else { "" }));
    }
    if !f.links.is_empty() {
        t.push_str(&format!("  Links: {}\n", f.links.join(", ")));
    }
    t
}

pub(crate) fn risk(s: &mut Steward, cmd: RiskCmd, out: Out) -> Outcome {
    match cmd {
        RiskCmd::Add { collab, fields, identity } => {
            let detail = s.collaboration(collab)?;
            let lead = detail.members.iter().find(|m| m.role == steward_core::Role::Lead).or(detail.members.first());
            let lead = lead.map_or(0, |m| m.party.id);
            let Some(inherent) = fields.inherent.as_deref() else {
                return Err(invalid("inherent", "is required: --inherent LIKELIHOOD,IMPACT (each 1 to 5)"));
            };
            let inherent = rating("inherent", inherent)?;
            let Some(category) = fields.category.as_deref() else {
                return Err(invalid(
                    "category",
                    format!(
                        "is required: one of {}",
                        RiskCategory::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            };
            let category = RiskCategory::parse(category).map_err(|m| invalid("category", m))?;
            let base = RiskFields {
                title: String::new(),
                category,
                cause: String::new(),
                event: String::new(),
                consequence: String::new(),
                raised_by: lead,
                owner_party: lead,
                owner_person: String::new(),
                inherent,
                residual: None,
                controls: String::new(),
                treatment: None,
                actions: Vec::new(),
                status: RiskStatus::Open,
                next_review: None,
                visibility: Visibility::Internal,
                links: Vec::new(),
            };
            let f = apply(s, collab, base, fields)?;
            let r = s.add_risk(collab, &f, identity)?;
            if out.json {
                Ok(output::json(&r)?)
            } else {
                Ok(output::text(&format!("{} added ({}, {})", r.label, r.current_score, r.band))?)
            }
        }
        RiskCmd::Update { risk, collab, fields, note, identity } => {
            let current = s.risk(collab, &risk)?;
            let f = apply(s, current.collaboration_id, current.fields.clone(), fields)?;
            let r = s.update_risk(current.id, &f, note.as_deref(), identity)?;
            if out.json {
                Ok(output::json(&r)?)
            } else {
                Ok(output::text(&format!("{} is at version {} ({}, {})", r.label, r.version, r.current_score, r.band))?)
            }
        }
        RiskCmd::List { collab, shared } => {
            let reg = s.risk_register(collab, if shared { RegisterView::Shared } else { RegisterView::All })?;
            if out.json {
                return Ok(output::json(&reg)?);
            }
            let rows: Vec<Vec<String>> = reg
                .risks
                .iter()
                .map(|r| {
                    vec![
                        r.label.clone(),
                        r.band.to_string(),
                        r.inherent_score.to_string(),
                        r.fields.residual.map(|x| x.score().to_string()).unwrap_or_else(|| "-".into()),
                        r.fields.status.to_string(),
                        r.fields.visibility.to_string(),
                        r.fields
                            .next_review
                            .map(|d| d.to_string() + if r.review_overdue { "!" } else { "" })
                            .unwrap_or_default(),
                        r.fields.owner_person.clone(),
                        r.fields.title.clone(),
                    ]
                })
                .collect();
            let mut t = output::table(
                &["RISK", "BAND", "INH", "RES", "STATUS", "VISIBILITY", "REVIEW", "OWNER", "TITLE"],
                &rows,
            );
            t.push('\n');
            t.push_str(&heat_map_text(&reg.heat_map));
            Ok(output::text(&t)?)
        }
        RiskCmd::Show { risk, collab } => {
            let r = s.risk(collab, &risk)?;
            if out.json { Ok(output::json(&r)?) } else { Ok(output::text(&risk_text(&r))?) }
        }
        RiskCmd::History { risk, collab } => {
            let r = s.risk(collab, &risk)?;
            let h = s.risk_history(r.id)?;
            if out.json {
                return Ok(output::json(&h)?);
            }
            let mut t = format!("{} {}\n", r.label, r.fields.title);
            for v in &h {
                t.push_str(&format!(
                    "  v{} {} by {}: {} = {}, residual {}, {}{}\n",
                    v.version,
                    &v.created_at[..16.min(v.created_at.len())],
                    v.created_by,
                    v.fields.status,
                    v.fields.inherent.score(),
                    v.fields.residual.map_or("-".into(), |x| x.score().to_string()),
                    if v.changes.is_empty() { "no change named".into() } else { v.changes.join("; ") },
                    v.decision_seq.map(|n| format!(" [decision {n}]")).unwrap_or_default()
                ));
            }
            Ok(output::text(&t)?)
        }
        RiskCmd::Export { collab, format, shared, out: path } => {
            let view = if shared { RegisterView::Shared } else { RegisterView::All };
            let text = match format {
                RegisterFormat::Csv => s.risk_csv(collab, view)?,
                RegisterFormat::Json => serde_json::to_string_pretty(&s.risk_rows(collab, view)?)
                    .map_err(|e| Failure::Core(Error::Conflict(e.to_string())))?,
            };
            crate::write_or_print(path.as_deref(), &text)
        }
        RiskCmd::Report { collab, out: path, shared } => {
            let pdf = s.risk_report(collab, if shared { RegisterView::Shared } else { RegisterView::All })?;
            crate::write_bytes(&path, &pdf.pdf)?;
            if out.json {
                Ok(output::json(&serde_json::json!({ "path": path, "pages": pdf.pages, "bytes": pdf.bytes }))?)
            } else {
                Ok(output::text(&format!("wrote {} ({} pages)", path.display(), pdf.pages))?)
            }
        }
        RiskCmd::Sync { collab, identity } => {
            let touched = s.sync_diligence_risks(collab, Some(s.acting_identity(identity)?))?;
            if out.json {
                Ok(output::json(&serde_json::json!({ "risks": touched }))?)
            } else {
                Ok(output::text(&format!("{} risk(s) created or raised", touched.len()))?)
            }
        }
    }
}

/// `30d`, `8w`, `3m`, `1y` or `30 days`, in days.
fn days(text: &str) -> Result<u32, Failure> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u32 =
        n.parse().map_err(|_| invalid("due_within", format!("'{text}' is not a length such as 30d, 8w or 3m")))?;
    let per = match unit.trim() {
        "" | "d" | "day" | "days" => 1,
        "w" | "week" | "weeks" => 7,
        "m" | "month" | "months" => 30,
        "y" | "year" | "years" => 365,
        other => return Err(invalid("due_within", format!("'{other}' in '{text}' is not d, w, m or y"))),
    };
    n.checked_mul(per).filter(|d| *d <= 36_500).ok_or_else(|| invalid("due_within", format!("'{text}' is too long")))
}

fn obligation_rows(list: &[Obligation], today: &str) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|o| {
            vec![
                o.id.to_string(),
                o.due_date.clone(),
                if o.status == "open" && o.due_date.as_str() < today { "overdue".into() } else { o.status.clone() },
                o.kind.clone(),
                o.party_label.clone(),
                o.clause_id.clone().unwrap_or_default(),
                o.title.clone(),
            ]
        })
        .collect();
    output::table(&["ID", "DUE", "STATUS", "KIND", "PARTY", "CLAUSE", "TITLE"], &rows)
}

fn obligation_text(o: &Obligation) -> String {
    let mut t = format!(
        "{} (obligation {})\n  Due {} — {}; kind {}; party {}\n  Rule: {}\n",
        o.title, o.id, o.due_date, o.status, o.kind, o.party_label, o.rule
    );
    if let Some(c) = &o.clause_id {
        t.push_str(&format!(
            "  Clause {c}{}\n",
            o.agreement_id
                .map(|a| format!(
                    " of agreement {a}{}",
                    o.revision.map(|r| format!(" (revision {r})")).unwrap_or_default()
                ))
                .unwrap_or_default()
        ));
    }
    if let Some(n) = &o.note {
        t.push_str(&format!("  Note: {n}\n"));
    }
    if let Some(h) = &o.evidence_sha256 {
        t.push_str(&format!("  Evidence SHA-256: {h}\n"));
    }
    if let (Some(at), Some(by)) = (&o.closed_at, &o.closed_by) {
        t.push_str(&format!(
            "  Closed {at} by {by}{}\n",
            o.decision_seq.map(|n| format!(" (decision {n})")).unwrap_or_default()
        ));
    }
    t
}

pub(crate) fn obligation(s: &mut Steward, cmd: ObligationCmd, out: Out) -> Outcome {
    match cmd {
        ObligationCmd::List { collab, due_within, overdue, all } => {
            let filter = ObligationFilter {
                collaboration_id: collab,
                due_within_days: due_within.as_deref().map(days).transpose()?,
                overdue,
                include_closed: all,
            };
            let list = s.obligations(&filter)?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            Ok(output::text(&obligation_rows(&list, &s.now().date_naive().to_string()))?)
        }
        ObligationCmd::Show { id } => {
            let o = s.obligation(id)?;
            if out.json { Ok(output::json(&o)?) } else { Ok(output::text(&obligation_text(&o))?) }
        }
        ObligationCmd::Done { id, note, evidence, identity } => {
            let (file_name, file) = match &evidence {
                Some(p) => (Some(p.display().to_string()), Some(crate::read_bytes(p, steward_core::files::MAX_FILE)?)),
                None => (None, None),
            };
            let o = s.complete_obligation(id, &Evidence { note, file_name, file, sha256: None }, identity)?;
            if out.json { Ok(output::json(&o)?) } else { out.done(&format!("obligation {id} done")) }
        }
        ObligationCmd::Waive { id, reason, identity } => {
            let o = s.waive_obligation(id, &reason, identity)?;
            if out.json { Ok(output::json(&o)?) } else { out.done(&format!("obligation {id} waived")) }
        }
        ObligationCmd::Add { collab, title, due, kind, party, agreement, clause, note, remind } => {
            let o = s.add_obligation(
                collab,
                &NewObligation {
                    title,
                    due_date: due,
                    kind,
                    party,
                    agreement_id: agreement,
                    clause_id: clause,
                    note,
                    remind_days: remind,
                },
            )?;
            if out.json { Ok(output::json(&o)?) } else { out.id(o.id) }
        }
    }
}

fn publication_text(p: &Publication) -> String {
    let r = &p.row;
    let mut t = format!(
        "{} (publication {}, {})\n  By {}; sent to {} on {}\n  File {} ({} bytes, SHA-256 {})\n  Terms: {} notice, patent delay up to {} (agreement {} \"{}\", revision {})\n  Review closes {}{}\n",
        r.title,
        r.id,
        r.status,
        p.publishing_party_name,
        p.recipient_names.join(", "),
        r.notice_date,
        r.file_name,
        r.file_size,
        r.file_sha256,
        r.notice_period,
        r.patent_delay,
        r.terms_agreement_id,
        p.terms_agreement_title,
        r.terms_revision,
        r.review_deadline,
        if p.days_left >= 0 { format!(" ({} days left)", p.days_left) } else { " (closed)".into() }
    );
    if let Some(v) = &r.venue {
        t.push_str(&format!("  Venue: {v}\n"));
    }
    for o in &p.objections {
        t.push_str(&format!(
            "  Objection {} by {} ({}) on {}{}{}: {}\n",
            o.event_id,
            o.party_name,
            o.ground,
            o.on_date,
            o.delay_until.as_deref().map(|d| format!(", delay until {d}")).unwrap_or_default(),
            if o.resolved { ", resolved" } else { "" },
            o.note.as_deref().unwrap_or_default()
        ));
    }
    if !p.consented.is_empty() {
        t.push_str(&format!("  Consented: {}\n", p.consented.join(", ")));
    }
    if p.release_blocked_by.is_empty() {
        if r.status == "released" {
            t.push_str(&format!(
                "  Released {}{}\n",
                r.released_on.as_deref().unwrap_or_default(),
                r.doi.as_deref().map(|d| format!(", DOI {d}")).unwrap_or_default()
            ));
        } else {
            t.push_str("  May be released.\n");
        }
    } else {
        for b in &p.release_blocked_by {
            t.push_str(&format!("  Not yet: {b}\n"));
        }
    }
    t
}

pub(crate) fn publication(s: &mut Steward, cmd: PublicationCmd, out: Out) -> Outcome {
    let p = match cmd {
        PublicationCmd::Notify { collab, title, file, venue, submit_by, party, identity } => {
            let bytes = crate::read_bytes(&file, steward_core::files::MAX_FILE)?;
            s.notify_publication(
                collab,
                &NewPublication {
                    title,
                    venue,
                    file_name: file.display().to_string(),
                    file: bytes,
                    submit_by,
                    party,
                    notice_date: None,
                },
                identity,
            )?
        }
        PublicationCmd::Object { publication, ground, party, note, identity } => {
            s.object_to_publication(publication, &party, &ground, &note, identity)?
        }
        PublicationCmd::Consent { publication, party, note, identity } => {
            s.consent_to_publication(publication, &party, &note, identity)?
        }
        PublicationCmd::Resolve { publication, objection, note, file, identity } => {
            let bytes = file.as_deref().map(|f| crate::read_bytes(f, steward_core::files::MAX_FILE)).transpose()?;
            s.resolve_objection(publication, objection, &note, bytes.as_deref(), identity)?
        }
        PublicationCmd::Release { publication, doi, note, identity } => {
            s.release_publication(publication, doi.as_deref(), &note, identity)?
        }
        PublicationCmd::List { collab } => {
            let list = s.publications(collab)?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|p| {
                    vec![
                        p.row.id.to_string(),
                        p.row.status.clone(),
                        p.row.notice_date.clone(),
                        p.row.review_deadline.clone(),
                        p.delay_until.clone().unwrap_or_default(),
                        p.publishing_party_name.clone(),
                        p.row.title.clone(),
                    ]
                })
                .collect();
            return Ok(output::text(&output::table(
                &["ID", "STATUS", "NOTICE", "REVIEW UNTIL", "DELAY UNTIL", "BY", "TITLE"],
                &rows,
            ))?);
        }
        PublicationCmd::Show { publication } => s.publication(publication)?,
    };
    if out.json { Ok(output::json(&p)?) } else { Ok(output::text(&publication_text(&p))?) }
}

pub(crate) fn calendar(s: &mut Steward, cmd: CalendarCmd, out: Out) -> Outcome {
    match cmd {
        CalendarCmd::Export { collab, out: path } => {
            let cal = s.calendar(collab)?;
            crate::write_bytes(&path, cal.ics.as_bytes())?;
            let events = cal.events;
            if out.json {
                Ok(output::json(&serde_json::json!({ "path": path, "events": events }))?)
            } else {
                Ok(output::text(&format!("wrote {} ({events} events)", path.display()))?)
            }
        }
    }
}
