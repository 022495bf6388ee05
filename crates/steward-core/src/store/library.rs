//! SQL of the clause library (`migrations/0002_library_agreements.sql`, `0005_library_search.sql`):
//! template versions, their reviews, and full-text search.

use super::Store;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

pub(crate) use super::ts;

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

impl Store {
    pub(crate) fn template_versions(&self) -> Result<Vec<TemplateRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {TV_COLS} FROM template_version ORDER BY template_type, template_id, version"))?;
        let rows = stmt.query_map([], tv_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Just the canonical text of a version (what exports embed).
    pub(crate) fn template_canonical(&self, hash: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT canonical FROM template_version WHERE hash = ?1")?
            .query_row([hash], |r| r.get(0))
            .optional()?)
    }

    pub(crate) fn template_version(&self, hash: &str) -> Result<Option<TemplateRow>> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {TV_COLS} FROM template_version WHERE hash = ?1"), [hash], tv_row)
            .optional()?)
    }

    pub(crate) fn next_template_version(&self, ty: &str, id: &str) -> Result<i64> {
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
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            &format!("INSERT INTO template_version ({TV_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            params![hash, ty, id, version, title, canonical, origin, status, ts(now), by],
        )?;
        let note = note.map_or_else(|| format!("imported from {origin}"), str::to_string);
        self.insert_review(hash, "new", status, by, Some(&note), now)
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

    pub(crate) fn template_reviews(&self, hash: &str) -> Result<Vec<ReviewRow>> {
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

    /// Template versions whose text matches the FTS5 query `q`, best first (at most 200).
    /// The newest version's title of a template id, if it has any version.
    pub(crate) fn template_title(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT title FROM template_version WHERE template_id = ?1 ORDER BY version DESC LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Each matching version with its canonical content (for the snippet's wording).
    pub(crate) fn search_templates(&self, q: &str) -> Result<Vec<(crate::library::SearchHit, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.template_type, v.template_id, v.version, v.title, v.status,
                    snippet(template_search, -1, '[', ']', '…', 14), v.canonical
             FROM template_search JOIN template_version AS v ON v.rowid = template_search.rowid
             WHERE template_search MATCH ?1
             ORDER BY rank LIMIT 200",
        )?;
        let rows = stmt.query_map([q], |r| {
            Ok((
                crate::library::SearchHit {
                    template_type: r.get(0)?,
                    id: r.get(1)?,
                    version: r.get(2)?,
                    title: r.get(3)?,
                    status: r.get(4)?,
                    snippet: r.get(5)?,
                },
                r.get(6)?,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
