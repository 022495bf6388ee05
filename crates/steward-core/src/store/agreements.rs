//! SQL of agreements and their revisions (`migrations/0002_library_agreements.sql`).

use super::{Store, ts};
use crate::domain::Id;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

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

/// An agreement's own record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AgreementInfo {
    pub id: Id,
    pub uid: String,
    pub collaboration_id: Id,
    pub kind: String,
    pub title: String,
    pub archived: bool,
    pub created_at: String,
}

/// An agreement as lists show it: its record and how many revisions it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AgreementRow {
    #[serde(flatten)]
    pub info: AgreementInfo,
    pub revisions: i64,
    /// Signatures on its revisions (filled by the agreement list; empty elsewhere).
    pub signatures: Vec<RevisionSignature>,
}

/// A signature on one revision of an agreement: one of ours (made by Steward on export or on
/// countersigning) or a partner's (in a signed file we received).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RevisionSignature {
    /// Our revision the signed file holds; none for a partner's own draft (text that is not one
    /// of our revisions: see `their_revision`).
    pub revision: Option<i64>,
    /// For a partner's signature: the revision number in their store.
    pub their_revision: Option<i64>,
    /// `ours` or `partner`.
    pub side: String,
    /// Our identity's name, or the partner signer's line as their certificate gives it.
    pub signer: String,
    pub organisation: Option<String>,
    pub signed_at: String,
    /// The signed file's SHA-256.
    pub file_sha256: String,
    /// The received draft that carried a partner's signature.
    pub received_draft: Option<Id>,
}

impl std::ops::Deref for AgreementRow {
    type Target = AgreementInfo;
    fn deref(&self) -> &AgreementInfo {
        &self.info
    }
}

impl Store {
    /// Every signature on an agreement's revisions that Steward knows of, by revision then time.
    pub(crate) fn revision_signatures(&self, agreement: Id) -> Result<Vec<RevisionSignature>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.revision, i.name, i.organisation, s.signed_at, s.file_sha256
             FROM agreement_signature s JOIN identity i ON i.id = s.identity_id
             WHERE s.agreement_id = ?1",
        )?;
        let mut out: Vec<RevisionSignature> = stmt
            .query_map([agreement], |r| {
                Ok(RevisionSignature {
                    revision: Some(r.get(0)?),
                    their_revision: None,
                    side: "ours".into(),
                    signer: r.get(1)?,
                    organisation: r.get(2)?,
                    signed_at: r.get(3)?,
                    file_sha256: r.get(4)?,
                    received_draft: None,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, their_revision, signers, received_at, file_sha256, spec FROM received_draft
             WHERE agreement_id = ?1 AND signed = 1",
        )?;
        let rows = stmt.query_map([agreement], |r| {
            Ok((
                r.get::<_, Id>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let ours: Vec<(i64, String)> =
            self.revisions(agreement)?.into_iter().map(|r| (r.number, r.spec_hash)).collect();
        for row in rows {
            let (id, their, signers, at, sha, spec) = row?;
            // The partner signed one of our revisions when their draft is ours to the byte.
            let spec_hash = steward_clauses::canonical::sha256_hex(spec.as_bytes());
            let revision = ours.iter().find(|(_, h)| *h == spec_hash).map(|(n, _)| *n);
            let signers: Vec<String> = serde_json::from_str(&signers).unwrap_or_default();
            for line in signers {
                // A signer line is `name <email>, organisation` (the organisation may be absent).
                let (signer, organisation) = match line.split_once(">, ") {
                    Some((who, org)) => (format!("{who}>"), Some(org.to_string())),
                    None => (line.clone(), None),
                };
                out.push(RevisionSignature {
                    revision,
                    their_revision: Some(their),
                    side: "partner".into(),
                    signer,
                    organisation,
                    signed_at: at.clone(),
                    file_sha256: sha.clone(),
                    received_draft: Some(id),
                });
            }
        }
        out.sort_by(|a, b| a.revision.cmp(&b.revision).then_with(|| a.signed_at.cmp(&b.signed_at)));
        Ok(out)
    }

    /// A revision's rendered document (JSON) as the renderer `renderer` made it, if kept.
    pub(crate) fn rendering(&self, spec_hash: &str, renderer: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT document FROM rendering WHERE spec_hash = ?1 AND renderer = ?2")?
            .query_row([spec_hash, renderer], |r| r.get(0))
            .optional()?)
    }

    /// Keeps a revision's rendered document (one per spec and renderer; a damaged one is replaced).
    pub(crate) fn save_rendering(&self, spec_hash: &str, renderer: &str, document: &str) -> Result<()> {
        self.conn
            .prepare_cached("INSERT OR REPLACE INTO rendering (spec_hash, renderer, document) VALUES (?1, ?2, ?3)")?
            .execute([spec_hash, renderer, document])?;
        Ok(())
    }

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
            info: AgreementInfo {
                id: r.get(0)?,
                uid: r.get(1)?,
                collaboration_id: r.get(2)?,
                kind: r.get(3)?,
                title: r.get(4)?,
                archived: r.get::<_, Option<String>>(5)?.is_some(),
                created_at: r.get(6)?,
            },
            revisions: r.get(7)?,
            signatures: Vec::new(),
        })
    }

    pub(crate) fn agreement_row_by_id(&self, id: Id) -> Result<AgreementRow> {
        self.conn
            .query_row(&format!("{} WHERE a.id = ?1", Self::AGREEMENT_SELECT), [id], Self::agreement_row)
            .optional()?
            .ok_or_else(|| Error::not_found("agreement", id))
    }

    /// The agreement with this stable uid (as partners' drafts name it), if any.
    pub(crate) fn agreement_by_uid(&self, uid: &str) -> Result<Option<AgreementRow>> {
        Ok(self
            .conn
            .query_row(&format!("{} WHERE a.uid = ?1", Self::AGREEMENT_SELECT), [uid], Self::agreement_row)
            .optional()?)
    }

    pub(crate) fn agreement_rows(&self, collab: Option<Id>) -> Result<Vec<AgreementRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "{} WHERE (?1 IS NULL OR a.collaboration_id = ?1) ORDER BY a.collaboration_id, a.id",
            Self::AGREEMENT_SELECT
        ))?;
        let rows = stmt.query_map([collab], Self::agreement_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn revisions(&self, agreement: Id) -> Result<Vec<RevisionRow>> {
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
