//! The contribution ledger of a collaboration: append-only entries (a correction is a reversal plus
//! a new entry, linked), exchange rates recorded by the user, reports in one currency with shares
//! that sum to exactly 100.00, CSV import (all or nothing) and export, CRediT roles, and binding
//! shares into an agreement's variables.

use crate::error::{Error, FieldError, Invalid, Result};
use crate::{Id, Steward};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use steward_ledger::credit::{CreditRole, Degree};
use steward_ledger::csv_io::{self, ExportRow, RowProblem};
use steward_ledger::import::{Planned, Target};
use steward_ledger::report::{self, Group, ReportError};
use steward_ledger::{Category, Currency, EntryFields, Measure, Problem, Rate, RateTable, Report, ValidEntry};

/// One stored ledger entry, as lists and exports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LedgerEntry {
    pub id: Id,
    /// Its number within its collaboration's ledger (1, 2, …), as the window shows it; `id`
    /// is the store-wide key the command line takes.
    pub number: i64,
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
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LedgerImport {
    pub added: usize,
    pub reversals: usize,
    pub first_id: Option<Id>,
    pub last_id: Option<Id>,
}

/// A person's CRediT role in a collaboration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreditEntry {
    pub person_id: Id,
    pub person: String,
    pub party: String,
    pub role: CreditRole,
    pub role_label: &'static str,
    pub degree: Degree,
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
        let named = |(id, _, name, email): &&(Id, Id, String, String)| {
            t.parse::<Id>().ok() == Some(*id) || email.eq_ignore_ascii_case(t) || name.eq_ignore_ascii_case(t)
        };
        if let Some(p) = self.people.iter().filter(named).find(|p| p.1 == party) {
            return Ok(p.0);
        }
        match self.people.iter().find(named) {
            Some(p) => Err(Problem::new("person", format!("{} does not belong to that party", p.2))),
            None => Err(Problem::new("person", format!("'{t}' is not a person of this collaboration"))),
        }
    }
}

/// The ledger a CSV import is planned against: its parties, people and stored entries.
struct ImportLedger<'a> {
    steward: &'a Steward,
    collab: Id,
    names: &'a Names,
}

impl steward_ledger::import::Ledger for ImportLedger<'_> {
    fn party(&self, text: &str) -> std::result::Result<Id, Problem> {
        self.names.party(text)
    }
    fn person(&self, text: &str, party: Id) -> std::result::Result<Id, Problem> {
        self.names.person(text, party)
    }
    fn reversible(&self, id: Id) -> std::result::Result<(i64, String), String> {
        self.steward.reversible(self.collab, id).map(|e| (e.amount_minor, e.currency)).map_err(|e| e.to_string())
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
        self.store().insert_ledger_entry(&crate::store::ledger::NewEntry {
            collab,
            entry: e,
            party,
            person,
            reverses,
            replaces,
            by: &by,
            at: &at,
        })
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
            // Dated as the entry it reverses, so that it is converted at the same rate and nets
            // to zero in every report.
            date: e.date,
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
        self.store().ledger_entry(id)?.ok_or_else(|| Error::not_found("ledger entry", id))
    }

    /// Every entry of a collaboration, oldest first.
    pub fn ledger(&self, collab: Id) -> Result<Vec<LedgerEntry>> {
        self.store().collaboration(collab)?;
        self.store().ledger_entries(collab)
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
        let Some(id) = self.store().insert_rate(f.code(), t.code(), &r.to_string(), &d.to_string(), src, &by, &at)?
        else {
            return Err(Error::Conflict(format!(
                "a {f}→{t} rate for {d} is already recorded (rates are never changed)"
            )));
        };
        self.rates()?.into_iter().find(|r| r.id == id).ok_or_else(|| Error::not_found("rate", id))
    }

    pub fn rates(&self) -> Result<Vec<ExchangeRate>> {
        self.store().rates()
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
            for r in self.store().ledger_day_totals(collab, &until)? {
                entries += r.entries;
                let minor = r.minor;
                if minor == 0 {
                    // Entries that cancel out (an entry and its reversal) need no rate.
                    continue;
                }
                let code = r.currency;
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
                let (cat, date) = (r.category, r.date);
                groups.push(Group {
                    party: r.party,
                    category: Category::parse("category", &cat)
                        .map_err(|p| Error::Conflict(format!("stored entry: {p}")))?,
                    currency: cur,
                    date: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                        .map_err(|_| Error::Conflict(format!("stored entry has a bad date {date}")))?,
                    minor: i128::from(minor),
                });
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
            ReportError::MissingRates(m) => Error::missing_rates(m),
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
        let (rows, mut problems) = csv_io::read(data).map_err(row_problems)?;
        let ctx = ImportLedger { steward: self, collab, names: &names };
        let planned = match steward_ledger::import::plan(&rows, &ctx) {
            Ok(p) if problems.is_empty() => p,
            Ok(_) => Vec::new(),
            Err(ps) => {
                problems.extend(ps);
                Vec::new()
            }
        };
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line);
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
                    Planned::Entry { entry, party, person } => {
                        s.insert_entry(collab, entry, *party, *person, None, None)?
                    }
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
                    .by_category_minor
                    .iter()
                    .map(|(c, minor)| format!("{} valued at {}", c.as_str().replace('_', " "), cur.format(*minor)))
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
        self.store().upsert_credit_role(collab, person, r.as_str(), d.as_str(), &by, &at)?;
        self.credit_roles(collab)?
            .into_iter()
            .find(|c| c.person_id == person && c.role == r)
            .ok_or_else(|| Error::not_found("CRediT role", r.as_str()))
    }

    /// Every CRediT role recorded in a collaboration, by person then role.
    pub fn credit_roles(&self, collab: Id) -> Result<Vec<CreditEntry>> {
        self.store().collaboration(collab)?;
        let mut out = self.store().credit_roles(collab)?;
        out.sort_by(|a, b| (&a.person, a.person_id, a.role).cmp(&(&b.person, b.person_id, b.role)));
        Ok(out)
    }

    /// Copies the collaboration's contributor statement into a publication agreement's authorship
    /// clause, as a new revision.
    pub fn bind_credit(&mut self, agreement: Id) -> Result<crate::agreements::Saved> {
        let a = self.store().agreement_row_by_id(agreement)?;
        let statement = self.credit_statement(a.collaboration_id)?;
        if statement.is_empty() {
            return Err(Error::invalid("credit", "no CRediT roles are recorded for this collaboration"));
        }
        let mut set = BTreeMap::new();
        set.insert("contributor_statement".to_string(), Json::Array(statement.into_iter().map(Json::String).collect()));
        self.update_agreement(agreement, set, BTreeMap::new(), Some("Contributor roles copied from the CRediT records"))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, FixedClock, NewCollaboration, NewParty, Role, SequentialIds};
    use proptest::prelude::*;
    use std::sync::Arc;

    fn steward() -> Steward {
        let clock = Arc::new(FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time")));
        Steward::open_in_memory(clock).expect("store").with_ids(Arc::new(SequentialIds::default()))
    }

    fn demo() -> (Steward, Id) {
        let mut s = steward();
        let d = s.install_demo().expect("demo");
        (s, d.collaboration_id)
    }

    fn fields(date: &str, party: &str, category: &str, amount: &str, currency: &str) -> EntryFields {
        EntryFields {
            date: date.into(),
            party: party.into(),
            category: category.into(),
            amount: amount.into(),
            currency: currency.into(),
            description: "Contribution".into(),
            ..EntryFields::default()
        }
    }

    /// A fresh collaboration with `n` parties named P0, P1, ...
    fn collab_with(s: &mut Steward, n: usize) -> Id {
        let c =
            s.create_collaboration(&NewCollaboration { title: "Test".into(), ..Default::default() }).expect("collab");
        for i in 0..n {
            let p = s
                .add_party(&NewParty {
                    legal_name: format!("Party {i} of {c}"),
                    short_name: Some(format!("P{i}")),
                    country: "GB".into(),
                    ..Default::default()
                })
                .expect("party");
            s.add_member(c, p, if i == 0 { Role::Lead } else { Role::Partner }).expect("member");
        }
        c
    }

    #[test]
    fn the_demo_ledger_reports_three_currencies_in_one_with_shares_summing_to_100() {
        let (s, c) = demo();
        let r = s.ledger_report(c, Some("GBP"), None).expect("report");
        assert_eq!(r.parties.iter().map(|p| p.share_basis_points).sum::<u32>(), 10_000);
        assert_eq!(r.parties.iter().map(|p| p.total_minor).sum::<i128>(), r.total_minor);
        assert_eq!(r.rates_used.len(), 4, "{:?}", r.rates_used);
        // The corrected substrate entry counts once, at its corrected amount (EUR 10,800 at 0.8571).
        let ferrant = r.parties.iter().find(|p| p.party == "Ferrant").expect("Ferrant");
        assert_eq!(ferrant.by_category.get(&Category::Materials).map(String::as_str), Some("9256.68"));
        // Without a choice of currency, a multi-currency ledger asks for one.
        let e = s.ledger_report(c, None, None).expect_err("ambiguous");
        assert!(e.to_string().contains("EUR, GBP, JPY"), "{e}");
    }

    #[test]
    fn a_report_that_lacks_a_rate_names_it_instead_of_guessing() {
        let (s, c) = demo();
        let e = s.ledger_report(c, Some("EUR"), None).expect_err("no JPY→EUR rate");
        assert_eq!(e.kind(), ErrorKind::Invalid);
        let f = &e.field_errors()[0];
        assert_eq!(f.field, "rate JPY→EUR");
        assert!(f.message.contains("2027-02-15"), "{f:?}");
        // GBP→EUR is the inverse of the recorded EUR→GBP: no error for it.
        assert!(e.field_errors().iter().all(|f| !f.field.contains("GBP")), "{:?}", e.field_errors());
    }

    #[test]
    fn entries_and_rates_cannot_be_changed_or_deleted_even_in_sql() {
        let (s, _) = demo();
        for sql in [
            "UPDATE ledger_entry SET amount_minor = 1 WHERE id = 1",
            "DELETE FROM ledger_entry WHERE id = 1",
            "UPDATE exchange_rate SET rate = '1' WHERE id = 1",
            "DELETE FROM exchange_rate WHERE id = 1",
        ] {
            let e = s.store().conn.execute(sql, []).expect_err(sql);
            assert!(e.to_string().contains("never"), "{sql}: {e}");
        }
    }

    #[test]
    fn bad_entries_are_refused_with_every_problem_named() {
        let (mut s, c) = demo();
        let mut f = fields("2027-13-01", "Nobody", "cash", "-5", "EURO");
        f.hours = "-3".into();
        let e = s.add_ledger_entry(c, &f, None).expect_err("invalid");
        let named: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        for field in ["date", "currency", "hours"] {
            assert!(named.contains(&field), "{field} in {named:?}");
        }
        let e = s.add_ledger_entry(c, &fields("2027-01-01", "Nobody", "cash", "5", "EUR"), None).expect_err("party");
        assert!(e.to_string().contains("Northmoor"), "lists the parties: {e}");
        let before = s.ledger(c).expect("ledger").len();
        let e = s.reverse_ledger_entry(c, 12, "again").expect_err("a reversal is not reversed");
        assert_eq!(e.kind(), ErrorKind::Conflict);
        let e = s.reverse_ledger_entry(c, 5, "again").expect_err("already reversed");
        assert!(e.to_string().contains("already reversed"), "{e}");
        assert_eq!(s.ledger(c).expect("ledger").len(), before, "nothing stored");
    }

    #[test]
    fn csv_import_is_all_or_nothing_and_names_every_bad_line() {
        let (mut s, c) = demo();
        let before = s.ledger(c).expect("ledger").len();
        let csv = "date,party,category,amount,currency,hours,rate,description\n\
                   2027-05-01,Northmoor,cash,100.00,GBP,,,Fine\n\
                   2027-05-02,Northmoor,cash,100.00,XYZ,,,Unknown currency\n\
                   2027-05-03,Ferrant,staff_time,,EUR,-4,50,Negative hours\n\
                   2999-05-03,Ferrant,cash,10,EUR,,,Date out of range\n\
                   2027-05-04,Nobody,cash,10,EUR,,,Unknown party\n\
                   2027-05-05,Ferrant,cash,10,EUR\n";
        let e = s.import_ledger_csv(c, csv.as_bytes()).expect_err("bad rows");
        let lines: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert!(lines.contains(&"line 3: currency"), "{lines:?}");
        assert!(lines.contains(&"line 4: hours"), "{lines:?}");
        assert!(lines.contains(&"line 5: date"), "{lines:?}");
        assert!(lines.contains(&"line 6: party"), "{lines:?}");
        assert!(lines.contains(&"line 7: row"), "{lines:?}");
        assert_eq!(s.ledger(c).expect("ledger").len(), before, "nothing imported");
    }

    #[test]
    fn a_reversal_of_a_bad_row_is_reported_not_a_crash() {
        let (mut s, c) = demo();
        let csv = "id,date,party,category,amount,currency,description,reverses\n\
                   a,2027-01-01,Nobody,cash,10,GBP,x,\n\
                   b,2027-01-01,Ferrant,cash,-10,GBP,x,a\n\
                   c,2027-01-01,Ferrant,cash,10,EUR,ok,\n\
                   d,2027-01-01,Ferrant,cash,-10,EUR,undo,c\n\
                   e,2027-01-01,Ferrant,cash,-10,EUR,again,c\n";
        let e = s.import_ledger_csv(c, csv.as_bytes()).expect_err("bad rows");
        let lines: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(lines, vec!["line 2: party", "line 3: reverses", "line 6: reverses"], "{e}");
    }

    #[test]
    fn a_person_is_found_within_the_entry_party() {
        let (mut s, c) = demo();
        let mut f = fields("2027-05-01", "Northmoor", "staff_time", "100", "GBP");
        f.person = "tanabe.aiko@kaminokawa-tech.ac.jp".into();
        let e = s.add_ledger_entry(c, &f, None).expect_err("wrong party");
        assert!(e.to_string().contains("does not belong to that party"), "{e}");
        f.person = "h.achterberg@northmoor.ac.uk".into();
        assert!(s.add_ledger_entry(c, &f, None).expect("entry").person.is_some());
    }

    #[test]
    fn an_exported_ledger_imports_into_another_collaboration_with_the_same_report() {
        let (mut s, c) = demo();
        let csv = s.export_ledger_csv(c).expect("export");
        // A copy of the demo's parties in a second collaboration.
        let other =
            s.create_collaboration(&NewCollaboration { title: "Copy".into(), ..Default::default() }).expect("c");
        for m in s.collaboration(c).expect("detail").members {
            s.add_member(other, m.party.id, m.role).expect("member");
        }
        let done = s.import_ledger_csv(other, &csv).expect("import");
        assert_eq!((done.added, done.reversals), (13, 1));
        let a = s.ledger_report(c, Some("GBP"), None).expect("report");
        let b = s.ledger_report(other, Some("GBP"), None).expect("report");
        assert_eq!(a.parties, b.parties);
        assert_eq!(s.ledger(other).expect("ledger").len(), s.ledger(c).expect("ledger").len());
    }

    #[test]
    fn binding_copies_the_shares_with_their_date_and_later_entries_leave_the_draft_alone() {
        let (mut s, c) = demo();
        let agreement =
            s.agreements(Some(c)).expect("list").into_iter().find(|a| a.kind == "collaboration").expect("a");
        let saved =
            s.bind_ledger(agreement.id, NaiveDate::from_ymd_opt(2027, 4, 30).expect("d"), Some("GBP")).expect("bind");
        let detail = s.agreement(agreement.id).expect("detail");
        let shares = detail.values.get("revenue_shares").and_then(Json::as_array).expect("shares");
        let total: f64 = shares
            .iter()
            .filter_map(|v| v.as_str()?.rsplit(": ").next()?.trim_end_matches('%').parse::<f64>().ok())
            .sum();
        assert!((total - 100.0).abs() < 1e-9, "{shares:?}");
        let note = detail.values.get("contributions_note").and_then(Json::as_str).expect("note");
        assert!(note.contains("2027-04-30") && note.contains("GBP"), "{note}");
        let text = s.render_agreement(agreement.id, Some(saved.revision)).expect("render").to_text();
        assert!(text.contains("Ferrant: 66.12%"), "the shares are in the text");
        s.add_ledger_entry(c, &fields("2027-04-15", "Northmoor", "cash", "900000", "GBP"), None).expect("entry");
        let again = s.render_agreement(agreement.id, Some(saved.revision)).expect("render").to_text();
        assert_eq!(text, again, "a bound revision never changes");
    }

    #[test]
    fn credit_roles_fill_the_publication_authorship_clause() {
        let (mut s, c) = demo();
        let publication =
            s.agreements(Some(c)).expect("list").into_iter().find(|a| a.kind == "publication").expect("a");
        let e = s.set_credit_role(c, 1, "juggling", "lead").expect_err("not a role");
        assert!(e.to_string().contains("conceptualization"), "{e}");
        // The publication draft pins the authorship version of its day; upgrade to the version
        // that carries the contributor statement, then bind.
        s.upgrade_agreement(publication.id).expect("upgrade");
        let saved = s.bind_credit(publication.id).expect("bind");
        let text = s.render_agreement(publication.id, Some(saved.revision)).expect("render").to_text();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("Dr Helen Achterberg (Northmoor): Conceptualization (lead)"), "{text}");
        assert!(text.contains("Writing – review & editing (supporting)"), "{text}");
    }

    thread_local! {
        static SHARED: std::cell::RefCell<Steward> = std::cell::RefCell::new(steward());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Reversing any entries leaves the report as if they had never been recorded, and shares
        /// sum to exactly 100.00 for any ledger.
        #[test]
        fn reversals_net_to_zero_and_shares_sum_to_100(
            entries in proptest::collection::vec((0usize..3, 0usize..7, 1i64..5_000_000, 0usize..2, 0i64..400), 1..20),
            reverse in proptest::collection::vec(any::<bool>(), 20),
        ) {
            SHARED.with(|cell| {
                let mut s = cell.borrow_mut();
                if s.rates().expect("rates").is_empty() {
                    s.add_rate("EUR", "GBP", "0.8571", "2027-01-01", "test").expect("rate");
                }
                let entry = |i: usize| {
                    let (party, cat, minor, cur, day) = entries[i];
                    let date = NaiveDate::from_ymd_opt(2027, 1, 1).expect("d") + chrono::Duration::days(day);
                    let amount = format!("{}.{:02}", minor / 100, minor % 100);
                    fields(&date.to_string(), &format!("P{party}"), Category::ALL[cat].as_str(), &amount, ["GBP", "EUR"][cur])
                };
                // `c` gets every entry and then reverses some; `kept_only` gets only the others.
                let c = collab_with(&mut s, 3);
                let kept_only = collab_with(&mut s, 3);
                let mut ids = Vec::new();
                for i in 0..entries.len() {
                    ids.push(s.add_ledger_entry(c, &entry(i), None).expect("entry").id);
                }
                let all = s.ledger_report(c, Some("GBP"), None).expect("report");
                prop_assert_eq!(all.parties.iter().map(|p| p.share_basis_points).sum::<u32>(), 10_000);
                for (i, id) in ids.iter().enumerate() {
                    if reverse[i] {
                        s.reverse_ledger_entry(c, *id, "test").expect("reverse");
                    } else {
                        s.add_ledger_entry(kept_only, &entry(i), None).expect("entry");
                    }
                }
                let after = s.ledger_report(c, Some("GBP"), None).expect("report");
                let parties_c: Vec<Id> = s.collaboration(c).expect("d").members.iter().map(|m| m.party.id).collect();
                let parties_kept: Vec<Id> =
                    s.collaboration(kept_only).expect("d").members.iter().map(|m| m.party.id).collect();
                if after.total_minor == 0 {
                    prop_assert!(after.parties.iter().all(|p| p.total_minor == 0 && p.share_basis_points == 0));
                } else {
                    let fresh = s.ledger_report(kept_only, Some("GBP"), None).expect("report");
                    prop_assert_eq!(&after.parties.iter().map(|p| p.share_basis_points).collect::<Vec<_>>(),
                        &fresh.parties.iter().map(|p| p.share_basis_points).collect::<Vec<_>>());
                    let totals = |r: &Report, ids: &[Id]| -> Vec<i128> {
                        ids.iter().map(|id| r.parties.iter().find(|p| p.party_id == *id).map_or(0, |p| p.total_minor)).collect()
                    };
                    prop_assert_eq!(totals(&after, &parties_c), totals(&fresh, &parties_kept));
                    prop_assert_eq!(after.parties.iter().map(|p| p.share_basis_points).sum::<u32>(), 10_000);
                }
                Ok(())
            })?;
        }
    }
}
