//! The ledger, rate, credit and decision verbs: each one call into steward-core, then printing.

use crate::args::{CreditCmd, DecisionCmd, EntryArgs, ExchangeCmd, LedgerCmd, RateCmd};
use crate::{Failure, Out, Outcome, io_error, output};
use serde_json::json;
use steward_core::Steward;
use steward_core::decisions::{LogVerification, NewDecision};
use steward_core::ledger::LedgerEntry;
use steward_ledger::{EntryFields, Report};

fn date(field: &str, text: &str) -> Result<chrono::NaiveDate, Failure> {
    Ok(steward_ledger::entry::parse_date(field, text).map_err(|p| steward_core::Error::invalid(p.field, p.message))?)
}

fn fields(e: EntryArgs) -> Result<EntryFields, Failure> {
    let evidence = match (&e.evidence, &e.evidence_file) {
        (_, Some(path)) => {
            steward_ledger::entry::file_evidence(&std::fs::read(path).map_err(|err| io_error(path, err))?)
        }
        (Some(note), None) => note.clone(),
        (None, None) => String::new(),
    };
    Ok(EntryFields {
        date: e.date,
        party: e.party,
        person: e.person.unwrap_or_default(),
        category: e.category,
        amount: e.amount.unwrap_or_default(),
        currency: e.currency,
        hours: e.hours.unwrap_or_default(),
        fte_months: e.fte_months.unwrap_or_default(),
        rate: e.rate.unwrap_or_default(),
        description: e.description,
        evidence,
    })
}

fn write_or_stdout(path: Option<&std::path::Path>, bytes: &[u8]) -> Outcome {
    match path {
        Some(p) => std::fs::write(p, bytes).map_err(|e| io_error(p, e)),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            Ok(())
        }
    }
}

pub fn ledger(s: &mut Steward, cmd: LedgerCmd, out: Out) -> Outcome {
    match cmd {
        LedgerCmd::Add { collab, entry, replaces } => {
            let e = s.add_ledger_entry(collab, &fields(*entry)?, replaces)?;
            if out.json {
                return Ok(output::json(&e)?);
            }
            out.id(e.id)
        }
        LedgerCmd::Reverse { collab, entry, reason } => {
            let e = s.reverse_ledger_entry(collab, entry, &reason)?;
            if out.json {
                return Ok(output::json(&e)?);
            }
            out.id(e.id)
        }
        LedgerCmd::List { collab } => {
            let entries = s.ledger(collab)?;
            if out.json {
                return Ok(output::json(&entries)?);
            }
            Ok(output::text(&entries_table(&entries))?)
        }
        LedgerCmd::Report { collab, currency, as_of } => {
            let as_of = as_of.map(|d| date("as_of", &d)).transpose()?;
            let r = s.ledger_report(collab, currency.as_deref(), as_of)?;
            if out.json {
                return Ok(output::json(&r)?);
            }
            Ok(output::text(&report_text(&r))?)
        }
        LedgerCmd::Import { collab, file } => {
            let data = std::fs::read(&file).map_err(|e| io_error(&file, e))?;
            let done = s.import_ledger_csv(collab, &data)?;
            if out.json {
                return Ok(output::json(&done)?);
            }
            Ok(output::text(&format!(
                "imported {} entries ({} reversals) from {}",
                done.added,
                done.reversals,
                file.display()
            ))?)
        }
        LedgerCmd::Export { collab, out: path } => {
            let csv = s.export_ledger_csv(collab)?;
            write_or_stdout(path.as_deref(), &csv)?;
            if let (Some(p), true) = (&path, out.json) {
                output::json(&json!({ "out": p, "bytes": csv.len() }))?;
            }
            Ok(())
        }
        LedgerCmd::Bind { agreement, as_of, currency } => {
            let saved = s.bind_ledger(agreement, date("as_of", &as_of)?, currency.as_deref())?;
            if out.json {
                return Ok(output::json(&saved)?);
            }
            Ok(output::text(&format!(
                "agreement {agreement}: revision {} bound to the ledger as of {as_of}",
                saved.revision
            ))?)
        }
    }
}

fn entries_table(entries: &[LedgerEntry]) -> String {
    if entries.is_empty() {
        return "no entries\n".into();
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let what = match (&e.quantity, &e.rate, e.measure) {
                (Some(q), Some(r), steward_ledger::Measure::Hours) => format!("{q} h × {r}"),
                (Some(q), Some(r), _) => format!("{q} FTE-months × {r}"),
                _ => String::new(),
            };
            let link = match (e.reverses, e.reversed_by, e.replaces) {
                (Some(r), ..) => format!("reverses {r}"),
                (None, Some(r), _) => format!("reversed by {r}"),
                (None, None, Some(r)) => format!("replaces {r}"),
                _ => String::new(),
            };
            vec![
                e.id.to_string(),
                e.date.to_string(),
                e.party.clone(),
                e.category.as_str().to_string(),
                format!("{} {}", e.currency, e.amount),
                what,
                e.description.clone(),
                link,
            ]
        })
        .collect();
    output::table(&["ID", "DATE", "PARTY", "CATEGORY", "AMOUNT", "BASIS", "DESCRIPTION", "LINK"], &rows)
}

fn report_text(r: &Report) -> String {
    let cats: Vec<steward_ledger::Category> = r.by_category.keys().copied().collect();
    let mut headers: Vec<String> = vec!["PARTY".into()];
    headers.extend(cats.iter().map(|c| c.as_str().to_uppercase()));
    headers.extend(["TOTAL".to_string(), "SHARE".to_string()]);
    let mut rows: Vec<Vec<String>> = r
        .parties
        .iter()
        .map(|p| {
            let mut row = vec![p.party.clone()];
            row.extend(cats.iter().map(|c| p.by_category.get(c).cloned().unwrap_or_else(|| "-".into())));
            row.extend([p.total.clone(), format!("{}%", p.share)]);
            row
        })
        .collect();
    let mut total = vec!["Total".to_string()];
    total.extend(cats.iter().map(|c| r.by_category.get(c).cloned().unwrap_or_default()));
    total.extend([r.total.clone(), "100.00%".to_string()]);
    rows.push(total);
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = format!(
        "Contributions in {}{} ({} entries)\n\n",
        r.currency,
        r.as_of.map(|d| format!(" as of {d}")).unwrap_or_default(),
        r.entries
    );
    t.push_str(&output::table(&h, &rows));
    if !r.rates_used.is_empty() {
        t.push_str("\nRates used:\n");
        for u in &r.rates_used {
            let dir = if u.inverse { " (applied inverted)" } else { "" };
            t.push_str(&format!("  1 {} = {} {} on {} ({}){dir}\n", u.from, u.rate, u.to, u.date, u.source));
        }
    }
    t.push_str(&format!("\nRounding: {}\n", r.rounding));
    t
}

pub fn rate(s: &mut Steward, cmd: RateCmd, out: Out) -> Outcome {
    match cmd {
        RateCmd::Add { from, to, rate, date, source } => {
            let r = s.add_rate(&from, &to, &rate, &date, &source)?;
            if out.json {
                return Ok(output::json(&r)?);
            }
            out.id(r.id)
        }
        RateCmd::List => {
            let rates = s.rates()?;
            if out.json {
                return Ok(output::json(&rates)?);
            }
            let rows: Vec<Vec<String>> = rates
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.date.to_string(),
                        format!("1 {} = {} {}", r.from, r.rate, r.to),
                        r.source.clone(),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["ID", "DATE", "RATE", "SOURCE"], &rows))?)
        }
    }
}

pub fn credit(s: &mut Steward, cmd: CreditCmd, out: Out) -> Outcome {
    match cmd {
        CreditCmd::Set { collab, person, role, degree } => {
            let c = s.set_credit_role(collab, person, &role, &degree)?;
            if out.json {
                return Ok(output::json(&c)?);
            }
            Ok(output::text(&format!("{}: {} ({})", c.person, c.role_label, c.degree.as_str()))?)
        }
        CreditCmd::List { collab } => {
            let roles = s.credit_roles(collab)?;
            if out.json {
                return Ok(output::json(&roles)?);
            }
            let rows: Vec<Vec<String>> = roles
                .iter()
                .map(|c| {
                    vec![c.person.clone(), c.party.clone(), c.role_label.to_string(), c.degree.as_str().to_string()]
                })
                .collect();
            Ok(output::text(&output::table(&["PERSON", "PARTY", "ROLE", "DEGREE"], &rows))?)
        }
        CreditCmd::Bind { agreement } => {
            let saved = s.bind_credit(agreement)?;
            if out.json {
                return Ok(output::json(&saved)?);
            }
            Ok(output::text(&format!(
                "agreement {agreement}: revision {} carries the contributor roles",
                saved.revision
            ))?)
        }
    }
}

/// `decision verify --file` needs no store: it runs before one is opened, and checks the
/// authors against the store's keys only when `store` names an existing one (none is created).
pub fn verify_log_file(path: &std::path::Path, store: Option<&Steward>, out: Out) -> Outcome {
    let data = std::fs::read(path).map_err(|e| io_error(path, e))?;
    let v = match store {
        Some(s) => s.verify_exported_decisions(&data)?,
        None => steward_core::decisions::verify_exported_log(&data, None)?,
    };
    print_verification(&v, out)
}

fn print_verification(v: &LogVerification, out: Out) -> Outcome {
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

pub fn decision(s: &mut Steward, cmd: DecisionCmd, out: Out) -> Outcome {
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

fn show_json(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

pub fn exchange(s: &mut Steward, cmd: ExchangeCmd, out: Out) -> Outcome {
    match cmd {
        ExchangeCmd::Import { file, collab, unsigned, accept_new_key, identity } => {
            let pdf = std::fs::read(&file).map_err(|e| io_error(&file, e))?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let opts = steward_core::exchange::ImportOptions {
                collab,
                allow_unsigned: unsigned,
                accept_new_key: if accept_new_key { identity } else { None },
            };
            let r = s.import_partner_pdf_with(&pdf, &name, &opts)?;
            if out.json {
                return Ok(output::json(&r)?);
            }
            let mut t = format!("{}\n", r.received.id);
            let signed = if r.received.signed {
                format!("signed by {}", r.received.signers.join("; "))
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
                        match (r.decided, r.result_revision) {
                            (true, Some(n)) => format!("decided: revision {n}"),
                            (true, None) => "decided: all rejected".into(),
                            _ => "to decide".into(),
                        },
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["ID", "AGREEMENT", "FILE", "SIGNED BY", "RECEIVED", "STATE"], &rows))?)
        }
        ExchangeCmd::Show { id, format, out: path } => {
            let r = s.exchange_redline(id)?;
            let bytes = match (out.json, format.as_str()) {
                (true, _) | (_, "json") => {
                    let mut b = serde_json::to_vec_pretty(&r)
                        .map_err(|e| steward_core::Error::Conflict(format!("encoding: {e}")))?;
                    b.push(b'\n');
                    b
                }
                (_, "html") => r.redline.to_html().into_bytes(),
                (_, "text") => {
                    let mut t = format!(
                        "Received draft {} ({}, {}) against our revision {}\n\n",
                        r.received.id,
                        r.received.file_name,
                        if r.received.signed { "signed" } else { "UNSIGNED" },
                        r.ours
                    );
                    if r.changes.is_empty() {
                        t.push_str("No changes.\n");
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
                (_, other) => {
                    return Err(Failure::Core(steward_core::Error::invalid(
                        "format",
                        format!("'{other}' is not one of: text, html, json"),
                    )));
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
            std::fs::write(&path, &pdf).map_err(|e| io_error(&path, e))?;
            if out.json {
                return Ok(output::json(&json!({ "out": path, "bytes": pdf.len() }))?);
            }
            Ok(())
        }
    }
}
