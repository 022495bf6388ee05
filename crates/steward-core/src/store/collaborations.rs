//! SQL for the foundation tables. Only the store knows the schema; callers get domain types.

use super::Store;
use crate::domain::{
    CollabFields, CollabStatus, Collaboration, CollaborationSummary, Id, Member, Party, PartyFields, PartyKind, Person,
    PersonFields, Role,
};
use crate::error::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, params};

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// Reads a column the store itself wrote; a value that does not parse means the file was damaged.
fn parsed<T>(row: &Row<'_>, idx: usize, parse: impl FnOnce(&str) -> Option<T>) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unexpected stored value {text:?}").into(),
        )
    })
}

fn opt_date(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match row.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(_) => parsed(row, idx, |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()).map(Some),
    }
}

fn time(row: &Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    parsed(row, idx, |s| DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc)))
}

const COLLAB_COLS: &str = "c.id, c.title, c.summary, c.status, c.start_date, c.end_date, c.sunset_date, c.archived_at, c.created_at, c.updated_at";

fn collab_row(row: &Row<'_>) -> rusqlite::Result<Collaboration> {
    Ok(Collaboration {
        id: row.get(0)?,
        title: row.get(1)?,
        summary: row.get(2)?,
        status: parsed(row, 3, |s| CollabStatus::parse("status", s).ok())?,
        start_date: opt_date(row, 4)?,
        end_date: opt_date(row, 5)?,
        sunset_date: opt_date(row, 6)?,
        archived: row.get::<_, Option<String>>(7)?.is_some(),
        created_at: time(row, 8)?,
        updated_at: time(row, 9)?,
    })
}

const PARTY_COLS: &str =
    "p.id, p.legal_name, p.short_name, p.kind, p.registration_number, p.address, p.country, p.archived_at";

fn party_row(row: &Row<'_>) -> rusqlite::Result<Party> {
    Ok(Party {
        id: row.get(0)?,
        legal_name: row.get(1)?,
        short_name: row.get(2)?,
        kind: parsed(row, 3, |s| PartyKind::parse("kind", s).ok())?,
        registration_number: row.get(4)?,
        address: row.get(5)?,
        country: row.get(6)?,
        archived: row.get::<_, Option<String>>(7)?.is_some(),
    })
}

const PERSON_COLS: &str = "x.id, x.name, x.email, x.orcid, x.party_id, x.archived_at";

fn person_row(row: &Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person {
        id: row.get(0)?,
        name: row.get(1)?,
        email: row.get(2)?,
        orcid: row.get(3)?,
        party_id: row.get(4)?,
        archived: row.get::<_, Option<String>>(5)?.is_some(),
    })
}

fn is_constraint(e: &rusqlite::Error, code: i32) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == code)
}

/// A person's write refused by the unique e-mail address, said so; any other error as it is.
fn email_taken(e: rusqlite::Error, email: &str) -> Error {
    if is_constraint(&e, rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE) {
        Error::Conflict(format!("a person with the e-mail address {email} already exists"))
    } else {
        e.into()
    }
}

impl Store {
    // ---- settings ----

    pub(crate) fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub(crate) fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    // ---- collaborations ----

    pub(crate) fn insert_collaboration(&self, f: &CollabFields, now: DateTime<Utc>) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO collaboration (title, summary, status, start_date, end_date, sunset_date, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![f.title, f.summary, f.status.as_str(), day(f.start_date), day(f.end_date), day(f.sunset_date), ts(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn update_collaboration(&self, id: Id, f: &CollabFields, now: DateTime<Utc>) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE collaboration SET title = ?2, summary = ?3, status = ?4, start_date = ?5, end_date = ?6,
             sunset_date = ?7, updated_at = ?8 WHERE id = ?1",
            params![
                id,
                f.title,
                f.summary,
                f.status.as_str(),
                day(f.start_date),
                day(f.end_date),
                day(f.sunset_date),
                ts(now)
            ],
        )?;
        if n == 0 { Err(Error::not_found("collaboration", id)) } else { Ok(()) }
    }

    pub(crate) fn set_collaboration_archived(
        &self,
        id: Id,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE collaboration SET archived_at = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, at.map(ts), ts(now)],
        )?;
        if n == 0 { Err(Error::not_found("collaboration", id)) } else { Ok(()) }
    }

    pub(crate) fn collaboration(&self, id: Id) -> Result<Collaboration> {
        self.conn
            .query_row(&format!("SELECT {COLLAB_COLS} FROM collaboration c WHERE c.id = ?1"), [id], collab_row)
            .optional()?
            .ok_or_else(|| Error::not_found("collaboration", id))
    }

    pub(crate) fn collaborations(&self, include_archived: bool) -> Result<Vec<CollaborationSummary>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLLAB_COLS},
                    (SELECT group_concat(DISTINCT p.country) FROM collaboration_party m JOIN party p ON p.id = m.party_id
                      WHERE m.collaboration_id = c.id),
                    (SELECT count(*) FROM collaboration_party m WHERE m.collaboration_id = c.id),
                    (SELECT json_group_array(coalesce(p.short_name, p.legal_name)) FROM
                        (SELECT p.short_name, p.legal_name FROM collaboration_party m JOIN party p ON p.id = m.party_id
                          WHERE m.collaboration_id = c.id ORDER BY m.rowid) p)
             FROM collaboration c WHERE (?1 OR c.archived_at IS NULL)
             ORDER BY c.archived_at IS NOT NULL, c.updated_at DESC, c.id DESC"
        ))?;
        let rows = stmt.query_map([include_archived], |row| {
            let mut countries: Vec<String> = row
                .get::<_, Option<String>>(10)?
                .map(|s| s.split(',').map(str::to_string).collect())
                .unwrap_or_default();
            countries.sort();
            countries.dedup();
            Ok(CollaborationSummary {
                collaboration: collab_row(row)?,
                countries,
                member_count: row.get::<_, i64>(11)? as usize,
                parties: serde_json::from_str(&row.get::<_, String>(12)?).unwrap_or_default(),
                health: None,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Each party's collaborations (not archived), the most recently changed first.
    pub(crate) fn party_collaborations(&self) -> Result<Vec<(Id, Id)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.party_id, c.id FROM collaboration_party m JOIN collaboration c ON c.id = m.collaboration_id
             WHERE c.archived_at IS NULL ORDER BY c.updated_at DESC, c.id DESC",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn add_member(&self, collab: Id, party: Id, role: Role, now: DateTime<Utc>) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO collaboration_party (collaboration_id, party_id, role, added_at) VALUES (?1, ?2, ?3, ?4)",
                params![collab, party, role.as_str(), ts(now)],
            )
            .map_err(|e| {
                if is_constraint(&e, rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY) {
                    Error::Conflict(format!("party {party} already takes part in collaboration {collab}"))
                } else {
                    e.into()
                }
            })?;
        Ok(())
    }

    pub(crate) fn set_member_role(&self, collab: Id, party: Id, role: Role) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE collaboration_party SET role = ?3 WHERE collaboration_id = ?1 AND party_id = ?2",
            params![collab, party, role.as_str()],
        )?;
        Ok(n > 0)
    }

    pub(crate) fn remove_member(&self, collab: Id, party: Id) -> Result<bool> {
        let n = self.conn.execute(
            "DELETE FROM collaboration_party WHERE collaboration_id = ?1 AND party_id = ?2",
            params![collab, party],
        )?;
        Ok(n > 0)
    }

    pub(crate) fn members(&self, collab: Id) -> Result<Vec<Member>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PARTY_COLS}, m.role FROM collaboration_party m JOIN party p ON p.id = m.party_id
             WHERE m.collaboration_id = ?1
             ORDER BY CASE m.role WHEN 'lead' THEN 0 WHEN 'partner' THEN 1 WHEN 'funder' THEN 2 ELSE 3 END, m.added_at, p.id"
        ))?;
        let rows = stmt.query_map([collab], |row| {
            Ok(Member { party: party_row(row)?, role: parsed(row, 8, |s| Role::parse("role", s).ok())? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // ---- parties ----

    pub(crate) fn insert_party(&self, f: &PartyFields, now: DateTime<Utc>) -> Result<Id> {
        self.conn
            .execute(
                "INSERT INTO party (legal_name, short_name, kind, registration_number, address, country, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    f.legal_name,
                    f.short_name,
                    f.kind.as_str(),
                    f.registration_number,
                    f.address,
                    f.country,
                    ts(now)
                ],
            )
            .map_err(|e| {
                if is_constraint(&e, rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE) {
                    Error::Conflict(format!("a party named '{}' in {} already exists", f.legal_name, f.country))
                } else {
                    e.into()
                }
            })?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn party(&self, id: Id) -> Result<Party> {
        self.conn
            .query_row(&format!("SELECT {PARTY_COLS} FROM party p WHERE p.id = ?1"), [id], party_row)
            .optional()?
            .ok_or_else(|| Error::not_found("party", id))
    }

    pub(crate) fn parties(&self, include_archived: bool) -> Result<Vec<Party>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PARTY_COLS} FROM party p WHERE (?1 OR p.archived_at IS NULL) ORDER BY p.legal_name COLLATE NOCASE, p.id"
        ))?;
        let rows = stmt.query_map([include_archived], party_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn set_party_archived(&self, id: Id, at: Option<DateTime<Utc>>) -> Result<()> {
        let n = self.conn.execute("UPDATE party SET archived_at = ?2 WHERE id = ?1", params![id, at.map(ts)])?;
        if n == 0 { Err(Error::not_found("party", id)) } else { Ok(()) }
    }

    /// Deletes a party nothing refers to; a referenced one must be archived instead.
    pub(crate) fn delete_party(&self, id: Id) -> Result<()> {
        let party = self.party(id)?;
        let (collabs, people): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM collaboration_party WHERE party_id = ?1),
                    (SELECT count(*) FROM person WHERE party_id = ?1)",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if collabs + people > 0 {
            return Err(Error::Conflict(format!(
                "party {id} ({}) is referenced by {collabs} collaboration(s) and {people} person record(s); archive it instead",
                party.display_name()
            )));
        }
        // The foreign keys (ON DELETE RESTRICT) still guard tables added later.
        match self.conn.execute("DELETE FROM party WHERE id = ?1", [id]) {
            Ok(_) => Ok(()),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => Err(Error::Conflict(
                format!("party {id} ({}) is referenced by other records; archive it instead", party.display_name()),
            )),
            Err(e) => Err(e.into()),
        }
    }

    // ---- people ----

    pub(crate) fn insert_person(&self, party: Id, f: &PersonFields, now: DateTime<Utc>) -> Result<Id> {
        self.conn
            .execute(
                "INSERT INTO person (party_id, name, email, orcid, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![party, f.name, f.email, f.orcid, ts(now)],
            )
            .map_err(|e| email_taken(e, &f.email))?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn people(&self, party: Option<Id>, collab: Option<Id>, include_archived: bool) -> Result<Vec<Person>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PERSON_COLS} FROM person x
             WHERE (?1 IS NULL OR x.party_id = ?1)
               AND (?2 IS NULL OR x.party_id IN (SELECT party_id FROM collaboration_party WHERE collaboration_id = ?2))
               AND (?3 OR x.archived_at IS NULL)
             ORDER BY x.name COLLATE NOCASE, x.id"
        ))?;
        let rows = stmt.query_map(params![party, collab, include_archived], person_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn update_person(&self, id: Id, f: &PersonFields) -> Result<()> {
        let n = self
            .conn
            .execute(
                "UPDATE person SET name = ?2, email = ?3, orcid = ?4 WHERE id = ?1",
                params![id, f.name, f.email, f.orcid],
            )
            .map_err(|e| email_taken(e, &f.email))?;
        if n == 0 { Err(Error::not_found("person", id)) } else { Ok(()) }
    }

    /// Deletes a person no record refers to; `Ok(false)` when one does (a ledger entry, a
    /// credit role: the foreign keys say so) and the person was left in place.
    pub(crate) fn delete_person(&self, id: Id) -> Result<bool> {
        match self.conn.execute("DELETE FROM person WHERE id = ?1", [id]) {
            Ok(0) => Err(Error::not_found("person", id)),
            Ok(_) => Ok(true),
            Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) fn set_person_archived(&self, id: Id, at: Option<DateTime<Utc>>) -> Result<()> {
        let n = self.conn.execute("UPDATE person SET archived_at = ?2 WHERE id = ?1", params![id, at.map(ts)])?;
        if n == 0 { Err(Error::not_found("person", id)) } else { Ok(()) }
    }
}
