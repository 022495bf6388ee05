//! `steward ledger`, `steward rate` and `steward credit`: contributions, exchange rates, CRediT roles.

use crate::args::{CreditCmd, EntryArgs, LedgerCmd, RateCmd};
use crate::{Failure, Out, Outcome, output, write_or_stdout};
use serde_json::json;
use steward_core::Steward;
use steward_core::ledger::LedgerEntry;
use steward_ledger::{EntryFields, Report};

pub(crate) fn date(field: &str, text: &str) -> Result<chrono::NaiveDate, Failure> {
    Ok(steward_ledger::entry::parse_date(field, text).map_err(|p| steward_core::Error::invalid(p.field, p.message))?)
}

pub(crate) fn fields(e: EntryArgs) -> Result<EntryFields, Failure> {
    let evidence = match (&e.evidence, &e.evidence_file) {
        (_, Some(path)) => steward_ledger::entry::file_evidence(&crate::read_bytes(path, 1 << 30)?),
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

pub(crate) fn ledger(s: &mut Steward, cmd: LedgerCmd, out: Out) -> Outcome {
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
            let data = crate::read_bytes(&file, steward_core::files::MAX_TEXT)?;
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

pub(crate) fn entries_table(entries: &[LedgerEntry]) -> String {
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

pub(crate) fn report_text(r: &Report) -> String {
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

pub(crate) fn rate(s: &mut Steward, cmd: RateCmd, out: Out) -> Outcome {
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

pub(crate) fn credit(s: &mut Steward, cmd: CreditCmd, out: Out) -> Outcome {
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
