//! SQL of publication reviews (`migrations/0010_running.sql`): the publication and its events.

use super::{Store, ts};
use crate::domain::Id;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// A proposed publication under the collaboration's publication terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PublicationRow {
    pub id: Id,
    pub collaboration_id: Id,
    pub number: i64,
    pub title: String,
    pub venue: Option<String>,
    pub file_name: String,
    pub file_sha256: String,
    pub file_size: i64,
    pub publishing_party: Id,
    pub recipients: Vec<Id>,
    /// The agreement (and its revision) whose publication terms the review runs on.
    pub terms_agreement_id: Id,
    pub terms_revision: i64,
    pub notice_period: String,
    pub patent_delay: String,
    pub notice_date: String,
    pub submit_by: Option<String>,
    pub review_deadline: String,
    /// `under_review`, `objected`, `released` or `withdrawn`.
    pub status: String,
    pub released_on: Option<String>,
    pub doi: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

/// One step of a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PublicationEvent {
    pub id: Id,
    pub publication_id: Id,
    /// `notice`, `objection`, `resolution`, `consent`, `release` or `withdrawal`.
    pub kind: String,
    pub party_id: Option<Id>,
    pub ground: Option<String>,
    pub note: Option<String>,
    pub file_sha256: Option<String>,
    pub objection_id: Option<Id>,
    pub delay_until: Option<String>,
    pub on_date: String,
    pub decision_seq: Option<i64>,
    pub at: String,
    pub by: String,
}

/// A publication to record.
#[derive(Debug, Clone)]
pub(crate) struct NewPublicationRow<'a> {
    pub title: &'a str,
    pub venue: Option<&'a str>,
    pub file_name: &'a str,
    pub file_sha256: &'a str,
    pub file_size: i64,
    pub publishing_party: Id,
    pub recipients: &'a [Id],
    pub terms_agreement_id: Id,
    pub terms_revision: i64,
    pub notice_period: &'a str,
    pub patent_delay: &'a str,
    pub notice_date: &'a str,
    pub submit_by: Option<&'a str>,
    pub review_deadline: &'a str,
}

/// A step to record.
#[derive(Debug, Clone, Default)]
pub(crate) struct NewEvent<'a> {
    pub kind: &'a str,
    pub party_id: Option<Id>,
    pub ground: Option<&'a str>,
    pub note: Option<&'a str>,
    pub file_sha256: Option<&'a str>,
    pub objection_id: Option<Id>,
    pub delay_until: Option<&'a str>,
    pub on_date: &'a str,
    pub decision_seq: Option<i64>,
}

const PC: &str = "id, collaboration_id, number, title, venue, file_name, file_sha256, file_size, publishing_party, \
    recipients, terms_agreement_id, terms_revision, notice_period, patent_delay, notice_date, submit_by, \
    review_deadline, status, released_on, doi, created_at, created_by";
const EC: &str = "id, publication_id, kind, party_id, ground, note, file_sha256, objection_id, delay_until, on_date, decision_seq, at, by";

fn pub_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PublicationRow> {
    let rec: String = r.get(9)?;
    Ok(PublicationRow {
        id: r.get(0)?,
        collaboration_id: r.get(1)?,
        number: r.get(2)?,
        title: r.get(3)?,
        venue: r.get(4)?,
        file_name: r.get(5)?,
        file_sha256: r.get(6)?,
        file_size: r.get(7)?,
        publishing_party: r.get(8)?,
        recipients: serde_json::from_str(&rec).unwrap_or_default(),
        terms_agreement_id: r.get(10)?,
        terms_revision: r.get(11)?,
        notice_period: r.get(12)?,
        patent_delay: r.get(13)?,
        notice_date: r.get(14)?,
        submit_by: r.get(15)?,
        review_deadline: r.get(16)?,
        status: r.get(17)?,
        released_on: r.get(18)?,
        doi: r.get(19)?,
        created_at: r.get(20)?,
        created_by: r.get(21)?,
    })
}

fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PublicationEvent> {
    Ok(PublicationEvent {
        id: r.get(0)?,
        publication_id: r.get(1)?,
        kind: r.get(2)?,
        party_id: r.get(3)?,
        ground: r.get(4)?,
        note: r.get(5)?,
        file_sha256: r.get(6)?,
        objection_id: r.get(7)?,
        delay_until: r.get(8)?,
        on_date: r.get(9)?,
        decision_seq: r.get(10)?,
        at: r.get(11)?,
        by: r.get(12)?,
    })
}

impl Store {
    pub(crate) fn insert_publication(
        &self,
        collab: Id,
        p: &NewPublicationRow<'_>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Id> {
        let number: i64 = self.conn.query_row(
            "SELECT coalesce(max(number), 0) + 1 FROM publication WHERE collaboration_id = ?1",
            [collab],
            |r| r.get(0),
        )?;
        let rec = serde_json::to_string(p.recipients).map_err(|e| Error::Conflict(e.to_string()))?;
        self.conn.execute(
            &format!(
                "INSERT INTO publication ({}) VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 'under_review', NULL, NULL, ?17, ?18)",
                PC
            ),
            params![
                collab,
                number,
                p.title,
                p.venue,
                p.file_name,
                p.file_sha256,
                p.file_size,
                p.publishing_party,
                rec,
                p.terms_agreement_id,
                p.terms_revision,
                p.notice_period,
                p.patent_delay,
                p.notice_date,
                p.submit_by,
                p.review_deadline,
                ts(now),
                by
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn publication(&self, id: Id) -> Result<PublicationRow> {
        self.conn
            .query_row(&format!("SELECT {PC} FROM publication WHERE id = ?1"), [id], pub_row)
            .optional()?
            .ok_or_else(|| Error::not_found("publication", id))
    }

    pub(crate) fn publications(&self, collab: Option<Id>) -> Result<Vec<PublicationRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PC} FROM publication WHERE (?1 IS NULL OR collaboration_id = ?1) ORDER BY collaboration_id, number"
        ))?;
        let rows = stmt.query_map(params![collab], pub_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn set_publication_status(
        &self,
        id: Id,
        status: &str,
        released_on: Option<&str>,
        doi: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE publication SET status = ?2, released_on = coalesce(?3, released_on), doi = coalesce(?4, doi) WHERE id = ?1",
            params![id, status, released_on, doi],
        )?;
        Ok(())
    }

    pub(crate) fn insert_publication_event(
        &self,
        publication: Id,
        e: &NewEvent<'_>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO publication_event (publication_id, kind, party_id, ground, note, file_sha256, objection_id,
                delay_until, on_date, decision_seq, at, by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                publication,
                e.kind,
                e.party_id,
                e.ground,
                e.note,
                e.file_sha256,
                e.objection_id,
                e.delay_until,
                e.on_date,
                e.decision_seq,
                ts(now),
                by
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn publication_events(&self, publication: Id) -> Result<Vec<PublicationEvent>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {EC} FROM publication_event WHERE publication_id = ?1 ORDER BY id"))?;
        let rows = stmt.query_map([publication], event_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Publications still under review per collaboration (the health view's input).
    pub(crate) fn pending_publication_counts(&self) -> Result<Vec<(Id, u32)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT collaboration_id, count(*) FROM publication WHERE status IN ('under_review', 'objected')
             GROUP BY collaboration_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The cached Trusted Research summary of a collaboration, if its stamp still holds.
    pub(crate) fn diligence_summary(&self, collab: Id) -> Result<Option<(String, Option<String>, bool)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT stamp, band, signing_blocked FROM diligence_summary WHERE collaboration_id = ?1",
                [collab],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    pub(crate) fn set_diligence_summary(
        &self,
        collab: Id,
        stamp: &str,
        band: Option<&str>,
        blocked: bool,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO diligence_summary (collaboration_id, stamp, band, signing_blocked) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (collaboration_id) DO UPDATE SET stamp = excluded.stamp, band = excluded.band,
                signing_blocked = excluded.signing_blocked",
            params![collab, stamp, band, blocked],
        )?;
        Ok(())
    }

    /// What a collaboration's Trusted Research summary depends on, per collaboration:
    /// latest assessment hash, approvals, screenings and decided matches.
    pub(crate) fn diligence_stamps(&self) -> Result<Vec<(Id, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id,
                    coalesce((SELECT hash FROM assessment_revision a WHERE a.collaboration_id = c.id ORDER BY number DESC LIMIT 1), '')
                    || '/' || (SELECT count(*) FROM diligence_approval p WHERE p.collaboration_id = c.id)
                    || '/' || coalesce((SELECT max(id) FROM screening s WHERE s.collaboration_id = c.id), 0)
                    || '/' || (SELECT count(*) FROM screening_match m JOIN screening s ON s.id = m.screening_id
                               WHERE s.collaboration_id = c.id AND m.decision IS NOT NULL)
                    || '/' || (SELECT count(*) FROM screening_list)
             FROM collaboration c",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
