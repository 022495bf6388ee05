//! SQL of due diligence: questionnaire versions, assessment revisions, sanctions lists, screenings
//! and their matches, approvals (`migrations/0009_diligence.sql`).

use super::{Store, ts};
use crate::domain::Id;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// A stored questionnaire version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuestionnaireRow {
    pub questionnaire_id: String,
    pub version: i64,
    pub hash: String,
    #[serde(skip)]
    pub canonical: String,
    pub origin: String,
    pub imported_at: String,
    pub imported_by: String,
}

/// A stored assessment revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssessmentRow {
    pub collaboration_id: Id,
    pub number: i64,
    pub questionnaire_hash: String,
    #[serde(skip)]
    pub answers: String,
    pub hash: String,
    pub note: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

/// An imported list (without its entries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ListRow {
    pub id: Id,
    pub format: String,
    pub name: String,
    pub published: Option<String>,
    pub sha256: String,
    pub files: Vec<String>,
    pub entry_count: i64,
    pub imported_at: String,
    pub imported_by: String,
}

/// A screening run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScreeningRow {
    pub id: Id,
    pub collaboration_id: Id,
    /// The list versions used: JSON `[{id, name, published, sha256}]`.
    #[serde(skip)]
    pub lists_json: String,
    pub names_checked: i64,
    pub created_at: String,
    pub created_by: String,
}

/// A possible match, and what a person decided about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MatchRow {
    pub id: Id,
    pub screening_id: Id,
    pub party_id: Id,
    pub party_name: String,
    pub list_id: Id,
    pub reference: String,
    pub listed_name: String,
    pub score: f64,
    /// `cleared`, `confirmed`, or none yet.
    pub decision: Option<String>,
    pub reason: Option<String>,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
}

/// An approval by a reviewer role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApprovalRow {
    pub id: Id,
    pub collaboration_id: Id,
    pub role: String,
    pub assessment_hash: String,
    pub screening_id: Option<Id>,
    pub decision_seq: i64,
    pub identity_id: Id,
    pub approved_by: String,
    pub note: String,
    pub approved_at: String,
}

const QV: &str = "questionnaire_id, version, hash, canonical, origin, imported_at, imported_by";
const AR: &str = "collaboration_id, number, questionnaire_hash, answers, hash, note, created_at, created_by";
const LR: &str = "id, format, name, published, sha256, files, entry_count, imported_at, imported_by";
const MR: &str = "id, screening_id, party_id, party_name, list_id, reference, listed_name, score, decision, reason, decided_at, decided_by";
const AP: &str = "id, collaboration_id, role, assessment_hash, screening_id, decision_seq, identity_id, approved_by, note, approved_at";

fn qv(r: &rusqlite::Row<'_>) -> rusqlite::Result<QuestionnaireRow> {
    Ok(QuestionnaireRow {
        questionnaire_id: r.get(0)?,
        version: r.get(1)?,
        hash: r.get(2)?,
        canonical: r.get(3)?,
        origin: r.get(4)?,
        imported_at: r.get(5)?,
        imported_by: r.get(6)?,
    })
}

fn ar(r: &rusqlite::Row<'_>) -> rusqlite::Result<AssessmentRow> {
    Ok(AssessmentRow {
        collaboration_id: r.get(0)?,
        number: r.get(1)?,
        questionnaire_hash: r.get(2)?,
        answers: r.get(3)?,
        hash: r.get(4)?,
        note: r.get(5)?,
        created_at: r.get(6)?,
        created_by: r.get(7)?,
    })
}

fn lr(r: &rusqlite::Row<'_>) -> rusqlite::Result<ListRow> {
    let files: String = r.get(5)?;
    Ok(ListRow {
        id: r.get(0)?,
        format: r.get(1)?,
        name: r.get(2)?,
        published: r.get(3)?,
        sha256: r.get(4)?,
        files: serde_json::from_str(&files).unwrap_or_default(),
        entry_count: r.get(6)?,
        imported_at: r.get(7)?,
        imported_by: r.get(8)?,
    })
}

fn mr(r: &rusqlite::Row<'_>) -> rusqlite::Result<MatchRow> {
    Ok(MatchRow {
        id: r.get(0)?,
        screening_id: r.get(1)?,
        party_id: r.get(2)?,
        party_name: r.get(3)?,
        list_id: r.get(4)?,
        reference: r.get(5)?,
        listed_name: r.get(6)?,
        score: r.get(7)?,
        decision: r.get(8)?,
        reason: r.get(9)?,
        decided_at: r.get(10)?,
        decided_by: r.get(11)?,
    })
}

fn ap(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApprovalRow> {
    Ok(ApprovalRow {
        id: r.get(0)?,
        collaboration_id: r.get(1)?,
        role: r.get(2)?,
        assessment_hash: r.get(3)?,
        screening_id: r.get(4)?,
        decision_seq: r.get(5)?,
        identity_id: r.get(6)?,
        approved_by: r.get(7)?,
        note: r.get(8)?,
        approved_at: r.get(9)?,
    })
}

impl Store {
    pub(crate) fn latest_questionnaire(&self) -> Result<Option<QuestionnaireRow>> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {QV} FROM questionnaire_version ORDER BY id DESC LIMIT 1"), [], qv)
            .optional()?)
    }

    pub(crate) fn questionnaire_by_hash(&self, hash: &str) -> Result<Option<QuestionnaireRow>> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {QV} FROM questionnaire_version WHERE hash = ?1"), [hash], qv)
            .optional()?)
    }

    pub(crate) fn insert_questionnaire(
        &self,
        id: &str,
        hash: &str,
        canonical: &str,
        origin: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let version: i64 = self.conn.query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM questionnaire_version WHERE questionnaire_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        self.conn.execute(
            "INSERT INTO questionnaire_version (questionnaire_id, version, hash, canonical, origin, imported_at, imported_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, version, hash, canonical, origin, ts(now), by],
        )?;
        Ok(version)
    }

    pub(crate) fn assessments(&self, collab: Id) -> Result<Vec<AssessmentRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {AR} FROM assessment_revision WHERE collaboration_id = ?1 ORDER BY number"))?;
        let rows = stmt.query_map([collab], ar)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn latest_assessment(&self, collab: Id) -> Result<Option<AssessmentRow>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {AR} FROM assessment_revision WHERE collaboration_id = ?1 ORDER BY number DESC LIMIT 1"
                ),
                [collab],
                ar,
            )
            .optional()?)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_assessment(
        &self,
        collab: Id,
        questionnaire_hash: &str,
        answers: &str,
        hash: &str,
        note: Option<&str>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let number: i64 = self.conn.query_row(
            "SELECT coalesce(max(number), 0) + 1 FROM assessment_revision WHERE collaboration_id = ?1",
            [collab],
            |r| r.get(0),
        )?;
        self.conn.execute(
            "INSERT INTO assessment_revision (collaboration_id, number, questionnaire_hash, answers, hash, note, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![collab, number, questionnaire_hash, answers, hash, note, ts(now), by],
        )?;
        Ok(number)
    }

    pub(crate) fn list_by_sha(&self, sha: &str) -> Result<Option<ListRow>> {
        Ok(self.conn.query_row(&format!("SELECT {LR} FROM screening_list WHERE sha256 = ?1"), [sha], lr).optional()?)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_list(
        &self,
        format: &str,
        name: &str,
        published: Option<&str>,
        sha: &str,
        files: &str,
        entries: &str,
        count: i64,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO screening_list (format, name, published, sha256, files, entries, entry_count, imported_at, imported_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![format, name, published, sha, files, entries, count, ts(now), by],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn lists(&self) -> Result<Vec<ListRow>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {LR} FROM screening_list ORDER BY id"))?;
        let rows = stmt.query_map([], lr)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every list with its entries (JSON), for screening.
    pub(crate) fn lists_with_entries(&self) -> Result<Vec<(ListRow, String)>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {LR}, entries FROM screening_list ORDER BY id"))?;
        let rows = stmt.query_map([], |r| Ok((lr(r)?, r.get(9)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn insert_screening(
        &self,
        collab: Id,
        lists: &str,
        names: i64,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO screening (collaboration_id, lists, names_checked, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![collab, lists, names, ts(now), by],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_match(
        &self,
        screening: Id,
        party: Id,
        party_name: &str,
        list: Id,
        reference: &str,
        listed_name: &str,
        score: f64,
    ) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO screening_match (screening_id, party_id, party_name, list_id, reference, listed_name, score)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![screening, party, party_name, list, reference, listed_name, score],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn latest_screening(&self, collab: Id) -> Result<Option<ScreeningRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, collaboration_id, lists, names_checked, created_at, created_by FROM screening
                 WHERE collaboration_id = ?1 ORDER BY id DESC LIMIT 1",
                [collab],
                |r| {
                    Ok(ScreeningRow {
                        id: r.get(0)?,
                        collaboration_id: r.get(1)?,
                        lists_json: r.get(2)?,
                        names_checked: r.get(3)?,
                        created_at: r.get(4)?,
                        created_by: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    pub(crate) fn matches(&self, screening: Id) -> Result<Vec<MatchRow>> {
        let mut stmt =
            self.conn.prepare(&format!("SELECT {MR} FROM screening_match WHERE screening_id = ?1 ORDER BY id"))?;
        let rows = stmt.query_map([screening], mr)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn screening_match(&self, id: Id) -> Result<Option<MatchRow>> {
        Ok(self.conn.query_row(&format!("SELECT {MR} FROM screening_match WHERE id = ?1"), [id], mr).optional()?)
    }

    /// The collaboration a screening belongs to.
    pub(crate) fn screening_collaboration(&self, screening: Id) -> Result<Id> {
        Ok(self.conn.query_row("SELECT collaboration_id FROM screening WHERE id = ?1", [screening], |r| r.get(0))?)
    }

    pub(crate) fn decide_match(
        &self,
        id: Id,
        decision: &str,
        reason: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE screening_match SET decision = ?2, reason = ?3, decided_at = ?4, decided_by = ?5 WHERE id = ?1",
            params![id, decision, reason, ts(now), by],
        )?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_approval(
        &self,
        collab: Id,
        role: &str,
        assessment_hash: &str,
        screening: Option<Id>,
        decision_seq: i64,
        identity: Id,
        by: &str,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO diligence_approval (collaboration_id, role, assessment_hash, screening_id, decision_seq, identity_id, approved_by, note, approved_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![collab, role, assessment_hash, screening, decision_seq, identity, by, note, ts(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn approvals(&self, collab: Id) -> Result<Vec<ApprovalRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {AP} FROM diligence_approval WHERE collaboration_id = ?1 ORDER BY id"))?;
        let rows = stmt.query_map([collab], ap)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
