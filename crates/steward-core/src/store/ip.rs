//! SQL of the IP register and exits (`migrations/0011_ip_exit.sql`): records kept version by
//! version, our signatures on agreement revisions, exits and the decisions on their items.

use super::{Store, ts};
use crate::domain::Id;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

/// A record of the IP register with its current version's fields (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IpRow {
    pub id: Id,
    pub collaboration_id: Id,
    pub kind: String,
    pub number: i64,
    pub parent_id: Option<Id>,
    pub version: i64,
    pub fields: String,
    pub note: Option<String>,
    pub decision_seq: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    pub updated_by: String,
}

const IP_COLS: &str = "r.id, r.collaboration_id, r.kind, r.number, r.parent_id, r.current_version, v.fields, v.note, \
    v.decision_seq, r.created_at, v.created_at, v.created_by";

fn ip_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IpRow> {
    Ok(IpRow {
        id: r.get(0)?,
        collaboration_id: r.get(1)?,
        kind: r.get(2)?,
        number: r.get(3)?,
        parent_id: r.get(4)?,
        version: r.get(5)?,
        fields: r.get(6)?,
        note: r.get(7)?,
        decision_seq: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        updated_by: r.get(11)?,
    })
}

/// An exit as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExitRow {
    pub id: Id,
    pub collaboration_id: Id,
    pub trigger: String,
    pub party_id: Option<Id>,
    pub exit_date: String,
    pub note: Option<String>,
    pub evidence_name: Option<String>,
    pub evidence_sha256: Option<String>,
    pub decision_seq: Option<i64>,
    pub started_at: String,
    pub started_by: String,
    pub completed_at: Option<String>,
    pub pack_sha256: Option<String>,
    pub completion_seq: Option<i64>,
}

const EXIT_COLS: &str = "id, collaboration_id, trigger, party_id, exit_date, note, evidence_name, evidence_sha256, \
    decision_seq, started_at, started_by, completed_at, pack_sha256, completion_seq";

fn exit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ExitRow> {
    Ok(ExitRow {
        id: r.get(0)?,
        collaboration_id: r.get(1)?,
        trigger: r.get(2)?,
        party_id: r.get(3)?,
        exit_date: r.get(4)?,
        note: r.get(5)?,
        evidence_name: r.get(6)?,
        evidence_sha256: r.get(7)?,
        decision_seq: r.get(8)?,
        started_at: r.get(9)?,
        started_by: r.get(10)?,
        completed_at: r.get(11)?,
        pack_sha256: r.get(12)?,
        completion_seq: r.get(13)?,
    })
}

/// One kept version of an IP record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IpVersionRow {
    pub version: i64,
    pub fields: String,
    pub note: Option<String>,
    pub decision: Option<i64>,
    pub at: String,
    pub by: String,
}

/// A decision on an item of an exit plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExitDecisionRow {
    pub item: String,
    pub kind: String,
    pub value: String,
    pub fields: String,
    pub decision_seq: Option<i64>,
    pub at: String,
    pub by: String,
}

/// A new exit's trigger and evidence.
pub(crate) struct NewExitRow<'a> {
    pub collab: Id,
    pub trigger: &'a str,
    pub party: Option<Id>,
    pub exit_date: &'a str,
    pub note: Option<&'a str>,
    pub evidence: Option<(&'a str, &'a str)>,
    pub decision_seq: Option<i64>,
    pub by: &'a str,
}

impl Store {
    /// Adds a record (its first version follows with [`Store::record_ip_version`]); returns its id
    /// and its number among the collaboration's records of that kind.
    pub(crate) fn insert_ip_record(
        &self,
        collab: Id,
        kind: &str,
        parent: Option<Id>,
        now: DateTime<Utc>,
    ) -> Result<(Id, i64)> {
        let number: i64 = self.conn.query_row(
            "SELECT coalesce(max(number), 0) + 1 FROM ip_record WHERE collaboration_id = ?1 AND kind = ?2",
            params![collab, kind],
            |r| r.get(0),
        )?;
        self.conn.execute(
            "INSERT INTO ip_record (collaboration_id, kind, number, parent_id, current_version, created_at)
             VALUES (?1, ?2, ?3, ?4, 1, ?5)",
            params![collab, kind, number, parent, ts(now)],
        )?;
        Ok((self.conn.last_insert_rowid(), number))
    }

    pub(crate) fn next_ip_version(&self, id: Id) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM ip_version WHERE record_id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }

    /// Keeps a version and makes it the current one.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_ip_version(
        &self,
        id: Id,
        version: i64,
        fields: &str,
        note: Option<&str>,
        decision_seq: Option<i64>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO ip_version (record_id, version, fields, note, decision_seq, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, version, fields, note, decision_seq, ts(now), by],
        )?;
        self.conn.execute("UPDATE ip_record SET current_version = ?2 WHERE id = ?1", params![id, version])?;
        Ok(())
    }

    /// A collaboration's records of one kind (or every kind), by kind then number.
    pub(crate) fn ip_records(&self, collab: Id, kind: Option<&str>) -> Result<Vec<IpRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {IP_COLS} FROM ip_record r JOIN ip_version v ON v.record_id = r.id AND v.version = r.current_version
             WHERE r.collaboration_id = ?1 AND (?2 IS NULL OR r.kind = ?2) ORDER BY r.kind, r.number"
        ))?;
        let rows = stmt.query_map(params![collab, kind], ip_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn ip_record(&self, id: Id) -> Result<IpRow> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {IP_COLS} FROM ip_record r
                     JOIN ip_version v ON v.record_id = r.id AND v.version = r.current_version WHERE r.id = ?1"
                ),
                [id],
                ip_row,
            )
            .optional()?
            .ok_or_else(|| Error::not_found("IP record", id))
    }

    pub(crate) fn ip_record_by_number(&self, collab: Id, kind: &str, number: i64) -> Result<Option<IpRow>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {IP_COLS} FROM ip_record r
                     JOIN ip_version v ON v.record_id = r.id AND v.version = r.current_version
                     WHERE r.collaboration_id = ?1 AND r.kind = ?2 AND r.number = ?3"
                ),
                params![collab, kind, number],
                ip_row,
            )
            .optional()?)
    }

    /// Every version of a record, oldest first.
    pub(crate) fn ip_versions(&self, id: Id) -> Result<Vec<IpVersionRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT version, fields, note, decision_seq, created_at, created_by FROM ip_version
             WHERE record_id = ?1 ORDER BY version",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(IpVersionRow {
                version: r.get(0)?,
                fields: r.get(1)?,
                note: r.get(2)?,
                decision: r.get(3)?,
                at: r.get(4)?,
                by: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // ---- our signatures on revisions ----

    pub(crate) fn record_agreement_signature(
        &self,
        agreement: Id,
        revision: i64,
        identity: Id,
        sha256: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO agreement_signature (agreement_id, revision, identity_id, file_sha256, signed_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![agreement, revision, identity, sha256, ts(now)],
        )?;
        Ok(())
    }

    /// The newest revision of an agreement that we signed, and when.
    pub(crate) fn latest_signed_revision(&self, agreement: Id) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT revision, signed_at FROM agreement_signature WHERE agreement_id = ?1
                 ORDER BY revision DESC, id DESC LIMIT 1",
                [agreement],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    // ---- exits ----

    pub(crate) fn insert_exit(&self, e: &NewExitRow<'_>, now: DateTime<Utc>) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO exit (collaboration_id, trigger, party_id, exit_date, note, evidence_name, evidence_sha256,
                decision_seq, started_at, started_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                e.collab,
                e.trigger,
                e.party,
                e.exit_date,
                e.note,
                e.evidence.map(|x| x.0),
                e.evidence.map(|x| x.1),
                e.decision_seq,
                ts(now),
                e.by
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn exit(&self, id: Id) -> Result<ExitRow> {
        self.conn
            .query_row(&format!("SELECT {EXIT_COLS} FROM exit WHERE id = ?1"), [id], exit_row)
            .optional()?
            .ok_or_else(|| Error::not_found("exit", id))
    }

    /// A collaboration's exits, newest first.
    pub(crate) fn exits(&self, collab: Option<Id>) -> Result<Vec<ExitRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {EXIT_COLS} FROM exit WHERE ?1 IS NULL OR collaboration_id = ?1 ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([collab], exit_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The collaborations with an exit under way.
    pub(crate) fn open_exits(&self) -> Result<Vec<Id>> {
        let mut stmt = self.conn.prepare_cached("SELECT collaboration_id FROM exit WHERE completed_at IS NULL")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn complete_exit(&self, id: Id, pack_sha256: &str, seq: Option<i64>, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE exit SET completed_at = ?2, pack_sha256 = ?3, completion_seq = ?4 WHERE id = ?1 AND completed_at IS NULL",
            params![id, ts(now), pack_sha256, seq],
        )?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_exit_decision(
        &self,
        exit: Id,
        item: &str,
        kind: &str,
        value: &str,
        fields: &str,
        seq: Option<i64>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO exit_decision (exit_id, item, kind, value, fields, decision_seq, at, by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![exit, item, kind, value, fields, seq, ts(now), by],
        )?;
        Ok(())
    }

    /// The decisions of an exit, oldest first (the latest per item counts).
    pub(crate) fn exit_decisions(&self, exit: Id) -> Result<Vec<ExitDecisionRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT item, kind, value, fields, decision_seq, at, by FROM exit_decision WHERE exit_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([exit], |r| {
            Ok(ExitDecisionRow {
                item: r.get(0)?,
                kind: r.get(1)?,
                value: r.get(2)?,
                fields: r.get(3)?,
                decision_seq: r.get(4)?,
                at: r.get(5)?,
                by: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
