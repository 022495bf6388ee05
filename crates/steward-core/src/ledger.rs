//! The contribution ledger of a collaboration: append-only entries (a correction is a reversal plus
//! a new entry, linked), exchange rates recorded by the user, reports in one currency with shares
//! that sum to exactly 100.00, CSV import (all or nothing) and export, CRediT roles, and binding
//! shares into an agreement's variables.

use crate::error::{Error, FieldError, Invalid, Result};
use crate::{Id, Steward};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use steward_ledger::credit::{Degree, Role as CreditRole};
use steward_ledger::csv_io::{self, ExportRow, RowProblem};
use steward_ledger::report::{self, Group, ReportError};
use steward_ledger::{Category, Currency, EntryFields, Measure, Problem, Rate, RateTable, Report, ValidEntry};

/// One stored ledger entry, as lists and exports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    pub id: Id,
    pub collaboration_id: Id,
    pub date: NaiveDate,
    pub party_id: Id,
    pub party: String,
    pub person_id: Option<Id>,
    pub person: Option<String>,
    pub category: Category,
    pub currency: String,
    pub amount_minor: i64,
    /// Major units, e.g. `1807.50`.
    pub amount: String,
    pub measure: Measure,
    /// Hours or FTE-months (`37.50`), for time entries.
    pub quantity: Option<String>,
    /// Money per hour or FTE-month, major units.
    pub rate: Option<String>,
    pub description: String,
    pub evidence_note: Option<String>,
    pub evidence_sha256: Option<String>,
    pub reverses: Option<Id>,
    pub replaces: Option<Id>,
    /// The entry that reverses this one, if any.
    pub reversed_by: Option<Id>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A recorded exchange rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExchangeRate {
    pub id: Id,
    pub from: String,
    pub to: String,
    pub rate: String,
    pub date: NaiveDate,
    pub source: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// What a CSV import added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerImport {
    pub added: usize,
    pub reversals: usize,
    pub first_id: Option<Id>,
    pub last_id: Option<Id>,
}

/// A person's CRediT role in a collaboration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditEntry {
    pub person_id: Id,
    pub person: String,
    pub party: String,
    pub role: CreditRole,
    pub role_label: &'static str,
    pub degree: Degree,
}

const ENTRY_COLS: &str = "e.id, e.collaboration_id, e.entry_date, e.party_id, coalesce(p.short_name, p.legal_name), e.person_id, pe.name, \
     e.category, e.currency, e.amount_minor, e.measure, e.quantity_centi, e.rate_minor, e.description, e.evidence_note, \
     e.evidence_sha256, e.reverses, e.replaces, (SELECT r.id FROM ledger_entry r WHERE r.reverses = e.id), e.recorded_by, e.recorded_at";
const ENTRY_FROM: &str = "ledger_entry e JOIN party p ON p.id = e.party_id LEFT JOIN person pe ON pe.id = e.person_id";

fn stored<T>(what: &str, r: std::result::Result<T, Problem>) -> rusqlite::Result<T> {
    r.map_err(|p| rusqlite::Error::InvalidColumnType(0, format!("{what}: {p}"), rusqlite::types::Type::Text))
}

fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LedgerEntry> {
    let currency: String = r.get(8)?;
    let cur = stored("currency", Currency::parse("currency", &currency))?;
    let amount_minor: i64 = r.get(9)?;
    let quantity: Option<i64> = r.get(11)?;
    let rate: Option<i64> = r.get(12)?;
    let date: String = r.get(2)?;
    Ok(LedgerEntry {
        id: r.get(0)?,
        collaboration_id: r.get(1)?,
        date: stored("date", steward_ledger::entry::parse_date("date", &date))?,
        party_id: r.get(3)?,
        party: r.get(4)?,
        person_id: r.get(5)?,
        person: r.get(6)?,
        category: stored("category", Category::parse("category", &r.get::<_, String>(7)?))?,
        currency: cur.to_string(),
        amount_minor,
        amount: cur.plain(i128::from(amount_minor)),
        measure: stored("measure", Measure::parse("measure", &r.get::<_, String>(10)?))?,
        quantity: quantity.map(|q| format!("{}.{:02}", q / 100, q % 100)),
        rate: rate.map(|v| cur.plain(i128::from(v))),
        description: r.get(13)?,
        evidence_note: r.get(14)?,
        evidence_sha256: r.get(15)?,
        reverses: r.get(16)?,
        replaces: r.get(17)?,
        reversed_by: r.get(18)?,
        recorded_by: r.get(19)?,
        recorded_at: r.get(20)?,
    })
}

fn problems_of(problems: Vec<Problem>) -> Error {
    Error::Invalid(Invalid(problems.into_iter().map(|p| FieldError::new(p.field, p.message)).collect()))
}

fn row_problems(problems: Vec<RowProblem>) -> Error {
    Error::Invalid(Invalid(
        problems.into_iter().map(|p| FieldError::new(format!("line {}: {}", p.line, p.field), p.message)).collect(),
    ))
}

/// A collaboration's parties and people as a ledger entry may name them.
struct Names {
    parties: Vec<(Id, String, String)>,
    people: Vec<(Id, Id, String, String)>,
}

impl Names {
    fn party(&self, text: &str) -> std::result::Result<Id, Problem> {
        let t = text.trim();
        let found: Vec<Id> = self
            .parties
            .iter()
            .filter(|(id, short, legal)| {
                t.parse::<Id>().ok() == Some(*id) || short.eq_ignore_ascii_case(t) || legal.eq_ignore_ascii_case(t)
            })
            .map(|p| p.0)
            .collect();
        match found.as_slice() {
            [id] => Ok(*id),
            [] => Err(Problem::new(
                "party",
                format!(
                    "'{t}' is not a party of this collaboration ({})",
                    self.parties.iter().map(|p| p.1.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )),
            _ => Err(Problem::new("party", format!("'{t}' names more than one party: use its id"))),
        }
    }

    fn person(&self, text: &str, party: Id) -> std::result::Result<Id, Problem> {
        let t = text.trim();
        let p = self
            .people
            .iter()
            .find(|(id, _, name, email)| {
                t.parse::<Id>().ok() == Some(*id) || email.eq_ignore_ascii_case(t) || name.eq_ignore_ascii_case(t)
            })
            .ok_or_else(|| Problem::new("person", format!("'{t}' is not a person of this collaboration")))?;
        if p.1 != party {
            return Err(Problem::new("person", format!("{} does not belong to that party", p.2)));
        }
        Ok(p.0)
    }
}

impl Steward {
    fn ledger_names(&self, collab: Id) -> Result<Names> {
        let detail = self.collaboration(collab)?;
        Ok(Names {
            parties: detail
                .members
                .iter()
                .map(|m| (m.party.id, m.party.display_name().to_string(), m.party.legal_name.clone()))
                .collect(),
            people: detail.people.iter().map(|p| (p.id, p.party_id, p.name.clone(), p.email.clone())).collect(),
        })
    }

    fn insert_entry(
        &mut self,
        collab: Id,
        e: &ValidEntry,
        party: Id,
        person: Option<Id>,
        reverses: Option<Id>,
        replaces: Option<Id>,
    ) -> Result<Id> {
        let by = self.actor().to_string();
        let at = self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.store().conn.execute(
            "INSERT INTO ledger_entry (collaboration_id, party_id, person_id, category, entry_date, currency, amount_minor,
                 measure, quantity_centi, rate_minor, description, evidence_note, evidence_sha256, reverses, replaces,
                 recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                collab,
                party,
                person,
                e.category.as_str(),
                e.date.to_string(),
                e.currency.code(),
                e.amount_minor,
                e.measure.as_str(),
                e.quantity_centi,
                e.rate_minor,
                e.description,
                e.evidence_note,
                e.evidence_sha256,
                reverses,
                replaces,
                by,
                at
            ],
        )?;
        Ok(self.store().conn.last_insert_rowid())
    }

    /// Records a contribution. With `replaces`, the old entry is reversed and the new one linked
    /// to it, in one transaction (the way to correct an entry).
    pub fn add_ledger_entry(&mut self, collab: Id, fields: &EntryFields, replaces: Option<Id>) -> Result<LedgerEntry> {
        let names = self.ledger_names(collab)?;
        let mut problems = Vec::new();
        let valid = fields.validate().map_err(|p| problems.extend(p)).ok();
        let party = valid.as_ref().and_then(|v| names.party(&v.party).map_err(|p| problems.push(p)).ok());
        let person = match (valid.as_ref().and_then(|v| v.person.as_deref()), party) {
            (Some(p), Some(party)) => names.person(p, party).map_err(|p| problems.push(p)).ok(),
            _ => None,
        };
        if let Some(old) = replaces {
            if let Err(e) = self.reversible(collab, old) {
                problems.push(Problem::new("replaces", e.to_string()));
            }
        }
        let (Some(valid), Some(party), true) = (valid, party, problems.is_empty()) else {
            return Err(problems_of(problems));
        };
        let id = self.atomically(|s| {
            let replaced = match replaces {
                Some(old) => {
                    Some(s.insert_reversal(collab, old, &format!("Corrected by a new entry: {}", valid.description))?)
                }
                None => None,
            };
            s.insert_entry(collab, &valid, party, person, None, replaces.filter(|_| replaced.is_some()))
        })?;
        self.ledger_entry(id)
    }

    /// An entry of `collab` that has not been reversed and is not itself a reversal.
    fn reversible(&self, collab: Id, id: Id) -> Result<LedgerEntry> {
        let e = self.ledger_entry(id)?;
        if e.collaboration_id != collab {
            return Err(Error::invalid("entry", format!("entry {id} belongs to another collaboration")));
        }
        if let Some(r) = e.reversed_by {
            return Err(Error::Conflict(format!("entry {id} is already reversed by entry {r}")));
        }
        if e.reverses.is_some() {
            return Err(Error::Conflict(format!("entry {id} is itself a reversal; record a new entry instead")));
        }
        Ok(e)
    }

    fn insert_reversal(&mut self, collab: Id, id: Id, why: &str) -> Result<Id> {
        let e = self.reversible(collab, id)?;
        let currency = Currency::parse("currency", &e.currency).map_err(|p| Error::Conflict(p.to_string()))?;
        let reversal = ValidEntry {
            date: self.clock_today().max(e.date),
            party: e.party.clone(),
            person: None,
            category: e.category,
            currency,
            amount_minor: -e.amount_minor,
            measure: Measure::Money,
            quantity_centi: None,
            rate_minor: None,
            description: format!("Reversal of entry {id}: {why}"),
            evidence_note: None,
            evidence_sha256: None,
        };
        self.insert_entry(collab, &reversal, e.party_id, e.person_id, Some(id), None)
    }

    /// Reverses an entry: a new entry with the opposite amount, linked to it. Nothing is deleted.
    pub fn reverse_ledger_entry(&mut self, collab: Id, id: Id, reason: &str) -> Result<LedgerEntry> {
        let reason = crate::domain::validate::required_text("reason", reason, 500)
            .map_err(|e| Error::Invalid(Invalid(vec![e])))?;
        let new = self.atomically(|s| s.insert_reversal(collab, id, &reason))?;
        self.ledger_entry(new)
    }

    pub fn ledger_entry(&self, id: Id) -> Result<LedgerEntry> {
        self.store()
            .conn
            .query_row(&format!("SELECT {ENTRY_COLS} FROM {ENTRY_FROM} WHERE e.id = ?1"), [id], entry_row)
            .optional()?
            .ok_or_else(|| Error::not_found("ledger entry", id))
    }

    /// Every entry of a collaboration, oldest first.
    pub fn ledger(&self, collab: Id) -> Result<Vec<LedgerEntry>> {
        self.store().collaboration(collab)?;
        let mut stmt = self
            .store()
            .conn
            .prepare(&format!("SELECT {ENTRY_COLS} FROM {ENTRY_FROM} WHERE e.collaboration_id = ?1 ORDER BY e.id"))?;
        let rows = stmt.query_map([collab], entry_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // ---- rates ----

    /// Records that 1 `from` was worth `rate` `to` on `date`, according to `source`.
    pub fn add_rate(&mut self, from: &str, to: &str, rate: &str, date: &str, source: &str) -> Result<ExchangeRate> {
        let mut problems = Vec::new();
        let from_c = Currency::parse("from", from).map_err(|p| problems.push(p)).ok();
        let to_c = Currency::parse("to", to).map_err(|p| problems.push(p)).ok();
        let r = Rate::parse_rate("rate", rate).map_err(|p| problems.push(p)).ok();
        let d = steward_ledger::entry::parse_date("date", date).map_err(|p| problems.push(p)).ok();
        let src = source.trim();
        if src.is_empty() {
            problems.push(Problem::new(
                "source",
                "is required (where the rate comes from, e.g. a central bank's reference rate)",
            ));
        }
        if let (Some(f), Some(t)) = (from_c, to_c) {
            if f == t {
                problems.push(Problem::new("to", "must differ from 'from'"));
            }
        }
        let (Some(f), Some(t), Some(r), Some(d), true) = (from_c, to_c, r, d, problems.is_empty()) else {
            return Err(problems_of(problems));
        };
        let by = self.actor().to_string();
        let at = self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let inserted = self.store().conn.execute(
            "INSERT INTO exchange_rate (from_currency, to_currency, rate, rate_date, source, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![f.code(), t.code(), r.to_string(), d.to_string(), src, by, at],
        );
        match inserted {
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
                return Err(Error::Conflict(format!(
                    "a {f}→{t} rate for {d} is already recorded (rates are never changed)"
                )));
            }
            other => {
                other?;
            }
        }
        let id = self.store().conn.last_insert_rowid();
        self.rates()?.into_iter().find(|r| r.id == id).ok_or_else(|| Error::not_found("rate", id))
    }

    pub fn rates(&self) -> Result<Vec<ExchangeRate>> {
        let mut stmt = self.store().conn.prepare(
            "SELECT id, from_currency, to_currency, rate, rate_date, source, recorded_by, recorded_at FROM exchange_rate
             ORDER BY from_currency, to_currency, rate_date",
        )?;
        let rows = stmt.query_map([], |r| {
            let date: String = r.get(4)?;
            Ok(ExchangeRate {
                id: r.get(0)?,
                from: r.get(1)?,
                to: r.get(2)?,
                rate: r.get(3)?,
                date: stored("date", steward_ledger::entry::parse_date("date", &date))?,
                source: r.get(5)?,
                recorded_by: r.get(6)?,
                recorded_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn rate_table(&self) -> Result<RateTable> {
        let mut out = Vec::new();
        for r in self.rates()? {
            let damaged = |p: Problem| Error::Conflict(format!("stored rate {} is damaged: {p}", r.id));
            out.push(Rate {
                from: Currency::parse("from", &r.from).map_err(damaged)?,
                to: Currency::parse("to", &r.to).map_err(damaged)?,
                date: r.date,
                rate: Rate::parse_rate("rate", &r.rate).map_err(damaged)?,
                source: r.source,
            });
        }
        Ok(RateTable::new(out))
    }

    // ---- report ----

    /// Totals per party and category in `currency` (default: the ledger's only currency), counting
    /// entries dated up to `as_of`, with shares that sum to exactly 100.00. Fails naming every
    /// rate it lacks.
    pub fn ledger_report(&self, collab: Id, currency: Option<&str>, as_of: Option<NaiveDate>) -> Result<Report> {
        let names = self.ledger_names(collab)?;
        let until = as_of.map_or_else(|| "9999-12-31".to_string(), |d| d.to_string());
        let mut groups = Vec::new();
        let mut entries = 0u64;
        let mut currencies: Vec<Currency> = Vec::new();
        let mut known: HashMap<String, Currency> = HashMap::new();
        {
            let mut stmt = self.store().conn.prepare_cached(
                "SELECT party_id, category, currency, entry_date, sum(amount_minor), count(*) FROM ledger_entry
                 WHERE collaboration_id = ?1 AND entry_date <= ?2
                 GROUP BY party_id, category, currency, entry_date",
            )?;
            let mut rows = stmt.query(params![collab, until])?;
            while let Some(r) = rows.next()? {
                let code: String = r.get(2)?;
                let cur = match known.get(&code) {
                    Some(c) => *c,
                    None => {
                        let c = Currency::parse("currency", &code)
                            .map_err(|p| Error::Conflict(format!("stored entry: {p}")))?;
                        known.insert(code, c);
                        if !currencies.contains(&c) {
                            currencies.push(c);
                        }
                        c
                    }
                };
                let cat: String = r.get(1)?;
                let date: String = r.get(3)?;
                groups.push(Group {
                    party: r.get(0)?,
                    category: Category::parse("category", &cat)
                        .map_err(|p| Error::Conflict(format!("stored entry: {p}")))?,
                    currency: cur,
                    date: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                        .map_err(|_| Error::Conflict(format!("stored entry has a bad date {date}")))?,
                    minor: i128::from(r.get::<_, i64>(4)?),
                });
                entries += r.get::<_, i64>(5)? as u64;
            }
        }
        let currency = match currency {
            Some(c) => Currency::parse("currency", c).map_err(|p| problems_of(vec![p]))?,
            None => match currencies.as_slice() {
                [c] => *c,
                [] => return Err(Error::invalid("currency", "the ledger has no entries yet: name a report currency")),
                many => {
                    let mut codes: Vec<&str> = many.iter().map(Currency::code).collect();
                    codes.sort();
                    return Err(Error::invalid(
                        "currency",
                        format!("entries are in {}: choose the report currency", codes.join(", ")),
                    ));
                }
            },
        };
        let mut parties: Vec<(Id, String)> = names.parties.iter().map(|(id, short, _)| (*id, short.clone())).collect();
        for g in &groups {
            if !parties.iter().any(|(id, _)| *id == g.party) {
                let p = self.party(g.party)?;
                parties.push((p.id, p.display_name().to_string()));
            }
        }
        let rates = self.rate_table()?;
        let mut r = report::report(&groups, &parties, currency, &rates, as_of).map_err(|e| match e {
            ReportError::MissingRates(m) => problems_of(m.iter().map(|m| m.problem()).collect()),
            ReportError::TooLarge => Error::invalid("currency", "the totals are too large to convert exactly"),
        })?;
        r.entries = entries;
        Ok(r)
    }

    // ---- CSV ----

    /// Imports a ledger CSV into `collab`: every row is checked first and every bad row reported
    /// with its line; only a file without problems is stored, in one transaction.
    pub fn import_ledger_csv(&mut self, collab: Id, data: &[u8]) -> Result<LedgerImport> {
        let names = self.ledger_names(collab)?;
        let rows = csv_io::read(data).map_err(row_problems)?;
        let mut problems: Vec<RowProblem> = Vec::new();
        enum Planned {
            Entry(ValidEntry, Id, Option<Id>),
            Reversal { target: Target, line: u64 },
        }
        #[derive(Clone, Copy)]
        enum Target {
            Stored(Id),
            InFile(usize),
        }
        let mut planned: Vec<Planned> = Vec::with_capacity(rows.len());
        let mut file_ids: HashMap<String, usize> = HashMap::new();
        let mut reversed: Vec<String> = Vec::new();
        for row in &rows {
            let line = row.line;
            if let Some(target) = &row.reverses {
                // A reversal: the negated amount of an entry earlier in this file or already stored.
                let t = match file_ids.get(target) {
                    Some(i) => Some(Target::InFile(*i)),
                    None => match target.parse::<Id>().ok().map(|id| self.reversible(collab, id)) {
                        Some(Ok(e)) => Some(Target::Stored(e.id)),
                        Some(Err(e)) => {
                            problems.push(RowProblem::new(line, Problem::new("reverses", e.to_string())));
                            None
                        }
                        None => {
                            problems.push(RowProblem::new(
                                line,
                                Problem::new(
                                    "reverses",
                                    format!("'{target}' is neither an earlier row's id nor a stored entry"),
                                ),
                            ));
                            None
                        }
                    },
                };
                if reversed.contains(target) {
                    problems.push(RowProblem::new(
                        line,
                        Problem::new("reverses", format!("entry {target} is reversed twice")),
                    ));
                }
                reversed.push(target.clone());
                if let Some(t) = t {
                    let (amount, currency) = match t {
                        Target::InFile(i) => match &planned[i] {
                            Planned::Entry(v, ..) => (v.amount_minor, v.currency.to_string()),
                            Planned::Reversal { .. } => (0, String::new()),
                        },
                        Target::Stored(id) => {
                            let e = self.ledger_entry(id)?;
                            (e.amount_minor, e.currency)
                        }
                    };
                    let given = Currency::parse("currency", &row.fields.currency)
                        .and_then(|c| c.parse_amount("amount", &row.fields.amount).map(|a| (c, a)));
                    match given {
                        Ok((c, a)) if c.code() == currency && a == -amount && amount != 0 => {
                            planned.push(Planned::Reversal { target: t, line });
                        }
                        Ok(_) => problems.push(RowProblem::new(
                            line,
                            Problem::new(
                                "amount",
                                format!("a reversal must be exactly -{amount} minor units of {currency}"),
                            ),
                        )),
                        Err(p) => problems.push(RowProblem::new(line, p)),
                    }
                }
            } else {
                match row.fields.validate() {
                    Ok(v) => {
                        let party = names.party(&v.party).map_err(|p| problems.push(RowProblem::new(line, p))).ok();
                        let person = match (&v.person, party) {
                            (Some(p), Some(party)) => {
                                names.person(p, party).map_err(|p| problems.push(RowProblem::new(line, p))).ok()
                            }
                            _ => None,
                        };
                        if let Some(party) = party {
                            planned.push(Planned::Entry(v, party, person));
                        }
                    }
                    Err(ps) => problems.extend(ps.into_iter().map(|p| RowProblem::new(line, p))),
                }
            }
            if let Some(id) = &row.id {
                if file_ids.insert(id.clone(), planned.len().saturating_sub(1)).is_some() {
                    problems
                        .push(RowProblem::new(line, Problem::new("id", format!("'{id}' appears twice in the file"))));
                }
            }
        }
        if !problems.is_empty() {
            return Err(row_problems(problems));
        }
        if planned.is_empty() {
            return Err(Error::invalid("file", "has no entries"));
        }
        self.atomically(|s| {
            let mut ids: Vec<Id> = Vec::with_capacity(planned.len());
            let mut reversals = 0;
            for p in &planned {
                let id = match p {
                    Planned::Entry(v, party, person) => s.insert_entry(collab, v, *party, *person, None, None)?,
                    Planned::Reversal { target, line } => {
                        reversals += 1;
                        let target = match target {
                            Target::Stored(id) => *id,
                            Target::InFile(i) => ids[*i],
                        };
                        s.insert_reversal(collab, target, &format!("imported from CSV line {line}"))?
                    }
                };
                ids.push(id);
            }
            Ok(LedgerImport {
                added: ids.len(),
                reversals,
                first_id: ids.first().copied(),
                last_id: ids.last().copied(),
            })
        })
    }

    /// The whole ledger as CSV (imports again: reversals refer to rows by `id`).
    pub fn export_ledger_csv(&self, collab: Id) -> Result<Vec<u8>> {
        let emails: HashMap<Id, String> =
            self.collaboration(collab)?.people.into_iter().map(|p| (p.id, p.email)).collect();
        let rows: Vec<ExportRow> = self
            .ledger(collab)?
            .into_iter()
            .map(|e| {
                let (amount, hours, fte_months, rate) = match e.measure {
                    Measure::Money => (e.amount.clone(), String::new(), String::new(), String::new()),
                    Measure::Hours => (
                        String::new(),
                        e.quantity.clone().unwrap_or_default(),
                        String::new(),
                        e.rate.clone().unwrap_or_default(),
                    ),
                    Measure::FteMonths => (
                        String::new(),
                        String::new(),
                        e.quantity.clone().unwrap_or_default(),
                        e.rate.clone().unwrap_or_default(),
                    ),
                };
                ExportRow {
                    fields: EntryFields {
                        date: e.date.to_string(),
                        party: e.party.clone(),
                        person: e.person_id.and_then(|p| emails.get(&p).cloned()).unwrap_or_default(),
                        category: e.category.as_str().to_string(),
                        amount,
                        currency: e.currency.clone(),
                        hours,
                        fte_months,
                        rate,
                        description: e.description.clone(),
                        evidence: match (&e.evidence_sha256, &e.evidence_note) {
                            (Some(h), _) => format!("sha256:{h}"),
                            (None, Some(n)) => n.clone(),
                            (None, None) => String::new(),
                        },
                    },
                    id: e.id.to_string(),
                    reverses: e.reverses.map(|r| r.to_string()).unwrap_or_default(),
                    replaces: e.replaces.map(|r| r.to_string()).unwrap_or_default(),
                    recorded_by: e.recorded_by,
                    recorded_at: e.recorded_at,
                }
            })
            .collect();
        csv_io::write(&rows).map_err(|e| Error::Conflict(format!("writing CSV: {e}")))
    }

    // ---- binding into an agreement ----

    /// Copies the ledger's shares and totals as of `as_of` into a collaboration agreement's
    /// revenue-share, contributions and note variables, as a new revision: the draft keeps the
    /// values with their date, so later entries never change its text.
    pub fn bind_ledger(
        &mut self,
        agreement: Id,
        as_of: NaiveDate,
        currency: Option<&str>,
    ) -> Result<crate::agreements::Saved> {
        let a = self.store().agreement_row_by_id(agreement)?;
        let r = self.ledger_report(a.collaboration_id, currency, Some(as_of))?;
        if r.total_minor <= 0 {
            return Err(Error::invalid("ledger", format!("has no contributions dated on or before {as_of}")));
        }
        let cur = Currency::parse("currency", &r.currency).map_err(|p| problems_of(vec![p]))?;
        let shares: Vec<Json> = r.parties.iter().map(|p| Json::String(format!("{}: {}%", p.party, p.share))).collect();
        let items: Vec<Json> = r
            .parties
            .iter()
            .filter(|p| p.total_minor > 0)
            .map(|p| {
                let parts: Vec<String> = p
                    .by_category
                    .iter()
                    .map(|(c, v)| {
                        let minor = cur.parse_amount("amount", v).map(i128::from).unwrap_or_default();
                        format!("{} valued at {}", c.as_str().replace('_', " "), cur.format(minor))
                    })
                    .collect();
                Json::String(format!("{}: {} (in all {})", p.party, parts.join("; "), cur.format(p.total_minor)))
            })
            .collect();
        let mut rates: Vec<String> =
            r.rates_used.iter().map(|u| format!("{}→{} {} of {}", u.from, u.to, u.rate, u.date)).collect();
        if rates.len() > 4 {
            let more = rates.len() - 4;
            rates.truncate(4);
            rates.push(format!("and {more} more"));
        }
        let note = format!(
            "Values are taken from the collaboration's contribution ledger as of {as_of}, stated in {}{}.",
            r.currency,
            if rates.is_empty() {
                String::new()
            } else {
                format!(" at the exchange rates recorded ({})", rates.join(", "))
            }
        );
        let mut set = BTreeMap::new();
        set.insert("revenue_shares".to_string(), Json::Array(shares));
        set.insert("contribution_items".to_string(), Json::Array(items));
        set.insert("contributions_note".to_string(), Json::String(note.chars().take(500).collect()));
        self.update_agreement(
            agreement,
            set,
            BTreeMap::new(),
            Some(&format!("Bound to the contribution ledger as of {as_of}")),
        )
    }

    // ---- CRediT ----

    /// Records (or changes) a person's CRediT role and degree in a collaboration.
    pub fn set_credit_role(&mut self, collab: Id, person: Id, role: &str, degree: &str) -> Result<CreditEntry> {
        let mut problems = Vec::new();
        let r = CreditRole::parse_any("role", role).map_err(|p| problems.push(p)).ok();
        let d = Degree::parse("degree", degree).map_err(|p| problems.push(p)).ok();
        let detail = self.collaboration(collab)?;
        if !detail.people.iter().any(|p| p.id == person) {
            problems.push(Problem::new("person", format!("person {person} is not one of this collaboration's people")));
        }
        let (Some(r), Some(d), true) = (r, d, problems.is_empty()) else {
            return Err(problems_of(problems));
        };
        let by = self.actor().to_string();
        let at = self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.store().conn.execute(
            "INSERT INTO credit_role (collaboration_id, person_id, role, degree, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (collaboration_id, person_id, role) DO UPDATE SET degree = excluded.degree,
                 recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            params![collab, person, r.as_str(), d.as_str(), by, at],
        )?;
        self.credit_roles(collab)?
            .into_iter()
            .find(|c| c.person_id == person && c.role == r)
            .ok_or_else(|| Error::not_found("CRediT role", r.as_str()))
    }

    /// Every CRediT role recorded in a collaboration, by person then role.
    pub fn credit_roles(&self, collab: Id) -> Result<Vec<CreditEntry>> {
        self.store().collaboration(collab)?;
        let mut stmt = self.store().conn.prepare(
            "SELECT c.person_id, pe.name, coalesce(p.short_name, p.legal_name), c.role, c.degree FROM credit_role c
             JOIN person pe ON pe.id = c.person_id JOIN party p ON p.id = pe.party_id
             WHERE c.collaboration_id = ?1 ORDER BY pe.name, c.person_id",
        )?;
        let rows = stmt.query_map([collab], |r| {
            let role = stored("role", CreditRole::parse("role", &r.get::<_, String>(3)?))?;
            Ok(CreditEntry {
                person_id: r.get(0)?,
                person: r.get(1)?,
                party: r.get(2)?,
                role,
                role_label: role.label(),
                degree: stored("degree", Degree::parse("degree", &r.get::<_, String>(4)?))?,
            })
        })?;
        let mut out: Vec<CreditEntry> = rows.collect::<rusqlite::Result<_>>()?;
        out.sort_by(|a, b| (&a.person, a.person_id, a.role).cmp(&(&b.person, b.person_id, b.role)));
        Ok(out)
    }

    /// The contributor statement a publication agreement's authorship clause carries: one line per
    /// person, e.g. `Dr Helen Achterberg (Northmoor): Conceptualization (lead); Supervision (equal)`.
    pub fn credit_statement(&self, collab: Id) -> Result<Vec<String>> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for c in self.credit_roles(collab)? {
            let who = format!("{} ({})", c.person, c.party);
            let role = format!("{} ({})", c.role_label, c.degree.as_str());
            match out.last_mut() {
                Some((w, roles)) if *w == who => roles.push(role),
                _ => out.push((who, vec![role])),
            }
        }
        Ok(out.into_iter().map(|(w, roles)| format!("{w}: {}", roles.join("; "))).collect())
    }
}
