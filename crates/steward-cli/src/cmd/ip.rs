//! `steward ip`, `dataset` and `exit`: the IP register, datasets, and a collaboration's exit.

use crate::args::{BackgroundCmd, DatasetCmd, ExitCmd, FilingCmd, IpCmd, LicenceCmd, ResultCmd, WhichExit};
use crate::{Failure, Out, Outcome, output};
use steward_core::exit::{Certificate, ExitPlan, Method, NewExit};
use steward_core::ip::{
    BackgroundFields, DatasetFields, DocumentHash, FilingFields, Grant, Inventor, IpResult, LicenceFields,
    ResultFields, Tier,
};
use steward_core::{Error, Id, Steward};

fn invalid(field: &str, message: impl Into<String>) -> Failure {
    Failure::Core(Error::invalid(field.to_string(), message))
}

fn party(s: &Steward, collab: Id, field: &str, text: &str) -> Result<Id, Failure> {
    Ok(s.collaboration(collab)?.member(text).map_err(|m| invalid(field, m))?.party.id)
}

fn date(field: &str, text: &str) -> Result<chrono::NaiveDate, Failure> {
    steward_core::domain::validate::date(field, text).map_err(|e| invalid(&e.field, e.message))
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn bp(n: u32) -> String {
    format!("{}.{:02}%", n / 100, n % 100)
}

fn result_text(r: &IpResult) -> String {
    let f = &r.fields;
    let mut t = format!(
        "{} {} (version {})\n  Disclosed {}; inventors {}\n",
        r.label,
        f.title,
        r.version,
        f.disclosed_on,
        f.inventors.iter().map(|i| i.name.clone()).collect::<Vec<_>>().join(", ")
    );
    match (&f.owner_override, &r.computed, &r.owner_problem) {
        (Some(o), _, _) => t.push_str(&format!(
            "  Owner: {} (overruled: {}{})\n",
            o.owners.iter().map(|s| format!("{} {}", s.party, bp(s.basis_points))).collect::<Vec<_>>().join(", "),
            o.reason,
            o.decision_seq.map(|s| format!(", decision {s}")).unwrap_or_default()
        )),
        (None, Some(c), _) => t.push_str(&format!(
            "  Owner: {} (clause {}, {})\n  {}\n",
            c.owners.iter().map(|s| format!("{} {}", s.party, bp(s.basis_points))).collect::<Vec<_>>().join(", "),
            c.clause,
            r.decided_by.as_deref().unwrap_or_default(),
            c.reason
        )),
        (None, None, Some(p)) => t.push_str(&format!("  Owner: not decided: {p}\n")),
        _ => {}
    }
    if let Some(c) = &r.computed {
        for right in &c.rights {
            t.push_str(&format!("  Keeps: {right}\n"));
        }
    }
    for fl in &r.filings {
        t.push_str(&format!(
            "  {} {} {} filed {}: priority year ends {}, PCT national phase {} / {}\n",
            fl.label,
            fl.fields.office,
            fl.fields.application_number,
            fl.fields.filing_date,
            fl.deadlines.priority,
            fl.deadlines.national_30,
            fl.deadlines.national_31
        ));
    }
    for l in &r.licences {
        t.push_str(&format!(
            "  {} {} {} to {} ({}, {}){}\n",
            l.label,
            if l.fields.exclusive { "exclusive" } else { "non-exclusive" },
            if l.fields.grant == Grant::Option { "option" } else { "licence" },
            l.licensee,
            l.fields.field,
            l.fields.territory,
            l.fields.ends.map(|d| format!(" until {d}")).unwrap_or_default()
        ));
    }
    t
}

pub(crate) fn ip(s: &mut Steward, cmd: IpCmd, out: Out) -> Outcome {
    match cmd {
        IpCmd::Background(BackgroundCmd::Add {
            collab,
            party: p,
            item,
            description,
            owner,
            restrictions,
            export_control,
            access_terms,
            excluded,
        }) => {
            let party_id = party(s, collab, "party", &p)?;
            let b = s.add_background(
                collab,
                &BackgroundFields {
                    party_id,
                    item,
                    description,
                    owner,
                    restrictions,
                    export_control,
                    access_terms,
                    excluded,
                    withdrawn: false,
                },
            )?;
            if out.json {
                Ok(output::json(&b)?)
            } else {
                Ok(output::text(&format!("{} added: {}", b.label, b.schedule_line))?)
            }
        }
        IpCmd::Background(BackgroundCmd::List { collab }) => {
            let reg = s.ip_background(collab)?;
            if out.json {
                return Ok(output::json(&reg)?);
            }
            let rows: Vec<Vec<String>> = reg
                .items
                .iter()
                .map(|b| {
                    vec![
                        b.label.clone(),
                        b.party_name.clone(),
                        if b.fields.withdrawn {
                            "withdrawn"
                        } else if b.fields.excluded {
                            "excluded"
                        } else {
                            "listed"
                        }
                        .into(),
                        b.fields.export_control.clone().unwrap_or_default(),
                        b.fields.item.clone(),
                    ]
                })
                .collect();
            let mut t = output::table(&["ITEM", "PARTY", "SCHEDULE", "EXPORT CONTROL", "WHAT"], &rows);
            match &reg.agreement {
                None => t.push_str("No collaboration agreement holds a background schedule yet.\n"),
                Some(a) if a.matches => t.push_str(&format!(
                    "The schedule of {} (revision {}{}) matches the register.\n",
                    a.agreement_title,
                    a.revision,
                    if a.signed { ", signed" } else { "" }
                )),
                Some(a) => {
                    t.push_str(&format!(
                        "CHANGED against {} (revision {}{}): ip bind --agreement {} makes a new revision\n",
                        a.agreement_title,
                        a.revision,
                        if a.signed { ", signed" } else { "" },
                        a.agreement_id
                    ));
                    for l in &a.missing {
                        t.push_str(&format!("  + {l}\n"));
                    }
                    for l in &a.extra {
                        t.push_str(&format!("  - {l}\n"));
                    }
                }
            }
            Ok(output::text(&t)?)
        }
        IpCmd::Bind { agreement } => {
            let saved = s.bind_background(agreement)?;
            if out.json {
                Ok(output::json(
                    &serde_json::json!({ "agreement_id": saved.agreement_id, "revision": saved.revision }),
                )?)
            } else {
                Ok(output::text(&format!(
                    "agreement {} revision {}: background schedule bound",
                    saved.agreement_id, saved.revision
                ))?)
            }
        }
        IpCmd::History { id } => {
            let h = s.ip_history(id)?;
            if out.json {
                return Ok(output::json(&h)?);
            }
            let rows: Vec<Vec<String>> = h
                .iter()
                .map(|v| {
                    vec![
                        v.version.to_string(),
                        v.created_at.clone(),
                        v.created_by.clone(),
                        v.decision_seq.map(|d| d.to_string()).unwrap_or_default(),
                        v.note.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["VERSION", "AT", "BY", "DECISION", "NOTE"], &rows))?)
        }
        IpCmd::Result(ResultCmd::Add { collab, title, disclosed, description, inventors, contributors, documents }) => {
            let mut inv = Vec::new();
            for (i, text) in inventors.iter().enumerate() {
                let Some((name, p)) = text.rsplit_once('|') else {
                    return Err(invalid(&format!("inventor[{}]", i + 1), format!("'{text}' is not NAME|PARTY")));
                };
                inv.push(Inventor {
                    name: name.trim().into(),
                    party_id: party(s, collab, &format!("inventor[{}]", i + 1), p)?,
                });
            }
            let mut parties = Vec::new();
            for c in &contributors {
                parties.push(party(s, collab, "contributor", c)?);
            }
            let mut docs = Vec::new();
            for path in &documents {
                let bytes = crate::read_bytes(path, steward_core::files::MAX_FILE)?;
                docs.push(DocumentHash {
                    name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    sha256: {
                        use sha2::Digest;
                        hex_of(&sha2::Sha256::digest(&bytes))
                    },
                });
            }
            let r = s.add_result(
                collab,
                &ResultFields {
                    title,
                    disclosed_on: date("disclosed", &disclosed)?,
                    description,
                    inventors: inv,
                    contributors: parties,
                    documents: docs,
                    owner_override: None,
                },
            )?;
            if out.json { Ok(output::json(&r)?) } else { Ok(output::text(&result_text(&r))?) }
        }
        IpCmd::Result(ResultCmd::List { collab }) => {
            let reg = s.ip_register(collab)?;
            if out.json {
                return Ok(output::json(&reg.results)?);
            }
            let rows: Vec<Vec<String>> = reg
                .results
                .iter()
                .map(|r| {
                    vec![
                        r.label.clone(),
                        r.fields.disclosed_on.to_string(),
                        if r.owners.is_empty() {
                            "undecided".into()
                        } else {
                            r.owners.iter().map(|o| o.party.clone()).collect::<Vec<_>>().join(" + ")
                        },
                        if r.fields.owner_override.is_some() {
                            "overruled".into()
                        } else {
                            r.computed.as_ref().map(|c| c.clause.clone()).unwrap_or_default()
                        },
                        r.filings.len().to_string(),
                        r.licences.len().to_string(),
                        r.fields.title.clone(),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(
                &["RESULT", "DISCLOSED", "OWNER", "DECIDED BY", "FILINGS", "LICENCES", "TITLE"],
                &rows,
            ))?)
        }
        IpCmd::Result(ResultCmd::Show { result, collab }) => {
            let id = s.ip_record_id(collab, "result", &result)?;
            let r = s.ip_result(id)?;
            if out.json { Ok(output::json(&r)?) } else { Ok(output::text(&result_text(&r))?) }
        }
        IpCmd::Result(ResultCmd::Owner { result, collab, set, reason, identity }) => {
            let id = s.ip_record_id(collab, "result", &result)?;
            let r = if set.is_empty() {
                s.ip_result(id)?
            } else {
                let mut owners = Vec::new();
                for text in &set {
                    let Some((who, pct)) = text.rsplit_once(':') else {
                        return Err(invalid("set", format!("'{text}' is not PARTY:PERCENT")));
                    };
                    let pct: f64 = pct
                        .trim()
                        .trim_end_matches('%')
                        .parse()
                        .map_err(|_| invalid("set", format!("'{pct}' is not a percentage")))?;
                    owners.push((who.trim().to_string(), pct));
                }
                let reason =
                    reason.ok_or_else(|| invalid("reason", "is required to overrule an owner: --reason TEXT"))?;
                s.overrule_owner(id, &owners, &reason, identity)?
            };
            if out.json {
                Ok(output::json(&serde_json::json!({
                    "result": r.label,
                    "owners": r.owners,
                    "computed": r.computed,
                    "override": r.fields.owner_override,
                    "decided_by": r.decided_by,
                    "problem": r.owner_problem,
                }))?)
            } else {
                Ok(output::text(&result_text(&r))?)
            }
        }
        IpCmd::Filing(FilingCmd::Add { result, collab, application_number, office, filed, priority, publication }) => {
            let id = s.ip_record_id(collab, "result", &result)?;
            let f = s.add_filing(&FilingFields {
                result_id: id,
                application_number,
                office,
                filing_date: date("filed", &filed)?,
                priority_date: priority.as_deref().map(|p| date("priority", p)).transpose()?,
                publication_id: publication,
            })?;
            if out.json {
                Ok(output::json(&f)?)
            } else {
                Ok(output::text(&format!(
                    "{} recorded: priority year ends {}, PCT national phase {} (30 months) and {} (31 months)",
                    f.label, f.deadlines.priority, f.deadlines.national_30, f.deadlines.national_31
                ))?)
            }
        }
        IpCmd::Licence(LicenceCmd::Add {
            result,
            collab,
            licensee,
            grant,
            exclusive,
            field,
            territory,
            starts,
            ends,
        }) => {
            let id = s.ip_record_id(collab, "result", &result)?;
            let c = s.ip_result(id)?.collaboration_id;
            let l = s.add_licence(&LicenceFields {
                result_id: id,
                licensee_id: party(s, c, "licensee", &licensee)?,
                grant: if grant == "option" { Grant::Option } else { Grant::Licence },
                exclusive,
                field,
                territory,
                starts: starts.as_deref().map(|d| date("starts", d)).transpose()?,
                ends: ends.as_deref().map(|d| date("ends", d)).transpose()?,
            })?;
            if out.json {
                Ok(output::json(&l)?)
            } else {
                Ok(output::text(&format!("{} recorded for {}", l.label, l.licensee))?)
            }
        }
    }
}

pub(crate) fn dataset(s: &mut Steward, cmd: DatasetCmd, out: Out) -> Outcome {
    match cmd {
        DatasetCmd::Add { collab, name, holder, tier, location, description, supplied_by } => {
            let d = s.add_dataset(
                collab,
                &DatasetFields {
                    name,
                    holder_id: party(s, collab, "holder", &holder)?,
                    tier: Tier::parse(&tier).map_err(|m| invalid("tier", m))?,
                    location,
                    description,
                    supplied_by: supplied_by.as_deref().map(|p| party(s, collab, "supplied_by", p)).transpose()?,
                },
            )?;
            if out.json {
                Ok(output::json(&d)?)
            } else {
                Ok(output::text(&format!("{} added, held by {}", d.label, d.holder))?)
            }
        }
        DatasetCmd::List { collab } => {
            let ds = s.datasets(collab)?;
            if out.json {
                return Ok(output::json(&ds)?);
            }
            let rows: Vec<Vec<String>> = ds
                .iter()
                .map(|d| {
                    vec![
                        d.label.clone(),
                        d.holder.clone(),
                        d.fields.tier.as_str().into(),
                        d.supplied_by.clone().unwrap_or_default(),
                        d.fields.location.clone(),
                        d.fields.name.clone(),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["DATASET", "HOLDER", "TIER", "SUPPLIED BY", "LOCATION", "NAME"], &rows))?)
        }
    }
}

fn which(s: &Steward, w: &WhichExit) -> Result<Id, Failure> {
    match (w.exit, w.collab) {
        (Some(e), _) => Ok(e),
        (None, Some(c)) => Ok(s.current_exit(c)?),
        (None, None) => Err(invalid("exit", "name the exit (--exit ID) or its collaboration (--collab ID)")),
    }
}

fn plan_text(p: &ExitPlan) -> String {
    let e = &p.exit;
    let mut t = format!(
        "Exit {} of {}: {} ({}){}, effective {}{}\n",
        e.id,
        p.collaboration,
        e.trigger.as_str(),
        e.trigger_words,
        e.party.as_ref().map(|x| format!(", {x} leaving")).unwrap_or_default(),
        e.exit_date,
        match &e.completed_at {
            Some(at) => format!("; completed {at}"),
            None => String::new(),
        }
    );
    let rows: Vec<Vec<String>> = p
        .items
        .iter()
        .map(|i| {
            vec![
                i.label.clone(),
                i.section.clone(),
                match &i.decided {
                    Some(d) => format!("{}: {}", d.kind, d.value),
                    None if i.needs_decision => "UNDECIDED".into(),
                    None => "-".into(),
                },
                i.proposed.clone(),
                i.title.clone(),
            ]
        })
        .collect();
    t.push_str(&output::table(&["ITEM", "SECTION", "DECIDED", "PROPOSED", "WHAT"], &rows));
    match (&p.accounts.total, &p.accounts.problem) {
        (Some(total), _) => {
            t.push_str(&format!("Final accounts as of {}: {total}\n", p.accounts.as_of));
            for l in &p.accounts.lines {
                t.push_str(&format!("  {l}\n"));
            }
        }
        (None, Some(problem)) => t.push_str(&format!("Final accounts: {problem}\n")),
        _ => {}
    }
    for r in &p.open_risks {
        t.push_str(&format!("Open risk: {r}\n"));
    }
    for x in &p.open_publications {
        t.push_str(&format!("Publication under review: {x}\n"));
    }
    if p.undecided.is_empty() {
        if e.completed_at.is_none() {
            t.push_str("Every item is decided: exit complete can write the exit pack.\n");
        }
    } else {
        t.push_str(&format!("Undecided: {}\n", p.undecided.join("; ")));
    }
    t
}

pub(crate) fn exit(s: &mut Steward, cmd: ExitCmd, out: Out) -> Outcome {
    let plan = match cmd {
        ExitCmd::Start { collab, trigger, party: p, evidence, note, date: d, identity } => {
            let (evidence_name, bytes) = match &evidence {
                Some(path) => (
                    path.file_name().map(|n| n.to_string_lossy().into_owned()),
                    Some(crate::read_bytes(path, steward_core::files::MAX_FILE)?),
                ),
                None => (None, None),
            };
            s.start_exit(
                collab,
                &NewExit {
                    trigger,
                    party: p,
                    exit_date: d.as_deref().map(|x| date("date", x)).transpose()?,
                    note,
                    evidence_name,
                    evidence: bytes,
                },
                identity,
            )?
        }
        ExitCmd::Show { which: w } => {
            let id = which(s, &w)?;
            s.exit_plan(id)?
        }
        ExitCmd::Decide { which: w, item, disposition, note, identity } => {
            let id = which(s, &w)?;
            s.decide_exit_item(id, &item, &disposition, &note, identity)?
        }
        ExitCmd::Certify {
            which: w,
            dataset,
            method,
            media,
            performed_by,
            date: d,
            verified,
            media_fate,
            retain,
            reason,
            identity,
        } => {
            let id = which(s, &w)?;
            if retain {
                s.certify_dataset(id, &dataset, None, reason.as_deref(), identity)?
            } else {
                let cert = Certificate {
                    method: Method::parse(method.as_deref().unwrap_or_default()).map_err(|m| invalid("method", m))?,
                    media: media.unwrap_or_default(),
                    performed_by: performed_by.unwrap_or_default(),
                    performed_on: match d.as_deref() {
                        Some(x) => date("date", x)?,
                        None => s.clock_today(),
                    },
                    verification: verified.unwrap_or_default(),
                    media_fate: media_fate.unwrap_or_default(),
                };
                s.certify_dataset(id, &dataset, Some(&cert), None, identity)?
            }
        }
        ExitCmd::Complete { which: w, out: path, log, identity } => {
            let id = which(s, &w)?;
            let pack = s.complete_exit(id, identity)?;
            let log_path = log.unwrap_or_else(|| path.with_extension("log.json"));
            crate::write_bytes(&path, &pack.pdf)?;
            let log_json =
                serde_json::to_vec_pretty(&pack.log).map_err(|e| Failure::Core(Error::Conflict(e.to_string())))?;
            crate::write_bytes(&log_path, &log_json)?;
            return if out.json {
                Ok(output::json(&serde_json::json!({
                    "exit": pack.plan.exit,
                    "pack": path,
                    "log": log_path,
                    "sha256": pack.sha256,
                    "pages": pack.pages,
                    "signed_by": pack.signed_by,
                }))?)
            } else {
                Ok(output::text(&format!(
                    "exit {} complete: wrote {} ({} pages, signed by {}, SHA-256 {}) and {}",
                    id,
                    path.display(),
                    pack.pages,
                    pack.signed_by,
                    pack.sha256,
                    log_path.display()
                ))?)
            };
        }
    };
    if out.json { Ok(output::json(&plan)?) } else { Ok(output::text(&plan_text(&plan))?) }
}
