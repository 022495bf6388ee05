//! SQL of what verification trusts: partners' pinned keys, collaboration uids and the decision
//! log's signed checkpoint (`migrations/0007_trust.sql`).

use super::Store;
use super::ts;
use crate::Id;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

/// A partner's key pinned to its party.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PartnerKey {
    pub id: Id,
    pub party_id: Id,
    pub party: String,
    pub fingerprint: String,
    /// The certificate's name, e-mail and organisation.
    pub subject: String,
    pub pinned_at: String,
    pub pinned_by: String,
    /// The signed file it came in, and that file's SHA-256.
    pub file_name: String,
    pub file_sha256: String,
    /// The decision-log entry that accepted it (none: the party's first key).
    pub decision_seq: Option<i64>,
    #[serde(skip)]
    pub certificate: Vec<u8>,
}

/// A new pin, as the import records it.
pub(crate) struct NewPin<'a> {
    pub party_id: Id,
    pub fingerprint: &'a str,
    pub certificate: &'a [u8],
    pub subject: &'a str,
    pub by: &'a str,
    pub file_name: &'a str,
    pub file_sha256: &'a str,
    pub decision_seq: Option<i64>,
}

const KEY_COLS: &str =
    "k.id, k.party_id, p.legal_name, k.fingerprint, k.subject, k.pinned_at, k.pinned_by, k.file_name,
                        k.file_sha256, k.decision_seq, k.certificate";

fn key_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PartnerKey> {
    Ok(PartnerKey {
        id: r.get(0)?,
        party_id: r.get(1)?,
        party: r.get(2)?,
        fingerprint: r.get(3)?,
        subject: r.get(4)?,
        pinned_at: r.get(5)?,
        pinned_by: r.get(6)?,
        file_name: r.get(7)?,
        file_sha256: r.get(8)?,
        decision_seq: r.get(9)?,
        certificate: r.get(10)?,
    })
}

impl Store {
    /// Pinned keys, of one party or of all, oldest first.
    pub(crate) fn partner_keys(&self, party: Option<Id>) -> Result<Vec<PartnerKey>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {KEY_COLS} FROM party_key k JOIN party p ON p.id = k.party_id
             WHERE ?1 IS NULL OR k.party_id = ?1 ORDER BY k.id"
        ))?;
        let rows = stmt.query_map([party], key_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The pinned keys with this fingerprint (one per party that uses it).
    pub(crate) fn partner_keys_by_fingerprint(&self, fingerprint: &str) -> Result<Vec<PartnerKey>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {KEY_COLS} FROM party_key k JOIN party p ON p.id = k.party_id WHERE k.fingerprint = ?1 ORDER BY k.id"
        ))?;
        let rows = stmt.query_map([fingerprint], key_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn insert_partner_key(&self, k: &NewPin<'_>, now: DateTime<Utc>) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO party_key (party_id, fingerprint, certificate, subject, pinned_at, pinned_by, file_name, file_sha256, decision_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                k.party_id,
                k.fingerprint,
                k.certificate,
                k.subject,
                ts(now),
                k.by,
                k.file_name,
                k.file_sha256,
                k.decision_seq
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The stable uid of a collaboration.
    pub(crate) fn collaboration_uid(&self, id: Id) -> Result<String> {
        let uid: Option<Option<String>> =
            self.conn.query_row("SELECT uid FROM collaboration WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        match uid {
            Some(Some(u)) => Ok(u),
            Some(None) => Ok(format!("collaboration-{id}")),
            None => Err(crate::Error::not_found("collaboration", id)),
        }
    }

    pub(crate) fn set_collaboration_uid(&self, id: Id, uid: &str) -> Result<()> {
        self.conn.execute("UPDATE collaboration SET uid = ?2 WHERE id = ?1 AND uid IS NULL", params![id, uid])?;
        Ok(())
    }

    /// The signed checkpoint of a collaboration's log: its canonical text and signature.
    pub(crate) fn log_checkpoint(&self, collab: Id) -> Result<Option<(String, Vec<u8>)>> {
        let row: Option<(Option<String>, Option<Vec<u8>>)> = self
            .conn
            .query_row(
                "SELECT checkpoint, checkpoint_signature FROM decision_log WHERE collaboration_id = ?1",
                [collab],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match row {
            Some((Some(c), Some(s))) => Some((c, s)),
            _ => None,
        })
    }

    pub(crate) fn set_log_checkpoint(&self, collab: Id, checkpoint: &str, signature: &[u8]) -> Result<()> {
        self.conn.execute(
            "UPDATE decision_log SET checkpoint = ?2, checkpoint_signature = ?3 WHERE collaboration_id = ?1",
            params![collab, checkpoint, signature],
        )?;
        Ok(())
    }
}

/// A new trust anchor's row.
pub(crate) struct NewAnchor<'a> {
    pub name: &'a str,
    pub subject: &'a str,
    pub certificate: &'a [u8],
    pub fingerprint: &'a str,
    pub not_before: &'a str,
    pub not_after: &'a str,
    pub added_at: &'a str,
    pub added_by: &'a str,
}

impl Store {
    pub(crate) fn insert_trust_anchor(&self, a: &NewAnchor<'_>) -> Result<Id> {
        self.conn.execute(
            "INSERT INTO trust_anchor (name, subject, certificate, fingerprint, not_before, not_after, added_at, added_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![a.name, a.subject, a.certificate, a.fingerprint, a.not_before, a.not_after, a.added_at, a.added_by],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every trust anchor, by name.
    pub(crate) fn trust_anchors(&self) -> Result<Vec<crate::trust::lasting::TrustAnchor>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, subject, fingerprint, not_before, not_after, added_at, added_by, certificate
             FROM trust_anchor ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(crate::trust::lasting::TrustAnchor {
                id: r.get(0)?,
                name: r.get(1)?,
                subject: r.get(2)?,
                fingerprint: r.get(3)?,
                not_before: r.get(4)?,
                not_after: r.get(5)?,
                added_at: r.get(6)?,
                added_by: r.get(7)?,
                certificate: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn delete_trust_anchor(&self, id: Id) -> Result<()> {
        let n = self.conn.execute("DELETE FROM trust_anchor WHERE id = ?1", [id])?;
        if n == 0 { Err(crate::Error::not_found("trust anchor", id)) } else { Ok(()) }
    }
}
