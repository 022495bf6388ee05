//! SQL of library sources and releases (`migrations/0012_library_sources.sql`).

use super::Store;
use crate::domain::Id;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

pub(crate) use super::ts;

/// A followed source as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceRow {
    pub id: Id,
    pub name: String,
    pub url: String,
    pub branch: String,
    pub trusted: Vec<String>,
    pub created_at: String,
    pub last_pulled_at: Option<String>,
    pub last_error: Option<String>,
}

/// A release as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReleaseRow {
    pub id: Id,
    pub source_id: Option<Id>,
    pub remote: String,
    pub branch: String,
    pub sequence: i64,
    pub manifest_sha256: String,
    pub manifest: String,
    pub commit_id: String,
    pub library: String,
    pub publisher: String,
    pub fingerprint: String,
    pub published_at: String,
    pub recorded_at: String,
}

/// A release to record.
pub(crate) struct NewRelease<'a> {
    pub source_id: Option<Id>,
    pub remote: &'a str,
    pub branch: &'a str,
    pub sequence: i64,
    pub manifest_sha256: &'a str,
    pub manifest: &'a str,
    pub commit_id: &'a str,
    pub library: &'a str,
    pub publisher: &'a str,
    pub fingerprint: &'a str,
    pub published_at: &'a str,
}

const SOURCE_COLS: &str = "id, name, url, branch, trusted, created_at, last_pulled_at, last_error";
const RELEASE_COLS: &str = "id, source_id, remote, branch, sequence, manifest_sha256, manifest, commit_id, library, \
                            publisher, fingerprint, published_at, recorded_at";

fn source_row(r: &Row<'_>) -> rusqlite::Result<SourceRow> {
    let trusted: String = r.get(4)?;
    Ok(SourceRow {
        id: r.get(0)?,
        name: r.get(1)?,
        url: r.get(2)?,
        branch: r.get(3)?,
        trusted: serde_json::from_str(&trusted).unwrap_or_default(),
        created_at: r.get(5)?,
        last_pulled_at: r.get(6)?,
        last_error: r.get(7)?,
    })
}

fn release_row(r: &Row<'_>) -> rusqlite::Result<ReleaseRow> {
    Ok(ReleaseRow {
        id: r.get(0)?,
        source_id: r.get(1)?,
        remote: r.get(2)?,
        branch: r.get(3)?,
        sequence: r.get(4)?,
        manifest_sha256: r.get(5)?,
        manifest: r.get(6)?,
        commit_id: r.get(7)?,
        library: r.get(8)?,
        publisher: r.get(9)?,
        fingerprint: r.get(10)?,
        published_at: r.get(11)?,
        recorded_at: r.get(12)?,
    })
}

impl Store {
    pub(crate) fn insert_source(
        &self,
        name: &str,
        url: &str,
        branch: &str,
        trusted: &[String],
        now: DateTime<Utc>,
    ) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO library_source (name, url, branch, trusted, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, url, branch, serde_json::to_string(trusted).unwrap_or_else(|_| "[]".into()), ts(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn set_source_trust(&self, id: Id, trusted: &[String]) -> Result<()> {
        self.conn.execute(
            "UPDATE library_source SET trusted = ?2 WHERE id = ?1",
            params![id, serde_json::to_string(trusted).unwrap_or_else(|_| "[]".into())],
        )?;
        Ok(())
    }

    pub(crate) fn sources(&self) -> Result<Vec<SourceRow>> {
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {SOURCE_COLS} FROM library_source ORDER BY name"))?;
        let rows = stmt.query_map([], source_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn source_by_name(&self, name: &str) -> Result<Option<SourceRow>> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {SOURCE_COLS} FROM library_source WHERE name = ?1"), [name], source_row)
            .optional()?)
    }

    /// Notes a pull's time, and its failure (or clears it).
    pub(crate) fn note_pull(&self, id: Id, error: Option<&str>, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE library_source SET last_pulled_at = ?2, last_error = ?3 WHERE id = ?1",
            params![id, ts(now), error],
        )?;
        Ok(())
    }

    pub(crate) fn insert_release(&self, r: &NewRelease<'_>, now: DateTime<Utc>) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO library_release (source_id, remote, branch, sequence, manifest_sha256, manifest, commit_id,
                 library, publisher, fingerprint, published_at, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                r.source_id,
                r.remote,
                r.branch,
                r.sequence,
                r.manifest_sha256,
                r.manifest,
                r.commit_id,
                r.library,
                r.publisher,
                r.fingerprint,
                r.published_at,
                ts(now)
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The newest release accepted from a source.
    pub(crate) fn latest_release(&self, source: Id) -> Result<Option<ReleaseRow>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {RELEASE_COLS} FROM library_release WHERE source_id = ?1 ORDER BY sequence DESC LIMIT 1"
                ),
                [source],
                release_row,
            )
            .optional()?)
    }

    /// Releases published from this store, newest first.
    pub(crate) fn published_releases(&self) -> Result<Vec<ReleaseRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RELEASE_COLS} FROM library_release WHERE source_id IS NULL ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([], release_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn insert_provenance(&self, hash: &str, release: Id) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO template_provenance (hash, release_id) VALUES (?1, ?2)",
            params![hash, release],
        )?;
        Ok(())
    }

    /// The first accepted release each version arrived in: (source name, library, sequence).
    pub(crate) fn provenance(&self, hash: &str) -> Result<Option<(String, String, i64)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT s.name, r.library, r.sequence FROM template_provenance p
                 JOIN library_release r ON r.id = p.release_id
                 JOIN library_source s ON s.id = r.source_id
                 WHERE p.hash = ?1 ORDER BY r.id LIMIT 1",
                [hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }
}
