//! SQL of the contribution ledger, exchange rates and CRediT roles
//! (`migrations/0004_ledger_decisions.sql`). Entries and rates are append-only.

use super::Store;
use crate::Id;
use crate::error::Result;
use crate::ledger::{CreditEntry, ExchangeRate, LedgerEntry};
use rusqlite::{OptionalExtension, params};
use steward_ledger::credit::{CreditRole, Degree};
use steward_ledger::{Category, Currency, Measure, Problem, ValidEntry};

const ENTRY_COLS: &str = "e.id, e.collaboration_id, e.entry_date, e.party_id, coalesce(p.short_name, p.legal_name), e.person_id, pe.name, \
     e.category, e.currency, e.amount_minor, e.measure, e.quantity_centi, e.rate_minor, e.description, e.evidence_note, \
     e.evidence_sha256, e.reverses, e.replaces, (SELECT r.id FROM ledger_entry r WHERE r.reverses = e.id), e.recorded_by, e.recorded_at";
const ENTRY_FROM: &str = "ledger_entry e JOIN party p ON p.id = e.party_id LEFT JOIN person pe ON pe.id = e.person_id";

pub(crate) fn stored<T>(what: &str, r: std::result::Result<T, Problem>) -> rusqlite::Result<T> {
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
        number: r.get(21)?,
    })
}

/// A ledger entry as it is recorded.
pub(crate) struct NewEntry<'a> {
    pub collab: Id,
    pub entry: &'a ValidEntry,
    pub party: Id,
    pub person: Option<Id>,
    pub reverses: Option<Id>,
    pub replaces: Option<Id>,
    pub by: &'a str,
    pub at: &'a str,
}

/// The sum of one party's entries in one category, currency and day.
pub(crate) struct DayTotal {
    pub party: Id,
    pub category: String,
    pub currency: String,
    pub date: String,
    pub minor: i64,
    pub entries: u64,
}

impl Store {
    pub(crate) fn insert_ledger_entry(&self, n: &NewEntry<'_>) -> Result<Id> {
        let e = n.entry;
        self.conn.execute(
            "INSERT INTO ledger_entry (collaboration_id, party_id, person_id, category, entry_date, currency, amount_minor,
                 measure, quantity_centi, rate_minor, description, evidence_note, evidence_sha256, reverses, replaces,
                 recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                n.collab,
                n.party,
                n.person,
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
                n.reverses,
                n.replaces,
                n.by,
                n.at
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn ledger_entry(&self, id: Id) -> Result<Option<LedgerEntry>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {ENTRY_COLS}, (SELECT count(*) FROM ledger_entry n
                        WHERE n.collaboration_id = e.collaboration_id AND n.id <= e.id)
                     FROM {ENTRY_FROM} WHERE e.id = ?1"
                ),
                [id],
                entry_row,
            )
            .optional()?)
    }

    /// Every entry of a collaboration, oldest first.
    pub(crate) fn ledger_entries(&self, collab: Id) -> Result<Vec<LedgerEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLS}, row_number() OVER (ORDER BY e.id) FROM {ENTRY_FROM}
             WHERE e.collaboration_id = ?1 ORDER BY e.id"
        ))?;
        let rows = stmt.query_map([collab], entry_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a rate; `Ok(None)` when that pair and day already has one (rates never change).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_rate(
        &self,
        from: &str,
        to: &str,
        rate: &str,
        date: &str,
        source: &str,
        by: &str,
        at: &str,
    ) -> Result<Option<Id>> {
        let inserted = self.conn.execute(
            "INSERT INTO exchange_rate (from_currency, to_currency, rate, rate_date, source, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![from, to, rate, date, source, by, at],
        );
        match inserted {
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => Ok(None),
            other => {
                other?;
                Ok(Some(self.conn.last_insert_rowid()))
            }
        }
    }

    pub(crate) fn rates(&self) -> Result<Vec<ExchangeRate>> {
        let mut stmt = self.conn.prepare_cached(
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

    /// A collaboration's entries up to `until` (YYYY-MM-DD), summed per party, category, currency
    /// and day: what a report converts.
    pub(crate) fn ledger_day_totals(&self, collab: Id, until: &str) -> Result<Vec<DayTotal>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT party_id, category, currency, entry_date, sum(amount_minor), count(*) FROM ledger_entry
             WHERE collaboration_id = ?1 AND entry_date <= ?2
             GROUP BY party_id, category, currency, entry_date",
        )?;
        let rows = stmt.query_map(params![collab, until], |r| {
            Ok(DayTotal {
                party: r.get(0)?,
                category: r.get(1)?,
                currency: r.get(2)?,
                date: r.get(3)?,
                minor: r.get(4)?,
                entries: r.get::<_, i64>(5)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn upsert_credit_role(
        &self,
        collab: Id,
        person: Id,
        role: &str,
        degree: &str,
        by: &str,
        at: &str,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO credit_role (collaboration_id, person_id, role, degree, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (collaboration_id, person_id, role) DO UPDATE SET degree = excluded.degree,
                 recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            params![collab, person, role, degree, by, at],
        )?;
        Ok(())
    }

    pub(crate) fn credit_roles(&self, collab: Id) -> Result<Vec<CreditEntry>> {
        let mut stmt = self.conn.prepare_cached(
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
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
