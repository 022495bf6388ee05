//! SQL of partner exchange (`migrations/0006_exchange.sql`): drafts received in partners' files,
//! kept as received, and the decision on each.

use super::{Store, ts};
use crate::Id;
use crate::error::Result;
use crate::exchange::ReceivedSummary;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

const RECEIVED_COLS: &str = "r.id, r.agreement_id, a.collaboration_id, a.title, r.file_name, r.file_sha256, r.signed, \
     r.signers, r.their_revision, r.base_revision, r.received_at, r.decided_at, r.result_revision, r.decision, r.format";

fn received_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReceivedSummary> {
    let signers: String = r.get(7)?;
    let decision: Option<String> = r.get(13)?;
    let rejected = decision
        .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
        .and_then(|d| d["rejected"].as_array().map(Vec::len))
        .unwrap_or(0);
    let (decided, base, result): (bool, Option<i64>, Option<i64>) =
        (r.get::<_, Option<String>>(11)?.is_some(), r.get(9)?, r.get(12)?);
    let state = crate::exchange::ReceivedState::of(decided, base, result, rejected);
    Ok(ReceivedSummary {
        state,
        state_label: state.label(),
        id: r.get(0)?,
        agreement_id: r.get(1)?,
        collaboration_id: r.get(2)?,
        agreement_title: r.get(3)?,
        file_name: r.get(4)?,
        file_sha256: r.get(5)?,
        signed: r.get::<_, i64>(6)? == 1,
        format: match r.get::<_, String>(14)?.as_str() {
            "docx" => crate::exchange::FileFormat::Docx,
            _ => crate::exchange::FileFormat::Pdf,
        },
        signers: serde_json::from_str(&signers).unwrap_or_default(),
        their_revision: r.get(8)?,
        base_revision: base,
        received_at: r.get(10)?,
        decided,
        result_revision: result,
        rejected: rejected as i64,
    })
}

/// A received file as the import records it.
pub(crate) struct NewReceived<'a> {
    pub agreement: Id,
    pub file_name: &'a str,
    pub file_sha256: &'a str,
    pub file: &'a [u8],
    pub signed: bool,
    pub signers: &'a [String],
    pub their_revision: i64,
    pub spec: &'a str,
    pub base_revision: Option<i64>,
    pub received_by: &'a str,
    /// A Word file's comments and notes as JSON lists.
    pub format: crate::exchange::FileFormat,
    pub comments: &'a str,
    pub notes: &'a str,
}

impl Store {
    /// The received draft of `agreement` that came in the file with this SHA-256, if any.
    pub(crate) fn received_by_file(&self, agreement: Id, sha256: &str) -> Result<Option<Id>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM received_draft WHERE agreement_id = ?1 AND file_sha256 = ?2",
                params![agreement, sha256],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub(crate) fn insert_received(&self, n: &NewReceived<'_>, now: DateTime<Utc>) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO received_draft (agreement_id, file_name, file_sha256, file, signed, signers, their_revision, spec, base_revision, received_at, received_by, format, comments, notes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                n.agreement,
                n.file_name,
                n.file_sha256,
                n.file,
                i64::from(n.signed),
                serde_json::to_string(n.signers).unwrap_or_default(),
                n.their_revision,
                n.spec,
                n.base_revision,
                ts(now),
                n.received_by,
                n.format.as_str(),
                n.comments,
                n.notes
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// A received Word file's comments and notes (empty for a PDF).
    pub(crate) fn received_word(&self, id: Id) -> Result<(Vec<crate::exchange::PartnerComment>, Vec<String>)> {
        let (comments, notes): (String, String) = self
            .conn
            .query_row("SELECT comments, notes FROM received_draft WHERE id = ?1", params![id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .unwrap_or_default();
        Ok((serde_json::from_str(&comments).unwrap_or_default(), serde_json::from_str(&notes).unwrap_or_default()))
    }

    /// Records the decision on a received draft (once: the database refuses a second).
    pub(crate) fn set_received_decision(
        &self,
        id: Id,
        now: DateTime<Utc>,
        by: &str,
        decision_json: &str,
        result_revision: Option<i64>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE received_draft SET decided_at = ?2, decided_by = ?3, decision = ?4, result_revision = ?5 WHERE id = ?1",
            params![id, ts(now), by, decision_json, result_revision],
        )?;
        Ok(())
    }

    pub(crate) fn received(&self, id: Id) -> Result<Option<ReceivedSummary>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {RECEIVED_COLS} FROM received_draft r JOIN agreement a ON a.id = r.agreement_id WHERE r.id = ?1"
                ),
                [id],
                received_row,
            )
            .optional()?)
    }

    /// Received drafts, newest first (of one agreement, or all).
    pub(crate) fn received_drafts(&self, agreement: Option<Id>) -> Result<Vec<ReceivedSummary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RECEIVED_COLS} FROM received_draft r JOIN agreement a ON a.id = r.agreement_id
             WHERE ?1 IS NULL OR r.agreement_id = ?1 ORDER BY r.id DESC"
        ))?;
        let rows = stmt.query_map([agreement], received_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The file as it arrived.
    pub(crate) fn received_file(&self, id: Id) -> Result<Option<Vec<u8>>> {
        Ok(self.conn.query_row("SELECT file FROM received_draft WHERE id = ?1", [id], |r| r.get(0)).optional()?)
    }

    /// The received draft's canonical spec.
    pub(crate) fn received_spec(&self, id: Id) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT spec FROM received_draft WHERE id = ?1", [id], |r| r.get(0)).optional()?)
    }
}
