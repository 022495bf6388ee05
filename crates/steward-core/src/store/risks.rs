//! SQL of the joint risk register (`migrations/0010_running.sql`): risks, each version kept whole.

use super::{Store, ts};
use crate::domain::Id;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use steward_register::risk::RiskFields;

/// A risk's row: its number and the current version's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RiskRow {
    pub id: Id,
    pub collaboration_id: Id,
    pub number: i64,
    pub source: Option<String>,
    pub current_version: i64,
    pub created_at: String,
}

/// One kept version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RiskVersionRow {
    pub version: i64,
    pub fields: RiskFields,
    pub changes: Vec<String>,
    pub decision_seq: Option<i64>,
    pub created_at: String,
    pub created_by: String,
}

fn fields_of(risk: Id, version: i64, text: &str) -> rusqlite::Result<RiskFields> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("risk {risk} version {version} is damaged: {e}").into(),
        )
    })
}

const RC: &str = "id, collaboration_id, number, source, current_version, created_at";

fn risk_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RiskRow> {
    Ok(RiskRow {
        id: r.get(0)?,
        collaboration_id: r.get(1)?,
        number: r.get(2)?,
        source: r.get(3)?,
        current_version: r.get(4)?,
        created_at: r.get(5)?,
    })
}

impl Store {
    /// Adds a risk's row (its first version follows with [`Store::record_risk_version`] in the
    /// same transaction); returns its id and number.
    pub(crate) fn insert_risk(
        &self,
        collab: Id,
        source: Option<&str>,
        fields: &RiskFields,
        now: DateTime<Utc>,
    ) -> Result<(Id, i64)> {
        let number: i64 = self.conn.query_row(
            "SELECT coalesce(max(number), 0) + 1 FROM risk WHERE collaboration_id = ?1",
            [collab],
            |r| r.get(0),
        )?;
        self.conn.execute(
            "INSERT INTO risk (collaboration_id, number, source, current_version, status, visibility, inherent_score,
                current_score, next_review, created_at)
             VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                collab,
                number,
                source,
                fields.status.as_str(),
                fields.visibility.as_str(),
                fields.inherent.score(),
                fields.current().score(),
                fields.next_review.map(|d| d.to_string()),
                ts(now)
            ],
        )?;
        Ok((self.conn.last_insert_rowid(), number))
    }

    /// The number the next version of a risk gets (1 for a risk without versions).
    pub(crate) fn next_risk_version(&self, risk: Id) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM risk_version WHERE risk_id = ?1",
            [risk],
            |r| r.get(0),
        )?)
    }

    /// Keeps a version (with the log entry that records it, if any) and makes it current.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_risk_version(
        &self,
        risk: Id,
        version: i64,
        fields: &RiskFields,
        changes: &[String],
        decision_seq: Option<i64>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let json = serde_json::to_string(fields).map_err(|e| Error::Conflict(e.to_string()))?;
        let ch = serde_json::to_string(changes).map_err(|e| Error::Conflict(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO risk_version (risk_id, version, fields, changes, decision_seq, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![risk, version, json, ch, decision_seq, ts(now), by],
        )?;
        self.conn.execute(
            "UPDATE risk SET current_version = ?2, status = ?3, visibility = ?4, inherent_score = ?5, current_score = ?6,
                next_review = ?7 WHERE id = ?1",
            params![
                risk,
                version,
                fields.status.as_str(),
                fields.visibility.as_str(),
                fields.inherent.score(),
                fields.current().score(),
                fields.next_review.map(|d| d.to_string())
            ],
        )?;
        Ok(())
    }

    pub(crate) fn risk_by_id(&self, id: Id) -> Result<RiskRow> {
        self.conn
            .query_row(&format!("SELECT {RC} FROM risk WHERE id = ?1"), [id], risk_row)
            .optional()?
            .ok_or_else(|| Error::not_found("risk", id))
    }

    pub(crate) fn risk_by_number(&self, collab: Id, number: i64) -> Result<Option<RiskRow>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {RC} FROM risk WHERE collaboration_id = ?1 AND number = ?2"),
                params![collab, number],
                risk_row,
            )
            .optional()?)
    }

    pub(crate) fn risk_by_source(&self, collab: Id, source: &str) -> Result<Option<RiskRow>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {RC} FROM risk WHERE collaboration_id = ?1 AND source = ?2"),
                params![collab, source],
                risk_row,
            )
            .optional()?)
    }

    /// A collaboration's risks with their current versions, by number.
    pub(crate) fn risks(&self, collab: Id) -> Result<Vec<(RiskRow, RiskVersionRow)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.collaboration_id, r.number, r.source, r.current_version, r.created_at,
                    v.version, v.fields, v.changes, v.decision_seq, v.created_at, v.created_by
             FROM risk r JOIN risk_version v ON v.risk_id = r.id AND v.version = r.current_version
             WHERE r.collaboration_id = ?1 ORDER BY r.number",
        )?;
        let rows = stmt.query_map([collab], |r| {
            let risk = risk_row(r)?;
            let v = version_row(r, risk.id, 6)?;
            Ok((risk, v))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every version of a risk, oldest first.
    pub(crate) fn risk_versions(&self, risk: Id) -> Result<Vec<RiskVersionRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT version, fields, changes, decision_seq, created_at, created_by FROM risk_version
             WHERE risk_id = ?1 ORDER BY version",
        )?;
        let rows = stmt.query_map([risk], |r| version_row(r, risk, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Counts per collaboration for the health view: (collaboration, open red risks, of which accepted).
    pub(crate) fn high_risk_counts(&self) -> Result<Vec<(Id, u32, u32)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT collaboration_id, count(*), sum(status = 'accepted') FROM risk
             WHERE status <> 'closed' AND current_score >= 15 GROUP BY collaboration_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn version_row(r: &rusqlite::Row<'_>, risk: Id, at: usize) -> rusqlite::Result<RiskVersionRow> {
    let version: i64 = r.get(at)?;
    let text: String = r.get(at + 1)?;
    let changes: String = r.get(at + 2)?;
    Ok(RiskVersionRow {
        version,
        fields: fields_of(risk, version, &text)?,
        changes: serde_json::from_str(&changes).unwrap_or_default(),
        decision_seq: r.get(at + 3)?,
        created_at: r.get(at + 4)?,
        created_by: r.get(at + 5)?,
    })
}
