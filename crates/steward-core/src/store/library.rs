//! SQL for the clause library (template versions, reviews) and agreements (revisions).

use super::Store;
use crate::domain::Id;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One stored template version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateRow {
    pub hash: String,
    pub template_type: String,
    pub template_id: String,
    pub version: i64,
    pub title: String,
    #[serde(skip)]
    pub canonical: String,
    pub origin: String,
    pub status: String,
    pub created_at: String,
    pub created_by: String,
}

const TV_COLS: &str =
    "hash, template_type, template_id, version, title, canonical, origin, status, created_at, created_by";

fn tv_row(r: &Row<'_>) -> rusqlite::Result<TemplateRow> {
    Ok(TemplateRow {
        hash: r.get(0)?,
        template_type: r.get(1)?,
        template_id: r.get(2)?,
        version: r.get(3)?,
        title: r.get(4)?,
        canonical: r.get(5)?,
        origin: r.get(6)?,
        status: r.get(7)?,
        created_at: r.get(8)?,
        created_by: r.get(9)?,
    })
}

/// One stored revision of an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RevisionRow {
    pub agreement_id: Id,
    pub number: i64,
    pub kind_hash: String,
    #[serde(skip)]
    pub spec: String,
    pub spec_hash: String,
    pub note: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

/// A review step of a template version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReviewRow {
    pub from_status: String,
    pub to_status: String,
    pub reviewer: String,
    pub note: Option<String>,
    pub at: String,
}

/// An agreement's own record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AgreementRow {
    pub id: Id,
    pub uid: String,
    pub collaboration_id: Id,
    pub kind: String,
    pub title: String,
    pub archived: bool,
    pub created_at: String,
    pub revisions: i64,
}

impl Store {
    pub fn template_versions(&self) -> Result<Vec<TemplateRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {TV_COLS} FROM template_version ORDER BY template_type, template_id, version"))?;
        let rows = stmt.query_map([], tv_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Just the canonical text of a version (what exports embed).
    pub fn template_canonical(&self, hash: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT canonical FROM template_version WHERE hash = ?1")?
            .query_row([hash], |r| r.get(0))
            .optional()?)
    }

    pub fn template_version(&self, hash: &str) -> Result<Option<TemplateRow>> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {TV_COLS} FROM template_version WHERE hash = ?1"), [hash], tv_row)
            .optional()?)
    }

    pub fn next_template_version(&self, ty: &str, id: &str) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM template_version WHERE template_type = ?1 AND template_id = ?2",
            params![ty, id],
            |r| r.get(0),
        )?)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_template_version(
        &self,
        hash: &str,
        ty: &str,
        id: &str,
        version: i64,
        title: &str,
        canonical: &str,
        origin: &str,
        status: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            &format!("INSERT INTO template_version ({TV_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            params![hash, ty, id, version, title, canonical, origin, status, ts(now), by],
        )?;
        self.insert_review(hash, "new", status, by, Some(&format!("imported from {origin}")), now)
    }

    pub(crate) fn set_template_status(
        &self,
        hash: &str,
        from: &str,
        to: &str,
        by: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE template_version SET status = ?2 WHERE hash = ?1 AND status = ?3",
            params![hash, to, from],
        )?;
        if n == 0 {
            return Err(Error::Conflict(format!("version {hash} is no longer {from}")));
        }
        self.insert_review(hash, from, to, by, note, now)
    }

    fn insert_review(
        &self,
        hash: &str,
        from: &str,
        to: &str,
        by: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO template_review (hash, from_status, to_status, reviewer, note, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![hash, from, to, by, note, ts(now)],
        )?;
        Ok(())
    }

    pub fn template_reviews(&self, hash: &str) -> Result<Vec<ReviewRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT from_status, to_status, reviewer, note, at FROM template_review WHERE hash = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([hash], |r| {
            Ok(ReviewRow {
                from_status: r.get(0)?,
                to_status: r.get(1)?,
                reviewer: r.get(2)?,
                note: r.get(3)?,
                at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // ---- agreements ----

    pub(crate) fn insert_agreement(
        &self,
        uid: &str,
        collab: Id,
        kind: &str,
        title: &str,
        now: DateTime<Utc>,
    ) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO agreement (uid, collaboration_id, kind, title, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![uid, collab, kind, title, ts(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_revision(
        &self,
        agreement: Id,
        kind_hash: &str,
        spec: &str,
        spec_hash: &str,
        pins: &[(&str, &str)],
        note: Option<&str>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let number: i64 = self.conn.query_row(
            "SELECT coalesce(max(number), 0) + 1 FROM agreement_revision WHERE agreement_id = ?1",
            [agreement],
            |r| r.get(0),
        )?;
        self.conn.execute(
            "INSERT INTO agreement_revision (agreement_id, number, kind_hash, spec, spec_hash, note, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![agreement, number, kind_hash, spec, spec_hash, note, ts(now), by],
        )?;
        let mut stmt = self
            .conn
            .prepare("INSERT INTO revision_clause (agreement_id, number, clause_id, hash) VALUES (?1, ?2, ?3, ?4)")?;
        for (id, hash) in pins {
            stmt.execute(params![agreement, number, id, hash])?;
        }
        Ok(number)
    }

    const AGREEMENT_SELECT: &str =
        "SELECT a.id, a.uid, a.collaboration_id, a.kind, a.title, a.archived_at, a.created_at,
        (SELECT count(*) FROM agreement_revision r WHERE r.agreement_id = a.id) FROM agreement a";

    fn agreement_row(r: &Row<'_>) -> rusqlite::Result<AgreementRow> {
        Ok(AgreementRow {
            id: r.get(0)?,
            uid: r.get(1)?,
            collaboration_id: r.get(2)?,
            kind: r.get(3)?,
            title: r.get(4)?,
            archived: r.get::<_, Option<String>>(5)?.is_some(),
            created_at: r.get(6)?,
            revisions: r.get(7)?,
        })
    }

    pub fn agreement_row_by_id(&self, id: Id) -> Result<AgreementRow> {
        self.conn
            .query_row(&format!("{} WHERE a.id = ?1", Self::AGREEMENT_SELECT), [id], Self::agreement_row)
            .optional()?
            .ok_or_else(|| Error::not_found("agreement", id))
    }

    pub fn agreement_rows(&self, collab: Option<Id>) -> Result<Vec<AgreementRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "{} WHERE (?1 IS NULL OR a.collaboration_id = ?1) ORDER BY a.collaboration_id, a.id",
            Self::AGREEMENT_SELECT
        ))?;
        let rows = stmt.query_map([collab], Self::agreement_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn revisions(&self, agreement: Id) -> Result<Vec<RevisionRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT agreement_id, number, kind_hash, spec, spec_hash, note, created_at, created_by
             FROM agreement_revision WHERE agreement_id = ?1 ORDER BY number",
        )?;
        let rows = stmt.query_map([agreement], |r| {
            Ok(RevisionRow {
                agreement_id: r.get(0)?,
                number: r.get(1)?,
                kind_hash: r.get(2)?,
                spec: r.get(3)?,
                spec_hash: r.get(4)?,
                note: r.get(5)?,
                created_at: r.get(6)?,
                created_by: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
